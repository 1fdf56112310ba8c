/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dwarf.c - the kernel's DWARF, read with elfutils' libdw, when the target
 * has debuginfo (its -dbg package, or a kbuild tree's vmlinux):
 *
 *   FUNC@FILE[:LINE]    functions by name, declaration file and line
 *   inline instances    kernel.function("f") also probes each copy of f
 *                       the compiler inlined; .inline only those
 *   kernel.statement    "FUNC@FILE:LINE" (N-M, or * for every line of
 *                       FUNC with code) through the line table
 *   $var, $$locals      the variables in scope at the probe address,
 *                       located by their DWARF location there and typed
 *                       by the BTF type of the same name (target.c walks
 *                       BTF; both come from the same compile)
 *
 * Sites carry link-time addresses.  The module adds the KASLR offset it
 * measures from an exported function (kfree) whose link address the
 * debuginfo's symbol table gives.
 *
 * Where the debuginfo comes from, by -r (after SYSTEMTAP_DEBUGINFO_PATH):
 *   target DIR/NAME  its target directory (tdir.c): the DWARF tree
 *                    root/usr/lib/debug/ (boot/vmlinux-REL), or a
 *                    source build's build/vmlinux
 *   release REL      /usr/lib/debug/boot/vmlinux-REL,
 *                    /usr/lib/debug/lib/modules/REL/vmlinux
 *   kbuild DIR       DIR/vmlinux
 * A file whose build id is not the target's is ignored with a warning;
 * one without DWARF (a vmlinux that only has BTF) quietly.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <elfutils/libdwelf.h>
#include <bpf/btf.h>
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stap.h"

typedef struct FuncSym {
	uint64_t addr;
	const char *name;
} FuncSym;

/* One debuginfo file: the kernel's vmlinux, or a module's .ko (whose
 * sections libdwfl lays out and relocates: an ET_REL file). */
typedef struct DwFile {
	const char *module;		/* NULL: the kernel; a user binary: its path */
	bool user;			/* a user binary (process probes) */
	Dwarf_Addr dwbias;		/* libdwfl's address less DWARF's */
	const char *path;
	int fd;
	Elf *elf;
	Dwfl *dwfl;			/* modules */
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_CFI *cfi;
	int64_t cfi_adjust;		/* DWARF address + it: the CFI's */
	uint64_t init_lo, init_hi;	/* the kernel's .init.text: freed */
	uint64_t exit_lo, exit_hi;	/* .exit.text: not in the image */
	Table scans;			/* spec -> DwSiteVec, once each */
	Table scopes;			/* site -> SiteScopes, once each */
	const char *build_id;
	struct DwIndex *index;		/* its functions by name (built once) */
	void *index_map;		/* the cached index, mapped */
	size_t index_len;
	/* BTF twins of DWARF types: pointer types of an id, found on
	 * demand by one pass over the (module's split) BTF. */
	const struct btf *btf;
	VEC(int) ptr_to;
	UBtf *ubtf;			/* a user binary's types, written as BTF */
} DwFile;

static struct {
	bool tried;
	DwFile kernel;
	Table modules;			/* name -> DwFile (dw NULL: none) */
	uint64_t anchor;		/* kfree's link address */
	Table symbols;			/* name -> link address */
	VEC(FuncSym) fsyms;		/* function symbols by address */
} D;

/* The file the current lookup reads. */
static DwFile *F;

static int by_address(const void *a, const void *b);

/* ---- finding and opening the debuginfo ---- */

/* The folders of SYSTEMTAP_DEBUGINFO_PATH (a guest that sees its
 * kernel's target directory names its DWARF tree there). */
static int env_dirs(char ***out)
{
	VEC(char *) v = { 0 };
	const char *env = getenv("SYSTEMTAP_DEBUGINFO_PATH");
	char *dirs = env ? arena_strdup(env) : NULL, *save = NULL, *d;

	for (d = dirs ? strtok_r(dirs, ":", &save) : NULL; d;
	     d = strtok_r(NULL, ":", &save))
		vec_push(&v, d);
	*out = v.v;
	return v.len;
}

/* The places to look for the kernel's, in order: each folder of
 * SYSTEMTAP_DEBUGINFO_PATH (DIR/boot/vmlinux-REL,
 * DIR/lib/modules/REL/vmlinux, DIR/vmlinux), then by -r. */
static int candidates(const char ***out)
{
	VEC(const char *) v = { 0 };
	const char *rel = S->kernel_release;
	char **dirs;
	int i, n = env_dirs(&dirs);

	for (i = 0; i < n; i++) {
		vec_push(&v, arena_printf("%s/boot/vmlinux-%s", dirs[i], rel));
		vec_push(&v, arena_printf("%s/lib/modules/%s/vmlinux", dirs[i],
					  rel));
		vec_push(&v, arena_printf("%s/vmlinux", dirs[i]));
	}
	if (S->kernel_dir)
		vec_push(&v, tdir_file(arena_printf("root/usr/lib/debug/boot/"
						    "vmlinux-%s", rel)));
	if (S->kernel_build)
		vec_push(&v, arena_printf("%s/vmlinux", S->kernel_build));
	if (!S->kernel_dir) {
		vec_push(&v, arena_printf("/usr/lib/debug/boot/vmlinux-%s", rel));
		vec_push(&v, arena_printf("/usr/lib/debug/lib/modules/%s/vmlinux",
					  rel));
	}
	*out = v.v;
	return v.len;
}

const char *dwarf_kernel_file(void)
{
	const char **paths;
	int i, n = candidates(&paths);

	for (i = 0; i < n; i++)
		if (access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

/* A module's, by its path under lib/modules/REL (kernel/fs/x/m.ko): the
 * -dbg package keeps it uncompressed at the same path under
 * usr/lib/debug; a source build has it in its tree, without "kernel/". */
static int module_candidates(const char *rel_path, const char ***out)
{
	VEC(const char *) v = { 0 };
	const char *rel = S->kernel_release;
	const char *in_tree = !strncmp(rel_path, "kernel/", 7) ? rel_path + 7 :
			      rel_path;
	char **dirs;
	int i, n = env_dirs(&dirs);

	for (i = 0; i < n; i++) {
		vec_push(&v, arena_printf("%s/lib/modules/%s/%s", dirs[i], rel,
					  rel_path));
		vec_push(&v, arena_printf("%s/%s", dirs[i], in_tree));
	}
	if (S->kernel_dir)
		vec_push(&v, tdir_file(arena_printf("root/usr/lib/debug/lib/"
						    "modules/%s/%s", rel,
						    rel_path)));
	if (S->kernel_build)
		vec_push(&v, arena_printf("%s/%s", S->kernel_build, in_tree));
	if (!S->kernel_dir)
		vec_push(&v, arena_printf("/usr/lib/debug/lib/modules/%s/%s",
					  rel, rel_path));
	*out = v.v;
	return v.len;
}

/* A build id's N bytes in hex; NULL when there are none. */
static const char *hex_id(const unsigned char *id, ssize_t n)
{
	Buf b = { 0 };
	const char *s;

	if (n <= 0)
		return NULL;
	for (ssize_t i = 0; i < n; i++)
		buf_printf(&b, "%02x", id[i]);
	s = arena_strdup(b.s);
	buf_free(&b);
	return s;
}

static const char *hex_build_id(Elf *elf)
{
	const void *id;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &id);

	return hex_id(id, n);
}

/* The kernel's .init.text and .exit.text: no probe goes there. */
static void read_sections(DwFile *f)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(f->elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(f->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(f->elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, ".init.text"))
			f->init_lo = sh.sh_addr, f->init_hi = sh.sh_addr + sh.sh_size;
		else if (!strcmp(name, ".exit.text"))
			f->exit_lo = sh.sh_addr, f->exit_hi = sh.sh_addr + sh.sh_size;
	}
}

static void close_file(DwFile *f)
{
	if (f->dwfl)
		dwfl_end(f->dwfl);	/* owns its Elf and Dwarf */
	else if (f->dw)
		dwarf_end(f->dw);
	if (f->elf && !f->dwfl)
		elf_end(f->elf);
	if (f->fd > 0)
		close(f->fd);
	if (f->index_map)	/* the index's arrays point into it */
		munmap(f->index_map, f->index_len);
	ubtf_free(f->ubtf);
	f->ubtf = NULL;
	f->index_map = NULL;
	f->index = NULL;
	f->dwfl = NULL;
	f->dw = NULL;
	f->elf = NULL;
	f->fd = -1;
}

static bool try_open(const char *path)
{
	DwFile *f = &D.kernel;
	const char *id;

	if (access(path, R_OK) != 0)
		return false;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return false;
	f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	id = f->elf ? hex_build_id(f->elf) : NULL;
	if (f->elf && S->kernel_build_id && id &&
	    strcmp(id, S->kernel_build_id)) {
		warn_at(NULL, "ignoring the debuginfo %s: its build id %s is"
			" not the kernel's (%s)", path, id, S->kernel_build_id);
		close_file(f);
		return false;
	}
	f->dw = f->elf ? dwarf_begin_elf(f->elf, DWARF_C_READ, NULL) : NULL;
	if (!f->dw) {		/* a vmlinux without DWARF */
		close_file(f);
		return false;
	}
	f->path = path;
	f->build_id = id;
	f->cfi = dwarf_getcfi(f->dw);
	read_sections(f);
	D.anchor = dwarf_symbol("kfree");
	return true;
}

bool dwarf_open(void)
{
	const char **paths;
	int i, n;

	if (D.tried)
		return D.kernel.dw != NULL;
	D.tried = true;
	arena_on_free(dwarf_close);	/* D's tables are in the arena */
	elf_version(EV_CURRENT);
	n = candidates(&paths);
	for (i = 0; i < n && !try_open(paths[i]); i++)
		;
	if (S->verbose > 1)
		fprintf(stderr, "stap: kernel DWARF: %s\n", D.kernel.dw ?
			D.kernel.path : "none");
	return D.kernel.dw != NULL;
}

static const Dwfl_Callbacks offline = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* Without modules.dep (a test guest's stap, whose /lib/modules holds no
 * tree), the module's path by a search of the debug trees. */
static const char *found_path;
static const char *wanted_module;

static int find_ko(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F && same_module(path, wanted_module) &&
	    !strcmp(path + strlen(path) - 3, ".ko")) {
		found_path = arena_strdup(path);
		return 1;
	}
	return 0;
}

