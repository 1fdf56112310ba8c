/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - the main loop of a program built for the user runtime
 * (--runtime=user): begin probes, then timers until exit() or a signal or
 * -T or the end of the -c command, then end probes (error probes instead
 * when errors ended the session), then the counts of errors and skips.
 *
 * Probes run one at a time on one thread, so the global locks the
 * generated code takes never contend here; they are real read-write
 * locks all the same, as the kernel flavour needs them.
 *
 * Arguments (stap passes them): [-o FILE] [-T SECS] [-x PID] [-c CMD]
 * [NAME=VALUE ...] for the script's globals (-G).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stp_runtime.h"
#include "user.h"

/* ---- the session ---- */

static struct stp_context context;
static const char *target_cmd;
static int timeout_s;
static pid_t child;
static int child_gate = -1;

static void on_signal(int sig)
{
	(void)sig;
	stp_session.exit_requested = 1;
}

/* Says what is wrong; returns false for the caller to pass on. */
static bool usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "ERROR: %s: %s\n", what, arg);
	return false;
}

/* NAME=VALUE: a global of the script, a number or a string. */
static bool set_param(const char *arg)
{
	const char *eq = strchr(arg, '=');
	int i;

	for (i = 0; eq && i < stp_nparams; i++) {
		const struct stp_global_param *p = &stp_params[i];
		char *end;

		if (strlen(p->name) != (size_t)(eq - arg) ||
		    strncmp(p->name, arg, (size_t)(eq - arg)))
			continue;
		if (p->s) {
			stp_strlcpy(p->s, eq + 1, MAXSTRINGLEN);
			return true;
		}
		errno = 0;
		*p->l = strtoll(eq + 1, &end, 0);
		if (errno || *end || end == eq + 1)
			return usage_error("not a number for a numeric global",
					   arg);
		return true;
	}
	return usage_error("no such global in the script (or not a scalar)",
			   arg);
}

static bool parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") && i + 1 < argc) {
			if (stp_out != stdout)
				fclose(stp_out);
			stp_out_name = argv[++i];
			stp_out = fopen(stp_out_name, "w");
			if (!stp_out) {
				stp_out = stdout;
				return usage_error("cannot open the output file",
						   argv[i]);
			}
		} else if (!strcmp(a, "-T") && i + 1 < argc) {
			timeout_s = atoi(argv[++i]);
		} else if (!strcmp(a, "-x") && i + 1 < argc) {
			stp_session.target_pid = atoll(argv[++i]);
		} else if (!strcmp(a, "-c") && i + 1 < argc) {
			target_cmd = argv[++i];
		} else if (!set_param(a)) {
			return false;
		}
	}
	return true;
}

/* -c: the command starts now, held at a pipe until the probes are up,
 * so target() is its pid from the first begin probe on. */
static bool start_target(void)
{
	int gate[2];

	if (!target_cmd)
		return true;
	if (pipe(gate) != 0)
		return usage_error("cannot start the target command",
				   target_cmd);
	child = fork();
	if (child < 0) {
		close(gate[0]);
		close(gate[1]);
		return usage_error("cannot start the target command",
				   target_cmd);
	}
	if (child == 0) {
		char go;

		close(gate[1]);
		if (read(gate[0], &go, 1) != 1)
			_exit(127);
		execl("/bin/sh", "sh", "-c", target_cmd, (char *)NULL);
		_exit(127);
	}
	close(gate[0]);
	child_gate = gate[1];
	stp_session.target_pid = child;
	return true;
}

static void release_target(void)
{
	if (child_gate >= 0) {
		if (write(child_gate, "g", 1) != 1)
			stp_session.exit_requested = 1;
		close(child_gate);
		child_gate = -1;
	}
}

/* The first failure to write the output (0: none), for the end: output
 * that was lost is an error of the session (a full disk, /dev/full). */
static int output_errno;

static void flush_output(void)
{
	if (fflush(stp_out) != 0 && !output_errno)
		output_errno = errno ? errno : EIO;
}

