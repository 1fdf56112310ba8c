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
# A target written BESIDE+PARTNER (check-stap-fuzz+check-grid) runs
# beside PARTNER, started with it and waited for after it, each under its
# own watchdog: a single-threaded suite beside one whose guests leave a
# core idle (QEMU under TCG runs one vCPU thread), so the two cost the
# time of the longer.  Each is judged by the summaries under its folder
# (CHECKDIR/NAME without "check-").
#
# usage: run-suites.sh CHECKDIR TARGET[+PARTNER]...
set -u
dir=$1
shift
limit=${SUITE_LIMIT:-1500}
budget=${CHECK_BUDGET:-2550}
make=${MAKE:-make}
start=$(date +%s)
before=$(mktemp) && after=$(mktemp) || exit 1
trap 'rm -f "$before" "$before.end" "$after"' EXIT

# The summaries under CHECKDIR, sorted, one a line.
sums() { find "$dir" -name '*.sum' | sort; }

# fail TARGET MESSAGE: a FAIL line of the watchdog's for TARGET.
fail() {
	echo "FAIL: $1: $2" >> "$dir/$1-watchdog.sum"
	echo "check: $1: $2"
}

# run TARGET: under the watchdog; its exit status.
run() {
	timeout -k 30 "$limit" "$make" -s --no-print-directory -k "$1"
}

# judge TARGET RC NEW T0 [T1]: the watchdog's verdict on a target that
# ran from T0 to T1 (now), from its exit status and the summaries it
# added (NEW, one a line).
judge() {
	if [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; then
		fail "$1" "killed after ${limit} s"
	elif [ -z "$3" ]; then
		fail "$1" "wrote no summary (exit status $2)"
	elif [ "$2" -ne 0 ] && ! printf '%s\n' "$3" | tr '\n' '\0' |
		xargs -0 grep -qE '^(FAIL|XPASS|UNRESOLVED|ERROR): '; then
		fail "$1" "exited with status $2, yet its summaries show no failure"
	fi
	echo "check: $1 done in $((${5:-$(date +%s)} - $4)) s (exit status $2)"
}

# The summaries a target of a pair added: those under its own folder.
mine() { # TARGET NEW
	printf '%s\n' "$2" | grep -F "$dir/${1#check-}/" || :
}

for arg in "$@"; do
	target=${arg#*+}
	beside=
	[ "$target" != "$arg" ] && beside=${arg%%+*}
	now=$(date +%s)
	if [ $((now - start)) -ge "$budget" ]; then
		fail "$target" "not run, the check budget of ${budget} s is spent"
		[ -n "$beside" ] && fail "$beside" "not run, the check budget of ${budget} s is spent"
		continue
	fi
	t0=$now
	sums > "$before"
	if [ -z "$beside" ]; then
		run "$target"
		rc=$?
		sums > "$after"
		judge "$target" "$rc" "$(comm -13 "$before" "$after")" "$t0"
		continue
	fi
	(run "$beside"; brc=$?; date +%s > "$before.end"; exit $brc) &
	pid=$!
	run "$target"
	rc=$?
	t1=$(date +%s)
	wait "$pid"
	brc=$?
	sums > "$after"
	new=$(comm -13 "$before" "$after")
	judge "$target" "$rc" "$(mine "$target" "$new")" "$t0" "$t1"
	judge "$beside" "$brc" "$(mine "$beside" "$new")" "$t0" "$(cat "$before.end")"
done
echo "check: all suites in $(( $(date +%s) - start )) s"
