/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Coverage with a run's results (docs/grid.md, "Coverage"):
 *
 *  kernel  the kernel runtime's lines as the grid's suites ran them: on a
 *          kernel with the gcov feature (CONFIG_GCOV_KERNEL) stap builds
 *          every module with GCOV_PROFILE and keeps the compiler's notes
 *          (.gcno) in its cache (stap/build.c); the guest copies the
 *          counts (.gcda) of /sys/kernel/debug/gcov/ into gcov.tar after
 *          the suite (gjob.c); here each .gcda meets its notes, lcov reads
 *          them, and only the runtime's files are kept, named by their
 *          path in the tree (the module is built from copies).
 *  user    the runtime core's lines under its unit tests: `make coverage`
 *          in the source tree (runtime/runtime.mk), with --coverage.
 *
 * Results: jobs/JOB/coverage.info per gcov job, coverage/kernel.info and
 * coverage/user.info per run, lcov's HTML in coverage/{kernel,user}/html/
 * (a published run keeps the .info only: the site renders its HTML again,
 * gcovsite.c), and run.json's "coverage" object.  Counts that cannot be read (no
 * gcov.tar, a .gcda without notes, lcov failing) are errors said in
 * run.json, on the site and in stapgrid's exit status: never silence.
 */
#include "grid.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Where stap keeps the notes of each build folder: SYSTEMTAP_DIR is
 * CACHE/stap for the grid's stap (grid/suites/prebuild-lib.sh), whose
 * module cache is SYSTEMTAP_DIR/cache (stap/build.c: keep_gcov_notes). */
#define NOTES_DIR "stap/cache/gcov"

void g_cover_free(struct g_jobres *r)
{
	if (!r->cov)
		return;
	sv_free(&r->cov->unpaired);
	sv_free(&r->cov->map);
	free(r->cov->error);
	free(r->cov->info);
	free(r->cov);
	r->cov = NULL;
}

/* ---- a job: gcov.tar + the kept notes -> jobs/JOB/coverage.info -------- */

/* The .gcda files under dir/rel, relative paths (no "./"), sorted. */
static void find_gcda(const char *dir, const char *rel, strv *out)
{
	char *path = rel ? g_path(dir, rel) : xstrdup(dir);
	DIR *d = opendir(path);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *r, *full;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		r = rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		full = g_path(dir, r);
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			find_gcda(dir, r, out);
		else if (S_ISREG(st.st_mode) && g_has_suffix(e->d_name, ".gcda"))
			sv_push(out, r);
		free(r);
		free(full);
	}
	if (d)
		closedir(d);
	free(path);
}

/* gcov-sources.txt of a notes folder ("BUILD-PATH<tab>FILE" lines) into map. */
static void load_map(const char *notes, strv *map)
{
	char *p = g_path(notes, "gcov-sources.txt"), *text = read_file(p, NULL), *next;

	for (char *l = text; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		if (strchr(l, '\t') && !sv_has(map, l))
			sv_push(map, l);
	}
	free(text);
	free(p);
}

/* The runtime file a source path of a build folder was copied from, or NULL. */
static const char *map_source(const strv *map, const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < map->n; i++)
		if (!strncmp(map->v[i], path, n) && map->v[i][n] == '\t')
			return map->v[i] + n + 1;
	return NULL;
}

/* One counts file, rel = "BUILD-FOLDER/NAME.gcda" as debugfs showed it
 * (BUILD-FOLDER without its leading /), beside its notes in
 * pairs/BASENAME-OF-BUILD-FOLDER/.  NULL, or why it has no pair. */
static char *pair_one(const char *counts, const char *pairs, const char *rel,
		      struct g_jobcov *c)
{
	const char *slash = strrchr(rel, '/');
	char *folder, *name, *notes, *gcno, *bdir, *why = NULL;

