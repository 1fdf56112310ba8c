/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shims under which SystemTap's vsprintf.c functions compile in user
 * space (oracle.sh appends them from the installed sources).  Memory is
 * read directly: the drivers only hand it valid addresses.
 */
#include <stdint.h>
#include <string.h>
#include <ctype.h>
#define noinline __attribute__((noinline))
#define fallthrough __attribute__((__fallthrough__))
#define PAGE_SIZE 4096
#define STP_BUFFER_SIZE 65536
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define do_div(n, base) ({ uint32_t r_ = (n) % (base); (n) /= (base); r_; })
#define to_oct_digit(c) ((c) + '0')
#define kread(p) (*(p))
#define uread(p) (*(p))
struct context { int unused; };
static struct context oracle_ctx;
static inline struct context *_stp_runtime_get_context(void)
{
	return &oracle_ctx;
}
enum print_flag { STP_ZEROPAD = 1, STP_SIGN = 2, STP_PLUS = 4, STP_SPACE = 8,
		  STP_LEFT = 16, STP_SPECIAL = 32, STP_LARGE = 64 };
static int _stp_vsprint_char_size(char c, int width, enum print_flag flags);
