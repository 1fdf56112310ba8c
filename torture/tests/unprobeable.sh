# unprobeable (docs/torture.md): kprobe-blacklisted and noinstr functions
# (notify_die, exc_page_fault, do_int3, do_syscall_64, and the bait's
# tbait_nokprobe and tbait_noinstr, which only registration can refuse),
# by name and through a wildcard.  Invariants: each named one is refused with a clear
# error, at translation (the prebuild's stap -p4) or when armed (staprun's
# ERROR, exit 1), never a crash; the wildcard's session runs and its
# probeable part fires (judge.sh ran_and_fired: the "#fires: N" calls its
# "#cmd:" makes, at least).
load_helper tbait
at_translation=0 at_registration=0 want_refused=0
for f in "$T"/scripts/unprobe-*.stp; do
	name=$(basename "$f" .stp)
	want=$(sed -n 's/^#expect: //p' "$f")
	mod=$(awk -v n="$name" '$1 == n { print $2 }' "$B/modules.txt")
	[ "$want" = refused ] && want_refused=$((want_refused + 1))
	if [ "$mod" = "!refused" ]; then
		msg=$(grep -m1 'error' "$B/$name.err")
		log "$name: refused at translation: $msg"
		check "$name is refused" [ "$want" = refused ]
		check "$name: the translator says why" [ -n "$msg" ]
		at_translation=$((at_translation + 1))
		continue
	fi
	cmd=$(sed -n 's/^#cmd: //p' "$f")
	timeout -k 30 $((60 + DUR)) "$STAPRUN" -c "${cmd:-tload getppid 100}" "$mod" > /tmp/u.out 2> /tmp/u.err
	rc=$?
	log "$name: exit $rc"
	cat /tmp/u.err
	if [ "$want" = refused ]; then
		check "$name is refused when armed" [ "$rc" -eq 1 ]
		check "$name: staprun says why" grep -q 'ERROR: .*cannot probe' /tmp/u.err
		at_registration=$((at_registration + 1))
	else
		fires=$(sed -n 's/^#fires: //p' "$f")
		cat /tmp/u.out
		check "$name runs (exit $rc) and its probeable part fires (at least ${fires:-1} hits)" \
			ran_and_fired "$rc" /tmp/u.out "${fires:-1}"
	fi
done
figure refused_at_translation "$at_translation"
figure refused_at_registration "$at_registration"
check "every blacklisted and noinstr script was refused ($((at_translation + at_registration)) of $want_refused)" \
	[ $((at_translation + at_registration)) -eq "$want_refused" ]
