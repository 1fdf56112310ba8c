/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Overhead benchmark rows: the perf suite's guest writes perf.txt into its
 * share and its prebuild writes perf-host.txt into the job folder, each a
 * line "row KEY=VALUE ... [note=REST OF LINE]" per measured (variant,
 * workload).  They become r->perf (run.json "perf") and the job's
 * perf.json, with each row's ratio to the floor row of its workload.
 *
 * Both files come from code we do not control (a guest may have written
 * anything), so reading is bounded and anything unexpected drops the line,
 * never the job.
 */
#include "grid.h"

#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PERF_MAXFILE (1 << 20) /* bytes read from each file */
#define PERF_MAXLINE 4096      /* longer lines are ignored */
#define PERF_MAXROWS 512       /* distinct (variant, workload) rows kept */
#define PERF_MAXNAME 64        /* variant, workload and unit */

/* Up to PERF_MAXFILE bytes of path, NUL-terminated; NULL when unreadable. */
static char *read_bounded(const char *path, size_t *len)
{
	/* Only a regular file: a FIFO would block the controller. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	buf = xmalloc(PERF_MAXFILE + 1);
	*len = 0;
	while (*len < PERF_MAXFILE && (n = read(fd, buf + *len, PERF_MAXFILE - *len)) > 0)
		*len += (size_t)n;
	buf[*len] = 0;
	close(fd);
	return buf;
}

/* Names are identifiers of the suite's own making; anything else is a
 * garbled line. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > PERF_MAXNAME)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-/%") == n;
}

/* A finite decimal number, or "-" (NAN: not measured).  strtod alone would
 * also take "inf", "nan" and hex. */
static bool parse_num(const char *s, double *out)
{
	char *end = NULL;

	if (!strcmp(s, "-")) {
		*out = NAN;
		return true;
	}
	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s))
		return false;
	*out = strtod(s, &end);
	return end != s && !*end && isfinite(*out);
}

/* Control bytes become spaces; bytes that are not UTF-8 become '?' (JSON
 * strings must be UTF-8). */
