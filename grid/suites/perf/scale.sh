# SPDX-License-Identifier: GPL-2.0-or-later
# perf test scale: perf-bench/overhead/scale.sh.
exec sh "$GRID_SRC/perf-bench/overhead/scale.sh"
