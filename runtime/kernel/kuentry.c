// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kuentry.c - what a process .return probe's entry saved (its
 * parameters, @entry()), kept until that call returns.
 *
 * A kretprobe carries data from its entry to its return (ri->data); a
 * uretprobe has no such place, so the entry handler saves into a record
 * of this pool, keyed by the task, the probe and the stack pointer at
 * entry (where the return address lies).  The return sees the stack
 * pointer 8 bytes higher, once `ret` has popped that address: recursion
 * and threads each find their own record.  A call that never returns
 * (longjmp, exit, exec) leaves its record behind; when the pool is full
 * the oldest idle record is taken back.  A return with no record (the
 * pool was full of running calls, or its record was taken back) is a
 * skipped probe, never a run on values of another call.
 */
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "kernel.h"

struct uentry {
	const struct task_struct *task;		/* NULL: free */
	const struct stp_probe *probe;
	unsigned long sp;
	u64 age;
	bool busy;				/* a handler is using it */
	int64_t slots[STP_UENTRY_SLOTS];
};

static struct uentry pool[STP_UENTRY_MAX];
static DEFINE_RAW_SPINLOCK(pool_lock);
static u64 pool_age;

/* A free record, else the oldest one no handler is using; NULL if all
 * are in use.  Called with pool_lock held. */
static struct uentry *take(void)
{
	struct uentry *old = NULL;
	int i;

	for (i = 0; i < STP_UENTRY_MAX; i++) {
		struct uentry *e = &pool[i];

		if (!e->task)
			return e;
		if (!e->busy && (!old || e->age < old->age))
			old = e;
	}
	return old;
}

/*
 * A record of P at SP left by this task (or by a task whose
 * task_struct it now has: a forked child exits, the next one gets its
 * memory and the same stack) is stale once a new call of P starts at
 * SP: that call's frame is gone.  Dropped, so its return cannot find
 * it and run on another call's values.  Called with pool_lock held.
 */
static void drop_stale(const struct stp_probe *p, unsigned long sp)
{
	int i;

	for (i = 0; i < STP_UENTRY_MAX; i++) {
		struct uentry *e = &pool[i];

		if (e->task == current && e->probe == p && e->sp == sp &&
		    !e->busy)
			e->task = NULL;
	}
}

int64_t *stp_uentry_begin(const struct stp_probe *p, unsigned long sp)
{
	struct uentry *e;
	unsigned long flags;

	raw_spin_lock_irqsave(&pool_lock, flags);
	drop_stale(p, sp);
	e = take();
	if (e) {
		e->task = current;
		e->probe = p;
		e->sp = sp;
		e->age = ++pool_age;
		e->busy = true;
	}
	raw_spin_unlock_irqrestore(&pool_lock, flags);
	return e ? e->slots : NULL;
}

/* The entry handler is done with SLOTS: its return may find them. */
void stp_uentry_saved(int64_t *slots)
{
	struct uentry *e = container_of(slots, struct uentry, slots[0]);

	WRITE_ONCE(e->busy, false);
}

int64_t *stp_uentry_find(const struct stp_probe *p, unsigned long sp)
{
	struct uentry *found = NULL;
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&pool_lock, flags);
	for (i = 0; i < STP_UENTRY_MAX && !found; i++) {
		struct uentry *e = &pool[i];

		if (e->task == current && e->probe == p && e->sp == sp &&
		    !e->busy)
			found = e;
	}
	if (found)
		found->busy = true;
	raw_spin_unlock_irqrestore(&pool_lock, flags);
	return found ? found->slots : NULL;
}

/* SLOTS are no longer needed (the return ran, or the entry failed). */
void stp_uentry_end(int64_t *slots)
{
	struct uentry *e = container_of(slots, struct uentry, slots[0]);
	unsigned long flags;

	raw_spin_lock_irqsave(&pool_lock, flags);
	e->task = NULL;
	e->busy = false;
	raw_spin_unlock_irqrestore(&pool_lock, flags);
}
