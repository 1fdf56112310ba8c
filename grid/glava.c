/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LAVA engine's client: a job definition for one (kernel, suite) job,
 * and LAVA's REST API (v0.2) through libcurl: submit, state, cancel, the
 * console out of the job's log, LAVA's own test cases and job error.
 * libcurl rather than lavacli as a child: the token travels in a header,
 * never on a command line (ps shows those), every answer is JSON that
 * jansson already reads, and a server that does not answer is an error
 * with its HTTP status, not a parse of another program's output.
 */
#include "grid.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct g_lava {
	char *base;  /* http://host:port, no trailing slash */
	char *auth;  /* "Authorization: Token ..." */
	char *local_ip; /* our address as the server saw it: where workers reach us */
	const struct g_host *host;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static bool curl_ok;

static void curl_start(void)
{
	curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static size_t to_sbuf(char *data, size_t size, size_t n, void *arg)
{
	sb_addn(arg, data, size * n);
	return size * n;
}

/*
 * One request: GET (body NULL) or POST of a JSON body to BASE/api/v0.2/PATH
 * (or to a full URL: the next page of a list).  Returns the HTTP status,
 * the answer in *out; -1 and *err when there was no answer.
 */
static long request(struct g_lava *l, const char *path, const char *body, sbuf *out, char **err)
{
	CURL *h;
	struct curl_slist *hdr = NULL;
	char *url = strncmp(path, "http", 4) ? xasprintf("%s/api/v0.2/%s", l->base, path)
					     : xstrdup(path);
	char ebuf[CURL_ERROR_SIZE] = "";
	long status = -1;
	CURLcode rc;

	pthread_once(&curl_once, curl_start);
	if (!curl_ok || !(h = curl_easy_init())) {
		*err = xstrdup("libcurl could not start");
		free(url);
		return -1;
	}
	hdr = curl_slist_append(hdr, l->auth);
	hdr = curl_slist_append(hdr, "Accept: application/json");
	if (body) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, to_sbuf);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		char *ip = NULL;

		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (!l->local_ip && curl_easy_getinfo(h, CURLINFO_LOCAL_IP, &ip) == CURLE_OK && ip)
			l->local_ip = xstrdup(ip);
	}
	else
		*err = xasprintf("%s: %s", url, ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(url);
	return status;
}

/* A JSON answer to GET path with status 200, or NULL and *err. */
static json_t *get_json(struct g_lava *l, const char *path, char **err)
{
	sbuf b = {0};
	long st = request(l, path, NULL, &b, err);
	json_t *j = NULL;

	if (st == 200) {
		j = json_loads(sb_str(&b), 0, NULL);
		if (!j)
			*err = xasprintf("%s: the answer is not JSON", path);
	} else if (st > 0) {
		*err = xasprintf("%s: HTTP %ld%s%.200s", path, st, b.len ? ": " : "", sb_str(&b));
	}
	sb_free(&b);
	return j;
}

struct g_lava *g_lava_open(const struct g_host *h)
{
	struct g_lava *l = xcalloc(1, sizeof(*l));
	char *tok = h->token ? read_file(h->token, NULL) : NULL, *err = NULL, *path;
	const char *url = h->uri + strlen("lava+");
	json_t *dt;

	l->host = h;
	l->base = xstrdup(url);
	while (*l->base && l->base[strlen(l->base) - 1] == '/')
		l->base[strlen(l->base) - 1] = 0;
	if (!tok) {
		g_err("LAVA host %s: cannot read its token file %s: %s", h->name,
		      h->token ? h->token : "(none given)", h->token ? strerror(errno) : "use --lava-token-file F");
		g_lava_close(l);
		return NULL;
	}
	l->auth = xasprintf("Authorization: Token %s", g_trim(tok));
	free(tok);
	/* The device type answers only a valid token on a live server. */
	path = xasprintf("devicetypes/%s/", h->device_type);
	dt = get_json(l, path, &err);
	free(path);
	if (!dt) {
		g_err("LAVA host %s (%s): %s", h->name, l->base, err ? err : "no answer");
		if (err && strstr(err, "HTTP 404"))
			fprintf(stderr, "stapgrid: the server has no device type '%s' (grid/lava/up.sh adds "
				"qemu; docs/partners.md)\n", h->device_type);
		free(err);
		g_lava_close(l);
		return NULL;
	}
	json_decref(dt);
	return l;
}

void g_lava_close(struct g_lava *l)
{
	if (!l)
		return;
	free(l->base);
	free(l->auth);
	free(l->local_ip);
	free(l);
}

const char *g_lava_local_ip(struct g_lava *l)
{
	return l->local_ip;
}