static const char *search_module(const char *name)
{
	char **dirs;
	int i, n = env_dirs(&dirs);
	const char *root;

	found_path = NULL;
	wanted_module = name;
	for (i = -1; i < n && !found_path; i++) {
		root = i < 0 ? (S->kernel_dir ? tdir_file(arena_printf(
				"root/usr/lib/debug/lib/modules/%s",
				S->kernel_release)) : arena_printf(
				"/usr/lib/debug/lib/modules/%s",
				S->kernel_release)) :
		       arena_printf("%s/lib/modules/%s", dirs[i],
				    S->kernel_release);
		if (access(root, R_OK) == 0)
			nftw(root, find_ko, 16, FTW_PHYS);
	}
	if (!found_path)
		return NULL;
	root = strstr(found_path, "/kernel/");
	return root ? root + 1 : NULL;
}

/* Module NAME's debuginfo, relocated by libdwfl; NULL if none. */
static DwFile *module_dwarf(const char *name)
{
	DwFile *f = table_get(&D.modules, name);
	const char *rel_path, **paths;
	int i, n;

	if (f)
		return f->dw ? f : NULL;
	f = NEW(DwFile);
	f->fd = -1;
	f->module = arena_strdup(name);
	arena_on_free(dwarf_close);
	table_put(&D.modules, f->module, f);
	elf_version(EV_CURRENT);
	rel_path = kernel_module_path(name);
	if (!rel_path)
		rel_path = search_module(name);
	n = rel_path ? module_candidates(rel_path, &paths) : 0;
	for (i = 0; i < n && !f->dw; i++) {
		Dwarf_Addr bias;

		if (access(paths[i], R_OK) != 0)
			continue;
		f->dwfl = dwfl_begin(&offline);
		f->mod = f->dwfl ? dwfl_report_offline(f->dwfl, name, paths[i],
						       -1) : NULL;
		if (f->mod && dwfl_report_end(f->dwfl, NULL, NULL) == 0 &&
		    (f->dw = dwfl_module_getdwarf(f->mod, &bias))) {
			const unsigned char *bits = NULL;
			GElf_Addr at;
			int len = dwfl_module_build_id(f->mod, &bits, &at);

			f->build_id = hex_id(bits, len);
			f->path = paths[i];
			f->cfi = dwfl_module_dwarf_cfi(f->mod, &bias);
			f->btf = kernel_module_btf(name);
		} else {
			close_file(f);
		}
	}
	if (S->verbose > 1)
		fprintf(stderr, "stap: module %s's DWARF: %s\n", name,
			f->dw ? f->path : "none");
	return f->dw ? f : NULL;
}

bool dwarf_module_open(const char *name)
{
	return dwarf_open() && module_dwarf(name) != NULL;
}

/* ---- user binaries (process probes) ---- */

/* Binary PATH (absolute) through libdwfl offline: its DWARF from the file
 * itself or, by debuglink or build id, from /usr/lib/debug (libdwfl's
 * standard search: Debian's -dbgsym packages); or only its ELF symbol
 * table.  Kept in D.modules under its path (no module name starts with
 * '/').  NULL if PATH is not an ELF file libdwfl takes. */
static DwFile *user_file(const char *path)
{
	DwFile *f = table_get(&D.modules, path);
	const char *base = strrchr(path, '/');
	Dwarf_Addr bias;

	if (f)
		return f->mod ? f : NULL;
	f = NEW(DwFile);
	f->fd = -1;
	f->module = arena_strdup(path);
	f->user = true;
	arena_on_free(dwarf_close);
	table_put(&D.modules, f->module, f);
	elf_version(EV_CURRENT);
	f->dwfl = dwfl_begin(&offline);
	f->mod = f->dwfl ? dwfl_report_offline(f->dwfl, base ? base + 1 : path,
					       path, -1) : NULL;
	if (!f->mod || dwfl_report_end(f->dwfl, NULL, NULL) != 0) {
		close_file(f);
		f->mod = NULL;
		return NULL;
	}
	f->path = f->module;
	f->dw = dwfl_module_getdwarf(f->mod, &bias);
	f->dwbias = bias;
	if (f->dw) {
		const unsigned char *bits = NULL;
		GElf_Addr at;
		int len = dwfl_module_build_id(f->mod, &bits, &at);

		f->build_id = len > 0 ? hex_id(bits, len) : NULL;
		f->cfi = dwfl_module_dwarf_cfi(f->mod, &bias);
		/* A user binary has .eh_frame; .debug_frame only if asked. */
		if (!f->cfi && (f->cfi = dwfl_module_eh_cfi(f->mod, &bias)))
			f->cfi_adjust = (int64_t)f->dwbias - (int64_t)bias;
	}
	if (S->verbose > 1)
		fprintf(stderr, "stap: %s's DWARF: %s\n", path,
			f->dw ? "found" : "none (its symbol table only)");
	return f;
}

int dwarf_user_open(const char *path)
{
	DwFile *f = user_file(path);

	return !f ? -1 : f->dw != NULL;
}

const struct btf *dwarf_user_btf(const char *path)
{
	DwFile *f = user_file(path);

	if (!f || !f->dw)
		return NULL;
	if (!f->ubtf)
		f->ubtf = ubtf_new();
	return f->ubtf ? ubtf_btf(f->ubtf) : NULL;
}

/* @cast(p, "T", "<a.h><b.h>"): the headers compiled with -g into an
 * object whose DWARF has every type they declare, as SystemTap does; the
 * object's path (kept until the session ends), or NULL with *WHY. */
static Table header_objects;		/* headers -> object */
static VEC(const char *) header_dirs;

static void remove_header_objects(void)
{
	int i;

	for (i = 0; i < header_dirs.len; i++) {
		unlink(arena_printf("%s/h.c", header_dirs.v[i]));
		unlink(arena_printf("%s/h.o", header_dirs.v[i]));
		unlink(arena_printf("%s/cc.log", header_dirs.v[i]));
		rmdir(header_dirs.v[i]);
	}
	memset(&header_dirs, 0, sizeof(header_dirs));
	memset(&header_objects, 0, sizeof(header_objects));
}

const char *dwarf_header_object(const char *headers, const char **why)
{
	const char *obj = table_get(&header_objects, headers), *dir, *p;
	Buf src = { 0 };
	bool ok;

	if (obj)
		return obj;
	if (!(dir = make_temp_dir())) {
		*why = "no temporary directory for the headers";
		return NULL;
	}
	if (!header_dirs.len)
		arena_on_free(remove_header_objects);
	vec_push(&header_dirs, dir);
	for (p = headers; *p == '<';) {	/* "<a.h><b.h>" */
		const char *end = strchr(p, '>');

		if (!end)
			break;
		buf_printf(&src, "#include %.*s\n", (int)(end - p + 1), p);
		p = end + 1;
	}
	ok = !*p && src.s && write_text(arena_printf("%s/h.c", dir), src.s,
					true);
	buf_free(&src);
	if (!ok) {
		*why = arena_printf("'%s' is not a list of <header>s", headers);
		return NULL;
	}
	obj = arena_printf("%s/h.o", dir);
	if (!run_command((char *[]){ "cc", "-g", "-c",
			 "-fno-eliminate-unused-debug-types", "-o", (char *)obj,
			 arena_printf("%s/h.c", dir), NULL },
			 arena_printf("%s/cc.log", dir))) {
		*why = arena_printf("the headers %s do not compile", headers);
		return NULL;
	}
	table_put(&header_objects, arena_strdup(headers), (void *)obj);
	return obj;
}

/* Whether DIE is the type "struct NAME" ("union", "enum") or, with no
 * keyword, a typedef or base type NAME, defined (not declared) here. */
static bool type_named(Dwarf_Die *die, const char *name)
{
	static const struct { const char *kw; int tag; } kws[] = {
		{ "struct ", DW_TAG_structure_type },
		{ "union ", DW_TAG_union_type },
		{ "enum ", DW_TAG_enumeration_type },
		{ "class ", DW_TAG_class_type },
	};
	const char *dn = dwarf_diename(die);
	Dwarf_Attribute a;
	int tag = dwarf_tag(die);
	size_t i;

	if (!dn || dwarf_attr(die, DW_AT_declaration, &a))
		return false;
	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (!strncmp(name, kws[i].kw, strlen(kws[i].kw)))
			return tag == kws[i].tag &&
			       !strcmp(dn, name + strlen(kws[i].kw));
	return (tag == DW_TAG_typedef || tag == DW_TAG_base_type ||
		tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
	       !strcmp(dn, name);
}

int dwarf_user_type(const char *path, const char *name, const char **why)
{
	DwFile *f = user_file(path);
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!f || !f->dw || !dwarf_user_btf(path)) {
		*why = arena_printf("%s has no DWARF", path);
		return -1;
	}
	while (dwarf_nextcu(f->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, d;

		if (dwarf_offdie(f->dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &d) == 0)
			do
				if (type_named(&d, name))
					return ubtf_type(f->ubtf, &d, why);
			while (dwarf_siblingof(&d, &d) == 0);
		off = next;
	}
	*why = arena_printf("no type '%s' in the DWARF of %s", name, path);
	return -1;
}

/* Link address ADDR (libdwfl's) of F as an offset in its file: uprobes
 * take the inode and the offset.  0 if no loaded segment holds it. */
static uint64_t file_offset(DwFile *f, uint64_t addr)
{
	Dwarf_Addr bias;
	Elf *elf = dwfl_module_getelf(f->mod, &bias);
	size_t i, n;

	if (!elf || elf_getphdrnum(elf, &n) != 0)
		return 0;
	addr -= bias;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    (ph.p_flags & PF_X) && addr >= ph.p_vaddr &&
		    addr < ph.p_vaddr + ph.p_filesz)
			return addr - ph.p_vaddr + ph.p_offset;
	}
	return 0;
}

