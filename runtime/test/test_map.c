// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_map.c - unit tests of stp_map.c (keys, values, full and wrapping
 * maps, allocation failures, order, sorts, slices, per-cpu aggregation,
 * a long random run against a simple reference) and replays of
 * SystemTap's array run tests, compared with PEER_DIR/run/NAME.out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../stp_map.h"
#include "../stp_string.h"
#include "../stp_printf.h"

static struct stp_map_spec spec1(enum stp_kind key, enum stp_kind value,
				 uint32_t max)
{
	struct stp_map_spec s;

	memset(&s, 0, sizeof(s));
	s.name = "test";
	s.nkeys = 1;
	s.key_kind[0] = key;
	s.value_kind = value;
	s.max_entries = max;
	return s;
}

static struct stp_map_entry *ins(struct stp_map *m, int64_t k)
{
	union stp_arg key = larg(k);
	int err = 0;
	struct stp_map_entry *e = stp_map_insert(m, &key, &err);

	if (!e)
		t_fail(__FILE__, __LINE__, "insert %lld: error %d",
		       (long long)k, err);
	return e;
}

static struct stp_map_entry *find(struct stp_map *m, int64_t k)
{
	union stp_arg key = larg(k);

	return stp_map_find(m, &key);
}

/* The long keys in iteration order, as "1 2 3". */
static const char *order(struct stp_map *m)
{
	static char buf[4096];
	struct stp_map_entry *e;
	size_t n = 0;

	buf[0] = '\0';
	for (e = stp_map_first(m); e && n < sizeof(buf) - 32; e = stp_map_next(m, e))
		n += snprintf(buf + n, sizeof(buf) - n, "%s%lld", n ? " " : "",
			      (long long)stp_map_key(e, 0).l);
	return buf;
}

static void test_basic(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, 8);
	struct stp_map *m = stp_map_new(&s);
	struct stp_map_entry *e;
	int64_t k;

	EXPECT(m != NULL);
	EXPECT_EQ(stp_map_size(m), 0);
	EXPECT(stp_map_first(m) == NULL);
	EXPECT(find(m, 1) == NULL);
	for (k = 5; k > 0; k--)
		*stp_map_long(ins(m, k * 10)) = k;
	EXPECT_EQ(stp_map_size(m), 5);
	EXPECT_STR(order(m), "50 40 30 20 10");
	e = find(m, 30);
	EXPECT(e && *stp_map_long(e) == 3);
	EXPECT(ins(m, 30) == e);			/* existing: same entry */
	EXPECT_EQ(*stp_map_long(e), 3);
	stp_map_remove(m, e);
	EXPECT(find(m, 30) == NULL);
	EXPECT_STR(order(m), "50 40 20 10");
	e = ins(m, 30);					/* back at the end, 0 */
	EXPECT_EQ(*stp_map_long(e), 0);
	EXPECT_STR(order(m), "50 40 20 10 30");
	stp_map_remove(m, find(m, 50));			/* first */
	stp_map_remove(m, find(m, 30));			/* last */
	EXPECT_STR(order(m), "40 20 10");
	ins(m, INT64_MIN);
	ins(m, INT64_MAX);
	ins(m, 0);
	EXPECT(find(m, INT64_MIN) && find(m, INT64_MAX) && find(m, 0));
	stp_map_clear(m);
	EXPECT_EQ(stp_map_size(m), 0);
	EXPECT(stp_map_first(m) == NULL);
	EXPECT(find(m, 40) == NULL);
	for (k = 0; k < 8; k++)
		ins(m, k);
	EXPECT_STR(order(m), "0 1 2 3 4 5 6 7");
	stp_map_free(m);
	stp_map_free(NULL);
}

static void test_full_and_wrap(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, 3);
	struct stp_map *m = stp_map_new(&s);
	union stp_arg key = larg(99);
	int err = 0;

	ins(m, 1);
	ins(m, 2);
	ins(m, 3);
	EXPECT(stp_map_insert(m, &key, &err) == NULL);
	EXPECT_EQ(err, STP_EFULL);
	EXPECT(ins(m, 2) != NULL);			/* existing is fine */
	stp_map_remove(m, find(m, 1));
	EXPECT(ins(m, 99) != NULL);
	stp_map_free(m);

	s.wrap = true;
	m = stp_map_new(&s);
	ins(m, 1);
	*stp_map_long(ins(m, 2)) = 22;
	ins(m, 3);
	*stp_map_long(ins(m, 4)) = 44;			/* evicts 1 */
	EXPECT_STR(order(m), "2 3 4");
	EXPECT(find(m, 1) == NULL);
	EXPECT_EQ(*stp_map_long(find(m, 4)), 44);
	EXPECT_EQ(*stp_map_long(ins(m, 5)), 0);		/* evicts 2 */
	EXPECT_STR(order(m), "3 4 5");
	EXPECT_EQ(stp_map_size(m), 3);
	stp_map_sort(m, 1, -1, 0, 0);			/* 5 4 3 */
	ins(m, 6);					/* evicts the head: 5 */
	EXPECT_STR(order(m), "4 3 6");
	stp_map_free(m);
}

