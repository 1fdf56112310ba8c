# SPDX-License-Identifier: GPL-2.0-or-later
# sh torture/judge-test.sh: the judging rules of torture/judge.sh fed
# figures that must hold and figures that must not (each bad case is what
# an old, weaker rule let through).  One "PASS: ..." or "FAIL: ..." line a
# case; exit 1 when any case failed.  Run by grid-verdicts.exp.
set -u
. "$(dirname "$0")/judge.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
bad=0

holds() { # NAME CMD...: the rule must hold
	n=$1
	shift
	if "$@" > /dev/null; then echo "PASS: $n"; else echo "FAIL: $n"; bad=$((bad + 1)); fi
}
fails() { # NAME CMD...: the rule must not hold
	n=$1
	shift
	if "$@" > /dev/null; then echo "FAIL: $n (held)"; bad=$((bad + 1)); else echo "PASS: $n"; fi
}
says() { # NAME WANT CMD...: the rule's output must be WANT
	n=$1 want=$2
	shift 2
	got=$("$@")
	if [ "$got" = "$want" ]; then echo "PASS: $n"; else echo "FAIL: $n (got '$got', want '$want')"; bad=$((bad + 1)); fi
}

# maxrate: the old rule (hits + skipped == calls) held for a runtime that
# skipped every hit; the skip rate rule does not.
holds "maxrate: no skip" skips_under_permille 0 4480000
holds "maxrate: 4,479 skips in 4,480,000 calls" skips_under_permille 4479 4480000
fails "maxrate: 4,480 skips in 4,480,000 calls (0.1%)" skips_under_permille 4480 4480000
fails "maxrate: every hit skipped" skips_under_permille 4480000 4480000
fails "maxrate: no call at all" skips_under_permille 0 0
holds "maxrate: every hit skipped still adds up (why the rate rule is needed)" hits_account 0 4480000 4480000
fails "maxrate: a lost hit" hits_account 4479999 0 4480000
says "maxrate: skip figure" 0.050 skip_pct 50 100000

# many-probes: the kernel's count, not total minus warnings.
cat > "$W/list" <<'EOF'
ffffffff811c0f60  k  uevent_seqnum_show+0x0    [FTRACE]
ffffffff811c1000  k  profiling_show+0x0    [FTRACE]
ffffffff811c2000  k  mtu_show+0x0    [DISABLED][FTRACE]
ffffffff811c3000  k  fscaps_show+0x0    [GONE]
ffffffffc0001000  k  tbait_hot+0x0  [tbait]  [FTRACE]
EOF
says "many-probes: live probes in kprobes/list" 3 kprobes_live "$W/list"
says "many-probes: an empty kprobes/list" 0 kprobes_live /dev/null
holds "many-probes: registered = total - refused" registered_as_said 1600 1608 8
fails "many-probes: fewer registered than said armed" registered_as_said 1500 1608 8
fails "many-probes: nothing registered, no warning (old rule: 1608 armed)" registered_as_said 0 1608 0
printf 'uevent_seqnum_show\nprofiling_show\nmtu_show\naddress_show\n' > "$W/sample"
printf 'fired uevent_seqnum_show 2\nfired profiling_show 1\nhits 3\n' > "$W/out"
holds "many-probes: every armed sample function fired" sample_fired "$W/sample" "$W/list" "$W/out" 2
printf 'fired uevent_seqnum_show 2\nhits 2\n' > "$W/out"
fails "many-probes: an armed sample function never fired" sample_fired "$W/sample" "$W/list" "$W/out" 2
says "many-probes: ... and which" "armed but never fired: profiling_show" sample_fired "$W/sample" "$W/list" "$W/out" 2
printf 'fired uevent_seqnum_show 2\nfired profiling_show 0\n' > "$W/out"
fails "many-probes: a sample function counted 0" sample_fired "$W/sample" "$W/list" "$W/out" 2
fails "many-probes: too few sample functions armed" sample_fired "$W/sample" "$W/list" "$W/out" 3

# arm-disarm: the old test threw the counts away.
holds "arm-disarm: a cycle whose probes fired" cycle_fired "hits 153 4 17" 100
fails "arm-disarm: the kprobe short of the cycle's calls" cycle_fired "hits 99 4 17" 100
fails "arm-disarm: the kretprobe never fired" cycle_fired "hits 153 0 17" 100
fails "arm-disarm: the tracepoint never fired" cycle_fired "hits 153 4 0" 100
fails "arm-disarm: no end line" cycle_fired "" 100
fails "arm-disarm: a truncated end line" cycle_fired "hits 153 4" 100

# smp-race: a session whose module never loaded is not an unload.
says "smp-race: armed, removed" unloaded hot_unload_outcome yes stap_x 0
says "smp-race: never armed (old: counted as unloaded)" never-armed hot_unload_outcome no "" 0
says "smp-race: armed, module gone before rmmod" gone-before-rmmod hot_unload_outcome yes "" 0
says "smp-race: rmmod failed" rmmod-failed hot_unload_outcome yes stap_x 1

# fault-injection: only a hook missing from the kernel is unsupported.
holds "fault-injection: hook not in this kernel" tfault_unsupported \
	"[ 12.3] tfault: cannot probe should_failslab: error -2 (not in this kernel)"
says "fault-injection: ... with tfault's reason" "cannot probe should_failslab: error -2 (not in this kernel)" \
	tfault_unsupported "[ 12.3] tfault: cannot probe should_failslab: error -2 (not in this kernel)"
fails "fault-injection: insmod failed, no reason (old: unsupported)" tfault_unsupported ""
fails "fault-injection: another registration error" tfault_unsupported \
	"[ 12.3] tfault: cannot probe should_failslab: error -22"

