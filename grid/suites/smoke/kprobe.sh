# A kprobe through tracefs: define it, enable it, make it fire, read the
# hit count, take it away.  No tracer of ours is involved: this proves the
# kernel and the guest can do what every tracer test relies on.
set -e
T=/sys/kernel/tracing
echo 'p:grid_smoke do_sys_openat2' >> $T/kprobe_events
echo 1 > $T/events/kprobes/grid_smoke/enable
for i in 1 2 3 4 5; do cat /proc/version > /dev/null; done
echo 0 > $T/events/kprobes/grid_smoke/enable
hits=$(awk '$1 == "grid_smoke" { print $2 }' $T/kprobe_profile)
echo '-:grid_smoke' >> $T/kprobe_events
echo "hits: $hits"
[ "${hits:-0}" -ge 5 ]
