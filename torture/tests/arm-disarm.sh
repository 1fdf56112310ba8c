# arm-disarm (docs/torture.md): load, arm, disarm and unload the same
# module again and again while its target is hot on every vCPU.
# Invariants: every cycle succeeds; in every cycle each probe fired while
# armed (the kprobe at least the 100 calls the cycle's own command makes)
# and after it no kprobe of it is left in the kernel's list (debugfs
# kprobes/list back to its count before: nothing left that could fire);
# memory returns to its baseline (slab, and MemAvailable with the per-CPU
# free lists, after dropping caches; kmemleak where the kernel has it:
# lib.sh's memory_back), no splat.
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
KP="$DBG/kprobes/list"
check "the kernel's kprobe list is readable" [ -r "$KP" ]
base=$(kprobes_live "$KP")
# One cycle: load, arm, 100 calls of the hot function by the cycle's own
# command, disarm, unload.  Exit 1 when staprun failed, 2 when a probe did
# not fire (judge.sh cycle_fired), 3 when kprobes stayed registered.
cycle() {
	"$STAPRUN" -v -c "tload hot 100 0" "$ko" > /tmp/cycle.out 2>> /tmp/cycles.err || return 1
	cycle_fired "$(grep '^hits ' /tmp/cycle.out | tail -1)" 100 ||
		{ echo "cycle $n: a probe did not fire while armed: $(cat /tmp/cycle.out)" >> /tmp/cycles.err; return 2; }
	left=$(kprobes_live "$KP")
	[ "$left" -eq "$base" ] ||
		{ echo "cycle $n: $((left - base)) kprobes still registered after disarm" >> /tmp/cycles.err; return 3; }
}
cycles_begin
n=0 bad=0 silent=0 stale=0
: > /tmp/cycles.err
while [ "$n" -lt "$min" ] || { [ "$n" -lt "$max" ] && before_end; }; do
	cycle
	case $? in
	0) ;;
	2) silent=$((silent + 1)) ;;
	3) stale=$((stale + 1)) ;;
	*) bad=$((bad + 1)); echo "cycle $n failed" >> /tmp/cycles.err ;;
	esac
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
figure silent_cycles "$silent"
figure stale_cycles "$stale"
figure seconds "$secs"
awk '$1 == "arm" { s += $2; if ($2 > m) m = $2; n++ } END { if (n) printf "%.4f %.4f\n", s / n, m; else print "0 0" }' /tmp/times > /tmp/arm
awk '$1 == "disarm" { s += $2; if ($2 > m) m = $2; n++ } END { if (n) printf "%.4f %.4f\n", s / n, m; else print "0 0" }' /tmp/times > /tmp/disarm
figure arm_s_mean "$(cut -d' ' -f1 /tmp/arm)"
figure arm_s_max "$(cut -d' ' -f2 /tmp/arm)"
figure disarm_s_mean "$(cut -d' ' -f1 /tmp/disarm)"
figure disarm_s_max "$(cut -d' ' -f2 /tmp/disarm)"
check "cycles ran" [ "$n" -gt 0 ]
check "every cycle loaded, armed, disarmed and unloaded" [ "$bad" -eq 0 ]
check "every probe fired in every cycle while armed ($silent cycles with one silent)" [ "$silent" -eq 0 ]
check "no kprobe left registered after any cycle's disarm ($stale cycles left some)" [ "$stale" -eq 0 ]
memory_back "$before" "$after" "$n"
