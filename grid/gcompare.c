/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stapgrid compare A B (docs/certify.md, "Compare"): two runs or two
 * certificates (or one of each), as the facts g_cert_facts takes from a
 * run: job and test verdicts, overhead ratios, coverage.  What changed
 * from A to B is listed, and a regression is marked: a verdict worse than
 * before (a new failure), a ratio to the floor that rose beyond its noise,
 * coverage down by more than a point.
 *
 * Noise: each run measured a ratio from repeated runs (perf's `runs`,
 * with the fastest and slowest, `min` and `max`, over the floor's median:
 * ratio_min, ratio_max).  A ratio moved when the two runs' bands do not
 * overlap: every repeated sample of B above every one of A.  A row with
 * one run has no band and is not judged (counted, never a pass).
 */
#include "grid.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Coverage may move by this many points of percentage between two runs
 * of the same code (the scripts' paths differ with timing) before a drop
 * is a regression. */
#define COV_POINTS 1.0

/* {label, jobs, tests, overhead, coverage} of a certificate folder, a
 * certificate.json, or a run (ID or folder). */
static json_t *side(const char *what)
{
	char *certdir = NULL, *cj = g_path(what, "certificate.json"), *rundir = NULL;
	json_t *f = NULL;

	if (g_exists(cj))
		certdir = xstrdup(what);
	else if (g_valid_id(what)) {
		char *p = xasprintf("%s/certificates/%s/certificate.json", G.results, what);
		if (g_exists(p) && !g_find_run(what))
			certdir = xasprintf("%s/certificates/%s", G.results, what);
		free(p);
	}
	if (certdir) {
		json_t *c = g_cert_load(certdir);

		if (c) {
			f = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O}", "label", g_jstr(c, "release"), "run_id",
				      g_jstr(c, "run_id"), "jobs", json_object_get(json_object_get(c, "matrix"), "jobs"),
				      "tests", json_object_get(c, "tests"), "overhead", json_object_get(c, "overhead"),
				      "coverage", json_object_get(c, "coverage"));
			json_object_set_new(f, "kind", json_string("certificate"));
			json_decref(c);
		}
	} else if ((rundir = g_find_run(what))) {
		char *rj = g_path(rundir, "run.json");
		json_t *run = json_load_file(rj, 0, NULL);

		if (run) {
			f = g_cert_facts(run);
			json_object_set_new(f, "label", json_string(g_jstr(run, "run_id")));
			json_object_set_new(f, "run_id", json_string(g_jstr(run, "run_id")));
			json_object_set_new(f, "kind", json_string("run"));
		} else {
			g_err("%s: cannot read", rj);
		}
		json_decref(run);
		free(rj);
	} else {
		g_err("compare: '%s' is no run (an ID in results/runs or results/published, or a folder "
		      "with run.json) and no certificate (results/certificates/NAME, or a folder with "
		      "certificate.json)", what);
	}
	g_free_strs(&certdir, &cj, &rundir, NULL);
	return f;
}

static void change(json_t *out, const char *kind, const char *key, const char *a, const char *b,
		   bool regression, const char *note)
{
	json_array_append_new(json_object_get(out, "changes"),
			      json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "kind", kind, "key", key, "a", a,
					"b", b, "regression", regression, "note", note));
	if (regression)
		json_object_set_new(out, "regressions",
				    json_integer(json_integer_value(json_object_get(out, "regressions")) + 1));
}

/* A verdict from a to b (either "" when absent): worse is a regression. */
static void verdicts(json_t *out, const char *kind, const char *key, const char *a, const char *b)
{
	int va = g_verdict_parse(a), vb = g_verdict_parse(b);
	bool worse;

	if (!strcmp(a, b))
		return;
	if (!*a) {
		change(out, kind, key, "", b, vb != V_PASS && vb != V_UNSUPPORTED,
		       vb == V_PASS ? "added" : "added, not passing: a new failure");
		return;
	}
	if (!*b) {
		change(out, kind, key, a, "", false, "removed");
		return;
	}
	worse = va < 0 || vb < 0 || ((int)g_verdict_worse((enum g_verdict)va, (enum g_verdict)vb) == vb);
	change(out, kind, key, a, b, worse,
	       !worse ? "better" : va <= V_UNSUPPORTED ? "worse: a new failure" : "worse");
}

static void jobs(json_t *out, json_t *A, json_t *B)
{
	json_t *ma = json_object(), *mb = json_object(), *v, *j;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(A, "jobs"), i, j)
		json_object_set_new(ma, g_jstr(j, "id"), json_string(g_jstr(j, "verdict")));
	json_array_foreach(json_object_get(B, "jobs"), i, j)
		json_object_set_new(mb, g_jstr(j, "id"), json_string(g_jstr(j, "verdict")));
	json_object_foreach(ma, k, v)
		verdicts(out, "job", k, json_string_value(v), g_jstr(mb, k));
	json_object_foreach(mb, k, v)
		if (!json_object_get(ma, k))
			verdicts(out, "job", k, "", json_string_value(v));
	json_decref(ma);
	json_decref(mb);
}

static void tests(json_t *out, json_t *A, json_t *B)
{
	json_t *ta = json_object_get(A, "tests"), *tb = json_object_get(B, "tests"), *v;
	const char *k;

	json_object_foreach(ta, k, v)
		verdicts(out, "test", k, json_string_value(v), g_jstr(tb, k));
	json_object_foreach(tb, k, v)
		if (!json_object_get(ta, k))
			verdicts(out, "test", k, "", json_string_value(v));
}

