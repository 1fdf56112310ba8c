/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stapgrid: the command line.  See docs/grid.md. */
#include "grid.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef STAPGRID_SRCDIR
#define STAPGRID_SRCDIR "."
#endif

static const char *usage =
	"usage: stapgrid [OPTIONS] COMMAND [ARGS]\n"
	"commands:\n"
	"  list                         configured kernels: id, source, prepared or not\n"
	"  prepare [--kernels LIST|all] [--force] [--dbg]\n"
	"                               fetch or build kernels into the cache (default: the\n"
	"                               Debian kernels); --dbg: also their DWARF for stap\n"
	"                               (the -dbg package's vmlinux)\n"
	"  run --kernels LIST|debian|all --suite NAME[,NAME]|all [--duration S] [--jobs N]\n"
	"      [--repeat N] [--hosts FILE] [--no-publish] [--coverage]\n"
	"      [--engine libvirt|lava [--lava URL --lava-token-file F]]\n"
	"                               a job per (kernel, suite); results in results/runs/;\n"
	"                               --coverage: the runtime's unit-test coverage too\n"
	"                               (gcov kernels always measure the kernel runtime's);\n"
	"                               --engine lava: each job a LAVA job on the server at\n"
	"                               URL (docs/partners.md); selftest/NAME as a suite\n"
	"                               runs one of grid/selftest's deliberate guests\n"
	"  coverage RUN_ID [--coverage] measure a run's coverage again from its jobs' counts\n"
	"                               (and the unit tests' with --coverage); run.json\n"
	"                               rewritten\n"
	"  shell --kernel K -c CMD      run CMD in a fresh guest of kernel K, print its output\n"
	"  exec --kernel K [--timeout S] -- STAP-ARGS\n"
	"                               build the module on the host (stap -r K -p4), run\n"
	"                               stap STAP-ARGS in a fresh guest of K, here; exit\n"
	"                               with the script's status (2: the guest failed)\n"
	"  selftest [--kernel K]        deliberate guests that must pass, fail, panic, oops,\n"
	"                               warn, hang and fail to boot\n"
	"  keep RUN_ID...               copy runs into results/published/ (kept in git:\n"
	"                               the runs docs cite; logs gzipped, long ones cut)\n"
	"  publish [--to DIR]           rebuild results/site/ (or write DIR) from results/runs/,\n"
	"                               results/published/ and results/certificates/\n"
	"  certify --release NAME [--criteria FILE] [--run RUN] [--fuzz DIR] [--key KEY]\n"
	"          [--jobs N] [--hosts FILE]\n"
	"                               judge a run against the release criteria (default\n"
	"                               configs/certify.conf; without --run, run them now)\n"
	"                               and write the signed results/certificates/NAME/\n"
	"  certify --verify DIR [--key PUB]\n"
	"                               check a certificate's signature (exit 1: altered)\n"
	"  compare A B                  runs or certificates: verdicts, failures, overhead\n"
	"                               beyond noise, coverage, tests; exit 1 on a regression\n"
	"  with-libvirt -- CMD [ARGS]   run CMD with the local libvirt daemons up (started\n"
	"                               and stopped around it when none runs)\n"
	"options:\n"
	"  --cache DIR     kernel cache and work area (env STAPGRID_CACHE; /var/cache/stapgrid)\n"
	"  --results DIR   results folder (env STAPGRID_RESULTS; SRC/results)\n"
	"  --src DIR       source tree with configs/ and grid/ (env STAPGRID_SRC)\n"
	"  -v, --verbose   say more\n";

static char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return xstrdup(v && *v ? v : def);
}

static int cmd_list(void)
{
	struct g_kernel *ks;
	int n;

	if (g_conf_kernels(&ks, &n) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		struct g_kinfo ki;
		int st = g_kernel_info(&ks[i], &ki);
		char *dir = g_kernel_dir(&ks[i]);
		const char *state = st == 1 ? "prepared" : g_exists(dir) && ki.release ? "stale" : "not-prepared";

		printf("%-26s %-13s %-28s %-12s", ks[i].id, ks[i].source, ks[i].package, state);
		if (st == 1)
			printf(" %s (%.0f s to prepare)", ki.release, ki.prepare_seconds);
		printf("\n");
		g_kinfo_free(&ki);
		free(dir);
		g_kernel_free(&ks[i]);
	}
	free(ks);
	return 0;
}

