# SPDX-License-Identifier: GPL-2.0-or-later
# torture test many-probes: torture/tests/many-probes.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" many-probes
