// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench.c - the runtime core against its peers, one run, ratios printed
 * (not a test: `make bench-runtime`; docs/runtime-benchmarks.md).
 *
 *  - maps (stp_map) against GLib's GHashTable with the same keys: insert
 *    into an empty table, look up present keys, delete them; 1,000 and
 *    100,000 entries; long keys and string keys;
 *  - the printf engine (stp_format) against glibc's snprintf on the same
 *    formats and arguments;
 *  - statistics: the cost of one value (stp_stat_add) per kind.
 *
 * Each figure is the best of several rounds (the least disturbed), in
 * nanoseconds per operation.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../runtime/stp_map.h"
#include "../../runtime/stp_printf.h"
#include "../../runtime/stp_stat.h"

static volatile uint64_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Shuffle IDX[0..n) (Fisher-Yates): the order the keys are used in. */
static void shuffle(int *idx, int n)
{
	int i, j, t;

	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = (int)(next_rand() % (uint64_t)(i + 1));
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
}

struct keyset {
	int n;
	int64_t *longs;		/* spread-out numbers: pids, addresses */
	char **strs;		/* "name-12345-suffix"-like, 10..30 bytes */
	int *ins, *look, *del;	/* three orders */
};

static struct keyset make_keys(int n)
{
	static const char *words[] = { "sys_read", "vfs_write", "do_fork",
		"tcp_sendmsg", "kmem_cache_alloc", "ext4_file_open",
		"schedule", "futex_wait" };
	struct keyset k;
	int i;

	k.n = n;
	k.longs = malloc(n * sizeof(*k.longs));
	k.strs = malloc(n * sizeof(*k.strs));
	k.ins = malloc(n * sizeof(int));
	k.look = malloc(n * sizeof(int));
	k.del = malloc(n * sizeof(int));
	for (i = 0; i < n; i++) {
		char buf[64];

		k.longs[i] = (int64_t)(next_rand() >> 1);
		snprintf(buf, sizeof(buf), "%s-%d", words[i % 8], i);
		k.strs[i] = strdup(buf);
	}
	shuffle(k.ins, n);
	shuffle(k.look, n);
	shuffle(k.del, n);
	return k;
}

static void free_keys(struct keyset *k)
{
	int i;

	for (i = 0; i < k->n; i++)
		free(k->strs[i]);
	free(k->strs);
	free(k->longs);
	free(k->ins);
	free(k->look);
	free(k->del);
}

struct times {
	double ins, look, del;	/* ns per operation, best round */
};

static void best(double *slot, double t0, int n)
{
	double v = (now_ns() - t0) / n;

	if (*slot == 0 || v < *slot)
		*slot = v;
}

/* One round of the map: insert all, look all up, delete all. */
static void round_stp(struct stp_map *m, struct keyset *k, bool strings,
		      struct times *t)
{
	union stp_arg key;
	int i, err = 0;
	double t0;

	t0 = now_ns();
	for (i = 0; i < k->n; i++) {
		int j = k->ins[i];

		if (strings)
			key.s = k->strs[j];
		else
			key.l = k->longs[j];
		*stp_map_long(stp_map_insert(m, &key, &err)) = j;
	}
	best(&t->ins, t0, k->n);
	t0 = now_ns();
	for (i = 0; i < k->n; i++) {
		int j = k->look[i];

		if (strings)
			key.s = k->strs[j];
		else
			key.l = k->longs[j];
		sink += (uint64_t)*stp_map_long(stp_map_find(m, &key));
	}
	best(&t->look, t0, k->n);
	t0 = now_ns();
	for (i = 0; i < k->n; i++) {
		int j = k->del[i];

		if (strings)
			key.s = k->strs[j];
		else
			key.l = k->longs[j];
		stp_map_remove(m, stp_map_find(m, &key));
	}
	best(&t->del, t0, k->n);
	if (err || stp_map_size(m))
		abort();
}

/*
 * One round of a GHashTable from empty, in one of GLib's idioms:
 *  G_INT64:    gint64 keys by pointer into the caller's key array
 *              (g_int64_hash: GLib's documented way for 64-bit keys);
 *  G_DIRECT:   the 64-bit key stored as the pointer itself (g_direct_hash,
 *              64-bit hosts only): the table holds the key, as a map does;
 *  G_BORROWED: string keys pointing at the caller's strings;
 *  G_OWNED:    the table's own copies (g_strdup in, g_free out), as a map
 *              that keeps its keys must.
 */
enum glib_kind { G_INT64, G_DIRECT, G_BORROWED, G_OWNED };

static gpointer glib_key(struct keyset *k, int j, enum glib_kind kind,
			 bool insert)
{
	switch (kind) {
	case G_INT64:
		return &k->longs[j];
	case G_DIRECT:
		return (gpointer)(uintptr_t)k->longs[j];
	case G_OWNED:
		if (insert)
			return g_strdup(k->strs[j]);
		/* fall through */
	default:
		return k->strs[j];
	}
}

