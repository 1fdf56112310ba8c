// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stp_stat.c - statistics and histograms, with SystemTap's arithmetic.
 *
 * The values are int64_t and wrap as they do in the kernel (which builds
 * with -fno-strict-overflow): sums, squares and shifts go through
 * uint64_t here so that user space sees the same bits without undefined
 * behaviour.
 */
#include "stp_stat.h"
#include "stp_platform.h"

#define HIST_LOG_ZERO	64	/* the log bucket that holds 0 */
#define HIST_WIDTH	50	/* '@' columns of a full bar */
#define HIST_ELISION	2	/* empty rows kept around the data */

static inline int64_t wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t wrap_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

static inline int64_t wrap_mul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

static inline int64_t wrap_shl(int64_t a, int shift)
{
	return (int64_t)((uint64_t)a << shift);
}

int stp_hist_linear_spec(struct stp_hist_spec *spec, int64_t start,
			 int64_t stop, int64_t interval)
{
	uint64_t n;

	spec->kind = STP_HIST_NONE;
	spec->buckets = 0;
	if (interval <= 0 || stop < start)
		return STP_EINVAL;
	n = stp_udiv64((uint64_t)stop - (uint64_t)start, (uint64_t)interval);
	if (n > STP_HIST_MAX_BUCKETS - 3)
		return STP_EINVAL;
	spec->kind = STP_HIST_LINEAR;
	spec->start = start;
	spec->stop = stop;
	spec->interval = interval;
	spec->buckets = (int)n + 3;
	return 0;
}

void stp_hist_log_spec(struct stp_hist_spec *spec)
{
	spec->kind = STP_HIST_LOG;
	spec->start = spec->stop = spec->interval = 0;
	spec->buckets = STP_HIST_LOG_BUCKETS;
}

static inline int nbuckets(const struct stp_hist_spec *spec)
{
	return spec->kind == STP_HIST_NONE ? 0 : spec->buckets;
}

size_t stp_stat_size(const struct stp_hist_spec *spec)
{
	return sizeof(struct stp_stat) + nbuckets(spec) * sizeof(int64_t);
}

void stp_stat_init(struct stp_stat *st, const struct stp_hist_spec *spec)
{
	memset(st, 0, stp_stat_size(spec));
	st->shift = spec->no_variance ? -1 : spec->shift;
}

void stp_stat_init_map(struct stp_stat *st, const struct stp_hist_spec *spec)
{
	stp_stat_init(st, spec);
	st->flags = STP_STAT_MAP;
}

/* Log bucket of V: 64 for 0, 64 + bits for v > 0, 64 - bits for v < 0. */
static inline int log_bucket(int64_t v)
{
	int b;

	if (v == 0)
		return HIST_LOG_ZERO;
	if (v > 0)
		return HIST_LOG_ZERO + stp_fls64((uint64_t)v);
	b = HIST_LOG_ZERO - stp_fls64(0 - (uint64_t)v);
	return b;	/* INT64_MIN: 64 bits, bucket 0 */
}

static inline int linear_bucket(const struct stp_hist_spec *spec, int64_t v)
{
	uint64_t i;

	if (v < spec->start)
		return 0;
	i = stp_udiv64((uint64_t)v - (uint64_t)spec->start,
		       (uint64_t)spec->interval) + 1;
	if (i >= (uint64_t)spec->buckets - 1)
		return spec->buckets - 1;
	return (int)i;
}

/*
 * SystemTap's __stp_stat_add().  Its running variance keeps the delta in
 * an int: values whose scaled distance from the mean passes 2^31 wrap
 * there, and so they do here, for the same @variance.
 */
void stp_stat_add(struct stp_stat *st, const struct stp_hist_spec *spec,
		  int64_t value)
{
	if (st->count == 0) {
		st->count = 1;
		st->sum = st->min = st->max = value;
		if (st->shift >= 0)
			st->avg_s = wrap_shl(value, st->shift);
		st->var_s = 0;
	} else {
		st->count++;
		st->sum = wrap_add(st->sum, value);
		if (value > st->max)
			st->max = value;
		if (value < st->min)
			st->min = value;
		if (st->shift >= 0) {
			int64_t scaled = wrap_shl(value, st->shift);
			int32_t delta = (int32_t)(uint32_t)(uint64_t)
					wrap_sub(scaled, st->avg_s);

			st->avg_s = wrap_add(st->avg_s,
					     stp_sdiv64(delta, st->count));
			st->var_s = wrap_add(st->var_s,
				wrap_mul(delta, wrap_sub(scaled, st->avg_s)));
		}
	}
	if (spec->kind == STP_HIST_LOG)
		st->buckets[log_bucket(value)]++;
	else if (spec->kind == STP_HIST_LINEAR)
		st->buckets[linear_bucket(spec, value)]++;
}

