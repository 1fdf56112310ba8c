#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SystemTap's trans/ok scripts (PEER_DIR/trans/ok, 41) through our translator
# (docs/conformance.md), a line per script and the counts:
#   p2       its own `#! stap` options without their stop pass, -p2
#   user-p4  the same options, --runtime=user -p4 (C generated and compiled
#            with the runtime)
#   kernel-p4  the same options, -r KERNEL -p4 (a kernel module for the grid
#            cache's KERNEL, default debian-6.1-amd64), an empty module
#            cache, so every module is built
# A failure shows the first error line.  Not a test: it reports.
#
# usage: transok.sh [PEER_DIR] [KERNEL]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
peer=${1:-$top/../shared/peer/systemtap}
kernel=${2:-debian-6.1-amd64}
ours=$top/build/bin/stap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SYSTEMTAP_DIR=$work/sd
# The grid cache's kernels are stap's targets by name (docs/kernel.md).
export STAP_TARGET_PATH=${STAP_TARGET_PATH:-${STAPGRID_CACHE:-/var/cache/stapgrid}/kernels}

[ -x "$ours" ] || { echo "transok.sh: build first (make)" >&2; exit 2; }
[ -d "$peer/trans/ok" ] || { echo "transok.sh: no $peer/trans/ok (PEER_DIR)" >&2; exit 2; }

# The options without their stop pass (-p4, -up4, -wp2 ...).
nopass() {
	local w out=
	for w in "$@"; do
		case $w in
		--*) ;;
		-*) w=$(printf '%s' "$w" | sed 's/p[0-9]//g'); [ "$w" = - ] && continue ;;
		esac
		out="$out $w"
	done
	printf '%s' "$out"
}

# verdict NAME CMD...: "ok" or "FAIL (first error line)", in the file's folder.
verdict() {
	local err=$work/$1.err
	shift
	if (cd "$dir" && timeout 300 "$@" > /dev/null 2> "$err"); then
		echo ok
	else
		echo "FAIL ($(grep -m 1 -i 'error' "$err" || head -n 1 "$err"))"
	fi
}

echo "trans/ok of $peer, ours: $ours, kernel $kernel"
n=0 a=0 b=0 c=0
for f in "$peer"/trans/ok/*.stp; do
	dir=$(dirname "$f")
	base=$(basename "$f")
	read -r -a opts <<< "$(head -n 1 "$f" | sed -n 's/^#![[:space:]]*stap[[:space:]]*//p')"
	read -r -a rest <<< "$(nopass "${opts[@]}")"
	v1=$(verdict p2 "$ours" "${rest[@]}" -p2 "$base")
	v2=$(verdict user "$ours" "${rest[@]}" --runtime=user -p4 "$base")
	v3=$(verdict kernel "$ours" "${rest[@]}" -r "$kernel" -p4 "$base")
	n=$((n + 1))
	[ "$v1" = ok ] && a=$((a + 1))
	[ "$v2" = ok ] && b=$((b + 1))
	[ "$v3" = ok ] && c=$((c + 1))
	printf '%-42s p2: %s; user-p4: %s; kernel-p4: %s\n' "$base (${opts[*]})" "$v1" "$v2" "$v3"
done
echo "total: $n scripts; -p2 $a/$n; --runtime=user -p4 $b/$n; -r $kernel -p4 $c/$n"
