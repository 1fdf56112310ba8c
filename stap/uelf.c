/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uelf.c - what a user binary's dynamic linking says, read with libelf:
 * its PLT entries (for process().plt) and the shared libraries it needs
 * (for process().library()).
 *
 * A PLT entry is a jump slot of .rela.plt: the Nth one's stub is the
 * Nth 16-byte entry of .plt.sec when the binary has one (IBT), else the
 * (N+1)th of .plt (the first is the resolver's), on x86-64 as SystemTap
 * places them.  A needed library (DT_NEEDED) is found as the dynamic
 * linker finds it: the binary's DT_RPATH (without DT_RUNPATH),
 * LD_LIBRARY_PATH, DT_RUNPATH, the ld.so cache (as `ldconfig -p` prints
 * it), then the default directories.
 */
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stap.h"

enum { PLT_ENTRY = 16 };

typedef struct UElf {
	int fd;
	Elf *elf;
} UElf;

static bool uelf_open(UElf *u, const char *path)
{
	elf_version(EV_CURRENT);
	u->fd = open(path, O_RDONLY | O_CLOEXEC);
	u->elf = u->fd < 0 ? NULL : elf_begin(u->fd, ELF_C_READ, NULL);
	if (u->elf && elf_kind(u->elf) == ELF_K_ELF)
		return true;
	if (u->elf)
		elf_end(u->elf);
	if (u->fd >= 0)
		close(u->fd);
	return false;
}

static void uelf_close(UElf *u)
{
	elf_end(u->elf);
	close(u->fd);
}

/* The section named NAME, or NULL; its header in *SH. */
static Elf_Scn *section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	size_t strndx;
	Elf_Scn *s = NULL;

	if (elf_getshdrstrndx(elf, &strndx) != 0)
		return NULL;
	while ((s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, sh)) {
			const char *n = elf_strptr(elf, strndx, sh->sh_name);

			if (n && !strcmp(n, name))
				return s;
		}
	return NULL;
}

static DwSite *plt_site(const char *path, const char *name, uint64_t vaddr,
			const GElf_Shdr *stubs)
{
	DwSite *s = NEW(DwSite);

	s->func = arena_strdup(name);
	s->module = path;
	s->user = true;
	s->entry = true;
	s->vaddr = s->addr = vaddr;
	s->offset = vaddr - stubs->sh_addr + stubs->sh_offset;
	return s;
}