/* SystemTap's variance_s of one part: M2 / (count - 1), 0 below 2. */
static int64_t part_variance(const struct stp_stat *st)
{
	if (st->flags & STP_STAT_PAIRED)
		return st->var_s;
	if (st->count < 2)
		return 0;
	return stp_sdiv64(st->var_s, st->count - 1);
}

/* The sums a global combination needs of ST, as one part or several. */
static void total_parts(const struct stp_stat *st, int64_t *na, int64_t *naa,
			int64_t *s2)
{
	if (st->flags & STP_STAT_TOTAL) {
		*na = st->part_na;
		*naa = st->part_naa;
		*s2 = st->var_s;
		return;
	}
	*na = wrap_mul(st->count, st->avg_s);
	*naa = wrap_mul(*na, st->avg_s);
	*s2 = wrap_mul(st->count - 1, part_variance(st));
}

static void merge_common(struct stp_stat *into, const struct stp_stat *from,
			 const struct stp_hist_spec *spec)
{
	int i, n = nbuckets(spec);

	if (into->count == 0) {
		into->min = from->min;
		into->max = from->max;
	} else {
		if (from->min < into->min)
			into->min = from->min;
		if (from->max > into->max)
			into->max = from->max;
	}
	into->count += from->count;
	into->sum = wrap_add(into->sum, from->sum);
	for (i = 0; i < n; i++)
		into->buckets[i] = wrap_add(into->buckets[i], from->buckets[i]);
}

/*
 * SystemTap's _new_map_copy_stat(): the first part is copied, running
 * variance and all; each later one is combined with the total variance
 * formula around the new (exact, truncated) mean.
 */
static void merge_pairwise(struct stp_stat *into, const struct stp_stat *from,
			   const struct stp_hist_spec *spec)
{
	int64_t n1 = into->count, a1 = into->avg_s, v1, a, d1, d2, s;

	if (n1 == 0) {
		v1 = part_variance(from);
		merge_common(into, from, spec);
		into->avg_s = from->avg_s;
		into->var_s = v1;
		into->flags |= STP_STAT_PAIRED;
		return;
	}
	v1 = part_variance(into);
	merge_common(into, from, spec);
	if (into->shift < 0)
		return;
	a = stp_sdiv64(wrap_shl(into->sum, into->shift), into->count);
	d1 = wrap_sub(a1, a);
	d2 = wrap_sub(from->avg_s, a);
	s = wrap_mul(wrap_mul(n1, d1), d1);
	s = wrap_add(s, wrap_mul(n1 - 1, v1));
	s = wrap_add(s, wrap_mul(wrap_mul(from->count, d2), d2));
	s = wrap_add(s, wrap_mul(from->count - 1, part_variance(from)));
	into->avg_s = a;
	into->var_s = stp_sdiv64(s, into->count - 1);
	into->flags |= STP_STAT_PAIRED;
}

/*
 * SystemTap's _stp_stat_get() sums count * (avg_s - A)^2 over the parts
 * once A, the overall mean, is known.  Expanded, that is
 * sum(n a^2) - 2 A sum(n a) + A^2 sum(n), the same bits modulo 2^64, so
 * the parts can come one at a time and A can wait for stp_stat_get().
 */
static void merge_total(struct stp_stat *into, const struct stp_stat *from,
			const struct stp_hist_spec *spec)
{
	int64_t na1, naa1, s21, na2, naa2, s22;

	total_parts(into, &na1, &naa1, &s21);
	total_parts(from, &na2, &naa2, &s22);
	merge_common(into, from, spec);
	into->part_na = wrap_add(na1, na2);
	into->part_naa = wrap_add(naa1, naa2);
	into->var_s = wrap_add(s21, s22);
	into->flags |= STP_STAT_TOTAL;
}

