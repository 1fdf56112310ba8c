/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stapgrid certify (docs/certify.md): a release judged against the
 * criteria (gcrit.c) from one recorded run, and its certificate,
 * results/certificates/NAME/: certificate.json (schema
 * stapgrid-certificate/1), certificate.sig (Ed25519 over the canonical
 * form: the JSON with keys sorted, no blanks, ASCII; gsign.c) and
 * signer.pub.  The facts (matrix, tests, overhead, coverage) are taken
 * from run.json by g_cert_facts, which compare (gcompare.c) shares, so a
 * certificate and a run compare alike.
 */
#include "grid.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <libvirt/libvirt.h>

#define CERT_SCHEMA "stapgrid-certificate/1"

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* ---- facts of a run ------------------------------------------------------ */

static json_t *job_fact(json_t *j)
{
	json_t *c = json_object_get(j, "counts"), *v;
	const char *k;
	long total = 0;

	json_object_foreach(c, k, v)
		total += (long)json_integer_value(v);
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:o}", "id", g_jstr(j, "id"),
			 "kernel", g_jstr(j, "kernel"), "suite", g_jstr(j, "suite"), "verdict", g_jstr(j, "verdict"),
			 "tests_pass", (json_int_t)json_integer_value(json_object_get(c, "pass")),
			 "tests", (json_int_t)total,
			 "skipped", (json_int_t)(json_integer_value(json_object_get(c, "unsupported")) +
						 json_integer_value(json_object_get(c, "notrun"))),
			 "accel", g_jstr(j, "accel"),
			 "tcg", json_is_string(json_object_get(j, "tcg")) ? json_string(g_jstr(j, "tcg")) : json_null());
}

static json_t *find_row(json_t *rows, const char *workload, const char *variant)
{
	json_t *w;
	size_t i;

	json_array_foreach(rows, i, w)
		if (!strcmp(g_jstr(w, "workload"), workload) && !strcmp(g_jstr(w, "variant"), variant))
			return w;
	return NULL;
}

/* A row's ratio to its floor, with the band its repeated runs span: the
 * fastest and slowest single run over the floor's median (gperf.c,
 * docs/overhead.md); null when one run or none. */
static json_t *ratio_fact(json_t *job, json_t *rows, json_t *w)
{
	json_t *floor = find_row(rows, g_jstr(w, "workload"), "floor");
	double f = floor ? g_jnum(floor, "value") : NAN, lo = g_jnum(w, "min"), hi = g_jnum(w, "max");
	bool band = g_jnum(w, "runs") >= 2 && isfinite(lo) && isfinite(hi) && f > 0;

	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "kernel", g_jstr(job, "kernel"), "workload", g_jstr(w, "workload"),
			 "variant", g_jstr(w, "variant"), "unit", g_jstr(w, "unit"),
			 "value", jnum(g_jnum(w, "value")), "floor", jnum(f),
			 "ratio_to_floor", jnum(g_jnum(w, "ratio_to_floor")),
			 "ratio_min", band ? jnum(lo / f) : json_null(),
			 "ratio_max", band ? jnum(hi / f) : json_null(),
			 "runs", jnum(g_jnum(w, "runs")),
			 "twin", json_is_string(json_object_get(w, "twin")) ? json_string(g_jstr(w, "twin")) : json_null(),
			 "ratio_to_twin", jnum(g_jnum(w, "ratio_to_twin")));
}

/* Every row with a ratio to its floor, of each kernel's first perf job. */
static json_t *overhead_facts(json_t *jobs)
{
	json_t *out = json_array(), *j, *w;
	strv seen = {0};
	size_t i, k;

	json_array_foreach(jobs, i, j) {
		json_t *rows = json_object_get(json_object_get(j, "perf"), "rows");

		if (!json_array_size(rows) || sv_has(&seen, g_jstr(j, "kernel")))
			continue;
		sv_push(&seen, g_jstr(j, "kernel"));
		json_array_foreach(rows, k, w)
			if (json_is_number(json_object_get(w, "ratio_to_floor")))
				json_array_append_new(out, ratio_fact(j, rows, w));
	}
	sv_free(&seen);
	return out;
}

static json_t *cov_fact(json_t *c)
{
	double lf = g_jnum(c, "lines_found"), lh = g_jnum(c, "lines_hit");
	double ff = g_jnum(c, "functions_found"), fh = g_jnum(c, "functions_hit");

	if (!json_is_object(c))
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "lines_found", jnum(lf), "lines_hit", jnum(lh),
			 "lines_pct", lf > 0 ? jnum(100 * lh / lf) : json_null(),
			 "functions_found", jnum(ff), "functions_hit", jnum(fh),
			 "functions_pct", ff > 0 ? jnum(100 * fh / ff) : json_null(),
			 "errors", (json_int_t)json_array_size(json_object_get(c, "errors")));
}

