/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * results/published/RUN_ID/: the runs the docs cite, kept in git so that
 * anyone can check a figure against the run it came from.  `stapgrid keep
 * RUN_ID...` copies a run from results/runs/: its verdicts and figures as
 * they are (run.json, kcidb.json, grid.sum, each job's job.json,
 * perf.json, results.txt, figures.txt and DejaGnu .sum files), every other
 * text file (consoles, test logs, job.sh, domain.xml, lcov's tracefiles)
 * gzip-compressed as NAME.gz, a log longer than KEEP_CAP cut to its head
 * and tail with a line saying how much was cut.  Binaries (modules, disk
 * images) and lcov's HTML reports are left out.  The site reads a
 * published run as it reads a run (gsite.c unpacks the .gz logs it links
 * with g_read_unpacked; gcovsite.c renders the reports again from the
 * tracefiles).
 */
#include "grid.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Head and tail of a longer log are kept: the boot and the end (a splat,
 * the verdict's reason) are what a reader checks. */
#define KEEP_CAP (1024 * 1024)
#define KEEP_PART (256 * 1024)

/* Kept uncompressed: what the docs' figures and verdicts are read from. */
static bool keep_plain(const char *name)
{
	static const char *const plain[] = {"run.json", "kcidb.json", "job.json", "perf.json",
					    "results.txt", "figures.txt", NULL};

	for (const char *const *p = plain; *p; p++)
		if (!strcmp(name, *p))
			return true;
	return g_has_suffix(name, ".sum");
}

/* lcov's HTML report, RUN/coverage/WHAT/html: 2 MB of pages a run, made
 * again from the kept tracefile when the site is built (gcovsite.c). */
static bool lcov_pages(const char *path)
{
	const char *what;

	if (!g_has_suffix(path, "/html"))
		return false;
	what = path + strlen(path) - 5;
	while (what > path && what[-1] != '/')
		what--;
	return what - path >= 10 && !strncmp(what - 10, "/coverage/", 10);
}

/* Text, judged by its first bytes: no NUL, not an ELF or a QEMU image. */
static bool looks_text(const char *data, size_t len)
{
	size_t n = len < 8192 ? len : 8192;

	return memchr(data, 0, n) == NULL;
}

static int write_gz(const char *path, const char *data, size_t len)
{
	gzFile z = gzopen(path, "wb9");
	size_t off = 0;

	if (!z) {
		g_err("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	while (off < len) {
		unsigned chunk = len - off > (1u << 30) ? 1u << 30 : (unsigned)(len - off);
		int w = gzwrite(z, data + off, chunk);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (gzclose(z) != Z_OK || off < len) {
		g_err("%s: cannot write (disk full?)", path);
		return -1;
	}
	return 0;
}

static int keep_log(const char *src, const char *dstdir, const char *name)
{
	size_t len;
	char *data = read_file(src, &len), *gz;
	int rc = 0;

	if (!data) {
		g_err("%s: cannot read: %s", src, strerror(errno));
		return -1;
	}
	if (!looks_text(data, len)) {
		free(data);
		return 0;
	}
	if (len > KEEP_CAP) {
		sbuf b = {0};

		sb_addn(&b, data, KEEP_PART);
		sb_addf(&b, "\n[stapgrid keep: %zu bytes of %zu cut here; the whole log stayed in results/runs/]\n",
			len - 2 * KEEP_PART, len);
		sb_addn(&b, data + len - KEEP_PART, KEEP_PART);
		free(data);
		len = b.len;
		data = sb_steal(&b);
	}
	gz = xasprintf("%s/%s.gz", dstdir, name);
	rc = write_gz(gz, data, len);
	free(gz);
	free(data);
	return rc;
}

static int keep_tree(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		g_err("%s: cannot read: %s", src, strerror(errno));
		return -1;
	}
	if (g_mkdirs(dst, 0755) < 0) {
		closedir(d);
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		char *s, *t;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		s = g_path(src, e->d_name);
		t = g_path(dst, e->d_name);
		if (lstat(s, &st) < 0)
			rc = -1;
		else if (S_ISDIR(st.st_mode) && !lcov_pages(s))
			rc = keep_tree(s, t);
		else if (S_ISREG(st.st_mode) && keep_plain(e->d_name))
			rc = g_copyfile(s, t, 0644);
		else if (S_ISREG(st.st_mode))
			rc = keep_log(s, dst, e->d_name);
		free(s);
		free(t);
	}
	closedir(d);
	return rc;
}

/* One run: built aside and renamed in, so a failed keep leaves the
 * published copy (if any) as it was. */
static int keep_one(const char *results, const char *id)
{
	char *src = xasprintf("%s/runs/%s", results, id), *rj = g_path(src, "run.json");
	char *pub = g_path(results, "published"), *dst = g_path(pub, id);
	char *tmp = xasprintf("%s/.%s.tmp%d", pub, id, (int)getpid());
	char *old = xasprintf("%s/.%s.old%d", pub, id, (int)getpid());
	json_t *run = NULL;
	int rc = -1;

	if (!g_valid_id(id)) {
		g_err("keep: '%s' is not a run ID (such as 20261206T180623Z-50d7)", id);
		goto out;
	}
	run = json_load_file(rj, 0, NULL);
	if (!run) {
		g_err("keep: no run %s in %s/runs (a run that ended has run.json)", id, results);
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(run, "run_id")) ?: "", id)) {
		g_err("keep: %s names another run", rj);
		goto out;
	}
	g_rmtree(tmp);
	if (g_mkdirs(pub, 0755) < 0 || keep_tree(src, tmp) < 0)
		goto out;
	g_rmtree(old);
	if (g_exists(dst) && rename(dst, old) < 0) {
		g_err("keep: cannot replace %s: %s", dst, strerror(errno));
		goto out;
	}
	if (rename(tmp, dst) < 0) {
		g_err("keep: cannot write %s: %s", dst, strerror(errno));
		goto out;
	}
	printf("kept: %s\n", dst);
	rc = 0;
out:
	g_rmtree(tmp);
	g_rmtree(old);
	json_decref(run);
	free(src);
	free(rj);
	free(pub);
	free(dst);
	free(tmp);
	free(old);
	return rc;
}

int g_keep(const char *results, char *const ids[], int n)
{
	int rc = 0;

	if (n == 0) {
		g_err("keep: which run? (stapgrid keep RUN_ID...; the IDs are the folders of %s/runs)",
		      results);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (keep_one(results, ids[i]) < 0)
			rc = -1;
	return rc;
}
