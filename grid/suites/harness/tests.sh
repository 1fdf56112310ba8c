# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by prebuild.sh (host) and harness.sh (guest): the same runtest
# command on both sides, so the host builds what the guest will ask for.
# $1 of stap_tests: the harness folder.  DejaGnu 1.6 selects test files by
# their base name, so the .exp files of stap.run and stap.kernel go by name.
stap_tests() {
	for f in "$1"/stap.run/*.exp "$1"/stap.kernel/*.exp; do
		[ -e "$f" ] && basename "$f"
	done
}

# A .sum's result lines by kind: "N pass, N fail, ..." and the failures.
sum_report() {
	if [ ! -s "$1" ]; then
		echo "no $1: runtest failed (runtest.out)"
		tail -n 20 runtest.out 2>/dev/null
		return
	fi
	for k in PASS FAIL XPASS XFAIL UNRESOLVED UNTESTED UNSUPPORTED ERROR; do
		printf '%s %s\n' "$(grep -c "^$k: " "$1")" "$k"
	done | awk '$1 > 0' | paste -sd, -
	grep -E '^(FAIL|XPASS|UNRESOLVED|ERROR): ' "$1"
}

# 0 when the .sum exists, has results and no failure.
sum_clean() {
	[ -s "$1" ] && grep -qE '^(PASS|UNSUPPORTED): ' "$1" &&
		! grep -qE '^(FAIL|XPASS|UNRESOLVED|ERROR): ' "$1"
}

# rt_path NAME DIR: NAME set to a path to DIR that runtest can take as
# --srcdir.  DejaGnu 1.6 restores --srcdir with an unquoted `uplevel set
# srcdir VALUE`, so a blank in it fails ("wrong # args"; --outdir and
# NAME=VALUE are fine): DIR itself when it has none, else a symlink to it
# in a fresh folder, which rt_links_rm removes.
RT_LINKS=
rt_path() {
	case "$2" in
	*[[:space:]]*)
		rt_d=$(mktemp -d "${TMPDIR:-/tmp}/stapgrid-rt.XXXXXX") && ln -s "$2" "$rt_d/l" ||
			return 1
		RT_LINKS="$RT_LINKS $rt_d"
		eval "$1=\$rt_d/l" ;;
	*) eval "$1=\$2" ;;
	esac
}
rt_links_rm() {
	for rt_d in $RT_LINKS; do
		rm -rf "$rt_d"
	done
	RT_LINKS=
}