char *g_lava_job_url(struct g_lava *l, long id)
{
	return xasprintf("%s/scheduler/job/%ld", l->base, id);
}

/* fixupdict: a test's exit status, as job-lib.sh marks it, to LAVA's result. */
static json_t *rc_results(void)
{
	json_t *fix = json_object();

	for (int rc = 0; rc < 256; rc++) {
		char k[8];

		snprintf(k, sizeof(k), "%d", rc);
		json_object_set_new(fix, k, json_string(rc == 0 ? "pass" : rc == G_EXIT_UNSUPPORTED ? "skip" : "fail"));
	}
	return fix;
}

static json_t *minutes(int secs)
{
	return json_pack("{s:i}", "minutes", (secs + 59) / 60);
}

/*
 * The job definition, as JSON (which is YAML: LAVA reads it as is, and
 * every path is quoted by jansson).  The deploy names the kernel and the
 * initramfs by file:// URL when the worker runs beside stapgrid (docs/
 * architecture.md "LAVA engine"), by the http:// URLs stapgrid serves them
 * on for a worker anywhere (transfer=http: the job's files are in the
 * initramfs, gpayload.c); the kernel's image_arg adds what the libvirt
 * guest gets in its domain XML: the command line, the job share as 9p
 * (shared only), the vCPUs, TCG's threading.  A monitor turns the guest's markers
 * into LAVA test cases; the verdicts are judged from the console by
 * stapgrid, as for a libvirt guest.
 */
char *g_lava_definition(const struct g_lavaspec *s)
{
	char *virtfs = s->http ? xstrdup("")
			       : xasprintf(" -virtfs local,path=%s,mount_tag=grid,security_model=none,id=grid",
					   s->share);
	char *karg = xasprintf("-kernel {kernel} -no-reboot -append \"%s\"%s -smp %d%s",
			       s->cmdline, virtfs, s->vcpus > 0 ? s->vcpus : 1,
			       !strcmp(s->tcg, "single") ? " -accel tcg,thread=single" : "");
	const char *scheme = s->http ? "" : "file://";
	json_t *kernel = json_pack("{s:s, s:s+}", "image_arg", karg, "url", scheme, s->kernel);
	json_t *initrd = json_pack("{s:s, s:s+}", "image_arg", "-initrd {ramdisk}", "url", scheme,
				   s->initrd);
	json_t *monitor = json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", "stapgrid",
				    "start", "stapgrid: job started", "end", "stapgrid: job finished",
				    "pattern", "stapgrid: test (?P<test_case_id>\\S+) end rc=(?P<result>\\d+)",
				    "fixupdict", rc_results());
	json_t *actions = json_pack(
		"[{s:{s:s, s:o, s:{s:o, s:o}}}, {s:{s:s, s:s, s:o}}, {s:{s:o, s:[o]}}]",
		"deploy", "to", "tmpfs", "timeout", minutes(120), "images", "kernel", kernel, "ramdisk", initrd,
		"boot", "method", "qemu", "media", "tmpfs", "timeout", minutes(s->timeout),
		"test", "timeout", minutes(s->timeout), "monitors", monitor);
	json_t *def = json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}, s:{s:s}, s:o}",
				"device_type", s->device_type, "job_name", s->name,
				"visibility", "public", "priority", "medium",
				"timeouts", "job", minutes(3 * s->timeout + 300),
				"action", minutes(s->timeout), "connection", minutes(120),
				"context", "arch", "amd64", "actions", actions);
	char *text = def ? json_dumps(def, JSON_INDENT(2)) : NULL;

	json_decref(def);
	free(karg);
	free(virtfs);
	return text;
}

long g_lava_submit(struct g_lava *l, const char *definition, char **err)
{
	json_t *body = json_pack("{s:s}", "definition", definition), *ans;
	char *text = json_dumps(body, JSON_COMPACT);
	sbuf b = {0};
	long st = request(l, "jobs/", text, &b, err), id = -1;

	if (st == 201 && (ans = json_loads(sb_str(&b), 0, NULL))) {
		json_t *ids = json_object_get(ans, "job_ids");

		if (json_array_size(ids) == 1 && json_is_integer(json_array_get(ids, 0)))
			id = (long)json_integer_value(json_array_get(ids, 0));
		json_decref(ans);
	}
	if (id < 0 && !*err)
		*err = xasprintf("the server refused the job (HTTP %ld): %.300s", st, sb_str(&b));
	sb_free(&b);
	free(text);
	json_decref(body);
	return id;
}