int uelf_plt(const char *path, const char *pattern, DwSite ***out)
{
	GElf_Shdr rsh, ssh, psh, dsh;
	Elf_Scn *rela, *stubs, *dynsym;
	Elf_Data *rd, *dd;
	DwSiteVec v = { 0 };
	UElf u;
	size_t i, n;
	uint64_t first;

	*out = NULL;
	if (!uelf_open(&u, path))
		return -1;
	rela = section(u.elf, ".rela.plt", &rsh);
	stubs = section(u.elf, ".plt.sec", &ssh);
	first = stubs ? 0 : 1;
	if (!stubs)
		stubs = section(u.elf, ".plt", &ssh);
	psh = ssh;
	dynsym = rela ? elf_getscn(u.elf, rsh.sh_link) : NULL;
	rd = rela ? elf_getdata(rela, NULL) : NULL;
	dd = dynsym ? elf_getdata(dynsym, NULL) : NULL;
	if (!rd || !dd || !stubs || !gelf_getshdr(dynsym, &dsh) ||
	    !rsh.sh_entsize) {
		uelf_close(&u);
		return 0;
	}
	n = rsh.sh_size / rsh.sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		GElf_Sym sym;
		const char *name;

		if (!gelf_getrela(rd, (int)i, &r) ||
		    GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT ||
		    !gelf_getsym(dd, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		name = elf_strptr(u.elf, dsh.sh_link, sym.st_name);
		if (name && *name && glob_match(pattern, name))
			vec_push(&v, plt_site(path, name, psh.sh_addr +
					      (i + first) * PLT_ENTRY, &psh));
	}
	uelf_close(&u);
	*out = v.v;
	return v.len;
}

/* ---- the libraries a binary needs ---- */

typedef struct Dynamic {
	VEC(const char *) needed;
	const char *rpath, *runpath;
} Dynamic;

static bool read_dynamic(const char *path, Dynamic *d)
{
	GElf_Shdr sh;
	Elf_Scn *s;
	Elf_Data *data;
	UElf u;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!uelf_open(&u, path))
		return false;
	s = section(u.elf, ".dynamic", &sh);
	data = s ? elf_getdata(s, NULL) : NULL;
	for (i = 0; data && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize;
	     i++) {
		GElf_Dyn dyn;
		const char *str;

		if (!gelf_getdyn(data, (int)i, &dyn))
			continue;
		str = dyn.d_tag == DT_NEEDED || dyn.d_tag == DT_RPATH ||
		      dyn.d_tag == DT_RUNPATH ?
		      elf_strptr(u.elf, sh.sh_link, dyn.d_un.d_val) : NULL;
		if (!str)
			continue;
		if (dyn.d_tag == DT_NEEDED)
			vec_push(&d->needed, arena_strdup(str));
		else if (dyn.d_tag == DT_RPATH)
			d->rpath = arena_strdup(str);
		else
			d->runpath = arena_strdup(str);
	}
	uelf_close(&u);
	return true;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* NAME in one of the ':'-separated DIRS ($ORIGIN is BINARY's folder). */
static const char *in_dirs(const char *dirs, const char *name,
			   const char *binary)
{
	char *copy, *save = NULL, *dir;
	const char *origin = arena_strdup(binary);

	if (!dirs)
		return NULL;
	*strrchr((char *)origin, '/') = 0;
	copy = arena_strdup(dirs);
	for (dir = strtok_r(copy, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		const char *p = !strncmp(dir, "$ORIGIN", 7) ?
			arena_printf("%s%s/%s", origin, dir + 7, name) :
			arena_printf("%s/%s", dir, name);

		if (is_file(p))
			return p;
	}
	return NULL;
}

/* NAME as the ld.so cache has it for x86-64, through ldconfig -p. */
static const char *in_cache(const char *name)
{
	FILE *p = popen("/sbin/ldconfig -p 2>/dev/null", "r");
	char line[PATH_MAX + 256];
	const char *found = NULL;

	if (!p)
		return NULL;
	while (!found && fgets(line, sizeof(line), p)) {
		char *arrow = strstr(line, " => "), *lib = line;
		size_t len;

		while (*lib == ' ' || *lib == '\t')
			lib++;
		len = strcspn(lib, " ");
		if (!arrow || len != strlen(name) || strncmp(lib, name, len) ||
		    !strstr(line, "x86-64"))
			continue;
		arrow[4 + strcspn(arrow + 4, "\n")] = 0;
		if (is_file(arrow + 4))
			found = arena_strdup(arrow + 4);
	}
	pclose(p);
	return found;
}

static const char *find_library(const char *name, const Dynamic *d,
				const char *binary)
{
	const char *p;

	if (strchr(name, '/'))
		return is_file(name) ? name : NULL;
	if (!d->runpath && (p = in_dirs(d->rpath, name, binary)))
		return p;
	if ((p = in_dirs(getenv("LD_LIBRARY_PATH"), name, binary)) ||
	    (p = in_dirs(d->runpath, name, binary)) || (p = in_cache(name)))
		return p;
	return in_dirs("/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:"
		       "/lib64:/usr/lib64:/lib:/usr/lib", name, binary);
}

/* A needed library PATTERN names: its name, its path or either
 * canonical, or (SystemTap's "libc.so" for libc.so.6) its name past a
 * version. */
static bool library_fits(const char *pattern, const char *name,
			 const char *path, const char *real)
{
	return glob_match(pattern, name) || glob_match(pattern, path) ||
	       glob_match(pattern, real) ||
	       glob_match(arena_printf("%s.*", pattern), name);
}

int uelf_libraries(const char *binary, const char *pattern,
		   const char ***out)
{
	VEC(const char *) v = { 0 };
	Dynamic d;
	int i, k;
	char real[PATH_MAX];

	*out = NULL;
	if (!read_dynamic(binary, &d))
		return -1;
	/* A path without wildcards is that file, needed or not (dlopen). */
	if (strchr(pattern, '/') && !is_glob(pattern)) {
		if (!realpath(pattern, real) || !is_file(real))
			return 0;
		vec_push(&v, arena_strdup(real));
		*out = v.v;
		return 1;
	}
	for (i = 0; i < d.needed.len; i++) {
		const char *path = find_library(d.needed.v[i], &d, binary);

		if (!path || !realpath(path, real) ||
		    !library_fits(pattern, d.needed.v[i], path, real))
			continue;
		for (k = 0; k < v.len && strcmp(v.v[k], real); k++)
			;
		if (k == v.len)
			vec_push(&v, arena_strdup(real));
	}
	*out = v.v;
	return v.len;
}
