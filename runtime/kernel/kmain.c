/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmain.c - the session of a script module.
 *
 * Loading the module allocates everything (contexts, maps) and creates
 * the transport; nothing runs.  staprun then writes commands to .cmd:
 *   param NAME=VALUE   a global of the script (-G)
 *   target PID         target()
 *   symbols BYTES|end  the symbol table, before start (ksym.h)
 *   usymbols BYTES|end the user symbol table, before start (kusym.h)
 *   tz GMTOFF NAME     the local time zone, for tz_ctime() (ktapset.h)
 *   start              begin probes, then the other probes are armed
 *                      (a module's when it loads, if it is not loaded)
 *   stop               probes disarmed, then end (or error) probes
 * and reads the module's messages: ERROR/WARNING lines, "EXIT" when the
 * script asked to stop (exit(), MAXERRORS), "STARTED", "STOPPED E S D M"
 * (errors, skipped probes, dropped records, and of the skipped those
 * kprobes missed).  Unloading frees it all.
 *
 * Each CPU has its own preallocated context; a probe that fires while its
 * CPU's context is busy (a probe hit inside a probe) is skipped and
 * counted, never nested.
 */
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/uprobes.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "kernel.h"
#include "khit.h"
#include "ksym.h"
#include "kusym.h"
#include "ktapset.h"

#ifndef STP_SUBBUF_SIZE
#define STP_SUBBUF_SIZE (256 * 1024)
#endif
#ifndef STP_NSUBBUFS
#define STP_NSUBBUFS 8
#endif

enum { LOADED, RUNNING, STOPPED } state;
static DEFINE_MUTEX(session_lock);
DEFINE_PER_CPU(struct stp_context *, stp_context_of);
DEFINE_PER_CPU(int, stp_busy);
/* Hits kprobes took without calling us: a kprobe hit inside another
 * probe's handler on the same CPU (kprobes' own re-entry guard), or a
 * kretprobe with no free instance.  Added up at disarm and reported as
 * skipped probes, as SystemTap does: a hit is never lost silently. */
static long long missed;

/* Return probes in flight at once for one kretprobe: SystemTap's
 * default, -DKRETACTIVE=N to change it.  The kernel's own default (0:
 * max(10, 2 * CPUs)) ran out under the tapsets' .return aliases on two
 * CPUs, each return then a skipped probe. */
#ifndef KRETACTIVE
#define KRETACTIVE max(15, 6 * (int)num_possible_cpus())
#endif

struct kprobe_slot {
	struct kprobe kp;
	struct kretprobe rp;
	struct tracepoint *tp;
	void *perf;			/* kevents.c's state */
	void *nf;			/* knetfilter.c's */
	struct uprobe_consumer uc;	/* uprobes: on the inode of upath */
	struct path upath;		/* held while registered */
	struct uprobe *uprobe;		/* 6.12: what uprobe_register gave */
	struct path uexe;		/* .library(): the binary, held */
	const struct stp_probe *probe;
	bool registered;
#ifdef STP_FTRACE
	struct ftrace_ops fops;
	bool ftrace;			/* attached through fops, not kp */
#endif
	bool pending;			/* its module is not loaded: armed
					   when it loads (module_event) */
	bool off;			/* disabled: its condition is false */
};
static struct kprobe_slot *kslots;
/* Disarming unregisters kprobes (kretprobes) STP_UNREGISTER_BATCH at a
 * time: one RCU grace period a batch, where one call each waits one per
 * probe (minutes for a few thousand under emulation).  Not all in one
 * call: unregister_kprobes() holds kprobe_mutex throughout, and with
 * thousands of probes on a slow (debug, emulated) kernel the kprobe
 * optimizer waiting for it was reported as a hung task. */
#ifndef STP_UNREGISTER_BATCH
#define STP_UNREGISTER_BATCH 32
#endif
static struct kprobe **kp_batch;
static struct kretprobe **rp_batch;

struct timer_slot {
	struct hrtimer timer;
	const struct stp_probe *probe;
	bool armed;
};
static struct timer_slot *tslots;

/* Overload (khit.h): the per-CPU time spent in handlers, sampled. */
DEFINE_PER_CPU(struct stp_overload, stp_overload);

void stp_overload_start(void)
{
	struct stp_overload *o = this_cpu_ptr(&stp_overload);

	o->t0 = local_clock();
	o->left = o->each ? 0 : STP_OVERLOAD_SAMPLE - 1;
}

void stp_account(void)
{
#ifndef STP_NO_OVERLOAD
	struct stp_overload *o = this_cpu_ptr(&stp_overload);
	u64 now = local_clock(), spent = now - o->t0;
	bool each = o->each;
	u64 weight = each ? 1 : STP_OVERLOAD_SAMPLE;

	if (now - o->start > STP_OVERLOAD_INTERVAL) {
		o->start = now;
		o->spent = 0;
	}
	if (spent > STP_OVERLOAD_LONG) {
		/* counts once; the next hits are each timed (khit.h) */
		weight = 1;
		o->each = STP_OVERLOAD_EACH;
		o->left = 0;
	} else if (each) {
		o->each--;
	}
	o->spent += spent * weight;
	if (o->spent > STP_OVERLOAD_THRESHOLD &&
	    !READ_ONCE(stp_session.exit_requested)) {
		stp_control_send("ERROR: probe overhead exceeded threshold\n");
		__atomic_add_fetch(&stp_session.errors, 1, __ATOMIC_RELAXED);
		stp_request_exit(NULL);
	}
#endif
}

bool stp_run_probe(const struct stp_probe *p, const struct stp_probe_hit *h,
		   int64_t actions)
{
	return stp_hit(p, h, actions);
}

static void run_plain(const struct stp_probe *p, void *regs, int64_t actions)
{
	struct stp_probe_hit h = { .regs = regs, .handler = p->handler };

	stp_run_probe(p, &h, actions);
}

/* ---- kprobes ---- */

#ifndef STP_HAVE_GET_KRETPROBE
#define get_kretprobe(ri) ((ri)->rp)
#endif

static int kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kprobe_slot *s = container_of(kp, struct kprobe_slot, kp);

	run_plain(s->probe, regs, MAXACTION);
	return 0;
}

