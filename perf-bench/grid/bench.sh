#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The grid benchmark (see bench.py): run under `stapgrid with-libvirt` so
# that stapgrid and bare virsh use one and the same libvirtd, started (and
# stopped) here when none runs.  Not a test: it reports what it measured.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$top/build/bin/stapgrid" ] || make -C "$top" all
exec "$top/build/bin/stapgrid" with-libvirt -- python3 "$top/perf-bench/grid/bench.py" "$@"
