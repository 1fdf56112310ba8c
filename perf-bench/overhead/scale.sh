#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sh scale.sh: the perf suite's scale test in the guest (docs/overhead.md,
# "Scale"), chrooted into the guest's hostroot as run.sh is; rows go to
# $GRID/perf.txt.  For N probes (1, 100, 1,000 and 10,000 in a full run;
# 1 and 100 in a short one), each tracer runs the same counter on the
# same N idle kernel functions (scale-prebuild.sh) with a command that
# marks the moment it starts (the tracer starts it once every probe is
# armed) and the moment it ends:
#   arm      launch to the command's start: what a user waits for (our
#            module's load and arming; bpftrace's compile, load and
#            attach; SystemTap 4.8's staprun load and arming), seconds
#   disarm   the command's end to the tracer's exit (end probes, detach,
#            unload), seconds
#   kmem     kernel memory while armed over before, KiB: SUnreclaim +
#            VmallocUsed + Percpu of /proc/meminfo (kprobes, ftrace ops
#            and trampolines, perf events and BPF programs are unreclaimable
#            slab, vmalloc (module_alloc) or per-CPU memory; dentries and
#            the page cache are not counted)
#   module   a module's core size (/sys/module/NAME/coresize: its code and
#            data as loaded), bytes; bpftrace loads none
# and, over the largest N against 1, the cost of one more probe
# (kmem_per_probe, module_per_probe, arm_per_probe).  Checked: every
# tracer exits cleanly and has exactly N probes armed while its command
# runs (kprobes' list, plus our ftrace_ops in enabled_functions).  One run
# each: a benchmark, not a timed test.
set -u
P="$GRID_SRC/perf-bench/overhead"
B="$GRID_CACHE/perf/$GRID_KERNEL"
STAPRUN="$GRID_SRC/build/bin/staprun"
DUR=${GRID_DURATION:-30}
ROWS="$GRID/perf.txt"
W=/tmp/pbs
FAILS=0
mkdir -p "$W"
mount | grep -q ' /sys/kernel/debug ' || mount -t debugfs debugfs /sys/kernel/debug
KPLIST=/sys/kernel/debug/kprobes/list
FTLIST=/sys/kernel/debug/tracing/enabled_functions

log() { echo "scale: $*"; }
check() {
	what=$1
	shift
	if "$@"; then log "ok: $what"; else log "FAILED: $what"; FAILS=$((FAILS + 1)); fi
}
ko() { awk -v n="$1" '$1 == n { print $2 }' "$B/modules.txt"; }
[ -r "$B/modules.txt" ] || { log "nothing prebuilt in $B (prebuild.log)"; exit 1; }

ALL_NS="1 100 1000 10000"
NS=$ALL_NS
[ "$DUR" -ge 50 ] || NS="1 100"
# by hand: SCALE_NS="1 1000" SCALE_TRACERS=ours sh scale.sh (the others
# are rows saying so)
NS=${SCALE_NS:-$NS}
SHORT_NOTE="not run: a short run (--duration under 50) runs ours and bpftrace's on 1 and 100 probes; stapgrid run --suite perf runs every tracer on 1 to 10,000"
TRACERS=${SCALE_TRACERS:-ours bpftrace systemtap}