static int kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kretprobe *rp = get_kretprobe(ri);
	struct kprobe_slot *s = container_of(rp, struct kprobe_slot, rp);
	struct stp_probe_hit h = { .regs = regs, .entry = ri->data,
			       .handler = s->probe->handler };

	stp_run_probe(s->probe, &h, MAXACTION);
	return 0;
}

/* At entry: save what @entry() and the parameters need.  Returning
 * nonzero drops the instance, so no return probe runs on unsaved data. */
static int kretprobe_entry(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct kretprobe *rp = get_kretprobe(ri);
	struct kprobe_slot *s = container_of(rp, struct kprobe_slot, rp);
	struct stp_probe_hit h = { .regs = regs, .entry = ri->data,
			       .handler = s->probe->entry };

	return stp_run_probe(s->probe, &h, MAXACTION) ? 0 : 1;
}

/* ---- uprobes ---- */

/*
 * process("PATH") probes: a uprobe on PATH's inode at the site's file
 * offset, for every process that maps it (as SystemTap's process probes).
 * The handlers run in the probed task, in process context with
 * preemption enabled: stp_hit disables it for the handler, which takes
 * this CPU's context as any probe does.  process(PID)'s fire in that
 * process only: a check of the pid before the handler, rather than a
 * uprobe_consumer filter, whose arguments differ between 6.1 and 6.12
 * and which only decides where breakpoints are inserted (another
 * process mapping the binary may still hit one and call us).  A
 * library's probe fires only where the task runs the binary named
 * (.uexe): its mm's exe_file, read under RCU.
 */
#ifdef STP_STAPUSR
/* A stapusr module probes its user's own processes only (docs/safety.md):
 * the user whose staprun started the session (setuid, it runs with the
 * caller's real uid), as the real and the effective uid of the task (a
 * setuid program the user runs is not theirs to probe). */
static kuid_t stp_owner;

static bool stp_not_owner(void)
{
	return !uid_eq(current_uid(), stp_owner) ||
	       !uid_eq(current_euid(), stp_owner);
}
#else
static bool stp_not_owner(void)
{
	return false;
}
#endif

static bool stp_uprobe_elsewhere(const struct kprobe_slot *s)
{
	const struct stp_probe *p = s->probe;
	struct file *exe;
	bool other;

	if (stp_not_owner())
		return true;
	if (p->upid && task_tgid_nr(current) != p->upid)
		return true;
	if (!p->uexe)
		return false;
	if (!current->mm)
		return true;
	rcu_read_lock();
	exe = rcu_dereference(current->mm->exe_file);
	other = !exe || file_inode(exe) != d_inode(s->uexe.dentry);
	rcu_read_unlock();
	return other;
}

static int uprobe_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct kprobe_slot *s = container_of(uc, struct kprobe_slot, uc);

	if (stp_uprobe_elsewhere(s))
		return 0;
	run_plain(s->probe, regs, MAXACTION);
	return 0;
}

