/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A run's records: run.json (schema in docs/grid.md), jobs/ID/job.json,
 * grid.sum (DejaGnu style, one line per test) and kcidb.json, a KCIDB v4.5
 * submission: one checkout and one build per kernel, one test per job (path
 * SUITE) and per test (path SUITE.TEST), ids prefixed with the origin.
 */
#include "grid.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ORIGIN "stapgrid"

static json_t *jiso(double t)
{
	char *s = g_iso8601(t);
	json_t *j = json_string(s);

	free(s);
	return j;
}

static const char *rel(const char *path, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(path, base, n) && path[n] == '/' ? path + n + 1 : path;
}

char *g_job_id(const struct g_jobres *r)
{
	return r->rep ? xasprintf("%s.%s.%d", r->kernel, r->suite, r->rep)
		      : xasprintf("%s.%s", r->kernel, r->suite);
}

/* [{sum, pass, fail, ..., failures: [lines]}] for the job's .sum files. */
static json_t *dejagnu_json(const struct g_jobres *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->ndg; i++) {
		const struct g_dgsum *d = &r->dg[i];
		json_t *o = json_object(), *f = json_array();

		json_object_set_new(o, "sum", json_string(d->sum));
		for (int c = 0; c < DG__N; c++)
			json_object_set_new(o, g_dg_name((enum g_dg)c), json_integer(d->counts[c]));
		for (size_t k = 0; k < d->failures.n; k++)
			json_array_append_new(f, json_string(d->failures.v[k]));
		json_object_set_new(o, "failures", f);
		json_array_append_new(a, o);
	}
	return a;
}

/* {key: value}: numbers as JSON numbers, anything else as a string. */
static json_t *figures_json(const struct g_testres *t)
{
	json_t *o = json_object();

	for (size_t k = 0; k < t->fig_keys.n; k++) {
		const char *v = t->fig_vals.v[k];
		char *end = NULL;
		double d = strtod(v, &end);

		if (end != v && !*end && strchr(v, '.') == NULL && strchr(v, 'e') == NULL &&
		    d >= -9e15 && d <= 9e15)
			json_object_set_new(o, t->fig_keys.v[k], json_integer((json_int_t)d));
		else if (end != v && !*end)
			json_object_set_new(o, t->fig_keys.v[k], json_real(d));
		else
			json_object_set_new(o, t->fig_keys.v[k], json_string(v));
	}
	return o;
}

/* A LAVA job's own record: its id and page, LAVA's health and error, its
 * test cases as LAVA counted them ("SUITE.CASE": result); null for a
 * libvirt guest or a job LAVA never took. */
static json_t *lava_json(const struct g_jobres *r)
{
	json_t *o, *cases;

	if (!r->lava_id)
		return json_null();
	o = json_object();
	cases = json_object();
	json_object_set_new(o, "id", json_integer(r->lava_id));
	json_object_set_new(o, "url", json_string(r->lava_url ? r->lava_url : ""));
	json_object_set_new(o, "health", r->lava_health ? json_string(r->lava_health) : json_null());
	json_object_set_new(o, "error", r->lava_error ? json_string(r->lava_error) : json_null());
	for (size_t i = 0; i < r->lava_cases.n; i++) {
		const char *c = r->lava_cases.v[i], *sp = strrchr(c, ' ');
		char *name;

		if (!sp || sp == c)
			continue;
		name = xasprintf("%.*s", (int)(sp - c), c);
		json_object_set_new(cases, name, json_string(sp + 1));
		free(name);
	}
	json_object_set_new(o, "cases", cases);
	return o;
}

