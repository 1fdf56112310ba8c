/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DejaGnu summaries a job left behind: a suite that runs `runtest` in the
 * guest writes its .sum into the share, a suite's prebuild writes one into
 * the job's prebuild/ folder.  The counts come from the result lines
 * themselves (PASS:, FAIL:, ...), not the trailer, so a runtest that was
 * cut short still counts what it did.
 */
#include "grid.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FAILURES 200

static const char *const dg_names[DG__N] = {"pass", "fail", "xpass", "xfail", "unresolved",
					    "untested", "unsupported", "error"};
static const char *const dg_tags[DG__N] = {"PASS: ", "FAIL: ", "XPASS: ", "XFAIL: ",
					   "UNRESOLVED: ", "UNTESTED: ", "UNSUPPORTED: ", "ERROR: "};

const char *g_dg_name(enum g_dg c)
{
	return c < DG__N ? dg_names[c] : "?";
}

void g_dgsum_free(struct g_dgsum *d)
{
	free(d->sum);
	sv_free(&d->failures);
	memset(d, 0, sizeof(*d));
}

static void parse_sum(char *text, struct g_dgsum *d)
{
	for (char *l = text, *nl; l && *l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = 0;
		for (int c = 0; c < DG__N; c++) {
			if (strncmp(l, dg_tags[c], strlen(dg_tags[c])))
				continue;
			d->counts[c]++;
			if ((c == DG_FAIL || c == DG_XPASS || c == DG_UNRESOLVED || c == DG_ERROR) &&
			    d->failures.n < MAX_FAILURES)
				sv_push(&d->failures, l);
			break;
		}
	}
}

/* The .sum files of dir (relative names prefixed with sub). */
static void collect_dir(const char *jobdir, const char *sub, struct g_jobres *r)
{
	char *dir = sub ? g_path(jobdir, sub) : xstrdup(jobdir);
	DIR *d = opendir(dir);
	struct dirent *e;
	strv names = {0};

	while (d && (e = readdir(d)))
		if (g_has_suffix(e->d_name, ".sum"))
			sv_push(&names, e->d_name);
	if (d)
		closedir(d);
	for (size_t i = 0; i < names.n; i++) {
		char *path = g_path(dir, names.v[i]), *text = read_file(path, NULL);
		struct g_dgsum *s;

		if (text) {
			r->dg = xrealloc(r->dg, (size_t)(r->ndg + 1) * sizeof(*r->dg));
			s = &r->dg[r->ndg++];
			memset(s, 0, sizeof(*s));
			s->sum = sub ? g_path(sub, names.v[i]) : xstrdup(names.v[i]);
			parse_sum(text, s);
		}
		free(path);
		free(text);
	}
	sv_free(&names);
	free(dir);
}

void g_dejagnu_collect(const char *jobdir, struct g_jobres *r)
{
	collect_dir(jobdir, NULL, r);
	collect_dir(jobdir, "prebuild", r);
}
