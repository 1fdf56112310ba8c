/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regex.c - pass 2/3: a script's regular expression literal (POSIX ERE,
 * as regcomp(REG_EXTENDED) reads it in the C locale) compiled into a
 * program for the runtime's Pike VM (runtime/stp_regex.h), and that
 * program written out as static C data of the generated program.
 *
 * The expression is parsed into a tree, then each node emits its code:
 * alternatives as splits, groups 1-9 as saves, counted repetitions
 * expanded (at most STP_RE_MAXPROG instructions in all).  GNU's \w \W \s
 * \S \` \' are kept; back-references and word boundaries are refused.
 * Self-contained (libc only), so runtime/test/test_regex.c builds it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"
#include "../runtime/stp_regex.h"

#define RE_MAXDEPTH 64		/* nested groups */
#define RE_MAXCOUNT 255		/* the largest m or n of {m,n} */
#define RE_MAXSTACK 4		/* repetitions of one atom: a*+?{2} */

enum { R_EMPTY, R_CHAR, R_ANY, R_CLASS, R_BOL, R_EOL, R_CAT, R_ALT,
       R_GROUP, R_REPEAT };

typedef struct RNode {
	int kind;
	int arg;		/* R_CHAR: the byte; R_CLASS: the set;
				   R_GROUP: its number (> 9: not kept) */
	int min, max;		/* R_REPEAT; max -1: no limit */
	struct RNode *sub;	/* R_GROUP, R_REPEAT; R_CAT, R_ALT: first */
	struct RNode *next;	/* the next of an R_CAT or R_ALT list */
} RNode;

typedef struct {
	const char *p, *end;
	char *err;
	size_t errlen;
	bool failed;
	RNode *nodes;
	int nnodes, maxnodes;
	int groups;
	uint8_t (*cls)[32];
	int ncls;
	struct stp_re_insn *prog;
	int len;
} RC;

static void fail(RC *rc, const char *msg)
{
	if (!rc->failed)
		snprintf(rc->err, rc->errlen, "%s", msg);
	rc->failed = true;
}

static RNode *node(RC *rc, int kind)
{
	RNode *n;

	if (rc->nnodes == rc->maxnodes) {	/* cannot happen: 3 per byte */
		fail(rc, "expression too complex");
		return &rc->nodes[0];
	}
	n = &rc->nodes[rc->nnodes++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

/* ---- bracket expressions: sets of bytes ---- */

static void set_add(uint8_t *set, int c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/* The C locale's classes. */
static bool in_class(const char *name, int c)
{
	bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9';
	bool graph = c > 32 && c < 127;

	if (!strcmp(name, "alpha"))
		return upper || lower;
	if (!strcmp(name, "digit"))
		return digit;
	if (!strcmp(name, "alnum"))
		return upper || lower || digit;
	if (!strcmp(name, "upper"))
		return upper;
	if (!strcmp(name, "lower"))
		return lower;
	if (!strcmp(name, "space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (!strcmp(name, "blank"))
		return c == ' ' || c == '\t';
	if (!strcmp(name, "punct"))
		return graph && !upper && !lower && !digit;
	if (!strcmp(name, "print"))
		return graph || c == ' ';
	if (!strcmp(name, "graph"))
		return graph;
	if (!strcmp(name, "cntrl"))
		return c < 32 || c == 127;
	if (!strcmp(name, "xdigit"))
		return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	return false;
}

static bool known_class(const char *name)
{
	static const char *const names[] = {
		"alpha", "digit", "alnum", "upper", "lower", "space", "blank",
		"punct", "print", "graph", "cntrl", "xdigit",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static void set_class(uint8_t *set, const char *name)
{
	int c;

	for (c = 1; c < 256; c++)
		if (in_class(name, c))
			set_add(set, c);
}

/* The set as a node: identical sets share one entry. */
static RNode *class_node(RC *rc, const uint8_t *set, bool negate)
{
	uint8_t s[32];
	RNode *n = node(rc, R_CLASS);
	int i;

	for (i = 0; i < 32; i++)
		s[i] = negate ? (uint8_t)~set[i] : set[i];
	s[0] &= (uint8_t)~1u;		/* NUL ends the subject */
	for (i = 0; i < rc->ncls; i++)
		if (!memcmp(rc->cls[i], s, 32))
			break;
	if (i == rc->ncls)
		memcpy(rc->cls[rc->ncls++], s, 32);
	n->arg = i;
	return n;
}

/* [.c.] or [=c=] after its '[': the one byte, or -1. */
static int bracket_symbol(RC *rc, char delim)
{
	int c;

	if (rc->end - rc->p < 5 || rc->p[1] != delim || rc->p[3] != delim ||
	    rc->p[4] != ']')
		return -1;
	c = (unsigned char)rc->p[2];
	rc->p += 5;
	return c;
}

/* One end of a range, or a single byte: -1 after an error. */
static int bracket_char(RC *rc)
{
	int c;

	if (rc->p < rc->end && rc->p[0] == '[' && rc->p + 1 < rc->end &&
	    (rc->p[1] == '.' || rc->p[1] == '=')) {
		c = bracket_symbol(rc, rc->p[1]);
		if (c < 0)
			fail(rc, "collating symbols and equivalence classes "
			     "other than one byte are not supported");
		return c;
	}
	return (unsigned char)*rc->p++;
}

static RNode *bracket(RC *rc)
{
	uint8_t set[32] = { 0 };
	bool negate = false, first = true;

	if (rc->p < rc->end && *rc->p == '^') {
		negate = true;
		rc->p++;
	}
	for (;;) {
		int lo, hi, c;

		if (rc->p >= rc->end) {
			fail(rc, "unmatched [");
			return node(rc, R_EMPTY);
		}
		if (*rc->p == ']' && !first) {
			rc->p++;
			break;
		}
		first = false;
		if (rc->p[0] == '[' && rc->p + 1 < rc->end && rc->p[1] == ':') {
			const char *e = strstr(rc->p + 2, ":]");
			char name[16];
			size_t n;

			if (!e || e >= rc->end ||
			    (n = (size_t)(e - rc->p - 2)) >= sizeof(name)) {
				fail(rc, "invalid character class");
				return node(rc, R_EMPTY);
			}
			memcpy(name, rc->p + 2, n);
			name[n] = 0;
			if (!known_class(name)) {
				fail(rc, "invalid character class");
				return node(rc, R_EMPTY);
			}
			set_class(set, name);
			rc->p = e + 2;
			continue;
		}
		lo = bracket_char(rc);
		if (lo < 0)
			return node(rc, R_EMPTY);
		hi = lo;
		if (rc->p + 1 < rc->end && rc->p[0] == '-' && rc->p[1] != ']') {
			rc->p++;
			hi = bracket_char(rc);
			if (hi < 0)
				return node(rc, R_EMPTY);
			if (hi < lo) {
				fail(rc, "invalid range end");
				return node(rc, R_EMPTY);
			}
		}
		for (c = lo; c <= hi; c++)
			if (c)
				set_add(set, c);
	}
	return class_node(rc, set, negate);
}

/* ---- the tree ---- */

static RNode *alternation(RC *rc, int depth);

static RNode *escape(RC *rc)
{
	uint8_t set[32] = { 0 };
	RNode *n;
	int c;

	if (rc->p >= rc->end) {
		fail(rc, "trailing backslash");
		return node(rc, R_EMPTY);
	}
	c = (unsigned char)*rc->p++;
	switch (c) {
	case 'w':
	case 'W':
		set_class(set, "alnum");
		set_add(set, '_');
		return class_node(rc, set, c == 'W');
	case 's':
	case 'S':
		set_class(set, "space");
		return class_node(rc, set, c == 'S');
	case '`':
		return node(rc, R_BOL);
	case '\'':
		return node(rc, R_EOL);
	case 'b':
	case 'B':
	case '<':
	case '>':
		fail(rc, "word boundaries (\\b \\B \\< \\>) are not supported");
		return node(rc, R_EMPTY);
	default:
		if (c >= '1' && c <= '9') {
			fail(rc, "back-references are not supported");
			return node(rc, R_EMPTY);
		}
		n = node(rc, R_CHAR);
		n->arg = c;
		return n;
	}
}