# The command each tracer runs: "armed TIME KMEM CORESIZE PROBES", then
# "end TIME".  PROBES: kprobes registered plus our ftrace_ops' functions.
kmem() { awk '/^(SUnreclaim|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo; }
cat > "$W/mark.sh" <<'MARK'
t=$(date +%s.%N)
m=$(awk '/^(SUnreclaim|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo)
c=$(cat /sys/module/stap_*/coresize 2> /dev/null | awk '{ s += $1 } END { print s + 0 }')
k=$(grep -c . /sys/kernel/debug/kprobes/list 2> /dev/null)
f=$(grep -c 'stp_ft_' /sys/kernel/debug/tracing/enabled_functions 2> /dev/null)
echo "armed $t $m $c $((${k:-0} + ${f:-0}))" > /tmp/pbs/mark
echo "end $(date +%s.%N)" >> /tmp/pbs/mark
MARK

# run_one TRACER N: one session; "ARM DISARM KMEM CORESIZE PROBES" on
# stdout, nothing when it failed (its error on stderr).
run_one() {
	t=$1 n=$2 out="$W/$1_$2.out" err="$W/$1_$2.err"
	rm -f "$W/mark"
	sync
	m0=$(kmem)
	t0=$(date +%s.%N)
	case $t in
	ours) timeout 1800 "$STAPRUN" -c "sh $W/mark.sh" "$(ko "scale_ours_$n")" > "$out" 2> "$err" ;;
	systemtap) timeout 1800 /usr/bin/staprun -c "sh $W/mark.sh" "$(ko "scale_systemtap_$n")" > "$out" 2> "$err" ;;
	# each kprobe is a perf event, an open file: 10,000 need more than
	# the default 1,024; and bpftrace refuses more than 512 probes
	# unless told (BPFTRACE_MAX_PROBES)
	bpftrace) (ulimit -n 65536; BPFTRACE_MAX_PROBES=$((n + 1)) timeout 1800 bpftrace -c "/bin/sh $W/mark.sh" "$B/scale_$n.bt") > "$out" 2> "$err" ;;
	esac
	rc=$?
	t3=$(date +%s.%N)
	if [ "$rc" -ne 0 ] || [ ! -s "$W/mark" ]; then
		echo "$t $n: exit $rc, mark: $(cat "$W/mark" 2> /dev/null)" >> "$err"
		return 1
	fi
	awk -v t0="$t0" -v t3="$t3" -v m0="$m0" '
		$1 == "armed" { t1 = $2; m1 = $3; core = $4; probes = $5 }
		$1 == "end" { t2 = $2 }
		END { printf "%.3f %.3f %d %d %d\n", t1 - t0, t3 - t2, m1 - m0, core, probes }' "$W/mark"
}

# row VARIANT WORKLOAD UNIT VALUE [TWIN] [NOTE]
row() {
	tw=
	[ -n "${5:-}" ] && tw=" twin=$5"
	echo "row variant=$1 workload=$2 unit=$3 value=$4 runs=$([ "$4" = - ] && echo 0 || echo 1) min=- max=-$tw${6:+ note=$6}" >> "$ROWS"
}

# Why TRACER does not run with N probes here, or nothing when it does.
why_not() {
	case " $NS " in *" $2 "*) ;; *) echo "$SHORT_NOTE"; return ;; esac
	case $1 in
	bpftrace) command -v bpftrace > /dev/null || echo "bpftrace is not installed (apt-get install bpftrace)" ;;
	*) case $(ko "scale_$1_$2") in
	   "") echo "not built (prebuild.log)" ;;
	   !short) echo "$SHORT_NOTE" ;;
	   !too-few) echo "not run: fewer idle functions than $2 in this kernel (scale-funcs.txt)" ;;
	   !failed) echo "does not build for $GRID_RELEASE: $({ grep -m1 -i error "$B/scale_$1_$2.err" || head -1 "$B/scale_$1_$2.err"; } 2> /dev/null | cut -c1-160)" ;;
	   esac ;;
	esac
}

twin_of() { [ "$1" = ours ] && echo "bpftrace_$2"; }
# The twin of TRACER's row of WORKLOAD at N: bpftrace loads no module, so
# our module's size is compared with SystemTap's.
twin_for() {
	[ "$1" = ours ] || return 0
	[ "$3" = module ] && echo "systemtap_$2" || echo "bpftrace_$2"
}

