/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pp.c - the preprocessor of pass 1.
 *
 * It turns the lexed tokens of one file into the tokens the parser sees:
 *   %( COND %? THEN %: ELSE %)   keeps one branch (the other need only lex)
 *   @define NAME(a, b) %( BODY %) and @NAME(x, y)   token-wise macros
 *   $N @N $# @#                  command-line arguments
 * Input is a stack of streams: the file, macro bodies being expanded and
 * macro arguments being substituted.  Tokens that come out of a macro are
 * copies whose origin is the macro use, so errors can show the chain.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

struct Macro {
	const char *name;	/* without the '@' */
	const Token *tok;
	VEC(const char *) params;
	bool has_parens;
	VEC(const Token *) body;
};

typedef struct Env Env;
typedef struct TokList {
	VEC(const Token *) toks;
	Env *env;		/* where the tokens were written */
} TokList;

struct Env {
	const Macro *macro;
	TokList *args;
};

typedef struct Stream {
	const Token *const *toks;
	int pos, n;
	Env *env;
	const Token *origin;	/* macro use: tokens read get this origin */
	bool level;		/* a level of expansion (not an argument's) */
} Stream;

typedef struct Cond {
	const Token *tok;
	bool in_then;
	int depth;		/* stream depth where it was opened */
} Cond;

typedef struct Pp {
	const Source *src;
	VEC(Stream) streams;
	VEC(Cond) conds;
	Table *locals;		/* macros of this file */
	const Token *eof;
	const Token *last;	/* last token of a condition */
	long expanded;		/* tokens copied out of macros */
	int levels;		/* streams that are levels of expansion */
} Pp;

static const char *const builtin_ops[] = {
	"count", "sum", "min", "max", "avg", "variance", "hist_linear",
	"hist_log", "cast", "defined", "entry", "perf", "var", "kregister",
	"uregister", "kderef", "uderef", "probewrite", NULL,
};

static Stream *top(Pp *pp)
{
	return &pp->streams.v[pp->streams.len - 1];
}

static void push_stream(Pp *pp, const Token *const *toks, int n, Env *env,
			const Token *origin, bool level)
{
	Stream s = { toks, 0, n, env, origin, level };

	pp->levels += level;
	vec_push(&pp->streams, s);
}

/* One more level of expansion at AT (a macro use or a $N): false after
 * the error when there would be more than MAX_MACRO_DEPTH.  A macro
 * argument's tokens are no level: there are at most as many of them
 * open as there are macro levels. */
static bool new_level(Pp *pp, const Token *at)
{
	if (pp->levels < MAX_MACRO_DEPTH)
		return true;
	parse_error(at, "macro expansion nested too deeply (more than %d"
		    " levels): is a macro recursive?", MAX_MACRO_DEPTH);
	return false;
}

/* Next token without any processing; EOF only from the file itself. */
static const Token *get_raw(Pp *pp)
{
	for (;;) {
		Stream *s = top(pp);

		if (s->pos < s->n) {
			const Token *t = s->toks[s->pos++];
			Token *copy;

			if (!s->origin)
				return t;
			/* Macros that use each other twice per level grow
			 * exponentially: stop them. */
			if (++pp->expanded > MAX_EXPANSION) {
				parse_error(s->origin, "macro expansion gives"
					    " more than %d tokens", MAX_EXPANSION);
				pp->streams.len = 1;
				pp->levels = 0;
				pp->streams.v[0].pos = pp->streams.v[0].n;
				return pp->eof;
			}
			copy = arena_alloc(sizeof(*copy));
			*copy = *t;
			copy->origin = s->origin;
			return copy;
		}
		if (pp->streams.len == 1)
			return pp->eof;
		if (pp->conds.len &&
		    pp->conds.v[pp->conds.len - 1].depth == pp->streams.len) {
			parse_error(pp->conds.v[pp->conds.len - 1].tok,
				    "conditional not closed with '%%)' inside"
				    " the macro body");
			pp->conds.len--;
		}
		pp->levels -= top(pp)->level;
		pp->streams.len--;
	}
}