/* A return: with the values its entry saved (kuentry.c), found by the
 * stack pointer at entry, 8 bytes below the one `ret` left; none found
 * is a skipped probe. */
static int uretprobe_hit(struct uprobe_consumer *uc, unsigned long func,
			 struct pt_regs *regs)
{
	struct kprobe_slot *s = container_of(uc, struct kprobe_slot, uc);
	const struct stp_probe *p = s->probe;
	struct stp_probe_hit h = { .regs = regs, .handler = p->handler };

	if (stp_uprobe_elsewhere(s))
		return 0;
	if (!p->entry) {
		run_plain(p, regs, MAXACTION);
		return 0;
	}
	h.entry = stp_uentry_find(p, regs->sp - sizeof(long));
	if (!h.entry) {
		stp_skip(p->pp);
		return 0;
	}
	stp_run_probe(p, &h, MAXACTION);
	stp_uentry_end(h.entry);
	return 0;
}

/* The entry of a .return probe that needs values from it: saved in a
 * record its return will find. */
static int uretprobe_entry(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct kprobe_slot *s = container_of(uc, struct kprobe_slot, uc);
	const struct stp_probe *p = s->probe;
	struct stp_probe_hit h = { .regs = regs, .handler = p->entry };

	if (stp_uprobe_elsewhere(s))
		return 0;	/* nor is its return run */
	h.entry = stp_uentry_begin(p, regs->sp);
	if (!h.entry)
		return 0;	/* its return is skipped */
	if (stp_run_probe(p, &h, MAXACTION))
		stp_uentry_saved(h.entry);
	else
		stp_uentry_end(h.entry);
	return 0;
}

/* In process context (start: the write of "start"): finds the binary,
 * holds it, registers the consumer. */
static int arm_uprobe(struct kprobe_slot *s, const struct stp_probe *p)
{
	struct inode *inode;
	int rc = kern_path(p->upath, LOOKUP_FOLLOW, &s->upath);

	if (rc)
		return rc;
	if (p->uexe) {
		rc = kern_path(p->uexe, LOOKUP_FOLLOW, &s->uexe);
		if (rc) {
			path_put(&s->upath);
			memset(&s->upath, 0, sizeof(s->upath));
			return rc;
		}
	}
	inode = d_inode(s->upath.dentry);
	if (p->kind == STP_PROBE_UPROBE)
		s->uc.handler = uprobe_hit;
	else
		s->uc.ret_handler = uretprobe_hit;
	if (p->kind == STP_PROBE_URETPROBE && p->entry)
		s->uc.handler = uretprobe_entry;
#ifdef STP_HAVE_UPROBE_REGISTER_PTR
	s->uprobe = uprobe_register(inode, p->uoffset, p->usemaphore, &s->uc);
	rc = IS_ERR(s->uprobe) ? PTR_ERR(s->uprobe) : 0;
#else
	/* The reference counter is an SDT marker's semaphore: the kernel
	 * counts it up in each process mapping the binary while the probe
	 * is registered (0: none, as uprobe_register). */
	rc = uprobe_register_refctr(inode, p->uoffset, p->usemaphore, &s->uc);
#endif
	/* Cleared: disarm_uprobes takes a held path for a registered
	 * consumer. */
	if (rc) {
		path_put(&s->upath);
		memset(&s->upath, 0, sizeof(s->upath));
		if (s->uexe.dentry)
			path_put(&s->uexe);
		memset(&s->uexe, 0, sizeof(s->uexe));
	}
	return rc;
}

/* Each registered uprobe of the session unregistered (on 6.12 the
 * consumers go first, then one wait for handlers still running), and
 * its binary let go. */
static void disarm_uprobes(void)
{
	int i;
	bool any = false;

	for (i = 0; i < stp_nprobes; i++) {
		struct kprobe_slot *k = &kslots[i];
		const struct stp_probe *p = &stp_probes[i];

		if (!k->upath.dentry)
			continue;
#ifdef STP_HAVE_UPROBE_REGISTER_PTR
		uprobe_unregister_nosync(k->uprobe, &k->uc);
#else
		uprobe_unregister(d_inode(k->upath.dentry), p->uoffset, &k->uc);
#endif
		(void)p;
		any = true;
	}
#ifdef STP_HAVE_UPROBE_REGISTER_PTR
	if (any)
		uprobe_unregister_sync();
#endif
	for (i = 0; i < stp_nprobes; i++) {
		struct kprobe_slot *k = &kslots[i];

		if (!k->upath.dentry)
			continue;
		path_put(&k->upath);
		memset(&k->upath, 0, sizeof(k->upath));
		if (k->uexe.dentry)
			path_put(&k->uexe);
		memset(&k->uexe, 0, sizeof(k->uexe));
		k->registered = false;
	}
}

