// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stp_map.c - the script's associative arrays.
 *
 * Memory: stp_map_new() allocates three blocks through the platform's
 * stp_alloc(): the map, its bucket heads and a pool of max_entries
 * fixed-size entries; nothing is allocated after that.  An entry is a
 * 24-byte header (32-bit links, the hash, its own index, its layout)
 * followed by the value and then the keys; strings are MAXSTRINGLEN
 * buffers inside the entry, as in SystemTap.
 *
 * Lookup: chained hashing over 2^(ceil(log2(max_entries)) + MAPHASHBIAS)
 * buckets (at least 2), so at most one entry per bucket on average when
 * full.  SystemTap rounds down instead (its HASHTABLESIZE); the count
 * only changes speed, never results, and rounding up keeps chains short
 * for sizes like 100,000.  The full hash is kept in the entry so a chain
 * walk compares keys only on a hash match.
 *
 * Placement: each bucket has a home slot in the pool, where a new entry
 * goes when that slot is free (see home_slot()).
 *
 * Order: in-use entries are on a doubly linked list, in insertion order
 * until stp_map_sort() relinks them; free entries on a doubly linked
 * free list (any free slot can be taken off it: its home).
 */
#include "stp_map.h"
#include "stp_platform.h"
#include "stp_string.h"

/*
 * Entries are addressed by their index in the pool: 32-bit links keep
 * the header at 24 bytes and the bucket heads at 4, so more of a big map
 * stays in the caches.  NIL ends a chain or a list.
 */
#define NIL UINT32_MAX
#define NKEYS_SHIFT 12
#define ENTRY_FREE (1u << 9)		/* in smask: on the free list */
#define STR_SLOT ((MAXSTRINGLEN + 7) & ~(size_t)7)

struct stp_map_entry {
	uint32_t lnext, lprev;		/* iteration order, or the free list */
	uint32_t hnext;			/* hash chain */
	uint32_t hash;
	uint32_t self;			/* this entry's index */
	uint16_t vsize;			/* bytes of the value: keys follow */
	uint16_t smask;			/* bit i < 9: key i is a string;
					 * ENTRY_FREE; from NKEYS_SHIFT:
					 * the key count */
	int64_t data[];			/* value, then keys */
};

struct stp_map {
	struct stp_map_spec spec;
	uint32_t size, max;
	uint32_t mask;			/* buckets - 1 */
	uint32_t hmask;			/* 2^floor(log2(max)) - 1 */
	uint32_t entry_size;
	uint32_t key_off[STP_MAX_KEYS];	/* from data[] */
	uint32_t head, tail;		/* iteration order */
	uint32_t free;			/* free list through lnext/lprev */
	uint32_t *buckets;
	char *pool;			/* max entries, 64-byte aligned */
	void *pool_mem;			/* as allocated */
};

static inline struct stp_map_entry *entry(const struct stp_map *map,
					  uint32_t i)
{
	return (struct stp_map_entry *)(map->pool + (size_t)i * map->entry_size);
}

static inline int64_t *key_long(const struct stp_map *map,
				const struct stp_map_entry *e, int i)
{
	return (int64_t *)((char *)e->data + map->key_off[i]);
}

static inline char *key_str(const struct stp_map *map,
			    const struct stp_map_entry *e, int i)
{
	return (char *)e->data + map->key_off[i];
}

/*
 * Each bucket has a home slot in the pool; an entry goes to its bucket's
 * home when that is free.  A lookup then fetches the home while it reads
 * the bucket, and for the entries at home (most, while the map is not
 * nearly full) the two cache misses overlap instead of following each
 * other.
 */
static inline uint32_t home_slot(const struct stp_map *map, uint32_t hash)
{
	uint32_t b = hash & map->mask;

	return b < map->max ? b : b & map->hmask;
}

/* Take free entry E off the free list. */
static void free_del(struct stp_map *map, struct stp_map_entry *e)
{
	if (e->lprev == NIL)
		map->free = e->lnext;
	else
		entry(map, e->lprev)->lnext = e->lnext;
	if (e->lnext != NIL)
		entry(map, e->lnext)->lprev = e->lprev;
	e->smask &= ~ENTRY_FREE;
}

static void free_add(struct stp_map *map, struct stp_map_entry *e)
{
	e->smask |= ENTRY_FREE;
	e->lprev = NIL;
	e->lnext = map->free;
	if (map->free != NIL)
		entry(map, map->free)->lprev = e->self;
	map->free = e->self;
}

