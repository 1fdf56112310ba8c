# SPDX-License-Identifier: GPL-2.0-or-later
# What grid/lava/up.sh, down.sh and remote-worker.sh share (sourced: each
# defines say and die): stopping a daemon by its pid, and the worker and
# the device they give the local LAVA instance.

manage() { /usr/bin/lava-server manage "$@"; }

# stop_pid PID: SIGTERM, up to 20 s, then SIGKILL; false if it did not run.
stop_pid() {
	kill -0 "$1" 2>/dev/null || return 1
	kill "$1"
	n=40
	while kill -0 "$1" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 0.5
		n=$((n - 1))
	done
	kill -0 "$1" 2>/dev/null && kill -9 "$1"
	return 0
}

# register_worker NAME FILE: the worker NAME on the server (added once), its
# token in FILE (mode 600).
register_worker() {
	manage workers list 2>/dev/null | grep -qw "$1" || manage workers add "$1" >/dev/null
	(umask 077 && manage workers details "$1" | sed -n "s/^token *: *//p" | head -n1 > "$2")
	[ -s "$2" ] || die "no token for the worker $1 (lava-server manage workers details $1)"
}

# add_device NAME TYPE WORKER TEMPLATE MAC BY: device NAME, of device type
# TYPE, on WORKER: QEMU under TCG (no KVM) from TEMPLATE.jinja2 with MAC;
# its dictionary is written anew each time (BY: the script, in a comment).
add_device() {
	dev=/etc/lava-server/dispatcher-config/devices/$1.jinja2
	cat > "$dev.tmp" <<JINJA
{% extends '$4.jinja2' %}
{# stapgrid's device ($6): QEMU under TCG, no KVM #}
{% set no_kvm = True %}
{% set mac_addr = '$5' %}
{% set memory = 1024 %}
{% set netdevice = 'user' %}
JINJA
	mv "$dev.tmp" "$dev"
	chown lavaserver:lavaserver "$dev"
	manage devices list 2>/dev/null | grep -qw "$1" ||
		manage devices add --device-type "$2" --worker "$3" "$1"
}