	if (!slash)
		return xasprintf("/%s: not under a build folder", rel);
	folder = xasprintf("%.*s", (int)(slash - rel), rel);
	name = xasprintf("%.*s", (int)(strlen(slash + 1) - 5), slash + 1);
	notes = xasprintf("%s/%s/%s", G.cache, NOTES_DIR, g_basename(folder));
	gcno = xasprintf("%s/%s.gcno", notes, name);
	bdir = g_path(pairs, g_basename(folder));
	if (!g_exists(gcno)) {
		why = xasprintf("/%s: no %s", rel, gcno);
	} else {
		char *from = g_path(counts, rel), *to = xasprintf("%s/%s.gcda", bdir, name);
		char *nto = xasprintf("%s/%s.gcno", bdir, name);

		if (g_mkdirs(bdir, 0755) < 0 || g_copyfile(from, to, 0644) < 0 ||
		    g_copyfile(gcno, nto, 0644) < 0)
			why = xasprintf("/%s: cannot copy it beside its notes", rel);
		else
			load_map(notes, &c->map);
		free(from);
		free(to);
		free(nto);
	}
	free(folder);
	free(name);
	free(notes);
	free(gcno);
	free(bdir);
	return why;
}

/* Every counts file beside its notes: lcov finds the two side by side.
 * Counts without notes are listed, never dropped in silence. */
static void pair_counts(const char *counts, const char *pairs, struct g_jobcov *c)
{
	strv gcda = {0};

	find_gcda(counts, NULL, &gcda);
	c->gcda = (int)gcda.n;
	for (size_t i = 0; i < gcda.n; i++) {
		char *why = pair_one(counts, pairs, gcda.v[i], c);

		if (why)
			sv_pushown(&c->unpaired, why);
		else
			c->paired++;
	}
	sv_free(&gcda);
}

/*
 * lcov's tracefile with only the runtime's files, each named by the file
 * it was copied from (gcov-sources.txt): the program's own C, the kernel's
 * headers and the build folder's paths go.  Returns the records kept.
 */
static int keep_runtime(const char *raw, const char *out, const strv *map)
{
	char *text = read_file(raw, NULL), *next;
	sbuf b = {0}, rec = {0};
	bool keep = false;
	int kept = 0;

	for (char *l = text; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		if (!strncmp(l, "TN:", 3)) {
			sb_free(&rec);
			sb_addf(&rec, "%s\n", l);
		} else if (!strncmp(l, "SF:", 3)) {
			const char *to = map_source(map, l + 3);

			keep = to != NULL;
			if (keep)
				sb_addf(&b, "%sSF:%s\n", sb_str(&rec), to);
			sb_free(&rec);
			kept += keep;
		} else if (keep) {
			sb_addf(&b, "%s\n", l);
			if (!strcmp(l, "end_of_record"))
				keep = false;
		}
	}
	if (g_writefile(out, sb_str(&b), b.len, 0644) < 0)
		kept = -1;
	sb_free(&b);
	sb_free(&rec);
	free(text);
	return kept;
}

/* lcov on the pairs into jobdir/coverage.info; NULL or why not. */
static char *capture(const char *jobdir, const char *work, struct g_jobcov *c)
{
	char *pairs = g_path(work, "pairs"), *raw = g_path(work, "raw.info");
	char *info = g_path(jobdir, "coverage.info"), *log = g_path(jobdir, "coverage.log");
	char *argv[] = {"lcov", "--capture", "--directory", pairs, "--output-file", raw, NULL};
	char *why = NULL;
	int kept;

	if (g_run(argv, NULL, NULL, log) != 0) {
		why = xasprintf("lcov --capture failed on the job's counts: see %s", log);
	} else if ((kept = keep_runtime(raw, info, &c->map)) < 0) {
		why = xasprintf("cannot write %s", info);
	} else if (kept == 0) {
		why = xstrdup("the counts name no runtime file (gcov-sources.txt of the notes)");
	} else {
		c->info = xstrdup("coverage.info");
	}
	free(pairs);
	free(raw);
	free(info);
	free(log);
	return why;
}

/* Appends what went wrong to the job's error. */
static void job_error(struct g_jobcov *c, char *why)
{
	char *e = c->error ? xasprintf("%s; %s", c->error, why) : xstrdup(why);

	free(c->error);
	free(why);
	c->error = e;
}

