/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel cache: G.cache/kernels/ID/ holds, per configured kernel, an
 * uncompressed vmlinux (direct PVH boot is ~2x faster than a bzImage under
 * TCG), the module tree with modules.dep, the kbuild tree that out-of-tree
 * modules build against, the raw BTF blob, and kernel.json (release, build
 * id, where it came from, how long preparing took).  kernel.json is written
 * last: a folder without it is an interrupted prepare and is thrown away.
 */
#include "grid.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

char *g_kernel_dir(const struct g_kernel *k)
{
	return xasprintf("%s/kernels/%s", G.cache, k->id);
}

/*
 * CACHE/kernels/targets.txt: "ID COMMAND" for every configured kernel, so
 * that `stap -r ID` on one not (yet) prepared says how to prepare it
 * (docs/kernel.md, the targets layout).  Written whole, through a rename.
 */
int g_kernel_targets_note(const struct g_kernel *ks, int n)
{
	char *dir = xasprintf("%s/kernels", G.cache), *path = g_path(dir, "targets.txt");
	sbuf b = {0};
	int rc;

	for (int i = 0; i < n; i++)
		sb_addf(&b, "%s stapgrid prepare --kernels %s\n", ks[i].id, ks[i].id);
	rc = g_mkdirs(dir, 0755) < 0 ? -1 : g_writefile(path, b.s ? b.s : "", b.len, 0644);
	free(b.s);
	free(path);
	free(dir);
	return rc;
}

/* What the prepared kernel depends on: where it comes from and its
 * fragments, not the guest settings (memory, cmdline, timeouts) around it. */
char *g_kernel_conf_hash(const struct g_kernel *k)
{
	sbuf b = {0};
	char *h;

	sb_addf(&b, "%s\n%s\n%s\n", k->source, k->package, k->base ? k->base : "");
	for (size_t i = 0; i < k->fragments.n; i++) {
		char *p = xasprintf("%s/configs/fragments/%s", G.src, k->fragments.v[i]);
		size_t n = 0;
		char *text = g_readfile(p, &n);

		sb_addf(&b, "%s\n", k->fragments.v[i]);
		if (text)
			sb_addn(&b, text, n);
		free(text);
		free(p);
	}
	h = g_digest(b.s, b.len);
	sb_free(&b);
	return h;
}

void g_kinfo_free(struct g_kinfo *i)
{
	free(i->release);
	free(i->version);
	free(i->package);
	free(i->build_id);
	free(i->conf_hash);
	free(i->vmlinux);
	free(i->kbuild);
	free(i->modules);
	free(i->btf);
	free(i->boot);
	free(i->prepared_at);
	memset(i, 0, sizeof(*i));
}

static char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? xstrdup(s) : NULL;
}

int g_kernel_info(const struct g_kernel *k, struct g_kinfo *info)
{
	char *dir = g_kernel_dir(k), *path = g_path(dir, "kernel.json"), *hash;
	json_t *j;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	j = json_load_file(path, 0, NULL);
	if (j) {
		info->release = jstr(j, "release");
		info->version = jstr(j, "version");
		info->package = jstr(j, "package");
		info->build_id = jstr(j, "build_id");
		info->conf_hash = jstr(j, "conf_hash");
		info->prepared_at = jstr(j, "prepared_at");
		info->has_btf = json_is_true(json_object_get(j, "btf"));
		info->prepare_seconds = json_number_value(json_object_get(j, "prepare_seconds"));
		info->vmlinux = g_path(dir, "vmlinux");
		{
			const char *boot = json_string_value(json_object_get(j, "boot"));
			info->boot = g_path(dir, boot ? boot : "vmlinux");
		}
		info->btf = g_path(dir, "vmlinux.btf");
		info->kbuild = g_path(dir, "build");
		info->modules = xasprintf("%s/root/lib/modules/%s", dir, info->release ? info->release : "");
		hash = g_kernel_conf_hash(k);
		rc = info->release && info->conf_hash && !strcmp(hash, info->conf_hash) &&
		     g_exists(info->vmlinux) && g_exists(info->boot);
		free(hash);
		json_decref(j);
	}
	free(dir);
	free(path);
	return rc;
}