int g_lava_job_state(struct g_lava *l, long id, char **state, char **health, char **err)
{
	char *path = xasprintf("jobs/%ld/", id);
	json_t *j = get_json(l, path, err);

	free(path);
	if (!j)
		return -1;
	*state = xstrdup(g_jstr(j, "state"));
	*health = xstrdup(g_jstr(j, "health"));
	json_decref(j);
	return 0;
}

int g_lava_cancel(struct g_lava *l, long id)
{
	char *path = xasprintf("jobs/%ld/cancel/", id), *err = NULL;
	sbuf b = {0};
	long st = request(l, path, NULL, &b, &err);

	if (st != 200)
		g_warn("cannot cancel LAVA job %ld: %s", id, err ? err : sb_str(&b));
	free(err);
	free(path);
	sb_free(&b);
	return st == 200 ? 0 : -1;
}

/* The log is YAML, one "- {JSON}" a line: the guest's console is the
 * target lines (and the feedback read while the dispatcher powers off). */
int g_lava_console(struct g_lava *l, long id, const char *path)
{
	char *url = xasprintf("jobs/%ld/logs/", id), *err = NULL;
	sbuf log = {0}, con = {0};
	long st = request(l, url, NULL, &log, &err);
	int rc = -1;

	if (st != 200) {
		g_warn("LAVA job %ld: no log: %s", id, err ? err : "HTTP error");
		goto out;
	}
	for (char *ln = log.s, *nl; ln && *ln; ln = nl) {
		json_t *e;

		nl = strchr(ln, '\n');
		if (nl)
			*nl++ = 0;
		if (strncmp(ln, "- {", 3) || !(e = json_loads(ln + 2, 0, NULL)))
			continue;
		if ((!strcmp(g_jstr(e, "lvl"), "target") || !strcmp(g_jstr(e, "lvl"), "feedback")) &&
		    json_is_string(json_object_get(e, "msg")))
			sb_addf(&con, "%s\n", g_jstr(e, "msg"));
		json_decref(e);
	}
	rc = g_writefile(path, sb_str(&con), con.len, 0644);
out:
	free(err);
	free(url);
	sb_free(&log);
	sb_free(&con);
	return rc;
}

/* "key: value" of a test case's metadata (YAML text), or NULL. */
static char *meta(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ':' && l[n + 1] == ' ') {
			const char *v = l + n + 2, *e = strchr(v, '\n');

			return xasprintf("%.*s", (int)(e ? e - v : (long)strlen(v)), v);
		}
	return NULL;
}

/* Each suite's id and name ("0_stapgrid", "lava"). */
static json_t *suite_names(struct g_lava *l, long id)
{
	char *path = xasprintf("jobs/%ld/suites/?limit=100", id), *err = NULL;
	json_t *j = get_json(l, path, &err), *names = json_object(), *s;
	size_t i;

	json_array_foreach(json_object_get(j, "results"), i, s) {
		char k[32];

		snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(json_object_get(s, "id")));
		json_object_set_new(names, k, json_string(g_jstr(s, "name")));
	}
	json_decref(j);
	free(err);
	free(path);
	return names;
}

int g_lava_results(struct g_lava *l, long id, struct g_jobres *r)
{
	json_t *names = suite_names(l, id);
	char *next = xasprintf("jobs/%ld/tests/?limit=200", id), *err = NULL;
	int rc = 0;

	while (next) {
		json_t *j = get_json(l, next, &err), *t;
		size_t i;

		free(next);
		next = NULL;
		if (!j) {
			g_warn("LAVA job %ld: no test results: %s", id, err ? err : "?");
			rc = -1;
			break;
		}
		json_array_foreach(json_object_get(j, "results"), i, t) {
			char k[32];
			const char *suite;

			snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(json_object_get(t, "suite")));
			suite = json_string_value(json_object_get(names, k));
			sv_pushown(&r->lava_cases, xasprintf("%s.%s %s", suite ? suite : "?", g_jstr(t, "name"),
							     g_jstr(t, "result")));
			if (suite && !strcmp(suite, "lava") && !strcmp(g_jstr(t, "name"), "job") &&
			    strcmp(g_jstr(t, "result"), "pass")) {
				char *type = meta(g_jstr(t, "metadata"), "error_type");
				char *msg = meta(g_jstr(t, "metadata"), "error_msg");

				free(r->lava_error);
				r->lava_error = xasprintf("%s: %s", type ? type : "error", msg ? msg : "?");
				free(type);
				free(msg);
			}
		}
		if (json_is_string(json_object_get(j, "next")))
			next = xstrdup(g_jstr(j, "next"));
		json_decref(j);
	}
	free(err);
	json_decref(names);
	return rc;
}