void g_cover_job(struct g_jobres *r)
{
	char *tar = g_path(r->dir, "gcov.tar"), *errp = g_path(r->dir, "gcov.err");
	char *work = g_path(r->dir, "gcov-work"), *counts = g_path(work, "counts");
	char *pairs = g_path(work, "pairs"), *log = g_path(r->dir, "coverage.log");
	char *gerr = read_file(errp, NULL);
	struct g_jobcov *c;

	g_cover_free(r); /* a job tried again */
	c = r->cov = xcalloc(1, sizeof(*c));
	if (gerr && *g_trim(gerr))
		job_error(c, xasprintf("the guest: %s", g_trim(gerr)));
	if (!g_exists(tar)) {
		job_error(c, xstrdup("the guest left no gcov.tar: it ended before its counts were "
				     "collected (see the job's verdict)"));
		goto out;
	}
	g_rmtree(work);
	if (g_mkdirs(counts, 0755) < 0 || g_mkdirs(pairs, 0755) < 0) {
		job_error(c, xasprintf("cannot make %s", work));
		goto out;
	}
	{
		char *argv[] = {"tar", "-xf", tar, "-C", counts, NULL};

		if (g_run(argv, NULL, NULL, log) != 0) {
			job_error(c, xasprintf("cannot unpack gcov.tar: see %s", log));
			goto out;
		}
	}
	pair_counts(counts, pairs, c);
	if (c->unpaired.n) {
		char *list = sv_join(&c->unpaired, ", ");

		job_error(c, xasprintf("%zu of %d counts files have no notes: %s", c->unpaired.n,
				       c->gcda, list));
		free(list);
	}
	if (c->paired) {
		char *why = capture(r->dir, work, c);

		if (why)
			job_error(c, why);
	}
out:
	if (c->error)
		g_warn("%s/%s: coverage: %s", r->kernel, r->suite, c->error);
	g_rmtree(work);
	free(tar);
	free(errp);
	free(work);
	free(counts);
	free(pairs);
	free(log);
	free(gerr);
}

struct json_t *g_cover_job_json(const struct g_jobres *r)
{
	json_t *o;

	if (!r->cov)
		return NULL;
	o = json_object();
	json_object_set_new(o, "gcda", json_integer(r->cov->gcda));
	json_object_set_new(o, "paired", json_integer(r->cov->paired));
	json_object_set_new(o, "info", r->cov->info ? json_string(r->cov->info) : json_null());
	json_object_set_new(o, "error", r->cov->error ? json_string(r->cov->error) : json_null());
	return o;
}

/* ---- a tracefile's figures ---------------------------------------------- */

struct covfile {
	char *path;
	unsigned char *line; /* per line number: 0 none, 1 found, 2 hit */
	size_t nline;
	strv fn, fnhit;
};

static struct covfile *file_of(struct covfile **fs, size_t *n, const char *path)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*fs)[i].path, path))
			return &(*fs)[i];
	*fs = xrealloc(*fs, (*n + 1) * sizeof(**fs));
	memset(&(*fs)[*n], 0, sizeof(**fs));
	(*fs)[*n].path = xstrdup(path);
	return &(*fs)[(*n)++];
}

static void mark_line(struct covfile *f, long line, long count)
{
	if (line < 1 || line > 10000000)
		return;
	if ((size_t)line >= f->nline) {
		size_t n = (size_t)line * 2;

		f->line = xrealloc(f->line, n);
		memset(f->line + f->nline, 0, n - f->nline);
		f->nline = n;
	}
	if (f->line[line] < (count > 0 ? 2 : 1))
		f->line[line] = count > 0 ? 2 : 1;
}

/* A tracefile's records by file, the same file's records summed (DA: line
 * found, hit when its count is not 0; FN/FNDA: functions). */
static int read_info(const char *path, struct covfile **fs, size_t *n)
{
	char *text = read_file(path, NULL), *next;
	struct covfile *f = NULL;

	if (!text)
		return -1;
	for (char *l = text; *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		else
			next = l + strlen(l);
		if (!strncmp(l, "SF:", 3)) {
			f = file_of(fs, n, l + 3);
		} else if (f && !strncmp(l, "DA:", 3)) {
			char *comma = strchr(l + 3, ',');

			if (comma)
				mark_line(f, strtol(l + 3, NULL, 10), strtol(comma + 1, NULL, 10));
		} else if (f && !strncmp(l, "FN:", 3) && strchr(l, ',')) {
			if (!sv_has(&f->fn, strchr(l, ',') + 1))
				sv_push(&f->fn, strchr(l, ',') + 1);
		} else if (f && !strncmp(l, "FNDA:", 5) && strchr(l, ',')) {
			if (strtol(l + 5, NULL, 10) > 0 && !sv_has(&f->fnhit, strchr(l, ',') + 1))
				sv_push(&f->fnhit, strchr(l, ',') + 1);
		} else if (!strcmp(l, "end_of_record")) {
			f = NULL;
		}
	}
	free(text);
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct covfile *)a)->path, ((const struct covfile *)b)->path);
}

