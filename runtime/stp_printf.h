/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_printf.h - the printf engine of printf() and sprintf().
 *
 * Formats as SystemTap 4.8's translated printf code does: %d %i %u %x %X
 * %o %c %s %p %b %m %M %%, flags "-+ #0", width and precision as numbers
 * or '*' (taken from the arguments), length letters (l, ll, L, h, z...)
 * accepted and ignored: every number is 64-bit.  Where that is not C:
 *  - %p is %#x ("0x2a", since SystemTap 1.3), and %#x / %#o print their
 *    prefix for 0 too ("0x0", "00");
 *  - '0' padding stays on with a precision; "%.d" has no precision;
 *    "%.0d" of 0 is "0";
 *  - widths and precisions are clamped to [0, room left in OUT]: a '*'
 *    width < 0 is 0, not left-justification;
 *  - %#c escapes as a C char literal (\n, \', \\, \ooo), %c of 0
 *    writes a NUL byte;
 *  - %b writes the number's low bytes in host order: PRECISION 1, 2, 4
 *    or 8 bytes (a width alone sets it; default 8) in a field of WIDTH
 *    NUL bytes;
 *  - %m writes PRECISION bytes (default, and 0: 1) of memory at the
 *    address, %M the same as lowercase hex; %#m / %#M read user memory;
 *  - %s, %m, %M with the '0' flag add a NUL byte after the field;
 *  - an unknown conversion prints '%' and its letter.
 * The argument kinds follow the format (the translator checked them):
 * .s for %s, .l for everything else, including '*'.
 */
#ifndef STP_PRINTF_H
#define STP_PRINTF_H

#include "stp_types.h"

/*
 * Reads memory for %m / %M; returns 0 or STP_EFAULT.  Provided by the
 * platform layer (fault-safe in the kernel); %#m / %#M call
 * stp_read_user_memory (stp_platform.h).
 */
int stp_read_memory(void *dst, int64_t addr, size_t len);

/*
 * Format into OUT (SIZE bytes, NUL-terminated, truncated if need be).
 * Returns the number of bytes written (not counting the NUL); %b and %m
 * may write NUL bytes, so use the length.  A negative return is an error
 * and OUT is then "": STP_EFAULT from %m / %M (only bytes that fit in OUT
 * are read), STP_EINVAL when ARGS run out.  printf() passes
 * STP_PRINT_SIZE + 1 bytes, sprintf() MAXSTRINGLEN.
 */
int stp_format(char *out, size_t size, const char *fmt,
	       const union stp_arg *args, int nargs);

#endif /* STP_PRINTF_H */
