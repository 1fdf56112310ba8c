// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_printf.c - unit tests of the printf engine (stp_printf.c): each
 * conversion and flag, against glibc's snprintf where SystemTap agrees
 * with C and against SystemTap's own rules where it does not; buffer
 * limits; %m faults; and replays of SystemTap's printf run tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../stp_printf.h"
#include "../stp_platform.h"

static char out[4096];

/* Format into out[] (SIZE bytes) and check the text and length. */
#define FMT_IS(size, want, fmt, ...) do { \
	union stp_arg a_[] = { larg(0), __VA_ARGS__ }; \
	int n_ = stp_format(out, (size), (fmt), a_ + 1, \
			    (int)(sizeof(a_) / sizeof(a_[0])) - 1); \
	EXPECT_EQ(n_, strlen(want)); \
	EXPECT_STR(out, want); \
} while (0)

/* Numbers against glibc for the conversions where C and SystemTap agree. */
static void test_numbers_glibc(void)
{
	static const char *fmts[] = { "%d", "%5d", "%-5d|", "%+d", "% d",
		"%05d", "%.3d", "%8.3d", "%-8.3d|", "%u", "%x", "%X", "%o",
		"%#10x", "%-#10x|", "%#o", "%#X", "%i", "%+5i", "%lld", "%lx",
		"%hd", "%zu", "%20d", "%-20u|", "%+.5d", "%#.6x" };
	static const int64_t vals[] = { 0, 1, -1, 42, -42, 123456789,
		INT64_MAX, INT64_MIN, 0x7fffffff, -2147483648LL, 4294967295LL };
	char want[256], f[32];
	size_t i, j;
	int bad = 0;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
			union stp_arg a = larg(vals[j]);
			const char *c = fmts[i] + strlen(fmts[i]) - 1;

			if (*c == '|')
				c--;
			/* C: the value as long long, the conversion's letter */
			snprintf(f, sizeof(f), "%.*sll%c", (int)(strcspn(fmts[i],
				"hlzdiuxXo")), fmts[i], *c);
			if (*c == 'x' || *c == 'X' || *c == 'o' || *c == 'u')
				snprintf(want, sizeof(want), f,
					 (unsigned long long)vals[j]);
			else
				snprintf(want, sizeof(want), f, (long long)vals[j]);
			if (fmts[i][strlen(fmts[i]) - 1] == '|')
				strcat(want, "|");
			/* SystemTap's differences: "0x0"/"00" and 0-padding
			 * with a precision; skip those combinations here. */
			if ((vals[j] == 0 && strchr(fmts[i], '#')) ||
			    (strstr(fmts[i], "0") == fmts[i] + 1 &&
			     strchr(fmts[i], '.')))
				continue;
			stp_format(out, sizeof(out), fmts[i], &a, 1);
			if (strcmp(out, want) && bad++ < 5)
				t_fail(__FILE__, __LINE__, "%s of %lld: \"%s\", glibc \"%s\"",
				       fmts[i], (long long)vals[j], out, want);
		}
	}
	EXPECT_EQ(bad, 0);
}

/* Where SystemTap's number() is not C's. */
static void test_numbers_stap(void)
{
	FMT_IS(64, "0x0", "%#x", larg(0));
	FMT_IS(64, "00", "%#o", larg(0));
	FMT_IS(64, "0x2a", "%p", larg(42));
	FMT_IS(64, "0x0", "%p", larg(0));
	FMT_IS(64, "0xffffffffffffffff", "%p", larg(-1));
	FMT_IS(64, "  0x2a", "%6p", larg(42));
	FMT_IS(64, "0X2A", "%#X", larg(42));
	FMT_IS(64, "00000005", "%08.3d", larg(5));		/* C: "     005" */
	FMT_IS(64, "0", "%.0d", larg(0));			/* C: "" */
	FMT_IS(64, "5", "%.d", larg(5));			/* no precision */
	FMT_IS(64, "-0005", "%05d", larg(-5));
	FMT_IS(64, "+005", "%+04d", larg(5));
	FMT_IS(64, "5    |", "%-05d|", larg(5));		/* '-' beats '0' */
	FMT_IS(64, "0x00002a", "%#08x", larg(42));
	FMT_IS(64, "18446744073709551615d", "%ud", larg(-1));
	FMT_IS(64, "ffffffff80000000", "%x", larg(-2147483648LL));
	FMT_IS(64, "1777777777777777777777", "%o", larg(-1));
	FMT_IS(64, "5", "%+u", larg(5));			/* '+' signs %d only */
}

