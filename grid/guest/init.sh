#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# stapgrid guest init: PID 1 of every grid guest (busybox sh in the
# initramfs).  It mounts the share the host prepared, runs /grid/job.sh and
# powers off.  Markers go to /dev/kmsg at KERN_CRIT so they land on the
# console in order with the kernel's own messages: the host attributes
# console splats to the test that was running.  Parameters come from the
# kernel command line (unknown key=value words become init's environment):
#   sgshare=9p|virtiofs|initrd  how the share is mounted; initrd: its files
#                         came in the initramfs (/grid) and the results go
#                         back over the console (grid/gpayload.c)
#   sghostroot=1          run the tests chrooted into a root of the guest's
#                         own with the host's system folders (tag hostroot,
#                         read-only) and the folders of /grid/mounts.txt
#   sgwatchdog=N          pet the i6300esb watchdog, N seconds to fire
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /dev/pts /sys/kernel/debug /sys/kernel/tracing
mount -t devpts devpts /dev/pts
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

mark() { echo "<2>stapgrid: $*" > /dev/kmsg; }
die() { mark "guest error: $*"; sync; poweroff -f; }

# The share's files (not the modules it brought) in base64 on the console,
# before "job finished" ends LAVA's monitor; gpayload.c reads them back.
send_results() {
	# The share's names are the suite's and job-lib.sh's: no blanks.
	(cd /grid && tar -cf - $(find . -type f ! -name '*.ko') | gzip -c) > /tmp/results.tgz ||
		mark "cannot pack the results"
	base64 /tmp/results.tgz | sed 's/^/sgr /' > /tmp/results.b64
	echo "stapgrid: results begin" > /dev/console
	cat /tmp/results.b64 > /dev/console
	echo "stapgrid: results end $(wc -l < /tmp/results.b64)" > /dev/console
}

mark "init started"
for m in $(cat /modules/order); do
	insmod "/$m" || mark "insmod $m failed"
done

case "$sgshare" in
virtiofs) mount -t virtiofs grid /grid ;;
initrd) [ -r /grid/job.sh ] ;;
*) mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none grid /grid ;;
esac || die "cannot mount the share"

if [ -n "$sgwatchdog" ] && [ -e /dev/watchdog ]; then
	# A kernel that stops scheduling stops petting: the host sees a watchdog
	# event instead of waiting for its own timeout.
	watchdog -t 2 -T "$sgwatchdog" /dev/watchdog
fi

if [ "$sghostroot" = 1 ]; then
	# The guest's own root (a tmpfs in /host) holds the host's system
	# folders (its tools: sh, runtest, gcc, bpftrace), read-only from the
	# hostroot share, and nothing else of the host's /: the folders the
	# tests need (the tree, the cache, exec's folder) are shares of their
	# own, mounted at their host paths (/grid/mounts.txt: "TAG<tab>PATH").
	case "$sgshare" in
	virtiofs) mount -t virtiofs -o ro hostroot /mnt ;;
	*) mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /mnt ;;
	esac || die "cannot mount the host root"
	mount -t tmpfs -o mode=0755 root /host || die "cannot mount the guest's root"
	for d in bin sbin lib lib32 lib64 libx32 usr etc var opt; do
		if [ -L "/mnt/$d" ]; then
			ln -s "$(readlink "/mnt/$d")" "/host/$d"
		elif [ -d "/mnt/$d" ]; then
			mkdir "/host/$d" && mount --bind "/mnt/$d" "/host/$d"
		fi
	done
	mkdir -p /host/proc /host/sys /host/dev /host/run /host/tmp/grid
	chmod 1777 /host/tmp
	for d in proc sys dev dev/pts sys/kernel/debug sys/kernel/tracing; do
		mount --bind "/$d" "/host/$d" 2>/dev/null
	done
	mount --bind /grid /host/tmp/grid
	tab=$(printf '\t')
	while IFS="$tab" read -r tag dir; do
		[ -n "$tag" ] || continue
		mkdir -p "/host$dir" && mount -t virtiofs -o ro "$tag" "/host$dir" ||
			die "cannot mount the host's folder $dir (share $tag)"
	done < /grid/mounts.txt
fi

mark "job started"
if [ -r /grid/job.sh ]; then
	sh /grid/job.sh > /grid/job.out 2>&1
	rc=$?
	[ "$sgshare" = initrd ] && send_results
	mark "job finished rc=$rc"
else
	die "no /grid/job.sh in the share"
fi
sync
umount /host/tmp/grid 2>/dev/null
[ "$sgshare" = initrd ] || umount /grid
poweroff -f
