/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel built from linux-source into the cache: the tarball from its
 * package, the base config plus the fragments (checked: Kconfig drops what
 * a dependency forbids), vmlinux, modules and bzImage; the build tree
 * stays as the kbuild tree for out-of-tree modules.
 */
#include "grid.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int make_in(const char *dir, const char *log, const char *a, const char *b, const char *c)
{
	char *jobs = xasprintf("-j%ld", sysconf(_SC_NPROCESSORS_ONLN));
	char *argv[] = {"make", "-s", jobs, (char *)a, (char *)b, (char *)c, NULL};
	int rc = g_run(argv, dir, NULL, log);

	free(jobs);
	if (rc != 0)
		g_err("make %s %s %s failed in %s (exit %d); log: %s", a, b ? b : "", c ? c : "",
		      dir, rc, log);
	return rc == 0 ? 0 : -1;
}

/* One line of a fragment against the final .config: 0, or -1 (said at
 * FILE:LINE) when Kconfig did not keep it. */
static int check_line(const char *cfg, const char *path, int lineno, char *l)
{
	char want[256], name[200];

	if (sscanf(l, "# %199[A-Za-z0-9_] is not set", name) == 1) {
		snprintf(want, sizeof(want), "\n%s=", name);
		if (!strstr(cfg, want))
			return 0;
		g_err("%s:%d: %s is still set in the final .config", path, lineno, name);
		return -1;
	}
	if (sscanf(l, "%199[A-Za-z0-9_]=", name) != 1)
		return 0;
	snprintf(want, sizeof(want), "\n%s\n", g_trim(l));
	if (strstr(cfg, want))
		return 0;
	g_err("%s:%d: '%s' did not survive olddefconfig (a dependency is missing)", path, lineno,
	      g_trim(l));
	return -1;
}

/* Kconfig drops what a dependency forbids without a word; a fragment line
 * that did not make it into .config is an error at FILE:LINE. */
static int check_fragments(const struct g_kernel *k, const char *build)
{
	char *cfgpath = g_path(build, ".config"), *cfg = read_file(cfgpath, NULL);
	int rc = 0;

	for (size_t f = 0; cfg && f < k->fragments.n; f++) {
		char *path = xasprintf("%s/configs/fragments/%s", G.src, k->fragments.v[f]);
		char *text = read_file(path, NULL), *next;
		int lineno = 0;

		for (char *l = text; l; l = next) {
			next = strchr(l, '\n');
			if (next)
				*next++ = 0;
			if (check_line(cfg, path, ++lineno, l) < 0)
				rc = -1;
		}
		free(text);
		free(path);
	}
	free(cfg);
	free(cfgpath);
	return rc;
}

/* linux-source-X plus fragments: unpack, base config, merge the fragments,
 * build vmlinux and modules, install modules into root/.  The build tree
 * stays: it is the kbuild tree for out-of-tree modules. */
int g_prepare_source(const struct g_kernel *k, const char *kdir, const char *log, json_t *j)
{
	char *debs = g_path(kdir, "debs"), *root = g_path(kdir, "root"), *src = g_path(kdir, "src");
	char *build = g_path(kdir, "build"), *tarball = NULL, *out = NULL, *release = NULL;
	char *ver = NULL, *ocfg = NULL, *mpath = NULL;
	strv pkgs = {0};
	int rc = -1;

	sv_push(&pkgs, k->package);
	if (g_mkdirs(debs, 0755) < 0 || g_mkdirs(root, 0755) < 0 || g_mkdirs(src, 0755) < 0 ||
	    g_mkdirs(build, 0755) < 0)
		goto out;
	g_info("%s: fetching %s", k->id, k->package);
	if (g_apt_fetch(&pkgs, debs, debs, log) < 0)
		goto out;
	{
		char *lsargv[] = {"sh", "-c", "ls -1 usr/src/linux-source-*.tar.xz", NULL};
		if (g_run(lsargv, debs, &out, NULL) != 0 || !out || !*out) {
			g_err("%s carries no linux-source tarball", k->package);
			goto out;
		}
		out[strcspn(out, "\n")] = 0;
		tarball = g_path(debs, out);
	}
	g_info("%s: unpacking %s", k->id, g_basename(tarball));
	{
		char *argv[] = {"tar", "-xJf", tarball, "-C", src, "--strip-components=1", NULL};
		if (g_run(argv, NULL, NULL, log) != 0) {
			g_err("cannot unpack %s (full disk?); log: %s", tarball, log);
			goto out;
		}
	}
	g_rmtree(debs);
	ocfg = xasprintf("O=%s", build);
	g_info("%s: configuring (%s + %s)", k->id, k->base, k->fragments.v[0]);
	if (make_in(src, log, ocfg, k->base, NULL) < 0)
		goto out;
	{
		strv argv = {0};
		char *cfg = g_path(build, ".config");

		sv_push(&argv, "scripts/kconfig/merge_config.sh");
		sv_push(&argv, "-m");
		sv_push(&argv, "-O");
		sv_push(&argv, build);
		sv_push(&argv, cfg);
		for (size_t i = 0; i < k->fragments.n; i++)
			sv_pushown(&argv, xasprintf("%s/configs/fragments/%s", G.src, k->fragments.v[i]));
		rc = g_run(argv.v, src, NULL, log);
		sv_free(&argv);
		free(cfg);
		if (rc != 0) {
			g_err("merge_config.sh failed; log: %s", log);
			rc = -1;
			goto out;
		}
		rc = -1;
	}
	if (make_in(src, log, ocfg, "olddefconfig", NULL) < 0 || check_fragments(k, build) < 0)
		goto out;
	g_info("%s: building (log: %s)", k->id, log);
	if (make_in(build, log, "vmlinux", "modules", "bzImage") < 0)
		goto out;
	mpath = xasprintf("INSTALL_MOD_PATH=%s", root);
	if (make_in(build, log, "modules_install", mpath, "INSTALL_MOD_STRIP=1") < 0)
		goto out;
	{
		char *argv[] = {"make", "-s", "kernelrelease", NULL};
		free(out);
		out = NULL;
		if (g_run(argv, build, &out, NULL) != 0 || !out || !*out) {
			g_err("cannot read the kernel release in %s", build);
			goto out;
		}
		release = xstrdup(g_trim(out));
	}
	/* vmlinux (with DWARF) for symbols; the guest boots the bzImage: the
	 * PVH entry of a KASAN vmlinux dies before the console comes up. */
	{
		char *from = g_path(build, "vmlinux"), *to = g_path(kdir, "vmlinux");
		char *bz = g_path(build, "arch/x86/boot/bzImage"), *bzto = g_path(kdir, "bzImage");
		int lrc = g_copyfile(from, to, 0644);

		if (lrc == 0)
			lrc = g_copyfile(bz, bzto, 0644);
		free(from);
		free(to);
		free(bz);
		free(bzto);
		if (lrc < 0)
			goto out;
	}
	json_object_set_new(j, "boot", json_string("bzImage"));
	ver = g_apt_version(k->package);
	json_object_set_new(j, "release", json_string(release));
	json_object_set_new(j, "package", json_string(k->package));
	json_object_set_new(j, "version", json_string(ver));
	json_object_set_new(j, "source", json_string("linux-source"));
	rc = 0;
out:
	free(debs);
	free(root);
	free(src);
	free(build);
	free(tarball);
	free(out);
	free(release);
	free(ver);
	free(ocfg);
	free(mpath);
	sv_free(&pkgs);
	return rc;
}