static void test_alloc_failure(void)
{
	struct stp_map_spec s = spec1(STP_STRING, STP_STAT, 100);
	struct stp_map *m;
	int i;

	for (i = 1; i <= 3; i++) {
		t_alloc_fail_at = i;
		m = stp_map_new(&s);
		EXPECT(m == NULL);
		t_alloc_fail_at = 0;
	}
	m = stp_map_new(&s);
	EXPECT(m != NULL);
	stp_map_free(m);
	/* Invalid specs. */
	s.nkeys = 0;
	EXPECT(stp_map_new(&s) == NULL);
	s.nkeys = STP_MAX_KEYS + 1;
	EXPECT(stp_map_new(&s) == NULL);
	s.nkeys = 1;
	s.key_kind[0] = STP_STAT;
	EXPECT(stp_map_new(&s) == NULL);
	s.key_kind[0] = STP_LONG;
	s.value_kind = 0;
	EXPECT(stp_map_new(&s) == NULL);
	/* Too big to allocate: refused before asking. */
	s = spec1(STP_STRING, STP_STRING, UINT32_MAX);
	s.nkeys = STP_MAX_KEYS;
	for (i = 0; i < STP_MAX_KEYS; i++)
		s.key_kind[i] = STP_STRING;
	if (sizeof(size_t) < 8 || (uint64_t)UINT32_MAX * 9 * MAXSTRINGLEN > SIZE_MAX / 2)
		EXPECT(stp_map_new(&s) == NULL);
	/* max_entries 0: MAXMAPENTRIES. */
	s = spec1(STP_LONG, STP_LONG, 0);
	m = stp_map_new(&s);
	for (i = 0; i < MAXMAPENTRIES; i++)
		ins(m, i);
	{
		union stp_arg key = larg(-1);
		int err = 0;

		EXPECT(stp_map_insert(m, &key, &err) == NULL);
		EXPECT_EQ(err, STP_EFULL);
	}
	stp_map_free(m);
}

static void test_string_keys_values(void)
{
	struct stp_map_spec s = spec1(STP_STRING, STP_STRING, 16);
	struct stp_map *m;
	struct stp_map_entry *e;
	char longkey[3 * MAXSTRINGLEN], other[3 * MAXSTRINGLEN];
	union stp_arg key;
	int err = 0;

	s.nkeys = 2;
	s.key_kind[1] = STP_LONG;
	m = stp_map_new(&s);
	union stp_arg k2[2] = { sarg("alpha"), larg(1) };
	e = stp_map_insert(m, k2, &err);
	EXPECT_STR(stp_map_string(e), "");
	stp_strlcpy(stp_map_string(e), "first", MAXSTRINGLEN);
	k2[1] = larg(2);
	e = stp_map_insert(m, k2, &err);
	stp_strlcpy(stp_map_string(e), "second", MAXSTRINGLEN);
	k2[1] = larg(1);
	EXPECT_STR(stp_map_string(stp_map_find(m, k2)), "first");
	k2[0] = sarg("");
	EXPECT(stp_map_find(m, k2) == NULL);
	e = stp_map_insert(m, k2, &err);		/* "" is a key */
	EXPECT(e && stp_map_find(m, k2) == e);
	EXPECT_STR(stp_map_key(e, 0).s, "");
	EXPECT_EQ(stp_map_key(e, 1).l, 1);
	stp_map_free(m);

	/* Keys longer than MAXSTRINGLEN - 1 are cut, for finds too. */
	s = spec1(STP_STRING, STP_LONG, 16);
	m = stp_map_new(&s);
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	strcpy(other, longkey);
	other[MAXSTRINGLEN + 5] = 'X';		/* differs after the cut */
	key = sarg(longkey);
	e = stp_map_insert(m, &key, &err);
	EXPECT_EQ(strlen(stp_map_key(e, 0).s), MAXSTRINGLEN - 1);
	key = sarg(other);
	EXPECT(stp_map_find(m, &key) == e);
	other[MAXSTRINGLEN - 2] = 'Y';		/* differs before it */
	EXPECT(stp_map_find(m, &key) == NULL);
	stp_map_free(m);
}

static void test_matches(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, 64);
	struct stp_map *m;
	struct stp_map_entry *e;
	union stp_arg k[3];
	int err = 0, n, i, j;

	s.nkeys = 3;
	s.key_kind[1] = STP_STRING;
	s.key_kind[2] = STP_LONG;
	m = stp_map_new(&s);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++) {
			k[0] = larg(i);
			k[1] = sarg(j ? "b" : "a");
			k[2] = larg(j);
			stp_map_insert(m, k, &err);
		}
	EXPECT_EQ(stp_map_size(m), 9);
	k[0] = larg(1);
	k[1] = sarg("b");
	k[2] = larg(2);
	for (n = 0, e = stp_map_first(m); e; e = stp_map_next(m, e))
		n += stp_map_matches(e, k, 0x6);	/* [1, *, *] */
	EXPECT_EQ(n, 3);
	for (n = 0, e = stp_map_first(m); e; e = stp_map_next(m, e))
		n += stp_map_matches(e, k, 0x5);	/* [*, "b", *] */
	EXPECT_EQ(n, 6);
	for (n = 0, e = stp_map_first(m); e; e = stp_map_next(m, e))
		n += stp_map_matches(e, k, 0x0);	/* [1, "b", 2] */
	EXPECT_EQ(n, 1);
	for (n = 0, e = stp_map_first(m); e; e = stp_map_next(m, e))
		n += stp_map_matches(e, k, 0x3);	/* [*, *, 2] */
	EXPECT_EQ(n, 3);
	stp_map_free(m);
}

