/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The site's coverage (gsite.c calls these; the figures come from
 * run.json's "coverage", written by gcover.c):
 *   runs/ID/index.html   a Coverage section: totals, lcov's HTML (copied
 *                        into runs/ID/coverage/, or for a published run
 *                        rendered again there from its tracefile), the
 *                        gcov jobs and what each collected, every file's
 *                        lines and functions, and any coverage lost, in red;
 *   index.html           the latest run's totals (or, when it measured
 *                        none, that it did not and the newest that did).
 * A run without the object, or with both parts null, measured none: the
 * page says so, and how to measure it.
 */
#include "grid.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *part_titles[][2] = {
	{"kernel", "Kernel runtime, in the guests (gcov kernel, while the suites ran)"},
	{"user", "Runtime core, under its unit tests (make coverage, user space)"},
};

/* A folder's files into another, recursively (lcov's HTML has subfolders). */
static int copy_tree(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int rc = d && g_mkdirs(to, 0755) == 0 ? 0 : -1;

	while (rc == 0 && (e = readdir(d))) {
		char *s, *t;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		s = g_path(from, e->d_name);
		t = g_path(to, e->d_name);
		if (stat(s, &st) == 0 && S_ISDIR(st.st_mode))
			rc = copy_tree(s, t);
		else if (S_ISREG(st.st_mode))
			rc = g_copyfile(s, t, 0644);
		free(s);
		free(t);
	}
	if (d)
		closedir(d);
	return rc;
}

