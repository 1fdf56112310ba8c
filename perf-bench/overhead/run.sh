#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sh run.sh overhead|transport: the perf suite's tests in the guest
# (docs/overhead.md), chrooted into the guest's hostroot (the tree and the
# cache at their host paths: docs/grid.md) with $GRID the writable
# share; result rows go to $GRID/perf.txt.
#
# overhead: every variant over four workloads, in one boot.  A round loads
# each variant in turn (its order rotated each round), runs every workload
# K times under it, unloads it and runs them K times unprobed: probed and
# unprobed runs interleave, so drift hits both.  Per hit = (median probed
# ns/op - median unprobed ns/op) / hits per op, a run's ns/op being its
# fastest slice's (pbload.c); min and max from single probed runs against
# the same unprobed median.
#
# transport: one line of printf per getppid() at rising paced rates on one
# vCPU; lines delivered + drops staprun reports must equal the calls the
# workload made (pbload's own count: a silent drop, or a probe that missed
# calls, fails the test); the rate at which drops begin is a row.
set -u
TEST=$1
P="$GRID_SRC/perf-bench/overhead"
B="$GRID_CACHE/perf/$GRID_KERNEL"
STAPRUN="$GRID_SRC/build/bin/staprun"
DUR=${GRID_DURATION:-30}
ROWS="$GRID/perf.txt"
W=/tmp/pb
FAILS=0
mkdir -p "$W"
mount | grep -q ' /sys/kernel/debug ' || mount -t debugfs debugfs /sys/kernel/debug

log() { echo "$TEST: $*"; }
check() {
	what=$1
	shift
	if "$@"; then log "ok: $what"; else log "FAILED: $what"; FAILS=$((FAILS + 1)); fi
}
. "$P/peer.sh"
. "$GRID_SRC/torture/judge.sh" # transport_accounts
clean() { ! grep -q 'WARNING\|ERROR' "$1"; }
noerror() { ! grep -q 'ERROR\|errors\|skipped' "$1"; }
ko() { awk -v n="$1" '$1 == n { print $2 }' "$B/modules.txt"; }
[ -r "$B/modules.txt" ] || { log "nothing prebuilt in $B (prebuild.log)"; exit 1; }

# ---- overhead ----------------------------------------------------------

# Workloads: name, pbload arguments, attach-point hits per operation.
# The kernel's (KWORKLOADS) and user space's: ucall, a call of pbload's
# pb_ufunc, whose first instruction is its SDT marker (a uprobe hit costs
# microseconds under TCG: 20,000 calls are 100 to 300 ms probed).
KWORKLOADS="getppid fileread ctxswitch forkexec"
WORKLOADS="$KWORKLOADS ucall"
UCALLS=20000
args_of() {
	case $1 in
	getppid) echo "getppid 100000" ;;
	fileread) echo "fileread 50000 $W/data" ;;
	ctxswitch) echo "ctxswitch 5000" ;;
	forkexec) echo "forkexec 30 /bin/true" ;;
	ucall) echo "ucall $UCALLS" ;;
	esac
}
hpo_of() { [ "$1" = ctxswitch ] && echo 2 || echo 1; }
# Runs of a workload per K: getppid and fileread runs take 50 to 100 ms,
# and more of them steady the medians the targets are read from.
more_of() { case $1 in getppid|fileread|ucall) echo 3 ;; *) echo 1 ;; esac; }

# Every workload K times; "LABEL WORKLOAD NS_PER_OP RUN_NS_PER_OP" lines
# into samples: the run's figure is its fastest slice (pbload.c says why)
# where it has slices, else the whole run; the whole run's is kept beside.
# pbload writes a file, read after it exits: no reader starts beside it.
# runs.sh LABEL K [WORKLOADS]: all of them unless given, a comma-separated
# list (one word: bpftrace -c splits its command at spaces, quotes or not).
cat > "$W/runs.sh" <<RUNS
for w in \$(echo "\${3:-$WORKLOADS}" | tr , ' '); do
	case \$w in
	getppid) a="$(args_of getppid)" m=$(more_of getppid) ;;
	fileread) a="$(args_of fileread)" m=$(more_of fileread) ;;
	ctxswitch) a="$(args_of ctxswitch)" m=$(more_of ctxswitch) ;;
	forkexec) a="$(args_of forkexec)" m=$(more_of forkexec) ;;
	ucall) a="$(args_of ucall)" m=$(more_of ucall) ;;
	esac
	k=0
	while [ \$k -lt \$((\$2 * m)) ]; do
		$B/pbload \$a > $W/one
		awk -v l="\$1" -v w="\$w" '{ printf "%s %s %.2f %.2f\\n", l, w, (NF >= 6 ? \$6 : \$4 / \$2), \$4 / \$2 }' $W/one >> $W/samples
		k=\$((k + 1))
	done
