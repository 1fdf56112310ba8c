# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every torture test in the guest (run.sh NAME): paths, the
# prebuilt modules, figures, checks and memory snapshots.  The guest runs
# chrooted into the host's / (read-only), so the tree and the cache are at
# the host's paths; $GRID is the writable share.
set -u
T="$GRID_SRC/torture"
B="$GRID_CACHE/torture/$GRID_KERNEL"
STAPRUN="$GRID_SRC/build/bin/staprun"
DUR=${GRID_DURATION:-10}
DBG=/sys/kernel/debug
NCPU=$(grep -c '^processor' /proc/cpuinfo)
FAILS=0
export PATH="$B:$PATH"
. "$T/judge.sh"

log() { echo "$TEST: $*"; }
mark() { echo "<5>torture: $TEST: $*" > /dev/kmsg; }

# figure KEY VALUE: a measured figure, into run.json (tests[].figures).
figure() {
	echo "$TEST $1 $2" >> "$GRID/figures.txt"
	log "figure $1 = $2"
}

# check DESCRIPTION CONDITION...: an invariant; a failed one fails the test.
check() {
	what=$1
	shift
	if "$@"; then
		log "ok: $what"
	else
		log "FAILED: $what"
		FAILS=$((FAILS + 1))
	fi
}

finish() {
	left=$(grep -c "^stap_\|^tbait_probe" /proc/modules)
	check "no script module left loaded" [ "$left" -eq 0 ]
	if [ "$FAILS" -gt 0 ]; then
		log "$FAILS invariant(s) failed"
		exit 1
	fi
	log "all invariants hold"
	exit 0
}

unsupported() {
	log "unsupported on $GRID_KERNEL: $*"
	figure unsupported "$*"
	exit 77
}

# The module prebuild.sh built for a script (torture/scripts/NAME.stp).
ko() {
	p=$(awk -v n="$1" '$1 == n { print $2 }' "$B/modules.txt")
	if [ -z "$p" ] || [ ! -r "$p" ]; then log "no prebuilt module for $1 (prebuild.log)" >&2; exit 1; fi
	echo "$p"
}

# session SCRIPT CMD: SCRIPT's module under staprun -v with -c CMD,
# bounded in time; its output in $GRID/$TEST.out and .err (and the log),
# $rc its exit status, $secs how long it took.
session() {
	k=$(ko "$1") || exit 1
	t0=$(now)
	timeout -k 30 $((DUR * 4 + 120)) "$STAPRUN" -v -c "$2" "$k" > "$GRID/$TEST.out" 2> "$GRID/$TEST.err"
	rc=$?
	secs=$(elapsed "$t0")
	cat "$GRID/$TEST.out" "$GRID/$TEST.err"
}

# Load the bait (tbait.ko) or the injector (tfault.ko) once.
load_helper() {
	grep -q "^$1 " /proc/modules && return 0
	insmod "$B/$1.ko" || { log "cannot load $B/$1.ko"; exit 1; }
}

unload_helper() {
	grep -q "^$1 " /proc/modules || return 0
	rmmod "$1" || check "$1 unloads" false
}

# Background workloads: started with bg, all stopped with bg_stop (a
# subshell's $(jobs -p) is empty in dash: the pids are kept here).
BGPIDS=
bg() {
	"$@" &
	BGPIDS="$BGPIDS $!"
}
bg_stop() {
	[ -n "$BGPIDS" ] && kill $BGPIDS 2> /dev/null
	for p in $BGPIDS; do wait "$p" 2> /dev/null; done
	BGPIDS=
}