static void round_glib(struct keyset *k, enum glib_kind kind, struct times *t)
{
	GHashTable *h;
	int i;
	double t0;

	if (kind == G_INT64)
		h = g_hash_table_new(g_int64_hash, g_int64_equal);
	else if (kind == G_DIRECT)
		h = g_hash_table_new(g_direct_hash, g_direct_equal);
	else if (kind == G_OWNED)
		h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	else
		h = g_hash_table_new(g_str_hash, g_str_equal);
	t0 = now_ns();
	for (i = 0; i < k->n; i++) {
		int j = k->ins[i];

		g_hash_table_insert(h, glib_key(k, j, kind, true),
				    GINT_TO_POINTER(j + 1));
	}
	best(&t->ins, t0, k->n);
	t0 = now_ns();
	for (i = 0; i < k->n; i++)
		sink += (uint64_t)GPOINTER_TO_INT(g_hash_table_lookup(h,
				glib_key(k, k->look[i], kind, false)));
	best(&t->look, t0, k->n);
	t0 = now_ns();
	for (i = 0; i < k->n; i++)
		g_hash_table_remove(h, glib_key(k, k->del[i], kind, false));
	best(&t->del, t0, k->n);
	if (g_hash_table_size(h))
		abort();
	g_hash_table_destroy(h);
}

static void row(const char *kind, int n, const char *op, double s, double g,
		double go)
{
	printf("map %-6s %6d %-8s %7.1f %7.1f   %5.2f", kind, n, op, s, g, s / g);
	if (go > 0)
		printf("   %7.1f   %5.2f", go, s / go);
	printf("\n");
}

/* Rounds of each contender interleaved, so that a busy machine
 * disturbs them alike; the best round of each counts. */
static void map_rows(int n, int rounds)
{
	struct keyset k = make_keys(n);
	struct stp_map_spec spec;
	struct stp_map *ml, *ms;
	struct times sl = { 0 }, ss = { 0 }, gl = { 0 }, gd = { 0 }, gs = { 0 };
	struct times go = { 0 };
	int r;

	memset(&spec, 0, sizeof(spec));
	spec.nkeys = 1;
	spec.key_kind[0] = STP_LONG;
	spec.value_kind = STP_LONG;
	spec.max_entries = (uint32_t)n;
	ml = stp_map_new(&spec);
	spec.key_kind[0] = STP_STRING;
	ms = stp_map_new(&spec);
	if (!ml || !ms)
		abort();
	for (r = 0; r < rounds; r++) {
		round_stp(ml, &k, false, &sl);
		round_glib(&k, G_INT64, &gl);
		round_glib(&k, G_DIRECT, &gd);
		round_stp(ms, &k, true, &ss);
		round_glib(&k, G_BORROWED, &gs);
		round_glib(&k, G_OWNED, &go);
	}
	row("long", n, "insert", sl.ins, gl.ins, gd.ins);
	row("long", n, "lookup", sl.look, gl.look, gd.look);
	row("long", n, "delete", sl.del, gl.del, gd.del);
	row("string", n, "insert", ss.ins, gs.ins, go.ins);
	row("string", n, "lookup", ss.look, gs.look, go.look);
	row("string", n, "delete", ss.del, gs.del, go.del);
	stp_map_free(ml);
	stp_map_free(ms);
	free_keys(&k);
}

/* The same format for both: C's conversions with "ll", SystemTap's
 * without (its numbers are all 64-bit). */
struct fmt_case {
	const char *name, *stp, *c;
	int nargs;
	union stp_arg args[6];
};

static double time_stp(const struct fmt_case *f, int iters)
{
	char buf[512];
	double t0, b = 0;
	int r, i;

	for (r = 0; r < 5; r++) {
		t0 = now_ns();
		for (i = 0; i < iters; i++)
			sink += (uint64_t)stp_format(buf, sizeof(buf), f->stp,
						     f->args, f->nargs);
		best(&b, t0, iters);
	}
	return b;
}

static double time_c(const struct fmt_case *f, int iters)
{
	const union stp_arg *a = f->args;
	char buf[512];
	double t0, b = 0;
	int r, i;

	for (r = 0; r < 5; r++) {
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			switch (f->nargs) {
			case 0:
				sink += (uint64_t)snprintf(buf, sizeof(buf), f->c, 0);
				break;
			case 1:
				sink += (uint64_t)snprintf(buf, sizeof(buf), f->c, a[0].l);
				break;
			case 2:
				sink += (uint64_t)snprintf(buf, sizeof(buf), f->c, a[0].l,
							   a[1].l);
				break;
			case 3:
				sink += (uint64_t)snprintf(buf, sizeof(buf), f->c, a[0].l,
							   a[1].l, a[2].l);
				break;
			case 4:
				sink += (uint64_t)snprintf(buf, sizeof(buf), f->c, a[0].l,
							   a[1].l, a[2].l, a[3].l);
				break;
			}
		}
		best(&b, t0, iters);
	}
	return b;
}

