/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * emit.c - pass 3: the resolved program as C over the runtime
 * (runtime/stp_runtime.h).
 *
 * Each probe and function becomes a C function whose locals live in a
 * frame of the context, not on the stack: frames[0] for the probe,
 * frames[d] for a call d deep.  Expressions become C expressions, using
 * GNU statement expressions so that operands are evaluated left to right
 * and an error can leave the handler: every operation that may fail sets
 * c->error, and the code jumps to the current error label (the handler's
 * end, or a catch block).  Every statement and loop iteration spends one
 * of MAXACTION.  Strings are MAXSTRINGLEN buffers: a string expression is
 * a pointer to one (a variable, or a temporary slot of the frame).
 *
 * It only prints: what needs deciding (names, locks, atomic adds, quiet
 * and shared handlers) analyze.c wrote into the program.  Its state is
 * one Unit for the file and one Emit for each C function in it.
 */
#include <stdlib.h>
#include <string.h>

#include "stap.h"

/* The translation unit being written: its parts in the order they are
 * printed, and the names given to shared data so far. */
typedef struct Unit {
	Buf decls;		/* location strings, regexes */
	Table locs;		/* "file:line:col" -> its C name */
	int nlocs;
	Table regexes;		/* regex literal -> its C name */
	int nregexes;
	Buf decl;		/* the globals */
	Buf frames;		/* each function's frame */
	VEC(const char *) frame_names;
	Buf protos, code;	/* the functions */
	Buf autoprint;		/* stp_autoprint's body */
	int nautoprint;
	const Symbol *first_autoprint;
	Buf khits;		/* the kprobes' own pre-handlers (khit.h) */
	Buf table;		/* stp_probes[] */
	int nprobes;
	Buf timing;		/* stp_timing[] */
	Buf init, fini;		/* stp_program_init and _exit */
} Unit;

/* A C function being written, into unit U. */
typedef struct Emit {
	Unit *u;
	Buf body;		/* the C function being written */
	Buf frame;		/* its frame's extra members (temporaries) */
	int slots;		/* string temporaries in the frame */
	int tmp;		/* unique names for C locals */
	const char *label;	/* where an error jumps */
	Func *func;		/* the function being written, or NULL */
	int quiet;		/* a quiet probe's index (Derived.quiet), or -1 */
} Emit;

static char *expr(Emit *e, Node *n);
static char *target_value(Emit *e, Node *n, const TExpr *t);
static void stmt(Emit *e, Node *n, int indent);
static char *target_string(Emit *e, Node *n, const TExpr *t);

/* ---- names and constants ---- */

static const char *loc(Emit *e, const Token *t)
{
	const char *key, *name;

	if (!t || !t->src)
		return "\"\"";
	key = arena_printf("%s:%d:%d", t->src->name, t->line, t->col);
	name = table_get(&e->u->locs, key);
	if (name)
		return name;
	name = arena_printf("loc%d", e->u->nlocs++);
	table_put(&e->u->locs, key, (void *)name);
	buf_printf(&e->u->decls, "static const char %s[] = \"", name);
	for (; *key; key++) {
		if (*key == '"' || *key == '\\')
			buf_putc(&e->u->decls, '\\');
		buf_putc(&e->u->decls, *key);
	}
	buf_puts(&e->u->decls, "\";\n");
	return name;
}

/* A C string literal holding exactly the bytes of S. */
static char *c_string(const char *s, size_t len)
{
	Buf b = { 0 };
	size_t i;
	char *r;

	buf_putc(&b, '"');
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			buf_printf(&b, "\\%c", ch);
		else if (ch < 32 || ch >= 127 || ch == '?')
			buf_printf(&b, "\\%03o", ch);
		else
			buf_putc(&b, (char)ch);
	}
	buf_putc(&b, '"');
	r = arena_strdup(b.s);
	buf_free(&b);
	return r;
}

char *c_literal(const char *raw)
{
	size_t len;
	char *s = decode_string(raw, &len), *r = c_string(s, len);

	free(s);
	return r;
}

static char *number(int64_t v)
{
	if (v == INT64_MIN)
		return "((int64_t)(-9223372036854775807LL - 1))";
	return arena_printf("((int64_t)%lldLL)", (long long)v);
}

static int new_tmp(Emit *e)
{
	return ++e->tmp;
}

/* A string temporary of the frame for node N (one per node). */
static char *slot(Emit *e, Node *n)
{
	if (!n->slot) {
		n->slot = ++e->slots;
		buf_printf(&e->frame, "\tchar t%d[MAXSTRINGLEN];\n", n->slot);
	}
	return arena_printf("f->t%d", n->slot);
}

static char *check_error(Emit *e)
{
	return arena_printf("if (unlikely(c->error)) goto %s;", e->label);
}

/* ---- variables ---- */

static char *var_ref(const Symbol *s)
{
	if (s->kind == SYM_GLOBAL)
		return (char *)s->cname;
	return arena_printf("f->%c_%s", s->kind == SYM_PARAM ? 'a' : 'l',
			    s->name);
}

static const char *kind_of(Type t)
{
	return t == TY_STRING ? "STP_STRING" : t == TY_STATS ? "STP_STAT" :
	       "STP_LONG";
}

/* The histogram spec a statistic variable uses (a C name). */
static const char *hist_spec(const Symbol *s)
{
	return arena_printf("&%s_hist", s->cname);
}

/* "union stp_arg _kN[...]; _kN[0].l = ...;" filled left to right. */
static char *keys(Emit *e, Node **args, int n, int *id, unsigned *wild)
{
	Buf b = { 0 };
	int i, k = new_tmp(e);
	char *r;

	*wild = 0;
	buf_printf(&b, "union stp_arg _k%d[%d] = { { 0 } }; ", k,
		   n ? n : 1);
	for (i = 0; i < n; i++) {
		if (!args[i]) {
			*wild |= 1u << i;
			continue;
		}
		buf_printf(&b, "_k%d[%d].%c = %s; ", k, i,
			   node_type(args[i]) == TY_STRING ? 's' : 'l',
			   expr(e, args[i]));
	}
	*id = k;
	r = arena_strdup(b.s);
	buf_free(&b);
	return r;
}

/* The statistic an expression names: a pointer, possibly NULL (a
 * missing array element reads as empty). */
static char *stat_ref(Emit *e, Node *n)
{
	int k;
	unsigned wild;
	char *ks;

	if (n->kind == N_VAR)
		return (char *)n->sym->cname;
	ks = keys(e, n->args.v, n->args.len, &k, &wild);
	return arena_printf("({ %s struct stp_map_entry *_e%d = stp_map_find"
			    "(%s, _k%d); _e%d ? stp_map_stat(_e%d) : NULL; })",
			    ks, k, n->lhs->sym->cname, k, k, k);
}

static Symbol *stat_symbol(const Node *n)
{
	return n->kind == N_VAR ? n->sym : n->lhs->sym;
}

/* ---- reading and writing variables and elements ---- */

static char *read_index(Emit *e, Node *n)
{
	Symbol *s = n->lhs->sym;
	Type t = tyvar_type(s->ty);
	unsigned wild;
	int k;
	char *ks = keys(e, n->args.v, n->args.len, &k, &wild);

	if (t == TY_STRING)
		return arena_printf("({ %s struct stp_map_entry *_e%d = "
				    "stp_map_find(%s, _k%d); stp_strlcpy(%s, _e%d"
				    " ? stp_map_string(_e%d) : \"\", MAXSTRINGLEN);"
				    " %s; })", ks, k, s->cname, k, slot(e, n), k,
				    k, slot(e, n));
	return arena_printf("({ %s struct stp_map_entry *_e%d = stp_map_find"
			    "(%s, _k%d); _e%d ? *stp_map_long(_e%d) : 0; })",
			    ks, k, s->cname, k, k, k);
}

/* The entry of an element about to be written: inserted if missing. */
static char *entry_for_write(Emit *e, Node *n, int *k)
{
	unsigned wild;
	char *ks = keys(e, n->args.v, n->args.len, k, &wild);

	return arena_printf("%s struct stp_map_entry *_e%d = stp_map_put(c, %s,"
			    " _k%d); %s", ks, *k, n->lhs->sym->cname, *k,
			    check_error(e));
}

/*
 * An assignment OP= of VALUE (a C expression, already evaluated) to the
 * long or string lvalue PLACE; returns the new value.
 */
static char *update(const char *place, Type t, const char *op,
		    const char *value, Emit *e, int k)
{
	if (t == TY_STRING) {
		if (!strcmp(op, ".="))
			return arena_printf("({ stp_concat(%s, %s, %s); %s; })",
					    place, place, value, place);
		return arena_printf("({ const char *_v%d = %s; if (_v%d != %s) "
				    "stp_strlcpy(%s, _v%d, MAXSTRINGLEN); %s; })",
				    k, value, k, place, place, k, place);
	}
	if (!strcmp(op, "="))
		return arena_printf("(%s = %s)", place, value);
	if (!strcmp(op, "/=") || !strcmp(op, "%="))
		return arena_printf("({ int64_t _v%d = stp_divide(c, %s, %s, %d);"
				    " %s %s = _v%d; })", k, place, value,
				    op[0] == '%', check_error(e), place, k);
	if (!strcmp(op, "<<=") || !strcmp(op, ">>="))
		return arena_printf("(%s = (int64_t)(%s%s %c%c ((%s) & 63)))",
				    place, op[0] == '<' ? "(uint64_t)" : "",
				    place, op[0], op[0], value);
	if (strchr("+-*", op[0]))
		return arena_printf("(%s = (int64_t)((uint64_t)%s %c "
				    "(uint64_t)(%s)))", place, place, op[0],
				    value);
	return arena_printf("(%s %s %s)", place, op, value);
}