/* Unlink I from the iteration list. */
static void map_unlink(struct stp_map *map, uint32_t i)
{
	struct stp_map_entry *e = entry(map, i);

	if (e->lprev == NIL)
		map->head = e->lnext;
	else
		entry(map, e->lprev)->lnext = e->lnext;
	if (e->lnext == NIL)
		map->tail = e->lprev;
	else
		entry(map, e->lnext)->lprev = e->lprev;
}

/* Link I after POS (NIL: first). */
static void list_add_after(struct stp_map *map, uint32_t i, uint32_t pos)
{
	struct stp_map_entry *e = entry(map, i);

	e->lprev = pos;
	e->lnext = pos == NIL ? map->head : entry(map, pos)->lnext;
	if (pos == NIL)
		map->head = i;
	else
		entry(map, pos)->lnext = i;
	if (e->lnext == NIL)
		map->tail = i;
	else
		entry(map, e->lnext)->lprev = i;
}

static size_t value_size(const struct stp_map_spec *spec)
{
	switch (spec->value_kind) {
	case STP_LONG:
		return sizeof(int64_t);
	case STP_STRING:
		return (MAXSTRINGLEN + 7) & ~(size_t)7;
	case STP_STAT:
		return (stp_stat_size(&spec->hist) + 7) & ~(size_t)7;
	}
	return 0;
}

static bool spec_valid(const struct stp_map_spec *spec)
{
	int i;

	if (spec->nkeys < 1 || spec->nkeys > STP_MAX_KEYS || !value_size(spec))
		return false;
	for (i = 0; i < spec->nkeys; i++)
		if (spec->key_kind[i] != STP_LONG &&
		    spec->key_kind[i] != STP_STRING)
			return false;
	return true;
}

/* 2^max(ceil(log2(entries)) + MAPHASHBIAS, 1), at most 2^30. */
static uint32_t bucket_count(uint32_t entries)
{
	int bits = 0;

	while (bits < 31 && (UINT32_C(1) << bits) < entries)
		bits++;
	bits += MAPHASHBIAS;
	if (bits < 1)
		bits = 1;
	if (bits > 30)
		bits = 30;	/* SystemTap: a build failure */
	return UINT32_C(1) << bits;
}

struct stp_map *stp_map_new(const struct stp_map_spec *spec)
{
	struct stp_map *map;
	size_t off, vsize;
	uint32_t max, nb, i;
	uint16_t smask = 0;
	int k;

	if (!spec_valid(spec))
		return NULL;
	max = spec->max_entries ? spec->max_entries : MAXMAPENTRIES;
	vsize = value_size(spec);
	off = vsize;
	for (k = 0; k < spec->nkeys; k++) {
		if (spec->key_kind[k] == STP_STRING)
			smask |= 1u << k;
		off += spec->key_kind[k] == STP_LONG ? sizeof(int64_t) : STR_SLOT;
	}
	off += sizeof(struct stp_map_entry);
	if (vsize > UINT16_MAX || max == NIL ||
	    (uint64_t)off * max > SIZE_MAX / 2)
		return NULL;
	map = stp_alloc(sizeof(*map));
	if (!map)
		return NULL;
	memset(map, 0, sizeof(*map));
	map->spec = *spec;
	map->max = max;
	map->entry_size = (uint32_t)off;
	for (off = vsize, k = 0; k < spec->nkeys; k++) {
		map->key_off[k] = (uint32_t)off;
		off += spec->key_kind[k] == STP_LONG ? sizeof(int64_t) : STR_SLOT;
	}
	nb = bucket_count(max);
	map->mask = nb - 1;
	for (map->hmask = 1; map->hmask <= max / 2; map->hmask <<= 1)
		;
	map->hmask--;
	map->buckets = stp_alloc((size_t)nb * sizeof(*map->buckets));
	if (!map->buckets)
		goto fail;
	/* 64-byte aligned: a small entry then spans as few lines as it can. */
	map->pool_mem = stp_alloc((size_t)map->entry_size * max + 63);
	if (!map->pool_mem)
		goto fail;
	map->pool = (char *)(((uintptr_t)map->pool_mem + 63) & ~(uintptr_t)63);
	memset(map->buckets, 0xff, (size_t)nb * sizeof(*map->buckets));
	map->head = map->tail = NIL;
	for (i = 0; i < max; i++) {
		struct stp_map_entry *e = entry(map, i);

		e->self = i;
		e->vsize = (uint16_t)vsize;
		e->smask = (uint16_t)(smask | spec->nkeys << NKEYS_SHIFT |
				      ENTRY_FREE);
		e->lnext = i + 1 < max ? i + 1 : NIL;
		e->lprev = i ? i - 1 : NIL;
	}
	map->free = 0;
	return map;
fail:
	stp_free(map->buckets);
	stp_free(map);
	return NULL;
}

