/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * print.c - the AST back to text.
 *
 * -p1 prints each user file in canonical form: one statement a line,
 * tab indentation, parentheses only where precedence needs them, numbers
 * in decimal, adjacent strings joined, macros and conditionals expanded.
 * Parsing that output again gives the same output (a tested property).
 * -p2 prints the resolved program: globals, functions and probes with
 * their inferred types.
 */
#include <string.h>

#include "stap.h"

static void stmt(Buf *b, const Node *n, int indent);

/* Precedence of a node, matching the parser's levels (higher binds
 * tighter): 1 assignment ... 13 multiplicative, 14 unary, 15 ++/--,
 * 16 &, 17 autocast, 18 primary. */
static int prec(const Node *n)
{
	switch (n->kind) {
	case N_ASSIGN:
		return 1;
	case N_TERNARY:
		return 2;
	case N_LOGICAL:
		return !strcmp(n->op, "||") ? 3 : 4;
	case N_IN:
		return 8;
	case N_COMPARE:
	case N_REGEX:
		return 9;
	case N_BINARY:
		switch (n->op[0]) {
		case '|': return 5;
		case '^': return 6;
		case '&': return 7;
		case '<': case '>': return 10;
		case '.': return 11;
		case '+': case '-': return 12;
		default: return 13;
		}
	case N_UNARY:
		return 14;
	case N_NUM:
		return n->num < 0 ? 14 : 18;
	case N_PREINC:
	case N_POSTINC:
		return 15;
	case N_ADDR:
		return 16;
	case N_AUTOCAST:
		return 17;
	default:
		return 18;
	}
}

static void expr_prec(Buf *b, const Node *n, int min);

static void args(Buf *b, Node *const *v, int len)
{
	int i;

	for (i = 0; i < len; i++) {
		if (i)
			buf_puts(b, ", ");
		if (v[i])
			expr_prec(b, v[i], 1);
		else
			buf_putc(b, '*');
	}
}

static void components(Buf *b, const Node *n)
{
	int i;

	for (i = 0; i < n->comps.len; i++) {
		const Comp *c = &n->comps.v[i];

		if (c->field) {
			buf_printf(b, "->%s", c->field);
		} else {
			buf_putc(b, '[');
			expr_prec(b, c->index, 1);
			buf_putc(b, ']');
		}
	}
	if (n->suffix)
		buf_puts(b, n->suffix);
}

static void string(Buf *b, const char *s)
{
	buf_putc(b, '"');
	buf_puts(b, s);
	buf_putc(b, '"');
}

/* "lhs OP rhs", each side bracketed below its own precedence. */
static void infix(Buf *b, const Node *n, int left, int right)
{
	expr_prec(b, n->lhs, left);
	buf_printf(b, " %s ", n->op);
	expr_prec(b, n->rhs, right);
}

/* A prefix operator; a blank keeps "- -x" from lexing as "--x". */
static void prefix(Buf *b, const char *op, const Node *operand, int min)
{
	static const char *const glued[] = { "--", "++", "-=", "+=", "->",
					     "!~", "!=", "&&", "&=", NULL };
	Buf tmp = { 0 };
	char pair[3] = { 0 };

	expr_prec(&tmp, operand, min);
	buf_puts(b, op);
	pair[0] = op[strlen(op) - 1];
	pair[1] = tmp.s ? tmp.s[0] : '\0';
	if (str_in(pair, glued))
		buf_putc(b, ' ');
	buf_puts(b, tmp.s ? tmp.s : "");
	buf_free(&tmp);
}

static void at_operator(Buf *b, const Node *n)
{
	buf_printf(b, "@%s(", n->name);
	if (!strcmp(n->name, "var")) {
		args(b, n->args.v, n->args.len);
		buf_putc(b, ')');
		components(b, n);
		return;
	}
	if (n->args.len) {
		args(b, n->args.v, n->args.len);
		buf_puts(b, ", ");
	}
	expr_prec(b, n->lhs, 1);
	buf_putc(b, ')');
}

