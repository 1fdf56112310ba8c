/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness.h - the runtime unit tests' minimal framework: a test is a
 * function of checks; run_test() prints one DejaGnu-style line for it,
 * "PASS: runtime <name>" or "FAIL: runtime <name>" after the failed
 * checks.  Peer tests that need SystemTap's data print "UNTESTED: ...".
 */
#ifndef RUNTIME_TEST_HARNESS_H
#define RUNTIME_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern int t_checks_failed;	/* in the current test */
extern int t_tests_failed;	/* in the program */

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void run_test(const char *name, void (*fn)(void));
void untested(const char *name, const char *why);
void peer_missing(const char *test, const char *file);
int t_finish(const char *module);

#define EXPECT(c) do { \
	if (!(c)) t_fail(__FILE__, __LINE__, "%s", #c); \
} while (0)

#define EXPECT_EQ(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) t_fail(__FILE__, __LINE__, "%s == %lld, want %lld", \
			     #got, g_, w_); \
} while (0)

#define EXPECT_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (strcmp(g_, w_)) t_fail(__FILE__, __LINE__, \
				   "%s == \"%s\", want \"%s\"", #got, g_, w_); \
} while (0)

#define EXPECT_MEM(got, glen, want, wlen) do { \
	size_t gl_ = (size_t)(glen), wl_ = (size_t)(wlen); \
	if (gl_ != wl_ || memcmp((got), (want), gl_)) \
		t_fail(__FILE__, __LINE__, "%s: %zu bytes differ from %zu", \
		       #got, gl_, wl_); \
} while (0)

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

#endif
