/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shims under which SystemTap's _stp_text_str (runtime/stp_string.c)
 * compiles in user space (oracle.sh appends it from the installed
 * sources): memory is read directly, the kernel's ctype is ASCII.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "stp_types.h"
#define max(a, b) ((a) > (b) ? (a) : (b))
#define STP_USER_DS 1
#define STP_KERNEL_DS 0
#define _stp_deref_nofault(v, size, ptr, ds) ({ (v) = *(ptr); 0; })
#define to_oct_digit(c) ((c) + '0')
#define to_hex_digit(c) ("0123456789abcdef"[(c) & 15])
static inline size_t oracle_strlcpy(char *d, const char *s, size_t n)
{
	size_t l = strlen(s);

	if (n) {
		size_t c = l < n - 1 ? l : n - 1;

		memcpy(d, s, c);
		d[c] = '\0';
	}
	return l;
}
#define strlcpy oracle_strlcpy