static void expr_body(Buf *b, const Node *n)
{
	int p = prec(n);

	switch (n->kind) {
	case N_NUM:
		buf_printf(b, "%lld", (long long)n->num);
		break;
	case N_STR:
		string(b, n->str);
		break;
	case N_VAR:
		buf_puts(b, n->name);
		break;
	case N_INDEX:
		expr_prec(b, n->lhs, 18);
		buf_putc(b, '[');
		args(b, n->args.v, n->args.len);
		buf_putc(b, ']');
		break;
	case N_CALL:
	case N_PRINT:
		buf_printf(b, "%s(", n->name);
		args(b, n->args.v, n->args.len);
		buf_putc(b, ')');
		break;
	case N_STATOP:
	case N_HIST:
		buf_printf(b, "@%s(", n->name);
		expr_prec(b, n->lhs, 1);
		if (n->args.len) {
			buf_puts(b, ", ");
			args(b, n->args.v, n->args.len);
		}
		buf_putc(b, ')');
		break;
	case N_TARGET:
		buf_puts(b, target_shown_name(n->name));
		components(b, n);
		break;
	case N_CAST:
		buf_puts(b, "@cast(");
		expr_prec(b, n->lhs, 1);
		buf_puts(b, ", ");
		args(b, n->args.v, n->args.len);
		buf_putc(b, ')');
		components(b, n);
		break;
	case N_ATOP:
		at_operator(b, n);
		break;
	case N_EMBEDDED:
		buf_printf(b, "%%{%s%%}", n->str);
		break;
	case N_AUTOCAST: {
		const Node *l = n->lhs;
		/* "(x)[i]" is a cast, "x[i]" an array; "$x->f" is a target. */
		bool paren = (n->comps.len && !n->comps.v[0].field) ||
			     l->kind == N_TARGET || l->kind == N_CAST ||
			     (l->kind == N_ATOP && !strcmp(l->name, "var"));

		if (paren) {
			buf_putc(b, '(');
			expr_prec(b, l, 1);
			buf_putc(b, ')');
		} else {
			expr_prec(b, l, 18);
		}
		components(b, n);
		break;
	}
	case N_ADDR:
		prefix(b, "&", n->lhs, 16);
		break;
	case N_UNARY:
		prefix(b, n->op, n->lhs, 14);
		break;
	case N_PREINC:
		prefix(b, n->op, n->lhs, 16);
		break;
	case N_POSTINC:
		expr_prec(b, n->lhs, 16);
		buf_puts(b, n->op);
		break;
	case N_BINARY:
	case N_LOGICAL:
	case N_COMPARE:
		infix(b, n, p, p + 1);
		break;
	case N_REGEX:
		infix(b, n, 10, 18);
		break;
	case N_TERNARY:
		expr_prec(b, n->cond, 3);
		buf_puts(b, " ? ");
		expr_prec(b, n->then, 1);
		buf_puts(b, " : ");
		expr_prec(b, n->els, 1);
		break;
	case N_ASSIGN:
		infix(b, n, 2, 1);
		break;
	case N_IN:
		buf_putc(b, '[');
		args(b, n->args.v, n->args.len);
		buf_puts(b, "] in ");
		expr_prec(b, n->lhs, 18);
		break;
	default:
		buf_puts(b, "<?>");
		break;
	}
}

static void expr_prec(Buf *b, const Node *n, int min)
{
	if (prec(n) < min) {
		buf_putc(b, '(');
		expr_body(b, n);
		buf_putc(b, ')');
	} else {
		expr_body(b, n);
	}
}

void print_expr(Buf *b, const Node *n)
{
	expr_prec(b, n, 1);
}

static void tabs(Buf *b, int indent)
{
	while (indent-- > 0)
		buf_putc(b, '\t');
}

