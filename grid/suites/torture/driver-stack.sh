# SPDX-License-Identifier: GPL-2.0-or-later
# torture test driver-stack: torture/tests/driver-stack.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" driver-stack
