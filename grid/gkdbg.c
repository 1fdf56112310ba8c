/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prepare --dbg: the DWARF of a prepared kernel, for stap's pass 2. */
#include "grid.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where stap looks for a grid kernel's DWARF (stap/dwarf.c): the -dbg
 * package's vmlinux under root/, or a source build's build/vmlinux. */
char *g_kernel_dbg_vmlinux(const char *kdir, const char *release, bool source)
{
	return source ? xasprintf("%s/build/vmlinux", kdir) :
			xasprintf("%s/root/usr/lib/debug/boot/vmlinux-%s", kdir, release);
}

/* The vmlinux and the modules' debug files of linux-image-REL-dbg
 * (6.1: 858 MB packed, 5.6 GB unpacked, ~100 s here).  Fetched and
 * unpacked in a folder of this process, then renamed into place, modules
 * first, so two jobs preparing the same kernel do not mix their files and
 * the vmlinux's presence means all is there. */
static int fetch_dbg(const char *kdir, const char *release, const char *dest, const char *log)
{
	char *pkg = xasprintf("linux-image-%s-dbg", release);
	char *dl = xasprintf("%s/dbg-download.%ld", kdir, (long)getpid());
	char *got = xasprintf("%s/usr/lib/debug/boot/vmlinux-%s", dl, release);
	char *mods = xasprintf("%s/usr/lib/debug/lib/modules/%s", dl, release);
	char *mods_dest = xasprintf("%s/root/usr/lib/debug/lib/modules/%s", kdir, release);
	char *parent = xstrdup(dest), *mods_parent = xstrdup(mods_dest);
	char *fetch[] = {"apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg, NULL};
	char *unpack[] = {"sh", "-c",
			  /* apt-get names it PKG_VER_ARCH.deb, '+' as %2b: the only .deb */
			  "deb=$(ls -1 -- *.deb) && "
			  "dpkg-deb --fsys-tarfile \"$deb\" | tar -x -C . "
			  "\"./usr/lib/debug/boot/vmlinux-$0\" \"./usr/lib/debug/lib/modules/$0\"",
			  (char *)release, NULL};
	int rc = -1;

	*strrchr(parent, '/') = 0;
	*strrchr(mods_parent, '/') = 0;
	g_rmtree(dl);
	if (g_mkdirs(dl, 0755) < 0 || g_mkdirs(parent, 0755) < 0 || g_mkdirs(mods_parent, 0755) < 0)
		goto out;
	if (g_run(fetch, dl, NULL, log) != 0) {
		g_err("cannot download %s (see %s)", pkg, log);
		goto out;
	}
	g_rmtree(mods_dest);
	if (g_run(unpack, dl, NULL, log) != 0 || rename(mods, mods_dest) < 0 ||
	    rename(got, dest) < 0) {
		g_err("cannot unpack the debug files of %s (see %s; full disk?)", pkg, log);
		goto out;
	}
	rc = 0;
out:
	g_rmtree(dl);
	free(pkg);
	free(dl);
	free(got);
	free(mods);
	free(mods_dest);
	free(parent);
	free(mods_parent);
	return rc;
}

int g_kernel_debuginfo(const struct g_kernel *k)
{
	struct g_kinfo info;
	char *kdir = g_kernel_dir(k), *path = NULL, *log = NULL;
	bool source = strcmp(k->source, "debian") != 0;
	double t0 = g_now();
	int rc = -1, lock;

	if (g_kernel_ready(k, true)) {
		free(kdir);
		return 0;
	}
	lock = g_kernel_lock(k);
	if (lock < 0) {
		free(kdir);
		return -1;
	}
	if (g_kernel_info(k, &info) != 1) {
		g_err("%s: not prepared", k->id);
		goto out;
	}
	path = g_kernel_dbg_vmlinux(kdir, info.release, source);
	log = g_path(kdir, "dbg.log");
	if (g_exists(path)) {
		g_info("%s: debuginfo %s", k->id, path);
		rc = 0;
	} else if (source) {
		g_err("%s: no %s: the source build keeps its vmlinux there", k->id, path);
	} else if (fetch_dbg(kdir, info.release, path, log) == 0) {
		g_info("%s: debuginfo %s (and its modules') in %.1f s", k->id, path,
		       g_now() - t0);
		rc = 0;
	}
out:
	close(lock);
	g_kinfo_free(&info);
	free(kdir);
	free(path);
	free(log);
	return rc;
}
