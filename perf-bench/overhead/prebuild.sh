#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# On the host, before the perf guest boots (grid/suites/perf/prebuild.sh
# runs this; docs/overhead.md): everything the guest loads, built for
# $GRID_KERNEL into $GRID_CACHE/perf/$GRID_KERNEL/ (the guest reads it
# through its share of the cache), and the translator's rows, measured here:
#   pbload           the workloads (pbload.c)
#   pbfloor.ko       the floor: empty kprobes (pbfloor/), kbuild
#   pbfloor_ftrace.ko, pbfloor_tp.ko, pbfloor_uprobe.ko
#                    the floors of the other attach mechanisms: an empty
#                    ftrace callback at function entry, an empty
#                    tracepoint callback, a bare uprobe on pbload's
#                    pb_ufunc (pbfloor_ftrace/, pbfloor_tp/, pbfloor_uprobe/)
#   pbload.ufunc     pb_ufunc's file offset in pbload: pbfloor_uprobe's
#                    offset= parameter
#   modules.txt      "VARIANT MODULE.ko" for our variants (stap -r KERNEL
#                    -p4) and SystemTap 4.8's twins of them, or "VARIANT
#                    !failed" (its error in VARIANT.err: a failure is
#                    recorded, not hidden).  A short run (GRID_DURATION
#                    under 50, make check-grid-perf) builds only what it
#                    runs (SHORT below), "VARIANT !short" for the rest
#   scale_*          the scale test's scripts and modules (scale-prebuild.sh)
#   perf-host.txt    (in $GRID_JOBDIR) the compile rows (compile.sh)
# Never compile in the guest: under TCG a module takes minutes.
set -u
: "${GRID_JOBDIR:?}"
. "$GRID_SRC/grid/suites/prebuild-lib.sh"
prebuild_setup perf
P="$GRID_SRC/perf-bench/overhead"
ROWS="$GRID_JOBDIR/perf-host.txt"

# -g: SystemTap 4.8 finds process().function in DWARF
gcc -O2 -g -Wall -Wextra -Werror -o "$B/pbload" "$P/pbload.c" || exit 1
echo "prebuild: pbload"

# ufunc_offset BINARY: pb_ufunc's file offset, its address less its
# PT_LOAD segment's address plus that segment's offset (what uprobes
# take), or nothing.
ufunc_offset() {
	a=$(nm "$1" | awk '$3 == "pb_ufunc" { print "0x" $1 }')
	[ -n "$a" ] || return 1
	set -- $(readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $3, $5 }')
	while [ $# -ge 3 ]; do
		if [ $((a)) -ge $(($2)) ] && [ $((a)) -lt $(($2 + $3)) ]; then
			echo $((a - $2 + $1))
			return 0
		fi
		shift 3
	done
	return 1
}
ufunc_offset "$B/pbload" > "$B/pbload.ufunc" || { echo "prebuild: no pb_ufunc in pbload"; exit 1; }
echo "prebuild: pb_ufunc at file offset $(cat "$B/pbload.ufunc")"
kbuild_module "$P/pbfloor" pbfloor
kbuild_module "$P/pbfloor_ftrace" pbfloor_ftrace
kbuild_module "$P/pbfloor_tp" pbfloor_tp
kbuild_module "$P/pbfloor_uprobe" pbfloor_uprobe

# Our variants: one script each over the four attach points.
POINTS='kprobe.function("__x64_sys_getppid"), kprobe.function("pipe_read"),
      kprobe.function("shmem_file_read_iter"), kprobe.function("__x64_sys_execve")'
script() { # VARIANT GLOBAL BODY [POINTS]
	[ -n "$2" ] && echo "global $2"
	printf 'probe %s\n{\n\t%s\n}\n' "${4:-$POINTS}" "$3"
}
script empty "" "" > "$B/empty.stp"
script counter n "n++" > "$B/counter.stp"
script map_by_pid a "a[pid()]++" > "$B/map_by_pid.stp"
# with a histogram: its buckets are kept on every hit, as bpftrace's hist()
script stats s "s <<< tid()" > "$B/stats.stp"
echo 'probe end { print(@hist_log(s)) }' >> "$B/stats.stp"
script printf "" 'printf("hit %d\n", tid())' > "$B/printf.stp"
# a return probe reading the return value, on the same four functions
script return r "r += returnval()" "$(echo "$POINTS" | sed 's/")/").return/g')" > "$B/return.stp"
# a tracepoint: every system call's entry (getppid and fileread make one
# an operation)
script tracepoint n "n++" 'kernel.trace("raw_syscalls:sys_enter")' > "$B/tracepoint.stp"
# user space: pbload's pb_ufunc (the ucall workload), as a function and
# as its SDT marker (the same instruction: pbload.c)
script uprobe n "n++" "process(\"$B/pbload\").function(\"pb_ufunc\")" > "$B/uprobe.stp"
script usdt n "n++" "process(\"$B/pbload\").mark(\"pb_mark\")" > "$B/usdt.stp"
# The transport test: a line per getppid of the workload (pbload, whose
# calls the test counts), and the count of them.
cat > "$B/transport.stp" <<'STP'
global n
probe kprobe.function("__x64_sys_getppid") { if (execname() == "pbload") { n++; printf("e %d\n", n) } }
probe end { printf("hits %d\n", n) }
STP