/* A file's name on the site: its path in the source tree when it is there. */
static char *tree_name(const char *path)
{
	char *src = realpath(G.src, NULL);
	size_t n = src ? strlen(src) : 0;
	char *name = src && !strncmp(path, src, n) && path[n] == '/' ? xstrdup(path + n + 1)
								   : xstrdup(path);

	free(src);
	return name;
}

/* Totals and per-file figures of a tracefile into o. */
static int figures(const char *info, json_t *o)
{
	struct covfile *fs = NULL;
	size_t n = 0;
	long lf = 0, lh = 0, ff = 0, fh = 0;
	json_t *files = json_array();
	int rc = read_info(info, &fs, &n);

	if (n)
		qsort(fs, n, sizeof(*fs), cmp_file);
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_object();
		long found = 0, hit = 0;
		char *name = tree_name(fs[i].path);

		for (size_t k = 0; k < fs[i].nline; k++) {
			found += fs[i].line[k] != 0;
			hit += fs[i].line[k] == 2;
		}
		json_object_set_new(f, "file", json_string(name));
		json_object_set_new(f, "lines_found", json_integer(found));
		json_object_set_new(f, "lines_hit", json_integer(hit));
		json_object_set_new(f, "functions_found", json_integer((json_int_t)fs[i].fn.n));
		json_object_set_new(f, "functions_hit", json_integer((json_int_t)fs[i].fnhit.n));
		json_array_append_new(files, f);
		lf += found;
		lh += hit;
		ff += (long)fs[i].fn.n;
		fh += (long)fs[i].fnhit.n;
		free(name);
		free(fs[i].path);
		free(fs[i].line);
		sv_free(&fs[i].fn);
		sv_free(&fs[i].fnhit);
	}
	free(fs);
	json_object_set_new(o, "lines_found", json_integer(lf));
	json_object_set_new(o, "lines_hit", json_integer(lh));
	json_object_set_new(o, "functions_found", json_integer(ff));
	json_object_set_new(o, "functions_hit", json_integer(fh));
	json_object_set_new(o, "files", files);
	return rc;
}

int g_cover_genhtml(const char *info, const char *out, const char *what, const char *prefix,
		    const char *log, long epoch, bool nosource)
{
	strv argv = {0};
	int rc;

	/* genhtml dates its pages by SOURCE_DATE_EPOCH when it is set. */
	if (epoch) {
		sv_push(&argv, "env");
		sv_pushown(&argv, xasprintf("SOURCE_DATE_EPOCH=%ld", epoch));
	}
	sv_push(&argv, "genhtml");
	sv_push(&argv, "--quiet");
	sv_push(&argv, "--title");
	sv_pushown(&argv, xasprintf("stapgrid %s coverage", what));
	sv_push(&argv, "--prefix");
	sv_push(&argv, prefix);
	if (nosource)
		sv_push(&argv, "--no-source");
	sv_push(&argv, "--output-directory");
	sv_push(&argv, out);
	sv_push(&argv, info);
	g_rmtree(out);
	rc = g_run(argv.v, NULL, NULL, log);
	sv_free(&argv);
	return rc == 0 ? 0 : -1;
}

/* genhtml of info into covdir/WHAT/html; NULL or why not. */
static char *html(const char *covdir, const char *what, const char *info)
{
	char *out = xasprintf("%s/%s/html", covdir, what), *log = xasprintf("%s/%s.log", covdir, what);
	char *src = realpath(G.src, NULL);
	char *why = NULL;

	if (g_cover_genhtml(info, out, what, src ? src : G.src, log, 0, false) < 0)
		why = xasprintf("genhtml failed: see coverage/%s.log", what);
	free(out);
	free(log);
	free(src);
	return why;
}

static void add_error(json_t *o, char *why)
{
	json_t *e = json_object_get(o, "errors");

	json_array_append_new(e, json_string(why));
	free(why);
}

/* ---- a run: the jobs' tracefiles merged, the unit tests' ------------------ */

