/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_user.c - unit tests of the probe context (stp_context.c) and of
 * the user runtime (user/platform.c, user/main.c).
 *
 * The file is also a hand-written "program": the probe table and globals
 * a translated script would provide.  Each session scenario runs
 * stp_main() in a child process (the session is process-wide state) with
 * its output on a pipe, and the parent checks the output and exit status.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../stp_runtime.h"
#include "../user/user.h"
#include "harness.h"

/* harness.c refers to these of test_platform.c, which this test
 * replaces with the real user platform. */
long t_alloc_fail_at, t_alloc_live, t_reads;
uintptr_t t_fault_lo, t_fault_hi;

/* ---- the program ---- */

static int scenario;
static int64_t g_num;
static char g_str[MAXSTRINGLEN];
static int ticks;

enum {
	S_ORDER = 1, S_ERROR, S_TIMER, S_FOREVER, S_TARGET, S_ABORT, S_SKIP,
	S_SIGNAL, S_FATAL_INIT, S_OUTPUT,
};

static void say(struct stp_context *c, const char *s)
{
	stp_print_string(c, s);
}

static void begin0(struct stp_context *c)
{
	switch (scenario) {
	case S_ORDER:
		say(c, "begin0 ");
		stp_print_long(c, g_num);
		stp_print_char(c, ' ');
		say(c, g_str);
		stp_print_char(c, '\n');
		break;
	case S_ERROR:
		say(c, "before\n");
		stp_error(c, "boom %d", 7);
		stp_error(c, "not this one");	/* the first error stays */
		break;
	case S_TARGET:
		stp_print_long(c, stp_session.target_pid > 0);
		say(c, "\n");
		break;
	case S_ABORT:
		stp_request_abort(c);
		break;
	case S_SKIP: {
		int i;

		for (i = 0; i <= MAXSKIPPED; i++)
			stp_skip(c->probe_point);
		break;
	}
	case S_OUTPUT: {
		/* More than a handler's buffer: it is passed on, whole. */
		static char big[STP_BUFFER_SIZE / 2 + 7];
		int i;

		memset(big, 'x', sizeof(big) - 1);
		for (i = 0; i < 3; i++)
			say(c, big);
		stp_print_char(c, '\n');
		stp_request_exit(c);
		break;
	}
	default:
		break;
	}
}

static void begin_minus(struct stp_context *c)
{
	if (scenario == S_ORDER)
		say(c, "begin-5\n");
}

static void begin_last(struct stp_context *c)
{
	if (scenario == S_ORDER) {
		say(c, "begin9\n");
		stp_request_exit(c);
	}
}

static void end0(struct stp_context *c)
{
	say(c, "end\n");
	if (scenario == S_TIMER)
		stp_ap(c, "ticks=%d\n", ticks);
}

static void error0(struct stp_context *c)
{
	say(c, "error probe\n");
}

static void timer0(struct stp_context *c)
{
	ticks++;
	if (scenario == S_TIMER && ticks == 3)
		stp_request_exit(c);
	if (scenario == S_SIGNAL && ticks == 2)
		kill(getpid(), SIGTERM);
	if (scenario == S_ERROR)
		say(c, "timer ran\n");
}

static void never0(struct stp_context *c)
{
	say(c, "never!\n");
}

const struct stp_probe stp_probes[] = {
	{ .pp = "begin", .kind = STP_PROBE_BEGIN, .handler = begin0 },
	{ .pp = "begin(9)", .kind = STP_PROBE_BEGIN, .seq = 9,
	  .handler = begin_last },
	{ .pp = "begin(-5)", .kind = STP_PROBE_BEGIN, .seq = -5,
	  .handler = begin_minus },
	{ .pp = "end", .kind = STP_PROBE_END, .handler = end0 },
	{ .pp = "error", .kind = STP_PROBE_ERROR, .handler = error0 },
	{ .pp = "never", .kind = STP_PROBE_NEVER, .handler = never0 },
	{ .pp = "timer.ms(5).randomize(2)", .kind = STP_PROBE_TIMER,
	  .period_ns = 5000000, .random_ns = 2000000, .handler = timer0 },
	{ .pp = NULL },
};
const int stp_nprobes = 7;
const struct stp_global_param stp_params[] = {
	{ "num", &g_num, NULL },
	{ "str", NULL, g_str },
	{ 0 },
};
const int stp_nparams = 2;
const size_t stp_frame_size = 256;

