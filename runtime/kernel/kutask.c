/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kutask.c - process.begin/end and thread.begin/end (stap/pf_pbegin.c).
 *
 * Three scheduler tracepoints tell the lifetime of user tasks:
 *   sched_process_fork  a new process or thread: its .begin handlers
 *                       run in the new task, as SystemTap's do, by a
 *                       task_work it runs before its first user
 *                       instruction (so pid() and execname() are its);
 *   sched_process_exec  in the task, after the exec: the old image's
 *                       process .end, then the new one's .begin;
 *   sched_process_exit  in the exiting task: .thread.end, or .end when
 *                       it is the last thread (signal->live is 0, as
 *                       SystemTap's task finder tells a process's end);
 *                       two threads that exit together may both see 0,
 *                       so the first to claim the tgid in the table
 *                       fires .end, the other .thread.end;
 *   sched_process_free  the group leader's, once the whole process is
 *                       reaped: its entry in the table goes.
 * At start, each user task already running gets the same task_work,
 * sent with TWA_SIGNAL so that a sleeping task runs it now (its system
 * call restarts), as SystemTap interrupts a task to report it.
 *
 * process("PATH") keeps the tasks whose mm's exe_file is PATH's inode;
 * an exiting task has no mm left, so each process's match (a bit per
 * PATH probe) is kept in a table by tgid from its .begin until it is
 * reaped.
 * process(PID) compares the tgid.  Handlers run with the task's user
 * registers.
 *
 * Nothing is allocated in the tracepoints: the task_works come from a
 * pool filled at arm (STP_MAXUTASKWORK), the table has STP_MAXUPROCS
 * slots; a begin that finds neither free is a skipped probe, reported.
 * A queued task_work cannot be taken back (task_work_cancel is not
 * exported), so disarm waits for each queued one to have run; one that
 * a stopped task still holds after STP_UTASK_DRAIN_MS keeps the module
 * loaded, said as an ERROR, rather than leave the task pointing at
 * freed code.
 */
#include <linux/binfmts.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>

#include "kernel.h"

#ifndef STP_MAXUTASKWORK
#define STP_MAXUTASKWORK 4096
#endif
#define STP_MAXUPROCS_BITS 12		/* 4096 processes */
#define STP_MAXUPROCS (1 << STP_MAXUPROCS_BITS)
#ifndef STP_UTASK_DRAIN_MS
#define STP_UTASK_DRAIN_MS 5000
#endif
#define STP_UTASK_MAXPATHS 64		/* PATH probes: a bit each */

struct utask_work {
	struct callback_head cb;
	struct utask_work *next_free;
	bool thread;			/* thread.begin, else process.begin */
};

struct utask_proc {
	pid_t tgid;			/* 0: a free slot */
	bool ended;			/* its process.end has fired */
	u64 paths;			/* the PATH probes its binary is */
};

static struct utask_work *utask_pool, *utask_free_list;
static struct utask_proc *utask_procs;
static DEFINE_RAW_SPINLOCK(utask_lock);	/* the free list and the table */
static atomic_t utask_queued;		/* task_works not run yet */
static bool utask_live;			/* the tracepoints and works may
					   run handlers */
static int *utask_ids;			/* stp_probes[] of the utask probes */
static int utask_n;
static struct path *utask_paths;	/* by utask probe: PATH's, held */
static int *utask_bit;			/* by utask probe: its PATH bit */
static struct inode *utask_inodes[STP_UTASK_MAXPATHS];
static int utask_npaths;
static bool utask_want[STP_UTASK_THREAD_END + 1];
static bool utask_pinned;

struct utask_tp {
	const char *name;
	void *fn;
	struct tracepoint *tp;
	bool registered;
};

/* ---- which probes a task meets ---- */

