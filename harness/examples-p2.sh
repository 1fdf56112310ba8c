#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Pass 2 of every script of SystemTap's examples (PEER_DIR/examples) with
# our translator against a kernel of the grid's cache, as issues 16 and 17
# measure it: each script with its .meta's `test_check` options (the
# first such line; its -pN dropped, -p2 given instead), a script without a
# .meta with none.  One line a script, sorted by path:
#   OK PATH
#   NO PATH: the first error line of stderr (else its first line)
# The examples are read where they are, never copied.
#
# usage: examples-p2.sh [-k KERNEL] [-u LIST] STAP PEER_DIR
#   -k KERNEL  the target (default debian-6.1-amd64), by name on
#              STAP_TARGET_PATH (default /var/cache/stapgrid/kernels)
#   -u LIST    also write LIST anew from these results (the list
#              grid-examples-p2.exp holds the translator to): `pass2 PATH`
#              for an OK, `no PATH REASON` for a NO: every script
#              counts (issue 17's measure: none excepted)
set -u
kernel=debian-6.1-amd64
update=
while getopts k:u: o; do
	case $o in
	k) kernel=$OPTARG ;;
	u) update=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "usage: examples-p2.sh [-k KERNEL] [-u LIST] STAP PEER_DIR" >&2; exit 2; }
stap=$(realpath "$1") && ex=$(realpath "$2/examples") || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/examples-p2.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
export STAP_TARGET_PATH="${STAP_TARGET_PATH:-/var/cache/stapgrid/kernels}"
export SYSTEMTAP_DIR="$work/cache"

# The .meta of a script: the one in its folder whose name: line is its
# file name.
meta_of() { # DIR BASE
	grep -lx "name: *$2" "$1"/*.meta 2> /dev/null | head -1
}

# The options of a test_check command line, without `stap` and any -pN,
# alone (-p4) or at the end of short options (-gp4 -> -g).  Empty when
# the line is not a stap command (a wrapper script's).
check_options() { # META
	sed -n 's/^test_check: *stap //p' "$1" | head -1 |
		sed -E 's/(^| )-p[0-9]( |$)/\1/; s/(^| )-([A-Za-z]+)p[0-9]( |$)/\1-\2\3/'
}

# A .meta's command substitutions read the machine the script is for:
# /proc/kallsyms is the target's symbols (as nm prints them, from its
# -dbg vmlinux), not this host's (hw_watch_addr takes an address there).
target_kallsyms() {
	if [ ! -e "$work/kallsyms" ]; then
		for td in $(echo "$STAP_TARGET_PATH" | tr ":" " "); do
			for v in "$td/$kernel"/root/usr/lib/debug/boot/vmlinux-*; do
				[ -f "$v" ] && nm "$v" > "$work/kallsyms" 2> /dev/null && return
			done
		done
		: > "$work/kallsyms"
	fi
}

one() { # PATH (under $ex)
	d=$(dirname "$ex/$1") b=$(basename "$1")
	args=$b
	m=$(meta_of "$d" "$b")
	if [ -n "$m" ]; then
		o=$(check_options "$m")
		case $o in *"/proc/kallsyms"*)
			target_kallsyms
			o=$(printf '%s' "$o" | sed "s|/proc/kallsyms|$work/kallsyms|g")
		esac
		[ -n "$o" ] && args=$o
	fi
	if (cd "$d" && eval "timeout 60 \"\$stap\" -r \"\$kernel\" -p2 $args") \
		> /dev/null 2> "$work/err" < /dev/null; then
		echo "OK $1"
	else
		rc=$?
		why=$(grep -m1 -E 'error' "$work/err" || head -1 "$work/err")
		[ "$rc" = 124 ] && why="timed out after 60 s"
		[ -n "$why" ] || why="exit $rc, nothing on stderr"
		echo "NO $1: $(printf '%s' "$why" | cut -c1-240 | tr -s ' \t' ' ')"
	fi
}

(cd "$ex" && find . -name '*.stp' | sed 's|^\./||' | LC_ALL=C sort) > "$work/scripts"
while IFS= read -r p; do
	one "$p"
done < "$work/scripts" | tee "$work/results"

if [ -n "$update" ]; then
	{
		echo "# Pass 2 of SystemTap's examples on $kernel: harness/examples-p2.sh -u (docs/tapsets.md)."
		echo "# pass2 PATH: reaches pass 2; no PATH REASON: does not yet (its first error)."
		while IFS= read -r l; do
			p=${l#?? }
			p=${p%%: *}
			if [ "${l%% *}" = OK ]; then
				echo "pass2 $p"
			else
				echo "no $p ${l#*: }"
			fi
		done < "$work/results"
	} > "$work/list" && cp "$work/list" "$update"
fi