/* The torture jobs: their verdicts, wall time and each test's figures. */
static json_t *torture_facts(json_t *run)
{
	json_t *jobs = json_array(), *j, *t;
	double secs = 0;
	size_t i, k;

	json_array_foreach(json_object_get(run, "jobs"), i, j) {
		json_t *tests;

		if (strcmp(g_jstr(j, "suite"), "torture"))
			continue;
		tests = json_array();
		secs += g_jnum(j, "duration") > 0 ? g_jnum(j, "duration") : 0;
		json_array_foreach(json_object_get(j, "tests"), k, t)
			json_array_append_new(tests, json_pack("{s:s, s:s, s:O}", "name", g_jstr(t, "name"),
							       "verdict", g_jstr(t, "verdict"), "figures",
							       json_object_get(t, "figures") ? json_object_get(t, "figures")
											     : json_null()));
		json_array_append_new(jobs, json_pack("{s:s, s:s, s:o, s:o}", "kernel", g_jstr(j, "kernel"),
						      "verdict", g_jstr(j, "verdict"), "seconds",
						      jnum(g_jnum(j, "duration")), "tests", tests));
	}
	return json_pack("{s:o, s:o, s:o}", "duration_per_test",
			 jnum(g_jnum(json_object_get(run, "options"), "duration")),
			 "hours", json_real(secs / 3600), "jobs", jobs);
}

json_t *g_cert_facts(json_t *run)
{
	json_t *jobs = json_array(), *tests = json_object(), *j, *t;
	json_t *cov = json_object_get(run, "coverage");
	size_t i, k;

	json_array_foreach(json_object_get(run, "jobs"), i, j) {
		json_array_append_new(jobs, job_fact(j));
		json_array_foreach(json_object_get(j, "tests"), k, t) {
			char *key = xasprintf("%s/%s", g_jstr(j, "id"), g_jstr(t, "name"));

			json_object_set_new(tests, key, json_string(g_jstr(t, "verdict")));
			free(key);
		}
	}
	return json_pack("{s:o, s:o, s:o, s:{s:o, s:o}, s:o}", "jobs", jobs, "tests", tests,
			 "overhead", overhead_facts(json_object_get(run, "jobs")),
			 "coverage", "kernel", cov_fact(json_object_get(cov, "kernel")),
			 "user", cov_fact(json_object_get(cov, "user")),
			 "torture", torture_facts(run));
}

/* ---- judging ----------------------------------------------------------- */

static bool holds(double v, char op, double bound)
{
	return op == 'l' ? v <= bound : op == 'L' ? v < bound : op == 'g' ? v >= bound : v > bound;
}

static bool wild_eq(const char *pattern, const char *s)
{
	return !strcmp(pattern, "*") || !strcmp(pattern, s);
}

/* The last verdict rule that names (kernel, suite[, test]) decides it. */
static int deciding(const struct g_criteria *c, const char *kernel, const char *suite, const char *test)
{
	int hit = -1;

	for (int i = 0; i < c->n; i++) {
		const struct g_crit *r = &c->rules[i];

		if (r->kind == C_VERDICT && !r->test == !test && wild_eq(r->kernel, kernel) &&
		    wild_eq(r->suite, suite) && (!test || !strcmp(r->test, test)))
			hit = i;
	}
	return hit;
}

struct judged {
	int decided;  /* jobs or tests the rule decided */
	sbuf missed;  /* what broke it */
	sbuf detail;  /* the figures it was held to */
};

static void judge_verdicts(const struct g_criteria *c, json_t *run, struct judged *res)
{
	json_t *j, *t;
	size_t i, k;

	json_array_foreach(json_object_get(run, "jobs"), i, j) {
		int r = deciding(c, g_jstr(j, "kernel"), g_jstr(j, "suite"), NULL), v = g_verdict_parse(g_jstr(j, "verdict"));

		if (r >= 0) {
			res[r].decided++;
			if (v < 0 || !(c->rules[r].verdicts & (1u << v)))
				sb_addf(&res[r].missed, "%s%s is %s", res[r].missed.len ? "; " : "",
					g_jstr(j, "id"), g_jstr(j, "verdict"));
		}
		json_array_foreach(json_object_get(j, "tests"), k, t) {
			r = deciding(c, g_jstr(j, "kernel"), g_jstr(j, "suite"), g_jstr(t, "name"));
			v = g_verdict_parse(g_jstr(t, "verdict"));
			if (r < 0)
				continue;
			res[r].decided++;
			if (v < 0 || !(c->rules[r].verdicts & (1u << v)))
				sb_addf(&res[r].missed, "%s%s/%s is %s", res[r].missed.len ? "; " : "",
					g_jstr(j, "id"), g_jstr(t, "name"), g_jstr(t, "verdict"));
		}
	}
}

