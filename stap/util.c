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

_Noreturn void ulib_oom(size_t n)
{
	fatal("out of memory (%zu bytes)", n);
	abort();
}

/* ---- arena ---- */

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

static struct chunk *arena;

/* N bytes at an address aligned to ALIGN (a power of 2).  Strings take
 * align 1: most tokens' texts are a few bytes, not 16. */
static void *arena_take(size_t n, size_t align)
{
	struct chunk *c = arena;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;

	if (!c || at > c->size || c->size - at < n) {
		size_t size = n > (1 << 20) ? n : (1 << 20);

		c = xmalloc(sizeof(*c) + size);
		c->next = arena;
		c->size = size;
		arena = c;
		at = 0;
	}
	c->used = at + n;
	return (char *)c->data + at;
}

void *arena_alloc(size_t n)
{
	return arena_take(n, sizeof(max_align_t));
}

ArenaMark arena_mark(void)
{
	ArenaMark m = { arena, arena ? arena->used : 0 };

	return m;
}

void arena_release(ArenaMark m)
{
	while (arena != m.chunk) {
		struct chunk *c = arena;

		arena = c->next;
		free(c);
	}
	if (arena)
		arena->used = m.used;
}

void *arena_zalloc(size_t n)
{
	return memset(arena_alloc(n), 0, n);
}

char *arena_strndup(const char *s, size_t n)
{
	char *p = arena_take(n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(const char *s)
{
	return arena_strndup(s, strlen(s));
}

char *arena_vprintf(const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	char *p;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	p = arena_alloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* Caches that keep arena memory beside handles of their own (libbpf's
 * BTF, libdw's files) end with the arena, before it, so that a cache
 * never outlives the memory it points into: one process may run many
 * sessions (the fuzzer, the unit tests), each ending in arena_free_all. */
static void (*arena_enders[8])(void);
static int narena_enders;

void arena_on_free(void (*end)(void))
{
	int i;

	for (i = 0; i < narena_enders; i++)
		if (arena_enders[i] == end)
			return;
	if (narena_enders == (int)(sizeof(arena_enders) /
				   sizeof(arena_enders[0])))
		abort();	/* a new cache: make room for it here */
	arena_enders[narena_enders++] = end;
}

void arena_free_all(void)
{
	/* Last registered, first ended: a cache may use an earlier one. */
	while (narena_enders)
		arena_enders[--narena_enders]();
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
	b->s = xgrow(b->s, &b->cap, b->len + n + 1);
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

bool str_in(const char *s, const char *const *list)
{
	int i;

	/* The first character first: the parser asks this of every
	 * operator token at every precedence level. */
	for (i = 0; list[i]; i++)
		if (*s == *list[i] && !strcmp(s, list[i]))
			return true;
	return false;
}

bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

bool compare_holds(const char *op, int c)
{
	if (!strcmp(op, "=="))
		return c == 0;
	if (!strcmp(op, "!="))
		return c != 0;
	if (!strcmp(op, "<"))
		return c < 0;
	if (!strcmp(op, "<="))
		return c <= 0;
	if (!strcmp(op, ">"))
		return c > 0;
	return c >= 0;
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

/* ---- SHA-256 (FIPS 180-4), for the cache's keys ---- */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(Sha256 *h, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = (ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^
			(w[i - 2] >> 10)) + w[i - 7] +
		       (ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^
			(w[i - 15] >> 3)) + w[i - 16];
	a = h->s[0]; b = h->s[1]; c = h->s[2]; d = h->s[3];
	e = h->s[4]; f = h->s[5]; g = h->s[6]; k = h->s[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) +
		     ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h->s[0] += a; h->s[1] += b; h->s[2] += c; h->s[3] += d;
	h->s[4] += e; h->s[5] += f; h->s[6] += g; h->s[7] += k;
}

void sha256_init(Sha256 *h)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(h->s, iv, sizeof(iv));
	h->len = 0;
	h->fill = 0;
}

void sha256_update(Sha256 *h, const void *data, size_t n)
{
	const unsigned char *p = data;

	h->len += n;
	while (n) {
		size_t take = 64 - h->fill < n ? 64 - h->fill : n;

		memcpy(h->buf + h->fill, p, take);
		h->fill += take;
		p += take;
		n -= take;
		if (h->fill == 64) {
			sha_block(h, h->buf);
			h->fill = 0;
		}
	}
}

/* The digest as 64 hex digits into HEX (65 bytes). */
void sha256_hex(Sha256 *h, char *hex)
{
	uint64_t bits = h->len * 8;
	unsigned char pad = 0x80, len[8];
	int i;

	sha256_update(h, &pad, 1);
	pad = 0;
	while (h->fill != 56)
		sha256_update(h, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(h, len, 8);
	for (i = 0; i < 8; i++)
		sprintf(hex + 8 * i, "%08x", h->s[i]);
}
