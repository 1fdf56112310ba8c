/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.c - recursive-descent parser: preprocessed tokens to the AST.
 *
 * Each function parses one rule, written in the comment above it.  An
 * error inside a top-level item is reported, then the parser skips to the
 * next 'probe', 'global', 'function' or 'private' and goes on, so one run
 * shows every independent syntax error.  Nesting is bounded (MAX_NESTING,
 * MAX_TREE_DEPTH) so no input can exhaust the stack of a later pass.
 *
 * The nesting level at a token is what a reader counts: the brackets
 * '(' '[' '{' open there (counted as next() consumes them, wherever the
 * grammar has them), plus one for each statement body written without
 * braces; the braces of a probe or function body are not a level.
 * Operators that nest without brackets (unary, '&', '=', '?:') are
 * bounded as the depth of the tree they build (MAX_TREE_DEPTH).
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

typedef struct Parser {
	Token **toks;
	int pos, n;
	File *file;
	const Source *src;
	jmp_buf recover;
	int nesting;		/* brackets open, unbraced bodies */
	int chain;		/* operators nested without brackets */
	bool in_function;
	int loops;		/* enclosing while/for/foreach */
	int tries;		/* enclosing try blocks */
	int item_start;		/* first token of the current item */
	Table globals;		/* names declared global in this file */
	/* -p1: items printed and dropped, the tokens made before this
	 * file's, the diagnostics before it */
	int printed;
	bool printing;
	const void *lexmark;
	int diags;
} Parser;

static Node *expr(Parser *p);
static Node *stmt(Parser *p);
static Node *block(Parser *p);
static Node *unary(Parser *p);
static Node *postfix(Parser *p);

static const char *const print_functions[] = {
	"print", "println", "printf", "printd", "printdln", "sprint",
	"sprintln", "sprintf", "sprintd", "sprintdln", NULL,
};

static const char *const stat_ops[] = {
	"@count", "@sum", "@min", "@max", "@avg", "@variance", NULL,
};

bool is_print_function(const char *name)
{
	return str_in(name, print_functions);
}

/* ---- tokens ---- */

static Token *peek(Parser *p)
{
	return p->toks[p->pos];
}

static Token *peek_at(Parser *p, int k)
{
	return p->pos + k < p->n ? p->toks[p->pos + k] : p->toks[p->n - 1];
}

/* Move past a token without looking at it (error recovery). */
static Token *advance(Parser *p)
{
	Token *t = p->toks[p->pos];

	if (t->kind != TK_EOF)
		p->pos++;
	return t;
}

static void enter(Parser *p, const Token *t);
static void leave(Parser *p);

/* Consume a token; an opening bracket is one more level of nesting and
 * a closing one ends it. */
static Token *next(Parser *p)
{
	Token *t = advance(p);

	if (t->kind != TK_OP || t->len != 1)
		return t;
	if (strchr("([{", t->text[0]))
		enter(p, t);
	else if (strchr(")]}", t->text[0]))
		leave(p);
	return t;
}

static bool accept(Parser *p, const char *op)
{
	if (tok_op(peek(p), op)) {
		next(p);
		return true;
	}
	return false;
}

static _Noreturn void fail(Parser *p, const Token *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report and unwind to the top level, which resynchronises. */
static _Noreturn void fail(Parser *p, const Token *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	parse_error(t, "%s", msg);
	longjmp(p->recover, 1);
}

static Token *expect(Parser *p, const char *op, const char *where)
{
	Token *t = peek(p);

	if (!tok_op(t, op))
		fail(p, t, "expected '%s'%s%s, found %s", op, where ? " " : "",
		     where ? where : "", tok_describe(t));
	return next(p);
}

static void enter(Parser *p, const Token *t)
{
	if (++p->nesting > MAX_NESTING)
		fail(p, t, "nesting too deep (more than %d levels)",
		     MAX_NESTING);
}

static void leave(Parser *p)
{
	p->nesting--;
}

/* One more operator nested without brackets (its operand is parsed
 * before its node exists, so the tree's depth is checked on the way
 * down too). */
static void chain_enter(Parser *p, const Token *t)
{
	if (++p->chain > MAX_TREE_DEPTH)
		fail(p, t, "expression too deeply nested (more than %d"
		     " levels)", MAX_TREE_DEPTH);
}

static void chain_leave(Parser *p)
{
	p->chain--;
}

/* ---- nodes ---- */

Node *new_node(NodeKind kind, const Token *tok)
{
	Node *n = NEW(Node);

	n->kind = kind;
	n->tok = tok;
	n->depth = 1;
	return n;
}

static void grow_depth(Parser *p, Node *n, const Node *kid)
{
	if (kid && kid->depth + 1 > n->depth)
		n->depth = kid->depth + 1;
	if (p && n->depth > MAX_TREE_DEPTH)
		fail(p, n->tok, "expression too deeply nested (more than %d"
		     " levels)", MAX_TREE_DEPTH);
}

static Node *new_binary(Parser *p, NodeKind kind, const Token *op, Node *l,
			Node *r)
{
	Node *n = new_node(kind, op);

	n->op = op->text;
	n->lhs = l;
	n->rhs = r;
	grow_depth(p, n, l);
	grow_depth(p, n, r);
	return n;
}

static Node *new_unary(Parser *p, NodeKind kind, const Token *op, Node *l)
{
	return new_binary(p, kind, op, l, NULL);
}

static void clone_list(Node **v, int len, int cap, Node ***out)
{
	int i;

	*out = len ? arena_alloc(sizeof(Node *) * (size_t)cap) : NULL;
	for (i = 0; i < len; i++)
		(*out)[i] = clone_node(v[i]);
}

void walk_node(Node *n, Visit fn, void *ctx)
{
	int i;

	if (!n)
		return;
	fn(n, ctx);
	walk_node(n->lhs, fn, ctx);
	walk_node(n->rhs, fn, ctx);
	walk_node(n->cond, fn, ctx);
	walk_node(n->then, fn, ctx);
	walk_node(n->els, fn, ctx);
	walk_node(n->init, fn, ctx);
	walk_node(n->inc, fn, ctx);
	walk_node(n->body, fn, ctx);
	walk_node(n->value, fn, ctx);
	walk_node(n->limit, fn, ctx);
	for (i = 0; i < n->args.len; i++)
		walk_node(n->args.v[i], fn, ctx);
	for (i = 0; i < n->keys.len; i++)
		walk_node(n->keys.v[i], fn, ctx);
	for (i = 0; i < n->comps.len; i++)
		walk_node(n->comps.v[i].index, fn, ctx);
}

/* Deep copy, for the bodies of probes that expand to several points. */
Node *clone_node(const Node *n)
{
	Node *c;
	int i;

	if (!n)
		return NULL;
	c = arena_alloc(sizeof(*c));
	*c = *n;
	c->lhs = clone_node(n->lhs);
	c->rhs = clone_node(n->rhs);
	c->cond = clone_node(n->cond);
	c->then = clone_node(n->then);
	c->els = clone_node(n->els);
	c->init = clone_node(n->init);
	c->inc = clone_node(n->inc);
	c->body = clone_node(n->body);
	c->value = clone_node(n->value);
	c->limit = clone_node(n->limit);
	clone_list(n->args.v, n->args.len, n->args.cap, &c->args.v);
	clone_list(n->keys.v, n->keys.len, n->keys.cap, &c->keys.v);
	if (n->comps.len) {
		c->comps.v = arena_alloc(sizeof(Comp) * (size_t)n->comps.cap);
		for (i = 0; i < n->comps.len; i++) {
			c->comps.v[i] = n->comps.v[i];
			c->comps.v[i].index = clone_node(n->comps.v[i].index);
		}
	}
	c->sym = NULL;
	c->ty = NULL;
	return c;
}

/* ---- literals ---- */

/* Convert a number's spelling; decimal, 0x hex or 0 octal, 64 bits. */
bool parse_number(const Token *t, int64_t *val)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(t->text, &end, 0);
	if (errno || *end || !isdigit((unsigned char)t->text[0]))
		return false;
	*val = (int64_t)v;
	return true;
}

