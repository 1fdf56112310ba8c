# arm-disarm (docs/torture.md): load, arm, disarm and unload the same
# module again and again while its target is hot on every vCPU.
# Invariants: every cycle succeeds, memory returns to its baseline (slab,
# and MemAvailable with the per-CPU free lists, after dropping caches;
# kmemleak where the kernel has it: lib.sh's memory_back), no splat.
load_helper tbait
ko=$(ko armdisarm)
# At least --duration seconds; a certification run (600 s or more) goes
# on to 10,000 cycles however long they take.
max=10000 min=0
[ "$DUR" -ge 600 ] && min=10000
hot() { while tload hot 200000 "$1" 2> /dev/null; do :; done; }
cpu=0
while [ $cpu -lt "$NCPU" ]; do
	bg hot $cpu
	cpu=$((cpu + 1))
done
cycle() { "$STAPRUN" -v -c true "$ko" > /dev/null 2>> /tmp/cycles.err; }
cycle # warm-up: first-use caches are not a leak
before=$(memsnap)
kmemleak_clear
t0=$(now)
END=$(($(secs) + DUR))
n=0 bad=0
: > /tmp/cycles.err
while [ "$n" -lt "$min" ] || { [ "$n" -lt "$max" ] && before_end; }; do
	cycle || { bad=$((bad + 1)); echo "cycle $n failed" >> /tmp/cycles.err; }
	n=$((n + 1))
done
grep -v '^staprun: \(loaded\|begin\|probes\|unloaded\)' /tmp/cycles.err | head -50
sed -n 's/.*armed in \([0-9.]*\) s/arm \1/p; s/.*disarmed and end probes run in \([0-9.]*\) s/disarm \1/p' \
	/tmp/cycles.err > /tmp/times
secs=$(elapsed "$t0")
bg_stop
after=$(memsnap)
figure cycles "$n"
figure failed_cycles "$bad"
figure seconds "$secs"
awk '$1 == "arm" { s += $2; if ($2 > m) m = $2; n++ } END { if (n) printf "%.4f %.4f\n", s / n, m; else print "0 0" }' /tmp/times > /tmp/arm
awk '$1 == "disarm" { s += $2; if ($2 > m) m = $2; n++ } END { if (n) printf "%.4f %.4f\n", s / n, m; else print "0 0" }' /tmp/times > /tmp/disarm
figure arm_s_mean "$(cut -d' ' -f1 /tmp/arm)"
figure arm_s_max "$(cut -d' ' -f2 /tmp/arm)"
figure disarm_s_mean "$(cut -d' ' -f1 /tmp/disarm)"
figure disarm_s_max "$(cut -d' ' -f2 /tmp/disarm)"
check "cycles ran" [ "$n" -gt 0 ]
check "every cycle loaded, armed, disarmed and unloaded" [ "$bad" -eq 0 ]
memory_back "$before" "$after" "$n"
