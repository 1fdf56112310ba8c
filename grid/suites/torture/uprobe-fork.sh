# SPDX-License-Identifier: GPL-2.0-or-later
# torture test uprobe-fork: torture/tests/uprobe-fork.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" uprobe-fork
