// SPDX-License-Identifier: GPL-2.0-or-later
/* harness.c - see harness.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../stp_printf.h"
#include "../lib/ulib.h"

const char *t_suite = "runtime";

_Noreturn void ulib_oom(size_t n)
{
	fprintf(stderr, "test: out of memory (%zu bytes)\n", n);
	abort();
}

/* SystemTap's run data are part of the suite: a missing file fails. */
void peer_missing(const char *test, const char *file)
{
	const char *dir = getenv("PEER_DIR");

	t_checks_failed = 0;
	t_fail(__FILE__, __LINE__, "no %s/run/%s (set PEER_DIR to SystemTap's tests)",
	       dir && *dir ? dir : "PEER_DIR", file);
	t_verdict(test);
}

int t_finish(const char *module)
{
	t_checks_failed = 0;
	if (t_alloc_live != 0)
		t_fail(__FILE__, __LINE__, "%ld blocks live", t_alloc_live);
	{
		char name[128];

		snprintf(name, sizeof(name), "%s: allocations balanced at exit", module);
		t_verdict(name);
	}
	return t_status();
}

char *peer_file(const char *name)
{
	const char *dir = getenv("PEER_DIR");
	char path[4096];

	if (!dir || !*dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/run/%s", dir, name);
	return read_file(path, NULL);
}

static size_t trim1(const char *s, size_t n)
{
	return n && s[n - 1] == '\n' ? n - 1 : n;
}

void peer_compare(const char *test, const char *name, const char *out,
		  size_t len)
{
	char file[256], *want;
	size_t wl, gl, i, line = 1;

	snprintf(file, sizeof(file), "%s.out", name);
	want = peer_file(file);
	if (!want) {
		peer_missing(test, file);
		return;
	}
	wl = trim1(want, strlen(want));
	gl = trim1(out, len);
	t_checks_failed = 0;
	if (gl != wl || memcmp(out, want, gl)) {
		for (i = 0; i < gl && i < wl && out[i] == want[i]; i++)
			if (out[i] == '\n')
				line++;
		printf("    %s.out differs at line %zu (byte %zu; %zu vs %zu bytes)\n",
		       name, line, i, gl, wl);
		t_checks_failed++;
	}
	free(want);
	t_verdict(test);
}

void tb_add(struct tbuf *b, const char *s, size_t n)
{
	b->p = xgrow(b->p, &b->cap, b->len + n + 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/*
 * printf through the engine under test; the varargs are int64_t for the
 * numeric conversions and const char * for %s, as the translator passes
 * them (no '*' here).
 */
void tb_printf(struct tbuf *b, const char *fmt, ...)
{
	static char out[STP_PRINT_SIZE + 1];
	union stp_arg args[16];
	const char *p;
	int n = 0, len;
	va_list ap;

	va_start(ap, fmt);
	for (p = fmt; *p && n < 16; p++) {
		if (*p != '%')
			continue;
		p++;
		while (*p && strchr("-+ #0123456789.hlLqjzt", *p))
			p++;
		if (*p == 's')
			args[n++].s = va_arg(ap, const char *);
		else if (*p && *p != '%')
			args[n++].l = va_arg(ap, int64_t);
		if (!*p)
			break;
	}
	va_end(ap);
	len = stp_format(out, sizeof(out), fmt, args, n);
	if (len < 0)
		abort();
	tb_add(b, out, (size_t)len);
}

void tb_free(struct tbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void peer_done(const char *test, const char *name, struct tbuf *b)
{
	peer_compare(test, name, b->p, b->len);
	tb_free(b);
}
