# SPDX-License-Identifier: GPL-2.0-or-later
# In the guest, the suite's last test: the examples' verdicts counted from
# the plans and $GRID/results.txt (each test's exit status so far), as
# figures of this test (run.json, the site), against issue 16's target:
# 75% of the examples that are not excepted pass (excepted: user-space
# probes, and in a sample run the scripts outside it).  Exit 0 when the
# target holds, 1 when it does not.
set -u
plans="$GRID_CACHE/examples/$GRID_KERNEL/plan"
# One awk (each process costs under TCG): results.txt's exit statuses,
# then the first line of each plan (NAME.status and NAME.err are the
# builds' files, not plans).
set -- $(find "$plans" -maxdepth 1 -type f ! -name '*.status' ! -name '*.err' | sort)
eval "$(awk '
	FILENAME == ARGV[1] { rc[$1] = $2; next }
	FNR == 1 {
		n = FILENAME; sub(/.*\//, "", n)
		total++
		if ($0 ~ /^skip (not in this run.s sample|needs user-space probes)/) { excepted++; next }
		if (rc[n] == "0") passed++
		else if (rc[n] == "77") notrun++
		else failed++
	}
	END { printf "total=%d excepted=%d passed=%d failed=%d notrun=%d\n", total, excepted, passed, failed, notrun }
' "$GRID/results.txt" "$@")"
base=$((total - excepted))
pct=0
[ "$base" -gt 0 ] && pct=$((passed * 100 / base))
for kv in "examples $total" "excepted $excepted" "counted $base" "passed $passed" \
	"failed $failed" "not_run $notrun" "passed_pct $pct"; do
	echo "summary $kv" >> "$GRID/figures.txt"
done
echo "summary: $passed of $base examples passed ($pct%; $failed failed, $notrun not run:" \
	"no module or a wrapper), $excepted excepted of $total; target 75%"
[ "$base" -gt 0 ] && [ "$pct" -ge 75 ]