/* The PATH probes whose binary MM runs, a bit each. */
static u64 utask_exe_paths(struct mm_struct *mm)
{
	struct file *exe;
	u64 paths = 0;
	int i;

	if (!mm || !utask_npaths)
		return 0;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	for (i = 0; exe && i < utask_npaths; i++)
		if (file_inode(exe) == utask_inodes[i])
			paths |= BIT_ULL(i);
	rcu_read_unlock();
	return paths;
}

static bool utask_matches(int k, pid_t tgid, u64 paths)
{
	const struct stp_probe *p = &stp_probes[utask_ids[k]];

	if (p->upid)
		return tgid == p->upid;
	if (p->upath)
		return paths & BIT_ULL(utask_bit[k]);
	return true;
}

/* The handlers of EVENT the current task meets, run in it. */
static void utask_fire(int event, u64 paths)
{
	pid_t tgid = task_tgid_nr(current);
	int k;

	if (!utask_want[event])
		return;
	for (k = 0; k < utask_n; k++) {
		const struct stp_probe *p = &stp_probes[utask_ids[k]];
		struct stp_probe_hit h = { .regs = task_pt_regs(current),
					   .handler = p->handler };

		if (p->utask == event && utask_matches(k, tgid, paths))
			stp_run_probe(p, &h, MAXACTION);
	}
}

/* A task of user space, not a kernel thread or a kernel worker that
 * lives in a user process (io_uring's, vhost's). */
static bool utask_user(struct task_struct *t)
{
	unsigned int kernel = PF_KTHREAD | PF_IO_WORKER;

#ifdef PF_USER_WORKER
	kernel |= PF_USER_WORKER;
#endif
	return !(t->flags & kernel);
}

/* ---- the table of processes by tgid (linear probing) ---- */

static struct utask_proc *utask_slot(pid_t tgid, bool add)
{
	unsigned int i = hash_32(tgid, STP_MAXUPROCS_BITS), n;

	for (n = 0; n < STP_MAXUPROCS; n++, i = (i + 1) % STP_MAXUPROCS) {
		if (utask_procs[i].tgid == tgid)
			return &utask_procs[i];
		if (!utask_procs[i].tgid) {
			if (!add)
				return NULL;
			utask_procs[i].tgid = tgid;
			return &utask_procs[i];
		}
	}
	return NULL;
}

/* Empty slot I, moving up the entries of its run that hash before it,
 * so that lookups never stop early at a hole. */
static void utask_unslot(unsigned int i)
{
	unsigned int j = i, home;

	for (;;) {
		utask_procs[i].tgid = 0;
		for (;;) {
			j = (j + 1) % STP_MAXUPROCS;
			if (!utask_procs[j].tgid)
				return;
			home = hash_32(utask_procs[j].tgid, STP_MAXUPROCS_BITS);
			if (i <= j ? (i < home && home <= j) :
				     (i < home || home <= j))
				continue;
			break;
		}
		utask_procs[i] = utask_procs[j];
		i = j;
	}
}

/* Process TGID (begun: not ended) runs the binaries of PATHS from now
 * on; false when the table is full. */
static bool utask_remember(pid_t tgid, u64 paths)
{
	struct utask_proc *e;
	unsigned long flags;

	raw_spin_lock_irqsave(&utask_lock, flags);
	e = utask_slot(tgid, paths != 0);
	if (e) {
		e->paths = paths;
		e->ended = false;
	}
	raw_spin_unlock_irqrestore(&utask_lock, flags);
	return e || !paths;
}

/* The first thread of TGID to claim its end: true once.  A full table
 * lets every claim through (a process.end too many beats none). */
static bool utask_claim_end(pid_t tgid)
{
	struct utask_proc *e;
	unsigned long flags;
	bool first;

	raw_spin_lock_irqsave(&utask_lock, flags);
	e = utask_slot(tgid, true);
	first = !e || !e->ended;
	if (e)
		e->ended = true;
	raw_spin_unlock_irqrestore(&utask_lock, flags);
	return first;
}