static json_t *job_json(const struct g_jobres *r, const char *rundir)
{
	json_t *j = json_object(), *counts = json_object(), *tests = json_array();
	char *console = g_path(r->dir, "console.log");

	{
		char *id = g_job_id(r);
		json_object_set_new(j, "id", json_string(id));
		free(id);
	}
	json_object_set_new(j, "repeat", json_integer(r->rep));
	json_object_set_new(j, "kernel", json_string(r->kernel));
	json_object_set_new(j, "release", json_string(r->release ? r->release : ""));
	json_object_set_new(j, "build_id", json_string(r->build_id ? r->build_id : ""));
	json_object_set_new(j, "suite", json_string(r->suite));
	json_object_set_new(j, "host", json_string(r->host ? r->host : ""));
	json_object_set_new(j, "accel", json_string(r->accel ? r->accel : ""));
	json_object_set_new(j, "tcg", r->tcg ? json_string(r->tcg) : json_null());
	json_object_set_new(j, "engine", json_string(r->engine ? r->engine : "libvirt"));
	json_object_set_new(j, "lava", lava_json(r));
	json_object_set_new(j, "verdict", json_string(g_verdict_name(r->verdict)));
	json_object_set_new(j, "reason", r->reason ? json_string(r->reason) : json_null());
	json_object_set_new(j, "attempts", json_integer(r->attempts));
	json_object_set_new(j, "start", jiso(r->start));
	json_object_set_new(j, "end", jiso(r->end));
	json_object_set_new(j, "duration", json_real(r->end - r->start));
	json_object_set_new(j, "boot_seconds", json_real(r->boot_seconds));
	for (int v = 0; v < V__N; v++)
		json_object_set_new(counts, g_verdict_name((enum g_verdict)v), json_integer(r->counts[v]));
	json_object_set_new(j, "counts", counts);
	for (int i = 0; i < r->ntests; i++) {
		const struct g_testres *t = &r->tests[i];
		json_t *o = json_object();
		char *log = t->log ? g_path(r->dir, t->log) : NULL;

		json_object_set_new(o, "name", json_string(t->name));
		json_object_set_new(o, "verdict", json_string(g_verdict_name(t->verdict)));
		json_object_set_new(o, "duration", json_real(t->duration));
		json_object_set_new(o, "log", log ? json_string(rel(log, rundir)) : json_null());
		json_object_set_new(o, "excerpt", t->excerpt ? json_string(t->excerpt) : json_null());
		json_object_set_new(o, "figures", figures_json(t));
		json_array_append_new(tests, o);
		free(log);
	}
	json_object_set_new(j, "tests", tests);
	json_object_set_new(j, "dejagnu", dejagnu_json(r));
	if (r->nperf) {
		/* The overhead rows, so the site renders from run.json alone. */
		json_t *p = json_object();

		json_object_set_new(p, "rows", g_perf_rows_json(r));
		json_object_set_new(j, "perf", p);
	}
	if (r->cov)	/* a gcov kernel's job: its counts, or why none */
		json_object_set_new(j, "coverage", g_cover_job_json(r));
	json_object_set_new(j, "dir", json_string(rel(r->dir, rundir)));
	json_object_set_new(j, "console", g_exists(console) ? json_string(rel(console, rundir)) : json_null());
	json_object_set_new(j, "excerpt", r->excerpt ? json_string(r->excerpt) : json_null());
	free(console);
	return j;
}

/* KCIDB v4.5 statuses: FAIL (the code is faulty), MISS (the harness failed),
 * SKIP (did not run), PASS. */
static const char *kcidb_status(enum g_verdict v)
{
	switch (v) {
	case V_PASS: return "PASS";
	case V_INFRA: return "MISS";
	case V_NOTRUN:
	case V_UNSUPPORTED: return "SKIP";
	default: return "FAIL";
	}
}

static char *file_url(const char *path)
{
	char *abs = realpath(path, NULL);
	char *u = xasprintf("file://%s", abs ? abs : path);

	free(abs);
	return u;
}

