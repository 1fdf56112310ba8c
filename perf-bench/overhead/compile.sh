#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Kernel module build benchmark (not a timed test), one run each, against
# the same kbuild tree (default: the grid's debian-6.1-amd64):
#   floor     a one-file hello module built with kbuild (what any module
#             costs: kbuild's start-up, the kernel headers, modpost)
#   cold      our `stap -p4` of a script with kprobes, target variables and
#             a tracepoint, not in the module cache (the kernel's compile
#             probes and runtime object cached, as after its first module)
#   first     the same with nothing cached: compile probes and the runtime
#             object built too
#   hit       the same script again: a cache hit
#   peer      SystemTap 4.8's `stap -p4` of the same script against the
#             Debian 6.1 headers (known to fail there: its time and error)
# Ratios: cold/floor (target <= 2x) and hit (target <= 0.1 s).
#
# usage: run.sh [KERNEL]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
ours=$here/build/bin/stap
kernel=${1:-debian-6.1-amd64}
cache=${STAPGRID_CACHE:-/var/cache/stapgrid}
kdir=$cache/kernels/$kernel/build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$ours" ] || { echo "run.sh: build first (make)"; exit 2; }
[ -f "$kdir/Makefile" ] || {
	echo "run.sh: no kbuild tree at $kdir (build/bin/stapgrid prepare --kernels $kernel)"
	exit 2
}

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

cat > "$work/script.stp" <<'STP'
global reads, opens
probe kernel.function("ksys_read").return { if ($return > 0) reads[execname()] <<< $return }
probe kernel.function("do_sys_openat2") { opens[pid()] = $dfd }
probe kernel.trace("sched_process_exec") { printf("%s %d\n", execname(), $p->pid) }
probe timer.s(10) { exit() }
probe end { foreach (n in reads) printf("%s %d\n", n, @sum(reads[n])) }
STP

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

t0=$(now)
make -s -C "$kdir" M="$work/hello" modules > "$work/hello.log" 2>&1 ||
	{ echo "run.sh: the hello module does not build:"; cat "$work/hello.log"; exit 1; }
floor=$(elapsed "$t0" "$(now)")

export SYSTEMTAP_DIR=$work/sd
t0=$(now)
"$ours" -r "$kernel" -p4 "$work/script.stp" > /dev/null || exit 1
first=$(elapsed "$t0" "$(now)")
rm -rf "$SYSTEMTAP_DIR/cache/${kernel#debian-}" "$SYSTEMTAP_DIR"/cache/[0-9]*
t0=$(now)
"$ours" -r "$kernel" -p4 "$work/script.stp" > /dev/null || exit 1
cold=$(elapsed "$t0" "$(now)")
t0=$(now)
"$ours" -r "$kernel" -p4 "$work/script.stp" > /dev/null || exit 1
hit=$(elapsed "$t0" "$(now)")

peer="not installed"
if command -v stap >/dev/null && [ "$(command -v stap)" != "$ours" ]; then
	krel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
	t0=$(now)
	if SYSTEMTAP_DIR=$work/peer stap -r "$kdir" -p4 "$work/script.stp" \
		> "$work/peer.log" 2>&1; then
		peer="built in $(elapsed "$t0" "$(now)") s"
	else
		peer="failed after $(elapsed "$t0" "$(now)") s: $(grep -m1 -iE 'error' "$work/peer.log" | cut -c1-120)"
	fi
	: "$krel"
fi

printf 'kernel build tree: %s\n' "$kdir"
printf '%-44s %8.2f s\n' "floor: one-file kbuild module" "$floor"
printf '%-44s %8.2f s  (%.2fx the floor; target <= 2x)\n' \
	"ours, cold -p4 of a new script" "$cold" "$(echo "$cold / $floor" | bc -l)"
printf '%-44s %8.2f s\n' "ours, first -p4 for this kernel" "$first"
printf '%-44s %8.3f s  (target <= 0.1 s)\n' "ours, cache hit" "$hit"
printf '%-44s %s\n' "SystemTap 4.8 -p4" "$peer"