/* Every kernel the criteria name ran (pairs: every suite on each). */
static void judge_matrix(json_t *run, const strv *kernels, const strv *suites, bool pairs,
			 sbuf *missed)
{
	for (size_t k = 0; k < kernels->n; k++)
		for (size_t s = 0; s < (pairs ? suites->n : 1); s++) {
			json_t *j;
			size_t i;
			bool found = false;

			json_array_foreach(json_object_get(run, "jobs"), i, j)
				found = found || (!strcmp(g_jstr(j, "kernel"), kernels->v[k]) &&
						  (!pairs || !strcmp(g_jstr(j, "suite"), suites->v[s])));
			if (!found && pairs)
				sb_addf(missed, "%sno job of %s on %s", missed->len ? "; " : "",
					suites->v[s], kernels->v[k]);
			else if (!found)
				sb_addf(missed, "%sno job on %s", missed->len ? "; " : "", kernels->v[k]);
		}
}

static void judge_overhead(const struct g_crit *r, json_t *run, struct judged *res)
{
	json_t *j;
	size_t i;
	strv seen = {0};

	json_array_foreach(json_object_get(run, "jobs"), i, j) {
		json_t *rows = json_object_get(json_object_get(j, "perf"), "rows"), *w, *peer;
		double ratio = NAN;

		if (!json_array_size(rows) || !wild_eq(r->kernel, g_jstr(j, "kernel")) || sv_has(&seen, g_jstr(j, "kernel")))
			continue;
		sv_push(&seen, g_jstr(j, "kernel"));
		res->decided++;
		w = find_row(rows, r->workload, r->variant);
		if (w && !strcmp(r->against, "floor"))
			ratio = g_jnum(w, "ratio_to_floor");
		else if (w && !strcmp(r->against, "twin"))
			ratio = g_jnum(w, "ratio_to_twin");
		else if (w && (peer = find_row(rows, r->workload, r->against)) && g_jnum(peer, "value") > 0)
			ratio = g_jnum(w, "value") / g_jnum(peer, "value");
		if (!isfinite(ratio))
			sb_addf(&res->missed, "%s%s: no ratio of %s to %s on %s (not measured)",
				res->missed.len ? "; " : "", g_jstr(j, "kernel"), r->variant, r->against, r->workload);
		else if (!holds(ratio, r->op, r->bound))
			sb_addf(&res->missed, "%s%s: %.3f", res->missed.len ? "; " : "", g_jstr(j, "kernel"), ratio);
		else
			sb_addf(&res->detail, "%s%s: %.3f", res->detail.len ? "; " : "", g_jstr(j, "kernel"), ratio);
	}
	sv_free(&seen);
}

static void judge_coverage(const struct g_crit *r, json_t *facts, struct judged *res)
{
	json_t *c = json_object_get(json_object_get(facts, "coverage"), r->what);
	char *key = xasprintf("%s_pct", r->measure);
	double pct = g_jnum(c, key);

	res->decided = 1;
	if (!isfinite(pct))
		sb_addf(&res->missed, "the run measured no %s coverage", r->what);
	else if (g_jnum(c, "errors") > 0)
		sb_addf(&res->missed, "%.1f%%, but coverage was lost (run.json's coverage errors)", pct);
	else if (!holds(pct, r->op, r->bound))
		sb_addf(&res->missed, "%.1f%%", pct);
	else
		sb_addf(&res->detail, "%.1f%%", pct);
	free(key);
}

static void judge_seconds(const struct g_crit *r, json_t *run, json_t *fuzz, struct judged *res)
{
	json_t *d = json_object_get(json_object_get(run, "options"), "duration");

	res->decided = 1;
	if (r->kind == C_DURATION) {
		if (!json_is_integer(d))
			sb_add(&res->missed, "the run does not record its --duration (a run older than certify)");
		else if (json_integer_value(d) < (json_int_t)r->bound)
			sb_addf(&res->missed, "the run's --duration was %lld s", (long long)json_integer_value(d));
		else
			sb_addf(&res->detail, "--duration %lld s", (long long)json_integer_value(d));
		return;
	}
	if (!json_is_object(fuzz))
		sb_add(&res->missed, "no fuzzing run (with --run, give the run's with --fuzz DIR)");
	else if (strcmp(g_jstr(fuzz, "verdict"), "PASS"))
		sb_addf(&res->missed, "the fuzzer failed: %s", g_jstr(fuzz, "summary"));
	else if (!(g_jnum(fuzz, "seconds") >= r->bound))
		sb_addf(&res->missed, "%.0f s of fuzzing", g_jnum(fuzz, "seconds"));
	else
		sb_addf(&res->detail, "%.0f s, %.0f inputs", g_jnum(fuzz, "seconds"), g_jnum(fuzz, "runs"));
}

