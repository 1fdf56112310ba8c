/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Configuration files: configs/kernels/ID.conf, configs/hosts.conf and the
 * suite manifests (grid/suites/NAME/manifest).  Every mistake is reported as
 * FILE:LINE: message, and nothing is half-loaded: a bad file fails the load.
 */
#include "grid.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct g_paths G;

struct key;
static int set_key(const struct key *keys, const char *what, void *rec, const char *file,
		   int line, const char *key, char *val);

/* Split "key = value  # comment" lines; each sets its key of the table
 * keys in rec.  A '#' starts a comment at the start of a line or after
 * white space. */
static int parse_kv(const char *file, const struct key *keys, void *rec)
{
	char *text = read_file(file, NULL), *save = NULL, *ln;
	int lineno = 0, rc = 0;

	if (!text) {
		g_err("cannot read %s: %s", file, strerror(errno));
		return -1;
	}
	for (char *p = text; p; p = save) {
		char *eq, *key, *val, *hash;

		ln = p;
		save = strchr(p, '\n');
		if (save)
			*save++ = 0;
		lineno++;
		for (hash = ln; (hash = strchr(hash, '#')); hash++)
			if (hash == ln || isspace((unsigned char)hash[-1])) {
				*hash = 0;
				break;
			}
		ln = g_trim(ln);
		if (!*ln)
			continue;
		eq = strchr(ln, '=');
		if (!eq) {
			g_err("%s:%d: expected 'key = value', got '%s'", file, lineno, ln);
			rc = -1;
			continue;
		}
		*eq = 0;
		key = g_trim(ln);
		val = g_trim(eq + 1);
		if (!*key) {
			g_err("%s:%d: missing key before '='", file, lineno);
			rc = -1;
			continue;
		}
		if (set_key(keys, "key", rec, file, lineno, key, val) < 0)
			rc = -1;
	}
	free(text);
	return rc;
}

static int parse_int(const char *file, int line, const char *key, const char *val,
		     int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end || v < lo || v > hi) {
		g_err("%s:%d: %s must be an integer from %d to %d, got '%s'", file, line, key,
		      lo, hi, val);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_choice(const char *file, int line, const char *key, const char *val,
			const char *const *choices, char **out)
{
	for (int i = 0; choices[i]; i++)
		if (!strcmp(val, choices[i])) {
			free(*out);
			*out = xstrdup(val);
			return 0;
		}
	{
		sbuf b = {0};
		for (int i = 0; choices[i]; i++)
			sb_addf(&b, "%s%s", i ? ", " : "", choices[i]);
		g_err("%s:%d: %s must be one of %s, got '%s'", file, line, key, sb_str(&b), val);
		sb_free(&b);
	}
	return -1;
}

static int parse_yesno(const char *file, int line, const char *key, const char *val, bool *out)
{
	if (strcmp(val, "yes") && strcmp(val, "no")) {
		g_err("%s:%d: %s must be yes or no, got '%s'", file, line, key, val);
		return -1;
	}
	*out = !strcmp(val, "yes");
	return 0;
}

static void setstr(char **dst, const char *val)
{
	free(*dst);
	*dst = xstrdup(val);
}

/* ---- key tables ------------------------------------------------------ */

/*
 * A file's keys are a table: the key, how its value is read (its kind),
 * where it goes in the record (offsetof), the kind's bounds or choices,
 * and what it means.  A key whose check no kind says has a function of
 * its own (K_FN).  An unknown key is told with the table's known ones.
 */
enum kind {
	K_STR,    /* char *: the text as written */
	K_NAME,   /* char *: a name (letters, digits, '.', '_', '-'), else "KEY 'VAL' bad" */
	K_INT,    /* int: from lo to hi */
	K_CHOICE, /* char *: one of choices */
	K_YESNO,  /* bool: yes or no */
	K_WORDS,  /* strv: the words, in place of earlier ones */
	K_ADD,    /* strv: the words, after earlier ones */
	K_LINE,   /* strv: the text as written, after earlier lines */
	K_FN,     /* fn checks and stores it */
};

/* What a K_FN key keeps at off, for free_keys (the other kinds say it). */
enum held { H_NONE, H_STR, H_STRV };

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	int lo, hi;
	const char *const *choices;
	const char *bad;
	int (*fn)(void *rec, const char *file, int line, char *val);
	const char *doc;
	enum held held;
};

