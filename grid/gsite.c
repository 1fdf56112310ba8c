/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * results/site/: static HTML built from results/runs/ * /run.json, readable
 * from file:// with no server and publishable as is (logs are copied in):
 *   index.html            kernels x suites matrix of the latest run, its
 *                         figures and overhead rows, the history of every
 *                         run, links to benchmarks
 *   runs/ID/index.html    one run: its jobs, its overhead rows
 *   runs/ID/JOB.html      one job: tests, verdicts, overhead rows, console
 *                         excerpt, logs
 *   runs/ID/JOB/TEST.html one test: its invariants in words (gtestsite.c)
 *   certificates/, compare/  releases and comparisons (gcertsite.c)
 *   bench.html            tables (results/bench/ *.json) with their charts
 *                         (gchart.c), plots (*.svg), written by perf-bench/
 */
#include "grid.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *css =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"table{border-collapse:collapse;margin:.5em 0 1.5em}"
	"th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}"
	"th{background:#eee}td.v{font-weight:bold;text-align:center}"
	".pass{background:#c8f0c8}.fail{background:#f6c6c6}.panic,.oops{background:#e88;color:#fff}"
	".warning{background:#fde7a9}.hang{background:#d7b5f0}.infra{background:#ccc}"
	".notrun,.unsupported{background:#f4f4f4;color:#888}td.fig{font-size:90%;white-space:nowrap}pre{background:#f6f6f6;padding:.6em;overflow:auto}"
	"a{color:#0645ad}small.tcg{font-weight:normal;color:#a40}"
	"svg.perfchart{display:block;margin:.3em 0 1em}";

static void head(sbuf *b, const char *title, const char *up)
{
	sb_add(b, "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>");
	sb_addxml(b, title);
	sb_addf(b, "</title><style>%s</style></head><body>\n", css);
	if (up)
		sb_addf(b, "<p><a href='%sindex.html'>stapgrid results</a></p>\n", up);
	sb_addtag(b, "<h1>", title, "</h1>\n");
}

static void cell(sbuf *b, const char *verdict, const char *href)
{
	sb_addf(b, "<td class='v %s'>", verdict);
	if (href)
		sb_addf(b, "<a href='%s'>%s</a>", href, verdict);
	else
		sb_add(b, verdict);
	sb_add(b, "</td>");
}

/* The job of (kernel, suite) with the worst verdict: under --repeat a
 * cell stands for several jobs, and one failure must show. */