void stp_map_free(struct stp_map *map)
{
	if (!map)
		return;
	stp_free(map->pool_mem);
	stp_free(map->buckets);
	stp_free(map);
}

/* Length of a string key as stored: MAXSTRINGLEN - 1 bytes at most. */
static inline size_t key_len(const char *s)
{
	const char *nul = memchr(s, '\0', MAXSTRINGLEN - 1);

	return nul ? (size_t)(nul - s) : MAXSTRINGLEN - 1;
}

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

/* The string's bytes, eight at a time (memcpy: no reads past its end). */
static uint64_t hash_str(const char *s, size_t len)
{
	uint64_t h = len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
		h ^= h >> 29;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
	}
	return h;
}

static uint32_t hash_keys(const struct stp_map *map, const union stp_arg *keys)
{
	uint64_t h = 0;
	int i;

	for (i = 0; i < map->spec.nkeys; i++) {
		uint64_t k = map->spec.key_kind[i] == STP_LONG ?
			     (uint64_t)keys[i].l :
			     hash_str(keys[i].s, key_len(keys[i].s));

		h = (h ^ k) * UINT64_C(0xc2b2ae3d27d4eb4f) + (uint64_t)i;
	}
	return (uint32_t)mix64(h);
}

static bool keys_equal(const struct stp_map *map, const struct stp_map_entry *e,
		       const union stp_arg *keys)
{
	int i;

	for (i = 0; i < map->spec.nkeys; i++) {
		if (map->spec.key_kind[i] == STP_LONG) {
			if (*key_long(map, e, i) != keys[i].l)
				return false;
		} else if (strncmp(key_str(map, e, i), keys[i].s,
				   MAXSTRINGLEN - 1) != 0) {
			return false;
		}
	}
	return true;
}

static struct stp_map_entry *map_lookup(struct stp_map *map,
				    const union stp_arg *keys, uint32_t hash)
{
	uint32_t i;
	struct stp_map_entry *e;

	stp_prefetch(entry(map, home_slot(map, hash)));
	for (i = map->buckets[hash & map->mask]; i != NIL; i = e->hnext) {
		e = entry(map, i);
		if (e->hash == hash && keys_equal(map, e, keys))
			return e;
	}
	return NULL;
}

struct stp_map_entry *stp_map_find(struct stp_map *map,
				   const union stp_arg *keys)
{
	return map_lookup(map, keys, hash_keys(map, keys));
}

/* Chains are short (at most one entry per bucket on average): walk to E. */
static void hash_unlink(struct stp_map *map, struct stp_map_entry *e)
{
	uint32_t *link = &map->buckets[e->hash & map->mask];

	while (*link != e->self)
		link = &entry(map, *link)->hnext;
	*link = e->hnext;
}

static void init_value(struct stp_map *map, struct stp_map_entry *e)
{
	switch (map->spec.value_kind) {
	case STP_LONG:
		e->data[0] = 0;
		break;
	case STP_STRING:
		*(char *)e->data = '\0';
		break;
	case STP_STAT:
		stp_stat_init_map((struct stp_stat *)e->data, &map->spec.hist);
		break;
	}
}

/*
 * A free entry, or for a wrapping map the first in iteration order (the
 * oldest, unless a sort reordered them: SystemTap takes the list head
 * too).
 */
static struct stp_map_entry *take_entry(struct stp_map *map, uint32_t hash)
{
	struct stp_map_entry *e;

	if (map->free != NIL) {
		e = entry(map, home_slot(map, hash));
		if (!(e->smask & ENTRY_FREE))
			e = entry(map, map->free);
		free_del(map, e);
		map->size++;
		return e;
	}
	if (!map->spec.wrap || map->head == NIL)
		return NULL;
	e = entry(map, map->head);
	hash_unlink(map, e);
	map_unlink(map, e->self);
	return e;
}