/* The function symbol of user binary F holding ADDR (libdwfl's address),
 * and ADDR's offset in it. */
static const char *user_symbol(DwFile *f, uint64_t addr, uint64_t *off)
{
	GElf_Off o = 0;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(f->mod, addr, &o, &sym, NULL,
						NULL, NULL);

	*off = o;
	return name;
}

/* A site of a user binary at libdwfl's address ADDR: its function
 * symbol, ELF virtual address and file offset. */
static void user_site(DwFile *f, DwSite *s, uint64_t addr)
{
	Dwarf_Addr bias = 0;
	uint64_t off;

	s->user = true;
	s->symbol = user_symbol(f, addr, &off);
	dwfl_module_getelf(f->mod, &bias);
	s->vaddr = addr - bias;
	s->offset = file_offset(f, addr);
}

/* A symbol's site S in a binary with DWARF: the function whose code
 * holds libdwfl's address ADDR gives it its scope (malloc is an alias of
 * glibc's __libc_malloc: the symbol names it, the DWARF does not). */
static void symbol_scope(DwFile *f, DwSite *s, uint64_t addr)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = f->dw ? dwfl_module_addrdie(f->mod, addr, &bias) : NULL;
	Dwarf_Die *scopes = NULL;
	int i, n = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;

	for (i = n - 1; i >= 0; i--)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			s->cu = dwarf_dieoffset(cu);
			s->scope = s->frame = dwarf_dieoffset(&scopes[i]);
			s->container = dwarf_diename(&scopes[i]);
			s->addr = addr - bias;
			break;
		}
	free(scopes);
}

/* Function symbol NAME (its "@VERSION" dropped, as SystemTap drops it)
 * at libdwfl's address ADDR: a site of V if it matches PATTERN and no
 * alias of it is there already. */
static void add_symbol(DwFile *f, DwSiteVec *v, const char *name,
		       const GElf_Sym *sym, uint64_t addr, const char *pattern)
{
	const char *at = name ? strchr(name, '@') : NULL;
	Dwarf_Addr bias = 0;
	DwSite *s;
	int k;

	if (!name || !*name || GELF_ST_TYPE(sym->st_info) != STT_FUNC ||
	    sym->st_shndx == SHN_UNDEF)
		return;
	if (at)
		name = arena_strndup(name, (size_t)(at - name));
	if (!glob_match(pattern, name))
		return;
	dwfl_module_getelf(f->mod, &bias);
	for (k = 0; k < v->len && v->v[k]->vaddr + bias != addr; k++)
		;
	if (k < v->len)		/* an alias of a symbol already there */
		return;
	s = NEW(DwSite);
	s->func = arena_strdup(name);
	s->file = "";
	s->entry = true;
	s->module = f->module;
	user_site(f, s, addr);
	s->addr = s->vaddr;
	symbol_scope(f, s, addr);
	vec_push(v, s);
}

/* Each symbol of ELF's sections of TYPE (SHT_SYMTAB, SHT_DYNSYM), with
 * its name (NULL if unreadable), to FN. */
static void each_elf_symbol(Elf *elf, Elf64_Word type,
			    void (*fn)(void *arg, const char *name,
				       const GElf_Sym *sym), void *arg)
{
	Elf_Scn *scn = NULL;

	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 24);
		for (i = 1; i < n; i++) {
			GElf_Sym sym;

			if (gelf_getsym(data, (int)i, &sym))
				fn(arg, elf_strptr(elf, sh.sh_link,
						   sym.st_name), &sym);
		}
	}
}

typedef struct DynsymScan {
	DwFile *f;
	DwSiteVec *v;
	const char *pattern;
	Dwarf_Addr bias;
} DynsymScan;

static void dynsym_one(void *arg, const char *name, const GElf_Sym *sym)
{
	DynsymScan *d = arg;

	add_symbol(d->f, d->v, name, sym, sym->st_value + d->bias,
		   d->pattern);
}

/* The binary's own .dynsym: libdwfl reads the debuginfo's .symtab when
 * there is one, which lacks the exported versioned names
 * (pthread_mutex_lock@@GLIBC_2.2.5). */
static void add_dynsym(DwFile *f, DwSiteVec *v, const char *pattern)
{
	DynsymScan d = { f, v, pattern, 0 };
	Elf *elf = dwfl_module_getelf(f->mod, &d.bias);

	each_elf_symbol(elf, SHT_DYNSYM, dynsym_one, &d);
}

/* The defined function symbols of PATH (its symbol table, and its
 * .dynsym) matching PATTERN, one site each at its entry, by address; -1
 * if PATH is not a binary.  Without DWARF these are all there is; with
 * it, the names DWARF does not have (aliases), scoped by it. */
int dwarf_user_symbols(const char *path, const char *pattern, DwSite ***out)
{
	DwFile *f = user_file(path);
	DwSiteVec v = { 0 };
	int i, n;

	*out = NULL;
	if (!f)
		return -1;
	n = dwfl_module_getsymtab(f->mod);
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(f->mod, i, &sym,
							   &addr, NULL, NULL,
							   NULL);

		add_symbol(f, &v, name, &sym, addr, pattern);
	}
	add_dynsym(f, &v, pattern);
	if (v.len)
		qsort(v.v, (size_t)v.len, sizeof(DwSite *), by_address);
	*out = v.v;
	return v.len;
}

bool dwarf_user_in_cu(const char *path, uint64_t vaddr)
{
	DwFile *f = user_file(path);
	Dwarf_Addr bias = 0;

	if (!f || !f->dw)
		return false;
	dwfl_module_getelf(f->mod, &bias);
	return dwfl_module_addrdie(f->mod, vaddr + bias, &bias) != NULL;
}

const char *dwarf_source(void)
{
	return F && F->path ? F->path : D.kernel.path;
}

uint64_t dwarf_anchor(void)
{
	return D.anchor;
}

/* nm's letter for SYM, to a dwarf_each_symbol callback. */
static void symbol_letter(void *arg, const char *name, const GElf_Sym *sym)
{
	void (*fn)(const char *name, char type, uint64_t addr) =
		*(void (**)(const char *, char, uint64_t))arg;
	int type = GELF_ST_TYPE(sym->st_info);
	int bind = GELF_ST_BIND(sym->st_info);
	char t = type == STT_FUNC ? 't' : type == STT_OBJECT ? 'd' : 'a';

	if (!name || !*name)
		return;
	if (bind == STB_WEAK)
		t = type == STT_FUNC ? 'W' : 'V';
	else if (bind == STB_GLOBAL)
		t = (char)(t - 'a' + 'A');
	fn(name, t, sym->st_value);
}

/* Each symbol of the kernel debuginfo's symbol table, with nm's letter
 * for its type (kernel.c's list, our lookups). */
void dwarf_each_symbol(void (*fn)(const char *name, char type,
				  uint64_t addr))
{
	each_elf_symbol(D.kernel.elf, SHT_SYMTAB, symbol_letter, &fn);
}

static void note_global(const char *name, char t, uint64_t addr)
{
	if (t >= 'A' && t <= 'Z' && !table_get(&D.symbols, name))
		table_put(&D.symbols, arena_strdup(name),
			  (void *)(uintptr_t)addr);
}

/* A global symbol's link address, 0 if none. */
uint64_t dwarf_symbol(const char *want)
{
	if (!D.symbols.len)
		dwarf_each_symbol(note_global);
	return (uint64_t)(uintptr_t)table_get(&D.symbols, want);
}

void dwarf_close(void)
{
	int i;

	close_file(&D.kernel);
	for (i = 0; i < D.modules.cap; i++)
		if (D.modules.keys && D.modules.keys[i])
			close_file(D.modules.vals[i]);
	memset(&D, 0, sizeof(D));
	F = NULL;
	found_path = wanted_module = NULL;
}

/* ---- the spec: FUNC[@FILE[:LINE[-LINE]|:*]] ---- */

typedef struct Spec {
	const char *func, *file;
	int lo, hi;		/* lines; 0, 0: any */
	int rel;		/* f@file+N: the line N after f's declaration */
	bool every_line;	/* f@file:*: each line of f with code */
	bool statement;		/* kernel.statement: line-table addresses */
	int which;		/* DW_ALL, DW_CALL (out of line), DW_INLINE */
	const char *label;	/* .label("name"): labels in the function */
} Spec;

static bool parse_spec(const char *text, Spec *s, const Token *at)
{
	const char *a = strchr(text, '@'), *colon;
	char *end;

	s->func = a ? arena_strndup(text, (size_t)(a - text)) : text;
	if (!a)
		return true;
	colon = a + 1 + strcspn(a + 1, ":+");
	s->file = arena_strndup(a + 1, (size_t)(colon - a - 1));
	if (!*s->file) {
		sem_error(at, "\"%s\": no file after '@'", text);
		return false;
	}
	if (*colon == '+') {
		s->rel = (int)strtol(colon + 1, &end, 10);
		if (*end || s->rel <= 0 || !s->statement) {
			sem_error(at, "\"%s\": +N, a line after the function's"
				  " declaration, is for statements, with N > 0",
				  text);
			return false;
		}
		return true;
	}
	if (!*colon)
		return true;
	if (!strcmp(colon + 1, "*")) {
		s->every_line = s->statement;
		return true;
	}
	s->lo = (int)strtol(colon + 1, &end, 10);
	s->hi = s->lo;
	if (*end == '-')
		s->hi = (int)strtol(end + 1, &end, 10);
	if (*end || s->lo <= 0 || s->hi < s->lo) {
		sem_error(at, "\"%s\": a line is N, N-M or *, not \"%s\"",
			  text, colon + 1);
		return false;
	}
	return true;
}

/* "fs/open.c" for "/build/linux/fs/open.c" under the CU's directory. */
static const char *relative(const char *file, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	if (file && n && !strncmp(file, dir, n) && file[n] == '/')
		return file + n + 1;
	return file;
}

static bool file_matches(const char *pat, const char *file)
{
	if (!pat)
		return true;
	if (!file)
		return false;
	return glob_match(pat, file) ||
	       glob_match(arena_printf("*/%s", pat), file);
}

/* ---- finding sites ---- */