/* ---- tracepoints ---- */

struct tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void match_tracepoint(struct tracepoint *tp, void *priv)
{
	struct tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

void stp_tracepoint_hit(void *probe, const int64_t *args)
{
	const struct stp_probe *p = probe;
	struct stp_probe_hit h = { .tp_args = args, .handler = p->handler };

	stp_run_probe(p, &h, MAXACTION);
}

static int arm_tracepoint(struct kprobe_slot *s, const struct stp_probe *p)
{
	struct tp_lookup l = { p->tracepoint, NULL };

	s->probe = p;
	for_each_kernel_tracepoint(match_tracepoint, &l);
	if (!l.tp)
		return -ENOENT;
	s->tp = l.tp;
	return tracepoint_probe_register(l.tp, p->tp_func, (void *)p);
}

/* A kprobe on a function of a module ("module:symbol"). */
static bool module_probe(const struct stp_probe *p)
{
	return (p->kind == STP_PROBE_KPROBE ||
		p->kind == STP_PROBE_KRETPROBE) && p->symbol &&
	       strchr(p->symbol, ':');
}

/* An absolute address, or a DWARF site's link address moved by KASLR. */
static kprobe_opcode_t *probe_address(const struct stp_probe *p)
{
	return (kprobe_opcode_t *)(uintptr_t)(p->address +
					      stp_kaslr(p->anchor));
}

/* ---- function entry through ftrace (khit.h) ---- */

/*
 * Each ftrace-attached probe has its own ftrace_ops, so ftrace calls its
 * callback directly from a trampoline of its own; but each such
 * trampoline is executable memory, and registering or unregistering an
 * ops waits for ftrace's grace periods, one by one.  A script with more
 * entry probes than STP_FTRACE_MAX attaches the rest as kprobes, which
 * share one ftrace callback and are unregistered in batches.
 */
#ifndef STP_FTRACE_MAX
#define STP_FTRACE_MAX 64
#endif

static void unregister_failed(const char *what);

#ifdef STP_FTRACE
atomic64_t stp_ftrace_missed;
static int nftrace;

static bool kslot_ftrace(const struct kprobe_slot *s)
{
	return s->ftrace;
}

/* A kernel function's entry, by name or by address, with the program's
 * callback; nonzero when ftrace refuses it (not a function's entry, a
 * function ftrace does not trace: the caller arms a kprobe instead). */
static int arm_ftrace(struct kprobe_slot *s, const struct stp_probe *p)
{
	int rc;

	if (!p->ft_hit || p->offset || nftrace >= STP_FTRACE_MAX ||
	    (p->symbol && strchr(p->symbol, ':')))
		return -EOPNOTSUPP;
	s->fops.func = p->ft_hit;
	/* No FTRACE_OPS_FL_RECURSION: the callback has its own guard
	 * (khit.h), so ftrace calls it directly, not through its assist
	 * function. */
	s->fops.flags = p->ft_regs ? FTRACE_OPS_FL_SAVE_REGS : 0;
	if (p->ft_addr)
		rc = ftrace_set_filter_ip(&s->fops, p->ft_addr +
					  stp_kaslr(p->anchor), 0, 1);
	else if (p->symbol)
		rc = ftrace_set_filter(&s->fops, (unsigned char *)p->symbol,
				       strlen(p->symbol), 1);
	else
		rc = ftrace_set_filter_ip(&s->fops,
					  (unsigned long)probe_address(p),
					  0, 1);
	if (rc == 0)
		rc = register_ftrace_function(&s->fops);
	if (rc) {
		ftrace_free_filter(&s->fops);
		return rc;
	}
	s->ftrace = true;
	nftrace++;
	return 0;
}

static void disarm_ftrace(struct kprobe_slot *s)
{
	if (!s->ftrace)
		return;
	if (unregister_ftrace_function(&s->fops))
		unregister_failed(s->probe->symbol);
	else
		ftrace_free_filter(&s->fops);
	s->ftrace = false;
	nftrace--;
}
#else
static bool kslot_ftrace(const struct kprobe_slot *s)
{
	return false;
}

static int arm_ftrace(struct kprobe_slot *s, const struct stp_probe *p)
{
	return -EOPNOTSUPP;
}

static void disarm_ftrace(struct kprobe_slot *s)
{
}
#endif

static int arm_kprobe(struct kprobe_slot *s, const struct stp_probe *p)
{
	char msg[512];		/* a frame within stap-validate's budget */
	int rc;

	s->probe = p;
	if (p->kind == STP_PROBE_PERF || p->kind == STP_PROBE_PROFILE) {
		rc = stp_perf_arm(p, &s->perf);
	} else if (p->kind == STP_PROBE_PROCFS_READ ||
		   p->kind == STP_PROBE_PROCFS_WRITE) {
		rc = stp_procfs_arm(p);
	} else if (p->kind == STP_PROBE_TRACEPOINT) {
		rc = arm_tracepoint(s, p);
	} else if (p->kind == STP_PROBE_NETFILTER) {
		rc = stp_nf_arm(p, &s->nf);
	} else if (p->kind == STP_PROBE_UPROBE ||
		   p->kind == STP_PROBE_URETPROBE) {
		rc = arm_uprobe(s, p);
	} else if (p->kind == STP_PROBE_KPROBE && arm_ftrace(s, p) == 0) {
		rc = 0;
	} else if (p->kind == STP_PROBE_KPROBE) {
		s->kp.symbol_name = p->symbol;
		s->kp.offset = p->offset;
		if (!p->symbol)
			s->kp.addr = probe_address(p);
		s->kp.pre_handler = p->kp_hit ? p->kp_hit : kprobe_pre;
		rc = register_kprobe(&s->kp);
	} else {
		s->rp.kp.symbol_name = p->symbol;
		if (!p->symbol)
			s->rp.kp.addr = probe_address(p);
		s->rp.handler = kretprobe_ret;
		if (p->entry) {
			s->rp.entry_handler = kretprobe_entry;
			s->rp.data_size = p->nentries * sizeof(int64_t);
		}
		s->rp.maxactive = KRETACTIVE;
		rc = register_kretprobe(&s->rp);
	}
	if (rc == 0) {
		s->registered = true;
		s->pending = false;
		return 0;
	}
	if (rc == -ENOENT && module_probe(p)) {
		s->pending = true;	/* the module is not loaded (yet) */
		return 0;
	}
	if (p->optional)
		return 0;
	/* One name of a wildcard that kprobes refuse: SystemTap warns. */
	snprintf(msg, sizeof(msg), "%s: cannot probe %.400s: error %d (%s)\n",
		 p->wildcard ? "WARNING" : "ERROR", p->pp, rc,
		 p->upath && rc == -ENOENT ? "no such binary" :
		 p->upath ? "uprobes refused it" :
		 rc == -EINVAL ? "blacklisted or not a function start" :
		 rc == -ENOENT ? "no such symbol" : "refused");
	stp_control_send(msg);
	return p->wildcard ? 0 : rc;
}

/* ---- modules loaded and unloaded during the session ---- */

/*
 * A probe on a module that is not loaded when the session starts is
 * armed when the module loads (before its init runs: MODULE_STATE_COMING
 * comes after its text is final and ftrace knows it) and disarmed when it
 * goes, to be armed again if it comes back, as SystemTap does.  The
 * notifier runs in the loading task, in process context; module_lock
 * orders it against start and stop (session_lock is not taken there:
 * stop unregisters the notifier, which waits for a running callback).
 */
static DEFINE_MUTEX(module_lock);
static bool module_watch;		/* under module_lock */
static void apply_condition(struct kprobe_slot *k, const struct stp_probe *p);

/* Probe P's module is MOD ('-' and '_' alike, as module names). */
static bool probe_in_module(const struct stp_probe *p, const char *mod)
{
	const char *a = p->symbol, *b = mod;

	for (; *a && *a != ':' && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') &&
				  (*b == '-' || *b == '_')))
			return false;
	return *a == ':' && !*b;
}

