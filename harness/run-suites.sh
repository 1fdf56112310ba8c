#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the check-* targets one after another, each under a watchdog, and say
# how long each took.  A suite that outlives SUITE_LIMIT seconds is killed
# and recorded as a failure; once CHECK_BUDGET seconds are spent the rest
# are recorded as not run.  CI must always end with a tally, never a timeout.
# The budget: make check must stay under 45 minutes (2,700 s) with the
# package installation and the build (under 150 s on a fresh machine).
#
# usage: run-suites.sh CHECKDIR TARGET...
set -u
dir=$1
shift
limit=${SUITE_LIMIT:-1200}
budget=${CHECK_BUDGET:-2550}
make=${MAKE:-make}
start=$(date +%s)
for target in "$@"; do
	now=$(date +%s)
	if [ $((now - start)) -ge "$budget" ]; then
		echo "FAIL: $target: not run, the check budget of ${budget} s is spent" \
			> "$dir/$target-watchdog.sum"
		echo "check: $target not run (budget of ${budget} s spent)"
		continue
	fi
	t0=$now
	timeout -k 30 "$limit" "$make" -s --no-print-directory -k "$target"
	rc=$?
	t1=$(date +%s)
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL: $target: killed after ${limit} s" > "$dir/$target-watchdog.sum"
		echo "check: $target KILLED after $((t1 - t0)) s"
	else
		echo "check: $target done in $((t1 - t0)) s"
	fi
done
echo "check: all suites in $(( $(date +%s) - start )) s"