static RNode *atom(RC *rc, int depth)
{
	RNode *n;
	int c = (unsigned char)*rc->p++;

	switch (c) {
	case '(':
		if (depth >= RE_MAXDEPTH) {
			fail(rc, "groups nested too deeply");
			return node(rc, R_EMPTY);
		}
		n = node(rc, R_GROUP);
		n->arg = ++rc->groups;
		n->sub = alternation(rc, depth + 1);
		if (rc->p >= rc->end || *rc->p != ')')
			fail(rc, "unmatched (");
		else
			rc->p++;
		return n;
	case '.':
		return node(rc, R_ANY);
	case '^':
		return node(rc, R_BOL);
	case '$':
		return node(rc, R_EOL);
	case '[':
		return bracket(rc);
	case '\\':
		return escape(rc);
	case '*':
	case '+':
	case '?':
	case '{':
		fail(rc, "a repetition with nothing to repeat");
		return node(rc, R_EMPTY);
	default:
		n = node(rc, R_CHAR);
		n->arg = c;
		return n;
	}
}

static int count(RC *rc)
{
	int v = 0;

	if (rc->p >= rc->end || *rc->p < '0' || *rc->p > '9')
		return -1;
	while (rc->p < rc->end && *rc->p >= '0' && *rc->p <= '9') {
		v = v * 10 + (*rc->p++ - '0');
		if (v > RE_MAXCOUNT) {
			fail(rc, "a repetition count above 255");
			return 0;
		}
	}
	return v;
}

