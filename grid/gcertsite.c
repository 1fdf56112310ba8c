/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The site's certification pages (gsite.c calls these):
 *   certificates/NAME/index.html   a certificate: verdict, criteria met and
 *                                  missed, kernels x suites, torture,
 *                                  overhead with its chart, coverage,
 *                                  fuzzing, limitations, inputs, how to
 *                                  verify; certificate.json, .sig and
 *                                  signer.pub copied beside it
 *   compare/A--B.html              a comparison (gcompare.c): each
 *                                  certificate against the one before, the
 *                                  latest run against the newest earlier
 *                                  one with a job in common
 *   index.html                     the headline overhead ratios with their
 *                                  chart, the certificates, the comparisons
 */
#include "grid.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void num(sbuf *b, json_t *v, const char *fmt)
{
	if (json_is_number(v))
		sb_addf(b, fmt, json_number_value(v));
	else
		sb_add(b, "-");
}

/* ---- the latest verdicts ------------------------------------------------------ */

/* (kernel, suite)'s newest job over runs (newest first): the worst of its
 * repeats in the newest run that has it; NULL when no run has it. */
static json_t *newest_job(json_t **runs, size_t n, const char *kernel, const char *suite, size_t *run)
{
	for (size_t r = 0; r < n; r++) {
		json_t *j, *hit = NULL;
		size_t i;

		json_array_foreach(json_object_get(runs[r], "jobs"), i, j) {
			int v = g_verdict_parse(g_jstr(j, "verdict"));

			if (strcmp(g_jstr(j, "kernel"), kernel) || strcmp(g_jstr(j, "suite"), suite))
				continue;
			if (!hit || (v >= 0 && (int)g_verdict_worse((enum g_verdict)g_verdict_parse(g_jstr(hit, "verdict")),
								     (enum g_verdict)v) == v))
				hit = j;
		}
		if (hit) {
			*run = r;
			return hit;
		}
	}
	return NULL;
}

void g_site_latest(sbuf *b, json_t **runs, size_t n)
{
	strv kernels = {0}, suites = {0}, real = {0}, deliberate = {0};

	/* grid/selftest's deliberate guests (run as suites by check-lava)
	 * judge the grid, not the tracer: not in this matrix. */
	g_conf_suite_names("grid/suites", &real);
	g_conf_suite_names("grid/selftest", &deliberate);
	for (size_t r = 0; r < n; r++) {
		json_t *j;
		size_t i;

		json_array_foreach(json_object_get(runs[r], "jobs"), i, j) {
			if (sv_has(&deliberate, g_jstr(j, "suite")) && !sv_has(&real, g_jstr(j, "suite")))
				continue;
			if (!sv_has(&kernels, g_jstr(j, "kernel")))
				sv_push(&kernels, g_jstr(j, "kernel"));
			if (!sv_has(&suites, g_jstr(j, "suite")))
				sv_push(&suites, g_jstr(j, "suite"));
		}
	}
	sb_add(b, "<h2>Latest verdict per kernel and suite</h2>\n<p>Each cell is the newest run that "
		  "ran the suite on the kernel (its date under the verdict); an empty cell, never run.</p>\n"
		  "<table id='latest'><tr><th>kernel</th>");
	for (size_t s = 0; s < suites.n; s++)
		sb_addtag(b, "<th>", suites.v[s], "</th>");
	sb_add(b, "</tr>\n");
	for (size_t k = 0; k < kernels.n; k++) {
		sb_addtag(b, "<tr><th>", kernels.v[k], "</th>");
		for (size_t s = 0; s < suites.n; s++) {
			size_t r = 0;
			json_t *j = newest_job(runs, n, kernels.v[k], suites.v[s], &r);

			if (!j) {
				sb_add(b, "<td></td>");
				continue;
			}
			sb_addf(b, "<td class='v %s'><a href='runs/%s/%s.html'>%s</a><br><small>%.15s</small></td>",
				g_jstr(j, "verdict"), g_jstr(runs[r], "run_id"), g_jstr(j, "id"), g_jstr(j, "verdict"),
				g_jstr(runs[r], "run_id"));
		}
		sb_add(b, "</tr>\n");
	}
	sb_add(b, "</table>\n");
	sv_free(&kernels);
	sv_free(&suites);
	sv_free(&real);
	sv_free(&deliberate);
}

