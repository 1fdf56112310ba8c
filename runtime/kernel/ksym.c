/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksym.c - the symbol table staprun uploads (ksym.h says how), and what
 * probes make of it: symname, symdata, backtraces.
 *
 * The table is written before "start" and freed at unload, both in
 * process context under its upload's lock; probes only read it, through
 * a pointer published once it is whole and checked.  The upload itself
 * (stp_upload_*) serves kusym.c's table too.  Lookups are a binary
 * search: O(log n), no allocation, no lock.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_X86
#include <asm/unwind.h>
#endif

#include "ksym.h"

/* ---- an upload (process context) ---- */

static ssize_t upload_write(struct file *f, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct stp_upload *u = file_inode(f)->i_private;
	ssize_t rc = count;

	mutex_lock(&u->lock);
	if (!u->buf || u->published)
		rc = -EINVAL;
	else if (*ppos < 0 || (size_t)*ppos > u->size ||
		 count > u->size - (size_t)*ppos)
		rc = -ENOSPC;
	else if (copy_from_user(u->buf + *ppos, ubuf, count))
		rc = -EFAULT;
	else
		*ppos += count;
	mutex_unlock(&u->lock);
	return rc;
}

static const struct file_operations upload_fops = {
	.owner = THIS_MODULE,
	.write = upload_write,
	.llseek = default_llseek,
};

/* The file sits beside .cmd, in the folder the transport made. */
static int create_file(struct stp_upload *u)
{
	struct dentry *dir;

	if (u->dentry)
		return 0;
	dir = debugfs_lookup(THIS_MODULE->name, NULL);
	if (IS_ERR_OR_NULL(dir))
		return -ENOENT;
	u->dentry = debugfs_create_file(u->file, 0200, dir, u, &upload_fops);
	dput(dir);
	if (IS_ERR_OR_NULL(u->dentry)) {
		u->dentry = NULL;
		return -ENOENT;
	}
	return 0;
}

int stp_upload_command(struct stp_upload *u, const char *arg)
{
	unsigned long long size;
	int rc = 0;

	mutex_lock(&u->lock);
	if (u->published) {
		rc = -EBUSY;
	} else if (!strcmp(arg, "end")) {
		rc = u->buf ? u->check(u->buf, u->size) : -EINVAL;
		if (rc == 0)
			smp_store_release(&u->published, (const void *)u->buf);
	} else if (kstrtoull(arg, 10, &size) == 0) {
		vfree(u->buf);
		u->buf = NULL;
		if (size < u->min || size > u->max)
			rc = -E2BIG;
		else
			rc = create_file(u);
		if (rc == 0) {
			u->buf = vzalloc(size);
			u->size = size;
			rc = u->buf ? 0 : -ENOMEM;
		}
	} else {
		rc = -EINVAL;
	}
	mutex_unlock(&u->lock);
	return rc;
}

void stp_upload_free(struct stp_upload *u)
{
	mutex_lock(&u->lock);
	if (u->published && u->release)
		u->release(u->published);
	u->published = NULL;
	vfree(u->buf);
	u->buf = NULL;
	u->dentry = NULL;	/* the transport removed its folder */
	mutex_unlock(&u->lock);
}

/* ---- the kernel's symbols ---- */

/* Everything a lookup relies on: sizes, offsets, order. */
static int check_table(const char *buf, size_t size)
{
	const struct stp_syms_header *h = (const void *)buf;
	const struct stp_sym *s = (const void *)(h + 1);
	const char *strings;
	uint32_t i;

	if (size < sizeof(*h) || h->magic != STP_SYMS_MAGIC)
		return -EINVAL;
	if (h->count > (size - sizeof(*h)) / sizeof(*s) ||
	    h->strings == 0 ||
	    size - sizeof(*h) - (size_t)h->count * sizeof(*s) != h->strings)
		return -EINVAL;
	strings = (const char *)(s + h->count);
	if (strings[h->strings - 1] != 0)
		return -EINVAL;
	for (i = 0; i < h->count; i++) {
		if (s[i].name >= h->strings || s[i].module >= h->strings)
			return -EINVAL;
		if (i && s[i].addr < s[i - 1].addr)
			return -EINVAL;
	}
	return 0;
}

static struct stp_upload syms = {
	.lock = __MUTEX_INITIALIZER(syms.lock),
	.file = ".symbols",
	.min = sizeof(struct stp_syms_header),
	.max = STP_SYMS_MAX,
	.check = check_table,
};

int stp_symbols_command(const char *arg)
{
	return stp_upload_command(&syms, arg);
}

void stp_symbols_free(void)
{
	stp_upload_free(&syms);
}