/* Guru mode: the new value into the register, the return value or the
 * memory the target expression names (types.c checked which). */
static char *target_write(Emit *e, Node *n)
{
	const TExpr *t = n->lhs->texpr;
	TExpr place = *t;
	int k = new_tmp(e);
	const char *value = arena_printf("_r%d", k), *set;

	if (strcmp(n->op, "="))		/* compound: the old value first */
		value = arena_printf("(%s %.*s _r%d)", target_value(e, n->lhs, t),
				     (int)strlen(n->op) - 1, n->op, k);
	if (t->steps.len) {		/* a scalar in memory: its address */
		const TStep *last = &t->steps.v[t->steps.len - 1];

		place.steps.len--;
		set = arena_printf("c->loc = %s; %s(c, %s, %d, _v%d); %s",
				   loc(e, n->lhs->tok), t->user ?
				   "stp_uvar_write" : "stp_kwrite",
				   target_value(e, n->lhs, &place),
				   last->size, k, check_error(e));
	} else if (t->base == TB_RETURN) {
		set = arena_printf("stp_set_retval(c, _v%d);", k);
	} else if (t->base == TB_HOOK) {
		set = arena_printf("stp_set_hook_arg(c, %d, _v%d);", t->index,
				   k);
	} else if (t->base == TB_ARG) {
		set = arena_printf("c->loc = %s; stp_set_arg(c, %d, _v%d); %s",
				   loc(e, n->lhs->tok), t->index, k,
				   check_error(e));
	} else {
		set = arena_printf("stp_set_dwreg(c, %d, _v%d);", t->dwreg - 1,
				   k);
	}
	return arena_printf("({ int64_t _r%d = %s; int64_t _v%d = %s; %s _v%d; })",
			    k, expr(e, n->rhs), k, value, set, k);
}

static char *assign(Emit *e, Node *n)
{
	Node *l = n->lhs;
	Type t = node_type(l);
	int k = new_tmp(e);
	char *value;

	if (!strcmp(n->op, "<<<")) {
		Symbol *s = stat_symbol(l);

		value = expr(e, n->rhs);
		if (l->kind == N_VAR)
			return arena_printf("({ int64_t _v%d = %s; stp_stat_add"
					    "(%s, %s, _v%d); _v%d; })", k, value,
					    s->cname, hist_spec(s), k, k);
		{
			int v = k;
			char *ent = entry_for_write(e, l, &k);

			return arena_printf("({ int64_t _v%d = %s; %s stp_stat_add("
					    "stp_map_stat(_e%d), %s, _v%d); _v%d; })",
					    v, value, ent, k, hist_spec(s), v, v);
		}
	}
	/* $value's buffer is the file's: .maxsize(N) bytes, not MAXSTRINGLEN
	 * (runtime/kernel/kevents.c). */
	if (l->kind == N_TARGET && l->texpr && l->texpr->base == TB_PROCFS)
		return arena_printf("({ stp_procfs_set(c, %s, %d); "
				    "c->procfs_value; })", expr(e, n->rhs),
				    !strcmp(n->op, ".="));
	if ((l->kind == N_TARGET || l->kind == N_CAST) && l->texpr)
		return target_write(e, n);
	if (l->kind == N_VAR) {
		value = expr(e, n->rhs);
		if (t == TY_STRING)
			return update(var_ref(l->sym), t, n->op, value, e, k);
		return arena_printf("({ int64_t _r%d = %s; %s; })", k, value,
				    update(var_ref(l->sym), t, n->op,
					   arena_printf("_r%d", k), e, k));
	}
	/* An array element: the value first, then the keys, as SystemTap. */
	{
		int r = new_tmp(e);
		char *ent;

		value = expr(e, n->rhs);
		ent = entry_for_write(e, l, &k);
		return arena_printf("({ %s _r%d = %s; %s %s; })",
				    t == TY_STRING ? "const char *" : "int64_t",
				    r, value, ent,
				    update(t == TY_STRING ?
					   arena_printf("stp_map_string(_e%d)", k) :
					   arena_printf("(*stp_map_long(_e%d))", k),
					   t, n->op, arena_printf("_r%d", r), e, k));
	}
}

static char *crement(Emit *e, Node *n)
{
	const char *d = n->op[0] == '+' ? "+" : "-";
	Node *l = n->lhs;
	int k = new_tmp(e);
	char *place, *pre = "";

	if (l->kind == N_VAR) {
		place = var_ref(l->sym);
	} else {
		pre = entry_for_write(e, l, &k);
		place = arena_printf("(*stp_map_long(_e%d))", k);
	}
	if (n->kind == N_PREINC)
		return arena_printf("({ %s %s = (int64_t)((uint64_t)%s %s 1); "
				    "%s; })", pre, place, place, d, place);
	return arena_printf("({ %s int64_t _o%d = %s; %s = (int64_t)((uint64_t)"
			    "_o%d %s 1); _o%d; })", pre, k, place, place, k, d,
			    k);
}

/* ---- calls ---- */

static char *call(Emit *e, Node *n)
{
	Func *f = n->func;
	Buf b = { 0 };
	int k = new_tmp(e), i;
	Type rt = tyvar_type(f->ret);
	char *r;

	buf_puts(&b, "({ ");
	for (i = 0; i < n->args.len; i++) {
		Node *a = n->args.v[i];

		buf_printf(&b, "%s _a%d_%d = %s; ",
			   node_type(a) == TY_STRING ? "const char *" : "int64_t",
			   k, i, expr(e, a));
	}
	buf_printf(&b, "c->loc = %s; ", loc(e, n->tok));
	buf_printf(&b, "stp_call_%s(c", f->cname);
	for (i = 0; i < n->args.len; i++)
		buf_printf(&b, ", _a%d_%d", k, i);
	buf_printf(&b, "); %s ", check_error(e));
	if (rt == TY_STRING)
		buf_printf(&b, "stp_strlcpy(%s, c->ret_str, MAXSTRINGLEN); "
			   "%s; })", slot(e, n), slot(e, n));
	else if (rt == TY_LONG)
		buf_puts(&b, "c->ret_long; })");
	else
		buf_puts(&b, "0; })");
	r = arena_strdup(b.s);
	buf_free(&b);
	return r;
}

/* ---- printing ---- */

static bool is_hist(const Node *n)
{
	return n->kind == N_HIST;
}

/* print(x): a value of any kind onto the output (or, SPRINT, a string). */
static void print_value(Emit *e, Buf *b, Node *a, const char *into)
{
	if (is_hist(a)) {
		Symbol *s = stat_symbol(a->lhs);

		if (into)
			buf_printf(b, "stp_sprint_hist(%s, %s, %s); "
				   "stp_strlcat(%s, %s, MAXSTRINGLEN); ",
				   slot(e, a), stat_ref(e, a->lhs), hist_spec(s),
				   into, slot(e, a));
		else
			buf_printf(b, "stp_print_hist(c, %s, %s); ",
				   stat_ref(e, a->lhs), hist_spec(s));
		return;
	}
	if (node_type(a) == TY_STRING) {
		if (into)
			buf_printf(b, "stp_strlcat(%s, %s, MAXSTRINGLEN); ", into,
				   expr(e, a));
		else
			buf_printf(b, "stp_print_string(c, %s); ", expr(e, a));
		return;
	}
	if (into)
		buf_printf(b, "{ char _n[32]; stp_long_str(_n, %s); "
			   "stp_strlcat(%s, _n, MAXSTRINGLEN); } ", expr(e, a),
			   into);
	else
		buf_printf(b, "stp_print_long(c, %s); ", expr(e, a));
}

static char *format_call(Emit *e, Node *n, bool to_string)
{
	Buf b = { 0 };
	int k = new_tmp(e), i, nargs = n->args.len - 1;
	char *r;

	buf_printf(&b, "({ union stp_arg _f%d[%d] = { { 0 } }; ", k,
		   nargs ? nargs : 1);
	for (i = 0; i < nargs; i++) {
		Node *a = n->args.v[i + 1];

		buf_printf(&b, "_f%d[%d].%c = %s; ", k, i,
			   node_type(a) == TY_STRING ? 's' : 'l', expr(e, a));
	}
	buf_printf(&b, "c->loc = %s; ", loc(e, n->tok));
	if (to_string)
		buf_printf(&b, "stp_sprintf(c, %s, %s, _f%d, %d); %s %s; })",
			   slot(e, n), c_literal(n->args.v[0]->str), k, nargs,
			   check_error(e), slot(e, n));
	else
		buf_printf(&b, "stp_printf(c, %s, _f%d, %d); %s 0; })",
			   c_literal(n->args.v[0]->str), k, nargs, check_error(e));
	r = arena_strdup(b.s);
	buf_free(&b);
	return r;
}

static char *print_call(Emit *e, Node *n)
{
	bool to_string = n->name[0] == 's';
	const char *name = n->name + to_string;
	bool ln = strstr(name, "ln") != NULL;
	bool delim = !strncmp(name, "printd", 6);
	const char *into = to_string ? slot(e, n) : NULL;
	Buf b = { 0 };
	char *r, *d = NULL;
	int i, k = new_tmp(e);

	if (!strcmp(name, "printf"))
		return format_call(e, n, to_string);
	buf_puts(&b, "({ ");
	if (into)
		buf_printf(&b, "%s[0] = 0; ", into);
	if (delim) {
		d = arena_printf("_d%d", k);
		buf_printf(&b, "const char *%s = %s; ", d,
			   expr(e, n->args.v[0]));
	}
	for (i = delim; i < n->args.len; i++) {
		if (delim && i > 1) {
			if (into)
				buf_printf(&b, "stp_strlcat(%s, %s, MAXSTRINGLEN); ",
					   into, d);
			else
				buf_printf(&b, "stp_print_string(c, %s); ", d);
		}
		print_value(e, &b, n->args.v[i], into);
	}
	if (ln) {
		if (into)
			buf_printf(&b, "stp_strlcat(%s, \"\\n\", MAXSTRINGLEN); ",
				   into);
		else
			buf_puts(&b, "stp_print_char(c, '\\n'); ");
	}
	buf_printf(&b, "%s; })", into ? into : "0");
	r = arena_strdup(b.s);
	buf_free(&b);
	return r;
}