/* ---- headline overhead ---------------------------------------------------- */

/* The tracers' counters (ours, bpftrace's, SystemTap's): the one script
 * every tracer runs, so the ratio a reader compares first. */
static bool headline_row(json_t *w)
{
	return strstr(g_jstr(w, "variant"), "counter") && json_is_number(json_object_get(w, "ratio_to_floor")) &&
	       strcmp(g_jstr(w, "unit"), "ns_per_hit") == 0;
}

/* One chart a workload: the tracers' counters side by side, the floor at 1.0. */
static void headline_chart(sbuf *b, const char *kernel, json_t *rows, const char *workload)
{
	struct g_bar *bars = xcalloc(json_array_size(rows) + 1, sizeof(*bars));
	char *title = xasprintf("%s, %s: ratio to floor", kernel, workload);
	struct g_chart c = {.title = title, .tip = title, .bars = bars, .digits = 2, .none = "no ratio",
			    .mark = 1, .mark_label = "1.0 = floor (a bare kprobe)"};
	json_t *w;
	size_t i;

	json_array_foreach(rows, i, w)
		if (headline_row(w) && !strcmp(g_jstr(w, "workload"), workload))
			bars[c.n++] = (struct g_bar){g_jstr(w, "variant"),
						     json_number_value(json_object_get(w, "ratio_to_floor")), true,
						     strcmp(g_jstr(w, "variant"), "counter") != 0};
	g_chart_svg(b, &c);
	free(bars);
	free(title);
}

static void headline_job(sbuf *b, json_t *run, json_t *job)
{
	json_t *rows = json_object_get(json_object_get(job, "perf"), "rows"), *w;
	strv workloads = {0};
	size_t i;

	sb_addf(b, "<h3><a href='runs/%s/%s.html'>", g_jstr(run, "run_id"), g_jstr(job, "id"));
	sb_addxml(b, g_jstr(job, "kernel"));
	sb_addf(b, "</a> (run %s", g_jstr(run, "run_id"));
	if (!strcmp(g_jstr(job, "accel"), "tcg"))
		sb_add(b, ", under TCG: ratios carry over, absolute ns do not");
	sb_add(b, ")</h3>\n<table class='headline'><tr><th>workload</th><th>variant</th>"
		  "<th>ratio to floor</th><th>ratio to twin</th><th>runs</th></tr>\n");
	json_array_foreach(rows, i, w) {
		if (!headline_row(w))
			continue;
		if (!sv_has(&workloads, g_jstr(w, "workload")))
			sv_push(&workloads, g_jstr(w, "workload"));
		sb_addtag(b, "<tr><td>", g_jstr(w, "workload"), "</td>");
		sb_addtag(b, "<td>", g_jstr(w, "variant"), "</td><td>");
		num(b, json_object_get(w, "ratio_to_floor"), "%.2f");
		sb_add(b, "</td><td>");
		num(b, json_object_get(w, "ratio_to_twin"), "%.2f");
		if (json_is_string(json_object_get(w, "twin")))
			sb_addtag(b, " (", g_jstr(w, "twin"), ")");
		sb_add(b, "</td><td>");
		num(b, json_object_get(w, "runs"), "%.0f");
		sb_add(b, "</td></tr>\n");
	}
	sb_add(b, "</table>\n");
	for (size_t k = 0; k < workloads.n; k++)
		headline_chart(b, g_jstr(job, "kernel"), rows, workloads.v[k]);
	sv_free(&workloads);
}

