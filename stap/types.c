/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * types.c - whole-program type inference (pass 2).
 *
 * Every variable, array key and value, parameter and function result is a
 * type variable; expressions constrain them and unification (union-find)
 * merges them, so the whole program is typed in one walk, in time linear
 * in its size.  Functions are walked before probes, as SystemTap does, so
 * "first inferred here" points where a SystemTap user expects it.  After
 * the walk, anything still untyped is an "unresolved type" error, and the
 * places where statistics may not go are checked.
 */
#include <string.h>

#include "stap.h"

struct TyVar {
	TyVar *parent;
	Type type;
	const Token *where;	/* where the type was first inferred */
};

TyVar *new_tyvar(void)
{
	return NEW(TyVar);
}

static TyVar *find(TyVar *v)
{
	while (v->parent) {
		if (v->parent->parent)
			v->parent = v->parent->parent;
		v = v->parent;
	}
	return v;
}

Type tyvar_type(TyVar *v)
{
	return v ? find(v)->type : TY_UNKNOWN;
}

Type node_type(const Node *n)
{
	if (n->kind == N_VAR && n->sym)
		return tyvar_type(n->sym->ty);
	return tyvar_type(n->ty);
}

static TyVar *typed(Type t, const Token *where)
{
	TyVar *v = new_tyvar();

	v->type = t;
	v->where = where;
	return v;
}

/* "'a + b'" for messages, cut short if long. */
static const char *describe(const Node *n)
{
	Buf b = { 0 };
	const char *d;

	if (n->kind > N_IN)
		return "this";
	print_expr(&b, n);
	if (b.len > 40)
		d = arena_printf("'%.37s...'", b.s);
	else
		d = arena_printf("'%s'", b.s);
	buf_free(&b);
	return d;
}

static void mismatch(const Node *at, Type expected, Type found,
		     const Token *first, Type first_type)
{
	if (expected == TY_VOID || found == TY_VOID) {
		sem_error(at->tok, "type mismatch for %s: a function that"
			  " returns no value is used as a %s", describe(at),
			  type_name(expected == TY_VOID ? found : expected));
	} else {
		sem_error(at->tok, "type mismatch for %s: expected %s, found"
			  " %s", describe(at), type_name(expected),
			  type_name(found));
	}
	if (first)
		note_at(first, "the type %s was first inferred here",
			type_name(first_type));
}

/* Constrain V to type T because of AT. */
static void want(TyVar *v, Type t, const Node *at)
{
	v = find(v);
	if (v->type == TY_UNKNOWN) {
		v->type = t;
		v->where = at->tok;
	} else if (v->type != t) {
		mismatch(at, t, v->type, v->where, v->type);
	}
}

/* A and B have one type, because of AT; B is the newer fact. */
static void unify(TyVar *a, TyVar *b, const Node *at)
{
	a = find(a);
	b = find(b);
	if (a == b)
		return;
	if (a->type != TY_UNKNOWN && b->type != TY_UNKNOWN &&
	    a->type != b->type) {
		mismatch(at, a->type, b->type, a->where, a->type);
		return;
	}
	if (a->type == TY_UNKNOWN) {
		a->type = b->type;
		a->where = b->where;
	}
	b->parent = a;
}

/* ---- arrays ---- */

static TyVar *infer(Node *n);
static void stmt(Node *n);

static void mark(Symbol *s)
{
	if (s)
		s->used = true;
}

/* KEYS index array S: arity and key types. NULL keys are '*'. */
static void index_keys(Symbol *s, Node **keys, int nkeys, const Node *at)
{
	int i;

	(void)at;
	mark(s);
	for (i = 0; i < nkeys; i++) {
		TyVar *k;

		if (!keys[i])
			continue;
		k = infer(keys[i]);
		if (s && s->arity == nkeys)
			unify(s->key_ty[i], k, keys[i]);
	}
}