static int set_key(const struct key *keys, const char *what, void *rec, const char *file,
		   int line, const char *key, char *val)
{
	const struct key *k = keys;
	char *field;

	while (k->name && strcmp(k->name, key))
		k++;
	if (!k->name) {
		sbuf b = {0};

		for (k = keys; k->name; k++)
			sb_addf(&b, "%s%s", k == keys ? "" : ", ", k->name);
		g_err("%s:%d: unknown %s '%s' (known: %s)", file, line, what, key, sb_str(&b));
		sb_free(&b);
		return -1;
	}
	field = (char *)rec + k->off;
	switch (k->kind) {
	case K_NAME:
		if (!g_valid_id(val)) {
			g_err("%s:%d: %s '%s' %s", file, line, key, val, k->bad);
			return -1;
		}
		/* fall through */
	case K_STR:
		setstr((char **)field, val);
		return 0;
	case K_INT:
		return parse_int(file, line, key, val, k->lo, k->hi, (int *)field);
	case K_CHOICE:
		return parse_choice(file, line, key, val, k->choices, (char **)field);
	case K_YESNO:
		return parse_yesno(file, line, key, val, (bool *)field);
	case K_WORDS:
		sv_free((strv *)field);
		sv_split((strv *)field, val, " \t");
		return 0;
	case K_ADD:
		sv_split((strv *)field, val, " \t");
		return 0;
	case K_LINE:
		sv_push((strv *)field, val);
		return 0;
	case K_FN:
		break;
	}
	return k->fn(rec, file, line, val);
}

/* What rec holds for each key of the table, freed. */
static void free_keys(const struct key *keys, void *rec)
{
	for (const struct key *k = keys; k->name; k++) {
		char *field = (char *)rec + k->off;
		enum held h = k->held;

		switch (k->kind) {
		case K_STR:
		case K_NAME:
		case K_CHOICE:
			h = H_STR;
			break;
		case K_WORDS:
		case K_ADD:
		case K_LINE:
			h = H_STRV;
			break;
		case K_INT:
		case K_YESNO:
		case K_FN:
			break;
		}
		if (h == H_STR)
			free(*(char **)field);
		else if (h == H_STRV)
			sv_free((strv *)field);
	}
}

/* ---- kernels --------------------------------------------------------- */

static const char *const sources[] = {"debian", "linux-source", NULL};
static const char *const shares[] = {"9p", "virtiofs", NULL};

static int kernel_fragments(void *rec, const char *file, int line, char *val)
{
	struct g_kernel *k = rec;

	sv_free(&k->fragments);
	sv_split(&k->fragments, val, " \t");
	for (size_t i = 0; i < k->fragments.n; i++) {
		char *rel = xasprintf("configs/fragments/%s", k->fragments.v[i]);
		char *p = g_path(G.src, rel);
		bool ok = g_valid_id(k->fragments.v[i]) && g_exists(p);

		if (!ok)
			g_err("%s:%d: no fragment %s", file, line, rel);
		free(rel);
		free(p);
		if (!ok)
			return -1;
	}
	return 0;
}

#define KOFF(f) offsetof(struct g_kernel, f)
/* configs/kernels/ID.conf (docs/grid.md "Kernels"). */
static const struct key kernel_keys[] = {
	{"id", K_NAME, KOFF(id), .bad = "may use only letters, digits, '.', '_' and '-'",
	 .doc = "the file's name without .conf"},
	{"description", K_STR, KOFF(description), .doc = "one line for people"},
	{"source", K_CHOICE, KOFF(source), .choices = sources, .doc = "packaged or built"},
	{"package", K_NAME, KOFF(package), .bad = "is not a Debian package name",
	 .doc = "the image (or linux-source) package"},
	{"base", K_STR, KOFF(base), .doc = "linux-source: the base config target"},
	{"fragments", K_FN, KOFF(fragments), .held = H_STRV, .fn = kernel_fragments,
	 .doc = "linux-source: configs/fragments/ files"},
	{"vcpus", K_INT, KOFF(vcpus), 1, 64, .doc = "the guest's vCPUs"},
	{"memory", K_INT, KOFF(memory_mb), 128, 65536, .doc = "the guest's MiB"},
	{"cmdline", K_STR, KOFF(cmdline), .doc = "added to the guest's command line"},
	{"share", K_CHOICE, KOFF(share), .choices = shares, .doc = "9p or virtiofs"},
	{"features", K_WORDS, KOFF(features), .doc = "what the kernel offers (smoke checks)"},
	{"timeout_scale", K_INT, KOFF(timeout_scale), 1, 100, .doc = "multiplies job timeouts"},
	{NULL},
};

