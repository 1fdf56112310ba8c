# fault-injection (docs/torture.md): allocations fail, one at a time, while
# a module with maps, statistics and four probe types loads (the module
# loader and its init: contexts, maps, the transport) and arms (staprun's
# "start").  tfault.ko fails the Nth allocation through the kernel's own
# error-injection hooks (should_failslab, should_fail_alloc_page: any
# kernel); where the kernel has CONFIG_FAILSLAB (the debug kernel) a
# second pass fails them through failslab itself (fail-nth).
# Invariants: every attempt ends in time, succeeds or fails with a clear
# error; no module stays loaded; memory returns to baseline (kmemleak
# clean where the kernel has it); no splat.
load_helper tbait
# Unsupported only when tfault says a hook is not in this kernel (judge.sh
# tfault_unsupported); any other insmod failure fails the test.
if ! insmod "$B/tfault.ko" 2> /tmp/tfault.err; then
	why=$(tfault_unsupported "$(dmesg | grep 'tfault: ' | tail -1)") && unsupported "$why"
	cat /tmp/tfault.err
	dmesg | grep 'tfault' | tail -3
	check "tfault.ko loads, or a hook it needs is not in this kernel" false
	finish
fi
ko=$(ko fault)
F="$DBG/tfault"
attempt() { # NTH: one load; prints the outcome
	echo "$1" > "$F/nth"
	timeout -k 30 $((60 + DUR)) "$STAPRUN" -c true "$ko" > /tmp/fi.out 2> /tmp/fi.err
	rc=$?
	inj=$(awk '{ print $4 }' "$F/stats")
	if grep -q '^stap_' /proc/modules; then
		echo leftover
		grep '^stap_' /proc/modules | while read -r m _; do rmmod "$m"; done
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo hang
	elif [ "$inj" -eq 0 ]; then
		[ "$rc" -eq 0 ] && echo unreached || echo failed-uninjected
	elif [ "$rc" -eq 0 ]; then
		echo tolerated
	elif grep -qE '^(staprun: |ERROR: )' /tmp/fi.err; then
		echo clean
	else
		echo unclear
	fi
}
echo 0 > "$F/nth"
"$STAPRUN" -c true "$ko" > /dev/null 2> /tmp/fi.err || { cat /tmp/fi.err; check "the module runs without faults" false; }
set -- $(cat "$F/stats")
allocs=$2 windows=$6
log "one load and start: $allocs allocations in $windows windows"
check "the windows saw allocations ($allocs in $windows)" [ "$allocs" -gt 0 -a "$windows" -ge 2 ]
before=$(memsnap)
kmemleak_clear
t0=$(now)
END=$(($(secs) + DUR))
# The first 16 allocations, then a stride that spreads the rest over the
# duration (every one of them in a long certification run).
: > /tmp/outcomes
sweep() { # MODE
	echo "$1" > "$F/mode" || return
	i=1
	while [ "$i" -le "$allocs" ] && before_end; do
		o=$(attempt $i)
		echo "$1 $i $o" >> /tmp/outcomes
		case $o in clean|tolerated|unreached) ;; *) log "$1 nth=$i: $o"; cat /tmp/fi.err ;; esac
		if [ $i -lt 16 ]; then i=$((i + 1)); else i=$((i + stride)); fi
	done
}
stride=$(( allocs / (DUR * 2 + 1) + 1 ))
[ "$DUR" -ge 600 ] && stride=1
native=no
grep -q native "$F/mode" && [ -d "$DBG/failslab" ] && native=yes
if [ $native = yes ]; then
	old_wait=$(cat "$DBG/failslab/ignore-gfp-wait") old_verbose=$(cat "$DBG/failslab/verbose")
	echo N > "$DBG/failslab/ignore-gfp-wait"
	echo 0 > "$DBG/failslab/verbose"
	END=$(($(secs) + DUR / 2))
	sweep native
	echo "$old_wait" > "$DBG/failslab/ignore-gfp-wait"
	echo "$old_verbose" > "$DBG/failslab/verbose"
	END=$(($(secs) + DUR - DUR / 2))
fi
sweep hook
echo 0 > "$F/nth"
rmmod tfault || check "tfault unloads" false
after=$(memsnap)
count() { awk -v o="$1" '$3 == o' /tmp/outcomes | wc -l; }
n=$(wc -l < /tmp/outcomes)
figure allocations_per_load "$allocs"
figure attempts "$n"
figure failslab_native "$native"
figure native_attempts "$(awk '$1 == "native"' /tmp/outcomes | wc -l)"
figure failed_cleanly "$(count clean)"
figure tolerated "$(count tolerated)"
figure unreached "$(count unreached)"
check "attempts ran ($n)" [ "$n" -gt 0 ]
check "failures were injected ($(count clean) clean, $(count tolerated) tolerated)" [ $(( $(count clean) + $(count tolerated) )) -gt 0 ]
check "every failed load said why, in time, and left nothing loaded" \
	[ "$(count leftover)" -eq 0 -a "$(count hang)" -eq 0 -a "$(count unclear)" -eq 0 -a "$(count failed-uninjected)" -eq 0 ]
memory_back "$before" "$after" "$n"