done
RUNS

# A full run (the default five rounds and more) runs every variant and
# twin; a short one (make check-grid-perf) one of each kind of row: the
# floors of kprobes and ftrace, our counter with its twin and bpftrace's
# kfunc peer (ratio_to_twin), two map sizes (the growth), and the user
# function's uprobe (its floor, ours, bpftrace's), the rest rows that say
# they were not run.  prebuild.sh builds the same set.
FULL=false
[ "$DUR" -ge 50 ] && FULL=true
SHORT="floor floor_ftrace counter map_1000 map_100000 bpftrace_counter bpftrace_kfunc_counter floor_uprobe uprobe bpftrace_uprobe"
FLOORS="floor floor_ftrace floor_tracepoint floor_uprobe"
# Ours, each with its twin: the same script in bpftrace (gperf.c's
# ratio_to_twin); SystemTap 4.8's twin of VARIANT is systemtap_VARIANT_patched.
OURS="empty counter counter_kprobe map_by_pid stats printf return tracepoint uprobe usdt"
# a[pid()]++ in a map of 1,000, 100,000 and 1,000,000 entries (getppid
# only): each compared with the first, its "twin" here
MAPS="map_1000 map_100000 map_1000000"
twin_of() {
	case $1 in
	counter_kprobe) echo bpftrace_counter ;;
	map_1000*) echo map_1000 ;;
	*) echo "bpftrace_$1" ;;
	esac
}
BPF_TWINS="bpftrace_empty bpftrace_counter bpftrace_kfunc_counter bpftrace_map_by_pid bpftrace_stats bpftrace_printf bpftrace_return bpftrace_tracepoint bpftrace_uprobe bpftrace_usdt"
KPROBES='kprobe:__x64_sys_getppid,kprobe:pipe_read,kprobe:shmem_file_read_iter,kprobe:__x64_sys_execve'
bpf_prog() {
	case $1 in
	bpftrace_empty) printf '%s\n' "$KPROBES { }" ;;
	bpftrace_counter) printf '%s\n' "$KPROBES { @n = count(); }" ;;
	# fentry: bpftrace's way into a function through ftrace (BTF)
	bpftrace_kfunc_counter) printf '%s\n' "$KPROBES { @n = count(); }" | sed 's/kprobe:/kfunc:/g' ;;
	bpftrace_map_by_pid) printf '%s\n' "$KPROBES { @a[pid] = count(); }" ;;
	bpftrace_stats) printf '%s\n' "$KPROBES { @s = hist(tid); }" ;;
	bpftrace_printf) printf '%s\n' "$KPROBES { printf(\"hit %d\\n\", tid); }" ;;
	bpftrace_return) printf '%s\n' "$KPROBES { @r = sum(retval); }" | sed 's/kprobe:/kretprobe:/g' ;;
	bpftrace_tracepoint) printf '%s\n' "tracepoint:raw_syscalls:sys_enter { @n = count(); }" ;;
	bpftrace_uprobe) printf '%s\n' "uprobe:$B/pbload:pb_ufunc { @n = count(); }" ;;
	bpftrace_usdt) printf '%s\n' "usdt:$B/pbload:pbload:pb_mark { @n = count(); }" ;;
	esac
}
# The workloads a variant runs: a tracepoint on every system call's entry
# makes one hit an operation of getppid and of fileread only; a probe on
# pbload's user function is hit by ucall alone, which no kernel probe is.
workloads_of() {
	case $1 in
	base) echo $WORKLOADS ;;
	*tracepoint*) echo getppid fileread ;;
	map_1000*) echo getppid ;;
	*uprobe*|*usdt*) echo ucall ;;
	*) echo $KWORKLOADS ;;
	esac
}
# insmod_runs MODULE VARIANT K [PARAMETER...]: a bare floor module loaded
# around the runs.
insmod_runs() {
	m=$1 v=$2 k=$3
	shift 3
	insmod "$B/$m.ko" "$@" || return 1
	sh "$W/runs.sh" "$v" "$k" "$(workloads_of "$v" | tr ' ' ,)"
	rc=0
	# the bare uprobe counts its hits: a wrong offset would be a floor
	# of nothing
	if [ "$m" = pbfloor_uprobe ]; then
		h=$(cat /sys/module/pbfloor_uprobe/parameters/hits)
		want=$((k * $(more_of ucall) * UCALLS))
		echo "$m: $h hits of $want calls" > "$W/$v.err"
		[ "$h" -ge "$want" ] || rc=1
	fi
	rmmod "$m"
	return $rc
}
# user_hits VARIANT K: the calls of pb_ufunc a user-space variant counted
# in its session (its end's output: ours and SystemTap's "n=N",
# bpftrace's "@n: N"), against the calls the runs made.
user_hits() {
	sed -n 's/^n=\([0-9]*\)$/\1/p; s/^@n: \([0-9]*\)$/\1/p' "$W/$1.out" | tail -1
}

