/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_process.c - functions and statements of a user binary.
 *
 *   process("PATH"|PID).function("F")[.call|.return|.inline|.label("L")]
 *   process("PATH"|PID).statement("F@FILE:LINE")
 *
 * PATH is found as SystemTap finds it: with a '/' relative to the
 * current directory, else along $PATH, a wildcard globbed over files;
 * then made canonical (symlinks resolved), since uprobes key on the
 * file.  F resolves through the
 * binary's DWARF (dwarf.c: its own, or Debian's -dbgsym by debuglink or
 * build id), each site a link address and the file offset uprobes need;
 * without DWARF through its symbol table, function entries only.
 * Every process that maps the binary is probed, as SystemTap does;
 * process(PID) takes the binary /proc/PID/exe names at pass 2 and
 * fires in that process (all its threads) only.
 */
#include <elf.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stap.h"

static bool is_program(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* NAME along $PATH, or NULL. */
static const char *search_path(const char *name)
{
	const char *env = getenv("PATH");
	char *dirs = arena_strdup(env ? env : "/usr/bin:/bin"), *save = NULL;
	const char *d, *p;

	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		p = arena_printf("%s/%s", *d ? d : ".", name);
		if (is_program(p) && access(p, X_OK) == 0)
			return p;
	}
	return NULL;
}

/* process(PID)'s binary: what /proc/PID/exe names, read at pass 2 as
 * SystemTap does; NULL after saying why. */
static const char *pid_binary(const Component *p)
{
	const char *exe = arena_printf("/proc/%lld/exe",
				       (long long)p->param->num);
	char real[PATH_MAX];

	if (p->param->num <= 0 || !realpath(exe, real) || !is_program(real)) {
		sem_error(p->param->tok, "process(%lld): no such process, or"
			  " its binary cannot be read", (long long)p->param->num);
		return NULL;
	}
	return arena_strdup(real);
}

/* A plain process's binary, as SystemTap takes it: -x's process's, or
 * the program -c's command runs (its first word, along $PATH). */
static const char *target_binary(const Component *p)
{
	const char *cmd = S->target_cmd, *found;
	char real[PATH_MAX], *word;

	if (S->target_pid) {
		found = arena_printf("/proc/%ld/exe", S->target_pid);
		if (realpath(found, real) && is_program(real))
			return arena_strdup(real);
		sem_error(p->tok, "process: -x %ld: no such process, or its"
			  " binary cannot be read", S->target_pid);
		return NULL;
	}
	if (!cmd) {
		sem_error(p->tok, "a process probe without a path or pid"
			  " needs -c CMD or -x PID");
		return NULL;
	}
	word = arena_strdup(cmd + strspn(cmd, " \t"));
	word[strcspn(word, " \t")] = 0;
	found = strchr(word, '/') ? word : search_path(word);
	if (!found || !realpath(found, real) || !is_program(real)) {
		sem_error(p->tok, "process: -c's program '%s' is not found",
			  word);
		return NULL;
	}
	return arena_strdup(real);
}

/* An x86-64 ELF file: a wildcard for /lib, /lib64 and the like also
 * matches Debian's /usr/lib32 libraries, which our x86-64 runtime cannot
 * probe (their registers and DWARF are i386's). */
static bool is_x86_64_elf(const char *path)
{
	unsigned char h[20];
	FILE *f = fopen(path, "rb");
	bool yes;

	if (!f)
		return false;
	yes = fread(h, 1, sizeof(h), f) == sizeof(h) && !memcmp(h, ELFMAG, 4) &&
	      h[EI_CLASS] == ELFCLASS64 && h[EI_DATA] == ELFDATA2LSB &&
	      (h[18] | h[19] << 8) == EM_X86_64;
	fclose(f);
	return yes;
}

/* The x86-64 binaries PATTERN matches, canonical, once each (a symlink
 * and its file are one binary), pushed on V; those of another
 * architecture with DWARF counted in *OTHER_ARCH. */
static void glob_binaries(const char *pattern, void *vec, int *other_arch)
{
	VEC(const char *) *v = vec;
	glob_t g;
	size_t i;
	int k;

	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		char real[PATH_MAX];

		if (!realpath(g.gl_pathv[i], real) || !is_program(real))
			continue;
		if (!is_x86_64_elf(real)) {
			*other_arch += dwarf_user_open(real) >= 0;
			continue;
		}
		if (dwarf_user_open(real) < 0)
			continue;
		for (k = 0; k < v->len && strcmp(v->v[k], real); k++)
			;
		if (k == v->len)
			vec_push(v, arena_strdup(real));
	}
	globfree(&g);
}

/*
 * A library the script names in a system folder where this machine has
 * none: SystemTap's examples write Fedora's /lib64/libc.so.6, or libc.so.*
 * in the folders /lib* match, and Debian keeps its x86-64 libraries in
 * the multiarch folders (where /lib* finds only the i386 /lib32).  If
 * PATH's folder is (or its wildcard matches) /lib, /lib64, /usr/lib or
 * /usr/lib64, the same file name is looked for in the multiarch folders
 * ld.so searches.  The binaries found, or 0.
 */
