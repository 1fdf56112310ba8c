/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utest.h - the unit tests' one framework (runtime/test/, stap_unit.c,
 * grid_verdict.c): a test is a function of checks; run_test() prints one
 * DejaGnu-style line for it, "PASS: SUITE NAME" or "FAIL: SUITE NAME"
 * after the failed checks' places.  SUITE is the program's t_suite
 * ("runtime", "stap-unit"; "" for none), with "(VARIANT)" when
 * $T_VARIANT names a build variant.  A program exits with t_status().
 */
#ifndef UTEST_H
#define UTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

extern const char *t_suite;	/* each program defines it */
extern int t_checks_failed;	/* in the current test */
extern int t_tests_failed;	/* in the program */

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The PASS or FAIL line of the checks since the last one. */
void t_verdict(const char *name);
/* A test of one check: OK, or FAIL with the place of the call. */
#define t_check(ok, name) t_check_at(__FILE__, __LINE__, (ok), (name))
void t_check_at(const char *file, int line, bool ok, const char *name);
void run_test(const char *name, void (*fn)(void));
void untested(const char *name, const char *why);
int t_status(void);		/* 1 when a test failed, else 0 */

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

#endif /* UTEST_H */