static Macro *find_macro(Pp *pp, const char *name)
{
	Macro *m = pp->locals ? table_get(pp->locals, name) : NULL;

	return m ? m : table_get(&S->global_macros, name);
}

/* ---- command-line arguments ---- */

static char *quote_arg(const char *s)
{
	Buf b = { 0 };
	char *res;

	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(&b, '\\');
		if (*s == '\n')
			buf_puts(&b, "\\n");
		else
			buf_putc(&b, *s);
	}
	res = arena_strndup(b.s ? b.s : "", b.len);
	buf_free(&b);
	return res;
}

static Token *make_token(const Token *like, TokKind kind, const char *text)
{
	Token *t = arena_alloc(sizeof(*t));

	*t = *like;
	t->kind = kind;
	t->text = text;
	t->len = (int)strlen(text);
	t->origin = like;
	return t;
}

/* Replace $N @N $# @# by the tokens they stand for. */
static void substitute_arg(Pp *pp, const Token *t)
{
	int nargs = S->args.len;
	Token **toks;
	int n = 0;

	if (t->arg == 0) {
		Token *r = make_token(t, t->at_arg ? TK_STR : TK_NUM,
				      arena_printf("%d", nargs));
		toks = arena_alloc(sizeof(*toks));
		toks[n++] = r;
	} else if (t->arg < 0) {
		return;	/* reported by the lexer */
	} else if (t->arg > nargs) {
		parse_error(t, "command line argument %s out of range (%d"
			    " given)", t->text, nargs);
		toks = arena_alloc(sizeof(*toks));
		toks[n++] = make_token(t, t->at_arg ? TK_STR : TK_NUM,
				       t->at_arg ? "" : "0");
	} else if (t->at_arg) {
		toks = arena_alloc(sizeof(*toks));
		toks[n++] = make_token(t, TK_STR,
				       quote_arg(S->args.v[t->arg - 1]));
	} else {
		Source *src = source_from_string(
			arena_printf("<argument %s>", t->text),
			S->args.v[t->arg - 1]);
		int ntok, i;
		Token **lexed = lex_source(src, &ntok);

		toks = arena_alloc(sizeof(*toks) * (size_t)ntok);
		for (i = 0; i < ntok - 1; i++) {
			lexed[i]->origin = t;
			toks[n++] = lexed[i];
		}
		free(lexed);
		if (n)
			toks[0]->space = t->space;
	}
	if (new_level(pp, t))
		push_stream(pp, (const Token *const *)toks, n, top(pp)->env,
			    NULL, true);
}

/* ---- conditions ---- */

/* A token of a condition: arguments substituted, nothing else. */
static const Token *cond_token(Pp *pp)
{
	const Token *t = get_raw(pp);

	while (t->kind == TK_ARG) {
		substitute_arg(pp, t);
		t = get_raw(pp);
	}
	pp->last = t;
	return t;
}

static const char *kernel_v(void)
{
	const char *r = S->kernel_release;
	const char *dash = strchr(r, '-');

	return dash ? arena_strndup(r, (size_t)(dash - r)) : r;
}

static bool glob_compare(const char *val, const Token *op, const Token *r)
{
	return compare_holds(op->text, fnmatch(r->text, val, 0) == 0 ? 0 : 1);
}

/* "kernel_v", "arch" ...: string against a string (globs with ==, !=). */
static bool string_term(const char *val, const Token *op, const Token *r,
			const char *what, bool ordered, bool version)
{
	bool eq = tok_op(op, "==") || tok_op(op, "!=");

	if (r->kind != TK_STR) {
		parse_error(r, "expected a string to compare %s with", what);
		return false;
	}
	if (!ordered && !eq) {
		parse_error(op, "%s may only be compared with '==' or '!='",
			    what);
		return false;
	}
	if (eq && is_glob(r->text))
		return glob_compare(val, op, r);
	if (version)
		return compare_holds(op->text, version_compare(val, r->text));
	return compare_holds(op->text, strcmp(val, r->text));
}