# bpftrace_detached VARIANT K WORKLOADS: bpftrace started on its own, the
# runs once its BEGIN line says every probe is attached, then SIGTERM (its
# end: the maps printed, as on SIGINT, which a background job of a
# non-interactive shell starts with ignored).  For usdt: with -c, bpftrace
# 0.17 ties USDT probes to the command's pid (the sh of runs.sh, which
# never runs pbload's marker; uprobes it attaches for every process).
# -B none: the BEGIN line is not held in a buffer.  Through timeout(1),
# one SIGINT in five was seen lost (bpftrace ran on, its count printed
# when the timeout ended it): the signal is sent again every 5 s, for at
# most a minute, and how many it took is logged.
# alive PID: a process, not a zombie (kill -0 is true of a child that
# has exited and not yet been waited for).
alive() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
bpftrace_detached() {
	bpftrace -B none -e "BEGIN { printf(\"armed\\n\"); } $(bpf_prog "$1")" > "$out" 2> "$err" &
	bp=$!
	waited=0
	until grep -q '^armed' "$out"; do
		if ! alive "$bp" || [ "$waited" -ge 600 ]; then
			echo "bpftrace: no BEGIN line after $waited s" >> "$err"
			kill -KILL "$bp" 2> /dev/null
			wait "$bp"
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	sh "$W/runs.sh" "$1" "$2" "$3"
	sent=0
	while alive "$bp" && [ "$sent" -lt 12 ]; do
		kill -TERM "$bp" 2> /dev/null
		sent=$((sent + 1))
		waited=0
		while alive "$bp" && [ "$waited" -lt 5 ]; do
			sleep 1
			waited=$((waited + 1))
		done
	done
	[ "$sent" -gt 1 ] && log "$1: bpftrace ended after $sent SIGTERMs"
	if alive "$bp"; then
		echo "bpftrace: still running after $sent SIGTERMs, 5 s apart" >> "$err"
		kill -KILL "$bp"
		wait "$bp"
		return 1
	fi
	wait "$bp"
}