static void module_probe_gone(struct kprobe_slot *k)
{
	if (k->probe->kind == STP_PROBE_KPROBE) {
		unregister_kprobe(&k->kp);
		missed += k->kp.nmissed;
	} else {
		unregister_kretprobe(&k->rp);
		missed += k->rp.nmissed + k->rp.kp.nmissed;
	}
	/* Registered again from a clean slate if the module comes back. */
	memset(&k->kp, 0, sizeof(k->kp));
	memset(&k->rp, 0, sizeof(k->rp));
	k->registered = false;
	k->off = false;
	k->pending = true;
}

static int module_event(struct notifier_block *nb, unsigned long what,
			void *data)
{
	struct module *mod = data;
	int i;

	if (what != MODULE_STATE_COMING && what != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&module_lock);
	for (i = 0; module_watch && i < stp_nprobes; i++) {
		struct kprobe_slot *k = &kslots[i];
		const struct stp_probe *p = &stp_probes[i];

		if (!module_probe(p) || !probe_in_module(p, mod->name))
			continue;
		if (what == MODULE_STATE_COMING && k->pending) {
			arm_kprobe(k, p);
			apply_condition(k, p);
		}
		else if (what == MODULE_STATE_GOING && k->registered)
			module_probe_gone(k);
	}
	mutex_unlock(&module_lock);
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = { .notifier_call = module_event };

/* ---- conditions: a conditional kprobe is off while its condition is false ---- */

/*
 * `probe kernel.function("f") if (enabled)`: while `enabled` is 0 the
 * kprobe is disabled (disable_kprobe: no breakpoint, no cost at all), as
 * SystemTap does, and enabled again when a handler makes it true.  A
 * handler that writes a global some condition reads calls
 * stp_conditions_changed (from any context, NMI included: irq_work),
 * which schedules the work that evaluates the conditions (the
 * program's .cond, reading the globals without locks) and enables or
 * disables the kprobes, which may sleep.  The handler still checks its
 * condition: a hit in the moment before the work runs is filtered.
 */
static bool conditions_live;		/* under module_lock */

static void apply_condition(struct kprobe_slot *k, const struct stp_probe *p)
{
	struct kprobe *kp = p->kind == STP_PROBE_KPROBE ? &k->kp : &k->rp.kp;
	bool on;

	if (!p->cond || !k->registered)
		return;
	on = p->cond();
	if (on && k->off && enable_kprobe(kp) == 0)
		k->off = false;
	else if (!on && !k->off && disable_kprobe(kp) == 0)
		k->off = true;
}

static void conditions_apply(struct work_struct *w)
{
	int i;

	mutex_lock(&module_lock);
	for (i = 0; conditions_live && i < stp_nprobes; i++)
		apply_condition(&kslots[i], &stp_probes[i]);
	mutex_unlock(&module_lock);
}
static DECLARE_WORK(conditions_work, conditions_apply);

static void conditions_kick(struct irq_work *w)
{
	schedule_work(&conditions_work);
}
static struct irq_work conditions_irq;

void stp_conditions_changed(void)
{
	if (READ_ONCE(conditions_live))
		irq_work_queue(&conditions_irq);
}
static bool module_nb_registered;

/* ---- timers ---- */


static enum hrtimer_restart timer_fire(struct hrtimer *t)
{
	struct timer_slot *s = container_of(t, struct timer_slot, timer);

	run_plain(s->probe, NULL, MAXACTION);
	if (READ_ONCE(state) != RUNNING)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(stp_next_period(s->probe)));
	return HRTIMER_RESTART;
}

