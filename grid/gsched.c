/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A run: every (kernel, suite) job scheduled over the hosts' slots.  One
 * worker thread per slot takes the next pending job; an infra verdict
 * (could not boot, libvirt error) puts the job back, to run on another host
 * when one is left, at most three attempts.  The main thread draws the
 * progress line and waits; Ctrl-C stops the workers, whose guests are
 * destroyed on the spot, and nothing of the run is kept.
 */
#include "grid.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define MAX_ATTEMPTS 3

struct job {
	struct g_kernel *k;
	struct g_kinfo ki;
	struct g_suite *s;
	char *dir;
	int rep;
	int state; /* 0 pending, 1 running, 2 done */
	int avoid; /* host index that failed it last, or -1 */
	struct g_jobres r;
	double t0;
};

struct sched {
	struct job *jobs;
	int njobs, done, running, limit;
	struct g_conn **conns;
	struct g_host *hosts;
	int nhosts, alive;
	const struct g_runopt *o;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool tty;
	double t0, busy; /* seconds of finished jobs, for the ETA */
	char *rundir;
};

struct worker {
	struct sched *S;
	int host;
	pthread_t th;
};

/* The next pending job for a worker of this host.  A job that failed here
 * waits for another host, unless this is the only one alive. */
static struct job *next_job(struct sched *S, int host)
{
	for (int i = 0; i < S->njobs; i++) {
		struct job *j = &S->jobs[i];

		if (j->state == 0 && (j->avoid != host || S->alive < 2))
			return j;
	}
	return NULL;
}

