/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.c - what stap says about a session beyond the script's own
 * diagnostics: -v's time of each pass, the check of the -D limits the
 * runtime cannot honour, and -o's strftime name.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/sdt.h>
#include <time.h>

#include "stap.h"

/* ---- -v: "Pass N: WHAT in Uusr/Ssys/Rreal ms." as SystemTap says it ---- */

static double usage_ms(int who, bool user)
{
	struct rusage ru;
	struct timeval tv;

	if (getrusage(who, &ru) != 0)
		return 0;
	tv = user ? ru.ru_utime : ru.ru_stime;
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

static double real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Our own time and our children's (the compiler, make, the program):
 * SystemTap's pass 4 counts the compiler's. */
void pass_clock_start(PassClock *c)
{
	c->user = usage_ms(RUSAGE_SELF, true) +
		  usage_ms(RUSAGE_CHILDREN, true);
	c->sys = usage_ms(RUSAGE_SELF, false) +
		 usage_ms(RUSAGE_CHILDREN, false);
	c->real = real_ms();
}

/*
 * SystemTap's markers in its own translator, same names and argument
 * (the session's address, a key for the scripts), so that the stap.pass*
 * aliases (stap/tapset/stap_markers.stp, apps/stap_time.stp) time our
 * passes too.  A marker costs a nop until a uprobe is on it.
 */
void pass_marker(int pass, bool end)
{
	switch (pass * 2 + end) {
	case 0: STAP_PROBE1(stap, pass0__start, S); break;
	case 1: STAP_PROBE1(stap, pass0__end, S); break;
	case 2: STAP_PROBE1(stap, pass1a__start, S); break;
	case 3: STAP_PROBE1(stap, pass1__end, S); break;
	case 4: STAP_PROBE1(stap, pass2__start, S); break;
	case 5: STAP_PROBE1(stap, pass2__end, S); break;
	case 6: STAP_PROBE1(stap, pass3__start, S); break;
	case 7: STAP_PROBE1(stap, pass3__end, S); break;
	case 8: STAP_PROBE1(stap, pass4__start, S); break;
	case 9: STAP_PROBE1(stap, pass4__end, S); break;
	case 10: STAP_PROBE1(stap, pass5__start, S); break;
	case 11: STAP_PROBE1(stap, pass5__end, S); break;
	case 12: STAP_PROBE1(stap, pass6__start, S); break;
	case 13: STAP_PROBE1(stap, pass6__end, S); break;
	}
}

/* SystemTap's pass 1b parses the tapset library after the user's
 * scripts; ours parses a library file when pass 2 first needs it, so
 * the marker fires where the user's scripts are parsed, as SystemTap's. */
void pass_library_marker(void)
{
	STAP_PROBE1(stap, pass1b__start, S);
}

/* The start of pass PASS: its marker, then its clock. */
void pass_start(PassClock *c, int pass)
{
	pass_marker(pass, false);
	pass_clock_start(c);
}

void pass_report(const PassClock *c, int pass, const char *fmt, ...)
{
	PassClock now;
	va_list ap;

	pass_marker(pass, true);
	if (!S->verbose)
		return;
	pass_clock_start(&now);
	fprintf(stderr, "Pass %d: ", pass);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " in %.0fusr/%.0fsys/%.0freal ms.\n",
		now.user - c->user, now.sys - c->sys, now.real - c->real);
}

/* ---- -D limits ---- */

/*
 * The limits the runtime sizes memory or recursion by, and the largest
 * value each runtime can honour.  Beyond them a program would not crash
 * cleanly but overflow a stack: the kernel's is 16 KB, and each nesting
 * level takes about 100 bytes of it (docs/kernel.md, "Stack"), and a
 * string of MAXSTRINGLEN bytes is kept on it by a few runtime functions
 * (stp_kstring_quoted).  The user runtime runs probes on a thread whose
 * stack is sized from MAXNESTING and MAXSTRINGLEN (runtime/user/main.c);
 * its bounds keep that stack and the int arithmetic of the limits
 * (MAXACTION * 10, MAXSTRINGLEN * 16) sane.
 */
static const struct limit {
	const char *name;
	long long min, user_max, kernel_max;
} limits[] = {
	{ "MAXSTRINGLEN", 16, 16LL << 20, 1024 },
	{ "MAXNESTING", 0, 1000000, 50 },
	{ "MAXACTION", 1, 200000000, 200000000 },
	{ "MAXACTION_INTERRUPTIBLE", 1, 2000000000, 2000000000 },
};

static bool check_limit(const struct limit *l, const Define *d, bool kernel)
{
	long long max = kernel ? l->kernel_max : l->user_max, v;
	char *end;

	errno = 0;
	v = d->value ? strtoll(d->value, &end, 10) : 0;
	if (!d->value || errno || end == d->value || *end) {
		fprintf(stderr, "stap: -D %s=%s: %s needs a decimal number\n",
			d->name, d->value ? d->value : "", d->name);
		return false;
	}
	if (v >= l->min && v <= max)
		return true;
	fprintf(stderr, "stap: -D %s=%s: the %s runtime takes %s from %lld"
		" to %lld\n", d->name, d->value, kernel ? "kernel" : "user",
		d->name, l->min, max);
	return false;
}

bool check_defines(void)
{
	bool kernel = !strcmp(S->runtime, "kernel"), ok = true;
	size_t k;
	int i;

	for (i = 0; i < S->defines.len; i++)
		for (k = 0; k < sizeof(limits) / sizeof(limits[0]); k++)
			if (!strcmp(S->defines.v[i].name, limits[k].name) &&
			    !check_limit(&limits[k], &S->defines.v[i], kernel))
				ok = false;
	return ok;
}

/* ---- -o: strftime(3) in the name, as SystemTap ---- */

const char *output_name(const char *name)
{
	char buf[PATH_MAX];
	struct tm tm;
	time_t now = time(NULL);

	if (!strchr(name, '%'))
		return name;
	if (!localtime_r(&now, &tm) ||
	    strftime(buf, sizeof(buf), name, &tm) == 0) {
		fprintf(stderr, "stap: -o %s: invalid FILE name format\n", name);
		return NULL;
	}
	return arena_strdup(buf);
}
