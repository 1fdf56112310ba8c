/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_types.h - the runtime's basic types and limits, for both flavours:
 * the kernel (__KERNEL__) and user space.  The translator compiles the
 * runtime together with each program, so the limits below are the
 * defaults a script's -D NAME=VALUE overrides.
 */
#ifndef STP_TYPES_H
#define STP_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 128	/* string buffer size, NUL included */
#endif
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048	/* rows of an array without [N] */
#endif
#ifndef MAPHASHBIAS
#define MAPHASHBIAS 0		/* hash buckets: entries << bias (power of 2) */
#endif
#ifndef STP_PRINT_SIZE
#define STP_PRINT_SIZE 65536	/* largest output of one printf */
#endif

#define STP_MAX_KEYS 9

/* What a key, a value or a printf argument holds. */
enum stp_kind {
	STP_LONG = 1,
	STP_STRING,
	STP_STAT,
};

/* A key or an argument: a number, or a NUL-terminated string. */
union stp_arg {
	int64_t l;
	const char *s;
};

/* Statistics operators, as in @count(s) ... and "foreach (k in a @sum+)". */
enum stp_statop {
	STP_COUNT = 1,
	STP_SUM,
	STP_MIN,
	STP_MAX,
	STP_AVG,
	STP_VARIANCE,
};

/* Error codes of the runtime's library functions (negative errno-like). */
#define STP_EFULL	(-1)	/* array full: MAXMAPENTRIES */
#define STP_ERANGE	(-2)	/* index out of range */
#define STP_EINVAL	(-3)	/* bad argument (base, bucket, ...) */
#define STP_EEMPTY	(-4)	/* statistic with no values */
#define STP_EFAULT	(-5)	/* memory that cannot be read */
#define STP_EDIVZERO	(-6)	/* division by zero */

#endif /* STP_TYPES_H */
