#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The prepare times the grid cache recorded (docs/grid.md, "The cache"):
# each prepared kernel's kernel.json as `stapgrid prepare` wrote it (when,
# how long, which package), a line per kernel.  It measures nothing itself:
# run through perf-bench/record.sh, it keeps those figures with the date
# they were read.
#
# usage: prepare-times.sh [CACHE]    (default: STAPGRID_CACHE or /var/cache/stapgrid)
set -eu
cache=${1:-${STAPGRID_CACHE:-/var/cache/stapgrid}}
[ -d "$cache/kernels" ] || { echo "prepare-times.sh: no $cache/kernels" >&2; exit 2; }
found=0
for f in "$cache"/kernels/*/kernel.json; do
	[ -f "$f" ] || continue
	found=1
	python3 - "$f" <<'PY'
import json, sys
k = json.load(open(sys.argv[1]))
print("%-26s prepare_seconds=%-8.1f prepared_at=%s source=%s package=%s version=%s"
      % (k["id"], k["prepare_seconds"], k.get("prepared_at", "?"), k.get("source", "?"),
         k.get("package", "?"), k.get("version", "?")))
PY
	echo "  $f:"
	awk '{ print "    " $0 }' "$f"
done
[ $found = 1 ] || { echo "prepare-times.sh: no prepared kernel in $cache/kernels" >&2; exit 1; }
