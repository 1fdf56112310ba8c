/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_kfunc.c - kernel functions and statements.
 *
 *   kernel.function("F")[.call|.return|.inline|.label("L")]
 *   kernel.statement("F@FILE:LINE")
 *
 * Through BTF and the symbol list, F is a function name or pattern (a
 * wildcard stands for each probeable function) and the point a kprobe on
 * it: its parameters are the context, $return too in .return probes.
 * With the kernel's DWARF (dwarf.c) each point stands on sites: every
 * out-of-line copy, inlined copy, label or line, with every variable in
 * scope there; FUNCTION@FILE[:LINE], .inline, .label and statements need
 * it.  A site is a kprobe at its link address (the runtime adds the
 * KASLR offset measured at kfree, the anchor) or, in a module, at
 * symbol plus offset.  module("m") (pf_module.c) takes its sites here.
 */
#include <string.h>

#include "stap.h"

/* WHAT("F") (kernel.function, kprobe.function): F names a function
 * kprobes take (EXACT: and that the symbol list has).  Wildcards are
 * expanded over the target's functions before this sees each name. */
bool kfunc_check_name(const ProbePoint *pp, const char *what, bool exact)
{
	const Component *f = &pp->comps.v[1];

	if (!*f->param->str) {
		sem_error(f->param->tok, "%s needs a function name or pattern",
			  what);
		return false;
	}
	return family_needs_kernel(pp) &&
	       kernel_function_ok(f->param->str, f->param->tok, exact);
}

/* kernel.function("F"): by name, or with DWARF at each site. */
static bool check_kfunction(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	if (pp->site)
		return family_needs_kernel(pp);
	return kfunc_check_name(pp, "kernel.function", false);
}

/* kernel.statement("f@file:line") (and a module's): only DWARF gives
 * it sites. */
bool kfunc_check_statement(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	if (!family_needs_kernel(pp))
		return false;
	if (!pp->site)
		sem_error(pp->comps.v[1].param->tok, "kernel.statement needs"
			  " the kernel's DWARF");
	return pp->site != NULL;
}

/* kernel.function("PATTERN") and kprobe.function("PATTERN"): the
 * functions it stands for. */
int kfunc_expand(const ProbePoint *pp, const char ***names)
{
	const Component *f = &pp->comps.v[1];

	return kernel_functions(f->param->str, f->param->tok, names);
}

/* The copies of a function a point asks for: .inline the inlined ones,
 * .call and .return the out-of-line one, else both. */
int kfunc_copies(const ProbePoint *pp)
{
	const char *last = pp->comps.v[pp->comps.len - 1].name;

	if (!strcmp(last, "inline"))
		return DW_INLINE;
	return !strcmp(last, "call") || !strcmp(last, "return") ? DW_CALL :
	       DW_ALL;
}

/* .label("NAME")'s pattern, or NULL. */
const char *kfunc_label(const ProbePoint *pp)
{
	const Component *last = &pp->comps.v[pp->comps.len - 1];

	return !strcmp(last->name, "label") ? last->param->str : NULL;
}

/* .call/.return found nothing, but SPEC has inlined copies: say so (as
 * an error, for the point that needs it), rather than "matches nothing". */
bool kfunc_only_inlined(const char *module, const ProbePoint *pp,
			const char *spec, int which)
{
	const Component *f = &pp->comps.v[1];
	DwSite **copies;
	int n;

	if (which != DW_CALL || kfunc_label(pp))
		return false;
	n = dwarf_sites(module, spec, DW_INLINE, false, NULL, f->param->tok,
			&copies);
	if (n <= 0)
		return false;
	sem_error(f->param->tok, "\"%s\" has only inlined copies (%d) here:"
		  " .call and .return need an out-of-line function;"
		  " .inline probes the copies", spec, n);
	return true;
}

/* What needs the kernel's DWARF, said where the user can get it. */
static int needs_dwarf(const Component *f, const char *what)
{
	sem_error(f->param->tok, "%s needs the kernel's DWARF, and there is"
		  " no debuginfo for %s (%s)", what, S->kernel_release,
		  tdir_dwarf_hint());
	return -1;
}

/* Without debuginfo: what only DWARF can place is an error (-1), the
 * rest the symbol list's business (DW_NONE). */