/* An if's then-branch that could capture a following else. */
static bool open_ended(const Node *n)
{
	return n->kind == S_IF || n->kind == S_WHILE || n->kind == S_FOR ||
	       n->kind == S_FOREACH;
}

/* The body of a compound statement: " {...}" or an indented line. */
static void body(Buf *b, const Node *n, int indent, bool force_block)
{
	if (n->kind == S_BLOCK) {
		buf_putc(b, ' ');
		stmt(b, n, indent);
	} else if (force_block) {
		buf_puts(b, " {\n");
		tabs(b, indent + 1);
		stmt(b, n, indent + 1);
		buf_putc(b, '\n');
		tabs(b, indent);
		buf_putc(b, '}');
	} else {
		buf_putc(b, '\n');
		tabs(b, indent + 1);
		stmt(b, n, indent + 1);
	}
}

static void foreach_head(Buf *b, const Node *n)
{
	int i;

	buf_puts(b, "foreach (");
	if (n->value)
		buf_printf(b, "%s = ", n->value->name);
	if (n->keys.len > 1)
		buf_putc(b, '[');
	for (i = 0; i < n->keys.len; i++) {
		buf_printf(b, "%s%s", i ? ", " : "", n->keys.v[i]->name);
		if (n->sort_key == i + 1)
			buf_putc(b, n->sort_dir > 0 ? '+' : '-');
	}
	if (n->keys.len > 1)
		buf_putc(b, ']');
	buf_puts(b, " in ");
	expr_prec(b, n->lhs, 18);
	if (n->args.len) {
		buf_putc(b, '[');
		args(b, n->args.v, n->args.len);
		buf_putc(b, ']');
	}
	if (n->sort_op)
		buf_printf(b, " @%s", n->sort_op);
	if (n->sort_key == -1)
		buf_putc(b, n->sort_dir > 0 ? '+' : '-');
	if (n->limit) {
		buf_puts(b, " limit ");
		expr_prec(b, n->limit, 1);
	}
	buf_putc(b, ')');
}

static void stmt(Buf *b, const Node *n, int indent)
{
	int i;

	switch (n->kind) {
	case S_BLOCK:
		buf_puts(b, "{\n");
		for (i = 0; i < n->args.len; i++) {
			tabs(b, indent + 1);
			stmt(b, n->args.v[i], indent + 1);
			buf_putc(b, '\n');
		}
		tabs(b, indent);
		buf_putc(b, '}');
		break;
	case S_EXPR:
		print_expr(b, n->lhs);
		buf_putc(b, ';');
		break;
	case S_IF:
		buf_puts(b, "if (");
		print_expr(b, n->cond);
		buf_putc(b, ')');
		body(b, n->then, indent, n->els && open_ended(n->then));
		if (!n->els)
			break;
		if (n->then->kind == S_BLOCK || open_ended(n->then)) {
			buf_puts(b, " else");
		} else {
			buf_putc(b, '\n');
			tabs(b, indent);
			buf_puts(b, "else");
		}
		if (n->els->kind == S_IF) {
			buf_putc(b, ' ');
			stmt(b, n->els, indent);
		} else {
			body(b, n->els, indent, false);
		}
		break;
	case S_WHILE:
		buf_puts(b, "while (");
		print_expr(b, n->cond);
		buf_putc(b, ')');
		body(b, n->body, indent, false);
		break;
	case S_FOR:
		buf_puts(b, "for (");
		if (n->init)
			print_expr(b, n->init);
		buf_puts(b, "; ");
		if (n->cond)
			print_expr(b, n->cond);
		buf_puts(b, "; ");
		if (n->inc)
			print_expr(b, n->inc);
		buf_putc(b, ')');
		body(b, n->body, indent, false);
		break;
	case S_FOREACH:
		foreach_head(b, n);
		body(b, n->body, indent, false);
		break;
	case S_RETURN:
		buf_puts(b, "return");
		if (n->lhs) {
			buf_putc(b, ' ');
			print_expr(b, n->lhs);
		}
		buf_putc(b, ';');
		break;
	case S_NEXT:
		buf_puts(b, "next;");
		break;
	case S_BREAK:
		buf_puts(b, "break;");
		break;
	case S_CONTINUE:
		buf_puts(b, "continue;");
		break;
	case S_DELETE:
		buf_puts(b, "delete ");
		print_expr(b, n->lhs);
		buf_putc(b, ';');
		break;
	case S_TRY:
		buf_puts(b, "try ");
		stmt(b, n->body, indent);
		buf_puts(b, " catch ");
		if (n->lhs)
			buf_printf(b, "(%s) ", n->lhs->name);
		stmt(b, n->els, indent);
		break;
	case S_NULL:
		buf_putc(b, ';');
		break;
	case S_EMBEDDED:
		buf_printf(b, "%%{%s%%}", n->str);
		break;
	default:
		print_expr(b, n);
		break;
	}
}