/* Where code of DIE starts: its entry_pc or low_pc when one of its
 * non-empty ranges holds it, else the lowest start of those.  A function
 * split into hot and .cold parts has only ranges; GCC may put an inlined
 * copy's entry_pc on an empty range (a "view" where none of its code
 * runs), where addr2line -i and the copy's variables do not see it. */
static bool entry_of(Dwarf_Die *die, Dwarf_Addr *pc)
{
	Dwarf_Addr base, start, end, low = 0, entry = 0;
	ptrdiff_t off = 0;

	if (dwarf_entrypc(die, &entry) != 0)
		entry = 0;
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		if (!start || end <= start)
			continue;
		if (entry >= start && entry < end) {
			*pc = entry;
			return true;
		}
		if (!low || start < low)
			low = start;
	}
	*pc = low;
	return low != 0;
}

static int by_sym_addr(const void *a, const void *b)
{
	const FuncSym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void note_func(const char *name, char t, uint64_t addr)
{
	if (strchr("tTwW", t))
		vec_push(&D.fsyms, ((FuncSym){ addr, arena_strdup(name) }));
}

/* The function symbol starting at ADDR, or NULL. */
static const char *symbol_at(uint64_t addr)
{
	FuncSym key = { addr, NULL }, *f;

	if (!D.fsyms.len) {
		dwarf_each_symbol(note_func);
		qsort(D.fsyms.v, (size_t)D.fsyms.len, sizeof(FuncSym), by_sym_addr);
	}
	f = bsearch(&key, D.fsyms.v, (size_t)D.fsyms.len, sizeof(FuncSym),
		    by_sym_addr);
	return f ? f->name : NULL;
}

/* Code a probe cannot take: the kernel's init and exit text (freed, or
 * not in the image), a module's .init.* and .exit.* sections. */
static bool refused(uint64_t addr)
{
	Dwarf_Addr a = addr, bias;
	Elf_Scn *scn;
	Elf *elf;
	GElf_Shdr sh;
	size_t shstrndx;
	const char *name;

	if (F->user)		/* uprobes take any code of the file */
		return false;
	if (!F->module)
		return (addr >= F->init_lo && addr < F->init_hi) ||
		       (addr >= F->exit_lo && addr < F->exit_hi);
	scn = dwfl_module_address_section(F->mod, &a, &bias);
	elf = dwfl_module_getelf(F->mod, &bias);
	if (!scn || !elf || !gelf_getshdr(scn, &sh) ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0 ||
	    !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
		return true;
	return !strncmp(name, ".init", 5) || !strncmp(name, ".exit", 5);
}

/* A module's function symbol holding ADDR, and ADDR's offset in it:
 * kprobes take "module:symbol" plus an offset. */
static const char *module_symbol(uint64_t addr, uint64_t *off)
{
	GElf_Off o = 0;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(F->mod, addr, &o, &sym, NULL,
						NULL, NULL);

	*off = o;
	return name;
}

/* GCC's partial inlining leaves f.part.N, a fragment the rest of f
 * calls: probing it too would count one call of f twice. */
static bool is_fragment(uint64_t addr)
{
	uint64_t off = 0;
	const char *name = F->user ? user_symbol(F, addr + F->dwbias, &off) :
			   F->module ? module_symbol(addr, &off) :
			   symbol_at(addr);

	return name && !off && strstr(name, ".part.");
}

typedef struct Scan {
	const Spec *spec;
	DwSiteVec *out;
	Dwarf_Die cu;
	const char *dir;	/* the CU's compilation directory */
	const char *outer;	/* the out-of-line function we are in */
	uint64_t outer_off;
	int want;		/* statements: the line asked for, and */
	int below, above;	/* the lines with code nearest it */
	bool function_seen;	/* statements: a function matched */
} Scan;


static DwSite *new_site(Scan *sc, Dwarf_Die *die, const char *name,
			uint64_t addr, bool inlined)
{
	DwSite *s = NEW(DwSite);
	int line = 0;

	s->func = arena_strdup(name);
	s->file = arena_strdup(relative(dwarf_decl_file(die), sc->dir) ?
			       relative(dwarf_decl_file(die), sc->dir) : "");
	dwarf_decl_line(die, &line);
	s->line = line;
	s->addr = addr;
	s->inlined = inlined;
	s->entry = true;
	s->cu = dwarf_dieoffset(&sc->cu);
	s->scope = dwarf_dieoffset(die);
	s->frame = sc->outer_off;
	s->container = sc->outer;
	s->module = F->module;
	if (F->user)
		user_site(F, s, addr + F->dwbias);
	else if (F->module)
		s->symbol = module_symbol(addr, &s->offset);
	return s;
}

static bool function_matches(const Spec *sp, Dwarf_Die *die, const char *dir)
{
	int line = 0;

	if (sp->file && !file_matches(sp->file,
				      relative(dwarf_decl_file(die), dir)))
		return false;
	if (sp->lo && !sp->statement &&
	    (dwarf_decl_line(die, &line) != 0 || line < sp->lo ||
	     line > sp->hi))
		return false;
	return true;
}

/* A line of the range and the lowest statement address of its code. */
typedef struct LineAt {
	int line;
	Dwarf_Addr addr;
	const char *file;
} LineAt;

static int by_line(const void *a, const void *b)
{
	const LineAt *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* The nearest lines around a line without code, for the error. */
static void note_near(Scan *sc, int ln)
{
	int want = sc->want;

	if (ln < want && ln > sc->below)
		sc->below = ln;
	if (ln > want && (!sc->above || ln < sc->above))
		sc->above = ln;
}

/* Does row I (line LN at address A) begin code of its line, not only a
 * view?  GCC writes several rows at one address, and the instructions
 * there belong to the last of them; ":*" asks for the lines with code. */
static bool has_code(Dwarf_Lines *lines, size_t i, size_t n, Dwarf_Addr a,
		     int ln)
{
	int owner = ln;

	for (i++; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr next;

		if (dwarf_lineaddr(l, &next))
			return false;
		if (next != a)
			return next > a && owner == ln;
		if (dwarf_lineno(l, &owner))
			return false;
	}
	return false;
}

/* The lowest is_stmt address of each line of LO..HI in DIE's code: one
 * pass over the CU's line table. */
static void statements(Scan *sc, Dwarf_Die *die, const char *name,
		       bool inlined)
{
	VEC(LineAt) at = { 0 };
	Dwarf_Lines *lines;
	size_t n, i;
	int k, lo = sc->spec->lo, hi = sc->spec->hi, decl = 0;

	if (sc->spec->rel) {	/* f@file+N */
		dwarf_decl_line(die, &decl);
		lo = hi = decl + sc->spec->rel;
	} else if (sc->spec->every_line) {
		lo = 1;
		hi = INT_MAX;
	}
	sc->want = lo;
	if (dwarf_getsrclines(&sc->cu, &lines, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *file = relative(dwarf_linesrc(l, NULL, NULL), sc->dir);
		Dwarf_Addr a;
		int ln;
		bool stmt;

		if (dwarf_lineno(l, &ln) || dwarf_lineaddr(l, &a) ||
		    dwarf_linebeginstatement(l, &stmt) || !stmt ||
		    !file_matches(sc->spec->file, file) ||
		    dwarf_haspc(die, a) != 1 ||
		    (sc->spec->every_line && !has_code(lines, i, n, a, ln)))
			continue;
		if (ln < lo || ln > hi) {
			note_near(sc, ln);
			continue;
		}
		for (k = 0; k < at.len && at.v[k].line != ln; k++)
			;
		if (k == at.len)
			vec_push(&at, ((LineAt){ ln, a, file }));
		else if (a < at.v[k].addr)
			at.v[k].addr = a;
	}
	if (at.len)
		qsort(at.v, (size_t)at.len, sizeof(LineAt), by_line);
	for (k = 0; k < at.len; k++) {
		DwSite *s;

		if (refused(at.v[k].addr))
			continue;
		s = new_site(sc, die, name, at.v[k].addr, inlined);
		s->line = at.v[k].line;
		s->entry = false;
		s->statement = true;
		s->file = arena_strdup(at.v[k].file ? at.v[k].file : s->file);
		vec_push(sc->out, s);
	}
}

/* .label("name"): the labels of FUNC's code (in its blocks, not in
 * functions inlined into it), where the compiler kept an address. */
static void labels(Scan *sc, Dwarf_Die *func, Dwarf_Die *parent,
		   const char *name, bool inlined)
{
	Dwarf_Die d;

	if (dwarf_child(parent, &d) != 0)
		return;
	do {
		int tag = dwarf_tag(&d);
		const char *ln = dwarf_diename(&d);
		Dwarf_Addr pc;

		if (tag == DW_TAG_lexical_block) {
			labels(sc, func, &d, name, inlined);
		} else if (tag == DW_TAG_label && ln &&
			   glob_match(sc->spec->label, ln) &&
			   dwarf_lowpc(&d, &pc) == 0 && pc && !refused(pc)) {
			DwSite *s = new_site(sc, func, name, pc, inlined);

			s->entry = false;
			s->label = arena_strdup(ln);
			vec_push(sc->out, s);
		}
	} while (dwarf_siblingof(&d, &d) == 0);
}

static void found(Scan *sc, Dwarf_Die *die, const char *name, bool inlined)
{
	Dwarf_Addr pc;

	if (!function_matches(sc->spec, die, sc->dir))
		return;
	sc->function_seen = true;
	if (sc->spec->statement) {
		statements(sc, die, name, inlined);
		return;
	}
	if (sc->spec->label) {
		labels(sc, die, die, name, inlined);
		return;
	}
	if ((inlined && sc->spec->which == DW_CALL) ||
	    (!inlined && sc->spec->which == DW_INLINE))
		return;
	if (!entry_of(die, &pc) || refused(pc) || (!inlined && is_fragment(pc)))
		return;
	vec_push(sc->out, new_site(sc, die, name, pc, inlined));
}

/* Can a CU hold a match?  A .c pattern names its CU; a header any. */
static bool cu_may_match(const Spec *sp, const char *cu_name)
{
	size_t n = sp->file ? strlen(sp->file) : 0;

	if (!sp->file || n < 2 || strcmp(sp->file + n - 2, ".c"))
		return true;
	return file_matches(sp->file, cu_name);
}

/*
 * The function index: every code-bearing DIE (an out-of-line function
 * with code, an inlined copy; lexical blocks are walked through), by
 * name, with its CU and the out-of-line function it is in.  A lookup then
 * reads only the DIEs whose names match, where a scan reads every DIE of
 * the kernel (about 9 G instructions for Debian's vmlinux: most of a cold
 * -p4).  It is built by one scan, on the first lookup in a file (the
 * kernel's or a module's), and kept in the cache under the file's build
 * id (CACHE/dwarf/ID.idx), so later runs map it and scan nothing.
 * Entries are by name, then DIE offset: the order a scan finds them, so
 * sites come out exactly as a scan's.
 */
#define IDX_MAGIC "stapdwx2"	/* x1: entries unaligned after names */

typedef struct IdxEntry {
	uint64_t die, cu, outer;
	uint32_t name;			/* offset in the strings */
	uint32_t inlined;
} IdxEntry;

typedef struct IdxName {
	uint32_t str, first, count;	/* entries first .. first + count */
} IdxName;

typedef struct IdxHeader {
	char magic[8];
	uint64_t nnames, nentries, strsize;
	char build_id[48];
} IdxHeader;

_Static_assert(sizeof(IdxHeader) % _Alignof(IdxEntry) == 0,
	       "the names after the header are aligned too");

/* The names' bytes in the file, padded so that the entries after them
 * are aligned (they are read in place, mapped). */
static uint64_t names_bytes(uint64_t nnames)
{
	const uint64_t align = _Alignof(IdxEntry);

	return (nnames * sizeof(IdxName) + align - 1) / align * align;
}

typedef struct DwIndex {
	const IdxName *names;
	const IdxEntry *entries;
	const char *strs;
	uint64_t nnames, nentries, strsize;
	Table by_name;			/* name -> IdxName, made when asked */
} DwIndex;

typedef struct IdxBuild {
	VEC(IdxEntry) e;
	Buf strs;
	Table ids;			/* name -> its string offset + 1 */
	uint64_t cu, outer;
} IdxBuild;

static void index_children(IdxBuild *b, Dwarf_Die *parent)
{
	Dwarf_Die d;

	if (dwarf_child(parent, &d) != 0)
		return;
	do {
		int tag = dwarf_tag(&d);
		uint64_t saved = b->outer;
		const char *name;
		Dwarf_Addr pc;
		uintptr_t id;

		if (tag == DW_TAG_lexical_block) {
			index_children(b, &d);
			continue;
		}
		if (tag != DW_TAG_subprogram &&
		    tag != DW_TAG_inlined_subroutine)
			continue;
		if (tag == DW_TAG_subprogram && !entry_of(&d, &pc))
			continue;
		if (tag == DW_TAG_subprogram)
			b->outer = dwarf_dieoffset(&d);
		if ((name = dwarf_diename(&d))) {
			if (!(id = (uintptr_t)table_get(&b->ids, name))) {
				id = (uintptr_t)b->strs.len + 1;
				buf_puts(&b->strs, name);
				buf_putc(&b->strs, 0);
				table_put(&b->ids, arena_strdup(name), (void *)id);
			}
			vec_push(&b->e, ((IdxEntry){ dwarf_dieoffset(&d), b->cu,
				 b->outer, (uint32_t)(id - 1),
				 tag == DW_TAG_inlined_subroutine }));
		}
		index_children(b, &d);
		b->outer = saved;
	} while (dwarf_siblingof(&d, &d) == 0);
}

static int by_name_then_die(const void *a, const void *b)
{
	const IdxEntry *x = a, *y = b;

	if (x->name != y->name)
		return x->name < y->name ? -1 : 1;
	return (x->die > y->die) - (x->die < y->die);
}

static DwIndex *build_index(void)
{
	IdxBuild b = { 0 };
	DwIndex *ix = NEW(DwIndex);
	VEC(IdxName) names = { 0 };
	Dwarf_Off off = 0, next;
	size_t hsize;
	int i;

	buf_putc(&b.strs, 0);	/* offset 0: no name */
	while (dwarf_nextcu(F->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(F->dw, off + hsize, &cu)) {
			b.cu = off + hsize;
			b.outer = 0;
			index_children(&b, &cu);
		}
		off = next;
	}
	if (b.e.len)
		qsort(b.e.v, (size_t)b.e.len, sizeof(IdxEntry), by_name_then_die);
	for (i = 0; i < b.e.len; i++)
		if (!names.len || names.v[names.len - 1].str != b.e.v[i].name)
			vec_push(&names, ((IdxName){ b.e.v[i].name, (uint32_t)i, 1 }));
		else
			names.v[names.len - 1].count++;
	ix->names = names.v;
	ix->nnames = (uint64_t)names.len;
	ix->entries = b.e.v;
	ix->nentries = (uint64_t)b.e.len;
	ix->strsize = b.strs.len;
	ix->strs = arena_alloc(b.strs.len);
	memcpy((char *)ix->strs, b.strs.s, b.strs.len);
	buf_free(&b.strs);
	return ix;
}

static const char *index_path(void)
{
	return arena_printf("%s/dwarf/%s.idx", cache_dir(), F->build_id);
}

/* Every offset of a mapped index inside it: a damaged file is rebuilt,
 * never read out of bounds. */
static bool index_sane(const DwIndex *ix)
{
	uint64_t i, strsize = ix->strsize;

	if (!strsize || ix->strs[strsize - 1])
		return false;
	for (i = 0; i < ix->nnames; i++)
		if (ix->names[i].str >= strsize ||
		    (uint64_t)ix->names[i].first + ix->names[i].count >
		    ix->nentries)
			return false;
	for (i = 0; i < ix->nentries; i++)
		if (ix->entries[i].name >= strsize)
			return false;
	return true;
}

/* The cached index of F, mapped; NULL if there is none or it is not F's. */
static DwIndex *load_index(void)
{
	int fd = open(index_path(), O_RDONLY | O_CLOEXEC);
	DwIndex *ix = NULL;
	const IdxHeader *h;
	struct stat st;
	void *m;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(*h) ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
		      0)) == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	close(fd);
	h = m;
	if (!memcmp(h->magic, IDX_MAGIC, 8) && !strcmp(h->build_id, F->build_id) &&
	    h->nnames < (uint64_t)st.st_size && h->nentries <
	    (uint64_t)st.st_size && sizeof(*h) + names_bytes(h->nnames) +
	    h->nentries * sizeof(IdxEntry) + h->strsize ==
	    (uint64_t)st.st_size) {
		ix = NEW(DwIndex);
		ix->nnames = h->nnames;
		ix->nentries = h->nentries;
		ix->names = (const IdxName *)(h + 1);
		ix->entries = (const IdxEntry *)((const char *)ix->names +
						 names_bytes(h->nnames));
		ix->strs = (const char *)(ix->entries + h->nentries);
		ix->strsize = h->strsize;
		if (!index_sane(ix))
			ix = NULL;
	}
	if (!ix)
		munmap(m, (size_t)st.st_size);	/* stale or damaged: rebuilt */
	else
		F->index_map = m, F->index_len = (size_t)st.st_size;
	return ix;
}

/* Into the cache, whole or not at all (a temporary file renamed). */
static void save_index(const DwIndex *ix)
{
	const char *path = index_path(), *tmp = arena_printf("%s.%d", path,
							      (int)getpid());
	IdxHeader h = { .nnames = ix->nnames, .nentries = ix->nentries,
			.strsize = ix->strsize };
	static const char pad[16];
	size_t pad_len = names_bytes(ix->nnames) - ix->nnames * sizeof(IdxName);
	FILE *out;
	bool ok;

	memcpy(h.magic, IDX_MAGIC, 8);
	snprintf(h.build_id, sizeof(h.build_id), "%s", F->build_id);
	if (!make_dirs(arena_printf("%s/dwarf", cache_dir())) ||
	    !(out = fopen(tmp, "wb")))
		return;		/* no cache: the next run scans again */
	ok = fwrite(&h, sizeof(h), 1, out) == 1 &&
	     fwrite(ix->names, sizeof(IdxName), ix->nnames, out) == ix->nnames &&
	     fwrite(pad, 1, pad_len, out) == pad_len &&
	     fwrite(ix->entries, sizeof(IdxEntry), ix->nentries, out) ==
	     ix->nentries && fwrite(ix->strs, 1, ix->strsize, out) ==
	     ix->strsize;
	if (fclose(out) != 0 || !ok || rename(tmp, path) != 0)
		unlink(tmp);
}

static DwIndex *file_index(void)
{
	if (F->index)
		return F->index;
	if (F->build_id && (F->index = load_index()))
		return F->index;
	F->index = build_index();
	if (F->build_id)
		save_index(F->index);
	return F->index;
}

static int by_die(const void *a, const void *b)
{
	const IdxEntry *x = *(const IdxEntry *const *)a;
	const IdxEntry *y = *(const IdxEntry *const *)b;

	return (x->die > y->die) - (x->die < y->die);
}

/*
 * The next name of the index from *AT on that PATTERN matches, or NULL;
 * *AT is left on it.  A plain name is looked up in a table made on the
 * first such question (a tapset asks for ~1,400 functions one by one:
 * a scan of 60,000 names each was most of pass 2).
 */
static const IdxName *name_or_next(DwIndex *ix, const char *pattern,
				   uint64_t *at)
{
	uint64_t i;

	if (!is_glob(pattern)) {
		if (!ix->by_name.len)
			for (i = 0; i < ix->nnames; i++)
				table_put(&ix->by_name,
					  ix->strs + ix->names[i].str,
					  (void *)&ix->names[i]);
		*at = ix->nnames;
		return table_get(&ix->by_name, pattern);
	}
	for (i = *at; i < ix->nnames; i++)
		if (glob_match(pattern, ix->strs + ix->names[i].str)) {
			*at = i;
			return &ix->names[i];
		}
	*at = ix->nnames;
	return NULL;
}

/* What scanning every CU would find, from the index: the entries whose
 * names match, in DIE order, each with its CU and outer function. */
static void scan_index(Scan *sc)
{
	DwIndex *ix = file_index();
	VEC(const IdxEntry *) hits = { 0 };
	uint64_t cu = 0, i;
	bool cu_ok = false;
	int k;

	for (i = 0; i < ix->nnames; i++) {
		const IdxName *n = name_or_next(ix, sc->spec->func, &i);

		if (n)
			for (uint32_t j = 0; j < n->count; j++)
				vec_push(&hits, &ix->entries[n->first + j]);
	}
	if (hits.len)
		qsort(hits.v, (size_t)hits.len, sizeof(*hits.v), by_die);
	for (k = 0; k < hits.len; k++) {
		const IdxEntry *e = hits.v[k];
		Dwarf_Die die, outer;
		Dwarf_Attribute attr;

		if (e->cu != cu) {
			cu = e->cu;
			cu_ok = dwarf_offdie(F->dw, cu, &sc->cu) != NULL;
			if (cu_ok) {
				sc->dir = dwarf_formstring(dwarf_attr(&sc->cu,
						DW_AT_comp_dir, &attr));
				cu_ok = cu_may_match(sc->spec, relative(
						dwarf_diename(&sc->cu), sc->dir));
			}
		}
		if (!cu_ok || !dwarf_offdie(F->dw, e->die, &die))
			continue;
		sc->outer_off = e->outer;
		sc->outer = e->outer && dwarf_offdie(F->dw, e->outer, &outer) ?
			    dwarf_diename(&outer) : NULL;
		found(sc, &die, ix->strs + e->name, e->inlined);
	}
}

static int by_address(const void *a, const void *b)
{
	const DwSite *x = *(DwSite *const *)a, *y = *(DwSite *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* One site per address and line: a line of an inlined copy is also in
 * its caller's code (two lines may share an address: both stay). */
static void dedupe(DwSiteVec *v)
{
	int i, k = 0;

	for (i = 0; i < v->len; i++)
		if (!k || v->v[k - 1]->addr != v->v[i]->addr ||
		    v->v[k - 1]->line != v->v[i]->line)
			v->v[k++] = v->v[i];
	v->len = k;
}

static const char *near_lines(const Scan *sc)
{
	if (sc->below && sc->above)
		return arena_printf(" (try :%d or :%d)", sc->below, sc->above);
	if (sc->below || sc->above)
		return arena_printf(" (try :%d)", sc->below ? sc->below :
				    sc->above);
	return "";
}

int dwarf_sites(const char *module, const char *text, int which,
		bool statement, const char *label, const Token *at,
		DwSite ***out)
{
	const char *key = arena_printf("%d%d%s\n%s", which, statement, text,
				       label ? label : "");
	DwSiteVec *v;
	Spec sp = { .statement = statement, .which = which, .label = label };
	Scan sc = { 0 };

	F = module ? module_dwarf(module) : &D.kernel;
	if (!F || !F->dw) {
		F = &D.kernel;
		*out = NULL;
		return 0;
	}
	v = table_get(&F->scans, key);
	if (v) {
		*out = v->v;
		return v->len;
	}
	if (!parse_spec(text, &sp, at))
		return -1;
	if (statement && !sp.lo && !sp.rel && !sp.every_line) {
		sem_error(at, "%s.statement(\"%s\") needs a line: "
			  "FUNC@FILE:LINE", F->user ? "process(...)" :
			  module ? "module(...)" : "kernel", text);
		return -1;
	}
	v = NEW(DwSiteVec);
	sc.spec = &sp;
	sc.out = v;
	scan_index(&sc);
	if (v->len)
		qsort(v->v, (size_t)v->len, sizeof(DwSite *), by_address);
	dedupe(v);
	if (statement && !v->len && sc.function_seen && sp.lo == sp.hi &&
	    !sp.every_line) {
		sem_error(at, "no line records for %s:%d in %s%s", sp.file,
			  sc.want, sp.func, near_lines(&sc));
		return -1;
	}
	table_put(&F->scans, key, v);
	*out = v->v;
	return v->len;
}

/* ---- variables: where they are at the site's address ---- */

/* A location expression turned into C, loc2c-style: a stack of C
 * expressions; at the end the top is the variable's address, or with
 * DW_OP_reg / DW_OP_stack_value / constants its value. */
typedef struct Loc {
	const DwSite *site;
	const char *stack[16];
	int depth;
	bool value;
	const char *why;	/* why it cannot be read here */
} Loc;

static bool loc_fail(Loc *l, const char *why)
{
	if (!l->why)
		l->why = why;
	return false;
}

static bool push(Loc *l, const char *code)
{
	if (l->depth == 16)
		return loc_fail(l, "its location is too complex");
	l->stack[l->depth++] = code;
	return true;
}

static const char *pop(Loc *l)
{
	return l->depth ? l->stack[--l->depth] : NULL;
}

/* x86-64's DWARF numbering: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip. */
static const char *reg(Loc *l, unsigned n)
{
	if (n > 16) {
		loc_fail(l, arena_printf("it lives in register %u, which the"
					 " runtime does not read", n));
		return NULL;
	}
	return arena_printf("stp_dwreg(c, %u)", n);
}

static bool translate(Loc *l, const Dwarf_Op *ops, size_t n, Dwarf_Die *frame);

/* The canonical frame address at the site, from the call frame info. */
static const char *cfa(Loc *l)
{
	Dwarf_Frame *f = NULL;
	Dwarf_Op *ops;
	size_t n;
	Loc inner = { .site = l->site };
	const char *code = NULL;

	if (!F->cfi || dwarf_cfi_addrframe(F->cfi, l->site->addr +
					   (uint64_t)F->cfi_adjust, &f) != 0 ||
	    dwarf_frame_cfa(f, &ops, &n) != 0) {
		loc_fail(l, "the call frame information does not cover it");
	} else if (translate(&inner, ops, n, NULL) && !inner.value &&
		   inner.depth == 1) {
		code = inner.stack[0];
	} else {
		loc_fail(l, inner.why ? inner.why : "its frame address is"
			 " computed in a way the runtime does not follow");
	}
	free(f);
	return code;
}

static bool frame_base(Loc *l, Dwarf_Die *frame, const char **code)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	Loc inner = { .site = l->site };

	if (!frame || !dwarf_attr(frame, DW_AT_frame_base, &a) ||
	    dwarf_getlocation_addr(&a, l->site->addr, &ops, &n, 1) != 1)
		return loc_fail(l, "its function has no frame base here");
	if (!translate(&inner, ops, n, NULL) || inner.depth != 1)
		return loc_fail(l, inner.why ? inner.why : "its frame base is"
				" not an address");
	*code = inner.stack[0];
	return true;
}

static bool binary(Loc *l, const char *op)
{
	const char *b = pop(l), *a = pop(l);

	if (!a || !b)
		return loc_fail(l, "its location expression is malformed");
	return push(l, arena_printf("(%s %s %s)", a, op, b));
}

/* DW_OP_entry_value(DW_OP_regN): the register at entry, which only a
 * probe on the entry itself still sees. */
static bool entry_value(Loc *l, const Dwarf_Op *op)
{
	Dwarf_Attribute a;
	Dwarf_Op *inner;
	size_t n;

	if (!l->site->entry)
		return loc_fail(l, "only its value at the function's entry is"
				" recorded, and this probe is not there");
	if (dwarf_getlocation_attr(NULL, op, &a) == 0 &&
	    dwarf_getlocation(&a, &inner, &n) == 0 && n == 1 &&
	    inner[0].atom >= DW_OP_reg0 && inner[0].atom <= DW_OP_reg31) {
		const char *r = reg(l, inner[0].atom - DW_OP_reg0);

		return r && push(l, r);
	}
	return loc_fail(l, "its value at entry is computed in a way the"
			" runtime does not follow");
}

/* Memory a location reads: the kernel's, or the probed process's. */
static const char *mem_read(void)
{
	return F->user ? "stp_uvar_read" : "stp_kread";
}

static bool one_op(Loc *l, const Dwarf_Op *op, Dwarf_Die *frame)
{
	const char *a, *code;
	uint8_t atom = op->atom;

	if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
		l->value = true;
		return (a = reg(l, atom - DW_OP_reg0)) && push(l, a);
	}
	if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31)
		return (a = reg(l, atom - DW_OP_breg0)) &&
		       push(l, arena_printf("(%s + %lldLL)", a,
					    (long long)op->number));
	if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31)
		return push(l, arena_printf("%dLL", atom - DW_OP_lit0));
	switch (atom) {
	case DW_OP_regx:
		l->value = true;
		return (a = reg(l, (unsigned)op->number)) && push(l, a);
	case DW_OP_bregx:
		return (a = reg(l, (unsigned)op->number)) &&
		       push(l, arena_printf("(%s + %lldLL)", a,
					    (long long)op->number2));
	case DW_OP_fbreg:
		return frame_base(l, frame, &code) &&
		       push(l, arena_printf("(%s + %lldLL)", code,
					    (long long)op->number));
	case DW_OP_call_frame_cfa:
		return (code = cfa(l)) && push(l, code);
	case DW_OP_addr:
		if (F->user)	/* where the process mapped the binary */
			return push(l, arena_printf("(0x%llxLL + stp_uvar_bias(c,"
				" 0x%llxLL))", (unsigned long long)op->number,
				(unsigned long long)(l->site->vaddr -
						     l->site->offset)));
		if (F->module)
			return loc_fail(l, "it is a static of the module, whose"
					" load address the runtime does not"
					" follow yet");
		if (op->number < 0x100000000ULL)
			return loc_fail(l, "it is a per-cpu variable");
		return push(l, arena_printf("(0x%llxLL + stp_kaslr(0x%llxLL))",
					    (unsigned long long)op->number,
					    (unsigned long long)D.anchor));
	case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
	case DW_OP_const8u: case DW_OP_constu:
		return push(l, arena_printf("%lluULL",
					    (unsigned long long)op->number));
	case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
	case DW_OP_const8s: case DW_OP_consts:
		return push(l, arena_printf("(%lldLL)", (long long)op->number));
	case DW_OP_plus_uconst:
		return (a = pop(l)) && push(l, arena_printf("(%s + %lluULL)", a,
				(unsigned long long)op->number));
	case DW_OP_plus: return binary(l, "+");
	case DW_OP_minus: return binary(l, "-");
	case DW_OP_mul: return binary(l, "*");
	case DW_OP_and: return binary(l, "&");
	case DW_OP_or: return binary(l, "|");
	case DW_OP_xor: return binary(l, "^");
	case DW_OP_shl: return binary(l, "<<");
	case DW_OP_shr:		/* logical: on the unsigned value */
		code = pop(l);
		return (a = pop(l)) && code &&
		       push(l, arena_printf("(int64_t)((uint64_t)%s >> %s)", a,
					    code));
	case DW_OP_shra: return binary(l, ">>");
	case DW_OP_neg:
		return (a = pop(l)) && push(l, arena_printf("(-%s)", a));
	case DW_OP_not:
		return (a = pop(l)) && push(l, arena_printf("(~%s)", a));
	case DW_OP_dup:
		return (a = pop(l)) && push(l, a) && push(l, a);
	case DW_OP_drop:
		return pop(l) != NULL;
	case DW_OP_deref:
		return (a = pop(l)) &&
		       push(l, arena_printf("%s(c, %s, 8, false)", mem_read(),
					    a));
	case DW_OP_deref_size:
		return (a = pop(l)) &&
		       push(l, arena_printf("%s(c, %s, %d, false)", mem_read(),
					    a, (int)op->number));
	case DW_OP_stack_value:
		l->value = true;
		return l->depth > 0;
	case DW_OP_implicit_value:
		if (op->number > 8)
			return loc_fail(l, "it is a constant wider than 64 bits");
		{
			Dwarf_Attribute attr;
			Dwarf_Block b;
			uint64_t v = 0;

			if (dwarf_getlocation_attr(NULL, op, &attr) ||
			    dwarf_formblock(&attr, &b))
				return loc_fail(l, "its constant is unreadable");
			memcpy(&v, b.data, b.length > 8 ? 8 : b.length);
			l->value = true;
			return push(l, arena_printf("%lluULL",
						    (unsigned long long)v));
		}
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		return entry_value(l, op);
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		return loc_fail(l, "it was optimized into a pointer to a value"
				" that has no address");
	}
	return loc_fail(l, arena_printf("its location uses DWARF operation"
					" 0x%x, which the runtime does not"
					" follow", atom));
}