/* KCIDB ids allow anything after "origin:"; keep to a plain alphabet. */
static char *kid(const char *kind, const char *a, const char *b)
{
	char *s = xasprintf("%s:%s%s%s%s", ORIGIN, kind, a, b ? "-" : "", b ? b : "");

	for (char *p = s + strlen(ORIGIN) + 1; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
			*p = '_';
	return s;
}

static json_t *kcidb(const struct g_run *run)
{
	json_t *root = json_object(), *ver = json_object(), *checkouts = json_array();
	json_t *builds = json_array(), *tests = json_array();
	strv seen = {0};

	json_object_set_new(ver, "major", json_integer(4));
	json_object_set_new(ver, "minor", json_integer(5));
	json_object_set_new(root, "version", ver);
	for (int i = 0; i < run->njobs; i++) {
		const struct g_jobres *r = &run->jobs[i];
		char *co = kid("checkout-", r->kernel, r->release);
		char *bu = kid("build-", r->kernel, r->build_id && *r->build_id ? r->build_id : r->release);
		char *env = xasprintf("host %s, %s%s%s", r->host ? r->host : "?", r->accel ? r->accel : "?",
				      r->tcg ? " " : "", r->tcg ? r->tcg : "");
		char *console = g_path(r->dir, "console.log");
		char *curl = g_exists(console) ? file_url(console) : NULL;

		if (!sv_has(&seen, co)) {
			json_t *c = json_object(), *b = json_object(), *misc = json_object();

			sv_push(&seen, co);
			json_object_set_new(c, "id", json_string(co));
			json_object_set_new(c, "origin", json_string(ORIGIN));
			json_object_set_new(c, "tree_name", json_string(r->kernel));
			json_object_set_new(c, "valid", json_true());
			json_object_set_new(c, "comment", json_sprintf("kernel %s (%s)", r->kernel, r->release));
			json_array_append_new(checkouts, c);
			json_object_set_new(b, "id", json_string(bu));
			json_object_set_new(b, "checkout_id", json_string(co));
			json_object_set_new(b, "origin", json_string(ORIGIN));
			json_object_set_new(b, "architecture", json_string("x86_64"));
			json_object_set_new(b, "config_name", json_string(r->kernel));
			json_object_set_new(b, "valid", json_true());
			json_object_set_new(misc, "release", json_string(r->release));
			json_object_set_new(misc, "build_id", json_string(r->build_id ? r->build_id : ""));
			json_object_set_new(b, "misc", misc);
			json_array_append_new(builds, b);
		}
		for (int t = -1; t < r->ntests; t++) {
			json_t *o = json_object(), *e = json_object(), *misc = json_object();
			const struct g_testres *tr = t >= 0 ? &r->tests[t] : NULL;
			enum g_verdict v = tr ? tr->verdict : r->verdict;
			char *jid = g_job_id(r);
			char *tid = tr ? xasprintf("%s:%s.%s.%s", ORIGIN, run->id, jid, tr->name)
				 : xasprintf("%s:%s.%s", ORIGIN, run->id, jid);

			free(jid);
			json_object_set_new(o, "id", json_string(tid));
			json_object_set_new(o, "build_id", json_string(bu));
			json_object_set_new(o, "origin", json_string(ORIGIN));
			json_object_set_new(o, "path", tr ? json_sprintf("%s.%s", r->suite, tr->name)
							  : json_string(r->suite));
			json_object_set_new(o, "status", json_string(kcidb_status(v)));
			json_object_set_new(o, "start_time", jiso(r->start));
			json_object_set_new(o, "duration", json_real(tr ? tr->duration : r->end - r->start));
			json_object_set_new(e, "comment", json_string(env));
			json_object_set_new(o, "environment", e);
			if (tr && tr->log) {
				char *lp = g_path(r->dir, tr->log), *u = file_url(lp);
				json_object_set_new(o, "log_url", json_string(u));
				free(lp);
				free(u);
			} else if (curl) {
				json_object_set_new(o, "log_url", json_string(curl));
			}
			if ((tr ? tr->excerpt : r->excerpt) != NULL) {
				const char *x = tr ? tr->excerpt : r->excerpt;
				/* KCIDB caps log_excerpt at 16 KiB. */
				json_object_set_new(o, "log_excerpt", json_stringn(x, strlen(x) > 16384 ? 16384 : strlen(x)));
			}
			json_object_set_new(misc, "verdict", json_string(g_verdict_name(v)));
			json_object_set_new(misc, "run_id", json_string(run->id));
			json_object_set_new(misc, "host", json_string(r->host ? r->host : ""));
			json_object_set_new(misc, "engine", json_string(r->engine ? r->engine : "libvirt"));
			if (r->lava_url) {
				json_object_set_new(misc, "lava_job", json_integer(r->lava_id));
				json_object_set_new(misc, "lava_url", json_string(r->lava_url));
			}
			json_object_set_new(o, "misc", misc);
			json_array_append_new(tests, o);
			free(tid);
		}
		free(co);
		free(bu);
		free(env);
		free(console);
		free(curl);
	}
	json_object_set_new(root, "checkouts", checkouts);
	json_object_set_new(root, "builds", builds);
	json_object_set_new(root, "tests", tests);
	sv_free(&seen);
	return root;
}

/* git's answer in src; NULL when git fails (no git, not a clone). */
static char *git_out(const char *src, char *const argv[])
{
	char *out = NULL;

	if (g_run(argv, src, &out, NULL) != 0) {
		free(out);
		return NULL;
	}
	return out ? out : xstrdup("");
}

json_t *g_source_state(const char *src)
{
	char *head_argv[] = {"git", "rev-parse", "HEAD", NULL};
	char *st_argv[] = {"git", "status", "--porcelain", "--untracked-files=no", NULL};
	json_t *o = json_object(), *paths = json_array();
	char *head = g_tool_exists("git") ? git_out(src, head_argv) : NULL, *st = NULL;
	strv lines = {0};

	if (head)
		head[strcspn(head, "\n")] = 0;
	if (!head || strlen(head) != 40) {
		json_object_set_new(o, "commit", json_null());
		json_object_set_new(o, "note", json_string("not a git checkout (or no git): the code tested is not recorded"));
		free(head);
		return o;
	}
	json_object_set_new(o, "commit", json_string(head));
	st = git_out(src, st_argv);
	/* Uncommitted changes to tracked files: the figures are of a tree
	 * that no commit holds, and the reader must know which files. */
	sv_split(&lines, st ? st : "", "\n");
	for (size_t i = 0; i < lines.n && i < 100; i++)
		if (strlen(lines.v[i]) > 3)
			json_array_append_new(paths, json_string(lines.v[i] + 3));
	json_object_set_new(o, "dirty", json_boolean(lines.n > 0));
	json_object_set_new(o, "uncommitted", paths);
	sv_free(&lines);
	free(head);
	free(st);
	return o;
}

const char *g_jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

double g_jnum(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

int g_json_write(struct json_t *j, const char *path)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int rc = text ? g_writefile(path, text, strlen(text), 0644) : -1;

	free(text);
	return rc;
}

/* The engine that ran the jobs: "libvirt", "lava", or "mixed" when a
 * hosts file gave both kinds. */
static const char *run_engine(const struct g_run *r)
{
	const char *e = NULL;

	for (int i = 0; i < r->njobs; i++) {
		const char *je = r->jobs[i].engine ? r->jobs[i].engine : "libvirt";

		if (e && strcmp(e, je))
			return "mixed";
		e = je;
	}
	return e ? e : "libvirt";
}

int g_result_write(const struct g_run *r)
{
	json_t *run = json_object(), *jobs = json_array(), *sum = json_object();
	char host[256] = "";
	int counts[V__N] = {0}, rc = 0;
	char *path;
	sbuf dg = {0};

	gethostname(host, sizeof(host) - 1);
	json_object_set_new(run, "schema", json_string("stapgrid-run/1"));
	json_object_set_new(run, "run_id", json_string(r->id));
	json_object_set_new(run, "start", jiso(r->start));
	json_object_set_new(run, "end", jiso(r->end));
	json_object_set_new(run, "duration", json_real(r->end - r->start));
	json_object_set_new(run, "host", json_string(host));
	json_object_set_new(run, "engine", json_string(run_engine(r)));
	if (r->source)
		json_object_set(run, "source", r->source);
	if (r->options)
		json_object_set(run, "options", r->options);
	sb_addf(&dg, "Test run by stapgrid on %s\nRunning run %s ...\n", host, r->id);
	for (int i = 0; i < r->njobs; i++) {
		const struct g_jobres *jr = &r->jobs[i];
		json_t *j = job_json(jr, r->dir);
		char *jp = g_path(jr->dir, "job.json");

		if (g_json_write(j, jp) < 0)
			rc = -1;
		free(jp);
		json_array_append(jobs, j);
		json_decref(j);
		counts[jr->verdict]++;
		for (int t = 0; t < jr->ntests; t++) {
			enum g_verdict v = jr->tests[t].verdict;
			char *jid = g_job_id(jr);

			sb_addf(&dg, "%s: %s/%s%s%s\n",
				v == V_PASS ? "PASS" : v == V_NOTRUN ? "UNTESTED" : v == V_INFRA ? "UNRESOLVED"
				: v == V_UNSUPPORTED ? "UNSUPPORTED" : "FAIL",
				jid, jr->tests[t].name, v == V_PASS ? "" : " ",
				v == V_PASS ? "" : g_verdict_name(v));
			free(jid);
		}
	}
	json_object_set_new(run, "jobs", jobs);
	if (r->coverage)
		json_object_set(run, "coverage", r->coverage);
	json_object_set_new(sum, "jobs", json_integer(r->njobs));
	for (int v = 0; v < V__N; v++)
		json_object_set_new(sum, g_verdict_name((enum g_verdict)v), json_integer(counts[v]));
	json_object_set_new(run, "summary", sum);
	path = g_path(r->dir, "run.json");
	if (g_json_write(run, path) < 0)
		rc = -1;
	free(path);
	{
		json_t *k = kcidb(r);
		path = g_path(r->dir, "kcidb.json");
		if (g_json_write(k, path) < 0)
			rc = -1;
		free(path);
		json_decref(k);
	}
	sb_addf(&dg, "\n\t\t=== stapgrid Summary ===\n\n# of jobs\t\t%d\n", r->njobs);
	path = g_path(r->dir, "grid.sum");
	if (g_writefile(path, dg.s, dg.len, 0644) < 0)
		rc = -1;
	free(path);
	sb_free(&dg);
	json_decref(run);
	if (rc < 0)
		g_err("cannot write the results of run %s (full disk?)", r->id);
	return rc;
}