int stp_program_init(void)
{
	if (scenario == S_FATAL_INIT)
		return stp_init_error("a test's array");
	return 0;
}

void stp_program_exit(void)
{
}

/* ---- sessions in a child ---- */

static struct stp_context ctx;

struct result {
	int status;
	char out[1 << 20];
	char err[4096];
};

static struct result res;

static void slurp(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
}

/* Run stp_main(ARGV) for scenario S; its output into res. */
static void session(int s, const char *const *argv)
{
	int out[2], err[2], argc = 0, st;
	pid_t pid;

	while (argv[argc])
		argc++;
	if (pipe(out) || pipe(err))
		abort();
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		scenario = s;
		st = stp_main(argc, (char **)argv);
		free(ctx.frames);	/* the parent's, copied by fork */
		exit(st);
	}
	close(out[1]);
	close(err[1]);
	slurp(out[0], res.out, sizeof(res.out));
	slurp(err[0], res.err, sizeof(res.err));
	close(out[0]);
	close(err[0]);
	waitpid(pid, &st, 0);
	res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_order(void)
{
	const char *argv[] = { "prog", "num=-42", "str=hello", NULL };

	session(S_ORDER, argv);
	EXPECT_EQ(res.status, 0);
	EXPECT_STR(res.out, "begin-5\nbegin0 -42 hello\nbegin9\nend\n");
	EXPECT_STR(res.err, "");
}

static void test_error(void)
{
	const char *argv[] = { "prog", NULL };

	session(S_ERROR, argv);
	EXPECT_EQ(res.status, 1);
	EXPECT_STR(res.out, "before\nerror probe\n");
	EXPECT(strstr(res.err, "ERROR: boom 7 near begin\n") != NULL);
	EXPECT(strstr(res.err, "not this one") == NULL);
	EXPECT(strstr(res.err, "WARNING: Number of errors: 1, skipped "
		      "probes: 0") != NULL);
}

static void test_timer(void)
{
	const char *argv[] = { "prog", NULL };

	session(S_TIMER, argv);
	EXPECT_EQ(res.status, 0);
	EXPECT_STR(res.out, "end\nticks=3\n");
}

static void test_timeout(void)
{
	const char *argv[] = { "prog", "-T", "1", NULL };
	int64_t t0 = stp_clock_ns(CLOCK_MONOTONIC);

	session(S_FOREVER, argv);
	EXPECT_EQ(res.status, 0);
	EXPECT_STR(res.out, "end\n");
	EXPECT(stp_clock_ns(CLOCK_MONOTONIC) - t0 >= 1000000000);
}

static void test_target(void)
{
	const char *cmd[] = { "prog", "-c", "exit 0", NULL };
	const char *pid[] = { "prog", "-x", "77", "-T", "1", NULL };

	session(S_TARGET, cmd);
	EXPECT_EQ(res.status, 0);
	EXPECT_STR(res.out, "1\nend\n");
	session(S_TARGET, pid);
	EXPECT_STR(res.out, "1\nend\n");
}

static void test_abort_skip_signal(void)
{
	const char *argv[] = { "prog", NULL };

	session(S_ABORT, argv);
	EXPECT_EQ(res.status, 0);
	EXPECT_STR(res.out, "");
	session(S_SKIP, argv);
	EXPECT_EQ(res.status, 1);
	EXPECT(strstr(res.err, "Skipped too many probes") != NULL);
	EXPECT_STR(res.out, "end\n");
	session(S_SIGNAL, argv);
	EXPECT_EQ(res.status, 0);
	EXPECT_STR(res.out, "end\n");
}

