/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_session.c - begin, end, error and never: the session's probes.
 *
 *   begin[(N)]  before any other probe, in order of N (then of the script)
 *   end[(N)]    at the end of the session
 *   error[(N)]  at the end, when a probe failed
 *   never       never runs (its body is still checked)
 *
 * They need nothing of the target and offer no context: the smallest
 * family, and the example docs/architecture.md gives.
 */
#include "stap.h"

/* begin(N): N orders the probes of a kind; 0 when left out. */
static bool check_seq(const ProbePoint *pp, int64_t *seq)
{
	const Component *c = &pp->comps.v[0];

	*seq = c->param ? c->param->num : 0;
	return true;
}

#define SESSION(root, param, pk, fn)					\
	{ .family = &pf_session, .parts = { { root, param } },		\
	  .kind = pk, .user = true, .check = fn }

static const Form forms[] = {
	SESSION("begin", '?', PK_BEGIN, check_seq),
	SESSION("end", '?', PK_END, check_seq),
	SESSION("error", '?', PK_ERROR, check_seq),
	SESSION("never", 0, PK_NEVER, NULL),
	{ 0 },
};

const Family pf_session = { .name = "session", .forms = forms };
