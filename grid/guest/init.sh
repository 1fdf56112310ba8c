#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# stapgrid guest init: PID 1 of every grid guest (busybox sh in the
# initramfs).  It mounts the share the host prepared, runs /grid/job.sh and
# powers off.  Markers go to /dev/kmsg at KERN_CRIT so they land on the
# console in order with the kernel's own messages: the host attributes
# console splats to the test that was running.  Parameters come from the
# kernel command line (unknown key=value words become init's environment):
#   sgshare=9p|virtiofs   how the share is mounted
#   sghostroot=1          also mount the host's / (tag hostroot) read-only
#                         and run the tests chrooted into it
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

mark "init started"
for m in $(cat /modules/order); do
	insmod "/$m" || mark "insmod $m failed"
done

case "$sgshare" in
virtiofs) mount -t virtiofs grid /grid ;;
*) mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none grid /grid ;;
esac || die "cannot mount the share"

if [ -n "$sgwatchdog" ] && [ -e /dev/watchdog ]; then
	# A kernel that stops scheduling stops petting: the host sees a watchdog
	# event instead of waiting for its own timeout.
	watchdog -t 2 -T "$sgwatchdog" /dev/watchdog
fi

if [ "$sghostroot" = 1 ]; then
	case "$sgshare" in
	virtiofs) mount -t virtiofs -o ro hostroot /host ;;
	*) mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /host ;;
	esac || die "cannot mount the host root"
	for d in proc sys dev dev/pts sys/kernel/debug sys/kernel/tracing; do
		mount --bind "/$d" "/host/$d" 2>/dev/null
	done
	mount -t tmpfs tmp /host/tmp
	mount -t tmpfs run /host/run
	mkdir -p /host/tmp/grid /host/tmp/modules
	mount --bind /grid /host/tmp/grid
fi

mark "job started"
if [ -r /grid/job.sh ]; then
	sh /grid/job.sh > /grid/job.out 2>&1
	mark "job finished rc=$?"
else
	die "no /grid/job.sh in the share"
fi
sync
umount /host/tmp/grid 2>/dev/null
umount /grid
poweroff -f
