// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_string.c - unit tests of stp_string.c, and replays of SystemTap's
 * string run tests (the scripts' calls made through this runtime, the
 * output compared with PEER_DIR/run/NAME.out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../stp_string.h"
#include "../stp_printf.h"

static char big[4 * MAXSTRINGLEN];

/* A string of N bytes "0123456789012..." in big[]. */
static const char *digits_str(size_t n)
{
	size_t i;

	for (i = 0; i < n && i < sizeof(big) - 1; i++)
		big[i] = (char)('0' + i % 10);
	big[i] = '\0';
	return big;
}

static void test_strlcpy(void)
{
	char buf[8];

	EXPECT_EQ(stp_strlcpy(buf, "abc", sizeof(buf)), 3);
	EXPECT_STR(buf, "abc");
	EXPECT_EQ(stp_strlcpy(buf, "abcdefghij", sizeof(buf)), 7);
	EXPECT_STR(buf, "abcdefg");
	EXPECT_EQ(stp_strlcpy(buf, "xyz", 0), 0);
	EXPECT_STR(buf, "abcdefg");
	EXPECT_EQ(stp_strlcpy(buf, "xyz", 1), 0);
	EXPECT_STR(buf, "");
	strcpy(buf, "abcdef");
	EXPECT_EQ(stp_strlcpy(buf, buf + 2, sizeof(buf)), 4);	/* overlap */
	EXPECT_STR(buf, "cdef");
}

static void test_strlcat(void)
{
	char buf[8] = "ab";

	EXPECT_EQ(stp_strlcat(buf, "cd", sizeof(buf)), 4);
	EXPECT_STR(buf, "abcd");
	EXPECT_EQ(stp_strlcat(buf, "efghij", sizeof(buf)), 7);
	EXPECT_STR(buf, "abcdefg");
	EXPECT_EQ(stp_strlcat(buf, "x", sizeof(buf)), 7);
	memset(buf, 'z', sizeof(buf));	/* unterminated: left alone */
	EXPECT_EQ(stp_strlcat(buf, "x", sizeof(buf)), 8);
	EXPECT(buf[7] == 'z');
}

static void test_concat(void)
{
	char a[MAXSTRINGLEN], b[MAXSTRINGLEN], d[MAXSTRINGLEN];

	strcpy(a, "foo");
	strcpy(b, "bar");
	stp_concat(d, a, b);
	EXPECT_STR(d, "foobar");
	stp_concat(a, a, b);		/* dst == a */
	EXPECT_STR(a, "foobar");
	strcpy(a, "foo");
	stp_concat(b, a, b);		/* dst == b */
	EXPECT_STR(b, "foobar");
	strcpy(a, "xy");
	stp_concat(a, a, a);		/* all three */
	EXPECT_STR(a, "xyxy");
	stp_strlcpy(a, digits_str(MAXSTRINGLEN - 3), sizeof(a));
	stp_concat(d, a, "ABCDEF");	/* cut at MAXSTRINGLEN - 1 */
	EXPECT_EQ(strlen(d), MAXSTRINGLEN - 1);
	EXPECT(d[MAXSTRINGLEN - 3] == 'A' && d[MAXSTRINGLEN - 2] == 'B');
	stp_concat(d, digits_str(3 * MAXSTRINGLEN), "Z");
	EXPECT_EQ(strlen(d), MAXSTRINGLEN - 1);
	EXPECT(!strchr(d, 'Z'));
}

static void test_long_str(void)
{
	char buf[MAXSTRINGLEN];

	stp_long_str(buf, 0);
	EXPECT_STR(buf, "0");
	stp_long_str(buf, -42);
	EXPECT_STR(buf, "-42");
	stp_long_str(buf, INT64_MAX);
	EXPECT_STR(buf, "9223372036854775807");
	stp_long_str(buf, INT64_MIN);
	EXPECT_STR(buf, "-9223372036854775808");
}

static void test_substr(void)
{
	char out[MAXSTRINGLEN], s[MAXSTRINGLEN];

	strcpy(s, "abcdefgh");
	stp_substr(out, s, 0, 3);
	EXPECT_STR(out, "abc");
	stp_substr(out, s, 5, 100);
	EXPECT_STR(out, "fgh");
	stp_substr(out, s, 7, 1);
	EXPECT_STR(out, "h");
	stp_substr(out, s, 8, 1);		/* at the end */
	EXPECT_STR(out, "");
	stp_substr(out, s, -1, 5);
	EXPECT_STR(out, "");
	stp_substr(out, s, 2, 0);
	EXPECT_STR(out, "");
	stp_substr(out, s, 2, -5);
	EXPECT_STR(out, "");
	stp_substr(out, s, INT64_MAX, 2);
	EXPECT_STR(out, "");
	/* SystemTap's length + 1 wraps: the whole length gives "". */
	stp_substr(out, s, 0, INT64_MAX);
	EXPECT_STR(out, "");
	stp_substr(out, s, 1, INT64_MAX - 1);
	EXPECT_STR(out, "bcdefgh");
	stp_substr(s, s, 3, 2);			/* in place */
	EXPECT_STR(s, "de");
	stp_substr(out, digits_str(2 * MAXSTRINGLEN), 0, 3 * MAXSTRINGLEN);
	EXPECT_EQ(strlen(out), MAXSTRINGLEN - 1);
}

static void test_stringat(void)
{
	int err = 0;

	EXPECT_EQ(stp_stringat("abc", 0, &err), 'a');
	EXPECT_EQ(stp_stringat("abc", 2, &err), 'c');
	EXPECT_EQ(err, 0);
	EXPECT_EQ(stp_stringat("abc", 3, &err), 0);
	EXPECT_EQ(err, STP_ERANGE);
	err = 0;
	EXPECT_EQ(stp_stringat("abc", -1, &err), 0);
	EXPECT_EQ(err, STP_ERANGE);
	err = 0;
	EXPECT_EQ(stp_stringat("", 0, &err), 0);
	EXPECT_EQ(err, STP_ERANGE);
	err = 0;
	EXPECT_EQ(stp_stringat("\xe9", 0, &err), -23);	/* signed char */
	EXPECT_EQ(err, 0);
}

static void test_strpos(void)
{
	EXPECT_EQ(stp_strpos("hello", "ll"), 2);
	EXPECT_EQ(stp_strpos("hello", "lo!"), -1);
	EXPECT_EQ(stp_strpos("hello", ""), 0);
	EXPECT_EQ(stp_strpos("", ""), 0);
	EXPECT_EQ(stp_strpos("", "a"), -1);
	EXPECT(stp_isinstr("hello", "ell"));
	EXPECT(!stp_isinstr("hello", "elk"));
	EXPECT(stp_isinstr("", ""));
}

static void test_str_replace(void)
{
	char out[MAXSTRINGLEN];
	char s[MAXSTRINGLEN];

	stp_str_replace(out, "a-b-c", "-", "+=");
	EXPECT_STR(out, "a+=b+=c");
	stp_str_replace(out, "aaaa", "aa", "b");
	EXPECT_STR(out, "bb");
	stp_str_replace(out, "abc", "", "X");	/* empty search */
	EXPECT_STR(out, "abc");
	stp_str_replace(out, "abc", "b", "");
	EXPECT_STR(out, "ac");
	stp_str_replace(out, "abc", "x", "y");
	EXPECT_STR(out, "abc");
	stp_str_replace(out, "", "x", "y");
	EXPECT_STR(out, "");
	/* Growth is cut at MAXSTRINGLEN - 1. */
	memset(s, 'x', MAXSTRINGLEN - 1);
	s[MAXSTRINGLEN - 1] = '\0';
	stp_str_replace(out, s, "x", "yz");
	EXPECT_EQ(strlen(out), MAXSTRINGLEN - 1);
	EXPECT(out[0] == 'y' && out[1] == 'z');
}

static void test_strtol(void)
{
	int err = 0;

	EXPECT_EQ(stp_strtol("123", 10, &err), 123);
	EXPECT_EQ(stp_strtol("-123", 10, &err), -123);
	EXPECT_EQ(stp_strtol("12ab", 10, &err), 12);
	EXPECT_EQ(stp_strtol("ff", 16, &err), 255);
	EXPECT_EQ(stp_strtol("0xff", 16, &err), 255);
	EXPECT_EQ(stp_strtol("-0XfF", 16, &err), -255);
	EXPECT_EQ(stp_strtol("0x10", 10, &err), 0);
	EXPECT_EQ(stp_strtol("777", 8, &err), 511);
	EXPECT_EQ(stp_strtol("789", 8, &err), 7);
	EXPECT_EQ(stp_strtol("zz", 36, &err), 35 * 36 + 35);
	EXPECT_EQ(stp_strtol(" 5", 10, &err), 0);	/* no blanks */
	EXPECT_EQ(stp_strtol("+5", 10, &err), 0);	/* no '+' */
	EXPECT_EQ(stp_strtol("", 10, &err), 0);
	EXPECT_EQ(stp_strtol("9223372036854775807", 10, &err), INT64_MAX);
	EXPECT_EQ(stp_strtol("-9223372036854775808", 10, &err), INT64_MIN);
	EXPECT_EQ(stp_strtol("18446744073709551617", 10, &err), 1); /* wraps */
	EXPECT_EQ(err, 0);
	EXPECT_EQ(stp_strtol("1", 1, &err), 0);
	EXPECT_EQ(err, STP_EINVAL);
	err = 0;
	EXPECT_EQ(stp_strtol("1", 37, &err), 0);
	EXPECT_EQ(err, STP_EINVAL);
	err = 0;
	EXPECT_EQ(stp_strtol("1", 0, &err), 0);
	EXPECT_EQ(err, STP_EINVAL);
}

static void text(char *out, const char *in, int64_t len, int quoted)
{
	memset(out, '#', MAXSTRINGLEN);
	stp_text_str(out, in, len, quoted);
}

/* stp_text_str: input, output budget, quoted, the text. */
static const struct {
	const char *in;
	int64_t len;
	int quoted;
	const char *want;
} text_cases[] = {
	{ "plain", 0, 0, "plain" },
	{ "a\"b\\c\n\t\001\177\xff", 0, 0, "a\\\"b\\\\c\\n\\t\\001\\177\\377" },
	{ "\a\b\f\r\v", 0, 0, "\\a\\b\\f\\r\\v" },
	{ "x", 0, 1, "\"x\"" },
	{ "", 0, 1, "\"\"" },
	/* UTF-8: 2, 3 and 4 bytes; broken and overlong forms verbatim. */
	{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0, 0, "\\u00e9\\u20ac\\U0001f600" },
	{ "\xc3(\xe2\x82\xc0\x80\xed\xa0\x80", 0, 0, "\\303(\\342\\202\\300\\200\\355\\240\\200" },
	{ "\xf4\x90\x80\x80", 0, 0, "\\364\\220\\200\\200" },		/* > U+10FFFF */
	{ "\xe0\x80\x80", 0, 0, "\\340\\200\\200" },			/* overlong */
	/* Output budget: escapes are not split. */
	{ "abcdef", 4, 0, "abcd" },
	{ "ab\ncd", 3, 0, "ab" },
	{ "abcdefgh", 7, 1, "\"ab\"..." },
	{ "abcde", 7, 1, "\"abcde\"" },
	{ "abcdef", 2, 1, "\"\"..." },			/* budget at least 5 */
	{ "a\tbcdefgh", 8, 1, "\"a\\t\"..." },	/* cut just after "\t" */
	{ "ab\tdefgh", 8, 1, "\"ab\"..." },	/* cut point inside "\t": drop it */
	{ "ab\001cdefgh", 10, 1, "\"ab\"..." },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 17, 1, "\"\\U0001f600\"..." },
	{ "\xf0\x9f\x98\x80", 9, 1, "\"\"..." },	/* budget < the escape */
	{ "abcdefghij", -5, 0, "abcdefghij" },		/* negative: all */
};

