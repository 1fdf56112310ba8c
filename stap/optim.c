/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * optim.c - elision of unused code (pass 2, skipped with -u).
 *
 * As in SystemTap, and before types are inferred: assignments to locals
 * that are never read, expressions without side effects, empty
 * statements and probes, functions no probe reaches and globals nothing
 * uses are removed, each with a warning.  Eliding one thing can make
 * another unused, so the passes repeat until nothing changes.  Globals
 * that are written but never read are kept and marked for autoprint.
 */
#include <stdint.h>
#include <string.h>

#include "stap.h"

static bool changed;

/* ---- use counts ---- */

static void count(Node *n, bool value);

static void count_list(Node **v, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (v[i])
			count(v[i], true);
}

static void wrote(Node *target, bool value)
{
	if (target->kind == N_VAR && target->sym) {
		target->sym->writes++;
		if (value)
			target->sym->reads++;
	} else if (target->kind == N_INDEX && target->lhs->kind == N_VAR) {
		if (target->lhs->sym) {
			target->lhs->sym->writes++;
			if (value)
				target->lhs->sym->reads++;
		}
		count_list(target->args.v, target->args.len);
	} else {
		count(target, true);
	}
}

/* VALUE: the value of N is used by its parent. */
static void count(Node *n, bool value)
{
	int i;

	if (!n)
		return;
	switch (n->kind) {
	case N_VAR:
		if (n->sym)
			n->sym->reads++;
		break;
	case N_ASSIGN:
		wrote(n->lhs, value);
		count(n->rhs, true);
		break;
	case N_PREINC:
	case N_POSTINC:
		wrote(n->lhs, value);
		break;
	case S_FOREACH:
		count(n->lhs, true);
		count_list(n->args.v, n->args.len);
		for (i = 0; i < n->keys.len; i++)
			wrote(n->keys.v[i], false);
		if (n->value)
			wrote(n->value, false);
		count(n->limit, true);
		count(n->body, false);
		break;
	case S_DELETE:
		wrote(n->lhs, false);
		break;
	case S_TRY:
		count(n->body, false);
		if (n->lhs)
			wrote(n->lhs, false);
		count(n->els, false);
		break;
	case S_EXPR:
		count(n->lhs, false);
		break;
	case S_FOR:
		count(n->init, false);
		count(n->cond, true);
		count(n->inc, false);
		count(n->body, false);
		break;
	default:
		count(n->lhs, true);
		count(n->rhs, true);
		count(n->cond, true);
		count(n->then, n->kind < S_BLOCK);
		count(n->els, n->kind < S_BLOCK);
		count(n->body, false);
		count(n->limit, true);
		for (i = 0; i < n->args.len; i++)
			if (n->args.v[i])
				count(n->args.v[i], n->kind < S_BLOCK);
		for (i = 0; i < n->comps.len; i++)
			count(n->comps.v[i].index, true);
		break;
	}
}

static void reset_symbols(SymVec *v)
{
	int i;

	for (i = 0; i < v->len; i++)
		v->v[i]->reads = v->v[i]->writes = 0;
}

/* Count every use in the live program. */
void count_uses(void)
{
	int i;

	for (i = 0; i < S->global_list.len; i++)
		S->global_list.v[i]->reads = S->global_list.v[i]->writes = 0;
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		reset_symbols(&f->locals);
		reset_symbols(&f->params);
	}
	for (i = 0; i < S->derived.len; i++)
		reset_symbols(&S->derived.v[i]->locals);
	for (i = 0; i < S->func_list.len; i++)
		if (S->func_list.v[i]->used)
			count(S->func_list.v[i]->body, false);
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];

		if (!d->used)
			continue;
		count(d->body, false);
		count(d->cond, true);
	}
}

/* ---- side effects ---- */

static bool pure_call(const Node *n)
{
	const Func *f;

	for (f = n->func; f; f = f->overload)
		if (f->params.len == n->args.len && !f->pure)
			return false;
	return n->func != NULL;
}

