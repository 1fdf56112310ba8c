# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by prebuild.sh and compile.sh: what Debian's SystemTap 4.8 needs
# to build for a grid kernel (docs/overhead.md), in $1 (a work folder):
#   peer-root/      a sysroot: boot/System.map-REL with the -dbg vmlinux's
#                   symbols (Debian's own System.map is a placeholder),
#                   lib/modules/REL/build -> the kernel's kbuild tree,
#                   lib/modules/REL/source -> its -common half (where
#                   SystemTap looks for include/trace/events/*.h: without
#                   it no kernel.trace probe resolves) and
#                   usr/lib/debug -> the -dbg files
#   peer-runtime/   its runtime with the one-line fix for the
#                   task_work_cancel backport in Debian's 6.1 (the
#                   documented workaround, measured beside the failure)
# peer_stap DIR RELEASE [-R RUNTIME] ARGS...: SystemTap 4.8 against it.
PEER=/usr/bin/stap

peer_setup() { # DIR KDIR RELEASE
	rm -rf "$1/peer-root" "$1/peer-runtime"
	mkdir -p "$1/peer-root/boot" "$1/peer-root/lib/modules/$3" || return 1
	ln -s "$2/build" "$1/peer-root/lib/modules/$3/build"
	for c in "$2"/root/usr/src/linux-headers-*-common*; do
		[ -d "$c" ] && ln -s "$c" "$1/peer-root/lib/modules/$3/source" && break
	done
	# its DWARF (kernel.function), where prepare --dbg fetched it
	if [ -d "$2/root/usr/lib/debug" ]; then
		mkdir -p "$1/peer-root/usr/lib" && ln -s "$2/root/usr/lib/debug" "$1/peer-root/usr/lib/debug"
	fi
	if [ -f "$2/root/usr/lib/debug/boot/vmlinux-$3" ]; then
		nm -n "$2/root/usr/lib/debug/boot/vmlinux-$3" > "$1/peer-root/boot/System.map-$3"
	else
		cp "$2/root/boot/System.map-$3" "$1/peer-root/boot/" 2> /dev/null
	fi
	cp -r /usr/share/systemtap/runtime "$1/peer-runtime" &&
		sed -i -e 's/typeof(&task_work_cancel)/typeof(\&task_work_cancel_func)/' \
			-e 's/kallsyms_lookup_name("task_work_cancel")/kallsyms_lookup_name("task_work_cancel_func")/' \
			"$1/peer-runtime/stp_task_work.c"
}

# The patch only applies where the kernel has the backport.
peer_needs_patch() { # DIR RELEASE
	grep -q ' task_work_cancel_func$' "$1/peer-root/boot/System.map-$2" 2> /dev/null
}

peer_stap() { # DIR RELEASE ARGS...
	d=$1 rel=$2
	shift 2
	"$PEER" --sysroot="$d/peer-root" -r "$rel" "$@"
}

# The first error line of a failed build (else its first line), for a
# row's note.
first_error() {
	{ grep -m1 -E 'error|ERROR' "$1" || head -1 "$1"; } 2> /dev/null | cut -c1-200 | tr -s ' \t' ' '
}