struct stp_map_entry *stp_map_insert(struct stp_map *map,
				     const union stp_arg *keys, int *err)
{
	uint32_t hash = hash_keys(map, keys), *b;
	struct stp_map_entry *e = map_lookup(map, keys, hash);
	int i;

	if (e)
		return e;
	e = take_entry(map, hash);
	if (!e) {
		*err = STP_EFULL;
		return NULL;
	}
	for (i = 0; i < map->spec.nkeys; i++) {
		if (map->spec.key_kind[i] == STP_LONG) {
			*key_long(map, e, i) = keys[i].l;
		} else {
			size_t n = key_len(keys[i].s);
			char *k = key_str(map, e, i);

			memcpy(k, keys[i].s, n);
			k[n] = '\0';
		}
	}
	init_value(map, e);
	e->hash = hash;
	b = &map->buckets[hash & map->mask];
	e->hnext = *b;
	*b = e->self;
	list_add_after(map, e->self, map->tail);
	return e;
}

void stp_map_remove(struct stp_map *map, struct stp_map_entry *e)
{
	hash_unlink(map, e);
	map_unlink(map, e->self);
	free_add(map, e);
	map->size--;
}

void stp_map_clear(struct stp_map *map)
{
	uint32_t i, next;

	for (i = map->head; i != NIL; i = next) {
		struct stp_map_entry *e = entry(map, i);

		next = e->lnext;
		map->buckets[e->hash & map->mask] = NIL;
		free_add(map, e);
	}
	map->head = map->tail = NIL;
	map->size = 0;
}

uint32_t stp_map_size(const struct stp_map *map)
{
	return map->size;
}

/* Key I's place in E, from what E itself records (no map at hand). */
static inline const char *entry_key(const struct stp_map_entry *e, int i)
{
	unsigned int before = e->smask & ((1u << i) - 1);	/* i < 9 */
	unsigned int nstr = stp_popcount32(before);

	return (const char *)e->data + e->vsize + 8 * (size_t)i +
	       (STR_SLOT - 8) * nstr;
}

union stp_arg stp_map_key(const struct stp_map_entry *e, int i)
{
	union stp_arg a;
	const char *k = entry_key(e, i);

	if (e->smask & (1u << i))
		a.s = k;
	else
		memcpy(&a.l, k, sizeof(a.l));
	return a;
}

int64_t *stp_map_long(struct stp_map_entry *e)
{
	return e->data;
}

char *stp_map_string(struct stp_map_entry *e)
{
	return (char *)e->data;
}

struct stp_stat *stp_map_stat(struct stp_map_entry *e)
{
	return (struct stp_stat *)e->data;
}

bool stp_map_matches(const struct stp_map_entry *e, const union stp_arg *keys,
		     unsigned int wild)
{
	int i, n = e->smask >> NKEYS_SHIFT;

	for (i = 0; i < n; i++) {
		union stp_arg k;

		if (wild & (1u << i))
			continue;
		k = stp_map_key(e, i);
		if (e->smask & (1u << i)) {
			if (strncmp(k.s, keys[i].s, MAXSTRINGLEN - 1) != 0)
				return false;
		} else if (k.l != keys[i].l) {
			return false;
		}
	}
	return true;
}

struct stp_map_entry *stp_map_first(struct stp_map *map)
{
	return map->head == NIL ? NULL : entry(map, map->head);
}

struct stp_map_entry *stp_map_next(struct stp_map *map,
				   struct stp_map_entry *e)
{
	return e->lnext == NIL ? NULL : entry(map, e->lnext);
}

int stp_map_aggregate(struct stp_map *agg, struct stp_map *part)
{
	union stp_arg keys[STP_MAX_KEYS];
	struct stp_map_entry *from, *to;
	int i, err = 0;

	if (agg->spec.value_kind != part->spec.value_kind ||
	    agg->spec.nkeys != part->spec.nkeys)
		return STP_EINVAL;
	for (from = stp_map_first(part); from; from = stp_map_next(part, from)) {
		for (i = 0; i < part->spec.nkeys; i++)
			keys[i] = stp_map_key(from, i);
		to = stp_map_insert(agg, keys, &err);
		if (!to)
			return err;
		switch (agg->spec.value_kind) {
		case STP_LONG:
			to->data[0] = (int64_t)((uint64_t)to->data[0] +
						(uint64_t)from->data[0]);
			break;
		case STP_STRING:
			stp_strlcat(stp_map_string(to), stp_map_string(from),
				    MAXSTRINGLEN);
			break;
		case STP_STAT:
			stp_stat_merge(stp_map_stat(to), stp_map_stat(from),
				       &agg->spec.hist);
			break;
		}
	}
	return 0;
}

/* What a sort compares, fixed for one stp_map_sort() call. */
struct sort_ctx {
	struct stp_map *map;
	int dir;
	enum stp_statop op;
	enum stp_kind kind;
	uint32_t off;		/* of the key or value in data[] */
};

