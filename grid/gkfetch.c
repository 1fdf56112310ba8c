/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Debian kernel into the cache: the image package behind a meta package,
 * its headers, -common tree and linux-kbuild, fetched with apt-get download
 * and unpacked with dpkg-deb into KDIR/root; vmlinux out of the vmlinuz;
 * the kbuild tree aimed at our copy; depmod.
 */
#include "grid.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int apt_depends_once(const char *pkg, strv *deps, bool quiet);

/* A fresh machine may have empty or stale package lists: one apt-get
 * update, then one more try. */
static int apt_depends(const char *pkg, strv *deps)
{
	static bool updated;
	char *argv[] = {"apt-get", "update", "-qq", NULL};

	if (apt_depends_once(pkg, deps, true) == 0)
		return 0;
	if (!updated) {
		updated = true;
		g_info("package %s not known to apt: updating the package lists", pkg);
		g_run(argv, NULL, NULL, "/dev/null");
	}
	return apt_depends_once(pkg, deps, false);
}

static int apt_depends_once(const char *pkg, strv *deps, bool quiet)
{
	char *argv[] = {"apt-cache", "depends", "--no-recommends", "--no-suggests",
			"--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
			(char *)pkg, NULL};
	char *out = NULL;
	int rc = g_run(argv, NULL, &out, NULL);

	if (rc != 0 || !out || !strstr(out, "Depends") ) {
		/* apt-cache prints the package name alone when it knows it and it has
		 * no dependencies; nothing or an error when it does not know it. */
		if (rc != 0 || !out || strncmp(out, pkg, strlen(pkg))) {
			if (!quiet)
				g_err("package %s is not known to apt%s%s", pkg, out && *out ? ": " : "",
				      out ? g_trim(out) : "");
			free(out);
			return -1;
		}
	}
	for (char *l = out; l && *l;) {
		char *nl = strchr(l, '\n'), *d;

		if (nl)
			*nl = 0;
		d = strstr(l, "Depends: ");
		if (d) {
			d = g_trim(d + 9);
			if (*d != '<')
				sv_push(deps, d);
		}
		l = nl ? nl + 1 : NULL;
	}
	free(out);
	return 0;
}

/* Follow meta packages (linux-image-amd64 -> linux-image-6.1.0-56-amd64)
 * until a package that carries /boot/vmlinuz itself. */
static char *resolve_image(const char *pkg)
{
	char *cur = xstrdup(pkg);

	for (int depth = 0; depth < 4; depth++) {
		strv deps = {0};
		char *next = NULL;

		if (apt_depends(cur, &deps) < 0) {
			free(cur);
			return NULL;
		}
		for (size_t i = 0; i < deps.n; i++)
			if (!strncmp(deps.v[i], "linux-image-", 12) && !strstr(deps.v[i], "-dbg")) {
				free(next);
				next = xstrdup(deps.v[i]);
			}
		sv_free(&deps);
		if (!next)
			return cur;
		free(cur);
		cur = next;
	}
	return cur;
}

char *g_apt_version(const char *pkg)
{
	char *argv[] = {"apt-cache", "show", "--no-all-versions", (char *)pkg, NULL};
	char *out = NULL, *v = NULL, *p;

	if (g_run(argv, NULL, &out, NULL) == 0 && (p = strstr(out, "\nVersion: "))) {
		p += 10;
		v = xstrdup(p);
		v[strcspn(v, "\n")] = 0;
	}
	free(out);
	return v ? v : xstrdup("unknown");
}