static void progress(struct sched *S, const char *line)
{
	char eta[32] = "--:--";
	double elapsed = g_now() - S->t0;
	int left = S->njobs - S->done;

	if (!S->o->progress)
		return;
	if (S->done > 0) {
		double per = elapsed / S->done;
		int secs = (int)(per * left);
		snprintf(eta, sizeof(eta), "%d:%02d", secs / 60, secs % 60);
	}
	if (S->tty) {
		sbuf b = {0};
		sb_add(&b, "\r\033[K");
		if (line)
			sb_addf(&b, "%s\n", line);
		if (S->done < S->njobs)
			sb_addf(&b, "[%d/%d] %d running, %d:%02d elapsed, ETA %s", S->done, S->njobs,
				S->running, (int)elapsed / 60, (int)elapsed % 60, eta);
		fputs(b.s, stderr);
		fflush(stderr);
		sb_free(&b);
	} else if (line) {
		fprintf(stderr, "%s\n", line);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct sched *S = w->S;

	for (;;) {
		struct job *j;
		struct g_jobopt o = {.duration = S->o->duration};
		struct g_jobres r = {0};
		int rc;

		pthread_mutex_lock(&S->mu);
		for (;;) {
			j = NULL;
			if (g_interrupted || S->done == S->njobs || !S->conns[w->host])
				break;
			if (S->running < S->limit)
				j = next_job(S, w->host);
			if (j)
				break;
			g_cond_wait_ms(&S->cond, &S->mu, 1000);
		}
		if (!j) {
			pthread_mutex_unlock(&S->mu);
			break;
		}
		j->state = 1;
		S->running++;
		r.attempts = j->r.attempts;
		r.rep = j->rep;
		pthread_mutex_unlock(&S->mu);

		g_rmtree(j->dir);
		rc = g_job_run(S->conns[w->host], j->k, &j->ki, j->s, &o, j->dir, &r);

		pthread_mutex_lock(&S->mu);
		S->running--;
		if (rc < 0 && !g_interrupted && !r.final && r.attempts < MAX_ATTEMPTS) {
			/* infra: try again, elsewhere when another host is alive */
			char *line = xasprintf("stapgrid: %s/%s on %s: infra (%s), retrying%s%s", j->k->id,
					       j->s->name, r.host, r.reason ? r.reason : "?",
					       r.lava_url ? " " : "", r.lava_url ? r.lava_url : "");
			j->state = 0;
			j->avoid = w->host;
			g_jobres_free(&j->r);
			j->r = r;
			progress(S, line);
			free(line);
		} else {
			char *line;

			g_jobres_free(&j->r);
			j->r = r;
			j->state = 2;
			S->done++;
			S->busy += r.end - r.start;
			line = xasprintf("stapgrid: [%d/%d] %s/%s on %s: %s (%.1f s)%s%s%s%s", S->done,
					 S->njobs, j->k->id, j->s->name, r.host, g_verdict_name(r.verdict),
					 r.end - r.start, r.reason ? ": " : "", r.reason ? r.reason : "",
					 r.lava_url ? " " : "", r.lava_url ? r.lava_url : "");
			progress(S, line);
			free(line);
		}
		pthread_cond_broadcast(&S->cond);
		pthread_mutex_unlock(&S->mu);
	}
	g_virt_thread_done();
	return NULL;
}

static char *run_id(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
	return xasprintf("%s-%04x", buf, (unsigned)getpid() & 0xffff);
}

/* KVM is used only after a guest has booted with it once on that host:
 * /dev/kvm can exist and still hang (nested setups).  Remembered per host. */
static void settle_accel(struct g_conn *c, struct g_kernel *k, struct g_kinfo *ki)
{
	const struct g_host *h = g_conn_host(c);
	char *path = xasprintf("%s/hosts/%s.accel", G.cache, h->name);
	char *known = read_file(path, NULL);

	if (strcmp(g_conn_accel(c), "kvm?")) {
		free(path);
		free(known);
		return;
	}
	if (known && (!strncmp(known, "kvm", 3) || !strncmp(known, "tcg", 3))) {
		g_conn_set_accel(c, !strncmp(known, "kvm", 3) ? "kvm" : "tcg");
	} else {
		struct g_jobopt o = {.command = "true"};
		struct g_jobres r = {0};
		char *dir = xasprintf("%s/work/accel-probe-%d", G.cache, (int)getpid());
		char *hd = g_path(G.cache, "hosts");

		g_info("%s: KVM is offered; probing it with one boot", h->name);
		g_conn_set_accel(c, "kvm");
		g_job_run(c, k, ki, NULL, &o, dir, &r);
		g_conn_set_accel(c, r.verdict == V_PASS ? "kvm" : "tcg");
		g_info("%s: %s", h->name, r.verdict == V_PASS ? "KVM works" : "KVM does not work here; using TCG");
		if (g_mkdirs(hd, 0755) == 0)
			g_writefile(path, g_conn_accel(c), 3, 0644);
		g_rmtree(dir);
		g_jobres_free(&r);
		free(dir);
		free(hd);
	}
	free(path);
	free(known);
}

/* Free space where the results go (or its nearest existing parent). */
static int room_for(const char *dir, int njobs)
{
	char *p = xstrdup(dir);
	struct statvfs st;
	unsigned long long need = (2ull + (unsigned long long)njobs) << 20, have;
	int rc = 0;

	while (statvfs(p, &st) < 0 && strrchr(p, '/') && strrchr(p, '/') != p)
		*strrchr(p, '/') = 0;
	have = (unsigned long long)st.f_bavail * st.f_frsize;
	if (have < need) {
		g_err("no room for results in %s: %llu KiB free, a run of %d job(s) needs about "
		      "%llu KiB (No space left on device)", dir, have >> 10, njobs, need >> 10);
		rc = -1;
	}
	free(p);
	return rc;
}

/* --engine lava --lava URL: one LAVA host, as a hosts.conf line would give
 * ("lava lava+URL N token=F"); N is --jobs (default 1: one device). */
static int lava_host(const struct g_runopt *o, struct g_host **hosts, int *n)
{
	struct g_host *h;

	if (!o->lava_url || (strncmp(o->lava_url, "http://", 7) && strncmp(o->lava_url, "https://", 8))) {
		g_err("--engine lava needs --lava URL, the server's http(s):// address (got %s)",
		      o->lava_url ? o->lava_url : "none");
		return -1;
	}
	if (!o->lava_token) {
		g_err("--engine lava needs --lava-token-file F (a file holding the server's API token)");
		return -1;
	}
	h = xcalloc(1, sizeof(*h));
	h->name = xstrdup("lava");
	h->uri = xasprintf("lava+%s", o->lava_url);
	h->capacity = o->jobs > 0 ? o->jobs : 1;
	h->accel = xstrdup("tcg");
	h->transfer = xstrdup("shared");
	h->basedir = xstrdup("/var/lib/libvirt/stapgrid");
	h->engine = xstrdup("lava");
	h->token = xstrdup(o->lava_token);
	h->device_type = xstrdup("qemu");
	h->file = xstrdup("--lava");
	*hosts = h;
	*n = 1;
	return 0;
}

static int load_hosts(const char *file, struct g_host **hosts, int *n)
{
	char *def = NULL;
	int rc;

	if (!file)
		file = def = g_path(G.src, "configs/hosts.conf");
	rc = g_conf_hosts(file, hosts, n);
	free(def);
	return rc;
}

static bool wants_debuginfo(const struct g_suite *suites, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (suites[i].debuginfo)
			return true;
	return false;
}

/* Kernels to use: prepared ones, Debian ones prepared on the way, with
 * dbg their DWARF fetched (prepare --dbg); then held (shared) until the
 * command ends, so that no prepare changes them under the jobs.  All of
 * it before the hold: a fetch once the command holds the kernel would
 * wait for the command itself.  The information is read once held. */
static int ready_kernel(struct g_kernel *k, struct g_kinfo *ki, bool dbg)
{
	if (g_kernel_info(k, ki) != 1) {
		g_kinfo_free(ki);
		if (strcmp(k->source, "debian")) {
			g_err("kernel %s is not prepared: run 'stapgrid prepare --kernels %s' (a kernel "
			      "build, part of make certify)", k->id, k->id);
			return -1;
		}
		g_info("%s is not prepared yet: preparing it now", k->id);
		if (g_kernel_prepare(k, false) < 0)
			return -1;
	}
	g_kinfo_free(ki);
	if (dbg && g_kernel_debuginfo(k) < 0)
		g_warn("%s: no DWARF: its suites' DWARF tests will fail", k->id);
	if (g_kernel_hold(k) < 0 || g_kernel_info(k, ki) != 1) {
		g_kinfo_free(ki);
		return -1;
	}
	return 0;
}

int g_select_kernels(const strv *ids, struct g_kernel *ks, int nk, strv *out)
{
	int rc = 0;

	/* Keywords: all kernels, or the Debian packaged ones (the default matrix). */
	if (ids->n == 1 && (!strcmp(ids->v[0], "all") || !strcmp(ids->v[0], "debian"))) {
		for (int i = 0; i < nk; i++)
			if (!strcmp(ids->v[0], "all") || !strcmp(ks[i].source, "debian"))
				sv_push(out, ks[i].id);
		return 0;
	}
	for (size_t i = 0; i < ids->n; i++) {
		if (!g_kernel_find(ks, nk, ids->v[i])) {
			strv all = {0};
			char *list;

			for (int j = 0; j < nk; j++)
				sv_push(&all, ks[j].id);
			list = sv_join(&all, ", ");
			g_err("unknown kernel '%s' (known: %s)", ids->v[i], list);
			free(list);
			sv_free(&all);
			rc = -1;
		} else if (!sv_has(out, ids->v[i])) {
			sv_push(out, ids->v[i]);
		}
	}
	if (!ids->n) {
		g_err("no kernels given (--kernels LIST or all)");
		rc = -1;
	}
	return rc;
}

/* The scheduler proper, shared by run and selftest. */
static int schedule(struct sched *S)
{
	struct worker *ws;
	int nw = 0, slots = 0;

	for (int h = 0; h < S->nhosts; h++)
		if (S->conns[h])
			slots += S->hosts[h].capacity;
	if (S->limit <= 0 || S->limit > slots) {
		if (S->limit > slots)
			g_info("note: --jobs %d exceeds the hosts' capacity %d; running %d at a time",
			       S->limit, slots, slots);
		S->limit = slots;
	}
	ws = xcalloc((size_t)slots, sizeof(*ws));
	S->t0 = g_now();
	for (int h = 0; h < S->nhosts; h++)
		for (int i = 0; S->conns[h] && i < S->hosts[h].capacity; i++) {
			ws[nw].S = S;
			ws[nw].host = h;
			if (pthread_create(&ws[nw].th, NULL, worker_main, &ws[nw]) == 0)
				nw++;
		}
	pthread_mutex_lock(&S->mu);
	while (S->done < S->njobs && !g_interrupted) {
		g_cond_wait_ms(&S->cond, &S->mu, 500);
		if (S->tty)
			progress(S, NULL);
	}
	pthread_cond_broadcast(&S->cond);
	pthread_mutex_unlock(&S->mu);
	for (int i = 0; i < nw; i++)
		pthread_join(ws[i].th, NULL);
	free(ws);
	if (S->tty && S->o->progress) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	return g_interrupted ? -1 : 0;
}

static void sched_free(struct sched *S)
{
	for (int i = 0; i < S->njobs; i++) {
		g_kinfo_free(&S->jobs[i].ki);
		g_jobres_free(&S->jobs[i].r);
		free(S->jobs[i].dir);
	}
	free(S->jobs);
	for (int h = 0; h < S->nhosts; h++) {
		if (S->conns)
			g_disconnect(S->conns[h]);
		g_host_free(&S->hosts[h]);
	}
	free(S->conns);
	free(S->hosts);
	free(S->rundir);
	pthread_mutex_destroy(&S->mu);
	pthread_cond_destroy(&S->cond);
}

static int connect_hosts(struct sched *S)
{
	S->conns = xcalloc((size_t)S->nhosts, sizeof(*S->conns));
	for (int h = 0; h < S->nhosts && !g_interrupted; h++) {
		S->conns[h] = g_connect(&S->hosts[h]);
		if (S->conns[h])
			S->alive++;
		else if (S->nhosts > 1)
			g_warn("host %s is unreachable; its jobs go to the others", S->hosts[h].name);
	}
	if (!S->alive) {
		g_err("no host is reachable");
		return -1;
	}
	return 0;
}

/* The named suites of base (grid/suites, grid/selftest) into *out, in
 * order; *ns counts those loaded (to free): all of them, or -1 at the
 * first that is wrong (said). */
static int load_suites(const char *base, const strv *names, struct g_suite **out, int *ns)
{
	*out = xcalloc(names->n, sizeof(**out));
	for (*ns = 0; (size_t)*ns < names->n; ++*ns) {
		/* selftest/NAME: a deliberate guest of grid/selftest in a run
		 * (check-lava's panic guest, which must reach run.json). */
		const char *name = names->v[*ns];
		bool self = !strcmp(base, "grid/suites") && !strncmp(name, "selftest/", 9);

		if (g_conf_suite(self ? "grid/selftest" : base, self ? name + 9 : name, &(*out)[*ns]) < 0)
			return -1;
	}
	return 0;
}

int g_run_grid(const struct g_runopt *o)
{
	struct sched S = {.o = o, .mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	struct g_kernel *ks = NULL;
	struct g_suite *suites = NULL;
	strv kids = {0}, sids = {0};
	int nk = 0, ns = 0, rc = 1, reps;
	char *id = NULL;
	struct g_run run = {0};

	S.tty = isatty(2);
	S.limit = o->jobs;
	if (g_conf_kernels(&ks, &nk) < 0 || g_select_kernels(&o->kernels, ks, nk, &kids) < 0)
		goto out;
	if (o->suites.n == 1 && !strcmp(o->suites.v[0], "all"))
		g_conf_suite_names("grid/suites", &sids);
	else
		for (size_t i = 0; i < o->suites.n; i++)
			sv_push(&sids, o->suites.v[i]);
	if (!sids.n) {
		g_err("no suites given (--suite NAME[,NAME...] or all)");
		goto out;
	}
	if (load_suites("grid/suites", &sids, &suites, &ns) < 0)
		goto out;
	for (size_t i = 0; i < sids.n; i++) {
		int d = o->duration ? o->duration : suites[i].duration;

		if (suites[i].min_duration && d < suites[i].min_duration) {
			g_err("suite %s needs --duration of at least %d s (got %d)", suites[i].name,
			      suites[i].min_duration, d);
			goto out;
		}
	}
	if (o->engine && !strcmp(o->engine, "lava") ? lava_host(o, &S.hosts, &S.nhosts) < 0
						      : load_hosts(o->hosts_file, &S.hosts, &S.nhosts) < 0)
		goto out;

	id = run_id();
	S.rundir = xasprintf("%s/runs/%s", G.results, id);
	reps = o->repeat > 1 ? o->repeat : 1;
	S.jobs = xcalloc(kids.n * sids.n * (size_t)reps, sizeof(*S.jobs));
	for (size_t i = 0; i < kids.n; i++) {
		struct g_kernel *k = g_kernel_find(ks, nk, kids.v[i]);
		struct g_kinfo ki;

		if (ready_kernel(k, &ki, wants_debuginfo(suites, sids.n)) < 0 || g_interrupted)
			goto out;
		g_kinfo_free(&ki);
		for (size_t s = 0; s < sids.n; s++)
			for (int n = 1; n <= reps; n++) {
				struct job *j = &S.jobs[S.njobs++];

				j->k = k;
				j->s = &suites[s];
				j->avoid = -1;
				/* --repeat N: the same job N times, numbered */
				j->rep = o->repeat > 1 ? n : 0;
				j->dir = j->rep ? xasprintf("%s/jobs/%s.%s.%d", S.rundir, k->id, suites[s].name, n)
						: xasprintf("%s/jobs/%s.%s", S.rundir, k->id, suites[s].name);
				if (g_kernel_info(k, &j->ki) != 1)
					goto out;
			}
	}
	if (room_for(G.results, S.njobs) < 0 || connect_hosts(&S) < 0)
		goto out;
	for (int h = 0; h < S.nhosts; h++)
		if (S.conns[h])
			settle_accel(S.conns[h], S.jobs[0].k, &S.jobs[0].ki);
	if (g_mkdirs(S.rundir, 0755) < 0)
		goto out;
	g_info("run %s: %d jobs (%zu kernels x %zu suites%s) on %d host(s)", id, S.njobs, kids.n,
	       sids.n, reps > 1 ? " x repeats" : "", S.alive);
	run.start = g_epoch();
	run.source = g_source_state(G.src);
	run.options = json_pack("{s:i, s:b, s:i}", "duration", o->duration, "coverage", o->coverage,
				"repeat", reps);
	if (schedule(&S) < 0) {
		g_err("interrupted: guests destroyed, run %s discarded", id);
		g_rmtree(S.rundir);
		rc = 130;
		goto out;
	}
	run.end = g_epoch();
	run.id = id;
	run.dir = S.rundir;
	run.njobs = S.njobs;
	run.jobs = xcalloc((size_t)S.njobs, sizeof(*run.jobs));
	rc = 0;
	for (int i = 0; i < S.njobs; i++) {
		run.jobs[i] = S.jobs[i].r;
		if (S.jobs[i].r.verdict != V_PASS)
			rc = 1;
	}
	/* Coverage lost is said, in run.json, on the site and here. */
	run.coverage = g_cover_run(S.rundir, run.jobs, run.njobs, o->coverage);
	if (g_cover_failed(run.coverage))
		rc = 1;
	if (g_result_write(&run) < 0) {
		/* Half a run is worse than none: the site would show it. */
		g_rmtree(S.rundir);
		rc = 1;
	} else {
		printf("run %s: results in %s\n", id, S.rundir);
		if (o->run_id)
			*o->run_id = xstrdup(id);
		for (int i = 0; i < S.njobs; i++) {
			char *jid = g_job_id(&S.jobs[i].r);
			printf("  %-40s %-8s %s\n", jid, g_verdict_name(S.jobs[i].r.verdict), S.jobs[i].r.host);
			free(jid);
		}
		if (o->publish && g_publish(G.results) < 0)
			rc = 1;
	}
	free(run.jobs);
	json_decref(run.coverage);
out:
	json_decref(run.source); /* an interrupted run's too */
	json_decref(run.options);
	sched_free(&S);
	G_FREE_ARRAY(suites, ns, g_suite_free);
	G_FREE_ARRAY(ks, nk, g_kernel_free);
	sv_free(&kids);
	sv_free(&sids);
	free(id);
	return g_interrupted ? 130 : rc;
}

/* Prints the unknown kernel error, with the known ids. */
static struct g_kernel *find_kernel(struct g_kernel *ks, int nk, const char *id)
{
	struct g_kernel *k = g_kernel_find(ks, nk, id);

	if (!k) {
		strv one = {0}, sel = {0};

		sv_push(&one, id);
		g_select_kernels(&one, ks, nk, &sel);
		sv_free(&one);
		sv_free(&sel);
	}
	return k;
}

/* The first reachable host (the connection keeps pointing at hosts[i]). */
static struct g_conn *first_host(struct g_host *hosts, int nh)
{
	struct g_conn *c = NULL;

	for (int h = 0; h < nh && !c && !g_interrupted; h++)
		c = g_connect(&hosts[h]);
	return c;
}

int g_one_guest(const struct g_oneguest *g, char **dir, struct g_jobres *r)
{
	struct g_kernel *ks = NULL, *k;
	struct g_conn *c = NULL;
	struct g_kinfo ki = {0};
	struct g_host *hosts = NULL;
	int nk = 0, nh = 0, rc = 1, ok = -1;

	*dir = NULL;
	if (g_conf_kernels(&ks, &nk) < 0 || !(k = find_kernel(ks, nk, g->kernel)))
		goto out;
	if (ready_kernel(k, &ki, false) < 0 || (g->before && g->before(g->arg, k) != 0))
		goto out;
	if (load_hosts(g->hosts_file, &hosts, &nh) < 0 || !(c = first_host(hosts, nh)))
		goto out;
	settle_accel(c, k, &ki);
	*dir = xasprintf("%s/work/shell-%d", G.cache, (int)getpid());
	for (int attempt = 0; attempt < MAX_ATTEMPTS && ok < 0 && !g_interrupted; attempt++) {
		g_jobres_free(r);
		g_rmtree(*dir);
		ok = g_job_run(c, k, &ki, NULL, &g->o, *dir, r);
	}
	rc = 0;
out:
	g_kinfo_free(&ki);
	g_disconnect(c);
	G_FREE_ARRAY(hosts, nh, g_host_free);
	G_FREE_ARRAY(ks, nk, g_kernel_free);
	return rc;
}

int g_guest_status(const struct g_jobres *r)
{
	if (r->verdict == V_PASS)
		return 0;
	if (r->ntests && r->tests[0].verdict == V_FAIL && r->verdict == V_FAIL)
		return 1; /* the command failed; its output says why */
	g_err("guest %s: %s%s%s", r->kernel ? r->kernel : "?", g_verdict_name(r->verdict),
	      r->reason ? ": " : "", r->reason ? r->reason : "");
	if (r->excerpt)
		fprintf(stderr, "%s\n", r->excerpt);
	return 2;
}

int g_shell(const char *kernel, const char *cmd, const char *hosts_file)
{
	struct g_oneguest g = {.kernel = kernel, .hosts_file = hosts_file, .o = {.command = cmd}};
	struct g_jobres r = {0};
	char *dir = NULL, *log, *out;
	int rc = g_one_guest(&g, &dir, &r);

	if (rc == 0) {
		log = g_path(dir, "test-shell.log");
		out = read_file(log, NULL);
		if (out)
			fputs(out, stdout);
		fflush(stdout);
		rc = g_guest_status(&r);
		free(log);
		free(out);
	}
	if (dir)
		g_rmtree(dir);
	free(dir);
	g_jobres_free(&r);
	return g_interrupted ? 130 : rc;
}

/* The features of requires the kernel lacks, blank-separated ("" when
 * none): a selftest guest for KASAN means nothing on a kernel without it. */
static char *missing_features(const struct g_kernel *k, const struct g_suite *s)
{
	sbuf b = {0};

	for (size_t i = 0; i < s->requires.n; i++)
		if (!sv_has(&k->features, s->requires.v[i])) {
			if (b.len)
				sb_add(&b, " ");
			sb_add(&b, s->requires.v[i]);
		}
	return sb_steal(&b);
}

/* expect_exit: each named test's exit status in the job's results.txt
 * ("NAME RC T0 T1"); a test judged warning because its own command failed
 * proves nothing about the console scan. */
static bool exits_as_expected(const struct job *j)
{
	char *path = g_path(j->dir, "results.txt");
	char *res = read_file(path, NULL);
	bool ok = true;

	for (size_t e = 0; e < j->s->expect_exits.n; e++) {
		char name[128], got[32] = "none";
		int want = 0;

		if (sscanf(j->s->expect_exits.v[e], "%127s %d", name, &want) != 2)
			continue;
		for (char *l = res; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			char nm[128];
			int rc;

			if (sscanf(l, "%127s %d", nm, &rc) == 2 && !strcmp(nm, name))
				snprintf(got, sizeof(got), "%d", rc);
		}
		if (strcmp(got, "none") && atoi(got) == want)
			continue;
		printf("selftest: %-10s test %s: expected exit %d, got %s\n", j->s->name, name, want, got);
		ok = false;
	}
	free(res);
	free(path);
	return ok;
}

/* expect_excerpt: the job's console excerpt holds each text (the splat
 * the guest was made for, not some other). */
static bool excerpt_as_expected(const struct job *j)
{
	bool ok = true;

	for (size_t e = 0; e < j->s->expect_excerpts.n; e++)
		if (!j->r.excerpt || !strstr(j->r.excerpt, j->s->expect_excerpts.v[e])) {
			printf("selftest: %-10s console excerpt lacks '%s'\n", j->s->name,
			       j->s->expect_excerpts.v[e]);
			ok = false;
		}
	return ok;
}

int g_selftest(const char *kernel, const char *hosts_file)
{
	struct g_runopt o = {.progress = true};
	struct sched S = {.o = &o, .mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	struct g_kernel *ks = NULL, *k;
	struct g_suite *suites = NULL;
	strv names = {0};
	struct g_kinfo ki = {0};
	int nk = 0, ns = 0, rc = 1, good = 0, skipped = 0;

	S.tty = isatty(2);
	if (g_conf_kernels(&ks, &nk) < 0)
		goto out;
	k = g_kernel_find(ks, nk, kernel);
	if (!k) {
		g_err("unknown kernel '%s'", kernel);
		goto out;
	}
	if (g_conf_suite_names("grid/selftest", &names) < 0 || !names.n) {
		g_err("no selftest guests in grid/selftest");
		goto out;
	}
	if (load_suites("grid/selftest", &names, &suites, &ns) < 0)
		goto out;
	if (ready_kernel(k, &ki, false) < 0 || load_hosts(hosts_file, &S.hosts, &S.nhosts) < 0)
		goto out;
	S.rundir = xasprintf("%s/work/selftest-%d", G.cache, (int)getpid());
	S.jobs = xcalloc(names.n, sizeof(*S.jobs));
	for (size_t i = 0; i < names.n; i++) {
		char *lack = missing_features(k, &suites[i]);
		struct job *j;

		if (*lack) {
			/* Counted and said, never silently left out. */
			printf("selftest: %-10s skipped: needs %s, which %s lacks\n", suites[i].name, lack,
			       k->id);
			skipped++;
			free(lack);
			continue;
		}
		free(lack);
		j = &S.jobs[S.njobs++];
		j->k = k;
		j->s = &suites[i];
		j->avoid = -1;
		j->dir = xasprintf("%s/%s", S.rundir, suites[i].name);
		if (g_kernel_info(k, &j->ki) != 1)
			goto out;
	}
	if (connect_hosts(&S) < 0)
		goto out;
	for (int h = 0; h < S.nhosts; h++)
		if (S.conns[h])
			settle_accel(S.conns[h], k, &ki);
	if (schedule(&S) < 0) {
		g_err("interrupted");
		rc = 130;
		goto out;
	}
	for (int i = 0; i < S.njobs; i++) {
		struct job *j = &S.jobs[i];
		const char *want = j->s->expect ? j->s->expect : "pass";
		bool ok = !strcmp(want, g_verdict_name(j->r.verdict));

		/* expect_test: a test's own verdict (unsupported, say). */
		for (size_t e = 0; e < j->s->expect_tests.n; e++) {
			const char *pair = j->s->expect_tests.v[e], *sp = strchr(pair, ' ');
			bool found = false;

			for (int t = 0; t < j->r.ntests; t++)
				if (!strncmp(j->r.tests[t].name, pair, (size_t)(sp - pair)) &&
				    !j->r.tests[t].name[sp - pair]) {
					found = !strcmp(g_verdict_name(j->r.tests[t].verdict), sp + 1);
					if (!found)
						printf("selftest: %-10s test %s: expected %s, got %s\n", j->s->name,
						       j->r.tests[t].name, sp + 1,
						       g_verdict_name(j->r.tests[t].verdict));
				}
			ok = ok && found;
		}
		ok = exits_as_expected(j) && ok;
		ok = excerpt_as_expected(j) && ok;

		good += ok;
		printf("selftest: %-10s expected %-8s got %-8s %s\n", j->s->name, want,
		       g_verdict_name(j->r.verdict), ok ? "ok" : "MISMATCH");
		if (!ok && j->r.reason)
			printf("    reason: %s\n", j->r.reason);
		if (!ok && j->r.excerpt)
			printf("    console:\n%s\n", j->r.excerpt);
	}
	printf("selftest: %d/%d verdicts as expected\n", good, S.njobs);
	if (skipped)
		printf("selftest: %d skipped for want of kernel features (run them with --kernel custom-6.1-debug)\n",
		       skipped);
	rc = good == S.njobs && S.njobs > 0 ? 0 : 1;
out:
	if (S.rundir)
		g_rmtree(S.rundir);
	sched_free(&S);
	g_kinfo_free(&ki);
	G_FREE_ARRAY(suites, ns, g_suite_free);
	sv_free(&names);
	G_FREE_ARRAY(ks, nk, g_kernel_free);
	return g_interrupted ? 130 : rc;
}

int g_with_libvirt(char *const argv[])
{
	struct g_host h = {.name = "local", .uri = "qemu:///system", .capacity = 1,
			   .accel = "tcg", .transfer = "local", .basedir = "/var/lib/libvirt/stapgrid"};
	struct g_conn *c;
	int rc;

	if (!argv[0]) {
		g_err("with-libvirt needs a command: stapgrid with-libvirt -- CMD [ARGS]");
		return 2;
	}
	c = g_connect(&h);
	if (!c)
		return 1;
	rc = g_run(argv, NULL, NULL, NULL);
	g_disconnect(c);
	return g_interrupted ? 130 : rc < 0 ? 127 : rc;
}