static void test_text_str(void)
{
	char out[MAXSTRINGLEN];
	size_t i;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		text(out, text_cases[i].in, text_cases[i].len, text_cases[i].quoted);
		if (strcmp(out, text_cases[i].want))
			t_fail(__FILE__, __LINE__, "case %zu: \"%s\", want \"%s\"",
			       i, out, text_cases[i].want);
	}
	/* The input window is MAXSTRINGLEN - 1 bytes. */
	text(out, digits_str(2 * MAXSTRINGLEN), 0, 0);
	EXPECT_EQ(strlen(out), MAXSTRINGLEN - 1);
	text(out, digits_str(2 * MAXSTRINGLEN), 0, 1);
	EXPECT_EQ(strlen(out), MAXSTRINGLEN - 1);
	EXPECT(strcmp(out + MAXSTRINGLEN - 5, "\"...") == 0);
	/* A string that just fills the window is not "cut". */
	text(out, digits_str(MAXSTRINGLEN - 1), MAXSTRINGLEN + 10, 0);
	EXPECT_EQ(strlen(out), MAXSTRINGLEN - 1);
}

/* tokenize(): input, delimiters, the token, one call after another. */
static const struct {
	const char *in, *delim, *want;
} token_cases[] = {
	{ "", ",", "" },	/* nothing yet */
	{ ",,a,b;;c,", ",;", "a" },
	{ "", ",;", "b" },
	{ "", ",;", "c" },
	{ "", ",;", "" },
	{ "", ",;", "" },
	{ "x y", "", "x y" },	/* no delimiters */
	{ "", "", "" },
	{ "one two", " ", "one" },	/* a new input restarts */
	{ "three", " ", "three" },
};

