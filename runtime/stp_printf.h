/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_printf.h - the printf engine of printf() and sprintf().
 *
 * Formats as SystemTap does: %d %i %u %x %X %o %c %s %p %b %m %M %%, flags
 * "-+ #0", width and precision as numbers or '*' (taken from the
 * arguments), length letters (l, ll, L, h, z...) accepted and ignored:
 * every number is 64-bit.  %p prints 0x and 16 hex digits; %b writes
 * the number as raw bytes (width 1, 2, 4 or 8, default 8); %m writes
 * PRECISION bytes of memory at the address, %M the same in hex.  The
 * argument kinds follow the format (the translator checked them).
 */
#ifndef STP_PRINTF_H
#define STP_PRINTF_H

#include "stp_types.h"

/*
 * Reads memory for %m / %M; returns 0 or STP_EFAULT.  Provided by the
 * platform layer (fault-safe in the kernel).
 */
int stp_read_memory(void *dst, int64_t addr, size_t len);

/*
 * Format into OUT (SIZE bytes, NUL-terminated, truncated if need be).
 * Returns the number of bytes written (not counting the NUL); %b and %m
 * may write NUL bytes, so use the length.  A negative return is an error
 * (STP_EFAULT from %m).
 */
int stp_format(char *out, size_t size, const char *fmt,
	       const union stp_arg *args, int nargs);

#endif /* STP_PRINTF_H */
