/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A page per test (runs/ID/JOB/TEST.html, linked from its job's page):
 * what the test checked, in words, and whether each held, beside its
 * figures with their units.  The words are the judge's own: the exit
 * status and the console scan that make every verdict (docs/grid.md,
 * "Guests and verdicts"), then each invariant the test's log states as
 * it checks it ("NAME: ok: WHAT" or "NAME: FAILED: WHAT", torture/lib.sh's
 * and the perf scripts' check()).  A test whose log states none says so.
 */
#include "grid.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A figure's unit, from how the suites name them (torture/, perf-bench/). */
static const char *unit_of(const char *k)
{
	static const struct { const char *end, *unit; } units[] = {
		{"_per_s", "per second"}, {"_pct", "%"}, {"_kb", "KiB"}, {"_bytes", "bytes"},
		{"_ns", "ns"}, {"_s", "s"}, {"seconds", "s"}, {"margin", "bytes"}, {"budget", "bytes"},
		{"left_at_call", "bytes"}, {"vcpus", "vCPUs"},
	};

	size_t n = strlen(k);

	/* the name itself ("seconds") or its end ("arm_s") */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (n >= strlen(units[i].end) && !strcmp(k + n - strlen(units[i].end), units[i].end))
			return units[i].unit;
	if (!strncmp(k, "stack_", 6) || !strncmp(k, "handler_", 8))
		return "bytes";
	return "count";
}

static void held(sbuf *b, const char *what, int state)
{
	static const char *const word[] = {"held", "did not hold", "not checked"};
	static const char *const cls[] = {"pass", "fail", "notrun"};

	sb_addtag(b, "<tr><td>", what, "</td>");
	sb_addf(b, "<td class='v %s'>%s</td></tr>\n", cls[state], word[state]);
}

/* The judge's invariants, from the test's verdict: 0 held, 1 did not,
 * 2 not checked (the test never ran, or a worse verdict decided first). */
static void judge_rows(sbuf *b, const char *verdict)
{
	int v = g_verdict_parse(verdict);
	bool clean = v == V_PASS || v == V_UNSUPPORTED || v == V_FAIL, ran = v != V_NOTRUN && v != V_INFRA;

	held(b, "The test ran to its end in the guest (not cut short by a crash, a hang, the guest's end "
		"or an infrastructure failure)", clean || v == V_WARNING ? 0 : 1);
	held(b, "Its command exited 0 (77 means unsupported: the kernel lacks what it needs, never a pass)",
	     v == V_PASS ? 0 : v == V_FAIL ? 1 : 2);
	held(b, "The console showed no WARNING, KASAN or lockdep report, sleeping in atomic context, hung "
		"task, RCU stall or soft lockup while it ran", clean ? 0 : v == V_WARNING ? 1 : 2);
	held(b, "The kernel did not oops, BUG or panic, and the guest did not hang while it ran",
	     clean || v == V_WARNING ? 0 : ran ? 1 : 2);
}

/* "ok: WHAT" and "FAILED: WHAT" lines of the log, each a row; their count. */
static int log_rows(sbuf *b, const char *log)
{
	strv lines = {0};
	int n = 0;

	sv_split(&lines, log ? log : "", "\n");
	for (size_t i = 0; i < lines.n; i++) {
		char *l = lines.v[i], *ok = strstr(l, "ok: "), *bad = strstr(l, "FAILED: ");

		if (ok && (ok == l || !strncmp(ok - 2, ": ", 2))) {
			held(b, ok + 4, 0);
			n++;
		} else if (bad && (bad == l || !strncmp(bad - 2, ": ", 2))) {
			held(b, bad + 8, 1);
			n++;
		}
	}
	sv_free(&lines);
	return n;
}

static void figures(sbuf *b, json_t *test)
{
	json_t *v;
	const char *k;

	if (!json_object_size(json_object_get(test, "figures")))
		return;
	sb_add(b, "<h2>Figures</h2>\n<table class='figures'><tr><th>figure</th><th>value</th><th>unit</th></tr>\n");
	json_object_foreach(json_object_get(test, "figures"), k, v) {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));

		sb_addtag(b, "<tr><td>", k, "</td>");
		sb_addtag(b, "<td>", json_is_string(v) ? json_string_value(v) : s, "</td>");
		sb_addtag(b, "<td>", json_is_string(v) ? "" : unit_of(k), "</td></tr>\n");
		free(s);
	}
	sb_add(b, "</table>\n");
}

char *g_site_test_page(json_t *job, json_t *test, const char *runid, const char *rundst, const char *log)
{
	char *href = xasprintf("%s/%s.html", g_jstr(job, "id"), g_jstr(test, "name"));
	char *path = g_path(rundst, href), *title, *logpath = log ? g_path(rundst, log) : NULL;
	char *text = logpath ? read_file(logpath, NULL) : NULL;
	sbuf b = {0};
	int n;

	title = xasprintf("%s / %s / %s (run %s)", g_jstr(job, "kernel"), g_jstr(job, "suite"), g_jstr(test, "name"), runid);
	g_site_head(&b, title, "../../../");
	sb_addf(&b, "<p><a href='../index.html'>run %s</a>, <a href='../%s.html'>job %s</a>", runid,
		g_jstr(job, "id"), g_jstr(job, "id"));
	if (log)
		sb_addf(&b, ", <a href='%s'>its log</a>", g_basename(log));
	sb_addf(&b, "</p>\n<p>Verdict: <span class='v %s'>%s</span>, %.2f s.</p>\n", g_jstr(test, "verdict"),
		g_jstr(test, "verdict"), json_number_value(json_object_get(test, "duration")));
	sb_add(&b, "<h2>Invariants</h2>\n<table class='invariants'><tr><th>what was checked</th>"
		   "<th>held?</th></tr>\n");
	judge_rows(&b, g_jstr(test, "verdict"));
	n = log_rows(&b, text);
	sb_add(&b, "</table>\n");
	sb_addf(&b, "<p>%s</p>\n", n ? "The rows after the first four are the test's own checks, as its log "
				     "states them."
				   : "The test's log states no checks of its own: its verdict is its exit status "
				     "and the console scan above.");
	figures(&b, test);
	if (json_string_value(json_object_get(test, "excerpt")))
		sb_addtag(&b, "<h2>Console excerpt</h2>\n<pre>", g_jstr(test, "excerpt"), "</pre>\n");
	if (g_site_write(path, &b) < 0)
		g_free_strs(&href, NULL);
	g_free_strs(&path, &title, &logpath, &text, NULL);
	return href;
}
