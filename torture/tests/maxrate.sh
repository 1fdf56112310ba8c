# maxrate (docs/torture.md): the bait's hot function and getppid(), driven
# as fast as the guest goes on every vCPU, under probes that count them.
# Invariants, under SystemTap's default limits (no -D): hits + skipped
# (+ missed, within skipped) == calls, exactly, and skips under 0.1% of
# the calls (judge.sh: a runtime that skipped every hit would add up).
load_helper tbait
echo 1 > "$DBG/tbait/reset"
per=20000
cat > /tmp/maxrate-load.sh <<LOAD
end=\$((\$(cut -d. -f1 /proc/uptime) + $DUR))
rounds=0
while [ "\$(cut -d. -f1 /proc/uptime)" -lt "\$end" ]; do
	cpu=0
	while [ \$cpu -lt $NCPU ]; do
		tload hot $per \$cpu & tload getppid $per \$cpu > /dev/null &
		cpu=\$((cpu + 1))
	done
	wait
	rounds=\$((rounds + 1))
	echo \$rounds > /tmp/maxrate.rounds
done
LOAD
session maxrate "sh /tmp/maxrate-load.sh"
rounds=$(cat /tmp/maxrate.rounds 2>/dev/null || echo 0)
hot_calls=$(cat "$DBG/tbait/hot")
sys_calls=$((rounds * per * NCPU))
set -- $(sed -n 's/^hits hot \([0-9]*\) sys \([0-9]*\)$/\1 \2/p' "$GRID/maxrate.out") x x
hot_hits=$1 sys_hits=$2
skipped=$(skipped_of "$GRID/maxrate.err")
missed=$(missed_of "$GRID/maxrate.err")
figure calls_hot "$hot_calls"
figure calls_getppid "$sys_calls"
figure hits_hot "$hot_hits"
figure hits_getppid "$sys_hits"
figure skipped "$skipped"
figure missed "$missed"
figure skipped_pct "$(skip_pct "$skipped" $((hot_calls + sys_calls)))"
figure vcpus "$NCPU"
figure seconds "$secs"
figure calls_per_s "$(awk -v c=$((hot_calls + sys_calls)) -v s="$secs" 'BEGIN { printf "%d", c / s }')"
check "staprun exits 0" [ "$rc" -eq 0 ]
check "the workload ran (rounds $rounds)" [ "$rounds" -gt 0 ]
check "hits were counted" [ "$hot_hits" != x -a "$sys_hits" != x ]
[ "$hot_hits" != x ] && check "hits + skipped == calls ($hot_hits + $sys_hits + $skipped vs $hot_calls + $sys_calls)" \
	hits_account $((hot_hits + sys_hits)) "$skipped" $((hot_calls + sys_calls))
check "skips under 0.1% of calls ($skipped of $((hot_calls + sys_calls)), $(skip_pct "$skipped" $((hot_calls + sys_calls)))%)" \
	skips_under_permille "$skipped" $((hot_calls + sys_calls))
check "the hot function was called" [ "$hot_calls" -gt 0 ]