/* A histogram's bucket: one long index. */
static TyVar *hist_bucket(Node *hist, Node **keys, int nkeys, const Node *at)
{
	infer(hist);
	if (nkeys != 1)
		sem_error(at->tok, "a histogram bucket takes one index, not %d",
			  nkeys);
	else if (keys[0])
		want(infer(keys[0]), TY_LONG, keys[0]);
	return typed(TY_LONG, at->tok);
}

static TyVar *array_ref(Node *n)
{
	Node *base = n->lhs;

	if (base->kind != N_VAR)
		return hist_bucket(base, n->args.v, n->args.len, n);
	index_keys(base->sym, n->args.v, n->args.len, base);
	return base->sym ? base->sym->ty : new_tyvar();
}

/* ---- calls and printing ---- */

static TyVar *call(Node *n)
{
	Func *f = n->func, *g;
	TyVar **args;
	int i;

	args = arena_alloc(sizeof(*args) * (size_t)(n->args.len + 1));
	for (i = 0; i < n->args.len; i++)
		args[i] = infer(n->args.v[i]);
	if (!f)
		return new_tyvar();
	for (g = f; g; g = g->overload) {
		if (g->params.len != n->args.len)
			continue;
		for (i = 0; i < n->args.len; i++)
			unify(g->params.v[i]->ty, args[i], n->args.v[i]);
		if (g != f)
			unify(f->ret, g->ret, n);
	}
	return f->ret;
}

/* Values whose type must be known by the end, though nothing else
 * would notice: what print and comparisons are given. */
static VEC(Node *) needs_type;

static TyVar *print_call(Node *n)
{
	bool fmt = strstr(n->name, "printf") != NULL;
	bool returns = n->name[0] == 's';
	int i;

	if (fmt) {
		Type types[256];
		int nargs = n->args.len - 1;

		if (check_format(n, n->args.v[0]->str, nargs, types)) {
			for (i = 0; i < nargs && i < 256; i++)
				want(infer(n->args.v[i + 1]), types[i],
				     n->args.v[i + 1]);
		} else {
			for (i = 1; i < n->args.len; i++)
				infer(n->args.v[i]);
		}
	} else {
		for (i = 0; i < n->args.len; i++) {
			TyVar *t = infer(n->args.v[i]);

			if (i == 0 && strstr(n->name, "printd"))
				want(t, TY_STRING, n->args.v[i]);
			vec_push(&needs_type, n->args.v[i]);
		}
	}
	return returns ? typed(TY_STRING, n->tok) : typed(TY_VOID, n->tok);
}

/* ---- expressions ---- */

static TyVar *assign(Node *n)
{
	TyVar *l, *r;

	if (!strcmp(n->op, "<<<")) {
		l = infer(n->lhs);
		want(l, TY_STATS, n->lhs);
		r = infer(n->rhs);
		want(r, TY_LONG, n->rhs);
		return r;
	}
	l = infer(n->lhs);
	r = infer(n->rhs);
	if ((n->lhs->kind == N_TARGET || n->lhs->kind == N_CAST) &&
	    n->lhs->texpr && n->lhs->texpr->base != TB_PROCFS) {
		const char *why = target_write_problem(n->lhs->texpr, n->op);

		if (why)
			sem_error(n->lhs->tok, "cannot write '%s': %s",
				  n->lhs->name ? n->lhs->name : "@cast", why);
	}
	if (!strcmp(n->op, "=")) {
		unify(l, r, n->lhs);
		return l;
	}
	if (!strcmp(n->op, ".=")) {
		want(l, TY_STRING, n->lhs);
		want(r, TY_STRING, n->rhs);
		return l;
	}
	want(l, TY_LONG, n->lhs);
	want(r, TY_LONG, n->rhs);
	return l;
}

/* Target expressions: resolve.c resolved them or said why not. */
static TyVar *target_type(Node *n)
{
	int i;

	for (i = 0; i < n->comps.len; i++)
		if (n->comps.v[i].index)
			want(infer(n->comps.v[i].index), TY_LONG,
			     n->comps.v[i].index);
	if (n->lhs)
		want(infer(n->lhs), TY_LONG, n->lhs);
	if (!n->texpr)
		return new_tyvar();
	return typed(n->texpr->is_string ? TY_STRING : TY_LONG, n->tok);
}