static void utask_forget(pid_t tgid)
{
	struct utask_proc *e;
	unsigned long flags;

	raw_spin_lock_irqsave(&utask_lock, flags);
	e = utask_slot(tgid, false);
	if (e)
		utask_unslot(e - utask_procs);
	raw_spin_unlock_irqrestore(&utask_lock, flags);
}

static u64 utask_recall(pid_t tgid)
{
	struct utask_proc *e;
	unsigned long flags;
	u64 paths = 0;

	if (!utask_npaths)
		return 0;
	raw_spin_lock_irqsave(&utask_lock, flags);
	e = utask_slot(tgid, false);
	if (e)
		paths = e->paths;
	raw_spin_unlock_irqrestore(&utask_lock, flags);
	return paths;
}

/* ---- begin: a task_work run by the task itself ---- */

static void utask_begin_now(bool thread)
{
	pid_t tgid = task_tgid_nr(current);
	u64 paths;

	if (thread) {
		utask_fire(STP_UTASK_THREAD_BEGIN, utask_recall(tgid));
		return;
	}
	paths = utask_exe_paths(current->mm);
	if (!utask_remember(tgid, paths))
		stp_skip("process.begin (more than STP_MAXUPROCS processes)");
	utask_fire(STP_UTASK_PROC_BEGIN, paths);
}

static void utask_work_run(struct callback_head *cb)
{
	struct utask_work *w = container_of(cb, struct utask_work, cb);
	bool thread = w->thread;
	unsigned long flags;

	raw_spin_lock_irqsave(&utask_lock, flags);
	w->next_free = utask_free_list;
	utask_free_list = w;
	raw_spin_unlock_irqrestore(&utask_lock, flags);
	/* A task killed before it reached user space runs it at exit. */
	if (READ_ONCE(utask_live) && current->mm &&
	    !(current->flags & PF_EXITING))
		utask_begin_now(thread);
	/* Last: disarm waits for this count, handler included. */
	atomic_dec(&utask_queued);
}

/* Queue T's .begin on T; false when no work was free or T is exiting. */
static bool utask_queue(struct task_struct *t, enum task_work_notify_mode how)
{
	struct utask_work *w;
	unsigned long flags;

	raw_spin_lock_irqsave(&utask_lock, flags);
	w = utask_free_list;
	if (w)
		utask_free_list = w->next_free;
	raw_spin_unlock_irqrestore(&utask_lock, flags);
	if (!w)
		return false;
	w->thread = !thread_group_leader(t);
	init_task_work(&w->cb, utask_work_run);
	atomic_inc(&utask_queued);
	if (task_work_add(t, &w->cb, how) == 0)
		return true;
	atomic_dec(&utask_queued);
	raw_spin_lock_irqsave(&utask_lock, flags);
	w->next_free = utask_free_list;
	utask_free_list = w;
	raw_spin_unlock_irqrestore(&utask_lock, flags);
	return true;			/* exiting: no begin, nothing lost */
}

/* A thread for its .begin; a process for its .begin, or for the table
 * when PATH probes (.end ones) need its binary later. */
static bool utask_wants_begin(struct task_struct *t)
{
	if (!thread_group_leader(t))
		return utask_want[STP_UTASK_THREAD_BEGIN];
	return utask_want[STP_UTASK_PROC_BEGIN] || utask_npaths;
}

/* ---- the tracepoints ---- */

static void utask_on_fork(void *data, struct task_struct *parent,
			  struct task_struct *child)
{
	if (!READ_ONCE(utask_live) || !utask_user(child) ||
	    !utask_wants_begin(child))
		return;
	/* The child has not run: it takes the work on its way out. */
	if (!utask_queue(child, TWA_RESUME))
		stp_skip("process.begin (more than STP_MAXUTASKWORK at once)");
}

