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

[ "$bad" -eq 0 ] || { echo "judge-test: $bad case(s) failed"; exit 1; }
echo "judge-test: every case as expected"
