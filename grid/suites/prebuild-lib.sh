# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the host-side prebuild of a suite (torture/prebuild.sh,
# perf-bench/overhead/prebuild.sh), which stapgrid runs before the guest
# boots with GRID_KERNEL, GRID_RELEASE, GRID_SRC and GRID_CACHE set.

# prebuild_setup NAME: the suite's folder B=$GRID_CACHE/NAME/$GRID_KERNEL
# made and locked (two jobs of one kernel, --repeat, build one at a time),
# readable by all, as the rest of the cache (the guest reads it through its
# share of the cache);
# KDIR the kernel's cache folder, STAP our translator, the module cache
# $GRID_CACHE/stap; the cache's kernels are stap's targets by name
# (STAP_TARGET_PATH, docs/kernel.md).
prebuild_setup() {
	: "${GRID_KERNEL:?}" "${GRID_RELEASE:?}" "${GRID_SRC:?}" "${GRID_CACHE:?}"
	B="$GRID_CACHE/$1/$GRID_KERNEL"
	KDIR="$GRID_CACHE/kernels/$GRID_KERNEL"
	STAP="$GRID_SRC/build/bin/stap"
	umask 022
	mkdir -p "$B" || exit 1
	exec 9> "$B/.lock"
	flock 9
	export SYSTEMTAP_DIR="$GRID_CACHE/stap" STAPGRID_CACHE="$GRID_CACHE" \
		STAP_TARGET_PATH="$GRID_CACHE/kernels" # stap -r KERNEL finds it
	unset CC STAP_CFLAGS STAP_CACHE_ONLY
	[ -d "$KDIR/build" ] || { echo "prebuild: $GRID_KERNEL is not prepared ($KDIR/build)"; exit 1; }
}

# kbuild_module DIR NAME: DIR/NAME.c (with DIR/Kbuild) built with the
# kernel's kbuild into $B/NAME.ko; its log shown when it fails.
kbuild_module() {
	rm -rf "$B/src-$2"
	mkdir -p "$B/src-$2"
	cp "$1/$2.c" "$1/Kbuild" "$B/src-$2/" || exit 1
	if ! make -s -C "$KDIR/build" M="$B/src-$2" modules > "$B/src-$2/build.log" 2>&1; then
		echo "prebuild: building $2.ko for $GRID_RELEASE failed:"
		cat "$B/src-$2/build.log"
		exit 1
	fi
	cp "$B/src-$2/$2.ko" "$B/$2.ko" || exit 1
	echo "prebuild: $2.ko"
}