static Node *number(Parser *p, const Token *t, bool negate)
{
	Node *n = new_node(N_NUM, t);

	if (!parse_number(t, &n->num))
		fail(p, t, "number '%s' is invalid or out of range", t->text);
	if (negate)
		n->num = (int64_t)(0 - (uint64_t)n->num);
	return n;
}

/* string = STR STR*   (adjacent literals are one string) */
static Node *string(Parser *p)
{
	Token *t = next(p);
	Node *n = new_node(N_STR, t);
	Buf b = { 0 };

	buf_puts(&b, t->text);
	while (peek(p)->kind == TK_STR)
		buf_puts(&b, next(p)->text);
	n->str = arena_strndup(b.s ? b.s : "", b.len);
	buf_free(&b);
	return n;
}

/* literal = "-"? NUM | string */
static Node *literal(Parser *p, const char *what)
{
	Token *t = peek(p);

	if (t->kind == TK_STR)
		return string(p);
	if (tok_op(t, "-") && peek_at(p, 1)->kind == TK_NUM) {
		next(p);
		return number(p, next(p), true);
	}
	if (t->kind == TK_NUM)
		return number(p, next(p), false);
	fail(p, t, "expected a literal number or string %s, found %s", what,
	     tok_describe(t));
}

static Node *string_literal(Parser *p, const char *what)
{
	if (peek(p)->kind != TK_STR)
		fail(p, peek(p), "expected a literal string %s, found %s", what,
		     tok_describe(peek(p)));
	return string(p);
}

/* ---- expressions ---- */

/* args = "(" (expr ("," expr)*)? ")" */
static void call_args(Parser *p, Node *n)
{
	expect(p, "(", "to start the arguments");
	if (accept(p, ")"))
		return;
	do {
		Node *a = expr(p);

		vec_push(&n->args, a);
		grow_depth(p, n, a);
	} while (accept(p, ","));
	expect(p, ")", "after the arguments");
}

/* index_list = (expr | "*") ("," (expr | "*"))*   -- '*' only if slices */
static void index_list(Parser *p, Node *n, bool slices, const char *close)
{
	do {
		if (slices && tok_op(peek(p), "*") &&
		    (tok_op(peek_at(p, 1), ",") ||
		     tok_op(peek_at(p, 1), close))) {
			next(p);
			vec_push(&n->args, (Node *)NULL);
		} else {
			Node *a = expr(p);

			vec_push(&n->args, a);
			grow_depth(p, n, a);
		}
	} while (accept(p, ","));
	if (n->args.len > MAX_KEYS)
		fail(p, n->tok, "too many indexes (%d, at most %d)",
		     n->args.len, MAX_KEYS);
}

/* print_call = PRINTFN "(" (string | expr) ("," expr)* ")" with printf's
 * format and printd's delimiter a string alone, or PRINTFN "(" ")" */
static Node *print_call(Parser *p, Token *name)
{
	Node *n = new_node(N_PRINT, name);
	bool fmt = !strcmp(name->text, "printf") ||
		   !strcmp(name->text, "sprintf");
	bool delim = strstr(name->text, "printd") != NULL;
	const char *what = fmt ? "format" : "delimiter";
	bool more;

	n->name = name->text;
	expect(p, "(", "after a print function");
	if ((fmt || delim) && peek(p)->kind != TK_STR)
		fail(p, peek(p), "expected a literal string as the %s of %s,"
		     " found %s", what, name->text, tok_describe(peek(p)));
	if (fmt || delim) {
		/* The literal alone: "a" + n would be an expression. */
		vec_push(&n->args, string(p));
		if (!tok_op(peek(p), ",") && !tok_op(peek(p), ")"))
			fail(p, peek(p), "the %s of %s must be a literal string"
			     " alone, found %s after it", what, name->text,
			     tok_describe(peek(p)));
		more = accept(p, ",");
	} else {
		more = !tok_op(peek(p), ")");
	}
	while (more) {
		Node *a = expr(p);

		vec_push(&n->args, a);
		grow_depth(p, n, a);
		more = accept(p, ",");
	}
	expect(p, ")", "after the arguments");
	if (delim && n->args.len < 3)
		fail(p, name, "%s needs a delimiter and at least two values",
		     name->text);
	if (!fmt && !delim && n->args.len == 0 &&
	    strcmp(name->text, "println") && strcmp(name->text, "sprintln"))
		fail(p, name, "%s needs at least one value", name->text);
	return n;
}

/* components = ("->" NAME | "[" expr "]")* ("$" | "$$")? */
static void components(Parser *p, Node *n)
{
	for (;;) {
		Token *t = peek(p);
		Comp c = { 0 };

		if (tok_op(t, "->")) {
			Token *f;

			next(p);
			f = next(p);
			if ((f->kind != TK_IDENT && f->kind != TK_KEYWORD) ||
			    f->text[0] == '@' || f->text[0] == '$')
				fail(p, f, "expected a field name after '->',"
				     " found %s", tok_describe(f));
			c.field = f->text;
			c.tok = f;
			{
				size_t len = strlen(f->text);

				while (len && f->text[len - 1] == '$')
					len--;
				if (len < strlen(f->text)) {
					n->suffix = f->text + len;
					c.field = arena_strndup(f->text, len);
					vec_push(&n->comps, c);
					return;
				}
			}
		} else if (tok_op(t, "[")) {
			next(p);
			c.tok = t;
			c.index = expr(p);
			grow_depth(p, n, c.index);
			expect(p, "]", "after the index");
		} else {
			return;
		}
		vec_push(&n->comps, c);
	}
}

