# SPDX-License-Identifier: GPL-2.0-or-later
# On the host, before the guest boots: every kernel-runtime module of
# stap.run and stap.kernel for $GRID_KERNEL, into the shared module cache
# ($GRID_CACHE/stap, which the guest reads through its share).  One
# runtest per CPU (STAP_PREBUILD_SHARD), each building its share of the
# tests; their builds are recorded together in $GRID_JOBDIR/prebuild/stap.sum.
set -u
. ./tests.sh
harness="$GRID_SRC/harness"
out="$GRID_JOBDIR/prebuild"
mkdir -p "$out" || exit 1
umask 022 # readable by all, as the rest of the cache
export SYSTEMTAP_DIR="$GRID_CACHE/stap" STAPGRID_CACHE="$GRID_CACHE"
export STAP_TARGET_PATH="$GRID_CACHE/kernels" # stap -r KERNEL finds it
unset CC STAP_CFLAGS STAP_CACHE_ONLY
tests=$(stap_tests "$harness")
[ -n "$tests" ] || { echo "prebuild: no .exp in $harness/stap.run or stap.kernel"; exit 1; }
# The kernel's DWARF for the dwarf_* tests: the -dbg package's vmlinux
# (or a source build's), fetched once into the kernel's cache folder.
"$GRID_SRC/build/bin/stapgrid" --cache "$GRID_CACHE" prepare --kernels "$GRID_KERNEL" --dbg ||
	echo "prebuild: no DWARF for $GRID_KERNEL: the dwarf_* tests fail"
rt_path rt_harness "$harness" || exit 1 # runtest's own path (tests.sh)
n=$(nproc 2>/dev/null || echo 1)
[ "$n" -le 4 ] || n=4
echo "prebuild: stap -r $GRID_KERNEL -p4 for $(echo $tests) into $SYSTEMTAP_DIR, $n at a time"
# Each shard in a pid namespace of its own: kernel.exp's holder for
# uproc_pid takes pid 31000 there, which on a busy host (pid_max 32768:
# pids wrap) another process may hold or take first.
ns=
unshare --pid --fork --mount-proc --kill-child true 2> /dev/null &&
	ns="unshare --pid --fork --mount-proc --kill-child"
i=0
while [ "$i" -lt "$n" ]; do
	mkdir -p "$out/shard$i"
	(cd "$out/shard$i" && $ns runtest --tool stap --srcdir "$rt_harness" --outdir . \
		STAP_PREBUILD="$GRID_KERNEL" STAP_PREBUILD_SHARD="$i/$n" $tests > runtest.out 2>&1) &
	i=$((i + 1))
done
wait
rt_links_rm
cd "$out" || exit 1
cat shard*/stap.sum > stap.sum 2>/dev/null
cat shard*/runtest.out > runtest.out 2>/dev/null
echo "prebuild: $(sum_report stap.sum | head -1)"
sum_report stap.sum | tail -n +2
sum_clean stap.sum