void g_kernel_free(struct g_kernel *k)
{
	free(k->file);
	free_keys(kernel_keys, k);
	memset(k, 0, sizeof(*k));
}

static int load_kernel(const char *file, struct g_kernel *k)
{
	const char *base = g_basename(file);
	int rc;

	memset(k, 0, sizeof(*k));
	k->file = xstrdup(file);
	k->vcpus = 1;
	k->memory_mb = 512;
	k->timeout_scale = 1;
	k->share = xstrdup("9p");
	rc = parse_kv(file, kernel_keys, k);
	if (rc == 0) {
		const char *missing = !k->id ? "id" : !k->source ? "source" : !k->package ? "package" : NULL;

		if (missing) {
			g_err("%s:1: missing required key '%s'", file, missing);
			rc = -1;
		} else if (strncmp(base, k->id, strlen(k->id)) || strcmp(base + strlen(k->id), ".conf")) {
			g_err("%s:1: id '%s' must match the file name", file, k->id);
			rc = -1;
		} else if (!strcmp(k->source, "linux-source") && !k->fragments.n) {
			g_err("%s:1: a linux-source kernel needs 'fragments'", file);
			rc = -1;
		} else if (!strcmp(k->source, "linux-source") && !k->base) {
			k->base = xstrdup("defconfig");
		}
	}
	return rc;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir ending with suffix (or folders when suffix is NULL). */
static int list_dir(const char *dir, const char *suffix, strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		g_err("cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!suffix || g_has_suffix(e->d_name, suffix)) {
			char *p = g_path(dir, e->d_name);

			if (suffix || g_isdir(p))
				sv_push(out, e->d_name);
			free(p);
		}
	}
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), cmpstr);
	return 0;
}

int g_conf_kernels(struct g_kernel **out, int *n)
{
	char *dir = g_path(G.src, "configs/kernels");
	strv names = {0};
	struct g_kernel *ks;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (list_dir(dir, ".conf", &names) < 0) {
		free(dir);
		return -1;
	}
	ks = xcalloc(names.n, sizeof(*ks));
	for (size_t i = 0; i < names.n; i++) {
		char *p = g_path(dir, names.v[i]);

		if (load_kernel(p, &ks[i]) < 0)
			rc = -1;
		free(p);
	}
	if (rc == 0 && names.n == 0) {
		g_err("%s: no kernel configurations", dir);
		rc = -1;
	}
	if (rc < 0) {
		G_FREE_ARRAY(ks, (int)names.n, g_kernel_free);
	} else {
		*out = ks;
		*n = (int)names.n;
	}
	sv_free(&names);
	free(dir);
	return rc;
}

struct g_kernel *g_kernel_find(struct g_kernel *ks, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ks[i].id, id))
			return &ks[i];
	return NULL;
}

/* ---- hosts --------------------------------------------------------------- */

static const char *const accels[] = {"auto", "tcg", "kvm", NULL};
static const char *const transfers[] = {"local", "volumes", "shared", "http", NULL};

static int host_basedir(void *rec, const char *file, int line, char *val)
{
	struct g_host *h = rec;
	int rc = 0;

	if (val[0] != '/') {
		g_err("%s:%d: basedir must be an absolute path", file, line);
		rc = -1;
	}
	setstr(&h->basedir, val);
	return rc;
}