void g_site_headline(sbuf *b, json_t **runs, size_t n)
{
	sb_add(b, "<h2 id='headline'>Headline overhead: what a probe costs</h2>\n");
	for (size_t r = 0; r < n; r++) {
		json_t *j;
		size_t i;
		strv seen = {0};
		bool any = false;

		json_array_foreach(json_object_get(runs[r], "jobs"), i, j) {
			json_t *w;
			size_t k;
			bool has = false;

			json_array_foreach(json_object_get(json_object_get(j, "perf"), "rows"), k, w)
				has = has || headline_row(w);
			if (!has || sv_has(&seen, g_jstr(j, "kernel")))
				continue;
			if (!any)
				sb_add(b, "<p>Each tracer's counter script (a global incremented a hit) over the "
					  "floor, a bare kprobe module, on the same workload in the same boot: "
					  "1.0 is the floor's cost; our counter's bars are blue, the peers' grey "
					  "(the newest run with overhead rows; the full tables are further down).</p>\n");
			any = true;
			sv_push(&seen, g_jstr(j, "kernel"));
			headline_job(b, runs[r], j);
		}
		sv_free(&seen);
		if (any)
			return;
	}
	sb_add(b, "<p>No run has overhead rows yet (the perf suite: stapgrid run --suite perf).</p>\n");
}

/* ---- certificates ------------------------------------------------------- */

static void cert_criteria(sbuf *b, json_t *cert)
{
	json_t *r;
	size_t i;

	sb_add(b, "<h2>Criteria</h2>\n<table class='criteria'><tr><th>rule</th><th>where</th>"
		  "<th>met</th><th>figures, or what broke it</th></tr>\n");
	json_array_foreach(json_object_get(cert, "results"), i, r) {
		bool met = json_is_true(json_object_get(r, "met"));

		sb_addtag(b, "<tr><td><code>", g_jstr(r, "rule"), "</code></td>");
		sb_addtag(b, "<td>", g_jstr(r, "where"), "</td>");
		sb_addf(b, "<td class='v %s'>%s</td>", met ? "pass" : "fail", met ? "met" : "missed");
		sb_addtag(b, "<td>", g_jstr(r, "detail"), "</td></tr>\n");
	}
	sb_add(b, "</table>\n");
}

static void cert_matrix(sbuf *b, json_t *cert, bool run_here)
{
	json_t *m = json_object_get(cert, "matrix"), *k, *s, *j;
	size_t a, c, i;

	sb_add(b, "<h2>Kernels x suites</h2>\n<table id='certmatrix'><tr><th>kernel</th>");
	json_array_foreach(json_object_get(m, "suites"), c, s)
		sb_addtag(b, "<th>", json_string_value(s), "</th>");
	sb_add(b, "</tr>\n");
	json_array_foreach(json_object_get(m, "kernels"), a, k) {
		sb_addtag(b, "<tr><th>", json_string_value(k), "</th>");
		json_array_foreach(json_object_get(m, "suites"), c, s) {
			json_t *hit = NULL;

			json_array_foreach(json_object_get(m, "jobs"), i, j)
				if (!strcmp(g_jstr(j, "kernel"), json_string_value(k)) &&
				    !strcmp(g_jstr(j, "suite"), json_string_value(s)) && !hit)
					hit = j;
			if (!hit) {
				sb_add(b, "<td>not run</td>");
				continue;
			}
			sb_addf(b, "<td class='v %s'>", g_jstr(hit, "verdict"));
			if (run_here)
				sb_addf(b, "<a href='../../runs/%s/%s.html'>%s</a>", g_jstr(cert, "run_id"), g_jstr(hit, "id"),
					g_jstr(hit, "verdict"));
			else
				sb_addxml(b, g_jstr(hit, "verdict"));
			sb_addf(b, " <small>%lld/%lld</small></td>",
				(long long)json_integer_value(json_object_get(hit, "tests_pass")),
				(long long)json_integer_value(json_object_get(hit, "tests")));
		}
		sb_add(b, "</tr>\n");
	}
	sb_add(b, "</table>\n");
}