static json_t *kernel_part(const char *covdir, const struct g_jobres *jobs, int n)
{
	json_t *o = json_object(), *ja = json_array();
	char *info = g_path(covdir, "kernel.info"), *log = g_path(covdir, "kernel.log");
	strv argv = {0};
	int ninfo = 0, gcov_jobs = 0;

	json_object_set_new(o, "errors", json_array());
	sv_push(&argv, "lcov");
	for (int i = 0; i < n; i++) {
		const struct g_jobres *r = &jobs[i];
		json_t *j;
		char *id;

		if (!r->cov)
			continue;
		gcov_jobs++;
		id = g_job_id(r);
		j = g_cover_job_json(r);
		json_object_set_new(j, "job", json_string(id));
		json_array_append_new(ja, j);
		if (r->cov->error)
			add_error(o, xasprintf("%s: %s", id, r->cov->error));
		if (r->cov->info) {
			sv_push(&argv, "--add-tracefile");
			sv_pushown(&argv, xasprintf("%s/%s", r->dir, r->cov->info));
			ninfo++;
		}
		free(id);
	}
	json_object_set_new(o, "jobs", ja);
	if (!gcov_jobs) {
		json_decref(o);
		o = NULL;
		goto out;
	}
	json_object_set_new(o, "info", json_null());
	json_object_set_new(o, "html", json_null());
	if (!ninfo) {
		figures("/dev/null", o);
		goto out;
	}
	sv_push(&argv, "--output-file");
	sv_push(&argv, info);
	if (g_run(argv.v, NULL, NULL, log) != 0) {
		add_error(o, xstrdup("lcov could not merge the jobs' tracefiles: see coverage/kernel.log"));
		figures("/dev/null", o);
		goto out;
	}
	json_object_set_new(o, "info", json_string("coverage/kernel.info"));
	figures(info, o);
	{
		char *why = html(covdir, "kernel", info);

		if (why)
			add_error(o, why);
		else
			json_object_set_new(o, "html", json_string("coverage/kernel/html/index.html"));
	}
out:
	sv_free(&argv);
	free(info);
	free(log);
	return o;
}

/* make coverage with its output in covdir/user-build; the tracefile and
 * HTML moved to coverage/user.info and coverage/user/html. */
static json_t *user_part(const char *covdir)
{
	json_t *o = json_object();
	char *tmp = g_path(covdir, "user-build"), *log = g_path(covdir, "user.log");
	char *var = xasprintf("RUNTIME_COVDIR=%s", tmp), *from = g_path(tmp, "runtime.info");
	char *info = g_path(covdir, "user.info");
	/* Not the caller's make flags (stapgrid under make check): its
	 * command-line variables would steer this make too. */
	char *argv[] = {"env", "-u", "MAKEFLAGS", "-u", "MFLAGS", "-u", "MAKELEVEL",
			"make", "-s", "-C", G.src, "coverage", var, NULL};

	json_object_set_new(o, "errors", json_array());
	json_object_set_new(o, "info", json_null());
	json_object_set_new(o, "html", json_null());
	g_info("coverage: the runtime's unit tests (make coverage in %s)", G.src);
	g_rmtree(tmp);
	if (g_run(argv, NULL, NULL, log) != 0 || !g_exists(from) || rename(from, info) < 0) {
		add_error(o, xstrdup("make coverage failed: see coverage/user.log"));
		figures("/dev/null", o);
	} else {
		char *why;

		json_object_set_new(o, "info", json_string("coverage/user.info"));
		figures(info, o);
		why = html(covdir, "user", info);
		if (why)
			add_error(o, why);
		else
			json_object_set_new(o, "html", json_string("coverage/user/html/index.html"));
	}
	g_rmtree(tmp);
	free(tmp);
	free(log);
	free(var);
	free(from);
	free(info);
	return o;
}

static void say(const char *what, json_t *o)
{
	long lf, lh;
	size_t ne;

	if (!json_is_object(o))
		return;
	lf = (long)json_integer_value(json_object_get(o, "lines_found"));
	lh = (long)json_integer_value(json_object_get(o, "lines_hit"));
	ne = json_array_size(json_object_get(o, "errors"));
	printf("coverage: %s: %ld of %ld lines (%.1f%%) in %zu files%s\n", what, lh, lf,
	       lf ? 100.0 * (double)lh / (double)lf : 0.0,
	       json_array_size(json_object_get(o, "files")), ne ? ", with errors:" : "");
	for (size_t i = 0; i < ne; i++)
		printf("  %s\n", json_string_value(json_array_get(json_object_get(o, "errors"), i)));
}

struct json_t *g_cover_run(const char *rundir, const struct g_jobres *jobs, int n, bool user)
{
	json_t *o = json_object(), *k;
	char *covdir = g_path(rundir, "coverage");
	bool any = user;

