/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolve.c - elaboration, the first part of pass 2.
 *
 * Registers the user's files, expands every probe point through aliases
 * (with suffixes, wildcards, '?', '!' and conditions) down to the probe
 * families of probes.c, gives every derived probe its own copy of the
 * body, and binds each name: locals, parameters, private and public
 * globals, functions (pulling tapset files on demand).  Functions are
 * resolved from a worklist as they are first called, so only what the
 * script reaches is ever analysed.
 */
#include <string.h>

#include "stap.h"

typedef struct Scope {
	File *file;
	Func *func;		/* NULL in a probe */
	Table *locals;
	SymVec *list;		/* where new locals go */
	bool globals_only;	/* probe conditions */
	const char *what;	/* "probe begin", "function f" for messages */
} Scope;

static VEC(Func *) worklist;
static ProbePoint *top_point;	/* the user's point, wildcards resolved */
static bool too_many;		/* MAX_DERIVED reached, and said */
static Table private_globals;	/* "file\1name" -> Symbol */
static Table private_funcs;	/* "file\1name" -> Func */

/* Forget the previous program (the arena that held it is gone). */
/* --dump-functions: every tapset file joins the program. */
static bool pull_all;

void resolve_reset(void)
{
	memset(&worklist, 0, sizeof(worklist));
	memset(&private_globals, 0, sizeof(private_globals));
	memset(&private_funcs, 0, sizeof(private_funcs));
	top_point = NULL;
	too_many = false;
	pull_all = false;
	alias_reset();
}

Symbol *new_symbol(const char *name, SymKind kind, const Token *tok)
{
	Symbol *s = NEW(Symbol);

	s->name = name;
	s->kind = kind;
	s->tok = tok;
	s->arity = -1;
	return s;
}

/* A private name's key: its file's (source's) name and its own. */
static const char *private_key_in(const Source *src, const char *name)
{
	return arena_printf("%s\1%s", src->name, name);
}

static const char *private_key(const File *f, const char *name)
{
	return private_key_in(f->src, name);
}

/* ---- functions ---- */

static Func *lookup_function(const File *from, const Token *at,
			     const char *name)
{
	Func *f = from ? table_get(&private_funcs, private_key(from, name))
		       : NULL;

	if (!f && at && at->src)	/* as lookup_global */
		f = table_get(&private_funcs, private_key_in(at->src, name));

	return f ? f : table_get(&S->functions, name);
}

/* The function body's own statements decide a few properties. */
static void scan_body(Func *f, const Node *n)
{
	int i;

	if (!n)
		return;
	if (n->kind == S_RETURN && n->lhs)
		f->has_return_value = true;
	if (n->kind == S_NEXT)
		f->has_next = true;
	if (n->kind >= S_BLOCK) {
		scan_body(f, n->then);
		scan_body(f, n->els);
		scan_body(f, n->body);
		for (i = 0; i < n->args.len; i++)
			scan_body(f, n->args.v[i]);
	}
}

static void register_function(Func *f)
{
	Table *table = &S->functions;
	const char *key = f->name;
	Func *first, *last;

	if (f->private) {
		table = &private_funcs;
		key = private_key(f->file, f->name);
	}
	scan_body(f, f->body);
	f->ret = new_tyvar();
	vec_push(&S->func_list, f);
	first = table_get(table, key);
	if (!first) {
		table_put(table, key, f);
		return;
	}
	for (last = first; last->overload; last = last->overload)
		;
	last->overload = f;
	/* An earlier definition of the same arity that never says 'next'
	 * always returns: this one can never run.  Said of the script's
	 * functions only: the library's code is quiet, as in SystemTap. */
	for (; first && !f->file->src->tapset; first = first->overload)
		if (first != f && first->params.len == f->params.len &&
		    !first->has_next && !first->embedded)
			warn_at(f->tok, "function '%s' is unreachable: the"
				" overload at %s:%d never falls through with"
				" 'next'", f->name, first->tok->src->name,
				first->tok->line);
}

/* ---- globals ---- */

static void register_global(Symbol *g)
{
	Table *table = &S->globals;
	const char *key = g->name;
	Symbol *old;

	if (g->private) {
		table = &private_globals;
		key = private_key(g->file, g->name);
	}
	old = table_get(table, key);
	if (old) {
		sem_error(g->tok, "duplicate global '%s'", g->name);
		note_at(old->tok, "'%s' was first declared here", g->name);
		return;
	}
	g->ty = new_tyvar();
	if (g->maxsize || g->wrap)
		g->arity_tok = g->tok;
	table_put(table, key, g);
	vec_push(&S->global_list, g);
}

static void pull_file(File *f);

/* A global of the file, of the program, or of a tapset file (pulled). */
static Symbol *lookup_global(const File *from, const Token *at,
			     const char *name)
{
	Symbol *g = from ? table_get(&private_globals,
				     private_key(from, name)) : NULL;
	File *f;

	/* An alias's body is in the derived probe of the user's file, and
	 * sees its own file's private globals: the name's token knows it. */
	if (!g && at && at->src)
		g = table_get(&private_globals, private_key_in(at->src, name));
	if (g)
		return g;
	g = table_get(&S->globals, name);
	if (g)
		return g;
	f = tapset_file_for_global(name);
	if (!f || f->pulled)
		return NULL;
	pull_file(f);
	return table_get(&S->globals, name);
}

/* ---- files ---- */

