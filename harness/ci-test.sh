#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CI's own checks, tested: .ci/run, the Makefile's check target,
# run-suites.sh and tally.sh must turn red when a step fails, a suite says
# nothing, or nothing runs, and stay green (showing what was skipped) when
# all passed.  Each case is a small project in a folder with a space in
# its name: the real .ci/run, Makefile and harness scripts, with a stand-in
# stap/stap.mk whose suites pass, fail or stay silent on purpose.  The last
# case is a copy of this tree whose translator does not compile.
#
# usage: ci-test.sh SUMFILE
set -u
# The stand-in projects' own make must not inherit ours (a CHECKDIR=
# given to make check would send their summaries into ours).
unset MAKEFLAGS MFLAGS MAKELEVEL
sum=$1
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ci test.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
: > "$sum"

pass() { echo "PASS: ci: $1" >> "$sum"; }
fail() { echo "FAIL: ci: $1" >> "$sum"; printf '%s\n' "$2" | tail -n 15 | sed 's/^/    /' >> "$sum"; }

# project NAME FRAGMENT: a stand-in project whose stap/stap.mk is FRAGMENT.
project() {
	local dir="$work/$1"
	mkdir -p "$dir/.ci" "$dir/harness" "$dir/stap" "$dir/configs/packages"
	cp "$here/.ci/run" "$dir/.ci/run"
	cp "$here/Makefile" "$dir/Makefile"
	cp "$here/harness/tally.sh" "$here/harness/run-suites.sh" \
		"$here/harness/deps.sh" "$dir/harness/"
	echo "make" > "$dir/configs/packages/check.list"
	printf '%s\n' "$2" > "$dir/stap/stap.mk"
	printf '%s\n' "$dir"
}

# expect NAME DIR STATUS LAST [TEXT...]: .ci/run in DIR exits with STATUS
# (0, or "fail" for any other), its last line is LAST, and its output has
# every TEXT.
expect() {
	local name=$1 dir=$2 want=$3 last=$4 out rc text
	shift 4
	out=$(cd "$dir" && CHECK_BUDGET=${BUDGET:-600} timeout 600 bash .ci/run 2>&1)
	rc=$?
	if [ "$want" = 0 ] && [ "$rc" -ne 0 ]; then
		fail "$name: .ci/run exited $rc, expected 0" "$out"; return
	fi
	if [ "$want" = fail ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; }; then
		fail "$name: .ci/run exited $rc, expected a failure" "$out"; return
	fi
	if [ "$(printf '%s\n' "$out" | tail -n 1)" != "$last" ]; then
		fail "$name: last line is not '$last'" "$out"; return
	fi
	for text in "$@"; do
		if ! printf '%s\n' "$out" | grep -qF -- "$text"; then
			fail "$name: output lacks '$text'" "$out"; return
		fi
	done
	pass "$name"
}

program='PROGRAMS += $(BIN)/tool
$(BIN)/tool: ; @mkdir -p $(@D) && touch $@'

d=$(project green "$program
CHECKS += check-a check-u
check-a: ; @echo 'PASS: a' > \$(CHECKDIR)/a.sum
check-u: ; @printf 'PASS: u\nUNTESTED: u2: no data\n' > \$(CHECKDIR)/u.sum")
expect "all pass, one untested: green, the skip shown" "$d" 0 "2 passed, 0 failed" \
	"1 skipped (UNTESTED/UNSUPPORTED)" "UNTESTED: u2: no data"

d=$(project silent "$program
CHECKS += check-a check-b
check-a: ; @echo 'PASS: a' > \$(CHECKDIR)/a.sum
check-b: ; @true")
expect "a suite that writes no summary fails by name" "$d" fail "1 passed, 1 failed" \
	"FAIL: check-b: wrote no summary (exit status 0)"

d=$(project dies "$program
CHECKS += check-a check-b
check-a: ; @echo 'PASS: a' > \$(CHECKDIR)/a.sum
check-b: ; @exit 3")
expect "a suite that exits non-zero without a summary fails by name" "$d" fail \
	"1 passed, 1 failed" "FAIL: check-b: wrote no summary (exit status 2)"

d=$(project halfway "$program
CHECKS += check-c
check-c:
	@echo 'PASS: c' > \$(CHECKDIR)/c.sum
	@false")
expect "a suite that passes then exits non-zero fails by name" "$d" fail \
	"1 passed, 1 failed" "FAIL: check-c: exited with status 2, yet its summaries show no failure"

d=$(project failing "$program
CHECKS += check-f
check-f: ; @printf 'PASS: f1\nFAIL: f2\n' > \$(CHECKDIR)/f.sum; exit 1")
expect "a failing test fails, counted once" "$d" fail "1 passed, 1 failed" "FAIL: f2"

d=$(project beside "$program
CHECKS += check-z+check-y
check-y: ; @mkdir -p \$(CHECKDIR)/y && sleep 1 && echo 'PASS: y' > \$(CHECKDIR)/y/y.sum
check-z: ; @mkdir -p \$(CHECKDIR)/z && test -f \$(CHECKDIR)/started || { touch \$(CHECKDIR)/started; sleep 2; }")
expect "a suite run beside another is judged by its own summaries" "$d" fail \
	"1 passed, 1 failed" "FAIL: check-z: wrote no summary (exit status 0)" \
	"check: check-y done in"

d=$(project empty "$program")
expect "nothing ran: red" "$d" fail "0 passed, 1 failed" "nothing ran"

d=$(project build "PROGRAMS += \$(BIN)/tool
\$(BIN)/tool: ; @echo 'tool.c:1:1: error: broken' >&2; false
CHECKS += check-a
check-a: ; @echo 'PASS: a' > \$(CHECKDIR)/a.sum")
mkdir -p "$d/build/check" && echo "PASS: an earlier run" > "$d/build/check/old.sum"
expect "a build that fails is red, old summaries are not tallied" "$d" fail \
	"0 passed, 1 failed" "FAIL: check: the build failed"

d=$(project deps "$program
CHECKS += check-a
check-a: ; @echo 'PASS: a' > \$(CHECKDIR)/a.sum")
sed -i 's|^DEP_LISTS   := .*|DEP_LISTS   := configs/packages/missing.list|' "$d/Makefile"
mkdir -p "$d/build/check" && echo "PASS: an earlier run" > "$d/build/check/old.sum"
expect "a failed package step is red, old summaries are not tallied" "$d" fail \
	"0 passed, 1 failed" "FAIL: check: installing the test packages failed"

# This tree, whose translator does not compile.  CHECK_BUDGET=0: should
# the break not break the build, no suite runs (each is a FAIL).
d="$work/broken clone"
mkdir -p "$d"
(cd "$here" && git ls-files -z | xargs -0 cp --parents -t "$d") 2>/dev/null ||
	(cd "$here" && find . -path ./build -prune -o -path ./.git -prune -o -type f -print0 |
		xargs -0 cp --parents -t "$d")
echo '#error the translator does not compile' >> "$d/stap/stap.h"
BUDGET=0 expect "a clone whose translator does not compile is red" "$d" fail \
	"0 passed, 1 failed" "FAIL: check: the build failed" "the translator does not compile"
exit 0