static int multiarch_libraries(const char *path, const char ***out)
{
	static const char *const system[] = { "/lib", "/lib64", "/usr/lib",
					      "/usr/lib64" };
	static const char *const multiarch[] = { "/lib/x86_64-linux-gnu",
						 "/usr/lib/x86_64-linux-gnu" };
	VEC(const char *) v = { 0 };
	const char *slash = strrchr(path, '/');
	const char *dir;
	size_t i;
	int other = 0;

	*out = NULL;
	if (!slash || !strstr(slash, ".so"))
		return 0;
	dir = arena_strndup(path, slash - path);
	for (i = 0; i < sizeof(system) / sizeof(system[0]); i++)
		if (glob_match(dir, system[i]))
			break;
	if (i == sizeof(system) / sizeof(system[0]))
		return 0;
	for (i = 0; i < sizeof(multiarch) / sizeof(multiarch[0]); i++)
		glob_binaries(arena_printf("%s%s", multiarch[i], slash), &v,
			      &other);
	*out = v.v;
	return v.len;
}

/* process("NAME")'s (or process(PID)'s) binary as a canonical absolute
 * path; NULL after saying why. */
const char *process_binary(const Component *p)
{
	const char *name, *found;
	char real[PATH_MAX];

	if (!p->param)
		return target_binary(p);
	if (p->param->kind == N_NUM)
		return pid_binary(p);
	name = p->param->str;
	if (!*name) {
		sem_error(p->param->tok, "process(\"\") needs the path or the"
			  " name of a binary");
		return NULL;
	}
	found = strchr(name, '/') ? name : search_path(name);
	if (!found || !realpath(found, real) || !is_program(real)) {
		const char **libs;

		if (multiarch_libraries(name, &libs) > 0)
			return libs[0];
		sem_error(p->param->tok, "process(\"%s\"): no such binary%s",
			  name, strchr(name, '/') ? "" : " along $PATH");
		return NULL;
	}
	return arena_strdup(real);
}

/* process("/lib64/ld-*.so.?"): SystemTap globs a path with wildcards; the
 * canonical paths of the ELF binaries it matches, once each (a symlink
 * and its file are one binary); their number, or -1 after saying why. */
int process_binaries(const Component *p, const char ***out)
{
	const char *name = !p->param || p->param->kind == N_NUM ? "" :
			   p->param->str;
	VEC(const char *) v = { 0 };
	int other_arch = 0;

	*out = NULL;
	if (!is_glob(name)) {
		const char *one = process_binary(p);

		if (!one)
			return -1;
		vec_push(&v, one);
		*out = v.v;
		return 1;
	}
	glob_binaries(name, &v, &other_arch);
	if (!v.len) {
		int n = multiarch_libraries(name, out);

		if (n > 0)
			return n;
	}
	if (!v.len)
		sem_error(p->param->tok, "process(\"%s\"): no binary matches%s",
			  name, other_arch ? " (only binaries of another "
			  "architecture than x86-64)" : "");
	*out = v.v;
	return v.len ? v.len : -1;
}

/* process("NAME") or process(PID), as the script wrote it. */
static const char *point_root(const Component *p)
{
	if (!p->param)
		return "process";
	if (p->param->kind == N_NUM)
		return arena_printf("process(%lld)", (long long)p->param->num);
	return arena_printf("process(\"%s\")", p->param->str);
}

/* What only DWARF places, asked of a binary without it. */
static int needs_dwarf(const Component *f, const char *path)
{
	sem_error(f->param->tok, "\"%s\" needs the DWARF of %s, and it has"
		  " none (install its -dbgsym package, or build it with -g)",
		  f->param->str, path);
	return -1;
}

/* A wildcard's symbol-table functions outside every CU of the DWARF (a
 * binary's _start and _init, from crt files built without -g), after
 * DWARF's own sites, as SystemTap lists them; an alias of a DWARF
 * function (glibc's malloc), or a part of one (foo.cold), is inside a
 * CU, so never probed twice. */
static int with_symbol_only(const char *path, const char *spec, DwSite ***out,
			    int n)
{
	DwSiteVec all = { .v = *out, .len = n, .cap = n };
	DwSite **syms;
	int k = dwarf_user_symbols(path, spec, &syms), i;

	for (i = 0; i < k; i++)
		if (!syms[i]->cu && !dwarf_user_in_cu(path, syms[i]->vaddr))
			vec_push(&all, syms[i]);
	*out = all.v;
	return all.len;
}