static void register_file(File *f)
{
	int i;

	for (i = 0; i < f->items.len; i++) {
		Item *it = &f->items.v[i];

		switch (it->kind) {
		case IT_GLOBAL:
			register_global(it->global);
			break;
		case IT_FUNC:
			register_function(it->func);
			break;
		case IT_PROBE:
			vec_push(&S->probes, it->probe);
			break;
		case IT_ALIAS:
			if (!f->src->tapset)
				vec_push(&S->aliases, it->alias);
			break;
		case IT_EMBED:
			vec_push(&S->embeds, it->embed);
			break;
		}
	}
}

static void pull_file(File *f)
{
	if (f->pulled || !f->src->tapset)
		return;
	f->pulled = true;
	vec_push(&S->files, f);
	register_file(f);
}

static void index_aliases(File *f)
{
	int i;

	for (i = 0; i < f->items.len; i++)
		if (f->items.v[i].kind == IT_ALIAS)
			vec_push(&S->aliases, f->items.v[i].alias);
}

/* ---- names in bodies ---- */

static void expr(Scope *sc, Node *n);
static void stmt(Scope *sc, Node *n);

static Symbol *new_local(Scope *sc, const char *name, const Token *tok)
{
	Symbol *s = new_symbol(name, SYM_LOCAL, tok);

	s->ty = new_tyvar();
	table_put(sc->locals, name, s);
	vec_push(sc->list, s);
	return s;
}

/* The number of indexes of S (0: a scalar) must agree everywhere. */
static void use_arity(Symbol *s, int arity, const Token *at)
{
	int i;

	if (!s)
		return;
	if (s->arity == -1) {
		if (arity == 0 && (s->maxsize || s->wrap)) {
			sem_error(at, "'%s' is declared as an array but used"
				  " as a scalar", s->name);
			note_at(s->tok, "'%s' is declared here", s->name);
			return;
		}
		s->arity = arity;
		if (!s->arity_tok || arity == 0)
			s->arity_tok = at;
		for (i = 0; i < arity; i++)
			s->key_ty[i] = new_tyvar();
		return;
	}
	if (s->arity == arity)
		return;
	if (arity == 0 || s->arity == 0)
		sem_error(at, "'%s' is used as %s here, but as %s elsewhere",
			  s->name, arity ? "an array" : "a scalar",
			  s->arity ? "an array" : "a scalar");
	else
		sem_error(at, "inconsistent arity: '%s' has %d index%s here,"
			  " %d elsewhere", s->name, arity,
			  arity == 1 ? "" : "es", s->arity);
	note_at(s->arity_tok, "'%s' was first used here with %d index%s",
		s->name, s->arity, s->arity == 1 ? "" : "es");
}

/* A plain name: local or parameter, else global, else a new local. */
static Symbol *bind_name(Scope *sc, const Node *n)
{
	Symbol *s = sc->locals ? table_get(sc->locals, n->name) : NULL;

	if (s)
		return s;
	s = lookup_global(sc->file, n->tok, n->name);
	if (s)
		return s;
	if (sc->globals_only) {
		sem_error(n->tok, "a probe condition may only use global"
			  " variables, and '%s' is not one", n->name);
		return NULL;
	}
	return new_local(sc, n->name, n->tok);
}

/* The array of a[...], k in a, foreach (... in a), delete a[...]. */
static void bind_array(Scope *sc, Node *var, int arity)
{
	Symbol *s = sc->locals ? table_get(sc->locals, var->name) : NULL;

	if (!s)
		s = lookup_global(sc->file, var->tok, var->name);
	if (!s || s->kind != SYM_GLOBAL) {
		sem_error(var->tok, "'%s' is used as an array of %d index%s"
			  " but is not a global: arrays must be declared"
			  " with 'global %s'", var->name, arity,
			  arity == 1 ? "" : "es", var->name);
		var->sym = NULL;
		return;
	}
	var->sym = s;
	use_arity(s, arity, var->tok);
}

static bool is_lvalue(const Node *n)
{
	return n->kind == N_VAR ||
	       (n->kind == N_INDEX && n->lhs->kind == N_VAR) ||
	       n->kind == N_TARGET || n->kind == N_AUTOCAST ||
	       n->kind == N_CAST;
}

/* The derived probe whose body is being resolved (NULL in functions),
 * and how deep inside @entry() we are. */
static Derived *cur_derived;
static int entry_depth;

static void need_lvalue(const Node *op, Node *target)
{
	if (!is_lvalue(target)) {
		sem_error(target->tok, "the target of '%s' must be a variable"
			  " or an array element", op->op);
	} else if (target_writable(target, cur_derived)) {
		return;
	} else if (S->guru && !strcmp(S->runtime, "kernel") &&
		   (target->kind == N_TARGET || target->kind == N_CAST)) {
		return;		/* types.c checks where it lives */
	} else if (target->kind == N_TARGET || target->kind == N_AUTOCAST ||
		   target->kind == N_CAST) {
		if (!S->guru)
			sem_error(target->tok, "writing to a target variable"
				  " needs guru mode (-g)");
		else
			sem_error(target->tok, "writing to a target variable"
				  " needs the kernel runtime%s",
				  target->kind == N_AUTOCAST ? " and a typed"
				  " target (an @cast or $variable)" : "");
		/* Said once: not resolved (and reported) again. */
		target->texpr = NEW(TExpr);
	}
}