static TyVar *unsupported(Node *n)
{
	if (n->kind == N_ATOP && !strcmp(n->name, "entry"))
		sem_error(n->tok, "@entry is only valid in .return probes");
	else if (n->kind == N_ATOP && !strcmp(n->name, "var"))
		sem_error(n->tok, "@var with a module argument is not supported"
			  " yet: @var(\"NAME\") and @var(\"NAME@CU\") read the"
			  " probe's own binary");
	else if (n->kind == N_ATOP)
		sem_error(n->tok, "@%s needs kernel or user-space probes: not"
			  " supported yet", n->name);
	else
		sem_error(n->tok, "%s needs type information from kernel"
			  " debuginfo or BTF: not supported yet",
			  n->kind == N_CAST ? "@cast" :
			  n->kind == N_ADDR ? "'&'" : "this '->' or '[]'"
			  " (an autocast)");
	return new_tyvar();
}

static TyVar *expr(Node *n)
{
	TyVar *l, *r;

	switch (n->kind) {
	case N_NUM:
		return typed(TY_LONG, n->tok);
	case N_STR:
		return typed(TY_STRING, n->tok);
	case N_VAR:
		if (!n->sym)
			return new_tyvar();
		mark(n->sym);
		return n->sym->ty;
	case N_INDEX:
		return array_ref(n);
	case N_CALL:
		return call(n);
	case N_PRINT:
		return print_call(n);
	case N_STATOP:
		want(infer(n->lhs), TY_STATS, n->lhs);
		return typed(TY_LONG, n->tok);
	case N_HIST: {
		int i;

		want(infer(n->lhs), TY_STATS, n->lhs);
		for (i = 0; i < n->args.len; i++)
			want(infer(n->args.v[i]), TY_LONG, n->args.v[i]);
		return typed(TY_HIST, n->tok);
	}
	case N_EMBEDDED:
		return typed(strstr(n->str, "/* string */") ? TY_STRING :
			     TY_LONG, n->tok);
	case N_UNARY:
		want(infer(n->lhs), TY_LONG, n->lhs);
		return typed(TY_LONG, n->tok);
	case N_PREINC:
	case N_POSTINC:
		want(infer(n->lhs), TY_LONG, n->lhs);
		return typed(TY_LONG, n->tok);
	case N_BINARY: {
		Type t = !strcmp(n->op, ".") ? TY_STRING : TY_LONG;

		want(infer(n->lhs), t, n->lhs);
		want(infer(n->rhs), t, n->rhs);
		return typed(t, n->tok);
	}
	case N_LOGICAL:
		want(infer(n->lhs), TY_LONG, n->lhs);
		want(infer(n->rhs), TY_LONG, n->rhs);
		return typed(TY_LONG, n->tok);
	case N_COMPARE:
		l = infer(n->lhs);
		r = infer(n->rhs);
		unify(l, r, n->rhs);
		vec_push(&needs_type, n->lhs);
		return typed(TY_LONG, n->tok);
	case N_REGEX:
		want(infer(n->lhs), TY_STRING, n->lhs);
		return typed(TY_LONG, n->tok);
	case N_TERNARY:
		want(infer(n->cond), TY_LONG, n->cond);
		l = infer(n->then);
		r = infer(n->els);
		unify(l, r, n->els);
		return l;
	case N_ASSIGN:
		return assign(n);
	case N_IN:
		if (n->lhs->kind == N_VAR)
			index_keys(n->lhs->sym, n->args.v, n->args.len, n->lhs);
		else
			hist_bucket(n->lhs, n->args.v, n->args.len, n);
		return typed(TY_LONG, n->tok);
	case N_TARGET:
	case N_CAST:
		return target_type(n);
	case N_AUTOCAST:
		if (n->texpr)
			return target_type(n);
		return unsupported(n);
	case N_ATOP:
		if (!strcmp(n->name, "entry") && n->texpr) {
			want(infer(n->lhs), TY_LONG, n->lhs);
			return typed(TY_LONG, n->tok);
		}
		return unsupported(n);
	default:
		return unsupported(n);
	}
}