static void test_args(void)
{
	char path[] = "/tmp/stp-test-XXXXXX";
	int fd = mkstemp(path);
	const char *to_file[] = { "prog", "-o", path, "num=5", NULL };
	const char *bad_num[] = { "prog", "num=12x", NULL };
	const char *unknown[] = { "prog", "nosuch=1", NULL };
	const char *bad_file[] = { "prog", "-o", "/nonexistent/dir/f", NULL };
	char buf[256] = "";
	ssize_t n;

	session(S_ORDER, to_file);
	EXPECT_EQ(res.status, 0);
	EXPECT_STR(res.out, "");
	n = read(fd, buf, sizeof(buf) - 1);
	EXPECT(n > 0);
	EXPECT_STR(buf, "begin-5\nbegin0 5 \nbegin9\nend\n");
	close(fd);
	unlink(path);
	session(S_ORDER, bad_num);
	EXPECT_EQ(res.status, 1);
	EXPECT(strstr(res.err, "not a number") != NULL);
	session(S_ORDER, unknown);
	EXPECT_EQ(res.status, 1);
	EXPECT(strstr(res.err, "no such global") != NULL);
	session(S_ORDER, bad_file);
	EXPECT_EQ(res.status, 1);
	EXPECT(strstr(res.err, "cannot open the output file") != NULL);
}

static void test_init_and_output(void)
{
	const char *argv[] = { "prog", NULL };
	size_t want = 3 * (STP_BUFFER_SIZE / 2 + 6) + 1;

	session(S_FATAL_INIT, argv);
	EXPECT_EQ(res.status, 1);
	EXPECT(strstr(res.err, "cannot set up a test's array") != NULL);
	session(S_OUTPUT, argv);
	EXPECT_EQ(res.status, 0);
	EXPECT_EQ(strlen(res.out), want + strlen("end\n"));
}

/* ---- the context's operations, directly ---- */

/* Each case starts as a handler does, on a clean context: what
 * stp_context_finish leaves after a failed handler (checked below). */
static void start(void)
{
	ctx.error = ctx.fatal = ctx.next_overload = false;
	ctx.error_msg[0] = 0;
	ctx.out_len = 0;
	stp_context_start(&ctx, "begin", 100);
}

static void test_divide_and_errors(void)
{
	start();
	EXPECT_EQ(stp_divide(&ctx, 7, 2, false), 3);
	EXPECT_EQ(stp_divide(&ctx, -7, 2, true), -1);
	EXPECT_EQ(stp_divide(&ctx, INT64_MIN, -1, false), INT64_MIN);
	EXPECT_EQ(stp_divide(&ctx, INT64_MIN, -1, true), 0);
	EXPECT(!ctx.error);
	stp_divide(&ctx, 1, 0, false);
	EXPECT(ctx.error && !ctx.fatal);
	EXPECT_STR(ctx.error_msg, "division by 0");
	stp_fatal(&ctx, "MAXACTION exceeded");
	EXPECT(ctx.fatal);
	EXPECT_STR(ctx.error_msg, "MAXACTION exceeded");
	stp_fatal(&ctx, "second");
	EXPECT_STR(ctx.error_msg, "MAXACTION exceeded");
	/* finish reports it (on stderr here), ends the session and leaves
	 * the context clean for the next hit */
	ctx.next_overload = true;
	stp_print_string(&ctx, "x");
	stp_context_finish(&ctx);
	EXPECT(!ctx.error && !ctx.fatal && !ctx.next_overload &&
	       ctx.out_len == 0 && !ctx.error_msg[0]);
	EXPECT(stp_session.exit_requested && stp_session.errors == 1);
	stp_session = (struct stp_session){ 0 };
}