/* ---- lookups (any context) ---- */

/* The symbol that holds ADDR, with its strings; NULL if none. */
static const struct stp_sym *lookup(uint64_t addr, const char **name,
				    const char **module)
{
	const struct stp_syms_header *h = smp_load_acquire(&syms.published);
	const struct stp_sym *s, *e;
	uint32_t lo = 0, hi;
	const char *strings;

	if (!h || !h->count)
		return NULL;
	s = (const void *)(h + 1);
	hi = h->count;
	while (lo < hi) {	/* the first entry above ADDR */
		uint32_t mid = lo + (hi - lo) / 2;

		if (s[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	e = &s[lo - 1];
	if (addr - e->addr >= (e->size ? e->size : 1))
		return NULL;
	strings = (const char *)(s + h->count);
	*name = strings + e->name;
	*module = strings[e->module] ? strings + e->module : "kernel";
	return e;
}

/* SystemTap's %p: 0x and 16 hex digits. */
static int hex_addr(char *out, size_t size, uint64_t addr)
{
	return snprintf(out, size, "0x%016llx", (unsigned long long)addr);
}

void stp_symname(char *out, int64_t addr)
{
	const char *name, *module;

	if (lookup(addr, &name, &module))
		stp_strlcpy(out, name, MAXSTRINGLEN);
	else
		hex_addr(out, MAXSTRINGLEN, addr);
}

/* modname(): "kernel" or the module holding ADDR; false if unknown. */
bool stp_symmodule(char *out, int64_t addr)
{
	const char *name, *module;

	if (!lookup(addr, &name, &module))
		return false;
	stp_strlcpy(out, module, MAXSTRINGLEN);
	return true;
}

void stp_symdata(char *out, int64_t addr)
{
	const char *name, *module;
	const struct stp_sym *s = lookup(addr, &name, &module);

	if (s)
		snprintf(out, MAXSTRINGLEN, "%s+%#llx/%#llx [%s]", name,
			 (unsigned long long)(addr - s->addr),
			 (unsigned long long)s->size, module);
	else
		hex_addr(out, MAXSTRINGLEN, addr);
}

/* ---- the probe and its registers ---- */

/* The probe of the handler that runs: its pp() is the table's string. */
const struct stp_probe *stp_current_probe(struct stp_context *c)
{
	int i;

	for (i = 0; i < stp_nprobes; i++)
		if (stp_probes[i].pp == c->probe_point)
			return &stp_probes[i];
	return NULL;
}

/*
 * addr(): where the probe fired.  A kprobe's handler sees the address
 * after the breakpoint (x86 reports IP + 1, also for ftrace-based and
 * optimized kprobes); SystemTap shows the probed address itself.  A
 * return probe's IP is the return address in the caller.
 */
int64_t stp_probe_addr(struct stp_context *c)
{
	const struct stp_probe *p;
	unsigned long ip;

	if (!c->regs)
		return 0;
	ip = instruction_pointer((struct pt_regs *)c->regs);
#ifdef CONFIG_X86
	p = stp_current_probe(c);
	if (p && p->kind == STP_PROBE_KPROBE)
		ip -= 1;
#else
	(void)p;
#endif
	return (int64_t)ip;
}

/*
 * A process probe's function, from its point as SystemTap reads it:
 * process("PATH").function("NAME@FILE:LINE") or .statement(...) gives
 * NAME.  A uprobe has no kernel symbol, and its address is a user one
 * that the kernel's symbol table cannot name.
 */
static const char *uprobe_function(const struct stp_probe *p)
{
	const char *f;

	if (p->kind != STP_PROBE_UPROBE && p->kind != STP_PROBE_URETPROBE)
		return NULL;
	f = strstr(p->pp, ".function(\"");
	if (f)
		return f + strlen(".function(\"");
	f = strstr(p->pp, ".statement(\"");
	return f ? f + strlen(".statement(\"") : NULL;
}

/* probefunc(): the probed function's name as the probe names it. */
void stp_probefunc(struct stp_context *c, char *out)
{
	const struct stp_probe *p = stp_current_probe(c);
	const char *s = p ? p->symbol : NULL;
	size_t n;

	if (!s && p && uprobe_function(p)) {
		s = uprobe_function(p);
		n = strcspn(s, "@\"");
		if (n >= MAXSTRINGLEN)
			n = MAXSTRINGLEN - 1;
		memcpy(out, s, n);
		out[n] = 0;
		return;
	}
	if (s && strchr(s, ':'))	/* "module:function" */
		s = strchr(s, ':') + 1;
	if (s && !strpbrk(s, "*?[")) {
		n = strcspn(s, "@");
		if (n >= MAXSTRINGLEN)
			n = MAXSTRINGLEN - 1;
		memcpy(out, s, n);
		out[n] = 0;
	} else if (p && p->kind == STP_PROBE_KRETPROBE && p->anchor) {
		/* a DWARF site's function, not the caller returned to */
		stp_symname(out, p->address + stp_kaslr(p->anchor));
	} else if (c->regs) {
		stp_symname(out, stp_probe_addr(c));
	} else {
		out[0] = 0;
	}
}

/* ---- backtraces ---- */

/*
 * The probed address, then the return addresses of its callers, from
 * the registers the probe saw (x86's unwinder, as stack_trace_save_regs
 * does).  Without registers (timers, begin, end) it is the handler's own
 * stack, the runtime's frames included.
 */
int stp_stack(struct stp_context *c, unsigned long *pcs, int max)
{
	int n = 0;
#ifdef CONFIG_X86
	struct pt_regs *regs = c->regs;
	struct unwind_state state;

	if (regs && max > 0) {
		pcs[n++] = stp_probe_addr(c);
		for (unwind_start(&state, current, regs, NULL);
		     n < max && !unwind_done(&state);
		     unwind_next_frame(&state)) {
			unsigned long a = unwind_get_return_address(&state);

			if (!a)
				break;
			pcs[n++] = a;
		}
		return n;
	}
#endif
	if (max > 0)
		n = stack_trace_save(pcs, max, 0);
	return n;
}

/* "0x... 0x... ", SystemTap's hex words, as many as MAXSTRINGLEN takes. */
void stp_hex_words(char *out, const unsigned long *pcs, int n)
{
	size_t len = 0;
	int i;

	out[0] = 0;
	for (i = 0; i < n && len + 20 < MAXSTRINGLEN; i++)
		len += snprintf(out + len, MAXSTRINGLEN - len, "0x%016lx ",
				pcs[i]);
}

/* backtrace(): the kernel stack's return addresses as hex words. */
void stp_backtrace(struct stp_context *c, char *out)
{
	unsigned long pcs[MAXBACKTRACE];

	stp_hex_words(out, pcs, stp_stack(c, pcs, MAXBACKTRACE));
}

/* One line per frame, "name+0xoff [module]", whole lines only. */
void stp_sprint_backtrace(struct stp_context *c, char *out)
{
	unsigned long pcs[MAXBACKTRACE];
	int n = stp_stack(c, pcs, MAXBACKTRACE), i;
	size_t len = 0;

	out[0] = 0;
	for (i = 0; i < n; i++) {
		const char *name, *module;
		const struct stp_sym *s = lookup(pcs[i], &name, &module);
		size_t room = MAXSTRINGLEN - len;
		int k;

		if (s)
			k = snprintf(out + len, room, "%s+%#llx [%s]\n", name,
				     (unsigned long long)(pcs[i] - s->addr),
				     module);
		else
			k = snprintf(out + len, room, "0x%016lx\n", pcs[i]);
		if (k < 0 || (size_t)k >= room) {
			out[len] = 0;	/* no partial line */
			break;
		}
		len += k;
	}
}

/* " 0x... : name+0xoff/0xsize [module]" per frame, into the output. */
void stp_print_backtrace(struct stp_context *c)
{
	unsigned long pcs[MAXBACKTRACE];
	int n = stp_stack(c, pcs, MAXBACKTRACE), i;
	char buf[64];

	for (i = 0; i < n; i++) {
		const char *name, *module;
		const struct stp_sym *s = lookup(pcs[i], &name, &module);

		if (!s) {
			snprintf(buf, sizeof(buf), " 0x%016lx\n", pcs[i]);
			stp_print_string(c, buf);
			continue;
		}
		snprintf(buf, sizeof(buf), " 0x%016lx : ", pcs[i]);
		stp_print_string(c, buf);
		stp_print_string(c, name);
		snprintf(buf, sizeof(buf), "+%#llx/%#llx [",
			 (unsigned long long)(pcs[i] - s->addr),
			 (unsigned long long)s->size);
		stp_print_string(c, buf);
		stp_print_string(c, module);
		stp_print_string(c, "]\n");
	}
}

/* stack(n): the Nth address of the backtrace (0 is the probe's). */
int64_t stp_stack_n(struct stp_context *c, int64_t n)
{
	unsigned long pcs[MAXBACKTRACE];

	if (n < 0 || n >= MAXBACKTRACE || n >= stp_stack(c, pcs, n + 1)) {
		stp_error(c, "reached end of stack before unwinding to level "
			  "%lld", (long long)n);
		return 0;
	}
	return pcs[n];
}