static json_t *find_ratio(json_t *rows, json_t *w)
{
	json_t *o;
	size_t i;

	json_array_foreach(rows, i, o)
		if (!strcmp(g_jstr(o, "kernel"), g_jstr(w, "kernel")) && !strcmp(g_jstr(o, "workload"), g_jstr(w, "workload")) &&
		    !strcmp(g_jstr(o, "variant"), g_jstr(w, "variant")) && !strcmp(g_jstr(o, "unit"), g_jstr(w, "unit")))
			return o;
	return NULL;
}

static void overhead(json_t *out, json_t *A, json_t *B)
{
	json_t *w, *o;
	size_t i;
	int unjudged = 0;

	json_array_foreach(json_object_get(A, "overhead"), i, w) {
		double ra = g_jnum(w, "ratio_to_floor"), rb, alo = g_jnum(w, "ratio_min"), ahi = g_jnum(w, "ratio_max");
		double blo, bhi;
		char *key, *a, *b;

		if (!strcmp(g_jstr(w, "variant"), "floor") || !(o = find_ratio(json_object_get(B, "overhead"), w)))
			continue;
		rb = g_jnum(o, "ratio_to_floor");
		blo = g_jnum(o, "ratio_min");
		bhi = g_jnum(o, "ratio_max");
		if (!isfinite(alo) || !isfinite(blo) || !isfinite(ra) || !isfinite(rb)) {
			unjudged++;
			continue;
		}
		if (blo <= ahi && alo <= bhi)
			continue; /* the bands overlap: within the noise */
		key = xasprintf("%s %s %s", g_jstr(w, "kernel"), g_jstr(w, "workload"), g_jstr(w, "variant"));
		a = xasprintf("%.3f [%.3f-%.3f]", ra, alo, ahi);
		b = xasprintf("%.3f [%.3f-%.3f]", rb, blo, bhi);
		change(out, "overhead", key, a, b, blo > ahi,
		       blo > ahi ? "ratio to floor rose beyond the noise of both runs' samples"
				 : "ratio to floor fell beyond the noise of both runs' samples");
		g_free_strs(&key, &a, &b, NULL);
	}
	json_object_set_new(out, "overhead_unjudged", json_integer(unjudged));
}

static void coverage(json_t *out, json_t *A, json_t *B)
{
	const char *whats[] = {"kernel", "user"}, *measures[] = {"lines_pct", "functions_pct"};

	for (int w = 0; w < 2; w++)
		for (int m = 0; m < 2; m++) {
			json_t *ca = json_object_get(json_object_get(A, "coverage"), whats[w]);
			json_t *cb = json_object_get(json_object_get(B, "coverage"), whats[w]);
			double a = g_jnum(ca, measures[m]), b = g_jnum(cb, measures[m]);
			char *key = xasprintf("%s %s", whats[w], measures[m]), *sa, *sb;

			if (isfinite(a) || isfinite(b)) {
				sa = isfinite(a) ? xasprintf("%.1f%%", a) : xstrdup("not measured");
				sb = isfinite(b) ? xasprintf("%.1f%%", b) : xstrdup("not measured");
				if (!isfinite(b))
					change(out, "coverage", key, sa, sb, true, "no longer measured");
				else if (!isfinite(a) || fabs(a - b) >= 0.05)
					change(out, "coverage", key, sa, sb, isfinite(a) && a - b > COV_POINTS,
					       isfinite(a) && a - b > COV_POINTS ? "down by more than a point"
										: "changed");
				g_free_strs(&sa, &sb, NULL);
			}
			free(key);
		}
}

json_t *g_compare(const char *a, const char *b)
{
	json_t *A = side(a), *B = A ? side(b) : NULL, *out = NULL;

	if (A && B) {
		out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:[]}", "a", g_jstr(A, "label"), "b", g_jstr(B, "label"),
				"a_kind", g_jstr(A, "kind"), "b_kind", g_jstr(B, "kind"), "a_run", g_jstr(A, "run_id"),
				"b_run", g_jstr(B, "run_id"), "regressions", 0, "changes");
		jobs(out, A, B);
		tests(out, A, B);
		overhead(out, A, B);
		coverage(out, A, B);
	}
	json_decref(A);
	json_decref(B);
	return out;
}

int g_compare_cmd(const char *a, const char *b)
{
	json_t *c = g_compare(a, b), *x;
	size_t i;
	long n;

	if (!c)
		return 2;
	printf("compare %s %s -> %s %s\n", g_jstr(c, "a_kind"), g_jstr(c, "a"), g_jstr(c, "b_kind"), g_jstr(c, "b"));
	json_array_foreach(json_object_get(c, "changes"), i, x)
		printf("%-10s %-8s %s: %s -> %s (%s)\n", json_is_true(json_object_get(x, "regression")) ? "REGRESSION" : "",
		       g_jstr(x, "kind"), g_jstr(x, "key"), *g_jstr(x, "a") ? g_jstr(x, "a") : "-", *g_jstr(x, "b") ? g_jstr(x, "b") : "-",
		       g_jstr(x, "note"));
	if (json_integer_value(json_object_get(c, "overhead_unjudged")))
		printf("%lld overhead ratio(s) not judged: fewer than 2 runs, no noise estimate\n",
		       (long long)json_integer_value(json_object_get(c, "overhead_unjudged")));
	n = (long)json_integer_value(json_object_get(c, "regressions"));
	printf("%ld regression(s), %zu change(s)\n", n, json_array_size(json_object_get(c, "changes")));
	json_decref(c);
	return n ? 1 : 0;
}
