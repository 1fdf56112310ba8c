// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kargs.c - what target expressions read: a probed function's arguments
 * (from its registers at entry), its return value, values a kretprobe
 * saved at entry, a tracepoint's arguments, and kernel memory through
 * copy_from_kernel_nofault, so a bad pointer is a script error, not an
 * oops.
 */
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kernel.h"

#ifndef STP_HAVE_COPY_FROM_KERNEL_NOFAULT
#define copy_from_kernel_nofault probe_kernel_read
#endif

int64_t stp_arg(struct stp_context *c, int i)
{
	if (c->tp_args)
		return c->tp_args[i];
	if (!c->regs)
		return 0;
#ifdef STP_HAVE_REGS_GET_KERNEL_ARGUMENT
	return (int64_t)regs_get_kernel_argument(c->regs, i);
#else
	{
		struct pt_regs *r = c->regs;
		unsigned long a[] = { r->di, r->si, r->dx, r->cx, r->r8, r->r9 };

		return i < 6 ? (int64_t)a[i] :
		       (int64_t)regs_get_kernel_stack_nth(r, i - 5);
	}
#endif
}

int64_t stp_retval(struct stp_context *c)
{
	return c->regs ? (int64_t)regs_return_value(c->regs) : 0;
}

int64_t stp_entry(struct stp_context *c, int slot)
{
	return c->entry ? ((int64_t *)c->entry)[slot] : 0;
}

/* The pt_regs field of x86-64's DWARF register N, or NULL (rsp and rip
 * are the kprobe's to manage: not writable). */
static unsigned long *dwreg_field(struct pt_regs *r, int n)
{
	switch (n) {
	case 0: return &r->ax;
	case 1: return &r->dx;
	case 2: return &r->cx;
	case 3: return &r->bx;
	case 4: return &r->si;
	case 5: return &r->di;
	case 6: return &r->bp;
	case 8: return &r->r8;
	case 9: return &r->r9;
	case 10: return &r->r10;
	case 11: return &r->r11;
	case 12: return &r->r12;
	case 13: return &r->r13;
	case 14: return &r->r14;
	case 15: return &r->r15;
	}
	return NULL;
}

/* x86-64's DWARF register numbers: ax dx cx bx si di bp sp r8-r15 ip. */
int64_t stp_dwreg(struct stp_context *c, int n)
{
	struct pt_regs *r = c->regs;
	unsigned long *f = r ? dwreg_field(r, n) : NULL;

	if (!r)
		return 0;
	if (n == 7)
		return (int64_t)kernel_stack_pointer(r);
	if (n == 16)
		return (int64_t)r->ip;
	return f ? (int64_t)*f : 0;
}

void stp_set_dwreg(struct stp_context *c, int n, int64_t v)
{
	unsigned long *f = c->regs ? dwreg_field(c->regs, n) : NULL;

	if (f)
		*f = (unsigned long)v;
	else if (!c->error)
		stp_error(c, "register %d cannot be written here", n);
}

/* One store that may fault, inlined here: copy_to_kernel_nofault is not
 * exported to modules.  __put_kernel_nofault jumps to the label on a
 * fault, through the exception table. */
#define put_nofault(dst, v, type, fail) \
	__put_kernel_nofault(dst, &(type){ (type)(v) }, type, fail)

static bool kernel_put(void *dst, u64 v, int size)
{
	int i;

	pagefault_disable();
	switch (size) {
	case 1: put_nofault(dst, v, u8, fault); break;
	case 2: put_nofault(dst, v, u16, fault); break;
	case 4: put_nofault(dst, v, u32, fault); break;
	case 8: put_nofault(dst, v, u64, fault); break;
	default:	/* x86 is little endian: the low SIZE bytes */
		for (i = 0; i < size; i++)
			put_nofault((u8 *)dst + i, v >> (8 * i), u8, fault);
	}
	pagefault_enable();
	return true;
fault:
	pagefault_enable();
	return false;
}

void stp_kwrite(struct stp_context *c, int64_t addr, int size, int64_t v)
{
	if (c->error)
		return;
	if (size < 1 || size > 8 || (uint64_t)addr < TASK_SIZE_MAX ||
	    !kernel_put((void *)(uintptr_t)addr, (u64)v, size))
		stp_error(c, "kernel write fault at 0x%llx [man error::fault]",
			  (long long)addr);
}

void stp_set_arg(struct stp_context *c, int i, int64_t v)
{
	static const int regs[] = { 5, 4, 1, 2, 8, 9 };	/* di si dx cx r8 r9 */

	if (c->tp_args || !c->regs) {
		stp_error(c, "a tracepoint's arguments cannot be written");
		return;
	}
	if (i < 6)
		stp_set_dwreg(c, regs[i], v);
	else	/* the 7th and later are on the stack, above the return */
		stp_kwrite(c, (int64_t)kernel_stack_pointer(c->regs) +
			   8 * (i - 5), 8, v);
}

void stp_set_retval(struct stp_context *c, int64_t v)
{
	if (c->regs)
		regs_set_return_value(c->regs, (unsigned long)v);
}

/* The kernel is relocated as a whole: kfree's move is everyone's. */
int64_t stp_kaslr(int64_t anchor)
{
	return anchor ? (int64_t)(uintptr_t)&kfree - anchor : 0;
}

static int64_t extend(u64 v, int bits, bool sign)
{
	if (bits >= 64)
		return (int64_t)v;
	v &= (1ULL << bits) - 1;
	if (sign && (v & (1ULL << (bits - 1))))
		v |= ~((1ULL << bits) - 1);
	return (int64_t)v;
}

int64_t stp_kread(struct stp_context *c, int64_t addr, int size, bool sign)
{
	u64 v = 0;

	if (c->error)
		return 0;
	if (size < 1 || size > 8 ||
	    copy_from_kernel_nofault(&v, (const void *)(uintptr_t)addr, size)) {
		stp_error(c, "kernel read fault at 0x%llx [man error::fault]",
			 (long long)addr);
		return 0;
	}
	return extend(v, size * 8, sign);
}

/* A bitfield: the bytes that hold it, shifted and masked (x86 is little
 * endian: bit 0 is the lowest bit of the lowest byte). */
int64_t stp_kread_bits(struct stp_context *c, int64_t addr, int bit_off,
		       int bit_size, bool sign)
{
	int shift = bit_off % 8, bytes = (shift + bit_size + 7) / 8;
	u64 v = 0;

	if (c->error)
		return 0;
	addr += bit_off / 8;
	if (bit_size < 1 || bytes > 8 ||
	    copy_from_kernel_nofault(&v, (const void *)(uintptr_t)addr, bytes)) {
		stp_error(c, "kernel read fault at 0x%llx [man error::fault]",
			 (long long)addr);
		return 0;
	}
	return extend(v >> shift, bit_size, sign);
}
