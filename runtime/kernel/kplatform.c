/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kplatform.c - the platform layer of the kernel runtime: memory at
 * start-up, the globals' locks, clocks, the current task, fault-safe
 * reads and the regular expression matcher.  Everything here may run in a probe (any context, preemption
 * off) except stp_alloc/stp_free and the lock's creation.
 */
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/timex.h>

#include "stp_runtime.h"
#include "stp_platform.h"

void *stp_alloc(size_t size)
{
	return vzalloc(size);
}

void stp_free(void *p)
{
	vfree(p);
}

/* A global's lock (stp_runtime.h: its fast paths are inline). */
struct stp_lock *stp_lock_new(void)
{
	struct stp_lock *l = stp_alloc(sizeof(*l));

	if (l)
		l->v = 0;
	return l;
}

void stp_lock_free(struct stp_lock *l)
{
	stp_free(l);
}

int64_t stp_time_ns(void)
{
	return ktime_get_real_ns();
}

int64_t stp_cycles(void)
{
	return (int64_t)get_cycles();
}

int64_t stp_jiffies(void)
{
	return (int64_t)jiffies;
}

int64_t stp_hz(void)
{
	return HZ;
}

uint32_t stp_random(void)
{
	return get_random_u32();
}

int64_t stp_task_pid(void)
{
	return current->tgid;
}

int64_t stp_task_tid(void)
{
	return current->pid;
}

int64_t stp_task_ppid(void)
{
	int64_t ppid;

	rcu_read_lock();
	ppid = rcu_dereference(current->real_parent)->tgid;
	rcu_read_unlock();
	return ppid;
}

int64_t stp_task_id(int which)
{
	const struct cred *cred = current_cred();

	switch (which) {
	case 0: return from_kuid_munged(&init_user_ns, cred->uid);
	case 1: return from_kuid_munged(&init_user_ns, cred->euid);
	case 2: return from_kgid_munged(&init_user_ns, cred->gid);
	default: return from_kgid_munged(&init_user_ns, cred->egid);
	}
}

void stp_task_execname(char *name)
{
	/* comm may change under us: a torn name is still a string. */
	strscpy(name, current->comm, min_t(size_t, MAXSTRINGLEN,
					    sizeof(current->comm)));
}

int64_t stp_task_cpu(void)
{
	return raw_smp_processor_id();
}

/* A bad address is an error for the script, never an oops. */
int stp_read_memory(void *dst, int64_t addr, size_t len)
{
	if (copy_from_kernel_nofault(dst, (const void *)(uintptr_t)addr, len))
		return STP_EFAULT;
	return 0;
}

int stp_read_user(void *dst, int64_t addr, size_t len)
{
	if (copy_from_user_nofault(dst, (const void __user *)(uintptr_t)addr,
				   len))
		return STP_EFAULT;
	return 0;
}

/* The translator's program (stp_regex.c), in the context's memory. */
int stp_regex_run(struct stp_context *c, const char *s,
		  const struct stp_regex *re, int *start, int *end)
{
	int rc = stp_regex_exec(re, s, &c->re_work, start, end);

	return rc == 1 ? re->ngroups : rc;
}

void stp_regex_free(void)
{
}