static void test_sort(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, 64);
	struct stp_map *m = stp_map_new(&s);
	static const int64_t vals[] = { 5, 3, 9, 3, 1, 9, 5, 0 };
	int i;

	for (i = 0; i < 8; i++)
		*stp_map_long(ins(m, i)) = vals[i];
	stp_map_sort(m, 0, 1, 0, 0);		/* by value, stable */
	EXPECT_STR(order(m), "7 4 1 3 0 6 2 5");
	stp_map_sort(m, 0, -1, 0, 0);
	EXPECT_STR(order(m), "2 5 0 6 1 3 4 7");
	stp_map_sort(m, 1, 1, 0, 0);		/* by key */
	EXPECT_STR(order(m), "0 1 2 3 4 5 6 7");
	stp_map_sort(m, 1, -1, 0, 0);
	EXPECT_STR(order(m), "7 6 5 4 3 2 1 0");
	stp_map_sort(m, 2, 1, 0, 0);		/* no such key: no change */
	stp_map_sort(m, 1, 0, 0, 0);		/* no direction: no change */
	EXPECT_STR(order(m), "7 6 5 4 3 2 1 0");
	/* Limited: the first ones in order, SystemTap's tail. */
	stp_map_sort(m, 1, 1, 0, 0);
	stp_map_sort(m, 0, 1, 0, 3);
	EXPECT_EQ(strncmp(order(m), "7 4 1 ", 6), 0);
	stp_map_sort(m, 1, 1, 0, 0);
	stp_map_sort(m, 0, -1, 0, -1);		/* < 0: no limit */
	EXPECT_STR(order(m), "2 5 0 6 1 3 4 7");
	stp_map_clear(m);
	stp_map_sort(m, 0, 1, 0, 0);		/* empty */
	stp_map_sort(m, 0, 1, 0, 3);
	ins(m, 1);
	stp_map_sort(m, 0, 1, 0, 3);		/* one */
	EXPECT_STR(order(m), "1");
	stp_map_free(m);
}

/* SystemTap's _stp_map_sortn on an array, written over an index array. */
static int ref_after(const int64_t *v, int a, int b, int dir)
{
	return dir > 0 ? v[a] > v[b] : v[a] < v[b];
}

static void ref_sortn(int *ord, int len, const int64_t *v, int n, int dir)
{
	int swaps, num, a, last, i, c, t;

	do {
		swaps = 0;
		num = n;
		for (a = 0; a + 1 < len && --num > 0; a++)
			if (ref_after(v, ord[a], ord[a + 1], dir)) {
				t = ord[a];
				ord[a] = ord[a + 1];
				ord[a + 1] = t;
				swaps++;
			}
	} while (swaps);
	last = a;
	for (i = last + 1; i < len; i++) {
		for (c = last; c >= 0 && ref_after(v, ord[c], ord[i], dir); c--)
			;
		if (c != last) {	/* move i to c + 1, push the rest */
			t = ord[i];
			memmove(ord + c + 2, ord + c + 1,
				(size_t)(i - c - 1) * sizeof(int));
			ord[c + 1] = t;
			last++;		/* the old last is now at last + 1 */
			last--;
		}
	}
}

static void test_sort_top_tail(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, 300);
	struct stp_map *m = stp_map_new(&s);
	static int64_t v[300];
	static int ord[300];
	char want[4096];
	int n, i, len = 200, dir;
	size_t w;

	for (dir = -1; dir <= 1; dir += 2) {
		for (n = 1; n <= 30; n += 7) {
			stp_map_clear(m);
			for (i = 0; i < len; i++) {
				v[i] = (i * 7919 + n) % 61;
				*stp_map_long(ins(m, i)) = v[i];
				ord[i] = i;
			}
			stp_map_sort(m, 0, dir, 0, n);
			ref_sortn(ord, len, v, n, dir);
			for (w = 0, i = 0; i < len; i++)
				w += snprintf(want + w, sizeof(want) - w, "%s%d",
					      i ? " " : "", ord[i]);
			EXPECT_STR(order(m), want);
		}
	}
	stp_map_free(m);
}

static void test_sort_strings_stats(void)
{
	struct stp_map_spec s = spec1(STP_STRING, STP_STAT, 16);
	struct stp_map *m;
	struct stp_map_entry *e;
	static const char *names[] = { "pear", "apple", "fig", "banana" };
	union stp_arg k;
	int err = 0, i, j;
	char got[128];
	size_t n;

	stp_hist_log_spec(&s.hist);
	m = stp_map_new(&s);
	for (i = 0; i < 4; i++) {
		k = sarg(names[i]);
		e = stp_map_insert(m, &k, &err);
		for (j = 0; j <= i; j++)
			stp_stat_add(stp_map_stat(e), &s.hist, (i + 1) * (j % 2 ? -5 : 7));
	}
#define ORDER_IS(want) do { \
	for (n = 0, got[0] = 0, e = stp_map_first(m); e; e = stp_map_next(m, e)) \
		n += snprintf(got + n, sizeof(got) - n, "%s ", stp_map_key(e, 0).s); \
	EXPECT_STR(got, want); \
} while (0)
	stp_map_sort(m, 1, 1, 0, 0);
	ORDER_IS("apple banana fig pear ");
	stp_map_sort(m, 0, -1, STP_COUNT, 0);
	ORDER_IS("banana fig apple pear ");
	stp_map_sort(m, 0, 1, 0, 0);		/* default @count */
	ORDER_IS("pear apple fig banana ");
	stp_map_sort(m, 0, 1, STP_SUM, 0);	/* 7, 4, 27, 8 */
	ORDER_IS("apple pear banana fig ");
	stp_map_sort(m, 0, 1, STP_MIN, 0);	/* 7, -10, -15, -20 */
	ORDER_IS("banana fig apple pear ");
	stp_map_sort(m, 0, -1, STP_MAX, 0);	/* 7, 14, 21, 28 */
	ORDER_IS("banana fig apple pear ");
	stp_map_sort(m, 0, 1, STP_AVG, 0);	/* 7, 2, 9, 4 */
	ORDER_IS("apple banana pear fig ");
	stp_map_sort(m, 0, 1, STP_VARIANCE, 0);	/* 0, 288, 432, 768 */
	ORDER_IS("pear apple fig banana ");
	stp_map_free(m);
}

