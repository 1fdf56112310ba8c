#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make fuzz: run the libFuzzer target for SECONDS (default 600) over a
# corpus seeded from our tests, SystemTap's (given PEER_DIR) and earlier
# findings (harness/stap.fuzz/cases).  Exits nonzero on any crash, leak,
# hang (10 s) or property failure, naming the input to turn into a
# regression test under harness/stap.fuzz/cases/.
#
# With -s SUM (make check's check-stap-fuzz) the corpus is the seeds
# alone, made afresh in WORK (-w, default build/fuzz): every input of
# the seed corpus runs in one process, as sessions one after another, so
# state that outlives a session is caught too; SUM gets one DejaGnu line,
# PASS, or FAIL naming what broke and the input.  A fuzzer that does not
# stop within SECONDS + 30 is a FAIL too.  Its mutations come from a fixed
# seed (FUZZ_SEED, default 1) and it stops after FUZZ_RUNS inputs (default
# 5,000, about 50 s; SECONDS caps it on a slow machine): make check's short
# run is the same on every machine, so a red CI names a regression rather
# than a lucky draw, and a green run here is CI's.  make fuzz draws afresh.
#
# usage: run.sh [-s SUM] [-w WORK] FUZZER SECONDS [PEER_DIR]
set -eu
sum=
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$here/build/fuzz
while getopts s:w: opt; do
	case $opt in
	s) sum=$OPTARG ;;
	w) work=$OPTARG ;;
	*) echo "usage: run.sh [-s SUM] [-w WORK] FUZZER SECONDS [PEER_DIR]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
fuzzer=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seconds=${2:-600}
peer=${3:-}
corpus=$work/corpus
findings=$work/findings

# A summary line (with -s) and the same on stdout.
verdict() {
	echo "$1: $2"
	if [ -n "$sum" ]; then echo "$1: $2" >> "$sum"; fi
}

if [ -n "$sum" ]; then
	rm -rf "$corpus" "$findings"
	mkdir -p "$(dirname "$sum")"
	sum=$(cd "$(dirname "$sum")" && pwd)/$(basename "$sum")
	: > "$sum"
fi
mkdir -p "$corpus" "$findings"
work=$(cd "$work" && pwd) corpus=$(cd "$corpus" && pwd) findings=$(cd "$findings" && pwd)

# Each seed goes in three times: pass 2, pass 1 (round trip), guru + -u;
# named by mode and path (seed-p2-harness_stap.sem_x.stp), so that a
# finding names its seed and a later run overwrites the same seeds.
{
	for f in "$here"/harness/stap.*/*.stp "$here"/harness/stap.fuzz/cases/*; do
		[ -f "$f" ] && echo "$f"
	done
	if [ -n "$peer" ] && [ -d "$peer" ]; then
		find "$peer" -name '*.stp' | sort
	fi
} > "$work/seeds.txt"
sed -e "s|^$here/||" -e "s|^$peer/|peer/|" -e 's|/|_|g' "$work/seeds.txt" |
	paste "$work/seeds.txt" - | while IFS='	' read -r path name; do
	{ printf '\000'; cat "$path"; } > "$corpus/seed-p2-$name"
	{ printf '\004'; cat "$path"; } > "$corpus/seed-p1-$name"
	{ printf '\003'; cat "$path"; } > "$corpus/seed-gu-$name"
done

inputs=$(ls "$corpus" | wc -l)
echo "fuzz: $inputs inputs in the corpus, running ${seconds}s"
cd "$work"
rc=0
seed=
[ -z "$sum" ] || seed="-seed=${FUZZ_SEED:-1} -runs=${FUZZ_RUNS:-5000}"
# shellcheck disable=SC2086
timeout -k 5 $((seconds + 30)) "$fuzzer" $seed -max_total_time="$seconds" \
	-timeout=10 -rss_limit_mb=4096 -max_len=16384 \
	-dict="$here/harness/fuzz/stap.dict" -artifact_prefix="$findings/" \
	-print_final_stats=1 "$corpus" > "$work/fuzz.log" 2>&1 || rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
if [ "$rc" -eq 0 ]; then
	grep -E '^stat::number_of_executed_units|^Done' "$work/fuzz.log" || true
	verdict PASS "fuzz: ${runs:-?} runs from $inputs seeds (at most ${seconds}s): no crash, leak, hang or property failure"
	exit 0
fi
tail -n 40 "$work/fuzz.log"
# What libFuzzer said (its ==ERROR or deadly-signal line) and the input.
what=$(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|ALARM|deadly signal|out-of-memory|canonical form' \
	"$work/fuzz.log" | sed -e 's/^==[0-9]*==//' -e 's/ on \(unknown \)*address.*//' \
	-e 's/ (pid=.*//' -e 's/ in *$//' | cut -c1-120 || true)
# The first frame in the translator: "in table_slot stap/util.c:177:9".
frame=$(grep -m1 -E '^ +#[0-9]+ .* in [^ ]+ [^ ]*/(stap|harness)/' "$work/fuzz.log" |
	sed -e 's/.* in \([^ ]*\) .*\/\(stap\|harness\)\//\1 \2\//' || true)
what="$what${frame:+ in $frame}"
[ "$rc" -eq 124 ] && what="the fuzzer ran past ${seconds}s + 30 s and was stopped"
# The input libFuzzer saved for this failure (findings keeps older ones).
input=$(sed -n 's|.*Test unit written to .*/||p' "$work/fuzz.log" | tail -n 1)
# The seed it is, if it is one (a crash in the seed corpus's first run).
if [ -n "$input" ]; then
	for f in "$corpus"/seed-*; do
		if cmp -s "$f" "$findings/$input"; then
			input="$input (${f##*/})"
			break
		fi
	done
fi
verdict FAIL "fuzz: ${what:-the fuzzer exited with status $rc}; input ${input:-not saved} in $findings (log $work/fuzz.log)"
echo "fuzz: FAILED; the input is in $findings/: add it to"
echo "      harness/stap.fuzz/cases/ and fix the translator"
exit 1