/* {m} {m,} {m,n} {,n} after its '{'. */
static void interval(RC *rc, RNode *r)
{
	r->min = count(rc);
	r->max = r->min;
	if (rc->p < rc->end && *rc->p == ',') {
		rc->p++;
		r->max = count(rc);
	}
	if (r->min < 0)
		r->min = 0;
	if (rc->p >= rc->end || *rc->p != '}' ||
	    (r->max >= 0 && r->max < r->min) || rc->p[-1] == '{')
		fail(rc, "invalid repetition interval");
	else
		rc->p++;
}

static RNode *piece(RC *rc, int depth)
{
	RNode *n = atom(rc, depth);
	int stacked = 0;

	while (!rc->failed && rc->p < rc->end && strchr("*+?{", *rc->p)) {
		RNode *r = node(rc, R_REPEAT);
		char op = *rc->p++;

		if (++stacked > RE_MAXSTACK) {
			fail(rc, "too many repetitions of one item");
			break;
		}
		r->sub = n;
		r->min = op == '+';
		r->max = op == '?' ? 1 : -1;
		if (op == '{')
			interval(rc, r);
		n = r;
	}
	return n;
}

static RNode *concatenation(RC *rc, int depth)
{
	RNode *cat = node(rc, R_CAT), **tail = &cat->sub;

	while (!rc->failed && rc->p < rc->end && *rc->p != '|' &&
	       *rc->p != ')') {
		*tail = piece(rc, depth);
		tail = &(*tail)->next;
	}
	return cat;
}

static RNode *alternation(RC *rc, int depth)
{
	RNode *alt = node(rc, R_ALT), **tail = &alt->sub;

	for (;;) {
		*tail = concatenation(rc, depth);
		tail = &(*tail)->next;
		if (rc->failed || rc->p >= rc->end || *rc->p != '|')
			break;
		rc->p++;
	}
	return alt;
}

/* ---- the program ---- */

static int insn(RC *rc, int op, int arg, int x, int y)
{
	struct stp_re_insn *in;

	if (rc->len >= STP_RE_MAXPROG) {
		fail(rc, "too long: more than 256 instructions "
		     "for the matcher");
		return 0;
	}
	in = &rc->prog[rc->len];
	in->op = (uint8_t)op;
	in->arg = (uint8_t)arg;
	in->x = (uint16_t)x;
	in->y = (uint16_t)y;
	return rc->len++;
}

