/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_procfs.c - files under /proc/systemtap/MODULE/.
 *
 *   procfs[("NAME")].read[.maxsize(N)]   a read of the file: the handler
 *                                        sets $value, its text
 *   procfs[("NAME")].write               a write: $value is what was
 *                                        written
 *
 * NAME is "command" when left out; N bounds the text (the runtime's
 * default without .maxsize).
 */
#include <string.h>

#include "stap.h"

static bool check_procfs(const ProbePoint *pp, int64_t *seq)
{
	const Component *p = &pp->comps.v[0];
	const char *name = p->has_param ? p->param->str : "command";

	(void)seq;
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		sem_error(p->param ? p->param->tok : p->tok, "procfs(\"%s\"):"
			  " a file name, without '/'", name);
		return false;
	}
	return family_needs_kernel(pp);
}

/* $value, the file's text, is all a procfs probe offers. */
static void procfs_context(const ProbePoint *pp, Context *c)
{
	(void)pp;
	c->value = "procfs";
}

/* The file and its size. */
static void procfs_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const ProbePoint *pp = d->point;
	const Component *last = &pp->comps.v[pp->comps.len - 1];

	(void)index;
	(void)code;
	r->fields = arena_printf(", .procfs = %s, .procfs_size = %lld",
				 c_literal(pp->comps.v[0].has_param ?
					   pp->comps.v[0].param->str :
					   "command"),
				 !strcmp(last->name, "maxsize") ?
				 (long long)last->param->num : 0LL);
}

#define PROCFS(param, pk, ...)						\
	{ .family = &pf_procfs, .parts = { { "procfs", param },	\
					   __VA_ARGS__ },		\
	  .kind = pk, .check = check_procfs }

static const Form forms[] = {
	PROCFS(0, PK_PROCFS_READ, { "read", 0 }),
	PROCFS(0, PK_PROCFS_WRITE, { "write", 0 }),
	PROCFS('S', PK_PROCFS_READ, { "read", 0 }),
	PROCFS('S', PK_PROCFS_WRITE, { "write", 0 }),
	PROCFS('S', PK_PROCFS_READ, { "read", 0 }, { "maxsize", 'N' }),
	{ 0 },
};

const Family pf_procfs = { .name = "procfs", .forms = forms,
			   .context = procfs_context, .reg = procfs_reg };