static void resolve_call(Scope *sc, Node *n)
{
	Func *f = lookup_function(sc->file, n->tok, n->name);
	Func *match = NULL, *g;

	if (!f) {
		File *file = tapset_file_for_function(n->name);

		if (file) {
			pull_file(file);
			f = lookup_function(sc->file, n->tok, n->name);
		}
	}
	if (!f) {
		static const char *const builtins[] = {
			"print", "println", "printf", "printd", "printdln",
			"sprint", "sprintln", "sprintf", "sprintd",
			"sprintdln", NULL,
		};
		VEC(const char *) names = { 0 };
		int i;

		for (i = 0; i < S->func_list.len; i++)
			vec_push(&names, S->func_list.v[i]->name);
		for (i = 0; builtins[i]; i++)
			vec_push(&names, builtins[i]);
		tapset_function_names((void *)&names);
		sem_error(n->tok, "unresolved function '%s'%s", n->name,
			  closest_names(n->name, names.v, names.len));
		return;
	}
	for (g = f; g; g = g->overload) {
		if (g->params.len != n->args.len)
			continue;
		if (!match)
			match = g;
		if (!g->used) {
			g->used = true;
			vec_push(&worklist, g);
		}
	}
	if (!match) {
		sem_error(n->tok, "function '%s' takes %d argument%s, not %d",
			  n->name, f->params.len, f->params.len == 1 ? "" : "s",
			  n->args.len);
		note_at(f->tok, "'%s' is defined here", f->name);
		return;
	}
	n->func = match;
}

static void exprs(Scope *sc, Node **v, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (v[i])
			expr(sc, v[i]);
}


/* @defined(E): whether target expression E resolves, quietly;
 * @defined(@entry(E)) whether E does at the function's entry. */
static bool defined_target(Node *e, int flags)
{
	if (e->kind == N_TARGET)
		return target_resolve(e, cur_derived, flags);
	if (e->kind == N_CAST)
		return target_cast(e, false);
	if (e->kind == N_ATOP && !strcmp(e->name, "entry") && e->lhs)
		return defined_target(e->lhs, TR_AT_ENTRY);
	return false;
}

/* The target value N has (a resolved target expression, or a local a
 * target value was assigned to), whose type an autocast of N takes. */
static const TExpr *typed_value(const Node *n)
{
	if ((n->kind == N_TARGET || n->kind == N_CAST ||
	     n->kind == N_AUTOCAST) && n->texpr && n->texpr->btf)
		return n->texpr;
	if (n->kind == N_VAR && n->sym)
		return n->sym->typed;
	return NULL;
}

/* x = $p: x's autocasts (x->f) take $p's type, as in SystemTap. */
static void note_typed(const Node *assign)
{
	Symbol *s = assign->lhs->kind == N_VAR ? assign->lhs->sym : NULL;
	const TExpr *t = typed_value(assign->rhs);

	if (s && s->kind != SYM_GLOBAL && t && assign->rhs->kind != N_VAR &&
	    !strcmp(assign->op, "="))
		s->typed = t;
}

/* A target expression that does not resolve is an error only if it
 * survives elision, as in SystemTap: "x = $gone" with x never read is
 * elided, and so is its error.  Its diagnostics are held on the node
 * until report_unresolved_targets; with -u nothing is elided, so they
 * are shown at once. */
static void resolve_target(Node *n)
{
	HeldDiags *outer = S->held, *held = NEW(HeldDiags);
	bool ok;

	if (!S->unoptimized)
		S->held = held;
	if (n->kind == N_TARGET)
		ok = target_resolve(n, cur_derived, TR_REPORT |
				    (entry_depth ? TR_AT_ENTRY : 0));
	else if (n->kind == N_AUTOCAST)
		ok = target_autocast(n, typed_value(n->lhs));
	else
		ok = target_cast(n, true);
	S->held = outer;
	if (!ok && held->errors && S->skip_badvars &&
	    n->kind == N_TARGET) {
		/* --skip-badvars, as SystemTap: 0 in its place, quietly. */
		n->kind = N_NUM;
		n->num = 0;
		n->texpr = NULL;
		return;
	}
	if (ok || !held->errors)
		diag_replay(held);
	else
		n->held = held;
}

static void report_held(Node *n, void *unused)
{
	(void)unused;
	if (n->held && !n->texpr)
		diag_replay(n->held);
	n->held = NULL;
}

bool report_unresolved_targets(void)
{
	int i;

	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];

		if (d->used) {
			walk_node(d->cond, report_held, NULL);
			walk_node(d->body, report_held, NULL);
		}
	}
	for (i = 0; i < S->func_list.len; i++)
		if (S->func_list.v[i]->used)
			walk_node(S->func_list.v[i]->body, report_held, NULL);
	return S->errors == 0;
}

