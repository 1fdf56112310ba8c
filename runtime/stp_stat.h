/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_stat.h - statistics ("aggregates"): count, sum, min, max, average,
 * variance, and the linear or logarithmic histogram a statistic may carry.
 *
 * A statistic is a fixed-size object: struct stp_stat followed by its
 * histogram buckets (stp_stat_size() bytes), so arrays can preallocate
 * them.  Per-cpu copies are combined with stp_stat_merge().
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
};

/* Log histograms have 128 buckets: index 64 holds 0, 64+k holds
 * [2^(k-1), 2^k), 64-k the negative mirror (SystemTap's numbering, as
 * "foreach (b in @hist_log(s))" shows it). */
#define STP_HIST_LOG_BUCKETS 128

struct stp_stat {
	int64_t count, sum, min, max;
	int64_t avg_s;		/* running mean, for the variance */
	int64_t var_s;		/* running sum of squared deviations */
	int64_t buckets[];	/* spec->buckets of them */
};

/* Fill SPEC for @hist_linear(s, start, stop, interval) / @hist_log(s). */
void stp_hist_linear_spec(struct stp_hist_spec *spec, int64_t start,
			  int64_t stop, int64_t interval);
void stp_hist_log_spec(struct stp_hist_spec *spec);

size_t stp_stat_size(const struct stp_hist_spec *spec);
void stp_stat_init(struct stp_stat *st, const struct stp_hist_spec *spec);
void stp_stat_add(struct stp_stat *st, const struct stp_hist_spec *spec,
		  int64_t value);
void stp_stat_merge(struct stp_stat *into, const struct stp_stat *from,
		    const struct stp_hist_spec *spec);

/*
 * @count ... @variance(s, shift): STP_EEMPTY in *err for @min, @max,
 * @avg and @variance of an empty statistic (@count and @sum are 0).
 */
int64_t stp_stat_get(const struct stp_stat *st, enum stp_statop op,
		     int shift, int *err);

/* The histogram's bucket B (STP_EINVAL in *err outside 0..buckets-1). */
int64_t stp_hist_bucket(const struct stp_stat *st,
			const struct stp_hist_spec *spec, int64_t b, int *err);

/*
 * print(@hist_...(s)): the text SystemTap prints, into OUT of SIZE bytes
 * (truncated, NUL-terminated); returns the length it wanted.  Empty
 * histograms print nothing.
 */
size_t stp_hist_format(char *out, size_t size, const struct stp_stat *st,
		       const struct stp_hist_spec *spec);

#endif /* STP_STAT_H */