void print_point(Buf *b, const ProbePoint *pp)
{
	int i;

	for (i = 0; i < pp->comps.len; i++) {
		const Component *c = &pp->comps.v[i];

		buf_printf(b, "%s%s", i ? "." : "", c->name);
		if (c->param) {
			buf_putc(b, '(');
			print_expr(b, c->param);
			buf_putc(b, ')');
		}
	}
	if (pp->optional)
		buf_putc(b, pp->sufficient ? '!' : '?');
	if (pp->cond) {
		buf_puts(b, " if (");
		print_expr(b, pp->cond);
		buf_putc(b, ')');
	}
}

static void points(Buf *b, ProbePoint *const *v, int len)
{
	int i;

	for (i = 0; i < len; i++) {
		if (i)
			buf_puts(b, ", ");
		print_point(b, v[i]);
	}
}

static const char *annotation(Type t)
{
	return t == TY_LONG ? ":long" : t == TY_STRING ? ":string" : "";
}

static void function(Buf *b, const Func *f)
{
	int i;

	buf_printf(b, "%sfunction %s%s(", f->private ? "private " : "",
		   f->name, annotation(f->ret_decl));
	for (i = 0; i < f->params.len; i++)
		buf_printf(b, "%s%s%s", i ? ", " : "", f->params.v[i]->name,
			   annotation(f->params.v[i]->decl_type));
	buf_puts(b, ") ");
	if (f->embedded)
		buf_printf(b, "%%{%s%%}", f->embedded->text);
	else
		stmt(b, f->body, 0);
}

static void global(Buf *b, const Symbol *g)
{
	buf_printf(b, "%sglobal %s%s", g->private ? "private " : "", g->name,
		   g->wrap ? "%" : "");
	if (g->maxsize)
		buf_printf(b, "[%d]", g->maxsize);
	if (g->init) {
		buf_puts(b, " = ");
		print_expr(b, g->init);
	}
}

/* One top-level item in canonical form, and a newline. */
void print_item(Buf *b, const Item *it)
{
	switch (it->kind) {
	case IT_GLOBAL:
		global(b, it->global);
		break;
	case IT_PROBE:
		buf_puts(b, "probe ");
		points(b, it->probe->points.v, it->probe->points.len);
		buf_putc(b, ' ');
		stmt(b, it->probe->body, 0);
		break;
	case IT_ALIAS:
		buf_puts(b, "probe ");
		print_point(b, it->alias->name);
		buf_puts(b, it->alias->epilogue ? " += " : " = ");
		points(b, it->alias->targets.v, it->alias->targets.len);
		buf_putc(b, ' ');
		stmt(b, it->alias->body, 0);
		break;
	case IT_FUNC:
		function(b, it->func);
		break;
	case IT_EMBED:
		buf_printf(b, "%%{%s%%}", it->embed->text);
		break;
	}
	buf_putc(b, '\n');
}