static int host_token(void *rec, const char *file, int line, char *val)
{
	struct g_host *h = rec;
	int rc = 0;

	if (val[0] != '/') {
		g_err("%s:%d: token must be an absolute path (the file holding the API token)", file, line);
		rc = -1;
	}
	setstr(&h->token, val);
	return rc;
}

/* A lava+http(s):// URI names a LAVA server (the REST API under it). */
static bool lava_uri(const char *uri)
{
	return !strncmp(uri, "lava+http://", 12) || !strncmp(uri, "lava+https://", 13);
}

/*
 * A LAVA host's transfer: shared (the worker sees our folders: file:// and
 * 9p, the default) or http (a worker anywhere: gserve.c, gpayload.c);
 * a libvirt host's: local or volumes.  serve goes with http only.
 */
static int lava_transfer(const char *file, int lineno, struct g_host *h)
{
	bool lava = lava_uri(h->uri);
	bool lava_kind = !strcmp(h->transfer, "shared") || !strcmp(h->transfer, "http");

	if (lava != lava_kind) {
		g_err("%s:%d: transfer=%s is for %s hosts; a %s host takes %s", file, lineno, h->transfer,
		      lava_kind ? "LAVA" : "libvirt", lava ? "LAVA" : "libvirt",
		      lava ? "shared or http" : "local or volumes");
		return -1;
	}
	if (h->serve && strcmp(h->transfer, "http")) {
		g_err("%s:%d: serve= goes with transfer=http", file, lineno);
		return -1;
	}
	return 0;
}

#define HOFF(f) offsetof(struct g_host, f)
/* A host's options after NAME URI CAPACITY, key=value (docs/grid.md "Hosts"). */
static const struct key host_keys[] = {
	{"accel", K_CHOICE, HOFF(accel), .choices = accels, .doc = "auto (KVM once it booted), tcg, kvm"},
	{"transfer", K_CHOICE, HOFF(transfer), .choices = transfers, .doc = "files shared or as volumes"},
	{"basedir", K_FN, HOFF(basedir), .held = H_STR, .fn = host_basedir,
	 .doc = "where a partner keeps our files"},
	{"token", K_FN, HOFF(token), .held = H_STR, .fn = host_token,
	 .doc = "a LAVA host: the file holding its API token"},
	{"device_type", K_STR, HOFF(device_type), .doc = "a LAVA host: the device type its jobs ask for"},
	{"serve", K_STR, HOFF(serve), .doc = "a LAVA host, transfer=http: ADDR[:PORT] its workers fetch from"},
	{NULL},
};

/* One line's words, NAME URI CAPACITY [key=value ...], into h (its
 * defaults set); hs[0..nh) are the hosts of the lines before. */
static int host_line(const char *file, int lineno, strv *w, struct g_host *h,
		     const struct g_host *hs, int nh)
{
	int rc = 0;

	if (w->n < 3) {
		g_err("%s:%d: expected 'NAME URI CAPACITY [key=value ...]'", file, lineno);
		return -1;
	} else if (!g_valid_id(w->v[0])) {
		g_err("%s:%d: host name '%s' may use only letters, digits, '.', '_' and '-'", file,
		      lineno, w->v[0]);
		return -1;
	} else if (!strstr(w->v[1], "://") || (!strncmp(w->v[1], "lava", 4) && !lava_uri(w->v[1]))) {
		g_err("%s:%d: '%s' is not a libvirt URI (e.g. qemu:///system) or a LAVA server "
		      "(lava+http://HOST:PORT)", file, lineno, w->v[1]);
		return -1;
	} else if (parse_int(file, lineno, "capacity", w->v[2], 1, 256, &h->capacity) < 0) {
		return -1;
	}
	h->name = xstrdup(w->v[0]);
	h->uri = xstrdup(w->v[1]);
	/* Only the local system daemon shares our file system. */
	h->transfer = xstrdup(lava_uri(h->uri) ? "shared" : strncmp(h->uri, "qemu:///", 8) ? "volumes" : "local");
	for (size_t i = 3; i < w->n; i++) {
		char *eq = strchr(w->v[i], '=');

		if (!eq) {
			g_err("%s:%d: expected key=value, got '%s'", file, lineno, w->v[i]);
			rc = -1;
			continue;
		}
		*eq++ = 0;
		if (set_key(host_keys, "host option", h, file, lineno, w->v[i], eq) < 0)
			rc = -1;
	}
	h->engine = xstrdup(lava_uri(h->uri) ? "lava" : "libvirt");
	if (lava_uri(h->uri) && !h->token) {
		g_err("%s:%d: LAVA host '%s' needs token= (a file holding its API token)", file,
		      lineno, h->name);
		rc = -1;
	} else if (!lava_uri(h->uri) && (h->token || h->device_type)) {
		g_err("%s:%d: token and device_type are for LAVA hosts (lava+http://...), not '%s'",
		      file, lineno, h->uri);
		rc = -1;
	}
	if (rc == 0 && lava_transfer(file, lineno, h) < 0)
		rc = -1;
	if (!h->device_type)
		h->device_type = xstrdup("qemu");
	for (int i = 0; i < nh; i++)
		if (!strcmp(hs[i].name, h->name)) {
			g_err("%s:%d: host '%s' is already defined on line %d", file, lineno, h->name,
			      hs[i].line);
			rc = -1;
		}
	return rc;
}