static const char *kconfig_value(const char *name)
{
	const char *v;

	kconfig_load();
	v = table_get(&S->kconfig, name);

	return v ? v : "";
}

static bool eval_term(const Token *l, const Token *op, const Token *r)
{
	int64_t a, b;

	if (l->kind == TK_IDENT && (!strcmp(l->text, "kernel_v") ||
				    !strcmp(l->text, "kernel_vr")))
		return string_term(!strcmp(l->text, "kernel_v") ? kernel_v() :
				   S->kernel_release, op, r, l->text, true,
				   true);
	if (tok_is(l, TK_IDENT, "systemtap_v"))
		return string_term(S->compat ? S->compat : STAP_COMPAT_VERSION,
				   op, r, l->text, true, true);
	if (tok_is(l, TK_IDENT, "systemtap_privilege"))
		return string_term("stapdev", op, r, l->text, false, false);
	if (tok_is(l, TK_IDENT, "arch"))
		return string_term(S->arch, op, r, l->text, false, false);
	if (tok_is(l, TK_IDENT, "runtime"))
		return string_term(S->runtime, op, r, l->text, false, false);
	if (l->kind == TK_IDENT && !strncmp(l->text, "CONFIG_", 7)) {
		const char *v = kconfig_value(l->text);

		if (r->kind == TK_STR)
			return string_term(v, op, r, l->text, false, false);
		if (r->kind == TK_NUM && parse_number(r, &b))
			return compare_holds(op->text,
					     strtoll(v, NULL, 0) < b ? -1 :
					     strtoll(v, NULL, 0) > b);
		parse_error(r, "expected a string or a number to compare %s"
			    " with", l->text);
		return false;
	}
	if (tok_is(l, TK_IDENT, "guru_mode")) {
		if (r->kind != TK_NUM || !parse_number(r, &b) ||
		    (b != 0 && b != 1)) {
			parse_error(r, "guru_mode compares with 0 or 1");
			return false;
		}
		if (!tok_op(op, "==") && !tok_op(op, "!=")) {
			parse_error(op, "guru_mode may only be compared with"
				    " '==' or '!='");
			return false;
		}
		return compare_holds(op->text, S->guru == b ? 0 : 1);
	}
	if (l->kind == TK_STR && r->kind == TK_STR) {
		if ((tok_op(op, "==") || tok_op(op, "!=")) && is_glob(r->text))
			return glob_compare(l->text, op, r);
		return compare_holds(op->text, strcmp(l->text, r->text));
	}
	if (l->kind == TK_NUM && r->kind == TK_NUM) {
		if (!parse_number(l, &a) || !parse_number(r, &b))
			return false;
		return compare_holds(op->text, a < b ? -1 : a > b);
	}
	if ((l->kind == TK_NUM || l->kind == TK_STR) &&
	    (r->kind == TK_NUM || r->kind == TK_STR)) {
		parse_error(r, "expected %s to compare with %s",
			    l->kind == TK_NUM ? "a number" : "a string",
			    tok_describe(l));
		return false;
	}
	parse_error(l, "expected 'arch', 'kernel_v', 'kernel_vr',"
		    " 'systemtap_v', 'runtime', 'systemtap_privilege',"
		    " 'guru_mode', 'CONFIG_...', or a comparison between"
		    " strings or integers");
	return false;
}

static bool is_comparison(const Token *t)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=",
					   NULL };
	int i;

	for (i = 0; t->kind == TK_OP && ops[i]; i++)
		if (!strcmp(t->text, ops[i]))
			return true;
	return false;
}

/*
 * cond := conj ('||' conj)*
 * conj := term ('&&' term)*
 * term := operand comparison operand
 * Returns the value; *ok is cleared after an error.  Stops at '%?'.
 */