/* An expression whose value is used: it must have one. */
static TyVar *infer(Node *n)
{
	TyVar *t = expr(n);

	n->ty = t;
	if (tyvar_type(t) == TY_VOID) {
		sem_error(n->tok, "'%s' returns no value, but its value is"
			  " used here", n->name ? n->name : "this");
		return new_tyvar();
	}
	return t;
}

/* ---- statements ---- */

static Func *current;

/* An expression whose value is unused (a statement): a call or a print
 * may have none, also as a branch of ?: ("c ? printf(...) :
 * printf(...)", tcp_trace.stp), as in SystemTap. */
static void unused_value(Node *n)
{
	if (n->kind == N_CALL || n->kind == N_PRINT) {
		n->ty = expr(n);
	} else if (n->kind == N_TERNARY) {
		want(infer(n->cond), TY_LONG, n->cond);
		unused_value(n->then);
		unused_value(n->els);
		if (tyvar_type(n->then->ty) != TY_VOID &&
		    tyvar_type(n->els->ty) != TY_VOID)
			unify(n->then->ty, n->els->ty, n->els);
		n->ty = n->then->ty;
	} else {
		infer(n);
	}
}

static void foreach_stmt(Node *n)
{
	Node *arr = n->lhs;
	Symbol *s = arr->kind == N_VAR ? arr->sym : NULL;
	int i;

	if (arr->kind != N_VAR) {
		infer(arr);
		if (n->keys.len != 1)
			sem_error(n->tok, "a histogram is iterated with one key,"
				  " its bucket, not %d", n->keys.len);
		for (i = 0; i < n->keys.len; i++)
			want(infer(n->keys.v[i]), TY_LONG, n->keys.v[i]);
		if (n->value)
			want(infer(n->value), TY_LONG, n->value);
	} else if (s) {
		mark(s);
		if (n->args.len)
			index_keys(s, n->args.v, n->args.len, arr);
		for (i = 0; i < n->keys.len && s->arity == n->keys.len; i++)
			unify(s->key_ty[i], infer(n->keys.v[i]), n->keys.v[i]);
		if (n->value)
			unify(s->ty, infer(n->value), n->value);
		if (n->sort_op)
			want(s->ty, TY_STATS, arr);
	}
	if (n->limit)
		want(infer(n->limit), TY_LONG, n->limit);
	stmt(n->body);
}

static void stmt(Node *n)
{
	int i;

	switch (n->kind) {
	case S_BLOCK:
		for (i = 0; i < n->args.len; i++)
			stmt(n->args.v[i]);
		break;
	case S_EXPR:
		unused_value(n->lhs);
		break;
	case S_IF:
		want(infer(n->cond), TY_LONG, n->cond);
		stmt(n->then);
		if (n->els)
			stmt(n->els);
		break;
	case S_WHILE:
	case S_FOR:
		if (n->init)
			n->init->ty = expr(n->init);
		if (n->cond)
			want(infer(n->cond), TY_LONG, n->cond);
		if (n->inc)
			n->inc->ty = expr(n->inc);
		stmt(n->body);
		break;
	case S_FOREACH:
		foreach_stmt(n);
		break;
	case S_RETURN:
		if (n->lhs && current)
			unify(current->ret, infer(n->lhs), n->lhs);
		else if (current)
			want(current->ret, TY_VOID, n);
		break;
	case S_DELETE:
		if (n->lhs->kind == N_VAR) {
			mark(n->lhs->sym);
		} else if (n->lhs->kind == N_INDEX &&
			   n->lhs->lhs->kind == N_VAR) {
			index_keys(n->lhs->lhs->sym, n->lhs->args.v,
				   n->lhs->args.len, n->lhs->lhs);
		}
		break;
	case S_TRY:
		stmt(n->body);
		if (n->lhs)
			want(infer(n->lhs), TY_STRING, n->lhs);
		stmt(n->els);
		break;
	default:
		break;
	}
}

/* ---- after the walk ---- */

