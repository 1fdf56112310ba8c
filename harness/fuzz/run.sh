#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make fuzz: run the libFuzzer target for SECONDS (default 600) over a
# corpus seeded from our tests, SystemTap's (given PEER_DIR) and earlier
# findings (harness/stap.fuzz/cases).  Exits nonzero on any crash, leak,
# hang (10 s) or property failure, naming the input to turn into a
# regression test under harness/stap.fuzz/cases/.
#
# usage: run.sh FUZZER SECONDS [PEER_DIR]
set -eu
fuzzer=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seconds=${2:-600}
peer=${3:-}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$here/build/fuzz
corpus=$work/corpus
mkdir -p "$corpus" "$work/findings"

# Each seed goes in three times: pass 2, pass 1 (round trip), guru + -u.
seed() {
	for flags in '\000' '\004' '\003'; do
		name=$(printf '%s' "$flags$1" | md5sum | cut -c1-16)
		{ printf "$flags"; cat "$1"; } > "$corpus/seed-$name"
	done
}
for f in "$here"/harness/stap.*/*.stp "$here"/harness/stap.fuzz/cases/*; do
	[ -f "$f" ] && seed "$f"
done
if [ -n "$peer" ] && [ -d "$peer" ]; then
	find "$peer" -name '*.stp' | while read -r f; do seed "$f"; done
fi

echo "fuzz: $(ls "$corpus" | wc -l) inputs in the corpus, running ${seconds}s"
cd "$work"
if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
	-max_len=16384 -dict="$here/harness/fuzz/stap.dict" \
	-artifact_prefix="$work/findings/" -print_final_stats=1 \
	"$corpus" > "$work/fuzz.log" 2>&1; then
	grep -E '^stat::number_of_executed_units|^Done' "$work/fuzz.log" || true
	echo "fuzz: no crash, leak, hang or property failure in ${seconds}s"
else
	tail -n 40 "$work/fuzz.log"
	echo "fuzz: FAILED; the input is in $work/findings/: add it to"
	echo "      harness/stap.fuzz/cases/ and fix the translator"
	exit 1
fi