static void arm_timer(struct timer_slot *s, const struct stp_probe *p)
{
	s->probe = p;
#ifdef STP_HAVE_HRTIMER_SETUP
	hrtimer_setup(&s->timer, timer_fire, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
#else
	hrtimer_init(&s->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	s->timer.function = timer_fire;
#endif
	hrtimer_start(&s->timer, ns_to_ktime(stp_next_period(p)),
		      HRTIMER_MODE_REL);
	s->armed = true;
}

/* ---- the session ---- */

static void run_session_probe(const struct stp_probe *p)
{
	run_plain(p, NULL, MAXACTION_INTERRUPTIBLE);
}

static void unregister_failed(const char *what)
{
	static bool pinned;
	char msg[160];

	snprintf(msg, sizeof(msg), "ERROR: the kernel could not unregister "
		 "the probe on %s: the module stays loaded\n",
		 what ? what : "an address");
	stp_control_send(msg);
	__atomic_add_fetch(&stp_session.errors, 1, __ATOMIC_RELAXED);
	if (!xchg(&pinned, true))
		__module_get(THIS_MODULE);
}

static void disarm(void)
{
	bool tracepoints = false;
	int i, nk = 0, nr = 0;

	for (i = 0; i < stp_nprobes; i++) {
		struct kprobe_slot *k = &kslots[i];
		const struct stp_probe *p = &stp_probes[i];

		if (p->kind == STP_PROBE_PERF || p->kind == STP_PROBE_PROFILE) {
			stp_perf_disarm(k->perf);
			k->perf = NULL;
		} else if (p->kind == STP_PROBE_NETFILTER) {
			stp_nf_disarm(k->nf);
			k->nf = NULL;
		} else if (k->registered && p->kind == STP_PROBE_KPROBE &&
			   kslot_ftrace(k)) {
			disarm_ftrace(k);
		} else if (k->registered && p->kind == STP_PROBE_KPROBE) {
			kp_batch[nk++] = &k->kp;
		} else if (k->registered && p->kind == STP_PROBE_TRACEPOINT) {
			tracepoint_probe_unregister(k->tp, p->tp_func,
						    (void *)p);
			tracepoints = true;
		} else if (k->registered && p->kind == STP_PROBE_KRETPROBE) {
			rp_batch[nr++] = &k->rp;
		}
		k->registered = false;
		if (tslots[i].armed)
			hrtimer_cancel(&tslots[i].timer);
		tslots[i].armed = false;
	}
	for (i = 0; i < nk; i += STP_UNREGISTER_BATCH)
		unregister_kprobes(kp_batch + i, min(nk - i, STP_UNREGISTER_BATCH));
	for (i = 0; i < nr; i += STP_UNREGISTER_BATCH)
		unregister_kretprobes(rp_batch + i, min(nr - i, STP_UNREGISTER_BATCH));
	for (i = 0; i < nk; i++)
		missed += kp_batch[i]->nmissed;
#ifdef STP_FTRACE
	missed += atomic64_xchg(&stp_ftrace_missed, 0);
#endif
	for (i = 0; i < nr; i++)
		missed += rp_batch[i]->nmissed + rp_batch[i]->kp.nmissed;
	/* A probe the kernel failed to unregister (it clears its address:
	 * disarming an ftrace-based kprobe allocates, and kprobes keeps the
	 * probe in its table when that fails) still points into this
	 * module: pinned, the module stays loaded rather than be freed
	 * under it. */
	for (i = 0; i < nk; i++)
		if (!kp_batch[i]->addr)
			unregister_failed(kp_batch[i]->symbol_name);
	for (i = 0; i < nr; i++)
		if (!rp_batch[i]->kp.addr)
			unregister_failed(rp_batch[i]->kp.symbol_name);
	disarm_uprobes();
	stp_utask_disarm();
	stp_procfs_disarm();
	/* No CPU may still be inside one of our trampolines. */
	if (tracepoints)
		tracepoint_synchronize_unregister();
}

static int start(void)
{
	int i, rc = 0;

#ifdef STP_STAPUSR
	stp_owner = current_uid();	/* staprun's "start": its caller */
#endif
	stp_run_kind(STP_PROBE_BEGIN, run_session_probe);
	WRITE_ONCE(state, RUNNING);
	/* Before arming: a module that loads meanwhile is not missed. */
	module_nb_registered = register_module_notifier(&module_nb) == 0;
	mutex_lock(&module_lock);
	for (i = 0; i < stp_nprobes && rc == 0; i++) {
		const struct stp_probe *p = &stp_probes[i];

		if (p->kind == STP_PROBE_KPROBE ||
		    p->kind == STP_PROBE_KRETPROBE ||
		    p->kind == STP_PROBE_TRACEPOINT ||
		    p->kind == STP_PROBE_PERF || p->kind == STP_PROBE_PROFILE ||
		    p->kind == STP_PROBE_PROCFS_READ ||
		    p->kind == STP_PROBE_PROCFS_WRITE ||
		    p->kind == STP_PROBE_NETFILTER ||
		    p->kind == STP_PROBE_UPROBE ||
		    p->kind == STP_PROBE_URETPROBE)
			rc = arm_kprobe(&kslots[i], p);
		else if (p->kind == STP_PROBE_TIMER)
			arm_timer(&tslots[i], p);
	}
	if (rc == 0)
		rc = stp_utask_arm();
	module_watch = rc == 0;
	conditions_live = rc == 0;
	for (i = 0; conditions_live && i < stp_nprobes; i++)
		apply_condition(&kslots[i], &stp_probes[i]);
	mutex_unlock(&module_lock);
	if (rc) {
		stp_session.exit_status = 1;
		stp_session.exit_requested = 1;	/* "EXIT": ktransport.c */
	}
	stp_control_send("STARTED\n");
	return 0;
}

/* No module comes or goes for the probes once this returns. */
static void stop_module_watch(void)
{
	mutex_lock(&module_lock);
	module_watch = false;
	conditions_live = false;
	mutex_unlock(&module_lock);
	irq_work_sync(&conditions_irq);
	cancel_work_sync(&conditions_work);
	if (module_nb_registered)
		unregister_module_notifier(&module_nb);
	module_nb_registered = false;
}

static void stop(void)
{
	char msg[96];

	WRITE_ONCE(state, STOPPED);
	stop_module_watch();
	disarm();
	stp_run_end(run_session_probe);
	stp_timing_report();	/* -t */
	stp_transport_flush();
	if (stp_usym_busy()) {
		snprintf(msg, sizeof(msg), "WARNING: %lld user addresses "
			 "unresolved: mmap lock busy\n",
			 stp_usym_busy());
		stp_control_send(msg);
	}
	snprintf(msg, sizeof(msg), "STOPPED %lld %lld %lld %lld %llu\n",
		 (long long)stp_session.errors,
		 (long long)stp_session.skipped + missed,
		 (long long)atomic64_read(&stp_dropped), missed,
		 (unsigned long long)stp_transport_records());
	stp_control_send(msg);
}

static int set_param(const char *arg)
{
	const char *eq = strchr(arg, '=');
	int i;

	for (i = 0; eq && i < stp_nparams; i++) {
		const struct stp_global_param *p = &stp_params[i];

		if (strlen(p->name) != (size_t)(eq - arg) ||
		    strncmp(p->name, arg, eq - arg))
			continue;
		if (p->s) {
			stp_strlcpy(p->s, eq + 1, MAXSTRINGLEN);
			return 0;
		}
		return kstrtoll(eq + 1, 0, p->l);
	}
	return -ENOENT;
}

int stp_session_command(char *cmd)
{
	int rc = 0;

	mutex_lock(&session_lock);
	if (!strncmp(cmd, "param ", 6) && state == LOADED)
		rc = set_param(cmd + 6);
	else if (!strncmp(cmd, "target ", 7) && state == LOADED)
		rc = kstrtoll(cmd + 7, 10, &stp_session.target_pid);
	else if (!strcmp(cmd, "start") && state == LOADED)
		rc = start();
	else if (!strcmp(cmd, "stop") && state != STOPPED)
		stop();
	else if (!strncmp(cmd, "symbols ", 8) && state == LOADED)
		rc = stp_symbols_command(cmd + 8);
	else if (!strncmp(cmd, "usymbols ", 9) && state == LOADED)
		rc = stp_usymbols_command(cmd + 9);
	else if (!strncmp(cmd, "tz ", 3) && state == LOADED)
		rc = stp_tz_command(cmd + 3);
	else
		rc = -EINVAL;
	mutex_unlock(&session_lock);
	return rc;
}

/* ---- the module ---- */

static void free_contexts(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct stp_context *c = per_cpu(stp_context_of, cpu);

		if (!c)
			continue;
		vfree(c->frames);
		vfree(c);
		per_cpu(stp_context_of, cpu) = NULL;
	}
}

static int alloc_contexts(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct stp_context *c = vzalloc(sizeof(struct stp_context));

		if (!c)
			return -ENOMEM;
		per_cpu(stp_context_of, cpu) = c;
		c->frames = vzalloc((MAXNESTING + 1) * stp_frame_size);
		if (!c->frames)
			return -ENOMEM;
	}
	return 0;
}