# run_variant VARIANT K: the workloads under it; 0 when it ran cleanly.
run_variant() {
	v=$1 k=$2 out="$W/$1.out" err="$W/$1.err"
	ws=$(workloads_of "$v" | tr ' ' ,)
	case $v in
	floor) insmod_runs pbfloor "$v" "$k" ;;
	floor_ftrace) insmod_runs pbfloor_ftrace "$v" "$k" ;;
	floor_tracepoint) insmod_runs pbfloor_tp "$v" "$k" ;;
	floor_uprobe) insmod_runs pbfloor_uprobe "$v" "$k" "path=\"$B/pbload\"" "offset=$(cat "$B/pbload.ufunc")" ;;
	bpftrace_usdt) bpftrace_detached "$v" "$k" "$ws" ;;
	bpftrace_*)
		# bpftrace -c wants a path: "sh" matches /bin/sh and /usr/bin/sh
		timeout 600 bpftrace -e "$(bpf_prog "$v")" -c "/bin/sh $W/runs.sh $v $k $ws" > "$out" 2> "$err"
		;;
	systemtap_*)
		timeout 600 /usr/bin/staprun -c "sh $W/runs.sh $v $k $ws" "$(ko "$v")" > "$out" 2> "$err"
		;;
	*)
		timeout 600 "$STAPRUN" -c "sh $W/runs.sh $v $k $ws" "$(ko "$v")" > "$out" 2> "$err"
		;;
	esac
}

# Whether VARIANT runs here: a floor or bpftrace's (if installed) in a
# full run or in SHORT, ours and SystemTap 4.8's where prebuild.sh built
# it (modules.txt: a path, not "!failed" or "!short").
short_ok() { $FULL || case " $SHORT " in *" $1 "*) true ;; *) false ;; esac; }
# By hand, PERF_VARIANTS="V1 V2 ..." runs only those (the rest are rows
# saying so), as scale.sh's SCALE_NS and SCALE_TRACERS.
picked() { [ -z "${PERF_VARIANTS:-}" ] || case " $PERF_VARIANTS " in *" $1 "*) true ;; *) false ;; esac; }
runnable() {
	picked "$1" || return 1
	case $1 in
	floor*) short_ok "$1" ;;
	bpftrace_*) command -v bpftrace > /dev/null && short_ok "$1" ;;
	*) [ -n "$(ko "$1")" ] && case $(ko "$1") in !*) false ;; esac ;;
	esac
}
# Every variant this suite knows, whether it runs here or not.
all_variants() {
	echo $FLOORS $OURS $MAPS $BPF_TWINS
	awk '$1 ~ /^systemtap_/ { print $1 }' "$B/modules.txt"
}
variants() {
	for v in $(all_variants); do runnable "$v" && echo "$v"; done
}
# The variants that could not run here, and why (why_failed).
failed_variants() {
	for v in $(all_variants); do runnable "$v" || echo "$v"; done
}
why_failed() {
	picked "$1" || { echo "not run: left out by hand (PERF_VARIANTS)"; return; }
	case $1 in
	bpftrace_*) command -v bpftrace > /dev/null &&
		echo "not run: a short run (--duration under 50) runs $SHORT; stapgrid run --suite perf runs every variant" ||
		echo "bpftrace is not installed (apt-get install bpftrace)" ;;
	*) case $(ko "$1") in
	   !failed) echo "does not build for $GRID_RELEASE: $(first_error "$B/$1.err")" ;;
	   *) echo "not run: a short run (--duration under 50) runs $SHORT; stapgrid run --suite perf runs every variant" ;;
	   esac ;;
	esac
}
# Why VARIANT does not run WORKLOAD.
why_not() {
	case $1 in
	map_1000*) echo "the map's size is measured on getppid alone" ;;
	*uprobe*|*usdt*) echo "a probe on pbload's user function: only ucall calls it" ;;
	*) case $2 in
	   ucall) echo "a kernel probe: ucall makes no system call" ;;
	   *) echo "a tracepoint on every system call's entry has no fixed number of hits per $2 operation" ;;
	   esac ;;
	esac
}
# " twin=NAME" for our variants' rows.
twin_key() {
	case " $OURS $MAPS " in *" $1 "*) echo " twin=$(twin_of "$1")" ;; esac
}
# " floor=NAME" for a workload whose floor is not the bare kprobe's
# (gperf.c's ratio_to_floor): ucall's is the bare uprobe.
floor_key() {
	case $1 in ucall) echo " floor=floor_uprobe" ;; esac
}