static void expr(Scope *sc, Node *n)
{
	int i;

	switch (n->kind) {
	case N_VAR:
		n->sym = bind_name(sc, n);
		use_arity(n->sym, 0, n->tok);
		break;
	case N_INDEX:
	case N_IN:
		if (n->lhs->kind == N_VAR)
			bind_array(sc, n->lhs, n->args.len);
		else
			expr(sc, n->lhs);
		exprs(sc, n->args.v, n->args.len);
		break;
	case N_CALL:
		exprs(sc, n->args.v, n->args.len);
		resolve_call(sc, n);
		break;
	case N_ASSIGN:
		need_lvalue(n, n->lhs);
		expr(sc, n->lhs);
		expr(sc, n->rhs);
		note_typed(n);
		break;
	case N_PREINC:
	case N_POSTINC:
		need_lvalue(n, n->lhs);
		expr(sc, n->lhs);
		break;
	case N_TARGET:
	case N_AUTOCAST:
	case N_CAST:
		for (i = 0; i < n->comps.len; i++)
			if (n->comps.v[i].index)
				expr(sc, n->comps.v[i].index);
		if (n->lhs)
			expr(sc, n->lhs);
		if (n->texpr)
			break;
		if (n->kind != N_AUTOCAST || typed_value(n->lhs))
			resolve_target(n);
		break;
	case N_ADDR:
		/* &$p->f, &@cast(p, "T")[1]: the target expression's
		 * address takes its place. */
		expr(sc, n->lhs);
		if ((n->lhs->kind == N_TARGET || n->lhs->kind == N_CAST) &&
		    n->lhs->texpr && target_address(n->lhs))
			*n = *n->lhs;
		break;
	case N_TERNARY:
		/* @defined(...) ? a : b, as @choose_defined writes it: only
		 * the branch a constant condition picks is resolved. */
		expr(sc, n->cond);
		if (fold_constant(n->cond)) {
			*n = *(n->cond->num ? n->then : n->els);
			expr(sc, n);
		} else {
			expr(sc, n->then);
			expr(sc, n->els);
		}
		break;
	case N_ATOP:
		if (!strcmp(n->name, "defined")) {
			/* Only target expressions can be undefined, and
			 * core probes have none. */
			const Node *e = n->lhs;
			bool target = e->kind == N_TARGET || e->kind == N_CAST ||
				      e->kind == N_AUTOCAST ||
				      (e->kind == N_ATOP &&
				       strcmp(e->name, "defined"));

			if (!target)
				expr(sc, n->lhs);
			n->kind = N_NUM;
			n->num = !target || defined_target(n->lhs, 0);
			n->lhs = NULL;
			break;
		}
		if (!strcmp(n->name, "entry")) {
			/* Outside a .return probe, type inference reports
			 * it, after elision (SystemTap's sem/ok/entry02). */
			entry_depth++;
			expr(sc, n->lhs);
			entry_depth--;
			if (cur_derived)
				target_entry(n, cur_derived);
			break;
		}
		if (n->lhs)
			expr(sc, n->lhs);
		exprs(sc, n->args.v, n->args.len);
		break;
	default:
		if (n->lhs)
			expr(sc, n->lhs);
		if (n->rhs)
			expr(sc, n->rhs);
		if (n->cond)
			expr(sc, n->cond);
		if (n->then)
			expr(sc, n->then);
		if (n->els)
			expr(sc, n->els);
		exprs(sc, n->args.v, n->args.len);
		break;
	}
}

static void foreach_stmt(Scope *sc, Node *n)
{
	int i;

	if (n->lhs->kind == N_VAR) {
		bind_array(sc, n->lhs, n->keys.len);
		if (n->args.len)
			use_arity(n->lhs->sym, n->args.len, n->lhs->tok);
	} else {
		expr(sc, n->lhs);
	}
	exprs(sc, n->args.v, n->args.len);
	for (i = 0; i < n->keys.len; i++)
		expr(sc, n->keys.v[i]);
	if (n->value)
		expr(sc, n->value);
	if (n->limit)
		expr(sc, n->limit);
	stmt(sc, n->body);
}

static void delete_stmt(Scope *sc, Node *n)
{
	Node *e = n->lhs;

	if (e->kind == N_INDEX && e->lhs->kind == N_VAR) {
		bind_array(sc, e->lhs, e->args.len);
		exprs(sc, e->args.v, e->args.len);
	} else if (e->kind == N_VAR) {
		e->sym = bind_name(sc, e);
	} else {
		sem_error(e->tok, "delete needs a variable, an array or an"
			  " array element");
	}
}

static void stmt(Scope *sc, Node *n)
{
	int i;

	switch (n->kind) {
	case S_BLOCK:
		for (i = 0; i < n->args.len; i++)
			stmt(sc, n->args.v[i]);
		break;
	case S_EXPR:
	case S_RETURN:
		if (n->lhs)
			expr(sc, n->lhs);
		break;
	case S_IF:
		expr(sc, n->cond);
		if (fold_constant(n->cond)) {
			/* A constant condition keeps one branch. */
			Node *keep = n->cond->num ? n->then : n->els;

			if (keep) {
				*n = *keep;
			} else {
				n->kind = S_BLOCK;
				n->args.len = 0;
			}
			stmt(sc, n);
			break;
		}
		stmt(sc, n->then);
		if (n->els)
			stmt(sc, n->els);
		break;
	case S_WHILE:
	case S_FOR:
		if (n->init)
			expr(sc, n->init);
		if (n->cond)
			expr(sc, n->cond);
		if (n->inc)
			expr(sc, n->inc);
		stmt(sc, n->body);
		break;
	case S_FOREACH:
		foreach_stmt(sc, n);
		break;
	case S_DELETE:
		delete_stmt(sc, n);
		break;
	case S_TRY:
		stmt(sc, n->body);
		if (n->lhs)
			expr(sc, n->lhs);
		stmt(sc, n->els);
		break;
	default:
		break;
	}
}