static void test_aggregate(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_STAT, 8);
	struct stp_map *agg, *cpu[2];
	struct stp_map_entry *e;
	int i, c, err = 0;

	agg = stp_map_new(&s);
	for (c = 0; c < 2; c++) {
		cpu[c] = stp_map_new(&s);
		for (i = 0; i < 4; i++)
			stp_stat_add(stp_map_stat(ins(cpu[c], i + 2 * c)), &s.hist,
				     i * 10 + c);
	}
	EXPECT_EQ(stp_map_aggregate(agg, cpu[0]), 0);
	EXPECT_EQ(stp_map_aggregate(agg, cpu[1]), 0);
	EXPECT_STR(order(agg), "0 1 2 3 4 5");
	e = find(agg, 2);
	EXPECT_EQ(stp_stat_get(stp_map_stat(e), STP_COUNT, 0, &err), 2);
	EXPECT_EQ(stp_stat_get(stp_map_stat(e), STP_SUM, 0, &err), 21);
	/* 20 and 1: 180.5, but the pairwise formula around the truncated
	 * mean 10 gives (10^2 + 9^2) / 1. */
	EXPECT_EQ(stp_stat_get(stp_map_stat(e), STP_VARIANCE, 0, &err), 181);
	EXPECT_EQ(err, 0);
	/* Overflow, and maps of other shapes. */
	stp_map_free(agg);
	s.max_entries = 5;
	agg = stp_map_new(&s);
	stp_map_aggregate(agg, cpu[0]);
	EXPECT_EQ(stp_map_aggregate(agg, cpu[1]), STP_EFULL);
	stp_map_free(agg);
	s = spec1(STP_LONG, STP_LONG, 8);
	agg = stp_map_new(&s);
	EXPECT_EQ(stp_map_aggregate(agg, cpu[0]), STP_EINVAL);
	stp_map_free(cpu[0]);
	stp_map_free(cpu[1]);
	/* Numbers add, strings append. */
	cpu[0] = stp_map_new(&s);
	*stp_map_long(ins(cpu[0], 1)) = 5;
	stp_map_aggregate(agg, cpu[0]);
	stp_map_aggregate(agg, cpu[0]);
	EXPECT_EQ(*stp_map_long(find(agg, 1)), 10);
	stp_map_free(cpu[0]);
	stp_map_free(agg);
	s = spec1(STP_LONG, STP_STRING, 8);
	agg = stp_map_new(&s);
	cpu[0] = stp_map_new(&s);
	stp_strlcpy(stp_map_string(ins(cpu[0], 1)), "ab", MAXSTRINGLEN);
	stp_map_aggregate(agg, cpu[0]);
	stp_map_aggregate(agg, cpu[0]);
	EXPECT_STR(stp_map_string(find(agg, 1)), "abab");
	stp_map_free(cpu[0]);
	stp_map_free(agg);
}

/* Random inserts, finds, removes and clears against a plain array. */
static void test_random(void)
{
	enum { N = 5000, R = 200000 };
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, N);
	struct stp_map *m = stp_map_new(&s);
	static int64_t ref[4 * N];	/* value + 1, 0: absent */
	uint64_t x = 88172645463325252ULL;
	int i, live = 0, bad = 0;

	for (i = 0; i < R && !bad; i++) {
		struct stp_map_entry *e;
		int64_t k;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (int64_t)(x % (4 * N));
		e = find(m, k);
		if ((e != NULL) != (ref[k] != 0) ||
		    (e && *stp_map_long(e) != ref[k] - 1)) {
			bad++;
			break;
		}
		switch ((x >> 40) % 8) {
		case 0:
		case 1:
		case 2:
			if (live < N || e) {
				if (!e)
					live++;
				e = ins(m, k);
				*stp_map_long(e) = i;
				ref[k] = i + 1;
			}
			break;
		case 3:
		case 4:
			if (e) {
				stp_map_remove(m, e);
				ref[k] = 0;
				live--;
			}
			break;
		default:
			if (i % 50000 == 49999) {
				stp_map_clear(m);
				memset(ref, 0, sizeof(ref));
				live = 0;
			}
		}
		if (stp_map_size(m) != (uint32_t)live)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	stp_map_free(m);
}

/* ---- replays of SystemTap's run tests ---- */

static void print_longs(struct tbuf *b, struct stp_map *m, int64_t limit,
			const char *fmt)
{
	struct stp_map_entry *e;
	int64_t i = 0;

	for (e = stp_map_first(m); e && (!limit || i < limit);
	     e = stp_map_next(m, e), i++)
		tb_printf(b, fmt, stp_map_key(e, 0).l, *stp_map_long(e));
}