/* ---- operators ---- */

static char *binary(Emit *e, Node *n)
{
	int k = new_tmp(e);
	const char *op = n->op;
	char *l, *r;

	if (!strcmp(op, ".")) {
		l = expr(e, n->lhs);
		r = expr(e, n->rhs);
		return arena_printf("({ const char *_l%d = %s; const char *_r%d ="
				    " %s; stp_concat(%s, _l%d, _r%d); %s; })", k,
				    l, k, r, slot(e, n), k, k, slot(e, n));
	}
	l = expr(e, n->lhs);
	r = expr(e, n->rhs);
	if (!strcmp(op, "/") || !strcmp(op, "%"))
		return arena_printf("({ int64_t _l%d = %s, _r%d = %s; c->loc = %s;"
				    " int64_t _v%d = stp_divide(c, _l%d, _r%d, %d);"
				    " %s _v%d; })", k, l, k, r, loc(e, n->tok), k,
				    k, k, op[0] == '%', check_error(e), k);
	if (!strcmp(op, "+") || !strcmp(op, "-") || !strcmp(op, "*"))
		return arena_printf("({ int64_t _l%d = %s, _r%d = %s; (int64_t)"
				    "((uint64_t)_l%d %s (uint64_t)_r%d); })", k, l,
				    k, r, k, op, k);
	if (!strcmp(op, "<<") || !strcmp(op, ">>>"))
		return arena_printf("({ int64_t _l%d = %s, _r%d = %s; (int64_t)"
				    "((uint64_t)_l%d %s (_r%d & 63)); })", k, l, k,
				    r, k, op[0] == '<' ? "<<" : ">>", k);
	if (!strcmp(op, ">>"))
		return arena_printf("({ int64_t _l%d = %s, _r%d = %s; _l%d >> "
				    "(_r%d & 63); })", k, l, k, r, k, k);
	return arena_printf("({ int64_t _l%d = %s, _r%d = %s; _l%d %s _r%d; })",
			    k, l, k, r, k, op, k);
}

static char *compare(Emit *e, Node *n)
{
	int k = new_tmp(e);
	char *l = expr(e, n->lhs), *r = expr(e, n->rhs);

	if (node_type(n->lhs) == TY_STRING)
		return arena_printf("({ const char *_l%d = %s, *_r%d = %s; "
				    "(int64_t)(strcmp(_l%d, _r%d) %s 0); })", k, l,
				    k, r, k, k, n->op);
	return arena_printf("({ int64_t _l%d = %s, _r%d = %s; (int64_t)(_l%d %s"
			    " _r%d); })", k, l, k, r, k, n->op, k);
}

static char *membership(Emit *e, Node *n)
{
	unsigned wild;
	int k;
	char *ks;

	if (n->lhs->kind != N_VAR) {
		Symbol *s = stat_symbol(n->lhs->lhs);
		int t = new_tmp(e);

		return arena_printf("({ int64_t _b%d = %s; (int64_t)(_b%d >= 0 &&"
				    " _b%d < (%s)->buckets); })", t,
				    expr(e, n->args.v[0]), t, t, hist_spec(s));
	}
	ks = keys(e, n->args.v, n->args.len, &k, &wild);
	if (!wild)
		return arena_printf("({ %s (int64_t)(stp_map_find(%s, _k%d) != "
				    "NULL); })", ks, n->lhs->sym->cname, k);
	return arena_printf("({ %s struct stp_map_entry *_e%d; for (_e%d = "
			    "stp_map_first(%s); _e%d && !stp_map_matches(_e%d, "
			    "_k%d, %uu); _e%d = stp_map_next(%s, _e%d)) ; "
			    "(int64_t)(_e%d != NULL); })", ks, k, k,
			    n->lhs->sym->cname, k, k, k, wild, k,
			    n->lhs->sym->cname, k, k);
}

static const char *statop(const char *name)
{
	static const char *const names[][2] = {
		{ "count", "STP_COUNT" }, { "sum", "STP_SUM" },
		{ "min", "STP_MIN" }, { "max", "STP_MAX" },
		{ "avg", "STP_AVG" }, { "variance", "STP_VARIANCE" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i][0]))
			return names[i][1];
	return "STP_COUNT";
}

static char *stat_value(Emit *e, Node *n)
{
	int k = new_tmp(e);

	return arena_printf("({ const struct stp_stat *_s%d = %s; c->loc = %s; "
			    "int64_t _v%d = stp_stat_op(c, _s%d, %s, %s); %s "
			    "_v%d; })", k, stat_ref(e, n->lhs), loc(e, n->tok),
			    k, k, statop(n->name),
			    n->args.len ? arena_printf("%lld",
				(long long)n->args.v[0]->num) : "0",
			    check_error(e), k);
}

static char *hist_bucket(Emit *e, Node *n)
{
	Node *h = n->lhs;
	Symbol *s = stat_symbol(h->lhs);
	int k = new_tmp(e);

	return arena_printf("({ const struct stp_stat *_s%d = %s; int64_t _b%d"
			    " = %s; c->loc = %s; int64_t _v%d = stp_hist_at(c, "
			    "_s%d, %s, _b%d); %s _v%d; })", k,
			    stat_ref(e, h->lhs), k, expr(e, n->args.v[0]),
			    loc(e, n->tok), k, k, hist_spec(s), k,
			    check_error(e), k);
}

/* A regex literal as static data: its source and its program for the
 * kernel runtime's matcher (stap/regex.c), one per distinct literal. */
static const char *regex_data(Emit *e, const char *raw)
{
	const char *name = table_get(&e->u->regexes, raw);
	size_t len;
	char *re, *text;

	if (name)
		return name;
	name = arena_printf("stp_re%d", e->u->nregexes++);
	table_put(&e->u->regexes, raw, (void *)name);
	re = decode_string(raw, &len);
	text = regex_c_data(re, len, name);
	buf_puts(&e->u->decls, text);
	free(text);
	free(re);
	return name;
}

static char *regex(Emit *e, Node *n)
{
	char *s = expr(e, n->lhs);

	return arena_printf("({ const char *_s = %s; c->loc = %s; int64_t _m = "
			    "stp_regex_match(c, _s, &%s); %s %s_m; })", s,
			    loc(e, n->tok), regex_data(e, n->rhs->str),
			    check_error(e), n->op[0] == '!' ? "!" : "");
}

/* ---- target expressions ---- */

static char *target_base(Emit *e, const TExpr *t)
{
	const char *v;

	switch (t->base) {
	case TB_ARG:
	case TB_HOOK:
		v = arena_printf("stp_arg(c, %d)", t->index);
		break;
	case TB_RETURN:
		v = "stp_retval(c)";
		break;
	case TB_ENTRY:
		v = arena_printf("stp_entry(c, %d)", t->index);
		break;
	case TB_DWARF:
		v = t->code;
		break;
	default:
		v = expr(e, t->expr);
		break;
	}
	if (t->size && t->size < 8)
		return arena_printf("((int64_t)(%sint%d_t)%s)",
				    t->sign ? "" : "u", t->size * 8, v);
	return (char *)v;
}

/* The base value, then each step: offsets, indexes, fault-safe reads. */
static char *target_value(Emit *e, Node *n, const TExpr *t)
{
	char *v;
	const char *mem;
	int i, k;

	if (t->fmt)
		return target_string(e, n, t);
	if (t->base == TB_PROCFS)
		return "c->procfs_value";
	v = target_base(e, t);
	/* A user variable's memory is the probed process's. */
	mem = t->user ? "stp_uvar_read" : "stp_kread";
	for (i = 0; i < t->steps.len; i++) {
		const TStep *s = &t->steps.v[i];

		switch (s->kind) {
		case TS_ADD:
			v = arena_printf("(%s + %lldLL)", v, (long long)s->off);
			break;
		case TS_INDEX:
			v = arena_printf("(%s + (%s) * %lldLL)", v,
					 expr(e, s->index), (long long)s->off);
			break;
		case TS_DEREF:
			v = arena_printf("%s(c, %s, 8, false)", mem, v);
			break;
		case TS_LOAD:
			v = s->bit_size ?
			    arena_printf("%s_bits(c, %s, %d, %d, %s)",
					 mem, v, s->bit_off, s->bit_size,
					 s->sign ? "true" : "false") :
			    arena_printf("%s(c, %s, %d, %s)", mem, v,
					 s->size, s->sign ? "true" : "false");
			break;
		}
	}
	if (!t->steps.len)
		return v;
	/* A fault is an error here, where try/catch can see it. */
	k = new_tmp(e);
	return arena_printf("({ c->loc = %s; int64_t _t%d = %s; if (unlikely("
			    "c->error)) goto %s; _t%d; })", loc(e, n->tok), k,
			    v, e->label, k);
}