static bool translate(Loc *l, const Dwarf_Op *ops, size_t n, Dwarf_Die *frame)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ops[i].atom == DW_OP_piece) {
			/* One piece holding it all is the plain case. */
			if (i + 1 == n && i > 0)
				break;
			return loc_fail(l, "it is split in pieces across"
					" registers and memory");
		}
		if (l->value && ops[i].atom != DW_OP_piece)
			return loc_fail(l, "its location expression goes on"
					" after its value");
		if (!one_op(l, &ops[i], frame))
			return false;
	}
	if (l->depth != 1)
		return loc_fail(l, "its location expression is malformed");
	return true;
}

/* ---- scopes ---- */

/* The DIEs whose variables a probe at SITE sees, innermost first: the
 * blocks down to the site's function, not those of a function inlined
 * at the same address, then the CU's globals last. */
typedef struct SiteScopes {
	Dwarf_Die *v;
	int n;
} SiteScopes;

static int find_scopes(const DwSite *s, Dwarf_Die **out);

/* The same, once a site: each $var of a probe asks (dwarf_getscopes
 * walks the CU: most of pass 2 for a tapset of 1,400 aliases). */
static int site_scopes(const DwSite *s, Dwarf_Die **out)
{
	const char *key = arena_printf("%" PRIx64 "/%" PRIx64 "/%" PRIx64,
				       s->cu, s->scope, s->addr);
	SiteScopes *sc = table_get(&F->scopes, key);

	if (!sc) {
		sc = NEW(SiteScopes);
		sc->n = find_scopes(s, &sc->v);
		table_put(&F->scopes, key, sc);
	}
	*out = sc->v;
	return sc->n;
}