static int cmd_prepare(const strv *ids, bool force, bool dbg)
{
	struct g_kernel *ks;
	int n, rc = 0;
	strv sel = {0};

	if (g_conf_kernels(&ks, &n) < 0)
		return 1;
	if (!ids->n) {
		strv deb = {0};
		sv_push(&deb, "debian");
		rc = g_select_kernels(&deb, ks, n, &sel) < 0;
		sv_free(&deb);
	} else {
		rc = g_select_kernels(ids, ks, n, &sel) < 0;
	}
	if (rc == 0 && (g_mkdirs(G.cache, 0755) < 0 || g_kernel_targets_note(ks, n) < 0))
		rc = 1;
	/* One failure does not stop the others; the exit status tells. */
	for (size_t i = 0; i < sel.n && !g_interrupted && g_kernel_find(ks, n, sel.v[i]); i++)
		if (g_kernel_prepare(g_kernel_find(ks, n, sel.v[i]), force) < 0 ||
		    (dbg && g_kernel_debuginfo(g_kernel_find(ks, n, sel.v[i])) < 0))
			rc = 1;
	if (g_interrupted)
		rc = 130;
	G_FREE_ARRAY(ks, n, g_kernel_free);
	sv_free(&sel);
	return rc;
}

/* Long options without a letter (certify, compare, publish --to). */
enum { O_RELEASE = 1000, O_CRITERIA, O_RUN, O_FUZZ, O_KEY, O_VERIFY, O_TO };

struct cli {
	struct g_runopt ro;
	const char *kernel, *command;
	struct g_certopt cert;
	const char *verify, *to;
	int timeout;
	strv kernels;
	bool force, dbg;
};

/* One option: 0 taken, 1 help asked, -1 bad. */
static int take(struct cli *a, int c)
{
	char *end;
	long v;

	switch (c) {
	case 'C': free(G.cache); G.cache = xstrdup(optarg); break;
	case 'R': free(G.results); G.results = xstrdup(optarg); break;
	case 'S': free(G.src); G.src = xstrdup(optarg); break;
	case 'v': g_verbose++; break;
	case 'k': sv_split(&a->kernels, optarg, ","); break;
	case 'K': a->kernel = optarg; break;
	case 's': sv_split(&a->ro.suites, optarg, ","); break;
	case 'c': a->command = optarg; break;
	case 'H': a->ro.hosts_file = optarg; break;
	case 'f': a->force = true; break;
	case 'D': a->dbg = true; break;
	case 'N': a->ro.publish = false; break;
	case 'G': a->ro.coverage = true; break;
	case 'E':
		if (strcmp(optarg, "libvirt") && strcmp(optarg, "lava")) {
			fprintf(stderr, "stapgrid: error: --engine is libvirt or lava, got '%s'\n", optarg);
			return -1;
		}
		a->ro.engine = optarg;
		break;
	case 'L': a->ro.lava_url = optarg; break;
	case 'A': a->ro.lava_token = optarg; break;
	case 'T':
		v = strtol(optarg, &end, 10);
		if (*end || v < 1 || v > 86400) {
			fprintf(stderr, "stapgrid: error: --timeout needs seconds (1-86400), got '%s'\n", optarg);
			return -1;
		}
		a->timeout = (int)v;
		break;
	case 'r':
	case 'd':
	case 'j':
		v = strtol(optarg, &end, 10);
		if (*end || v < (c == 'd' ? 0 : 1) || v > 1000000) {
			fprintf(stderr, "stapgrid: error: --%s needs a %s number, got '%s'\n",
				c == 'd' ? "duration" : c == 'j' ? "jobs" : "repeat",
				c == 'd' ? "non-negative" : "positive", optarg);
			return -1;
		}
		if (c == 'd')
			a->ro.duration = (int)v;
		else if (c == 'j')
			a->ro.jobs = (int)v;
		else
			a->ro.repeat = (int)v;
		break;
	case O_RELEASE: a->cert.release = optarg; break;
	case O_CRITERIA: a->cert.criteria = optarg; break;
	case O_RUN: a->cert.run = optarg; break;
	case O_FUZZ: a->cert.fuzz = optarg; break;
	case O_KEY: a->cert.key = optarg; break;
	case O_VERIFY: a->verify = optarg; break;
	case O_TO: a->to = optarg; break;
	case 'h': fputs(usage, stdout); return 1;
	default: fputs(usage, stderr); return -1;
	}
	return 0;
}