static json_t *worst_job(json_t *jobs, const char *kernel, const char *suite)
{
	json_t *hit = NULL, *j;
	size_t i;
	int worst = -1;

	json_array_foreach(jobs, i, j) {
		int v = g_verdict_parse(g_jstr(j, "verdict"));

		if (strcmp(g_jstr(j, "kernel"), kernel) || strcmp(g_jstr(j, "suite"), suite))
			continue;
		if (!hit || (int)g_verdict_worse((enum g_verdict)worst, (enum g_verdict)v) == v) {
			hit = j;
			worst = v;
		}
	}
	return hit;
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

static int cmp_asc(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int writepage(const char *path, sbuf *b)
{
	int rc;

	sb_add(b, "</body></html>\n");
	rc = g_writefile(path, b->s, b->len, 0644);
	sb_free(b);
	return rc;
}

/* A copy of a run's file inside the site, so the site stands alone. */
static char *copy_in(const char *runsrc, const char *relpath, const char *sitedir, const char *name)
{
	char *src = g_path(runsrc, relpath), *dst = g_path(sitedir, name);
	char *ret = NULL;

	if (g_exists(src) && g_copyfile(src, dst, 0644) == 0) {
		ret = xstrdup(name);
	} else {
		/* A published run keeps its logs as NAME.gz (gkeep.c). */
		char *gz = xasprintf("%s.gz", src);
		sbuf text = {0};

		if (g_exists(gz) && g_read_unpacked(gz, &text) == 0 &&
		    g_writefile(dst, sb_str(&text), text.len, 0644) == 0)
			ret = xstrdup(name);
		sb_free(&text);
		free(gz);
	}
	free(src);
	free(dst);
	return ret;
}

/* For the other page writers (gcertsite.c, gtestsite.c): one look. */
void g_site_head(sbuf *b, const char *title, const char *up)
{
	head(b, title, up);
}

int g_site_write(const char *path, sbuf *b)
{
	return writepage(path, b);
}

char *g_site_copy(const char *srcdir, const char *relpath, const char *sitedir, const char *name)
{
	return copy_in(srcdir, relpath, sitedir, name);
}

/* "N pass, N fail" over the job's DejaGnu summaries from the guest (not
 * the host's prebuild); "" when it has none. */
static char *dg_brief(json_t *job)
{
	json_t *d;
	size_t i;
	long n[DG__N] = {0};
	bool any = false;
	sbuf b = {0};

	json_array_foreach(json_object_get(job, "dejagnu"), i, d) {
		if (!strncmp(g_jstr(d, "sum"), "prebuild/", 9))
			continue;
		any = true;
		for (int c = 0; c < DG__N; c++)
			n[c] += (long)json_integer_value(json_object_get(d, g_dg_name((enum g_dg)c)));
	}
	for (int c = 0; any && c < DG__N; c++)
		if (c <= DG_FAIL || n[c])
			sb_addf(&b, "%s%ld %s", b.len ? ", " : "", n[c], g_dg_name((enum g_dg)c));
	return sb_steal(&b);
}

/* The job's DejaGnu summaries: counts, failing lines, the .sum itself. */
static void dg_section(sbuf *b, json_t *job, const char *runsrc, const char *rundst)
{
	json_t *dgs = json_object_get(job, "dejagnu"), *d, *f;
	size_t i, k;

	if (!json_array_size(dgs))
		return;
	sb_add(b, "<h2>DejaGnu</h2>\n<table><tr><th>summary</th>");
	for (int c = 0; c < DG__N; c++)
		sb_addf(b, "<th>%s</th>", g_dg_name((enum g_dg)c));
	sb_add(b, "</tr>\n");
	json_array_foreach(dgs, i, d) {
		char *rel = xasprintf("%s/%s", g_jstr(job, "dir"), g_jstr(d, "sum"));
		char *name = xasprintf("%s/%s", g_jstr(job, "id"), g_jstr(d, "sum"));
		char *copied;

		for (char *p = strchr(name, '/') + 1; *p; p++)
			if (*p == '/')
				*p = '-';
		copied = copy_in(runsrc, rel, rundst, name);
		sb_add(b, "<tr><td>");
		if (copied)
			sb_addf(b, "<a href='%s'>", copied);
		sb_addxml(b, g_jstr(d, "sum"));
		sb_add(b, copied ? "</a></td>" : "</td>");
		for (int c = 0; c < DG__N; c++)
			sb_addf(b, "<td>%ld</td>",
				(long)json_integer_value(json_object_get(d, g_dg_name((enum g_dg)c))));
		sb_add(b, "</tr>\n");
		free(rel);
		free(name);
		free(copied);
	}
	sb_add(b, "</table>\n");
	json_array_foreach(dgs, i, d) {
		if (!json_array_size(json_object_get(d, "failures")))
			continue;
		sb_addtag(b, "<h3>", g_jstr(d, "sum"), ": failures</h3>\n<pre>");
		json_array_foreach(json_object_get(d, "failures"), k, f) {
			sb_addxml(b, json_string_value(f));
			sb_add(b, "\n");
		}
		sb_add(b, "</pre>\n");
	}
}

/* A test's figures, "key value" a line, into a table cell. */
static void figures_cell(sbuf *b, json_t *test)
{
	json_t *figs = json_object_get(test, "figures"), *v;
	const char *k;
	bool first = true;

	sb_add(b, "<td class='fig'>");
	json_object_foreach(figs, k, v) {
		if (!first)
			sb_add(b, "<br>");
		first = false;
		sb_addxml(b, k);
		sb_add(b, " ");
		if (json_is_integer(v))
			sb_addf(b, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			sb_addf(b, "%.4g", json_real_value(v));
		else
			sb_addxml(b, json_string_value(v) ? json_string_value(v) : "");
	}
	sb_add(b, "</td>");
}

static bool has_figures(json_t *tests)
{
	json_t *t;
	size_t i;

	json_array_foreach(tests, i, t)
		if (json_object_size(json_object_get(t, "figures")))
			return true;
	return false;
}

/*
 * The latest run's figures, per suite: a row per test, a column per kernel
 * (the first job of each kernel and suite), each cell the test's verdict
 * and figures.  Only suites whose tests record figures (torture).
 */
static void figures_matrix(sbuf *b, json_t *run, const strv *kernels, const strv *suites)
{
	json_t *jobs = json_object_get(run, "jobs"), *j;
	size_t i;

	for (size_t s = 0; s < suites->n; s++) {
		strv tests = {0};
		bool any = false;

		json_array_foreach(jobs, i, j) {
			json_t *t;
			size_t k;

			if (strcmp(g_jstr(j, "suite"), suites->v[s]) || !has_figures(json_object_get(j, "tests")))
				continue;
			any = true;
			json_array_foreach(json_object_get(j, "tests"), k, t)
				if (!sv_has(&tests, g_jstr(t, "name")))
					sv_push(&tests, g_jstr(t, "name"));
		}
		if (!any) {
			sv_free(&tests);
			continue;
		}
		sb_addtag(b, "<h2>Figures: ", suites->v[s],
			  " (latest run)</h2>\n<table class='figures'><tr><th>test</th>");
		for (size_t k = 0; k < kernels->n; k++) {
			sb_addtag(b, "<th colspan='2'>", kernels->v[k], "</th>");
		}
		sb_add(b, "</tr>\n");
		for (size_t t = 0; t < tests.n; t++) {
			sb_addtag(b, "<tr><th>", tests.v[t], "</th>");
			for (size_t k = 0; k < kernels->n; k++) {
				json_t *hit = NULL, *tt, *job = NULL;
				size_t m;

				json_array_foreach(jobs, i, j)
					if (!job && !strcmp(g_jstr(j, "suite"), suites->v[s]) &&
					    !strcmp(g_jstr(j, "kernel"), kernels->v[k]))
						job = j;
				json_array_foreach(job ? json_object_get(job, "tests") : NULL, m, tt)
					if (!strcmp(g_jstr(tt, "name"), tests.v[t]))
						hit = tt;
				if (hit) {
					char *href = xasprintf("runs/%s/%s.html", g_jstr(run, "run_id"), g_jstr(job, "id"));
					cell(b, g_jstr(hit, "verdict"), href);
					figures_cell(b, hit);
					free(href);
				} else {
					sb_add(b, "<td></td><td></td>");
				}
			}
			sb_add(b, "</tr>\n");
		}
		sb_add(b, "</table>\n");
		sv_free(&tests);
	}
}

/* ---- overhead benchmark rows (run.json jobs[].perf, gperf.c) ---------- */

#define PERF_TCG_NOTE "under TCG (emulation): absolute ns are not native figures; ratios are what compare"

/* Next to every heading over absolute figures: under TCG they measure an
 * emulator, and only the ratios carry over to real hardware. */
static void tcg_note(sbuf *b, json_t *job)
{
	if (!strcmp(g_jstr(job, "accel"), "tcg"))
		sb_add(b, " <small class='tcg'>" PERF_TCG_NOTE "</small>");
}

/* A number from a row; "-" for null (not measured). */
static void perf_num(sbuf *b, json_t *v)
{
	double d = json_number_value(v);

	if (json_is_integer(v))
		sb_addf(b, "%lld", (long long)json_integer_value(v));
	else if (!json_is_real(v))
		sb_add(b, "-");
	else if (d >= 1e5 || d <= -1e5)
		sb_addf(b, "%.0f", d);
	else
		sb_addf(b, "%.4g", d);
}

static void perf_td(sbuf *b, json_t *row, const char *key)
{
	sb_add(b, "<td>");
	perf_num(b, json_object_get(row, key));
	sb_add(b, "</td>");
}

static void perf_table(sbuf *b, json_t *rows)
{
	json_t *w;
	size_t i;

	sb_add(b, "<table class='perf'><tr><th>workload</th><th>variant</th><th>value</th>"
		  "<th>ratio to floor</th><th>ratio to twin</th><th>runs</th><th>min</th><th>max</th>"
		  "<th>drops</th><th>note</th></tr>\n");
	json_array_foreach(rows, i, w) {
		json_t *ratio = json_object_get(w, "ratio_to_floor");
		json_t *to_twin = json_object_get(w, "ratio_to_twin");

		sb_addtag(b, "<tr><td>", g_jstr(w, "workload"), "</td><td>");
		sb_addxml(b, g_jstr(w, "variant"));
		sb_add(b, "</td><td>");
		perf_num(b, json_object_get(w, "value"));
		if (json_is_number(json_object_get(w, "value"))) {
			sb_add(b, " ");
			sb_addxml(b, g_jstr(w, "unit"));
		}
		sb_add(b, "</td><td>");
		if (json_is_number(ratio))
			sb_addf(b, "%.2f", json_number_value(ratio));
		else
			sb_add(b, "-");
		/* the twin (the same script in bpftrace) named with the ratio */
		sb_add(b, "</td><td>");
		if (json_is_number(to_twin))
			sb_addf(b, "%.2f ", json_number_value(to_twin));
		else if (json_is_string(json_object_get(w, "twin")))
			sb_add(b, "- ");
		if (json_is_string(json_object_get(w, "twin"))) {
			sb_add(b, "(");
			sb_addxml(b, g_jstr(w, "twin"));
			sb_add(b, ")");
		}
		sb_add(b, "</td>");
		perf_td(b, w, "runs");
		perf_td(b, w, "min");
		perf_td(b, w, "max");
		if (json_object_get(w, "drops"))
			perf_td(b, w, "drops");
		else
			sb_add(b, "<td></td>");
		sb_addtag(b, "<td>", g_jstr(w, "note"), "</td></tr>\n");
	}
	sb_add(b, "</table>\n");
}

static bool same_pair(json_t *w, const char *workload, const char *unit)
{
	return !strcmp(g_jstr(w, "workload"), workload) && !strcmp(g_jstr(w, "unit"), unit);
}

/* The variant a row's ratio_to_floor is against (gperf.c). */
static const char *floor_of(json_t *w)
{
	return *g_jstr(w, "floor") ? g_jstr(w, "floor") : "floor";
}

/* One horizontal bar chart: each variant's ratio to floor for one workload
 * (and unit), a line at 1.0 where the floor is (gchart.c). */
static void perf_chart(sbuf *b, json_t *rows, const char *workload, const char *unit)
{
	struct g_bar *bars = xcalloc(json_array_size(rows), sizeof(*bars));
	char *title = xasprintf("%s (%s): ratio to floor", workload, unit);
	char *tip = xasprintf("ratio to floor: %s", workload);
	struct g_chart c = { .title = title, .tip = tip, .bars = bars, .digits = 2,
			     .none = "no ratio", .mark = 1, .mark_label = "1.0 = floor" };
	json_t *w;
	size_t i;

	json_array_foreach(rows, i, w) {
		json_t *r = json_object_get(w, "ratio_to_floor");

		if (!same_pair(w, workload, unit))
			continue;
		bars[c.n++] = (struct g_bar){ g_jstr(w, "variant"), json_number_value(r),
					      json_is_number(r), !strcmp(g_jstr(w, "variant"), floor_of(w)) };
	}
	g_chart_svg(b, &c);
	free(bars);
	free(title);
	free(tip);
}

/* The values themselves for rows no floor compares (the scale test's
 * seconds, KiB and bytes for 1 to 10,000 probes), a bar each. */
static void perf_value_chart(sbuf *b, json_t *rows, const char *workload, const char *unit)
{
	struct g_bar *bars = xcalloc(json_array_size(rows), sizeof(*bars));
	char *title = xasprintf("%s (%s)", workload, unit);
	struct g_chart c = { .title = title, .tip = title, .bars = bars, .digits = 3,
			     .none = "not measured" };
	json_t *w;
	size_t i;

	json_array_foreach(rows, i, w) {
		json_t *v = json_object_get(w, "value");

		if (same_pair(w, workload, unit))
			bars[c.n++] = (struct g_bar){ g_jstr(w, "variant"), json_number_value(v),
						      json_is_number(v), false };
	}
	g_chart_svg(b, &c);
	free(bars);
	free(title);
}

/* A chart per (workload, unit): of ratios to the floor where it has any,
 * else of the values where it has any. */
static void perf_charts(sbuf *b, json_t *rows)
{
	strv done = {0};
	json_t *w, *o;
	size_t i, k;

	json_array_foreach(rows, i, w) {
		char *key = xasprintf("%s %s", g_jstr(w, "workload"), g_jstr(w, "unit"));
		bool ratio = false, value = false;

		if (!sv_has(&done, key)) {
			sv_push(&done, key);
			json_array_foreach(rows, k, o) {
				if (!same_pair(o, g_jstr(w, "workload"), g_jstr(w, "unit")))
					continue;
				ratio = ratio || json_is_number(json_object_get(o, "ratio_to_floor"));
				value = value || json_is_number(json_object_get(o, "value"));
			}
			if (ratio)
				perf_chart(b, rows, g_jstr(w, "workload"), g_jstr(w, "unit"));
			else if (value)
				perf_value_chart(b, rows, g_jstr(w, "workload"), g_jstr(w, "unit"));
		}
		free(key);
	}
	sv_free(&done);
}

/* One job's rows: a heading (h2 or h3) naming the kernel, the table, the
 * charts.  href links the heading to the job's page when given. */
static void perf_block(sbuf *b, json_t *job, int level, const char *href)
{
	json_t *rows = json_object_get(json_object_get(job, "perf"), "rows");

	sb_addf(b, "<h%d>Overhead: ", level);
	if (href)
		sb_addf(b, "<a href='%s'>", href);
	sb_addxml(b, g_jstr(job, "kernel"));
	sb_add(b, " (");
	sb_addxml(b, g_jstr(job, "release"));
	sb_add(b, href ? ")</a>" : ")");
	tcg_note(b, job);
	sb_addf(b, "</h%d>\n", level);
	perf_table(b, rows);
	sb_add(b, "<div class='perfcharts'>\n");
	perf_charts(b, rows);
	sb_add(b, "</div>\n");
}

static bool has_perf(json_t *job)
{
	return json_array_size(json_object_get(json_object_get(job, "perf"), "rows")) > 0;
}

/*
 * A run's overhead rows, per suite that has any: a section per kernel (its
 * first job with rows, as figures_matrix takes the first job).  prefix
 * leads from the page to the run's folder.
 */
static void perf_sections(sbuf *b, json_t *run, const char *prefix, bool latest)
{
	json_t *jobs = json_object_get(run, "jobs"), *j, *o;
	strv suites = {0}, seen = {0};
	size_t i, k;

	json_array_foreach(jobs, i, j)
		if (has_perf(j) && !sv_has(&suites, g_jstr(j, "suite")))
			sv_push(&suites, g_jstr(j, "suite"));
	for (size_t s = 0; s < suites.n; s++) {
		sb_add(b, "<h2>Overhead: ");
		sb_addxml(b, suites.v[s]);
		sb_addf(b, "%s</h2>\n", latest ? " (latest run)" : "");
		json_array_foreach(jobs, k, o) {
			char *key = xasprintf("%s %s", g_jstr(o, "kernel"), suites.v[s]);

			if (has_perf(o) && !strcmp(g_jstr(o, "suite"), suites.v[s]) && !sv_has(&seen, key)) {
				char *href = xasprintf("%s%s.html", prefix, g_jstr(o, "id"));

				sv_push(&seen, key);
				perf_block(b, o, 3, href);
				free(href);
			}
			free(key);
		}
	}
	sv_free(&suites);
	sv_free(&seen);
}

/* " (LAVA job N)", linked to its page on the server, for a LAVA job. */
static void lava_link(sbuf *b, json_t *lava)
{
	if (!json_is_object(lava))
		return;
	sb_addtag(b, " (<a class='lava' href='", g_jstr(lava, "url"), "'>");
	sb_addf(b, "LAVA job %lld</a>)", (long long)json_integer_value(json_object_get(lava, "id")));
}

/* A LAVA job's rows on its job page: its page, health, error and the
 * test cases LAVA itself recorded (ours are judged from the console). */
static void lava_rows(sbuf *b, json_t *lava)
{
	const char *k;
	json_t *v;

	if (!json_is_object(lava))
		return;
	sb_add(b, "<tr><th>LAVA job</th><td>");
	lava_link(b, lava);
	sb_addtag(b, " health ", g_jstr(lava, "health"), "");
	if (*g_jstr(lava, "error"))
		sb_addtag(b, "; error: ", g_jstr(lava, "error"), "");
	sb_add(b, "</td></tr>\n<tr><th>LAVA's test cases</th><td>");
	json_object_foreach(json_object_get(lava, "cases"), k, v) {
		sb_addtag(b, "", k, " ");
		sb_addtag(b, "", json_is_string(v) ? json_string_value(v) : "?", "; ");
	}
	sb_add(b, "</td></tr>\n");
}

static int job_page(json_t *job, const char *runid, const char *runsrc, const char *rundst)
{
	const char *id = g_jstr(job, "id");
	char *title = xasprintf("%s / %s (run %s)", g_jstr(job, "kernel"), g_jstr(job, "suite"), runid);
	char *logdir = g_path(rundst, id), *path = xasprintf("%s/%s.html", rundst, id);
	json_t *tests = json_object_get(job, "tests"), *t;
	size_t i;
	sbuf b = {0};
	char *console;

	g_mkdirs(logdir, 0755);
	head(&b, title, "../../");
	sb_addf(&b, "<p><a href='index.html'>run %s</a></p>\n<table>", runid);
	sb_add(&b, "<tr><th>verdict</th>");
	cell(&b, g_jstr(job, "verdict"), NULL);
	sb_add(&b, "</tr>\n");
	{
		const char *keys[] = {"kernel", "release", "build_id", "suite", "host", "engine", "accel",
				      "tcg", "reason", "start", "end", NULL};
		for (const char **k = keys; *k; k++) {
			sb_addf(&b, "<tr><th>%s</th><td>", *k);
			sb_addxml(&b, g_jstr(job, *k));
			sb_add(&b, "</td></tr>\n");
		}
		sb_addf(&b, "<tr><th>duration</th><td>%.1f s (boot %.1f s), %d attempt(s)</td></tr>\n",
			json_number_value(json_object_get(job, "duration")),
			json_number_value(json_object_get(job, "boot_seconds")),
			(int)json_integer_value(json_object_get(job, "attempts")));
		lava_rows(&b, json_object_get(job, "lava"));
	}
	sb_add(&b, "</table>\n<h2>Tests</h2>\n<table><tr><th>test</th><th>verdict</th><th>duration</th><th>log</th>");
	if (has_figures(tests))
		sb_add(&b, "<th>figures</th>");
	sb_add(&b, "</tr>\n");
	json_array_foreach(tests, i, t) {
		const char *log = json_string_value(json_object_get(t, "log"));
		char *copied = NULL;

		if (log) {
			char *name = xasprintf("%s/%s", id, g_basename(log));
			copied = copy_in(runsrc, log, rundst, name);
			free(name);
		}
		{
			/* its own page: the invariants it checked, in words */
			char *tp = g_site_test_page(job, t, runid, rundst, copied);

			sb_add(&b, "<tr><td>");
			if (tp)
				sb_addtag(&b, "<a href='", tp, "'>");
			sb_addxml(&b, g_jstr(t, "name"));
			sb_add(&b, tp ? "</a></td>" : "</td>");
			free(tp);
		}
		cell(&b, g_jstr(t, "verdict"), NULL);
		sb_addf(&b, "<td>%.2f s</td><td>", json_number_value(json_object_get(t, "duration")));
		if (copied)
			sb_addf(&b, "<a href='%s'>log</a>", copied);
		sb_add(&b, "</td>");
		if (has_figures(tests))
			figures_cell(&b, t);
		sb_add(&b, "</tr>\n");
		free(copied);
	}
	sb_add(&b, "</table>\n");
	dg_section(&b, job, runsrc, rundst);
	if (has_perf(job))
		perf_block(&b, job, 2, NULL);
	if (json_string_value(json_object_get(job, "excerpt"))) {
		sb_addtag(&b, "<h2>Console excerpt</h2>\n<pre>", g_jstr(job, "excerpt"), "</pre>\n");
	}
	{
		char *name = xasprintf("%s/console.log", id);
		console = json_string_value(json_object_get(job, "console"))
				  ? copy_in(runsrc, g_jstr(job, "console"), rundst, name)
				  : NULL;
		free(name);
	}
	if (console)
		sb_addf(&b, "<p><a href='%s'>full console log</a></p>\n", console);
	free(console);
	free(title);
	free(logdir);
	{
		int rc = writepage(path, &b);
		free(path);
		return rc;
	}
}

/* What code the run tested: its commit, and the files changed beside it. */
static void source_line(sbuf *b, json_t *src)
{
	json_t *p;
	size_t i;

	if (!src)
		return;
	sb_add(b, "<p>Source: ");
	if (!json_string_value(json_object_get(src, "commit"))) {
		sb_addxml(b, g_jstr(src, "note"));
	} else {
		sb_addtag(b, "commit <code>", g_jstr(src, "commit"), "</code>");
		if (json_is_true(json_object_get(src, "dirty"))) {
			sb_add(b, " with uncommitted changes to");
			json_array_foreach(json_object_get(src, "uncommitted"), i, p) {
				sb_add(b, i ? ", " : " ");
				sb_addxml(b, json_string_value(p));
			}
		}
	}
	sb_add(b, "</p>\n");
}

static int run_page(json_t *run, const char *runsrc, const char *sitedir)
{
	const char *id = g_jstr(run, "run_id");
	char *dst = xasprintf("%s/runs/%s", sitedir, id), *path = g_path(dst, "index.html");
	char *title = xasprintf("run %s", id);
	json_t *jobs = json_object_get(run, "jobs"), *j;
	size_t i;
	sbuf b = {0};
	int rc = 0;

	if (g_mkdirs(dst, 0755) < 0) {
		free(dst);
		free(path);
		free(title);
		return -1;
	}
	head(&b, title, "../../");
	sb_addf(&b, "<p>%s to %s on ", g_jstr(run, "start"), g_jstr(run, "end"));
	sb_addxml(&b, g_jstr(run, "host"));
	sb_addtag(&b, ", engine <span class='engine'>", *g_jstr(run, "engine") ? g_jstr(run, "engine") : "libvirt",
		  "</span>");
	sb_addtag(&b, "; <a href='../../kcidb/", id, ".json'>KCIDB submission</a></p>\n");
	source_line(&b, json_object_get(run, "source"));
	if (json_is_true(json_object_get(run, "published"))) {
		sb_addtag(&b, "<p>Published: kept in git as <code>results/published/", id,
			  "/</code> (the logs there are gzipped, long ones cut to head and tail).</p>\n");
	}
	sb_add(&b, "<table><tr><th>kernel</th><th>suite</th><th>verdict</th><th>host</th><th>accel</th>"
		   "<th>tests passed</th><th>DejaGnu</th><th>duration</th><th>reason</th></tr>\n");
	json_array_foreach(jobs, i, j) {
		json_t *c = json_object_get(j, "counts");
		char *href = xasprintf("%s.html", g_jstr(j, "id"));
		long total = 0, skipped = (long)json_integer_value(json_object_get(c, "unsupported")) +
					  (long)json_integer_value(json_object_get(c, "notrun"));
		const char *k;
		json_t *v;

		/* Every test counts in the total; the skipped (unsupported, never
		 * run) are said beside it, never among the passed. */
		json_object_foreach(c, k, v)
			total += (long)json_integer_value(v);
		sb_addtag(&b, "<tr><td>", g_jstr(j, "kernel"), "</td><td>");
		sb_addxml(&b, g_jstr(j, "suite"));
		sb_add(&b, "</td>");
		cell(&b, g_jstr(j, "verdict"), href);
		sb_addtag(&b, "<td>", g_jstr(j, "host"), "");
		lava_link(&b, json_object_get(j, "lava"));
		sb_add(&b, "</td><td>");
		sb_addxml(&b, g_jstr(j, "accel"));
		if (json_string_value(json_object_get(j, "tcg"))) {
			sb_addtag(&b, " (", g_jstr(j, "tcg"), ")");
		}
		{
			char *dg = dg_brief(j);

			sb_addf(&b, "</td><td>%ld/%ld", (long)json_integer_value(json_object_get(c, "pass")),
				total);
			if (skipped)
				sb_addf(&b, " (%ld skipped)", skipped);
			sb_add(&b, "</td><td>");
			sb_addxml(&b, dg);
			sb_addf(&b, "</td><td>%.1f s</td><td>", json_number_value(json_object_get(j, "duration")));
			free(dg);
		}
		sb_addxml(&b, g_jstr(j, "reason"));
		sb_add(&b, "</td></tr>\n");
		free(href);
		if (job_page(j, id, runsrc, dst) < 0)
			rc = -1;
	}
	sb_add(&b, "</table>\n");
	perf_sections(&b, run, "", false);
	g_cover_site_run(&b, run, runsrc, dst);
	if (writepage(path, &b) < 0)
		rc = -1;
	{
		char *kd = g_path(sitedir, "kcidb"), *kn = xasprintf("%s.json", id);
		if (g_mkdirs(kd, 0755) == 0) {
			char *c = copy_in(runsrc, "kcidb.json", kd, kn);
			free(c);
		}
		free(kd);
		free(kn);
	}
	free(dst);
	free(path);
	free(title);
	return rc;
}

/* A bench table's "chart": {"title", "label": COLUMN, "value": COLUMN}, a
 * bar a row (gchart.c). */
static void bench_chart(sbuf *b, json_t *j)
{
	json_t *spec = json_object_get(j, "chart"), *rows = json_object_get(j, "rows"), *row;
	size_t lc = json_integer_value(json_object_get(spec, "label"));
	size_t vc = json_integer_value(json_object_get(spec, "value"));
	struct g_bar *bars = xcalloc(json_array_size(rows), sizeof(*bars));
	strv labels = {0};
	struct g_chart c = { .title = g_jstr(spec, "title"), .tip = g_jstr(spec, "title"), .bars = bars,
			     .digits = 1, .none = "no value" };
	size_t i;

	json_array_foreach(rows, i, row) {
		json_t *l = json_array_get(row, lc), *v = json_array_get(row, vc);

		sv_pushown(&labels, json_is_string(l) ? xstrdup(json_string_value(l))
						      : json_dumps(l, JSON_ENCODE_ANY));
		bars[c.n++] = (struct g_bar){ labels.v[labels.n - 1], json_number_value(v),
					      json_is_number(v), false };
	}
	g_chart_svg(b, &c);
	sv_free(&labels);
	free(bars);
}

/* Benchmarks: each results/bench/NAME.json is {"title", "note", "columns":
 * [...], "rows": [[...]...], "chart"?}, shown as a table, and its rows as a
 * bar chart when it has a "chart" (bench_chart); each NAME.svg is shown as
 * a plot. */
static int bench_page(const char *results, const char *sitedir)
{
	char *dir = g_path(results, "bench"), *path = g_path(sitedir, "bench.html");
	DIR *d = opendir(dir);
	struct dirent *e;
	strv names = {0};
	sbuf b = {0};

	head(&b, "stapgrid benchmarks", "");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			sv_push(&names, e->d_name);
	if (d)
		closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_desc);
	if (!names.n)
		sb_add(&b, "<p>No benchmark results yet: perf-bench/ writes them into results/bench/.</p>\n");
	for (size_t i = 0; i < names.n; i++) {
		char *src = g_path(dir, names.v[i]);
		if (g_has_suffix(names.v[i], ".json")) {
			json_t *j = json_load_file(src, 0, NULL), *row, *x;
			size_t r, c;

			if (j) {
				sb_addtag(&b, "<h2>", g_jstr(j, "title"), "</h2>\n<p>");
				sb_addxml(&b, g_jstr(j, "note"));
				sb_add(&b, "</p>\n<table><tr>");
				json_array_foreach(json_object_get(j, "columns"), c, x) {
					sb_addtag(&b, "<th>", json_string_value(x), "</th>");
				}
				sb_add(&b, "</tr>\n");
				json_array_foreach(json_object_get(j, "rows"), r, row) {
					sb_add(&b, "<tr>");
					json_array_foreach(row, c, x) {
						char *t = json_is_string(x) ? xstrdup(json_string_value(x))
									    : json_dumps(x, JSON_ENCODE_ANY | JSON_REAL_PRECISION(4));
						sb_addtag(&b, "<td>", t, "</td>");
						free(t);
					}
					sb_add(&b, "</tr>\n");
				}
				sb_add(&b, "</table>\n");
				if (json_object_get(j, "chart"))
					bench_chart(&b, j);
				json_decref(j);
			}
		} else if (g_has_suffix(names.v[i], ".svg")) {
			char *c = copy_in(dir, names.v[i], sitedir, names.v[i]);
			if (c) {
				sb_addtag(&b, "<p><img src='", c, "' alt='");
				sb_addxml(&b, c);
				sb_add(&b, "'></p>\n");
			}
			free(c);
		}
		free(src);
	}
	sv_free(&names);
	free(dir);
	{
		int rc = writepage(path, &b);
		free(path);
		return rc;
	}
}

/* The kernels and suites of a run's jobs, in their order, once each. */
static void run_axes(json_t *run, strv *kernels, strv *suites)
{
	json_t *j;
	size_t i;

	json_array_foreach(json_object_get(run, "jobs"), i, j) {
		if (!sv_has(kernels, g_jstr(j, "kernel")))
			sv_push(kernels, g_jstr(j, "kernel"));
		if (!sv_has(suites, g_jstr(j, "suite")))
			sv_push(suites, g_jstr(j, "suite"));
	}
}

/* (kernel, suite)'s cell in a run: its worst job, linked; or empty. */
static void job_cell(sbuf *b, json_t *run, const char *kernel, const char *suite)
{
	json_t *hit = worst_job(json_object_get(run, "jobs"), kernel, suite);
	char *href;

	if (!hit) {
		sb_add(b, "<td></td>");
		return;
	}
	href = xasprintf("runs/%s/%s.html", g_jstr(run, "run_id"), g_jstr(hit, "id"));
	cell(b, g_jstr(hit, "verdict"), href);
	free(href);
}

/* Each (kernel, suite) across the last runs, newest first. */
static void history_matrix(sbuf *b, json_t **runs, size_t n)
{
	strv rows = {0};
	size_t cols = n < 12 ? n : 12, i;
	json_t *j;

	for (size_t r = 0; r < cols; r++)
		json_array_foreach(json_object_get(runs[r], "jobs"), i, j) {
			char *key = xasprintf("%s %s", g_jstr(j, "kernel"), g_jstr(j, "suite"));
			if (!sv_has(&rows, key))
				sv_push(&rows, key);
			free(key);
		}
	if (rows.n)
		qsort(rows.v, rows.n, sizeof(char *), cmp_asc);
	sb_add(b, "<h2>History by job</h2>\n<table id='jobhistory'><tr><th>kernel</th><th>suite</th>");
	for (size_t r = 0; r < cols; r++)
		sb_addf(b, "<th><a href='runs/%s/index.html'>%.15s</a></th>", g_jstr(runs[r], "run_id"),
			g_jstr(runs[r], "run_id"));
	sb_add(b, "</tr>\n");
	for (size_t k = 0; k < rows.n; k++) {
		char *sp = strchr(rows.v[k], ' ');

		*sp = 0;
		sb_addtag(b, "<tr><td>", rows.v[k], "</td><td>");
		sb_addxml(b, sp + 1);
		sb_add(b, "</td>");
		for (size_t r = 0; r < cols; r++)
			job_cell(b, runs[r], rows.v[k], sp + 1);
		sb_add(b, "</tr>\n");
		*sp = ' ';
	}
	sb_add(b, "</table>\n");
	sv_free(&rows);
}

/* The run IDs of dir (results/runs or results/published), once each. */
static void list_runs(const char *dir, strv *ids)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && !sv_has(ids, e->d_name))
			sv_push(ids, e->d_name);
	if (d)
		closedir(d);
}

