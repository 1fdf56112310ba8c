# SPDX-License-Identifier: GPL-2.0-or-later
# torture test smp-race: torture/tests/smp-race.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" smp-race