static bool eval_condition(Pp *pp, const Token *open, bool *ok)
{
	bool any = false, all = true;
	const Token *t;

	for (;;) {
		const Token *l = cond_token(pp), *op, *r;
		bool v;

		if (tok_op(l, "%?") || l->kind == TK_EOF) {
			parse_error(l, "incomplete preprocessor condition");
			*ok = false;
			return false;
		}
		op = cond_token(pp);
		if (!is_comparison(op)) {
			parse_error(op, "expected a comparison operator in the"
				    " preprocessor condition, not %s",
				    tok_describe(op));
			*ok = false;
			return false;
		}
		r = cond_token(pp);
		if (r->kind == TK_EOF || tok_op(r, "%?")) {
			parse_error(r, "incomplete preprocessor condition");
			*ok = false;
			return false;
		}
		v = eval_term(l, op, r);
		all = all && v;
		t = cond_token(pp);
		if (tok_op(t, "&&"))
			continue;
		any = any || all;
		all = true;
		if (tok_op(t, "||"))
			continue;
		if (tok_op(t, "%?"))
			return any;
		parse_error(t, "expected '%%?' after the preprocessor"
			    " condition, found %s", tok_describe(t));
		note_at(open, "the conditional starts here");
		*ok = false;
		return false;
	}
}

/*
 * Skip an untaken branch.  Stops after the '%:' (returns true) when
 * stop_at_else, or after the matching '%)'.
 */
static bool skip_branch(Pp *pp, const Token *open, bool stop_at_else)
{
	int depth = 0;

	for (;;) {
		const Token *t = get_raw(pp);

		if (t->kind == TK_EOF) {
			parse_error(open, "missing '%%)' for this conditional");
			return false;
		}
		if (tok_op(t, "%("))
			depth++;
		else if (tok_op(t, "%)") && depth-- == 0)
			return false;
		else if (depth == 0 && tok_op(t, "%:")) {
			if (stop_at_else)
				return true;
			parse_error(t, "a conditional may have only one '%%:'");
		} else if (depth == 0 && tok_op(t, "%?"))
			parse_error(t, "unexpected '%%?' in the branch of a"
				    " conditional");
	}
}

/* After a bad condition: resume after its '%?' or its '%)'. */
static bool recover_condition(Pp *pp, const Token *open)
{
	const Token *t = pp->last;
	int depth = 0;

	if (tok_op(t, "%)") || t->kind == TK_EOF)
		return false;
	while (!tok_op(t, "%?") || depth) {
		t = get_raw(pp);
		if (t->kind == TK_EOF)
			return false;
		if (tok_op(t, "%("))
			depth++;
		else if (tok_op(t, "%)") && depth-- == 0)
			return false;
	}
	if (skip_branch(pp, open, true))
		skip_branch(pp, open, false);
	return true;
}

static void begin_conditional(Pp *pp, const Token *open)
{
	bool ok = true;
	bool taken = eval_condition(pp, open, &ok);
	Cond c = { open, true, pp->streams.len };

	if (!ok)
		recover_condition(pp, open);
	else if (taken)
		vec_push(&pp->conds, c);
	else if (skip_branch(pp, open, true)) {
		c.in_then = false;
		vec_push(&pp->conds, c);
	}
}

/* ---- macros ---- */

