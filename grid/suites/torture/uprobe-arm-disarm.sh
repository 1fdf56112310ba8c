# SPDX-License-Identifier: GPL-2.0-or-later
# torture test uprobe-arm-disarm: torture/tests/uprobe-arm-disarm.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" uprobe-arm-disarm