static void test_tokenize(void)
{
	struct stp_tokenizer st;
	char out[MAXSTRINGLEN];
	size_t i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < sizeof(token_cases) / sizeof(token_cases[0]); i++) {
		stp_tokenize(&st, out, token_cases[i].in, token_cases[i].delim);
		if (strcmp(out, token_cases[i].want))
			t_fail(__FILE__, __LINE__, "call %zu: \"%s\", want \"%s\"",
			       i, out, token_cases[i].want);
	}
	stp_tokenize(&st, out, digits_str(3 * MAXSTRINGLEN), "5");
	EXPECT_STR(out, "01234");
	stp_tokenize(&st, out, "", "5");
	EXPECT_STR(out, "678901234");
}

/* ctime(): seconds, the result, the text. */
static const struct {
	int64_t t;
	int rc;
	const char *want;
} ctime_cases[] = {
	{ 0, 0, "Thu Jan  1 00:00:00 1970" },
	{ 2147483647, 0, "Tue Jan 19 03:14:07 2038" },
	{ -2147483647 - 1, 0, "Fri Dec 13 20:45:52 1901" },
	{ 951782400, 0, "Tue Feb 29 00:00:00 2000" },	/* leap day 2000 */
	{ -1, 0, "Wed Dec 31 23:59:59 1969" },
	{ 1234567890, 0, "Fri Feb 13 23:31:30 2009" },
	{ 2147483648LL, STP_ERANGE, "far far in the future..." },
	{ -2147483649LL, STP_ERANGE, "a long, long time ago..." },
};