/* Every run's page into sitedir; their run.json, newest first: a run
 * still in runs/ has its whole logs, a published one is what the docs
 * cite, and may be all a fresh clone has. */
static json_t **load_runs(const char *runs, const char *pub, const char *sitedir, size_t *np,
			  int *rc)
{
	strv ids = {0};
	json_t **all;
	size_t n = 0;

	list_runs(runs, &ids);
	list_runs(pub, &ids);
	if (ids.n)
		qsort(ids.v, ids.n, sizeof(char *), cmp_desc);
	all = xcalloc(ids.n + 1, sizeof(*all));
	for (size_t i = 0; i < ids.n; i++) {
		char *src = g_path(runs, ids.v[i]), *rj = g_path(src, "run.json");
		json_t *j = json_load_file(rj, 0, NULL);

		if (!j) {
			free(src);
			free(rj);
			src = g_path(pub, ids.v[i]);
			rj = g_path(src, "run.json");
			j = json_load_file(rj, 0, NULL);
		}
		if (j) {
			char *p = xasprintf("%s/%s/run.json", pub, ids.v[i]);

			json_object_set_new(j, "published", json_boolean(g_exists(p)));
			free(p);
			all[n++] = j;
			if (run_page(j, src, sitedir) < 0)
				*rc = -1;
		}
		free(src);
		free(rj);
	}
	sv_free(&ids);
	*np = n;
	return all;
}