# Medians and rows from the samples (awk: sort per key, then pick).
summarize() {
	for w in $WORKLOADS; do
		h=$(hpo_of "$w")
		# the unprobed median, and the spread of the unprobed runs
		# (interquartile range, ns an operation): a per-hit figure under
		# two standard errors of a median of the variant's runs (about
		# 0.93 IQR / sqrt(runs)) is noise
		set -- $(awk -v w="$w" '$1 == "base" && $2 == w { print $3 }' "$W/samples" | sort -g |
			awk -v h="$h" '{ x[NR] = $1 }
			END {
				if (!NR) exit
				m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
				printf "%s %.1f\n", m, x[int(NR * 3 / 4) + (NR < 4)] - x[int(NR / 4) + 1]
			}')
		base=${1:-} iqr=${2:-0}
		echo "# $w: unprobed median $base ns/op, interquartile range $iqr"
		for v in $(failed_variants); do
			echo "row variant=$v workload=$w unit=ns_per_hit value=- runs=0 min=- max=-$(twin_key "$v")$(floor_key "$w") note=$(why_failed "$v")"
		done
		for v in $(variants); do
			case " $(workloads_of "$v") " in
			*" $w "*) ;;
			*) echo "row variant=$v workload=$w unit=ns_per_hit value=- runs=0 min=- max=-$(twin_key "$v")$(floor_key "$w") note=not run: $(why_not "$v" "$w")"
				continue ;;
			esac
			awk -v v="$v" -v w="$w" '$1 == v && $2 == w { print $3 }' "$W/samples" | sort -g |
				awk -v v="$v" -v w="$w" -v b="$base" -v h="$h" -v iqr="$iqr" -v tk="$(twin_key "$v")$(floor_key "$w")" '
				{ x[NR] = $1 }
				END {
					if (!NR || b == "") { printf "row variant=%s workload=%s unit=ns_per_hit value=- runs=0 min=- max=-%s note=no runs\n", v, w, tk; exit }
					m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
					d = (m - b) / h
					noise = 2 * 0.93 * iqr / sqrt(NR) / h
					if (d < noise)
						printf "row variant=%s workload=%s unit=ns_per_hit value=- runs=%d min=- max=- hits_per_op=%d%s note=within the noise: %.0f ns a hit, under two standard errors (%.0f ns) from the unprobed runs\x27 spread\n",
							v, w, NR, h, tk, d, noise
					else
						printf "row variant=%s workload=%s unit=ns_per_hit value=%.1f runs=%d min=%.1f max=%.1f hits_per_op=%d%s\n",
							v, w, d, NR, (x[1] - b) / h, (x[NR] - b) / h, h, tk
				}'
		done
	done
}

overhead() {
	rounds=$((DUR / 10))
	[ "$rounds" -lt 3 ] && rounds=3
	k=2
	echo x > "$W/data"
	: > "$W/samples"
	vs=$(variants)
	n=$(echo $vs | wc -w)
	log "$(uname -r), $rounds rounds of $n variants, $k runs of each workload per variant and round (of getppid and fileread $((k * $(more_of getppid))))"
	sh "$W/runs.sh" warmup 1
	r=0
	while [ $r -lt $rounds ]; do
		# rotate: round r starts at variant r mod n
		set -- $vs
		i=0
		while [ $i -lt $((r % n)) ]; do
			first=$1
			shift
			set -- "$@" "$first"
			i=$((i + 1))
		done
		for v in "$@"; do
			t0=$(cut -d' ' -f1 /proc/uptime)
			run_variant "$v" "$k"
			rc=$?
			check "round $r: $v ran (exit $rc)" [ "$rc" -eq 0 ]
			[ "$rc" -eq 0 ] || cat "$W/$v.err" 2> /dev/null
			case $v in floor*) ;; *uprobe*|*usdt*)
				# every call of the session's runs counted: a
				# probe at a wrong place would measure nothing
				want=$((k * $(more_of ucall) * UCALLS))
				check "round $r: $v counted $want calls (said $(user_hits "$v"))" [ "$(user_hits "$v")" = "$want" ] ;;
			esac
			sh "$W/runs.sh" base "$k"
			log "round $r: $v in $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }') s"
		done
		r=$((r + 1))
	done
	summarize | tee -a "$ROWS"
	# Every variant ran every workload k times a round: a run that
	# printed nothing (or a sample line that did not parse) is a failure.
	for v in base $vs; do
		for w in $(workloads_of "$v"); do
			want=$((rounds * k * $(more_of "$w")))
			[ "$v" = base ] && want=$((want * n))
			got=$(awk -v v="$v" -v w="$w" '$1 == v && $2 == w && NF == 4' "$W/samples" | wc -l)
			check "$v: $got of $want $w runs recorded" [ "$got" -eq "$want" ]
		done
	done
	# No variant but printf writes output; a drop or error anywhere is a failure.
	for v in $vs; do
		[ -f "$W/$v.err" ] || continue
		case $v in
		*printf*)
			# a line a hit may outrun the transport: drops are its
			# figure (the transport test), errors are not
			grep -h 'dropped\|lost' "$W/$v.err"
			check "$v: no errors or skips reported" noerror "$W/$v.err" ;;
		bpftrace_*)
			# bpftrace warns about what it cannot find (headers, BTF
			# of modules): its errors are what count
			sed "s/^/$v: /" "$W/$v.err" | head -5
			check "$v: no errors reported" noerror "$W/$v.err" ;;
		*)
			check "$v: no errors, skips or drops reported" clean "$W/$v.err" ;;
		esac
	done
	grep -h . "$W"/counter.out "$W"/bpftrace_counter.out 2> /dev/null | sed 's/^/last run: /'
	cp "$W/samples" "$GRID/samples.txt"
}

