# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
# Sourced by peer-verdicts.sh and peer-run.sh (bash): their command line,
# the folder of SystemTap's tests, and how a test's verdict is told.

here=$(cd "$(dirname "$0")/.." && pwd)
stap=$here/build/bin/stap
verbose=
sum=
good=0
total=0

# peer_options TOOL SUBDIR WHAT "$@": -v (every test), -s SUMFILE (a
# DejaGnu-style summary), -t TRANSLATOR, then PEER_DIR (default
# $PEER_DIR), which must hold SUBDIR, else "TOOL: give the folder of
# SystemTap's tests (WHAT)" and exit 2.  Sets verbose, sum, stap, peer
# (absolute) and args, the words after PEER_DIR.
peer_options() {
	local tool=$1 subdir=$2 what=$3 opt
	shift 3
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
	args=("$@")
	if [ -z "$peer" ] || [ ! -d "$peer/$subdir" ]; then
		echo "$tool: give the folder of SystemTap's tests ($what)" >&2
		exit 2
	fi
	peer=$(cd "$peer" && pwd)
}

# peer_begin: the summary emptied, tmp a folder of our own until exit.
peer_begin() {
	[ -n "$sum" ] && : > "$sum"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
}

# peer_verdict NAME WHY LINES ALWAYS: test NAME passed (WHY empty) or
# failed for WHY.  A pass counts in good; each is a PASS: or FAIL: line
# of the summary; with -v "ok NAME", or "WRONG NAME (WHY)" and the first
# LINES lines of its stderr ($tmp/err); without -v a failure is said
# only when ALWAYS is not empty.
peer_verdict() {
	if [ -z "$2" ]; then
		good=$((good + 1))
		[ -n "$verbose" ] && echo "ok    $1"
		[ -n "$sum" ] && echo "PASS: peer $1" >> "$sum"
	else
		if [ -n "$verbose" ] || [ -n "$4" ]; then
			echo "WRONG $1 ($2)"
		fi
		[ -n "$verbose" ] && head -n "$3" "$tmp/err" | sed 's/^/      /'
		[ -n "$sum" ] && echo "FAIL: peer $1 ($2)" >> "$sum"
	fi
	return 0
}

# peer_ratio LABEL: "LABEL good/total percent".
peer_ratio() {
	local pct
	pct=$(awk -v g="$good" -v t="$total" 'BEGIN { printf "%.1f", t ? 100 * g / t : 0 }')
	printf '%-9s %3d/%-3d %5s%%\n' "$1" "$good" "$total" "$pct"
}
