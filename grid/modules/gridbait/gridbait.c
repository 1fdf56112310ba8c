// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gridbait: misbehaves on request so stapgrid's selftest can check that each
 * kind of kernel failure gets its verdict.
 *
 *   mode=oops      dereferences NULL in init (an Oops, insmod killed, no panic)
 *   mode=warn      hits WARN_ON and loads: the test itself succeeds, only the
 *                  console says something went wrong
 *   mode=hang      stops every CPU with interrupts off, so nothing runs any
 *                  more: no watchdog petting, no console, only the host can tell
 *   mode=kasan     reads one byte past an 8-byte kmalloc (KASAN kernels)
 *   mode=lockdep   takes two mutexes in one order, then the other (lockdep)
 *   mode=rcustall  requests a grace period, then spins with preemption off
 *                  for secs seconds (the test lowers rcu_cpu_stall_timeout)
 *   mode=hungtask  sleeps uninterruptibly in init for secs seconds (the test
 *                  lowers hung_task_timeout_secs)
 *
 * Every mode but oops and hang loads, so the test's insmod succeeds and the
 * verdict can only come from the console.
 */
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>

static char *mode = "none";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "oops, warn, hang, kasan, lockdep, rcustall or hungtask");

static int secs = 10;
module_param(secs, int, 0444);
MODULE_PARM_DESC(secs, "rcustall: seconds to spin; hungtask: seconds to sleep");

static int past = 8; /* kasan: the index read, past the 8 bytes allocated */
module_param(past, int, 0444);

static DEFINE_MUTEX(bait_a);
static DEFINE_MUTEX(bait_b);
static struct rcu_head bait_rcu;
static bool rcu_queued;

static void spin(void *unused)
{
	local_irq_disable();
	for (;;)
		cpu_relax();
}

static void bait_kasan(void)
{
	char *p = kmalloc(8, GFP_KERNEL);

	if (!p)
		return;
	pr_info("gridbait: reading byte %d of an 8-byte object\n", past);
	pr_info("gridbait: got %d\n", ((volatile char *)p)[READ_ONCE(past)]);
	kfree(p);
}

static void bait_lockdep(void)
{
	pr_info("gridbait: locking a then b, then b then a\n");
	mutex_lock(&bait_a);
	mutex_lock(&bait_b);
	mutex_unlock(&bait_b);
	mutex_unlock(&bait_a);
	mutex_lock(&bait_b);
	mutex_lock(&bait_a);
	mutex_unlock(&bait_a);
	mutex_unlock(&bait_b);
}

static void bait_rcu_done(struct rcu_head *head)
{
	pr_info("gridbait: the grace period ended\n");
}

/* A grace period must be in progress during the spin: with none, nothing
 * waits for this CPU and a spin stalls nobody.  It is asked for with
 * preemption already off, so that this CPU cannot pass a quiescent state
 * before the spin ends and the grace period (started by the other vCPU's
 * kthread) waits for it.  Asked for before preempt_disable() with a sleep
 * between, the grace period could begin and end within the sleep on a
 * quiet host (a CI run judged this guest a pass). */
static void bait_rcustall(void)
{
	unsigned long end = jiffies + secs * HZ;

	pr_info("gridbait: spinning %d s with preemption off\n", secs);
	preempt_disable();
	call_rcu(&bait_rcu, bait_rcu_done);
	rcu_queued = true;
	while (time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
}

static int __init gridbait_init(void)
{
	if (!strcmp(mode, "oops")) {
		int *volatile p = NULL;

		pr_info("gridbait: dereferencing NULL\n");
		return *p;
	}
	if (!strcmp(mode, "hang")) {
		pr_info("gridbait: stopping every CPU\n");
		on_each_cpu(spin, NULL, 0);
		spin(NULL);
	}
	if (!strcmp(mode, "warn"))
		WARN_ON(1);
	else if (!strcmp(mode, "kasan"))
		bait_kasan();
	else if (!strcmp(mode, "lockdep"))
		bait_lockdep();
	else if (!strcmp(mode, "rcustall"))
		bait_rcustall();
	else if (!strcmp(mode, "hungtask"))
		msleep(secs * 1000);
	else
		return -EINVAL;
	pr_info("gridbait: mode %s done\n", mode);
	return 0;
}

static void __exit gridbait_exit(void)
{
	if (rcu_queued)
		rcu_barrier(); /* bait_rcu_done is this module's code */
}

module_init(gridbait_init);
module_exit(gridbait_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapgrid selftest bait");
