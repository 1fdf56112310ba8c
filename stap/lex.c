/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lex.c - source text to tokens.
 *
 * Comments are '#', '//' and C-style; a first line '#!' is a comment.
 * String escapes are kept as written (they reach C or the regex compiler
 * verbatim) except that an unknown escape loses its backslash, as in
 * SystemTap.  Numbers are kept as spelled: converting them (and rejecting
 * "0xzoo" or "2015a") is the parser's job, so that text in an untaken
 * %( %) branch never raises an error.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

static const char *const keywords[] = {
	"probe", "global", "function", "private", "if", "else", "for",
	"foreach", "in", "limit", "return", "delete", "while", "break",
	"continue", "next", "try", "catch", "string", "long", NULL,
};

/* Longest first, so the first match is the longest. */
static const char *const operators[] = {
	"<<<", "<<=", ">>=", ">>>",
	"==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=",
	"/=", "%=", "&=", "^=", "|=", ".=", "->", "=~", "!~", "<<", ">>",
	"%(", "%?", "%:", "%)",
	"+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|", "^", ".",
	",", ";", ":", "?", "(", ")", "[", "]", "{", "}", NULL,
};

Source *source_from_file(const char *path, bool tapset)
{
	Source *src;
	size_t len;
	char *text = read_file(path, &len);

	if (!text)
		return NULL;
	src = NEW(Source);
	src->name = arena_strdup(path);
	src->text = arena_strndup(text, len);
	src->len = len;
	src->tapset = tapset;
	free(text);
	return src;
}

Source *source_from_string(const char *name, const char *text)
{
	Source *src = NEW(Source);

	src->name = name;
	src->text = arena_strdup(text);
	src->len = strlen(text);
	return src;
}

bool tok_is(const Token *t, TokKind kind, const char *text)
{
	return t->kind == kind && !strcmp(t->text, text);
}

bool tok_op(const Token *t, const char *op)
{
	return tok_is(t, TK_OP, op);
}

bool tok_kw(const Token *t, const char *kw)
{
	return tok_is(t, TK_KEYWORD, kw);
}

/* "identifier 'foo'", "operator '+'", ... for messages. */
const char *tok_describe(const Token *t)
{
	switch (t->kind) {
	case TK_EOF:
		return "end of input";
	case TK_IDENT:
		return arena_printf("identifier '%s'", t->text);
	case TK_KEYWORD:
		return arena_printf("keyword '%s'", t->text);
	case TK_NUM:
		return arena_printf("number '%s'", t->text);
	case TK_STR:
		return arena_printf("string \"%s\"", t->text);
	case TK_OP:
		return arena_printf("'%s'", t->text);
	case TK_EMBEDDED:
		return "embedded code";
	case TK_ARG:
		return arena_printf("argument '%s'", t->text);
	}
	return "token";
}

typedef struct Lexer {
	const Source *src;
	const char *p, *end;
	int line, col;
	Token **toks;		/* on the heap: the caller frees the array */
	int ntok, cap;
} Lexer;

static void advance(Lexer *lx, size_t n)
{
	while (n-- > 0 && lx->p < lx->end) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->col = 1;
		} else {
			lx->col++;
		}
		lx->p++;
	}
}

static bool starts(const Lexer *lx, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(lx->end - lx->p) >= n && !memcmp(lx->p, s, n);
}

/* ---- token storage ---- */

/* Tokens live in chunks of their own, in the order they are made, so
 * that -p1 can free the tokens of the items it has printed
 * (lex_drop_before); the rest go when the arena does. */
enum { CHUNK_TOKENS = 16384 };
typedef struct TokChunk {
	struct TokChunk *next;
	int used;
	Token toks[CHUNK_TOKENS];
} TokChunk;
static TokChunk *first_chunk, *last_chunk;

static void free_tokens(void)
{
	while (first_chunk) {
		TokChunk *c = first_chunk;

		first_chunk = c->next;
		free(c);
	}
	last_chunk = NULL;
}

static Token *new_token(void)
{
	Token *t;

	if (!last_chunk || last_chunk->used == CHUNK_TOKENS) {
		TokChunk *c = xmalloc(sizeof(*c));

		c->next = NULL;
		c->used = 0;
		if (last_chunk) {
			last_chunk->next = c;
		} else {
			first_chunk = c;
			arena_on_free(free_tokens);
		}
		last_chunk = c;
	}
	t = &last_chunk->toks[last_chunk->used++];
	memset(t, 0, sizeof(*t));
	return t;
}

const void *lex_mark(void)
{
	return last_chunk;
}

