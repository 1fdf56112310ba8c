/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's initramfs, written directly as an uncompressed newc cpio: no
 * decompression at boot (that costs seconds under TCG), no temporary tree.
 * Contents: static busybox, /init (grid/guest/init.sh), and the modules the
 * guest needs for its share, pvpanic and the watchdog, flattened into
 * /modules in load order (dependencies first) with the list in
 * /modules/order.
 */
#include "grid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct g_cpio {
	FILE *f;
	char *path;	/* the writer's own temporary file */
	char *final;
	unsigned ino;
	int err;
};

/* Each writer has a temporary file of its own, renamed over the archive
 * at the end: jobs that start together on a kernel build its initramfs
 * together (a shared PATH.tmp was renamed away under the second writer).
 * Readable by all: QEMU opens it as another user. */
struct g_cpio *g_cpio_open(const char *path)
{
	struct g_cpio *c = xcalloc(1, sizeof(*c));
	int fd;

	c->path = xasprintf("%s.XXXXXX", path);
	fd = mkostemp(c->path, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0644) < 0 || !(c->f = fdopen(fd, "w"))) {
		g_err("cannot write %s: %s", c->path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(c->path);
		}
		free(c->path);
		free(c);
		return NULL;
	}
	c->final = xstrdup(path);
	c->ino = 1000;
	return c;
}

/* One newc header (rdev = maj:min), the name and the data, each padded to 4. */
static int entry(struct g_cpio *c, const char *name, unsigned mode, const void *data,
		 size_t len, unsigned maj, unsigned min)
{
	size_t nlen = strlen(name) + 1;
	static const char zeros[4];

	if (c->err)
		return -1;
	fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", c->ino++,
		mode, 0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, maj, min, (unsigned)nlen, 0u);
	fwrite(name, 1, nlen, c->f);
	fwrite(zeros, 1, (4 - (110 + nlen) % 4) % 4, c->f);
	if (len) {
		fwrite(data, 1, len, c->f);
		fwrite(zeros, 1, (4 - len % 4) % 4, c->f);
	}
	if (ferror(c->f))
		c->err = errno ? errno : EIO;
	return c->err ? -1 : 0;
}

int g_cpio_dir(struct g_cpio *c, const char *name, unsigned mode)
{
	return entry(c, name, S_IFDIR | mode, NULL, 0, 0, 0);
}

int g_cpio_file(struct g_cpio *c, const char *name, unsigned mode, const void *data, size_t len)
{
	return entry(c, name, S_IFREG | mode, data, len, 0, 0);
}

int g_cpio_symlink(struct g_cpio *c, const char *name, const char *target)
{
	return entry(c, name, S_IFLNK | 0777, target, strlen(target), 0, 0);
}

int g_cpio_chardev(struct g_cpio *c, const char *name, unsigned mode, unsigned maj, unsigned min)
{
	return entry(c, name, S_IFCHR | mode, NULL, 0, maj, min);
}

int g_cpio_close(struct g_cpio *c)
{
	char *final;
	int rc;

	entry(c, "TRAILER!!!", 0, NULL, 0, 0, 0);
	rc = c->err ? -1 : 0;
	if (fflush(c->f) != 0 || fsync(fileno(c->f)) != 0)
		rc = -1, c->err = c->err ? c->err : errno;
	if (fclose(c->f) != 0)
		rc = -1, c->err = c->err ? c->err : errno;
	final = c->final;
	if (rc == 0 && rename(c->path, final) < 0)
		rc = -1, c->err = errno;
	if (rc < 0) {
		g_err("cannot write %s: %s", final, strerror(c->err ? c->err : EIO));
		unlink(c->path);
	}
	free(final);
	free(c->path);
	free(c);
	return rc;
}

/* ---- modules ------------------------------------------------------------------ */

struct moddep {
	strv names; /* kernel/fs/9p/9p.ko */
	strv deps;  /* space separated */
	strv builtin;
};

static int load_moddep(const char *modroot, struct moddep *md)
{
	char *dep = g_path(modroot, "modules.dep"), *bi = g_path(modroot, "modules.builtin");
	char *text = read_file(dep, NULL), *btext = read_file(bi, NULL);
	int rc = 0;

	if (!text) {
		g_err("cannot read %s: %s", dep, strerror(errno));
		rc = -1;
	}
	for (char *l = text; l && *l;) {
		char *nl = strchr(l, '\n'), *colon;

		if (nl)
			*nl = 0;
		colon = strchr(l, ':');
		if (colon) {
			*colon = 0;
			sv_push(&md->names, l);
			sv_push(&md->deps, g_trim(colon + 1));
		}
		l = nl ? nl + 1 : NULL;
	}
	sv_split(&md->builtin, btext, "\n");
	free(dep);
	free(bi);
	free(text);
	free(btext);
	return rc;
}

