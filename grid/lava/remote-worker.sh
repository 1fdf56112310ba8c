#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A second LAVA worker that does not see stapgrid's folders, as a worker on
# another machine would not: check-lava's proof of transfer=http (docs/
# partners.md "Workers on other machines").  It joins the instance of
# grid/lava/up.sh (which must run) as the worker stapgrid-remote with one
# device, stapgrid-remote01, of its own device type qemu-remote (so only the
# jobs that ask for it land there, and up.sh's worker keeps the others), and
# runs in a mount namespace of its own (unshare -m) where each FOLDER given
# is an empty tmpfs: stapgrid's cache, its tree and its results.  A file://
# URL or a 9p share of those folders does not exist for it; only what
# stapgrid serves by http:// does.
#   remote-worker.sh up FOLDER...   start it (idempotent); Online when it returns
#   remote-worker.sh down           stop it, by the PID of its pid file
# State, pid file and worker folder in STAPGRID_LAVA_STATE (default
# /var/lib/stapgrid/lava).  Run as root.
set -eu
state=${STAPGRID_LAVA_STATE:-/var/lib/stapgrid/lava}
url=http://127.0.0.1:8000
worker=stapgrid-remote
device=stapgrid-remote01
dtype=qemu-remote

say() { echo "lava-remote: $*"; }
die() { echo "lava-remote: error: $*" >&2; exit 1; }
. "$(cd "$(dirname "$0")" && pwd)/lava-lib.sh"

[ "$(id -u)" = 0 ] || die "run as root (the worker runs QEMU)"
[ $# -ge 1 ] || die "usage: remote-worker.sh up FOLDER... | down"
pidf=$state/remote-worker.pid
errlog=/var/log/lava-dispatcher/lava-remote-worker.err

alive() {
	[ -r "$pidf" ] && pid=$(cat "$pidf") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

if [ "$1" = down ]; then
	if alive && stop_pid "$pid"; then
		say "worker $worker stopped (pid $pid)"
	fi
	rm -f "$pidf"
	exit 0
fi
[ "$1" = up ] || die "usage: remote-worker.sh up FOLDER... | down"
shift
[ $# -ge 1 ] || die "name the folders the worker must not see (stapgrid's cache, tree, results)"
for d in "$@"; do
	[ -d "$d" ] || die "no folder $d"
	case $d in *"'"*) die "a folder with a quote in its name: $d" ;; esac
done
[ -s "$state/admin.token" ] || die "no LAVA instance: run grid/lava/up.sh first"

# The device type: qemu's template under another name.
tpl=/etc/lava-server/dispatcher-config/device-types/$dtype.jinja2
if [ ! -s "$tpl" ]; then
	mkdir -p "$(dirname "$tpl")"
	printf "{# stapgrid's remote qemu (grid/lava/remote-worker.sh) #}\n{%% extends 'qemu.jinja2' %%}\n" > "$tpl"
	chown lavaserver:lavaserver "$tpl"
fi
manage device-types list 2>/dev/null | grep -qw "$dtype" || manage device-types add "$dtype"
register_worker "$worker" "$state/remote-worker.token"
add_device "$device" "$dtype" "$worker" "$dtype" 52:54:00:12:34:5a grid/lava/remote-worker.sh

if alive; then
	say "worker $worker runs already (pid $pid)"
else
	mkdir -p "$state/remote-worker"
	# In its own mount namespace, each folder an empty tmpfs; then exec,
	# so the pid file names the worker itself.  A folder inside one hidden
	# before is made again in that tmpfs, then hidden too.
	hide=
	for d in "$@"; do
		hide="$hide mkdir -p '$d' && mount -t tmpfs -o size=1m,mode=0755 stapgrid-hidden '$d' &&"
	done
	start-stop-daemon --start --background --make-pidfile --pidfile "$pidf" --chdir / \
		--startas /usr/bin/unshare -- -m --propagation private sh -c "exec 2>>$errlog; $hide exec /usr/bin/lava-worker \
		--name $worker --url $url/ --ws-url ws://127.0.0.1:8001/ws/ \
		--token-file '$state/remote-worker.token' --worker-dir '$state/remote-worker' \
		--ping-interval 2 --level INFO --log-file /var/log/lava-dispatcher/lava-remote-worker.log"
	say "worker $worker started (pid $(cat "$pidf"))"
fi
manage devices update --health GOOD "$device" >/dev/null 2>&1 || true
# Online may be the server's memory of a worker stopped a moment ago: the
# process must live too, past a ping interval (a failed mount ends it).
n=60
while ! alive || ! wget -q -O - --header "Authorization: Token $(cat "$state/admin.token")" \
	"$url/api/v0.2/workers/$worker/" | grep -q '"state": *"Online"'; do
	n=$((n - 1))
	[ "$n" -gt 0 ] && alive || die "worker $worker did not come up ($errlog, /var/log/lava-dispatcher/lava-remote-worker.log)"
	sleep 1
done
sleep 3
alive || die "worker $worker died ($errlog)"
say "ready: worker $worker, device $device (device_type=$dtype)"
