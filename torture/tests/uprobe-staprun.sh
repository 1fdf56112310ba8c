# uprobe-staprun (docs/torture.md): the tracer's own staprun as a target.
# uself.stp has process("<our staprun>").function("*") armed, which
# takes every staprun process, this session's own included, while its
# command runs a second session (uarmdisarm.ko on "tuload work 100").
# Allowed, as SystemTap allows it: a uprobe handler runs in the probed
# task and never waits for staprun, so a staprun probed by its own
# session cannot deadlock (docs/torture.md says more).  Invariants: both
# sessions exit 0; the second counts its command's calls exactly though
# its staprun ran under the first's probes; the first hit both stapruns,
# the second's main once (judge.sh uself_ok).
ko2=$(ko uarmdisarm)
cat > /tmp/uself.cmd <<CMD
"$STAPRUN" -c 'tuload work 100' '$ko2' > /tmp/uself-b.out 2> /tmp/uself-b.err
echo \$? > /tmp/uself-b.rc
CMD
echo 99 > /tmp/uself-b.rc
: > /tmp/uself-b.out
session uself "sh /tmp/uself.cmd"
rc2=$(cat /tmp/uself-b.rc)
cat /tmp/uself-b.out /tmp/uself-b.err
end=$(grep '^uself ' "$GRID/$TEST.out" | tail -1)
end2=$(grep '^uhits ' /tmp/uself-b.out | tail -1)
arm=$(sed -n 's/.*armed in \([0-9.]*\) s/\1/p' "$GRID/$TEST.err")
figure probes "$(cat "$B/uself.probes" 2> /dev/null || echo 0)"
figure arm_s "${arm:-0}"
figure hits_self "$(echo "$end" | awk '{ print $2 + 0 }')"
figure hits_other "$(echo "$end" | awk '{ print $3 + 0 }')"
figure skipped "$(skipped_of "$GRID/$TEST.err")"
figure seconds "$secs"
check "the session probing staprun exits 0 ($rc)" [ "$rc" -eq 0 ]
check "the session it ran exits 0 ($rc2)" [ "$rc2" -eq 0 ]
check "... and counted its command exactly ($end2)" uhits_exact "$end2" 100
check "both stapruns were hit, the other's main once ($end)" uself_ok "$end"