/* -t (the program has stp_timing[]): each probe's cycles a hit, as a
 * statistic (SystemTap's count, min, avg, max and variance). */
static const struct stp_hist_spec timing_spec = { .kind = STP_HIST_NONE };
static char *timing_stats;	/* stp_nprobes of timing_size bytes */
static size_t timing_size;

static struct stp_stat *timing_stat(int i)
{
	return (struct stp_stat *)(timing_stats + (size_t)i * timing_size);
}

static bool timing_start(void)
{
	int i;

	if (!stp_timing)
		return true;
	/* Rounded up to keep each statistic's int64_t aligned. */
	timing_size = (stp_stat_size(&timing_spec) + 7) & ~(size_t)7;
	timing_stats = calloc((size_t)stp_nprobes + 1, timing_size);
	if (!timing_stats)
		return false;
	for (i = 0; i < stp_nprobes; i++)
		stp_stat_init(timing_stat(i), &timing_spec);
	return true;
}

/* SystemTap 4.8's report (its nsecs are cycles here, as in its kernel
 * runtime): one line a probe that was hit, in the output. */
static void timing_report(void)
{
	int i, err = 0;

	if (!timing_stats)
		return;
	fprintf(stp_out, "----- probe hit report: \n");
	for (i = 0; i < stp_nprobes; i++) {
		const struct stp_stat *st = timing_stat(i);

		if (!st->count)
			continue;
		fprintf(stp_out, "%s, (%s), hits: %lld, cycles: %lldmin/%lldavg/"
			"%lldmax, variance: %lld,%s, index: %d\n",
			stp_probes[i].pp, stp_timing[i].location,
			(long long)st->count, (long long)st->min,
			(long long)stp_stat_get(st, STP_AVG, 0, &err),
			(long long)st->max,
			(long long)stp_stat_get(st, STP_VARIANCE, 0, &err),
			stp_timing[i].derivation, i);
	}
	fprintf(stp_out, "----- refresh report:\n");
	flush_output();
	free(timing_stats);
	timing_stats = NULL;
}

static void run(const struct stp_probe *p, int64_t actions)
{
	int64_t t0 = timing_stats ? stp_cycles() : 0;

	stp_context_start(&context, p->pp, actions);
	p->handler(&context);
	stp_context_end(&context);
	if (timing_stats)
		stp_stat_add(timing_stat((int)(p - stp_probes)), &timing_spec,
			     stp_cycles() - t0);
	flush_output();
}

/* Says whether all the output was written; if not, why, once. */
static bool output_written(void)
{
	flush_output();
	if (stp_out != stdout && fclose(stp_out) != 0 && !output_errno)
		output_errno = errno ? errno : EIO;
	stp_out = stdout;
	if (!output_errno && (stp_session.overflows || ferror(stdout)))
		output_errno = EIO;
	if (!output_errno)
		return true;
	fprintf(stderr, "ERROR: cannot write the output: %s\n",
		strerror(output_errno));
	return false;
}

static void run_session_probe(const struct stp_probe *p)
{
	run(p, MAXACTION_INTERRUPTIBLE);
}

static void check_child(void)
{
	int status;

	if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
		child = 0;
		stp_session.exit_requested = 1;
	}
}