static void test_maps_and_stats(void)
{
	struct stp_map_spec spec = { "a", 1, { STP_LONG }, STP_LONG, 2,
				     false, { 0 } };
	struct stp_map *m = stp_map_new(&spec);
	struct stp_hist_spec h = { 0 };
	struct stp_stat *st;
	union stp_arg k[1];

	start();
	k[0].l = 1;
	EXPECT(stp_map_put(&ctx, m, k) != NULL);
	k[0].l = 2;
	EXPECT(stp_map_put(&ctx, m, k) != NULL);
	k[0].l = 3;
	EXPECT(stp_map_put(&ctx, m, k) == NULL);
	EXPECT_STR(ctx.error_msg, "Array overflow, check MAXMAPENTRIES");
	stp_map_free(m);

	start();
	stp_hist_log_spec(&h);
	h.no_variance = true;
	st = stp_alloc(stp_stat_size(&h));
	stp_stat_init(st, &h);
	EXPECT_EQ(stp_stat_op(&ctx, NULL, STP_COUNT, 0), 0);
	EXPECT_EQ(stp_stat_op(&ctx, st, STP_SUM, 0), 0);
	EXPECT(!ctx.error);
	stp_stat_op(&ctx, st, STP_MIN, 0);
	EXPECT_STR(ctx.error_msg, "empty aggregate");
	start();
	stp_stat_add(st, &h, 5);
	EXPECT_EQ(stp_stat_op(&ctx, st, STP_MAX, 0), 5);
	stp_stat_op(&ctx, st, STP_VARIANCE, 0);	/* no variance kept */
	EXPECT(ctx.error);
	start();
	EXPECT_EQ(stp_hist_at(&ctx, st, &h, 67), 1);
	EXPECT_EQ(stp_hist_at(&ctx, NULL, &h, 67), 0);
	EXPECT(!ctx.error);
	stp_hist_at(&ctx, st, &h, 500);
	EXPECT(strstr(ctx.error_msg, "out of range") != NULL);
	start();
	stp_print_hist(&ctx, st, &h);
	stp_print_hist(&ctx, NULL, &h);
	EXPECT(ctx.out_len > 0);
	{
		char s[MAXSTRINGLEN];

		stp_sprint_hist(s, st, &h);
		EXPECT(strstr(s, "value |") != NULL);
		stp_sprint_hist(s, NULL, &h);
		EXPECT_STR(s, "");
	}
	ctx.out_len = 0;
	stp_free(st);
}

static void test_strings_and_tapset(void)
{
	char out[MAXSTRINGLEN];
	union stp_arg a[2];

	start();
	stp_substr_fn(out, "hello", 1, 3);
	EXPECT_STR(out, "ell");
	EXPECT_EQ(stp_stringat_fn(&ctx, "ab", 1), 'b');
	stp_stringat_fn(&ctx, "ab", 5);
	EXPECT(strstr(ctx.error_msg, "out of range") != NULL);
	start();
	EXPECT_EQ(stp_strtol_fn(&ctx, "ff", 16), 255);
	stp_strtol_fn(&ctx, "1", 99);
	EXPECT(strstr(ctx.error_msg, "base 99") != NULL);
	start();
	stp_tokenize_fn(&ctx, out, "a b", " ");
	EXPECT_STR(out, "a");
	stp_tokenize_fn(&ctx, out, "", " ");
	EXPECT_STR(out, "b");
	{
		int64_t r = stp_randint_fn(&ctx, 10);

		EXPECT(r >= 0 && r < 10);
	}
	stp_randint_fn(&ctx, 0);
	EXPECT(strstr(ctx.error_msg, "randint") != NULL);
	start();
	stp_probe_point(&ctx, out);
	EXPECT_STR(out, "begin");
	a[0].s = "x";
	a[1].l = 3;
	stp_sprintf(&ctx, out, "%s=%d", a, 2);
	EXPECT_STR(out, "x=3");
	a[0].l = 0;
	stp_sprintf(&ctx, out, "%.4m", a, 1);	/* NULL cannot be read */
	EXPECT(ctx.error);
	start();
	stp_printf(&ctx, "%.4m", a, 1);
	EXPECT(ctx.error);
	start();
	stp_printf(&ctx, "%d!", &a[1], 1);
	stp_ap(&ctx, "%s-%d", "ap", 4);
	EXPECT_MEM(ctx.out, ctx.out_len, "3!ap-4", 6);
	ctx.out_len = 0;
}