static void cert_torture(sbuf *b, json_t *cert)
{
	json_t *t = json_object_get(cert, "torture"), *j, *x, *v;
	const char *k;
	size_t i, m;

	sb_add(b, "<h2>Torture</h2>\n<p>");
	num(b, json_object_get(t, "hours"), "%.2f");
	sb_add(b, " hours of torture jobs; each test ran ");
	num(b, json_object_get(t, "duration_per_test"), "%.0f");
	sb_add(b, " s (the run's --duration).</p>\n<table><tr><th>kernel</th><th>test</th><th>verdict</th>"
		  "<th>figures</th></tr>\n");
	json_array_foreach(json_object_get(t, "jobs"), i, j)
		json_array_foreach(json_object_get(j, "tests"), m, x) {
			sb_addtag(b, "<tr><td>", g_jstr(j, "kernel"), "</td>");
			sb_addtag(b, "<td>", g_jstr(x, "name"), "</td>");
			sb_addtag(b, "<td class='v ", g_jstr(x, "verdict"), "'>");
			sb_addxml(b, g_jstr(x, "verdict"));
			sb_add(b, "</td><td class='fig'>");
			json_object_foreach(json_object_get(x, "figures"), k, v) {
				char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));

				sb_addtag(b, "", k, " ");
				sb_addtag(b, "", s, "<br>");
				free(s);
			}
			sb_add(b, "</td></tr>\n");
		}
	sb_add(b, "</table>\n");
}

static void cert_overhead(sbuf *b, json_t *cert)
{
	json_t *o = json_object_get(cert, "overhead"), *w;
	struct g_bar *bars = xcalloc(json_array_size(o) + 1, sizeof(*bars));
	strv labels = {0};
	struct g_chart c = {.title = "counters: ratio to floor", .tip = "counters: ratio to floor",
			    .bars = bars, .digits = 2, .none = "no ratio", .mark = 1, .mark_label = "1.0 = floor"};
	size_t i;

	sb_add(b, "<h2>Overhead</h2>\n<p>Ratios to the floor (a bare kprobe module), with the band "
		  "their repeated runs span (fastest and slowest run over the floor's median), and to "
		  "the twin (the same script in bpftrace).</p>\n<table><tr><th>kernel</th><th>workload</th>"
		  "<th>variant</th><th>value</th><th>ratio to floor</th><th>band</th><th>runs</th>"
		  "<th>ratio to twin</th></tr>\n");
	json_array_foreach(o, i, w) {
		sb_addtag(b, "<tr><td>", g_jstr(w, "kernel"), "</td>");
		sb_addtag(b, "<td>", g_jstr(w, "workload"), "</td>");
		sb_addtag(b, "<td>", g_jstr(w, "variant"), "</td><td>");
		num(b, json_object_get(w, "value"), "%.4g");
		sb_addtag(b, " ", g_jstr(w, "unit"), "</td><td>");
		num(b, json_object_get(w, "ratio_to_floor"), "%.3f");
		sb_add(b, "</td><td>");
		num(b, json_object_get(w, "ratio_min"), "%.3f");
		sb_add(b, " - ");
		num(b, json_object_get(w, "ratio_max"), "%.3f");
		sb_add(b, "</td><td>");
		num(b, json_object_get(w, "runs"), "%.0f");
		sb_add(b, "</td><td>");
		num(b, json_object_get(w, "ratio_to_twin"), "%.3f");
		sb_add(b, "</td></tr>\n");
		if (strstr(g_jstr(w, "variant"), "counter")) {
			sv_pushown(&labels, xasprintf("%s %s %s", g_jstr(w, "kernel"), g_jstr(w, "workload"), g_jstr(w, "variant")));
			bars[c.n++] = (struct g_bar){labels.v[labels.n - 1],
						     json_number_value(json_object_get(w, "ratio_to_floor")), true,
						     strcmp(g_jstr(w, "variant"), "counter") != 0};
		}
	}
	sb_add(b, "</table>\n");
	if (c.n)
		g_chart_svg(b, &c);
	sv_free(&labels);
	free(bars);
}

static void cert_coverage(sbuf *b, json_t *cert)
{
	const char *parts[] = {"kernel", "user"};

	sb_add(b, "<h2>Coverage</h2>\n<table><tr><th>runtime</th><th>lines</th><th>functions</th></tr>\n");
	for (int p = 0; p < 2; p++) {
		json_t *c = json_object_get(json_object_get(cert, "coverage"), parts[p]);

		sb_addf(b, "<tr><td>%s</td><td>", parts[p]);
		if (!json_is_object(c)) {
			sb_add(b, "not measured</td><td>not measured</td></tr>\n");
			continue;
		}
		num(b, json_object_get(c, "lines_hit"), "%.0f");
		sb_add(b, " of ");
		num(b, json_object_get(c, "lines_found"), "%.0f");
		sb_add(b, " (");
		num(b, json_object_get(c, "lines_pct"), "%.1f%%");
		sb_add(b, ")</td><td>");
		num(b, json_object_get(c, "functions_hit"), "%.0f");
		sb_add(b, " of ");
		num(b, json_object_get(c, "functions_found"), "%.0f");
		sb_add(b, " (");
		num(b, json_object_get(c, "functions_pct"), "%.1f%%");
		sb_add(b, ")</td></tr>\n");
	}
	sb_add(b, "</table>\n");
}

