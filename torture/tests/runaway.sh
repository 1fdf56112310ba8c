# runaway (docs/torture.md): scripts that never stop on their own in a
# kernel probe: an infinite loop, unbounded recursion, an array that
# grows without end.  Invariants: each ends with its limit's error
# (MAXACTION, MAXNESTING, MAXMAPENTRIES) and exit 1, in time, and its
# module unloads.
load_helper tbait
for name in runaway-loop runaway-recursion runaway-array; do
	want=$(sed -n 's/^#expect: //p' "$T/scripts/$name.stp")
	t0=$(now)
	timeout -k 30 $((120 + DUR)) "$STAPRUN" -c "tload hot 5000" "$(ko $name)" > /tmp/r.out 2> /tmp/r.err
	rc=$?
	secs=$(elapsed "$t0")
	cat /tmp/r.err
	figure "${name#runaway-}_seconds" "$secs"
	check "$name ends with exit 1 ($rc)" [ "$rc" -eq 1 ]
	check "$name reports $want" grep -q "ERROR: .*$want" /tmp/r.err
	check "$name unloaded" [ "$(grep -c '^stap_' /proc/modules)" -eq 0 ]
done
