/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.c - the semantic checks that need the whole typed program
 * (pass 2, after types.c): printf formats against their arguments,
 * arrays modified inside a foreach over them (also through the functions
 * the loop calls), regular expressions, constant division by zero,
 * statistics used where only numbers and strings may go, and histogram
 * parameters.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

/* ---- printf formats ---- */

/* A width or precision at S[I]: digits, or '*' taking a long argument. */
static size_t width(const char *s, size_t len, size_t i, Type *types, int *n)
{
	if (i < len && s[i] == '*') {
		if (*n < 256)
			types[*n] = TY_LONG;
		(*n)++;
		return i + 1;
	}
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/*
 * Parse a printf format: %[-+ #0]*[width|*][.precision|.*][l|ll|L|h]*conv
 * with conv one of d i u x X o p c b m M s %.  Fills the type each
 * argument must have; false (after an error) if the format is bad or the
 * argument count is wrong.
 */
bool check_format(const Node *call, const char *fmt, int nargs, Type *types)
{
	size_t len;
	char *s = decode_string(fmt, &len);
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		if (++i < len && s[i] == '%')
			continue;
		while (i < len && strchr("-+ #0", s[i]))
			i++;
		i = width(s, len, i, types, &n);
		if (i < len && s[i] == '.')
			i = width(s, len, i + 1, types, &n);
		while (i < len && strchr("lLhqjzt", s[i]))
			i++;
		if (i >= len || !strchr("diuxXopcbmMs", s[i])) {
			sem_error(call->args.v[0]->tok, "invalid or missing"
				  " conversion in the format of %s after"
				  " \"%.*s\"", call->name, (int)i, s);
			free(s);
			return false;
		}
		if (n < 256)
			types[n] = s[i] == 's' ? TY_STRING : TY_LONG;
		n++;
	}
	free(s);
	if (n != nargs) {
		sem_error(call->tok, "%s's format takes %d argument%s, but %d"
			  " %s given", call->name, n, n == 1 ? "" : "s", nargs,
			  nargs == 1 ? "is" : "are");
		return false;
	}
	return true;
}

/* ---- walking the program ---- */

static void walk_program(Visit fn, void *ctx)
{
	int i;

	for (i = 0; i < S->func_list.len; i++)
		if (S->func_list.v[i]->used)
			walk_node(S->func_list.v[i]->body, fn, ctx);
	for (i = 0; i < S->derived.len; i++)
		if (S->derived.v[i]->used) {
			walk_node(S->derived.v[i]->body, fn, ctx);
			walk_node(S->derived.v[i]->cond, fn, ctx);
		}
}

/* ---- arrays modified during foreach ---- */

/* The global array an assignment, increment or delete changes. */
static Symbol *written_array(const Node *n)
{
	const Node *t;

	switch (n->kind) {
	case N_ASSIGN:
	case N_PREINC:
	case N_POSTINC:
	case S_DELETE:
		t = n->lhs;
		break;
	default:
		return NULL;
	}
	if (t->kind == N_INDEX && t->lhs->kind == N_VAR)
		return t->lhs->sym;
	if (n->kind == S_DELETE && t->kind == N_VAR && t->sym &&
	    t->sym->kind == SYM_GLOBAL)
		return t->sym;
	return NULL;
}

static bool in_set(SymVec *v, const Symbol *s)
{
	int i;

	for (i = 0; i < v->len; i++)
		if (v->v[i] == s)
			return true;
	return false;
}

static void collect_writes(Node *n, void *ctx)
{
	Func *f = ctx;
	Symbol *s = written_array(n);
	const Func *g;

	if (s && !in_set(&f->writes, s))
		vec_push(&f->writes, s);
	if (n->kind == N_CALL)
		for (g = n->func; g; g = g->overload)
			if (g->params.len == n->args.len)
				vec_push(&f->callees, (Func *)g);
}

static void add_write(Func *f, Symbol *s);

/* F now writes S: so does every function that calls F. */
static void add_write(Func *f, Symbol *s)
{
	int i;

	if (in_set(&f->writes, s))
		return;
	vec_push(&f->writes, s);
	for (i = 0; i < f->callers.len; i++)
		add_write(f->callers.v[i], s);
}