static void gen(RC *rc, const RNode *n)
{
	const RNode *m;
	int i, at, fix[RE_MAXCOUNT + 1], nfix = 0;

	if (rc->failed)
		return;
	switch (n->kind) {
	case R_EMPTY:
		break;
	case R_CHAR:
		insn(rc, STP_RE_CHAR, n->arg, 0, 0);
		break;
	case R_ANY:
		insn(rc, STP_RE_ANY, 0, 0, 0);
		break;
	case R_CLASS:
		insn(rc, STP_RE_CLASS, 0, n->arg, 0);
		break;
	case R_BOL:
		insn(rc, STP_RE_BOL, 0, 0, 0);
		break;
	case R_EOL:
		insn(rc, STP_RE_EOL, 0, 0, 0);
		break;
	case R_CAT:
		for (m = n->sub; m; m = m->next)
			gen(rc, m);
		break;
	case R_ALT:
		/* split a, next; a; jmp end; next: split b, ... ; last */
		for (m = n->sub; m && !rc->failed; m = m->next) {
			if (!m->next) {
				gen(rc, m);
				break;
			}
			at = insn(rc, STP_RE_SPLIT, 0, rc->len + 1, 0);
			gen(rc, m);
			if (nfix <= RE_MAXCOUNT)
				fix[nfix++] = insn(rc, STP_RE_JMP, 0, 0, 0);
			rc->prog[at].y = (uint16_t)rc->len;
		}
		for (i = 0; i < nfix && !rc->failed; i++)
			rc->prog[fix[i]].x = (uint16_t)rc->len;
		break;
	case R_GROUP:
		if (n->arg < STP_RE_NGROUPS)
			insn(rc, STP_RE_SAVE, 2 * n->arg, 0, 0);
		gen(rc, n->sub);
		if (n->arg < STP_RE_NGROUPS)
			insn(rc, STP_RE_SAVE, 2 * n->arg + 1, 0, 0);
		break;
	case R_REPEAT:
		/* The required copies; once one is empty, all are. */
		for (i = 0; i < n->min - (n->max < 0 && n->min > 0); i++) {
			at = rc->len;
			gen(rc, n->sub);
			if (rc->len == at || rc->failed)
				break;
		}
		if (n->max < 0 && n->min > 0) {
			/* x+: L: x; split L, next */
			at = rc->len;
			gen(rc, n->sub);
			insn(rc, STP_RE_SPLIT, 0, at, rc->len + 1);
		} else if (n->max < 0) {
			/* x* as (x+)?: split L, end; L: x; split L, end.  An
			 * empty x still counts once, as in libc: (a*)* on
			 * "b" has group 1 at 0-0. */
			at = insn(rc, STP_RE_SPLIT, 0, rc->len + 1, 0);
			gen(rc, n->sub);
			i = insn(rc, STP_RE_SPLIT, 0, at + 1, rc->len + 1);
			if (!rc->failed)
				rc->prog[at].y = (uint16_t)(i + 1);
		} else {
			/* x{0,k}: (x(x(x)?)?)? - every skip to the end */
			for (i = n->min; i < n->max && !rc->failed; i++) {
				fix[nfix++] = insn(rc, STP_RE_SPLIT, 0,
						   rc->len + 1, 0);
				gen(rc, n->sub);
			}
			for (i = 0; i < nfix && !rc->failed; i++)
				rc->prog[fix[i]].y = (uint16_t)rc->len;
		}
		break;
	}
}

bool regex_compile(const char *re, size_t len, struct stp_regex *out,
		   char *err, size_t errlen)
{
	RC rc = { 0 };
	RNode *tree;
	char *src;

	memset(out, 0, sizeof(*out));
	rc.p = re;
	rc.end = re + len;
	rc.err = err;
	rc.errlen = errlen;
	rc.maxnodes = 3 * (int)len + 4;
	rc.nodes = calloc((size_t)rc.maxnodes, sizeof(RNode));
	rc.cls = calloc(len + 1, 32);
	rc.prog = calloc(STP_RE_MAXPROG, sizeof(*rc.prog));
	src = malloc(len + 1);
	if (!rc.nodes || !rc.cls || !rc.prog || !src) {
		fail(&rc, "out of memory");
		goto out;
	}
	memcpy(src, re, len);
	src[len] = 0;
	tree = alternation(&rc, 0);
	if (!rc.failed && rc.p < rc.end)
		fail(&rc, "unmatched )");
	insn(&rc, STP_RE_SAVE, 0, 0, 0);
	gen(&rc, tree);
	insn(&rc, STP_RE_SAVE, 1, 0, 0);
	insn(&rc, STP_RE_MATCH, 0, 0, 0);
out:
	free(rc.nodes);
	if (rc.failed) {
		free(rc.cls);
		free(rc.prog);
		free(src);
		return false;
	}
	out->src = src;
	out->prog = rc.prog;
	out->len = rc.len;
	out->ngroups = rc.groups + 1 < STP_RE_NGROUPS ? rc.groups + 1 :
		       STP_RE_NGROUPS;
	out->classes = rc.ncls ? (const uint8_t (*)[32])rc.cls : NULL;
	if (!rc.ncls)
		free(rc.cls);
	return true;
}