/* TARGET = "$name" or "$$vars", with an optional "$" / "$$" suffix */
static Node *target_symbol(Parser *p, Token *t)
{
	Node *n = new_node(N_TARGET, t);
	size_t start = strncmp(t->text, "$$", 2) ? 1 : 2;
	size_t len = strlen(t->text), k = len;

	while (k > start && t->text[k - 1] == '$')
		k--;
	if (len - k > 2 || k == start)
		fail(p, t, "malformed target variable '%s'", t->text);
	n->name = arena_strndup(t->text, k);
	if (k < len)
		n->suffix = t->text + k;
	else
		components(p, n);
	return n;
}

static void need_guru(Parser *p, const Token *t, const char *what)
{
	if (!S->guru && !p->src->tapset)
		fail(p, t, "%s needs guru mode (-g)", what);
}

/*
 * @var("NAME") and @var("NAME@CU") in the probe's own binary are target
 * variables, "$NAME@" and "$NAME@CU": NAME in the probe's scope, else
 * (or with CU, only) among the globals of the binary's CUs (dwarf.c's
 * find_var).  With a module argument it stays an @var, resolved in no
 * probe yet.
 */
static void at_var_target(Node *n)
{
	const char *v = n->args.v[0]->str;

	n->kind = N_TARGET;
	n->name = arena_printf("$%s%s", v, strchr(v, '@') ? "" : "@");
	n->args.len = 0;
}

/*
 * at_op = "@cast" "(" expr "," string ("," string)? ")" components
 *       | "@var" "(" string ("," string)? ")" components
 *       | "@defined" "(" expr ")" | "@entry" "(" expr ")"
 *       | "@probewrite" "(" expr ")"
 *       | "@perf" "(" string ")"
 *       | ("@kregister" | "@uregister") "(" NUM ")"
 *       | ("@kderef" | "@uderef") "(" NUM "," expr ")"
 *       | STATOP "(" expr ("," expr)? ")"
 *       | "@hist_linear" "(" expr "," expr "," expr "," expr ")" ("[" expr "]")?
 *       | "@hist_log" "(" expr ")" ("[" expr "]")?
 */
static Node *at_operator(Parser *p, Token *t)
{
	const char *op = t->text;
	Node *n;

	if (!strcmp(op, "@cast") || !strcmp(op, "@var")) {
		n = new_node(!strcmp(op, "@cast") ? N_CAST : N_ATOP, t);
		n->name = op + 1;
		expect(p, "(", "after @cast");
		if (n->kind == N_CAST) {
			n->lhs = expr(p);
			grow_depth(p, n, n->lhs);
			expect(p, ",", "before the type name");
		}
		vec_push(&n->args, string_literal(p, "naming the type"));
		if (accept(p, ","))
			vec_push(&n->args, string_literal(p, "naming the module"));
		expect(p, ")", NULL);
		components(p, n);
		if (n->kind == N_ATOP && n->args.len == 1)
			at_var_target(n);
		return n;
	}
	if (str_in(op, stat_ops)) {
		n = new_node(N_STATOP, t);
		n->name = op + 1;
		expect(p, "(", NULL);
		n->lhs = expr(p);
		grow_depth(p, n, n->lhs);
		if (!strcmp(op, "@variance") && accept(p, ","))
			vec_push(&n->args, literal(p, "as the variance bit shift"));
		expect(p, ")", NULL);
		return n;
	}
	if (!strcmp(op, "@hist_linear") || !strcmp(op, "@hist_log")) {
		n = new_node(N_HIST, t);
		n->name = op + 1;
		expect(p, "(", NULL);
		n->lhs = expr(p);
		grow_depth(p, n, n->lhs);
		if (!strcmp(op, "@hist_linear")) {
			int i;

			for (i = 0; i < 3; i++) {
				expect(p, ",", "between @hist_linear's"
				       " low, high and step");
				vec_push(&n->args, expr(p));
			}
		}
		expect(p, ")", NULL);
		if (tok_op(peek(p), "[")) {
			Node *idx = new_node(N_INDEX, next(p));

			idx->lhs = n;
			vec_push(&idx->args, expr(p));
			expect(p, "]", NULL);
			grow_depth(p, idx, n);
			return idx;
		}
		return n;
	}
	n = new_node(N_ATOP, t);
	n->name = op + 1;
	if (!strcmp(op, "@defined") || !strcmp(op, "@entry") ||
	    !strcmp(op, "@probewrite")) {
		expect(p, "(", NULL);
		n->lhs = expr(p);
		grow_depth(p, n, n->lhs);
		expect(p, ")", NULL);
		return n;
	}
	if (!strcmp(op, "@perf")) {
		expect(p, "(", NULL);
		n->lhs = string_literal(p, "naming the perf counter");
		if (!*n->lhs->str)
			fail(p, n->lhs->tok, "@perf needs a counter name");
		expect(p, ")", NULL);
		return n;
	}
	if (!strcmp(op, "@kregister") || !strcmp(op, "@uregister")) {
		need_guru(p, t, op);
		expect(p, "(", NULL);
		n->lhs = literal(p, "as the register number");
		expect(p, ")", NULL);
		return n;
	}
	if (!strcmp(op, "@kderef") || !strcmp(op, "@uderef")) {
		need_guru(p, t, op);
		expect(p, "(", NULL);
		vec_push(&n->args, literal(p, "as the size"));
		expect(p, ",", NULL);
		n->lhs = expr(p);
		grow_depth(p, n, n->lhs);
		expect(p, ")", NULL);
		return n;
	}
	fail(p, t, "unknown operator or macro %s", op);
}

/*
 * primary = "(" expr ")" | NUM | string | EMBEDDED | at_op
 *         | TARGET components
 *         | PRINTFN args
 *         | IDENT args                 -- function call
 *         | IDENT "[" index_list "]"   -- array element
 *         | IDENT
 */
static Node *primary(Parser *p)
{
	Token *t = peek(p);
	Node *n;

	if (tok_op(t, "(")) {
		next(p);
		n = expr(p);
		expect(p, ")", "to close the parenthesis");
		return n;
	}
	if (t->kind == TK_NUM)
		return number(p, next(p), false);
	if (t->kind == TK_STR)
		return string(p);
	if (t->kind == TK_EMBEDDED) {
		need_guru(p, t, "embedded C code");
		n = new_node(N_EMBEDDED, next(p));
		n->str = t->text;
		return n;
	}
	if (t->kind != TK_IDENT)
		fail(p, t, "expected an expression, found %s", tok_describe(t));
	next(p);
	if (t->text[0] == '@')
		return at_operator(p, t);
	if (t->text[0] == '$')
		return target_symbol(p, t);
	if (tok_op(peek(p), "(")) {
		if (is_print_function(t->text))
			return print_call(p, t);
		n = new_node(N_CALL, t);
		n->name = t->text;
		call_args(p, n);
		return n;
	}
	n = new_node(N_VAR, t);
	n->name = t->text;
	if (tok_op(peek(p), "[")) {
		Node *idx = new_node(N_INDEX, next(p));

		idx->lhs = n;
		index_list(p, idx, false, "]");
		expect(p, "]", "after the indexes");
		return idx;
	}
	return n;
}

