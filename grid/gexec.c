/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec: `stap ARGS` in a fresh guest of kernel K.  The module is built on
 * the host first (stap -r K -p4 ARGS, into CACHE/stap), because a guest
 * under TCG takes minutes to compile one; the guest then runs the same
 * `stap ARGS` in the same working folder (shared with it), finds the
 * module in the cache (the key names the kernel by its build id, not by
 * its kbuild path) and runs it with staprun.  STAP_CACHE_ONLY=1 in the
 * guest turns a miss into an error instead of a build.  The guest's
 * stdout and stderr are streamed while it runs (when its share is on this
 * machine) and the exit status is the script's, or 2 when the guest
 * itself failed.
 */
#include "grid.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_FILE "test-shell.log" /* the command's stdout (job.sh's run) */
#define ERR_FILE "stderr.txt"

struct exec_ctx {
	char *const *args;
	char *cwd;
	/* streaming */
	pthread_t th;
	bool streaming;
	volatile bool stop;
	char *share;
	long off_out, off_err;
};

static char *stap_path(void)
{
	return g_path(G.src, "build/bin/stap");
}

/* Whatever FILE holds past *off, written to out. */
static void copy_new(const char *dir, const char *file, long *off, FILE *out)
{
	char *path = g_path(dir, file), buf[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	free(path);
	if (!f)
		return;
	if (fseek(f, *off, SEEK_SET) == 0)
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			fwrite(buf, 1, n, out);
			*off += (long)n;
		}
	fflush(out);
	fclose(f);
}

static void *stream_main(void *arg)
{
	struct exec_ctx *x = arg;

	while (!x->stop) {
		copy_new(x->share, OUT_FILE, &x->off_out, stdout);
		copy_new(x->share, ERR_FILE, &x->off_err, stderr);
		usleep(200 * 1000);
	}
	return NULL;
}

static void watch(void *arg, const char *sharedir, bool running)
{
	struct exec_ctx *x = arg;

	if (running && sharedir) {
		x->share = xstrdup(sharedir);
		x->stop = false;
		x->streaming = pthread_create(&x->th, NULL, stream_main, x) == 0;
	} else if (!running && x->streaming) {
		x->stop = true;
		pthread_join(x->th, NULL);
		x->streaming = false;
	}
}

/* On the host: stap -r K -p4 ARGS.  A translator error is the user's: its
 * messages and exit 1, no guest. */
static int host_build(void *arg, const struct g_kernel *k)
{
	struct exec_ctx *x = arg;
	strv argv = {0};
	char *out = NULL;
	int rc;

	sv_push(&argv, "env");
	sv_pushown(&argv, xasprintf("SYSTEMTAP_DIR=%s/stap", G.cache));
	/* The cache's kernels are stap's targets by name (docs/kernel.md). */
	sv_pushown(&argv, xasprintf("STAP_TARGET_PATH=%s/kernels", G.cache));
	sv_pushown(&argv, stap_path());
	sv_push(&argv, "-r");
	sv_push(&argv, k->id);
	sv_push(&argv, "-p4");
	for (char *const *a = x->args; *a; a++)
		sv_push(&argv, *a);
	rc = g_run(argv.v, x->cwd, &out, NULL);
	if (rc != 0 && out)
		fputs(out, stderr);
	else if (g_verbose && out)
		fprintf(stderr, "stapgrid: built on the host: %s", out);
	if (rc > 0)
		fprintf(stderr, "stapgrid: exec: stap -r %s -p4 failed on the host (exit %d); no guest "
			"was started\n", k->id, rc);
	free(out);
	sv_free(&argv);
	return rc == 0 ? 0 : 1;
}

/* An environment variable of ours the key depends on, for the guest. */
static void pass_env(sbuf *b, const char *name)
{
	const char *v = getenv(name);

	if (v) {
		sb_addf(b, "export %s=", name);
		sb_addshq(b, v);
		sb_add(b, "\n");
	} else {
		sb_addf(b, "unset %s\n", name);
	}
}

/* The guest's command: stderr apart, the same folder, the same stap. */
static char *guest_command(const struct exec_ctx *x)
{
	sbuf b = {0};
	char *stap = stap_path();

	sb_add(&b, "exec 2>\"$GRID/" ERR_FILE "\"\nd=");
	sb_addshq(&b, x->cwd);
	sb_add(&b, "\ncd \"$d\" || { echo \"stapgrid exec: the guest cannot enter $d (its share)\" >&2; "
		   "exit 125; }\n");
	sb_add(&b, "export SYSTEMTAP_DIR=");
	sb_addshq(&b, G.cache);
	sb_add(&b, "/stap STAP_CACHE_ONLY=1\n");
	/* stap in the guest resolves DWARF probes again: the kernel's DWARF
	 * where stapgrid prepare --dbg put it (or a source build's vmlinux). */
	sb_add(&b, "k=");
	sb_addshq(&b, G.cache);
	sb_add(&b, "/kernels/$GRID_KERNEL\nexport SYSTEMTAP_DEBUGINFO_PATH=\"$k/root/usr/lib/debug:$k/build\"\n");
	pass_env(&b, "CC");
	pass_env(&b, "STAP_CFLAGS");
	sb_add(&b, "exec ");
	sb_addshq(&b, stap);
	for (char *const *a = x->args; *a; a++) {
		sb_add(&b, " ");
		sb_addshq(&b, *a);
	}
	sb_add(&b, "\n");
	free(stap);
	return sb_steal(&b);
}

/* The command's exit status from the job's results.txt ("shell RC T0 T1"). */
static int command_status(const char *dir)
{
	char *path = g_path(dir, "results.txt"), *res = read_file(path, NULL);
	int rc = -1;

	if (res && sscanf(res, "shell %d", &rc) != 1)
		rc = -1;
	free(path);
	free(res);
	return rc;
}

int g_exec(const char *kernel, int timeout, char *const stap_args[], const char *hosts_file)
{
	struct exec_ctx x = {.args = stap_args, .cwd = getcwd(NULL, 0)};
	struct g_oneguest g = {.kernel = kernel, .hosts_file = hosts_file, .before = host_build,
			       .arg = &x};
	struct g_jobres r = {0};
	char *dir = NULL, *cmd;
	int rc;

	if (!x.cwd) {
		g_err("exec: cannot read the current folder");
		return 2;
	}
	umask(022); /* the module cache readable by all, as the rest of CACHE */
	cmd = guest_command(&x);
	/* The folder is shared with the guest at its own path (gjob.c). */
	g.o = (struct g_jobopt){.command = cmd, .timeout = timeout, .tcg = "single",
				.cwd = x.cwd, .watch = watch, .watch_arg = &x};
	rc = g_one_guest(&g, &dir, &r);
	if (rc == 0) {
		/* The rest of the output, from the job's copy of the share. */
		copy_new(dir, OUT_FILE, &x.off_out, stdout);
		copy_new(dir, ERR_FILE, &x.off_err, stderr);
		rc = g_guest_status(&r);
		if (rc == 1)
			rc = command_status(dir);
		if (rc < 0)
			rc = 2;
	}
	if (dir)
		g_rmtree(dir);
	free(dir);
	free(cmd);
	free(x.cwd);
	free(x.share);
	g_jobres_free(&r);
	return g_interrupted ? 130 : rc;
}
