/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The release criteria (configs/certify.conf, docs/certify.md): one rule a
 * line, words separated by blanks, '#' to the end of the line a comment,
 * "..." a word with blanks.  Every mistake is FILE:LINE:COL, the column of
 * the word at fault, and a file with one mistake gives no criteria: a
 * release judged against half a file would be judged against nothing the
 * QA team wrote.
 */
#include "grid.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 32

struct word {
	char *s;
	int col;
};

struct line {
	const char *file;
	int no, n;
	struct word w[MAX_WORDS];
};

static int bad(const struct line *l, int i, const char *fmt, ...) G_PRINTF(3, 4);

/* An error at word i (or just past the last word when the line is short). */
static int bad(const struct line *l, int i, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int col = i < l->n ? l->w[i].col : l->n ? l->w[l->n - 1].col + (int)strlen(l->w[l->n - 1].s) + 1 : 1;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	g_err("%s:%d:%d: %s", l->file, l->no, col, msg);
	free(msg);
	return -1;
}

/* Split one line into words: a '#' that starts a word starts a comment;
 * -1 (said) on an unclosed quote, a quote run into a word, too many. */
static int split(char *text, struct line *l)
{
	char *p = text;

	l->n = 0;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		if (l->n == MAX_WORDS)
			return bad(l, l->n - 1, "more than %d words on a line", MAX_WORDS);
		l->w[l->n].col = (int)(p - text) + 1;
		l->w[l->n].s = p;
		l->n++;
		if (*p == '"') {
			char *end = strchr(p + 1, '"');

			if (!end)
				return bad(l, l->n - 1, "unclosed '\"'");
			if (end[1] && !isspace((unsigned char)end[1]))
				return bad(l, l->n - 1, "a blank after the closing '\"'");
			*end = 0;
			l->w[l->n - 1].s = p + 1;
			p = end + 1;
			continue;
		}
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = 0;
	}
	return 0;
}

static int need(const struct line *l, int n, const char *usage)
{
	if (l->n < n)
		return bad(l, l->n, "missing words: %s", usage);
	if (l->n > n)
		return bad(l, n, "unexpected '%s': %s", l->w[n].s, usage);
	return 0;
}

static int number(const struct line *l, int i, double lo, double hi, double *out)
{
	char *end;
	const char *s = l->w[i].s;
	size_t len = strlen(s);
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || (*end && strcmp(end, "%")) || !isfinite(v) || v < lo || v > hi ||
	    (len && s[len - 1] == '%' && hi != 100))
		return bad(l, i, "expected a number from %g to %g, got '%s'", lo, hi, s);
	*out = v;
	return 0;
}

static int op(const struct line *l, int i, char *out)
{
	static const char *const ops[] = {"<=", "<", ">=", ">"};

	for (int k = 0; k < 4; k++)
		if (!strcmp(l->w[i].s, ops[k])) {
			*out = "lLgG"[k];
			return 0;
		}
	return bad(l, i, "expected <=, <, >= or >, got '%s'", l->w[i].s);
}

/* Kernel ids, '*', or the keywords all and debian; known ones only. */
static int kernel_word(const struct line *l, int i, const strv *known, bool keywords)
{
	const char *s = l->w[i].s;

	if (!strcmp(s, "*") || (keywords && (!strcmp(s, "all") || !strcmp(s, "debian"))))
		return 0;
	if (!sv_has(known, s)) {
		char *k = sv_join(known, ", ");

		bad(l, i, "unknown kernel '%s' (configured: %s)", s, k);
		free(k);
		return -1;
	}
	return 0;
}

static int suite_word(const struct line *l, int i, const strv *known, const char *s, bool all)
{
	if (!strcmp(s, "*") || (all && !strcmp(s, "all")) || sv_has(known, s))
		return 0;
	{
		char *k = sv_join(known, ", ");

		bad(l, i, "unknown suite '%s' (known: %s)", s, k);
		free(k);
	}
	return -1;
}

static struct g_crit *add(struct g_criteria *c, const struct line *l, enum g_crit_kind kind)
{
	struct g_crit *r;
	sbuf t = {0};