/* @define NAME [( PARAMS )] %( BODY %) */
static void define_macro(Pp *pp, const Token *def)
{
	const Token *name = get_raw(pp), *t;
	Macro *m;
	Table *scope;
	int depth = 0;
	bool bad = false;

	if (name->kind != TK_IDENT && name->kind != TK_KEYWORD) {
		parse_error(name, "expected a macro name after @define, not %s",
			    tok_describe(name));
		return;
	}
	if (!strcmp(name->text, "define")) {
		/* Read the rest of the definition all the same. */
		parse_error(name, "'@define' cannot be redefined");
		bad = true;
	}
	m = NEW(Macro);
	m->name = name->text;
	m->tok = name;
	t = get_raw(pp);
	if (tok_op(t, "(") && !t->space) {
		m->has_parens = true;
		t = get_raw(pp);
		while (!tok_op(t, ")")) {
			int i;

			if (t->kind != TK_IDENT) {
				parse_error(t, "expected a macro parameter name,"
					    " not %s", tok_describe(t));
				return;
			}
			for (i = 0; i < m->params.len; i++)
				if (!strcmp(m->params.v[i], t->text))
					parse_error(t, "duplicate macro parameter"
						    " '%s'", t->text);
			vec_push(&m->params, t->text);
			t = get_raw(pp);
			if (tok_op(t, ","))
				t = get_raw(pp);
			else if (!tok_op(t, ")")) {
				parse_error(t, "expected ',' or ')' in the"
					    " macro parameters, not %s",
					    tok_describe(t));
				return;
			}
		}
		t = get_raw(pp);
	}
	if (!tok_op(t, "%(")) {
		parse_error(t, "expected '%%(' to start the body of macro @%s",
			    m->name);
		return;
	}
	for (;;) {
		t = get_raw(pp);
		if (t->kind == TK_EOF) {
			parse_error(def, "unterminated body of macro @%s:"
				    " missing '%%)'", m->name);
			return;
		}
		if (tok_op(t, "%("))
			depth++;
		else if (tok_op(t, "%)") && depth-- == 0)
			break;
		vec_push(&m->body, t);
	}
	if (bad)
		return;
	if (str_in(m->name, builtin_ops))
		warn_at(name, "macro redefines built-in operator '@%s'",
			m->name);
	scope = pp->src->macro_file ? &S->global_macros : pp->locals;
	if (table_get(scope, m->name)) {
		parse_error(name, "macro @%s is already defined", m->name);
		return;
	}
	table_put(scope, m->name, m);
}

/* Read the ( ARG, ARG ) of a macro use. */
static bool read_macro_args(Pp *pp, const Token *use, const Macro *m,
			    Env *env)
{
	const Token *t = get_raw(pp);
	TokList *cur;
	VEC(TokList *) args = { 0 };
	int depth = 0, i;

	if (!tok_op(t, "(")) {
		parse_error(use, "macro %s needs %d argument%s in ( )",
			    use->text, m->params.len,
			    m->params.len == 1 ? "" : "s");
		/* Put the token back: it belongs to what follows. */
		if (t->kind != TK_EOF)
			top(pp)->pos--;
		return false;
	}
	cur = NEW(TokList);
	cur->env = top(pp)->env;
	for (;;) {
		t = get_raw(pp);
		if (t->kind == TK_EOF) {
			parse_error(use, "unterminated arguments of macro %s",
				    use->text);
			return false;
		}
		if (depth == 0 && (tok_op(t, ",") || tok_op(t, ")"))) {
			if (!(tok_op(t, ")") && args.len == 0 &&
			      cur->toks.len == 0 && m->params.len == 0))
				vec_push(&args, cur);
			if (tok_op(t, ")"))
				break;
			cur = NEW(TokList);
			cur->env = top(pp)->env;
			continue;
		}
		if (tok_op(t, "(") || tok_op(t, "[") || tok_op(t, "{"))
			depth++;
		else if (tok_op(t, ")") || tok_op(t, "]") || tok_op(t, "}"))
			depth--;
		vec_push(&cur->toks, t);
	}
	if (args.len != m->params.len) {
		parse_error(use, "macro %s takes %d argument%s, %d given",
			    use->text, m->params.len,
			    m->params.len == 1 ? "" : "s", args.len);
		return false;
	}
	env->args = arena_alloc(sizeof(TokList) * (size_t)(args.len + 1));
	for (i = 0; i < args.len; i++)
		env->args[i] = *args.v[i];
	return true;
}

static void expand_macro(Pp *pp, const Token *use, const Macro *m)
{
	Env *env = NEW(Env);

	env->macro = m;
	if (m->has_parens && !read_macro_args(pp, use, m, env))
		return;
	if (new_level(pp, use))
		push_stream(pp, m->body.v, m->body.len, env, use, true);
}

