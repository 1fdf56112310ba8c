# SPDX-License-Identifier: GPL-2.0-or-later
# In the guest: the example $GRID_TEST as the host's prebuild planned it
# ($GRID_CACHE/examples/$GRID_KERNEL/plan/$GRID_TEST): its
# test_installcheck command in its folder, with our stap first on PATH
# (the one that built its module)
# and modules from the cache only (STAP_CACHE_ONLY: a miss is an error,
# never a build under TCG).  Exit 77 (unsupported) when the plan says it
# is not run, and why; else a pass is exit 0 within 40 s (then SIGINT,
# as a user's Ctrl-C) and no ERROR on stderr.
set -u
plan="$GRID_CACHE/examples/$GRID_KERNEL/plan/$GRID_TEST"
[ -f "$plan" ] || { echo "example: no plan $plan (did the prebuild run?)"; exit 1; }
verdict=$(sed -n 1p "$plan")
dir=$(sed -n 2p "$plan")
cmd=$(sed -n 3p "$plan")
bin=$(sed -n 4p "$plan") # the stap and staprun that built it
case $verdict in
run) ;;
*)
	echo "example: $GRID_TEST not run: $verdict"
	exit 77 ;;
esac
k="$GRID_CACHE/kernels/$GRID_KERNEL"
export HOME=/tmp SYSTEMTAP_DIR="$GRID_CACHE/stap" STAP_CACHE_ONLY=1 \
	SYSTEMTAP_DEBUGINFO_PATH="$k/root/usr/lib/debug:$k/build" \
	PATH="$bin:$PATH"
unset CC STAP_CFLAGS
out=/tmp/example.out err=/tmp/example.err # heads of them in the test log
echo "example: $GRID_TEST: cd $dir && $cmd"
cd "$dir" || exit 1
timeout -s INT -k 10 40 sh -c "$cmd" > "$out" 2> "$err" < /dev/null
rc=$?
echo "example: exit $rc; stdout $(wc -c < "$out") bytes, its head:"
head -c 4096 "$out"
echo "example: stderr:"
head -c 8192 "$err"
if [ "$rc" = 124 ]; then
	echo "example: FAIL: still running after 40 s (stopped with SIGINT)"
	exit 1
elif [ "$rc" != 0 ]; then
	echo "example: FAIL: exit $rc"
	exit 1
elif grep -q 'ERROR' "$err"; then
	echo "example: FAIL: ERROR on stderr"
	exit 1
fi
echo "example: pass"