/* postfix = primary ("->" NAME | "[" expr "]")*   -- autocast */
static Node *postfix(Parser *p)
{
	Token *t = peek(p);
	bool paren = tok_op(t, "(");
	Node *n = primary(p);
	Node *cast;

	if (n->kind == N_TARGET || n->kind == N_CAST ||
	    (n->kind == N_ATOP && !strcmp(n->name, "var")))
		return n;
	if (!tok_op(peek(p), "->") && !(paren && tok_op(peek(p), "[")))
		return n;
	cast = new_node(N_AUTOCAST, peek(p));
	cast->lhs = n;
	grow_depth(p, cast, n);
	components(p, cast);
	return cast;
}

/* addressed = "&" addressed | postfix */
static Node *addressed(Parser *p)
{
	Token *t = peek(p);

	if (tok_op(t, "&")) {
		Node *n;

		next(p);
		chain_enter(p, t);
		n = new_unary(p, N_ADDR, t, addressed(p));
		chain_leave(p);
		return n;
	}
	return postfix(p);
}

/* crement = ("++" | "--") addressed | addressed ("++" | "--")? */
static Node *crement(Parser *p)
{
	Token *t = peek(p);
	Node *n;

	if (tok_op(t, "++") || tok_op(t, "--")) {
		next(p);
		return new_unary(p, N_PREINC, t, addressed(p));
	}
	n = addressed(p);
	t = peek(p);
	if (tok_op(t, "++") || tok_op(t, "--")) {
		next(p);
		return new_unary(p, N_POSTINC, t, n);
	}
	return n;
}

/* unary = ("+" | "-" | "!" | "~") unary | crement
 * A minus before a number literal is folded into it. */
static Node *unary(Parser *p)
{
	Token *t = peek(p);
	Node *n;

	if (!(tok_op(t, "+") || tok_op(t, "-") || tok_op(t, "!") ||
	      tok_op(t, "~")))
		return crement(p);
	next(p);
	chain_enter(p, t);
	n = unary(p);
	chain_leave(p);
	if (tok_op(t, "-") && n->kind == N_NUM) {
		n->num = (int64_t)(0 - (uint64_t)n->num);
		n->tok = t;
		return n;
	}
	return new_unary(p, N_UNARY, t, n);
}

typedef Node *(*Level)(Parser *p);

/* Left-associative levels, tightest first, each over the one before it:
 *   multiplicative = unary (("*" | "/" | "%") unary)*
 *   additive = multiplicative (("+" | "-") multiplicative)*
 *   concat = additive ("." additive)*
 *   shift = concat (("<<" | ">>" | ">>>") concat)*
 * and over array_in:
 *   bit_and = array_in ("&" array_in)*
 *   bit_xor = bit_and ("^" bit_and)*
 *   bit_or = bit_xor ("|" bit_xor)*
 *   logical_and = bit_or ("&&" bit_or)*
 *   logical_or = logical_and ("||" logical_and)* */
typedef struct {
	NodeKind kind;
	const char *ops[4];		/* NULL-terminated */
} Binop;

static const Binop arith_levels[] = {
	{ N_BINARY, { "*", "/", "%" } },
	{ N_BINARY, { "+", "-" } },
	{ N_BINARY, { "." } },
	{ N_BINARY, { "<<", ">>", ">>>" } },
};

static const Binop logic_levels[] = {
	{ N_BINARY, { "&" } },
	{ N_BINARY, { "^" } },
	{ N_BINARY, { "|" } },
	{ N_LOGICAL, { "&&" } },
	{ N_LOGICAL, { "||" } },
};

/* Level I of LV: level I - 1 (op level I - 1)*; below level 0, BASE. */
static Node *binary_level(Parser *p, const Binop *lv, int i, Level base)
{
	Node *n;

	if (i < 0)
		return base(p);
	n = binary_level(p, lv, i - 1, base);
	for (;;) {
		Token *t = peek(p);

		if (t->kind != TK_OP || !str_in(t->text, lv[i].ops))
			return n;
		next(p);
		n = new_binary(p, lv[i].kind, t, n,
			       binary_level(p, lv, i - 1, base));
	}
}

static Node *shift(Parser *p)
{
	return binary_level(p, arith_levels, 3, unary);
}

/* comparison = shift (("=~" | "!~") string)? (CMP shift)* */
static Node *comparison(Parser *p)
{
	static const char *const ops[] = { "<", ">", "<=", ">=", "==", "!=",
					   NULL };
	Node *n = shift(p);
	Token *t = peek(p);

	if (tok_op(t, "=~") || tok_op(t, "!~")) {
		next(p);
		n = new_binary(p, N_REGEX, t, n,
			       string_literal(p, "as the regular expression"));
	}
	for (;;) {
		t = peek(p);
		if (t->kind != TK_OP || !str_in(t->text, ops))
			return n;
		next(p);
		n = new_binary(p, N_COMPARE, t, n, shift(p));
	}
}

/* indexable = IDENT | "@hist_linear" ... | "@hist_log" ... */
static Node *indexable(Parser *p)
{
	Token *t = peek(p);

	if (t->kind == TK_IDENT && (!strcmp(t->text, "@hist_linear") ||
				    !strcmp(t->text, "@hist_log"))) {
		next(p);
		return at_operator(p, t);
	}
	if (t->kind != TK_IDENT || t->text[0] == '$' || t->text[0] == '@')
		fail(p, t, "expected an array name, found %s", tok_describe(t));
	next(p);
	{
		Node *n = new_node(N_VAR, t);

		n->name = t->text;
		return n;
	}
}

/* array_in = ("[" index_list "]" | comparison) ("in" indexable)? */
static Node *array_in(Parser *p)
{
	Token *t = peek(p);
	Node *in = new_node(N_IN, t);
	bool bracket = tok_op(t, "[");

	if (bracket) {
		next(p);
		index_list(p, in, true, "]");
		expect(p, "]", "after the indexes");
	} else {
		Node *k = comparison(p);

		if (!tok_kw(peek(p), "in"))
			return k;
		vec_push(&in->args, k);
		grow_depth(p, in, k);
	}
	t = peek(p);
	if (!tok_kw(t, "in"))
		fail(p, t, "expected 'in' after a bracketed index list, found"
		     " %s", tok_describe(t));
	in->tok = next(p);
	in->lhs = indexable(p);
	return in;
}