static void peer_foreach_limit(void)
{
	static const int64_t kv[][2] = { { 9, 18 }, { 1, 40 }, { 8, 16 },
		{ 2, 4 }, { 7, 14 }, { 3, 36 }, { 6, 12 }, { 5, 10 }, { 4, 8 },
		{ 10, 20 } };
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, 0);
	struct stp_map *m = stp_map_new(&s);
	struct stp_hist_spec hs;
	struct stp_map_entry *e;
	struct stp_stat *agg;
	struct tbuf b = { 0 };
	const char *kf = "key %d, value %d\n";
	int64_t x, lim, i, j, n, err = 0;
	int e2 = 0;
	char *h;
	size_t hl;

	for (i = 0; i < 10; i++)
		*stp_map_long(ins(m, kv[i][0])) = kv[i][1];
	tb_printf(&b, "\nArrays:\nunsorted:\n");
	print_longs(&b, m, 0, kf);
	tb_printf(&b, "\nunsorted limit 5:\n");
	print_longs(&b, m, 5, kf);
	tb_printf(&b, "loop had %d iterations\n", (int64_t)5);
	tb_printf(&b, "\nsorted (by values) limit 5:\n");
	stp_map_sort(m, 0, 1, 0, 5);
	print_longs(&b, m, 5, kf);
	tb_printf(&b, "loop had %d iterations\n", (int64_t)5);
	tb_printf(&b, "\nsorted (by keys) limit 5:\n");
	stp_map_sort(m, 1, 1, 0, 5);
	print_longs(&b, m, 5, kf);
	tb_printf(&b, "loop had %d iterations\n", (int64_t)5);
	x = 3;
	tb_printf(&b, "\nsorted (by values) limit x (%d):\n", x);
	stp_map_sort(m, 0, 1, 0, x);
	print_longs(&b, m, x, kf);
	tb_printf(&b, "loop had %d iterations\n", x);
	tb_printf(&b, "\nsorted (by values) limit x * 2 (%d):\n", x * 2);
	stp_map_sort(m, 0, 1, 0, x * 2);
	print_longs(&b, m, x * 2, kf);
	tb_printf(&b, "loop had %d iterations\n", x * 2);
	tb_printf(&b, "\nsorted (by values) limit ++x:\n");
	lim = ++x;
	stp_map_sort(m, 0, 1, 0, lim);
	print_longs(&b, m, lim, kf);
	tb_printf(&b, "loop had %d iterations\n", lim);
	tb_printf(&b, "x ended up as %d\n", x);
	tb_printf(&b, "\nsorted (by values) limit x++:\n");
	lim = x++;
	stp_map_sort(m, 0, 1, 0, lim);
	print_longs(&b, m, lim, kf);
	tb_printf(&b, "loop had %d iterations\n", lim);
	tb_printf(&b, "x ended up as %d\n", x);
	tb_printf(&b, "\nsorted (by values) with key specified limit x++:\n");
	{
		union stp_arg key = larg(++x);

		stp_map_sort(m, 0, 1, 0, x);
		for (n = 0, i = 0, e = stp_map_first(m); e && i < x;
		     e = stp_map_next(m, e))
			if (stp_map_matches(e, &key, 0)) {
				tb_printf(&b, kf, stp_map_key(e, 0).l,
					  *stp_map_long(e));
				n++;
				i++;
			}
		tb_printf(&b, "loop had %d iterations\n", n);
		tb_printf(&b, "x ended up as %d\n", x);
	}
	tb_printf(&b, "\nAggregates:\n");
	stp_hist_log_spec(&hs);
	hs.shift = 0;
	hs.no_variance = false;
	agg = malloc(stp_stat_size(&hs));
	stp_stat_init(agg, &hs);
	for (e = stp_map_first(m); e; e = stp_map_next(m, e))
		for (j = 1; j <= 15; j++)
			stp_stat_add(agg, &hs, *stp_map_long(e) * j);
	tb_printf(&b, "count=%d sum=%d\n", stp_stat_get(agg, STP_COUNT, 0, &e2),
		  stp_stat_get(agg, STP_SUM, 0, &e2));
	tb_printf(&b, "min=%d max=%d\n", stp_stat_get(agg, STP_MIN, 0, &e2),
		  stp_stat_get(agg, STP_MAX, 0, &e2));
	hl = stp_hist_format(NULL, 0, agg, &hs);
	h = malloc(hl + 1);
	stp_hist_format(h, hl + 1, agg, &hs);
	tb_add(&b, h, hl);
	free(h);
	for (i = 0; i < 71; i++) {
		n = stp_hist_bucket(agg, &hs, i, &e2);
		if (n)
			tb_printf(&b, "bucket %d: %d\n", i, n);
	}
	tb_printf(&b, "loop had %d iterations\n", (int64_t)71);
	tb_printf(&b, "\nDone.\n");
	EXPECT_EQ(err + e2, 0);
	peer_compare("peer foreach_limit", "foreach_limit", b.p, b.len);
	free(agg);
	tb_free(&b);
	stp_map_free(m);
}

/* printf FMT with KEY and the operators OPS of ST ("csnxav": @count
 * @sum @min @max @avg @variance, in the format's order). */
static void stat_line(struct tbuf *b, const char *fmt, int64_t key,
		      struct stp_stat *st, const char *ops)
{
	static const char letters[] = "csnxav";
	int64_t v[6] = { 0 };
	int err = 0, i;

	for (i = 0; ops[i] && i < 6; i++)
		v[i] = stp_stat_get(st, (enum stp_statop)
				    (strchr(letters, ops[i]) - letters + 1),
				    0, &err);
	tb_printf(b, fmt, key, v[0], v[1], v[2], v[3], v[4], v[5]);
	EXPECT_EQ(err, 0);
}

static void peer_foreach_aggrsort(void)
{
	static const struct { const char *title; int dir; enum stp_statop op; }
	sorts[] = { { "default+", 1, 0 }, { "default-", -1, 0 },
		{ "@count+", 1, STP_COUNT }, { "@count-", -1, STP_COUNT },
		{ "@sum+", 1, STP_SUM }, { "@sum-", -1, STP_SUM },
		{ "@avg+", 1, STP_AVG }, { "@avg-", -1, STP_AVG },
		{ "@min+", 1, STP_MIN }, { "@min-", -1, STP_MIN },
		{ "@max+", 1, STP_MAX }, { "@max-", -1, STP_MAX } };
	static const int64_t vals[4][4] = { { -1 }, { 1, 6 }, { 3, 4, 5 },
					    { 0, 0, 0, 1 } };
	struct stp_map_spec s = spec1(STP_LONG, STP_STAT, 0);
	struct stp_map *cpu = stp_map_new(&s), *agg = stp_map_new(&s);
	struct stp_map_entry *e;
	struct tbuf b = { 0 };
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j <= i; j++)
			stp_stat_add(stp_map_stat(ins(cpu, i + 1)), &s.hist,
				     vals[i][j]);
	for (i = 0; i < 12; i++) {
		tb_printf(&b, "sort %s\n", sorts[i].title);
		stp_map_clear(agg);	/* SystemTap re-aggregates each time */
		stp_map_aggregate(agg, cpu);
		stp_map_sort(agg, 0, sorts[i].dir, sorts[i].op, 0);
		for (e = stp_map_first(agg); e; e = stp_map_next(agg, e))
			stat_line(&b, "stats[%d]: @count=%d @sum=%d @min=%d "
				  "@max=%d @avg=%d\n", stp_map_key(e, 0).l,
				  stp_map_stat(e), "csnxa");
	}
	peer_done("peer foreach_aggrsort", "foreach_aggrsort", &b);
	stp_map_free(cpu);
	stp_map_free(agg);
}