static void resolve_function(Func *f)
{
	Table locals = { 0 };
	Scope sc = { 0 };
	int i;

	sc.file = f->file;
	sc.func = f;
	sc.locals = &locals;
	sc.list = &f->locals;
	sc.what = f->name;
	for (i = 0; i < f->params.len; i++) {
		Symbol *p = f->params.v[i];

		p->ty = new_tyvar();
		p->arity = 0;
		table_put(&locals, p->name, p);
	}
	if (f->body)
		stmt(&sc, f->body);
}

/* ---- probe points ---- */

static void expand_point(Probe *probe, ProbePoint *pp, Node *body,
			 Node *cond, const char *chain, int depth,
			 bool *resolved);

static Node *join_bodies(Node *first, Node *second)
{
	Node *b = new_node(S_BLOCK, first->tok);

	vec_push(&b->args, first);
	vec_push(&b->args, second);
	return b;
}

static Node *and_conditions(Node *a, Node *b)
{
	static Token and_tok = { .kind = TK_OP, .text = "&&", .len = 2 };
	Node *n;

	if (!a)
		return b;
	if (!b)
		return a;
	n = new_node(N_LOGICAL, a->tok);
	n->op = and_tok.text;
	n->lhs = a;
	n->rhs = b;
	return n;
}

/* Expand PP through alias A: each target, plus PP's leftover suffix. */
static void expand_alias(Probe *probe, ProbePoint *pp, Alias *a, int used,
			 Node *body, Node *cond, const char *chain, int depth,
			 bool *resolved)
{
	Buf b = { 0 };
	const char *sub;
	Node *combined;
	int i, k;

	if (a->mark) {
		sem_error(pp->tok, "probe alias '%s' expands into itself",
			  a->name->comps.v[0].name);
		note_at(a->tok, "the alias is defined here");
		return;
	}
	pull_file(a->file);
	print_point(&b, a->name);
	buf_printf(&b, " %s ", a->epilogue ? "+=" : "=");
	for (i = 0; i < a->targets.len; i++) {
		if (i)
			buf_puts(&b, ", ");
		print_point(&b, a->targets.v[i]);
	}
	buf_printf(&b, " <- %s", chain);
	sub = arena_strdup(b.s);
	buf_free(&b);
	combined = a->epilogue ? join_bodies(body, a->body)
			       : join_bodies(a->body, body);
	a->mark = 1;
	for (i = 0; i < a->targets.len; i++) {
		ProbePoint *t = a->targets.v[i], *np = NEW(ProbePoint);
		bool got = false;

		*np = *t;
		np->comps.v = NULL;
		np->comps.len = np->comps.cap = 0;
		for (k = 0; k < t->comps.len; k++)
			vec_push(&np->comps, t->comps.v[k]);
		for (k = used; k < pp->comps.len; k++)
			vec_push(&np->comps, pp->comps.v[k]);
		np->optional = t->optional || pp->optional;
		np->cond = NULL;
		expand_point(probe, np, combined,
			     and_conditions(cond, clone_node(t->cond)), sub,
			     depth + 1, &got);
		if (got)
			*resolved = true;
		/* "tp !, fallback": an alias's '!' stops its own list, as
		 * a probe's does (scheduler.ctxswitch would fire twice). */
		if (got && t->sufficient)
			break;
	}
	a->mark = 0;
}

static void add_derived(Probe *probe, ProbePoint *pp, const Form *form,
			Node *body, Node *cond, const char *chain,
			int64_t seq)
{
	Derived *d;

	if (S->derived.len >= MAX_DERIVED) {
		if (!too_many)
			sem_error(probe->tok, "the program has more than %d"
				  " concrete probes", MAX_DERIVED);
		too_many = true;
		return;
	}
	d = NEW(Derived);
	d->probe = probe;
	d->point = pp;
	d->user_point = top_point ? top_point : pp;
	d->form = form;
	d->chain = chain;
	d->body = clone_node(body);
	d->cond = clone_node(cond);
	d->seq = seq;
	d->used = true;
	vec_push(&S->derived, d);
}

/* Diagnostics off for an optional point ('?'), when ON: what fails is
 * simply left out, and counts as no error. */
typedef struct Hush {
	int errors, suppressed;
	bool quiet, on;
} Hush;

static Hush hush(bool on)
{
	Hush h = { S->errors, S->suppressed, S->quiet, on };

	if (on)
		S->quiet = true;
	return h;
}

static void unhush(Hush h)
{
	if (!h.on)
		return;
	S->quiet = h.quiet;
	S->errors = h.errors;
	S->suppressed = h.suppressed;
}

static bool check_point(const Form *form, const ProbePoint *pp,
			int64_t *seq, bool report)
{
	Hush h;
	bool ok;

	if (!form->check)
		return true;
	h = hush(!report);
	ok = form->check(pp, seq);
	unhush(h);
	return ok;
}

/* The names a wildcard stands for; quietly for an optional point. */
static int expand_point_names(const Form *form, const ProbePoint *pp,
			      const char ***names, bool report)
{
	Hush h;
	int n;

	h = hush(!report);
	n = form->expand(pp, names);
	unhush(h);
	return n;
}

/* The component whose string parameter holds a wildcard, or -1. */
static int wildcard_param(const ProbePoint *pp)
{
	int i;

	for (i = pp->comps.len - 1; i > 0; i--)
		if (pp->comps.v[i].param && pp->comps.v[i].param->kind == N_STR &&
		    is_glob(pp->comps.v[i].param->str))
			return i;
	return -1;
}

