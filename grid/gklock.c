/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "grid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/*
 * One stapgrid at a time prepares a kernel: two fetching into the same
 * folder mixed their files (seen: one failed in depmod), and one could
 * remove a folder the other had just made.  CACHE/locks/ID.lock is
 * held exclusively while a kernel is checked and prepared (or its DWARF
 * fetched), so the second waits and then finds the kernel prepared
 * (outside kernels/: a failed prepare keeps nothing there).  A run, a
 * shell or an exec holds it shared for as long as it uses the kernel: a
 * `prepare --dbg` that brought DWARF in halfway through a run's module
 * builds made one module BTF-resolved and the next DWARF-resolved (seen:
 * many-probes counted the probes of one and armed the other), so a
 * prepare waits for the runs and a run for the prepare.  -1 (with the
 * reason said) or the lock's descriptor, released by close().
 */
static int lock_mode(const struct g_kernel *k, int mode)
{
	char *dir = g_path(G.cache, "locks"), *path = xasprintf("%s/%s.lock", dir, k->id);
	bool said = false;
	int fd = g_mkdirs(dir, 0755) < 0 ? -1 : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		g_err("cannot open %s: %s", path, strerror(errno));
	/* Polled rather than blocking, so Ctrl-C still stops a waiting run. */
	while (fd >= 0 && flock(fd, mode | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || g_interrupted) {
			if (!g_interrupted)
				g_err("cannot lock %s: %s", path, strerror(errno));
			close(fd);
			fd = -1;
			break;
		}
		if (!said)
			g_info("%s: waiting for another stapgrid that %s it", k->id,
			       mode == LOCK_EX ? "prepares or uses" : "prepares");
		said = true;
		sleep(1);
	}
	free(dir);
	free(path);
	return fd;
}

int g_kernel_lock(const struct g_kernel *k)
{
	return lock_mode(k, LOCK_EX);
}

/* The shared locks of the kernels this process uses, until it ends. */
static int held[64];
static int nheld;

int g_kernel_hold(const struct g_kernel *k)
{
	int fd;

	if (nheld == (int)(sizeof(held) / sizeof(held[0]))) {
		g_err("%s: more than %d kernels in one command", k->id, nheld);
		return -1;
	}
	fd = lock_mode(k, LOCK_SH);
	if (fd < 0)
		return -1;
	held[nheld++] = fd;
	return 0;
}

void g_kernel_release_all(void)
{
	while (nheld > 0)
		close(held[--nheld]);
}
