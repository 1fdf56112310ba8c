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
#include <linux/math64.h>
#include <linux/limits.h>
#include <linux/delay.h>	/* udelay(), in the inline locks */
/* The <stdint.h> names the portable core uses. */
#ifndef UINT64_C
#define INT64_C(c)	c ## LL
#define UINT64_C(c)	c ## ULL
#define UINT32_C(c)	c ## U
#endif
#ifndef INT64_MAX
#define INT64_MAX	S64_MAX
#define INT64_MIN	S64_MIN
#define UINT64_MAX	U64_MAX
#define UINT32_MAX	U32_MAX
#define UINT16_MAX	U16_MAX
#endif
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512	/* string buffer size, NUL included: SystemTap's
				   on 64-bit (its backtraces and argstrs fit) */
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

/* A switch case that goes on into the next (the kernel has its own). */
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

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

/*
 * 64-bit division, in one place: 32-bit kernels have no 64-bit divide
 * instruction, so the kernel flavour goes through math64.h.  Dividing
 * by -1 is a negation (wrapping: INT64_MIN / -1 traps on x86 otherwise),
 * as SystemTap's _stp_div64 does.  The divisor must not be 0.
 */
static inline uint64_t stp_udiv64(uint64_t x, uint64_t y)
{
#ifdef __KERNEL__
	return div64_u64(x, y);
#else
	return x / y;
#endif
}

/* *N /= BASE, returning the remainder: the kernel's do_div(). */
static inline uint32_t stp_do_div(uint64_t *n, uint32_t base)
{
#ifdef __KERNEL__
	return do_div(*n, base);
#else
	uint32_t r = (uint32_t)(*n % base);

	*n /= base;
	return r;
#endif
}

static inline int64_t stp_sdiv64(int64_t x, int64_t y)
{
	if (y == -1)
		return (int64_t)(0 - (uint64_t)x);
#ifdef __KERNEL__
	return div64_s64(x, y);
#else
	return x / y;
#endif
}

static inline int64_t stp_smod64(int64_t x, int64_t y)
{
	if (y == 1 || y == -1)
		return 0;
	return x - stp_sdiv64(x, y) * y;
}

/*
 * The script's "/" and "%": STP_EDIVZERO in *err for a zero divisor
 * (the result is then 0), C's truncating division otherwise.
 */
static inline int64_t stp_div(int64_t x, int64_t y, int *err)
{
	if (y == 0) {
		*err = STP_EDIVZERO;
		return 0;
	}
	return stp_sdiv64(x, y);
}

static inline int64_t stp_mod(int64_t x, int64_t y, int *err)
{
	if (y == 0) {
		*err = STP_EDIVZERO;
		return 0;
	}
	return stp_smod64(x, y);
}

#endif /* STP_TYPES_H */