/* A JSON value as a <pre> block: the inputs as recorded. */
static void pre_json(sbuf *b, const char *title, json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	sb_addtag(b, "<h2>", title, "</h2>\n<pre>");
	sb_addxml(b, s ? s : "null");
	sb_add(b, "</pre>\n");
	free(s);
}

static void cert_rest(sbuf *b, json_t *cert)
{
	json_t *l, *f = json_object_get(cert, "fuzz");
	size_t i;

	sb_add(b, "<h2>Fuzzing</h2>\n<p>");
	if (json_is_object(f)) {
		sb_addtag(b, "", g_jstr(f, "verdict"), ": ");
		num(b, json_object_get(f, "hours"), "%.2f");
		sb_add(b, " hours, ");
		num(b, json_object_get(f, "runs"), "%.0f");
		sb_add(b, " inputs, seed ");
		num(b, json_object_get(f, "seed"), "%.0f");
		sb_addtag(b, ". <code>", g_jstr(f, "summary"), "</code>");
	} else {
		sb_add(b, "No fuzzing run.");
	}
	sb_add(b, "</p>\n<h2>Known limitations</h2>\n<ul>\n");
	json_array_foreach(json_object_get(cert, "known_limitations"), i, l)
		sb_addtag(b, "<li>", json_string_value(l), "</li>\n");
	sb_add(b, "</ul>\n");
	pre_json(b, "Inputs: what reproduces the run", json_object_get(cert, "inputs"));
	pre_json(b, "Evidence", json_object_get(cert, "evidence"));
	pre_json(b, "Signature", json_object_get(cert, "signature"));
	sb_add(b, "<h2>Criteria file</h2>\n<pre>");
	sb_addxml(b, g_jstr(json_object_get(cert, "criteria"), "text"));
	sb_add(b, "</pre>\n");
}

static int cert_page(const char *srcdir, const char *name, const char *sitedir, const strv *runs_here)
{
	char *dst = xasprintf("%s/certificates/%s", sitedir, name), *title;
	json_t *cert = g_cert_load(srcdir);
	const char *files[] = {"certificate.json", "certificate.sig", "signer.pub"};
	sbuf b = {0};
	int rc;

	if (!cert || g_mkdirs(dst, 0755) < 0) {
		json_decref(cert);
		free(dst);
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		char *c = g_site_copy(srcdir, files[i], dst, files[i]);
		free(c);
	}
	title = xasprintf("Release %s: %s", name, g_jstr(cert, "verdict"));
	g_site_head(&b, title, "../../");
	free(title);
	sb_addf(&b, "<p class='verdict'><span class='v %s'>%s</span>: %lld of %zu criteria met; issued %s; "
		    "run ", strcmp(g_jstr(cert, "verdict"), "certified") ? "fail" : "pass", g_jstr(cert, "verdict"),
		(long long)json_integer_value(json_object_get(cert, "criteria_met")),
		json_array_size(json_object_get(cert, "results")), g_jstr(cert, "issued"));
	if (sv_has(runs_here, g_jstr(cert, "run_id")))
		sb_addf(&b, "<a href='../../runs/%s/index.html'>%s</a>", g_jstr(cert, "run_id"), g_jstr(cert, "run_id"));
	else
		sb_addtag(&b, "", g_jstr(cert, "run_id"), " (not in this site)");
	sb_add(&b, ".</p>\n<p>Signed: <a href='certificate.json'>certificate.json</a>, "
		   "<a href='certificate.sig'>certificate.sig</a> (Ed25519), key "
		   "<a href='signer.pub'>signer.pub</a>; check it with <code>stapgrid certify --verify "
		   "DIR --key PUBLISHER.pub</code> (docs/certify.md).</p>\n");
	cert_criteria(&b, cert);
	cert_matrix(&b, cert, sv_has(runs_here, g_jstr(cert, "run_id")));
	cert_torture(&b, cert);
	cert_overhead(&b, cert);
	cert_coverage(&b, cert);
	cert_rest(&b, cert);
	title = xasprintf("%s/index.html", dst);
	rc = g_site_write(title, &b);
	json_decref(cert);
	free(title);
	free(dst);
	return rc;
}