/* Each rule: where it is written, as written, met or missed, and why. */
json_t *g_cert_judge(const struct g_criteria *c, json_t *run, json_t *facts, json_t *fuzz)
{
	struct judged *res = xcalloc((size_t)c->n + 1, sizeof(*res));
	json_t *out = json_array();
	struct g_kernel *ks = NULL;
	strv kernels = {0}, suites = {0};
	int nk = 0;

	if (g_conf_kernels(&ks, &nk) == 0)
		g_select_kernels(&c->kernels, ks, nk, &kernels);
	G_FREE_ARRAY(ks, nk, g_kernel_free);
	if (c->suites.n == 1 && !strcmp(c->suites.v[0], "all"))
		g_conf_suite_names("grid/suites", &suites);
	else
		for (size_t i = 0; i < c->suites.n; i++)
			sv_push(&suites, c->suites.v[i]);
	judge_verdicts(c, run, res);
	for (int i = 0; i < c->n; i++) {
		const struct g_crit *r = &c->rules[i];
		bool met;

		if (r->kind == C_KERNELS || r->kind == C_SUITES) {
			res[i].decided = 1;
			judge_matrix(run, &kernels, &suites, r->kind == C_SUITES, &res[i].missed);
		} else if (r->kind == C_OVERHEAD) {
			judge_overhead(r, run, &res[i]);
		} else if (r->kind == C_COVERAGE) {
			judge_coverage(r, facts, &res[i]);
		} else if (r->kind == C_DURATION || r->kind == C_FUZZ) {
			judge_seconds(r, run, fuzz, &res[i]);
		}
		/* A rule that judged nothing is missed: never a silent pass. */
		if (!res[i].decided)
			sb_add(&res[i].missed, "no job or test of the run is what it names");
		else if (r->kind == C_VERDICT && !res[i].detail.len)
			sb_addf(&res[i].detail, "%d %s as allowed", res[i].decided, r->test ? "tests" : "jobs");
		else if (r->kind == C_KERNELS)
			sb_addf(&res[i].detail, "%zu kernel(s), each with a job", kernels.n);
		else if (r->kind == C_SUITES)
			sb_addf(&res[i].detail, "%zu kernel(s) x %zu suite(s), each with a job", kernels.n, suites.n);
		met = res[i].missed.len == 0;
		json_array_append_new(out, json_pack("{s:s, s:s, s:b, s:s}", "rule", r->text, "where", r->where,
						     "met", met, "detail",
						     met ? sb_str(&res[i].detail) : sb_str(&res[i].missed)));
		sb_free(&res[i].missed);
		sb_free(&res[i].detail);
	}
	free(res);
	sv_free(&kernels);
	sv_free(&suites);
	return out;
}

/* ---- what it takes to reproduce it --------------------------------------- */

static char *first_line(char *const argv[])
{
	char *out = NULL;

	if (!g_tool_exists(argv[0]) || g_run(argv, NULL, &out, NULL) != 0) {
		free(out);
		return xstrdup("unknown (could not run it)");
	}
	out[strcspn(out, "\n")] = 0;
	return out;
}

/* A kernel as prepared in the cache: its package, version, configuration
 * and the hash of the .config it was built with. */
static json_t *kernel_input(json_t *job)
{
	char *kdir = xasprintf("%s/kernels/%s", G.cache, g_jstr(job, "kernel"));
	char *kj = g_path(kdir, "kernel.json"), *cfg = g_path(kdir, "build/.config");
	json_t *k = json_load_file(kj, 0, NULL);
	char *cfg_sha = g_sha256_file(cfg);
	json_t *o = json_pack("{s:s, s:s, s:s}", "id", g_jstr(job, "kernel"), "release", g_jstr(job, "release"),
			      "build_id", g_jstr(job, "build_id"));

	if (k && !strcmp(g_jstr(k, "build_id"), g_jstr(job, "build_id"))) {
		json_object_set_new(o, "source", json_string(g_jstr(k, "source")));
		json_object_set_new(o, "package", json_string(g_jstr(k, "package")));
		json_object_set_new(o, "version", json_string(g_jstr(k, "version")));
		json_object_set_new(o, "stapgrid_conf_hash", json_string(g_jstr(k, "conf_hash")));
		json_object_set_new(o, "config_sha256", cfg_sha ? json_string(cfg_sha) : json_null());
		json_object_set_new(o, "prepared_at", json_string(g_jstr(k, "prepared_at")));
	} else {
		/* Another build than the run's (or none): nothing of it is the run's. */
		json_object_set_new(o, "note", json_string(k ? "the cache holds another build of this kernel "
						     "now: package and config not recorded"
						   : "not in this machine's cache: package and config not recorded"));
	}
	json_decref(k);
	free(cfg_sha);
	g_free_strs(&kdir, &kj, &cfg, NULL);
	return o;
}

static json_t *host_cpu(void)
{
	char *info = read_file("/proc/cpuinfo", NULL), *p;
	char model[256] = "unknown";
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	struct utsname u;

	if (info && (p = strstr(info, "model name"))) {
		p = strchr(p, ':');
		if (p && sscanf(p + 1, " %255[^\n]", model) != 1)
			strcpy(model, "unknown");
	}
	free(info);
	uname(&u);
	return json_pack("{s:s, s:I, s:s, s:s}", "model", model, "cpus", (json_int_t)n, "machine", u.machine,
			 "host_kernel", u.release);
}

