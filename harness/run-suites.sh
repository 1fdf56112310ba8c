#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the check-* targets one after another, each under a watchdog, and say
# how long each took.  A suite that outlives SUITE_LIMIT seconds is killed
# and recorded as a failure; once CHECK_BUDGET seconds are spent the rest
# are recorded as not run (a failure too).  CI must always end with a
# tally, never a timeout.
# The budget: make check must stay under 45 minutes (2,700 s) with the
# package installation and the build (under 150 s on a fresh machine).
#
# A suite is judged by the summaries (*.sum) it adds under CHECKDIR; the
# watchdog adds a FAIL line naming the suite when it wrote no summary at
# all, or when it exited non-zero while its summaries show no failure (a
# build that broke, a runtest that could not start): a suite can never
# pass by saying nothing.
#
# usage: run-suites.sh CHECKDIR TARGET...
set -u
dir=$1
shift
limit=${SUITE_LIMIT:-1200}
budget=${CHECK_BUDGET:-2550}
make=${MAKE:-make}
start=$(date +%s)
before=$(mktemp) && after=$(mktemp) || exit 1
trap 'rm -f "$before" "$after"' EXIT

# The summaries under CHECKDIR, sorted, one a line.
sums() { find "$dir" -name '*.sum' | sort; }

# fail TARGET MESSAGE: a FAIL line of the watchdog's for TARGET.
fail() {
	echo "FAIL: $1: $2" >> "$dir/$1-watchdog.sum"
	echo "check: $1: $2"
}

for target in "$@"; do
	now=$(date +%s)
	if [ $((now - start)) -ge "$budget" ]; then
		fail "$target" "not run, the check budget of ${budget} s is spent"
		continue
	fi
	t0=$now
	sums > "$before"
	timeout -k 30 "$limit" "$make" -s --no-print-directory -k "$target"
	rc=$?
	t1=$(date +%s)
	sums > "$after"
	new=$(comm -13 "$before" "$after")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "$target" "killed after ${limit} s"
	elif [ -z "$new" ]; then
		fail "$target" "wrote no summary (exit status $rc)"
	elif [ "$rc" -ne 0 ] && ! printf '%s\n' "$new" | tr '\n' '\0' |
		xargs -0 grep -qE '^(FAIL|XPASS|UNRESOLVED|ERROR): '; then
		fail "$target" "exited with status $rc, yet its summaries show no failure"
	fi
	echo "check: $target done in $((t1 - t0)) s (exit status $rc)"
done
echo "check: all suites in $(( $(date +%s) - start )) s"
