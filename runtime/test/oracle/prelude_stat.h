/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shims under which SystemTap's stat-common.c functions compile in user
 * space (oracle.sh appends them from the installed sources): its
 * structures as stat.h declares them, snprintf for _stp_snprintf.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define unlikely(x) (x)
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define do_div(n, base) ({ uint32_t r_ = (n) % (base); (n) /= (base); r_; })
#define _stp_snprintf snprintf
#define HIST_LOG_BUCKETS 128
#define HIST_LOG_BUCKET0 64
#define STP_MAX_BUCKETS 128
static inline void _stp_warn(const char *fmt, ...)
{
	(void)fmt;
}
static inline int64_t _stp_div64(const char **err, int64_t x, int64_t y)
{
	(void)err;
	if (y == 0)
		return 0;
	return y == -1 ? -x : x / y;
}
static inline void _stp_print_flush(void)
{
}
enum histtype { HIST_NONE, HIST_LOG, HIST_LINEAR };
struct stat_data {
	int shift;
	int stat_ops;
	int64_t count, sum, min, max, avg_s, _M2, variance, variance_s;
	int64_t histogram[];
};
typedef struct stat_data stat_data;
struct _Hist {
	enum histtype type;
	int start, stop, interval, buckets, bit_shift, stat_ops;
};
typedef struct _Hist *Hist;

/* For map.c's _new_map_copy_stat (the pairwise merge of array values). */
#define STAT_OP_VARIANCE (1 << 6)
struct map_root {
	struct _Hist hist;
};
typedef struct map_root *MAP;
