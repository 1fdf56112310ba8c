// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drive_stat.c - random statistics (log or linear histograms with random
 * ranges, random @variance shifts, values up to 10^9 so SystemTap's
 * 32-bit delta wraps) fed to stp_stat_add and to SystemTap's
 * __stp_stat_add; the @variance of a global statistic (_stp_stat_get
 * for one cpu) and the histogram's text must be the same.
 */
#include <stdlib.h>

#include "ref_stat.h"
#include "stp_stat.h"

static uint64_t seed = 777;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

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

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 20000, it, bad = 0;

	for (it = 0; it < iters && bad < 5; it++)
		bad += one();
	printf("%ld random statistics, %ld differ\n", it, bad);
	return bad != 0;
}
