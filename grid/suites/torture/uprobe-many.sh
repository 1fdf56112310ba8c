# SPDX-License-Identifier: GPL-2.0-or-later
# torture test uprobe-many: torture/tests/uprobe-many.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" uprobe-many
