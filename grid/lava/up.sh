#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A local LAVA instance for stapgrid's LAVA engine (docs/partners.md): installs
# Debian's lava-server, lava-dispatcher, lavacli and PostgreSQL when missing,
# then brings up, without systemd, PostgreSQL, gunicorn (UI and REST API on
# 127.0.0.1:8000), the publisher (127.0.0.1:8001), the scheduler and one worker
# with one qemu device under TCG (no_kvm).  Idempotent: what already runs is
# left running.  Every daemon it starts has a pid file in the state folder
# (STAPGRID_LAVA_STATE, default /var/lib/stapgrid/lava); grid/lava/down.sh
# stops those, by PID, and nothing else.  Prints the server's URL and leaves
# the admin's API token in STATE/admin.token (mode 600).
# Run as root (the worker runs QEMU and reads the file:// URLs of stapgrid's
# jobs).  Usage: up.sh [--no-install]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
state=${STAPGRID_LAVA_STATE:-/var/lib/stapgrid/lava}
url=http://127.0.0.1:8000
py=/usr/bin/python3   # PATH may put another python3 (pyenv) first
worker=stapgrid-worker
device=stapgrid-qemu01

say() { echo "lava-up: $*"; }
die() { echo "lava-up: error: $*" >&2; exit 1; }
. "$here/lava-lib.sh"

[ "$(id -u)" = 0 ] || die "run as root (the worker runs QEMU; the packages and daemons need it)"
if [ "${1:-}" != --no-install ]; then
	"$src/harness/deps.sh" "$src/configs/packages/lava.list" || die "cannot install LAVA's packages"
fi
mkdir -p "$state"
chmod 700 "$state"

# alive NAME: the daemon of STATE/NAME.pid still runs (a pid file left by a
# daemon that died, or by a machine that restarted, does not count).
alive() {
	[ -r "$state/$1.pid" ] || return 1
	pid=$(cat "$state/$1.pid")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# start NAME BIN ARGS...: a daemon in the background with its pid file,
# unless it runs already.
start() {
	name=$1
	shift
	if alive "$name"; then
		say "$name runs already (pid $(cat "$state/$name.pid"))"
		return 0
	fi
	bin=$1
	shift
	start-stop-daemon --start --background --make-pidfile --pidfile "$state/$name.pid" \
		--chdir / --startas "$bin" -- "$@"
	say "$name started (pid $(cat "$state/$name.pid"))"
}

# wait_for WHAT SECONDS CMD...: until CMD succeeds, or fail saying WHAT.
wait_for() {
	what=$1 n=$2
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || die "$what did not come up (see /var/log/lava-server/ and /var/log/lava-dispatcher/)"
		sleep 1
	done
}

# PostgreSQL: the Debian cluster, started here only when it is down (then
# down.sh stops it again, by the postmaster's pid).
pgver=$(pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1 }')
[ -n "$pgver" ] || die "no PostgreSQL cluster (pg_lsclusters shows none)"
if pg_lsclusters -h | awk '{ print $4 }' | grep -qx online; then
	say "PostgreSQL $pgver runs already"
else
	pg_ctlcluster "$pgver" main start || die "cannot start PostgreSQL $pgver"
	head -n1 "/var/run/postgresql/$pgver-main.pid" > "$state/postgresql.pid"
	say "PostgreSQL $pgver started (pid $(cat "$state/postgresql.pid"))"
fi

# The database: lava-server's postinst skips it when PostgreSQL was down
# at install time (no systemd: policy-rc.d keeps every service down).
if [ ! -s /etc/lava-server/settings.d/00-database.yaml ] ||
	! su postgres -c "psql -Atqc \"select 1 from pg_database where datname = 'lavaserver'\"" | grep -q 1; then
	say "creating lava-server's database (postinst.py)"
	"$py" /usr/share/lava-server/postinst.py > "$state/postinst.log" 2>&1 ||
		die "lava-server's postinst.py failed: $state/postinst.log"
fi
# Events on (the scheduler acts at once instead of every 20 s), bound to
# the loopback (the default binds every address).
ev=/etc/lava-server/settings.d/01-stapgrid-events.yaml
if [ ! -s "$ev" ]; then
	printf 'EVENT_NOTIFICATION: true\nEVENT_SOCKET: "tcp://127.0.0.1:5500"\n' > "$ev"
	chown lavaserver:lavaserver "$ev"
	chmod 640 "$ev"
fi
mkdir -p /var/log/lava-server /var/log/lava-dispatcher
chown lavaserver:lavaserver /var/log/lava-server

start gunicorn /usr/bin/gunicorn3 lava_server.wsgi --log-level INFO \
	--log-file /var/log/lava-server/gunicorn.log -u lavaserver -g lavaserver \
	--worker-class eventlet --workers 2 --bind 127.0.0.1:8000
start publisher /usr/bin/lava-server manage lava-publisher --level INFO \
	--log-file /var/log/lava-server/lava-publisher.log --host 127.0.0.1 --port 8001
start scheduler /usr/bin/lava-server manage lava-scheduler --level INFO \
	--log-file /var/log/lava-server/lava-scheduler.log --event-url tcp://127.0.0.1:5500

# The objects: an admin with an API token, a worker, the qemu device type
# and one device on that worker.
if ! manage users list 2>/dev/null | grep -qw admin; then
	manage users add --superuser --staff --passwd "$(openssl rand -hex 12)" admin >/dev/null
	rm -f "$state/admin.token"
fi
if [ ! -s "$state/admin.token" ]; then
	(umask 077 && manage tokens add --user admin --description stapgrid > "$state/admin.token")
fi
register_worker "$worker" "$state/worker.token"
manage device-types list 2>/dev/null | grep -qw qemu || manage device-types add qemu
add_device "$device" qemu "$worker" qemu 52:54:00:12:34:59 grid/lava/up.sh

wait_for "gunicorn on $url" 60 sh -c "wget -q -O /dev/null $url/api/v0.2/"
start worker /usr/bin/lava-worker --name "$worker" --url "$url/" --ws-url ws://127.0.0.1:8001/ws/ \
	--token-file "$state/worker.token" --ping-interval 2 --level INFO \
	--log-file /var/log/lava-dispatcher/lava-worker.log
# The worker's restart leaves the device's health Unknown; jobs need it Good.
manage devices update --health GOOD "$device" >/dev/null 2>&1 ||
	lavacli --uri "$url/RPC2" devices update --health GOOD "$device" >/dev/null 2>&1 || true
wait_for "worker $worker" 60 sh -c \
	"wget -q -O - --header 'Authorization: Token $(cat "$state/admin.token")' $url/api/v0.2/workers/$worker/ | grep -q '\"state\": *\"Online\"'"
say "ready: $url (token in $state/admin.token)"
