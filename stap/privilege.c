/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privilege.c - pass 2: what a script may do at its privilege level
 * (--privilege, --unprivileged; docs/safety.md).
 *
 * SystemTap's levels, least to most: stapusr may use begin, end, error,
 * never, timer (not timer.profile) and process probes, and of the tapset
 * functions with embedded C only those marked unprivileged; stapsys may
 * use every probe point and tapset function; stapdev adds guru mode and
 * embedded C of the script's own.  What the script may not do is an
 * error at the point, the function or the block, naming the level it
 * needs.  The level is recorded in the module (.stap_privilege) for
 * stap-validate and staprun.
 */
#include <string.h>

#include "stap.h"

static const char *const level_names[] = { "stapusr", "stapsys", "stapdev" };

const char *privilege_name(Privilege p)
{
	return level_names[p];
}

bool privilege_parse(const char *name, Privilege *out)
{
	int i;

	for (i = 0; i <= PRIV_STAPDEV; i++)
		if (!strcmp(name, level_names[i])) {
			*out = i;
			return true;
		}
	return false;
}

/* The level a probe point's family needs. */
static Privilege point_needs(const Derived *d)
{
	const Family *f = d->form->family;
	const ProbePoint *pp = d->point;

	if (f == &pf_session || f == &pf_process)
		return PRIV_STAPUSR;
	if (f == &pf_timer && pp->comps.len > 1 &&
	    strcmp(pp->comps.v[1].name, "profile"))
		return PRIV_STAPUSR;
	return PRIV_STAPSYS;
}

static void check_points(void)
{
	int i;

	for (i = 0; i < S->derived.len; i++) {
		const Derived *d = S->derived.v[i];
		const ProbePoint *up = d->user_point ? d->user_point : d->point;

		if (!d->used || point_needs(d) <= S->privilege)
			continue;
		Buf b = { 0 };

		print_point(&b, up);
		error_at(up->tok, "semantic error", "probe point '%s' needs "
			 "--privilege=stapsys: at %s only begin, end, error, "
			 "never, timer and process probes", b.s,
			 privilege_name(S->privilege));
		buf_free(&b);
	}
}

/* Whether a tapset function's embedded C carries SystemTap's MARK. */
static bool marked(const Func *f, const char *mark)
{
	return f->embedded && memmem(f->embedded->text, f->embedded->len,
				     mark, strlen(mark));
}

/* A tapset function's embedded C that says it reads nothing a user
 * could not (SystemTap's marks). */
static bool marked_unprivileged(const Func *f)
{
	return marked(f, "/* unprivileged */") ||
	       marked(f, "/* myproc-unprivileged */");
}

/* A tapset function that changes the traced system (raise() sends a
 * signal): guru mode only, at any level. */
static bool needs_guru(const Func *f)
{
	return !S->guru && marked(f, "/* guru */");
}

/* Whether F may run at the session's level; a tapset function's
 * script-language body is judged by what it calls. */
static bool function_allowed(const Func *f)
{
	if (!f->embedded)
		return true;
	if (needs_guru(f))
		return false;
	if (S->privilege == PRIV_STAPDEV)
		return true;
	if (!f->file->src->tapset)
		return false;	/* the script's own embedded C: stapdev */
	return S->privilege != PRIV_STAPUSR || marked_unprivileged(f);
}

/* The first call of each forbidden function, one in the user's files
 * preferred: that is where the error points. */
static Table first_call;

static void note_call(Node *n, void *ctx)
{
	const Node *seen;

	(void)ctx;
	if (n->kind != N_CALL || !n->func || function_allowed(n->func))
		return;
	seen = table_get(&first_call, n->func->name);
	if (!seen || (seen->tok->src->tapset && !n->tok->src->tapset))
		table_put(&first_call, n->func->name, n);
}

static void report_call(const Node *call)
{
	const Func *f = call->func;

	if (needs_guru(f))
		error_at(call->tok, "semantic error", "function '%s' needs "
			 "guru mode (-g): it changes the traced system",
			 f->name);
	else if (!f->file->src->tapset)
		error_at(call->tok, "semantic error", "function '%s': embedded "
			 "C needs --privilege=stapdev (at %s)", f->name,
			 privilege_name(S->privilege));
	else
		error_at(call->tok, "semantic error", "function '%s' needs "
			 "--privilege=stapsys: its C is not marked unprivileged",
			 f->name);
}

static void check_functions(void)
{
	int i;

	first_call = (Table){ 0 };
	for (i = 0; i < S->func_list.len; i++)
		if (S->func_list.v[i]->used)
			walk_node(S->func_list.v[i]->body, note_call, NULL);
	for (i = 0; i < S->derived.len; i++)
		if (S->derived.v[i]->used) {
			walk_node(S->derived.v[i]->body, note_call, NULL);
			walk_node(S->derived.v[i]->cond, note_call, NULL);
		}
	for (i = 0; i < S->func_list.len; i++) {	/* in a stable order */
		const Node *call = table_get(&first_call,
					     S->func_list.v[i]->name);

		if (call && call->func == S->func_list.v[i])
			report_call(call);
	}
}

static void check_embeds(void)
{
	int i;

	for (i = 0; i < S->embeds.len; i++)
		if (!S->embeds.v[i]->src->tapset)
			error_at(S->embeds.v[i], "semantic error", "embedded C "
				 "needs --privilege=stapdev (at %s)",
				 privilege_name(S->privilege));
}

void check_privilege(void)
{
	check_functions();	/* at stapdev too: guru-only functions */
	if (S->privilege == PRIV_STAPDEV)
		return;
	check_points();
	check_embeds();
}