static void peer_ix(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_STAT, 0);
	struct stp_map *m = stp_map_new(&s);
	struct stp_map_entry *e;
	struct tbuf b = { 0 };
	const char *f = "foo[%d]: count:%d  sum:%d  avg:%d  min:%d  max:%d  "
			"variance:%d\n";
	int64_t i, all = 0;
	int err = 0;

	for (i = 0; i < 11; i++)
		stp_stat_add(stp_map_stat(ins(m, i)), &s.hist, 100);
	for (i = 0; i < 11; i++)
		stp_stat_add(stp_map_stat(ins(m, i)), &s.hist, i);
	for (i = 0; i < 11; i++)
		stp_stat_add(stp_map_stat(ins(m, i)), &s.hist, -2);
	stp_map_sort(m, 1, 1, 0, 0);
	for (e = stp_map_first(m); e; e = stp_map_next(m, e))
		stat_line(&b, f, stp_map_key(e, 0).l, stp_map_stat(e), "csanxv");
	tb_printf(&b, "\nNow reverse order...\n");
	stp_map_sort(m, 1, -1, 0, 0);
	for (e = stp_map_first(m); e; e = stp_map_next(m, e))
		stat_line(&b, f, stp_map_key(e, 0).l, stp_map_stat(e), "csanxv");
	tb_printf(&b, "\nNow adding 10 to each...\n");
	for (i = 0; i < 11; i++)
		stp_stat_add(stp_map_stat(ins(m, i)), &s.hist, 10);
	stp_map_sort(m, 1, 1, 0, 0);
	for (e = stp_map_first(m); e; e = stp_map_next(m, e))
		stat_line(&b, f, stp_map_key(e, 0).l, stp_map_stat(e), "csanxv");
	tb_printf(&b, "\nRun a quick foreach without sorting...\n");
	for (e = stp_map_first(m); e; e = stp_map_next(m, e))
		all += stp_stat_get(stp_map_stat(e), STP_SUM, 0, &err);
	tb_printf(&b, "complete sum of foo:%d\n", all);
	peer_done("peer ix", "ix", &b);
	stp_map_free(m);
}

static void peer_ix_hist(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_STAT, 0);
	struct stp_map *m;
	struct stp_map_entry *e;
	struct tbuf b = { 0 };
	int64_t i, j;
	char *h;
	size_t n;

	stp_hist_log_spec(&s.hist);
	m = stp_map_new(&s);
	for (i = 0; i < 5; i++)
		for (j = 0; j < i * 128; j++)
			stp_stat_add(stp_map_stat(ins(m, i)), &s.hist, i * j);
	stp_map_sort(m, 1, 1, 0, 0);
	for (e = stp_map_first(m); e; e = stp_map_next(m, e)) {
		n = stp_hist_format(NULL, 0, stp_map_stat(e), &s.hist);
		h = malloc(n + 1);
		stp_hist_format(h, n + 1, stp_map_stat(e), &s.hist);
		tb_add(&b, h, n);
		free(h);
	}
	peer_done("peer ix_hist", "ix_hist", &b);
	stp_map_free(m);
}

static void peer_map_wrap(void)
{
	struct stp_map_spec s = spec1(STP_LONG, STP_LONG, 5);
	struct stp_map *m;
	struct stp_map_entry *e;
	struct tbuf b = { 0 };
	int64_t i;

	s.wrap = true;
	m = stp_map_new(&s);
	for (i = 0; i < 10; i++)
		*stp_map_long(ins(m, i)) = i;
	stp_map_sort(m, 0, -1, 0, 0);	/* the end-of-run print of foo */
	for (e = stp_map_first(m); e; e = stp_map_next(m, e))
		tb_printf(&b, "foo[%d]=%d\n", stp_map_key(e, 0).l,
			  *stp_map_long(e));
	peer_done("peer map_wrap1", "map_wrap1", &b);
	stp_map_free(m);

	s = spec1(STP_LONG, STP_STAT, 5);
	s.wrap = true;
	m = stp_map_new(&s);
	for (i = 0; i < 10; i++)
		stp_stat_add(stp_map_stat(ins(m, i)), &s.hist, i);
	stp_map_sort(m, 1, 1, 0, 0);
	for (e = stp_map_first(m); e; e = stp_map_next(m, e))
		stat_line(&b, "foo[%d]: count:%d  sum:%d  avg:%d  min:%d  "
			  "max:%d\n", stp_map_key(e, 0).l, stp_map_stat(e),
			  "csanx");
	peer_done("peer map_wrap2", "map_wrap2", &b);
	stp_map_free(m);
}

/* is.stp and si.stp: the same steps on [long] = string / [string] = long. */
static void peer_is_si(bool is)
{
	struct stp_map_spec s = is ? spec1(STP_LONG, STP_STRING, 0) :
				     spec1(STP_STRING, STP_LONG, 0);
	struct stp_map *m = stp_map_new(&s);
	struct stp_map_entry *e;
	struct tbuf b = { 0 };
	char num[MAXSTRINGLEN], key[MAXSTRINGLEN];
	union stp_arg k;
	int64_t i;
	int err = 0;

#define KEY(n) (is ? larg(n) : (stp_long_str(key, n), sarg(key)))
#define ENTRY_OF(n) (k = KEY(n), stp_map_insert(m, &k, &err))
#define GONE(n) do { k = KEY(n); e = stp_map_find(m, &k); \
		     if (e) stp_map_remove(m, e); } while (0)