/* ---- ELF: build id and the .BTF section ------------------------------------ */

struct elfmap {
	const unsigned char *p;
	size_t len;
};

static const Elf64_Shdr *elf_sections(const struct elfmap *m, int *n)
{
	const Elf64_Ehdr *eh = (const void *)m->p;

	if (m->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > m->len)
		return NULL;
	*n = eh->e_shnum;
	return (const void *)(m->p + eh->e_shoff);
}

static const char *elf_secname(const struct elfmap *m, const Elf64_Shdr *sh, int i)
{
	const Elf64_Ehdr *eh = (const void *)m->p;
	const Elf64_Shdr *str = &sh[eh->e_shstrndx];

	if (str->sh_offset + sh[i].sh_name >= m->len)
		return "";
	return (const char *)m->p + str->sh_offset + sh[i].sh_name;
}

static char *elf_build_id(const struct elfmap *m)
{
	int n;
	const Elf64_Shdr *sh = elf_sections(m, &n);

	for (int i = 0; sh && i < n; i++) {
		size_t off = sh[i].sh_offset, end = off + sh[i].sh_size;

		if (sh[i].sh_type != SHT_NOTE || end > m->len)
			continue;
		while (off + sizeof(Elf64_Nhdr) <= end) {
			const Elf64_Nhdr *nh = (const void *)(m->p + off);
			size_t name = off + sizeof(*nh), desc = name + ((nh->n_namesz + 3) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(m->p + name, "GNU", 4)) {
				char *hex = xmalloc(2 * nh->n_descsz + 1);
				for (size_t b = 0; b < nh->n_descsz; b++)
					sprintf(hex + 2 * b, "%02x", m->p[desc + b]);
				return hex;
			}
			off = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return NULL;
}

static int map_file(const char *path, struct elfmap *m, int *fdp)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		g_err("cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	m->len = (size_t)st.st_size;
	m->p = mmap(NULL, m->len ? m->len : 1, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m->p == MAP_FAILED) {
		g_err("cannot map %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 0;
}

static void unmap_file(struct elfmap *m, int fd)
{
	munmap((void *)m->p, m->len ? m->len : 1);
	close(fd);
}

/* Build id and BTF of vmlinux: the tracer keys its caches on the first and
 * resolves symbols and types from the second. */
static int vmlinux_facts(const char *vmlinux, const char *btfpath, char **build_id, bool *has_btf)
{
	struct elfmap m;
	int fd, n, rc = 0;
	const Elf64_Shdr *sh;

	*has_btf = false;
	if (map_file(vmlinux, &m, &fd) < 0)
		return -1;
	sh = elf_sections(&m, &n);
	if (!sh) {
		g_err("%s: not an ELF64 kernel image", vmlinux);
		unmap_file(&m, fd);
		return -1;
	}
	*build_id = elf_build_id(&m);
	for (int i = 0; i < n; i++)
		if (!strcmp(elf_secname(&m, sh, i), ".BTF") && sh[i].sh_offset + sh[i].sh_size <= m.len) {
			rc = g_writefile(btfpath, m.p + sh[i].sh_offset, sh[i].sh_size, 0644);
			*has_btf = rc == 0;
		}
	unmap_file(&m, fd);
	return rc;
}

/* ---- decompression: vmlinux out of a bzImage, .ko.xz modules ---------------- */

static int xz_decode(const unsigned char *in, size_t len, sbuf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	unsigned char buf[1 << 16];
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return -1;
	s.next_in = in;
	s.avail_in = len;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		r = lzma_code(&s, LZMA_FINISH);
		sb_addn(out, (const char *)buf, sizeof(buf) - s.avail_out);
	} while (r == LZMA_OK);
	lzma_end(&s);
	/* The kernel appends the decompressed size after the stream: stopping at
	 * LZMA_STREAM_END ignores it. */
	return r == LZMA_STREAM_END ? 0 : -1;
}

static int gz_decode(const unsigned char *in, size_t len, sbuf *out)
{
	z_stream z;
	unsigned char buf[1 << 16];
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		r = inflate(&z, Z_NO_FLUSH);
		sb_addn(out, (const char *)buf, sizeof(buf) - z.avail_out);
	} while (r == Z_OK);
	inflateEnd(&z);
	return r == Z_STREAM_END ? 0 : -1;
}

static int zstd_decode(const unsigned char *in, size_t len, sbuf *out)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, len, 0};
	unsigned char buf[1 << 16];
	size_t r = 1;

	if (!z)
		return -1;
	ZSTD_initDStream(z);
	/* r == 0 marks the end of the frame; the kernel's size trailer follows. */
	while (r != 0 && ib.pos < ib.size) {
		ZSTD_outBuffer ob = {buf, sizeof(buf), 0};

		r = ZSTD_decompressStream(z, &ob, &ib);
		if (ZSTD_isError(r))
			break;
		sb_addn(out, (const char *)buf, ob.pos);
	}
	ZSTD_freeDStream(z);
	return r == 0 ? 0 : -1;
}

