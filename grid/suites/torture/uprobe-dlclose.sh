# SPDX-License-Identifier: GPL-2.0-or-later
# torture test uprobe-dlclose: torture/tests/uprobe-dlclose.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" uprobe-dlclose
