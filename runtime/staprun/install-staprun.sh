#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install staprun for users who are not root, as SystemTap does
# (docs/safety.md, "Installing staprun for users"):
#
#   install-staprun.sh STAPRUN DESTDIR PREFIX
#
# The groups stapusr, stapsys and stapdev (system groups, made when
# missing: only when DESTDIR is empty, on this system); PREFIX/bin/staprun
# owned by root:stapusr, mode 04110 (setuid root, runnable by the members
# of stapusr only); /etc/stap/staprun, the folder of trusted keys
# (root's, 0755, empty: an administrator adds the certificates it trusts).
set -eu
[ $# -eq 3 ] || { echo "usage: $0 STAPRUN DESTDIR PREFIX" >&2; exit 2; }
staprun=$1 dest=$2 prefix=$3
[ -x "$staprun" ] || { echo "$0: no program $staprun (make first)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "$0: a setuid root program is installed by root" >&2; exit 1; }
for g in stapusr stapsys stapdev; do
	if ! getent group "$g" > /dev/null; then
		if [ -n "$dest" ]; then
			echo "$0: there is no group $g here: make it (groupadd --system $g) where DESTDIR goes" >&2
			exit 1
		fi
		groupadd --system "$g"
		echo "install-staprun: made the group $g"
	fi
done
install -d -m 0755 "$dest$prefix/bin"
install -o root -g stapusr -m 04110 "$staprun" "$dest$prefix/bin/staprun"
install -d -o root -g root -m 0755 "$dest/etc/stap/staprun"
echo "install-staprun: $dest$prefix/bin/staprun (root:stapusr, 04110); trusted keys in $dest/etc/stap/staprun"