static void utask_on_exec(void *data, struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	pid_t tgid = task_tgid_nr(current);
	u64 paths;

	if (!READ_ONCE(utask_live) || !utask_user(current))
		return;
	utask_fire(STP_UTASK_PROC_END, utask_recall(tgid));
	paths = utask_exe_paths(current->mm);
	if (!utask_remember(tgid, paths))
		stp_skip("process.begin (more than STP_MAXUPROCS processes)");
	utask_fire(STP_UTASK_PROC_BEGIN, paths);
}

static void utask_on_exit(void *data, struct task_struct *p)
{
	pid_t tgid = task_tgid_nr(current);

	if (!READ_ONCE(utask_live) || !utask_user(current))
		return;
	if (atomic_read(&current->signal->live) || !utask_claim_end(tgid))
		utask_fire(STP_UTASK_THREAD_END, utask_recall(tgid));
	else
		utask_fire(STP_UTASK_PROC_END, utask_recall(tgid));
}

/* In an RCU callback: the task is gone.  The leader goes last. */
static void utask_on_free(void *data, struct task_struct *p)
{
	if (READ_ONCE(utask_live) && thread_group_leader(p))
		utask_forget(task_tgid_nr(p));
}

static struct utask_tp utask_tps[] = {
	{ "sched_process_fork", utask_on_fork },
	{ "sched_process_exec", utask_on_exec },
	{ "sched_process_exit", utask_on_exit },
	{ "sched_process_free", utask_on_free },
};

static void utask_find_tp(struct tracepoint *tp, void *priv)
{
	struct utask_tp *t = priv;

	if (!strcmp(tp->name, t->name))
		t->tp = tp;
}

static int utask_register_tps(void)
{
	int i, rc;

	for (i = 0; i < ARRAY_SIZE(utask_tps); i++) {
		struct utask_tp *t = &utask_tps[i];

		for_each_kernel_tracepoint(utask_find_tp, t);
		if (!t->tp)
			return -ENOENT;
		rc = tracepoint_probe_register(t->tp, t->fn, NULL);
		if (rc)
			return rc;
		t->registered = true;
	}
	return 0;
}

/* ---- arm and disarm ---- */

/* Each user task running now: its .begin, in it. */
static void utask_walk(void)
{
	struct task_struct *g, *t;
	int full = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		/* A stopped or traced task would hold its work until it is
		 * let go, and the module with it (utask_drain): no begin. */
		if (!utask_user(t) || !t->mm || (t->flags & PF_EXITING) ||
		    task_is_stopped_or_traced(t) || !utask_wants_begin(t))
			continue;
		if (!utask_queue(t, TWA_SIGNAL))
			full++;
	}
	rcu_read_unlock();
	if (full)
		stp_skip("process.begin (more than STP_MAXUTASKWORK tasks)");
}

/* PATH of utask probe K, held; its bit, shared by probes of one
 * binary. */
static int utask_hold_path(int k)
{
	const struct stp_probe *p = &stp_probes[utask_ids[k]];
	struct inode *inode;
	char msg[512];		/* a frame within stap-validate's budget */
	int rc, i;

	rc = kern_path(p->upath, LOOKUP_FOLLOW, &utask_paths[k]);
	if (rc) {
		snprintf(msg, sizeof(msg), "ERROR: cannot probe %.400s: error %d"
			 " (no such binary)\n", p->pp, rc);
		stp_control_send(msg);
		return rc;
	}
	inode = d_inode(utask_paths[k].dentry);
	for (i = 0; i < utask_npaths && utask_inodes[i] != inode; i++)
		;
	if (i == STP_UTASK_MAXPATHS) {
		snprintf(msg, sizeof(msg), "ERROR: cannot probe %.400s: more than"
			 " %d binaries in process().begin/end probes\n", p->pp,
			 STP_UTASK_MAXPATHS);
		stp_control_send(msg);
		return -E2BIG;
	}
	if (i == utask_npaths)
		utask_inodes[utask_npaths++] = inode;
	utask_bit[k] = i;
	return 0;
}