# unprobeable: the wildcard's probeable part must fire.
printf 'hits 100\n' > "$W/out"
holds "unprobeable: the wildcard ran and fired" ran_and_fired 0 "$W/out" 100
printf 'hits 0\n' > "$W/out"
fails "unprobeable: the wildcard ran, nothing fired (old: passed)" ran_and_fired 0 "$W/out" 100
fails "unprobeable: the wildcard exited 1" ran_and_fired 1 "$W/out" 0
: > "$W/out"
fails "unprobeable: no hits line" ran_and_fired 0 "$W/out" 0

# transport: the workload's calls, not the probe's own count.
holds "transport: every call a line" transport_accounts 30000 0 30000 30000
holds "transport: lines and drops" transport_accounts 29000 1000 30000 30000
holds "transport: the end line dropped" transport_accounts 29000 1001 30000 ""
fails "transport: the probe missed calls, lines match its count (old: passed)" transport_accounts 29000 0 30000 29000
fails "transport: a silent drop" transport_accounts 29999 0 30000 30000
fails "transport: the end line dropped and a silent drop" transport_accounts 29000 1000 30000 ""

# uprobe-fork: 3 rounds of 2 threads, 50 calls of tu_work each.
printf 'tu_work 1200 1200 0\ntu_fork 12 24\ntu_step 24 12 0\ntu_exec 6 0\ntu_thread_exit 6 0\n' > "$W/ufork"
holds "uprobe-fork: every count exact" ufork_exact "$W/ufork" 3 2 50
sed 's/^tu_fork 12 24$/tu_fork 12 18/' "$W/ufork" > "$W/ufork-child"
fails "uprobe-fork: the children's returns from fork lost" ufork_exact "$W/ufork-child" 3 2 50
says "uprobe-fork: ... and which" "off: tu_fork 12 18 (want 12 24)" ufork_exact "$W/ufork-child" 3 2 50
sed 's/^tu_step 24 12 0$/tu_step 24 12 1/' "$W/ufork" > "$W/ufork-stale"
fails "uprobe-fork: a return ran on another call's entry values" ufork_exact "$W/ufork-stale" 3 2 50
sed 's/^tu_exec 6 0$/tu_exec 6 1/' "$W/ufork" > "$W/ufork-exec"
fails "uprobe-fork: a return probe fired after exec" ufork_exact "$W/ufork-exec" 3 2 50
grep -v tu_thread_exit "$W/ufork" > "$W/ufork-short"
fails "uprobe-fork: a line missing" ufork_exact "$W/ufork-short" 3 2 50
fails "uprobe-fork: no round" ufork_exact "$W/ufork" 0 2 50

# uprobe-arm-disarm: the cycle's own calls, exactly.
holds "uprobe-arm-disarm: a cycle counted exactly" uhits_exact "uhits 100 100 5123" 100
fails "uprobe-arm-disarm: a call missed" uhits_exact "uhits 99 100 5123" 100
fails "uprobe-arm-disarm: a call counted twice" uhits_exact "uhits 101 101 5123" 100
fails "uprobe-arm-disarm: returns lost" uhits_exact "uhits 100 0 5123" 100
fails "uprobe-arm-disarm: no end line" uhits_exact "" 100

# uprobe-dlclose: the library's calls across its unmaps.
holds "uprobe-dlclose: exact" udl_exact "udl 4000 4000 0 77" 4000 77
fails "uprobe-dlclose: calls after a re-map lost" udl_exact "udl 3900 3900 0 77" 4000 77
fails "uprobe-dlclose: a return's value off" udl_exact "udl 4000 4000 2 77" 4000 77
fails "uprobe-dlclose: the program's thread miscounted" udl_exact "udl 4000 4000 0 70" 4000 77
fails "uprobe-dlclose: no call at all" udl_exact "udl 0 0 0 77" 0 77

# uprobe-many: each of the functions, exactly.
awk 'BEGIN { print "fn _start 2"; for (i = 0; i < 1000; i++) printf "fn uf_%04d %d\n", i, (i + 1 < 3 ? i + 1 : 3) * 2 }' > "$W/many"
holds "uprobe-many: 1,000 functions exact" ufuncs_exact "$W/many" 2 1000 3
says "uprobe-many: ... says so" "1000 of 1000 exact" ufuncs_exact "$W/many" 2 1000 3
sed 's/^fn uf_0500 6$/fn uf_0500 5/' "$W/many" > "$W/many-off"
fails "uprobe-many: one count off" ufuncs_exact "$W/many-off" 2 1000 3
says "uprobe-many: ... and which" "999 of 1000 exact, 1 off: uf_0500 5 (want 6)" ufuncs_exact "$W/many-off" 2 1000 3
grep -v '^fn uf_0999 ' "$W/many" > "$W/many-gone"
fails "uprobe-many: a function never fired" ufuncs_exact "$W/many-gone" 2 1000 3
fails "uprobe-many: no run" ufuncs_exact "$W/many" 0 1000 3

# uprobe-staprun: both stapruns hit, the other's main once.
holds "uprobe-staprun: both hit" uself_ok "uself 812 5321 1"
fails "uprobe-staprun: the session's own staprun never hit" uself_ok "uself 0 5321 1"
fails "uprobe-staprun: the other staprun's main missed" uself_ok "uself 812 5321 0"
fails "uprobe-staprun: main counted twice" uself_ok "uself 812 5321 2"
fails "uprobe-staprun: no end line" uself_ok ""

[ "$bad" -eq 0 ] || { echo "judge-test: $bad case(s) failed"; exit 1; }
echo "judge-test: every case as expected"