static Node *logical_or(Parser *p)
{
	return binary_level(p, logic_levels, 4, array_in);
}

/* ternary = logical_or ("?" expr ":" expr)? */
static Node *ternary(Parser *p)
{
	Node *n = logical_or(p), *t;
	Token *q = peek(p);

	if (!tok_op(q, "?"))
		return n;
	next(p);
	t = new_node(N_TERNARY, q);
	t->cond = n;
	chain_enter(p, q);
	t->then = expr(p);
	expect(p, ":", "in the conditional expression");
	t->els = expr(p);
	chain_leave(p);
	grow_depth(p, t, t->cond);
	grow_depth(p, t, t->then);
	grow_depth(p, t, t->els);
	return t;
}

/* assignment = ternary (ASSIGNOP assignment)? */
static Node *assignment(Parser *p)
{
	static const char *const ops[] = { "=", "<<<", "+=", "-=", "*=", "/=",
					   "%=", "<<=", ">>=", "&=", "^=", "|=",
					   ".=", NULL };
	Node *n = ternary(p);
	Token *t = peek(p);

	if (t->kind != TK_OP || !str_in(t->text, ops))
		return n;
	next(p);
	chain_enter(p, t);
	n = new_binary(p, N_ASSIGN, t, n, assignment(p));
	chain_leave(p);
	return n;
}

/* expr = assignment */
static Node *expr(Parser *p)
{
	return assignment(p);
}

/* ---- statements ---- */

/* A statement that may be followed by one optional ';'. */
static Node *terminated(Parser *p, Node *n)
{
	accept(p, ";");
	return n;
}

/* block = "{" stmt* "}"   -- empty statements are dropped */
static Node *block(Parser *p)
{
	Token *open = expect(p, "{", "to start a block");
	Node *n = new_node(S_BLOCK, open);

	while (!tok_op(peek(p), "}")) {
		Node *s;

		if (peek(p)->kind == TK_EOF)
			fail(p, open, "missing '}' for this block");
		s = stmt(p);
		if (s->kind != S_NULL)
			vec_push(&n->args, s);
	}
	next(p);
	return n;
}

/* body = block   -- of a probe, alias or function: its braces are not
 * a level of nesting, so a statement in it is at level 0 */
static Node *body(Parser *p)
{
	Node *n;

	p->nesting--;
	n = block(p);
	p->nesting++;
	return n;
}

/* A statement inside another (if, else, loops): without braces it is
 * still a level of nesting, as if it had them. */
static Node *inner_stmt(Parser *p)
{
	Token *t = peek(p);
	Node *n;

	if (tok_op(t, "{"))
		return stmt(p);
	enter(p, t);
	n = stmt(p);
	leave(p);
	return n;
}

/* paren_expr = "(" expr ")" */
static Node *paren_expr(Parser *p, const char *what)
{
	Node *n;

	expect(p, "(", what);
	n = expr(p);
	expect(p, ")", what);
	return n;
}

static Node *loop_body(Parser *p)
{
	Node *n;

	p->loops++;
	n = inner_stmt(p);
	p->loops--;
	return n;
}

/* if = "if" "(" expr ")" stmt ("else" stmt)? */
static Node *if_stmt(Parser *p)
{
	Node *n = new_node(S_IF, next(p));

	n->cond = paren_expr(p, "around the if condition");
	n->then = inner_stmt(p);
	if (tok_kw(peek(p), "else")) {
		next(p);
		n->els = inner_stmt(p);
	}
	return n;
}

/* while = "while" "(" expr ")" stmt */
static Node *while_stmt(Parser *p)
{
	Node *n = new_node(S_WHILE, next(p));

	n->cond = paren_expr(p, "around the while condition");
	n->body = loop_body(p);
	return n;
}

/* for = "for" "(" expr? ";" expr? ";" expr? ")" stmt */
static Node *for_stmt(Parser *p)
{
	Node *n = new_node(S_FOR, next(p));

	expect(p, "(", "after 'for'");
	if (!tok_op(peek(p), ";"))
		n->init = expr(p);
	expect(p, ";", "after the for initialisation");
	if (!tok_op(peek(p), ";"))
		n->cond = expr(p);
	expect(p, ";", "after the for condition");
	if (!tok_op(peek(p), ")"))
		n->inc = expr(p);
	expect(p, ")", "to close the for header");
	n->body = loop_body(p);
	return n;
}

static Node *foreach_var(Parser *p)
{
	Token *t = next(p);
	Node *v;

	if (t->kind != TK_IDENT || t->text[0] == '$' || t->text[0] == '@')
		fail(p, t, "expected a variable name in foreach, found %s",
		     tok_describe(t));
	v = new_node(N_VAR, t);
	v->name = t->text;
	return v;
}

/* One '+' or '-' sort mark; only one may appear in a foreach. */
static void sort_mark(Parser *p, Node *n, int which)
{
	Token *t = peek(p);

	if (!tok_op(t, "+") && !tok_op(t, "-"))
		return;
	if (n->sort_dir)
		fail(p, t, "only one sort direction may be given in foreach");
	next(p);
	n->sort_key = which;
	n->sort_dir = tok_op(t, "+") ? 1 : -1;
}

/*
 * foreach = "foreach" "(" (VAR sort? "=")? keys "in" indexable
 *           ("[" index_list "]")? ("@" STATOP)? sort? ("limit" expr)? ")" stmt
 * keys    = VAR sort? | "[" VAR sort? ("," VAR sort?)* "]"
 * sort    = "+" | "-"
 */
