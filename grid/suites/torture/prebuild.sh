# SPDX-License-Identifier: GPL-2.0-or-later
# On the host: the torture suite's helper modules, workload and script
# modules for $GRID_KERNEL (torture/prebuild.sh).
exec sh "$GRID_SRC/torture/prebuild.sh"
