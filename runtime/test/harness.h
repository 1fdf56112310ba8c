/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness.h - what the runtime's unit tests add to the unit-test
 * framework (harness/unit/utest.h, suite "runtime"): the test
 * platform's counters, SystemTap's run data for the peer replays
 * ("UNTESTED: ..." without them), and an output buffer.
 */
#ifndef RUNTIME_TEST_HARNESS_H
#define RUNTIME_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../harness/unit/utest.h"
#include "../stp_types.h"

/* A key or a printf argument: a number, a string. */
static inline union stp_arg larg(int64_t v)
{
	union stp_arg a;

	a.l = v;
	return a;
}

static inline union stp_arg sarg(const char *s)
{
	union stp_arg a;

	a.s = s;
	return a;
}

void peer_missing(const char *test, const char *file);
/* The last line of a test program: its allocations balanced, and the
 * exit status. */
int t_finish(const char *module);

/* The test platform (test_platform.c). */
extern long t_alloc_fail_at;	/* fail the Nth stp_alloc from now; 0: never */
extern long t_alloc_live;	/* blocks allocated and not freed */
extern uintptr_t t_fault_lo, t_fault_hi;	/* stp_read_memory faults here */
extern long t_reads;		/* stp_read_memory calls */

/* Peer data: SystemTap's run/NAME file (malloc'd), or NULL. */
char *peer_file(const char *name);
/* Compare OUT with the peer's NAME.out as its README says: at most one
 * trailing newline dropped from each.  Prints its own PASS/FAIL line. */
void peer_compare(const char *test, const char *name, const char *out,
		  size_t len);

/* A growing output buffer for the peer replays. */
struct tbuf {
	char *p;
	size_t len, cap;
};
void tb_add(struct tbuf *b, const char *s, size_t n);
void tb_printf(struct tbuf *b, const char *fmt, ...);	/* via stp_format */
void tb_free(struct tbuf *b);
/* A replay's end: B against the peer's NAME.out, then freed. */
void peer_done(const char *test, const char *name, struct tbuf *b);

#endif
