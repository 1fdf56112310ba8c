# SPDX-License-Identifier: GPL-2.0-or-later
# In the guest: dtload traced by SystemTap 4.8's module and by ours (both
# from the host's prebuild, each loaded by its own staprun with -c), each
# trace named and ordered by normalize.awk (each process's events then
# numbered again: the launcher's lines it drops are not counted), then
# compared: every line that only one has is a mismatch, listed here (and
# in differential.diff in the share; the raw traces beside it).  Passes
# when both ran, each saw the workload's forks, and nothing differs.
# Figures: each side's events, the mismatched lines.
set -u
B="$GRID_CACHE/differential/$GRID_KERNEL"
bin=$(cat "$B/bin") || exit 1
ko() { sed -n "s/^$1 //p" "$B/modules.txt"; }
ok=0
for side in systemtap ours; do
	m=$(ko "$side")
	case $m in
	'' | '!failed')
		echo "differential: $side did not build: $(grep -m1 -E 'error|ERROR' "$B/$side.err" || head -1 "$B/$side.err")"
		ok=1
		continue ;;
	esac
	run=$bin/staprun
	[ "$side" = systemtap ] && run=/usr/bin/staprun
	timeout 300 "$run" -c "$B/dtload" "$m" > "/tmp/$side.raw" 2> "/tmp/$side.err"
	rc=$?
	cp "/tmp/$side.raw" "$GRID/differential-$side.raw"
	awk -f "$B/normalize.awk" "/tmp/$side.raw" "/tmp/$side.raw" |
		sort -s -k1,1 -k2,2n | awk '{ $2 = ++n[$1] } 1' > "$GRID/differential-$side.txt"
	n=$(wc -l < "$GRID/differential-$side.txt")
	echo "differential $side-events $n" >> "$GRID/figures.txt"
	echo "differential: $side: staprun exit $rc, $n events, $(grep -c ' fork ' "$GRID/differential-$side.txt") forks"
	sed 's/^/  stderr: /' "/tmp/$side.err" | head -20
	if [ "$rc" != 0 ] || ! grep -q ' fork P1.3$' "$GRID/differential-$side.txt"; then
		echo "differential: $side: the run failed or missed the workload's three forks"
		ok=1
	fi
done
[ -s "$GRID/differential-systemtap.txt" ] && [ -s "$GRID/differential-ours.txt" ] || exit 1
diff "$GRID/differential-systemtap.txt" "$GRID/differential-ours.txt" > "$GRID/differential.diff"
miss=$(grep -c '^[<>]' "$GRID/differential.diff")
echo "differential mismatches $miss" >> "$GRID/figures.txt"
if [ "$miss" -gt 0 ]; then
	echo "differential: $miss lines differ (< SystemTap 4.8, > ours):"
	cat "$GRID/differential.diff"
	ok=1
else
	echo "differential: the events match, line for line"
fi
exit $ok
