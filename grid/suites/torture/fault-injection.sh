# SPDX-License-Identifier: GPL-2.0-or-later
# torture test fault-injection: torture/tests/fault-injection.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" fault-injection
