# SPDX-License-Identifier: GPL-2.0-or-later
# torture test unprobeable: torture/tests/unprobeable.sh, through torture/run.sh.
exec sh "$GRID_SRC/torture/run.sh" unprobeable
