# uprobe-fork (docs/torture.md): uprobes on a multithreaded process that
# forks, execs and exits under them (tuload tree: torture/workload/
# tuload.c; ufork.stp).  Invariants: the session exits 0; the workload
# ran its rounds with every result right (a breakpoint that corrupted an
# instruction shows as a wrong result or a dead child); every entry and
# return of the five probed functions counted exactly as the workload's
# rounds say (judge.sh ufork_exact: fork returning in both processes, no
# return after exec, exit or pthread_exit inside a function, no return
# run on another call's saved entry); nothing skipped.
threads=$NCPU work=50
session ufork "tuload tree $DUR $threads $work"
# the workload's line: "rounds R threads T work W bad B" (none: 0 rounds)
set -- $(awk '$1 == "rounds" { r = $2; b = $8 } END { print r + 0, b == "" ? "none" : b }' "$GRID/$TEST.out")
rounds=$1 bad=$2
skipped=$(skipped_of "$GRID/$TEST.err")
hits=$(awk '/^tu_/ { s += $2 + $3 } END { print s + 0 }' "$GRID/$TEST.out")
why=$(ufork_exact "$GRID/$TEST.out" "$rounds" "$threads" "$work" 2> /dev/null || :)
figure rounds "$rounds"
figure threads "$threads"
figure processes "$((rounds * threads * 3))"
figure hits "$hits"
figure skipped "$skipped"
figure seconds "$secs"
figure hits_per_s "$(awk -v h="$hits" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? h / s : 0) }')"
check "staprun exits 0 ($rc)" [ "$rc" -eq 0 ]
check "the workload ran its rounds, every result right (rounds $rounds, bad $bad)" [ "$bad" = 0 ]
check "every entry and return counted exactly ($why)" ufork_exact "$GRID/$TEST.out" "$rounds" "$threads" "$work"
check "nothing skipped ($skipped)" [ "$skipped" -eq 0 ]
