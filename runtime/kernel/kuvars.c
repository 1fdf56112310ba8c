// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kuvars.c - what a process probe's target variables read: the probed
 * process's memory, through copy_from_user_nofault (and, in guru mode,
 * copy_to_user_nofault), so a bad pointer is a script error with
 * SystemTap's words, never an oops.  A uprobe's handler runs in the
 * probed task, so its current->mm is the memory the DWARF describes;
 * its registers (stp_dwreg) are the task's user registers.
 */
#include <linux/uaccess.h>

#include "ksym.h"

static int64_t extend_bits(u64 v, int bits, bool sign)
{
	if (bits >= 64)
		return (int64_t)v;
	v &= (1ULL << bits) - 1;
	if (sign && (v & (1ULL << (bits - 1))))
		v |= ~((1ULL << bits) - 1);
	return (int64_t)v;
}

static void read_fault(struct stp_context *c, int64_t addr)
{
	stp_error(c, "read fault [man error::fault] at 0x%llx",
		  (unsigned long long)addr);
}

int64_t stp_uvar_read(struct stp_context *c, int64_t addr, int size, bool sign)
{
	u64 v = 0;

	if (c->error)
		return 0;
	if (size < 1 || size > 8 ||
	    copy_from_user_nofault(&v, (const void __user *)(uintptr_t)addr,
				   size)) {
		read_fault(c, addr);
		return 0;
	}
	return extend_bits(v, size * 8, sign);
}

/* A bitfield: the bytes that hold it, shifted and masked (little
 * endian, as kargs.c's kernel version). */
int64_t stp_uvar_read_bits(struct stp_context *c, int64_t addr, int bit_off,
		       int bit_size, bool sign)
{
	int shift = bit_off % 8, bytes = (shift + bit_size + 7) / 8;
	u64 v = 0;

	if (c->error)
		return 0;
	addr += bit_off / 8;
	if (bit_size < 1 || bytes > 8 ||
	    copy_from_user_nofault(&v, (const void __user *)(uintptr_t)addr,
				   bytes)) {
		read_fault(c, addr);
		return 0;
	}
	return extend_bits(v >> shift, bit_size, sign);
}

void stp_uvar_write(struct stp_context *c, int64_t addr, int size, int64_t v)
{
	u64 le = (u64)v;	/* x86 is little endian: the low SIZE bytes */

	if (c->error)
		return;
	if (size < 1 || size > 8 ||
	    copy_to_user_nofault((void __user *)(uintptr_t)addr, &le, size))
		stp_error(c, "write fault [man error::fault] at 0x%llx",
			  (unsigned long long)addr);
}

/* $var$'s char *: the string quoted, or its address in hex when it
 * cannot be read, as SystemTap's user_string_quoted. */
const char *stp_uvar_string_quoted(struct stp_context *c, int i, int64_t addr)
{
	char raw[MAXSTRINGLEN];
	char *out = c->pretty[i & 3];

	if (!addr || stp_user_string(raw, addr, sizeof(raw)) < 0)
		snprintf(out, MAXSTRINGLEN, "0x%llx", (unsigned long long)addr);
	else
		stp_text_str(out, raw, 0, 1);
	return out;
}
