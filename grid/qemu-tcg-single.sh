#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# stapgrid's <emulator> for suites that patch live kernel code: QEMU with
# single-threaded TCG.  Under multi-threaded TCG a vCPU looping in a function
# keeps running stale translated code while another vCPU patches it, which
# crashes guests for every tracer.  libvirt 9.0 cannot ask for
# thread=single and puts its own "-accel tcg" first, so this rewrites that
# argument and execs the real QEMU.  stapgrid checks the running process.
prev=
for a in "$@"; do
	shift
	if [ "$prev" = -accel ] && [ "$a" = tcg ]; then
		a=tcg,thread=single
	fi
	set -- "$@" "$a"
	prev=$a
done
exec /usr/bin/qemu-system-x86_64 "$@"