void regex_release(struct stp_regex *rx)
{
	free((void *)rx->src);
	free((void *)rx->prog);
	free((void *)rx->classes);
	memset(rx, 0, sizeof(*rx));
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static void append(char **buf, size_t *len, size_t *cap, const char *fmt,
		   ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < *cap - *len)
			break;
		*cap = *cap * 2 + (size_t)(n > 0 ? n : 0);
		*buf = realloc(*buf, *cap);
		if (!*buf) {
			fprintf(stderr, "stap: out of memory\n");
			abort();
		}
	}
	*len += (size_t)n;
}

static char *c_text(const struct stp_regex *rx, const char *name)
{
	static const char *const ops[] = {
		"STP_RE_CHAR", "STP_RE_ANY", "STP_RE_CLASS", "STP_RE_SPLIT",
		"STP_RE_JMP", "STP_RE_SAVE", "STP_RE_BOL", "STP_RE_EOL",
		"STP_RE_MATCH",
	};
	size_t len = 0, cap = 256;
	char *buf = malloc(cap);
	const char *s;
	int i, j, ncls = 0;

	if (!buf) {
		fprintf(stderr, "stap: out of memory\n");
		abort();
	}
	buf[0] = 0;
	if (rx->prog)
		append(&buf, &len, &cap, "static const struct stp_re_insn "
		       "%s_prog[] = {\n", name);
	for (i = 0; rx->prog && i < rx->len; i++) {
		const struct stp_re_insn *in = &rx->prog[i];

		append(&buf, &len, &cap, "\t{ %s, %u, %u, %u },\n",
		       ops[in->op], in->arg, in->x, in->y);
		if (in->op == STP_RE_CLASS && in->x + 1 > ncls)
			ncls = in->x + 1;
	}
	if (rx->prog)
		append(&buf, &len, &cap, "};\n");
	if (ncls) {
		append(&buf, &len, &cap, "static const uint8_t %s_cls[][32] "
		       "= {\n", name);
		for (i = 0; i < ncls; i++) {
			append(&buf, &len, &cap, "\t{");
			for (j = 0; j < 32; j++)
				append(&buf, &len, &cap, "%s0x%02x",
				       j ? "," : " ", rx->classes[i][j]);
			append(&buf, &len, &cap, " },\n");
		}
		append(&buf, &len, &cap, "};\n");
	}
	append(&buf, &len, &cap, "static const struct stp_regex %s = { \"",
	       name);
	for (s = rx->src; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			append(&buf, &len, &cap, "\\%c", c);
		else if (c < 32 || c >= 127 || c == '?')
			append(&buf, &len, &cap, "\\%03o", c);
		else
			append(&buf, &len, &cap, "%c", c);
	}
	if (rx->prog)
		append(&buf, &len, &cap, "\", %s_prog, ", name);
	else
		append(&buf, &len, &cap, "\", NULL, ");
	append(&buf, &len, &cap, "%d, %d, ", rx->len, rx->ngroups);
	if (ncls)
		append(&buf, &len, &cap, "%s_cls };\n", name);
	else
		append(&buf, &len, &cap, "NULL };\n");
	return buf;
}

bool regex_check(const char *re, size_t len, char *err, size_t errlen)
{
	struct stp_regex rx;

	if (!regex_compile(re, len, &rx, err, errlen))
		return false;
	regex_release(&rx);
	return true;
}

char *regex_c_data(const char *re, size_t len, const char *name)
{
	struct stp_regex rx;
	char err[160];
	char *text;

	if (regex_compile(re, len, &rx, err, sizeof(err))) {
		text = c_text(&rx, name);
		regex_release(&rx);
		return text;
	}
	/* Only the source, for libc: the user runtime's matcher. */
	rx.src = re;
	rx.ngroups = 1;
	text = c_text(&rx, name);
	return text;
}