/* PP with the string parameter of component AT replaced by STR (given
 * one if it had none: process.plt's is the symbol's name). */
static ProbePoint *with_param(const ProbePoint *pp, int at, const char *str)
{
	ProbePoint *np = NEW(ProbePoint);
	Component c = pp->comps.v[at];
	int k;

	*np = *pp;
	np->comps.v = NULL;
	np->comps.len = np->comps.cap = 0;
	for (k = 0; k < pp->comps.len; k++)
		vec_push(&np->comps, pp->comps.v[k]);
	if (c.param) {
		c.param = clone_node(c.param);
	} else {
		c.param = NEW(Node);
		c.param->kind = N_STR;
		c.param->tok = c.tok;
		c.has_param = true;
	}
	c.param->str = str;
	np->comps.v[at] = c;
	return np;
}

/* NP, one concrete point the user's PP stands for: checked, then a
 * derived probe (one of a wildcard's when WILDCARD: a refusal warns). */
static void derive_concrete(Probe *probe, ProbePoint *pp, ProbePoint *np,
			    const Form *form, Node *body, Node *cond,
			    const char *chain, bool wildcard, bool report)
{
	int64_t seq = 0;

	if (!check_point(form, np, &seq, report))
		return;
	if (top_point == pp)
		top_point = np;
	add_derived(probe, np, form, body, cond, chain, seq);
	if (S->derived.len && wildcard)
		S->derived.v[S->derived.len - 1]->wildcard = true;
	if (top_point == np)
		top_point = pp;
}

/* kernel.function("vfs_*"): a derived probe for each name the
 * wildcard stands for. */
static bool expand_names(Probe *probe, ProbePoint *pp, const Form *form,
			 Node *body, Node *cond, const char *chain,
			 bool report)
{
	const char **names;
	int i, at = wildcard_param(pp);
	int n = expand_point_names(form, pp, &names, report);

	if (n == 0 && report) {
		Buf b = { 0 };

		print_point(&b, pp);
		sem_error(pp->comps.v[at].param->tok, "wildcard probe point"
			  " '%s' matches nothing", b.s);
		buf_free(&b);
	}
	for (i = 0; i < n; i++)
		derive_concrete(probe, pp, with_param(pp, at, names[i]), form,
				body, cond, chain, true, report);
	return n > 0;
}

/* The point's text for site S: SystemTap names a DWARF-resolved
 * function by its declaration, "f@fs/open.c:1301", when the user named
 * a file, and a statement always by its line. */
static const char *site_text(const DwSite *s, const char *user)
{
	if (!s->statement && !strchr(user, '@'))
		return is_glob(user) ? s->func : user;
	return arena_printf("%s@%s:%d", s->func, s->file, s->line);
}

/* kernel.function("f@fs/open.c") and its inline copies: a derived probe
 * for each site DWARF gives. */
static bool derive_sites(Probe *probe, ProbePoint *pp, const Form *form,
			 Node *body, Node *cond, const char *chain,
			 DwSite **sites, int n, bool report)
{
	int i, at = form->site_at ? form->site_at : 1;
	const Node *proc = pp->comps.v[0].param;

	if (n == 0 && report && at >= 0) {
		Buf b = { 0 };

		print_point(&b, pp);
		sem_error(pp->comps.v[at].param->tok, "probe point '%s' matches"
			  " nothing in the kernel's DWARF (%s)", b.s,
			  dwarf_source());
		buf_free(&b);
	}
	for (i = 0; i < n; i++) {
		const Node *named = at >= 0 ? pp->comps.v[at].param : NULL;
		ProbePoint *np = at < 0 ? pp : with_param(pp, at, named ?
					  site_text(sites[i], named->str) :
					  sites[i]->func);

		if (sites[i]->label)	/* .label("out*"): the label's name */
			np = with_param(np, np->comps.len - 1, sites[i]->label);
		/* process("ls"): the binary's path; process(PID) stays.  In
		 * a .library("LIB"), as SystemTap lists it, the program's path
		 * and the library's: process("P").library("/usr/lib/L"). */
		if (sites[i]->user && sites[i]->exe) {
			if (!proc || proc->kind == N_STR)
				np = with_param(np, 0, sites[i]->exe);
			np = with_param(np, 1, sites[i]->module);
		} else if (sites[i]->user && (!proc || proc->kind == N_STR)) {
			np = with_param(np, 0, sites[i]->module);
		}
		np->site = sites[i];
		derive_concrete(probe, pp, np, form, body, cond, chain,
				n > 1 || wildcard_param(pp) >= 0, report);
	}
	return n > 0;
}

/* The sites of a DWARF family's point; quietly for an optional point. */
static int point_sites(const Form *form, const ProbePoint *pp,
		       DwSite ***sites, bool report)
{
	Hush h;
	int n;

	if (!form->sites)
		return DW_NONE;
	h = hush(!report);
	n = form->sites(pp, sites);
	unhush(h);
	return n;
}

static bool expand_family(Probe *probe, ProbePoint *pp, Node *body,
			  Node *cond, const char *chain, bool report);

/* The component module("GLOB") of PP, or -1. */
static int module_glob(const ProbePoint *pp)
{
	int i;

	for (i = 0; i < pp->comps.len; i++)
		if (!strcmp(pp->comps.v[i].name, "module") &&
		    pp->comps.v[i].param &&
		    pp->comps.v[i].param->kind == N_STR &&
		    is_glob(pp->comps.v[i].param->str))
			return i;
	return -1;
}

