/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kusym.c - user symbols and user backtraces (kusym.h says how the
 * table comes): uaddr, ubacktrace, usymname, usymdata, umodname.
 *
 * The table is written before "start" and freed at unload, in process
 * context (ksym.c's stp_upload); probes read it through a pointer
 * published once it is whole, checked and its binaries' inodes are known.
 *
 * In probe context nothing here sleeps or allocates: the task's VMA of
 * an address is looked up under mmap_read_trylock (a probe may fire
 * while the task holds its mmap lock, or in a context where waiting is
 * not allowed), and the user stack is read with copy_from_user_nofault,
 * MAXBACKTRACE frames at most.
 *
 * The unwinder takes each frame's call-frame row (the binaries' CFI as
 * staprun reduced it: the CFA as rsp or rbp plus an offset, the return
 * address below it, where rbp was saved), as SystemTap unwinds by
 * .eh_frame; where a binary has no row for the code (a binary the
 * module does not name, code without CFI), it follows the frame
 * pointer (the rbp chain), which code built with -fno-omit-frame-pointer
 * keeps.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <linux/uprobes.h>
#include <linux/vmalloc.h>
#include <asm/ptrace.h>

#include "kernel.h"
#include "ksym.h"
#include "kusym.h"

#ifndef STP_HAVE_UPROBE_RETURN_INSTANCE
/* A kernel whose kernel/events/uprobes.c keeps it to itself (upstream
 * before 6.12; Debian's 6.1 has it in the header): its fields, in
 * order, as the grid targets' BTF shows them. */
struct return_instance {
	struct uprobe *uprobe;
	unsigned long func;
	unsigned long stack;
	unsigned long orig_ret_vaddr;
	bool chained;
	struct return_instance *next;
};
#endif

static struct path *usyms_paths;	/* each binary's, held */
static const struct inode **usyms_inodes;
static atomic64_t usyms_busy = ATOMIC64_INIT(0);

static const struct stp_usym_binary *
usyms_bins(const struct stp_usyms_header *h)
{
	return (const void *)(h + 1);
}

static const struct stp_usym *usyms_syms(const struct stp_usyms_header *h)
{
	return (const void *)(usyms_bins(h) + h->binaries);
}

static const struct stp_ucfi *usyms_rows(const struct stp_usyms_header *h)
{
	return (const void *)(usyms_syms(h) + h->count);
}

static const char *usyms_strings(const struct stp_usyms_header *h)
{
	return (const char *)(usyms_rows(h) + h->rows);
}

/* Everything a lookup relies on: sizes, offsets, each binary's run of
 * symbols inside the table and in order. */
static int usyms_check(const char *buf, size_t size)
{
	const struct stp_usyms_header *h = (const void *)buf;
	const struct stp_usym_binary *b;
	const struct stp_usym *s;
	const struct stp_ucfi *r;
	size_t fixed;
	uint32_t i, k;

	if (size < sizeof(*h) || h->magic != STP_USYMS_MAGIC ||
	    h->binaries == 0 || h->binaries > STP_USYMS_MAX_BINARIES)
		return -EINVAL;
	fixed = sizeof(*h) + (size_t)h->binaries * sizeof(*b);
	if (fixed > size || h->count > (size - fixed) / sizeof(*s))
		return -EINVAL;
	fixed += (size_t)h->count * sizeof(*s);
	if (h->rows > (size - fixed) / sizeof(*r))
		return -EINVAL;
	fixed += (size_t)h->rows * sizeof(*r);
	if (h->strings == 0 || size - fixed != h->strings ||
	    usyms_strings(h)[h->strings - 1] != 0)
		return -EINVAL;
	b = usyms_bins(h);
	s = usyms_syms(h);
	r = usyms_rows(h);
	for (i = 0; i < h->binaries; i++) {
		if (b[i].path >= h->strings || b[i].first > h->count ||
		    b[i].count > h->count - b[i].first ||
		    b[i].first_row > h->rows ||
		    b[i].nrows > h->rows - b[i].first_row)
			return -EINVAL;
		for (k = b[i].first; k < b[i].first + b[i].count; k++)
			if (s[k].name >= h->strings ||
			    (k > b[i].first && s[k].offset < s[k - 1].offset))
				return -EINVAL;
		for (k = b[i].first_row + 1; k < b[i].first_row + b[i].nrows;
		     k++)
			if (r[k].offset < r[k - 1].offset)
				return -EINVAL;
	}
	return 0;
}