static char *clean_note(const char *s)
{
	char *n = xstrdup(s);
	json_t *probe;

	for (char *p = n; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	probe = json_string(n);
	if (!probe)
		for (char *p = n; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	json_decref(probe);
	return n;
}

static void row_free(struct g_perfrow *w)
{
	free(w->variant);
	free(w->workload);
	free(w->unit);
	free(w->note);
	free(w->twin);
	free(w->floor);
}

/* A row's keys and where they go: names (str), numbers, and the two
 * optional numbers that show only when given (drops, hits_per_op). */
#define ROFF(f) offsetof(struct g_perfrow, f)
static const struct {
	const char *key;
	bool str;
	size_t off, given; /* given: offset of its bool, 0 when always shown */
} row_keys[] = {
	{"variant", true, ROFF(variant), 0},  {"workload", true, ROFF(workload), 0},
	{"unit", true, ROFF(unit), 0},        {"value", false, ROFF(value), 0},
	{"runs", false, ROFF(runs), 0},       {"min", false, ROFF(min), 0},
	{"max", false, ROFF(max), 0},         {"drops", false, ROFF(drops), ROFF(has_drops)},
	{"hits_per_op", false, ROFF(hits_per_op), ROFF(has_hits)},
	{"twin", true, ROFF(twin), 0},        {"floor", true, ROFF(floor), 0},
};

/* One KEY=VALUE token into w; false when the line must be dropped.  A key
 * given twice is a garbled line; an unknown key is one a newer suite
 * added, ignored. */
static bool parse_token(struct g_perfrow *w, char *tok, strv *seen)
{
	char *eq = strchr(tok, '='), *val, *slot;
	size_t k = 0, nk = sizeof(row_keys) / sizeof(row_keys[0]);
	double *np;

	if (!eq || eq == tok)
		return false;
	*eq = 0;
	val = eq + 1;
	if (sv_has(seen, tok))
		return false;
	sv_push(seen, tok);
	while (k < nk && strcmp(row_keys[k].key, tok))
		k++;
	if (k == nk)
		return true;
	slot = (char *)w + row_keys[k].off;
	if (row_keys[k].str) {
		if (!valid_name(val))
			return false;
		*(char **)slot = xstrdup(val);
		return true;
	}
	np = (double *)slot;
	if (!parse_num(val, np))
		return false;
	/* drops counts events: a fraction is a garbled line. */
	if (np == &w->drops && isfinite(*np) && *np != (double)(long long)*np)
		return false;
	if (row_keys[k].given)
		*(bool *)((char *)w + row_keys[k].given) = true;
	return true;
}

/* "row KEY=VALUE ... [note=...]" into w; false for anything else. */
static bool parse_row(char *line, struct g_perfrow *w)
{
	char *note = NULL, *tok, *save = NULL;
	strv seen = {0};
	bool ok = true, has_value;

	memset(w, 0, sizeof(*w));
	w->value = w->runs = w->min = w->max = w->drops = w->hits_per_op = NAN;
	if (strncmp(line, "row", 3) || (line[3] != ' ' && line[3] != '\t'))
		return false;
	/* note= takes the rest of the line, spaces included. */
	for (char *p = line + 3; (p = strstr(p, "note=")) != NULL; p++)
		if (p[-1] == ' ' || p[-1] == '\t') {
			*p = 0;
			note = p + 5;
			break;
		}
	for (tok = strtok_r(line + 4, " \t", &save); ok && tok; tok = strtok_r(NULL, " \t", &save))
		ok = parse_token(w, tok, &seen);
	has_value = sv_has(&seen, "value");
	sv_free(&seen);
	if (ok && note) {
		note = g_trim(note);
		if (*note)
			w->note = clean_note(note);
	}
	/* A row names what it measured, in what unit, and says the value
	 * (or "-"). */
	ok = ok && w->variant && w->workload && w->unit && has_value;
	if (!ok)
		row_free(w);
	return ok;
}

static void add_row(struct g_jobres *r, struct g_perfrow *w, int *ignored)
{
	for (int i = 0; i < r->nperf; i++) {
		struct g_perfrow *o = &r->perf[i];

		/* A later measurement replaces the earlier, in its place. */
		if (!strcmp(o->variant, w->variant) && !strcmp(o->workload, w->workload)) {
			row_free(o);
			*o = *w;
			return;
		}
	}
	if (r->nperf >= PERF_MAXROWS) {
		row_free(w);
		(*ignored)++;
		return;
	}
	r->perf = xrealloc(r->perf, (size_t)(r->nperf + 1) * sizeof(*r->perf));
	r->perf[r->nperf++] = *w;
}

/* Every row of one file, in order; true when the file exists. */
static bool read_rows(struct g_jobres *r, const char *jobdir, const char *name, int *ignored)
{
	char *path = g_path(jobdir, name);
	size_t len = 0;
	char *text = read_bounded(path, &len), *end;

	free(path);
	if (!text)
		return false;
	end = text + len;
	for (char *l = text, *nl; l < end; l = nl + 1) {
		struct g_perfrow w;
		char *t;

		nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl && len >= PERF_MAXFILE)
			break; /* cut at the bound: the line is not whole */
		if (!nl)
			nl = end; /* a last line without its newline */
		*nl = 0;
		/* A NUL inside the line: strlen stops short of its end. */
		if ((size_t)(nl - l) > PERF_MAXLINE || strlen(l) != (size_t)(nl - l)) {
			(*ignored)++;
			continue;
		}
		t = g_trim(l);
		if (!*t || *t == '#')
			continue;
		if (parse_row(t, &w))
			add_row(r, &w, ignored);
		else
			(*ignored)++;
	}
	free(text);
	return true;
}

/* W's value / the value of variant NAME's row of the same workload and
 * unit; NAN when there is no such row or either value is missing or zero. */
static double ratio_to(const struct g_jobres *r, const struct g_perfrow *w, const char *name)
{
	double q = NAN;

	for (int f = 0; name && f < r->nperf; f++) {
		const struct g_perfrow *o = &r->perf[f];

		if (strcmp(o->variant, name) || strcmp(o->workload, w->workload) ||
		    strcmp(o->unit, w->unit))
			continue;
		if (isfinite(w->value) && isfinite(o->value) && w->value != 0 && o->value != 0)
			q = w->value / o->value;
	}
	return q;
}

/* Each row's ratio to its workload's floor (the row "floor", the bare
 * kprobe, unless it names another: a user-space workload's is the bare
 * uprobe), and to its twin (the same script in another tracer) when the
 * row names one. */
static void ratios(struct g_jobres *r)
{
	for (int i = 0; i < r->nperf; i++) {
		struct g_perfrow *w = &r->perf[i];

		w->ratio = ratio_to(r, w, w->floor ? w->floor : "floor");
		w->ratio_twin = ratio_to(r, w, w->twin);
	}
}

/* NAN is JSON null; counts that are whole numbers are JSON integers. */
static json_t *jnum(double d, bool integer)
{
	if (!isfinite(d))
		return json_null();
	if (integer && d > -9e15 && d < 9e15 && d == (double)(long long)d)
		return json_integer((json_int_t)d);
	return json_real(d);
}

struct json_t *g_perf_rows_json(const struct g_jobres *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->nperf; i++) {
		const struct g_perfrow *w = &r->perf[i];
		json_t *o = json_object();

		json_object_set_new(o, "variant", json_string(w->variant));
		json_object_set_new(o, "workload", json_string(w->workload));
		json_object_set_new(o, "unit", json_string(w->unit));
		json_object_set_new(o, "value", jnum(w->value, false));
		if (!strcmp(w->unit, "ns_per_hit"))
			json_object_set_new(o, "ns_per_hit", jnum(w->value, false));
		if (w->floor)
			json_object_set_new(o, "floor", json_string(w->floor));
		json_object_set_new(o, "ratio_to_floor", jnum(w->ratio, false));
		if (w->twin) {
			json_object_set_new(o, "twin", json_string(w->twin));
			json_object_set_new(o, "ratio_to_twin", jnum(w->ratio_twin, false));
		}
		json_object_set_new(o, "runs", jnum(w->runs, true));
		json_object_set_new(o, "min", jnum(w->min, false));
		json_object_set_new(o, "max", jnum(w->max, false));
		if (w->has_drops)
			json_object_set_new(o, "drops", jnum(w->drops, true));
		if (w->has_hits)
			json_object_set_new(o, "hits_per_op", jnum(w->hits_per_op, false));
		if (w->note)
			json_object_set_new(o, "note", json_string(w->note));
		json_array_append_new(a, o);
	}
	return a;
}

