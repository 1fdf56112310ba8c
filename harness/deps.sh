#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages named in the given list files (one per line,
# '#' comments allowed).  Idempotent and silent when everything is present.
set -eu
missing=
for list in "$@"; do
	[ -r "$list" ] || { echo "deps: cannot read $list" >&2; exit 1; }
	for pkg in $(sed 's/#.*//' "$list"); do
		status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
		case "$status" in
		*" installed") ;;
		*) missing="$missing $pkg" ;;
		esac
	done
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Bounded, so an unreachable mirror fails the step instead of hanging it.
timeout 600 apt-get update -qq >/dev/null ||
	{ echo "deps: apt-get update failed (or took over 10 minutes)" >&2; exit 1; }
# shellcheck disable=SC2086
timeout 1200 apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed (or took over 20 minutes) for:$missing" >&2; exit 1; }