# ---- transport -----------------------------------------------------------

transport() {
	ko=$(ko transport)
	secs=$((DUR / 10))
	[ "$secs" -lt 2 ] && secs=2
	onset=-
	for rate in 1000 10000 30000 100000 300000 1000000; do
		timeout 300 "$STAPRUN" -o "$W/t.out" -c "$B/pbload paced $rate $secs" "$ko" > "$W/t.cmd" 2> "$W/t.err"
		rc=$?
		calls=$(awk '/^ops/ { print $2 }' "$W/t.cmd")
		lines=$(grep -c '^e ' "$W/t.out")
		# every hit numbers its line: the end probe's count, or the last
		# number seen when that line was the one dropped
		hits=$(sed -n 's/^hits //p' "$W/t.out")
		[ -n "$hits" ] || hits=$(awk '$1 == "e" && $2 > m { m = $2 } END { print m + 0 }' "$W/t.out")
		dropped=$(sed -n 's/.* \([0-9]*\) records of output were dropped.*/\1/p' "$W/t.err")
		lost=$(sed -n 's/.* \([0-9]*\) records of output were lost.*/\1/p' "$W/t.err")
		drops=$(( ${dropped:-0} + ${lost:-0} ))
		got=$(awk -v l="$lines" -v s="$secs" 'BEGIN { printf "%.0f", l / s }')
		log "rate $rate/s: calls ${calls:-?} hits $hits lines $lines drops $drops (exit $rc)"
		check "rate $rate: staprun ran" [ -n "$calls" ]
		[ -n "$calls" ] || continue
		# Against the workload's own count of its calls, not the probe's
		# (a probe that missed calls would agree with itself); the end
		# probe's own line may be the record dropped (torture/judge.sh).
		hits=$(sed -n 's/^hits //p' "$W/t.out")
		check "rate $rate: lines + drops account for every call ($lines + $drops of $calls, end line's count ${hits:-dropped})" \
			transport_accounts "$lines" "$drops" "$calls" "$hits"
		echo "row variant=printf_at_$rate workload=transport unit=events_per_s value=$got runs=1 min=- max=- drops=$drops note=asked $rate/s on one vCPU, $calls calls in $secs s" >> "$ROWS"
		if [ "$drops" -gt 0 ] && [ "$onset" = - ]; then
			onset=$rate
		fi
		# Past the guest's own top rate the next rung measures nothing new.
		[ "$calls" -lt $((rate * secs * 9 / 10)) ] && break
	done
	echo "row variant=drop_onset workload=transport unit=events_per_s value=$onset runs=1 min=- max=- note=the lowest asked rate with drops (- for none up to the guest's top rate)" >> "$ROWS"
	grep 'transport' "$ROWS"
}

$TEST
[ "$FAILS" -eq 0 ] || { log "$FAILS check(s) failed"; exit 1; }
log "all checks hold"
