/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_hwbkpt.c - hardware watchpoints on kernel data.
 *
 *   kernel.data(ADDRESS)[.length(N)].write   a write of the N bytes there
 *   kernel.data(ADDRESS)[.length(N)].rw      a read or a write of them
 *   kernel.data("SYMBOL")[.length(N)].write|.rw   the same at a symbol
 *
 * The CPU's debug registers watch the bytes (x86: 4 of them, N of 1, 2,
 * 4 or 8 bytes, aligned to N; 1 by default); the runtime asks perf for a
 * breakpoint event on every CPU (PERF_TYPE_BREAKPOINT), and the probe
 * runs after the accessing instruction, from the debug exception, with
 * its registers.  ADDRESS is a running kernel's address (/proc/kallsyms);
 * a SYMBOL's link address comes from the target's symbol list and is
 * moved by the KASLR offset the runtime measures at kfree.
 */
#include <string.h>

#include "stap.h"

/* <linux/hw_breakpoint.h>'s uapi values. */
enum { HW_BP_W = 2, HW_BP_RW = 3, PERF_TYPE_BP = 5 };

static int64_t watch_length(const ProbePoint *pp)
{
	const Component *c = &pp->comps.v[2];

	return !strcmp(c->name, "length") ? c->param->num : 1;
}

/* The address (and anchor: 0 for an address given as a number) of the
 * point's data; false after an error. */
static bool watch_address(const ProbePoint *pp, uint64_t *addr,
			  uint64_t *anchor)
{
	const Node *at = pp->comps.v[1].param;
	const char *src;

	*anchor = 0;
	if (at->kind == N_NUM) {
		*addr = (uint64_t)at->num;
		return true;
	}
	if (kernel_symbol(at->str, addr, anchor))
		return true;
	if (dwarf_open() && (*addr = dwarf_symbol(at->str)) &&
	    (*anchor = dwarf_anchor()))
		return true;
	src = kernel_symbol_source();
	sem_error(at->tok, "no symbol '%s' in the kernel's symbol list (%s)",
		  at->str, src ? src : arena_printf("there is none for %s",
						    S->kernel_release));
	return false;
}

static bool check_hwbkpt(const ProbePoint *pp, int64_t *seq)
{
	const Node *where = pp->comps.v[1].param;
	int64_t len = watch_length(pp);
	uint64_t addr, anchor;

	(void)seq;
	if (len != 1 && len != 2 && len != 4 && len != 8) {
		sem_error(pp->comps.v[2].param->tok, "a watchpoint's length is"
			  " 1, 2, 4 or 8 bytes, not %lld", (long long)len);
		return false;
	}
	if (where->kind == N_STR && !*where->str) {
		sem_error(where->tok, "kernel.data needs an address or a"
			  " symbol");
		return false;
	}
	if (!family_needs_kernel(pp) || !watch_address(pp, &addr, &anchor))
		return false;
	if (!addr || addr % (uint64_t)len) {
		sem_error(where->tok, "a watchpoint of %lld bytes needs an"
			  " address aligned to %lld, not %#llx", (long long)len,
			  (long long)len, (unsigned long long)addr);
		return false;
	}
	return true;
}

static void hwbkpt_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const ProbePoint *pp = d->point;
	const Component *last = &pp->comps.v[pp->comps.len - 1];
	uint64_t addr = 0, anchor = 0;

	(void)index;
	(void)code;
	watch_address(pp, &addr, &anchor);
	r->fields = arena_printf(", .perf_type = %d, .perf_config = %d,"
				 " .perf_period = %lld, .address = %#llxLL,"
				 " .anchor = %#llxLL", PERF_TYPE_BP,
				 !strcmp(last->name, "rw") ? HW_BP_RW : HW_BP_W,
				 (long long)watch_length(pp),
				 (unsigned long long)addr,
				 (unsigned long long)anchor);
}

#define DATA(where, ...)						\
	{ .family = &pf_hwbkpt, .parts = { { "kernel", 0 },		\
		{ "data", where }, __VA_ARGS__ },			\
	  .kind = PK_PERF, .check = check_hwbkpt }
#define ACCESSES(where)							\
	DATA(where, { "write", 0 }), DATA(where, { "rw", 0 }),		\
	DATA(where, { "length", 'N' }, { "write", 0 }),			\
	DATA(where, { "length", 'N' }, { "rw", 0 })

static const Form forms[] = {
	ACCESSES('N'), ACCESSES('S'),
	{ 0 },
};

const Family pf_hwbkpt = { .name = "kernel.data", .forms = forms,
			   .reg = hwbkpt_reg };