static void check_symbol(Symbol *s)
{
	Type t = tyvar_type(s->ty);
	int i;

	if (!s->used)
		return;
	if (t == TY_STATS && s->kind != SYM_GLOBAL) {
		sem_error(s->tok, "%s '%s' holds statistics, which only globals"
			  " can: declare it global",
			  s->kind == SYM_PARAM ? "parameter" : "local", s->name);
		return;
	}
	if (t == TY_UNKNOWN && s->arity != -1) {
		sem_error(s->tok, "unresolved type of %s '%s': nothing in the"
			  " program says whether it is a number, a string or"
			  " statistics",
			  s->kind == SYM_GLOBAL ? "global" :
			  s->kind == SYM_PARAM ? "parameter" : "local",
			  s->name);
		return;
	}
	if (s->arity == -1 && s->kind == SYM_GLOBAL && (s->maxsize || s->wrap))
		return;
	if (s->wrap && s->arity == 0)
		sem_error(s->tok, "'%s' wraps (%%) but is a scalar: only arrays"
			  " can wrap", s->name);
	for (i = 0; i < s->arity && i < MAX_KEYS; i++) {
		Type k = tyvar_type(s->key_ty[i]);

		if (k == TY_UNKNOWN)
			sem_error(s->tok, "unresolved type of index %d of"
				  " array '%s'", i + 1, s->name);
		else if (k == TY_STATS)
			sem_error(s->tok, "index %d of array '%s' is"
				  " statistics: indexes are numbers or"
				  " strings", i + 1, s->name);
	}
}

static void check_symbols(SymVec *v)
{
	int i;

	for (i = 0; i < v->len; i++)
		check_symbol(v->v[i]);
}

static void function(Func *f)
{
	int i;

	for (i = 0; i < f->params.len; i++) {
		Symbol *p = f->params.v[i];

		p->used = true;
		if (p->decl_type)
			want(p->ty, p->decl_type, &(Node){ .tok = p->tok });
	}
	/* Without a declared type or a 'return EXPR', the callers'
	 * use decides the type, as in SystemTap. */
	if (f->ret_decl)
		want(f->ret, f->ret_decl, &(Node){ .tok = f->tok });
}

bool infer_types(void)
{
	int errors = S->errors, i;
	bool walk_ok;

	memset(&needs_type, 0, sizeof(needs_type));
	current = NULL;

	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		if (g->used && g->init)
			want(g->ty, g->init->kind == N_NUM ? TY_LONG :
			     TY_STRING, g->init);
	}
	for (i = 0; i < S->func_list.len; i++)
		if (S->func_list.v[i]->used)
			function(S->func_list.v[i]);
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->used || !f->body)
			continue;
		current = f;
		stmt(f->body);
	}
	current = NULL;
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];

		if (!d->used)
			continue;
		stmt(d->body);
		if (d->cond)
			want(infer(d->cond), TY_LONG, d->cond);
	}
	/* After a type error, "unresolved" would mostly echo it. */
	walk_ok = S->errors == errors;
	for (i = 0; walk_ok && i < S->global_list.len; i++)
		check_symbol(S->global_list.v[i]);
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->used || !walk_ok)
			continue;
		check_symbols(&f->params);
		check_symbols(&f->locals);
		if (f->has_return_value && tyvar_type(f->ret) == TY_UNKNOWN)
			sem_error(f->tok, "unresolved return type of function"
				  " '%s'", f->name);
		else if (tyvar_type(f->ret) == TY_STATS)
			sem_error(f->tok, "function '%s' returns statistics,"
				  " which only globals can hold", f->name);
	}
	for (i = 0; walk_ok && i < S->derived.len; i++)
		if (S->derived.v[i]->used)
			check_symbols(&S->derived.v[i]->locals);
	if (S->errors == errors)
		for (i = 0; i < needs_type.len; i++)
			if (tyvar_type(needs_type.v[i]->ty) == TY_UNKNOWN)
				sem_error(needs_type.v[i]->tok, "unresolved type:"
					  " nothing says whether this is a"
					  " number or a string");
	return S->errors == errors;
}
