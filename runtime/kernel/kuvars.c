// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kuvars.c - what a process probe's target variables read: the probed
 * process's memory, through copy_from_user_nofault (and, in guru mode,
 * copy_to_user_nofault), so a bad pointer is a script error with
 * SystemTap's words, never an oops.  A uprobe's handler runs in the
 * probed task, so its current->mm is the memory the DWARF describes;
 * its registers (stp_dwreg) are the task's user registers.
 */
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
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
	char *raw = c->scratch;		/* off the stack (stap-validate) */
	char *out = c->pretty[i & 3];

	if (!addr || stp_user_string(raw, addr, MAXSTRINGLEN) < 0)
		snprintf(out, MAXSTRINGLEN, "0x%llx", (unsigned long long)addr);
	else
		stp_text_str(out, raw, 0, 1);
	return out;
}

/*
 * A static or global of the binary (DW_OP_addr): its link address plus
 * where this process mapped the binary, found from the mapping that holds
 * the probe's instruction (a uprobe's IP is in the probed function; a
 * .return probe's variables are read at entry).  The mapping's start less
 * its file offset is where the file's offset 0 is; DELTA turns the link
 * address into a file offset.  The mm lock is only tried: a handler may
 * not sleep.
 */
int64_t stp_uvar_bias(struct stp_context *c, int64_t delta)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long ip, base = 0;
	bool found = false;

	if (c->error)
		return 0;
	if (!c->regs || !mm || !user_mode((struct pt_regs *)c->regs)) {
		stp_error(c, "a static of the binary is only readable in its"
			  " process probes");
		return 0;
	}
	ip = instruction_pointer((struct pt_regs *)c->regs);
	if (!mmap_read_trylock(mm)) {
		stp_error(c, "cannot find where the binary is loaded: its"
			  " memory map is busy");
		return 0;
	}
	vma = find_vma(mm, ip);
	if (vma && vma->vm_start <= ip && vma->vm_file) {
		base = vma->vm_start - (vma->vm_pgoff << PAGE_SHIFT);
		found = true;
	}
	mmap_read_unlock(mm);
	if (!found) {
		stp_error(c, "cannot find where the binary is loaded at 0x%lx",
			  ip);
		return 0;
	}
	return (int64_t)(base - (unsigned long)delta);
}
