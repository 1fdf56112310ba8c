/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * khit.h - a probe hit's path, inline: in the runtime's handlers and in
 * the pre-handler the generated program makes for each kprobe, which so
 * calls its probe's handler directly.  Under emulation every call and
 * return on this path costs as much as a few dozen instructions
 * (docs/overhead.md): the path is one function.
 */
#ifndef STP_KHIT_H
#define STP_KHIT_H

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>

#include "kernel.h"

/*
 * Overload: when the handlers of one CPU take more than STP_OVERLOAD_
 * THRESHOLD of each STP_OVERLOAD_INTERVAL (half of every second by
 * default), the session ends with an error, as SystemTap's does, rather
 * than starve the machine.  -DSTP_NO_OVERLOAD turns it off.
 */
#ifndef STP_OVERLOAD_INTERVAL
#define STP_OVERLOAD_INTERVAL 1000000000LL
#endif
#ifndef STP_OVERLOAD_THRESHOLD
#define STP_OVERLOAD_THRESHOLD 500000000LL
#endif

/*
 * Timing every hit would cost two clock reads, much of a short handler's
 * whole cost (under emulation each is a call out of the translated code):
 * one hit in STP_OVERLOAD_SAMPLE is timed and counts for that many.  A
 * CPU that spends over the threshold in handlers is still caught, within
 * that many hits.  A timed hit longer than STP_OVERLOAD_LONG ns is not
 * multiplied: the CPU may have been away during it (an interrupt, the
 * host's scheduler, another vCPU's turn under TCG's round robin, up to
 * 100 ms), and sixteen times that would end a session that is not
 * overloaded.  It counts once, and the next STP_OVERLOAD_EACH hits are
 * each timed, so handlers that are really long are measured hit by hit
 * (stp_account).
 */
#ifndef STP_OVERLOAD_SAMPLE
#define STP_OVERLOAD_SAMPLE 16
#endif
#ifndef STP_OVERLOAD_LONG
#define STP_OVERLOAD_LONG 100000LL
#endif
#ifndef STP_OVERLOAD_EACH
#define STP_OVERLOAD_EACH 64
#endif

struct stp_overload {
	u64 start, spent;
	u64 t0;			/* the timed hit's start */
	int left;		/* hits before the next timed one */
	unsigned int each;	/* hits left to time one by one */
};
DECLARE_PER_CPU(struct stp_overload, stp_overload);

/* This CPU's context: one load through the per-CPU base (an array would
 * take three: its address, the CPU number, the slot). */
DECLARE_PER_CPU(struct stp_context *, stp_context_of);
/* A handler runs on this CPU: 1, or 2 during a timed hit.  Beside the
 * context, not in it, so a hit whose handler never uses its context
 * (a quiet one without locals) never loads the context's address. */
DECLARE_PER_CPU(int, stp_busy);
/* A timed hit: its start, and its time against the threshold.  Out of
 * line, and the start kept in stp_overload rather than in a register, so
 * the common path keeps nothing live across the handler: the context is
 * read again where it is needed, and a quiet counter's pre-handler saves
 * no register (docs/overhead.md). */
void stp_overload_start(void);
void stp_account(void);

/* Count this hit down; true when it is timed: one read-modify-write of a
 * per-CPU count, set again by stp_overload_start. */
static __always_inline bool stp_timed_hit(void)
{
#ifndef STP_NO_OVERLOAD
	return this_cpu_add_return(stp_overload.left, -1) < 0;
#else
	return false;
#endif
}

/*
 * A handler's run in context C, busy: limits reset, the hit's fields set.
 * A field only some kinds of hit have (kretprobes' entry values,
 * tracepoints' arguments, procfs' value) is NULL between hits: the hit
 * that sets it clears it after, so a kprobe's path, where all three are
 * constant NULLs, stores none of them.
 */
static __always_inline void stp_run_handler(struct stp_context *c,
					    const struct stp_probe *p,
					    const struct stp_probe_hit *h,
					    int64_t actions)
{
	stp_context_start(c, p->pp, actions);
	c->regs = h->regs;
	if (h->entry)
		c->entry = h->entry;
	if (h->tp_args)
		c->tp_args = h->tp_args;
	if (h->procfs_value)
		c->procfs_value = h->procfs_value;
	h->handler(c);
	if (h->entry)
		c->entry = NULL;
	if (h->tp_args)
		c->tp_args = NULL;
	if (h->procfs_value)
		c->procfs_value = NULL;
	stp_context_end(c);
}

/*
 * Run a handler in this CPU's context; false when it did not run (the
 * context busy: counted as skipped, or the session ending).  SESSION: a
 * begin, end or error probe, which runs while the session ends too and
 * does not count against the overload threshold.  PREEMPTIBLE: the
 * caller may run with preemption on; kprobe handlers never do (int3,
 * optimized and ftrace-based kprobes all call them with it off), so their
 * path leaves the count alone.  QUIET: a handler that can neither fail
 * nor print and reads nothing of the hit (emit.c decides): it runs with
 * none of the context's fields set and no check for output or an error
 * after.  All three are constants at each call.
 *
 * stp_busy is 2 during a timed hit: the one load after the handler says
 * whether to account for it.  The end of the session is told to staprun
 * by the control channel's reader (ktransport.c), not here: the hit's
 * path reads nothing more after its handler.
 */
