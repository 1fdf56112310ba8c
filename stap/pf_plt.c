/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_plt.c - PLT entries and shared libraries of a user binary.
 *
 *   process[("PATH")|(PID)].plt[("NAME")][.return]
 *   process[("PATH")|(PID)].library("LIB").plt[("NAME")][.return]
 *   process[("PATH")|(PID)].library("LIB").function("F")[.call|.return]
 *
 * A .plt probe is a uprobe on the stub of each PLT entry whose called
 * symbol NAME matches (all without NAME), $$name that symbol
 * (uelf.c reads .rela.plt).  LIB is a library PATH needs (DT_NEEDED,
 * found as the dynamic linker finds it), by name, path or wildcard, or
 * a library's path; its probes are uprobes in the library that fire
 * only in processes running PATH's binary, as SystemTap's do (the
 * runtime compares the exe of the task that hits: .uexe).  A plain
 * process is -c's program or -x's process's (pf_process.c).
 */
#include <string.h>

#include "stap.h"

static bool in_library(const ProbePoint *pp)
{
	return !strcmp(pp->comps.v[1].name, "library");
}

/* The component after process (and library): plt or function. */
static const Component *what(const ProbePoint *pp)
{
	return &pp->comps.v[in_library(pp) ? 2 : 1];
}

static const char *plt_pattern(const Component *c)
{
	return c->has_param ? c->param->str : "*";
}

/* The libraries of BINARY that .library("LIB") names; -1 after saying
 * why (for pf_mark.c's .library().mark too). */
int process_libraries(const ProbePoint *pp, const char *binary,
		      const char ***libs)
{
	const Component *lib = &pp->comps.v[1];
	int n = uelf_libraries(binary, lib->param->str, libs);

	if (n < 0)
		sem_error(pp->comps.v[0].tok, "%s is not an ELF binary",
			  binary);
	else if (n == 0)
		sem_error(lib->param->tok, "library(\"%s\"): no library that"
			  " %s needs matches", lib->param->str, binary);
	return n > 0 ? n : -1;
}

static int sites_in(const ProbePoint *pp, const char *file, DwSite ***out)
{
	const Component *w = what(pp);
	int n;

	if (!strcmp(w->name, "function"))
		return process_function_sites(pp, 2, file, out);
	n = uelf_plt(file, plt_pattern(w), out);
	if (n < 0)
		sem_error(pp->comps.v[0].tok, "%s is not an ELF binary", file);
	return n;
}

static int plt_sites(const ProbePoint *pp, DwSite ***out)
{
	const Component *w = what(pp);
	const char *binary, **files;
	DwSiteVec all = { 0 };
	DwSite **sites;
	int nfiles = 1, n, i, k;

	if (strcmp(S->runtime, "kernel"))
		return DW_NONE;		/* check_plt says why not */
	if (!(binary = process_binary(&pp->comps.v[0])))
		return -1;
	files = &binary;
	if (in_library(pp) && (nfiles = process_libraries(pp, binary, &files)) < 0)
		return -1;
	for (k = 0; k < nfiles; k++) {
		if ((n = sites_in(pp, files[k], &sites)) < 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (!sites[i]->offset)
				continue;
			if (in_library(pp))
				sites[i]->exe = binary;
			vec_push(&all, sites[i]);
		}
	}
	if (!all.len)
		sem_error(w->has_param ? w->param->tok : w->tok, "no %s matches"
			  " \"%s\" in %s", strcmp(w->name, "plt") ? "function" :
			  "PLT entry", plt_pattern(w),
			  nfiles == 1 ? files[0] : pp->comps.v[1].param->str);
	*out = all.v;
	return all.len ? all.len : -1;
}

/* Only reached without sites: under the user runtime. */
static bool check_plt(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	return family_needs_kernel(pp);
}

static void plt_context(const ProbePoint *pp, Context *c)
{
	if (!strcmp(what(pp)->name, "plt")) {
		c->user = true;
		c->plt_name = pp->site ? pp->site->func : "";
		return;
	}
	pf_process.context(pp, c);
}

/* A uprobe on the site's file at its offset; in a library, for the
 * processes of the binary only; process(PID)'s in that process. */
static void plt_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const ProbePoint *pp = d->point;
	const Node *p = pp->comps.v[0].param;
	const DwSite *s = pp->site;
	const char *scope = "";

	(void)index;
	(void)code;
	if (s->exe)
		scope = arena_printf(", .uexe = %s", c_literal(s->exe));
	if (p && p->kind == N_NUM)
		scope = arena_printf("%s, .upid = %lldLL", scope,
				     (long long)p->num);
	r->fields = arena_printf(", .upath = %s, .uoffset = %#llxLL%s",
				 c_literal(s->module),
				 (unsigned long long)s->offset, scope);
}

/* AT: the component a site's name fills in (plt or function). */
#define PLT_FORM(at, proc, pk, ...)					\
	{ .family = &pf_plt, .parts = { { "process", proc },		\
		__VA_ARGS__ }, .kind = pk, .check = check_plt,		\
	  .sites = plt_sites, .site_at = at }
#define PLT_FORMS(proc, name)						\
	PLT_FORM(1, proc, PK_UPROBE, { "plt", name }),			\
	PLT_FORM(1, proc, PK_URETPROBE, { "plt", name }, { "return", 0 }), \
	PLT_FORM(2, proc, PK_UPROBE, { "library", 'S' }, { "plt", name }), \
	PLT_FORM(2, proc, PK_URETPROBE, { "library", 'S' },		\
		 { "plt", name }, { "return", 0 })
#define LIB_FORMS(proc)							\
	PLT_FORM(2, proc, PK_UPROBE, { "library", 'S' },		\
		 { "function", 'S' }),					\
	PLT_FORM(2, proc, PK_UPROBE, { "library", 'S' },		\
		 { "function", 'S' }, { "call", 0 }),			\
	PLT_FORM(2, proc, PK_URETPROBE, { "library", 'S' },		\
		 { "function", 'S' }, { "return", 0 })

static const Form forms[] = {
	PLT_FORMS('S', 'S'), PLT_FORMS('S', 0), LIB_FORMS('S'),
	PLT_FORMS('N', 'S'), PLT_FORMS('N', 0), LIB_FORMS('N'),
	PLT_FORMS(0, 'S'), PLT_FORMS(0, 0), LIB_FORMS(0),
	{ 0 },
};

const Family pf_plt = { .name = "process plt and library", .forms = forms,
			.context = plt_context, .reg = plt_reg };