static void test_ctime(void)
{
	char out[MAXSTRINGLEN];
	size_t i;

	for (i = 0; i < sizeof(ctime_cases) / sizeof(ctime_cases[0]); i++) {
		int rc = stp_ctime(out, ctime_cases[i].t);

		if (rc != ctime_cases[i].rc || strcmp(out, ctime_cases[i].want))
			t_fail(__FILE__, __LINE__, "ctime(%lld) = %d \"%s\", want %d \"%s\"",
			       (long long)ctime_cases[i].t, rc, out, ctime_cases[i].rc,
			       ctime_cases[i].want);
	}
}

/* ctime against glibc's gmtime for many values across the range. */
#include <time.h>
static void test_ctime_glibc(void)
{
	static const char *wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char out[MAXSTRINGLEN], want[64];
	int64_t s;
	int bad = 0;

	for (s = -2147483648LL; s <= 2147483647LL; s += 7777777 + 13) {
		time_t t = (time_t)s;
		struct tm tm;

		gmtime_r(&t, &tm);
		snprintf(want, sizeof(want), "%s %s%3d %02d:%02d:%02d %d",
			 wd[tm.tm_wday], mo[tm.tm_mon], tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
		stp_ctime(out, s);
		if (strcmp(out, want) && bad++ < 3)
			t_fail(__FILE__, __LINE__, "ctime(%lld) %s, want %s",
			       (long long)s, out, want);
	}
	EXPECT_EQ(bad, 0);
}

/* ---- replays of SystemTap's run tests ---- */

static void peer_substr(void)
{
	static const int64_t args[][2] = {
		{ 0, 0 }, { -1, 10 }, { 10, 0 }, { 0, 1 }, { 1, 1 }, { 2, 1 },
		{ 2, 5 }, { 6, 1 }, { 11, 1 }, { 11, 100 }, { 12, 1 },
		{ 0, 10 }, { 0, 100 }, { 0, 100000 },
	};
	struct tbuf b = { 0 };
	char out[MAXSTRINGLEN];
	const char *s = "Hello World!";
	size_t i;

	tb_printf(&b, "%s\n", s);
	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		stp_substr(out, s, args[i][0], args[i][1]);
		tb_printf(&b, "%d,%d: %s\n", args[i][0], args[i][1], out);
	}
	peer_done("peer substr", "substr", &b);
}

