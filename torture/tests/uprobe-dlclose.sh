# uprobe-dlclose (docs/torture.md): a library unmapped mid-session, again
# and again: tuload's dl workload opens libtulib.so, calls tulib_call 100
# times, closes it and checks that it is gone from its maps, round after
# round, while a second thread calls tu_work; udlclose.stp has
# process("LIB").function("tulib_call") (entry and return) and the
# program's tu_work armed.  Invariants: the session exits 0; every round
# unmapped the library; every call counted, entries and returns, each
# return's value its entry's (judge.sh udl_exact); nothing skipped.
calls=100
session udlclose "tuload dl '$B/libtulib.so' $DUR $calls"
# the workload's line: "rounds R unmapped U calls C work W bad B"
set -- $(awk '$1 == "rounds" { r = $2; u = $4; c = $6; w = $8; b = $10 }
	END { print r + 0, u + 0, c + 0, w + 0, b == "" ? "none" : b }' "$GRID/$TEST.out")
rounds=$1 unmapped=$2 lib_calls=$3 work=$4 bad=$5
end=$(grep '^udl ' "$GRID/$TEST.out" | tail -1)
skipped=$(skipped_of "$GRID/$TEST.err")
figure rounds "$rounds"
figure unmapped "$unmapped"
figure calls_lib "$lib_calls"
figure calls_work "$work"
figure hits "$(echo "$end" | awk '{ print $2 + $3 + $5 }')"
figure skipped "$skipped"
figure seconds "$secs"
check "staprun exits 0 ($rc)" [ "$rc" -eq 0 ]
check "the workload ran, every result right (rounds $rounds, bad $bad)" [ "$bad" = 0 ]
check "every round unmapped the library ($unmapped of $rounds)" [ "$unmapped" = "$rounds" ]
check "every call counted exactly ($end; workload: $lib_calls and $work)" udl_exact "$end" "$lib_calls" "$work"
check "nothing skipped ($skipped)" [ "$skipped" -eq 0 ]