	c->rules = xrealloc(c->rules, (size_t)(c->n + 1) * sizeof(*c->rules));
	r = &c->rules[c->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->where = xasprintf("%s:%d", g_basename(l->file), l->no);
	for (int i = 0; i < l->n; i++)
		sb_addf(&t, "%s%s", i ? " " : "", l->w[i].s);
	r->text = sb_steal(&t);
	return r;
}

static int rule_verdict(struct g_criteria *c, const struct line *l, const strv *kernels,
			const strv *suites)
{
	struct g_crit *r;
	char *suite, *slash;
	unsigned set = 0;
	int rc = 0;

	if (l->n < 4)
		return bad(l, l->n, "missing words: verdict KERNEL SUITE[/TEST] VERDICT...");
	if (kernel_word(l, 1, kernels, false) < 0)
		return -1;
	suite = xstrdup(l->w[2].s);
	slash = strchr(suite, '/');
	if (slash)
		*slash++ = 0;
	if (suite_word(l, 2, suites, suite, false) < 0)
		rc = -1;
	else if (slash && (!*slash || !g_valid_id(slash)))
		rc = bad(l, 2, "a test's name after '/' (letters, digits, '.', '_', '-'), got '%s'", slash);
	for (int i = 3; rc == 0 && i < l->n; i++) {
		int v = g_verdict_parse(l->w[i].s);

		if (v < 0 || v == V_NOTRUN)
			rc = bad(l, i, "unknown verdict '%s' (pass, unsupported, fail, warning, hang, "
				 "oops, panic, infra)", l->w[i].s);
		else
			set |= 1u << v;
	}
	if (rc == 0) {
		r = add(c, l, C_VERDICT);
		r->kernel = xstrdup(l->w[1].s);
		r->suite = xstrdup(suite);
		r->test = slash ? xstrdup(slash) : NULL;
		r->verdicts = set;
	}
	free(suite);
	return rc;
}

static int rule_overhead(struct g_criteria *c, const struct line *l, const strv *kernels)
{
	static const char *const usage = "overhead KERNEL WORKLOAD VARIANT floor|twin|PEER OP BOUND";
	struct g_crit *r;
	char o;
	double b;

	if (need(l, 7, usage) < 0 || kernel_word(l, 1, kernels, false) < 0)
		return -1;
	for (int i = 2; i <= 4; i++)
		if (!g_valid_id(l->w[i].s))
			return bad(l, i, "'%s' is not a name (letters, digits, '.', '_', '-')", l->w[i].s);
	if (op(l, 5, &o) < 0 || number(l, 6, 0, 1e6, &b) < 0)
		return -1;
	if (strchr(l->w[6].s, '%'))
		return bad(l, 6, "a ratio, not a percentage: '%s'", l->w[6].s);
	r = add(c, l, C_OVERHEAD);
	r->kernel = xstrdup(l->w[1].s);
	r->workload = xstrdup(l->w[2].s);
	r->variant = xstrdup(l->w[3].s);
	r->against = xstrdup(l->w[4].s);
	r->op = o;
	r->bound = b;
	return 0;
}

static int rule_coverage(struct g_criteria *c, const struct line *l)
{
	struct g_crit *r;
	char o;
	double b;

	if (need(l, 5, "coverage kernel|user lines|functions OP PERCENT%") < 0)
		return -1;
	if (strcmp(l->w[1].s, "kernel") && strcmp(l->w[1].s, "user"))
		return bad(l, 1, "expected kernel or user, got '%s'", l->w[1].s);
	if (strcmp(l->w[2].s, "lines") && strcmp(l->w[2].s, "functions"))
		return bad(l, 2, "expected lines or functions, got '%s'", l->w[2].s);
	if (op(l, 3, &o) < 0 || number(l, 4, 0, 100, &b) < 0)
		return -1;
	r = add(c, l, C_COVERAGE);
	r->what = xstrdup(l->w[1].s);
	r->measure = xstrdup(l->w[2].s);
	r->op = o;
	r->bound = b;
	return 0;
}

static int seconds_rule(struct g_criteria *c, const struct line *l, enum g_crit_kind kind)
{
	double v;

	if (need(l, 2, kind == C_DURATION ? "duration SECONDS" : "fuzz SECONDS") < 0 ||
	    number(l, 1, kind == C_DURATION ? 0 : 1, 1e7, &v) < 0)
		return -1;
	if (v != (double)(long)v || strchr(l->w[1].s, '%'))
		return bad(l, 1, "whole seconds, got '%s'", l->w[1].s);
	if ((kind == C_DURATION ? c->duration : c->fuzz_seconds) >= 0)
		return bad(l, 0, "'%s' given twice", l->w[0].s);
	if (kind == C_DURATION)
		c->duration = (int)v;
	else
		c->fuzz_seconds = (int)v;
	add(c, l, kind)->bound = v;
	return 0;
}

static int rule_list(struct g_criteria *c, const struct line *l, const strv *kernels,
		     const strv *suites, bool is_kernels)
{
	strv *dst = is_kernels ? &c->kernels : &c->suites;

	if (l->n < 2)
		return bad(l, 1, "missing words: %s", is_kernels ? "kernels all|debian|ID..." : "suites all|NAME...");
	if (dst->n)
		return bad(l, 0, "'%s' given twice", l->w[0].s);
	for (int i = 1; i < l->n; i++) {
		if (is_kernels ? kernel_word(l, i, kernels, true) < 0
			       : suite_word(l, i, suites, l->w[i].s, true) < 0)
			return -1;
		if (!strcmp(l->w[i].s, "*"))
			return bad(l, i, "'*' is for rules; the run's %s are all or a list",
				   is_kernels ? "kernels" : "suites");
		sv_push(dst, l->w[i].s);
	}
	add(c, l, is_kernels ? C_KERNELS : C_SUITES);
	return 0;
}

static int rule(struct g_criteria *c, const struct line *l, const strv *kernels, const strv *suites)
{
	const char *k = l->w[0].s;

	if (!strcmp(k, "kernels") || !strcmp(k, "suites"))
		return rule_list(c, l, kernels, suites, k[0] == 'k');
	if (!strcmp(k, "duration"))
		return seconds_rule(c, l, C_DURATION);
	if (!strcmp(k, "fuzz"))
		return seconds_rule(c, l, C_FUZZ);
	if (!strcmp(k, "verdict"))
		return rule_verdict(c, l, kernels, suites);
	if (!strcmp(k, "overhead"))
		return rule_overhead(c, l, kernels);
	if (!strcmp(k, "coverage"))
		return rule_coverage(c, l);
	if (!strcmp(k, "limitation")) {
		if (need(l, 2, "limitation \"TEXT\"") < 0)
			return -1;
		sv_push(&c->limitations, l->w[1].s);
		return 0;
	}
	return bad(l, 0, "unknown rule '%s' (kernels, suites, duration, fuzz, verdict, overhead, "
		   "coverage, limitation)", k);
}

/* Whatever the file says, it must say what the run is: every rule kind
 * the certificate reports on has a line. */
static int complete(struct g_criteria *c)
{
	bool verdicts = false;

	for (int i = 0; i < c->n; i++)
		verdicts = verdicts || c->rules[i].kind == C_VERDICT;
	if (!c->kernels.n || !c->suites.n || c->duration < 0 || !verdicts) {
		g_err("%s: incomplete: needs 'kernels', 'suites', 'duration' and at least one 'verdict' "
		      "line (docs/certify.md)", c->file);
		return -1;
	}
	return 0;
}

int g_criteria_load(const char *file, struct g_criteria *c)
{
	struct g_kernel *ks = NULL;
	int nk = 0, rc = 0, no = 0;
	strv kernels = {0}, suites = {0};
	size_t len;
	char *text, *save;

	memset(c, 0, sizeof(*c));
	c->file = xstrdup(file);
	c->duration = c->fuzz_seconds = -1;
	text = read_file(file, &len);
	if (!text) {
		g_err("cannot read the criteria %s: %s", file, strerror(errno));
		g_criteria_free(c);
		return -1;
	}
	if (memchr(text, 0, len) || g_conf_kernels(&ks, &nk) < 0) {
		if (memchr(text, 0, len))
			g_err("%s: a NUL byte: not a criteria file", file);
		free(text);
		g_criteria_free(c);
		return -1;
	}
	c->sha256 = g_sha256_hex(text, len);
	for (int i = 0; i < nk; i++)
		sv_push(&kernels, ks[i].id);
	G_FREE_ARRAY(ks, nk, g_kernel_free);
	g_conf_suite_names("grid/suites", &suites);
	for (char *p = text; p; p = save) {
		struct line l = {.file = file, .no = ++no};

		save = strchr(p, '\n');
		if (save)
			*save++ = 0;
		if (split(p, &l) < 0 || (l.n && rule(c, &l, &kernels, &suites) < 0))
			rc = -1;
	}
	if (rc == 0)
		rc = complete(c);
	free(text);
	sv_free(&kernels);
	sv_free(&suites);
	if (rc < 0)
		g_criteria_free(c);
	return rc;
}

void g_criteria_free(struct g_criteria *c)
{
	for (int i = 0; i < c->n; i++) {
		struct g_crit *r = &c->rules[i];

		g_free_strs(&r->where, &r->text, &r->kernel, &r->suite, &r->test, &r->workload,
			    &r->variant, &r->against, &r->what, &r->measure, NULL);
	}
	free(c->rules);
	sv_free(&c->kernels);
	sv_free(&c->suites);
	sv_free(&c->limitations);
	g_free_strs(&c->file, &c->sha256, NULL);
	memset(c, 0, sizeof(*c));
}
