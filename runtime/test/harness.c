// SPDX-License-Identifier: GPL-2.0-or-later
/* harness.c - see harness.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../stp_printf.h"

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

/* "runtime" or "runtime(VARIANT)": the build variant (-DMAXSTRINGLEN) */
static const char *tag(void)
{
	static char buf[64];
	const char *v = getenv("T_VARIANT");

	if (!v || !*v)
		return "runtime";
	snprintf(buf, sizeof(buf), "runtime(%s)", v);
	return buf;
}

static void verdict(const char *name)
{
	if (t_checks_failed) {
		t_tests_failed++;
		printf("FAIL: %s %s\n", tag(), name);
	} else {
		printf("PASS: %s %s\n", tag(), name);
	}
	fflush(stdout);
}

void run_test(const char *name, void (*fn)(void))
{
	t_checks_failed = 0;
	fn();
	verdict(name);
}

void untested(const char *name, const char *why)
{
	printf("UNTESTED: %s %s: %s\n", tag(), name, why);
}

/* SystemTap's run data are part of the suite: a missing file fails. */
void peer_missing(const char *test, const char *file)
{
	const char *dir = getenv("PEER_DIR");

	t_checks_failed = 0;
	t_fail(__FILE__, __LINE__, "no %s/run/%s (set PEER_DIR to SystemTap's tests)",
	       dir && *dir ? dir : "PEER_DIR", file);
	verdict(test);
}

int t_finish(const char *module)
{
	t_checks_failed = 0;
	if (t_alloc_live != 0)
		t_fail(__FILE__, __LINE__, "%ld blocks live", t_alloc_live);
	{
		char name[128];

		snprintf(name, sizeof(name), "%s: allocations balanced at exit", module);
		verdict(name);
	}
	return t_tests_failed ? 1 : 0;
}

char *peer_file(const char *name)
{
	const char *dir = getenv("PEER_DIR");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	if (!dir || !*dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/run/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
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
	verdict(test);
}

void tb_add(struct tbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
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
