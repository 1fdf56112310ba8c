# SPDX-License-Identifier: GPL-2.0-or-later
# On the host: the perf suite's modules, workloads and compile rows for
# $GRID_KERNEL (perf-bench/overhead/prebuild.sh).
exec sh "$GRID_SRC/perf-bench/overhead/prebuild.sh"