/* "9p" matches kernel/fs/9p/9p.ko(.xz); '-' and '_' are the same to modprobe. */
static bool modname_is(const char *path, const char *name)
{
	const char *b = g_basename(path);
	size_t n = strlen(name);

	for (size_t i = 0; i < n; i++) {
		char x = b[i] == '-' ? '_' : b[i], y = name[i] == '-' ? '_' : name[i];
		if (!b[i] || x != y)
			return false;
	}
	return !strncmp(b + n, ".ko", 3);
}

static int find_mod(const strv *list, const char *name)
{
	for (size_t i = 0; i < list->n; i++)
		if (modname_is(list->v[i], name))
			return (int)i;
	return -1;
}

static void add_with_deps(const struct moddep *md, int i, strv *order, int depth)
{
	strv deps = {0};

	if (depth > 32 || sv_has(order, md->names.v[i]))
		return;
	sv_split(&deps, md->deps.v[i], " ");
	for (size_t d = 0; d < deps.n; d++)
		for (size_t j = 0; j < md->names.n; j++)
			if (!strcmp(md->names.v[j], deps.v[d]))
				add_with_deps(md, (int)j, order, depth + 1);
	sv_free(&deps);
	sv_push(order, md->names.v[i]);
}

int g_initrd_build(const char *path, const char *release, const char *modroot, const char *share)
{
	/* Required for the share; the others are used when the kernel has them. */
	const char *need9p[] = {"virtio_pci", "9pnet_virtio", "9p", NULL};
	const char *needfs[] = {"virtio_pci", "virtiofs", NULL};
	/* virtiofs also for a 9p kernel: the host folders a hostroot guest
	 * gets (the tree, the cache) are virtiofs shares (gxml.c). */
	const char *optional[] = {"pvpanic_mmio", "i6300esb", "virtiofs", NULL};
	const char **need = !strcmp(share, "virtiofs") ? needfs : need9p;
	const char *dirs[] = {"bin", "dev", "proc", "sys", "tmp", "run", "grid", "host", "modules",
			      "etc", "mnt", NULL};
	struct moddep md = {0};
	strv order = {0};
	sbuf list = {0};
	struct g_cpio *c = NULL;
	char *init = g_path(G.src, "grid/guest/init.sh"), *initdata = NULL, *bb = NULL;
	size_t initlen = 0, bblen = 0;
	int rc = -1;

	if (load_moddep(modroot, &md) < 0)
		goto out;
	for (int pass = 0; pass < 2; pass++)
		for (const char **n = pass ? optional : need; *n; n++) {
			int i = find_mod(&md.names, *n);

			if (i >= 0)
				add_with_deps(&md, i, &order, 0);
			else if (!pass && find_mod(&md.builtin, *n) < 0) {
				g_err("kernel %s has no module %s, built-in or not (needed for the %s share)",
				      release, *n, share);
				goto out;
			}
		}
	initdata = read_file(init, &initlen);
	bb = read_file("/bin/busybox", &bblen);
	if (!initdata || !bb) {
		g_err("cannot read %s: %s", !initdata ? init : "/bin/busybox (busybox-static)",
		      strerror(errno));
		goto out;
	}
	c = g_cpio_open(path);
	if (!c)
		goto out;
	for (const char **d = dirs; *d; d++)
		g_cpio_dir(c, *d, 0755);
	/* The kernel opens /dev/console before /init runs; without the node the
	 * early output of init is lost. */
	g_cpio_chardev(c, "dev/console", 0600, 5, 1);
	g_cpio_file(c, "bin/busybox", 0755, bb, bblen);
	g_cpio_symlink(c, "bin/sh", "busybox");
	g_cpio_file(c, "init", 0755, initdata, initlen);
	for (size_t i = 0; i < order.n; i++) {
		sbuf ko = {0};
		char *src = g_path(modroot, order.v[i]);
		char *name = xasprintf("modules/%02zu-%s", i, g_basename(order.v[i]));
		char *dot = strstr(name, ".ko");

		if (dot)
			dot[3] = 0; /* stored decompressed */
		if (g_read_unpacked(src, &ko) < 0) {
			free(src);
			free(name);
			sb_free(&ko);
			g_cpio_close(c);
			unlink(path);
			goto out;
		}
		g_cpio_file(c, name, 0644, ko.s, ko.len);
		sb_addf(&list, "%s\n", name);
		free(src);
		free(name);
		sb_free(&ko);
	}
	g_cpio_file(c, "modules/order", 0644, list.s ? list.s : "", list.len);
	{
		char *rel = xasprintf("%s\n", release);
		g_cpio_file(c, "etc/stapgrid-release", 0644, rel, strlen(rel));
		free(rel);
	}
	rc = g_cpio_close(c);
out:
	sv_free(&md.names);
	sv_free(&md.deps);
	sv_free(&md.builtin);
	sv_free(&order);
	sb_free(&list);
	free(init);
	free(initdata);
	free(bb);
	return rc;
}