# Seconds since boot (with a fraction), and whole seconds without a
# process (a fork and exec cost tens of milliseconds under TCG).
now() { cut -d' ' -f1 /proc/uptime; }
secs() { read -r up _ < /proc/uptime; echo "${up%.*}"; }
before_end() { read -r up _ < /proc/uptime; [ "${up%.*}" -lt "$END" ]; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# Memory, after dropping the caches and shrinking every slab cache (which
# also empties KASAN's quarantine of freed objects, else counted as slab):
# "SLAB_KB UNRECLAIMABLE_KB AVAILABLE_KB PCP_KB".  Pages on the per-CPU
# free lists are free but not counted in MemFree, and since Linux 6.7 the
# kernel grows those lists to tens of MB when a CPU frees a lot: 6.12's
# MemAvailable moved by several MB between two idle snapshots.  So
# AVAILABLE_KB is MemAvailable plus the pages on those lists (the "count:"
# of every CPU's pageset in /proc/zoneinfo), and PCP_KB is that part.
memsnap() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f"
	done 2> /dev/null
	awk -v kb="$(($(getconf PAGESIZE) / 1024))" '
		FILENAME ~ /zoneinfo/ { if ($1 == "count:") p += $2 * kb; next }
		/^Slab:/ { s = $2 } /^SUnreclaim:/ { u = $2 } /^MemAvailable:/ { a = $2 }
		END { print s, u, a + p, p }' /proc/meminfo /proc/zoneinfo
}

# The start of a test of arm/disarm cycles (its function `cycle`): one
# warm-up cycle (first-use caches are not a leak), then the memory
# baseline ($before), kmemleak cleared, the clock ($t0, $END).
cycles_begin() {
	n=warm-up
	cycle
	before=$(memsnap)
	kmemleak_clear
	t0=$(now)
	END=$(($(secs) + DUR))
}

kmemleak_on() { [ -w "$DBG/kmemleak" ]; }
kmemleak_clear() {
	kmemleak_on || return 0
	echo clear > "$DBG/kmemleak"
}
# The suspects found since kmemleak_clear (objects older than 5 s);
# "disabled" when kmemleak turned itself off meanwhile (a check fails on
# it: no scan is no proof).
kmemleak_count() {
	kmemleak_on || { echo na; return; }
	sleep 6
	if ! echo scan 2> /dev/null > "$DBG/kmemleak" ||
	   ! cat "$DBG/kmemleak" > "$GRID/kmemleak-$TEST.txt" 2> /dev/null ||
	   dmesg | grep -q 'Kernel memory leak detector disabled'; then
		echo disabled
		return
	fi
	grep -c '^unreferenced object' "$GRID/kmemleak-$TEST.txt"
}

# memory_back BEFORE AFTER N: memory after N cycles or attempts, against
# memsnap's BEFORE (AFTER taken just now): the deltas and kmemleak's count
# as figures, and the checks that it is back to its baseline.  The
# baseline's noise (slab caches refilled by the workload) is a few hundred
# kB; a leak of even 1 kB a cycle over the cycles of a run shows above it.
memory_back() {
	lim=$((512 + $3 / 4)) leaks=$(kmemleak_count)
	set -- $1 $2
	slab=$(($5 - $1)) unrec=$(($6 - $2)) avail=$(($3 - $7)) pcp=$(($8 - $4))
	figure slab_delta_kb "$slab"
	figure unreclaimable_delta_kb "$unrec"
	figure available_drop_kb "$avail"
	figure pcp_lists_delta_kb "$pcp"
	figure kmemleak "$leaks"
	check "slab back to baseline (grew $slab kB, limit $lim)" [ "$slab" -le "$lim" ]
	check "memory back to baseline (available fell $avail kB, free lists included, limit $((lim * 4)))" [ "$avail" -le $((lim * 4)) ]
	[ "$leaks" = na ] || check "kmemleak finds nothing new ($leaks)" [ "$leaks" = 0 ]
}

# staprun's closing report: skipped probes, kprobe misses, errors.
skipped_of() { sed -n 's/.*skipped probes: \([0-9]*\).*/\1/p' "$1" | tail -1 | grep . || echo 0; }
missed_of() { sed -n 's/.*missed kprobes.*: \([0-9]*\)$/\1/p' "$1" | tail -1 | grep . || echo 0; }
errors_of() { sed -n 's/.*Number of errors: \([0-9]*\),.*/\1/p' "$1" | tail -1 | grep . || echo 0; }