/* The index's head: the latest run's kernels x suites, figures, overhead
 * and the coverage of the runs. */
static void latest_sections(sbuf *b, json_t **all, size_t n)
{
	json_t *latest = all[0];
	strv kernels = {0}, suites = {0};
	char *prefix = xasprintf("runs/%s/", g_jstr(latest, "run_id"));

	sb_addf(b, "<h2>Latest run: <a href='runs/%s/index.html'>%s</a></h2>\n",
		g_jstr(latest, "run_id"), g_jstr(latest, "run_id"));
	run_axes(latest, &kernels, &suites);
	sb_add(b, "<table id='matrix'><tr><th>kernel</th>");
	for (size_t s = 0; s < suites.n; s++) {
		sb_addtag(b, "<th>", suites.v[s], "</th>");
	}
	sb_add(b, "</tr>\n");
	for (size_t k = 0; k < kernels.n; k++) {
		sb_addtag(b, "<tr><th>", kernels.v[k], "</th>");
		for (size_t s = 0; s < suites.n; s++)
			job_cell(b, latest, kernels.v[k], suites.v[s]);
		sb_add(b, "</tr>\n");
	}
	sb_add(b, "</table>\n");
	g_site_headline(b, all, n);
	figures_matrix(b, latest, &kernels, &suites);
	perf_sections(b, latest, prefix, true);
	g_cover_site_index(b, all, n);
	free(prefix);
	sv_free(&kernels);
	sv_free(&suites);
}

