// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_regex.c - the kernel runtime's regular expressions: the
 * translator's compiler (stap/regex.c) and the Pike VM (stp_regex.c),
 * checked against glibc's regcomp/regexec (what the user runtime uses)
 * on chosen cases and on random expressions over a small alphabet.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
/* Both are built here: the compiler is the translator's, libc only. */
#include "../stp_regex.c"
#include "../../stap/regex.c"

static struct stp_re_work work;

/* Match with both; false (after a failed check) if they differ.  With
 * ALL, every group must agree, else only the whole match. */
static bool agree(const char *re, const char *s, bool all)
{
	struct stp_regex rx;
	regex_t lx;
	regmatch_t m[10];
	int start[10], end[10], rc, lrc, g, n;
	char err[128];

	if (!regex_compile(re, strlen(re), &rx, err, sizeof(err))) {
		t_fail(__FILE__, __LINE__, "/%s/ does not compile: %s", re, err);
		return false;
	}
	if (regcomp(&lx, re, REG_EXTENDED)) {
		t_fail(__FILE__, __LINE__, "/%s/: libc refuses it", re);
		regex_release(&rx);
		return false;
	}
	rc = stp_regex_exec(&rx, s, &work, start, end);
	lrc = regexec(&lx, s, 10, m, 0) == 0;
	n = (int)lx.re_nsub + 1 < 10 ? (int)lx.re_nsub + 1 : 10;
	if (rx.ngroups != n) {
		t_fail(__FILE__, __LINE__, "/%s/: %d groups, libc %d", re,
		       rx.ngroups, n);
		rc = -2;
	}
	if (rc != lrc && rc != -2) {
		t_fail(__FILE__, __LINE__, "/%s/ on \"%s\": %d, libc %d", re, s,
		       rc, lrc);
		rc = -2;
	}
	for (g = 0; rc == 1 && g < (all ? n : 1); g++)
		if (start[g] != m[g].rm_so || end[g] != m[g].rm_eo) {
			t_fail(__FILE__, __LINE__, "/%s/ on \"%s\": group %d "
			       "%d-%d, libc %d-%d", re, s, g, start[g], end[g],
			       (int)m[g].rm_so, (int)m[g].rm_eo);
			rc = -2;
		}
	regfree(&lx);
	regex_release(&rx);
	return rc != -2;
}

