/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_kprobe.c - kprobes by name or address.
 *
 *   kprobe.function("F")[.return]                  F by name (a pattern
 *                                                  stands for each)
 *   kprobe.module("M").function("F")[.return]      F in module M
 *   kprobe.statement(ADDR).absolute                any address (guru mode)
 *
 * No DWARF: parameters come from BTF, as for kernel.function.
 */
#include <string.h>

#include "stap.h"

static bool check_kprobe(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	return kfunc_check_name(pp, "kprobe.function", true);
}

static bool check_kmodule(const ProbePoint *pp, int64_t *seq)
{
	return module_check(pp, &pp->comps.v[1], &pp->comps.v[2], seq);
}

/* kprobe.module("m").function("PATTERN"): the module's functions, from
 * its BTF. */
static int expand_kmodule(const ProbePoint *pp, const char ***names)
{
	const Component *m = &pp->comps.v[1], *f = &pp->comps.v[2];

	return kernel_module_functions(m->param->str, f->param->str,
				       f->param->tok, names);
}

/* kprobe.statement(ADDR).absolute: a raw address, guru mode only. */
static bool check_statement(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	if (!S->guru) {
		sem_error(pp->comps.v[1].param->tok, "kprobe.statement(ADDR)"
			  ".absolute probes any address: it needs guru mode"
			  " (-g)");
		return false;
	}
	return family_needs_kernel(pp);
}

static void kprobe_context(const ProbePoint *pp, Context *c)
{
	const char *what = pp->comps.v[1].name;

	if (!strcmp(what, "function"))
		c->func = pp->comps.v[1].param->str;
	else if (!strcmp(what, "module"))
		c->module = pp->comps.v[1].param->str,
		c->func = pp->comps.v[2].param->str;
}

static void kprobe_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const ProbePoint *pp = d->point;
	const char *what = pp->comps.v[1].name;

	(void)index;
	(void)code;
	if (!strcmp(what, "function"))
		r->symbol = c_literal(pp->comps.v[1].param->str);
	else if (!strcmp(what, "module"))
		r->symbol = c_literal(arena_printf("%s:%s",
						   pp->comps.v[1].param->str,
						   pp->comps.v[2].param->str));
	else
		r->address = (long long)pp->comps.v[1].param->num;
}

#define KMODULE(pk, ...)						\
	{ .family = &pf_kprobe, .parts = { { "kprobe", 0 },		\
		{ "module", 'S' }, { "function", 'S' }, __VA_ARGS__ },	\
	  .kind = pk, .check = check_kmodule, .expand = expand_kmodule }
#define KPROBE(pk, ...)							\
	{ .family = &pf_kprobe, .parts = { { "kprobe", 0 },		\
		{ "function", 'S' }, __VA_ARGS__ },			\
	  .kind = pk, .check = check_kprobe, .expand = kfunc_expand }

static const Form forms[] = {
	KMODULE(PK_KPROBE, { NULL, 0 }),
	KMODULE(PK_KRETPROBE, { "return", 0 }),
	{ .family = &pf_kprobe, .parts = { { "kprobe", 0 },
		{ "statement", 'N' }, { "absolute", 0 } },
	  .kind = PK_KPROBE, .check = check_statement },
	KPROBE(PK_KPROBE, { NULL, 0 }),
	KPROBE(PK_KRETPROBE, { "return", 0 }),
	{ 0 },
};

const Family pf_kprobe = { .name = "kprobe", .forms = forms,
			   .context = kprobe_context, .reg = kprobe_reg };
