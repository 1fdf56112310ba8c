#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run SystemTap's own pass-1/pass-2 tests against our translator and print
# the four ratios the translator must reach (parse/ok, parse/ko, sem/ok,
# sem/ko), judged as ../shared/peer/systemtap/README.md says:
#   ok: exit status 0 at the test's own pass (its "#! stap OPTS" line)
#   ko: exit status 1 with a "parse error:" or "semantic error:" on stderr;
#       death by a signal is a failure, never a rejection.
# The peer files stay where they are: give their folder.
#
# usage: peer-verdicts.sh [-v] [-s SUMFILE] [-t TRANSLATOR] PEER_DIR
#   -v   list every file with its verdict
#   -s   also write a DejaGnu-style summary (PASS:/FAIL: lines)
#   -t   the translator to test (default: build/bin/stap)

set -u
# shellcheck source=harness/peer-lib.sh
. "$(dirname "$0")/peer-lib.sh"
peer_options peer-verdicts parse/ok "with parse/ and sem/" "$@"
[ -x "$stap" ] || { echo "peer-verdicts: no translator at $stap" >&2; exit 2; }
peer_begin

# The options of a test: its first line "#! stap OPTS".
options() {
	head -n 1 "$1" | sed -n 's/^#![[:space:]]*stap[[:space:]]*//p'
}

status=0
for set in parse/ok parse/ko sem/ok sem/ko; do
	total=0
	good=0
	for f in "$peer/$set"/*.stp; do
		[ -e "$f" ] || continue
		total=$((total + 1))
		# shellcheck disable=SC2046
		(cd "$(dirname "$f")" && timeout 20 "$stap" $(options "$f") \
			"$(basename "$f")" >"$tmp/out" 2>"$tmp/err" </dev/null)
		rc=$?
		case $set in
		*/ok) [ $rc -eq 0 ] && ok=1 || ok= ;;
		*/ko) if [ $rc -eq 1 ] && grep -qE '^(parse|semantic) error:' "$tmp/err"; then
			ok=1
		      else
			ok=
		      fi ;;
		esac
		if [ $rc -gt 128 ]; then
			ok=
			why="crashed (signal $((rc - 128)))"
		elif [ $rc -eq 124 ]; then
			ok=
			why="timed out"
		else
			why="exit $rc"
		fi
		[ -n "$ok" ] && why=
		peer_verdict "$set/$(basename "$f")" "$why" 3 ""
	done
	peer_ratio "$set"
done
exit $status