bool has_side_effects(const Node *n)
{
	int i;

	if (!n)
		return false;
	switch (n->kind) {
	case N_ASSIGN:
	case N_PREINC:
	case N_POSTINC:
	case N_EMBEDDED:
	case S_EMBEDDED:
	case S_RETURN:
	case S_NEXT:
	case S_BREAK:
	case S_CONTINUE:
	case S_DELETE:
		return true;
	case N_CALL:
		if (!pure_call(n))
			return true;
		break;
	case N_PRINT:
		if (n->name[0] != 's')
			return true;
		break;
	default:
		break;
	}
	if (has_side_effects(n->lhs) || has_side_effects(n->rhs) ||
	    has_side_effects(n->cond) || has_side_effects(n->then) ||
	    has_side_effects(n->els) || has_side_effects(n->init) ||
	    has_side_effects(n->inc) || has_side_effects(n->body) ||
	    has_side_effects(n->limit))
		return true;
	for (i = 0; i < n->args.len; i++)
		if (has_side_effects(n->args.v[i]))
			return true;
	for (i = 0; i < n->comps.len; i++)
		if (has_side_effects(n->comps.v[i].index))
			return true;
	return false;
}

/* A function is pure if its body changes nothing outside itself.
 * Calls are not judged here: impurity spreads to callers below. */
static bool body_pure(const Node *n, Func *caller)
{
	const Func *g;
	int i;

	if (!n)
		return true;
	switch (n->kind) {
	case N_ASSIGN:
	case N_PREINC:
	case N_POSTINC:
	case S_DELETE:
		if (n->lhs->kind != N_VAR || !n->lhs->sym ||
		    n->lhs->sym->kind == SYM_GLOBAL)
			return false;
		break;
	case N_EMBEDDED:
	case S_EMBEDDED:
		return false;
	case N_CALL:
		if (!n->func)
			return false;
		for (g = n->func; g; g = g->overload)
			if (g->params.len == n->args.len)
				vec_push(&((Func *)g)->callers, caller);
		break;
	case N_PRINT:
		if (n->name[0] != 's')
			return false;
		break;
	default:
		break;
	}
	if (!body_pure(n->lhs, caller) || !body_pure(n->rhs, caller) ||
	    !body_pure(n->cond, caller) || !body_pure(n->then, caller) ||
	    !body_pure(n->els, caller) || !body_pure(n->init, caller) ||
	    !body_pure(n->inc, caller) || !body_pure(n->body, caller) ||
	    !body_pure(n->limit, caller))
		return false;
	for (i = 0; i < n->args.len; i++)
		if (!body_pure(n->args.v[i], caller))
			return false;
	return true;
}

static void make_impure(Func *f)
{
	int i;

	if (!f->pure)
		return;
	f->pure = false;
	for (i = 0; i < f->callers.len; i++)
		make_impure(f->callers.v[i]);
}

/* Judge each script function on its own statements, then let impurity
 * flow from callees to callers: linear in the program. */
static void compute_purity(void)
{
	VEC(Func *) impure = { 0 };
	int i;

	for (i = 0; i < S->func_list.len; i++)
		memset(&S->func_list.v[i]->callers, 0,
		       sizeof(S->func_list.v[i]->callers));
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->body)
			continue;
		f->pure = true;
		if (!body_pure(f->body, f))
			vec_push(&impure, f);
	}
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->body && !f->pure)
			vec_push(&impure, f);
	}
	for (i = 0; i < impure.len; i++) {
		Func *f = impure.v[i];

		f->pure = true;
		make_impure(f);
	}
}

/* ---- constant conditions ---- */

static bool both(const Node *n, NodeKind kind)
{
	return n->lhs->kind == kind && n->rhs->kind == kind;
}

