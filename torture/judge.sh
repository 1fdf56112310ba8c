# SPDX-License-Identifier: GPL-2.0-or-later
# The torture and perf suites' judging rules, as functions of what a test
# measured: no guest, no kernel, no side effect.  The tests in the guest
# call them through lib.sh's check; torture/judge-test.sh feeds them good
# and bad figures on the host (make check-grid, grid-verdicts.exp), so a
# rule that could never fail shows up there.  Each returns 0 when the
# invariant holds; those that explain print one line on stdout.

# maxrate: at most 1 skip in 1,000 calls (SKIPPED * 1000 < CALLS), and
# never with no call at all.  A runtime that skipped every hit also has
# hits + skipped == calls; this is the rule that fails it.
skips_under_permille() { # SKIPPED CALLS
	[ "$2" -gt 0 ] && [ $(($1 * 1000)) -lt "$2" ]
}

# The skip rate in percent, three decimals, for the figure.
skip_pct() { # SKIPPED CALLS
	awk -v s="$1" -v c="$2" 'BEGIN { if (c > 0) printf "%.3f", s * 100 / c; else print "-" }'
}

# maxrate: every call is a hit or a counted skip.
hits_account() { # HITS SKIPPED CALLS
	[ $(($1 + $2)) -eq "$3" ]
}

# kprobes/list lines that are live probes: not [DISABLED] nor [GONE].
kprobes_live() { # LISTFILE
	grep -v -e '\[DISABLED\]' -e '\[GONE\]' "$1" 2> /dev/null | grep -c . || true
}

# many-probes: the kernel registered exactly the probes the translator
# resolved less those the runtime said were refused (REGISTERED is the
# count in debugfs kprobes/list while the session ran, less the count
# before it).
registered_as_said() { # REGISTERED TOTAL REFUSED
	[ "$1" -gt 0 ] && [ "$1" -eq $(($2 - $3)) ]
}

# many-probes: of the sample functions (one a line in SAMPLE), those in
# the kernel's list LIST must each have fired (a line "fired FUNC N" with
# N > 0 in OUT); at least MIN of them must be armed.  Prints the armed
# sample functions that did not fire.
sample_fired() { # SAMPLE LIST OUT MIN
	awk -v min="$4" '
		FILENAME == ARGV[1] { if (NF) want[$1] = 1; next }
		FILENAME == ARGV[2] { f = $3; sub(/\+.*/, "", f); if (f in want && $0 !~ /\[(DISABLED|GONE)\]/) armed[f] = 1; next }
		$1 == "fired" && $3 > 0 { fired[$2] = 1 }
		END {
			for (f in armed) { n++; if (!(f in fired)) { miss = miss " " f; bad++ } }
			if (n < min) { print "only " n + 0 " sample functions armed (want " min ")"; exit 1 }
			if (bad) { print "armed but never fired:" miss; exit 1 }
			print n " armed sample functions fired"
		}' "$1" "$2" "$3"
}

# arm-disarm: one cycle's end line "hits N R SW" (the kprobe on the bait's
# hot function, the kretprobe on vfs_read, the tracepoint): each fired
# while armed, the kprobe at least CALLS times (the cycle's own calls).
cycle_fired() { # "hits N R SW" CALLS
	set -- $1 "$2"
	[ "$#" -eq 5 ] && [ "$1" = hits ] && [ "$2" -ge "$5" ] && [ "$3" -gt 0 ] && [ "$4" -gt 0 ]
}

# smp-race, a session killed under load: what its end counts as.  ARMED
# (yes/no): staprun said its probes were armed; MOD the module found in
# /proc/modules after the kill (empty: none); RMMOD_RC rmmod's status.
# "unloaded" only when a loaded, armed module was removed.
hot_unload_outcome() { # ARMED MOD RMMOD_RC
	if [ "$1" != yes ]; then
		echo never-armed
	elif [ -z "$2" ]; then
		echo gone-before-rmmod
	elif [ "$3" -ne 0 ]; then
		echo rmmod-failed
	else
		echo unloaded
	fi
}

# fault-injection: tfault's load failed; the kernel's log line says why.
# Unsupported only when a hook is not in this kernel (error -2 from
# register_kretprobe, "(not in this kernel)"); prints the reason.  Any
# other failure (no line at all, another error) is a failure.
tfault_unsupported() { # "DMESG LINE"
	case $1 in
	*"tfault: cannot probe "*": error -2 (not in this kernel)"*)
		echo "${1#*tfault: }"
		;;
	*) return 1 ;;
	esac
}

# unprobeable: a session expected to run exits 0 and its probeable part
# fired: OUT has "hits N" with N >= MIN.
ran_and_fired() { # RC OUT MIN
	h=$(sed -n 's/^hits \([0-9]*\)$/\1/p' "$2" | tail -1)
	[ "$1" -eq 0 ] && [ -n "$h" ] && [ "$h" -ge "$3" ]
}

