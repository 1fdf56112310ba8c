#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# On the host, before the perf guest boots (grid/suites/perf/prebuild.sh
# runs this; docs/overhead.md): everything the guest loads, built for
# $GRID_KERNEL into $GRID_CACHE/perf/$GRID_KERNEL/ (the guest reads it
# through its share of the cache), and the translator's rows, measured here:
#   pbload           the workloads (pbload.c)
#   pbfloor.ko       the floor: empty kprobes (pbfloor/), kbuild
#   modules.txt      "VARIANT MODULE.ko" for our variants (stap -r KERNEL
#                    -p4) and SystemTap 4.8's, or "VARIANT !failed" (its
#                    error in VARIANT.err: a failure is recorded, not hidden)
#   perf-host.txt    (in $GRID_JOBDIR) the compile rows (compile.sh)
# Never compile in the guest: under TCG a module takes minutes.
set -u
: "${GRID_JOBDIR:?}"
. "$GRID_SRC/grid/suites/prebuild-lib.sh"
prebuild_setup perf
P="$GRID_SRC/perf-bench/overhead"
ROWS="$GRID_JOBDIR/perf-host.txt"

gcc -O2 -Wall -Wextra -Werror -o "$B/pbload" "$P/pbload.c" || exit 1
echo "prebuild: pbload"
kbuild_module "$P/pbfloor" pbfloor

# Our variants: one script each over the four attach points.
POINTS='kprobe.function("__x64_sys_getppid"), kprobe.function("pipe_read"),
      kprobe.function("shmem_file_read_iter"), kprobe.function("__x64_sys_execve")'
script() { # VARIANT GLOBAL BODY
	[ -n "$2" ] && echo "global $2"
	printf 'probe %s\n{\n\t%s\n}\n' "$POINTS" "$3"
}
script empty "" "" > "$B/empty.stp"
script counter n "n++" > "$B/counter.stp"
script map_by_pid a "a[pid()]++" > "$B/map_by_pid.stp"
script stats s "s <<< tid()" > "$B/stats.stp"
script printf "" 'printf("hit %d\n", tid())' > "$B/printf.stp"
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
for v in empty counter map_by_pid stats printf transport; do
	# -u: an empty probe is otherwise elided as doing nothing
	opt=
	[ "$v" = empty ] && opt=-u
	if ko=$("$STAP" -r "$GRID_KERNEL" -p4 $opt $NOOVERLOAD "$B/$v.stp" 2> "$B/$v.err"); then
		echo "$v $ko" >> "$B/modules.txt.new"
	else
		echo "prebuild: $v.stp does not build:"
		cat "$B/$v.err"
		exit 1
	fi
done
echo "prebuild: our modules"

# SystemTap 4.8's counter, as it is and with peer.sh's runtime patch;
# a failure is recorded (modules.txt, VARIANT.err), not hidden.
. "$P/peer.sh"
peer_build() { # VARIANT [-R RUNTIME]
	v=$1
	shift
	if [ ! -x "$PEER" ]; then
		echo "SystemTap is not installed (apt-get install systemtap)" > "$B/$v.err"
	elif ko=$(SYSTEMTAP_DIR="$B/peer-cache" peer_stap "$B" "$GRID_RELEASE" "$@" -p4 "$B/counter.stp" 2> "$B/$v.err") &&
		[ -f "$ko" ]; then
		echo "$v $ko" >> "$B/modules.txt.new"
		return
	fi
	echo "$v !failed" >> "$B/modules.txt.new"
	echo "prebuild: SystemTap 4.8 fails ($v): $(first_error "$B/$v.err")"
}
peer_setup "$B" "$KDIR" "$GRID_RELEASE" || exit 1
peer_build systemtap_counter
peer_needs_patch "$B" "$GRID_RELEASE" && peer_build systemtap_counter_patched -R "$B/peer-runtime"
mv "$B/modules.txt.new" "$B/modules.txt"

# The compile rows, on this host.
sh "$P/compile.sh" "$GRID_KERNEL" > "$ROWS" || exit 1
cat "$ROWS"
echo "prebuild: done"
