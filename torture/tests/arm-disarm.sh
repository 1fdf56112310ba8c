# arm-disarm (docs/torture.md): load, arm, disarm and unload the same
# module again and again while its target is hot on every vCPU.
# Invariants: every cycle succeeds, memory returns to its baseline (slab,
# and MemAvailable with the per-CPU free lists, after dropping caches; kmemleak where the kernel has
# it), no splat.
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
leaks=$(kmemleak_count)
set -- $before $after
slab=$(($5 - $1)) unrec=$(($6 - $2)) avail=$(($3 - $7)) pcp=$(($8 - $4))
figure cycles "$n"
figure failed_cycles "$bad"
figure seconds "$secs"
awk '$1 == "arm" { s += $2; if ($2 > m) m = $2; n++ } END { if (n) printf "%.4f %.4f\n", s / n, m; else print "0 0" }' /tmp/times > /tmp/arm
awk '$1 == "disarm" { s += $2; if ($2 > m) m = $2; n++ } END { if (n) printf "%.4f %.4f\n", s / n, m; else print "0 0" }' /tmp/times > /tmp/disarm
figure arm_s_mean "$(cut -d' ' -f1 /tmp/arm)"
figure arm_s_max "$(cut -d' ' -f2 /tmp/arm)"
figure disarm_s_mean "$(cut -d' ' -f1 /tmp/disarm)"
figure disarm_s_max "$(cut -d' ' -f2 /tmp/disarm)"
figure slab_delta_kb "$slab"
figure unreclaimable_delta_kb "$unrec"
figure available_drop_kb "$avail"
figure pcp_lists_delta_kb "$pcp"
figure kmemleak "$leaks"
check "cycles ran" [ "$n" -gt 0 ]
check "every cycle loaded, armed, disarmed and unloaded" [ "$bad" -eq 0 ]
# The baseline's noise (slab caches refilled by the workload, the
# per-CPU page lists) is a few hundred kB; a leak of even 1 kB a cycle
# over the cycles of a run shows above it.
lim=$((512 + n / 4))
check "slab back to baseline (grew $slab kB, limit $lim)" [ "$slab" -le "$lim" ]
check "memory back to baseline (available fell $avail kB, free lists included, limit $((lim * 4)))" [ "$avail" -le $((lim * 4)) ]
[ "$leaks" = na ] || check "kmemleak finds nothing new ($leaks)" [ "$leaks" = 0 ]