/* hosts.conf: one host a line, "NAME URI CAPACITY [key=value ...]". */
int g_conf_hosts(const char *file, struct g_host **out, int *n)
{
	char *text = read_file(file, NULL), *save, *ln;
	struct g_host *hs = NULL;
	int nh = 0, lineno = 0, rc = 0;

	*out = NULL;
	*n = 0;
	if (!text) {
		g_err("cannot read %s: %s", file, strerror(errno));
		return -1;
	}
	for (char *p = text; p; p = save) {
		strv w = {0};
		struct g_host h = {0};
		char *hash;

		ln = p;
		save = strchr(p, '\n');
		if (save)
			*save++ = 0;
		lineno++;
		if ((hash = strchr(ln, '#')))
			*hash = 0;
		sv_split(&w, ln, " \t\r");
		if (!w.n) {
			sv_free(&w);
			continue;
		}
		h.file = xstrdup(file);
		h.line = lineno;
		h.accel = xstrdup("auto");
		h.basedir = xstrdup("/var/lib/libvirt/stapgrid");
		if (host_line(file, lineno, &w, &h, hs, nh) < 0)
			rc = -1;
		sv_free(&w);
		if (h.name && rc == 0) {
			hs = xrealloc(hs, (size_t)(nh + 1) * sizeof(*hs));
			hs[nh++] = h;
		} else {
			g_host_free(&h);
		}
	}
	free(text);
	if (rc == 0 && nh == 0) {
		g_err("%s: no hosts", file);
		rc = -1;
	}
	if (rc < 0) {
		G_FREE_ARRAY(hs, nh, g_host_free);
		return -1;
	}
	*out = hs;
	*n = nh;
	return 0;
}

void g_host_free(struct g_host *h)
{
	free(h->name);
	free(h->uri);
	free(h->file);
	free(h->engine);
	free_keys(host_keys, h);
	memset(h, 0, sizeof(*h));
}

/* ---- suites --------------------------------------------------------------- */

static const char *const tcgmodes[] = {"multi", "single", NULL};

static int suite_expect(void *rec, const char *file, int line, char *val)
{
	struct g_suite *s = rec;

	if (g_verdict_parse(val) < 0 || g_verdict_parse(val) == V_NOTRUN) {
		g_err("%s:%d: expect must be a verdict (pass, unsupported, fail, warning, hang, "
		      "oops, panic, infra), got '%s'", file, line, val);
		return -1;
	}
	setstr(&s->expect, val);
	return 0;
}

/* KEY = NAME VALUE (what says which), checked by ok, kept as "NAME VALUE". */
static int name_value(const char *file, int line, const char *key, const char *what, char *val,
		      bool (*ok)(const strv *w), strv *into)
{
	strv w = {0};
	int rc = 0;

	sv_split(&w, val, " \t");
	if (w.n != 2 || !ok(&w)) {
		g_err("%s:%d: expected '%s = %s', got '%s'", file, line, key, what, val);
		rc = -1;
	} else {
		sv_pushown(into, sv_join(&w, " "));
	}
	sv_free(&w);
	return rc;
}

