# SPDX-License-Identifier: GPL-2.0-or-later
# torture test maxrate: torture/tests/maxrate.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" maxrate
