#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Tally the DejaGnu-style summaries in DIR/*.sum (any depth).  Prints one
# line a summary, the failing lines, then the skipped count on its own line
# ("N skipped (UNTESTED/UNSUPPORTED)") and last "N passed, N failed".
# UNTESTED and UNSUPPORTED are never passes: they are counted and shown so
# that a suite which quietly stops testing is seen.  Exit 1 when anything
# failed or nothing passed.
#
# usage: tally.sh [DIR]
dir=${1:-build/check}
passed=0
failed=0
skipped=0
fails='^(FAIL|XPASS|UNRESOLVED|ERROR): '
skips='^(UNTESTED|UNSUPPORTED): '
if [ ! -d "$dir" ]; then
	echo "tally: no summaries: $dir does not exist" >&2
else
	# Sorted file names, one a line: summary paths have no newlines.
	list=$(mktemp) || exit 1
	find "$dir" -name '*.sum' | sort > "$list"
	while IFS= read -r sum; do
		p=$(grep -c '^PASS: ' "$sum")
		f=$(grep -cE "$fails" "$sum")
		s=$(grep -cE "$skips" "$sum")
		printf '%-40s %5d passed, %d failed, %d skipped\n' \
			"${sum#"$dir"/}" "$p" "$f" "$s"
		grep -E "$fails" "$sum" | head -20 | sed 's/^/    /'
		grep -E "$skips" "$sum" | head -5 | sed 's/^/    /'
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
	done < "$list"
	rm -f "$list"
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
	# Nothing ran: that is a failure, never a green empty tally.
	echo "tally: nothing ran (no PASS and no FAIL line under $dir)" >&2
	failed=1
fi
echo "$skipped skipped (UNTESTED/UNSUPPORTED)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
