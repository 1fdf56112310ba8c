# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# The helpers of a guest's job script (/grid/job.sh, busybox sh): stapgrid
# (grid/gjob.c) writes the job's variables (GRID_KERNEL, GRID_HOSTROOT, ...),
# then this file, then a `run NAME SCRIPT` line per test and, on a gcov
# kernel, `collect_gcov`.  Each test's exit status and times go to
# /grid/results.txt, its output to /grid/test-NAME.log; the markers on the
# console tell the host which test a splat belongs to (docs/grid.md).

# mark TEXT: a console line at KERN_CRIT, in order with the kernel's own.
mark() { echo "<2>stapgrid: $*" > /dev/kmsg; }
# now: seconds since boot.
now() { cut -d' ' -f1 /proc/uptime; }

# run NAME SCRIPT: the test SCRIPT of the share, in the share (or, in a
# hostroot guest, chrooted into the host's folders with the share at
# /tmp/grid), between its start and end markers.  The test sees its name
# as $GRID_TEST (one script may serve many tests: the examples suite).
run() {
	export GRID_TEST="$1"
	mark "test $1 start"
	t0=$(now)
	if [ "$GRID_HOSTROOT" = 1 ]; then
		# shellcheck disable=SC2016 # $0 is the inner shell's
		GRID=/tmp/grid PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			chroot /host /bin/sh -c 'cd /tmp/grid && exec sh "./$0"' "$2" \
			> "/grid/test-$1.log" 2>&1 < /dev/null
	else
		(cd /grid && GRID=/grid exec sh "./$2") > "/grid/test-$1.log" 2>&1 < /dev/null
	fi
	rc=$?
	echo "$1 $rc $t0 $(now)" >> /grid/results.txt
	mark "test $1 end rc=$rc"
}

# collect_gcov: on a gcov kernel (feature gcov: CONFIG_GCOV_KERNEL, stap's
# modules built with GCOV_PROFILE), after the tests, every profiled
# module's counts, as /sys/kernel/debug/gcov/ shows them under each
# object's build path, into gcov.tar in the share (the share brings back
# flat files only).  Unloaded modules' counts stay there (gcov_persist=1).
# Copied with cat first: debugfs gives the files a size of 0, which tar
# would believe.  Whatever goes wrong is written to gcov.err, which the
# host reports (grid/gcover.c).
collect_gcov() {
	g=/sys/kernel/debug/gcov c=/tmp/gcov-counts n=0
	if [ -d $g ]; then
		rm -rf $c && mkdir -p $c
		for f in $(cd $g && find . -name '*.gcda' -type f); do
			if mkdir -p "$c/${f%/*}" && cat "$g/$f" > "$c/$f"; then n=$((n + 1));
			else echo "cannot read $g/$f" >> /grid/gcov.err; fi
		done
		tar -cf /grid/gcov.tar -C $c . || echo 'cannot write gcov.tar into the share' >> /grid/gcov.err
		rm -rf $c
		mark "gcov: $n counts files collected"
	else
		echo "no $g in the guest (no debugfs, or a kernel without CONFIG_GCOV_KERNEL)" > /grid/gcov.err
		mark 'gcov: no counts collected'
	fi
}