/* LZ4 "legacy" frames, as the kernel's lz4 payload uses: a magic, then
 * blocks of at most 8 MiB, each preceded by its compressed size. */
static int lz4_legacy_decode(const unsigned char *in, size_t len, sbuf *out)
{
	const size_t blk = 8 << 20;
	char *buf = xmalloc(blk);
	size_t pos = 4;
	int rc = 0, blocks = 0;

	while (pos + 4 <= len) {
		uint32_t csize;
		int n;

		memcpy(&csize, in + pos, 4);
		/* The trailer (decompressed size) or another magic ends the data. */
		if (csize == 0x184c2102 || csize > len - pos - 4 || csize > (uint32_t)LZ4_compressBound((int)blk))
			break;
		n = LZ4_decompress_safe((const char *)in + pos + 4, buf, (int)csize, (int)blk);
		if (n < 0) {
			rc = -1;
			break;
		}
		sb_addn(out, buf, (size_t)n);
		pos += 4 + csize;
		blocks++;
	}
	free(buf);
	return rc == 0 && blocks ? 0 : -1;
}

/* The x86 boot protocol: setup_sects at 0x1f1, payload_offset/length at
 * 0x248/0x24c, relative to the protected-mode code after the setup sectors. */
static int extract_vmlinux(const char *bzimage, const char *out)
{
	struct elfmap m;
	sbuf b = {0};
	int fd, rc = -1;

	if (map_file(bzimage, &m, &fd) < 0)
		return -1;
	if (m.len > 0x250 && !memcmp(m.p + 0x202, "HdrS", 4)) {
		unsigned setup = m.p[0x1f1] ? m.p[0x1f1] : 4;
		uint32_t off, plen;
		size_t start;

		memcpy(&off, m.p + 0x248, 4);
		memcpy(&plen, m.p + 0x24c, 4);
		start = (size_t)(setup + 1) * 512 + off;
		if (start + plen <= m.len) {
			const unsigned char *p = m.p + start;

			if (plen > 6 && !memcmp(p, "\xfd" "7zXZ", 6))
				rc = xz_decode(p, plen, &b);
			else if (plen > 2 && p[0] == 0x1f && p[1] == 0x8b)
				rc = gz_decode(p, plen, &b);
			else if (plen > 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
				rc = zstd_decode(p, plen, &b);
			else if (plen > 4 && !memcmp(p, "\x02\x21\x4c\x18", 4))
				rc = lz4_legacy_decode(p, plen, &b);
			else
				g_err("%s: kernel payload is not xz, gzip, zstd or lz4", bzimage);
		}
	} else {
		g_err("%s: not a bzImage", bzimage);
	}
	unmap_file(&m, fd);
	if (rc == 0 && (b.len < 4 || memcmp(b.s, ELFMAG, SELFMAG))) {
		g_err("%s: the decompressed payload is not ELF", bzimage);
		rc = -1;
	} else if (rc < 0) {
		g_err("%s: cannot decompress the kernel payload", bzimage);
	}
	if (rc == 0)
		rc = g_writefile(out, b.s, b.len, 0644);
	sb_free(&b);
	return rc;
}

/* A file's bytes, decompressed when its name ends in .xz, .gz or .zst:
 * Debian's modules as .ko.xz (busybox insmod hands the buffer to
 * init_module(), which wants a plain ELF), a published run's logs (.gz). */
int g_read_unpacked(const char *path, sbuf *out)
{
	size_t len;
	char *data = g_readfile(path, &len);
	int rc = 0;

	if (!data) {
		g_err("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (g_has_suffix(path, ".xz"))
		rc = xz_decode((const unsigned char *)data, len, out);
	else if (g_has_suffix(path, ".gz"))
		rc = gz_decode((const unsigned char *)data, len, out);
	else if (g_has_suffix(path, ".zst"))
		rc = zstd_decode((const unsigned char *)data, len, out);
	else
		sb_addn(out, data, len);
	if (rc < 0)
		g_err("%s: cannot decompress", path);
	free(data);
	return rc;
}

/* ---- Debian packages --------------------------------------------------------- */

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

static char *apt_version(const char *pkg)
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

static int apt_fetch(strv *pkgs, const char *dir, const char *root, const char *log)
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
		char *tail = g_readfile(log, NULL);
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
	char *mk = g_path(hdr, "Makefile"), *text = g_readfile(mk, NULL);
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

static int prepare_debian(const struct g_kernel *k, const char *kdir, const char *log,
			  json_t *j)
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
	if (apt_fetch(&pkgs, debs, root, log) < 0)
		goto out;
	rmdir(debs);
	vmlinuz = xasprintf("%s/boot/vmlinuz-%s", root, release);
	if (extract_vmlinux(vmlinuz, vmlinux) < 0)
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
		char *v = apt_version(image);
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

/* Kconfig drops what a dependency forbids without a word; a fragment line
 * that did not make it into .config is an error at FILE:LINE. */
static int check_fragments(const struct g_kernel *k, const char *build)
{
	char *cfgpath = g_path(build, ".config"), *cfg = g_readfile(cfgpath, NULL);
	int rc = 0;

	for (size_t f = 0; cfg && f < k->fragments.n; f++) {
		char *path = xasprintf("%s/configs/fragments/%s", G.src, k->fragments.v[f]);
		char *text = g_readfile(path, NULL), *next;
		int lineno = 0;

		for (char *l = text; l; l = next) {
			char want[256], *found, name[200];
			bool unset;

			next = strchr(l, '\n');
			if (next)
				*next++ = 0;
			lineno++;
			unset = sscanf(l, "# %199[A-Za-z0-9_] is not set", name) == 1;
			if (!unset && sscanf(l, "%199[A-Za-z0-9_]=", name) != 1)
				continue;
			if (unset) {
				snprintf(want, sizeof(want), "\n%s=", name);
				found = strstr(cfg, want);
				if (found) {
					g_err("%s:%d: %s is still set in the final .config", path, lineno, name);
					rc = -1;
				}
				continue;
			}
			snprintf(want, sizeof(want), "\n%s\n", g_trim(l));
			if (!strstr(cfg, want)) {
				g_err("%s:%d: '%s' did not survive olddefconfig (a dependency is missing)",
				      path, lineno, g_trim(l));
				rc = -1;
			}
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
static int prepare_source(const struct g_kernel *k, const char *kdir, const char *log,
			  json_t *j)
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
	if (apt_fetch(&pkgs, debs, debs, log) < 0)
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
	ver = apt_version(k->package);
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

static char *dbg_vmlinux(const char *kdir, const char *release, bool source);

/* Whether k is prepared (and, with dbg, has its DWARF), looked at with
 * no lock: kernel.json is written last and the DWARF renamed into place.
 * A run holds its kernels shared and its suites' prebuilds ask for them
 * again (the harness suite: prepare --dbg); waiting there for the
 * exclusive lock waited for the run itself, for ever. */
static bool ready_unlocked(const struct g_kernel *k, bool dbg)
{
	struct g_kinfo info;
	bool ready = g_kernel_info(k, &info) == 1;

	if (ready && dbg) {
		char *kdir = g_kernel_dir(k);
		char *path = dbg_vmlinux(kdir, info.release, strcmp(k->source, "debian") != 0);

		ready = g_exists(path);
		if (ready)
			g_info("%s: debuginfo %s", k->id, path);
		free(path);
		free(kdir);
	} else if (ready) {
		g_info("%s: prepared (%s, %.0f s to prepare)", k->id, info.release,
		       info.prepare_seconds);
	}
	g_kinfo_free(&info);
	return ready;
}

static int prepare_locked(const struct g_kernel *k, bool force)
{
	char *kdir = g_kernel_dir(k), *log = NULL, *kjson = NULL, *hash = NULL, *tmplog = NULL;
	double t0 = g_now();
	json_t *j = NULL;
	int rc = -1;

	/* Again under the lock: the stapgrid we waited for may have done it. */
	if (!force && ready_unlocked(k, false)) {
		free(kdir);
		return 0;
	}
	if (g_rmtree(kdir) < 0) {
		g_err("cannot remove the stale %s", kdir);
		free(kdir);
		return -1;
	}
	if (g_mkdirs(kdir, 0755) < 0) {
		free(kdir);
		return -1;
	}
	/* The log lives beside the cache folder so a failed prepare can remove
	 * the folder and still point at what went wrong. */
	tmplog = xasprintf("%s/kernels/%s.prepare.log", G.cache, k->id);
	unlink(tmplog);
	log = tmplog;
	j = json_object();
	json_object_set_new(j, "id", json_string(k->id));
	if (!strcmp(k->source, "debian"))
		rc = prepare_debian(k, kdir, log, j);
	else
		rc = prepare_source(k, kdir, log, j);
	if (rc == 0 && g_interrupted) {
		g_err("interrupted");
		rc = -1;
	}
	if (rc == 0) {
		char *vmlinux = g_path(kdir, "vmlinux"), *btf = g_path(kdir, "vmlinux.btf");
		char *bid = NULL, *when = g_iso8601(g_epoch());
		bool has_btf = false;

		rc = vmlinux_facts(vmlinux, btf, &bid, &has_btf);
		hash = g_kernel_conf_hash(k);
		json_object_set_new(j, "build_id", bid ? json_string(bid) : json_null());
		json_object_set_new(j, "btf", json_boolean(has_btf));
		json_object_set_new(j, "conf_hash", json_string(hash));
		json_object_set_new(j, "prepared_at", json_string(when));
		json_object_set_new(j, "prepare_seconds", json_real(g_now() - t0));
		kjson = g_path(kdir, "kernel.json");
		if (rc == 0) {
			char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
			rc = g_writefile(kjson, text, strlen(text), 0644);
			free(text);
		}
		if (rc == 0)
			g_info("%s: prepared %s in %.1f s (build id %s%s)", k->id,
			       json_string_value(json_object_get(j, "release")), g_now() - t0,
			       bid ? bid : "none", has_btf ? ", BTF" : ", no BTF");
		free(vmlinux);
		free(btf);
		free(bid);
		free(when);
	}
	if (rc < 0) {
		g_rmtree(kdir);
		if (!strcmp(k->source, "debian")) {
			unlink(log);
			g_err("%s: prepare failed; nothing was kept in %s", k->id, G.cache);
		} else {
			g_err("%s: prepare failed; only its log was kept: %s", k->id, log);
		}
	} else {
		char *keep = g_path(kdir, "prepare.log");
		rename(log, keep);
		free(keep);
	}
	json_decref(j);
	free(kdir);
	free(tmplog);
	free(kjson);
	free(hash);
	return rc;
}

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
static int lock_kernel_mode(const struct g_kernel *k, int mode)
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

static int lock_kernel(const struct g_kernel *k)
{
	return lock_kernel_mode(k, LOCK_EX);
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
	fd = lock_kernel_mode(k, LOCK_SH);
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

int g_kernel_prepare(const struct g_kernel *k, bool force)
{
	int lock, rc;

	if (!force && ready_unlocked(k, false))
		return 0;
	lock = lock_kernel(k);
	if (lock < 0)
		return -1;
	rc = prepare_locked(k, force);
	close(lock);
	return rc;
}

/* ---- debuginfo (--dbg) ------------------------------------------------------------ */

/* Where stap looks for a grid kernel's DWARF (stap/dwarf.c): the -dbg
 * package's vmlinux under root/, or a source build's build/vmlinux. */
static char *dbg_vmlinux(const char *kdir, const char *release, bool source)
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

	if (ready_unlocked(k, true)) {
		free(kdir);
		return 0;
	}
	lock = lock_kernel(k);
	if (lock < 0) {
		free(kdir);
		return -1;
	}
	if (g_kernel_info(k, &info) != 1) {
		g_err("%s: not prepared", k->id);
		goto out;
	}
	path = dbg_vmlinux(kdir, info.release, source);
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

/* ---- guest artefacts built on demand ------------------------------------------ */

char *g_kernel_initrd(const struct g_kernel *k, const struct g_kinfo *ki)
{
	char *kdir = g_kernel_dir(k), *init = g_path(G.src, "grid/guest/init.sh");
	strv deps = {0};
	char *hash, *path;

	/* Keyed by what goes in: rebuilt when the init script changes. */
	sv_push(&deps, init);
	sv_push(&deps, "/bin/busybox");
	sv_pushown(&deps, g_path(kdir, "kernel.json"));
	hash = g_hash_files(&deps);
	path = xasprintf("%s/initrd-%s-%s.cpio", kdir, k->share, hash);
	if (!g_exists(path) && g_initrd_build(path, ki->release, ki->modules, k->share) < 0) {
		free(path);
		path = NULL;
	}
	sv_free(&deps);
	free(hash);
	free(kdir);
	free(init);
	return path;
}

char *g_kernel_build_module(const struct g_kernel *k, const struct g_kinfo *ki,
			    const char *srcdir, const char *name)
{
	char *kdir = g_kernel_dir(k), *c = xasprintf("%s/%s.c", srcdir, name);
	char *kb = xasprintf("%s/Kbuild", srcdir);
	strv deps = {0};
	char *hash, *dir, *ko, *log, *mdir;
	int rc;

	sv_push(&deps, c);
	sv_push(&deps, kb);
	hash = g_hash_files(&deps);
	dir = xasprintf("%s/mod-%s-%s", kdir, name, hash);
	ko = xasprintf("%s/%s.ko", dir, name);
	if (g_exists(ko))
		goto done;
	log = g_path(kdir, "module-build.log");
	g_rmtree(dir);
	rc = g_mkdirs(dir, 0755);
	if (rc == 0) {
		char *dc = xasprintf("%s/%s.c", dir, name), *dk = g_path(dir, "Kbuild");
		rc = g_copyfile(c, dc, 0644) < 0 || g_copyfile(kb, dk, 0644) < 0 ? -1 : 0;
		free(dc);
		free(dk);
	}
	mdir = xasprintf("M=%s", dir);
	if (rc == 0) {
		char *argv[] = {"make", "-s", "-C", ki->kbuild, mdir, "modules", NULL};
		rc = g_run(argv, NULL, NULL, log);
		if (rc != 0)
			g_err("building %s against %s failed (exit %d); log: %s", name, ki->release, rc, log);
	}
	if (rc != 0 || !g_exists(ko)) {
		g_rmtree(dir);
		free(ko);
		ko = NULL;
	}
	free(mdir);
	free(log);
done:
	sv_free(&deps);
	free(hash);
	free(dir);
	free(kdir);
	free(c);
	free(kb);
	return ko;
}