static Node *foreach_stmt(Parser *p)
{
	Node *n = new_node(S_FOREACH, next(p));
	Token *t;

	expect(p, "(", "after 'foreach'");
	if (peek(p)->kind == TK_IDENT && (tok_op(peek_at(p, 1), "=") ||
					  (tok_op(peek_at(p, 2), "=") &&
					   (tok_op(peek_at(p, 1), "+") ||
					    tok_op(peek_at(p, 1), "-"))))) {
		n->value = foreach_var(p);
		sort_mark(p, n, -1);
		next(p);
	}
	if (accept(p, "[")) {
		do {
			vec_push(&n->keys, foreach_var(p));
			sort_mark(p, n, n->keys.len);
		} while (accept(p, ","));
		expect(p, "]", "after the foreach keys");
	} else {
		vec_push(&n->keys, foreach_var(p));
		sort_mark(p, n, 1);
	}
	if (n->keys.len > MAX_KEYS)
		fail(p, n->tok, "too many foreach keys (%d, at most %d)",
		     n->keys.len, MAX_KEYS);
	t = peek(p);
	if (!tok_kw(t, "in"))
		fail(p, t, "expected 'in' in foreach, found %s",
		     tok_describe(t));
	next(p);
	n->lhs = indexable(p);
	if (tok_op(peek(p), "[")) {
		Node *slice = new_node(N_INDEX, next(p));

		index_list(p, slice, true, "]");
		expect(p, "]", "after the slice");
		n->args = slice->args;
	}
	t = peek(p);
	if (t->kind == TK_IDENT && t->text[0] == '@') {
		next(p);
		if (!str_in(t->text, stat_ops) || !strcmp(t->text, "@variance"))
			fail(p, t, "expected @count, @sum, @min, @max or @avg"
			     " to sort by, found %s", t->text);
		n->sort_op = t->text + 1;
		if (!tok_op(peek(p), "+") && !tok_op(peek(p), "-"))
			fail(p, peek(p), "expected '+' or '-' after %s",
			     t->text);
	}
	sort_mark(p, n, -1);
	if (tok_kw(peek(p), "limit")) {
		next(p);
		n->limit = expr(p);
	}
	expect(p, ")", "to close the foreach header");
	n->body = loop_body(p);
	return n;
}

/* try = "try" block "catch" ("(" VAR ")")? block */
static Node *try_stmt(Parser *p)
{
	Node *n = new_node(S_TRY, next(p));

	p->tries++;
	n->body = block(p);
	p->tries--;
	if (!tok_kw(peek(p), "catch"))
		fail(p, peek(p), "expected 'catch' after the try block, found"
		     " %s", tok_describe(peek(p)));
	next(p);
	if (accept(p, "(")) {
		n->lhs = foreach_var(p);
		expect(p, ")", "after the catch variable");
	}
	n->els = block(p);
	return n;
}

/* return = "return" expr? */
static Node *return_stmt(Parser *p)
{
	Token *t = next(p);
	Node *n = new_node(S_RETURN, t);

	if (!p->in_function)
		fail(p, t, "'return' outside a function (use 'next' to leave"
		     " a probe)");
	if (!tok_op(peek(p), ";") && !tok_op(peek(p), "}"))
		n->lhs = expr(p);
	return terminated(p, n);
}

/* jump = "next" | "break" | "continue" */
static Node *jump_stmt(Parser *p)
{
	Token *t = next(p);
	NodeKind kind = tok_kw(t, "next") ? S_NEXT :
			tok_kw(t, "break") ? S_BREAK : S_CONTINUE;

	if (kind != S_NEXT && !p->loops)
		fail(p, t, "'%s' outside a loop", t->text);
	return terminated(p, new_node(kind, t));
}

/* delete = "delete" (IDENT "[" index_list "]" | expr) -- '*' slices */
static Node *delete_stmt(Parser *p)
{
	Node *n = new_node(S_DELETE, next(p));
	Token *t = peek(p);

	if (t->kind == TK_IDENT && t->text[0] != '$' && t->text[0] != '@' &&
	    tok_op(peek_at(p, 1), "[")) {
		Node *idx, *var = new_node(N_VAR, next(p));

		var->name = t->text;
		idx = new_node(N_INDEX, next(p));
		idx->lhs = var;
		index_list(p, idx, true, "]");
		expect(p, "]", "after the indexes");
		n->lhs = idx;
	} else {
		n->lhs = expr(p);
	}
	return terminated(p, n);
}

/* stmt = block | ";" | if | while | for | foreach | try | return | jump
 *      | delete | EMBEDDED | expr */
static Node *stmt(Parser *p)
{
	Token *t = peek(p);
	Node *n;

	if (tok_op(t, "{"))
		n = block(p);
	else if (tok_op(t, ";"))
		n = new_node(S_NULL, next(p));
	else if (tok_kw(t, "if"))
		n = if_stmt(p);
	else if (tok_kw(t, "while"))
		n = while_stmt(p);
	else if (tok_kw(t, "for"))
		n = for_stmt(p);
	else if (tok_kw(t, "foreach"))
		n = foreach_stmt(p);
	else if (tok_kw(t, "try"))
		n = try_stmt(p);
	else if (tok_kw(t, "return"))
		n = return_stmt(p);
	else if (tok_kw(t, "next") || tok_kw(t, "break") ||
		 tok_kw(t, "continue"))
		n = jump_stmt(p);
	else if (tok_kw(t, "delete"))
		n = delete_stmt(p);
	else if (t->kind == TK_EMBEDDED) {
		need_guru(p, t, "embedded C code");
		n = new_node(S_EMBEDDED, next(p));
		n->str = t->text;
		n = terminated(p, n);
	} else if (t->kind == TK_OP || t->kind == TK_IDENT ||
		   t->kind == TK_NUM || t->kind == TK_STR) {
		n = new_node(S_EXPR, t);
		n->lhs = expr(p);
		n = terminated(p, n);
	} else {
		fail(p, t, "expected a statement, found %s", tok_describe(t));
	}
	return n;
}

/* ---- probe points ---- */

/* A run of components, and the '?' or '!' that may end it. */
typedef struct Seq {
	VEC(Component) comps;
	char flag;
} Seq;
typedef VEC(Seq) SeqList;

static bool name_piece(const Token *t)
{
	return ((t->kind == TK_IDENT || t->kind == TK_KEYWORD) &&
		t->text[0] != '$' && t->text[0] != '@') ||
	       tok_op(t, "*");
}

/* component = NAME ("(" literal ")")?   NAME glues IDENT/'*' with no blank */
static Component component(Parser *p)
{
	Component c = { 0 };
	Token *t = peek(p);
	Buf b = { 0 };

	if (!name_piece(t))
		fail(p, t, "expected a probe point component, found %s",
		     tok_describe(t));
	c.tok = t;
	buf_puts(&b, next(p)->text);
	while (!peek(p)->space && (name_piece(peek(p)) ||
				   peek(p)->kind == TK_NUM))
		buf_puts(&b, next(p)->text);
	c.name = arena_strdup(b.s);
	buf_free(&b);
	if (tok_op(peek(p), "(")) {
		next(p);
		c.has_param = true;
		c.param = literal(p, "as the probe point parameter");
		expect(p, ")", "after the probe point parameter");
	}
	return c;
}

static void append_product(SeqList *out, const SeqList *heads,
			   const SeqList *tails, const Token *where,
			   Parser *p)
{
	int i, j, k;

	if ((long)heads->len * tails->len > 10000)
		fail(p, where, "brace expansion gives more than 10000 probe"
		     " points");
	for (i = 0; i < heads->len; i++)
		for (j = 0; j < tails->len; j++) {
			Seq s = { 0 };

			for (k = 0; k < heads->v[i].comps.len; k++)
				vec_push(&s.comps, heads->v[i].comps.v[k]);
			for (k = 0; k < tails->v[j].comps.len; k++)
				vec_push(&s.comps, tails->v[j].comps.v[k]);
			s.flag = tails->v[j].flag;
			vec_push(out, s);
		}
}

