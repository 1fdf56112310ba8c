# uprobe-arm-disarm (docs/torture.md): uprobes armed and disarmed, their
# module loaded and unloaded, again and again while their binary runs
# under them: tuload's spin (a thread calling tu_work without pause, a
# child forked every 50 ms; SIGTERM ends it after the cycles), and cycles of
# uarmdisarm.stp (tu_work's entry and return): two of every three with
# "staprun -v -c 'tuload work 100'", the third killed once armed and
# its module removed by rmmod under live probes.  Invariants: every
# cycle ends cleanly and counts its own command's 100 calls exactly,
# entries and returns (judge.sh uhits_exact); every killed session's
# module was removed (hot_unload_outcome); the spin workload survives
# every arming and disarming with every result right (a breakpoint left
# behind kills it with SIGTRAP, a corrupted instruction gives a wrong
# result), and so does a new process of the binary after the last
# cycle; memory back to baseline (lib.sh's memory_back).
ko=$(ko uarmdisarm)
tuload spin $((DUR + 15)) 1 > /tmp/uspin.out 2>&1 &
spin=$!
: > /tmp/ucycles.err
# One cycle: 0, 1 when staprun failed, 2 when its counts were off.
cycle() {
	"$STAPRUN" -v -c "tuload work 100" "$ko" > /tmp/ucycle.out 2>> /tmp/ucycles.err || return 1
	uhits_exact "$(grep '^uhits ' /tmp/ucycle.out | tail -1)" 100 ||
		{ echo "cycle $n: counts off: $(cat /tmp/ucycle.out)" >> /tmp/ucycles.err; return 2; }
}
# A session killed once armed (60 s at most), its module removed: the
# outcome (judge.sh hot_unload_outcome).
hot_unload() {
	"$STAPRUN" -v "$ko" > /dev/null 2> /tmp/ukill.err &
	pid=$!
	armed=no w=0
	while [ $w -lt 600 ] && kill -0 $pid 2> /dev/null; do
		grep -q 'armed in' /tmp/ukill.err && { armed=yes; break; }
		sleep 0.1
		w=$((w + 1))
	done
	sleep 0.5
	kill -KILL $pid 2> /dev/null
	wait $pid 2> /dev/null
	mod=$(awk '$1 ~ /^stap_/ { print $1 }' /proc/modules | head -1)
	rrc=0
	[ -z "$mod" ] || { timeout 60 rmmod "$mod" >&2; rrc=$?; }
	hot_unload_outcome $armed "$mod" $rrc
}
cycles_begin
n=0 bad=0 off=0 unloads=0 under_load=0
while [ "$n" -lt 3 ] || { before_end && kill -0 $spin 2> /dev/null; }; do
	kill -0 $spin 2> /dev/null && under_load=$((under_load + 1))
	if [ $((n % 3)) -eq 2 ]; then
		o=$(hot_unload)
		[ "$o" = unloaded ] && unloads=$((unloads + 1)) ||
			{ bad=$((bad + 1)); echo "cycle $n, killed: $o" >> /tmp/ucycles.err; cat /tmp/ukill.err >> /tmp/ucycles.err; }
	else
		cycle
		case $? in
		0) ;;
		2) off=$((off + 1)) ;;
		*) bad=$((bad + 1)); echo "cycle $n failed" >> /tmp/ucycles.err ;;
		esac
	fi
	n=$((n + 1))
done
secs=$(elapsed "$t0")
grep -v '^staprun: \(loaded\|begin\|probes\|unloaded\)' /tmp/ucycles.err | head -50
kill -TERM $spin 2> /dev/null # done with it: it reports and exits 0
wait $spin
spin_rc=$?
cat /tmp/uspin.out
set -- $(awk '$1 == "calls" { c = $2; f = $4; b = $6 } END { print c + 0, f + 0, b == "" ? "none" : b }' /tmp/uspin.out)
spin_calls=$1 spin_forks=$2 spin_bad=$3
tuload work 1000 > /tmp/uafter.out 2>&1
after_rc=$?
after=$(memsnap)
sed -n 's/.*armed in \([0-9.]*\) s/arm \1/p; s/.*disarmed and end probes run in \([0-9.]*\) s/disarm \1/p' \
	/tmp/ucycles.err > /tmp/utimes
figure cycles "$n"
figure cycles_under_load "$under_load"
figure unloaded_hot "$unloads"
figure failed_cycles "$bad"
figure off_cycles "$off"
figure spin_calls "$spin_calls"
figure spin_forks "$spin_forks"
figure seconds "$secs"
figure arm_s_mean "$(awk '$1 == "arm" { s += $2; n++ } END { printf "%.4f", n ? s / n : 0 }' /tmp/utimes)"
figure disarm_s_mean "$(awk '$1 == "disarm" { s += $2; n++ } END { printf "%.4f", n ? s / n : 0 }' /tmp/utimes)"
check "cycles ran, at least 2 with the workload running ($under_load of $n)" [ "$under_load" -ge 2 ]
check "every cycle loaded, armed, disarmed and unloaded ($bad failed)" [ "$bad" -eq 0 ]
check "every cycle counted its command's calls exactly ($off off)" [ "$off" -eq 0 ]
check "modules were removed under live uprobes ($unloads)" [ "$unloads" -gt 0 ]
check "the workload survived every arming and disarming, every result right (exit $spin_rc, bad $spin_bad)" \
	[ "$spin_rc" -eq 0 -a "$spin_bad" = 0 ]
check "a new process of the binary runs clean after the last disarm (exit $after_rc)" [ "$after_rc" -eq 0 ]
memory_back "$before" "$after" "$n"
