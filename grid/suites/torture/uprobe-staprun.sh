# SPDX-License-Identifier: GPL-2.0-or-later
# torture test uprobe-staprun: torture/tests/uprobe-staprun.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" uprobe-staprun