void lex_drop_before(const void *mark, const Token *t)
{
	TokChunk **link = mark ? &((TokChunk *)mark)->next : &first_chunk;
	TokChunk *c;

	for (c = *link; c; c = c->next)
		if (t >= c->toks && t < c->toks + CHUNK_TOKENS)
			break;
	if (!c)
		return;		/* not a token made after MARK */
	while (*link != c) {
		TokChunk *dead = *link;

		*link = dead->next;
		free(dead);
	}
}

/* A token spelled TEXT (LEN bytes).  The array of pointers grows on the
 * heap: a growing array of tokens in the arena left every smaller copy
 * behind (800 MB for a 10 MB script). */
static Token *add_token(Lexer *lx, TokKind kind, const char *text, int len,
			int line, int col, bool space)
{
	Token *t = new_token();

	t->kind = kind;
	t->space = space;
	t->src = lx->src;
	t->line = line;
	t->col = col;
	t->len = len;
	t->text = text;
	if (lx->ntok == lx->cap) {
		lx->cap = lx->cap ? lx->cap * 2 : 1024;
		lx->toks = xrealloc(lx->toks, sizeof(*lx->toks) *
				    (size_t)lx->cap);
	}
	lx->toks[lx->ntok++] = t;
	return t;
}

/* A token spelled as the source from START to here. */
static Token *push_token(Lexer *lx, TokKind kind, const char *start,
			 int line, int col, bool space)
{
	int len = (int)(lx->p - start);

	return add_token(lx, kind, arena_strndup(start, (size_t)len), len,
			 line, col, space);
}

static void lex_error(Lexer *lx, int line, int col, const char *fmt,
		      const char *arg)
{
	Token t = { 0 };

	t.kind = TK_EOF;
	t.text = "";
	t.src = lx->src;
	t.line = line;
	t.col = col;
	parse_error(&t, fmt, arg);
}

/* Skip blanks and comments; true if anything was skipped. */
static bool skip_space(Lexer *lx)
{
	bool skipped = false;

	while (lx->p < lx->end) {
		if (isspace((unsigned char)*lx->p)) {
			advance(lx, 1);
		} else if (*lx->p == '#' || starts(lx, "//")) {
			while (lx->p < lx->end && *lx->p != '\n')
				advance(lx, 1);
		} else if (starts(lx, "/*")) {
			int line = lx->line, col = lx->col;

			advance(lx, 2);
			while (lx->p < lx->end && !starts(lx, "*/"))
				advance(lx, 1);
			if (lx->p >= lx->end) {
				lex_error(lx, line, col, "unterminated comment%s",
					  "");
				return true;
			}
			advance(lx, 2);
		} else {
			break;
		}
		skipped = true;
	}
	return skipped;
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static void lex_word(Lexer *lx, bool space)
{
	const char *start = lx->p;
	int line = lx->line, col = lx->col;
	size_t len;
	int i;

	advance(lx, 1);
	while (lx->p < lx->end && ident_char(*lx->p) &&
	       !(*start == '@' && *lx->p == '$'))
		advance(lx, 1);
	len = (size_t)(lx->p - start);
	/* Keywords share one spelling.  The first letter first: every
	 * word of every tapset file comes through here. */
	for (i = 0; keywords[i]; i++)
		if (keywords[i][0] == *start &&
		    !strncmp(start, keywords[i], len) && !keywords[i][len]) {
			add_token(lx, TK_KEYWORD, keywords[i], (int)len, line,
				  col, space);
			return;
		}
	push_token(lx, TK_IDENT, start, line, col, space);
}

/* $1 @1 $# @#: command-line arguments, substituted by pp.c. */
static void lex_arg(Lexer *lx, bool space)
{
	const char *start = lx->p;
	int line = lx->line, col = lx->col;
	bool digits = true;
	Token *t;

	advance(lx, 1);
	if (*lx->p == '#') {
		advance(lx, 1);
		t = push_token(lx, TK_ARG, start, line, col, space);
		t->at_arg = *start == '@';
		t->arg = 0;
		return;
	}
	while (lx->p < lx->end && ident_char(*lx->p)) {
		if (!isdigit((unsigned char)*lx->p))
			digits = false;
		advance(lx, 1);
	}
	t = push_token(lx, TK_ARG, start, line, col, space);
	t->at_arg = *start == '@';
	errno = 0;
	t->arg = digits && t->len < 8 ? (int)strtol(t->text + 1, NULL, 10) : -1;
	if (t->arg <= 0)
		lex_error(lx, line, col,
			  "invalid command line argument reference '%s'"
			  " (arguments are numbered from 1)", t->text);
}

static void lex_number(Lexer *lx, bool space)
{
	const char *start = lx->p;
	int line = lx->line, col = lx->col;

	while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) ||
				   *lx->p == '_'))
		advance(lx, 1);
	push_token(lx, TK_NUM, start, line, col, space);
}