static void printf_rows(void)
{
	static char comm[] = "kworker/0:1";
	struct fmt_case cases[] = {
		{ "literal", "probe hit\n", "probe hit\n", 0, { { 0 } } },
		{ "one %d", "count=%d\n", "count=%lld\n", 1, { { 1234567 } } },
		{ "%s %d", "%s: %d\n", "%s: %lld\n", 2, { { 0 }, { -42 } } },
		{ "trace line", "%d %d %s %x\n", "%lld %lld %s %llx\n", 4,
		  { { 4242 }, { 4243 }, { 0 }, { 0x7f1234abcdLL } } },
		{ "widths", "%-16s|%8d|%08x\n", "%-16s|%8lld|%08llx\n", 3,
		  { { 0 }, { 99 }, { 0xbeef } } },
		{ "%#x %o", "%#x %o %u\n", "%#llx %llo %llu\n", 3,
		  { { 0xdeadbeef }, { 0755 }, { -1 } } },
		{ "big numbers", "%d %d\n", "%lld %lld\n", 2,
		  { { INT64_MAX }, { INT64_MIN } } },
		{ "%c %.3s", "%c%c %.3s\n", "%c%c %.3s\n", 3,
		  { { 'o' }, { 'k' }, { 0 } } },
	};
	size_t i;
	int iters = 2000000;

	cases[2].args[0].s = comm;
	cases[3].args[2].s = comm;
	cases[4].args[0].s = comm;
	cases[7].args[2].s = comm;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char a[512], b[512];
		const union stp_arg *x = cases[i].args;
		double ts, tc;

		/* The same text, or the comparison means nothing. */
		stp_format(a, sizeof(a), cases[i].stp, x, cases[i].nargs);
		switch (cases[i].nargs) {
		case 0: snprintf(b, sizeof(b), cases[i].c, 0); break;
		case 1: snprintf(b, sizeof(b), cases[i].c, x[0].l); break;
		case 2: snprintf(b, sizeof(b), cases[i].c, x[0].l, x[1].l); break;
		case 3: snprintf(b, sizeof(b), cases[i].c, x[0].l, x[1].l, x[2].l); break;
		case 4: snprintf(b, sizeof(b), cases[i].c, x[0].l, x[1].l, x[2].l, x[3].l); break;
		}
		if (strcmp(a, b)) {
			printf("printf %-12s: outputs differ: \"%s\" \"%s\"\n",
			       cases[i].name, a, b);
			continue;
		}
		ts = time_stp(&cases[i], iters);
		tc = time_c(&cases[i], iters);
		printf("printf %-20s     %7.1f %7.1f   %5.2f\n", cases[i].name,
		       ts, tc, ts / tc);
	}
}

static void stat_rows(void)
{
	static const struct { const char *name; enum stp_hist_kind kind;
			      bool variance; } kinds[] = {
		{ "count/sum/min/max", STP_HIST_NONE, false },
		{ "+ variance", STP_HIST_NONE, true },
		{ "+ variance + @hist_log", STP_HIST_LOG, true },
		{ "+ variance + @hist_linear", STP_HIST_LINEAR, true },
	};
	enum { N = 4096, ITERS = 4000 };
	static int64_t vals[N];
	struct stp_hist_spec spec;
	struct stp_stat *st;
	size_t k;
	int r, i, j;
	double t0, b;

	for (i = 0; i < N; i++)
		vals[i] = (int64_t)(next_rand() % 100000);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		memset(&spec, 0, sizeof(spec));
		if (kinds[k].kind == STP_HIST_LOG)
			stp_hist_log_spec(&spec);
		else if (kinds[k].kind == STP_HIST_LINEAR)
			stp_hist_linear_spec(&spec, 0, 100000, 1000);
		spec.no_variance = !kinds[k].variance;
		st = malloc(stp_stat_size(&spec));
		stp_stat_init(st, &spec);
		b = 0;
		for (r = 0; r < 5; r++) {
			t0 = now_ns();
			for (j = 0; j < ITERS; j++)
				for (i = 0; i < N; i++)
					stp_stat_add(st, &spec, vals[i]);
			best(&b, t0, ITERS * N);
		}
		sink += (uint64_t)st->sum;
		printf("stat %-30s %7.2f\n", kinds[k].name, b);
		free(st);
	}
}

int main(void)
{
	char load[64] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(load, sizeof(load), f))
			strcpy(load, "?\n");
		fclose(f);
	}
	printf("# ns per operation (best of rounds); ratio = runtime / peer\n");
	printf("# load average at start: %s", load);
	printf("# GLib columns: long keys: g_int64_hash (keys in the caller's "
	       "array), then g_direct_hash\n#   (the key in the table); "
	       "strings: borrowed, then owned copies (g_strdup/g_free)\n");
	printf("%-32s %7s %7s   %5s   %7s   %5s\n", "# maps: operation",
	       "stp_map", "GLib", "ratio", "GLib-2", "ratio");
	map_rows(1000, 1000);
	map_rows(100000, 20);
	printf("%-32s %7s %7s   %5s\n", "# printf: format", "stp", "glibc",
	       "ratio");
	printf_rows();
	printf("%-36s %7s\n", "# statistics: one value", "ns");
	stat_rows();
	return 0;
}