/* ---- comparisons ------------------------------------------------------------ */

static char *compare_page(const char *a, const char *b, const char *an, const char *bn, const char *sitedir)
{
	json_t *c = g_compare(a, b), *x;
	char *name, *path, *title;
	size_t i;
	sbuf p = {0};

	if (!c)
		return NULL;
	name = xasprintf("%s--%s.html", an, bn);
	path = xasprintf("%s/compare/%s", sitedir, name);
	title = xasprintf("%s %s against %s %s", g_jstr(c, "b_kind"), bn, g_jstr(c, "a_kind"), an);
	g_site_head(&p, title, "../");
	sb_addf(&p, "<p class='regressions'><span class='v %s'>%lld regression(s)</span>, %zu change(s). "
		    "Noise: a ratio moved when the two runs' bands (their repeated samples' fastest and "
		    "slowest over the floor) do not overlap; %lld ratio(s) of a single run not judged.</p>\n",
		json_integer_value(json_object_get(c, "regressions")) ? "fail" : "pass",
		(long long)json_integer_value(json_object_get(c, "regressions")),
		json_array_size(json_object_get(c, "changes")),
		(long long)json_integer_value(json_object_get(c, "overhead_unjudged")));
	sb_add(&p, "<table id='changes'><tr><th></th><th>kind</th><th>what</th><th>before</th><th>after</th>"
		   "<th>note</th></tr>\n");
	json_array_foreach(json_object_get(c, "changes"), i, x) {
		bool reg = json_is_true(json_object_get(x, "regression"));

		sb_addf(&p, "<tr><td class='v %s'>%s</td>", reg ? "fail" : "", reg ? "REGRESSION" : "");
		sb_addtag(&p, "<td>", g_jstr(x, "kind"), "</td>");
		sb_addtag(&p, "<td>", g_jstr(x, "key"), "</td>");
		sb_addtag(&p, "<td>", *g_jstr(x, "a") ? g_jstr(x, "a") : "-", "</td>");
		sb_addtag(&p, "<td>", *g_jstr(x, "b") ? g_jstr(x, "b") : "-", "</td>");
		sb_addtag(&p, "<td>", g_jstr(x, "note"), "</td></tr>\n");
	}
	sb_add(&p, "</table>\n");
	{
		char *dir = g_path(sitedir, "compare");
		g_mkdirs(dir, 0755);
		free(dir);
	}
	if (g_site_write(path, &p) < 0) {
		g_free_strs(&name, NULL);
	} else {
		/* "FILE<tab>REGRESSIONS" for the index's list */
		char *res = xasprintf("%s\t%lld", name, (long long)json_integer_value(json_object_get(c, "regressions")));

		free(name);
		name = res;
	}
	json_decref(c);
	free(title);
	free(path);
	return name;
}

/* The certificates' names, oldest issued first. */
static void cert_names(const char *dir, strv *names, strv *issued)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *cd = g_path(dir, e->d_name), *cj = g_path(cd, "certificate.json");
		json_t *c = e->d_name[0] != '.' && g_exists(cj) ? json_load_file(cj, 0, NULL) : NULL;

		if (c) {
			size_t at = 0;

			while (at < issued->n && strcmp(issued->v[at], g_jstr(c, "issued")) <= 0)
				at++;
			sv_push(names, e->d_name);
			sv_push(issued, g_jstr(c, "issued"));
			/* insertion: small lists */
			for (size_t k = names->n - 1; k > at; k--) {
				char *t = names->v[k]; names->v[k] = names->v[k - 1]; names->v[k - 1] = t;
				t = issued->v[k]; issued->v[k] = issued->v[k - 1]; issued->v[k - 1] = t;
			}
		}
		json_decref(c);
		free(cd);
		free(cj);
	}
	if (d)
		closedir(d);
}