/* perf.json: the rows with what they ran on, for readers of one job. */
static int write_json(const struct g_jobres *r, const char *jobdir, int ignored)
{
	json_t *j = json_object();
	char *path = g_path(jobdir, "perf.json"), *text;
	int rc;

	json_object_set_new(j, "kernel", json_string(r->kernel ? r->kernel : ""));
	json_object_set_new(j, "release", json_string(r->release ? r->release : ""));
	json_object_set_new(j, "accel", json_string(r->accel ? r->accel : ""));
	json_object_set_new(j, "tcg", r->tcg ? json_string(r->tcg) : json_null());
	json_object_set_new(j, "rows", g_perf_rows_json(r));
	/* Lines dropped as malformed: a suite's typo shows here, not as
	 * silently missing rows. */
	json_object_set_new(j, "ignored_lines", json_integer(ignored));
	text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	rc = text ? g_writefile(path, text, strlen(text), 0644) : -1;
	free(text);
	free(path);
	json_decref(j);
	return rc;
}

int g_perf_collect(const char *jobdir, struct g_jobres *r)
{
	int ignored = 0;
	bool any;

	g_perf_free(r);
	/* The host's prebuild ran before the guest: its rows come first. */
	any = read_rows(r, jobdir, "perf-host.txt", &ignored);
	any = read_rows(r, jobdir, "perf.txt", &ignored) || any;
	if (!any)
		return 0;
	ratios(r);
	if (write_json(r, jobdir, ignored) < 0) {
		g_warn("%s: cannot write perf.json", jobdir);
		return -1;
	}
	return r->nperf;
}

void g_perf_free(struct g_jobres *r)
{
	for (int i = 0; i < r->nperf; i++)
		row_free(&r->perf[i]);
	free(r->perf);
	r->perf = NULL;
	r->nperf = 0;
}