/* $$parms: "a=0x1 b=0x2", formatted into the node's temporary. */
static char *target_string(Emit *e, Node *n, const TExpr *t)
{
	Buf b = { 0 };
	char *out = slot(e, n), *r;
	int i, id = new_tmp(e);

	buf_printf(&b, "({ union stp_arg _a%d[%d] = {", id, t->parts.len + 1);
	for (i = 0; i < t->parts.len; i++)
		if (t->parts.v[i]->quoted)	/* $var$'s char *: "text" */
			buf_printf(&b, " { .s = %s(c, %d, %s) },",
				   t->parts.v[i]->user ? "stp_uvar_string_quoted" :
				   "stp_kstring_quoted",
				   t->parts.v[i]->quoted - 1,
				   target_value(e, n, t->parts.v[i]));
		else
			buf_printf(&b, " { .l = %s },", target_value(e, n,
								      t->parts.v[i]));
	buf_printf(&b, " { .l = 0 } }; stp_sprintf(c, %s, %s, _a%d, %d); %s; })",
		   out, c_string(t->fmt, strlen(t->fmt)), id, t->parts.len,
		   out);
	r = arena_strdup(b.s);
	buf_free(&b);
	return r;
}

static char *num_expr(Emit *e, Node *n)
{
	(void)e;
	return number(n->num);
}

static char *str_expr(Emit *e, Node *n)
{
	(void)e;
	return c_literal(n->str);
}

static char *var_expr(Emit *e, Node *n)
{
	(void)e;
	return var_ref(n->sym);
}

static char *index_expr(Emit *e, Node *n)
{
	if (n->lhs->kind == N_HIST)
		return hist_bucket(e, n);
	return read_index(e, n);
}

static char *embedded_expr(Emit *e, Node *n)
{
	(void)e;
	return arena_printf("((int64_t)(%s))", n->str);
}

static char *unary(Emit *e, Node *n)
{
	char *v = expr(e, n->lhs);

	switch (n->op[0]) {
	case '-':
		return arena_printf("((int64_t)(0 - (uint64_t)(%s)))", v);
	case '!':
		return arena_printf("((int64_t)!(%s))", v);
	case '~':
		return arena_printf("(~(%s))", v);
	default:
		return arena_printf("(%s)", v);
	}
}

static char *logical(Emit *e, Node *n)
{
	return arena_printf("((int64_t)((%s) %s (%s)))", expr(e, n->lhs),
			    n->op, expr(e, n->rhs));
}

static char *ternary(Emit *e, Node *n)
{
	return arena_printf("((%s) ? (%s) : (%s))", expr(e, n->cond),
			    expr(e, n->then), expr(e, n->els));
}

/* $var, @cast: what types.c resolved (an error there left none). */
static char *target_expr(Emit *e, Node *n)
{
	return n->texpr ? target_value(e, n, n->texpr) : "0";
}

/* @entry(): saved by the entry handler. */
static char *entry_expr(Emit *e, Node *n)
{
	(void)e;
	if (n->texpr)
		return arena_printf("stp_entry(c, %d)", n->texpr->index);
	return "0";
}

/* The C of each kind of expression. */
static char *(*const exprs[])(Emit *e, Node *n) = {
	[N_NUM] = num_expr, [N_STR] = str_expr, [N_VAR] = var_expr,
	[N_INDEX] = index_expr, [N_CALL] = call, [N_PRINT] = print_call,
	[N_STATOP] = stat_value, [N_EMBEDDED] = embedded_expr,
	[N_UNARY] = unary, [N_PREINC] = crement, [N_POSTINC] = crement,
	[N_BINARY] = binary, [N_LOGICAL] = logical, [N_COMPARE] = compare,
	[N_REGEX] = regex, [N_TERNARY] = ternary, [N_ASSIGN] = assign,
	[N_IN] = membership, [N_TARGET] = target_expr,
	[N_CAST] = target_expr, [N_AUTOCAST] = target_expr,
	[N_ATOP] = entry_expr,
};

static char *expr(Emit *e, Node *n)
{
	if ((size_t)n->kind < sizeof(exprs) / sizeof(exprs[0]) &&
	    exprs[n->kind])
		return exprs[n->kind](e, n);
	/* Resolution or type inference reported the others. */
	return "0";
}

/* ---- statements ---- */

