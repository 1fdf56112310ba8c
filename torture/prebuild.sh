#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# On the host, before the torture guest boots (grid/suites/torture/
# prebuild.sh runs this): everything the guest needs, built for
# $GRID_KERNEL, in $GRID_CACHE/torture/$GRID_KERNEL/ (the guest reads it
# through the host's /):
#   tbait.ko, tfault.ko   the helper modules (torture/modules/), kbuild
#                         against the kernel's headers; tbait.ko is also
#                         installed in the kernel's module tree (extra/,
#                         modules.dep) so scripts can name module("tbait")
#   tload                 the user-space workload (torture/workload/)
#   modules.txt           "SCRIPT MODULE.ko" for each torture/scripts/*.stp
#                         (stap -r KERNEL -p4, the module cache
#                         $GRID_CACHE/stap), or "SCRIPT !refused" when
#                         the translator refused it (SCRIPT.err: why);
#                         only scripts marked "#expect: refused" may be;
#                         SCRIPT.probes: how many probe points it has
# Never compile in the guest: under TCG a module takes minutes.
set -u
. "$GRID_SRC/grid/suites/prebuild-lib.sh"
prebuild_setup torture
T="$GRID_SRC/torture"
t0=$(date +%s)

for m in tbait tfault; do
	kbuild_module "$T/modules/$m" "$m"
done
mods="$KDIR/root/lib/modules/$GRID_RELEASE"
[ -f "$mods/modules.dep" ] || { echo "prebuild: no $mods/modules.dep"; exit 1; }
mkdir -p "$mods/extra" && cp "$B/tbait.ko" "$mods/extra/tbait.ko" || exit 1
grep -q '^extra/tbait.ko:' "$mods/modules.dep" || echo 'extra/tbait.ko:' >> "$mods/modules.dep"

gcc -O2 -Wall -Wextra -Werror -o "$B/tload" "$T/workload/tload.c" || exit 1
echo "prebuild: tload"
# The uprobe tests' targets, with DWARF (their scripts read parameters):
# tuload, the library its dl workload opens and closes, and the program
# of 1,000 functions (generated: harness/stap.kernel/ufuncs-gen.sh).
gcc -g -O1 -Wall -Wextra -Werror -pthread -o "$B/tuload" "$T/workload/tuload.c" -ldl || exit 1
gcc -g -O1 -Wall -Wextra -Werror -shared -fPIC -o "$B/libtulib.so" "$T/workload/tulib.c" || exit 1
sh "$GRID_SRC/harness/stap.kernel/ufuncs-gen.sh" 1000 |
	gcc -g -O1 -fno-ipa-icf -x c - -o "$B/ufuncs" || exit 1
echo "prebuild: tuload, libtulib.so, ufuncs"

# A script's "#args:" lines, one argument each (a path may have spaces),
# on stdout a line each: "$B/NAME" is NAME in this folder, "$STAPRUN"
# our staprun (the guest sees the host's paths).
script_args() {
	sed -n 's/^#args: //p' "$1" | while IFS= read -r a; do
		case $a in
		'$B/'*) a="$B/${a#\$B/}" ;;
		'$STAPRUN') a="$GRID_SRC/build/bin/staprun" ;;
		esac
		printf '%s\n' "$a"
	done
}

# One script: "NAME PATH" or "NAME !refused" on stdout, its error in NAME.err.
build_one() {
	f=$1
	name=$(basename "$f" .stp)
	opts=$(sed -n 's/^#opts: //p' "$f")
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done <<ARGS
$(script_args "$f")
ARGS
	[ "$1" = "" ] && shift # no "#args:" line: the one empty line
	# shellcheck disable=SC2086 # the options are words
	if ko=$("$STAP" -r "$GRID_KERNEL" -p4 $opts "$f" "$@" 2> "$B/$name.err"); then
		# the probe points it resolved to (many-probes and uprobe-many
		# count them)
		"$STAP" -r "$GRID_KERNEL" -p2 $opts "$f" "$@" 2> /dev/null |
			awk '/^# probes/ { p = 1; next } /^# / { p = 0 } p && /^((kernel|kprobe|module)\.|process\()/' | wc -l > "$B/$name.probes"
		echo "$name $ko"
	elif grep -q '^#expect: refused' "$f"; then
		echo "$name !refused"
	else
		echo "$name !failed"
	fi
}
rm -f "$B/modules.txt.new"
for f in "$T"/scripts/*.stp; do
	build_one "$f" >> "$B/modules.txt.new" &
	# two at a time: the machine has few cores, the lead's work shares them
	[ "$(jobs -p | wc -l)" -lt 2 ] || wait -n 2>/dev/null || wait
done
wait
sort "$B/modules.txt.new" > "$B/modules.txt" && rm -f "$B/modules.txt.new"
failed=$(awk '$2 == "!failed" { print $1 }' "$B/modules.txt")
for n in $failed; do
	echo "prebuild: $n.stp does not build:"
	cat "$B/$n.err"
done
echo "prebuild: $(grep -vc ' !' "$B/modules.txt") modules, $(grep -c ' !refused' "$B/modules.txt") refused by the translator, in $(( $(date +%s) - t0 )) s"
[ -z "$failed" ]
