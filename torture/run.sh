# SPDX-License-Identifier: GPL-2.0-or-later
# sh run.sh NAME: one torture test in the guest (tests/NAME.sh), with
# lib.sh's helpers.  Called by the grid suite's per-test scripts.
TEST=$1
. "$GRID_SRC/torture/lib.sh"
[ -r "$T/tests/$TEST.sh" ] || { echo "torture: no test $TEST in $T/tests"; exit 1; }
[ -r "$B/modules.txt" ] || { echo "torture: nothing prebuilt in $B (prebuild.log)"; exit 1; }
mount | grep -q ' /sys/kernel/debug ' || mount -t debugfs debugfs /sys/kernel/debug
echo 1 > /proc/sys/kernel/sysrq # a stuck guest can be asked for its stacks
trap bg_stop EXIT
log "$(uname -r), $NCPU vCPUs, ${DUR} s, accel $GRID_ACCEL"
mark start
. "$T/tests/$TEST.sh"
mark end
finish