static json_t *inputs(json_t *run)
{
	char *qemu_argv[] = {"qemu-system-x86_64", "--version", NULL};
	json_t *kernels = json_array(), *accels = json_array(), *j;
	unsigned long lv = 0;
	strv seen = {0}, acc = {0};
	size_t i;
	char *qemu = first_line(qemu_argv), *libvirt;

	json_array_foreach(json_object_get(run, "jobs"), i, j) {
		char *a = xasprintf("%s%s%s", g_jstr(j, "accel"), *g_jstr(j, "tcg") ? " " : "", g_jstr(j, "tcg"));

		if (!sv_has(&seen, g_jstr(j, "kernel"))) {
			sv_push(&seen, g_jstr(j, "kernel"));
			json_array_append_new(kernels, kernel_input(j));
		}
		if (!sv_has(&acc, a)) {
			sv_push(&acc, a);
			json_array_append_new(accels, json_string(a));
		}
		free(a);
	}
	libvirt = virGetVersion(&lv, NULL, NULL) == 0
			  ? xasprintf("%lu.%lu.%lu", lv / 1000000, lv / 1000 % 1000, lv % 1000)
			  : xstrdup("unknown");
	sv_free(&seen);
	sv_free(&acc);
	j = json_pack("{s:O, s:o, s:s, s:s, s:o, s:o, s:s, s:s}", "source",
		      json_object_get(run, "source") ?: json_null(), "kernels", kernels,
		      "qemu", qemu, "libvirt", libvirt, "accel", accels, "host_cpu", host_cpu(),
		      "engine", *g_jstr(run, "engine") ? g_jstr(run, "engine") : "libvirt",
		      "collected", "QEMU, libvirt, the host CPU and the kernels' packages as they are on this "
		      "machine when certifying; the commit, builds and accelerators as the run recorded them");
	free(qemu);
	free(libvirt);
	return j;
}

/* The limitations the criteria list and harness/known-failures' entries. */
static json_t *limitations(const struct g_criteria *c)
{
	json_t *a = json_array();
	char *kf = g_path(G.src, "harness/known-failures"), *text = read_file(kf, NULL);
	strv lines = {0};

	for (size_t i = 0; i < c->limitations.n; i++)
		json_array_append_new(a, json_string(c->limitations.v[i]));
	sv_split(&lines, text ? text : "", "\n");
	for (size_t i = 0; i < lines.n; i++) {
		char *l = g_trim(lines.v[i]);

		if (*l && *l != '#')
			json_array_append_new(a, json_sprintf("harness/known-failures: %s", l));
	}
	sv_free(&lines);
	free(text);
	free(kf);
	return a;
}

/* ---- the fuzzing run ----------------------------------------------------- */

/* harness/fuzz/run.sh's summary (fuzz.sum) and libFuzzer's log (fuzz.log)
 * of a fuzzing run in dir: its verdict, seconds, inputs run and seed. */
json_t *g_cert_fuzz_read(const char *dir)
{
	char *sum = g_path(dir, "fuzz.sum"), *log = g_path(dir, "fuzz.log");
	char *s = read_file(sum, NULL), *l = read_file(log, NULL), *p;
	long runs = -1, secs = -1, seed = -1;
	json_t *o = NULL;

	if (!s || !l) {
		g_err("%s: no fuzzing run here (fuzz.sum and fuzz.log of harness/fuzz/run.sh -s)", dir);
		goto out;
	}
	if ((p = strstr(l, "\nDone ")))
		sscanf(p, "\nDone %ld runs in %ld second", &runs, &secs);
	if ((p = strstr(l, "INFO: Seed: ")))
		sscanf(p, "INFO: Seed: %ld", &seed);
	s[strcspn(s, "\n")] = 0;
	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "verdict", !strncmp(s, "PASS: ", 6) && secs >= 0 ? "PASS" : "FAIL",
		      "summary", s, "seconds", secs >= 0 ? json_integer(secs) : json_null(),
		      "hours", secs >= 0 ? json_real(secs / 3600.0) : json_null(),
		      "runs", runs >= 0 ? json_integer(runs) : json_null(),
		      "seed", seed >= 0 ? json_integer(seed) : json_null());
out:
	g_free_strs(&sum, &log, &s, &l, NULL);
	return o;
}

/* make certify builds the fuzzer (clang); run.sh fuzzes from the seeds for
 * the criteria's seconds, a fresh random seed, recorded. */