/* A run's end (run.json's ISO 8601 "end", UTC) in seconds since the epoch, 0 if none. */
static long run_end(json_t *run)
{
	const char *end = json_string_value(json_object_get(run, "end"));
	struct tm tm = {0};

	if (!end || sscanf(end, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (long)timegm(&tm);
}

/* The file of the part's list (its path in the tree) that an "SF:" path
 * of the tracefile names, or NULL. */
static const char *tree_file(json_t *part, const char *sf)
{
	size_t n = strlen(sf), i;
	json_t *f;

	json_array_foreach(json_object_get(part, "files"), i, f) {
		const char *rel = json_string_value(json_object_get(f, "file"));
		size_t m = rel ? strlen(rel) : 0;

		if (m && m < n && sf[n - m - 1] == '/' && !strcmp(sf + n - m, rel))
			return rel;
	}
	return NULL;
}

/* rel as the run's commit had it, into src/rel (git show); false when
 * the checkout does not have it, or the run's tree had it changed. */
static bool source_at(json_t *run, const char *rel, const char *src)
{
	json_t *source = json_object_get(run, "source"), *u;
	const char *commit = json_string_value(json_object_get(source, "commit"));
	char *spec, *out = NULL, *path = g_path(src, rel), *dir = xstrdup(path);
	char *argv[] = {"git", "-C", G.src, "show", NULL, NULL};
	bool ok = commit != NULL;
	size_t i;

	json_array_foreach(json_object_get(source, "uncommitted"), i, u)
		ok = ok && strcmp(json_string_value(u) ? json_string_value(u) : "", rel);
	spec = xasprintf("%s:%s", commit ? commit : "", rel);
	argv[4] = spec;
	*strrchr(dir, '/') = 0;
	ok = ok && g_mkdirs(dir, 0755) == 0 && g_run(argv, NULL, &out, "/dev/null") == 0 && out &&
	     g_writefile(path, out, strlen(out), 0644) == 0;
	free(out);
	free(spec);
	free(path);
	free(dir);
	return ok;
}

/*
 * lcov's report of a published run, rendered again: `stapgrid keep` leaves
 * the pages out (2 MB a run, and pairs of near-identical files) and keeps
 * the tracefile.  Its source files come from git as the run's commit had
 * them and the pages are dated at the run's end, so they are the pages
 * the run had; without the sources (a shallow clone, a file the run had
 * changed) the report has no source view.  0, or -1: no report.
 */
static int render_again(json_t *run, json_t *part, const char *what, const char *runsrc,
			const char *to)
{
	const char *info = json_string_value(json_object_get(part, "info"));
	char *work = xasprintf("%s.src", to), *src = g_path(work, "src");
	char *tinfo = g_path(work, "lcov.info"), *log = g_path(work, "genhtml.log");
	/* Kept gzip-compressed, as other text files (gkeep.c). */
	char *path = xasprintf("%s/%s.gz", runsrc, info ? info : "");
	sbuf in = {0}, b = {0};
	bool whole = true;
	int rc = -1;

	if (info && !g_exists(path))
		path[strlen(path) - 3] = 0;
	if (info && g_exists(path) && g_read_unpacked(path, &in) == 0 && in.len) {
		for (char *l = in.s, *nl; l && *l; l = nl) {
			const char *rel = NULL;

			nl = strchr(l, '\n');
			if (nl)
				*nl++ = 0;
			if (!strncmp(l, "SF:", 3) && (rel = tree_file(part, l + 3)))
				whole = source_at(run, rel, src) && whole;
			if (rel)
				sb_addf(&b, "SF:%s/%s\n", src, rel);
			else
				sb_addf(&b, "%s\n", l);
		}
		if (g_writefile(tinfo, b.s, b.len, 0644) == 0)
			rc = g_cover_genhtml(tinfo, to, what, src, log, run_end(run), !whole);
	}
	/* Said, not only left out of the page: genhtml (lcov) may be missing. */
	if (rc < 0)
		g_warn("%s: lcov's %s report could not be rendered again from %s", runsrc, what, path);
	g_rmtree(work);
	sb_free(&in);
	sb_free(&b);
	free(work);
	free(src);
	free(tinfo);
	free(log);
	free(path);
	return rc;
}

static long num(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static void percent(sbuf *b, long hit, long found)
{
	if (found)
		sb_addf(b, "%ld of %ld (%.1f%%)", hit, found, 100.0 * (double)hit / (double)found);
	else
		sb_add(b, "none found");
}

/* "X of Y lines (Z%), F of G functions, in N files" */
static void totals(sbuf *b, json_t *part)
{
	sb_add(b, "lines ");
	percent(b, num(part, "lines_hit"), num(part, "lines_found"));
	sb_add(b, ", functions ");
	percent(b, num(part, "functions_hit"), num(part, "functions_found"));
	sb_addf(b, ", in %zu files", json_array_size(json_object_get(part, "files")));
}

/* The part's array key, a row each (row) between head and end; nothing
 * when it is empty. */
static void rows(sbuf *b, json_t *part, const char *key, const char *head, const char *end,
		 void (*row)(sbuf *b, json_t *o))
{
	json_t *a = json_object_get(part, key), *o;
	size_t i;

	if (!json_array_size(a))
		return;
	sb_add(b, head);
	json_array_foreach(a, i, o)
		row(b, o);
	sb_add(b, end);
}

static void error_row(sbuf *b, json_t *e)
{
	sb_addtag(b, "<li class='fail'>", json_string_value(e), "</li>\n");
}

/* A gcov job: its counts files, those with notes, its problem. */
static void job_row(sbuf *b, json_t *j)
{
	const char *err = json_string_value(json_object_get(j, "error"));

	sb_addtag(b, "<tr><td>", json_string_value(json_object_get(j, "job")), "</td>");
	sb_addf(b, "<td>%ld</td><td>%ld</td><td%s>", num(j, "gcda"), num(j, "paired"),
		err ? " class='fail'" : "");
	if (err)
		sb_addxml(b, err);
	else if (!num(j, "gcda"))
		sb_add(b, "none: no profiled module was loaded");
	sb_add(b, "</td></tr>\n");
}

/* A source file: lines hit, lines, %, functions hit, functions. */
static void file_row(sbuf *b, json_t *f)
{
	long lf = num(f, "lines_found"), lh = num(f, "lines_hit");

	sb_addtag(b, "<tr><td>", json_string_value(json_object_get(f, "file")), "</td>");
	sb_addf(b, "<td>%ld</td><td>%ld</td><td>", lh, lf);
	if (lf)
		sb_addf(b, "%.1f", 100.0 * (double)lh / (double)lf);
	sb_addf(b, "</td><td>%ld</td><td>%ld</td></tr>\n", num(f, "functions_hit"),
		num(f, "functions_found"));
}

/* One part: heading, totals with the HTML link, errors, jobs, files. */
static void part_section(sbuf *b, json_t *run, json_t *part, const char *title, const char *what,
			 const char *runsrc, const char *rundst)
{
	const char *html = json_string_value(json_object_get(part, "html"));
	char *from = xasprintf("%s/coverage/%s/html", runsrc, what);
	char *to = xasprintf("%s/coverage/%s/html", rundst, what);

	sb_addf(b, "<h3 id='coverage-%s'>", what);
	sb_addxml(b, title);
	sb_add(b, "</h3>\n<p>");
	totals(b, part);
	if (html && (g_isdir(from) ? copy_tree(from, to) == 0 :
				     render_again(run, part, what, runsrc, to) == 0)) {
		sb_addtag(b, "; <a href='", html, "'>lcov's report</a>");
	} else {
		sb_add(b, "; no lcov report");
	}
	sb_add(b, ".</p>\n");
	rows(b, part, "errors", "<p class='fail'><b>Coverage lost or partial:</b></p>\n"
	     "<ul class='coverr'>\n", "</ul>\n", error_row);
	rows(b, part, "jobs", "<table class='covjobs'><tr><th>job</th><th>counts files (.gcda)</th>"
	     "<th>with their notes (.gcno)</th><th>problem</th></tr>\n", "</table>\n", job_row);
	rows(b, part, "files", "<table class='covfiles'><tr><th>file</th><th>lines hit</th>"
	     "<th>lines</th><th>%</th><th>functions hit</th><th>functions</th></tr>\n", "</table>\n",
	     file_row);
	free(from);
	free(to);
}

void g_cover_site_run(sbuf *b, json_t *run, const char *runsrc, const char *rundst)
{
	json_t *cov = json_object_get(run, "coverage");
	bool any = false;

	sb_add(b, "<h2 id='coverage'>Coverage</h2>\n");
	for (size_t i = 0; i < 2; i++) {
		json_t *part = json_object_get(cov, part_titles[i][0]);

		if (json_is_object(part)) {
			part_section(b, run, part, part_titles[i][1], part_titles[i][0], runsrc, rundst);
			any = true;
		}
	}
	if (json_string_value(json_object_get(cov, "error"))) {
		sb_addtag(b, "<p class='fail'>", json_string_value(json_object_get(cov, "error")), "</p>\n");
	}
	if (!any)
		sb_add(b, "<p>This run measured no coverage: no job ran on a gcov kernel "
			  "(custom-6.1-gcov measures the kernel runtime) and it ran without "
			  "<code>--coverage</code> (the runtime core under its unit tests).</p>\n");
	else if (!json_is_object(json_object_get(cov, "user")))
		sb_add(b, "<p>No unit-test coverage in this run (it ran without "
			  "<code>--coverage</code>).</p>\n");
	else if (!json_is_object(json_object_get(cov, "kernel")))
		sb_add(b, "<p>No kernel runtime coverage in this run: no job ran on a gcov kernel "
			  "(custom-6.1-gcov).</p>\n");
}

static bool measured(json_t *run)
{
	json_t *cov = json_object_get(run, "coverage");

	return json_is_object(json_object_get(cov, "kernel")) ||
	       json_is_object(json_object_get(cov, "user"));
}

/* The totals of one run, a line per part, linked to its page. */
static void index_totals(sbuf *b, json_t *run)
{
	const char *id = json_string_value(json_object_get(run, "run_id"));
	json_t *cov = json_object_get(run, "coverage");

	sb_add(b, "<table id='coverage'><tr><th>measured</th><th>totals</th><th>problems</th></tr>\n");
	for (size_t i = 0; i < 2; i++) {
		json_t *part = json_object_get(cov, part_titles[i][0]);
		size_t ne = json_array_size(json_object_get(part, "errors"));

		if (!json_is_object(part))
			continue;
		sb_addf(b, "<tr><td><a href='runs/%s/index.html#coverage-%s'>", id, part_titles[i][0]);
		sb_addxml(b, part_titles[i][1]);
		sb_add(b, "</a></td><td>");
		totals(b, part);
		sb_addf(b, "</td><td%s>%zu</td></tr>\n", ne ? " class='v fail'" : "", ne);
	}
	sb_add(b, "</table>\n");
}

void g_cover_site_index(sbuf *b, json_t **runs, size_t n)
{
	size_t last = 0;

	if (!n)
		return;
	sb_add(b, "<h2>Coverage</h2>\n");
	if (measured(runs[0])) {
		index_totals(b, runs[0]);
		return;
	}
	while (last < n && !measured(runs[last]))
		last++;
	sb_add(b, "<p>The latest run measured no coverage.");
	if (last == n) {
		sb_add(b, " No run has yet (<code>stapgrid run --coverage</code>; jobs on "
			  "custom-6.1-gcov measure the kernel runtime).</p>\n");
		return;
	}
	sb_addf(b, " The newest that did: <a href='runs/%s/index.html#coverage'>%s</a>.</p>\n",
		json_string_value(json_object_get(runs[last], "run_id")),
		json_string_value(json_object_get(runs[last], "run_id")));
	index_totals(b, runs[last]);
}
