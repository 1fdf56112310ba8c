# driver-stack (docs/torture.md): the bait's stack hog leaves a margin of
# the kernel stack, paints it, and calls a probed function; the deepest
# word overwritten is what the call used, probes included.  Measured with
# no probe, with a bare kprobe (kretprobe), and with a heavy stap handler
# of each type.  Invariants: the stap handler's share (stap minus bare)
# stays within the runtime's budget (docs/kernel.md "Stack"), and nothing
# overflows (VMAP_STACK's guard page would panic the guest).
load_helper tbait
case " $GRID_FEATURES " in
*" kasan "*) budget=4096 scale=2 ;; # KASAN doubles frames and THREAD_SIZE
*) budget=2048 scale=1 ;;
esac
margin=$((${TORTURE_STACK_MARGIN:-3072} * scale))
hog() {
	i=0
	while [ $i -lt 3 ]; do
		echo "$margin" > "$DBG/tbait/stack" || return 1
		cat "$DBG/tbait/stack"
		i=$((i + 1))
	done
}
# The largest "used" of three, and the "left" of the last.
used() { awk '{ if ($4 > u) u = $4; l = $2 } END { print u + 0, l + 0 }' "$1"; }
hog > /tmp/none.txt
echo kprobe > "$DBG/tbait/floor" && hog > /tmp/bare-kprobe.txt
echo kretprobe > "$DBG/tbait/floor" && hog > /tmp/bare-kretprobe.txt
echo none > "$DBG/tbait/floor"
cat > /tmp/hog.sh <<HOG
i=0
while [ \$i -lt 3 ]; do
	echo $margin > $DBG/tbait/stack && cat $DBG/tbait/stack >> /tmp/\$1.txt
	i=\$((i + 1))
done
HOG
for kind in kprobe kretprobe; do
	: > /tmp/stap-$kind.txt
	timeout -k 30 300 "$STAPRUN" -c "sh /tmp/hog.sh stap-$kind" "$(ko stack-$kind)" \
		> "$GRID/driver-stack-$kind.out" 2> "$GRID/driver-stack-$kind.err"
	rc=$?
	tail -1 "$GRID/driver-stack-$kind.out"
	cat "$GRID/driver-stack-$kind.err"
	check "the $kind session exits 0" [ "$rc" -eq 0 ]
	hits=$(sed -n 's/^hits \([0-9]*\) .*/\1/p' "$GRID/driver-stack-$kind.out")
	check "the $kind handler ran on every call (${hits:-0} of 3)" [ "${hits:-0}" -ge 3 ]
done
set -- $(used /tmp/none.txt) $(used /tmp/bare-kprobe.txt) $(used /tmp/stap-kprobe.txt) \
	$(used /tmp/bare-kretprobe.txt) $(used /tmp/stap-kretprobe.txt)
none=$1 left=$2 bk=$3 sk=$5 br=$7 sr=$9
figure margin "$margin"
figure left_at_call "$left"
figure stack_no_probe "$none"
figure stack_bare_kprobe "$bk"
figure stack_stap_kprobe "$sk"
figure stack_bare_kretprobe "$br"
figure stack_stap_kretprobe "$sr"
figure handler_kprobe "$((sk - bk))"
figure handler_kretprobe "$((sr - br))"
figure budget "$budget"
check "the hog left its margin ($left bytes)" [ "$left" -ge "$margin" ]
check "the bare probes were measured ($bk, $br > $none)" [ "$bk" -gt "$none" -a "$br" -gt "$none" ]
check "the kprobe handler's stack ($((sk - bk)) B) within the budget ($budget B)" [ $((sk - bk)) -le "$budget" ]
check "the kretprobe handler's stack ($((sr - br)) B) within the budget ($budget B)" [ $((sr - br)) -le "$budget" ]
check "no probe used more than what was left" [ "$sk" -lt "$left" -a "$sr" -lt "$left" ]
