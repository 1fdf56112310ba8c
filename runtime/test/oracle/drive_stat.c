// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drive_stat.c - random statistics (log or linear histograms with random
 * ranges, random @variance shifts, values up to 10^9 so SystemTap's
 * 32-bit delta wraps) fed to stp_stat_add and to SystemTap's
 * __stp_stat_add; the @variance of a global statistic (_stp_stat_get
 * for one cpu) and the histogram's text must be the same.  Then 2 to 4
 * such parts (cpus) are combined both ways: as a global statistic
 * (_stp_stat_get's total variance over all parts) and as an array's
 * value (_new_map_copy_stat, pairwise); count, sum, min, max and
 * @variance must be the same.
 */
#include <stdlib.h>

#include "drive.h"
#include "ref_stat.h"
#include "stp_stat.h"

static char want[1 << 16], got[1 << 16];

/* One statistic; the number of differences (0 or more). */
static int one(void)
{
	struct _Hist h = { 0 };
	struct stp_hist_spec spec;
	stat_data *sd = calloc(1, sizeof(*sd) + 128 * sizeof(int64_t));
	struct stp_stat *st;
	int i, n = 1 + rnd() % 300, shift = rnd() % 4 ? 0 : rnd() % 10, bad = 0;
	int64_t range, a, s1, s2, vs, mine;
	int err = 0;

	memset(&spec, 0, sizeof(spec));
	if (rnd() % 2) {
		h.type = HIST_LOG;
		h.buckets = HIST_LOG_BUCKETS;
		stp_hist_log_spec(&spec);
	} else {
		h.type = HIST_LINEAR;
		h.start = (int)(rnd() % 2000) - 1000;
		h.interval = 1 + (int)(rnd() % 100);
		h.stop = h.start + h.interval * (int)(rnd() % 60);
		h.buckets = _stp_stat_calc_buckets(h.stop, h.start, h.interval);
		if (stp_hist_linear_spec(&spec, h.start, h.stop, h.interval))
			return 1;
	}
	h.bit_shift = shift;
	spec.shift = shift;
	st = calloc(1, stp_stat_size(&spec));
	stp_stat_init(st, &spec);
	range = rnd() % 3 == 0 ? 1000000000 : rnd() % 2 ? 5000 : 300;
	for (i = 0; i < n; i++) {
		int64_t v = (int64_t)(rnd() % (uint64_t)(2 * range)) -
			    range / (int64_t)(1 + rnd() % 4);

		__stp_stat_add(&h, sd, v, 1, 1, 1, 1, 1);
		stp_stat_add(st, &spec, v);
	}
	/* _stp_stat_get over one cpu's part */
	a = _stp_div64(NULL, sd->sum << sd->shift, sd->count);
	s1 = sd->count * (sd->avg_s - a) * (sd->avg_s - a);
	s2 = (sd->count - 1) * sd->variance_s;
	vs = _stp_div64(NULL, s1 + s2, sd->count - 1) >> (2 * shift);
	mine = stp_stat_get(st, STP_VARIANCE, shift, &err);
	if (err || mine != vs) {
		printf("@variance %lld, SystemTap %lld\n", (long long)mine,
		       (long long)vs);
		bad++;
	}
	memset(want, 0, sizeof(want));
	_stp_stat_print_histogram_buf(want, sizeof(want), &h, sd);
	stp_hist_format(got, sizeof(got), st, &spec);
	if (strcmp(want, got)) {
		printf("histogram text differs:\n%s---\n%s", want, got);
		bad++;
	}
	free(sd);
	free(st);
	return bad;
}

/* Parts combined as SystemTap does, and as stp_stat_merge does. */
static int parts(void)
{
	enum { MAXP = 4 };
	struct _Hist h = { HIST_NONE, 0, 0, 0, 0, 0, 0 };
	struct map_root map;
	struct stp_hist_spec spec;
	stat_data *sd[MAXP], *agg;
	struct stp_stat *st[MAXP], *g, *m;
	int np = 2 + (int)(rnd() % 3), shift = (int)(rnd() % 4), i, k, bad = 0;
	int64_t count = 0, sum = 0, a, s1 = 0, s2 = 0, want, err = 0;
	int e = 0;

	memset(&spec, 0, sizeof(spec));
	spec.shift = shift;
	h.bit_shift = shift;
	h.stat_ops = STAT_OP_VARIANCE;
	map.hist = h;
	agg = calloc(1, sizeof(*agg));
	g = calloc(1, stp_stat_size(&spec));
	m = calloc(1, stp_stat_size(&spec));
	stp_stat_init(g, &spec);
	stp_stat_init_map(m, &spec);
	for (k = 0; k < np; k++) {
		int n = 1 + (int)(rnd() % 50);

		sd[k] = calloc(1, sizeof(*sd[k]));
		st[k] = calloc(1, stp_stat_size(&spec));
		stp_stat_init(st[k], &spec);
		for (i = 0; i < n; i++) {
			int64_t v = (int64_t)(rnd() % 2000) - 700;

			__stp_stat_add(&h, sd[k], v, 1, 1, 1, 1, 1);
			sd[k]->stat_ops = STAT_OP_VARIANCE;
			stp_stat_add(st[k], &spec, v);
		}
		count += sd[k]->count;
		sum += sd[k]->sum;
		/* the aggregated map entry: copied, then added pairwise */
		_new_map_copy_stat(&map, agg, sd[k], k > 0);
		stp_stat_merge(g, st[k], &spec);
		stp_stat_merge(m, st[k], &spec);
	}
	/* _stp_stat_get over all parts */
	a = _stp_div64(NULL, sum << shift, count);
	for (k = 0; k < np; k++) {
		s1 += sd[k]->count * (sd[k]->avg_s - a) * (sd[k]->avg_s - a);
		s2 += (sd[k]->count - 1) * sd[k]->variance_s;
	}
	want = _stp_div64(NULL, s1 + s2, count - 1) >> (2 * shift);
	if (stp_stat_get(g, STP_VARIANCE, shift, &e) != want) {
		printf("global @variance of %d parts: %lld, SystemTap %lld\n", np,
		       (long long)stp_stat_get(g, STP_VARIANCE, shift, &e),
		       (long long)want);
		bad++;
	}
	if (stp_stat_get(m, STP_VARIANCE, shift, &e) != agg->variance ||
	    stp_stat_get(m, STP_COUNT, 0, &e) != agg->count ||
	    stp_stat_get(m, STP_SUM, 0, &e) != agg->sum ||
	    stp_stat_get(m, STP_MIN, 0, &e) != agg->min ||
	    stp_stat_get(m, STP_MAX, 0, &e) != agg->max) {
		printf("array value of %d parts: @variance %lld, SystemTap %lld\n",
		       np, (long long)stp_stat_get(m, STP_VARIANCE, shift, &e),
		       (long long)agg->variance);
		bad++;
	}
	err = e;
	for (k = 0; k < np; k++) {
		free(sd[k]);
		free(st[k]);
	}
	free(agg);
	free(g);
	free(m);
	return bad + (err != 0);
}

static int both(void)
{
	return one() + parts();
}

/* It stops at five differences: each says all it found. */
const struct drive drive = { "random statistics and merges", 20000, 777, 5, both };
