/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel.h - what the kernel flavour's files share: the transport
 * (ktransport.c) and the session (kmain.c).
 */
#ifndef STP_KERNEL_H
#define STP_KERNEL_H

#include "stp_runtime.h"
/* The target's APIs, from stap's compile probes (stap/kcompat.c). */
#include "stp_compat.h"

#include "transport.h"

int stp_transport_init(const char *name, size_t subbuf, size_t nsubbufs);
void stp_transport_exit(void);
void stp_transport_flush(void);
/* Records written so far: the last sequence number (staprun counts the
 * ones that never arrived). */
u64 stp_transport_records(void);
/* A line for staprun on the control channel ("ERROR ...", "EXIT"). */
void stp_control_send(const char *text);
/* Called from the control channel's write: a command from staprun. */
int stp_session_command(char *cmd);
/* What a probe hit brings: registers, values saved at entry, tracepoint
 * arguments, procfs's $value, and which of the probe's handlers runs. */
struct stp_probe_hit {
	void *regs;
	void *entry;
	const int64_t *tp_args;
	char *procfs_value;
	void (*handler)(struct stp_context *c);
};
/* Run a handler in this CPU's context (kmain.c); false when it did not
 * run (the context busy, or the session ending). */
bool stp_run_probe(const struct stp_probe *p, const struct stp_probe_hit *h,
		   int64_t actions);

/* kevents.c: perf counters, timer.profile and procfs files. */
int stp_perf_arm(const struct stp_probe *p, void **state);
void stp_perf_disarm(void *state);
int stp_procfs_arm(const struct stp_probe *p);
void stp_procfs_disarm(void);

/* knetfilter.c: netfilter hooks. */
int stp_nf_arm(const struct stp_probe *p, void **state);
void stp_nf_disarm(void *state);

/* kuentry.c: what a process .return probe saved at entry, until that
 * call returns (keyed by task, probe and the entry's stack pointer). */
#define STP_UENTRY_MAX 512	/* calls in flight at once, all probes */
#define STP_UENTRY_SLOTS 32	/* values an entry saves (stap/driver.c) */
int64_t *stp_uentry_begin(const struct stp_probe *p, unsigned long sp);
void stp_uentry_saved(int64_t *slots);
int64_t *stp_uentry_find(const struct stp_probe *p, unsigned long sp);
void stp_uentry_end(int64_t *slots);
/* kutask.c: process.begin/end, thread.begin/end; armed after the
 * other probes, disarmed (and drained) with them. */
int stp_utask_arm(void);
void stp_utask_disarm(void);

/* Relay records that could not be written (full buffers). */
extern atomic64_t stp_dropped;

/* ktiming.c: stap -t, compiled only into a module built with it. */
#ifdef STP_TIMING
int stp_timing_init(void);
void stp_timing_free(void);
void stp_timing_add(const struct stp_probe *p, int64_t cycles);
void stp_timing_report(void);
#else
static inline int stp_timing_init(void) { return 0; }
static inline void stp_timing_free(void) { }
static inline void stp_timing_report(void) { }
#endif

#endif /* STP_KERNEL_H */
