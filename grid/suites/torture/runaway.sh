# SPDX-License-Identifier: GPL-2.0-or-later
# torture test runaway: torture/tests/runaway.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" runaway
