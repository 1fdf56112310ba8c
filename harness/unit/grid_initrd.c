// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grid_initrd: the initramfs writer (grid/ginitrd.c) on the host, no
 * guest; grid-verdicts.exp builds and runs it.  Jobs that start together
 * on a kernel build its initramfs together: two writers of one path must
 * both succeed and leave one whole archive, readable by QEMU (which runs
 * as another user).  One "PASS: ..." or "FAIL: ..." line a case (utest.h).
 */
#include "grid.h"
#include "utest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *t_suite = "";
struct g_paths G;		/* gconf.c's, which this test does not link */

static char dir[] = "/tmp/grid_initrd.XXXXXX";

static char *archive(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* Two writers interleaved as two jobs' threads may be: both closes
 * succeed (the second failed with ENOENT when both wrote PATH.tmp). */
static void two_writers(void)
{
	char *path = archive("two.cpio");
	struct g_cpio *a = g_cpio_open(path), *b = g_cpio_open(path);
	struct stat st;

	EXPECT(a && b);
	if (!a || !b)
		return;
	EXPECT(g_cpio_file(a, "init", 0755, "#!/bin/sh\n", 10) == 0);
	EXPECT(g_cpio_file(b, "init", 0755, "#!/bin/sh\n", 10) == 0);
	EXPECT(g_cpio_close(a) == 0);
	EXPECT(g_cpio_close(b) == 0);
	EXPECT(stat(path, &st) == 0 && st.st_size > 0);
	EXPECT((st.st_mode & 0044) == 0044);
	free(path);
}

/* A writer leaves nothing behind but its archive. */
static void no_leftovers(void)
{
	char *cmd = xasprintf("test \"$(ls '%s' | grep -v '^two.cpio$' | wc -l)\" = 0", dir);

	EXPECT(system(cmd) == 0);
	free(cmd);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	run_test("initrd: two writers of one archive both succeed", two_writers);
	run_test("initrd: no temporary files left", no_leftovers);
	g_rmtree(dir);
	return t_status();
}
