/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_runtime.h - what a generated program includes: the portable core
 * (strings, statistics, maps, printf), the probe context with its limits
 * and errors, the output of a handler, and the platform layer each
 * flavour (runtime/user/, runtime/kernel/) implements.
 *
 * The translator compiles this runtime with every program, after its
 * -D NAME=VALUE limits, so every limit here is a default.
 */
#ifndef STP_RUNTIME_H
#define STP_RUNTIME_H

#if defined(__KERNEL__) && defined(STP_STAPUSR)
#include "kstapusr.h"	/* a stapusr module: stapsys's interfaces out */
#endif
#include "stp_types.h"
#include "stp_platform.h"
#include "stp_string.h"
#include "stp_stat.h"
#include "stp_map.h"
#include "stp_printf.h"
#include "stp_regex.h"

#ifndef MAXACTION
#define MAXACTION 1000		/* statements per probe hit */
#endif
#ifndef MAXACTION_INTERRUPTIBLE
#define MAXACTION_INTERRUPTIBLE (MAXACTION * 10)	/* begin, end, error */
#endif
#ifndef MAXNESTING
#define MAXNESTING 10		/* nested function calls */
#endif
#ifndef MAXTRYLOCK
#define MAXTRYLOCK 100		/* tries for a global's lock, then skip */
#endif
#ifndef TRYLOCKDELAY
#define TRYLOCKDELAY 10		/* microseconds between two tries: 1 ms in
				   all, SystemTap's (a holder whose CPU took
				   an interrupt, or under emulation lost its
				   host thread, is waited for) */
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100		/* skipped probes before the session ends */
#endif
#ifndef MAXERRORS
#define MAXERRORS 0		/* errors tolerated; the next one ends it */
#endif
#ifndef STP_BUFFER_SIZE
#define STP_BUFFER_SIZE 65536	/* output of one handler before a flush */
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---- the platform layer (runtime/user/, runtime/kernel/) ---- */

/* stp_alloc, stp_free, stp_read_memory: stp_platform.h. */

/* A global variable's lock: readers share, a writer excludes. */
struct stp_lock;
struct stp_lock *stp_lock_new(void);
void stp_lock_free(struct stp_lock *l);
#ifdef __KERNEL__
/*
 * The kernel flavour's: 0 free, N > 0 readers, -1 a writer.  Probes only
 * ever try it (MAXTRYLOCK times), so it never sleeps, also on PREEMPT_RT
 * where rwlock_t would.  Inline in every handler: a call and a return
 * each way cost more than the lock (docs/overhead.md).
 */
struct stp_lock {
	int v;
};

