#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run SystemTap's run tests (PEER_DIR/run: NAME.stp, NAME.out, NAME.args)
# with our translator and the user runtime, judged as their README says:
#   - out1 out2 out3 mixed_out end1: the output, written with -o FILE, must
#     be byte-identical to NAME.out;
#   - the others: stdout equals NAME.out once at most one trailing newline
#     is dropped from each, and stderr holds nothing but warnings;
#   - the exit status is 0.
# Prints each failure (with -v every test) and the ratio.  The files stay
# in PEER_DIR: they are never copied here.
#
# usage: peer-run.sh [-v] [-s SUMFILE] [-t TRANSLATOR] [-- STAP-OPTIONS] PEER_DIR

set -u
# shellcheck source=harness/peer-lib.sh
. "$(dirname "$0")/peer-lib.sh"
peer_options peer-run run "with run/" "$@"
extra=("${args[@]}")
peer_begin

for f in "$peer"/run/*.stp; do
	name=$(basename "$f" .stp)
	args=()
	[ -f "$peer/run/$name.args" ] && read -r -a args < "$peer/run/$name.args"
	total=$((total + 1))
	why=
	case $name in
	out1|out2|out3|mixed_out|end1)
		(cd "$peer/run" && timeout 120 "$stap" --runtime=user "${extra[@]}" \
			"${args[@]}" -o "$tmp/out" "$name.stp" \
			> /dev/null 2> "$tmp/err" < /dev/null)
		rc=$?
		if [ $rc -ne 0 ]; then
			why="exit $rc"
		elif ! cmp -s "$tmp/out" "$peer/run/$name.out"; then
			why="output differs (bytes)"
		fi ;;
	*)
		(cd "$peer/run" && timeout 120 "$stap" --runtime=user "${extra[@]}" \
			"${args[@]}" "$name.stp" > "$tmp/out" 2> "$tmp/err" \
			< /dev/null)
		rc=$?
		# Drop at most one trailing newline from each side.
		expected=$(cat "$peer/run/$name.out"; echo x)
		expected=${expected%x}
		expected=${expected%$'\n'}
		got=$(cat "$tmp/out"; echo x)
		got=${got%x}
		got=${got%$'\n'}
		if [ $rc -ne 0 ]; then
			why="exit $rc"
		elif [ "$got" != "$expected" ]; then
			why="output differs"
		elif grep -v '^WARNING' "$tmp/err" | grep -q .; then
			why="stderr not empty"
		fi ;;
	esac
	peer_verdict "run/$name" "$why" 5 always
done
peer_ratio run