/* Every run, newest first: its jobs, how many passed, kernels and suites. */
static void history_table(sbuf *b, json_t **all, size_t n)
{
	sb_add(b, "<h2>History</h2>\n<p>Published runs are kept in git under "
		  "results/published/ (the runs the docs cite; logs cut to their head and tail "
		  "past 1 MiB).</p>\n<table id='history'><tr><th>run</th><th>published</th><th>jobs</th>"
		  "<th>pass</th><th>not pass</th><th>kernels</th><th>suites</th><th>engine</th></tr>\n");
	for (size_t r = 0; r < n; r++) {
		json_t *sum = json_object_get(all[r], "summary");
		long jobsn = (long)json_integer_value(json_object_get(sum, "jobs"));
		long pass = (long)json_integer_value(json_object_get(sum, "pass"));
		strv rk = {0}, rs = {0};
		char *ks, *ss;

		run_axes(all[r], &rk, &rs);
		ks = sv_join(&rk, ", ");
		ss = sv_join(&rs, ", ");
		sb_addf(b, "<tr><td><a href='runs/%s/index.html'>%s</a></td><td>%s</td><td>%ld</td>",
			g_jstr(all[r], "run_id"), g_jstr(all[r], "run_id"),
			json_is_true(json_object_get(all[r], "published")) ? "yes" : "", jobsn);
		sb_addf(b, "<td class='v %s'>%ld</td><td class='v %s'>%ld</td><td>", pass ? "pass" : "",
			pass, jobsn - pass ? "fail" : "", jobsn - pass);
		sb_addxml(b, ks);
		sb_addtag(b, "</td><td>", ss, "</td>");
		/* Runs older than the LAVA engine ran on libvirt. */
		sb_addtag(b, "<td class='engine'>", *g_jstr(all[r], "engine") ? g_jstr(all[r], "engine") : "libvirt",
			  "</td></tr>\n");
		free(ks);
		free(ss);
		sv_free(&rk);
		sv_free(&rs);
	}
	sb_add(b, "</table>\n");
}

