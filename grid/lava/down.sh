#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Stops what grid/lava/up.sh started, by the PIDs in its state folder
# (STAPGRID_LAVA_STATE, default /var/lib/stapgrid/lava): the worker first
# (it cancels its QEMU), then the scheduler, publisher and gunicorn, and
# PostgreSQL only when up.sh started it.  Nothing else is touched; the
# packages, the database and the tokens stay for the next up.sh.
set -eu
state=${STAPGRID_LAVA_STATE:-/var/lib/stapgrid/lava}
. "$(cd "$(dirname "$0")" && pwd)/lava-lib.sh"

# stop NAME: SIGTERM to the pid of STATE/NAME.pid, up to 20 s, then SIGKILL.
stop() {
	f=$state/$1.pid
	[ -r "$f" ] || return 0
	pid=$(cat "$f")
	if [ -n "$pid" ] && stop_pid "$pid"; then
		echo "lava-down: $1 stopped (pid $pid)"
	fi
	rm -f "$f"
}

for d in worker scheduler publisher gunicorn; do
	stop "$d"
done
if [ -r "$state/postgresql.pid" ]; then
	# pg_ctl's own stop (fast) on the cluster up.sh started, checked by pid.
	pid=$(cat "$state/postgresql.pid")
	ver=$(pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1 }')
	if [ -n "$ver" ] && [ "$(head -n1 "/var/run/postgresql/$ver-main.pid" 2>/dev/null)" = "$pid" ]; then
		pg_ctlcluster "$ver" main stop -m fast && echo "lava-down: PostgreSQL stopped (pid $pid)"
	fi
	rm -f "$state/postgresql.pid"
fi