void print_file(FILE *out, const File *f)
{
	Buf b = { 0 };
	int i;

	for (i = 0; i < f->items.len; i++) {
		print_item(&b, &f->items.v[i]);
		/* Flush as we go: a large script needs no large buffer. */
		if (b.len > 65536) {
			fwrite(b.s, 1, b.len, out);
			b.len = 0;
		}
	}
	if (b.len)
		fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}

/* ---- -p2: the resolved program ---- */

const char *type_name(Type t)
{
	switch (t) {
	case TY_LONG: return "long";
	case TY_STRING: return "string";
	case TY_STATS: return "stats";
	case TY_VOID: return "no value";
	case TY_HIST: return "histogram";
	default: return "unknown";
	}
}

static void symbol_type(Buf *b, Symbol *s)
{
	int i;

	buf_printf(b, "%s", type_name(tyvar_type(s->ty)));
	if (s->arity > 0) {
		buf_puts(b, " [");
		for (i = 0; i < s->arity; i++)
			buf_printf(b, "%s%s", i ? ", " : "",
				   type_name(tyvar_type(s->key_ty[i])));
		buf_putc(b, ']');
	}
}

static void locals(Buf *b, Symbol *const *v, int len)
{
	int i, shown = 0;

	for (i = 0; i < len; i++) {
		if (!v[i]->used)
			continue;
		if (!shown++)
			buf_puts(b, "  # locals\n");
		buf_printf(b, "  %s:", v[i]->name);
		symbol_type(b, v[i]);
		buf_putc(b, '\n');
	}
}

void print_program(FILE *out)
{
	Buf b = { 0 };
	int i, j, shown = 0;

	for (i = 0; i < S->global_list.len; i++) {
		Symbol *g = S->global_list.v[i];

		if (!g->used)
			continue;
		if (!shown++)
			buf_puts(&b, "# globals\n");
		buf_printf(&b, "%s%s", g->name, g->wrap ? "%" : "");
		if (g->maxsize)
			buf_printf(&b, "[%d]", g->maxsize);
		buf_putc(&b, ':');
		symbol_type(&b, g);
		if (g->init) {
			buf_puts(&b, " = ");
			print_expr(&b, g->init);
		}
		if (g->autoprint)
			buf_puts(&b, " /* autoprint */");
		buf_putc(&b, '\n');
	}
	shown = 0;
	for (i = 0; i < S->func_list.len; i++) {
		Func *f = S->func_list.v[i];

		if (!f->used)
			continue;
		if (!shown++)
			buf_puts(&b, "# functions\n");
		buf_printf(&b, "%s:%s (", f->name,
			   tyvar_type(f->ret) == TY_VOID ? "unknown" :
			   type_name(tyvar_type(f->ret)));
		for (j = 0; j < f->params.len; j++) {
			buf_printf(&b, "%s%s:", j ? ", " : "",
				   f->params.v[j]->name);
			symbol_type(&b, f->params.v[j]);
		}
		buf_puts(&b, ")\n");
		locals(&b, f->locals.v, f->locals.len);
	}
	buf_puts(&b, "# probes\n");
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];

		if (!d->used)
			continue;
		print_point(&b, d->point);
		/* SystemTap's form, to compare sites: pc=_stext+0x363fa0 */
		if (d->point->site && d->point->site->user) {
			if (d->point->site->vaddr)	/* not process().begin's */
				buf_printf(&b, " /* pc=.dynamic+%#llx */",
					   (unsigned long long)
					   d->point->site->vaddr);
		} else if (d->point->site)
			buf_printf(&b, " /* pc=_stext+%#llx */", (unsigned long long)
				   (d->point->site->addr - dwarf_symbol("_stext")));
		buf_printf(&b, " /* <- %s */\n", d->chain);
		locals(&b, d->locals.v, d->locals.len);
	}
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}
