# uprobe-many (docs/torture.md): a thousand uprobes.  umany.stp has
# process("ufuncs").function("*") on the generated program of 1,000
# functions (harness/stap.kernel/ufuncs-gen.sh: 1,009 points with main
# and the crt files' functions), run again and again while armed
# ("ufuncs 1 3": function I called min(I + 1, 3) times; each run is an
# exec that maps the binary, where every breakpoint goes in).
# Invariants: the session exits 0; no point refused at arming; every one
# of the 1,000 functions counted exactly its calls times the runs
# (judge.sh ufuncs_exact); nothing skipped.  Figures: the points, arm
# and disarm times (staprun -v), runs, hits.
cap=3
cat > /tmp/umany.cmd <<CMD
end=\$((\$(cut -d. -f1 /proc/uptime) + $DUR))
runs=0
while :; do
	ufuncs 1 $cap || exit 1
	runs=\$((runs + 1))
	echo \$runs > /tmp/umany.runs
	[ "\$(cut -d. -f1 /proc/uptime)" -lt "\$end" ] || break
done
CMD
: > /tmp/umany.runs
session umany "sh /tmp/umany.cmd" > /dev/null
runs=$(cat /tmp/umany.runs)
runs=${runs:-0}
probes=$(cat "$B/umany.probes" 2> /dev/null || echo 0)
refused=$(grep -c 'WARNING: .*cannot probe' "$GRID/$TEST.err")
arm=$(sed -n 's/.*armed in \([0-9.]*\) s/\1/p' "$GRID/$TEST.err")
disarm=$(sed -n 's/.*disarmed and end probes run in \([0-9.]*\) s/\1/p' "$GRID/$TEST.err")
fired=$(grep -c '^fn ' "$GRID/$TEST.out")
hits=$(awk '$1 == "fn" { s += $3 } END { print s + 0 }' "$GRID/$TEST.out")
skipped=$(skipped_of "$GRID/$TEST.err")
why=$(ufuncs_exact "$GRID/$TEST.out" "$runs" 1000 $cap || :)
grep -v 'cannot probe' "$GRID/$TEST.err"
figure probes "$probes"
figure refused "$refused"
figure fired "$fired"
figure arm_s "${arm:-0}"
figure disarm_s "${disarm:-0}"
figure runs "$runs"
figure hits "$hits"
figure skipped "$skipped"
figure seconds "$secs"
check "staprun exits 0 ($rc)" [ "$rc" -eq 0 ]
check "at least 1,000 points resolved ($probes)" [ "$probes" -ge 1000 ]
check "no point refused at arming ($refused)" [ "$refused" -eq 0 ]
check "each of the 1,000 functions counted exactly, $runs runs ($why)" ufuncs_exact "$GRID/$TEST.out" "$runs" 1000 $cap
check "nothing skipped ($skipped)" [ "$skipped" -eq 0 ]
