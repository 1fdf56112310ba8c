# SPDX-License-Identifier: GPL-2.0-or-later
# On the host, before the guest boots: SystemTap's examples copied into
# the suite's cache folder $B (the guest reads the cache, not ../shared),
# and for each test of the manifest a plan, $B/plan/NAME:
#   line 1  run                      its module is in the module cache
#           skip REASON              not run: not in EXAMPLES, needs
#                                    user-space probes, not a stap command
#           nobuild ERROR            not run: stap -r KERNEL -p4 failed
#   line 2  the example's folder (under $B/src)
#   line 3  its test_installcheck command
#   line 4  the folder of the stap and staprun it was built with, which
#           the guest runs: $GRID_SRC/build/bin, or EXAMPLES_BIN from
#           stapgrid's environment (a build of one's own inside the tree:
#           the guest sees the tree and the cache, not /tmp)
# The module: the command evaluated in its folder with `stap` a function
# that runs our translator with -r $GRID_KERNEL -p4 and the same
# arguments, as the guest's stap will get them (its front key then finds
# the module without translating).  Arguments the shell computes ($$,
# `grep ... /proc/kallsyms`) differ in the guest: those scripts miss the
# cache there and fail, by name.  Never compile in the guest.
set -u
: "${GRID_JOBDIR:?}"
. "$GRID_SRC/grid/suites/prebuild-lib.sh"
prebuild_setup examples
bin="${EXAMPLES_BIN:-$GRID_SRC/build/bin}"
STAP="$bin/stap"
# The last run's plans go first: a prebuild that fails leaves none, and
# every test then fails ("no plan") rather than running old modules.
rm -rf "$B/src" "$B/plan"
peer="${PEER_DIR:-$GRID_SRC/../shared/peer/systemtap}"
excepted="$GRID_SRC/harness/stapgrid.kernels/examples-p2.list"
[ -d "$peer/examples" ] || { echo "prebuild: no SystemTap examples at $peer/examples (PEER_DIR)"; exit 1; }
cp -r "$peer/examples" "$B/src" && mkdir "$B/plan" || exit 1

# EXAMPLES="NAME ...": run those only.
in_sample() {
	[ -z "${EXAMPLES:-}" ] && return 0
	case " $EXAMPLES " in *" $1 "*) return 0 ;; esac
	return 1
}

# An installcheck command that is stap's: `stap ...`, `VAR=... stap ...`
# or `echo ... | stap ...` (not a wrapper such as ./kmalloc-top).
is_stap_command() {
	printf '%s\n' "$1" | grep -qE '^([A-Z0-9_]+=[^ ]* +)*stap |^echo [^|]*\| *stap '
}

# build NAME DIR CMD: the plan's first line.
build() {
	st="$B/plan/$1.status" err="$B/plan/$1.err"
	rm -f "$st"
	# shellcheck disable=SC2329 # called by the eval
	stap() {
		timeout 300 "$STAP" -r "$GRID_KERNEL" -p4 "$@" > /dev/null 2> "$err" < /dev/null
		echo $? > "$st"
	}
	(cd "$2" && eval "$3") > /dev/null 2>&1 < /dev/null
	unset -f stap
	if [ ! -s "$st" ]; then
		echo "skip the command never ran stap"
	elif [ "$(cat "$st")" = 0 ]; then
		echo run
	else
		why=$(grep -m1 -E 'error' "$err" || head -1 "$err")
		echo "nobuild ${why:-stap -p4 exited $(cat "$st")}" | cut -c1-300
	fi
}

n=0 nrun=0
for name in $(sed -n 's/^test *= *\([^ ]*\) *example\.sh.*$/\1/p' manifest); do
	n=$((n + 1))
	meta=$(cd "$B/src" && find . -name "$name.meta" | sed 's|^\./||' | head -1)
	dir=$(dirname "$B/src/$meta")
	script=$(sed -n 's/^name: *//p' "$B/src/$meta" | head -1)
	cmd=$(sed -n 's/^test_installcheck: *//p' "$B/src/$meta" | head -1)
	path="$(dirname "$meta")/$script"
	user=$(grep -m1 "^user $path " "$excepted" 2> /dev/null | cut -d' ' -f3-)
	if [ -z "$meta" ]; then
		verdict="skip no $name.meta in $peer/examples"
	elif ! in_sample "$name"; then
		verdict="skip not in this run's sample (EXAMPLES)"
	elif [ -n "$user" ]; then
		verdict="skip needs user-space probes: $user (examples-p2.list)"
	elif ! is_stap_command "$cmd"; then
		verdict="skip the command is a wrapper, not stap: $cmd"
	else
		verdict=$(build "$name" "$dir" "$cmd")
	fi
	printf '%s\n%s\n%s\n%s\n' "$verdict" "$dir" "$cmd" "$bin" > "$B/plan/$name"
	[ "$verdict" = run ] && nrun=$((nrun + 1))
	echo "prebuild: $name: $verdict"
done
echo "prebuild: $nrun of $n examples built for $GRID_KERNEL"