/* The site built in tmp takes site's place (the old one removed). */
static int swap_in(const char *tmp, const char *site)
{
	char *old = xasprintf("%s.old%d", site, (int)getpid());
	int rc = 0;

	g_rmtree(old);
	if (g_exists(site) && rename(site, old) < 0) {
		g_err("cannot replace %s: %s", site, strerror(errno));
		rc = -1;
	} else if (rename(tmp, site) < 0) {
		g_err("cannot publish %s: %s", site, strerror(errno));
		rc = -1;
	}
	g_rmtree(old);
	free(old);
	return rc;
}

int g_publish(const char *results)
{
	char *site = g_path(results, "site");
	int rc = g_publish_to(results, site);

	free(site);
	return rc;
}

int g_publish_to(const char *results, const char *sitedir)
{
	char *runs = g_path(results, "runs"), *site = xstrdup(sitedir);
	char *pub = g_path(results, "published"), *idx;
	char *tmp = xasprintf("%s.tmp%d", site, (int)getpid());
	json_t **all = NULL;
	sbuf b = {0};
	int rc = 0;
	size_t n = 0;

	/* Built aside and swapped in, so a failed publish keeps the old site. */
	g_rmtree(tmp);
	if (g_mkdirs(tmp, 0755) < 0) {
		rc = -1;
		goto out;
	}
	all = load_runs(runs, pub, tmp, &n, &rc);
	head(&b, "stapgrid results", NULL);
	if (!n) {
		sb_add(&b, "<p>No runs yet.</p>\n");
	} else {
		g_site_latest(&b, all, n);
		latest_sections(&b, all, n);
	}
	/* Releases and what changed between them, before the raw history. */
	if (g_site_certs(&b, results, tmp, all, n) < 0)
		rc = -1;
	if (n) {
		history_table(&b, all, n);
		history_matrix(&b, all, n);
	}
	sb_add(&b, "<p><a href='bench.html'>Benchmarks</a></p>\n");
	idx = g_path(tmp, "index.html");
	if (writepage(idx, &b) < 0)
		rc = -1;
	free(idx);
	if (bench_page(results, tmp) < 0)
		rc = -1;
	if (rc == 0)
		rc = swap_in(tmp, site);
	if (rc == 0)
		printf("site: %s/index.html\n", site);
	else
		g_err("publishing failed; the previous site is unchanged");
out:
	g_rmtree(tmp);
	for (size_t i = 0; i < n; i++)
		json_decref(all[i]);
	free(all);
	free(runs);
	free(pub);
	free(site);
	free(tmp);
	return rc;
}
