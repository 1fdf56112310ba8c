# SPDX-License-Identifier: GPL-2.0-or-later
# In the guest (the tree and the cache read-only at their host paths, $GRID
# writable): runtest on the
# host's harness with the stapgrid-kernel board (kernel runtime), every
# module from the host's pre-build.  stap.sum and stap.log land in $GRID
# and come back with the job.  Passes when no test failed.
set -u
. ./tests.sh
harness="$GRID_SRC/harness"
export HOME=/tmp SYSTEMTAP_DIR="$GRID_CACHE/stap" STAP_CACHE_ONLY=1
# The kernel's DWARF, where prebuild.sh had stapgrid put it (the dwarf_*
# tests resolve their probes by it in here too).
k="$GRID_CACHE/kernels/$GRID_KERNEL"
export SYSTEMTAP_DEBUGINFO_PATH="$k/root/usr/lib/debug:$k/build"
unset CC STAP_CFLAGS
tests=$(stap_tests "$harness")
[ -n "$tests" ] || { echo "harness: no .exp in $harness/stap.run or stap.kernel"; exit 1; }
cd "$GRID" || exit 1
echo "harness: $(uname -r), runtest $(echo $tests)"
rt_path rt_harness "$harness" || exit 1 # runtest's own path (tests.sh)
runtest --tool stap --srcdir "$rt_harness" --outdir "$GRID" --target_board stapgrid-kernel $tests \
	> runtest.out 2>&1
rt_links_rm
echo "harness: $(sum_report stap.sum | head -1)"
sum_report stap.sum | tail -n +2
sum_clean stap.sum