static void test_star(void)
{
	FMT_IS(64, "   42", "%*d", larg(5), larg(42));
	FMT_IS(64, "42", "%*d", larg(-5), larg(42));		/* < 0: 0, not '-' */
	FMT_IS(64, "00042", "%.*d", larg(5), larg(42));
	FMT_IS(64, "42", "%.*d", larg(-3), larg(42));
	FMT_IS(64, "ab", "%.*s", larg(2), sarg("abcdef"));
	FMT_IS(64, "", "%.*s", larg(-1), sarg("abcdef"));	/* clamped to 0 */
	FMT_IS(64, "  ab", "%*.*s", larg(4), larg(2), sarg("abcdef"));
	/* (int) of the 64-bit argument, as the translator's clamp_t */
	FMT_IS(64, "  7", "%*d", larg((1LL << 32) + 3), larg(7));
}

static void test_strings_chars(void)
{
	FMT_IS(64, "abc", "%s", sarg("abc"));
	FMT_IS(64, "  abc|abc  |", "%5s|%-5s|", sarg("abc"), sarg("abc"));
	FMT_IS(64, "ab", "%.2s", sarg("abc"));
	FMT_IS(64, "<NULL>", "%s", sarg(NULL));
	FMT_IS(64, "x", "%c", larg('x'));
	FMT_IS(64, "  x|x  |", "%3c|%-3c|", larg('x'), larg('x'));
	FMT_IS(64, "A", "%c", larg(256 + 'A'));		/* a char */
	FMT_IS(64, "\\n\\t\\'\\\\\"\\000\\177\\377", "%#c%#c%#c%#c%#c%#c%#c%#c",
	       larg('\n'), larg('\t'), larg('\''), larg('\\'), larg('"'), larg(0), larg(127),
	       larg(255));
	FMT_IS(64, "\\a\\b\\f\\r\\v", "%#c%#c%#c%#c%#c", larg('\a'), larg('\b'),
	       larg('\f'), larg('\r'), larg('\v'));
	FMT_IS(64, "  \\n|\\033  |", "%#4c|%-#6c|", larg('\n'), larg(27));
	FMT_IS(64, "100%", "100%%");
	FMT_IS(64, "%", "%5%");
	FMT_IS(64, "50%", "50%");			/* a lone '%' */
	FMT_IS(64, "%k%Q", "%k%Q");			/* unknown */
	FMT_IS(64, "%k", "%-08.3k");
	{	/* %c of 0 writes a NUL byte; the length says so */
		union stp_arg a = larg(0);

		EXPECT_EQ(stp_format(out, 64, "a%cb", &a, 1), 3);
		EXPECT_MEM(out, 4, "a\0b", 4);
	}
	{	/* %0s adds a NUL byte after the field (SystemTap) */
		union stp_arg a = sarg("ab");

		EXPECT_EQ(stp_format(out, 64, "%03s|", &a, 1), 5);
		EXPECT_MEM(out, 6, " ab\0|", 6);
	}
}

static void test_binary(void)
{
	union stp_arg a = larg(0x0102030405060708LL);
	int64_t v = a.l;
	int32_t v4 = (int32_t)v;
	int16_t v2 = (int16_t)v;
	int8_t v1 = (int8_t)v;
	char want[16];

	EXPECT_EQ(stp_format(out, 64, "%b", &a, 1), 8);
	EXPECT_MEM(out, 8, &v, 8);
	EXPECT_EQ(stp_format(out, 64, "%4b", &a, 1), 4);
	EXPECT_MEM(out, 4, &v4, 4);
	EXPECT_EQ(stp_format(out, 64, "%2b", &a, 1), 2);
	EXPECT_MEM(out, 2, &v2, 2);
	EXPECT_EQ(stp_format(out, 64, "%1b", &a, 1), 1);
	EXPECT_MEM(out, 1, &v1, 1);
	EXPECT_EQ(stp_format(out, 64, "%.2b", &a, 1), 2);	/* width = prec */
	EXPECT_MEM(out, 2, &v2, 2);
	EXPECT_EQ(stp_format(out, 64, "%3b", &a, 1), 8);	/* bad: 8 in 8 */
	EXPECT_MEM(out, 8, &v, 8);
	EXPECT_EQ(stp_format(out, 64, "%.3b", &a, 1), 8);	/* bad prec */
	EXPECT_EQ(stp_format(out, 64, "%6.2b", &a, 1), 6);	/* NUL padded */
	memset(want, 0, sizeof(want));
	memcpy(want + 4, &v2, 2);
	EXPECT_MEM(out, 6, want, 6);
	EXPECT_EQ(stp_format(out, 64, "%-6.2b", &a, 1), 6);
	memset(want, 0, sizeof(want));
	memcpy(want, &v2, 2);
	EXPECT_MEM(out, 6, want, 6);
	/* It does not fit: nothing of it is written. */
	EXPECT_EQ(stp_format(out, 6, "ab%b", &a, 1), 2);
	EXPECT_STR(out, "ab");
}