: > "$W/figures"
base_kp=$(grep -c . "$KPLIST" 2> /dev/null)
log "$(uname -r): $NS probes, $(wc -l < "$B/scale-funcs.txt") idle functions; $base_kp kprobes before"
for t in $TRACERS; do
	for n in $ALL_NS; do
		v="${t}_$n"
		why=$(why_not "$t" "$n")
		if [ -n "$why" ]; then
			for w in arm:s disarm:s kmem:KiB module:bytes; do
				row "$v" "${w%:*}" "${w#*:}" - "$(twin_for "$t" "$n" "${w%:*}")" "$why"
			done
			continue
		fi
		r=$(run_one "$t" "$n")
		check "$t $n probes: ran cleanly (exit 0, its command marked)" [ -n "$r" ]
		if [ -z "$r" ]; then
			tail -5 "$W/${v}.err"
			for w in arm:s disarm:s kmem:KiB module:bytes; do
				row "$v" "${w%:*}" "${w#*:}" - "$(twin_for "$t" "$n" "${w%:*}")" "failed: $(tail -1 "$W/${v}.err" | cut -c1-160)"
			done
			continue
		fi
		set -- $r
		log "$t $n probes: arm $1 s, disarm $2 s, kmem $3 KiB, module $4 B, $5 armed"
		check "$t $n probes: $n armed while it ran ($5 less the $base_kp before)" [ "$(($5 - base_kp))" -eq "$n" ]
		check "$t $n probes: no errors reported" sh -c "! grep -q 'ERROR\|error' '$W/${v}.err'"
		row "$v" arm s "$1" "$(twin_of "$t" "$n")"
		row "$v" disarm s "$2" "$(twin_of "$t" "$n")"
		row "$v" kmem KiB "$3" "$(twin_of "$t" "$n")"
		if [ "$t" = bpftrace ]; then
			row "$v" module bytes - "" "bpftrace loads no module: its programs are in kmem"
		else
			row "$v" module bytes "$4" "$([ "$t" = ours ] && echo "systemtap_$n")" \
				"core size; the .ko without debug sections is $(wc -c < "$(ko "scale_${t}_$n")") bytes"
		fi
		echo "$t $n $1 $2 $3 $4" >> "$W/figures"
	done
done

# The cost of one more probe: the largest N measured against 1.
for t in $TRACERS; do
	awk -v t="$t" -v tw="$(twin_of "$t" x | sed 's/_x$//')" '
		$1 == t && $2 == 1 { a = $3; k = $5; c = $6; one = 1 }
		$1 == t && $2 > 1 { n = $2; an = $3; kn = $5; cn = $6 }
		END {
			twin = tw != "" ? " twin=" tw : ""
			if (!one || !n) {
				for (i = split("arm_per_probe s kmem_per_probe bytes module_per_probe bytes", x, " "); i > 0; i -= 2)
					printf "row variant=%s workload=%s unit=%s value=- runs=0 min=- max=-%s note=not measured at 1 and at more probes\n", t, x[i - 1], x[i], twin
				exit
			}
			d = n - 1
			printf "row variant=%s workload=arm_per_probe unit=s value=%.6f runs=1 min=- max=-%s note=(arm at %d - arm at 1) / %d\n", t, (an - a) / d, twin, n, d
			printf "row variant=%s workload=kmem_per_probe unit=bytes value=%.0f runs=1 min=- max=-%s note=(kmem at %d - kmem at 1) / %d\n", t, (kn - k) * 1024 / d, twin, n, d
			if (t == "bpftrace")
				printf "row variant=%s workload=module_per_probe unit=bytes value=- runs=0 min=- max=- note=bpftrace loads no module\n", t
			else
				printf "row variant=%s workload=module_per_probe unit=bytes value=%.0f runs=1 min=- max=-%s note=(core size at %d - at 1) / %d\n", t, (cn - c) / d, t == "ours" ? " twin=systemtap" : "", n, d
		}' "$W/figures" 2> /dev/null >> "$ROWS"
done
grep -E 'workload=(arm|disarm|kmem|module)' "$ROWS"
[ "$FAILS" -eq 0 ] || { log "$FAILS check(s) failed"; exit 1; }
log "all checks hold"