static void peer_strtol(void)
{
	static const char *s[] = { "1", "-1", "123456789", "-123456789",
		"abcdef", "1a2b3c4d5e6f7g8h9", " 1 2 3 4", "", "1000" };
	static const int64_t base[] = { 16, 8, 2 };
	struct tbuf b = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; i < 9; i++)
		tb_printf(&b, "%d\n", stp_strtol(s[i], 10, &err));
	for (i = 0; i < 3; i++)
		tb_printf(&b, "%d\n", stp_strtol("1000", base[i], &err));
	EXPECT_EQ(err, 0);
	peer_done("peer strtol", "strtol", &b);
}

/* One part of text_str.stp: for each title, the three strings through
 * stp_text_str with its budget and quoting. */
struct text_part {
	int n;
	const char *title[7];
	int64_t len[7], quoted[7];
};

static void text_part(struct tbuf *b, char v[3][MAXSTRINGLEN],
		      const struct text_part *t)
{
	char out[MAXSTRINGLEN];
	int i, k;

	for (i = 0; i < t->n; i++) {
		tb_printf(b, "----- %s -----\n", t->title[i]);
		for (k = 0; k < 3; k++) {
			stp_text_str(out, v[k], t->len[i] < 0 ? 0 : t->len[i],
				     (int)t->quoted[i]);
			tb_printf(b, "%c=%s\n", (int64_t)('a' + k), out);
		}
	}
}

static void peer_text_str(void)
{
	static const struct text_part one = { 6,
		{ "Using text_str", "Using text_strn",
		  "Using text_strn len = 10", "Using text_strn quoted",
		  "Using text_strn len=10, quoted",
		  "Using text_strn len=12, quoted" },
		{ -1, 0, 10, 0, 10, 12 }, { 0, 0, 0, 1, 1, 1 } };
	static const struct text_part two = { 7,
		{ "Using text_str", "Using text_strn",
		  "Using text_strn len = 10", "Using text_strn len = 12",
		  "Using text_strn quoted", "Using text_strn len=10, quoted",
		  "Using text_strn len=15, quoted" },
		{ -1, 0, 10, 12, 0, 10, 15 }, { 0, 0, 0, 0, 1, 1, 1 } };
	struct tbuf b = { 0 };
	char v[3][MAXSTRINGLEN];
	size_t k;

	strcpy(v[0], "1234567890");
	stp_concat(v[1], v[0], v[0]);
	stp_concat(v[2], v[0], v[1]);
	for (k = 0; k < 3; k++)
		tb_printf(&b, "%c=%s\n", (int64_t)('a' + k), v[k]);
	text_part(&b, v, &one);
	strcpy(v[0], "\n\nXYZZY\031");
	strcpy(v[1], "\077\231\a\n\n\r\n");
	stp_concat(v[2], v[0], v[1]);
	text_part(&b, v, &two);
	peer_done("peer text_str", "text_str", &b);
}

static void peer_string_quoted(void)
{
	static const char *s[] = { "", "hello world", "hello\nworld",
				   "\"hello\nworld\"" };
	struct tbuf b = { 0 };
	char out[MAXSTRINGLEN];
	size_t i;

	for (i = 0; i < 4; i++) {
		stp_text_str(out, s[i], 0, 1);
		tb_printf(&b, "%s\n", out);
	}
	peer_done("peer string_quoted", "string_quoted", &b);
}

static void peer_tokenize(void)
{
	static const char *in[][2] = {
		{ "one|two|three|four|five|six|seven|eight|nine|ten", "|" },
		{ "one|two|three|four|five|six|seven|eight|nine|ten", "," },
		{ "a,b,c,d,e,f,g", "," }, { "1,,2,3, ,4", "," }, { "", "," },
		{ "this is a string with no delimiters", "," },
		{ "this is a string, which has two delimiters", ", " },
	};
	struct stp_tokenizer st = { { 0 }, 0 };
	struct tbuf b = { 0 };
	char tok[MAXSTRINGLEN];
	size_t i;
	int guard;

	for (i = 0; i < 7; i++) {
		tb_printf(&b, "-\n");
		stp_tokenize(&st, tok, in[i][0], in[i][1]);
		for (guard = 0; tok[0] && guard < 100; guard++) {
			tb_printf(&b, "%s\n", tok);
			stp_tokenize(&st, tok, "", in[i][1]);
		}
	}
	peer_done("peer tokenize", "tokenize", &b);
}