#define DUMP() do { \
	for (e = stp_map_first(m); e; e = stp_map_next(m, e)) { \
		if (is) \
			tb_printf(&b, "foo[%d] = %s\n", stp_map_key(e, 0).l, \
				  stp_map_string(e)); \
		else \
			tb_printf(&b, "foo[%s] = %d\n", stp_map_key(e, 0).s, \
				  *stp_map_long(e)); \
	} } while (0)

	for (i = 0; i < 11; i++) {
		e = ENTRY_OF(i);
		if (is) {
			stp_long_str(num, i * i);
			stp_concat(stp_map_string(e), "The Result is ", num);
		} else {
			*stp_map_long(e) = i * i;
		}
	}
	DUMP();
	GONE(5);
	tb_printf(&b, "\n");
	DUMP();
	GONE(is ? 0 : 1);
	GONE(10);
	tb_printf(&b, "\n");
	DUMP();
	if (is) {
		stp_strlcpy(stp_map_string(ENTRY_OF(9)), "New result is -81",
			    MAXSTRINGLEN);
		e = ENTRY_OF(4);
		stp_concat(stp_map_string(e), stp_map_string(e), "(CHANGED)");
		stp_concat(num, stp_map_string(ENTRY_OF(2)), "<------");
		stp_strlcpy(stp_map_string(ENTRY_OF(3)), num, MAXSTRINGLEN);
	} else {
		*stp_map_long(ENTRY_OF(9)) = -81;
		e = ENTRY_OF(4);
		*stp_map_long(e) = -*stp_map_long(e);
		*stp_map_long(ENTRY_OF(3)) *= 100;
	}
	tb_printf(&b, "\n");
	DUMP();
	GONE(4);
	tb_printf(&b, "\n");
	DUMP();
	stp_map_clear(m);
	tb_printf(&b, "\n");
	DUMP();
	for (i = 0; i < 11; i++) {
		e = ENTRY_OF(i);
		if (is) {
			stp_long_str(num, i * i);
			stp_concat(stp_map_string(e), "# ", num);
		} else {
			*stp_map_long(e) = i * i;
		}
	}
	if (!is) {
		for (i = 0; i < 11; i++) {
			struct stp_map_entry *prev;
			int64_t add;

			k = KEY(i - 1);		/* a read does not insert */
			prev = stp_map_find(m, &k);
			add = prev ? *stp_map_long(prev) : 0;
			*stp_map_long(ENTRY_OF(i)) += add;
		}
	}
	tb_printf(&b, "\n");
	DUMP();
	EXPECT_EQ(err, 0);
	peer_done(is ? "peer is" : "peer si", is ? "is" : "si", &b);
	stp_map_free(m);
#undef KEY
#undef ENTRY_OF
#undef GONE
#undef DUMP
}

static void peer_foreach_value(void)
{
	static const char *words[] = { "one", "two", "three", "four", "five" };
	struct stp_map_spec sl = spec1(STP_LONG, STP_LONG, 0);
	struct stp_map_spec ss = spec1(STP_LONG, STP_STRING, 0);
	struct stp_map_spec st = spec1(STP_LONG, STP_STAT, 0);
	struct stp_map *longs = stp_map_new(&sl), *strings = stp_map_new(&ss);
	struct stp_map *stats, *agg;
	struct stp_hist_spec hs;
	struct stp_stat *stat;
	struct stp_map_entry *e;
	struct tbuf b = { 0 };
	int64_t i, n;
	int err = 0;

	for (i = 1; i < 10; i++)
		*stp_map_long(ins(longs, i)) = i * i * (i - 5);
	stp_map_sort(longs, 0, -1, 0, 0);
	for (e = stp_map_first(longs); e; e = stp_map_next(longs, e))
		tb_printf(&b, "longs[%d] = %d\n", stp_map_key(e, 0).l,
			  *stp_map_long(e));
	for (i = 0; i < 5; i++)
		stp_strlcpy(stp_map_string(ins(strings, i + 1)), words[i],
			    MAXSTRINGLEN);
	stp_map_sort(strings, 0, 1, 0, 0);
	for (e = stp_map_first(strings); e; e = stp_map_next(strings, e))
		tb_printf(&b, "strings[%d] = %s\n", stp_map_key(e, 0).l,
			  stp_map_string(e));
	stp_hist_log_spec(&hs);
	hs.shift = 0;
	hs.no_variance = false;
	stat = malloc(stp_stat_size(&hs));
	stp_stat_init(stat, &hs);
	for (e = stp_map_first(strings); e; e = stp_map_next(strings, e))
		stp_stat_add(stat, &hs, (int64_t)strlen(stp_map_string(e)));
	for (i = 0; i < hs.buckets; i++)
		if ((n = stp_hist_bucket(stat, &hs, i, &err)))
			tb_printf(&b, "%d strings in bucket %d\n", n, i);
	st.hist = hs;
	stats = stp_map_new(&st);
	agg = stp_map_new(&st);
	for (e = stp_map_first(strings); e; e = stp_map_next(strings, e)) {
		struct stp_map_entry *se;

		se = ins(stats, stp_stringat(stp_map_string(e), 0, &err));
		stp_stat_add(stp_map_stat(se), &hs,
			     (int64_t)strlen(stp_map_string(e)));
	}
	stp_map_aggregate(agg, stats);
	stp_map_sort(agg, 1, 1, 0, 0);
	for (e = stp_map_first(agg); e; e = stp_map_next(agg, e))
		for (i = 0; i < hs.buckets; i++)
			if ((n = stp_hist_bucket(stp_map_stat(e), &hs, i, &err)))
				tb_printf(&b, "%d strings in [%c] bucket %d\n", n,
					  stp_map_key(e, 0).l, i);
	EXPECT_EQ(err, 0);
	peer_compare("peer foreach_value", "foreach_value", b.p, b.len);
	free(stat);
	tb_free(&b);
	stp_map_free(longs);
	stp_map_free(strings);
	stp_map_free(stats);
	stp_map_free(agg);
}