static void compare_link(sbuf *b, char *res, const char *what)
{
	char *tab = res ? strchr(res, '\t') : NULL;

	if (!tab)
		return;
	*tab = 0;
	sb_addf(b, "<li><a href='compare/%s'>", res);
	sb_addxml(b, what);
	sb_addf(b, "</a>: <span class='v %s'>%s regression(s)</span></li>\n", strcmp(tab + 1, "0") ? "fail" : "pass",
		tab + 1);
}

static bool shares_a_job(json_t *a, json_t *b)
{
	json_t *x, *y;
	size_t i, k;

	json_array_foreach(json_object_get(a, "jobs"), i, x)
		json_array_foreach(json_object_get(b, "jobs"), k, y)
			if (!strcmp(g_jstr(x, "id"), g_jstr(y, "id")))
				return true;
	return false;
}

int g_site_certs(sbuf *b, const char *results, const char *sitedir, json_t **runs, size_t n)
{
	char *dir = g_path(results, "certificates");
	strv names = {0}, issued = {0}, here = {0};
	sbuf cmp = {0};
	int rc = 0;

	for (size_t r = 0; r < n; r++)
		sv_push(&here, g_jstr(runs[r], "run_id"));
	cert_names(dir, &names, &issued);
	sb_add(b, "<h2 id='certificates'>Certificates</h2>\n");
	if (!names.n)
		sb_add(b, "<p>No release certified yet (make certify, docs/certify.md).</p>\n");
	else
		sb_add(b, "<table><tr><th>release</th><th>verdict</th><th>issued</th></tr>\n");
	for (size_t i = names.n; i-- > 0;) {
		char *src = g_path(dir, names.v[i]);
		json_t *c = g_cert_load(src);

		if (cert_page(src, names.v[i], sitedir, &here) < 0 || !c)
			rc = -1;
		sb_addf(b, "<tr><td><a href='certificates/%s/index.html'>%s</a></td>", names.v[i], names.v[i]);
		sb_addf(b, "<td class='v %s'>%s</td><td>%s</td></tr>\n",
			strcmp(g_jstr(c, "verdict"), "certified") ? "fail" : "pass", g_jstr(c, "verdict"), issued.v[i]);
		if (i > 0) {
			char *prev = g_path(dir, names.v[i - 1]), *what = xasprintf("release %s against %s",
										  names.v[i], names.v[i - 1]);
			char *res = compare_page(prev, src, names.v[i - 1], names.v[i], sitedir);

			compare_link(&cmp, res, what);
			g_free_strs(&prev, &what, &res, NULL);
		}
		json_decref(c);
		free(src);
	}
	if (names.n)
		sb_add(b, "</table>\n");
	/* The latest run against the newest earlier one that ran one of its
	 * jobs: two runs of different matrices would only list additions. */
	for (size_t r = 1; r < n && n >= 2; r++) {
		char *what, *res;

		if (!shares_a_job(runs[0], runs[r]))
			continue;
		what = xasprintf("run %s against %s", g_jstr(runs[0], "run_id"), g_jstr(runs[r], "run_id"));
		res = compare_page(g_jstr(runs[r], "run_id"), g_jstr(runs[0], "run_id"), g_jstr(runs[r], "run_id"),
				   g_jstr(runs[0], "run_id"), sitedir);
		compare_link(&cmp, res, what);
		g_free_strs(&what, &res, NULL);
		break;
	}
	sb_add(b, "<h2 id='comparisons'>Comparisons</h2>\n");
	sb_add(b, cmp.len ? "<ul>\n" : "<p>Nothing to compare yet: two runs or two certificates.</p>\n");
	if (cmp.len)
		sb_addf(b, "%s</ul>\n", sb_str(&cmp));
	sb_free(&cmp);
	sv_free(&names);
	sv_free(&issued);
	sv_free(&here);
	free(dir);
	return rc;
}
