/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksym.h - what the kernel tapsets call beyond stp_runtime.h (symbols,
 * backtraces, fault-safe strings, registers), and the wire format of the
 * symbol table staprun uploads, which staprun.c shares.
 *
 * Symbols are resolved in user space: staprun reads /proc/kallsyms,
 * sorts it, computes each symbol's size as the distance to the next
 * address, and, before "start", writes on .cmd:
 *   symbols BYTES      the module allocates BYTES (at most STP_SYMS_MAX)
 * then writes the table (below) to the debugfs file .symbols, then
 *   symbols end        the module checks the table and uses it
 * Probes search the table (a binary search, no allocation, no lock: it
 * never changes while probes run).  A module run without the upload
 * prints hex addresses.  Only modules whose script resolves symbols
 * carry the STP_SYMS_SECTION section; staprun uploads only to those.
 */
#ifndef STP_KSYM_H
#define STP_KSYM_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define STP_SYMS_MAGIC 0x534d5953	/* "SYMS" */
#define STP_SYMS_MAX (256u << 20)	/* bytes of a table, at most */
#define STP_SYMS_SECTION ".stap_symbols"

/*
 * The table: a header, COUNT entries sorted by address, then STRINGS
 * bytes of NUL-terminated names.  A module name of "" is the kernel.
 */
struct stp_syms_header {
	uint32_t magic;
	uint32_t count;
	uint32_t strings;
	uint32_t reserved;
};

struct stp_sym {
	uint64_t addr;
	uint32_t size;		/* bytes; 0 when unknown (only ADDR matches) */
	uint32_t name;		/* offset in the strings */
	uint32_t module;	/* offset in the strings */
	uint32_t reserved;
};

#ifdef __KERNEL__
#include <linux/mutex.h>

#include "stp_runtime.h"

/*
 * A table staprun uploads (the kernel's symbols here, the user binaries'
 * in kusym.c), in process context under LOCK: "BYTES" allocates it and
 * makes the debugfs file FILE beside .cmd, staprun writes the table
 * there, "end" has CHECK judge it (0: good) and publishes it.  Probes
 * read only PUBLISHED (smp_load_acquire), which never changes while they
 * run; RELEASE, if any, undoes what CHECK took, at unload.
 */
struct stp_upload {
	struct mutex lock;
	const char *file;
	size_t min, max;		/* the table's bytes, bounds */
	int (*check)(const char *buf, size_t size);
	void (*release)(const void *published);
	char *buf;			/* as staprun writes it */
	size_t size;
	const void *published;
	struct dentry *dentry;
};

int stp_upload_command(struct stp_upload *u, const char *arg);
void stp_upload_free(struct stp_upload *u);

/* Marks a module whose script resolves symbols (staprun looks for it). */
#define STP_WANTS_SYMBOLS()						\
	do {								\
		static const char stp_syms_wanted[]			\
		__attribute__((section(STP_SYMS_SECTION), used)) = "1";	\
		(void)stp_syms_wanted;					\
	} while (0)

/* The control commands "symbols BYTES" and "symbols end" (kmain.c). */
int stp_symbols_command(const char *arg);
/* At unload, after the transport is gone. */
void stp_symbols_free(void);

/* The symbol table, in probe context. */
void stp_symname(char *out, int64_t addr);	/* name, or hex */
void stp_symdata(char *out, int64_t addr);	/* name+0xoff/0xsize [mod] */
bool stp_symmodule(char *out, int64_t addr);	/* "kernel", a module */

/* Backtraces: the probed address and its callers (MAXBACKTRACE). */
#ifndef MAXBACKTRACE
#define MAXBACKTRACE 20
#endif
int stp_stack(struct stp_context *c, unsigned long *pcs, int max);
void stp_backtrace(struct stp_context *c, char *out);	/* hex words */
void stp_hex_words(char *out, const unsigned long *pcs, int n);
void stp_sprint_backtrace(struct stp_context *c, char *out);
void stp_print_backtrace(struct stp_context *c);
int64_t stp_stack_n(struct stp_context *c, int64_t n);	/* or an error */

/* The probe that runs, and where it fired. */
const struct stp_probe *stp_current_probe(struct stp_context *c);
int64_t stp_probe_addr(struct stp_context *c);		/* addr() */
void stp_probefunc(struct stp_context *c, char *out);

/* Registers of the probed code (kprobes only). */
int64_t stp_register(struct stp_context *c, const char *name);
void stp_print_regs(struct stp_context *c);

/*
 * Fault-safe strings: up to LEN - 1 bytes and a NUL into DST; the
 * string's length, or -EFAULT.
 */
long stp_kernel_string(char *dst, int64_t addr, size_t len);
long stp_user_string(char *dst, int64_t addr, size_t len);
int stp_read_user(void *dst, int64_t addr, size_t len);	/* kplatform.c */
#endif /* __KERNEL__ */

#endif /* STP_KSYM_H */