static char point_flag(Parser *p)
{
	if (tok_op(peek(p), "?") || tok_op(peek(p), "!"))
		return next(p)->text[0];
	return 0;
}

/*
 * components  = group ("." group)*
 * group       = component | "{" alternative ("," alternative)* "}"
 * alternative = components ("?" | "!")?   -- a mark only in a last group
 */
static SeqList point_components(Parser *p)
{
	SeqList result = { 0 };
	Seq empty = { 0 };

	vec_push(&result, empty);
	for (;;) {
		Token *t = peek(p);
		SeqList alts = { 0 }, next_result = { 0 };
		int i;

		if (tok_op(t, "{")) {
			next(p);
			do {
				SeqList sub = point_components(p);
				char flag = point_flag(p);

				for (i = 0; i < sub.len; i++) {
					if (flag)
						sub.v[i].flag = flag;
					vec_push(&alts, sub.v[i]);
				}
			} while (accept(p, ","));
			expect(p, "}", "to close the alternatives");
		} else {
			Seq one = { 0 };

			vec_push(&one.comps, component(p));
			vec_push(&alts, one);
		}
		append_product(&next_result, &result, &alts, t, p);
		result = next_result;
		if (!tok_op(peek(p), "."))
			return result;
		for (i = 0; i < result.len; i++)
			if (result.v[i].flag)
				fail(p, peek(p), "'%c' may only end a probe"
				     " point", result.v[i].flag);
		next(p);
	}
}

/* point = components ("?" | "!")? ("if" "(" expr ")")? */
static void probe_point(Parser *p, PointVec *out, bool alias_name)
{
	Token *t = peek(p);
	SeqList list = point_components(p);
	char flag = point_flag(p);
	Node *cond = NULL;
	int i;

	if (tok_kw(peek(p), "if")) {
		next(p);
		cond = paren_expr(p, "around the probe condition");
	}
	for (i = 0; i < list.len; i++) {
		ProbePoint *pp = NEW(ProbePoint);
		char f = flag ? flag : list.v[i].flag;

		if (f && alias_name)
			fail(p, t, "an alias name cannot be optional");
		pp->tok = t;
		pp->comps.v = list.v[i].comps.v;
		pp->comps.len = list.v[i].comps.len;
		pp->comps.cap = list.v[i].comps.cap;
		pp->optional = f != 0;
		pp->sufficient = f == '!';
		pp->cond = i == 0 ? cond : clone_node(cond);
		vec_push(out, pp);
	}
}

static void add_item(File *f, ItemKind kind, void *what)
{
	Item it = { .kind = kind };

	switch (kind) {
	case IT_PROBE: it.probe = what; break;
	case IT_ALIAS: it.alias = what; break;
	case IT_FUNC: it.func = what; break;
	case IT_GLOBAL: it.global = what; break;
	case IT_EMBED: it.embed = what; break;
	}
	vec_push(&f->items, it);
}

/*
 * probe = "probe" point ("=" | "+=") point ("," point)* block   -- alias
 *       | "probe" point ("," point)* block
 */
static void probe_decl(Parser *p)
{
	Token *kw = next(p);
	PointVec points = { 0 };
	Token *t;

	probe_point(p, &points, false);
	t = peek(p);
	if (tok_op(t, "=") || tok_op(t, "+=")) {
		Alias *a = NEW(Alias);

		if (points.len != 1 || points.v[0]->optional || points.v[0]->cond)
			fail(p, t, "an alias defines exactly one plain name");
		next(p);
		a->tok = kw;
		a->file = p->file;
		a->name = points.v[0];
		a->epilogue = tok_op(t, "+=");
		do
			probe_point(p, &a->targets, false);
		while (accept(p, ","));
		a->body = body(p);
		add_item(p->file, IT_ALIAS, a);
		return;
	}
	while (accept(p, ","))
		probe_point(p, &points, false);
	{
		Probe *pr = NEW(Probe);

		pr->tok = kw;
		pr->file = p->file;
		pr->points = points;
		if (!tok_op(peek(p), "{"))
			fail(p, peek(p), "expected ',' or '{' after the probe"
			     " point, found %s", tok_describe(peek(p)));
		pr->body = body(p);
		add_item(p->file, IT_PROBE, pr);
	}
}

static bool plain_name(const Token *t)
{
	return t->kind == TK_IDENT && t->text[0] != '$' && t->text[0] != '@';
}

/* A copy of T (and of the macro uses it came from) that outlives the
 * tokens -p1 frees as it goes. */
static Token *kept(const Token *t)
{
	Token *c;

	if (!t)
		return NULL;
	c = NEW(Token);
	*c = *t;
	c->origin = kept(t->origin);
	return c;
}

/* type = "long" | "string" */
static Type type_annotation(Parser *p)
{
	Token *t = next(p);

	if (tok_kw(t, "long"))
		return TY_LONG;
	if (tok_kw(t, "string"))
		return TY_STRING;
	fail(p, t, "expected type 'long' or 'string', found %s",
	     tok_describe(t));
}

/*
 * global = "global" var ("," var)* ";"?
 * var    = IDENT "%"? ("[" NUM "]")? "%"? ("=" literal)?
 */
static void global_decl(Parser *p, bool private)
{
	do {
		Token *t = next(p);
		Symbol *g;

		if (!plain_name(t))
			fail(p, t, "expected a global variable name, found %s",
			     tok_describe(t));
		if (table_get(&p->globals, t->text)) {
			const Token *first = table_get(&p->globals, t->text);

			parse_error(t, "duplicate global '%s'", t->text);
			note_at(first, "'%s' was first declared here", t->text);
		}
		table_put(&p->globals, t->text, p->printing ? kept(t) : t);
		g = new_symbol(t->text, SYM_GLOBAL, t);
		g->private = private;
		g->file = p->file;
		if (accept(p, "%"))
			g->wrap = true;
		if (tok_op(peek(p), "[")) {
			Token *open = next(p);
			Node *size = literal(p, "as the array size");

			if (size->kind != N_NUM || size->num <= 0 ||
			    size->num > INT32_MAX)
				fail(p, size->tok, "array size must be a number"
				     " from 1 to %d", INT32_MAX);
			g->maxsize = (int)size->num;
			g->arity_tok = open;
			expect(p, "]", "after the array size");
			if (accept(p, "%"))
				g->wrap = true;
		}
		if (accept(p, "=")) {
			if (g->maxsize)
				fail(p, peek(p), "an array cannot have an"
				     " initial value");
			g->init = literal(p, "as the initial value");
		}
		add_item(p->file, IT_GLOBAL, g);
	} while (accept(p, ","));
	accept(p, ";");
}

