// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pbload: the overhead suite's guest workloads (docs/overhead.md), built on
 * the host by the prebuild.  Each timed workload runs pinned to CPU 0 (one
 * vCPU's figures, no migrations in the median) and prints
 * "ops N ns T": N operations in T nanoseconds of CLOCK_MONOTONIC, then,
 * but for forkexec (too few operations to slice), "slice_ns_per_op S":
 * the fastest of its 20 slices' ns per operation (N becomes a multiple of
 * 20: rounded down, or 20 when smaller).
 *
 *   pbload getppid N           N getppid() system calls
 *   pbload fileread N FILE     N one-byte pread()s of FILE (a tmpfs file)
 *   pbload ctxswitch N         N round trips of a byte between two
 *                              processes over two pipes, both on CPU 0:
 *                              two context switches and two pipe reads each
 *   pbload forkexec N PROG     N fork + exec(PROG) + wait
 *   pbload paced RATE SECONDS  getppid() at RATE calls a second for SECONDS
 *                              (the transport test's driver)
 *   pbload ucall N             N calls of the user function pb_ufunc, whose
 *                              body is an SDT marker (pbload:pb_mark): the
 *                              user-space rows' one hit an operation, a
 *                              uprobe at the function's entry or at the
 *                              marker (the floor_uprobe module, our
 *                              process().function and .mark, bpftrace's
 *                              uprobe: and usdt:)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static long number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n <= 0) {
		fprintf(stderr, "pbload: '%s' is not a positive count\n", s);
		exit(2);
	}
	return n;
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("pbload: sched_setaffinity");
}

/*
 * The timed workloads run their operations in SLICES equal slices and note
 * the fastest slice's ns per operation beside the whole run's.  Whatever
 * disturbs a run (a timer tick, a kworker or the other vCPU taking the one
 * TCG thread, the host) only ever adds time, and a run of 50 ms under TCG
 * is seldom undisturbed: the fastest slice is the run's undisturbed cost.
 */
#define SLICES 20

static double best = -1; /* the fastest slice's ns per operation */

/* Operations a slice: N / SLICES, at least 1. */
static long slice_len(long n)
{
	return n / SLICES > 0 ? n / SLICES : 1;
}

static void slice_done(int64_t t0, long ops)
{
	double ns = (double)(now_ns() - t0) / (double)ops;

	if (best < 0 || ns < best)
		best = ns;
}

static long run_getppid(long n)
{
	long per = slice_len(n);

	for (int s = 0; s < SLICES; s++) {
		int64_t t0 = now_ns();

		for (long i = 0; i < per; i++)
			syscall(SYS_getppid);
		slice_done(t0, per);
	}
	return per * SLICES;
}

static long run_fileread(long n, const char *path)
{
	long per = slice_len(n);
	char c;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	for (int s = 0; s < SLICES; s++) {
		int64_t t0 = now_ns();

		for (long i = 0; i < per; i++)
			if (pread(fd, &c, 1, 0) != 1)
				die("pbload: pread");
		slice_done(t0, per);
	}
	close(fd);
	return per * SLICES;
}

/*
 * The probed user function.  noinline and used: it stays a function of
 * its own, with its own symbol, whatever the optimiser sees; the marker
 * (an asm volatile nop with a note) keeps the call from being dropped.
 * The prebuild finds its file offset and the marker's in the binary.
 */
__attribute__((noinline, used)) void pb_ufunc(long i)
{
	STAP_PROBE1(pbload, pb_mark, i);
}

static long run_ucall(long n)
{
	long per = slice_len(n);

	for (int s = 0; s < SLICES; s++) {
		int64_t t0 = now_ns();

		for (long i = 0; i < per; i++)
			pb_ufunc(i);
		slice_done(t0, per);
	}
	return per * SLICES;
}

static void xfer(int in, int out, long n, int first)
{
	char c = 'x';

	for (long i = 0; i < n; i++) {
		if (first && write(out, &c, 1) != 1)
			die("pbload: write");
		if (read(in, &c, 1) != 1)
			die("pbload: read");
		if (!first && write(out, &c, 1) != 1)
			die("pbload: write");
	}
}

/* The child echoes what the parent sends: each round trip switches twice.
 * The parent times its round trips in slices. */
static long run_ctxswitch(long n)
{
	long per = slice_len(n);
	int ab[2], ba[2];
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		die("pbload: pipe");
	pid = fork();
	if (pid < 0)
		die("pbload: fork");
	if (pid == 0) {
		xfer(ab[0], ba[1], per * SLICES, 0);
		_exit(0);
	}
	for (int s = 0; s < SLICES; s++) {
		int64_t t0 = now_ns();

		xfer(ba[0], ab[1], per, 1);
		slice_done(t0, per);
	}
	waitpid(pid, NULL, 0);
	return per * SLICES;
}

static void run_forkexec(long n, const char *prog)
{
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die("pbload: fork");
		if (pid == 0) {
			execl(prog, prog, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			die("pbload: the exec'd program failed");
	}
}

/* Calls spread evenly over the seconds: after each call, spin until the
 * next one is due (a sleep's granularity is far too coarse). */
static long run_paced(long rate, long secs)
{
	int64_t t0 = now_ns(), end = t0 + secs * 1000000000LL;
	long calls = 0;

	for (;;) {
		int64_t due = t0 + (int64_t)((double)calls * 1e9 / (double)rate), t;

		while ((t = now_ns()) < due)
			;
		if (t >= end)
			return calls;
		syscall(SYS_getppid);
		calls++;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: pbload getppid N | fileread N FILE | ctxswitch N |"
			" forkexec N PROG | paced RATE SECONDS | ucall N\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int64_t t0;
	long n;

	if (argc < 3)
		return usage();
	n = number(argv[2]);
	pin_cpu0();
	t0 = now_ns();
	if (!strcmp(mode, "getppid") && argc == 3)
		n = run_getppid(n);
	else if (!strcmp(mode, "fileread") && argc == 4)
		n = run_fileread(n, argv[3]);
	else if (!strcmp(mode, "ctxswitch") && argc == 3)
		n = run_ctxswitch(n);
	else if (!strcmp(mode, "forkexec") && argc == 4)
		run_forkexec(n, argv[3]);
	else if (!strcmp(mode, "ucall") && argc == 3)
		n = run_ucall(n);
	else if (!strcmp(mode, "paced") && argc == 4)
		n = run_paced(n, number(argv[3]));
	else
		return usage();
	printf("ops %ld ns %lld", n, (long long)(now_ns() - t0));
	if (best >= 0)
		printf(" slice_ns_per_op %.2f", best);
	printf("\n");
	return 0;
}