static void usyms_put_paths(uint32_t n)
{
	uint32_t i;

	for (i = 0; usyms_paths && i < n; i++)
		if (usyms_paths[i].dentry)
			path_put(&usyms_paths[i]);
	vfree(usyms_paths);
	vfree(usyms_inodes);
	usyms_paths = NULL;
	usyms_inodes = NULL;
}

/* Each binary's inode, which its mappings show (vma->vm_file); a binary
 * that is not there matches no mapping. */
static int usyms_find_binaries(const struct stp_usyms_header *h)
{
	const struct stp_usym_binary *b = usyms_bins(h);
	uint32_t i;

	usyms_paths = vzalloc(sizeof(*usyms_paths) * h->binaries);
	usyms_inodes = vzalloc(sizeof(*usyms_inodes) * h->binaries);
	if (!usyms_paths || !usyms_inodes) {
		usyms_put_paths(0);
		return -ENOMEM;
	}
	for (i = 0; i < h->binaries; i++)
		if (kern_path(usyms_strings(h) + b[i].path, LOOKUP_FOLLOW,
			      &usyms_paths[i]) == 0)
			usyms_inodes[i] = d_inode(usyms_paths[i].dentry);
	return 0;
}

/* Checked, and its binaries' inodes found, before it is published. */
static int usyms_check_and_find(const char *buf, size_t size)
{
	int rc = usyms_check(buf, size);

	return rc ? rc : usyms_find_binaries((const void *)buf);
}

static void usyms_release(const void *published)
{
	usyms_put_paths(((const struct stp_usyms_header *)published)->binaries);
}

static struct stp_upload usyms = {
	.lock = __MUTEX_INITIALIZER(usyms.lock),
	.file = ".usymbols",
	.min = sizeof(struct stp_usyms_header),
	.max = STP_USYMS_MAX,
	.check = usyms_check_and_find,
	.release = usyms_release,
};

int stp_usymbols_command(const char *arg)
{
	return stp_upload_command(&usyms, arg);
}

void stp_usymbols_free(void)
{
	stp_upload_free(&usyms);
}

long long stp_usym_busy(void)
{
	return atomic64_read(&usyms_busy);
}

/* ---- where a user address is (probe context) ---- */

struct usym_place {
	const struct stp_usyms_header *h;
	uint32_t bin;			/* the binary in the table */
	uint64_t offset;		/* the address's offset in its file */
	unsigned long vm_start, vm_end;	/* the mapping holding it */
};

/*
 * The binary of the table that the current task maps at ADDR.  Only in
 * task context (a hard or soft interrupt may have caught the mm in any
 * state, and a sleeping lock's trylock is not for them), and only if
 * the mmap lock is free: a busy lock is counted, not waited for.
 */
static bool usym_place_of(uint64_t addr, struct usym_place *p)
{
	const struct stp_usyms_header *h = smp_load_acquire(&usyms.published);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool found = false;
	uint32_t i;

	if (!h || !mm || !in_task() || addr >= TASK_SIZE_MAX)
		return false;
	if (!mmap_read_trylock(mm)) {
		atomic64_inc(&usyms_busy);
		return false;
	}
	vma = vma_lookup(mm, (unsigned long)addr);
	if (vma && vma->vm_file) {
		const struct inode *inode = file_inode(vma->vm_file);

		for (i = 0; i < h->binaries && !found; i++) {
			if (usyms_inodes[i] != inode)
				continue;
			p->h = h;
			p->bin = i;
			p->offset = addr - vma->vm_start +
				    ((uint64_t)vma->vm_pgoff << PAGE_SHIFT);
			p->vm_start = vma->vm_start;
			p->vm_end = vma->vm_end;
			found = true;
		}
	}
	mmap_read_unlock(mm);
	return found;
}

