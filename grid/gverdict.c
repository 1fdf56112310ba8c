/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Verdicts and the console scan.  A kernel splat fails a test even when the
 * test's own check passed: the console is read for panics, oopses and
 * warnings (WARNING, KASAN, lockdep, hung tasks, RCU stalls, soft lockups,
 * sleeping in atomic context), in order of severity.
 */
#include "grid.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[V__N] = {"pass", "unsupported", "fail", "warning", "hang",
					 "oops", "panic", "infra", "notrun"};

const char *g_verdict_name(enum g_verdict v)
{
	return v < V__N ? names[v] : "?";
}

int g_verdict_parse(const char *s)
{
	for (int i = 0; i < V__N; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* Severity follows the enum.  A test that never ran is no pass: beside
 * any other verdict it weighs as a failure (a job whose guest ended
 * before one of its tests, with nothing worse to show for it, fails),
 * and only two of them together stay notrun. */
enum g_verdict g_verdict_worse(enum g_verdict a, enum g_verdict b)
{
	if (a == V_NOTRUN && b == V_NOTRUN)
		return V_NOTRUN;
	if (a == V_NOTRUN)
		a = V_FAIL;
	if (b == V_NOTRUN)
		b = V_FAIL;
	return a > b ? a : b;
}

/* First match wins within a line, so specific patterns come before "BUG: ".
 * KASAN's own lines say "KASAN: " ("BUG: KASAN: slab-out-of-bounds",
 * "KASAN: null-ptr-deref in range"); a bare "KASAN" would also match the
 * configuration every oops header of a KASAN kernel names ("[#1] PREEMPT
 * SMP KASAN NOPTI") and turn its oopses into warnings. */
static const struct {
	const char *pat;
	enum g_verdict v;
} sigs[] = {
	{"Kernel panic - not syncing", V_PANIC},
	{"KASAN: ", V_WARNING},
	{"possible recursive locking", V_WARNING},
	{"possible circular locking", V_WARNING},
	{"inconsistent lock state", V_WARNING},
	{"suspicious RCU usage", V_WARNING},
	{"BUG: sleeping function called from invalid context", V_WARNING},
	{"BUG: scheduling while atomic", V_WARNING},
	{"BUG: soft lockup", V_WARNING},
	{"blocked for more than", V_WARNING},
	{"self-detected stall", V_WARNING},
	{"detected stalls on CPUs", V_WARNING},
	{"detected stall", V_WARNING},
	{"Unrecoverable kprobe detected", V_OOPS},
	{"Oops: ", V_OOPS},
	{"general protection fault", V_OOPS},
	{"kernel BUG at", V_OOPS},
	{"BUG: ", V_OOPS},
	{"WARNING: ", V_WARNING},
};

enum g_verdict g_console_scan(const char *text, size_t from, size_t to, const char **hit)
{
	enum g_verdict worst = V_PASS;
	const char *p = text + from, *end = text + to;

	*hit = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (memmem(p, n, sigs[i].pat, strlen(sigs[i].pat))) {
				if (sigs[i].v > worst) {
					worst = sigs[i].v;
					*hit = p;
				}
				break;
			}
		p += n + 1;
	}
	return worst;
}

/* A few lines before the hit and the splat after it, at most 6 KiB. */
char *g_console_excerpt(const char *text, size_t len, const char *hit)
{
	const char *start = hit, *stop = hit;
	sbuf b = {0};

	if (!hit)
		return NULL;
	for (int i = 0; i < 6 && start > text; i++) {
		start--;
		while (start > text && start[-1] != '\n')
			start--;
	}
	for (int i = 0; i < 60 && stop < text + len; i++) {
		const char *nl = memchr(stop, '\n', (size_t)(text + len - stop));
		stop = nl ? nl + 1 : text + len;
	}
	if (stop - start > 6144)
		stop = start + 6144;
	for (const char *q = start; q < stop; q++)
		if (*q != '\r')
			sb_addn(&b, q, 1);
	return sb_steal(&b);
}
