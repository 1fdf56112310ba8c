#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Tally the DejaGnu-style summaries in DIR/*.sum and print one line
# "N passed, N failed".  Exit 1 when anything failed or nothing ran.
dir=${1:-build/check}
passed=0
failed=0
for sum in $(find "$dir" -name '*.sum' | sort); do
	p=$(grep -c '^PASS: ' "$sum")
	f=$(grep -cE '^(FAIL|XPASS|UNRESOLVED|ERROR): ' "$sum")
	printf '%-40s %5d passed, %d failed\n' "${sum#"$dir"/}" "$p" "$f"
	grep -E '^(FAIL|XPASS|UNRESOLVED|ERROR): ' "$sum" | head -20 | sed 's/^/    /'
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