/* -1, 0, 1 as A sorts before, with, after B, ascending. */
static int compare(const struct sort_ctx *c, const struct stp_map_entry *a,
		   const struct stp_map_entry *b)
{
	const char *pa = (const char *)a->data + c->off;
	const char *pb = (const char *)b->data + c->off;
	int64_t x, y;

	switch (c->kind) {
	case STP_LONG:
		x = *(const int64_t *)pa;
		y = *(const int64_t *)pb;
		break;
	case STP_STRING:
		return strcmp(pa, pb);
	default:
		x = stp_stat_value((const struct stp_stat *)pa, c->op);
		y = stp_stat_value((const struct stp_stat *)pb, c->op);
		break;
	}
	return x < y ? -1 : x > y;
}

/* Must entry A come after entry B in the requested order?  (Strictly:
 * that is what makes the sorts stable.) */
static inline bool after(const struct sort_ctx *c, uint32_t a, uint32_t b)
{
	int r = compare(c, entry(c->map, a), entry(c->map, b));

	return c->dir > 0 ? r > 0 : r < 0;
}

/*
 * Bottom-up merge sort of the list (stable, O(n log n), no recursion, no
 * allocation): runs of 1, 2, 4 ... merged along the lnext chain, then
 * the lprev links rebuilt.
 */
static void merge_sort(struct stp_map *map, const struct sort_ctx *c)
{
	uint32_t list = map->head, p, q, e, tail, prev;
	size_t insize = 1, nmerges, psize, qsize;

	if (list == NIL)
		return;
	do {
		p = list;
		list = tail = NIL;
		nmerges = 0;
		while (p != NIL) {
			nmerges++;
			q = p;
			for (psize = 0; psize < insize && q != NIL; psize++)
				q = entry(map, q)->lnext;
			qsize = insize;
			while (psize > 0 || (qsize > 0 && q != NIL)) {
				if (psize && (!qsize || q == NIL ||
					      !after(c, p, q))) {
					e = p;
					p = entry(map, p)->lnext;
					psize--;
				} else {
					e = q;
					q = entry(map, q)->lnext;
					qsize--;
				}
				if (tail != NIL)
					entry(map, tail)->lnext = e;
				else
					list = e;
				tail = e;
			}
			p = q;
		}
		entry(map, tail)->lnext = NIL;
		insize *= 2;
	} while (nmerges > 1);
	map->head = list;
	for (prev = NIL, e = list; e != NIL; prev = e, e = entry(map, e)->lnext)
		entry(map, e)->lprev = prev;
	map->tail = prev;
}

/*
 * The first N in order, the rest left as SystemTap's _stp_map_sortn()
 * leaves them, so that a later unsorted foreach sees the same order:
 * bubble passes over the first N, then each later entry that beats the
 * N-th is moved into place and pushes the N-th out.  O(N * size).
 */
static void top_sort(struct stp_map *map, const struct sort_ctx *c, int n)
{
	uint32_t a, b, last, next, pos;
	int num, swaps;

	if (map->head == NIL)
		return;
	do {
		swaps = 0;
		num = n;
		a = map->head;
		while ((b = entry(map, a)->lnext) != NIL && --num > 0) {
			if (after(c, a, b)) {	/* swap: a goes after b */
				map_unlink(map, a);
				list_add_after(map, a, b);
				swaps++;
			} else {
				a = b;
			}
		}
	} while (swaps);
	last = a;
	for (a = entry(map, last)->lnext; a != NIL; a = next) {
		next = entry(map, a)->lnext;
		for (pos = last; pos != NIL && after(c, pos, a);
		     pos = entry(map, pos)->lprev)
			;
		if (pos != last) {
			map_unlink(map, a);
			list_add_after(map, a, pos);
			last = entry(map, last)->lprev;
		}
	}
}

#define TOP_SORT_MAX 30		/* SystemTap's threshold for _stp_map_sortn */

void stp_map_sort(struct stp_map *map, int key, int dir, enum stp_statop op,
		  int64_t limit)
{
	struct sort_ctx c = { map, dir, op ? op : STP_COUNT, STP_LONG, 0 };

	if (key < 0 || key > map->spec.nkeys || dir == 0)
		return;
	if (key == 0) {
		c.kind = map->spec.value_kind;
	} else {
		c.kind = map->spec.key_kind[key - 1];
		c.off = map->key_off[key - 1];
	}
	if (limit <= 0 || limit > TOP_SORT_MAX)
		merge_sort(map, &c);
	else
		top_sort(map, &c, (int)limit);
}
