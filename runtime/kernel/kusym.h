/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kusym.h - user symbols and user backtraces: what the user-context
 * tapset (ucontext.stp) calls, and the wire format of the user symbol
 * table staprun uploads, which runtime/staprun/usyms.c shares.
 *
 * The translator names the binaries a script needs (each process
 * probe's binary, -d PATH, --ldd's libraries) with their build ids in
 * the module's STP_USYMS_LIST_SECTION: "PATH\0BUILDID\0" pairs.  staprun
 * checks each file's build id (a mismatch is fatal, before the module
 * loads), reads its symbol tables with elfutils and, before "start",
 * writes on .cmd:
 *   usymbols BYTES     the module allocates BYTES (at most STP_USYMS_MAX)
 * then the table (below) to the debugfs file .usymbols, then
 *   usymbols end       the module checks it, finds each binary's inode
 *                      (kern_path, in process context) and publishes it
 * Probes only read it: a binary search, no allocation, no ELF work.
 * Beside each binary's symbols go its call-frame rows: what its
 * .eh_frame CFI says at each range of its code (where the caller's
 * frame is, where rbp was saved), which libdw computed in staprun, so
 * the unwinder needs no DWARF interpreter: Debian's binaries have no
 * frame pointers but all have .eh_frame.
 * Which binary holds a user address is the task's VMA there, found
 * under mmap_read_trylock (never a sleeping lock; a busy lock is counted
 * and the address shows in hex).  Symbols are kept by file offset, so
 * one table serves every process, whatever its load address.
 */
#ifndef STP_KUSYM_H
#define STP_KUSYM_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define STP_USYMS_MAGIC 0x4d595355	/* "USYM" */
#define STP_USYMS_MAX (256u << 20)	/* bytes of a table, at most */
#define STP_USYMS_MAX_BINARIES 256
#define STP_USYMS_LIST_SECTION ".stap_usyms_list"
#define STP_USYMS_WANTED_SECTION ".stap_usyms"

/*
 * The table: a header, BINARIES binary records, COUNT symbols (each
 * binary's sorted by file offset, one run a binary), ROWS call-frame
 * rows (the same), then STRINGS bytes of NUL-terminated names and paths.
 */
struct stp_usyms_header {
	uint32_t magic;
	uint32_t binaries;
	uint32_t count;
	uint32_t rows;
	uint32_t strings;
	uint32_t reserved;
};

struct stp_usym_binary {
	uint32_t path;		/* offset in the strings */
	uint32_t first;		/* its first symbol */
	uint32_t count;		/* its symbols */
	uint32_t first_row;	/* its first call-frame row */
	uint32_t nrows;		/* its rows */
	uint32_t reserved;
};

/*
 * From OFFSET in the file up to the next row: the caller's frame (the
 * CFA) is CFA_REG + CFA_OFF, the return address at CFA - 8, and the
 * caller's rbp at CFA + RBP_OFF (0: this code left rbp alone).  A row
 * of STP_UCFI_NONE says the CFI has nothing simple to say there.
 */
#define STP_UCFI_RSP 7		/* DWARF's register numbers */
#define STP_UCFI_RBP 6
#define STP_UCFI_NONE 0xff
struct stp_ucfi {
	uint64_t offset;
	int32_t cfa_off;
	int16_t rbp_off;
	uint8_t cfa_reg;
	uint8_t reserved;
};

struct stp_usym {
	uint64_t offset;	/* in the file, as a mapping's pgoff counts */
	uint32_t size;		/* bytes; 0 when unknown */
	uint32_t name;		/* offset in the strings */
};

#ifdef __KERNEL__
#include "stp_runtime.h"

/* Marks a module whose script resolves user symbols (staprun looks). */
#define STP_WANTS_USYMS()						\
	do {								\
		static const char stp_usyms_wanted[]			\
		__attribute__((section(STP_USYMS_WANTED_SECTION),	\
			       used)) = "1";				\
		(void)stp_usyms_wanted;					\
	} while (0)

/* The control commands "usymbols BYTES" and "usymbols end" (kmain.c). */
int stp_usymbols_command(const char *arg);
/* At unload, after the probes are gone. */
void stp_usymbols_free(void);
/* User addresses that could not be placed because the task's mmap lock
 * was busy: reported at stop. */
long long stp_usym_busy(void);

#ifndef MAXBACKTRACE
#define MAXBACKTRACE 20
#endif

/* uaddr(): the user pc of the probed task, 0 if it has none. */
int64_t stp_uaddr(struct stp_context *c);
/* The user pc and its callers' return addresses (CFI rows, else frame
 * pointers). */
int stp_ustack(struct stp_context *c, unsigned long *pcs, int max);
void stp_ubacktrace(struct stp_context *c, char *out);	/* hex words */
int64_t stp_ustack_n(struct stp_context *c, int64_t n);	/* 0 past the end */
void stp_print_ubacktrace(struct stp_context *c);
void stp_sprint_ubacktrace(struct stp_context *c, char *out);

/* Symbols of user addresses of the current task. */
void stp_usymname(char *out, int64_t addr);	/* name, or hex */
void stp_usymdata(char *out, int64_t addr);	/* name+0xoff/0xsize [path] */
bool stp_umodname(char *out, int64_t addr);	/* the binary's path */
#else /* staprun (runtime/staprun/usyms.c) */
#include <stdbool.h>
#include <stddef.h>

/* The module IMAGE's list of binaries: each one's build id checked (an
 * error message on a mismatch or a missing file, else NULL) and, if the
 * module wants user symbols, its symbols read. */
const char *usyms_prepare(const char *image, size_t len);
/* The table sent to the loaded module (.cmd is CMD_FD, DIR its folder);
 * a refusal is a warning. */
void usyms_upload(const char *dir, int cmd_fd, bool verbose);
#endif /* __KERNEL__ */

#endif /* STP_KUSYM_H */