void stp_stat_merge(struct stp_stat *into, const struct stp_stat *from,
		    const struct stp_hist_spec *spec)
{
	if (from->count == 0)
		return;
	if (into->flags & STP_STAT_MAP)
		merge_pairwise(into, from, spec);
	else
		merge_total(into, from, spec);
}

/* @variance of a non-empty statistic that keeps it. */
static int64_t variance(const struct stp_stat *st)
{
	int64_t na, naa, s2, a, s1, vs;

	if (st->flags & STP_STAT_MAP) {
		vs = part_variance(st);
	} else {
		total_parts(st, &na, &naa, &s2);
		a = stp_sdiv64(wrap_shl(st->sum, st->shift), st->count);
		s1 = wrap_sub(naa, wrap_mul(wrap_mul(2, a), na));
		s1 = wrap_add(s1, wrap_mul(wrap_mul(a, a), st->count));
		vs = st->count > 1 ? stp_sdiv64(wrap_add(s1, s2), st->count - 1)
				   : 0;
	}
	return vs >> (2 * st->shift);
}

int64_t stp_stat_value(const struct stp_stat *st, enum stp_statop op)
{
	switch (op) {
	case STP_COUNT:
		return st->count;
	case STP_SUM:
		return st->sum;
	case STP_MIN:
		return st->count ? st->min : 0;
	case STP_MAX:
		return st->count ? st->max : 0;
	case STP_AVG:
		return st->count ? stp_sdiv64(st->sum, st->count) : 0;
	case STP_VARIANCE:
		return st->count && st->shift >= 0 ? variance(st) : 0;
	}
	return 0;
}

int64_t stp_stat_get(const struct stp_stat *st, enum stp_statop op,
		     int shift, int *err)
{
	switch (op) {
	case STP_COUNT:
	case STP_SUM:
		return stp_stat_value(st, op);
	case STP_MIN:
	case STP_MAX:
	case STP_AVG:
	case STP_VARIANCE:
		if (st->count == 0) {
			*err = STP_EEMPTY;
			return 0;
		}
		if (op == STP_VARIANCE && (st->shift < 0 || shift != st->shift)) {
			*err = STP_EINVAL;
			return 0;
		}
		return stp_stat_value(st, op);
	}
	*err = STP_EINVAL;
	return 0;
}

int64_t stp_hist_bucket(const struct stp_stat *st,
			const struct stp_hist_spec *spec, int64_t b, int *err)
{
	if (b < 0 || b >= nbuckets(spec)) {
		*err = STP_EINVAL;
		return 0;
	}
	return st->buckets[b];
}

/* The histogram's text: a bounded writer that counts what it wanted. */
struct hist_out {
	char *p;
	size_t size, len;
};

static void out_chars(struct hist_out *o, char c, int n)
{
	for (; n > 0; n--, o->len++)
		if (o->len + 1 < o->size)
			o->p[o->len] = c;
}

static void out_str(struct hist_out *o, const char *s)
{
	for (; *s; s++, o->len++)
		if (o->len + 1 < o->size)
			o->p[o->len] = *s;
}

/* Characters of V in decimal, sign included (SystemTap's needed_space). */
static int num_width(int64_t v)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = v < 0 ? 1 : 0;

	do {
		n++;
		stp_do_div(&u, 10);
	} while (u);
	return n;
}

static void out_num(struct hist_out *o, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int i = sizeof(tmp) - 1;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + stp_do_div(&u, 10));
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	out_str(o, tmp + i);
}

/* The value a row stands for (SystemTap's _stp_bucket_to_val). */
static int64_t row_value(const struct stp_hist_spec *spec, int i)
{
	if (spec->kind == STP_HIST_LINEAR) {
		if (i == 0)
			return spec->start;
		if (i == spec->buckets - 1)
			i--;	/* the overflow shows the last start */
		return wrap_add(spec->start, wrap_mul(i - 1, spec->interval));
	}
	if (i == HIST_LOG_ZERO)
		return 0;
	if (i < HIST_LOG_ZERO)	/* -2^(63 - i) */
		return (int64_t)(UINT64_C(0x8000000000000000) >> i |
				 ~(UINT64_MAX >> i));
	return (int64_t)(UINT64_C(1) << (i - HIST_LOG_ZERO - 1));
}

