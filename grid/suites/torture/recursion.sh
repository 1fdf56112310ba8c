# SPDX-License-Identifier: GPL-2.0-or-later
# torture test recursion: torture/tests/recursion.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" recursion