static void line(Emit *e, int indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(Emit *e, int indent, const char *fmt, ...)
{
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = arena_vprintf(fmt, ap);
	va_end(ap);
	while (indent-- > 0)
		buf_putc(&e->body, '\t');
	buf_puts(&e->body, text);
	buf_putc(&e->body, '\n');
}

/* One of MAXACTION for each statement and each loop iteration.  A quiet
 * probe counts none where MAXACTION covers its statements (quiet_probe). */
static void action(Emit *e, const Node *n, int indent)
{
	if (e->quiet >= 0)
		line(e, indent, "if (!STP_QUIET_%d) STP_ACTION(%s, %s);",
		     e->quiet, loc(e, n->tok), e->label);
	else
		line(e, indent, "STP_ACTION(%s, %s);", loc(e, n->tok),
		     e->label);
}

/* Bind foreach variable V to a key or value of kind T from SRC. */
static void bind_var(Emit *e, Node *v, Type t, const char *src, int indent)
{
	if (t == TY_STRING)
		line(e, indent, "stp_strlcpy(%s, %s, MAXSTRINGLEN);",
		     var_ref(v->sym), src);
	else
		line(e, indent, "%s = %s;", var_ref(v->sym), src);
}

/* A foreach iteration's start: past the limit the loop ends; then it
 * spends an action. */
static void foreach_next(Emit *e, const Node *n, int k, int indent)
{
	line(e, indent, "if (_lim%d >= 0 && _n%d++ >= _lim%d) break;", k, k,
	     k);
	action(e, n, indent);
}

/* A foreach's body, then the ends of its loop and of its block. */
static void foreach_end(Emit *e, Node *n, int indent)
{
	stmt(e, n->body, indent + 2);
	line(e, indent + 1, "}");
	line(e, indent, "}");
}

static void foreach_hist(Emit *e, Node *n, int indent)
{
	Symbol *s = stat_symbol(n->lhs->lhs);
	int k = new_tmp(e);

	line(e, indent, "{");
	line(e, indent + 1, "const struct stp_stat *_s%d = %s;", k,
	     stat_ref(e, n->lhs->lhs));
	line(e, indent + 1, "int64_t _lim%d = %s, _n%d = 0, _b%d;", k,
	     n->limit ? expr(e, n->limit) : "-1", k, k);
	line(e, indent + 1, "for (_b%d = 0; _b%d < (%s)->buckets; _b%d++) {", k,
	     k, hist_spec(s), k);
	foreach_next(e, n, k, indent + 2);
	bind_var(e, n->keys.v[0], TY_LONG, arena_printf("_b%d", k), indent + 2);
	if (n->value)
		bind_var(e, n->value, TY_LONG,
			 arena_printf("stp_hist_at(c, _s%d, %s, _b%d)", k,
				      hist_spec(s), k), indent + 2);
	foreach_end(e, n, indent);
}

static void foreach_map(Emit *e, Node *n, int indent)
{
	Symbol *s = n->lhs->sym;
	int k = new_tmp(e), i, key;
	unsigned wild = 0;
	char *ks = NULL;

	line(e, indent, "{");
	line(e, indent + 1, "int64_t _lim%d = %s, _n%d = 0;", k,
	     n->limit ? expr(e, n->limit) : "-1", k);
	if (n->args.len)
		ks = keys(e, n->args.v, n->args.len, &key, &wild);
	if (ks)
		line(e, indent + 1, "%s", ks);
	line(e, indent + 1, "struct stp_map_entry *_e%d;", k);
	if (n->sort_dir)
		line(e, indent + 1, "stp_map_sort(%s, %d, %d, %s, %s);",
		     s->cname, n->sort_key < 0 ? 0 : n->sort_key, n->sort_dir,
		     n->sort_op ? statop(n->sort_op) : "STP_COUNT",
		     n->args.len ? "-1" : arena_printf("_lim%d", k));
	line(e, indent + 1, "for (_e%d = stp_map_first(%s); _e%d; _e%d = "
	     "stp_map_next(%s, _e%d)) {", k, s->cname, k, k, s->cname, k);
	if (ks)
		line(e, indent + 2, "if (!stp_map_matches(_e%d, _k%d, %uu)) "
		     "continue;", k, key, wild);
	foreach_next(e, n, k, indent + 2);
	for (i = 0; i < n->keys.len; i++) {
		Type t = tyvar_type(s->key_ty[i]);

		bind_var(e, n->keys.v[i], t,
			 arena_printf("stp_map_key(_e%d, %d).%c", k, i,
				      t == TY_STRING ? 's' : 'l'), indent + 2);
	}
	if (n->value)
		bind_var(e, n->value, tyvar_type(s->ty),
			 tyvar_type(s->ty) == TY_STRING ?
			 arena_printf("stp_map_string(_e%d)", k) :
			 arena_printf("*stp_map_long(_e%d)", k), indent + 2);
	foreach_end(e, n, indent);
}

static void delete_stmt(Emit *e, Node *n, int indent)
{
	Node *t = n->lhs;

	if (t->kind == N_VAR) {
		Symbol *s = t->sym;
		Type ty = tyvar_type(s->ty);

		if (s->kind == SYM_GLOBAL && s->arity > 0)
			line(e, indent, "stp_map_clear(%s);", s->cname);
		else if (ty == TY_STATS)
			line(e, indent, "stp_stat_init(%s, %s);", s->cname,
			     hist_spec(s));
		else if (ty == TY_STRING)
			line(e, indent, "%s[0] = 0;", var_ref(s));
		else
			line(e, indent, "%s = 0;", var_ref(s));
		return;
	}
	{
		unsigned wild;
		int k;
		char *ks = keys(e, t->args.v, t->args.len, &k, &wild);
		const char *m = t->lhs->sym->cname;

		if (!wild) {
			line(e, indent, "{ %s struct stp_map_entry *_e%d = "
			     "stp_map_find(%s, _k%d); if (_e%d) stp_map_remove"
			     "(%s, _e%d); }", ks, k, m, k, k, m, k);
			return;
		}
		line(e, indent, "{ %s struct stp_map_entry *_e%d, *_x%d; for "
		     "(_e%d = stp_map_first(%s); _e%d; _e%d = _x%d) { _x%d = "
		     "stp_map_next(%s, _e%d); if (stp_map_matches(_e%d, _k%d, "
		     "%uu)) stp_map_remove(%s, _e%d); } }", ks, k, k, k, m, k, k,
		     k, k, m, k, k, k, wild, m, k);
	}
}

static void try_stmt(Emit *e, Node *n, int indent)
{
	int k = new_tmp(e);
	const char *outer = e->label;

	line(e, indent, "{");
	e->label = arena_printf("catch%d", k);
	stmt(e, n->body, indent + 1);
	e->label = outer;
	line(e, indent + 1, "goto tried%d;", k);
	line(e, indent, "catch%d:", k);
	line(e, indent + 1, "if (c->fatal) goto %s;", outer);
	line(e, indent + 1, "c->error = false;");
	if (n->lhs)
		line(e, indent + 1, "stp_strlcpy(%s, c->error_msg, MAXSTRINGLEN);",
		     var_ref(n->lhs->sym));
	stmt(e, n->els, indent + 1);
	line(e, indent, "tried%d: ;", k);
	line(e, indent, "}");
}

/* An addition to an add_only global: one atomic add (analyze.c). */
static void add_atomic(Emit *e, Node *x, int indent)
{
	bool minus = x->op[0] == '-';	/* -- or -= */

	line(e, indent, "(void)__atomic_fetch_%s((uint64_t *)&%s, (uint64_t)(%s), "
	     "__ATOMIC_RELAXED);", minus ? "sub" : "add", var_ref(x->lhs->sym),
	     x->kind == N_ASSIGN ? expr(e, x->rhs) : "1");
}

static void stmt(Emit *e, Node *n, int indent)
{
	int i;

	switch (n->kind) {
	case S_BLOCK:
		line(e, indent, "{");
		for (i = 0; i < n->args.len; i++)
			stmt(e, n->args.v[i], indent + 1);
		line(e, indent, "}");
		return;
	case S_NULL:
		line(e, indent, ";");
		return;
	default:
		break;
	}
	action(e, n, indent);
	switch (n->kind) {
	case S_EXPR:
		if (added_global(n))
			add_atomic(e, n->lhs, indent);
		else
			line(e, indent, "(void)%s;", expr(e, n->lhs));
		break;
	case S_IF:
		line(e, indent, "if (%s) {", expr(e, n->cond));
		stmt(e, n->then, indent + 1);
		if (n->els) {
			line(e, indent, "} else {");
			stmt(e, n->els, indent + 1);
		}
		line(e, indent, "}");
		break;
	case S_WHILE:
		line(e, indent, "while (%s) {", expr(e, n->cond));
		action(e, n, indent + 1);
		stmt(e, n->body, indent + 1);
		line(e, indent, "}");
		break;
	case S_FOR:
		line(e, indent, "for (%s; %s; %s) {",
		     n->init ? arena_printf("(void)%s", expr(e, n->init)) : "",
		     n->cond ? expr(e, n->cond) : "",
		     n->inc ? arena_printf("(void)%s", expr(e, n->inc)) : "");
		action(e, n, indent + 1);
		stmt(e, n->body, indent + 1);
		line(e, indent, "}");
		break;
	case S_FOREACH:
		if (n->lhs->kind == N_VAR)
			foreach_map(e, n, indent);
		else
			foreach_hist(e, n, indent);
		break;
	case S_RETURN:
		if (n->lhs && tyvar_type(e->func->ret) == TY_STRING)
			line(e, indent, "{ const char *_v = %s; if (_v != f->ret) "
			     "stp_strlcpy(f->ret, _v, MAXSTRINGLEN); }",
			     expr(e, n->lhs));
		else if (n->lhs)
			line(e, indent, "f->ret = %s;", expr(e, n->lhs));
		line(e, indent, "goto out;");
		break;
	case S_NEXT:
		if (e->func)
			line(e, indent, "c->next_overload = true;");
		line(e, indent, "goto out;");
		break;
	case S_BREAK:
		line(e, indent, "break;");
		break;
	case S_CONTINUE:
		line(e, indent, "continue;");
		break;
	case S_DELETE:
		delete_stmt(e, n, indent);
		break;
	case S_TRY:
		try_stmt(e, n, indent);
		break;
	case S_EMBEDDED:
		line(e, indent, "{ %s }", n->str);
		break;
	default:
		break;
	}
}

/* ---- whole functions ---- */

static void frame_members(Buf *b, const SymVec *v, char prefix)
{
	int i;

	for (i = 0; i < v->len; i++) {
		Symbol *s = v->v[i];
		Type t = tyvar_type(s->ty);

		if (prefix == 'l' && !s->used)
			continue;
		if (t == TY_STRING)
			buf_printf(b, "\tchar %c_%s[MAXSTRINGLEN];\n", prefix,
				   s->name);
		else
			buf_printf(b, "\tint64_t %c_%s;\n", prefix, s->name);
	}
}

static void init_locals(Emit *e, const SymVec *v)
{
	int i;

	for (i = 0; i < v->len; i++) {
		Symbol *s = v->v[i];

		if (!s->used)
			continue;
		if (tyvar_type(s->ty) == TY_STRING)
			line(e, 1, "f->l_%s[0] = 0;", s->name);
		else
			line(e, 1, "f->l_%s = 0;", s->name);
	}
}

/* The function's end: its frame NAME (MEMBERS, then its temporaries)
 * among the frames, its text among the code. */
static void finish_function(Emit *e, const char *name, Buf *members)
{
	line(e, 0, "}\n");
	buf_printf(&e->u->frames, "struct %s {\n%s%s\tchar unused;\n};\n\n",
		   name, members->s ? members->s : "",
		   e->frame.s ? e->frame.s : "");
	vec_push(&e->u->frame_names, name);
	buf_puts(&e->u->code, e->body.s);
	buf_free(members);
	buf_free(&e->body);
	buf_free(&e->frame);
}

/*
 * The C for an embedded-C function: SystemTap's STAP_* conventions.  The
 * text is a function of its own, F_ec(c, f), called by F: a plain
 * 'return;' in it, which SystemTap allows, then still reaches F's copy
 * of the result into the context (inline, it skipped that copy, and the
 * caller read the previous call's string).
 */
static void embedded_function(Emit *e, Func *f, const char *fr)
{
	bool str = tyvar_type(f->ret) == TY_STRING;
	Buf *b = &e->u->code;
	int i;

	buf_printf(b, "static void %s_ec(struct stp_context *c, struct %s *f)"
		   "\n{\n", f->cname, fr);
	for (i = 0; i < f->params.len; i++)
		buf_printf(b, "#define STAP_ARG_%s (f->a_%s)\n",
			   f->params.v[i]->name, f->params.v[i]->name);
	buf_puts(b, "#define STAP_RETVALUE (f->ret)\n");
	if (str)
		buf_puts(b, "#define STAP_RETURN(v) do { stp_strlcpy(f->ret, "
			 "(v), MAXSTRINGLEN); return; } while (0)\n");
	else
		buf_puts(b, "#define STAP_RETURN(v) do { f->ret = (v); return; "
			 "} while (0)\n");
	buf_puts(b, "#define CONTEXT c\n");
	buf_printf(b, "\t{%s}\n", f->embedded->text);
	buf_puts(b, "#undef CONTEXT\n#undef STAP_RETURN\n#undef STAP_RETVALUE\n");
	for (i = 0; i < f->params.len; i++)
		buf_printf(b, "#undef STAP_ARG_%s\n", f->params.v[i]->name);
	buf_puts(b, "}\n\n");
	line(e, 1, "%s_ec(c, f);", f->cname);
}

static void function(Unit *u, Func *f)
{
	Emit e = { .u = u, .quiet = -1 };
	Buf members = { 0 };
	Type rt = tyvar_type(f->ret);
	const char *fr = arena_printf("fr_%s", f->cname);

	e.func = f;
	e.label = "out";
	frame_members(&members, &f->params, 'a');
	frame_members(&members, &f->locals, 'l');
	if (rt == TY_STRING)
		buf_puts(&members, "\tchar ret[MAXSTRINGLEN];\n");
	else
		buf_puts(&members, "\tint64_t ret;\n");
	buf_printf(&u->protos, "static void %s(struct stp_context *c);\n",
		   f->cname);
	line(&e, 0, "static void %s(struct stp_context *c)\n{", f->cname);
	line(&e, 1, "struct %s *f = (void *)(c->frames + c->nesting * "
	     "stp_frame_size);", fr);
	line(&e, 0, "%s", "");
	if (rt == TY_STRING)
		line(&e, 1, "f->ret[0] = 0;");
	else
		line(&e, 1, "f->ret = 0;");
	if (f->embedded) {
		embedded_function(&e, f, fr);
	} else {
		init_locals(&e, &f->locals);
		stmt(&e, f->body, 1);
	}
	line(&e, 0, "out:");
	/* The caller reads the value from the context: frames differ. */
	if (rt == TY_STRING)
		line(&e, 1, "stp_strlcpy(c->ret_str, f->ret, MAXSTRINGLEN);");
	else
		line(&e, 1, "c->ret_long = f->ret;");
	finish_function(&e, fr, &members);
}

/*
 * stp_call_F(c, args...): depth check, arguments into the callee's frame,
 * then each overload of that arity in turn while it says 'next'.
 */
static void call_stub(Unit *u, Func *first, Func *f)
{
	const char *name = f->cname;
	Buf *b = &u->code;
	Func *g;
	int i;

	buf_printf(&u->protos, "static void stp_call_%s(struct stp_context *c",
		   name);
	for (i = 0; i < f->params.len; i++)
		buf_printf(&u->protos, ", %s",
			   tyvar_type(f->params.v[i]->ty) == TY_STRING ?
			   "const char *" : "int64_t");
	buf_puts(&u->protos, ");\n");
	buf_printf(b, "static void stp_call_%s(struct stp_context *c", name);
	for (i = 0; i < f->params.len; i++)
		buf_printf(b, ", %s p%d",
			   tyvar_type(f->params.v[i]->ty) == TY_STRING ?
			   "const char *" : "int64_t", i);
	buf_puts(b, ")\n{\n");
	buf_puts(b, "\tif (unlikely(c->nesting >= MAXNESTING)) {\n"
		 "\t\tstp_fatal(c, \"MAXNESTING exceeded\");\n\t\treturn;\n\t}\n"
		 "\tc->nesting++;\n");
	for (g = first; g; g = g->overload) {
		if (g->params.len != f->params.len || !g->used)
			continue;
		buf_printf(b, "\t{\n\t\tstruct fr_%s *f = (void *)(c->frames + "
			   "c->nesting * stp_frame_size);\n\n", g->cname);
		for (i = 0; i < g->params.len; i++) {
			const char *p = g->params.v[i]->name;

			if (tyvar_type(g->params.v[i]->ty) == TY_STRING)
				buf_printf(b, "\t\tif (p%d != f->a_%s) "
					   "stp_strlcpy(f->a_%s, p%d, "
					   "MAXSTRINGLEN);\n", i, p, p, i);
			else
				buf_printf(b, "\t\tf->a_%s = p%d;\n", p, i);
		}
		buf_printf(b, "\t\tc->next_overload = false;\n\t\t%s(c);\n"
			   "\t\tif (!c->next_overload || c->error)\n"
			   "\t\t\tgoto done;\n\t}\n", g->cname);
	}
	buf_puts(b, "\tc->next_overload = false;\ndone:\n"
		 "\tc->nesting--;\n}\n\n");
}

/* ---- probes ---- */

/* ---- conditions the runtime re-evaluates (kernel runtime) ---- */

/* A probe condition that needs no context to evaluate: numbers, scalar
 * long globals and the operators that cannot fail (no division). */
static bool simple_cond(const Node *n)
{
	switch (n->kind) {
	case N_NUM:
		return true;
	case N_VAR:
		return n->sym && n->sym->kind == SYM_GLOBAL &&
		       tyvar_type(n->sym->ty) == TY_LONG;
	case N_UNARY:
		return simple_cond(n->lhs);
	case N_BINARY:
		if (!strcmp(n->op, "/") || !strcmp(n->op, "%") ||
		    !strcmp(n->op, "."))
			return false;
		/* fall through */
	case N_LOGICAL:
	case N_COMPARE:
		return simple_cond(n->lhs) && simple_cond(n->rhs);
	case N_TERNARY:
		return simple_cond(n->cond) && simple_cond(n->lhs) &&
		       simple_cond(n->rhs);
	default:
		return false;
	}
}

/* A kprobe or kretprobe whose condition the runtime re-evaluates when
 * a global it reads is written, disabling the kprobe while it is false:
 * a probe off costs nothing (docs/kernel.md, "Conditions"). */
static bool disarmable(const Derived *d)
{
	return d->cond && !strcmp(S->runtime, "kernel") &&
	       (d->form->kind == PK_KPROBE || d->form->kind == PK_KRETPROBE) &&
	       simple_cond(d->cond);
}

/* Whether some disarmable probe's condition reads global G. */
static bool in_condition(const Node *n, const Symbol *g)
{
	if (!n)
		return false;
	if (n->kind == N_VAR)
		return n->sym == g;
	return in_condition(n->lhs, g) || in_condition(n->rhs, g) ||
	       (n->kind == N_TERNARY && in_condition(n->cond, g));
}

static bool writes_condition(const Derived *d)
{
	int i, j;

	for (i = 0; i < d->locks.len; i++) {
		if (!d->locks.v[i].write)
			continue;
		for (j = 0; j < S->derived.len; j++) {
			const Derived *o = S->derived.v[j];

			if (o->used && disarmable(o) &&
			    in_condition(o->cond, d->locks.v[i].sym))
				return true;
		}
	}
	return false;
}

/* probe_N_cond: the condition alone, read without locks (each global a
 * single aligned 64-bit load); the handler checks it again. */
static void cond_function(Unit *u, Derived *d, int index)
{
	Emit e = { .u = u, .quiet = -1 };

	line(&e, 0, "static bool probe_%d_cond(void)\n{", index);
	line(&e, 1, "return %s;", expr(&e, d->cond));
	line(&e, 0, "}\n");
	buf_puts(&u->code, e.body.s);
	buf_free(&e.body);
	buf_free(&e.frame);
}

/* A kernel kprobe, whose own pre-handler calls its handler (khit.h). */
static bool kprobe_hit(const Derived *d)
{
	return !strcmp(S->runtime, "kernel") && d->form->kind == PK_KPROBE;
}

/* A kernel kprobe that may attach through ftrace instead (khit.h): one
 * on a kernel function by name, or at a DWARF site of the kernel (the
 * runtime asks ftrace for the address, which it grants only at a
 * function's entry, and falls back to the kprobe where it refuses).  Not
 * in guru mode: embedded C or a write to a register may change what
 * only a kprobe's saved registers carry back (docs/kernel.md).  Nor a
 * probe its condition disables (disarmable): disable_kprobe turns it off
 * while the condition is false, which an ftrace_ops has no cheap way to
 * do. */
static bool ftrace_hit(const Derived *d, const Reg *r)
{
	const DwSite *site = d->point->site;

	if (!kprobe_hit(d) || S->guru || disarmable(d))
		return false;
	if (site)
		return !site->module;
	return strcmp(r->symbol, "NULL") && !strchr(r->symbol, ':');
}

/* An ftrace callback for probe row N beside its kprobe pre-handler,
 * and its fields: by name, the function's address where the symbol list
 * has it (ftrace knows a function by one name, kallsyms' first, where a
 * kprobe takes any of its aliases: __x64_sys_getppid is
 * __do_sys_getppid's), moved by KASLR as a DWARF site is. */
static void ftrace_fields(Unit *u, const Derived *d, Reg *r, int h,
			  const char *quiet)
{
	uint64_t addr, anchor;

	buf_printf(&u->khits, "STP_FTRACE_HANDLER(%d, probe_%d, %s)\n",
		   u->nprobes, h, quiet);
	r->fields = arena_printf("%s, .ft_hit = STP_FT(%d), .ft_regs = !(%s)",
				 r->fields, u->nprobes, quiet);
	if (!d->point->site &&
	    kernel_function_address(d->point->comps.v[1].param->str, &addr,
				    &anchor))
		r->fields = arena_printf("%s, .ft_addr = %#llxLL, "
					 ".anchor = %#llxLL", r->fields,
					 (unsigned long long)addr,
					 (unsigned long long)anchor);
}

static void probe(Unit *u, Derived *d, int index)
{
	Emit e = { .u = u, .quiet = -1 };
	Buf members = { 0 };
	const char *fr = arena_printf("fr_p%d", index);
	int i;

	e.label = "out";
	if (d->quiet) {
		e.quiet = index;
		line(&e, 0, "#define STP_QUIET_%d (MAXACTION >= %d)", index,
		     d->quiet_actions);
	}
	frame_members(&members, &d->locals, 'l');
	/* A kprobe's pre-handler calls its handler directly (khit.h): the
	 * compiler may inline it there, sparing a call and a return on
	 * every hit. */
	line(&e, 0, "static %svoid probe_%d(struct stp_context *c)\n{",
	     kprobe_hit(d) ? "inline " : "", index);
	line(&e, 1, "struct %s *f = (void *)c->frames;", fr);
	if (d->locks.len)
		line(&e, 1, "int locked = 0;");
	line(&e, 0, "%s", "");
	for (i = 0; i < d->locks.len; i++) {
		line(&e, 1, "if (!stp_lock_try(%s_lock, %s)) goto skip;",
		     d->locks.v[i].sym->cname,
		     d->locks.v[i].write ? "true" : "false");
		line(&e, 1, "locked++;");
	}
	init_locals(&e, &d->locals);
	if (d->cond)
		line(&e, 1, "if (!(%s)) goto out;", expr(&e, d->cond));
	stmt(&e, d->body, 1);
	line(&e, 0, "out:");
	line(&e, 0, "skip:");
	for (i = d->locks.len - 1; i >= 0; i--)
		line(&e, 1, "if (locked > %d) stp_unlock(%s_lock, %s);", i,
		     d->locks.v[i].sym->cname,
		     d->locks.v[i].write ? "true" : "false");
	if (writes_condition(d))	/* after the locks: the new values */
		line(&e, 1, "stp_conditions_changed();");
	if (d->locks.len)
		line(&e, 1, "if (locked < %d) stp_skip(c->probe_point);",
		     d->locks.len);
	finish_function(&e, fr, &members);
}

/* ---- globals ---- */

/* Filled by hist_init; zero (no histogram) otherwise. */
static void hist_decl(Buf *b, const Symbol *g)
{
	buf_printf(b, "static struct stp_hist_spec %s_hist;\n", g->cname);
}

/* A statistic's spec: its histogram, and the @variance shift it keeps
 * (or none, when the script never asks, which saves a division). */
static void hist_init(Buf *b, const Symbol *g)
{
	const Node *h = g->hist, *v = g->variance;

	if (h && !strcmp(h->name, "hist_log"))
		buf_printf(b, "\tstp_hist_log_spec(&%s_hist);\n", g->cname);
	else if (h)
		buf_printf(b, "\tif (stp_hist_linear_spec(&%s_hist, %lld, %lld, "
			   "%lld) != 0)\n\t\treturn stp_init_error(\"the "
			   "histogram of %s\");\n", g->cname,
			   (long long)h->args.v[0]->num,
			   (long long)h->args.v[1]->num,
			   (long long)h->args.v[2]->num, g->name);
	buf_printf(b, "\t%s_hist.shift = %lld;\n\t%s_hist.no_variance = %s;\n",
		   g->cname, v && v->args.len ? (long long)v->args.v[0]->num : 0,
		   g->cname, v ? "false" : "true");
}

static void global(Buf *decl, Buf *init, Buf *fini, Symbol *g)
{
	Type t = tyvar_type(g->ty);
	const char *n = g->cname;
	int i;

	if (!g->add_only) {	/* analyze.c: no lock */
		buf_printf(decl, "static struct stp_lock *%s_lock;\n", n);
		buf_printf(init, "\tif (!(%s_lock = stp_lock_new()))\n\t\t"
			   "return stp_init_error(\"the lock of %s\");\n", n,
			   g->name);
		buf_printf(fini, "\tstp_lock_free(%s_lock);\n", n);
	}
	if (t == TY_STATS) {
		hist_decl(decl, g);
		hist_init(init, g);
	}
	if (g->arity > 0) {
		buf_printf(decl, "static struct stp_map *%s;\n", n);
		buf_printf(init, "\t{\n\t\tstatic struct stp_map_spec s = { "
			   "\"%s\", %d, {", g->name, g->arity);
		for (i = 0; i < g->arity; i++)
			buf_printf(init, "%s%s", i ? ", " : " ",
				   kind_of(tyvar_type(g->key_ty[i])));
		buf_printf(init, " }, %s, %s, %s };\n\n", kind_of(t),
			   g->maxsize ? arena_printf("%d", g->maxsize) :
			   "MAXMAPENTRIES", g->wrap ? "true" : "false");
		if (t == TY_STATS)
			buf_printf(init, "\t\ts.hist = %s_hist;\n", n);
		buf_printf(init, "\t\tif (!(%s = stp_map_new(&s)))\n\t\t\treturn "
			   "stp_init_error(\"array %s\");\n\t}\n", n, g->name);
		buf_printf(fini, "\tstp_map_free(%s);\n", n);
		return;
	}
	if (t == TY_STATS) {
		buf_printf(decl, "static struct stp_stat *%s;\n", n);
		buf_printf(init, "\tif (!(%s = stp_alloc(stp_stat_size(&%s_hist))))"
			   "\n\t\treturn stp_init_error(\"%s\");\n"
			   "\tstp_stat_init(%s, &%s_hist);\n", n, n, g->name, n, n);
		buf_printf(fini, "\tstp_free(%s);\n", n);
	} else if (t == TY_STRING) {
		buf_printf(decl, "static char %s[MAXSTRINGLEN]", n);
		if (g->init)
			buf_printf(decl, " = %s", c_literal(g->init->str));
		buf_puts(decl, ";\n");
	} else {
		buf_printf(decl, "static int64_t %s", n);
		if (g->init)
			buf_printf(decl, " = %s", number(g->init->num));
		buf_puts(decl, ";\n");
	}
}

/* ---- autoprint: globals written and never read, printed at the end ---- */

static void autoprint_key_format(Buf *fmt, Buf *args, const Symbol *g)
{
	int i;

	buf_printf(fmt, "%s[", g->name);
	for (i = 0; i < g->arity; i++) {
		bool str = tyvar_type(g->key_ty[i]) == TY_STRING;

		buf_printf(fmt, "%s%s", i ? "," : "", str ? "\\\"%s\\\"" : "%lld");
		buf_printf(args, ", %sstp_map_key(e, %d).%c", str ? "" :
			   "(long long)", i, str ? 's' : 'l');
	}
	buf_putc(fmt, ']');
}

static void autoprint(Buf *b, const Symbol *g)
{
	Type t = tyvar_type(g->ty);
	Buf fmt = { 0 }, args = { 0 };
	const char *stats = " @count=%lld @min=%lld @max=%lld @sum=%lld "
			    "@avg=%lld";

	if (g->arity <= 0) {
		if (t == TY_STRING)
			buf_printf(b, "\tstp_ap(c, \"%s=\\\"%%s\\\"\\n\", %s);\n",
				   g->name, g->cname);
		else if (t == TY_LONG)
			buf_printf(b, "\tstp_ap(c, \"%s=%%lld\\n\", (long long)%s);"
				   "\n", g->name, g->cname);
		else
			buf_printf(b, "\tif (%s->count)\n\t\tstp_ap(c, \"%s%s\\n\", "
				   "STP_STATS(%s));\n", g->cname, g->name, stats,
				   g->cname);
		return;
	}
	autoprint_key_format(&fmt, &args, g);
	buf_printf(b, "\tstp_map_sort(%s, 0, -1, STP_COUNT, -1);\n", g->cname);
	buf_printf(b, "\tfor (e = stp_map_first(%s); e; e = stp_map_next(%s, "
		   "e))\n", g->cname, g->cname);
	if (t == TY_STRING)
		buf_printf(b, "\t\tstp_ap(c, \"%s=\\\"%%s\\\"\\n\"%s, "
			   "stp_map_string(e));\n", fmt.s, args.s ? args.s : "");
	else if (t == TY_LONG)
		buf_printf(b, "\t\tstp_ap(c, \"%s=%%lld\\n\"%s, (long long)"
			   "*stp_map_long(e));\n", fmt.s, args.s ? args.s : "");
	else
		buf_printf(b, "\t\tstp_ap(c, \"%s%s\\n\"%s, STP_STATS("
			   "stp_map_stat(e)));\n", fmt.s, stats,
			   args.s ? args.s : "");
	buf_free(&fmt);
	buf_free(&args);
}

/* ---- the program ---- */

static const char *probe_kind(const Derived *d)
{
	static const char *const names[] = {
		[PK_BEGIN] = "STP_PROBE_BEGIN", [PK_END] = "STP_PROBE_END",
		[PK_ERROR] = "STP_PROBE_ERROR", [PK_NEVER] = "STP_PROBE_NEVER",
		[PK_TIMER] = "STP_PROBE_TIMER", [PK_KPROBE] = "STP_PROBE_KPROBE",
		[PK_KRETPROBE] = "STP_PROBE_KRETPROBE",
		[PK_TRACEPOINT] = "STP_PROBE_TRACEPOINT",
		[PK_PROFILE] = "STP_PROBE_PROFILE",
		[PK_PERF] = "STP_PROBE_PERF",
		[PK_PROCFS_READ] = "STP_PROBE_PROCFS_READ",
		[PK_PROCFS_WRITE] = "STP_PROBE_PROCFS_WRITE",
		[PK_NETFILTER] = "STP_PROBE_NETFILTER",
		[PK_UPROBE] = "STP_PROBE_UPROBE",
		[PK_URETPROBE] = "STP_PROBE_URETPROBE",
		[PK_UTASK] = "STP_PROBE_UTASK",
	};

	return names[d->form->kind];
}

/* A .return probe's entry handler: the values @entry() needs. */
static const char *entry_handler(Unit *u, Derived *d, int index)
{
	Emit e = { .u = u, .quiet = -1 };
	const char *fr = arena_printf("fr_p%d_entry", index);
	int i;

	if (!d->entries.len)
		return "";
	e.label = "out";
	line(&e, 0, "static void probe_%d_entry(struct stp_context *c)\n{",
	     index);
	line(&e, 1, "struct %s *f = (void *)c->frames;", fr);
	line(&e, 1, "int64_t *saved = c->entry;");
	line(&e, 0, "%s", "");
	line(&e, 1, "(void)f;");
	for (i = 0; i < d->entries.len; i++) {
		line(&e, 1, "saved[%d] = %s;", i, expr(&e, d->entries.v[i]));
		line(&e, 1, "%s", check_error(&e));
	}
	line(&e, 0, "out:");
	line(&e, 1, "return;");
	finish_function(&e, fr, &(Buf){ 0 });
	return arena_printf(", .entry = probe_%d_entry, .nentries = %d", index,
			    d->entries.len);
}

/* What D's family registers: its row's kind-specific fields; glue
 * they name goes into the code. */
static Reg registration(Unit *u, const Derived *d, int index)
{
	Reg r = { 0, 0, "NULL", 0, "" };

	if (d->form->family->reg)
		d->form->family->reg(d, index, &r, &u->code);
	return r;
}

/* "FILE:LINE:COL" of T, as SystemTap's probe locations read. */
static const char *token_place(const Token *t)
{
	if (!t || !t->src)
		return "<unknown>";
	return arena_printf("%s:%d:%d", t->src->name, t->line, t->col);
}

/*
 * -t: a row of stp_timing[] for D, what SystemTap 4.8's probe hit report
 * says of it: where it was written (the probe keyword; for an alias the
 * user's point) and its derivation (" from: POINT", once more for each
 * alias level: SystemTap prints " from: oneshot from: oneshot"; a probe
 * of several points names its first for each).
 */
static void timing_row(Buf *b, const Derived *d)
{
	const ProbePoint *from;
	const char *c, *loc, *der = "";
	Buf pt = { 0 };
	int levels = 0, k;

	for (c = d->chain; c && (c = strstr(c, " <- ")); c += 4)
		levels++;
	from = levels || !d->probe->points.len ? d->user_point :
	       d->probe->points.v[0];
	loc = token_place(levels ? d->user_point->tok : d->probe->tok);
	print_point(&pt, from);
	for (k = 0; k <= levels; k++)
		der = arena_printf("%s from: %s", der, pt.s ? pt.s : "");
	buf_free(&pt);
	buf_printf(b, "\t{ %s, %s },\n", c_string(loc, strlen(loc)),
		   c_string(der, strlen(der)));
}

static void emit_globals(Unit *u)
{
	int i;

	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		if (g->used)
			global(&u->decl, &u->init, &u->fini, g);
	}
}