static inline bool stp_lock_try(struct stp_lock *l, bool write)
{
	int i;

	for (i = 0; i < MAXTRYLOCK; i++) {
		int v = __atomic_load_n(&l->v, __ATOMIC_RELAXED);

		if (write ? v == 0 && __atomic_compare_exchange_n(&l->v, &v, -1,
				false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) :
			    v >= 0 && __atomic_compare_exchange_n(&l->v, &v, v + 1,
				false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
		/* pause first: under single-threaded TCG it hands the host
		 * thread to the next vCPU, maybe the holder's (a calibrated
		 * udelay loop never does, and every try failed while the
		 * holder waited for its turn); then the delay, for a holder
		 * whose host thread is descheduled under multi-threaded TCG. */
		cpu_relax();
		udelay(TRYLOCKDELAY);
	}
	return false;
}

static inline void stp_unlock(struct stp_lock *l, bool write)
{
	if (write)
		__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
	else
		__atomic_sub_fetch(&l->v, 1, __ATOMIC_RELEASE);
}
#else
bool stp_lock_try(struct stp_lock *l, bool write);
void stp_unlock(struct stp_lock *l, bool write);
#endif

int64_t stp_time_ns(void);		/* wall clock, ns since the epoch */
int64_t stp_cycles(void);
int64_t stp_jiffies(void);
int64_t stp_hz(void);
uint32_t stp_random(void);

/* The task that fired the probe. */
int64_t stp_task_pid(void);
int64_t stp_task_tid(void);
int64_t stp_task_ppid(void);
int64_t stp_task_id(int which);		/* 0 uid, 1 euid, 2 gid, 3 egid */
void stp_task_execname(char *out);	/* MAXSTRINGLEN */
int64_t stp_task_cpu(void);

/*
 * Match S against RE for stp_regex_match: fills start[] and end[] (10
 * each, -1 for a group that took no part) and returns the groups of the
 * match (1 and up), 0 when S does not match, -1 when RE cannot be
 * compiled.  User space uses libc's POSIX matcher; the kernel runs the
 * translator's program (stp_regex.c) in C's memory.  stp_regex_free
 * (below) gives back what the matcher kept, at exit.
 */
struct stp_context;
int stp_regex_run(struct stp_context *c, const char *s,
		  const struct stp_regex *re, int *start, int *end);

/* Hand a handler's output to the transport; the error stream. */
void stp_transport_write(const char *buf, size_t len);
void stp_transport_error(const char *text);

/* ---- the probe context ---- */

struct stp_context {
	const char *probe_point;	/* pp() */
	const char *loc;		/* FILE:LINE:COL of what runs now */
	int64_t actions;		/* statements left (MAXACTION) */
	int nesting;			/* function calls in progress */
	bool error;			/* an error is unwinding the handler */
	bool fatal;			/* and try/catch may not catch it */
	bool next_overload;		/* a function said 'next' */
	char error_msg[MAXSTRINGLEN * 2];
	/* a line being built (an error's, a warning's, a string being
	 * quoted): here, not on the stack, which stap-validate holds to
	 * its budget (docs/safety.md) */
	char scratch[MAXSTRINGLEN * 2 + 256];
	int64_t ret_long;		/* a function's value, for its caller */
	char ret_str[MAXSTRINGLEN];
	struct stp_tokenizer tok;
	/* the last regular expression match, for matched(n) and ngroups() */
	char re_subject[MAXSTRINGLEN];
	int re_groups;
	int re_start[10], re_end[10];
	struct stp_re_work re_work;	/* kernel: the matcher's threads */
	char *frames;			/* MAXNESTING + 1 of stp_frame_size */
	void *regs;			/* kernel probes: the struct pt_regs */
	void *entry;			/* kretprobes: values saved at entry */
	const int64_t *tp_args;		/* tracepoints: the arguments */
	char *procfs_value;		/* procfs probes: $value */
	char pretty[4][MAXSTRINGLEN];	/* $var$'s quoted strings */
	size_t out_len;
	char out[STP_BUFFER_SIZE];
	char fmt[STP_PRINT_SIZE];
};

/* The session, shared by the handlers and the platform's main loop. */
struct stp_session {
	volatile int exit_requested;	/* exit(), a signal, -T, -c ended */
	volatile int aborted;		/* abort(): no end probes */
	int64_t errors, skipped, overflows;
	int64_t target_pid;		/* target() */
	int exit_status;
};
extern struct stp_session stp_session;

/*
 * Start a handler: limits reset, P as pp().  Between handlers a context
 * is clean (no output, no error, no function call in progress): it
 * starts zeroed and stp_context_finish, which runs after any handler that
 * printed or failed, makes it so again.  So a hit resets only what every
 * handler changes (docs/overhead.md: each store is on every hit's path).
 */
static inline void stp_context_start(struct stp_context *c, const char *pp,
				     int64_t actions)
{
	c->probe_point = pp;
	c->loc = "";
	c->actions = actions;
#ifndef STP_NO_REGEX	/* a program without one never sets re_groups */
	c->re_groups = 0;
#endif
}
/* End a handler: flush its output, report its error, count it, and leave
 * the context clean.  Most handlers have neither: that test is inline. */
void stp_context_finish(struct stp_context *c);
static inline void stp_context_end(struct stp_context *c)
{
	if (unlikely(c->out_len || c->error))
		stp_context_finish(c);
}

/* Raise a runtime error at c->loc; try/catch may catch it. */
void stp_error(struct stp_context *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An error no catch may stop (MAXACTION, MAXNESTING). */
void stp_fatal(struct stp_context *c, const char *msg);
void stp_warn(struct stp_context *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void stp_request_exit(struct stp_context *c);
void stp_request_abort(struct stp_context *c);
/* A probe skipped (lock contention): counted against MAXSKIPPED. */
void stp_skip(const char *pp);

/* ---- output ---- */

void stp_print(struct stp_context *c, const char *s, size_t len);
void stp_print_string(struct stp_context *c, const char *s);
void stp_print_char(struct stp_context *c, char ch);
void stp_print_long(struct stp_context *c, int64_t v);
void stp_printf(struct stp_context *c, const char *fmt,
		const union stp_arg *args, int nargs);
void stp_sprintf(struct stp_context *c, char *out, const char *fmt,
		 const union stp_arg *args, int nargs);
void stp_print_hist(struct stp_context *c, const struct stp_stat *st,
		    const struct stp_hist_spec *spec);
void stp_sprint_hist(char *out, const struct stp_stat *st,
		     const struct stp_hist_spec *spec);
/* Autoprint of globals at the end: printf-style, C formats. */
void stp_ap(struct stp_context *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define STP_STATS(s) (long long)(s)->count, (long long)(s)->min,	\
	(long long)(s)->max, (long long)(s)->sum,			\
	(long long)((s)->count ? (s)->sum / (s)->count : 0)

/* ---- operations the generated code calls ---- */

int64_t stp_divide(struct stp_context *c, int64_t a, int64_t b, bool mod);
struct stp_map_entry *stp_map_put(struct stp_context *c, struct stp_map *m,
				  const union stp_arg *keys);
int64_t stp_stat_op(struct stp_context *c, const struct stp_stat *st,
		    enum stp_statop op, int shift);
int64_t stp_hist_at(struct stp_context *c, const struct stp_stat *st,
		    const struct stp_hist_spec *spec, int64_t bucket);
bool stp_regex_match(struct stp_context *c, const char *s,
		     const struct stp_regex *re);
void stp_regex_free(void);		/* at exit */

/* ---- what the tapset's embedded C calls ---- */

void stp_substr_fn(char *out, const char *s, int64_t start, int64_t len);
int64_t stp_stringat_fn(struct stp_context *c, const char *s, int64_t i);
int64_t stp_strtol_fn(struct stp_context *c, const char *s, int64_t base);
void stp_tokenize_fn(struct stp_context *c, char *out, const char *s,
		     const char *delim);
int64_t stp_randint_fn(struct stp_context *c, int64_t n);
void stp_probe_point(struct stp_context *c, char *out);
void stp_matched_fn(struct stp_context *c, char *out, int64_t n);

/* ---- the program's side (generated) ---- */

enum stp_probe_kind {
	STP_PROBE_BEGIN,
	STP_PROBE_END,
	STP_PROBE_ERROR,
	STP_PROBE_NEVER,
	STP_PROBE_TIMER,
	STP_PROBE_KPROBE,		/* kernel function entry (or address) */
	STP_PROBE_KRETPROBE,		/* kernel function return */
	STP_PROBE_TRACEPOINT,		/* kernel.trace() */
	STP_PROBE_PROFILE,		/* timer.profile */
	STP_PROBE_PERF,			/* perf.sw / perf.hw counters */
	STP_PROBE_PROCFS_READ,		/* procfs("name").read */
	STP_PROBE_PROCFS_WRITE,		/* procfs("name").write */
	STP_PROBE_NETFILTER,		/* netfilter.hook().pf() */
	STP_PROBE_UPROBE,		/* process("PATH") function entry,
					   statement */
	STP_PROBE_URETPROBE,		/* process("PATH") function return */
	STP_PROBE_UTASK,		/* process[(..)][.thread].begin/.end
					   (kernel/kutask.c) */
};

/* What an STP_PROBE_UTASK probe waits for. */
enum stp_utask_event {
	STP_UTASK_PROC_BEGIN = 1,
	STP_UTASK_PROC_END,
	STP_UTASK_THREAD_BEGIN,
	STP_UTASK_THREAD_END,
};

struct stp_probe {
	const char *pp;
	enum stp_probe_kind kind;
	int64_t seq;			/* begin(N) / end(N) / error(N) */
	int64_t period_ns, random_ns;	/* timers */
	void (*handler)(struct stp_context *c);
	const char *symbol;		/* kprobes: function, or NULL */
	int64_t address;		/* kprobes: address when no symbol */
	bool optional;			/* '?': a failed registration is fine */
	bool wildcard;			/* from a wildcard: a refusal warns */
	void (*entry)(struct stp_context *c);	/* kretprobes: @entry */
	int nentries;			/* values it saves */
	const char *tracepoint;		/* kernel.trace name */
	void *tp_func;			/* its trampoline (generated) */
	uint32_t perf_type;		/* perf: PERF_TYPE_* */
	uint64_t perf_config, perf_period; /* PERF_TYPE_BREAKPOINT
					   (kernel.data): HW_BREAKPOINT_W
					   or _RW, the length; address and
					   anchor say where */
	const char *procfs;		/* procfs: the file's name */
	int64_t procfs_size;		/* .maxsize(N), 0 by default */
	int nf_hook, nf_pf, nf_priority; /* netfilter: the hook's place */
	int64_t anchor;			/* kfree's link address when address
					   is a link address (DWARF sites) */
	unsigned int offset;		/* kprobes: from symbol (a module's
					   DWARF sites) */
	void *kp_hit;			/* kernel kprobes: the pre-handler the
					   program made (khit.h), or NULL */
	void *ft_hit;			/* kernel function entries: the ftrace
					   callback the program made, or NULL */
	bool ft_regs;			/* it reads registers (not quiet) */
	int64_t ft_addr;		/* its function's link address (moved
					   by KASLR as address is), or 0 */
	bool (*cond)(void);		/* kernel kprobes with a condition of
					   scalar globals: the kprobe is
					   disabled while it is false */
	const char *upath;		/* uprobes: the binary */
	int64_t uoffset;		/* uprobes: the offset in its file */
	int64_t usemaphore;		/* uprobes: an SDT marker's semaphore,
					   its offset in the file (0: none) */
	int64_t upid;			/* process(PID): only this process
					   (uprobes and utask), else 0 */
	const char *uexe;		/* .library(): a uprobe in a library
					   fires in this binary's processes
					   only, else NULL */
	int utask;			/* utask: enum stp_utask_event */
};

/* A handler wrote a global that a probe's condition (.cond) reads: the
 * kernel runtime re-evaluates the conditions soon after, in process
 * context (kmain.c). */
void stp_conditions_changed(void);

/* Target expressions (runtime/kernel/kargs.c): arguments, the return
 * value, values saved at entry, fault-safe reads of kernel memory. */
int64_t stp_arg(struct stp_context *c, int i);
int64_t stp_retval(struct stp_context *c);
int64_t stp_entry(struct stp_context *c, int slot);
/* DWARF locations: register N (x86-64 DWARF numbering) at the probe, and
 * the KASLR offset measured against kfree's link address ANCHOR. */
int64_t stp_dwreg(struct stp_context *c, int n);
/* Guru-mode writes: kernel memory (copy_to_kernel_nofault), an argument,
 * the return value, a DWARF register of the probed context. */
void stp_kwrite(struct stp_context *c, int64_t addr, int size, int64_t v);
void stp_set_arg(struct stp_context *c, int i, int64_t v);
/* A hook's value the hook reads back (netfilter's $verdict). */
void stp_set_hook_arg(struct stp_context *c, int i, int64_t v);
void stp_set_retval(struct stp_context *c, int64_t v);
void stp_set_dwreg(struct stp_context *c, int n, int64_t v);
int64_t stp_kaslr(int64_t anchor);
/* $var$: the kernel string at ADDR quoted into pretty buffer I (its
 * address in hex if it cannot be read). */
const char *stp_kstring_quoted(struct stp_context *c, int i, int64_t addr);
int64_t stp_kread(struct stp_context *c, int64_t addr, int size, bool sign);
/* An SDT marker's argument in the probed task's memory (kmark.c). */
int64_t stp_mark_uread(struct stp_context *c, int64_t addr, int size);
/* procfs probes: $value = S (APPEND: $value .= S), within the file's
 * buffer of .maxsize(N) bytes (runtime/kernel/kevents.c). */
void stp_procfs_set(struct stp_context *c, const char *s, bool append);
int64_t stp_kread_bits(struct stp_context *c, int64_t addr, int bit_off,
		       int bit_size, bool sign);
/* The same in the probed process's memory, for a process probe's target
 * variables (runtime/kernel/kuvars.c): a fault is SystemTap's "read
 * fault" (or "write fault") error. */
int64_t stp_uvar_read(struct stp_context *c, int64_t addr, int size, bool sign);
int64_t stp_uvar_read_bits(struct stp_context *c, int64_t addr, int bit_off,
		       int bit_size, bool sign);
void stp_uvar_write(struct stp_context *c, int64_t addr, int size, int64_t v);
const char *stp_uvar_string_quoted(struct stp_context *c, int i, int64_t addr);
/* What to add to a link address of the probed binary: where the process
 * mapped it (the mapping holding the probe's address), less DELTA, its
 * executable segment's address less its file offset. */
int64_t stp_uvar_bias(struct stp_context *c, int64_t delta);
/* A tracepoint's trampoline hands its arguments over (kmain.c). */
void stp_tracepoint_hit(void *probe, const int64_t *args);

struct stp_global_param {
	const char *name;		/* for -G NAME=VALUE at run time */
	int64_t *l;
	char *s;
};

extern const struct stp_probe stp_probes[];
extern const int stp_nprobes;

/* The probes of KIND (begin, end, error) by sequence number, then in
 * program order, each through RUN (stp_context.c, for both platforms). */
void stp_run_kind(enum stp_probe_kind kind,
		  void (*run)(const struct stp_probe *p));
/* At the session's end: the end probes, or the error probes after more
 * than MAXERRORS errors; none after an abort. */
void stp_run_end(void (*run)(const struct stp_probe *p));
/* A timer's next period in ns, randomized by .randomize(N). */
int64_t stp_next_period(const struct stp_probe *p);
/* stap -t: where each probe of stp_probes[] was written and what it was
 * derived from, for the probe hit report.  Only a program built with -t
 * defines it; the runtime sees NULL otherwise and times nothing. */
struct stp_probe_timing {
	const char *location;		/* "FILE:LINE:COL" */
	const char *derivation;		/* " from: POINT ..." */
};
extern const struct stp_probe_timing stp_timing[] __attribute__((weak));

extern const struct stp_global_param stp_params[];
extern const int stp_nparams;
extern const size_t stp_frame_size;
int stp_program_init(void);		/* maps, locks; 0 or an error */
/* Say what could not be set up at start-up; returns -1. */
int stp_init_error(const char *what);
void stp_program_exit(void);

#endif /* STP_RUNTIME_H */