/* @a inside a macro body: substitute the argument's tokens. */
static bool expand_param(Pp *pp, const Token *t)
{
	Env *env = top(pp)->env;
	int i;

	if (!env)
		return false;
	for (i = 0; i < env->macro->params.len; i++)
		if (!strcmp(env->macro->params.v[i], t->text + 1)) {
			TokList *arg = &env->args[i];

			push_stream(pp, arg->toks.v, arg->toks.len, arg->env,
				    NULL, false);
			return true;
		}
	return false;
}

/* ---- the driver ---- */

static void close_conditional(Pp *pp, const Token *t)
{
	if (!pp->conds.len || pp->conds.v[pp->conds.len - 1].depth !=
	    pp->streams.len) {
		parse_error(t, "'%s' without an open '%%('", t->text);
		return;
	}
	if (tok_op(t, "%:")) {
		Cond *c = &pp->conds.v[pp->conds.len - 1];

		if (!c->in_then) {
			parse_error(t, "a conditional may have only one '%%:'");
			return;
		}
		skip_branch(pp, c->tok, false);
	}
	pp->conds.len--;
}

static const Token *next_token(Pp *pp)
{
	for (;;) {
		const Token *t = get_raw(pp);

		if (t->kind == TK_EOF) {
			while (pp->conds.len) {
				parse_error(pp->conds.v[pp->conds.len - 1].tok,
					    "missing '%%)' for this conditional");
				pp->conds.len--;
			}
			return t;
		}
		if (t->kind == TK_OP && t->text[0] == '%' && t->len == 2 &&
		    strchr("(?:)", t->text[1])) {
			if (tok_op(t, "%("))
				begin_conditional(pp, t);
			else if (tok_op(t, "%?"))
				parse_error(t, "unexpected '%%?' outside a"
					    " preprocessor condition");
			else
				close_conditional(pp, t);
			continue;
		}
		if (t->kind == TK_ARG) {
			substitute_arg(pp, t);
			continue;
		}
		if (t->kind == TK_IDENT && t->text[0] == '@') {
			const Macro *m;

			if (!strcmp(t->text, "@define")) {
				define_macro(pp, t);
				continue;
			}
			if (expand_param(pp, t))
				continue;
			m = find_macro(pp, t->text + 1);
			if (m) {
				expand_macro(pp, t, m);
				continue;
			}
		}
		return t;
	}
}

/* Output slot N of the input array TOKS (NTOK long) may be written: the
 * file's stream has read it (it never reads back further than the
 * token it has just read), or has read everything. */
static bool slot_free(const Pp *pp, int n, int ntok)
{
	const Stream *file = &pp->streams.v[0];

	return n < file->pos || (file->pos == file->n && n < ntok);
}

Token **pp_source(const Source *src, Token **toks, int ntok, int *nout)
{
	Pp pp = { 0 };
	Table locals = { 0 };
	Token **out = toks;
	int n = 0, cap = ntok;

	pp.src = src;
	pp.locals = &locals;
	pp.eof = toks[ntok - 1];
	push_stream(&pp, (const Token *const *)toks, ntok - 1, NULL, NULL,
		    false);
	/* The output goes over the input while it only covers what was
	 * read (a file without macros), else to an array of its own on
	 * the heap, where a grown array leaves no copy behind. */
	for (;;) {
		const Token *t = next_token(&pp);

		if (out == toks && !slot_free(&pp, n, ntok)) {
			cap = ntok * 2;
			out = xmalloc(sizeof(*out) * (size_t)cap);
			memcpy(out, toks, sizeof(*out) * (size_t)n);
		}
		if (n == cap) {
			cap *= 2;
			out = xrealloc(out, sizeof(*out) * (size_t)cap);
		}
		out[n++] = (Token *)t;
		if (t->kind == TK_EOF)
			break;
	}
	if (out != toks)
		free(toks);
	*nout = n;
	return out;
}