static bool fold_arith(const char *op, int64_t a, int64_t b, int64_t *v)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	/* Wrapping as the runtime does; what can fail (a division by
	 * zero, a shift out of range) stays for check.c or the run. */
	switch (op[0]) {
	case '+': *v = (int64_t)(ua + ub); return true;
	case '-': *v = (int64_t)(ua - ub); return true;
	case '*': *v = (int64_t)(ua * ub); return true;
	case '&': *v = a & b; return true;
	case '|': *v = a | b; return true;
	case '^': *v = a ^ b; return true;
	case '/':
	case '%':
		if (b == 0 || (a == INT64_MIN && b == -1))
			return false;
		*v = op[0] == '/' ? a / b : a % b;
		return true;
	default:
		break;
	}
	if (b < 0 || b > 63)
		return false;
	if (!strcmp(op, "<<"))
		*v = (int64_t)(ua << b);
	else if (!strcmp(op, ">>"))
		*v = a >> b;
	else if (!strcmp(op, ">>>"))
		*v = (int64_t)(ua >> b);
	else
		return false;
	return true;
}

static bool fold_unary(const Node *n, int64_t *v)
{
	uint64_t a = (uint64_t)n->lhs->num;

	switch (n->op[0]) {
	case '!': *v = !a; return true;
	case '-': *v = (int64_t)(0 - a); return true;
	case '~': *v = (int64_t)~a; return true;
	case '+': *v = (int64_t)a; return true;
	default: return false;
	}
}

/* '&&' and '||' whose left side decides, or whose two sides are known:
 * the right side is never evaluated in the first case, so dropping it
 * changes nothing. */
static bool fold_logical(Node *n, int64_t *v)
{
	bool and = !strcmp(n->op, "&&");

	if (!fold_constant(n->lhs))
		return false;
	if (and ? !n->lhs->num : n->lhs->num != 0) {
		*v = !and;
		return true;
	}
	if (!fold_constant(n->rhs))
		return false;
	*v = n->rhs->num != 0;
	return true;
}

/* SystemTap folds constant expressions before it elides code, so that
 * "if (!@defined($x)) ... else $x" keeps only the branch that can
 * resolve.  Only conditions are folded here (resolve.c keeps the
 * branch a constant condition picks). */
bool fold_constant(Node *n)
{
	int64_t v;

	switch (n->kind) {
	case N_NUM:
		return true;
	case N_UNARY:
		if (!fold_constant(n->lhs) || !fold_unary(n, &v))
			return false;
		break;
	case N_BINARY:
		fold_constant(n->lhs);
		fold_constant(n->rhs);
		if (!both(n, N_NUM) ||
		    !fold_arith(n->op, n->lhs->num, n->rhs->num, &v))
			return false;
		break;
	case N_COMPARE:
		fold_constant(n->lhs);
		fold_constant(n->rhs);
		if (both(n, N_NUM))
			v = compare_holds(n->op, (n->lhs->num > n->rhs->num) -
					   (n->lhs->num < n->rhs->num));
		else if (both(n, N_STR))
			v = compare_holds(n->op, strcmp(n->lhs->str, n->rhs->str));
		else
			return false;
		break;
	case N_LOGICAL:
		if (!fold_logical(n, &v))
			return false;
		break;
	default:
		return false;
	}
	n->kind = N_NUM;
	n->num = v;
	n->lhs = n->rhs = NULL;
	return true;
}

/* ---- elision ---- */

static bool unread_local(const Node *target)
{
	return target->kind == N_VAR && target->sym &&
	       target->sym->kind != SYM_GLOBAL && target->sym->reads == 0;
}

/*
 * Elisions inside tapset code are not the user's to hear about: an
 * alias sets every variable SystemTap documents and a script reads a
 * few (SystemTap warns only for the user's own files).
 */
static void warn_elision(const Token *t, const char *what, const char *name)
{
	if (t && t->src && t->src->tapset)
		return;
	if (name)
		warn_at(t, "%s '%s', which is never read", what, name);
	else
		warn_at(t, "%s", what);
}