/* module("dccp*").function("dccp_v?_connect"): the point in each of
 * the target's modules the name matches, as in SystemTap; those that
 * give nothing (the function is in another) are left out quietly. */
static bool expand_modules(Probe *probe, ProbePoint *pp, int at, Node *body,
			   Node *cond, const char *chain, bool report)
{
	const char **names;
	int i, n = kernel_modules(pp->comps.v[at].param->str, &names);
	bool any = false;

	for (i = 0; i < n; i++) {
		ProbePoint *np = with_param(pp, at, names[i]);
		bool top = top_point == pp;

		if (top)		/* -l lists each module's points */
			top_point = np;
		any |= expand_family(probe, np, body, cond, chain, false);
		if (top)
			top_point = pp;
	}
	if (!any && report) {
		Buf b = { 0 };

		print_point(&b, pp);
		sem_error(pp->comps.v[at].param->tok, "probe point '%s' matches"
			  " nothing: %d of the kernel's modules match \"%s\"",
			  b.s, n, pp->comps.v[at].param->str);
		buf_free(&b);
	}
	return any;
}

/* A concrete point of a family: check it and derive a probe.  Returns
 * false if no family fits; errors are reported only when REPORT. */
static bool expand_family(Probe *probe, ProbePoint *pp, Node *body,
			  Node *cond, const char *chain, bool report)
{
	const Component *where;
	const char *why;
	const Form *form = family_match(pp, &why, &where);
	int64_t seq = 0, nsites = DW_NONE;
	DwSite **sites = NULL;
	Buf b = { 0 };
	int mod = module_glob(pp);

	if (form && mod >= 0 && !form->family->unsupported)
		return expand_modules(probe, pp, mod, body, cond, chain,
				      report);
	print_point(&b, pp);
	if (!form) {
		if (report && why)
			sem_error(where->tok, "probe point '%s': %s", b.s, why);
		else if (report)
			sem_error(pp->tok, "probe point '%s' matches no probe"
				  " alias or probe family", b.s);
	} else if (form->family->unsupported) {
		if (report)
			sem_error(pp->tok, "probe point '%s': %s probes are not"
				  " supported yet (%s)", b.s, form->family->name,
				  form->family->unsupported);
		form = NULL;
	} else if ((nsites = point_sites(form, pp, &sites, report)) != DW_NONE) {
		if (nsites < 0 || !derive_sites(probe, pp, form, body, cond,
						chain, sites, (int)nsites,
						report))
			form = NULL;
	} else if (form->expand && wildcard_param(pp) >= 0) {
		if (!expand_names(probe, pp, form, body, cond, chain, report))
			form = NULL;
	} else if (!check_point(form, pp, &seq, report)) {
		form = NULL;
	} else {
		add_derived(probe, pp, form, body, cond, chain, seq);
	}
	buf_free(&b);
	return form != NULL;
}

/* A concrete point under an alias root that neither an alias nor a
 * family takes: which aliases there are is the useful answer. */
static bool no_alias(const ProbePoint *pp, bool report)
{
	const Component *where;
	const char *why, *msg;
	const Form *form;

	if (!alias_root(pp->comps.v[0].name))
		return false;
	form = family_match(pp, &why, &where);
	if (form && !form->family->unsupported)
		return false;
	msg = alias_missing(pp, &where);
	if (report && msg)
		sem_error(where->tok, "%s", msg);
	return msg != NULL;
}

/* A wildcard that matched nothing: when its root is an alias's, or a
 * family we do not have yet (java.*), that is what to say. */
static void wildcard_nothing(const ProbePoint *pp)
{
	const Family *fam = family_unsupported(pp->comps.v[0].name);
	Buf b = { 0 };

	print_point(&b, pp);
	if (alias_root(pp->comps.v[0].name))
		sem_error(pp->tok, "wildcard probe point '%s' matches no"
			  " probe alias", b.s);
	else if (fam)
		sem_error(pp->tok, "probe point '%s': %s probes are not"
			  " supported yet (%s)", b.s, fam->name, fam->unsupported);
	else
		sem_error(pp->tok, "wildcard probe point '%s' matches"
			  " nothing", b.s);
	buf_free(&b);
}

/* PP through alias match M (one of a wildcard's when WILD). */
static void expand_alias_match(Probe *probe, ProbePoint *pp, AliasMatch *m,
			       bool wild, Node *body, Node *cond,
			       const char *chain, int depth)
{
	ProbePoint *np = wild ? m->point : pp;
	bool got = false;

	if (depth == 0)
		top_point = np;
	if (wild && m->suffix) {
		/* A wildcard's suffix that the alias's targets do not take
		 * (syscall.*.return over an alias without one) is left
		 * out quietly, as in SystemTap. */
		np = NEW(ProbePoint);
		*np = *m->point;
		np->optional = true;
	}
	expand_alias(probe, np, m->alias, m->used, body, cond, chain, depth,
		     &got);
}

