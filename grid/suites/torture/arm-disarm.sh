# SPDX-License-Identifier: GPL-2.0-or-later
# torture test arm-disarm: torture/tests/arm-disarm.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" arm-disarm