static int find_scopes(const DwSite *s, Dwarf_Die **out)
{
	Dwarf_Die cu, *scopes = NULL, *v;
	int n, i, first = 0, k = 0;

	*out = NULL;
	if (!dwarf_offdie(F->dw, s->cu, &cu))
		return 0;
	n = dwarf_getscopes(&cu, s->addr, &scopes);
	v = arena_zalloc(sizeof(Dwarf_Die) * (size_t)(n > 0 ? n + 2 : 2));
	for (i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (dwarf_dieoffset(&scopes[i]) == s->scope)
			break;
		if (tag == DW_TAG_inlined_subroutine ||
		    tag == DW_TAG_subprogram)
			first = i + 1;	/* another function's: not ours */
	}
	if (i == n) {
		first = i = 0;
		n = 0;
	}
	for (k = 0; first + k < i; k++)
		v[k] = scopes[first + k];
	if (dwarf_offdie(F->dw, s->scope, &v[k]))
		k++;
	v[k++] = cu;
	free(scopes);
	*out = v;
	return k;
}

static bool is_var(Dwarf_Die *d, bool params, bool locals)
{
	Dwarf_Attribute a;
	int tag = dwarf_tag(d);

	if (dwarf_attr(d, DW_AT_declaration, &a))
		return false;
	return (params && tag == DW_TAG_formal_parameter) ||
	       (locals && tag == DW_TAG_variable);
}