static bool verdict_ok(const strv *w)
{
	return g_verdict_parse(w->v[1]) >= 0;
}

static bool status_ok(const strv *w)
{
	char *end;

	(void)strtol(w->v[1], &end, 10);
	return g_valid_id(w->v[0]) && *w->v[1] && !*end;
}

static int suite_expect_test(void *rec, const char *file, int line, char *val)
{
	return name_value(file, line, "expect_test", "NAME VERDICT", val, verdict_ok,
			  &((struct g_suite *)rec)->expect_tests);
}

static int suite_expect_exit(void *rec, const char *file, int line, char *val)
{
	return name_value(file, line, "expect_exit", "NAME STATUS", val, status_ok,
			  &((struct g_suite *)rec)->expect_exits);
}

static int suite_module(void *rec, const char *file, int line, char *val)
{
	struct g_suite *s = rec;
	char *src = xasprintf("%s/grid/modules/%s/%s.c", G.src, val, val);
	bool ok = g_valid_id(val) && g_exists(src);

	free(src);
	if (!ok) {
		g_err("%s:%d: no module grid/modules/%s/%s.c", file, line, val, val);
		return -1;
	}
	sv_push(&s->modules, val);
	return 0;
}

static int suite_prebuild(void *rec, const char *file, int line, char *val)
{
	struct g_suite *s = rec;

	if (!g_valid_id(val) || !sv_has(&s->files, val)) {
		g_err("%s:%d: no script '%s' in %s", file, line, val, s->dir);
		return -1;
	}
	setstr(&s->prebuild, val);
	return 0;
}

static int suite_kernel(void *rec, const char *file, int line, char *val)
{
	struct g_suite *s = rec;

	if (strcmp(val, "bogus")) {
		g_err("%s:%d: kernel may only be 'bogus' (boot a file that is not a kernel)", file,
		      line);
		return -1;
	}
	s->bogus_kernel = true;
	return 0;
}

/* test = NAME SCRIPT: SCRIPT in the suite's folder, NAME not yet used. */
static int suite_test(void *rec, const char *file, int line, char *val)
{
	struct g_suite *s = rec;
	strv w = {0};
	int rc = 0;

	sv_split(&w, val, " \t");
	if (w.n != 2 || !g_valid_id(w.v[0]) || !g_valid_id(w.v[1])) {
		g_err("%s:%d: expected 'test = NAME SCRIPT'", file, line);
		rc = -1;
	} else if (!sv_has(&s->files, w.v[1])) {
		g_err("%s:%d: no script '%s' in %s", file, line, w.v[1], s->dir);
		rc = -1;
	} else {
		for (int i = 0; i < s->ntests; i++)
			if (!strcmp(s->tests[i].name, w.v[0])) {
				g_err("%s:%d: duplicate test '%s'", file, line, w.v[0]);
				rc = -1;
			}
	}
	if (rc == 0) {
		s->tests = xrealloc(s->tests, (size_t)(s->ntests + 1) * sizeof(*s->tests));
		s->tests[s->ntests].name = xstrdup(w.v[0]);
		s->tests[s->ntests].script = xstrdup(w.v[1]);
		s->ntests++;
	}
	sv_free(&w);
	return rc;
}

