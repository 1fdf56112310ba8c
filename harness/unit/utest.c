// SPDX-License-Identifier: GPL-2.0-or-later
/* utest.c - see utest.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "utest.h"

int t_checks_failed;
int t_tests_failed;

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	t_checks_failed++;
}

/* "SUITE " or "SUITE(VARIANT) ", or "" for a program without a suite. */
static const char *tag(void)
{
	static char buf[128];
	const char *v = getenv("T_VARIANT");

	if (!*t_suite)
		return "";
	if (!v || !*v)
		snprintf(buf, sizeof(buf), "%s ", t_suite);
	else
		snprintf(buf, sizeof(buf), "%s(%s) ", t_suite, v);
	return buf;
}

void t_verdict(const char *name)
{
	if (t_checks_failed) {
		t_tests_failed++;
		printf("FAIL: %s%s\n", tag(), name);
	} else {
		printf("PASS: %s%s\n", tag(), name);
	}
	t_checks_failed = 0;
	fflush(stdout);
}

void t_check_at(const char *file, int line, bool ok, const char *name)
{
	t_checks_failed = 0;
	if (!ok)
		t_fail(file, line, "%s", name);
	t_verdict(name);
}

void run_test(const char *name, void (*fn)(void))
{
	t_checks_failed = 0;
	fn();
	t_verdict(name);
}

void untested(const char *name, const char *why)
{
	printf("UNTESTED: %s%s: %s\n", tag(), name, why);
}

int t_status(void)
{
	return t_tests_failed ? 1 : 0;
}