/* A CU's file name matches @var's "@CU": the whole name, or its end
 * past a '/' (SystemTap's "var@file.c" for "kernel/sched/file.c"). */
static bool cu_matches(Dwarf_Die *cu, const char *pattern)
{
	const char *name = dwarf_diename(cu);

	return !*pattern || (name && (glob_match(pattern, name) ||
		glob_match(arena_printf("*/%s", pattern), name)));
}

/* @var's global NAME defined (with a location) at the top of a CU whose
 * name matches CU_PATTERN ("" for any): the file's first such. */
static bool find_global(const char *name, const char *cu_pattern,
			Dwarf_Die *var)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Attribute a;

	while (dwarf_nextcu(F->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, d;

		if (dwarf_offdie(F->dw, off + hsize, &cu) &&
		    cu_matches(&cu, cu_pattern) && dwarf_child(&cu, &d) == 0)
			do {
				const char *dn = dwarf_diename(&d);

				if (dn && !strcmp(dn, name) &&
				    is_var(&d, false, true) &&
				    dwarf_attr(&d, DW_AT_location, &a)) {
					*var = d;
					return true;
				}
			} while (dwarf_siblingof(&d, &d) == 0);
		off = next;
	}
	return false;
}

/*
 * NAME in the site's scopes, innermost first.  @var("V@CU") comes as
 * "V@CU": V among the globals of the CUs CU matches; @var("V") as "V@":
 * V in scope, else among every CU's globals (an extern variable whose
 * definition is in another file, as SystemTap finds it).
 */
static bool find_var(const DwSite *s, const char *name, Dwarf_Die *var)
{
	Dwarf_Die *scopes;
	const char *at = strchr(name, '@');
	int n, i;

	if (at && at[1])
		return find_global(arena_strndup(name, at - name), at + 1, var);
	if (at)
		name = arena_strndup(name, at - name);
	n = site_scopes(s, &scopes);

	for (i = 0; i < n; i++) {
		Dwarf_Die d;

		if (dwarf_child(&scopes[i], &d) != 0)
			continue;
		do {
			const char *dn = dwarf_diename(&d);

			if (dn && !strcmp(dn, name) && is_var(&d, true, true)) {
				*var = d;
				return true;
			}
		} while (dwarf_siblingof(&d, &d) == 0);
	}
	return at && find_global(name, "", var);
}

/* The file a site's variables come from. */
static bool use_file(const DwSite *s)
{
	F = s->module ? module_dwarf(s->module) : &D.kernel;
	return F && F->dw;
}

bool dwarf_in_scope(const DwSite *s, const char *name)
{
	Dwarf_Die var;

	return use_file(s) && find_var(s, name, &var);
}

int dwarf_variables(const DwSite *s, bool params, bool locals,
		    const char ***names)
{
	VEC(const char *) v = { 0 };
	Table seen = { 0 };
	Dwarf_Die *scopes;
	int n = use_file(s) ? site_scopes(s, &scopes) : 0, i;

	/* The function's parameters and locals in declaration order, then
	 * those of each inner block; not the CU's globals. */
	for (i = n - 2; i >= 0; i--) {
		Dwarf_Die d;

		if (dwarf_child(&scopes[i], &d) != 0)
			continue;
		do {
			const char *dn = dwarf_diename(&d);

			if (dn && is_var(&d, params, locals) &&
			    !table_get(&seen, dn)) {
				table_put(&seen, dn, "");
				vec_push(&v, arena_strdup(dn));
			}
		} while (dwarf_siblingof(&d, &d) == 0);
	}
	*names = v.v;
	return v.len;
}

/* ---- types: the BTF twin of a DWARF type ---- */

static int strip_mods(const struct btf *b, int id)
{
	const struct btf_type *t = btf__type_by_id(b, (uint32_t)id);

	while (t && btf_is_mod(t)) {
		id = (int)t->type;
		t = btf__type_by_id(b, (uint32_t)id);
	}
	return id;
}

/* A pointer to ID (qualifiers aside): BTF has one for most types. */
static int pointer_to(const struct btf *b, int id)
{
	uint32_t i, n = btf__type_cnt(b);

	if (!F->ptr_to.len) {
		for (i = 0; i < n; i++)
			vec_push(&F->ptr_to, 0);
		for (i = 1; i < n; i++) {
			const struct btf_type *t = btf__type_by_id(b, i);
			int to;

			if (!btf_is_ptr(t))
				continue;
			to = strip_mods(b, (int)t->type);
			if (!F->ptr_to.v[to])
				F->ptr_to.v[to] = (int)i;
		}
	}
	return id >= 0 && id < F->ptr_to.len ? F->ptr_to.v[id] : 0;
}