static void peer_strpos(void)
{
	static const char *in[][2] = { { "foo", "abcfoobad" },
		{ "abcfoobad", "foo" }, { "foo", "foo" }, { "foo", "" },
		{ "", "foo" }, { "", "" } };
	struct tbuf b = { 0 };
	size_t i;

	for (i = 0; i < 6; i++)
		tb_printf(&b, "haystack=\"%s\" needle=\"%s\" strpos=%d\n",
			  in[i][0], in[i][1], stp_strpos(in[i][0], in[i][1]));
	peer_done("peer strpos", "strpos", &b);
}

static void peer_isinstr(void)
{
	static const char *in[][2] = { { "abcfoobad", "foo" },
		{ "abcdefg", "foo" }, { "", "" } };
	struct tbuf b = { 0 };
	size_t i;

	for (i = 0; i < 3; i++)
		tb_printf(&b, stp_isinstr(in[i][0], in[i][1]) ?
			  "\"%s\" is in \"%s\"\n" : "\"%s\" is NOT in \"%s\"\n",
			  in[i][1], in[i][0]);
	peer_done("peer isinstr", "isinstr", &b);
}

/* str_replace.stp's long global is cut to MAXSTRINGLEN - 1 first. */
static void peer_str_replace(void)
{
	static const char *rep[][3] = {
		{ "1", "system", "pointer" }, { "1", "hello", "pointer" },
		{ "1", "tap", "pointer" }, { "2", "road", "bored" },
		{ "2", "Here", "here" }, { "2", "Bob Seger", "Metallica" },
		{ "1", "system", "" }, { "1", "", "pointer" },
		{ "", "", "pointer" }, { "", "", "" },
	};
	char s1[MAXSTRINGLEN], s2[MAXSTRINGLEN], out[MAXSTRINGLEN];
	struct tbuf b = { 0 };
	size_t i;

	if (MAXSTRINGLEN != 128) {
		untested("peer str_replace", "built for MAXSTRINGLEN 128");
		return;
	}
	stp_strlcpy(s1, "hello system tap", sizeof(s1));
	stp_strlcpy(s2, "Here I am, on the road again. there I am, up on the "
		    "stage, Here I go, playing star again. There I go, turn "
		    "the page.- Bob Seger", sizeof(s2));
	for (i = 0; i < 10; i++) {
		const char *src = rep[i][0][0] == '1' ? s1 :
				  rep[i][0][0] == '2' ? s2 : "";

		stp_str_replace(out, src, rep[i][1], rep[i][2]);
		tb_printf(&b, "Result = %s\n", out);
	}
	peer_done("peer str_replace", "str_replace", &b);
}

/* strlen.stp runs with -DMAXSTRINGLEN=64: the build with it replays it. */
static void peer_strlen(void)
{
	static const char *in[] = { "", "1", "0123456789" };
	char a[MAXSTRINGLEN];
	struct tbuf b = { 0 };
	size_t i;

	if (MAXSTRINGLEN != 64) {
		untested("peer strlen", "replayed by the MAXSTRINGLEN=64 build");
		return;
	}
	for (i = 0; i < 4; i++) {
		stp_strlcpy(a, i < 3 ? in[i] : digits_str(250), sizeof(a));
		tb_printf(&b, "strlen(\"%s\") = %d\n", a, (int64_t)strlen(a));
	}
	peer_done("peer strlen (MAXSTRINGLEN=64)", "strlen", &b);
}

int main(void)
{
	run_test("string: strlcpy", test_strlcpy);
	run_test("string: strlcat", test_strlcat);
	run_test("string: concat, aliasing and truncation", test_concat);
	run_test("string: long_str", test_long_str);
	run_test("string: substr", test_substr);
	run_test("string: stringat and its range error", test_stringat);
	run_test("string: strpos and isinstr", test_strpos);
	run_test("string: str_replace", test_str_replace);
	run_test("string: strtol, bases and bad base", test_strtol);
	run_test("string: text_str escapes, UTF-8, budget", test_text_str);
	run_test("string: tokenize", test_tokenize);
	run_test("string: ctime and its range errors", test_ctime);
	run_test("string: ctime against glibc gmtime", test_ctime_glibc);
	peer_substr();
	peer_strtol();
	peer_text_str();
	peer_string_quoted();
	peer_tokenize();
	peer_strpos();
	peer_isinstr();
	peer_str_replace();
	peer_strlen();
	return t_finish("string");
}
