// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stp_map.c - the script's associative arrays.
 *
 * Memory: stp_map_new() allocates three blocks through the platform's
 * stp_alloc(): the map, its bucket heads and a pool of max_entries
 * fixed-size entries; nothing is allocated after that.  An entry is a
 * header (list and hash links, the map, the hash) followed by the value
 * and then the keys, at offsets the map computes once; strings are
 * MAXSTRINGLEN buffers inside the entry, as in SystemTap.
 *
 * Lookup: chained hashing over 2^(ilog2(max_entries) + MAPHASHBIAS)
 * buckets (SystemTap's HASHTABLESIZE), each chain doubly linked through
 * the entries so removal is O(1); the full hash is kept in the entry so
 * a chain walk compares keys only on a hash match.
 *
 * Order: in-use entries are on a circular list with a sentinel in the
 * map, in insertion order until stp_map_sort() relinks them; free
 * entries are on a singly linked free list.
 */
#include "stp_map.h"
#include "stp_platform.h"
#include "stp_string.h"

struct stp_list {
	struct stp_list *next, *prev;
};

struct stp_map_entry {
	struct stp_list list;		/* first: entries are found from it */
	struct stp_map_entry *hnext;	/* hash chain, or the free list */
	struct stp_map_entry **hpprev;	/* what points at us in the chain */
	const struct stp_map *map;	/* for the accessors' offsets */
	uint32_t hash;
	uint32_t unused;
	int64_t data[];			/* value, then keys */
};

struct stp_map {
	struct stp_map_spec spec;
	uint32_t size, max;
	uint32_t mask;			/* buckets - 1 */
	uint32_t entry_size;
	uint32_t key_off[STP_MAX_KEYS];	/* from data[] */
	struct stp_list head;
	struct stp_map_entry **buckets;
	struct stp_map_entry *free;
	char *pool;
};

#define ENTRY(l) ((struct stp_map_entry *)(l))

static inline int64_t *key_long(const struct stp_map_entry *e, int i)
{
	return (int64_t *)((char *)e->data + e->map->key_off[i]);
}

static inline char *key_str(const struct stp_map_entry *e, int i)
{
	return (char *)e->data + e->map->key_off[i];
}

static inline void list_add_tail(struct stp_list *n, struct stp_list *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static inline void list_del(struct stp_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

/* Move N to just after POS. */
static inline void list_move_after(struct stp_list *n, struct stp_list *pos)
{
	list_del(n);
	n->prev = pos;
	n->next = pos->next;
	pos->next->prev = n;
	pos->next = n;
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

/* SystemTap's HASHTABLESIZE: 2^max(ilog2(entries) + MAPHASHBIAS, 1). */
static uint32_t bucket_count(uint32_t entries)
{
	int bits = 0;

	while ((entries >> bits) > 1)
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
	int k;

	if (!spec_valid(spec))
		return NULL;
	max = spec->max_entries ? spec->max_entries : MAXMAPENTRIES;
	map = stp_alloc(sizeof(*map));
	if (!map)
		return NULL;
	memset(map, 0, sizeof(*map));
	map->spec = *spec;
	map->max = max;
	vsize = value_size(spec);
	off = vsize;
	for (k = 0; k < spec->nkeys; k++) {
		map->key_off[k] = (uint32_t)off;
		off += spec->key_kind[k] == STP_LONG ? sizeof(int64_t) :
			(MAXSTRINGLEN + 7) & ~(size_t)7;
	}
	off += sizeof(struct stp_map_entry);
	if (off > UINT32_MAX || (uint64_t)off * max > SIZE_MAX / 2)
		goto fail;
	map->entry_size = (uint32_t)off;
	nb = bucket_count(max);
	map->mask = nb - 1;
	map->buckets = stp_alloc((size_t)nb * sizeof(*map->buckets));
	if (!map->buckets)
		goto fail;
	map->pool = stp_alloc((size_t)off * max);
	if (!map->pool)
		goto fail;
	memset(map->buckets, 0, (size_t)nb * sizeof(*map->buckets));
	map->head.next = map->head.prev = &map->head;
	map->free = NULL;
	for (i = max; i-- > 0;) {
		struct stp_map_entry *e;

		e = (struct stp_map_entry *)(map->pool + (size_t)i * off);
		e->map = map;
		e->hnext = map->free;
		map->free = e;
	}
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
	stp_free(map->pool);
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

static bool keys_equal(const struct stp_map_entry *e, const union stp_arg *keys)
{
	const struct stp_map *map = e->map;
	int i;

	for (i = 0; i < map->spec.nkeys; i++) {
		if (map->spec.key_kind[i] == STP_LONG) {
			if (*key_long(e, i) != keys[i].l)
				return false;
		} else if (strncmp(key_str(e, i), keys[i].s,
				   MAXSTRINGLEN - 1) != 0) {
			return false;
		}
	}
	return true;
}

static struct stp_map_entry *lookup(struct stp_map *map,
				    const union stp_arg *keys, uint32_t hash)
{
	struct stp_map_entry *e;

	for (e = map->buckets[hash & map->mask]; e; e = e->hnext)
		if (e->hash == hash && keys_equal(e, keys))
			return e;
	return NULL;
}

struct stp_map_entry *stp_map_find(struct stp_map *map,
				   const union stp_arg *keys)
{
	return lookup(map, keys, hash_keys(map, keys));
}

static void hash_unlink(struct stp_map_entry *e)
{
	*e->hpprev = e->hnext;
	if (e->hnext)
		e->hnext->hpprev = e->hpprev;
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
static struct stp_map_entry *take_entry(struct stp_map *map)
{
	struct stp_map_entry *e = map->free;

	if (e) {
		map->free = e->hnext;
		map->size++;
		return e;
	}
	if (!map->spec.wrap || map->size == 0)
		return NULL;
	e = ENTRY(map->head.next);
	hash_unlink(e);
	list_del(&e->list);
	return e;
}

struct stp_map_entry *stp_map_insert(struct stp_map *map,
				     const union stp_arg *keys, int *err)
{
	uint32_t hash = hash_keys(map, keys);
	struct stp_map_entry *e = lookup(map, keys, hash), **b;
	int i;

	if (e)
		return e;
	e = take_entry(map);
	if (!e) {
		*err = STP_EFULL;
		return NULL;
	}
	for (i = 0; i < map->spec.nkeys; i++) {
		if (map->spec.key_kind[i] == STP_LONG) {
			*key_long(e, i) = keys[i].l;
		} else {
			size_t n = key_len(keys[i].s);

			memcpy(key_str(e, i), keys[i].s, n);
			key_str(e, i)[n] = '\0';
		}
	}
	init_value(map, e);
	e->hash = hash;
	b = &map->buckets[hash & map->mask];
	e->hnext = *b;
	if (*b)
		(*b)->hpprev = &e->hnext;
	*b = e;
	e->hpprev = b;
	list_add_tail(&e->list, &map->head);
	return e;
}

void stp_map_remove(struct stp_map *map, struct stp_map_entry *e)
{
	hash_unlink(e);
	list_del(&e->list);
	e->hnext = map->free;
	map->free = e;
	map->size--;
}

void stp_map_clear(struct stp_map *map)
{
	struct stp_list *l, *next;

	for (l = map->head.next; l != &map->head; l = next) {
		struct stp_map_entry *e = ENTRY(l);

		next = l->next;
		map->buckets[e->hash & map->mask] = NULL;
		e->hnext = map->free;
		map->free = e;
	}
	map->head.next = map->head.prev = &map->head;
	map->size = 0;
}

uint32_t stp_map_size(const struct stp_map *map)
{
	return map->size;
}

union stp_arg stp_map_key(const struct stp_map_entry *e, int i)
{
	union stp_arg a;

	if (e->map->spec.key_kind[i] == STP_LONG)
		a.l = *key_long(e, i);
	else
		a.s = key_str(e, i);
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
	const struct stp_map *map = e->map;
	int i;

	for (i = 0; i < map->spec.nkeys; i++) {
		if (wild & (1u << i))
			continue;
		if (map->spec.key_kind[i] == STP_LONG) {
			if (*key_long(e, i) != keys[i].l)
				return false;
		} else if (strncmp(key_str(e, i), keys[i].s,
				   MAXSTRINGLEN - 1) != 0) {
			return false;
		}
	}
	return true;
}

struct stp_map_entry *stp_map_first(struct stp_map *map)
{
	return map->head.next == &map->head ? NULL : ENTRY(map->head.next);
}

struct stp_map_entry *stp_map_next(struct stp_map *map,
				   struct stp_map_entry *e)
{
	return e->list.next == &map->head ? NULL : ENTRY(e->list.next);
}

int stp_map_aggregate(struct stp_map *agg, struct stp_map *part)
{
	struct stp_list *l;
	union stp_arg keys[STP_MAX_KEYS];
	int i, err = 0;

	if (agg->spec.value_kind != part->spec.value_kind ||
	    agg->spec.nkeys != part->spec.nkeys)
		return STP_EINVAL;
	for (l = part->head.next; l != &part->head; l = l->next) {
		struct stp_map_entry *from = ENTRY(l), *to;

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
	const struct stp_map *map;
	int key;		/* 0: the value, else 1..nkeys */
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

/* Must A come after B in the requested order? (Strictly: stability.) */
static inline bool after(const struct sort_ctx *c, const struct stp_list *a,
			 const struct stp_list *b)
{
	int r = compare(c, ENTRY(a), ENTRY(b));

	return c->dir > 0 ? r > 0 : r < 0;
}

/*
 * Bottom-up merge sort of the list (stable, O(n log n), no recursion, no
 * allocation): runs of 1, 2, 4 ... merged along a singly linked chain,
 * then the prev links rebuilt.
 */
static void merge_sort(struct stp_map *map, const struct sort_ctx *c)
{
	struct stp_list *list = map->head.next, *p, *q, *e, *tail, *prev;
	size_t insize = 1, nmerges, psize, qsize;

	if (list == &map->head)
		return;
	map->head.prev->next = NULL;
	do {
		p = list;
		list = tail = NULL;
		nmerges = 0;
		while (p) {
			nmerges++;
			q = p;
			for (psize = 0; psize < insize && q; psize++)
				q = q->next;
			qsize = insize;
			while (psize > 0 || (qsize > 0 && q)) {
				if (psize && (!qsize || !q || !after(c, p, q))) {
					e = p;
					p = p->next;
					psize--;
				} else {
					e = q;
					q = q->next;
					qsize--;
				}
				if (tail)
					tail->next = e;
				else
					list = e;
				tail = e;
			}
			p = q;
		}
		tail->next = NULL;
		insize *= 2;
	} while (nmerges > 1);
	prev = &map->head;
	for (e = list; e; e = e->next) {
		e->prev = prev;
		prev->next = e;
		prev = e;
	}
	prev->next = &map->head;
	map->head.prev = prev;
}

/*
 * The first N in order, the rest left as SystemTap's _stp_map_sortn()
 * leaves them, so that a later unsorted foreach sees the same order:
 * bubble passes over the first N, then each later entry that beats the
 * N-th is moved into place and pushes the N-th out.  O(N * size).
 */
static void top_sort(struct stp_map *map, const struct sort_ctx *c, int n)
{
	struct stp_list *head = &map->head, *a, *b, *last, *next, *pos;
	int num, swaps;

	if (head->next == head)
		return;
	do {
		swaps = 0;
		num = n;
		a = head->next;
		while (a->next != head && --num > 0) {
			b = a->next;
			if (after(c, a, b)) {
				list_move_after(a, b);
				swaps++;
			} else {
				a = b;
			}
		}
	} while (swaps);
	last = a;
	for (a = last->next; a != head; a = next) {
		next = a->next;
		for (pos = last; pos != head && after(c, pos, a); pos = pos->prev)
			;
		if (pos != last) {
			list_move_after(a, pos);
			last = last->prev;
		}
	}
}

#define TOP_SORT_MAX 30		/* SystemTap's threshold for _stp_map_sortn */

void stp_map_sort(struct stp_map *map, int key, int dir, enum stp_statop op,
		  int64_t limit)
{
	struct sort_ctx c = { map, key, dir, op ? op : STP_COUNT, STP_LONG, 0 };

	if (key < 0 || key > map->spec.nkeys || dir == 0)
		return;
	if (key == 0) {
		c.kind = map->spec.value_kind;
	} else {
		c.kind = map->spec.key_kind[key - 1];
		c.off = map->key_off[key - 1];
	}
	/* A negative limit is SystemTap's sortn with n < 0: as n == 1. */
	if (limit < 0)
		limit = 1;
	if (limit == 0 || limit > TOP_SORT_MAX)
		merge_sort(map, &c);
	else
		top_sort(map, &c, (int)limit);
}
