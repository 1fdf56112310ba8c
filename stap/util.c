/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.c - memory, strings, hash tables and small text helpers.
 *
 * The translator is a batch program: the whole AST lives in one arena,
 * released at exit, so no pass needs to free what it builds.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* Read a whole file; NULL with errno set on failure. */
char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	Buf b = { 0 };
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_putn(&b, chunk, n);
	if (ferror(f)) {
		int saved = errno ? errno : EIO;

		fclose(f);
		buf_free(&b);
		errno = saved;
		return NULL;
	}
	fclose(f);
	buf_putc(&b, '\0');
	*len = b.len - 1;
	return b.s;
}

/* ---- arena ---- */

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

static struct chunk *arena;

void *arena_alloc(size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct chunk *c = arena;

	n = (n + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < n) {
		size_t size = n > (1 << 20) ? n : (1 << 20);

		c = xmalloc(sizeof(*c) + size);
		c->next = arena;
		c->used = 0;
		c->size = size;
		arena = c;
	}
	c->used += n;
	return (char *)c->data + c->used - n;
}

void *arena_zalloc(size_t n)
{
	return memset(arena_alloc(n), 0, n);
}

char *arena_strndup(const char *s, size_t n)
{
	char *p = arena_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(const char *s)
{
	return arena_strndup(s, strlen(s));
}

char *arena_printf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = arena_alloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_free_all(void)
{
	while (arena) {
		struct chunk *next = arena->next;

		free(arena);
		arena = next;
	}
}

/* Grow an arena vector; the old storage is simply abandoned. */
void vec_grow(void **v, int *cap, size_t elem)
{
	int ncap = *cap ? *cap * 2 : 4;
	void *nv = arena_alloc((size_t)ncap * elem);

	if (*cap)
		memcpy(nv, *v, (size_t)*cap * elem);
	*v = nv;
	*cap = ncap;
}

/* ---- hash table ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int table_slot(const Table *t, const char *key)
{
	int mask = t->cap - 1;
	int i = (int)(hash_str(key) & (uint64_t)mask);

	while (t->keys[i] && strcmp(t->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

void *table_get(const Table *t, const char *key)
{
	int i;

	if (!t->cap)
		return NULL;
	i = table_slot(t, key);
	return t->keys[i] ? t->vals[i] : NULL;
}

static void table_resize(Table *t)
{
	Table n = { 0 };
	int i;

	n.cap = t->cap ? t->cap * 2 : 16;
	n.keys = arena_zalloc(sizeof(*n.keys) * (size_t)n.cap);
	n.vals = arena_zalloc(sizeof(*n.vals) * (size_t)n.cap);
	for (i = 0; i < t->cap; i++)
		if (t->keys[i])
			table_put(&n, t->keys[i], t->vals[i]);
	*t = n;
}

void table_put(Table *t, const char *key, void *val)
{
	int i;

	if ((t->len + 1) * 4 >= t->cap * 3)
		table_resize(t);
	i = table_slot(t, key);
	if (!t->keys[i]) {
		t->keys[i] = key;
		t->len++;
	}
	t->vals[i] = val;
}

/* ---- text buffer ---- */

void buf_putn(Buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_putc(Buf *b, char c)
{
	buf_putn(b, &c, 1);
}

void buf_puts(Buf *b, const char *s)
{
	buf_putn(b, s, strlen(s));
}

void buf_printf(Buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if ((size_t)n < sizeof(small)) {
		buf_putn(b, small, (size_t)n);
		return;
	}
	{
		char *big = xmalloc((size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		buf_putn(b, big, (size_t)n);
		free(big);
	}
}

void buf_free(Buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- small text helpers ---- */

bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

bool glob_match(const char *pattern, const char *name)
{
	return fnmatch(pattern, name, 0) == 0;
}

/*
 * Compare version strings such as "6.1.0-56-amd64" and "2.6.30": runs of
 * digits compare as numbers, everything else as characters.
 */
int version_compare(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea = a, *eb = b;
			size_t la, lb;
			int c;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			c = strncmp(a, b, la);
			if (c)
				return c < 0 ? -1 : 1;
			a = ea;
			b = eb;
		} else {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
		}
	}
	if (*a == *b)
		return 0;
	return *a ? 1 : -1;
}

static int edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	int row[64], i, j;

	if (la > 62 || lb > 62)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		int prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			int best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/* " (similar: a, b)" listing up to five close candidates, or "". */
const char *closest_names(const char *name, const char **cands, int n)
{
	const char *best[5];
	int dist[5], nbest = 0, i, k;
	int limit = (int)strlen(name) / 3 + 1;
	Buf b = { 0 };
	const char *res;

	for (i = 0; i < n; i++) {
		int d = edit_distance(name, cands[i]);

		if (d > limit || !strcmp(name, cands[i]))
			continue;
		for (k = nbest; k > 0 && dist[k - 1] > d; k--)
			if (k < 5) {
				best[k] = best[k - 1];
				dist[k] = dist[k - 1];
			}
		if (k < 5) {
			best[k] = cands[i];
			dist[k] = d;
			if (nbest < 5)
				nbest++;
		}
	}
	if (!nbest)
		return "";
	buf_puts(&b, " (similar: ");
	for (i = 0; i < nbest; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", best[i]);
	buf_puts(&b, ")");
	res = arena_strdup(b.s);
	buf_free(&b);
	return res;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The bytes a string literal stands for, its C escapes decoded (the
 * lexer kept them as written).  Returns a malloc'd buffer, NUL-terminated.
 */
char *decode_string(const char *raw, size_t *len)
{
	char *out = xmalloc(strlen(raw) + 1), *o = out;

	while (*raw) {
		int v, k;

		if (*raw != '\\' || !raw[1]) {
			*o++ = *raw++;
			continue;
		}
		raw++;
		switch (*raw) {
		case 'a': *o++ = '\a'; raw++; break;
		case 'b': *o++ = '\b'; raw++; break;
		case 't': *o++ = '\t'; raw++; break;
		case 'n': *o++ = '\n'; raw++; break;
		case 'v': *o++ = '\v'; raw++; break;
		case 'f': *o++ = '\f'; raw++; break;
		case 'r': *o++ = '\r'; raw++; break;
		case 'x':
			raw++;
			for (v = 0, k = 0; k < 2 && hex_value(*raw) >= 0; k++)
				v = v * 16 + hex_value(*raw++);
			*o++ = (char)v;
			break;
		default:
			if (*raw >= '0' && *raw <= '7') {
				for (v = 0, k = 0; k < 3 && *raw >= '0' &&
				     *raw <= '7'; k++)
					v = v * 8 + (*raw++ - '0');
				*o++ = (char)v;
			} else {
				*o++ = *raw++;
			}
			break;
		}
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return out;
}
