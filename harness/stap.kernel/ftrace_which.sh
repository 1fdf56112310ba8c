# ftrace_which.sh FUNCTION...: the test script's own reads and writes
# (read from /proc/version in this shell, the -c target), then how each
# kernel FUNCTION is probed at that moment: "ftrace" (a callback of a
# script module, stp_ft_N, on its ftrace site: enabled_functions),
# "kprobe" (in kprobes' list: at +0x0, or +0x4 past the endbr64 of an
# IBT kernel, 6.12) or "none" (docs/kernel.md).
read -r version < /proc/version
t=/sys/kernel/tracing
[ -r $t/enabled_functions ] || t=/sys/kernel/debug/tracing
for f; do
	if grep -q "^$f .*stp_ft_" $t/enabled_functions; then
		echo "$f ftrace"
	elif grep -qE " $f\+0x[0-9a-f]+ " /sys/kernel/debug/kprobes/list; then
		echo "$f kprobe"
	else
		echo "$f none"
	fi
done