/* Is every bucket of [i - HIST_ELISION, i + HIST_ELISION] in lo..hi 0? */
static bool elided(const struct stp_stat *st, int i, int lo, int hi,
		   int nb)
{
	int k, span = HIST_ELISION < nb ? HIST_ELISION : nb;

	if (i - span > lo)
		lo = i - span;
	if (i + span < hi)
		hi = i + span;
	for (k = lo; k <= hi; k++)
		if (st->buckets[k])
			return false;
	return true;
}

static void hist_row(struct hist_out *o, const struct stp_stat *st,
		     const struct stp_hist_spec *spec, int i, int val_space,
		     int cnt_space, int64_t scale)
{
	int64_t val = row_value(spec, i), bar;
	const char *prefix = "";

	if (spec->kind == STP_HIST_LINEAR && i == 0)
		prefix = "<";
	else if (spec->kind == STP_HIST_LINEAR && i == spec->buckets - 1)
		prefix = ">";
	out_chars(o, ' ', val_space - num_width(val) - (int)strlen(prefix));
	out_str(o, prefix);
	out_num(o, val);
	out_str(o, " |");
	bar = (int64_t)stp_udiv64((uint64_t)st->buckets[i], (uint64_t)scale);
	out_chars(o, '@', (int)bar);
	out_chars(o, ' ', (int)(HIST_WIDTH - bar + 1 + cnt_space) -
			  num_width(st->buckets[i]));
	out_num(o, st->buckets[i]);
	out_str(o, "\n");
}

/*
 * SystemTap's _stp_stat_print_histogram_buf(): rows from the first to
 * the last non-empty bucket plus two empty ones on each side (a log
 * histogram reaches below 0 only if it holds negative values; a linear
 * one shows under/overflow only when they are non-empty), runs of empty
 * rows folded into a "~" line, bars scaled so the largest is at most 50.
 */
size_t stp_hist_format(char *out, size_t size, const struct stp_stat *st,
		       const struct stp_hist_spec *spec)
{
	struct hist_out o = { out, size, 0 };
	int nb = nbuckets(spec), lo = -1, hi = 0, i, val_space, cnt_space;
	int64_t valmax = 0, scale;
	bool under = false, over = false, eliding = false;

	for (i = 0; i < nb; i++) {
		if (st->buckets[i] > 0 && lo == -1)
			lo = i;
		if (st->buckets[i] > 0)
			hi = i;
		if (st->buckets[i] > valmax)
			valmax = st->buckets[i];
	}
	if (lo == -1)
		goto done;	/* nothing to show */
	for (i = 0; i < 2; i++) {
		if (lo > 0 && (spec->kind != STP_HIST_LOG ||
			       lo != HIST_LOG_ZERO))
			lo--;
		if (hi < nb - 1)
			hi++;
	}
	if (spec->kind == STP_HIST_LINEAR) {
		if (lo == 0 && st->buckets[0] == 0)
			lo++;
		if (hi == nb - 1 && st->buckets[hi] == 0)
			hi--;
		under = lo == 0;
		over = hi == nb - 1;
	}
	scale = valmax <= HIST_WIDTH ? 1 :
		(int64_t)stp_udiv64((uint64_t)valmax + HIST_WIDTH - 1, HIST_WIDTH);
	cnt_space = num_width(valmax);
	if (spec->kind == STP_HIST_LINEAR) {
		/* SystemTap sizes the last label one interval too far. */
		int a = num_width(spec->start) + under;
		int b = num_width(wrap_add(spec->start,
					   wrap_mul(spec->interval, hi))) + over;

		val_space = a > b ? a : b;
	} else {
		int a = num_width(row_value(spec, hi));
		int b = num_width(row_value(spec, lo));

		val_space = a > b ? a : b;
	}
	if (val_space < 5)
		val_space = 5;

	out_chars(&o, ' ', val_space - 5);
	out_str(&o, "value |");
	out_chars(&o, '-', HIST_WIDTH);
	out_str(&o, " count\n");
	for (i = lo; i <= hi; i++) {
		if (elided(st, i, lo, hi, nb)) {
			eliding = true;
			continue;
		}
		if (eliding) {
			out_chars(&o, ' ', val_space);
			out_str(&o, " ~\n");
			eliding = false;
		}
		hist_row(&o, st, spec, i, val_space, cnt_space, scale);
	}
	out_str(&o, "\n");
done:
	if (size)
		out[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}
