// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kevents.c - probes on kernel events other than kprobes and tracepoints:
 *   perf.sw.* / perf.hw.* / perf.type(T).config(C)  a perf counter on each
 *                     online CPU; the probe runs at each overflow
 *                     (.sample(N), 1000000 events by default)
 *   kernel.data(A)    a perf breakpoint event on each online CPU: the
 *                     debug registers watch A; the probe runs from the
 *                     debug exception after each access
 *   timer.profile     the cpu_clock software event at every tick, on
 *                     every CPU, with the interrupted context's registers
 *   procfs(NAME)      /proc/systemtap/MODULE/NAME: a read runs the .read
 *                     probe, which sets $value; a write runs .write with
 *                     the data in $value
 * Everything is created when the session starts (process context) and
 * destroyed when it stops; the handlers allocate nothing.
 */
#include <linux/cpumask.h>
#include <linux/hw_breakpoint.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/perf_event.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kernel.h"

#define STP_PERF_DEFAULT_PERIOD 1000000

/* ---- perf events ---- */

struct perf_probe {
	const struct stp_probe *probe;
	struct perf_event **events;	/* one per possible CPU */
};

static void perf_overflow(struct perf_event *ev, struct perf_sample_data *d,
			  struct pt_regs *regs)
{
	struct perf_probe *pp = ev->overflow_handler_context;
	struct stp_probe_hit h = { .regs = regs,
				   .handler = pp->probe->handler };

	stp_run_probe(pp->probe, &h, MAXACTION);
}

void stp_perf_disarm(void *state)
{
	struct perf_probe *pp = state;
	int cpu;

	if (!pp)
		return;
	for_each_possible_cpu(cpu)
		if (pp->events[cpu])
			perf_event_release_kernel(pp->events[cpu]);
	kfree(pp->events);
	kfree(pp);
}

int stp_perf_arm(const struct stp_probe *p, void **state)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = p->perf_type,
		.config = p->perf_config,
		.sample_period = p->perf_period ? p->perf_period :
				 STP_PERF_DEFAULT_PERIOD,
		.pinned = 1,
	};
	struct perf_probe *pp;
	int cpu;

	if (p->kind == STP_PROBE_PROFILE) {
		attr.type = PERF_TYPE_SOFTWARE;
		attr.config = PERF_COUNT_SW_CPU_CLOCK;
		attr.sample_period = TICK_NSEC;
	} else if (p->perf_type == PERF_TYPE_BREAKPOINT) {
		/* kernel.data: a watchpoint on every CPU, as
		 * register_wide_hw_breakpoint() makes it. */
		hw_breakpoint_init(&attr);
		attr.bp_addr = p->address + stp_kaslr(p->anchor);
		attr.bp_type = p->perf_config;
		attr.bp_len = p->perf_period;
	}
	pp = kzalloc(sizeof(*pp), GFP_KERNEL);
	if (!pp)
		return -ENOMEM;
	pp->probe = p;
	pp->events = kcalloc(nr_cpu_ids, sizeof(*pp->events), GFP_KERNEL);
	*state = pp;
	if (!pp->events)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		struct perf_event *ev = perf_event_create_kernel_counter(
			&attr, cpu, NULL, perf_overflow, pp);

		if (IS_ERR(ev))
			return PTR_ERR(ev);
		pp->events[cpu] = ev;
	}
	return 0;
}

/* ---- procfs ---- */

#define STP_PROCFS_FILES 32
#define STP_PROCFS_MAXSIZE (16 << 20)	/* .maxsize(N), at most */

/* Probes of one file and direction: input.char and input.line are both
 * writes of __stdin (the input tapset). */
#define STP_PROCFS_PROBES 8

struct procfs_file {
	const char *name;
	/* each direction's probes in the script's order, NULL-ended */
	const struct stp_probe *read[STP_PROCFS_PROBES + 1];
	const struct stp_probe *write[STP_PROCFS_PROBES + 1];
	struct mutex lock;
	size_t len;
	size_t size;		/* buf's: the largest .maxsize(N), at least
				   MAXSTRINGLEN (SystemTap's default) */
	char *buf;		/* $value */
};

static struct procfs_file procfs_files[STP_PROCFS_FILES];
static int nprocfs;
static struct proc_dir_entry *procfs_dir;
static char procfs_path[80];

#ifdef STP_HAVE_PDE_DATA_LOWER
#define stp_pde_data pde_data
#else
#define stp_pde_data PDE_DATA
#endif

/* Each probe in turn on the same $value: a read's probes build it up, a
 * write's see what was written (or what an earlier one made of it). */
static void procfs_run(struct procfs_file *pf,
		       const struct stp_probe *const *probes)
{
	int i;

	for (i = 0; probes[i]; i++) {
		struct stp_probe_hit h = { .procfs_value = pf->buf,
					   .handler = probes[i]->handler };

		stp_run_probe(probes[i], &h, MAXACTION);
	}
	pf->len = strnlen(pf->buf, pf->size);
}

