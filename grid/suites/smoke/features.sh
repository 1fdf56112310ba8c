# Every feature the kernel's configuration lists (features = ...) is there.
T=/sys/kernel/tracing
status=0
have() {
	case "$1" in
	kprobes) [ -e $T/kprobe_events ] ;;
	kretprobes) grep -q 'r\[maxactive\]' $T/README ;;
	optprobes) [ -e /proc/sys/debug/kprobes-optimization ] ;;
	uprobes) [ -e $T/uprobe_events ] ;;
	btf) [ -s /sys/kernel/btf/vmlinux ] ;;
	tracefs) [ -e $T/trace ] ;;
	fprobe) grep -q 'f\[:\[' $T/README ;;
	preempt_rt) [ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] ;;
	kasan) dmesg | grep -q 'KernelAddressSanitizer initialized' ;;
	lockdep) [ -e /proc/lockdep ] ;;
	uniprocessor) ! grep -q ' SMP ' /proc/version ;;
	gcov) [ -e /sys/kernel/debug/gcov/reset ] ;;
	*) echo "unknown feature $1"; return 1 ;;
	esac
}
for f in $GRID_FEATURES; do
	if have "$f"; then echo "have $f"; else echo "MISSING $f"; status=1; fi
done
exit $status