/*
 * map_hash_*: 2048 entries whose keys are read from the script itself;
 * [long] / [string] / [string, string] = 1 printed at the end, or
 * statistics printed sorted by the first key.
 */
static void stat_line_s(struct tbuf *b, const char *head, struct stp_stat *st)
{
	int err = 0;

	tb_printf(b, "%s: count:%d  sum:%d  avg:%d  min:%d  max:%d  "
		  "variance:%d\n", head, stp_stat_get(st, STP_COUNT, 0, &err),
		  stp_stat_get(st, STP_SUM, 0, &err),
		  stp_stat_get(st, STP_AVG, 0, &err),
		  stp_stat_get(st, STP_MIN, 0, &err),
		  stp_stat_get(st, STP_MAX, 0, &err),
		  stp_stat_get(st, STP_VARIANCE, 0, &err));
	EXPECT_EQ(err, 0);
}

static int parse_keys(char *line, union stp_arg *keys, int *nkeys, bool *stat)
{
	char *p = strstr(line, "array[");
	int n = 0;

	if (!p || strspn(line, " \t") != (size_t)(p - line))
		return 0;
	p += 6;
	if (*p != '"' && *p != '-' && (*p < '0' || *p > '9'))
		return 0;
	while (*p && *p != ']' && n < 2) {
		if (*p == '"') {
			char *q = strchr(p + 1, '"');

			if (!q)
				return 0;
			*q = '\0';
			keys[n++].s = p + 1;
			p = q + 1;
		} else {
			keys[n++].l = strtoll(p, &p, 10);
		}
		if (*p == ',')
			p++;
	}
	*nkeys = n;
	*stat = strstr(p, "<<<") != NULL;
	return n;
}

static void peer_map_hash(const char *name, enum stp_kind kind)
{
	char file[64], test[64], *script, *line, *save = NULL;
	struct stp_map_spec s = spec1(kind, STP_LONG, 0);
	struct stp_map *m = NULL;
	struct stp_map_entry *e;
	struct tbuf b = { 0 };
	union stp_arg keys[2];
	int nkeys = 0, err = 0;
	bool stat = false;

	snprintf(file, sizeof(file), "%s.stp", name);
	snprintf(test, sizeof(test), "peer %s", name);
	script = peer_file(file);
	if (!script) {
		peer_missing(test, file);
		return;
	}
	for (line = strtok_r(script, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!parse_keys(line, keys, &nkeys, &stat))
			continue;
		if (!m) {
			s.nkeys = nkeys;
			s.key_kind[1] = kind;
			s.value_kind = stat ? STP_STAT : STP_LONG;
			m = stp_map_new(&s);
		}
		e = stp_map_insert(m, keys, &err);
		if (!e)
			break;
		if (stat)
			stp_stat_add(stp_map_stat(e), &s.hist, 1);
		else
			*stp_map_long(e) = 1;
	}
	EXPECT_EQ(err, 0);
	if (!m) {
		free(script);
		return;
	}
	stp_map_sort(m, stat ? 1 : 0, stat ? 1 : -1, 0, 0);
	for (e = stp_map_first(m); e; e = stp_map_next(m, e)) {
		union stp_arg k0 = stp_map_key(e, 0);

		if (stat && kind == STP_LONG)
			stat_line(&b, "array[%d]: count:%d  sum:%d  avg:%d  "
				  "min:%d  max:%d  variance:%d\n", k0.l,
				  stp_map_stat(e), "csanxv");
		else if (stat) {
			char head[3 * MAXSTRINGLEN];

			if (nkeys == 1)
				snprintf(head, sizeof(head), "array[\"%s\"]", k0.s);
			else
				snprintf(head, sizeof(head), "array[\"%s\", \"%s\"]",
					 k0.s, stp_map_key(e, 1).s);
			stat_line_s(&b, head, stp_map_stat(e));
		} else if (kind == STP_LONG)
			tb_printf(&b, "array[%d]=%d\n", k0.l, *stp_map_long(e));
		else if (nkeys == 1)
			tb_printf(&b, "array[\"%s\"]=%d\n", k0.s, *stp_map_long(e));
		else
			tb_printf(&b, "array[\"%s\",\"%s\"]=%d\n", k0.s,
				  stp_map_key(e, 1).s, *stp_map_long(e));
	}
	peer_done(test, name, &b);
	stp_map_free(m);
	free(script);
}

int main(void)
{
	run_test("map: insert, find, remove, clear, order", test_basic);
	run_test("map: full map and wrapping eviction", test_full_and_wrap);
	run_test("map: allocation failures and bad specs", test_alloc_failure);
	run_test("map: string keys and values, truncated keys",
		 test_string_keys_values);
	run_test("map: wildcard slices", test_matches);
	run_test("map: sort by value and key, stable, limited", test_sort);
	run_test("map: limited sort leaves SystemTap's order",
		 test_sort_top_tail);
	run_test("map: sort strings and statistics by operator",
		 test_sort_strings_stats);
	run_test("map: per-cpu aggregation", test_aggregate);
	run_test("map: 200000 random operations against a reference",
		 test_random);
	peer_foreach_limit();
	peer_foreach_aggrsort();
	peer_ix();
	peer_ix_hist();
	peer_map_wrap();
	peer_is_si(true);
	peer_is_si(false);
	peer_foreach_value();
	peer_map_hash("map_hash_II", STP_LONG);
	peer_map_hash("map_hash_SI", STP_STRING);
	peer_map_hash("map_hash_SSI", STP_STRING);
	peer_map_hash("map_hash_stat_II", STP_LONG);
	peer_map_hash("map_hash_stat_SI", STP_STRING);
	peer_map_hash("map_hash_stat_SSI", STP_STRING);
	return t_finish("map");
}
