# many-probes (docs/torture.md): wildcards over 1,600 and then 3,700
# (10,000 on the debug kernel) functions arm and disarm; the second tier
# only when its arming, predicted from the first's, fits in four
# durations.  Invariants: each session exits 0; "armed" is what the
# kernel registered (debugfs kprobes/list, read while the session runs,
# less what it held before, and the entry probes ftrace took, from
# enabled_functions), and it is every resolved probe less those
# the runtime said were refused; every sample function (the script's
# "#sample:" files, read while armed) that the kernel lists fired; at
# least 1,000 probes armed.  Figures: probes per tier, refused at arming,
# registered, sample functions armed, arm and disarm times, the largest
# count armed.
KP="$DBG/kprobes/list"
# Entry probes that ftrace took (docs/kernel.md) are no kprobes: each is
# a line of enabled_functions naming its callback, stp_ft_N.
EF=/sys/kernel/tracing/enabled_functions
[ -r "$EF" ] || EF="$DBG/tracing/enabled_functions"
check "the kernel's kprobe list is readable" [ -r "$KP" ]
base=$(kprobes_live "$KP")
largest=0
for tier in many1 many2; do
	total=$(cat "$B/$tier.probes" 2> /dev/null || echo 0)
	if [ $tier = many2 ]; then
		# Tier 2 when its arming, predicted from tier 1's rate, fits in
		# four durations (the debug kernel arms ~10 probes a second).
		predicted=$(awk -v a="${arm:-0}" -v n="$total" -v m="$armed" 'BEGIN { printf "%d", m ? a * n / m : 0 }')
		figure many2_predicted_arm_s "$predicted"
		if [ "$predicted" -gt $((DUR * 4)) ]; then
			log "tier 2 ($total probes) skipped: arming would take about $predicted s, over 4 x $DUR s"
			break
		fi
	fi
	# While armed: the kernel's list, then the sample files, each read.
	sed -n 's/^#sample: //p' "$T/scripts/$tier.stp" > /tmp/$tier.sample
	cut -d' ' -f2 /tmp/$tier.sample > /tmp/$tier.sample-fn
	cat > /tmp/$tier.cmd <<CMD
sleep 1
cat "$KP" > /tmp/$tier.list
cat "$EF" > /tmp/$tier.ftrace 2> /dev/null
for f in \$(cut -d' ' -f1 /tmp/$tier.sample); do cat "\$f" > /dev/null; done
sleep 1
CMD
	: > /tmp/$tier.list
	: > /tmp/$tier.ftrace
	timeout -k 30 $((DUR * 10 + 3600)) "$STAPRUN" -v -c "sh /tmp/$tier.cmd" "$(ko $tier)" \
		> "$GRID/many-probes-$tier.out" 2> "$GRID/many-probes-$tier.err"
	rc=$?
	cp /tmp/$tier.list "$GRID/many-probes-$tier.kprobes"
	refused=$(grep -c 'WARNING: .*cannot probe' "$GRID/many-probes-$tier.err")
	arm=$(sed -n 's/.*armed in \([0-9.]*\) s/\1/p' "$GRID/many-probes-$tier.err")
	disarm=$(sed -n 's/.*disarmed and end probes run in \([0-9.]*\) s/\1/p' "$GRID/many-probes-$tier.err")
	grep -v 'cannot probe' "$GRID/many-probes-$tier.err"
	log "$tier: $refused refused at arming"
	ftraced=$(grep -c 'stp_ft_' /tmp/$tier.ftrace)
	armed=$(($(kprobes_live /tmp/$tier.list) - base + ftraced))
	figure "${tier}_ftrace" "$ftraced"
	figure "${tier}_probes" "$total"
	figure "${tier}_refused" "$refused"
	figure "${tier}_armed" "$armed"
	figure "${tier}_arm_s" "${arm:-0}"
	figure "${tier}_disarm_s" "${disarm:-0}"
	check "$tier exits 0" [ "$rc" -eq 0 ]
	check "$tier: the kernel registered every probe not refused ($armed of $total - $refused)" \
		registered_as_said "$armed" "$total" "$refused"
	why=$(sample_fired /tmp/$tier.sample-fn /tmp/$tier.list "$GRID/many-probes-$tier.out" 3)
	check "$tier: sample probes fire ($why)" sample_fired /tmp/$tier.sample-fn /tmp/$tier.list "$GRID/many-probes-$tier.out" 3
	[ "$rc" -eq 0 ] && [ "$armed" -gt "$largest" ] && largest=$armed
done
figure largest_armed "$largest"
check "at least 1,000 probes armed ($largest)" [ "$largest" -ge 1000 ]
