#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A loopback "partner": a second libvirtd that listens on 127.0.0.1 only,
# with no authentication (TEST-ONLY configuration: never expose this), in
# a private mount namespace whose /run/libvirt, /var/lib/libvirt,
# /var/cache/libvirt and /var/log/libvirt are its own.  The controller and
# it share the kernel and the loopback network, not their libvirt state or
# their files under /var/lib/libvirt: stapgrid must move files by storage
# volume upload and download, as with a partner on another machine.
#
#   partner.sh start DIR PORT    prints "qemu+tcp://127.0.0.1:PORT/system"
#   partner.sh stop DIR          stops the daemons, removes DIR
set -eu
cmd=$1 dir=$2
case "$cmd" in
start)
	port=$3
	mkdir -p "$dir/run" "$dir/lib" "$dir/cache" "$dir/log"
	cat > "$dir/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$port"
auth_tcp = "none"
CONF
	# As stapgrid does for the daemons it starts (grid/gvirt.c, hide_kvm):
	# where /dev/kvm exists but QEMU's user cannot open it, libvirt 9.0
	# re-probes QEMU on every start; show it a consistent "no KVM".
	hide=
	if [ -e /dev/kvm ] && ! su -s /bin/sh libvirt-qemu -c 'test -r /dev/kvm -a -w /dev/kvm' 2>/dev/null; then
		: > "$dir/nokvm"
		chmod 600 "$dir/nokvm"
		{ cat /etc/libvirt/qemu.conf; echo 'namespaces = []'; } > "$dir/qemu.conf"
		hide="mount --bind '$dir/nokvm' /dev/kvm && mount --bind '$dir/qemu.conf' /etc/libvirt/qemu.conf &&"
	fi
	unshare -m --propagation private sh -c "
		mount --bind '$dir/run' /run/libvirt &&
		mount --bind '$dir/lib' /var/lib/libvirt &&
		mount --bind '$dir/cache' /var/cache/libvirt &&
		mount --bind '$dir/log' /var/log/libvirt && $hide
		virtlogd -d -p '$dir/virtlogd.pid' &&
		exec libvirtd -d -l -f '$dir/libvirtd.conf' -p '$dir/libvirtd.pid'" \
		> "$dir/daemons.log" 2>&1
	uri="qemu+tcp://127.0.0.1:$port/system"
	i=0
	until virsh -c "$uri" version > /dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 120 ]; then
			echo "partner.sh: libvirtd did not answer on $uri" >&2
			cat "$dir/daemons.log" >&2
			exit 1
		fi
		sleep 0.5
	done
	echo "$uri"
	;;
stop)
	for d in libvirtd virtlogd; do
		if [ -s "$dir/$d.pid" ]; then
			pid=$(cat "$dir/$d.pid")
			kill "$pid" 2>/dev/null || true
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 120 ]; do
				sleep 0.5
				i=$((i + 1))
			done
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
	rm -rf "$dir"
	;;
*)
	echo "usage: partner.sh start DIR PORT | stop DIR" >&2
	exit 2
	;;
esac
