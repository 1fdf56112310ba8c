# recursion (docs/torture.md): probes on what the runtime itself calls
# (spin locks, the clock, fault-safe copies, the relay, printk, RCU) and
# handlers that fire their own probe.  Invariants: the session ends
# cleanly (exit 0, in time), every probe fired, and re-entry was skipped
# and counted (kprobes' misses), never nested.
load_helper tbait
cat > /tmp/recursion-load.sh <<LOAD
end=\$((\$(cut -d. -f1 /proc/uptime) + $DUR))
while [ "\$(cut -d. -f1 /proc/uptime)" -lt "\$end" ]; do
	tload recurse 200 > /dev/null
	tload hot 1000
done
LOAD
session recursion "sh /tmp/recursion-load.sh"
skipped=$(skipped_of "$GRID/recursion.err")
missed=$(missed_of "$GRID/recursion.err")
figure seconds "$secs"
figure skipped "$skipped"
figure missed "$missed"
for f in _raw_spin_lock _raw_spin_lock_irqsave _raw_spin_unlock_irqrestore vprintk_emit \
	relay_switch_subbuf ktime_get_with_offset copy_from_kernel_nofault __rcu_read_lock; do
	h=$(awk -v f="$f" '$1 == "hits" && $2 == f { print $3 }' "$GRID/recursion.out")
	figure "hits_$f" "${h:-0}"
	case $f in
	# optional; fires only when a sub-buffer fills; called by chance
	__rcu_read_lock|relay_switch_subbuf|copy_from_kernel_nofault) ;;
	# a uniprocessor kernel without preemption has no spin lock calls
	_raw_spin_*) grep -q " $f\$" /proc/kallsyms && check "$f fired" [ "${h:-0}" -gt 0 ] ;;
	*) check "$f fired" [ "${h:-0}" -gt 0 ] ;;
	esac
done
check "the session ends cleanly (exit $rc)" [ "$rc" -eq 0 ]
check "it ended in time ($secs s)" [ "$rc" -ne 124 -a "$rc" -ne 137 ]
check "re-entry was counted as skipped (missed $missed of skipped $skipped)" [ "$missed" -gt 0 -a "$skipped" -ge "$missed" ]
