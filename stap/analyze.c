/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * analyze.c - between pass 2 and pass 3: what the C needs decided about
 * the typed program, written into the program, so that emit.c only
 * prints what it finds there.
 *
 *   Symbol.cname, Func.cname  the names in C; the lock order follows them
 *   Func.later_overload       tried by its first overload's stub: no stub
 *   Symbol.add_only           probes only add to it: atomic adds, no lock
 *   Derived.handler           the derived probe whose handler it runs
 *   Derived.locks             the globals a handler locks, in C-name order
 *   Derived.quiet             a handler that needs no context (khit.h),
 *                             and quiet_actions, its statements at most
 *
 * Each walks the bodies of the used probes and, through their calls, of
 * the functions they run, once each: linear in the size of the program.
 */
#include <stdlib.h>
#include <string.h>

#include "stap.h"

/* ---- names in C ---- */

static void name_symbols(void)
{
	int i, k = 0;

	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		g->cname = arena_printf("g%d_%s", i, g->name);
	}
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (f->used)
			f->cname = arena_printf("fn%d_%s", k++, f->name);
	}
}

/* Calls go to the first definition of a name and arity (resolve.c),
 * whose stub tries the later ones: those need no stub. */
static void mark_overloads(void)
{
	int i;

	for (i = 0; i < S->func_list.len; i++)
		S->func_list.v[i]->later_overload = false;
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i], *g;

		if (f->later_overload)
			continue;
		for (g = f->overload; g; g = g->overload)
			if (g->params.len == f->params.len)
				g->later_overload = true;
	}
}

/* Walk the bodies of the functions call N may run, once each. */
static void walk_callees(const Node *n, Table *seen, Visit fn, void *ctx)
{
	const Func *g;

	for (g = n->func; g; g = g->overload)
		if (g->params.len == n->args.len && g->used &&
		    !table_get(seen, g->cname)) {
			table_put(seen, g->cname, (void *)g);
			walk_node(g->body, fn, ctx);
		}
}

/* ---- add-only globals ---- */

/*
 * Globals probes only add to.  A scalar that every probe but begin, end
 * and error changes only by additions whose value is unused ("n++;",
 * "n -= x;") and never otherwise reads needs no lock: each addition is
 * one atomic add (as bpftrace's count() is one per-CPU add), where a
 * lock would cost a compare-and-swap and a store on every hit.  Begin,
 * end and error probes never run beside the others (the runtimes run
 * them before arming and after disarming the rest), so they use it as
 * any global.
 */
Symbol *added_global(const Node *s)
{
	const Node *x = s->lhs;

	if (s->kind != S_EXPR || !(x->kind == N_PREINC ||
	    x->kind == N_POSTINC || (x->kind == N_ASSIGN &&
	    (!strcmp(x->op, "+=") || !strcmp(x->op, "-=")))))
		return NULL;
	if (x->lhs->kind != N_VAR || x->lhs->sym->kind != SYM_GLOBAL ||
	    !x->lhs->sym->add_only)
		return NULL;
	return x->lhs->sym;
}

typedef struct AddCount {
	int uses, adds;
} AddCount;

static AddCount *add_count(Table *counts, const Symbol *g)
{
	AddCount *a = table_get(counts, g->cname);

	if (!a) {
		a = NEW(AddCount);
		table_put(counts, g->cname, a);
	}
	return a;
}

typedef struct AddWalk {
	Table counts, seen;
} AddWalk;

/* Counts every use of a global and the uses that are additions: a global
 * whose uses are all additions stays add_only. */
static void note_add(Node *n, void *ctx)
{
	AddWalk *w = ctx;
	Symbol *g;

	if (n->kind == N_VAR && n->sym && n->sym->kind == SYM_GLOBAL)
		add_count(&w->counts, n->sym)->uses++;
	else if ((g = added_global(n)))
		add_count(&w->counts, g)->adds++;
	else if (n->kind == N_CALL)
		walk_callees(n, &w->seen, note_add, w);
}

static bool session_probe(const Derived *d)
{
	ProbeKind k = d->form->kind;

	return k == PK_BEGIN || k == PK_END || k == PK_ERROR;
}

static void find_add_only(void)
{
	AddWalk w = { 0 };
	int i;

	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		g->add_only = g->used && g->arity == 0 &&
			      tyvar_type(g->ty) == TY_LONG;
	}
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];

		if (d->used && !session_probe(d)) {
			int k;

			walk_node(d->body, note_add, &w);
			walk_node(d->cond, note_add, &w);
			for (k = 0; k < d->entries.len; k++)	/* @entry() */
				walk_node(d->entries.v[k], note_add, &w);
		}
	}
	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];
		AddCount *a = g->add_only ? table_get(&w.counts, g->cname) : NULL;

		g->add_only = a && a->adds > 0 && a->uses == a->adds;
	}
}

/* ---- shared handlers ---- */

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The derived probe whose handler probe I runs: the first of its
 * DWARF twins (sites of the same probe, e.g. 6000 inlined copies of a
 * function) when none of them reads a target variable.  Twins come
 * through the same alias chain: the points of different aliases in one
 * probe (syscall.read, syscall.write) run different alias bodies. */