static void test_cases(void)
{
	static const char *const cases[][2] = {
		{ "user=([a-z]+) id=([0-9]+)", "user=alice id=42" },
		{ "^user", "user=alice" }, { "^id", "user=alice id=1" },
		{ "a\\.b", "a.b" }, { "a\\.b", "axb" }, { "", "" },
		{ "", "abc" }, { "b*", "abc" }, { "x*", "" },
		{ "^$", "" }, { "^$", "a" }, { "a$", "aba" }, { "a$", "ab" },
		{ "[[:alpha:]]+", "12abc34" }, { "[[:digit:]]+", "ab123" },
		{ "[[:space:]]+", "a \t\nb" }, { "[[:upper:]][[:lower:]]*",
		"hello World" }, { "[[:xdigit:]]+", "0xdeadBEEFg" },
		{ "[[:punct:]]+", "ab!?,c" }, { "[^a-c]+", "abcdefabc" },
		{ "[]a]+", "x]a]ay" }, { "[^]a]+", "]]xyz" },
		{ "[a-]+", "b-a-c" }, { "[.]", "a.b" },
		{ "cat|dog|bird", "hotdog" }, { "(cat|dog)s?", "dogs!" },
		{ "a{2}", "aaaa" }, { "a{2,}", "aaaaa" }, { "a{1,3}", "aaaaa" },
		{ "a{0,2}b", "aaab" }, { "(ab){2}", "abababx" },
		{ "((a)(b))+", "ababx" }, { "(a(b(c)))", "xabcx" },
		{ "([0-9]+)-([0-9]+)", "tel 555-1234 x" },
		{ "(x)?y", "y" }, { "(x)?(y)", "zy" },
		{ "([a-z]+)@([a-z]+)\\.com", "mail bob@example.com now" },
		{ "a.c", "a\nc" }, { "\\w+", "  foo_1 bar" },
		{ "\\W+", "ab  ,cd" }, { "\\s+", "ab \t cd" },
		{ "\\S+", "  xy " }, { "(a|ab)(c|bcd)", "abcd" },
		{ "(a|b)*c", "ababc" }, { "a+b+", "xaabbbc" },
		{ "(.*)/(.*)", "/usr/lib/x.so" }, { "^(.*)=(.*)$", "k=v=w" },
		{ "[0-9]{3}-[0-9]{4}", "call 555-1234" },
		{ "(foo|foobar)x", "foobarx" }, { "a|b|", "c" },
		{ "x(a|)y", "xy" }, { "()", "a" }, { "(a*)*", "b" },
		{ "(a*)+", "b" }, { "(a|b)*", "ab" }, { "\\`a", "ab" },
		{ "b\\'", "ab" }, { "a**", "aa" }, { "(((((((((((k)))))))))))",
		"k" }, { "é+", "cafééé" }, { "[\xc0-\xff]+", "ab\xe9\xe8" },
		{ "[[.-.]a]+", "-a-" }, { "[[=a=]]", "bab" },
		{ "a{,2}", "aaa" },
		/* harness/stap.run/regex_classes.stp */
		{ "([[:upper:]][[:lower:]]+), ([[:alpha:]]+) ([[:digit:]]{4})"
		  "([[:punct:]])", "Hello, World 2024!" },
		{ "[^ ]+$", "key: abc-def_42;" },
		{ "0x([0-9a-fA-F]+)", "0x1F3a zz" }, { "[]-]+", "a]b-c" },
		{ "[[:space:]]([[:alnum:]_])[[:blank:]]", "\tx y" },
		{ "^abc$", "abc" }, { "^abc", "xabc" }, { "abc$", "abcx" },
		{ "cat|dog|hot(dog)?", "I have a hotdog" },
		{ "(a|ab)(c|bcd)", "xabcx" }, { "a{2,3}", "aaaaa" },
		{ "(ab){3}", "ab abab ababab" },
		{ "([0-9]{3})-([0-9]{4})", "tel 555-1234 x" },
		{ "^a{4,}$", "aaa" }, { "^a{4,}$", "aaaa" }, { "^ab?c$", "ac" },
		{ "^ab?c$", "abbc" }, { "^ab{1,2}c$", "abbbc" },
		{ "^((/[a-z]+)+)/([a-z]+)\\.so(\\.([0-9]+))?$",
		  "/usr/lib/libc.so.6" },
		{ "a(b)?c", "ac" }, { "\\w+\\s+(\\w+)", "  foo_bar baz" },
		{ "a.b", "a\nb" }, { "b", "abc" }, { "d", "abc" },
		{ "z", "abc" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		agree(cases[i][0], cases[i][1], true);
}

/* Refused by the compiler, accepted by libc: the kernel runtime says so
 * at pass 2. */
static void test_refused(void)
{
	static const char *const refused[] = {
		"(a)\\1", "\\bfoo", "foo\\B", "\\<x\\>", "*a", "a{256}",
		"a{300,}", "(x{100}){3}", "a{2,1}", "[[:nope:]]",
		"[[.space.]]", "(((((((((((((((((((((((((((((((((((((((((((("
		"(((((((((((((((((((((((x))))))))))))))))))))))))))))))))))))"
		"))))))))))))))))))))))))))))))", "a)", "(a", "[ab", "\\",
	};
	struct stp_regex rx;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (regex_compile(refused[i], strlen(refused[i]), &rx, err,
				  sizeof(err))) {
			t_fail(__FILE__, __LINE__, "/%s/ compiled", refused[i]);
			regex_release(&rx);
		}
	EXPECT(!regex_compile("a{200}b{100}", 12, &rx, err, sizeof(err)));
	EXPECT(strstr(err, "256 instructions") != NULL);
	/* The largest program fits: save, 253 bytes, save, match. */
	EXPECT(regex_compile("a{253}", 6, &rx, err, sizeof(err)));
	EXPECT_EQ(rx.len, 256);
	regex_release(&rx);
}

/* What the VM answers where leftmost-first groups and POSIX's differ:
 * the whole match agrees with libc, the groups follow priority. */
static void test_documented(void)
{
	struct stp_regex rx;
	int start[10], end[10];
	char err[128];

	EXPECT(regex_compile("(a|ab)(c|bcd)(d*)", 17, &rx, err, sizeof(err)));
	EXPECT_EQ(stp_regex_exec(&rx, "abcd", &work, start, end), 1);
	EXPECT_EQ(start[0], 0);
	EXPECT_EQ(end[0], 4);
	regex_release(&rx);
	/* A bad program is refused, not run. */
	EXPECT(regex_compile("a", 1, &rx, err, sizeof(err)));
	rx.len = STP_RE_MAXPROG + 1;
	EXPECT_EQ(stp_regex_exec(&rx, "a", &work, start, end), -1);
	rx.len = 3;
	EXPECT_EQ(stp_regex_exec(&rx, "a", &work, start, end), -1);
	rx.len = 4;
	regex_release(&rx);
	/* Subjects longer than a string are cut at MAXSTRINGLEN - 1. */
	{
		static char big[MAXSTRINGLEN + 10];

		memset(big, 'a', sizeof(big) - 2);
		big[sizeof(big) - 2] = 'b';
		EXPECT(regex_compile("a+$", 3, &rx, err, sizeof(err)));
		EXPECT_EQ(stp_regex_exec(&rx, big, &work, start, end), 1);
		EXPECT_EQ(end[0], MAXSTRINGLEN - 1);
		regex_release(&rx);
	}
}

/* Random expressions over {a, b}: the whole match agrees with libc. */
static unsigned rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

static void gen_re(char *out, size_t *len, size_t cap, int depth)
{
	static const char *const atoms[] = { "a", "b", ".", "[ab]", "[^a]" };
	static const char *const reps[] = { "", "", "*", "+", "?", "{1,2}",
					    "{2}" };
	int i, n = 1 + (int)rnd(3);

	for (i = 0; i < n && *len + 16 < cap; i++) {
		const char *a;

		if (depth < 3 && rnd(4) == 0) {
			out[(*len)++] = '(';
			gen_re(out, len, cap, depth + 1);
			if (rnd(3) == 0 && *len + 16 < cap) {
				out[(*len)++] = '|';
				gen_re(out, len, cap, depth + 1);
			}
			out[(*len)++] = ')';
		} else {
			a = atoms[rnd(5)];
			memcpy(out + *len, a, strlen(a));
			*len += strlen(a);
		}
		a = reps[rnd(7)];
		memcpy(out + *len, a, strlen(a));
		*len += strlen(a);
	}
	out[*len] = 0;
}

static void test_random(void)
{
	int i, j, bad = 0;

	for (i = 0; i < 3000 && bad < 5; i++) {
		struct stp_regex rx;
		char re[256], s[16], err[128];
		size_t len = 0;
		int n;

		if (rnd(5) == 0)
			re[len++] = '^';
		gen_re(re, &len, sizeof(re) - 4, 0);
		if (rnd(5) == 0)
			re[len++] = '$';
		re[len] = 0;
		if (!regex_compile(re, len, &rx, err, sizeof(err))) {
			EXPECT(strstr(err, "256 instructions") != NULL);
			continue;
		}
		regex_release(&rx);
		for (j = 0; j < 4; j++) {
			int k;

			n = (int)rnd(8);
			for (k = 0; k < n; k++)
				s[k] = "abc"[rnd(3)];
			s[n] = 0;
			if (!agree(re, s, false))
				bad++;
		}
	}
}

int main(void)
{
	run_test("regex: chosen cases agree with libc, groups too",
		 test_cases);
	run_test("regex: refused expressions, the program bound", test_refused);
	run_test("regex: priority groups, bad programs, long subjects",
		 test_documented);
	run_test("regex: random expressions, whole match as libc",
		 test_random);
	return t_finish("regex");
}
