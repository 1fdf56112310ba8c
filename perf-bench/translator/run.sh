#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Translator benchmark (not a timed test): passes 1-2 of our stap against
# SystemTap 4.8's `stap -p2` (Debian package) on the same inputs, one run
# each, reported as ratios:
#   - generated scripts of 5k, 50k and 500k lines (ours on all three, to
#     show linear growth; SystemTap where it finishes within LIMIT seconds)
#   - SystemTap's own parse/sem test files, each with its own options
# SystemTap needs kernel headers to start at all: -r KREL (default: the
# installed linux-headers-*-amd64).
#
# usage: run.sh [PEER_DIR]     env: LIMIT (s, default 300), KREL
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
ours=$here/build/bin/stap
peer=${1:-${PEER_DIR:-$here/../shared/peer/systemtap}}
limit=${LIMIT:-300}
krel=${KREL:-$(ls /usr/src | sed -n 's/^linux-headers-\(.*-amd64\)$/\1/p' | sort -V | tail -n 1)}
theirs=$(command -v stap)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$ours" ] || { echo "run.sh: build first (make)"; exit 2; }
if [ -z "$theirs" ] || [ -z "$krel" ]; then
	echo "run.sh: needs Debian's systemtap and linux-headers-amd64" \
	     "(apt-get install systemtap linux-headers-amd64)"
	exit 2
fi

# Wall time of one run in seconds; "timeout" or "failed" otherwise.
seconds() {
	local start end rc
	start=$(date +%s.%N)
	timeout "$limit" "$@" > /dev/null 2> "$work/err"
	rc=$?
	end=$(date +%s.%N)
	if [ $rc -eq 124 ]; then echo timeout; return; fi
	if [ $rc -ne 0 ]; then echo failed; return; fi
	echo "$end - $start" | bc -l
}

ratio() {
	case "$1$2" in
	*timeout*|*failed*) echo "-" ;;
	*) printf '%.1fx' "$(echo "$2 / $1" | bc -l)" ;;
	esac
}

fmt() {
	case "$1" in
	timeout|failed) echo "$1" ;;
	*) printf '%.3f' "$1" ;;
	esac
}

echo "Translator benchmark, $(date -u +%Y-%m-%d), $(nproc) CPUs, one run each"
echo "ours: $ours   SystemTap: $($theirs -V 2>&1 | head -n 1) (-r $krel), given $limit s"
echo
printf '%-22s %12s %12s %10s %12s\n' input "ours (s)" "4.8 (s)" speedup "ours us/line"
for lines in 5000 50000 500000; do
	script=$work/gen$lines.stp
	awk -v lines=$lines -f "$here/perf-bench/translator/gen.awk" > "$script"
	n=$(wc -l < "$script")
	t_ours=$(seconds "$ours" -w -p2 "$script")
	t_theirs=$(seconds "$theirs" -w -p2 -r "$krel" "$script")
	per=$( [ "$t_ours" = failed ] || [ "$t_ours" = timeout ] && echo - ||
	       printf '%.2f' "$(echo "$t_ours * 1000000 / $n" | bc -l)")
	printf '%-22s %12s %12s %10s %12s\n' "generated $n lines" \
		"$(fmt "$t_ours")" "$(fmt "$t_theirs")" \
		"$(ratio "$t_ours" "$t_theirs")" "$per"
done

if [ -d "$peer/parse" ]; then
	t_ours=0
	t_theirs=0
	count=0
	for f in "$peer"/parse/*/*.stp "$peer"/sem/*/*.stp; do
		opts=$(head -n 1 "$f" | sed -n 's/^#![[:space:]]*stap[[:space:]]*//p')
		dir=$(dirname "$f")
		base=$(basename "$f")
		a=$(cd "$dir" && s=$(date +%s.%N); "$ours" $opts "$base" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l)
		b=$(cd "$dir" && s=$(date +%s.%N); "$theirs" -r "$krel" $opts "$base" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l)
		t_ours=$(echo "$t_ours + $a" | bc -l)
		t_theirs=$(echo "$t_theirs + $b" | bc -l)
		count=$((count + 1))
	done
	printf '%-22s %12s %12s %10s\n' "peer files ($count)" "$(fmt "$t_ours")" \
		"$(fmt "$t_theirs")" "$(ratio "$t_ours" "$t_theirs")"
fi
