/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_perf.c - perf events.
 *
 *   perf.sw.NAME[.sample(N)]            a software event (cpu_clock ...)
 *   perf.hw.NAME[.sample(N)]            a hardware event (cpu_cycles ...)
 *   perf.type(T).config(C)[.sample(N)]  any event by number
 *
 * Each fires every N events (the sample period; the runtime's default
 * without .sample).
 */
#include <string.h>

#include "stap.h"

static bool check_perf(const ProbePoint *pp, int64_t *seq)
{
	const Component *last = &pp->comps.v[pp->comps.len - 1];

	(void)seq;
	if (!strcmp(last->name, "sample") && last->param->num <= 0) {
		sem_error(last->param->tok, "the sample period must be"
			  " positive, not %lld", (long long)last->param->num);
		return false;
	}
	return family_needs_kernel(pp);
}

/* SystemTap's perf event names as PERF_COUNT_* values (the stable uapi
 * numbers: prog.c does not include the kernel's perf headers). */
static const char *perf_config(const char *name)
{
	static const char *const names[] = {
		"cpu_clock", "task_clock", "page_faults", "context_switches",
		"cpu_migrations", "page_faults_min", "page_faults_maj",
		"alignment_faults", "emulation_faults", NULL,
		"cpu_cycles", "instructions", "cache_references",
		"cache_misses", "branch_instructions", "branch_misses",
		"bus_cycles", "stalled_cycles_frontend",
		"stalled_cycles_backend", "ref_cpu_cycles", NULL,
	};
	int i, base = 0;

	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (!names[i])
			base = i + 1;
		else if (!strcmp(names[i], name))
			return arena_printf("%d", i - base);
	}
	return "0";
}

/* The event's type, config and sample period. */
static void perf_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const ProbePoint *pp = d->point;
	const Component *last = &pp->comps.v[pp->comps.len - 1];
	long long period = !strcmp(last->name, "sample") ?
			   (long long)last->param->num : 0LL;

	(void)index;
	(void)code;
	if (!strcmp(pp->comps.v[1].name, "type"))
		r->fields = arena_printf(", .perf_type = %lld, .perf_config ="
					 " %lld, .perf_period = %lld",
					 (long long)pp->comps.v[1].param->num,
					 (long long)pp->comps.v[2].param->num,
					 period);
	else	/* PERF_TYPE_HARDWARE 0, PERF_TYPE_SOFTWARE 1 */
		r->fields = arena_printf(", .perf_type = %s, .perf_config = %s,"
					 " .perf_period = %lld",
					 strcmp(pp->comps.v[1].name, "sw") ?
					 "0" : "1",
					 perf_config(pp->comps.v[2].name),
					 period);
}

#define PERF_(...)							\
	{ .family = &pf_perf, .parts = { { "perf", 0 }, __VA_ARGS__ },	\
	  .kind = PK_PERF, .check = check_perf }
#define PERF(kind, event)						\
	PERF_({ kind, 0 }, { event, 0 }),				\
	PERF_({ kind, 0 }, { event, 0 }, { "sample", 'N' })

static const Form forms[] = {
	PERF("sw", "cpu_clock"), PERF("sw", "task_clock"),
	PERF("sw", "page_faults"), PERF("sw", "context_switches"),
	PERF("sw", "cpu_migrations"), PERF("sw", "page_faults_min"),
	PERF("sw", "page_faults_maj"), PERF("sw", "alignment_faults"),
	PERF("sw", "emulation_faults"),
	PERF("hw", "cpu_cycles"), PERF("hw", "instructions"),
	PERF("hw", "cache_references"), PERF("hw", "cache_misses"),
	PERF("hw", "branch_instructions"), PERF("hw", "branch_misses"),
	PERF("hw", "bus_cycles"), PERF("hw", "ref_cpu_cycles"),
	PERF_({ "type", 'N' }, { "config", 'N' }),
	PERF_({ "type", 'N' }, { "config", 'N' }, { "sample", 'N' }),
	{ 0 },
};

const Family pf_perf = { .name = "perf", .forms = forms, .reg = perf_reg };