/* Rewrite an expression; NULL when nothing of it needs to stay. */
static Node *simplify(Node *n, bool value)
{
	int i;

	if (!n)
		return NULL;
	switch (n->kind) {
	case N_ASSIGN:
		/* Like SystemTap, only '=' and '<<<' are elided: compound
		 * assignments stay, as increments do. */
		if (!value && unread_local(n->lhs) &&
		    (!strcmp(n->op, "=") || !strcmp(n->op, "<<<"))) {
			warn_elision(n->tok, "eliding assignment to",
				     n->lhs->name);
			changed = true;
			return simplify(n->rhs, false);
		}
		n->rhs = simplify(n->rhs, true);
		return n;
	default:
		break;
	}
	if (n->kind < S_BLOCK) {
		if (n->lhs)
			n->lhs = simplify(n->lhs, true);
		if (n->rhs)
			n->rhs = simplify(n->rhs, true);
		if (n->cond)
			n->cond = simplify(n->cond, true);
		if (n->then)
			n->then = simplify(n->then, true);
		if (n->els)
			n->els = simplify(n->els, true);
		for (i = 0; i < n->args.len; i++)
			if (n->args.v[i])
				n->args.v[i] = simplify(n->args.v[i], true);
	}
	return n;
}

static bool empty(const Node *n)
{
	return !n || n->kind == S_NULL ||
	       (n->kind == S_BLOCK && n->args.len == 0);
}

static Node *elide(Node *n);

/* A while or for loop whose condition is the constant 0.  Only such a
 * loop may go when its body is empty: one whose condition has no side
 * effects either never ends (the run must stop at MAXACTION, not go on
 * as if it had ended) or waits on something that changes by itself
 * (a clock), so removing it would change what the script does.
 * SystemTap 4.8 removes both (docs/conformance.md). */
static bool never_runs(const Node *n)
{
	return n->cond && n->cond->kind == N_NUM && n->cond->num == 0;
}

static Node *elide_block(Node *n)
{
	int i, k = 0;

	for (i = 0; i < n->args.len; i++) {
		Node *s = elide(n->args.v[i]);

		if (!empty(s))
			n->args.v[k++] = s;
	}
	n->args.len = k;
	return n;
}

static Node *drop(Node *n, const char *why)
{
	warn_elision(n->tok, why, NULL);
	changed = true;
	return NULL;
}

/* Rewrite a statement; NULL when it does nothing. */
static Node *elide(Node *n)
{
	switch (n->kind) {
	case S_BLOCK:
		return elide_block(n);
	case S_EXPR:
		n->lhs = simplify(n->lhs, false);
		if (!n->lhs)
			return NULL;
		if (!has_side_effects(n->lhs))
			return drop(n->lhs, "eliding an expression without side"
				    " effects");
		return n;
	case S_IF:
		n->cond = simplify(n->cond, true);
		n->then = elide(n->then);
		if (n->els)
			n->els = elide(n->els);
		if (empty(n->els))
			n->els = NULL;
		if (empty(n->then) && !n->els && !has_side_effects(n->cond))
			return drop(n, "eliding an 'if' that does nothing");
		if (!n->then)
			n->then = new_node(S_BLOCK, n->tok);
		return n;
	case S_WHILE:
	case S_FOR:
		if (n->init)
			n->init = simplify(n->init, false);
		if (n->inc)
			n->inc = simplify(n->inc, false);
		n->body = elide(n->body);
		if (empty(n->body) && never_runs(n) &&
		    !has_side_effects(n->init))
			return drop(n, "eliding a loop that never runs");
		if (!n->body)
			n->body = new_node(S_BLOCK, n->tok);
		return n;
	case S_FOREACH:
		n->body = elide(n->body);
		if (empty(n->body) && !has_side_effects(n->limit))
			return drop(n, "eliding a foreach that does nothing");
		if (!n->body)
			n->body = new_node(S_BLOCK, n->tok);
		return n;
	case S_TRY:
		n->body = elide(n->body);
		if (empty(n->body))
			return drop(n, "eliding a try block that does nothing");
		n->els = elide(n->els);
		if (!n->els)
			n->els = new_node(S_BLOCK, n->tok);
		return n;
	case S_DELETE:
		if (unread_local(n->lhs))
			return drop(n, "eliding the delete of a variable that"
				    " is never read");
		return n;
	case S_RETURN:
		if (n->lhs)
			n->lhs = simplify(n->lhs, true);
		return n;
	default:
		return n;
	}
}