static int without_dwarf(const ProbePoint *pp, bool statement, int which)
{
	const Component *f = &pp->comps.v[1];
	const char *spec = f->param->str;

	if (statement)
		return needs_dwarf(f, "kernel.statement(\"FUNC@FILE:LINE\")");
	if (which == DW_INLINE)
		return needs_dwarf(f, "kernel.function(...).inline");
	if (kfunc_label(pp))
		return needs_dwarf(f, "kernel.function(...).label");
	if (strchr(spec, '@') || strchr(spec, ':'))
		return needs_dwarf(f, arena_printf("\"%s\": FUNCTION@FILE"
				   "[:LINE]", spec));
	return DW_NONE;
}

/* kernel.function("f[@file[:line]]")[.call|.return|.inline] and
 * kernel.statement("f@file:line") by the kernel's DWARF: each function,
 * inlined copy or line, less what kprobes refuse.  Without debuginfo a
 * plain name is the symbol list's business (DW_NONE). */
static int kernel_sites(const ProbePoint *pp, DwSite ***out)
{
	const Component *f = &pp->comps.v[1];
	bool statement = !strcmp(f->name, "statement");
	int which = kfunc_copies(pp);
	const char *spec = f->param->str;
	DwSite **all;
	int n, i, k = 0;

	if (strcmp(S->runtime, "kernel"))
		return DW_NONE;		/* family_needs_kernel says why not */
	if (!dwarf_open())
		return without_dwarf(pp, statement, which);
	if (!*spec)
		return DW_NONE;	/* the symbol list and BTF decide */
	n = dwarf_sites(NULL, spec, which, statement, kfunc_label(pp),
			f->param->tok, &all);
	if (n == 0 && kfunc_only_inlined(NULL, pp, spec, which))
		return -1;
	if (n <= 0)
		return n;
	*out = arena_zalloc(sizeof(DwSite *) * (size_t)n);
	for (i = 0; i < n; i++)
		if (!kernel_site_refused(all[i]))
			(*out)[k++] = all[i];
	if (n && !k)
		sem_error(f->param->tok, "cannot probe \"%s\": kprobes refuse"
			  " every place it stands (%s)", spec,
			  kernel_site_refused(all[0]));
	return k ? k : -1;
}

/* A DWARF site offers its variables. */
void kfunc_site_context(const ProbePoint *pp, Context *c)
{
	c->dw = pp->site;
	c->module = pp->site->module;
	c->func = pp->site->func;
}

static void kfunc_context(const ProbePoint *pp, Context *c)
{
	if (pp->site)
		kfunc_site_context(pp, c);
	else if (!strcmp(pp->comps.v[1].name, "function"))
		c->func = pp->comps.v[1].param->str;
}

/* A DWARF site: a kprobe at "module:symbol" plus offset, or at the link
 * address (the runtime adds the KASLR offset measured at the anchor). */
void kfunc_site_reg(const ProbePoint *pp, Reg *r)
{
	const DwSite *s = pp->site;

	if (s->module) {
		r->symbol = c_literal(arena_printf("%s:%s", s->module,
						   s->symbol));
		r->fields = arena_printf(", .offset = %llu",
					 (unsigned long long)s->offset);
		return;
	}
	r->address = (long long)s->addr;
	r->fields = arena_printf(", .anchor = %#llxLL",
				 (unsigned long long)dwarf_anchor());
}

static void kfunc_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	(void)index;
	(void)code;
	if (d->point->site)
		kfunc_site_reg(d->point, r);
	else if (!strcmp(d->point->comps.v[1].name, "function"))
		r->symbol = c_literal(d->point->comps.v[1].param->str);
}

#define KFUNC(pk, ...)							\
	{ .family = &pf_kfunc, .parts = { { "kernel", 0 },		\
					  { "function", 'S' }, __VA_ARGS__ }, \
	  .kind = pk, .check = check_kfunction, .expand = kfunc_expand, \
	  .sites = kernel_sites }

static const Form forms[] = {
	KFUNC_FORMS(KFUNC),
	{ .family = &pf_kfunc, .parts = { { "kernel", 0 },
					  { "statement", 'S' } },
	  .kind = PK_KPROBE, .check = kfunc_check_statement,
	  .sites = kernel_sites },
	{ 0 },
};

const Family pf_kfunc = { .name = "kernel.function", .forms = forms,
			  .context = kfunc_context, .reg = kfunc_reg };