/* The sites of function (or statement) component FI of PP in PATH. */
int process_function_sites(const ProbePoint *pp, int fi, const char *path,
			   DwSite ***out)
{
	const Component *f = &pp->comps.v[fi];
	bool statement = !strcmp(f->name, "statement");
	int which = kfunc_copies(pp), n;
	const char *spec = f->param->str;

	switch (dwarf_user_open(path)) {
	case -1:
		sem_error(pp->comps.v[0].param ? pp->comps.v[0].param->tok :
			  pp->comps.v[0].tok, "%s: %s is not an ELF binary",
			  point_root(&pp->comps.v[0]), path);
		return -1;
	case 0:
		if (statement || which == DW_INLINE || kfunc_label(pp) ||
		    strchr(spec, '@') || strchr(spec, ':'))
			return needs_dwarf(f, path);
		return dwarf_user_symbols(path, spec, out);
	}
	n = dwarf_sites(path, spec, which, statement, kfunc_label(pp),
			f->param->tok, out);
	if (n == 0 && fi == 1 && kfunc_only_inlined(path, pp, spec, which))
		return -1;
	/* A name only the symbol table has (glibc's malloc is an alias of
	 * __libc_malloc), as SystemTap finds it. */
	if (n == 0 && !statement && which != DW_INLINE && !kfunc_label(pp) &&
	    !strchr(spec, '@') && !strchr(spec, ':'))
		n = dwarf_user_symbols(path, spec, out);
	else if (n > 0 && is_glob(spec) && !statement && which != DW_INLINE &&
		 !kfunc_label(pp) && !strchr(spec, '@') && !strchr(spec, ':'))
		n = with_symbol_only(path, spec, out, n);
	return n;
}

/* A site uprobes cannot take: no executable segment of the file holds
 * its address. */
static bool unplaceable(const Component *f, const DwSite *s)
{
	if (s->offset)
		return false;
	sem_error(f->param->tok, "cannot probe %s in %s: %#llx is in no"
		  " executable segment of the file", s->func, s->module,
		  (unsigned long long)s->vaddr);
	return true;
}

/* The sites of a process point, in each binary its path stands for:
 * each one a uprobe. */
static int process_sites(const ProbePoint *pp, DwSite ***out)
{
	const Component *p = &pp->comps.v[0], *f = &pp->comps.v[1];
	DwSiteVec all = { 0 };
	const char **paths;
	DwSite **sites;
	int npaths, n, i, k;

	if (strcmp(S->runtime, "kernel"))
		return DW_NONE;		/* check_process says why not */
	if ((npaths = process_binaries(p, &paths)) < 0)
		return -1;
	if (!*f->param->str) {
		sem_error(f->param->tok, "a process probe needs a function"
			  " name or pattern");
		return -1;
	}
	for (k = 0; k < npaths; k++) {
		if ((n = process_function_sites(pp, 1, paths[k], &sites)) < 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (unplaceable(f, sites[i]))
				return -1;
			vec_push(&all, sites[i]);
		}
	}
	if (!all.len)
		sem_error(f->param->tok, "no %s matches \"%s\" in %s",
			  strcmp(f->name, "statement") ? "function" :
			  "statement", f->param->str,
			  npaths == 1 || !p->param ? paths[0] : p->param->str);
	*out = all.v;
	return all.len ? all.len : -1;
}

/* Only reached without sites: under the user runtime. */
static bool check_process(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	return family_needs_kernel(pp);
}

/* A site offers its variables when DWARF placed it. */
static void process_context(const ProbePoint *pp, Context *c)
{
	const DwSite *s = pp->site;

	c->user = true;
	if (!s)
		return;
	c->dw = s->cu ? s : NULL;
	c->module = s->module;
	c->func = s->func;
}

/* A uprobe on the site's binary at its file offset; process(PID)'s
 * fires in that process only (kmain.c checks the pid before the
 * handler). */
static void process_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const DwSite *s = d->point->site;
	const Node *p = d->point->comps.v[0].param;

	(void)index;
	(void)code;
	r->fields = arena_printf(", .upath = %s, .uoffset = %#llxLL%s",
				 c_literal(s->module),
				 (unsigned long long)s->offset,
				 p && p->kind == N_NUM ? arena_printf(", .upid = "
				 "%lldLL", (long long)p->num) : "");
}

#define PROCESS(param, pk, ...)						\
	{ .family = &pf_process, .parts = { { "process", param },	\
		{ "function", 'S' }, __VA_ARGS__ },			\
	  .kind = pk, .check = check_process, .sites = process_sites }
#define PROCESS_FORMS(param)						\
	PROCESS(param, PK_UPROBE, { NULL, 0 }),				\
	PROCESS(param, PK_UPROBE, { "call", 0 }),			\
	PROCESS(param, PK_URETPROBE, { "return", 0 }),			\
	PROCESS(param, PK_UPROBE, { "inline", 0 }),			\
	PROCESS(param, PK_UPROBE, { "label", 'S' }),			\
	{ .family = &pf_process, .parts = { { "process", param },	\
		{ "statement", 'S' } },					\
	  .kind = PK_UPROBE, .check = check_process,			\
	  .sites = process_sites }

static const Form forms[] = {
	PROCESS_FORMS('S'), PROCESS_FORMS('N'), PROCESS_FORMS(0),
	{ 0 },
};

const Family pf_process = { .name = "process", .forms = forms,
			    .context = process_context, .reg = process_reg };