static json_t *fuzz_run(const char *dir, int seconds)
{
	char *fuzzer = g_path(G.src, "build/fuzz/fuzz_stap"), *script = g_path(G.src, "harness/fuzz/run.sh");
	char *sum = g_path(dir, "fuzz.sum"), *secs = xasprintf("%d", seconds);
	char *peer = getenv("PEER_DIR") ? xstrdup(getenv("PEER_DIR")) : g_path(G.src, "../shared/peer/systemtap");
	char *argv[] = {"sh", script, "-s", sum, "-w", (char *)dir, fuzzer, secs, peer, NULL};
	json_t *o = NULL;

	if (!g_exists(fuzzer)) {
		g_err("no fuzzer at %s: make certify builds it (make build/fuzz/fuzz_stap)", fuzzer);
	} else if (g_mkdirs(dir, 0755) == 0) {
		g_info("fuzzing the translator for %d s (%s)", seconds, dir);
		setenv("FUZZ_RUNS", "-1", 1); /* until the time is up */
		setenv("FUZZ_SEED", "0", 1);  /* libFuzzer draws one, and logs it */
		g_run(argv, NULL, NULL, NULL);
		o = g_cert_fuzz_read(dir);
	}
	g_free_strs(&fuzzer, &script, &sum, &secs, &peer, NULL);
	return o;
}

/* ---- the certificate ------------------------------------------------------ */

/* Keys sorted, no blanks, UTF-8 as is, numbers as printed with 15
 * digits: what Python's json.dumps(sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False) prints too, since every real a certificate holds
 * has 6 significant digits (round_reals). */
char *g_cert_canonical(json_t *cert)
{
	return json_dumps(cert, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
}

/* Figures to 6 significant digits: more than any of them measures, and
 * the same text from any JSON printer (the canonical form). */
static void round_reals(json_t *j)
{
	json_t *v;
	const char *k;
	size_t i;

	if (json_is_real(j)) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%.6g", json_real_value(j));
		json_real_set(j, strtod(buf, NULL));
	}
	json_object_foreach(j, k, v)
		round_reals(v);
	json_array_foreach(j, i, v)
		round_reals(v);
}

/* A run by ID (results/runs, then results/published) or by its folder. */
char *g_find_run(const char *what)
{
	const char *where[] = {"runs", "published"};
	char *p;

	for (int i = 0; i < 2 && g_valid_id(what); i++) {
		p = xasprintf("%s/%s/%s/run.json", G.results, where[i], what);
		if (g_exists(p)) {
			p[strlen(p) - 9] = 0;
			return p;
		}
		free(p);
	}
	p = g_path(what, "run.json");
	if (g_exists(p)) {
		p[strlen(p) - 9] = 0;
		return p;
	}
	free(p);
	return NULL;
}

static json_t *matrix(json_t *facts)
{
	json_t *ks = json_array(), *ss = json_array(), *j;
	strv kernels = {0}, suites = {0};
	size_t i;

	json_array_foreach(json_object_get(facts, "jobs"), i, j) {
		if (!sv_has(&kernels, g_jstr(j, "kernel"))) {
			sv_push(&kernels, g_jstr(j, "kernel"));
			json_array_append_new(ks, json_string(g_jstr(j, "kernel")));
		}
		if (!sv_has(&suites, g_jstr(j, "suite"))) {
			sv_push(&suites, g_jstr(j, "suite"));
			json_array_append_new(ss, json_string(g_jstr(j, "suite")));
		}
	}
	sv_free(&kernels);
	sv_free(&suites);
	return json_pack("{s:o, s:o, s:O}", "kernels", ks, "suites", ss, "jobs", json_object_get(facts, "jobs"));
}

static json_t *evidence(const char *rundir)
{
	char *rj = g_path(rundir, "run.json"), *kj = g_path(rundir, "kcidb.json");
	char *a = g_sha256_file(rj), *b = g_sha256_file(kj);
	json_t *o = json_pack("{s:o, s:o}", "run_json_sha256", a ? json_string(a) : json_null(),
			      "kcidb_json_sha256", b ? json_string(b) : json_null());

	g_free_strs(&rj, &kj, &a, &b, NULL);
	return o;
}

/* A path in the source tree as the tree names it (configs/certify.conf):
 * the machine's own folders are no input of the release. */
static const char *in_tree(const char *path)
{
	size_t n = strlen(G.src);

	return !strncmp(path, G.src, n) && path[n] == '/' ? path + n + 1 : path;
}

static json_t *build(const struct g_certopt *o, const struct g_criteria *c, json_t *run,
		     const char *rundir, json_t *fuzz)
{
	json_t *facts = g_cert_facts(run), *results = g_cert_judge(c, run, facts, fuzz), *r;
	char *ctext = read_file(c->file, NULL), *now = g_iso8601(g_epoch());
	size_t i, met = 0;
	json_t *cert;

	json_array_foreach(results, i, r)
		met += json_is_true(json_object_get(r, "met"));
	cert = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:{s:s, s:s, s:s}, s:o}",
			 "schema", CERT_SCHEMA, "release", o->release, "issued", now,
			 "verdict", met == json_array_size(results) ? "certified" : "not certified",
			 "criteria_met", (json_int_t)met, "criteria_missed", (json_int_t)(json_array_size(results) - met),
			 "run_id", g_jstr(run, "run_id"), "run_kept", strstr(rundir, "/published/") ? "results/published" : "results/runs",
			 "criteria", "file", in_tree(c->file), "sha256", c->sha256, "text", ctext ? ctext : "",
			 "results", results);
	json_object_set_new(cert, "matrix", matrix(facts));
	json_object_set(cert, "tests", json_object_get(facts, "tests"));
	json_object_set(cert, "torture", json_object_get(facts, "torture"));
	json_object_set(cert, "overhead", json_object_get(facts, "overhead"));
	json_object_set(cert, "coverage", json_object_get(facts, "coverage"));
	json_object_set_new(cert, "fuzz", fuzz ? json_incref(fuzz) : json_null());
	json_object_set_new(cert, "known_limitations", limitations(c));
	json_object_set_new(cert, "inputs", inputs(run));
	json_object_set_new(cert, "evidence", evidence(rundir));
	round_reals(cert);
	json_decref(facts);
	free(ctext);
	free(now);
	return cert;
}