static void cleanup(void)
{
	stp_transport_exit();
	stp_symbols_free();
	stp_usymbols_free();
	stp_program_exit();
	stp_timing_free();
	free_contexts();
	vfree(kslots);
	vfree(tslots);
	vfree(kp_batch);
	vfree(rp_batch);
}

static int __init stp_init(void)
{
	int rc;

	init_irq_work(&conditions_irq, conditions_kick);
	kslots = vzalloc(sizeof(*kslots) * (stp_nprobes + 1));
	tslots = vzalloc(sizeof(*tslots) * (stp_nprobes + 1));
	kp_batch = vzalloc(sizeof(*kp_batch) * (stp_nprobes + 1));
	rp_batch = vzalloc(sizeof(*rp_batch) * (stp_nprobes + 1));
	if (!kslots || !tslots || !kp_batch || !rp_batch ||
	    alloc_contexts() != 0 || stp_timing_init() != 0) {
		cleanup();
		return -ENOMEM;
	}
	rc = stp_transport_init(THIS_MODULE->name, STP_SUBBUF_SIZE,
				STP_NSUBBUFS);
	if (rc) {
		cleanup();
		return rc;
	}
	if (stp_program_init() != 0) {
		cleanup();
		return -ENOMEM;
	}
	state = LOADED;
	return 0;
}

static void __exit stp_exit(void)
{
	mutex_lock(&session_lock);
	if (state == RUNNING) {
		stop_module_watch();
		disarm();
	}
	state = STOPPED;
	mutex_unlock(&session_lock);
	cleanup();
}

module_init(stp_init);
module_exit(stp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("a script of the stap dynamic tracer");