static __always_inline bool __stp_hit(const struct stp_probe *p,
				      const struct stp_probe_hit *h,
				      int64_t actions, bool session,
				      bool preemptible, bool quiet)
{
	struct stp_context *c;
	bool ran = false;
	int timed;
#ifdef STP_TIMING
	cycles_t t0;
#endif

	if (preemptible)
		preempt_disable();
	if (unlikely(__this_cpu_read(stp_busy))) {
		stp_skip(p->pp);
		goto out;
	}
	if (unlikely(READ_ONCE(stp_session.exit_requested)) && !session)
		goto out;
	ran = true;
	timed = !session && unlikely(stp_timed_hit());
	if (timed)
		stp_overload_start();
	__this_cpu_write(stp_busy, 1 + timed);
	c = __this_cpu_read(stp_context_of);
#ifdef STP_TIMING	/* stap -t only: ktiming.c */
	t0 = get_cycles();
#endif
	if (quiet)
		h->handler(c);
	else
		stp_run_handler(c, p, h, actions);
#ifdef STP_TIMING
	stp_timing_add(p, (int64_t)(get_cycles() - t0));
#endif
	if (!session && unlikely(__this_cpu_read(stp_busy) == 2))
		stp_account();
	__this_cpu_write(stp_busy, 0);
out:
	if (preemptible)
		preempt_enable();
	return ran;
}

static __always_inline bool stp_hit(const struct stp_probe *p,
				    const struct stp_probe_hit *h,
				    int64_t actions)
{
	return __stp_hit(p, h, actions, p->kind == STP_PROBE_BEGIN ||
			 p->kind == STP_PROBE_END || p->kind == STP_PROBE_ERROR,
			 true, false);
}

/* The pre-handler prog.c makes for kprobe N: its handler called directly
 * (and inlined, prog.c's handlers being inline).  QUIET: see __stp_hit. */
#define STP_KPROBE_HANDLER(n, fn, quiet)                                      \
	static int stp_kp_##n(struct kprobe *kp, struct pt_regs *regs)       \
	{                                                                    \
		struct stp_probe_hit h = { .regs = regs, .handler = fn };    \
		__stp_hit(&stp_probes[n], &h, MAXACTION, false, false, quiet); \
		return 0;                                                    \
	}

/*
 * Function entry through ftrace (docs/kernel.md): a kernel function's
 * entry probe attaches a callback of its own to the function's ftrace
 * site, where the kernel allows it, rather than a kprobe there (which on
 * x86 is itself an ftrace callback, shared by all kprobes, that looks up
 * the kprobe by address and then calls its pre-handler).  The kprobe
 * stays the fallback: kmain.c arms one when ftrace refuses the function.
 * -DSTP_NO_FTRACE makes every entry probe a kprobe again.
 */
#if defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS) && !defined(STP_NO_FTRACE)
#define STP_FTRACE 1
#include <linux/ftrace.h>
#include <linux/trace_recursion.h>

/* Hits ftrace's recursion guard kept from us, as kprobes' nmissed. */
extern atomic64_t stp_ftrace_missed;

/*
 * An ftrace hit: ftrace's recursion guard (which also disables
 * preemption) stands where kprobes' re-entry check stood.  A probe that
 * reads nothing of the hit (QUIET) is attached without saved registers
 * and gets none; another gets the registers ftrace saved, its IP where
 * a kprobe would have put it (the site + 1, what x86 reports for a
 * breakpoint: stp_probe_addr takes the 1 away) and put back after, as
 * ftrace returns to it.
 */
static __always_inline void stp_ftrace_hit(const struct stp_probe *p,
					   struct stp_probe_hit *h,
					   unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_regs *fregs,
					   bool quiet)
{
	struct pt_regs *regs = NULL;
	unsigned long saved_ip = 0;
	int bit = ftrace_test_recursion_trylock(ip, parent_ip);

	if (unlikely(bit < 0)) {
		atomic64_inc(&stp_ftrace_missed);
		return;
	}
	if (!quiet) {
		regs = ftrace_get_regs(fregs);
		if (unlikely(!regs)) {
			atomic64_inc(&stp_ftrace_missed);
			goto out;
		}
		saved_ip = regs->ip;
		regs->ip = ip + 1;
		h->regs = regs;
	}
	__stp_hit(p, h, MAXACTION, false, false, quiet);
	if (!quiet)
		regs->ip = saved_ip;
out:
	ftrace_test_recursion_unlock(bit);
}

/* The ftrace callback prog.c makes for entry probe N, beside its
 * kprobe pre-handler (the fallback). */
#define STP_FTRACE_HANDLER(n, fn, quiet)                                     \
	static void notrace stp_ft_##n(unsigned long ip,                     \
				       unsigned long parent_ip,              \
				       struct ftrace_ops *op,                \
				       struct ftrace_regs *fregs)            \
	{                                                                    \
		struct stp_probe_hit h = { .handler = fn };                  \
		stp_ftrace_hit(&stp_probes[n], &h, ip, parent_ip, fregs,     \
			       quiet);                                       \
	}
#define STP_FT(n) stp_ft_##n
#else
#define STP_FTRACE_HANDLER(n, fn, quiet)
#define STP_FT(n) NULL
#endif

#endif /* STP_KHIT_H */