/* The symbol of P's binary holding P's offset, or NULL. */
static const struct stp_usym *usym_at(const struct usym_place *p)
{
	const struct stp_usym_binary *b = &usyms_bins(p->h)[p->bin];
	const struct stp_usym *s = usyms_syms(p->h) + b->first, *e;
	uint32_t lo = 0, hi = b->count;

	while (lo < hi) {	/* the first symbol above the offset */
		uint32_t mid = lo + (hi - lo) / 2;

		if (s[mid].offset <= p->offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	e = &s[lo - 1];
	if (p->offset - e->offset >= (e->size ? e->size : 1))
		return NULL;
	return e;
}

static const char *usym_string(const struct usym_place *p, uint32_t off)
{
	return usyms_strings(p->h) + off;
}

static const char *usym_path(const struct usym_place *p)
{
	return usym_string(p, usyms_bins(p->h)[p->bin].path);
}

static const char *usym_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The formats of SystemTap's _stp_snprint_addr a user address takes. */
enum usym_form { USYM_NAME, USYM_DATA, USYM_FULL, USYM_SIMPLE };

static int usym_format(char *out, size_t room, uint64_t addr,
		       enum usym_form form)
{
	struct usym_place p;
	const struct stp_usym *s = NULL;
	const char *path = NULL;
	unsigned long long off = 0, size = 0;
	const char *pre = form == USYM_FULL ? " " : "";
	const char *nl = form >= USYM_FULL ? "\n" : "";

	if (usym_place_of(addr, &p)) {
		path = usym_path(&p);
		s = usym_at(&p);
		off = s ? p.offset - s->offset : addr - p.vm_start;
		size = s ? s->size : p.vm_end - p.vm_start;
		if (form == USYM_SIMPLE)
			path = usym_basename(path);
	}
	if (s && form == USYM_NAME)
		return snprintf(out, room, "%s", usym_string(&p, s->name));
	if (s && form == USYM_DATA)
		return snprintf(out, room, "%s+%#llx/%#llx [%s]",
				usym_string(&p, s->name), off, size, path);
	if (s && form == USYM_FULL)
		return snprintf(out, room, " 0x%016llx : %s+%#llx/%#llx [%s]\n",
				(unsigned long long)addr,
				usym_string(&p, s->name), off, size, path);
	if (s)
		return snprintf(out, room, "%s+%#llx [%s]\n",
				usym_string(&p, s->name), off, path);
	if (path && form == USYM_SIMPLE)
		return snprintf(out, room, "0x%016llx [%s+%#llx]\n",
				(unsigned long long)addr, path, off);
	if (path && form != USYM_NAME)
		return snprintf(out, room, "%s0x%016llx [%s+%#llx/%#llx]%s",
				pre, (unsigned long long)addr, path, off, size,
				nl);
	return snprintf(out, room, "%s0x%016llx%s", pre,
			(unsigned long long)addr, nl);
}

void stp_usymname(char *out, int64_t addr)
{
	usym_format(out, MAXSTRINGLEN, addr, USYM_NAME);
}

void stp_usymdata(char *out, int64_t addr)
{
	usym_format(out, MAXSTRINGLEN, addr, USYM_DATA);
}

bool stp_umodname(char *out, int64_t addr)
{
	struct usym_place p;

	if (!usym_place_of(addr, &p))
		return false;
	stp_strlcpy(out, usym_path(&p), MAXSTRINGLEN);
	return true;
}

/* ---- the user stack (probe context) ---- */

/* The user registers of the probed task: a uprobe's own, or, in a
 * kernel probe, those the task saved when it entered the kernel. */
static struct pt_regs *usym_regs(struct stp_context *c)
{
	struct pt_regs *regs = c->regs;

	if (regs && user_mode(regs))
		return regs;
	if (!current->mm || (current->flags & PF_KTHREAD))
		return NULL;
	return task_pt_regs(current);
}

int64_t stp_uaddr(struct stp_context *c)
{
	struct pt_regs *regs = usym_regs(c);

	return regs ? (int64_t)instruction_pointer(regs) : 0;
}

/* The call-frame row of P's binary holding P's offset, or NULL. */
static const struct stp_ucfi *usym_row_at(const struct usym_place *p)
{
	const struct stp_usym_binary *b = &usyms_bins(p->h)[p->bin];
	const struct stp_ucfi *r = usyms_rows(p->h) + b->first_row;
	uint32_t lo = 0, hi = b->nrows;

	while (lo < hi) {	/* the first row above the offset */
		uint32_t mid = lo + (hi - lo) / 2;

		if (r[mid].offset <= p->offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || r[lo - 1].cfa_reg == STP_UCFI_NONE)
		return NULL;
	return &r[lo - 1];
}

/*
 * A return address read from stack slot SLOT.  While a uretprobe waits
 * for its function to return, the kernel has put its trampoline's
 * address in that slot and keeps the original in the task's list of
 * pending returns, with the slot (the stack pointer at the entry): the
 * original is the caller.  Read without faults, bounded: the list is
 * the task's own, but a probe in an interrupt may see it change.
 */
static unsigned long usym_real_return(unsigned long ra, unsigned long slot)
{
	struct uprobe_task *ut = current->utask;
	struct return_instance *ri, r;
	int i;

	if (!ut)
		return ra;
	for (ri = ut->return_instances, i = 0; ri && i < 64; ri = r.next, i++) {
		if (copy_from_kernel_nofault(&r, ri, sizeof(r)))
			break;
		if (r.stack == slot)
			return r.orig_ret_vaddr;
	}
	return ra;
}

/* Where an unwind stands: a frame's pc, stack and frame pointer. */
struct uframe {
	unsigned long pc, sp, bp;
	bool first;		/* the probed frame: pc is exact, not a
				   return address */
};

enum ustep { USTEP_OK, USTEP_NO_ROW, USTEP_END };

/* One frame up by the call-frame row of the frame's code.  A return
 * address is looked up one byte back: inside the call, not after it. */
static enum ustep usym_cfi_step(struct uframe *f)
{
	struct usym_place pl;
	const struct stp_ucfi *row;
	unsigned long cfa, ra, bp = f->bp;

	if (!usym_place_of(f->first ? f->pc : f->pc - 1, &pl) ||
	    !(row = usym_row_at(&pl)))
		return USTEP_NO_ROW;
	cfa = (row->cfa_reg == STP_UCFI_RSP ? f->sp : f->bp) + row->cfa_off;
	if (cfa <= f->sp || (cfa & 7) ||
	    stp_read_user(&ra, cfa - 8, sizeof(ra)) != 0 || !ra)
		return USTEP_END;
	if (row->rbp_off &&
	    stp_read_user(&bp, cfa + row->rbp_off, sizeof(bp)) != 0)
		return USTEP_END;
	f->pc = usym_real_return(ra, cfa - 8);
	f->sp = cfa;
	f->bp = bp;
	return USTEP_OK;
}

/*
 * A uprobe on a function's first instruction fired before the function
 * pushed its frame: its return address is at the stack pointer and rbp
 * is still its caller's.  Known from the symbol table (an entry is at
 * offset 0 of its symbol); a probe placed after the prologue (DWARF's
 * .function) sees the function's own frame.
 */
static bool usym_at_entry(struct stp_context *c, struct pt_regs *regs)
{
	const struct stp_probe *p = stp_current_probe(c);
	struct usym_place pl;
	const struct stp_usym *s;

	if (!p || p->kind != STP_PROBE_UPROBE || regs != c->regs ||
	    !usym_place_of(instruction_pointer(regs), &pl))
		return false;
	s = usym_at(&pl);
	return s && s->offset == pl.offset;
}

/* One frame up by the frame pointer: the caller's rbp at rbp, the
 * return address above it; frames go up the stack. */
static enum ustep usym_fp_step(struct uframe *f)
{
	unsigned long frame[2];

	if (!f->bp || (f->bp & 7) || f->bp < f->sp ||
	    stp_read_user(frame, f->bp, sizeof(frame)) != 0 || !frame[1])
		return USTEP_END;
	f->pc = usym_real_return(frame[1], f->bp + 8);
	f->sp = f->bp + 16;
	f->bp = frame[0] > f->bp ? frame[0] : 0;
	return USTEP_OK;
}

int stp_ustack(struct stp_context *c, unsigned long *pcs, int max)
{
	struct pt_regs *regs = usym_regs(c);
	struct uframe f;
	int n = 0;

	if (!regs || max <= 0)
		return 0;
	f.pc = instruction_pointer(regs);
	f.sp = regs->sp;
	f.bp = regs->bp;
	f.first = true;
	pcs[n++] = f.pc;
	while (n < max) {
		enum ustep st = usym_cfi_step(&f);

		if (st == USTEP_NO_ROW && f.first && usym_at_entry(c, regs)) {
			/* no CFI: the return address is at the stack pointer */
			if (stp_read_user(&f.pc, f.sp, sizeof(f.pc)) != 0 ||
			    !f.pc)
				break;
			f.pc = usym_real_return(f.pc, f.sp);
			f.sp += 8;
			st = USTEP_OK;
		} else if (st == USTEP_NO_ROW) {
			st = usym_fp_step(&f);
		}
		if (st != USTEP_OK)
			break;
		f.first = false;
		pcs[n++] = f.pc;
	}
	return n;
}

/* ubacktrace(): the user stack's addresses as hex words (ksym.c). */
void stp_ubacktrace(struct stp_context *c, char *out)
{
	unsigned long pcs[MAXBACKTRACE];

	stp_hex_words(out, pcs, stp_ustack(c, pcs, MAXBACKTRACE));
}

/* ustack(n): the Nth address (0 is the pc); 0 past the stack's end. */
int64_t stp_ustack_n(struct stp_context *c, int64_t n)
{
	unsigned long pcs[MAXBACKTRACE];

	if (n < 0 || n >= MAXBACKTRACE || n >= stp_ustack(c, pcs, n + 1))
		return 0;
	return pcs[n];
}

/* " 0x... : name+0xoff/0xsize [path]" a frame, into the output. */
void stp_print_ubacktrace(struct stp_context *c)
{
	unsigned long pcs[MAXBACKTRACE];
	int n = stp_ustack(c, pcs, MAXBACKTRACE), i;
	char *line = c->scratch;	/* off the stack (stap-validate) */
	size_t size = MAXSTRINGLEN;

	if (!n) {
		snprintf(line, size, "<no user backtrace at %s>\n",
			 c->probe_point);
		stp_print_string(c, line);
	}
	for (i = 0; i < n; i++) {
		usym_format(line, size, pcs[i], USYM_FULL);
		stp_print_string(c, line);
	}
}

/* "name+0xoff [file]" a frame, whole lines only. */
void stp_sprint_ubacktrace(struct stp_context *c, char *out)
{
	unsigned long pcs[MAXBACKTRACE];
	int n = stp_ustack(c, pcs, MAXBACKTRACE), i;
	size_t len = 0;

	out[0] = 0;
	for (i = 0; i < n; i++) {
		size_t room = MAXSTRINGLEN - len;
		int k = usym_format(out + len, room, pcs[i], USYM_SIMPLE);

		if (k < 0 || (size_t)k >= room) {
			out[len] = 0;	/* no partial line */
			break;
		}
		len += k;
	}
}