static void emit_functions(Unit *u)
{
	int i;

	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->used)
			continue;
		function(u, f);
		if (!f->later_overload)
			call_stub(u, f, f);
	}
}

/* Each probe: its handler (unless it shares a twin's), its row of
 * stp_probes[] and of stp_timing[]. */
static void emit_probes(Unit *u)
{
	int i;

	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];
		Buf pp = { 0 };
		Reg r;
		bool kp_hit;
		const char *quiet;
		int h;

		if (!d->used)
			continue;
		h = d->handler;
		if (h == i)
			probe(u, d, i);
		if (disarmable(d))
			cond_function(u, d, i);
		r = registration(u, d, i);
		print_point(&pp, d->point);
		/* A kernel kprobe's own pre-handler calls its handler
		 * directly (khit.h): no indirect call on the hit's path. */
		kp_hit = kprobe_hit(d);
		quiet = S->derived.v[h]->quiet ?
			arena_printf("STP_QUIET_%d", h) : "false";
		if (kp_hit)
			buf_printf(&u->khits, "STP_KPROBE_HANDLER(%d, probe_%d, "
				   "%s)\n", u->nprobes, h, quiet);
		if (ftrace_hit(d, &r))
			ftrace_fields(u, d, &r, h, quiet);
		buf_printf(&u->table, "\t{ %s, %s, %lld, %lldLL, %lldLL, "
			   "probe_%d, %s, %lldLL, %s, %s%s%s%s%s },\n",
			   c_string(pp.s, pp.len), probe_kind(d),
			   (long long)d->seq, (long long)r.period,
			   (long long)r.random, h, r.symbol, r.address,
			   d->point->optional ? "true" : "false",
			   d->wildcard ? "true" : "false",
			   entry_handler(u, d, i), r.fields, kp_hit ?
			   arena_printf(", .kp_hit = stp_kp_%d", u->nprobes) :
			   "", disarmable(d) ?
			   arena_printf(", .cond = probe_%d_cond", i) : "");
		timing_row(&u->timing, d);
		buf_free(&pp);
		u->nprobes++;
	}
}

