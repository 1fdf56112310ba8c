# SPDX-License-Identifier: GPL-2.0-or-later
# On the host, before the guest boots, into $B ($GRID_CACHE/differential/
# $GRID_KERNEL, which the guest reads):
#   dtload           the workload (dtload.c), static
#   modules.txt      "ours MODULE.ko" (stap -r KERNEL -p4 trace.stp) and
#                    "systemtap MODULE.ko" (SystemTap 4.8, its runtime
#                    patched where the kernel needs it: perf-bench/
#                    overhead/peer.sh), or "NAME !failed" with its first
#                    error in NAME.err: a failure is reported, not hidden
#   bin              the folder of our stap and staprun (EXAMPLES_BIN, as
#                    in the examples suite, or $GRID_SRC/build/bin)
set -u
: "${GRID_JOBDIR:?}"
. "$GRID_SRC/grid/suites/prebuild-lib.sh"
prebuild_setup differential
bin="${EXAMPLES_BIN:-$GRID_SRC/build/bin}"
STAP="$bin/stap"
. "$GRID_SRC/perf-bench/overhead/peer.sh"

gcc -static -O2 -Wall -Wextra -Werror -o "$B/dtload" dtload.c || exit 1
cp trace.stp normalize.awk "$B/" || exit 1
echo "$bin" > "$B/bin"
: > "$B/modules.txt.new"

if ko=$("$STAP" -r "$GRID_KERNEL" -p4 "$B/trace.stp" 2> "$B/ours.err"); then
	echo "ours $ko" >> "$B/modules.txt.new"
	echo "prebuild: ours: $ko"
else
	echo "ours !failed" >> "$B/modules.txt.new"
	echo "prebuild: our stap fails: $(first_error "$B/ours.err")"
fi

if [ ! -x "$PEER" ]; then
	echo "SystemTap is not installed (apt-get install systemtap)" > "$B/systemtap.err"
	echo "systemtap !failed" >> "$B/modules.txt.new"
else
	# SystemTap's own cache misses once peer_setup has copied its runtime
	# again (minutes a build): the last module is kept while the script,
	# SystemTap and the kernel are the same.
	key=$({ cat trace.stp; "$PEER" -V 2>&1 | head -1; cat "$KDIR/stap-target"; } | sha256sum | cut -d' ' -f1)
	old=$(cat "$B/systemtap.key" 2> /dev/null)
	ko=$(cat "$B/systemtap.ko" 2> /dev/null)
	if [ "$old" = "$key" ] && [ -f "$ko" ]; then
		echo "systemtap $ko" >> "$B/modules.txt.new"
		echo "prebuild: SystemTap 4.8: $ko (kept: the same script, SystemTap and kernel)"
	else
		peer_setup "$B" "$KDIR" "$GRID_RELEASE" || exit 1
		set --
		peer_needs_patch "$B" "$GRID_RELEASE" && set -- -R "$B/peer-runtime"
		t0=$(date +%s)
		if ko=$(SYSTEMTAP_DIR="$B/peer-cache" peer_stap "$B" "$GRID_RELEASE" "$@" -p4 "$B/trace.stp" 2> "$B/systemtap.err") &&
			[ -f "$ko" ]; then
			echo "systemtap $ko" >> "$B/modules.txt.new"
			echo "$key" > "$B/systemtap.key"
			echo "$ko" > "$B/systemtap.ko"
			echo "prebuild: SystemTap 4.8: $ko ($(($(date +%s) - t0)) s)"
		else
			rm -f "$B/systemtap.key"
			echo "systemtap !failed" >> "$B/modules.txt.new"
			echo "prebuild: SystemTap 4.8 fails: $(first_error "$B/systemtap.err")"
		fi
	fi
fi
mv "$B/modules.txt.new" "$B/modules.txt"
