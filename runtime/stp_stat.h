/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_stat.h - statistics ("aggregates"): count, sum, min, max, average,
 * variance, and the linear or logarithmic histogram a statistic may carry.
 *
 * A statistic is a fixed-size object: struct stp_stat followed by its
 * histogram buckets (stp_stat_size() bytes), so arrays can preallocate
 * them.  Per-cpu copies are combined with stp_stat_merge().
 *
 * All arithmetic is SystemTap's, bit for bit: 64-bit wrapping sums, the
 * running (Welford) variance in integers with SystemTap's 32-bit delta,
 * and its two ways of combining per-cpu parts, which give different
 * @variance results and which its tests both show (docs/runtime.md):
 *  - a global statistic (stp_stat_init) combines all parts at once with
 *    the "total variance" formula, and even a single part goes through
 *    it (run/linear_over: @variance of 1000..9999 is 47241750);
 *  - a statistic in an array (stp_map_insert, or stp_stat_init_map)
 *    combines parts pairwise and a single part keeps its running
 *    variance (run/ix: @variance of 100, 0, -2 is 3410, not 3411).
 */
#ifndef STP_STAT_H
#define STP_STAT_H

#include "stp_types.h"

enum stp_hist_kind {
	STP_HIST_NONE,
	STP_HIST_LOG,		/* buckets 0, 1, 2, 4, 8, ... and the negatives */
	STP_HIST_LINEAR,	/* [start, stop) by interval, plus under/over */
};

/* Fixed per statistic variable by the translator. */
struct stp_hist_spec {
	enum stp_hist_kind kind;
	int64_t start, stop, interval;	/* linear only */
	int buckets;			/* all buckets, under/overflow included */
	int shift;			/* @variance(s, N): N in 0..62, else 0 */
	bool no_variance;		/* no @variance in the script: saves a
					 * 64-bit division per value */
};

/* Linear histograms: at most this many buckets, under/overflow included
 * (SystemTap's STP_MAX_BUCKETS). */
#ifndef STP_HIST_MAX_BUCKETS
#define STP_HIST_MAX_BUCKETS 128
#endif

/* Log histograms have 128 buckets: index 64 holds 0, 64+k holds
 * [2^(k-1), 2^k), 64-k the negative mirror (SystemTap's numbering, as
 * "foreach (b in @hist_log(s))" shows it). */
#define STP_HIST_LOG_BUCKETS 128

struct stp_stat {
	int64_t count, sum, min, max;
	int64_t avg_s;		/* running mean << shift (merged: see flags) */
	int64_t var_s;		/* running sum of squared deviations
				 * << 2*shift; STP_STAT_PAIRED: the variance
				 * << 2*shift; STP_STAT_TOTAL: the parts'
				 * sum of (count - 1) * variance << 2*shift */
	int64_t part_na;	/* STP_STAT_TOTAL: sum of count * avg_s */
	int64_t part_naa;	/* STP_STAT_TOTAL: sum of count * avg_s^2 */
	int32_t shift;		/* the spec's shift; -1: no variance kept */
	uint32_t flags;		/* STP_STAT_* */
	int64_t buckets[];	/* spec->buckets of them */
};

#define STP_STAT_MAP	1	/* an array's value: pairwise merges */
#define STP_STAT_PAIRED	2	/* made by pairwise merges */
#define STP_STAT_TOTAL	4	/* made by global (all-at-once) merges */

/*
 * Fill SPEC for @hist_linear(s, start, stop, interval) / @hist_log(s).
 * A linear histogram has (stop - start) / interval + 3 buckets: the
 * underflow, one per interval from start up to and including the one
 * that starts at stop, and the overflow.  STP_EINVAL (SPEC then has no
 * histogram) for interval <= 0 or a count outside 3..STP_HIST_MAX_BUCKETS,
 * where SystemTap's runtime refuses to start.  (Changed from void.)
 */
int stp_hist_linear_spec(struct stp_hist_spec *spec, int64_t start,
			 int64_t stop, int64_t interval);
void stp_hist_log_spec(struct stp_hist_spec *spec);

size_t stp_stat_size(const struct stp_hist_spec *spec);
/* A global statistic, or one part of it (per cpu): empty. */
void stp_stat_init(struct stp_stat *st, const struct stp_hist_spec *spec);
/* An array's statistic (stp_map_insert does this for its entries). */
void stp_stat_init_map(struct stp_stat *st, const struct stp_hist_spec *spec);
void stp_stat_add(struct stp_stat *st, const struct stp_hist_spec *spec,
		  int64_t value);
/*
 * Add the part FROM into INTO (initialised empty by the caller, then
 * merged into once per part, in cpu order).  INTO's kind decides how:
 * pairwise for an array's statistic, all at once for a global one.
 */
void stp_stat_merge(struct stp_stat *into, const struct stp_stat *from,
		    const struct stp_hist_spec *spec);

/*
 * @count ... @variance(s, shift): STP_EEMPTY in *err for @min, @max,
 * @avg and @variance of an empty statistic (@count and @sum are 0).
 * @avg is sum / count truncated (SystemTap's integer division).
 * @variance: STP_EINVAL when SHIFT is not the spec's shift or the spec
 * said no_variance.
 */
int64_t stp_stat_get(const struct stp_stat *st, enum stp_statop op,
		     int shift, int *err);

/* The same without errors (0 where stp_stat_get fails): sort keys. */
int64_t stp_stat_value(const struct stp_stat *st, enum stp_statop op);

/* The histogram's bucket B (STP_EINVAL in *err outside 0..buckets-1). */
int64_t stp_hist_bucket(const struct stp_stat *st,
			const struct stp_hist_spec *spec, int64_t b, int *err);

/*
 * print(@hist_...(s)): the text SystemTap prints, into OUT of SIZE bytes
 * (truncated, NUL-terminated; OUT may be NULL when SIZE is 0); returns
 * the length it wanted.  Empty histograms print nothing (SystemTap
 * raises "empty aggregate" for them: the caller checks @count first).
 */
size_t stp_hist_format(char *out, size_t size, const struct stp_stat *st,
		       const struct stp_hist_spec *spec);

#endif /* STP_STAT_H */