#define SOFF(f) offsetof(struct g_suite, f)
/* grid/suites/NAME/manifest and grid/selftest/NAME/manifest (docs/grid.md "Suites"). */
static const struct key suite_keys[] = {
	{"description", K_STR, SOFF(description), .doc = "one line"},
	{"timeout", K_INT, SOFF(timeout), 5, 86400, .doc = "seconds to a verdict, plus --duration"},
	{"duration", K_INT, SOFF(duration), 1, 86400, .doc = "the tests' duration without --duration"},
	{"min_duration", K_INT, SOFF(min_duration), 1, 86400, .doc = "the shortest --duration"},
	{"per_duration", K_INT, SOFF(per_duration), 1, 100, .doc = "the timeout's durations"},
	{"tcg", K_CHOICE, SOFF(tcg), .choices = tcgmodes, .doc = "multi- or single-threaded TCG"},
	{"hostroot", K_YESNO, SOFF(hostroot), .doc = "tests chrooted into the host's folders"},
	{"debuginfo", K_YESNO, SOFF(debuginfo), .doc = "the run fetches the kernel's DWARF"},
	{"vcpus", K_INT, SOFF(vcpus), 1, 64, .doc = "the kernel's vCPUs overridden"},
	{"memory", K_INT, SOFF(memory_mb), 128, 65536, .doc = "the kernel's MiB overridden"},
	{"test", K_FN, .fn = suite_test, .doc = "NAME SCRIPT: a test, in order"},
	{"prebuild", K_FN, SOFF(prebuild), .held = H_STR, .fn = suite_prebuild,
	 .doc = "SCRIPT run on the host first"},
	{"module", K_FN, SOFF(modules), .held = H_STRV, .fn = suite_module,
	 .doc = "grid/modules/NAME built into the share"},
	{"expect", K_FN, SOFF(expect), .held = H_STR, .fn = suite_expect,
	 .doc = "selftest: the job's verdict"},
	{"expect_test", K_FN, SOFF(expect_tests), .held = H_STRV, .fn = suite_expect_test,
	 .doc = "selftest: NAME VERDICT"},
	{"expect_exit", K_FN, SOFF(expect_exits), .held = H_STRV, .fn = suite_expect_exit,
	 .doc = "selftest: NAME STATUS"},
	{"expect_excerpt", K_LINE, SOFF(expect_excerpts), .doc = "selftest: text of the excerpt"},
	{"requires", K_ADD, SOFF(requires), .doc = "selftest: features the guest needs"},
	{"kernel", K_FN, .fn = suite_kernel, .doc = "selftest: 'bogus', a file that is no kernel"},
	{NULL},
};

int g_conf_suite(const char *base, const char *name, struct g_suite *s)
{
	char *dir, *file;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!g_valid_id(name)) {
		g_err("unknown suite '%s'", name);
		return -1;
	}
	dir = g_path(G.src, base);
	s->dir = g_path(dir, name);
	free(dir);
	file = g_path(s->dir, "manifest");
	if (!g_exists(file)) {
		strv names = {0};
		char *all;

		g_conf_suite_names(base, &names);
		all = sv_join(&names, ", ");
		g_err("unknown suite '%s' (known: %s)", name, all);
		free(all);
		sv_free(&names);
		free(file);
		g_suite_free(s);
		return -1;
	}
	s->name = xstrdup(name);
	s->timeout = 60;
	s->per_duration = 1;
	s->tcg = xstrdup("multi");
	rc = list_dir(s->dir, "", &s->files);
	/* Suites travel as flat folders: the share carries files, not trees. */
	for (size_t i = 0; rc == 0 && i < s->files.n; i++) {
		char *p = g_path(s->dir, s->files.v[i]);
		if (g_isdir(p)) {
			g_err("%s: suite folders must be flat (found folder %s)", s->dir, s->files.v[i]);
			rc = -1;
		}
		free(p);
	}
	if (rc == 0)
		rc = parse_kv(file, suite_keys, s);
	if (rc == 0 && !s->ntests) {
		g_err("%s:1: a suite needs at least one 'test = NAME SCRIPT'", file);
		rc = -1;
	}
	free(file);
	if (rc < 0)
		g_suite_free(s);
	return rc;
}

int g_conf_suite_names(const char *base, strv *names)
{
	char *dir = g_path(G.src, base);
	strv all = {0};
	int rc = list_dir(dir, NULL, &all);

	for (size_t i = 0; i < all.n; i++) {
		char *m = xasprintf("%s/%s/manifest", dir, all.v[i]);
		if (g_exists(m))
			sv_push(names, all.v[i]);
		free(m);
	}
	sv_free(&all);
	free(dir);
	return rc;
}

void g_suite_free(struct g_suite *s)
{
	free(s->name);
	free(s->dir);
	free_keys(suite_keys, s);
	for (int i = 0; i < s->ntests; i++) {
		free(s->tests[i].name);
		free(s->tests[i].script);
	}
	free(s->tests);
	sv_free(&s->files);
	memset(s, 0, sizeof(*s));
}