int g_apt_fetch(strv *pkgs, const char *dir, const char *root, const char *log)
{
	strv argv = {0};
	int rc;

	sv_push(&argv, "apt-get");
	sv_push(&argv, "download");
	sv_push(&argv, "-q");
	/* apt drops to _apt for downloads, which cannot write our cache. */
	sv_push(&argv, "-o");
	sv_push(&argv, "APT::Sandbox::User=root");
	for (size_t i = 0; i < pkgs->n; i++)
		sv_push(&argv, pkgs->v[i]);
	rc = g_run(argv.v, dir, NULL, log);
	sv_free(&argv);
	if (rc != 0) {
		char *tail = read_file(log, NULL);
		char *last = tail ? strstr(tail, "E: ") : NULL;

		g_err("download failed (apt-get download exit %d)%s%s", rc, last ? ": " : "",
		      last ? g_trim(last) : "");
		free(tail);
		return -1;
	}
	for (size_t i = 0; i < pkgs->n; i++) {
		char *glob = NULL, *cmd;
		strv dargv = {0};
		/* apt-get names files PKG_VERSION_ARCH.deb; find ours by prefix. */
		char *out = NULL;
		char *lsargv[] = {"sh", "-c", "ls -1 -- \"$0\"_*.deb", pkgs->v[i], NULL};

		if (g_run(lsargv, dir, &out, NULL) != 0 || !out || !*out) {
			g_err("download of %s produced no .deb", pkgs->v[i]);
			free(out);
			return -1;
		}
		out[strcspn(out, "\n")] = 0;
		glob = g_path(dir, out);
		cmd = xstrdup(glob);
		sv_push(&dargv, "dpkg-deb");
		sv_push(&dargv, "-x");
		sv_push(&dargv, cmd);
		sv_push(&dargv, root);
		rc = g_run(dargv.v, NULL, NULL, log);
		sv_free(&dargv);
		if (rc != 0)
			g_err("cannot unpack %s (dpkg-deb exit %d; full disk?)", glob, rc);
		unlink(glob);
		free(glob);
		free(cmd);
		free(out);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* The headers' Makefile includes the common tree by absolute path and
 * lib/modules/R/build points into /usr/src: aim both at our copy, by
 * relative paths, so that a cache directory can move (make -C runs in
 * the headers' directory, where "../" is our usr/src). */
static int fix_kbuild(const char *kdir, const char *release)
{
	char *hdr = xasprintf("%s/root/usr/src/linux-headers-%s", kdir, release);
	char *mk = g_path(hdr, "Makefile"), *text = read_file(mk, NULL);
	char *link = xasprintf("%s/root/lib/modules/%s/build", kdir, release);
	char *top = g_path(kdir, "build");
	char *rel_top = xasprintf("root/usr/src/linux-headers-%s", release);
	char *rel_link = xasprintf("../../../usr/src/linux-headers-%s", release);
	int rc = -1;

	if (!text) {
		g_err("no kbuild tree in %s", hdr);
		goto out;
	}
	{
		sbuf b = {0};
		const char *inc = "include /usr/src/";
		char *p = strstr(text, inc);

		if (p) {
			sb_addn(&b, text, (size_t)(p - text));
			sb_add(&b, "include ../");
			sb_add(&b, p + strlen(inc));
		} else {
			sb_add(&b, text);
		}
		rc = g_writefile(mk, b.s, b.len, 0644);
		sb_free(&b);
	}
	unlink(link);
	unlink(top);
	if (rc == 0 && (symlink(rel_link, link) < 0 ||
			symlink(rel_top, top) < 0)) {
		g_err("cannot link %s: %s", top, strerror(errno));
		rc = -1;
	}
out:
	free(hdr);
	free(mk);
	free(text);
	free(link);
	free(top);
	free(rel_top);
	free(rel_link);
	return rc;
}

int g_prepare_debian(const struct g_kernel *k, const char *kdir, const char *log, json_t *j)
{
	char *image = NULL, *release = NULL, *root = g_path(kdir, "root");
	char *debs = g_path(kdir, "debs"), *vmlinuz = NULL, *vmlinux = g_path(kdir, "vmlinux");
	strv pkgs = {0}, hdeps = {0};
	int rc = -1;

	image = resolve_image(k->package);
	if (!image)
		goto out;
	release = xstrdup(image + strlen("linux-image-"));
	if (strlen(release) > 9 && !strcmp(release + strlen(release) - 9, "-unsigned"))
		release[strlen(release) - 9] = 0;
	sv_push(&pkgs, image);
	/* Headers: linux-headers-R plus its -common tree and linux-kbuild. */
	{
		char *hdr = xasprintf("linux-headers-%s", release);

		if (apt_depends(hdr, &hdeps) < 0) {
			free(hdr);
			goto out;
		}
		sv_pushown(&pkgs, hdr);
		for (size_t i = 0; i < hdeps.n; i++)
			if ((!strncmp(hdeps.v[i], "linux-headers-", 14) ||
			     !strncmp(hdeps.v[i], "linux-kbuild-", 13)) &&
			    !sv_has(&pkgs, hdeps.v[i]))
				sv_push(&pkgs, hdeps.v[i]);
	}
	if (g_mkdirs(debs, 0755) < 0 || g_mkdirs(root, 0755) < 0)
		goto out;
	g_info("%s: fetching %s", k->id, image);
	if (g_apt_fetch(&pkgs, debs, root, log) < 0)
		goto out;
	rmdir(debs);
	vmlinuz = xasprintf("%s/boot/vmlinuz-%s", root, release);
	if (g_extract_vmlinux(vmlinuz, vmlinux) < 0)
		goto out;
	if (fix_kbuild(kdir, release) < 0)
		goto out;
	{
		char *argv[] = {"depmod", "-b", root, release, NULL};
		if (g_run(argv, NULL, NULL, log) != 0) {
			g_err("depmod failed for %s; log: %s", release, log);
			goto out;
		}
	}
	json_object_set_new(j, "release", json_string(release));
	json_object_set_new(j, "package", json_string(image));
	{
		char *v = g_apt_version(image);
		json_object_set_new(j, "version", json_string(v));
		free(v);
	}
	json_object_set_new(j, "source", json_string("debian"));
	rc = 0;
out:
	free(image);
	free(release);
	free(root);
	free(debs);
	free(vmlinuz);
	free(vmlinux);
	sv_free(&pkgs);
	sv_free(&hdeps);
	return rc;
}
