#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Keeps a benchmark run that docs/ quotes: copies results/bench/NAME-STAMP/
# (written by perf-bench/record.sh) into results/published/bench/NAME-STAMP/,
# which is committed.  Text only: files over 256 KiB are gzipped (FILE.gz),
# binaries are left out (said on stderr); a copy kept before is replaced
# whole.  The folder must have a meta.txt with its commit line.
#
# usage: keep.sh DIR...    (DIR: a path, or a NAME-STAMP under results/bench/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${BENCH_PUBLISHED:-$top/results/published/bench}
limit=262144

# Text: valid UTF-8 without NUL bytes.
is_text() {
	iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1 &&
		[ "$(tr -d '\000' < "$1" | wc -c)" -eq "$(stat -c %s "$1")" ]
}

if [ $# -eq 0 ]; then
	echo "usage: keep.sh DIR...  (a folder of results/bench/, from perf-bench/record.sh)" >&2
	exit 2
fi
for arg in "$@"; do
	src=$arg
	[ -d "$src" ] || src=$top/results/bench/$arg
	if [ ! -d "$src" ]; then
		echo "keep.sh: no benchmark run '$arg' (neither a folder nor results/bench/$arg)" >&2
		exit 1
	fi
	src=$(cd "$src" && pwd)
	id=$(basename "$src")
	if ! printf '%s\n' "$id" | grep -Eq '^[a-z0-9][a-z0-9-]*-[0-9]{8}T[0-9]{6}Z$'; then
		echo "keep.sh: '$id' is not a run folder (NAME-YYYYMMDDTHHMMSSZ)" >&2
		exit 1
	fi
	if ! grep -Eq '^commit: [0-9a-f]{40}$' "$src/meta.txt" 2> /dev/null; then
		echo "keep.sh: $src/meta.txt is missing or names no commit (run it with perf-bench/record.sh)" >&2
		exit 1
	fi
	if ! grep -q '^exit: ' "$src/meta.txt"; then
		echo "keep.sh: $src has not finished (meta.txt has no exit line)" >&2
		exit 1
	fi
	tmp=$dest/.$id.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	(cd "$src" && find . -type f) | sort | while IFS= read -r f; do
		f=${f#./}
		mkdir -p "$tmp/$(dirname "$f")"
		if ! is_text "$src/$f"; then
			echo "keep.sh: $id/$f left out (binary)" >&2
		elif [ "$(stat -c %s "$src/$f")" -gt $limit ]; then
			gzip -9n < "$src/$f" > "$tmp/$f.gz"
		else
			cp "$src/$f" "$tmp/$f"
		fi
	done
	rm -rf "${dest:?}/$id"
	mv "$tmp" "$dest/$id"
	echo "keep.sh: kept $id in $dest/$id ($(du -sk "$dest/$id" | cut -f1) KiB); commit it"
done