/* Each function's written arrays, closed over the functions it calls. */
static void compute_writes(void)
{
	int i, k;

	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		memset(&f->callers, 0, sizeof(f->callers));
		memset(&f->writes, 0, sizeof(f->writes));
		memset(&f->callees, 0, sizeof(f->callees));
	}
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->used)
			continue;
		walk_node(f->body, collect_writes, f);
		for (k = 0; k < f->callees.len; k++)
			vec_push(&f->callees.v[k]->callers, f);
	}
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];
		SymVec direct = f->writes;

		memset(&f->writes, 0, sizeof(f->writes));
		for (k = 0; k < direct.len; k++)
			add_write(f, direct.v[k]);
	}
}

typedef struct Loop {
	Symbol *array;
	const Node *loop;
} Loop;

static void modified_in_loop(Node *n, void *ctx)
{
	Loop *l = ctx;
	Symbol *s = written_array(n);
	const Func *g;

	if (s == l->array) {
		sem_error(n->tok, "array '%s' is modified inside a foreach"
			  " over it", s->name);
		note_at(l->loop->tok, "the foreach is here");
	}
	if (n->kind != N_CALL)
		return;
	for (g = n->func; g; g = g->overload)
		if (g->params.len == n->args.len &&
		    in_set((SymVec *)&g->writes, l->array)) {
			sem_error(n->tok, "calling '%s' modifies array '%s'"
				  " inside a foreach over it", g->name,
				  l->array->name);
			note_at(l->loop->tok, "the foreach is here");
			return;
		}
}

static void check_foreach(Node *n, void *ctx)
{
	Loop l;

	(void)ctx;
	if (n->kind != S_FOREACH || n->lhs->kind != N_VAR || !n->lhs->sym)
		return;
	l.array = n->lhs->sym;
	l.loop = n;
	walk_node(n->body, modified_in_loop, &l);
	walk_node(n->limit, modified_in_loop, &l);
}

/* ---- single nodes ---- */

static bool constant(const Node *n, int64_t *v)
{
	if (n->kind == N_NUM) {
		*v = n->num;
		return true;
	}
	if (n->kind == N_UNARY && !strcmp(n->op, "-") && constant(n->lhs, v)) {
		*v = (int64_t)(0 - (uint64_t)*v);
		return true;
	}
	return false;
}

static void check_division(const Node *n)
{
	int64_t v;
	const char *op = n->op;

	if (!op || !(!strcmp(op, "/") || !strcmp(op, "%") ||
		     !strcmp(op, "/=") || !strcmp(op, "%=")))
		return;
	if (constant(n->rhs, &v) && v == 0)
		sem_error(n->tok, "division by zero: the divisor of '%s' is the"
			  " constant 0", op);
}