/*
 * function = "function" IDENT (":" type)? "(" params? ")" (block | EMBEDDED)
 * params   = param ("," param)*
 * param    = IDENT (":" type)?
 */
static void function_decl(Parser *p, bool private)
{
	Token *kw = next(p), *t = next(p);
	Func *f = NEW(Func);

	(void)kw;
	if (!plain_name(t))
		fail(p, t, "expected a function name, found %s",
		     tok_describe(t));
	f->name = t->text;
	f->tok = t;
	f->file = p->file;
	f->private = private;
	if (accept(p, ":"))
		f->ret_decl = type_annotation(p);
	expect(p, "(", "after the function name");
	if (!tok_op(peek(p), ")")) {
		do {
			Token *a = next(p);
			Symbol *s;
			int i;

			if (!plain_name(a))
				fail(p, a, "expected a parameter name, found %s",
				     tok_describe(a));
			for (i = 0; i < f->params.len; i++)
				if (!strcmp(f->params.v[i]->name, a->text))
					fail(p, a, "duplicate parameter '%s'",
					     a->text);
			s = new_symbol(a->text, SYM_PARAM, a);
			if (accept(p, ":"))
				s->decl_type = type_annotation(p);
			vec_push(&f->params, s);
		} while (accept(p, ","));
	}
	expect(p, ")", "after the parameters");
	if (peek(p)->kind == TK_EMBEDDED) {
		t = next(p);
		need_guru(p, t, "a function in embedded C");
		f->embedded = t;
		f->pure = strstr(t->text, "/* pure */") != NULL;
	} else {
		p->in_function = true;
		f->body = body(p);
		p->in_function = false;
	}
	add_item(p->file, IT_FUNC, f);
}

/* Skip to the next token that can start a top-level item. */
static void resync(Parser *p)
{
	for (;;) {
		Token *t = peek(p);

		if (t->kind == TK_EOF || tok_kw(t, "probe") ||
		    tok_kw(t, "global") || tok_kw(t, "function") ||
		    tok_kw(t, "private"))
			return;
		advance(p);
	}
}

/* item = "probe" probe | "private"? ("global" global | "function" function)
 *      | "private" global | EMBEDDED */
static void item(Parser *p)
{
	Token *t = peek(p);
	bool private = false;

	if (tok_kw(t, "probe")) {
		probe_decl(p);
		return;
	}
	if (tok_kw(t, "private")) {
		private = true;
		next(p);
		t = peek(p);
		/* "private NAME" is a private global (SystemTap's own
		 * livepatch tapset declares them so). */
		if (plain_name(t)) {
			global_decl(p, private);
			return;
		}
		if (!tok_kw(t, "global") && !tok_kw(t, "function"))
			fail(p, t, "expected 'global', 'function' or a name"
			     " after 'private', found %s", tok_describe(t));
	}
	if (tok_kw(t, "global")) {
		next(p);
		global_decl(p, private);
	}
	else if (tok_kw(t, "function"))
		function_decl(p, private);
	else if (t->kind == TK_EMBEDDED) {
		need_guru(p, t, "embedded C code");
		add_item(p->file, IT_EMBED, next(p));
	} else
		fail(p, t, "expected 'probe', 'global', 'private', 'function'"
		     " or '%%{', found %s", tok_describe(t));
}

/* -p1: parse one item and print it into OUT; then give its memory back
 * (its tree is printed and never looked at again), unless something
 * that outlives it was allocated with it: a diagnostic, a global's
 * entry in the table of globals.  The tokens of the items before it go
 * too, while the file has had no diagnostic (one may point back) and
 * if it starts with a token of the file itself (not of a macro or $N,
 * which are made after all of the file's).  So a large script's tree
 * and tokens are never whole in memory. */
static void item_printed(Parser *p, Buf *out)
{
	ArenaMark mark = arena_mark();
	int diags = S->seen_diags.len, globals = p->globals.len;
	const Token *first = peek(p);
	File *f = p->file;
	int i;

	item(p);
	for (i = 0; i < f->items.len; i++)
		print_item(out, &f->items.v[i]);
	p->printed += f->items.len;
	memset(&f->items, 0, sizeof(f->items));
	if (S->seen_diags.len == diags && p->globals.len == globals)
		arena_release(mark);
	if (S->seen_diags.len == p->diags && first->src == p->src &&
	    !first->origin)
		lex_drop_before(p->lexmark, first);
}

/* The items of the file, each printed into OUT and dropped if OUT is
 * not NULL. */
static void items(Parser *p, Buf *out)
{
	while (peek(p)->kind != TK_EOF) {
		p->item_start = p->pos;
		if (setjmp(p->recover)) {
			p->nesting = p->chain = p->loops = p->tries = 0;
			p->in_function = false;
			/* Always move on, or the same error comes back. */
			if (p->pos == p->item_start)
				advance(p);
			resync(p);
			continue;
		}
		if (out)
			item_printed(p, out);
		else
			item(p);
	}
}

static File *parse_file(const Source *src, Buf *out)
{
	/* In the arena, not on the stack: it lives across longjmp. */
	Parser *p = NEW(Parser);
	int ntok, errors = S->errors;
	const void *lexmark = lex_mark();
	Token **toks = lex_source(src, &ntok);

	p->printing = out != NULL;
	p->lexmark = lexmark;
	p->diags = S->seen_diags.len;
	p->src = src;
	p->file = NEW(File);
	p->file->src = src;
	/* After a lexical or preprocessor error, parse errors would only
	 * be echoes of it: stop at those. */
	if (S->errors == errors)
		p->toks = pp_source(src, toks, ntok, &p->n);
	else
		free(toks);
	if (S->errors > errors) {
		free(p->toks);	/* what came before the error */
		p->toks = NULL;
		return p->file;
	}
	if (src->macro_file) {
		if (p->n > 1)
			parse_error(p->toks[0], "a macro file (.stpm) may only"
				    " hold @define, found %s",
				    tok_describe(p->toks[0]));
	} else {
		items(p, out);
		if (!p->file->items.len && !p->printed &&
		    S->errors == errors && !src->tapset)
			parse_error(p->toks[p->n - 1], "script '%s' is empty:"
				    " no probe, function or global",
				    src->name);
	}
	free(p->toks);
	p->toks = NULL;
	return p->file;
}

File *parse_source(const Source *src)
{
	return parse_file(src, NULL);
}

File *parse_printed(const Source *src, Buf *out)
{
	return parse_file(src, out);
}
