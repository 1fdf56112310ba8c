/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_ktrace.c - kernel tracepoints.
 *
 *   kernel.trace("NAME")   the tracepoint NAME (a pattern stands for each)
 *
 * Names and arguments come from the kernel's BTF (__traceiter_NAME); the
 * arguments are the context.  The kernel calls a generated trampoline
 * with them, each in a u64 (integers and pointers, passed in registers
 * by the x86-64 ABI), which hands them to the runtime.
 */
#include "stap.h"

static bool check_trace(const ProbePoint *pp, int64_t *seq)
{
	const Component *t = &pp->comps.v[1];
	const char **names;
	int *types;

	(void)seq;
	if (!family_needs_kernel(pp))
		return false;
	if (kernel_tracepoint(t->param->str, &names, &types) < 0) {
		sem_error(t->param->tok, "no tracepoint '%s' in the kernel's"
			  " BTF (%s)", t->param->str, kernel_btf_source());
		return false;
	}
	return true;
}

static int expand_tracepoints(const ProbePoint *pp, const char ***names)
{
	const Component *t = &pp->comps.v[1];

	return kernel_tracepoints(t->param->str, t->param->tok, names);
}

static void trace_context(const ProbePoint *pp, Context *c)
{
	c->tracepoint = pp->comps.v[1].param->str;
}

/* The trampoline of probe INDEX: the tracepoint's arguments in a u64
 * each, into the runtime. */
static void trace_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const char *name = d->point->comps.v[1].param->str, **names;
	int *types, n, i;

	n = kernel_tracepoint(name, &names, &types);
	buf_printf(code, "static void stp_tp_%d(void *data", index);
	for (i = 0; i < n; i++)
		buf_printf(code, ", uint64_t a%d", i);
	buf_printf(code, ")\n{\n\tconst int64_t args[%d] = {", n + 1);
	for (i = 0; i < n; i++)
		buf_printf(code, " (int64_t)a%d,", i);
	buf_printf(code, " 0 };\n\n\tstp_tracepoint_hit(data, args);\n}\n\n");
	r->fields = arena_printf(", .tracepoint = %s, .tp_func = (void *)"
				 "stp_tp_%d", c_literal(name), index);
}

static const Form forms[] = {
	{ .family = &pf_ktrace, .parts = { { "kernel", 0 }, { "trace", 'S' } },
	  .kind = PK_TRACEPOINT, .check = check_trace,
	  .expand = expand_tracepoints },
	{ 0 },
};

const Family pf_ktrace = { .name = "kernel.trace", .forms = forms,
			   .context = trace_context, .reg = trace_reg };