static void test_regex(void)
{
	/* User space runs libc on the source; no program needed. */
	static const struct stp_regex kv = { .src = "^([a-z]+)=(.*)$" };
	static const struct stp_regex abc = { .src = "a|(b)|(c)" };
	static const struct stp_regex bad = { .src = "(" };
	char out[MAXSTRINGLEN];

	start();
	EXPECT(stp_regex_match(&ctx, "key=val", &kv));
	EXPECT_EQ(ctx.re_groups, 3);
	stp_matched_fn(&ctx, out, 2);
	EXPECT_STR(out, "val");
	stp_matched_fn(&ctx, out, 0);
	EXPECT_STR(out, "key=val");
	EXPECT(!stp_regex_match(&ctx, "nothing", &kv));
	EXPECT_EQ(ctx.re_groups, 0);	/* a failed match forgets the last */
	stp_matched_fn(&ctx, out, 0);
	EXPECT(ctx.error);
	start();
	EXPECT(stp_regex_match(&ctx, "b", &abc));
	stp_matched_fn(&ctx, out, 2);	/* a group that took no part */
	EXPECT_STR(out, "");
	stp_matched_fn(&ctx, out, 7);
	EXPECT(ctx.error);
	start();
	EXPECT(!stp_regex_match(&ctx, "x", &bad));	/* cannot compile */
	EXPECT(ctx.error);
}

static void test_platform(void)
{
	struct stp_lock *l = stp_lock_new();
	char name[MAXSTRINGLEN];
	int v = 1234, copy = 0;

	EXPECT(stp_lock_try(l, false));
	EXPECT(stp_lock_try(l, false));		/* readers share */
	EXPECT(!stp_lock_try(l, true));		/* a writer waits, then gives up */
	stp_unlock(l, false);
	stp_unlock(l, false);
	EXPECT(stp_lock_try(l, true));
	EXPECT(!stp_lock_try(l, false));
	stp_unlock(l, true);
	stp_lock_free(l);
	stp_lock_free(NULL);
	EXPECT(stp_time_ns() > 1600000000LL * 1000000000);
	EXPECT(stp_cycles() != 0);
	EXPECT(stp_jiffies() > 0 && stp_hz() == 250);
	EXPECT(stp_task_pid() == getpid() && stp_task_tid() > 0);
	EXPECT(stp_task_ppid() == getppid());
	EXPECT(stp_task_id(0) == getuid() && stp_task_id(1) == geteuid());
	EXPECT(stp_task_id(2) == getgid() && stp_task_id(3) == getegid());
	EXPECT(stp_task_cpu() >= 0);
	stp_task_execname(name);
	EXPECT(name[0] != 0);
	EXPECT_EQ(stp_read_memory(&copy, (int64_t)(uintptr_t)&v, sizeof(v)), 0);
	EXPECT_EQ(copy, 1234);
	EXPECT_EQ(stp_read_memory(&copy, 16, sizeof(v)), STP_EFAULT);
	stp_random();
}

int main(void)
{
	stp_out = stdout;
	ctx.frames = calloc(MAXNESTING + 1, stp_frame_size);
	run_test("user session order and globals", test_order);
	run_test("user session error ends in error probes", test_error);
	run_test("user session timers and exit()", test_timer);
	run_test("user session -T", test_timeout);
	run_test("user session -c and -x", test_target);
	run_test("user session abort, MAXSKIPPED, SIGTERM", test_abort_skip_signal);
	run_test("user session -o and NAME=VALUE", test_args);
	run_test("user session start-up failure, large output", test_init_and_output);
	run_test("context division and errors", test_divide_and_errors);
	run_test("context maps and statistics", test_maps_and_stats);
	run_test("context strings and tapset helpers", test_strings_and_tapset);
	run_test("context regular expressions", test_regex);
	run_test("user platform", test_platform);
	free(ctx.frames);
	stp_regex_free();
	/* Not t_finish(): the real platform keeps no allocation count (ASan
	 * and valgrind check the leaks of this test). */
	return t_status();
}