static void check_regex(const Node *n)
{
	size_t len;
	char *re = decode_string(n->rhs->str, &len);
	regex_t rx;
	int rc;

	if (strlen(re) != len) {
		sem_error(n->rhs->tok, "a regular expression cannot hold a NUL"
			  " byte");
	} else if ((rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[256];

		regerror(rc, &rx, msg, sizeof(msg));
		sem_error(n->rhs->tok, "invalid regular expression \"%s\": %s",
			  n->rhs->str, msg);
	} else {
		char msg[160];

		regfree(&rx);
		/* The kernel runs the program stap/regex.c makes of it. */
		if (!strcmp(S->runtime, "kernel") &&
		    !regex_check(re, len, msg, sizeof(msg)))
			sem_error(n->rhs->tok, "regular expression \"%s\" is not"
				  " supported by the kernel runtime: %s",
				  n->rhs->str, msg);
	}
	free(re);
}

static void no_stats(const Node *n, const char *where)
{
	if (n && tyvar_type(n->ty) == TY_STATS)
		sem_error(n->tok, "statistics cannot be %s: use @count, @sum,"
			  " @min, @max, @avg, @variance or a histogram", where);
}

/* The runtime's bucket limit, which -D STP_HIST_MAX_BUCKETS=N raises. */
static int hist_max_buckets(void)
{
	int i;

	for (i = 0; i < S->defines.len; i++)
		if (!strcmp(S->defines.v[i].name, "STP_HIST_MAX_BUCKETS") &&
		    S->defines.v[i].value)
			return atoi(S->defines.v[i].value);
	return 128;
}

/* The statistic a histogram reads: its variable, or its array. */
static Symbol *hist_symbol(const Node *n)
{
	const Node *s = n->lhs;

	if (s->kind == N_INDEX && s->lhs->kind == N_VAR)
		s = s->lhs;
	return s->kind == N_VAR ? s->sym : NULL;
}

static bool same_hist(const Node *a, const Node *b)
{
	int64_t x, y;
	int i;

	if (strcmp(a->name, b->name))
		return false;
	for (i = 0; i < a->args.len; i++)
		if (!constant(a->args.v[i], &x) || !constant(b->args.v[i], &y) ||
		    x != y)
			return false;
	return true;
}

/* A statistic keeps one histogram: every @hist_* of it must agree. */
static void check_hist_kind(const Node *n)
{
	Symbol *s = hist_symbol(n);

	if (!s)
		return;
	if (!s->hist) {
		s->hist = n;
	} else if (!same_hist(s->hist, n)) {
		sem_error(n->tok, "'%s' is used with two different histograms",
			  s->name);
		note_at(s->hist->tok, "the first is here");
	}
}

static void check_hist(const Node *n)
{
	int64_t v[3];
	int i;

	check_hist_kind(n);
	if (strcmp(n->name, "hist_linear"))
		return;
	for (i = 0; i < 3; i++)
		if (!constant(n->args.v[i], &v[i])) {
			sem_error(n->args.v[i]->tok, "@hist_linear's low, high"
				  " and step must be constant numbers");
			return;
		}
	if (v[2] <= 0)
		sem_error(n->args.v[2]->tok, "@hist_linear's step must be"
			  " positive");
	else if (v[1] < v[0])
		sem_error(n->args.v[1]->tok, "@hist_linear's high must not be"
			  " below its low");
	else if ((uint64_t)v[1] - (uint64_t)v[0] >
		 (uint64_t)v[2] * (uint64_t)(hist_max_buckets() - 3))
		sem_error(n->tok, "@hist_linear(%lld, %lld, %lld) needs more"
			  " than %d buckets (STP_HIST_MAX_BUCKETS)",
			  (long long)v[0], (long long)v[1], (long long)v[2],
			  hist_max_buckets());
}

/* The shift of @variance(s, N) is fixed per statistic (the running
 * variance is kept with it), so every @variance of s must agree. */
static void check_variance(Node *n)
{
	Symbol *s = hist_symbol(n);
	int64_t v = 0;

	if (n->args.len && (!constant(n->args.v[0], &v) || v < 0 || v > 62)) {
		sem_error(n->args.v[0]->tok, "@variance's bit shift must be a"
			  " constant from 0 to 62");
		return;
	}
	if (n->args.len)
		n->args.v[0]->num = v;
	if (!s)
		return;
	if (!s->variance) {
		s->variance = n;
	} else if ((s->variance->args.len ? s->variance->args.v[0]->num : 0) !=
		   v) {
		sem_error(n->tok, "'%s' is used with two different @variance"
			  " shifts", s->name);
		note_at(s->variance->tok, "the first is here");
	}
}

static void check_node(Node *n, void *ctx)
{
	int i;

	(void)ctx;
	switch (n->kind) {
	case N_BINARY:
	case N_ASSIGN:
		check_division(n);
		if (n->kind == N_ASSIGN && !strcmp(n->op, "="))
			no_stats(n->lhs, "assigned");
		break;
	case N_REGEX:
		check_regex(n);
		break;
	case N_PRINT:
	case N_CALL:
		for (i = 0; i < n->args.len; i++)
			no_stats(n->args.v[i], n->kind == N_PRINT ?
				 "printed directly" : "passed to a function");
		break;
	case N_COMPARE:
		no_stats(n->lhs, "compared");
		break;
	case N_TERNARY:
		no_stats(n->then, "chosen by '?:'");
		break;
	case S_RETURN:
		no_stats(n->lhs, "returned");
		break;
	case N_HIST:
		check_hist(n);
		break;
	case N_STATOP:
		if (!strcmp(n->name, "variance"))
			check_variance(n);
		break;
	default:
		break;
	}
}

bool check_program(void)
{
	int errors = S->errors;

	compute_writes();
	walk_program(check_foreach, NULL);
	walk_program(check_node, NULL);
	return S->errors == errors;
}