/* $value = S or $value .= S in a procfs handler, cut to the file's
 * buffer; S may be $value itself. */
void stp_procfs_set(struct stp_context *c, const char *s, bool append)
{
	char *buf = c->procfs_value;
	size_t size = MAXSTRINGLEN, at = 0, n;
	int i;

	for (i = 0; i < nprocfs; i++)
		if (procfs_files[i].buf == buf)
			size = procfs_files[i].size;
	if (append)
		at = strnlen(buf, size - 1);
	else if (s == buf)
		return;
	n = min(strlen(s), size - 1 - at);
	memmove(buf + at, s, n);
	buf[at + n] = '\0';
}

static ssize_t procfs_read(struct file *f, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	struct procfs_file *pf = stp_pde_data(file_inode(f));
	ssize_t rc;

	mutex_lock(&pf->lock);
	if (*ppos == 0) {
		pf->buf[0] = '\0';
		procfs_run(pf, pf->read);
	}
	rc = simple_read_from_buffer(ubuf, count, ppos, pf->buf, pf->len);
	mutex_unlock(&pf->lock);
	return rc;
}

static ssize_t procfs_write(struct file *f, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct procfs_file *pf = stp_pde_data(file_inode(f));
	size_t n = min(count, pf->size - 1);

	mutex_lock(&pf->lock);
	if (copy_from_user(pf->buf, ubuf, n)) {
		mutex_unlock(&pf->lock);
		return -EFAULT;
	}
	pf->buf[n] = '\0';
	procfs_run(pf, pf->write);
	mutex_unlock(&pf->lock);
	return count;
}

static const struct proc_ops procfs_ops = {
	.proc_read = procfs_read,
	.proc_write = procfs_write,
	.proc_lseek = default_llseek,
};

/* /proc/systemtap/MODULE, and /proc/systemtap first if need be (it is
 * shared with other scripts' modules and stays).  procfs warns when a
 * path's parent is missing, so look before creating. */
/* At arming, in process context: a buffer as large as the largest
 * .maxsize(N) of the file's probes (both are armed before either runs). */
static int procfs_buffer(struct procfs_file *pf, int64_t want)
{
	size_t size = max_t(size_t, MAXSTRINGLEN,
			    min_t(int64_t, want, STP_PROCFS_MAXSIZE));
	char *buf;

	if (pf->buf && pf->size >= size)
		return 0;
	buf = kvzalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	kvfree(pf->buf);
	pf->buf = buf;
	pf->size = size;
	return 0;
}

static int procfs_mkdir(void)
{
	struct path parent;

	if (procfs_dir)
		return 0;
	snprintf(procfs_path, sizeof(procfs_path), "systemtap/%s",
		 THIS_MODULE->name);
	if (kern_path("/proc/systemtap", LOOKUP_DIRECTORY, &parent) == 0)
		path_put(&parent);
	else if (!proc_mkdir("systemtap", NULL))
		return -ENOMEM;
	procfs_dir = proc_mkdir(procfs_path, NULL);
	return procfs_dir ? 0 : -ENOMEM;
}

static struct procfs_file *procfs_find(const char *name)
{
	int i;

	for (i = 0; i < nprocfs; i++)
		if (!strcmp(procfs_files[i].name, name))
			return &procfs_files[i];
	if (nprocfs == STP_PROCFS_FILES)
		return NULL;
	procfs_files[nprocfs].name = name;
	mutex_init(&procfs_files[nprocfs].lock);
	return &procfs_files[nprocfs++];
}

int stp_procfs_arm(const struct stp_probe *p)
{
	struct procfs_file *pf;
	const struct stp_probe **list;
	bool fresh;
	int i, rc = procfs_mkdir();

	if (rc)
		return rc;
	pf = procfs_find(p->procfs);
	if (!pf)
		return -ENFILE;
	rc = procfs_buffer(pf, p->procfs_size);
	if (rc)
		return rc;
	fresh = !pf->read[0] && !pf->write[0];
	list = p->kind == STP_PROBE_PROCFS_READ ? pf->read : pf->write;
	for (i = 0; list[i]; i++)
		;
	if (i == STP_PROCFS_PROBES)
		return -ENOSPC;
	list[i] = p;
	if (fresh && !proc_create_data(p->procfs, 0600, procfs_dir,
				       &procfs_ops, pf))
		return -ENOMEM;
	return 0;
}

void stp_procfs_disarm(void)
{
	int i;

	if (procfs_dir)
		remove_proc_subtree(procfs_path, NULL);
	procfs_dir = NULL;
	for (i = 0; i < nprocfs; i++)
		kvfree(procfs_files[i].buf);
	memset(procfs_files, 0, sizeof(procfs_files));
	nprocfs = 0;
}
