#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/architecture.md is the map of the tree: every source file has one
# row in one of its file tables (a table whose header's first cell is
# "file"; the first cell of a row is the file's path in backquotes).
# This check fails naming each source file that has no row, each row
# whose file does not exist, and each file with two rows.
#
# Source files, as the page says: the files of the tree (git's, tracked
# or new but not ignored; every file when the tree is no checkout)
# outside results/ and build/ that are C (.c, .h), shell (.sh), Tcl and
# Expect (.exp), Python (.py), awk (.awk), make (Makefile, .mk, Kbuild),
# the tapset library (stap/tapset/*.stp, *.stpm), and executable files
# without an ending that start with "#!".  Test data (NAME.stp, .out),
# configuration, documents and published results are not.
#
# usage: filemap.sh [-s SUMFILE] [TOP]    (TOP: the tree, default ..)
set -u
sum=
if [ "${1:-}" = -s ]; then
	sum=$2
	shift 2
fi
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
page=$top/docs/architecture.md
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ -z "$sum" ]; then
	sum=$tmp/sum
	trap 'cat "$sum"; rm -rf "$tmp"' EXIT
fi
: > "$sum"

# files: every file of the tree, a path a line, relative to TOP.
files() {
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$top" ls-files --cached --others --exclude-standard
	else
		(cd "$top" && find . -path ./.git -prune -o -path ./build -prune \
			-o -type f -print | sed 's|^\./||')
	fi
}

# is_source PATH: the page's rule, above.
is_source() {
	case $1 in
	results/* | build/*) return 1 ;;
	*.c | *.h | *.sh | *.exp | *.py | *.awk | *.mk) return 0 ;;
	Makefile | */Makefile | Kbuild | */Kbuild) return 0 ;;
	stap/tapset/*.stp | stap/tapset/*.stpm) return 0 ;;
	esac
	case ${1##*/} in
	*.*) return 1 ;;
	esac
	[ -x "$top/$1" ] && [ "$(head -c 2 "$top/$1")" = '#!' ]
}

files | sort -u | while IFS= read -r f; do
	[ -f "$top/$f" ] && is_source "$f" && printf '%s\n' "$f"
done > "$tmp/sources"

# The rows of the file tables: a table starts at a header row whose
# first cell is "file" and ends at the first line that is no table row.
awk '
	/^\|/ && !intable && $0 ~ /^\| *file *\|/ { intable = 1; next }
	!/^\|/ { intable = 0; next }
	intable && /^\| *-/ { next }
	intable {
		cell = $0
		sub(/^\| */, "", cell); sub(/ *\|.*/, "", cell)
		if (cell ~ /^`[^`]+`$/)
			print substr(cell, 2, length(cell) - 2)
		else
			print "?" cell
	}' "$page" > "$tmp/rows"
sort "$tmp/rows" > "$tmp/rows.sorted"
sort -u "$tmp/rows" > "$tmp/listed"

comm -23 "$tmp/sources" "$tmp/listed" > "$tmp/missing"
uniq -d "$tmp/rows.sorted" | grep -v "^?" > "$tmp/twice"
say() { echo "FAIL: map: $1" >> "$sum"; }
while IFS= read -r f; do
	say "$f is a source file with no row in docs/architecture.md"
done < "$tmp/missing"
while IFS= read -r f; do
	case $f in
	\?*) say "docs/architecture.md: a file table's row names no file in backquotes: ${f#?}" ;;
	*) [ -e "$top/$f" ] ||
		say "docs/architecture.md has a row for $f, which does not exist" ;;
	esac
done < "$tmp/listed"
while IFS= read -r f; do
	say "docs/architecture.md has two rows for $f"
done < "$tmp/twice"
n=$(wc -l < "$tmp/sources")
if [ "$n" -eq 0 ] || [ ! -s "$tmp/rows" ]; then
	echo "FAIL: map: no source files ($n) or no file table in $page" >> "$sum"
	exit 1
fi
if ! grep -q '^FAIL: ' "$sum"; then
	echo "PASS: map: each of the $n source files has one row in docs/architecture.md, each row names a file" >> "$sum"
	exit 0
fi
exit 1
