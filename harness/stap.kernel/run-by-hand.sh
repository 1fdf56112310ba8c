#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run harness/stap.kernel in one grid guest, as the grid's harness suite
# does (grid/suites/harness), without the rest of it:
#
#   harness/stap.kernel/run-by-hand.sh [KERNEL [GLOB]]  (debian-6.1-amd64, *.stp)
#
# GLOB keeps the tests whose file name matches (tapset_sched*.stp);
# BUILD=DIR takes stap, staprun and stapgrid from DIR/bin and works in
# DIR/tmp (default build/), so that several people can run it at once.
#
# The host builds each test's module for KERNEL (runtest with
# STAP_PREBUILD) into build/tmp/stap.kernel/cache; the guest runs runtest
# on the same tests with the kernel runtime, loading those modules
# (STAP_CACHE_ONLY=1), and prints its stap.sum, the failures' logs and
# any splat of the kernel's log.
set -eu
cd "$(dirname "$0")/../.."
top=$PWD
kernel=${1:-debian-6.1-amd64}
export STAP_TESTS="${2:-}"
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
work=$build/tmp/stap.kernel
umask 022	# the guest reads the cache through the host's /
mkdir -p "$work/prebuild"
export SYSTEMTAP_DIR="$work/cache"
# The grid cache's kernels are stap's targets by name (docs/kernel.md).
export STAP_TARGET_PATH="${STAP_TARGET_PATH:-${STAPGRID_CACHE:-/var/cache/stapgrid}/kernels}"
unset STAP_CACHE_ONLY CC STAP_CFLAGS
# A pid namespace of its own, as grid/suites/harness/prebuild.sh: pid
# 31000 (uproc_pid's holder) free there on a busy host.
ns=
unshare --pid --fork --mount-proc --kill-child true 2> /dev/null &&
	ns="unshare --pid --fork --mount-proc --kill-child"
$ns runtest --tool stap --srcdir "$top/harness" --outdir "$work/prebuild" \
	STAP="$build/bin/stap" STAP_PREBUILD="$kernel" kernel.exp > "$work/prebuild/runtest.out" 2>&1 || :
if grep -E '^(FAIL|ERROR|UNRESOLVED): ' "$work/prebuild/stap.sum"; then
	echo "prebuild failed: $work/prebuild/stap.log" >&2
	exit 1
fi
# The dwarf_* tests resolve their probes in the guest too, by the DWARF
# the prebuild found (stapgrid prepare --dbg), as grid/suites/harness does.
k=${STAPGRID_CACHE:-/var/cache/stapgrid}/kernels/$kernel
"$build/bin/stapgrid" shell --kernel "$kernel" -c "cd /tmp && \
SYSTEMTAP_DEBUGINFO_PATH=$k/root/usr/lib/debug:$k/build \
HOME=/tmp SYSTEMTAP_DIR=$SYSTEMTAP_DIR STAP_CACHE_ONLY=1 STAP_TESTS='$STAP_TESTS' runtest --tool stap \
--srcdir $top/harness --outdir /tmp STAP=$build/bin/stap --target_board stapgrid-kernel kernel.exp \
> /dev/null 2>&1; grep -E '^(PASS|FAIL|ERROR|UNRESOLVED|UNSUPPORTED|# of)' \
/tmp/stap.sum; grep -B2 -A40 -e '^FAIL' -e ': stdout:' /tmp/stap.log; \
dmesg | grep -E 'BUG:|WARNING:|KASAN|Oops|circular locking|inconsistent lock' \
|| echo 'console: no splat'"