static void expand_point(Probe *probe, ProbePoint *pp, Node *body,
			 Node *cond, const char *chain, int depth,
			 bool *resolved)
{
	bool wild = false, report = !pp->optional;
	AliasMatches am = { 0 };
	int i, before = S->derived.len, errors = S->errors;

	if (too_many)
		return;
	if (depth > 100) {
		sem_error(pp->tok, "probe aliases nested more than 100 deep");
		return;
	}
	for (i = 0; i < pp->comps.len; i++)
		if (is_glob(pp->comps.v[i].name))
			wild = true;
	cond = and_conditions(cond, pp->cond);
	alias_match(pp, &am);
	for (i = 0; i < am.len; i++)
		expand_alias_match(probe, pp, &am.v[i], wild, body, cond,
				   chain, depth);
	if (wild) {
		PointVec found = { 0 };

		family_expand(pp, &found);
		for (i = 0; i < found.len; i++) {
			if (depth == 0)
				top_point = found.v[i];
			expand_family(probe, found.v[i], body, cond, chain,
				      report);
		}
		if (S->derived.len == before && S->errors == errors && report)
			wildcard_nothing(pp);
	} else if (!am.len) {
		if (depth == 0)
			top_point = pp;
		if (!no_alias(pp, report))
			expand_family(probe, pp, body, cond, chain, report);
	}
	/* Resolved: it gave probes ('!' stops a list there). */
	if (S->derived.len > before)
		*resolved = true;
}

static void expand_probe(Probe *probe)
{
	int i;

	for (i = 0; i < probe->points.len; i++) {
		ProbePoint *pp = probe->points.v[i];
		bool resolved = false;
		Buf b = { 0 };

		print_point(&b, pp);
		expand_point(probe, pp, probe->body, NULL, arena_strdup(b.s), 0,
			     &resolved);
		buf_free(&b);
		if (resolved && pp->sufficient)
			break;
	}
}

static void check_alias(Alias *a)
{
	int i;

	for (i = 0; i < a->name->comps.len; i++) {
		const Component *c = &a->name->comps.v[i];

		if (is_glob(c->name))
			sem_error(c->tok, "an alias name cannot hold a"
				  " wildcard ('%s')", c->name);
		if (c->has_param)
			sem_error(c->tok, "an alias name cannot take a"
				  " parameter");
	}
}

static void resolve_derived(Derived *d)
{
	Table locals = { 0 };
	Scope sc = { 0 };

	sc.file = d->probe->file;
	sc.locals = &locals;
	sc.list = &d->locals;
	cur_derived = d;
	stmt(&sc, d->body);
	if (d->cond) {
		Scope cs = { 0 };

		cs.file = d->probe->file;
		cs.globals_only = true;
		expr(&cs, d->cond);
	}
	cur_derived = NULL;
}

/* -G NAME=VALUE: an initial value for a global of the script. */
static void set_globals(void)
{
	int i;

	for (i = 0; i < S->set_globals.len; i++) {
		Define *d = &S->set_globals.v[i];
		/* A tapset's global too (-G cve_fix_p=0): its file is taken. */
		Symbol *g = lookup_global(NULL, NULL, d->name);
		Node *lit;
		int64_t v;
		Token *t;

		if (!g) {
			sem_error(NULL, "-G %s=%s: the script has no global '%s'",
				  d->name, d->value, d->name);
			continue;
		}
		t = arena_zalloc(sizeof(*t));
		*t = *g->tok;
		t->kind = TK_NUM;
		t->text = d->value + (d->value[0] == '-');
		if (parse_number(t, &v)) {
			lit = new_node(N_NUM, t);
			lit->num = d->value[0] == '-' ? (int64_t)(0 - (uint64_t)v)
						      : v;
		} else {
			t->kind = TK_STR;
			t->text = d->value;
			lit = new_node(N_STR, t);
			lit->str = d->value;
		}
		g->init = lit;
		g->from_cmdline = true;
	}
}

void resolve_pull_all(void)
{
	pull_all = true;
}

bool resolve_program(void)
{
	int i, nprobes = 0, nderived = 0, nwork = 0;

	tapset_index();
	for (i = 0; i < S->user_files.len; i++)
		register_file(S->user_files.v[i]);
	tapset_each_file(index_aliases);
	for (i = 0; i < S->aliases.len; i++) {
		check_alias(S->aliases.v[i]);
		alias_add(S->aliases.v[i]);
	}
	set_globals();
	if (pull_all) {
		tapset_each_file(pull_file);
		for (i = 0; i < S->func_list.len; i++) {
			S->func_list.v[i]->used = true;
			vec_push(&worklist, S->func_list.v[i]);
		}
	}
	/* Pulling a tapset file adds its probes and functions: go on
	 * until nothing new appears. */
	while (nprobes < S->probes.len || nderived < S->derived.len ||
	       nwork < worklist.len) {
		if (nprobes < S->probes.len)
			expand_probe(S->probes.v[nprobes++]);
		else if (nderived < S->derived.len)
			resolve_derived(S->derived.v[nderived++]);
		else
			resolve_function(worklist.v[nwork++]);
		if (nprobes == S->probes.len && nderived == S->derived.len &&
		    nwork == worklist.len && S->unoptimized) {
			/* -u: every function of the program is checked. */
			for (i = 0; i < S->func_list.len; i++) {
				Func *f = S->func_list.v[i];

				if (!f->used) {
					f->used = true;
					vec_push(&worklist, f);
				}
			}
		}
	}
	for (i = 0; i < S->global_list.len; i++)
		S->global_list.v[i]->used = true;
	if (!S->derived.len && !S->errors && !pull_all)
		sem_error(NULL, "no probes found");
	return S->errors == 0;
}