static char memory_buf[64] = "Hello, memory!";

static void test_memory(void)
{
	union stp_arg a[2];
	long reads;

	a[0] = larg((int64_t)(uintptr_t)memory_buf);
	FMT_IS(64, "H", "%m", a[0]);
	FMT_IS(64, "Hello", "%.5m", a[0]);
	FMT_IS(64, "H", "%.0m", a[0]);			/* 1 byte */
	FMT_IS(64, "   Hello|Hello   |", "%8.5m|%-8.5m|", a[0], a[0]);
	FMT_IS(64, "48656c6c6f", "%.5M", a[0]);
	FMT_IS(64, "48", "%M", a[0]);
	FMT_IS(64, "  4865|4865  |", "%6.2M|%-6.2M|", a[0], a[0]);
	FMT_IS(64, "Hel", "%#.3m", a[0]);		/* user memory */
	FMT_IS(64, "48656c", "%#.3M", a[0]);
	EXPECT_EQ(stp_format(out, 64, "%0.2m|", a, 1), 4);	/* NUL after */
	EXPECT_MEM(out, 4, "He\0|", 4);
	/* Faults fail the whole format. */
	t_fault_lo = (uintptr_t)memory_buf + 4;
	t_fault_hi = t_fault_lo + 1;
	EXPECT_EQ(stp_format(out, 64, "x%.4m", a, 1), 5);	/* before it */
	EXPECT_EQ(stp_format(out, 64, "x%.5m", a, 1), STP_EFAULT);
	EXPECT_STR(out, "");
	EXPECT_EQ(stp_format(out, 64, "x%.5M", a, 1), STP_EFAULT);
	EXPECT_EQ(stp_format(out, 64, "x%#.9m", a, 1), STP_EFAULT);
	a[1] = larg(0);
	EXPECT_EQ(stp_format(out, 64, "%m", a + 1, 1), STP_EFAULT);
	/* Only what fits is read: no fault past the end of the buffer. */
	EXPECT_EQ(stp_format(out, 5, "x%.9m", a, 1), 4);
	EXPECT_MEM(out, 5, "xHel", 5);
	EXPECT_EQ(stp_format(out, 6, "x%.9M", a, 1), 5);	/* 2 bytes */
	EXPECT_STR(out, "x4865");
	reads = t_reads;
	EXPECT_EQ(stp_format(out, 3, "xyz%.9m", a, 1), 2);	/* full: no read */
	EXPECT_EQ(t_reads, reads);
	t_fault_lo = t_fault_hi = 0;
}

static void test_limits(void)
{
	union stp_arg a[3] = { larg(123456), sarg("abcdef"), larg(7) };
	char small[8];
	int n;

	/* Output is cut at SIZE - 1 and NUL-terminated. */
	n = stp_format(small, sizeof(small), "%d-%s", a, 2);
	EXPECT_EQ(n, 7);
	EXPECT_STR(small, "123456-");
	n = stp_format(small, sizeof(small), "literal text", a, 0);
	EXPECT_EQ(n, 7);
	EXPECT_STR(small, "literal");
	n = stp_format(small, 1, "abc", a, 0);
	EXPECT_EQ(n, 0);
	EXPECT_STR(small, "");
	EXPECT_EQ(stp_format(small, 0, "abc", a, 0), 0);
	/* Widths are clamped to the room left, as the translator does. */
	n = stp_format(small, sizeof(small), "%10s", a + 1, 1);
	EXPECT_STR(small, "  abcde");	/* width 8: 2 blanks + 6, cut */
	n = stp_format(small, sizeof(small), "ab%-10d|", a + 2, 1);
	EXPECT_STR(small, "ab7    ");
	n = stp_format(small, sizeof(small), "%.10d", a + 2, 1);
	EXPECT_STR(small, "0000000");
	/* Arguments that run out are an error. */
	EXPECT_EQ(stp_format(out, 64, "%d %d", a, 1), STP_EINVAL);
	EXPECT_EQ(stp_format(out, 64, "%*d", a, 0), STP_EINVAL);
	EXPECT_EQ(stp_format(out, 64, "%.*d", a, 0), STP_EINVAL);
	EXPECT_EQ(stp_format(out, 64, "%s", a, 0), STP_EINVAL);
	EXPECT_EQ(stp_format(out, 64, "%c", a, 0), STP_EINVAL);
	EXPECT_EQ(stp_format(out, 64, "%b", a, 0), STP_EINVAL);
	EXPECT_EQ(stp_format(out, 64, "%m", a, 0), STP_EINVAL);
	/* A huge width in the format is capped, not overflowed. */
	n = stp_format(out, 16, "%99999999999999d", a + 2, 1);
	EXPECT_EQ(n, 15);
	/* STP_PRINT_SIZE output. */
	{
		static char big[STP_PRINT_SIZE + 1];

		n = stp_format(big, sizeof(big), "%65000d|%s", a, 2);
		EXPECT_EQ(n, 65007);
		n = stp_format(big, sizeof(big), "%70000d", a, 1);
		EXPECT_EQ(n, STP_PRINT_SIZE);
	}
}

