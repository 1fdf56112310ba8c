/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kread.c - what the memory and register tapsets need in a probe:
 * fault-safe strings from kernel and user memory, and the registers the
 * probe saw.
 *
 * The kernel exports copy_from_kernel_nofault and copy_from_user_nofault
 * but not their string versions, so a string is read a page at a time:
 * a read that stays inside one page faults only if the page is not
 * there, so the bytes after the NUL cost nothing and fault nothing.
 */
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/uaccess.h>

#include "ksym.h"

static long read_string(char *dst, int64_t addr, size_t len, bool user)
{
	size_t done = 0;

	if (!len)
		return 0;
	/* Each round reads up to the end of a page: len / PAGE_SIZE + 1. */
	while (done < len - 1) {
		unsigned long a = (unsigned long)addr + done;
		size_t chunk = min_t(size_t, len - 1 - done,
				     PAGE_SIZE - offset_in_page(a));
		const char *nul;
		long rc;

		if (user)
			rc = copy_from_user_nofault(dst + done,
						    (const void __user *)a,
						    chunk);
		else
			rc = copy_from_kernel_nofault(dst + done,
						      (const void *)a, chunk);
		if (rc) {
			dst[done] = 0;
			return -EFAULT;
		}
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	dst[done] = 0;
	return done;
}

long stp_kernel_string(char *dst, int64_t addr, size_t len)
{
	return read_string(dst, addr, len, false);
}

const char *stp_kstring_quoted(struct stp_context *c, int i, int64_t addr)
{
	char *raw = c->scratch;		/* MAXSTRINGLEN of it */
	char *out = c->pretty[i & 3];

	if (read_string(raw, addr, MAXSTRINGLEN, false) < 0)
		snprintf(out, MAXSTRINGLEN, "%#llx", (long long)addr);
	else
		stp_text_str(out, raw, 0, 1);
	return out;
}

long stp_user_string(char *dst, int64_t addr, size_t len)
{
	return read_string(dst, addr, len, true);
}

/* ---- registers ---- */

#ifdef CONFIG_X86_64
/* SystemTap's names: 64-bit, 32-bit, 16-bit and 8-bit views. */
struct reg_name {
	const char *name;
	unsigned short offset;
	unsigned char bytes;	/* 8, 4, 2 or 1 */
	unsigned char shift;	/* 8 for ah, bh, ch, dh */
};

#define R(n, f, b, s) { n, offsetof(struct pt_regs, f), b, s }
static const struct reg_name regs_names[] = {
	R("rax", ax, 8, 0), R("eax", ax, 4, 0), R("ax", ax, 2, 0),
	R("al", ax, 1, 0), R("ah", ax, 1, 8),
	R("rbx", bx, 8, 0), R("ebx", bx, 4, 0), R("bx", bx, 2, 0),
	R("bl", bx, 1, 0), R("bh", bx, 1, 8),
	R("rcx", cx, 8, 0), R("ecx", cx, 4, 0), R("cx", cx, 2, 0),
	R("cl", cx, 1, 0), R("ch", cx, 1, 8),
	R("rdx", dx, 8, 0), R("edx", dx, 4, 0), R("dx", dx, 2, 0),
	R("dl", dx, 1, 0), R("dh", dx, 1, 8),
	R("rsi", si, 8, 0), R("esi", si, 4, 0), R("si", si, 2, 0),
	R("rdi", di, 8, 0), R("edi", di, 4, 0), R("di", di, 2, 0),
	R("rbp", bp, 8, 0), R("ebp", bp, 4, 0), R("bp", bp, 2, 0),
	R("rsp", sp, 8, 0), R("esp", sp, 4, 0), R("sp", sp, 2, 0),
	R("rip", ip, 8, 0), R("eip", ip, 4, 0), R("ip", ip, 2, 0),
	R("r8", r8, 8, 0), R("r9", r9, 8, 0), R("r10", r10, 8, 0),
	R("r11", r11, 8, 0), R("r12", r12, 8, 0), R("r13", r13, 8, 0),
	R("r14", r14, 8, 0), R("r15", r15, 8, 0),
	R("orig_rax", orig_ax, 8, 0), R("orig_eax", orig_ax, 4, 0),
	R("orig_ax", orig_ax, 2, 0),
	R("xcs", cs, 8, 0), R("cs", cs, 2, 0),
	R("eflags", flags, 8, 0), R("flags", flags, 2, 0),
	R("xss", ss, 8, 0), R("ss", ss, 2, 0),
};
#undef R

/* register(NAME): signed, as SystemTap's register(). */
int64_t stp_register(struct stp_context *c, const char *name)
{
	const struct reg_name *r = NULL;
	unsigned long v;
	size_t i;

	if (!c->regs) {
		stp_error(c, "cannot access CPU registers in this context");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(regs_names) && !r; i++)
		if (!strcmp(regs_names[i].name, name))
			r = &regs_names[i];
	if (!r) {
		stp_error(c, "Unknown register: %s", name);
		return 0;
	}
	memcpy(&v, (const char *)c->regs + r->offset, sizeof(v));
	/* The probed instruction's address, as addr() gives it. */
	if (r->offset == offsetof(struct pt_regs, ip))
		v = stp_probe_addr(c);
	v >>= r->shift;
	switch (r->bytes) {
	case 4: return (int32_t)v;
	case 2: return (int16_t)v;
	case 1: return (int8_t)v;
	default: return (int64_t)v;
	}
}

/* print_regs(): the general registers, in SystemTap's layout. */
void stp_print_regs(struct stp_context *c)
{
	const struct pt_regs *r = c->regs;
	char buf[256];

	if (!r)
		return;
	snprintf(buf, sizeof(buf),
		 "RIP: %016llx\nRSP: %016lx  EFLAGS: %08lx\n"
		 "RAX: %016lx RBX: %016lx RCX: %016lx\n",
		 (unsigned long long)stp_probe_addr(c), r->sp, r->flags,
		 r->ax, r->bx, r->cx);
	stp_print_string(c, buf);
	snprintf(buf, sizeof(buf),
		 "RDX: %016lx RSI: %016lx RDI: %016lx\n"
		 "RBP: %016lx R08: %016lx R09: %016lx\n",
		 r->dx, r->si, r->di, r->bp, r->r8, r->r9);
	stp_print_string(c, buf);
	snprintf(buf, sizeof(buf),
		 "R10: %016lx R11: %016lx R12: %016lx\n"
		 "R13: %016lx R14: %016lx R15: %016lx\n",
		 r->r10, r->r11, r->r12, r->r13, r->r14, r->r15);
	stp_print_string(c, buf);
}
#else
int64_t stp_register(struct stp_context *c, const char *name)
{
	stp_error(c, "register(\"%s\"): registers are only known on x86_64",
		  name);
	return 0;
}

void stp_print_regs(struct stp_context *c)
{
	(void)c;
}
#endif