/* --lava and its token belong to --engine lava, which takes no --hosts. */
static bool lava_options_ok(const struct g_runopt *o)
{
	bool lava = o->engine && !strcmp(o->engine, "lava");

	if (!lava && (o->lava_url || o->lava_token)) {
		fprintf(stderr, "stapgrid: error: --lava and --lava-token-file go with --engine lava\n");
		return false;
	}
	if (lava && o->hosts_file) {
		fprintf(stderr, "stapgrid: error: --engine lava runs on --lava URL; a LAVA server in "
			"a hosts file is a line 'NAME lava+URL CAPACITY token=FILE' (without --engine)\n");
		return false;
	}
	return true;
}

static void default_results(void)
{
	if (!G.results) {
		char *def = g_path(G.src, "results");
		G.results = env_or("STAPGRID_RESULTS", def);
		free(def);
	}
}

/* exec: everything after the options (and --) is stap's. */
static int main_exec(const struct cli *a, char **stap_args)
{
	int rc;

	if (!a->kernel || !stap_args[0]) {
		fprintf(stderr, "stapgrid: error: exec needs --kernel K and stap's arguments "
			"(stapgrid exec --kernel K -- SCRIPT.stp)\n");
		return 2;
	}
	default_results();
	g_proc_init();
	rc = g_exec(a->kernel, a->timeout ? a->timeout : 300, stap_args, a->ro.hosts_file);
	g_virt_fini();
	g_proc_fini();
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"cache", required_argument, 0, 'C'},   {"results", required_argument, 0, 'R'},
		{"src", required_argument, 0, 'S'},     {"verbose", no_argument, 0, 'v'},
		{"kernels", required_argument, 0, 'k'}, {"kernel", required_argument, 0, 'K'},
		{"suite", required_argument, 0, 's'},   {"suites", required_argument, 0, 's'},
		{"duration", required_argument, 0, 'd'}, {"jobs", required_argument, 0, 'j'},
		{"hosts", required_argument, 0, 'H'},   {"force", no_argument, 0, 'f'},
		{"dbg", no_argument, 0, 'D'},
		{"no-publish", no_argument, 0, 'N'},    {"help", no_argument, 0, 'h'},
		{"repeat", required_argument, 0, 'r'},  {"timeout", required_argument, 0, 'T'},
		{"coverage", no_argument, 0, 'G'},
		{"engine", required_argument, 0, 'E'},  {"lava", required_argument, 0, 'L'},
		{"lava-token-file", required_argument, 0, 'A'},
		{"release", required_argument, 0, O_RELEASE}, {"criteria", required_argument, 0, O_CRITERIA},
		{"run", required_argument, 0, O_RUN},   {"fuzz", required_argument, 0, O_FUZZ},
		{"key", required_argument, 0, O_KEY},   {"verify", required_argument, 0, O_VERIFY},
		{"to", required_argument, 0, O_TO},
		{0, 0, 0, 0}};
	struct cli a = {.ro = {.progress = true, .publish = true}};
	int c, t, rc = 2;
	const char *cmd;

	G.src = env_or("STAPGRID_SRC", STAPGRID_SRCDIR);
	G.cache = env_or("STAPGRID_CACHE", "/var/cache/stapgrid");
	/* Global options may come before the command, the command's after it. */
	while ((c = getopt_long(argc, argv, "+vhk:K:s:d:j:H:c:", opts, NULL)) != -1)
		if ((t = take(&a, c)) != 0) {
			rc = t > 0 ? 0 : 2;
			goto out;
		}
	if (optind >= argc) {
		fputs(usage, stderr);
		goto out;
	}
	cmd = argv[optind++];
	if (!strcmp(cmd, "with-libvirt")) {
		/* Everything after the command (and an optional --) is CMD. */
		if (optind < argc && !strcmp(argv[optind], "--"))
			optind++;
		if (!G.results)
			G.results = g_path(G.src, "results");
		g_proc_init();
		rc = g_with_libvirt(argv + optind);
		g_virt_fini();
		g_proc_fini();
		goto out;
	}
	/* exec: stap's arguments start at the first that is not ours. */
	while ((c = getopt_long(argc, argv, strcmp(cmd, "exec") ? "vhk:K:s:d:j:H:c:" : "+vhk:K:s:d:j:H:c:",
				opts, NULL)) != -1)
		if ((t = take(&a, c)) != 0) {
			rc = t > 0 ? 0 : 2;
			goto out;
		}
	if (!strcmp(cmd, "exec")) {
		rc = main_exec(&a, argv + optind);
		goto out;
	}
	if (!strcmp(cmd, "keep")) {
		default_results();
		rc = g_keep(G.results, argv + optind, argc - optind) < 0 ? 1 : 0;
		goto out;
	}
	if (!strcmp(cmd, "coverage")) {
		default_results();
		g_proc_init();
		rc = optind + 1 == argc ? g_cover_cmd(argv[optind], a.ro.coverage) : 2;
		if (rc == 2)
			fprintf(stderr, "stapgrid: error: coverage needs one run ID\n");
		g_proc_fini();
		goto out;
	}
	if (!strcmp(cmd, "compare")) {
		default_results();
		rc = optind + 2 == argc ? g_compare_cmd(argv[optind], argv[optind + 1]) : 2;
		if (optind + 2 != argc)
			fprintf(stderr, "stapgrid: error: compare needs two runs or certificates (A B)\n");
		goto out;
	}
	if (optind < argc) {
		fprintf(stderr, "stapgrid: error: unexpected argument '%s'\n%s", argv[optind], usage);
		goto out;
	}
	default_results();
	g_proc_init();
	if (!strcmp(cmd, "list")) {
		rc = cmd_list();
	} else if (!strcmp(cmd, "prepare")) {
		rc = cmd_prepare(&a.kernels, a.force, a.dbg);
	} else if (!strcmp(cmd, "run")) {
		a.ro.kernels = a.kernels;
		if (lava_options_ok(&a.ro))
			rc = g_run_grid(&a.ro);
	} else if (!strcmp(cmd, "shell")) {
		if (!a.kernel || !a.command)
			fprintf(stderr, "stapgrid: error: shell needs --kernel K and -c CMD\n");
		else
			rc = g_shell(a.kernel, a.command, a.ro.hosts_file);
	} else if (!strcmp(cmd, "selftest")) {
		rc = g_selftest(a.kernel ? a.kernel : "debian-6.1-amd64", a.ro.hosts_file);
	} else if (!strcmp(cmd, "publish")) {
		rc = (a.to ? g_publish_to(G.results, a.to) : g_publish(G.results)) < 0 ? 1 : 0;
	} else if (!strcmp(cmd, "certify") && a.verify) {
		rc = a.cert.release || a.cert.run || a.cert.fuzz || a.cert.criteria ? 2
			: g_certify_verify(a.verify, a.cert.key);
		if (rc == 2)
			fprintf(stderr, "stapgrid: error: certify --verify DIR takes only --key PUB\n");
	} else if (!strcmp(cmd, "certify")) {
		a.cert.jobs = a.ro.jobs;
		a.cert.hosts_file = a.ro.hosts_file;
		rc = g_certify(&a.cert);
	} else {
		fprintf(stderr, "stapgrid: error: unknown command '%s'\n%s", cmd, usage);
	}
	g_kernel_release_all();
	g_virt_fini();
	g_proc_fini();
out:
	sv_free(&a.kernels);
	sv_free(&a.ro.suites);
	free(G.src);
	free(G.cache);
	free(G.results);
	return rc;
}