static int named(const struct btf *b, Dwarf_Die *t, int kind, int kind2)
{
	const char *name = dwarf_diename(t);
	int id;

	if (!name)
		return -1;
	id = btf__find_by_name_kind(b, name, kind);
	if (id <= 0 && kind2)
		id = btf__find_by_name_kind(b, name, kind2);
	return id > 0 ? id : -1;
}

static int array_of(const struct btf *b, int elem, Dwarf_Die *t)
{
	Dwarf_Die sub;
	Dwarf_Word count = 0;
	Dwarf_Attribute a;
	uint32_t i, n = btf__type_cnt(b);

	if (dwarf_child(t, &sub) == 0) {
		if (dwarf_formudata(dwarf_attr(&sub, DW_AT_count, &a),
				    &count) != 0 &&
		    dwarf_formudata(dwarf_attr(&sub, DW_AT_upper_bound, &a),
				    &count) == 0)
			count++;
	}
	for (i = 1; i < n; i++) {
		const struct btf_type *bt = btf__type_by_id(b, i);

		if (btf_is_array(bt) && strip_mods(b, (int)btf_array(bt)->type)
		    == elem && btf_array(bt)->nelems == count)
			return (int)i;
	}
	return -1;
}

/* The BTF type id standing for DWARF type T (0 for void), or -1. */
static int btf_twin(const struct btf *b, Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Die inner;
	bool has_inner = dwarf_attr_integrate(t, DW_AT_type, &a) &&
			 dwarf_formref_die(&a, &inner);
	int to;

	switch (dwarf_tag(t)) {
	case DW_TAG_const_type: case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: case DW_TAG_atomic_type:
		return has_inner ? btf_twin(b, &inner) : 0;
	case DW_TAG_pointer_type:
		to = has_inner && dwarf_tag(&inner) != DW_TAG_subroutine_type ?
		     btf_twin(b, &inner) : 0;
		to = pointer_to(b, to > 0 ? strip_mods(b, to) : 0);
		return to ? to : pointer_to(b, 0);	/* else void * */
	case DW_TAG_base_type:
		return named(b, t, BTF_KIND_INT, BTF_KIND_FLOAT);
	case DW_TAG_typedef:
		return named(b, t, BTF_KIND_TYPEDEF, 0);
	case DW_TAG_structure_type:
		return named(b, t, BTF_KIND_STRUCT, 0);
	case DW_TAG_union_type:
		return named(b, t, BTF_KIND_UNION, 0);
	case DW_TAG_enumeration_type:
		return named(b, t, BTF_KIND_ENUM, BTF_KIND_ENUM64);
	case DW_TAG_array_type:
		to = has_inner ? btf_twin(b, &inner) : -1;
		return to > 0 ? array_of(b, strip_mods(b, to), t) : -1;
	}
	return -1;
}

static const char *dwarf_type_name(Dwarf_Die *t)
{
	const char *name = dwarf_diename(t);

	return name ? name : arena_printf("<DWARF tag 0x%x>", dwarf_tag(t));
}

static bool constant(Dwarf_Die *var, DwVar *out)
{
	Dwarf_Attribute a;
	Dwarf_Sword v;

	if (!dwarf_attr_integrate(var, DW_AT_const_value, &a) ||
	    dwarf_formsdata(&a, &v) != 0)
		return false;
	out->code = arena_printf("(%lldLL)", (long long)v);
	out->addr = false;
	return true;
}

bool dwarf_variable(const DwSite *s, const char *name, DwVar *out)
{
	const struct btf *b;
	Dwarf_Die var, frame, type;
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	Loc l = { .site = s };

	memset(out, 0, sizeof(*out));
	if (!use_file(s)) {
		out->why = "its DWARF is gone";
		return false;
	}
	b = F->user ? dwarf_user_btf(s->module) : s->module ? F->btf :
	    kernel_btf();
	if (!find_var(s, name, &var)) {
		out->why = "no such variable in scope here";
		return false;
	}
	out->param = dwarf_tag(&var) == DW_TAG_formal_parameter;
	if (!b) {
		out->why = s->module ? arena_printf("its type needs module %s's"
						    " BTF", s->module) :
			   arena_printf("its type needs the kernel's BTF (%s)",
					kernel_btf_source());
		return false;
	}
	if (!dwarf_attr_integrate(&var, DW_AT_type, &a) ||
	    !dwarf_formref_die(&a, &type)) {
		out->why = "it has no type";
		return false;
	}
	if (F->user && (out->type = ubtf_type(F->ubtf, &type, &out->why)) < 0)
		return false;
	if (!F->user)
		out->type = btf_twin(b, &type);
	if (out->type < 0) {
		out->why = arena_printf("its type '%s' has no twin in the"
					" kernel's BTF", dwarf_type_name(&type));
		return false;
	}
	if (!dwarf_attr(&var, DW_AT_location, &a)) {
		if (constant(&var, out))
			return true;
		out->why = "it was optimized out";
		return false;
	}
	if (dwarf_getlocation_addr(&a, s->addr, &ops, &n, 1) != 1 || !n) {
		out->why = "it is not available at this address (optimized"
			   " out here)";
		return false;
	}
	if (!translate(&l, ops, n, dwarf_offdie(F->dw, s->frame, &frame) ?
		       &frame : NULL)) {
		out->why = l.why;
		return false;
	}
	out->code = l.stack[0];
	out->addr = !l.value;
	if (n >= 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		out->reg = ops[0].atom - DW_OP_reg0 + 1;
	else if (n >= 1 && ops[0].atom == DW_OP_regx)
		out->reg = (int)ops[0].number + 1;
	return true;
}

/* The BTF type of what site S's function returns (0: void) in a user
 * binary; -1 with *WHY. */
int dwarf_return_type(const DwSite *s, const char **why)
{
	Dwarf_Die func, type;
	Dwarf_Attribute a;

	*why = "its DWARF is gone";
	if (!use_file(s) || !F->user || !dwarf_user_btf(s->module) ||
	    !dwarf_offdie(F->dw, s->frame, &func))
		return -1;
	*why = NULL;
	if (!dwarf_attr_integrate(&func, DW_AT_type, &a) ||
	    !dwarf_formref_die(&a, &type))
		return 0;		/* void */
	return ubtf_type(F->ubtf, &type, why);
}

/* ---- the parameters of an inlined function ---- */

/* Parameter NAME of function FUNC in the kernel's DWARF (out-of-line or
 * inlined, from its abstract declaration): its
 * position and the BTF twin of its type; false if FUNC has none such. */
bool dwarf_parameter_of(const char *func, const char *name, int *index,
			int *type)
{
	const IdxName *in;
	Dwarf_Die die, p, t;
	Dwarf_Attribute a;
	uint64_t at = 0;
	int i = 0;

	F = &D.kernel;
	if (!F->dw || !kernel_btf() || !(in = name_or_next(file_index(), func,
							     &at)) ||
	    !dwarf_offdie(F->dw, F->index->entries[in->first].die, &die))
		return false;
	/* A copy's parameters may come in any order (GCC lists an inlined
	 * copy's last first); the abstract declaration's are in order. */
	if (dwarf_attr(&die, DW_AT_abstract_origin, &a) &&
	    !dwarf_formref_die(&a, &die))
		return false;
	if (dwarf_child(&die, &p) != 0)
		return false;
	do {
		const char *pn;

		if (dwarf_tag(&p) != DW_TAG_formal_parameter)
			continue;
		pn = dwarf_diename(&p);
		if (pn && !strcmp(pn, name) &&
		    dwarf_attr_integrate(&p, DW_AT_type, &a) &&
		    dwarf_formref_die(&a, &t) &&
		    (*type = btf_twin(kernel_btf(), &t)) > 0) {
			*index = i;
			return true;
		}
		i++;
	} while (dwarf_siblingof(&p, &p) == 0);
	return false;
}

/* ---- C names of DWARF types, as SystemTap's -L spells them ---- */

/* "char const*", "int volatile", "struct file*", "char[16]". */
static const char *c_type_name(Dwarf_Die *t, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die inner;
	bool has_inner = dwarf_attr_integrate(t, DW_AT_type, &a) &&
			 dwarf_formref_die(&a, &inner);
	const char *in = has_inner && depth < 16 ?
			 c_type_name(&inner, depth + 1) : "void";
	const char *name = dwarf_diename(t);

	switch (dwarf_tag(t)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		return has_inner && dwarf_tag(&inner) == DW_TAG_subroutine_type ?
		       arena_printf("%s(*)(...)", in) : arena_printf("%s*", in);
	case DW_TAG_const_type:		/* of an array: its elements' */
		return has_inner && dwarf_tag(&inner) == DW_TAG_array_type ?
		       in : arena_printf("%s const", in);
	case DW_TAG_volatile_type:
		return has_inner && dwarf_tag(&inner) == DW_TAG_array_type ?
		       in : arena_printf("%s volatile", in);
	case DW_TAG_restrict_type:
		return arena_printf("%s restrict", in);
	case DW_TAG_structure_type:
		return arena_printf("struct %s", name ? name : "{...}");
	case DW_TAG_union_type:
		return arena_printf("union %s", name ? name : "{...}");
	case DW_TAG_enumeration_type:
		return arena_printf("enum %s", name ? name : "{...}");
	case DW_TAG_array_type:
		return arena_printf("%s[]", in);
	case DW_TAG_subroutine_type:
		return in;
	}
	return name ? name : "void";
}

const char *dwarf_variable_c_type(const DwSite *s, const char *name)
{
	Dwarf_Die var, type;
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!use_file(s) || !find_var(s, name, &var))
		return NULL;
	/* Listed only where it can be read: a constant, or a location
	 * that covers the site's address. */
	if (!dwarf_attr_integrate(&var, DW_AT_const_value, &a) &&
	    (!dwarf_attr(&var, DW_AT_location, &a) ||
	     dwarf_getlocation_addr(&a, s->addr, &ops, &n, 1) != 1 || !n))
		return NULL;
	if (!dwarf_attr_integrate(&var, DW_AT_type, &a) ||
	    !dwarf_formref_die(&a, &type))
		return "void";
	return c_type_name(&type, 0);
}
