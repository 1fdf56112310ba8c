# SPDX-License-Identifier: GPL-2.0-or-later
# perf test transport: perf-bench/overhead/run.sh.
exec sh "$GRID_SRC/perf-bench/overhead/run.sh" transport
