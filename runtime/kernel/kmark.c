// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmark.c - an SDT marker's argument in memory (stap/pf_mark.c): the
 * marker's operand names an address in the probed task, which the
 * uprobe's handler runs in, so it is read from user memory; a bad
 * address is the script's error, as a kernel read's is (kargs.c).
 */
#include <linux/uaccess.h>

#include "kernel.h"

int64_t stp_mark_uread(struct stp_context *c, int64_t addr, int size)
{
	u64 v = 0;

	if (c->error)
		return 0;
	if (size < 1 || size > 8 ||
	    copy_from_user_nofault(&v, (const void __user *)(uintptr_t)addr,
				   size)) {
		stp_error(c, "user read fault at 0x%llx [man error::fault]",
			  (long long)addr);
		return 0;
	}
	return (int64_t)v;	/* the caller truncates it to its size */
}