/* The default key, made once: CACHE/certify/signing-key.pem. */
static char *signing_key(const struct g_certopt *o)
{
	char *priv, *pub;

	if (o->key)
		return xstrdup(o->key);
	priv = g_path(G.cache, "certify/signing-key.pem");
	pub = g_path(G.cache, "certify/signing-key.pub");
	if (!g_exists(priv) && g_key_make(priv, pub) < 0)
		g_free_strs(&priv, NULL);
	free(pub);
	return priv;
}

/* certificate.json, certificate.sig, signer.pub; built aside, renamed in. */
static int write_cert(const char *dir, json_t *cert, const char *key)
{
	char *tmp = xasprintf("%s.tmp%d", dir, (int)getpid()), *sig = NULL, *fpr = NULL, *canon = NULL;
	char *cj = g_path(tmp, "certificate.json"), *cs = g_path(tmp, "certificate.sig");
	char *pub = g_path(tmp, "signer.pub"), *probe = g_path(tmp, "probe.pub");
	int rc = -1;

	g_rmtree(tmp);
	if (g_mkdirs(tmp, 0755) < 0)
		goto out;
	/* The key's fingerprint is part of what is signed. */
	if (g_sign(key, "", 0, &sig, &fpr, probe) < 0)
		goto out;
	unlink(probe);
	free(sig);
	json_object_set_new(cert, "signature", json_pack("{s:s, s:s, s:s}", "algorithm", "Ed25519",
							 "key_sha256", fpr, "over",
							 "certificate.json's canonical form: keys sorted, no "
							 "blanks, UTF-8 (docs/certify.md)"));
	free(fpr);
	canon = g_cert_canonical(cert);
	if (g_sign(key, canon, strlen(canon), &sig, &fpr, pub) < 0)
		goto out;
	{
		char *line = xasprintf("%s\n", sig);
		rc = g_json_write(cert, cj) < 0 || g_writefile(cs, line, strlen(line), 0644) < 0 ? -1 : 0;
		free(line);
	}
	if (rc == 0 && rename(tmp, dir) < 0) {
		g_err("cannot write %s: %s", dir, strerror(errno));
		rc = -1;
	}
out:
	g_rmtree(tmp);
	g_free_strs(&tmp, &sig, &fpr, &canon, &cj, &cs, &pub, &probe, NULL);
	return rc;
}

static void report(json_t *cert, const char *dir)
{
	json_t *r;
	size_t i;

	printf("release %s: %s (%lld of %zu criteria met), run %s\n", g_jstr(cert, "release"), g_jstr(cert, "verdict"),
	       (long long)json_integer_value(json_object_get(cert, "criteria_met")),
	       json_array_size(json_object_get(cert, "results")), g_jstr(cert, "run_id"));
	json_array_foreach(json_object_get(cert, "results"), i, r)
		printf("  %-6s %-22s %s: %s\n", json_is_true(json_object_get(r, "met")) ? "met" : "MISSED",
		       g_jstr(r, "where"), g_jstr(r, "rule"), g_jstr(r, "detail"));
	printf("certificate: %s/certificate.json (signed: certificate.sig, key signer.pub)\n", dir);
}

/* The run to judge: one taken (--run), or one made now from the criteria. */
static char *the_run(const struct g_certopt *o, const struct g_criteria *c)
{
	struct g_runopt ro = {.progress = true, .coverage = true, .duration = c->duration,
			      .jobs = o->jobs, .hosts_file = o->hosts_file};
	char *id = NULL, *dir;

	if (o->run)
		return g_find_run(o->run) ?: (g_err("no run %s (results/runs, results/published or a "
						    "folder with run.json)", o->run), NULL);
	for (size_t i = 0; i < c->kernels.n; i++)
		sv_push(&ro.kernels, c->kernels.v[i]);
	for (size_t i = 0; i < c->suites.n; i++)
		sv_push(&ro.suites, c->suites.v[i]);
	ro.run_id = &id;
	ro.publish = false;
	/* Its verdicts are what is judged, whatever its exit status. */
	g_run_grid(&ro);
	sv_free(&ro.kernels);
	sv_free(&ro.suites);
	dir = id ? g_find_run(id) : NULL;
	if (!dir)
		g_err("the certification run did not complete: nothing to certify");
	free(id);
	return dir;
}