/* The globals written and never read: printed by an end probe of
 * their own, after every other. */
static void emit_autoprint(Unit *u)
{
	int i;

	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		if (g->used && g->autoprint) {
			autoprint(&u->autoprint, g);
			u->nautoprint++;
			if (!u->first_autoprint)
				u->first_autoprint = g;
		}
	}
	if (u->nautoprint) {
		const char *at = token_place(u->first_autoprint->tok);

		buf_printf(&u->table, "\t{ \"end\", STP_PROBE_END, %lldLL, 0, "
			   "0, stp_autoprint, NULL, 0, false },\n",
			   (long long)INT64_MAX);
		buf_printf(&u->timing, "\t{ %s, \" from: end\" },\n",
			   c_string(at, strlen(at)));
		u->nprobes++;
	}
}

/* Top-level %{ %} or a function in C that the program keeps. */
static bool has_embedded_c(void)
{
	int i;

	for (i = 0; i < S->func_list.len; i++)
		if (S->func_list.v[i]->used && S->func_list.v[i]->embedded)
			return true;
	return S->embeds.len > 0;
}

/* The declarations, then the functions: what the tables name. */
static void print_code(const Unit *u, FILE *out)
{
	int i;

	fprintf(out, "/* Generated by stap %s: do not edit. */\n", STAP_VERSION);
	/* no hit need reset the last match (stp_runtime.h) */
	if (!u->nregexes)
		fprintf(out, "#define STP_NO_REGEX\n");
	fprintf(out, "#include \"stp_runtime.h\"\n\n");
	if (!strcmp(S->runtime, "kernel"))
		/* What staprun checks before it loads the module. */
		fprintf(out, "static const char stp_target[] __attribute__(("
			"section(\".stap_target\"), used)) =\n\t\"%s\" \"\\0\" "
			"\"%s\";\n\n",
			S->kernel_release, S->kernel_build_id ?
			S->kernel_build_id : "");
	if (!strcmp(S->runtime, "kernel"))
		/* The level stap-validate and staprun judge the module at
		 * (privilege.c), and guru mode, under which a stapdev
		 * module may hold privileged instructions. */
		fprintf(out, "static const char stp_privilege[] __attribute__(("
			"section(\".stap_privilege\"), used)) = \"%s%s\";"
			"\n\n", privilege_name(S->privilege),
			S->guru ? " guru" : "");
	if (!strcmp(S->runtime, "kernel") && S->module_name)
		/* -m NAME: staprun keeps the name (/proc/systemtap/NAME). */
		fprintf(out, "static const char stp_named[] __attribute__(("
			"section(\".stap_named\"), used)) = \"1\";\n\n");
	usyms_emit(out);	/* what staprun uploads user symbols of */
	if (!strcmp(S->runtime, "kernel") && has_embedded_c())
		/* What SystemTap's runtime gives embedded C: scripts name
		 * struct signal_struct, task_struct's mm ... having included
		 * no more than <linux/sched.h> (plimit.stp), and call
		 * strlcpy, which 6.8 removed (psig.stp, ttyspy.stp). */
		fprintf(out, "#include <linux/sched.h>\n#include "
			"<linux/sched/signal.h>\n#include <linux/sched/task.h>"
			"\n#include <linux/sched/mm.h>\n#include \"stp_compat.h"
			"\"\n#ifndef STP_HAVE_STRLCPY\t/* 6.8 */\n#define "
			"strlcpy(d, s, n) stp_strlcpy(d, s, n)\n#endif\n\n");
	for (i = 0; i < S->embeds.len; i++)
		fprintf(out, "%s\n", S->embeds.v[i]->text);
	fprintf(out, "#define STP_ACTION(where, label) do { c->loc = where; "
		"if (unlikely(--c->actions < 0)) { stp_fatal(c, \"MAXACTION "
		"exceeded\"); goto label; } } while (0)\n\n");
	fprintf(out, "%s\n%s\n%s\n", u->decls.s ? u->decls.s : "",
		u->decl.s ? u->decl.s : "", u->frames.s ? u->frames.s : "");
	fprintf(out, "union stp_frames {\n");
	for (i = 0; i < u->frame_names.len; i++)
		fprintf(out, "\tstruct %s f%d;\n", u->frame_names.v[i], i);
	fprintf(out, "\tchar none;\n};\nconst size_t stp_frame_size = "
		"sizeof(union stp_frames);\n\n");
	fprintf(out, "%s\n%s", u->protos.s ? u->protos.s : "",
		u->code.s ? u->code.s : "");
}