static int shared_handler(int i)
{
	const Derived *d = S->derived.v[i];
	int j;

	if (!d->point->site || d->site_specific)
		return i;
	for (j = 0; j < i; j++) {
		const Derived *e = S->derived.v[j];

		if (e->used && e->probe == d->probe && e->point->site &&
		    !e->site_specific && e->form == d->form &&
		    same_text(e->chain, d->chain))
			return j;
	}
	return i;
}

/* ---- lock sets ---- */

typedef struct LockWalk {
	Derived *d;
	Table seen;		/* the functions walked */
} LockWalk;

static void note_global(Derived *d, Symbol *s, bool write)
{
	int i;

	if (!s || s->kind != SYM_GLOBAL || s->add_only)
		return;
	for (i = 0; i < d->locks.len; i++)
		if (d->locks.v[i].sym == s) {
			d->locks.v[i].write = d->locks.v[i].write || write;
			return;
		}
	vec_push(&d->locks, ((Lock){ s, write }));
}

static Symbol *target_symbol(const Node *t)
{
	if (t->kind == N_VAR)
		return t->sym;
	if (t->kind == N_INDEX && t->lhs->kind == N_VAR)
		return t->lhs->sym;
	return NULL;
}

/* The globals a handler touches, through the functions it calls (a
 * walk_node visitor). */
static void note_use(Node *n, void *ctx)
{
	LockWalk *l = ctx;

	switch (n->kind) {
	case N_VAR:
		note_global(l->d, n->sym, false);
		break;
	case N_ASSIGN:
	case N_PREINC:
	case N_POSTINC:
	case S_DELETE:
		note_global(l->d, target_symbol(n->lhs), true);
		break;
	case S_FOREACH:
		/* sorting reorders the map */
		if (n->lhs->kind == N_VAR)
			note_global(l->d, n->lhs->sym, n->sort_dir != 0);
		break;
	case N_CALL:
		walk_callees(n, &l->seen, note_use, l);
		break;
	default:
		break;
	}
}

static int by_cname(const void *a, const void *b)
{
	const Lock *x = a, *y = b;

	return strcmp(x->sym->cname, y->sym->cname);
}

/* A fixed order (the C names) avoids deadlock between handlers. */
static void find_locks(Derived *d)
{
	LockWalk l = { d, { 0 } };

	d->locks.len = 0;
	walk_node(d->body, note_use, &l);
	walk_node(d->cond, note_use, &l);
	if (d->locks.len)
		qsort(d->locks.v, (size_t)d->locks.len, sizeof(Lock), by_cname);
}

/* ---- quiet probes ---- */

/*
 * A quiet probe: its body can neither fail nor print, takes no lock and
 * reads nothing of the hit (no $var, no function, not even pp()): long
 * locals, constants, arithmetic other than / and %, comparisons, if and
 * next, and additions to add_only globals (find_add_only).  Without a
 * loop or a call it runs each statement at most once, so where
 * MAXACTION is at least their count (quiet_actions) it cannot exceed it
 * either.  Its kprobe hit then sets none of the context's fields and
 * checks for no output or error after (khit.h): on a counter's hit that
 * is most of the runtime's own cost (docs/overhead.md).
 */
static bool quiet_expr(const Node *n)
{
	if (!n)
		return true;
	if (n->kind != N_NUM && node_type(n) != TY_LONG)
		return false;
	switch (n->kind) {
	case N_NUM:
		return true;
	case N_VAR:
		return n->sym->kind == SYM_LOCAL;
	case N_UNARY:
		return quiet_expr(n->lhs);
	case N_BINARY:
		if (!strcmp(n->op, "/") || !strcmp(n->op, "%"))
			return false;
		/* fall through */
	case N_LOGICAL:
	case N_COMPARE:
		return node_type(n->lhs) == TY_LONG && quiet_expr(n->lhs) &&
		       quiet_expr(n->rhs);
	case N_TERNARY:
		return quiet_expr(n->cond) && quiet_expr(n->then) &&
		       quiet_expr(n->els);
	case N_ASSIGN:
		if (strchr("/%<.", n->op[0]))
			return false;
		/* fall through */
	case N_PREINC:
	case N_POSTINC:
		return quiet_expr(n->lhs) && quiet_expr(n->rhs);
	default:
		return false;
	}
}

static bool quiet_stmt(const Node *n, int *actions)
{
	int i;

	switch (n->kind) {
	case S_BLOCK:
		for (i = 0; i < n->args.len; i++)
			if (!quiet_stmt(n->args.v[i], actions))
				return false;
		return true;
	case S_NULL:
		return true;
	case S_EXPR:
		++*actions;
		return added_global(n) ? quiet_expr(n->lhs->kind == N_ASSIGN ?
						    n->lhs->rhs : NULL) :
					 quiet_expr(n->lhs);
	case S_IF:
		++*actions;
		return quiet_expr(n->cond) && quiet_stmt(n->then, actions) &&
		       (!n->els || quiet_stmt(n->els, actions));
	case S_NEXT:
		++*actions;
		return true;
	default:
		return false;
	}
}

static void find_quiet(Derived *d)
{
	d->quiet_actions = 0;
	d->quiet = quiet_expr(d->cond) && quiet_stmt(d->body,
						     &d->quiet_actions);
}

void analyze_program(void)
{
	int i;

	name_symbols();
	mark_overloads();
	find_add_only();
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];

		if (!d->used)
			continue;
		d->handler = shared_handler(i);
		if (d->handler == i) {
			find_locks(d);
			find_quiet(d);
		}
	}
}
