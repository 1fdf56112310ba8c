#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The workloads of the tapset_* I/O tests, run as their -c command (so the
# probes are armed first):
#   tapset_io_load.sh ioblock      direct writes and a read on a RAM disk (brd)
#   tapset_io_load.sh ioscheduler  the same on null_blk behind mq-deadline
#   tapset_io_load.sh module       load and unload the dummy net driver
# The guest's /lib/modules holds only what it boots with: modules come from
# the grid cache's tree of the running kernel (modprobe -d).
set -eu
root=
for d in /var/cache/stapgrid/kernels/*/root; do
	[ -d "$d/lib/modules/$(uname -r)" ] && { root=$d; break; }
done
[ -n "$root" ] || { echo "no module tree for $(uname -r)" >&2; exit 1; }

case ${1:-} in
ioblock)
	modprobe -d "$root" brd rd_nr=1 rd_size=1024
	dd if=/dev/zero of=/dev/ram0 bs=4096 count=2 seek=64 oflag=direct status=none
	dd if=/dev/ram0 of=/dev/null bs=4096 count=1 skip=64 iflag=direct status=none
	;;
ioscheduler)
	modprobe -d "$root" null_blk nr_devices=1 queue_mode=2 irqmode=0
	echo mq-deadline > /sys/block/nullb0/queue/scheduler
	dd if=/dev/zero of=/dev/nullb0 bs=4096 count=2 seek=64 oflag=direct status=none
	dd if=/dev/nullb0 of=/dev/null bs=4096 count=1 skip=64 iflag=direct status=none
	;;
module)
	modprobe -d "$root" dummy numdummies=0
	rmmod dummy
	;;
*)
	echo "usage: tapset_io_load.sh ioblock|ioscheduler|module" >&2
	exit 2
	;;
esac