/* Timers until the session should end. */
static void run_timers(void)
{
	int64_t *due = calloc((size_t)stp_nprobes + 1, sizeof(*due));
	int64_t now = stp_clock_ns(CLOCK_MONOTONIC), stop = INT64_MAX;
	int i;

	if (!due) {
		stp_transport_error("ERROR: out of memory\n");
		stp_session.exit_status = 1;
		return;
	}
	if (timeout_s > 0)
		stop = now + (int64_t)timeout_s * 1000000000;
	for (i = 0; i < stp_nprobes; i++)
		due[i] = now + stp_next_period(&stp_probes[i]);
	while (!stp_session.exit_requested) {
		int64_t next = stop;
		struct timespec ts;

		check_child();
		now = stp_clock_ns(CLOCK_MONOTONIC);
		if (now >= stop)
			break;
		for (i = 0; i < stp_nprobes && !stp_session.exit_requested;
		     i++) {
			if (stp_probes[i].kind != STP_PROBE_TIMER)
				continue;
			if (due[i] <= now) {
				run(&stp_probes[i], MAXACTION);
				due[i] += stp_next_period(&stp_probes[i]);
				if (due[i] < now)
					due[i] = now + stp_next_period(&stp_probes[i]);
			}
			if (due[i] < next)
				next = due[i];
		}
		if (stp_session.exit_requested)
			break;
		/* Sleep until the next timer; a signal or the child's end
		 * wakes us (EINTR), and we look at least every 100 ms. */
		if (next - now > 100000000)
			next = now + 100000000;
		ts.tv_sec = next / 1000000000;
		ts.tv_nsec = next % 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	free(due);
}

static int session(void);

static void *session_thread(void *arg)
{
	*(int *)arg = session();
	return NULL;
}

/*
 * Probes run on a thread whose stack fits the limits: each nesting level
 * of script functions takes a C frame or two (their locals live in
 * context.frames), and a few runtime functions keep a string on the
 * stack, so -DMAXNESTING=1000000 or -DMAXSTRINGLEN=10000000 run instead
 * of overflowing the main thread's 8 MB (the translator bounds both).
 * Pages are only used as deep as the script goes.  Signals are blocked
 * here, so that they wake the session's sleeps.
 */
static int run_on_stack(void)
{
	size_t size = ((size_t)8 << 20) + ((size_t)MAXNESTING + 1) * 1024 +
		      (size_t)MAXSTRINGLEN * 16;
	pthread_attr_t attr;
	pthread_t thread;
	sigset_t all;
	int rc = 1, err;

	pthread_attr_init(&attr);
	err = pthread_attr_setstacksize(&attr, size);
	if (!err)
		err = pthread_create(&thread, &attr, session_thread, &rc);
	pthread_attr_destroy(&attr);
	if (err) {
		fprintf(stderr, "ERROR: cannot make the script's %zu MB stack"
			" (MAXNESTING, MAXSTRINGLEN): %s\n", size >> 20,
			strerror(err));
		if (stp_out != stdout)
			fclose(stp_out);
		return 1;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_join(thread, NULL);
	return rc;
}

int stp_main(int argc, char **argv)
{
	struct sigaction sa;

	stp_out = stdout;
	if (!parse_args(argc, argv)) {
		if (stp_out != stdout)
			fclose(stp_out);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	return run_on_stack();
}

/* The session, on the thread of run_on_stack. */
static int session(void)
{
	context.frames = calloc(MAXNESTING + 1, stp_frame_size);
	if (!context.frames || !timing_start()) {
		free(context.frames);
		fprintf(stderr, "ERROR: not enough memory to start the script\n");
		return 1;
	}
	if (stp_program_init() != 0 || !start_target()) {
		stp_program_exit();
		free(context.frames);
		free(timing_stats);
		if (stp_out != stdout)
			fclose(stp_out);
		return 1;
	}
	stp_run_kind(STP_PROBE_BEGIN, run_session_probe);
	release_target();
	run_timers();
	stp_run_end(run_session_probe);
	timing_report();
	flush_output();
	if (stp_session.errors || stp_session.skipped)
		fprintf(stderr, "WARNING: Number of errors: %lld, skipped "
			"probes: %lld\n", (long long)stp_session.errors,
			(long long)stp_session.skipped);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	stp_program_exit();
	stp_regex_free();
	free(context.frames);
	if (!output_written())
		return 1;
	return stp_session.errors ? 1 : stp_session.exit_status;
}

#ifndef STP_NO_MAIN
int main(int argc, char **argv)
{
	return stp_main(argc, argv);
}
#endif