# transport: every call of the workload is a line or a reported drop;
# the end probe's own line ("hits N", not counted in LINES) may be the
# record dropped, so DROPS may be one more.  HITS (the end line's count,
# empty when that line was dropped) must be CALLS: the probe saw each.
transport_accounts() { # LINES DROPS CALLS HITS
	if [ -z "$4" ]; then
		[ $(($1 + $2)) -eq $(($3 + 1)) ]
	else
		[ "$4" -eq "$3" ] && [ $(($1 + $2)) -eq "$3" ]
	fi
}

# uprobe-fork: the script's end lines (OUT) against tuload tree's
# ROUNDS, THREADS and WORK.  A thread's round: tu_work WORK times in it,
# in each of its two children and in the exec'd leaf (4 WORK entries and
# returns); tu_fork twice, returning 4 times (parents and children);
# tu_step 4 times (a child's and a leaf's 0 and 1), returning twice (1
# exits inside); tu_exec once and tu_thread_exit once, neither
# returning; no return's value off its entry's parameter.  Prints what
# is off.
ufork_exact() { # OUT ROUNDS THREADS WORK
	awk -v n=$(($2 * $3)) -v w="$4" '
		BEGIN {
			want["tu_work"] = 4 * w * n " " 4 * w * n " 0"
			want["tu_fork"] = 2 * n " " 4 * n
			want["tu_step"] = 4 * n " " 2 * n " 0"
			want["tu_exec"] = n " 0"
			want["tu_thread_exit"] = n " 0"
		}
		$1 in want { got = $2; for (i = 3; i <= NF; i++) got = got " " $i; seen[$1] = got }
		END {
			for (f in want) {
				if (!(f in seen)) { bad = bad " " f " (no line)"; continue }
				if (seen[f] != want[f]) bad = bad " " f " " seen[f] " (want " want[f] ")"
			}
			if (n < 1) { print "no round"; exit 1 }
			if (bad != "") { print "off:" bad; exit 1 }
			print "every entry, return and value exact"
		}' "$1"
}

# uprobe-arm-disarm: one cycle's end line "uhits CALLS RETURNS ALL": its
# own command's N calls each seen at entry and at return, exactly, and
# ALL (every process's) at least those.
uhits_exact() { # "uhits CALLS RETURNS ALL" N
	set -- $1 "$2"
	[ "$#" -eq 5 ] && [ "$1" = uhits ] && [ "$2" -eq "$5" ] && [ "$3" -eq "$5" ] && [ "$4" -ge "$5" ]
}

# uprobe-dlclose: "udl LIB LIB_RETURNS LIB_BAD WORK" against the
# workload's CALLS of the library and WORK calls of tu_work: exact,
# no return's value off.
udl_exact() { # "udl LIB RET BAD WORK" CALLS WORK
	set -- $1 "$2" "$3"
	[ "$#" -eq 7 ] && [ "$1" = udl ] && [ "$6" -gt 0 ] && [ "$2" -eq "$6" ] &&
		[ "$3" -eq "$6" ] && [ "$4" -eq 0 ] && [ "$5" -eq "$7" ]
}

# uprobe-many: the script's "fn NAME COUNT" lines (OUT) against RUNS runs
# of "ufuncs 1 CAP": each of the N functions uf_0000 .. uf_(N-1) counted
# exactly min(I + 1, CAP) * RUNS times.  Prints how many were exact and
# the first few that were not.
ufuncs_exact() { # OUT RUNS N CAP
	awk -v runs="$2" -v n="$3" -v cap="$4" '
		$1 == "fn" && $2 ~ /^uf_[0-9]+$/ { got[substr($2, 4) + 0] = $3 }
		END {
			for (i = 0; i < n; i++) {
				want = (i + 1 < cap ? i + 1 : cap) * runs
				if ((i in got) && got[i] == want) { ok++; continue }
				if (++bad <= 5) off = off sprintf(" uf_%04d %s (want %d)", i, (i in got) ? got[i] : "none", want)
			}
			printf "%d of %d exact", ok, n
			if (bad) printf ", %d off:%s", bad, off
			print ""
			exit !(runs > 0 && n > 0 && ok == n)
		}' "$1"
}

# uprobe-staprun: "uself SELF OTHER OTHER_MAIN": the session's own
# staprun was hit (SELF), and the one other staprun (the session its
# command ran) entered main once, with its other functions hit.
uself_ok() { # "uself SELF OTHER OTHER_MAIN"
	set -- $1
	[ "$#" -eq 4 ] && [ "$1" = uself ] && [ "$2" -gt 0 ] && [ "$3" -gt 1 ] && [ "$4" -eq 1 ]
}
