#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs one benchmark and keeps what it printed with where and how it ran, so
# that a figure quoted in docs/ can be checked (docs/benchmarks.md, "Kept
# runs"):
#
#   results/bench/NAME-YYYYMMDDTHHMMSSZ/
#     output.txt   the benchmark's stdout and stderr, as it printed them
#     meta.txt     "key: value" lines: name, command, folder, start, end
#                  (UTC), exit, host (nproc, CPU model, memory, kernel),
#                  load_start / load_end (/proc/loadavg), commit (`git
#                  rev-parse HEAD` of the tree the benchmark ran from),
#                  uncommitted (one line per path of `git status --porcelain
#                  --untracked-files=no`, or "none"), and a "tool:" line per
#                  compiler and peer found (gcc, GLib, glibc, SystemTap,
#                  QEMU, libvirt, python3)
#     ...          whatever the benchmark writes into $BENCH_DIR
#
# The benchmark runs with BENCH_DIR set to that folder.  The folder's parent
# is BENCH_RESULTS (default: results/bench of this tree; git-ignored), so a
# benchmark run from a clean worktree can write into the main tree's.
# perf-bench/keep.sh copies a folder into results/published/bench/.
#
# usage: record.sh NAME COMMAND [ARGS...]    exit: the benchmark's
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

if [ $# -lt 2 ]; then
	echo "usage: record.sh NAME COMMAND [ARGS...]" >&2
	exit 2
fi
name=$1
shift
case $name in
*[!a-z0-9-]* | "" | -*)
	echo "record.sh: '$name' is not a benchmark name (a-z, 0-9 and '-')" >&2
	exit 2 ;;
esac

out=${BENCH_RESULTS:-$top/results/bench}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dir=$out/$name-$stamp
if [ -e "$dir" ]; then
	echo "record.sh: $dir exists already (two runs in one second?)" >&2
	exit 2
fi
mkdir -p "$dir" || { echo "record.sh: cannot create $dir" >&2; exit 2; }
meta=$dir/meta.txt

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# tool NAME COMMAND...: a "tool:" line with the first line the command
# prints; nothing when the tool is missing.
tool() {
	local what=$1 v
	shift
	command -v "$1" > /dev/null 2>&1 || return 0
	v=$("$@" 2>&1 | grep -m 1 .) || true
	[ -n "$v" ] && echo "tool: $what: $v"
	return 0
}

{
	echo "name: $name"
	printf 'command:'
	printf ' %q' "$@"
	echo
	echo "cwd: $(pwd)"
	echo "start: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "host: $(hostname), nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort -u | head -n 1)"
	echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "load_start: $(loadavg)"
	if git -C "$top" rev-parse HEAD > /dev/null 2>&1; then
		echo "tree: $top"
		echo "commit: $(git -C "$top" rev-parse HEAD)"
		dirty=$(git -C "$top" status --porcelain --untracked-files=no)
		if [ -z "$dirty" ]; then
			echo "uncommitted: none"
		else
			printf '%s\n' "$dirty" | sed 's/^/uncommitted: /'
		fi
	else
		echo "tree: $top"
		echo "commit: unknown (not a git tree)"
	fi
	tool gcc gcc --version
	tool glib pkg-config --modversion glib-2.0
	tool glibc ldd --version
	tool systemtap stap -V
	tool qemu qemu-system-x86_64 --version
	tool libvirt virsh --version
	tool python3 python3 --version
} > "$meta"

echo "record.sh: $name into $dir" >&2
# Ctrl-C reaches the benchmark (same process group); this script stays to
# finish meta.txt.
trap 'echo "record.sh: interrupted" >&2' INT TERM HUP
BENCH_DIR=$dir "$@" 2>&1 | tee "$dir/output.txt"
rc=${PIPESTATUS[0]}
{
	echo "end: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "load_end: $(loadavg)"
	echo "exit: $rc"
} >> "$meta"
echo "record.sh: exit $rc; output and meta.txt in $dir" >&2
exit "$rc"