/* ---- replays of SystemTap's run tests ---- */

/* limits.stp: each heading, then a value printed TIMES times. */
static const struct {
	const char *head, *fmt;
	int64_t v;
	int times;
} limits[] = {
	{ "Maximum signed 32-bit number\n", "%d 0x%x\n", 2147483647, 3 },
	{ "\nMaximum unsigned 32-bit number\n", "%d 0x%x\n", 4294967295LL, 3 },
	{ "\nMinimum signed 32-bit number\n", "%d 0x%x\n", -2147483648LL, 3 },
	{ "", "%d 0x%x\n", (int64_t)0xffffffff80000000ULL, 1 },
	{ "\nMaximum signed 64-bit number\n", "%d 0x%x\n", INT64_MAX, 3 },
	{ "\nMaximum unsigned 64-bit number\n", "%ud 0x%x\n", -1, 3 },
	{ "\nMinimum signed 64-bit number\n", "%d 0x%x\n", INT64_MIN, 5 },
};

static void peer_limits(void)
{
	struct tbuf b = { 0 };
	size_t i;
	int k;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		tb_printf(&b, limits[i].head);
		for (k = 0; k < limits[i].times; k++)
			tb_printf(&b, limits[i].fmt, limits[i].v, limits[i].v);
	}
	peer_done("peer limits", "limits", &b);
}

static void peer_char1(void)
{
	struct tbuf b = { 0 };

	tb_printf(&b, "%c", (int64_t)115);
	tb_printf(&b, "%c", (int64_t)116);
	tb_printf(&b, "%c%c", (int64_t)97, (int64_t)112);
	tb_printf(&b, "%c%c", (int64_t)'o', (int64_t)'k');
	tb_printf(&b, "\n");
	peer_done("peer char1", "char1", &b);
}

static void peer_char2(void)
{
	static const int64_t last[] = { 0, 033, 0177, 0222, 0333, 0377 };
	const char *chars = "abc-ABC 123!";
	struct tbuf b = { 0 };
	size_t i;

	for (i = 0; i < strlen(chars); i++)
		tb_printf(&b, "%#c", (int64_t)(signed char)chars[i]);
	tb_printf(&b, "\n");
	chars = "\a\b\f\n\r\t\v\'\\";
	for (i = 0; i < strlen(chars); i++)
		tb_printf(&b, "%#c", (int64_t)(signed char)chars[i]);
	tb_printf(&b, "\n");
	tb_printf(&b, "%#c%#c%#c%#c%#c%#c\n", last[0], last[1], last[2],
		  last[3], last[4], last[5]);
	peer_done("peer char2", "char2", &b);
}

static void peer_sprint(void)
{
	static const int64_t v[] = { 0, 100, -42, 0x42 };
	struct tbuf b = { 0 };
	int i;

	tb_printf(&b, "%s\n", "hello");
	tb_printf(&b, "%s%s\n", "hello", "world");
	tb_printf(&b, "%d\n", (int64_t)12345678);
	for (i = 0; i < 4; i++)
		tb_printf(&b, "%d\n", v[i]);
	tb_printf(&b, "%s\n", "0x42");
	peer_done("peer sprint", "sprint", &b);
}

int main(void)
{
	run_test("printf: numbers as glibc prints them", test_numbers_glibc);
	run_test("printf: numbers as SystemTap differs from C",
		 test_numbers_stap);
	run_test("printf: '*' width and precision", test_star);
	run_test("printf: %s %c %#c %% and unknown conversions",
		 test_strings_chars);
	run_test("printf: %b", test_binary);
	run_test("printf: %m %M and faults", test_memory);
	run_test("printf: truncation, clamping, missing arguments",
		 test_limits);
	peer_limits();
	peer_char1();
	peer_char2();
	peer_sprint();
	return t_finish("printf");
}