: > "$B/modules.txt.new"
# The overload check stays on (its per-hit cost is part of ours), with a
# threshold no workload reaches: a printf a hit of a tight loop spends
# over half the CPU in handlers, which would end that session by design.
NOOVERLOAD=-DSTP_OVERLOAD_THRESHOLD=990000000
# A short run (make check-grid-perf) builds and runs one variant of each
# kind of row (run.sh's SHORT): the rest are "VARIANT !short" in
# modules.txt, rows that say they were not run.
FULL=false
[ "${GRID_DURATION:-50}" -ge 50 ] && FULL=true
SHORT="counter uprobe map_1000 map_100000 transport systemtap_counter"
wanted() {
	$FULL && return 0
	case " $SHORT " in *" $1 "*) return 0 ;; esac
	echo "$1 !short" >> "$B/modules.txt.new"
	return 1
}
# ours VARIANT SCRIPT [OPTION]
ours() {
	wanted "$1" || return 0
	if ko=$("$STAP" -r "$GRID_KERNEL" -p4 ${3:-} $NOOVERLOAD "$B/$2.stp" 2> "$B/$1.err"); then
		echo "$1 $ko" >> "$B/modules.txt.new"
	else
		echo "prebuild: $2.stp does not build ($1):"
		cat "$B/$1.err"
		exit 1
	fi
}
# -u: an empty probe is otherwise elided as doing nothing
ours empty empty -u
for v in counter map_by_pid stats printf return tracepoint uprobe usdt transport; do
	ours $v $v
done
# the counter as a kprobe, as before function entry went through ftrace
ours counter_kprobe counter -DSTP_NO_FTRACE
# a[pid()]++ as the map fills: N entries, N - 1 of them filled by the
# begin probe with keys no process has, before any probe is armed; the
# hit finds (then updates) the Nth.  Room for 1,000 more: every process
# that calls getppid meanwhile (the workload's shell, its pbload runs)
# adds its own entry, which overflowed a map of exactly N.
for n in 1000 100000 1000000; do
	cat > "$B/map_$n.stp" <<STP
global a[$((n + 1000))]
probe begin { for (i = 1; i < $n; i++) a[-i] = 1 }
probe kprobe.function("__x64_sys_getppid") { a[pid()]++ }
probe end { println(a[0]) }	# read: not printed whole at the end
STP
	ours "map_$n" "map_$n" -DMAXACTION_INTERRUPTIBLE=$((n * 10))
done
echo "prebuild: our modules"

# SystemTap 4.8's counter, as it is and with peer.sh's runtime patch;
# a failure is recorded (modules.txt, VARIANT.err), not hidden.
. "$P/peer.sh"
peer_build() { # VARIANT SCRIPT [-R RUNTIME]
	v=$1 script=$2
	shift 2
	wanted "$v" || return 0
	opt=
	[ "$script" = empty ] && opt=-u
	if [ ! -x "$PEER" ]; then
		echo "SystemTap is not installed (apt-get install systemtap)" > "$B/$v.err"
	elif ko=$(SYSTEMTAP_DIR="$B/peer-cache" peer_stap "$B" "$GRID_RELEASE" "$@" $opt -p4 "$B/$script.stp" 2> "$B/$v.err") &&
		[ -f "$ko" ]; then
		echo "$v $ko" >> "$B/modules.txt.new"
		return
	fi
	echo "$v !failed" >> "$B/modules.txt.new"
	echo "prebuild: SystemTap 4.8 fails ($v): $(first_error "$B/$v.err")"
}
peer_setup "$B" "$KDIR" "$GRID_RELEASE" || exit 1
# SystemTap resolves process("PATH") inside its sysroot: pbload there at
# its own path (the module keeps the path, which the guest has)
mkdir -p "$B/peer-root$B" && cp "$B/pbload" "$B/peer-root$B/pbload" || exit 1
# Every variant's twin in a full run; in a short one only the counter
# as it is (its failure on Debian's 6.1 is a row).
TWINS="empty counter map_by_pid stats printf return tracepoint uprobe usdt"
peer_build systemtap_counter counter
for t in $TWINS; do
	peer_needs_patch "$B" "$GRID_RELEASE" && peer_build "systemtap_${t}_patched" "$t" -R "$B/peer-runtime"
done
# The scale test's modules: 1 to 10,000 probes (scale-prebuild.sh).
. "$P/scale-prebuild.sh"
scale_prebuild
mv "$B/modules.txt.new" "$B/modules.txt"

# The compile rows, on this host.
sh "$P/compile.sh" "$GRID_KERNEL" > "$ROWS" || exit 1
cat "$ROWS"
echo "prebuild: done"