int g_certify(const struct g_certopt *o)
{
	struct g_criteria c;
	char *crit = o->criteria ? xstrdup(o->criteria) : g_path(G.src, "configs/certify.conf");
	char *dir = NULL, *rundir = NULL, *rj = NULL, *key = NULL, *fdir = NULL;
	json_t *run = NULL, *fuzz = NULL, *cert = NULL;
	int rc = 2;

	if (!o->release || !g_valid_id(o->release)) {
		g_err("certify needs --release NAME (letters, digits, '.', '_', '-'), got '%s'",
		      o->release ? o->release : "");
		goto out;
	}
	if (g_criteria_load(crit, &c) < 0)
		goto out;
	dir = xasprintf("%s/certificates/%s", G.results, o->release);
	if (g_exists(dir)) {
		g_err("%s exists: release %s is certified already (a certificate is never rewritten)", dir,
		      o->release);
		goto crit;
	}
	rc = 1;
	if (g_mkdirs(G.results, 0755) < 0 || !(key = signing_key(o)))
		goto crit;
	if (!(rundir = the_run(o, &c)))
		goto crit;
	rj = g_path(rundir, "run.json");
	if (!(run = json_load_file(rj, 0, NULL))) {
		g_err("%s: cannot read", rj);
		goto crit;
	}
	fdir = o->fuzz ? xstrdup(o->fuzz) : xasprintf("%s/certify/%s/fuzz", G.cache, o->release);
	/* A recorded run's fuzzing is recorded too (--fuzz): certifying it
	 * later does not fuzz for an hour on its behalf. */
	fuzz = o->fuzz ? g_cert_fuzz_read(fdir) : c.fuzz_seconds > 0 && !o->run ? fuzz_run(fdir, c.fuzz_seconds) : NULL;
	if (o->fuzz && !fuzz)
		goto crit;
	cert = build(o, &c, run, rundir, fuzz);
	{
		char *parent = g_path(G.results, "certificates");
		if (g_mkdirs(parent, 0755) < 0 || write_cert(dir, cert, key) < 0) {
			free(parent);
			goto crit;
		}
		free(parent);
	}
	report(cert, dir);
	rc = strcmp(g_jstr(cert, "verdict"), "certified") ? 1 : 0;
crit:
	g_criteria_free(&c);
out:
	json_decref(run);
	json_decref(fuzz);
	json_decref(cert);
	g_free_strs(&crit, &dir, &rundir, &rj, &key, &fdir, NULL);
	return rc;
}

/* ---- verification --------------------------------------------------------- */

json_t *g_cert_load(const char *dir)
{
	char *p = g_path(dir, "certificate.json");
	json_error_t e;
	json_t *c = json_load_file(p, 0, &e);

	if (!c)
		g_err("%s:%d:%d: %s", p, e.line, e.column, e.text);
	else if (strcmp(g_jstr(c, "schema"), CERT_SCHEMA)) {
		g_err("%s: not a certificate (schema '%s', expected %s)", p, g_jstr(c, "schema"), CERT_SCHEMA);
		json_decref(c);
		c = NULL;
	}
	free(p);
	return c;
}

int g_certify_verify(const char *dir, const char *pubkey)
{
	char *sigp = g_path(dir, "certificate.sig"), *own = g_path(dir, "signer.pub");
	char *sig = read_file(sigp, NULL), *canon = NULL, *fpr = NULL;
	json_t *cert = g_cert_load(dir);
	const char *key = pubkey ? pubkey : own, *want;
	int rc = 1, v;

	if (!cert || !sig) {
		if (!sig)
			g_err("%s: cannot read: %s", sigp, strerror(errno));
		goto out;
	}
	want = g_jstr(json_object_get(cert, "signature"), "key_sha256");
	canon = g_cert_canonical(cert);
	v = g_verify(key, canon, strlen(canon), sig, &fpr);
	if (v < 0)
		goto out;
	if (v > 0) {
		printf("%s: BAD signature: certificate.json is not what %s signed (altered since)\n", dir, key);
	} else if (!fpr || strcmp(fpr, want)) {
		printf("%s: BAD: signed by key %s, but the certificate names key %s\n", dir, fpr ? fpr : "?", want);
	} else {
		printf("%s: good signature by key SHA256 %s\nrelease %s: %s (%lld criteria met, %lld missed), run %s\n",
		       dir, fpr, g_jstr(cert, "release"), g_jstr(cert, "verdict"),
		       (long long)json_integer_value(json_object_get(cert, "criteria_met")),
		       (long long)json_integer_value(json_object_get(cert, "criteria_missed")), g_jstr(cert, "run_id"));
		if (!pubkey)
			printf("note: checked against the certificate's own signer.pub: this proves it is whole, "
			       "not who signed it; give the publisher's key with --key PUB\n");
		rc = 0;
	}
out:
	json_decref(cert);
	g_free_strs(&sigp, &own, &sig, &canon, &fpr, NULL);
	return rc;
}
