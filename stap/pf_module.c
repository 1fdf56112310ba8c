/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_module.c - functions and statements of a kernel module.
 *
 *   module("M").function("F")[.call|.return|.inline|.label("L")]
 *   module("M").statement("F@FILE:LINE")
 *
 * As kernel.function (pf_kfunc.c), in module M: by name through the
 * module's BTF, or at sites through its DWARF (its .ko in the -dbg
 * package, relocated by libdwfl), kprobes at "M:symbol" plus offset.
 */
#include <string.h>

#include "stap.h"

/* module("m").function("f") and kprobe.module("m").function("f"): M and
 * F are their components. */
bool module_check(const ProbePoint *pp, const Component *m,
		  const Component *f, int64_t *seq)
{
	(void)seq;
	if (!*m->param->str || is_glob(m->param->str)) {
		sem_error(m->param->tok, "a module probe needs a module name,"
			  " not \"%s\"", m->param->str);
		return false;
	}
	if (!*f->param->str) {
		sem_error(f->param->tok, "a module probe needs a function name"
			  " or pattern");
		return false;
	}
	if (pp->site)
		return family_needs_kernel(pp);
	if (strchr(f->param->str, '@') || strchr(f->param->str, ':')) {
		sem_error(f->param->tok, "\"%s\": FUNCTION@FILE[:LINE] is for"
			  " module(\"%s\").function; kprobe.module takes a"
			  " name", f->param->str, m->param->str);
		return false;
	}
	return family_needs_kernel(pp) &&
	       kernel_module_function_ok(m->param->str, f->param->str,
					 f->param->tok);
}

static bool check_module(const ProbePoint *pp, int64_t *seq)
{
	return module_check(pp, &pp->comps.v[0], &pp->comps.v[1], seq);
}

/* module("m").function("f[@file[:line]]")[.call|.return|.inline] and
 * module("m").statement("f@file:line") by the module's DWARF; without
 * it a plain name is its BTF's business (DW_NONE). */
static int module_sites(const ProbePoint *pp, DwSite ***out)
{
	const Component *m = &pp->comps.v[0], *f = &pp->comps.v[1];
	bool statement = !strcmp(f->name, "statement");
	int which = kfunc_copies(pp);
	const char *spec = f->param->str;
	int n;

	if (strcmp(S->runtime, "kernel") || !*m->param->str ||
	    is_glob(m->param->str))
		return DW_NONE;		/* module_check says why not */
	if (!dwarf_module_open(m->param->str)) {
		if (!statement && which != DW_INLINE && !kfunc_label(pp) &&
		    !strchr(spec, '@') && !strchr(spec, ':'))
			return DW_NONE;
		sem_error(f->param->tok, "\"%s\" needs module %s's DWARF, and"
			  " there is none for %s (%s)", spec, m->param->str,
			  S->kernel_release, tdir_dwarf_hint());
		return -1;
	}
	if (!*spec)
		return DW_NONE;
	n = dwarf_sites(m->param->str, spec, which, statement, kfunc_label(pp),
			f->param->tok, out);
	if (n == 0 && kfunc_only_inlined(m->param->str, pp, spec, which))
		return -1;
	return n;
}

/* module("m").function("PATTERN"): the module's functions, from its
 * BTF. */
static int expand_module(const ProbePoint *pp, const char ***names)
{
	const Component *m = &pp->comps.v[0], *f = &pp->comps.v[1];

	return kernel_module_functions(m->param->str, f->param->str,
				       f->param->tok, names);
}

static void module_context(const ProbePoint *pp, Context *c)
{
	if (pp->site)
		kfunc_site_context(pp, c);
	else if (!strcmp(pp->comps.v[1].name, "function"))
		c->module = pp->comps.v[0].param->str,
		c->func = pp->comps.v[1].param->str;
}

static void module_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const ProbePoint *pp = d->point;

	(void)index;
	(void)code;
	if (pp->site)
		kfunc_site_reg(pp, r);
	else
		r->symbol = c_literal(arena_printf("%s:%s",
						   pp->comps.v[0].param->str,
						   pp->comps.v[1].param->str));
}

#define MODULE(pk, ...)							\
	{ .family = &pf_module, .parts = { { "module", 'S' },		\
		{ "function", 'S' }, __VA_ARGS__ },			\
	  .kind = pk, .check = check_module, .expand = expand_module,	\
	  .sites = module_sites }

static const Form forms[] = {
	KFUNC_FORMS(MODULE),
	{ .family = &pf_module, .parts = { { "module", 'S' },
		{ "statement", 'S' } },
	  .kind = PK_KPROBE, .check = kfunc_check_statement,
	  .sites = module_sites },
	{ 0 },
};

const Family pf_module = { .name = "module", .forms = forms,
			   .context = module_context, .reg = module_reg };
