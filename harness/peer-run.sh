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
here=$(cd "$(dirname "$0")/.." && pwd)
stap=$here/build/bin/stap
verbose=
sum=
while getopts vs:t: opt; do
	case $opt in
	v) verbose=1 ;;
	s) sum=$OPTARG ;;
	t) stap=$OPTARG ;;
	*) echo "usage: $0 [-v] [-s SUMFILE] [-t TRANSLATOR] PEER_DIR" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
peer=${1:-${PEER_DIR:-}}
shift || true
extra=("$@")
if [ -z "$peer" ] || [ ! -d "$peer/run" ]; then
	echo "peer-run: give the folder of SystemTap's tests (with run/)" >&2
	exit 2
fi
peer=$(cd "$peer" && pwd)
[ -n "$sum" ] && : > "$sum"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

total=0
good=0
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
	if [ -z "$why" ]; then
		good=$((good + 1))
		[ -n "$verbose" ] && echo "ok    run/$name"
		[ -n "$sum" ] && echo "PASS: peer run/$name" >> "$sum"
	else
		echo "WRONG run/$name ($why)"
		[ -n "$verbose" ] && head -n 5 "$tmp/err" | sed 's/^/      /'
		[ -n "$sum" ] && echo "FAIL: peer run/$name ($why)" >> "$sum"
	fi
done
pct=$(awk -v g=$good -v t=$total 'BEGIN { printf "%.1f", t ? 100 * g / t : 0 }')
printf 'run       %3d/%-3d %5s%%\n' "$good" "$total" "$pct"