static int utask_alloc(void)
{
	int i;

	for (i = 0; i < stp_nprobes; i++)
		if (stp_probes[i].kind == STP_PROBE_UTASK)
			utask_n++;
	if (!utask_n)
		return 0;
	utask_ids = vzalloc(sizeof(*utask_ids) * utask_n);
	utask_bit = vzalloc(sizeof(*utask_bit) * utask_n);
	utask_paths = vzalloc(sizeof(*utask_paths) * utask_n);
	utask_pool = vzalloc(sizeof(*utask_pool) * STP_MAXUTASKWORK);
	utask_procs = vzalloc(sizeof(*utask_procs) * STP_MAXUPROCS);
	if (!utask_ids || !utask_bit || !utask_paths || !utask_pool ||
	    !utask_procs)
		return -ENOMEM;
	for (i = 0; i < STP_MAXUTASKWORK; i++) {
		utask_pool[i].next_free = utask_free_list;
		utask_free_list = &utask_pool[i];
	}
	utask_n = 0;
	for (i = 0; i < stp_nprobes; i++)
		if (stp_probes[i].kind == STP_PROBE_UTASK) {
			utask_want[stp_probes[i].utask] = true;
			utask_ids[utask_n++] = i;
		}
	return 0;
}

/* In process context, at start, after the other probes are armed. */
int stp_utask_arm(void)
{
	int k, rc = utask_alloc();

	if (rc || !utask_n)
		return rc;
	for (k = 0; k < utask_n; k++)
		if (stp_probes[utask_ids[k]].upath &&
		    (rc = utask_hold_path(k)) != 0)
			return rc;
	rc = utask_register_tps();
	if (rc) {
		stp_control_send("ERROR: cannot probe process begin and end:"
				 " the scheduler's tracepoints refused\n");
		return rc;
	}
	WRITE_ONCE(utask_live, true);
	if (utask_want[STP_UTASK_PROC_BEGIN] ||
	    utask_want[STP_UTASK_THREAD_BEGIN] || utask_npaths)
		utask_walk();
	return 0;
}

/* Every queued work run, or the module pinned: false then. */
static bool utask_drain(void)
{
	int waited;
	char msg[160];

	for (waited = 0; atomic_read(&utask_queued) &&
	     waited < STP_UTASK_DRAIN_MS; waited += 10)
		msleep(10);
	if (!atomic_read(&utask_queued))
		return true;
	snprintf(msg, sizeof(msg), "ERROR: %d task(s) (stopped?) have not "
		 "run the process.begin work queued on them: the module "
		 "stays loaded\n", atomic_read(&utask_queued));
	stp_control_send(msg);
	__atomic_add_fetch(&stp_session.errors, 1, __ATOMIC_RELAXED);
	if (!utask_pinned)
		__module_get(THIS_MODULE);
	utask_pinned = true;
	return false;
}

void stp_utask_disarm(void)
{
	bool any = false;
	int i, k;

	WRITE_ONCE(utask_live, false);
	for (i = 0; i < ARRAY_SIZE(utask_tps); i++)
		if (utask_tps[i].registered) {
			tracepoint_probe_unregister(utask_tps[i].tp,
						    utask_tps[i].fn, NULL);
			utask_tps[i].registered = false;
			any = true;
		}
	if (any)
		tracepoint_synchronize_unregister();
	if (!utask_drain())
		return;		/* the pool stays: works still point there */
	for (k = 0; utask_paths && k < utask_n; k++)
		if (utask_paths[k].dentry)
			path_put(&utask_paths[k]);
	vfree(utask_paths);
	vfree(utask_ids);
	vfree(utask_bit);
	vfree(utask_pool);
	vfree(utask_procs);
	utask_paths = NULL;
	utask_ids = NULL;
	utask_bit = NULL;
	utask_pool = NULL;
	utask_procs = NULL;
	utask_free_list = NULL;
	utask_n = 0;
	utask_npaths = 0;
	memset(utask_want, 0, sizeof(utask_want));
}