static void lex_string(Lexer *lx, bool space)
{
	int line = lx->line, col = lx->col;
	Buf b = { 0 };
	Token *t;

	advance(lx, 1);
	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\0' || (*lx->p == '\\' && lx->p + 1 < lx->end &&
					lx->p[1] == '\0')) {
			/* Strings become C strings: a NUL would cut them. */
			lex_error(lx, lx->line, lx->col, "a NUL byte in a string"
				  " literal%s", "");
			advance(lx, 1);
		} else if (*lx->p == '\\' && lx->p + 1 < lx->end) {
			char c = lx->p[1];

			if (strchr("abtnvfr01234567x\\'\"", c))
				buf_putc(&b, '\\');
			buf_putc(&b, c);
			advance(lx, 2);
		} else {
			buf_putc(&b, *lx->p);
			advance(lx, 1);
		}
	}
	if (lx->p >= lx->end) {
		lex_error(lx, line, col, "unterminated string literal%s", "");
		buf_free(&b);
		return;
	}
	advance(lx, 1);
	t = push_token(lx, TK_STR, lx->p, line, col, space);
	t->text = arena_strndup(b.s ? b.s : "", b.len);
	t->len = (int)b.len;
	buf_free(&b);
}

static void lex_embedded(Lexer *lx, bool space)
{
	int line = lx->line, col = lx->col;
	const char *body;

	advance(lx, 2);
	body = lx->p;
	while (lx->p < lx->end && !starts(lx, "%}")) {
		if (*lx->p == '\0')
			lex_error(lx, lx->line, lx->col, "a NUL byte in embedded"
				  " code%s", "");
		advance(lx, 1);
	}
	if (lx->p >= lx->end) {
		lex_error(lx, line, col,
			  "unterminated embedded code: missing '%%}'%s", "");
		return;
	}
	push_token(lx, TK_EMBEDDED, body, line, col, space);
	advance(lx, 2);
}

static bool lex_operator(Lexer *lx, bool space)
{
	int line = lx->line, col = lx->col;
	int i;

	for (i = 0; operators[i]; i++)
		if (operators[i][0] == *lx->p && starts(lx, operators[i])) {
			int len = (int)strlen(operators[i]);

			advance(lx, (size_t)len);
			/* Operators share one spelling. */
			add_token(lx, TK_OP, operators[i], len, line, col, space);
			return true;
		}
	return false;
}

Token **lex_source(const Source *src, int *ntok)
{
	Lexer lx = { 0 };

	lx.src = src;
	lx.p = src->text;
	lx.end = src->text + src->len;
	lx.line = 1;
	lx.col = 1;
	if (starts(&lx, "#!"))
		while (lx.p < lx.end && *lx.p != '\n')
			advance(&lx, 1);

	for (;;) {
		bool space = skip_space(&lx);
		char c, c2;

		if (lx.p >= lx.end)
			break;
		c = *lx.p;
		c2 = lx.p + 1 < lx.end ? lx.p[1] : '\0';
		if (isalpha((unsigned char)c) || c == '_' ||
		    (c == '$' && (isalpha((unsigned char)c2) || c2 == '_' ||
				  c2 == '$')) ||
		    (c == '@' && (isalpha((unsigned char)c2) || c2 == '_')))
			lex_word(&lx, space);
		else if ((c == '$' || c == '@') &&
			 (isdigit((unsigned char)c2) || c2 == '#'))
			lex_arg(&lx, space);
		else if (isdigit((unsigned char)c))
			lex_number(&lx, space);
		else if (c == '"')
			lex_string(&lx, space);
		else if (starts(&lx, "%{"))
			lex_embedded(&lx, space);
		else if (!lex_operator(&lx, space)) {
			char bad[8];

			if (isprint((unsigned char)c))
				snprintf(bad, sizeof(bad), "'%c'", c);
			else
				snprintf(bad, sizeof(bad), "\\x%02x",
					 (unsigned char)c);
			lex_error(&lx, lx.line, lx.col,
				  "unexpected character %s", bad);
			advance(&lx, 1);
		}
	}
	add_token(&lx, TK_EOF, "", 0, lx.line, lx.col, true);
	*ntok = lx.ntok;
	return lx.toks;
}
