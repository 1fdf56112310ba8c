/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_pbegin.c - the lifetime of user processes and threads.
 *
 *   process[("PATH")|(PID)].begin, .end
 *   process[("PATH")|(PID)].thread.begin, .thread.end
 *
 * SystemTap's meaning: .begin fires for each process already running
 * when the session starts and for each new one (a fork, and again after
 * an exec: the old image's .end first), in the context of that process,
 * so pid(), tid() and execname() are its own; .end when its last thread
 * exits (or it execs).  .thread.begin/.end are the same for the threads
 * other than a process's first.  PATH keeps the processes running that
 * binary (found as process("PATH").function finds it, wildcards too:
 * pf_process.c), a site each (only a binary: its path is in the
 * module's key, as process probes' binaries are), PID the one process.  The kernel runtime (runtime/kernel/kutask.c)
 * watches the scheduler's fork, exec and exit tracepoints; there are
 * no target variables here ($$parms and the like do not exist).
 */
#include <string.h>

#include "stap.h"

enum { PID_MAX = 4194304 };	/* the kernel's PID_MAX_LIMIT */

static const char *event_name(const ProbePoint *pp)
{
	const Component *last = &pp->comps.v[pp->comps.len - 1];
	bool thread = pp->comps.len == 3;

	if (!strcmp(last->name, "begin"))
		return thread ? "STP_UTASK_THREAD_BEGIN" : "STP_UTASK_PROC_BEGIN";
	return thread ? "STP_UTASK_THREAD_END" : "STP_UTASK_PROC_END";
}

static bool check_pbegin(const ProbePoint *pp, int64_t *seq)
{
	const Component *p = &pp->comps.v[0];

	(void)seq;
	if (!family_needs_kernel(pp))
		return false;
	if (!p->has_param)
		return true;
	if (p->param->kind == N_NUM) {
		if (p->param->num <= 0 || p->param->num > PID_MAX) {
			sem_error(p->param->tok, "process(%lld): not a process"
				  " id", (long long)p->param->num);
			return false;
		}
		return true;
	}
	return true;		/* pbegin_sites found the binary */
}

/* process("PATH"): each binary PATH stands for, a site that is only
 * the binary. */
static int pbegin_sites(const ProbePoint *pp, DwSite ***out)
{
	const char **paths;
	DwSiteVec v = { 0 };
	int n, i;

	if (strcmp(S->runtime, "kernel"))
		return DW_NONE;		/* check_pbegin says why not */
	if ((n = process_binaries(&pp->comps.v[0], &paths)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		DwSite *s = NEW(DwSite);

		s->module = paths[i];
		s->func = "";
		s->user = true;
		vec_push(&v, s);
	}
	*out = v.v;
	return v.len;
}

static void pbegin_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const ProbePoint *pp = d->point;
	const Component *p = &pp->comps.v[0];
	const char *scope = "";

	(void)index;
	(void)code;
	if (p->has_param && p->param->kind == N_NUM)
		scope = arena_printf(", .upid = %lldLL",
				     (long long)p->param->num);
	else if (p->has_param)
		scope = arena_printf(", .upath = %s",
				     c_literal(pp->site->module));
	r->fields = arena_printf(", .utask = %s%s", event_name(pp), scope);
}

#define PBEGIN(param, ...)						\
	{ .family = &pf_pbegin, .parts = { { "process", param },	\
		__VA_ARGS__ }, .kind = PK_UTASK, .check = check_pbegin,	\
	  .sites = param == 'S' ? pbegin_sites : NULL, .site_at = -1 }
#define EVENTS(param)							\
	PBEGIN(param, { "begin", 0 }), PBEGIN(param, { "end", 0 }),	\
	PBEGIN(param, { "thread", 0 }, { "begin", 0 }),			\
	PBEGIN(param, { "thread", 0 }, { "end", 0 })

static const Form forms[] = {
	EVENTS(0), EVENTS('S'), EVENTS('N'),
	{ 0 },
};

/* No context: nothing but the process, no function, no variables. */
const Family pf_pbegin = { .name = "process lifetime", .forms = forms,
			   .reg = pbegin_reg };
