#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The translator's compile rows (docs/overhead.md), against one kbuild tree
# (default: the grid's debian-6.1-amd64), as perf rows on stdout; the perf
# suite's prebuild puts them in perf-host.txt.  Not a timed test.
#   floor                  a one-file hello module built with kbuild (what
#                          any module costs: kbuild's start-up, the kernel
#                          headers, modpost), three builds from clean
#   compile_cold           our `stap -p4` of a script with DWARF function
#                          probes, target variables and a kprobe, not in
#                          the module cache (the kernel's compile probes and runtime
#                          object cached, as after its first module): three
#                          runs, a different constant each
#   compile_first          the same with nothing cached
#   compile_cache_hit      the same script again, five runs
#   systemtap_compile_cold SystemTap 4.8's -p4 of the same script (no
#                          tracepoint: its tracepoint support needs kernel
#                          source headers Debian's kbuild tree lacks), as it
#                          is (fails on Debian's 6.1) and with the runtime
#                          patch of peer.sh (..._patched)
#
# usage: compile.sh [KERNEL]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/perf-bench/overhead/peer.sh"
ours=$here/build/bin/stap
kernel=${1:-debian-6.1-amd64}
cache=${STAPGRID_CACHE:-/var/cache/stapgrid}
export STAP_TARGET_PATH=$cache/kernels # stap -r KERNEL finds the grid's
kdir=$cache/kernels/$kernel/build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$ours" ] || { echo "compile.sh: build first (make)" >&2; exit 2; }
[ -f "$kdir/Makefile" ] || {
	echo "compile.sh: no kbuild tree at $kdir (build/bin/stapgrid prepare --kernels $kernel)" >&2
	exit 2
}
release=$(sed -n 's/.*"release": *"\([^"]*\)".*/\1/p' "$cache/kernels/$kernel/kernel.json")

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# row VARIANT "SECONDS..." NOTE: the median, min and max of the runs.
row() {
	echo "$2" | tr ' ' '\n' | grep . | sort -g | awk -v v="$1" -v note="$3" '
		{ x[NR] = $1 }
		END {
			printf "row variant=%s workload=compile unit=s ", v
			if (!NR)
				printf "value=- runs=0 min=- max=-"
			else
				printf "value=%.3f runs=%d min=%.3f max=%.3f", NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2, NR, x[1], x[NR]
			printf " note=%s\n", note
		}'
}

# $1: the constant that makes each cold script new to the cache.
script() {
	cat <<STP
global reads, opens
probe kernel.function("ksys_read").return { if (\$return > 0) reads[execname()] <<< \$return + $1 }
probe kernel.function("do_sys_openat2") { opens[pid()] = \$dfd }
probe kprobe.function("__x64_sys_getppid") { printf("%s %d\n", execname(), pid()) }
probe timer.s(10) { exit() }
probe end { foreach (n in reads) printf("%s %d\n", n, @sum(reads[n])) }
STP
}

mkdir -p "$work/hello"
cat > "$work/hello/hello.c" <<'C'
#include <linux/module.h>
static int __init hello_init(void) { pr_info("hello\n"); return 0; }
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
C
echo 'obj-m := hello.o' > "$work/hello/Kbuild"
runs=
for i in 1 2 3; do
	make -s -C "$kdir" M="$work/hello" clean > /dev/null 2>&1
	t0=$(now)
	make -s -C "$kdir" M="$work/hello" modules > "$work/hello.log" 2>&1 ||
		{ echo "compile.sh: the hello module does not build:" >&2; cat "$work/hello.log" >&2; exit 1; }
	runs="$runs $(since "$t0")"
done
row floor "$runs" "a one-file hello module, kbuild, from clean"

export SYSTEMTAP_DIR=$work/sd
script 0 > "$work/s0.stp"
t0=$(now)
"$ours" -r "$kernel" -p4 "$work/s0.stp" > /dev/null || exit 1
row compile_first "$(since "$t0")" "our stap -p4, nothing cached (compile probes and runtime object built too)"
runs=
for i in 1 2 3; do
	script "$i" > "$work/s$i.stp"
	t0=$(now)
	"$ours" -r "$kernel" -p4 "$work/s$i.stp" > /dev/null || exit 1
	runs="$runs $(since "$t0")"
done
row compile_cold "$runs" "our stap -p4 of a new script (DWARF probes, target variables, a kprobe)"
runs=
for i in 1 2 3 4 5; do
	t0=$(now)
	"$ours" -r "$kernel" -p4 "$work/s3.stp" > /dev/null || exit 1
	runs="$runs $(since "$t0")"
done
row compile_cache_hit "$runs" "our stap -p4, the same script again"

# SystemTap 4.8, as it is and patched; a failure is a row with its error.
if [ ! -x "$PEER" ]; then
	row systemtap_compile_cold "" "SystemTap is not installed (apt-get install systemtap)"
	exit 0
fi
peer_setup "$work" "$cache/kernels/$kernel" "$release" || exit 1
peer() { # VARIANT NOTE [-R RUNTIME]
	v=$1 note=$2
	shift 2
	export SYSTEMTAP_DIR=$work/peer-$v
	t0=$(now)
	if peer_stap "$work" "$release" "$@" -p4 "$work/s1.stp" > /dev/null 2> "$work/$v.err"; then
		row "$v" "$(since "$t0")" "$note"
	else
		row "$v" "" "SystemTap 4.8 -p4 fails after $(since "$t0") s: $(first_error "$work/$v.err")"
	fi
}
peer systemtap_compile_cold "SystemTap 4.8 stap -p4 of the same script"
peer_needs_patch "$work" "$release" &&
	peer systemtap_compile_cold_patched "SystemTap 4.8 stap -p4, runtime patched (peer.sh)" -R "$work/peer-runtime"
exit 0