	for (int i = 0; i < n; i++)
		any |= jobs[i].cov != NULL;
	json_object_set_new(o, "requested", json_boolean(user));
	if (any && g_mkdirs(covdir, 0755) < 0) {
		json_object_set_new(o, "kernel", json_null());
		json_object_set_new(o, "user", json_null());
		json_object_set_new(o, "error", json_sprintf("cannot make %s", covdir));
		free(covdir);
		return o;
	}
	k = kernel_part(covdir, jobs, n);
	json_object_set_new(o, "kernel", k ? k : json_null());
	json_object_set_new(o, "user", user ? user_part(covdir) : json_null());
	say("kernel runtime (gcov kernel, the suites)", k);
	say("runtime core (unit tests)", json_object_get(o, "user"));
	free(covdir);
	return o;
}

bool g_cover_failed(struct json_t *cov)
{
	const char *parts[] = {"kernel", "user"};

	if (json_object_get(cov, "error"))
		return true;
	for (size_t i = 0; i < 2; i++)
		if (json_array_size(json_object_get(json_object_get(cov, parts[i]), "errors")))
			return true;
	return false;
}

/* ---- stapgrid coverage RUN_ID ------------------------------------------- */

/* The job's coverage into its job.json too (the site reads run.json). */
static void update_job_json(const struct g_jobres *r, json_t *cov)
{
	char *p = g_path(r->dir, "job.json");
	json_t *j = json_load_file(p, 0, NULL);

	if (j) {
		json_object_set(j, "coverage", cov);
		if (g_json_write(j, p) < 0)
			g_err("cannot rewrite %s", p);
		json_decref(j);
	}
	free(p);
}

/* The run's jobs, those of a kernel with the gcov feature measured again. */
static struct g_jobres *measure_jobs(json_t *run, const char *rundir, int *nout)
{
	json_t *jobs = json_object_get(run, "jobs"), *j;
	struct g_kernel *ks = NULL;
	struct g_jobres *rs = xcalloc(json_array_size(jobs) + 1, sizeof(*rs));
	int nk = 0, n = 0;
	size_t i;

	if (g_conf_kernels(&ks, &nk) < 0)
		nk = 0;
	json_array_foreach(jobs, i, j) {
		struct g_jobres *r = &rs[n++];
		const char *kid = json_string_value(json_object_get(j, "kernel"));
		const char *dir = json_string_value(json_object_get(j, "dir"));
		struct g_kernel *k = kid ? g_kernel_find(ks, nk, kid) : NULL;

		r->kernel = xstrdup(kid ? kid : "?");
		r->suite = xstrdup(json_string_value(json_object_get(j, "suite")) ?
				   json_string_value(json_object_get(j, "suite")) : "?");
		r->rep = (int)json_integer_value(json_object_get(j, "repeat"));
		r->dir = g_path(rundir, dir ? dir : "?");
		if (k && sv_has(&k->features, "gcov")) {
			g_cover_job(r);
			json_object_set_new(j, "coverage", g_cover_job_json(r));
			update_job_json(r, json_object_get(j, "coverage"));
		}
	}
	G_FREE_ARRAY(ks, nk, g_kernel_free);
	*nout = n;
	return rs;
}

int g_cover_cmd(const char *runid, bool user)
{
	char *rundir = xasprintf("%s/runs/%s", G.results, runid ? runid : "");
	char *path = g_path(rundir, "run.json");
	json_error_t e;
	json_t *run = NULL, *cov = NULL;
	struct g_jobres *rs = NULL;
	int n = 0, rc = 1;

	if (!runid || !g_valid_id(runid)) {
		g_err("coverage needs a run ID (results/runs/RUN_ID), got '%s'", runid ? runid : "");
		goto out;
	}
	run = json_load_file(path, 0, &e);
	if (!run) {
		g_err("cannot read %s: %s", path, e.text);
		goto out;
	}
	rs = measure_jobs(run, rundir, &n);
	cov = g_cover_run(rundir, rs, n, user);
	json_object_set(run, "coverage", cov);
	if (g_json_write(run, path) < 0) {
		g_err("cannot rewrite %s", path);
		goto out;
	}
	rc = g_cover_failed(cov) ? 1 : 0;
out:
	for (int i = 0; i < n; i++)
		g_jobres_free(&rs[i]);
	free(rs);
	json_decref(cov);
	json_decref(run);
	free(rundir);
	free(path);
	return rc;
}