/* ---- reachability ---- */

static void reach(const Node *n);

static void reach_func(Func *f)
{
	if (f->mark)
		return;
	f->mark = 1;
	reach(f->body);
}

static void reach(const Node *n)
{
	const Func *g;
	int i;

	if (!n)
		return;
	if (n->kind == N_CALL)
		for (g = n->func; g; g = g->overload)
			if (g->params.len == n->args.len)
				reach_func((Func *)g);
	reach(n->lhs);
	reach(n->rhs);
	reach(n->cond);
	reach(n->then);
	reach(n->els);
	reach(n->init);
	reach(n->inc);
	reach(n->body);
	reach(n->limit);
	for (i = 0; i < n->args.len; i++)
		reach(n->args.v[i]);
	for (i = 0; i < n->comps.len; i++)
		reach(n->comps.v[i].index);
}

static void elide_functions(void)
{
	int i;

	for (i = 0; i < S->func_list.len; i++)
		S->func_list.v[i]->mark = 0;
	for (i = 0; i < S->derived.len; i++)
		if (S->derived.v[i]->used) {
			reach(S->derived.v[i]->body);
			reach(S->derived.v[i]->cond);
		}
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->used || f->mark)
			continue;
		f->used = false;
		changed = true;
		if (!f->file->src->tapset)
			warn_at(f->tok, "eliding unused function '%s'",
				f->name);
	}
}

static void elide_globals(void)
{
	int i;

	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		if (!g->used || g->reads || g->writes || g->from_cmdline)
			continue;
		g->used = false;
		changed = true;
		if (!g->file->src->tapset)
			warn_at(g->tok, "eliding unused global '%s'", g->name);
	}
}

static void elide_probes(void)
{
	int i;

	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];
		Buf b = { 0 };

		if (!d->used)
			continue;
		d->body = elide(d->body);
		if (!empty(d->body))
			continue;
		d->used = false;
		changed = true;
		print_point(&b, d->point);
		warn_at(d->probe->tok, "probe '%s' does nothing and has been"
			" elided", b.s);
		buf_free(&b);
	}
}

static void warn_unassigned(SymVec *v)
{
	int i;

	for (i = 0; i < v->len; i++) {
		Symbol *s = v->v[i];

		if (s->reads && !s->writes)
			warn_at(s->tok, "local variable '%s' is read but never"
				" assigned: it is always 0 or \"\"", s->name);
	}
}

void optimize_program(void)
{
	int rounds = 0, i;

	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->used && !f->file->src->tapset)
			warn_at(f->tok, "eliding unused function '%s'",
				f->name);
	}

	do {
		changed = false;
		compute_purity();
		count_uses();
		for (i = 0; i < S->func_list.len; i++) {
			Func *f = S->func_list.v[i];

			if (f->used && f->body)
				f->body = elide(f->body);
			if (f->body == NULL && !f->embedded)
				f->body = new_node(S_BLOCK, f->tok);
		}
		elide_probes();
		elide_functions();
		count_uses();
		elide_globals();
	} while (changed && ++rounds < 100);

	for (i = 0; i < S->derived.len; i++)
		if (S->derived.v[i]->used)
			warn_unassigned(&S->derived.v[i]->locals);
	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		/* Only the script's own: a tapset's global written for
		 * its own sake is no result to print (SystemTap). */
		g->autoprint = g->used && g->writes && !g->reads &&
			       !g->file->src->tapset;
	}
	for (i = 0; i < S->derived.len; i++)
		if (S->derived.v[i]->used)
			return;
	sem_error(NULL, "no probes found: every probe was elided, as none"
		  " does anything (-u keeps them)");
}