/* The tables the runtime reads, and the program's start and end. */
static void print_tables(const Unit *u, FILE *out)
{
	int i;

	if (u->nautoprint)
		fprintf(out, "static void stp_autoprint(struct stp_context *c)\n"
			"{\n\tstruct stp_map_entry *e;\n\n\t(void)e;\n%s}\n\n",
			u->autoprint.s);
	if (u->khits.s)
		fprintf(out, "#include \"khit.h\"\n\n%s\n", u->khits.s);
	fprintf(out, "const struct stp_probe stp_probes[] = {\n%s\t{ 0 }\n};\n"
		"const int stp_nprobes = %d;\n\n", u->table.s ? u->table.s : "",
		u->nprobes);
	/* The runtime reports probe hits when the program has this table
	 * (a weak symbol there): -t adds nothing to a program without it. */
	if (S->timing)
		fprintf(out, "const struct stp_probe_timing stp_timing[] = {\n"
			"%s\t{ 0 }\n};\n\n", u->timing.s ? u->timing.s : "");
	fprintf(out, "const struct stp_global_param stp_params[] = {\n");
	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];
		Type t = tyvar_type(g->ty);

		if (g->used && g->arity <= 0 && t != TY_STATS)
			fprintf(out, "\t{ \"%s\", %s, %s },\n", g->name,
				t == TY_LONG ? arena_printf("&%s", g->cname) :
				"NULL", t == TY_STRING ? g->cname : "NULL");
	}
	fprintf(out, "\t{ 0 }\n};\nconst int stp_nparams = "
		"sizeof(stp_params) / sizeof(stp_params[0]) - 1;\n\n");
	fprintf(out, "int stp_program_init(void)\n{\n%s\treturn 0;\n}\n\n"
		"void stp_program_exit(void)\n{\n%s}\n",
		u->init.s ? u->init.s : "", u->fini.s ? u->fini.s : "");
}

void emit_program(FILE *out)
{
	Unit u = { 0 };

	emit_globals(&u);
	emit_functions(&u);
	emit_probes(&u);
	emit_autoprint(&u);
	print_code(&u, out);
	print_tables(&u, out);
	buf_free(&u.decls);
	buf_free(&u.decl);
	buf_free(&u.frames);
	buf_free(&u.protos);
	buf_free(&u.code);
	buf_free(&u.autoprint);
	buf_free(&u.khits);
	buf_free(&u.table);
	buf_free(&u.timing);
	buf_free(&u.init);
	buf_free(&u.fini);
}
