// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tuload: the torture suite's user-space targets for uprobes, built on
 * the host by the prebuild (with -g: the scripts read parameters and
 * return values) and run in the guest.  Every count a script must see
 * is known here and printed at the end; a wrong result of a probed
 * function (a breakpoint that corrupted an instruction) is counted as
 * bad and fails the run.
 *
 *   tuload tree SECONDS THREADS WORK
 *       rounds until SECONDS have passed; in a round THREADS threads
 *       each call tu_work WORK times, fork a child that calls tu_work
 *       WORK times, tu_step(0) (returns) and tu_step(1) (exits inside
 *       it), and fork a child that calls tu_work WORK times and execs
 *       itself from inside tu_exec as "tuload leaf WORK"; each thread
 *       ends inside tu_thread_exit (pthread_exit).  Prints "rounds R".
 *   tuload leaf WORK       tu_work WORK times, tu_step(0), tu_step(1)
 *   tuload work N          tu_work N times; prints "calls N bad B"
 *   tuload spin SECONDS THREADS
 *       THREADS threads call tu_work without pause while the main
 *       thread forks a child calling tu_work 100 times every 50 ms,
 *       until SECONDS have passed or a SIGTERM comes; prints "calls N
 *       forks F bad B"
 *   tuload dl LIB SECONDS CALLS
 *       rounds of dlopen(LIB), CALLS calls of its tulib_call, dlclose,
 *       and a look at /proc/self/maps (LIB must be gone), while a
 *       second thread calls tu_work; prints "rounds R unmapped U
 *       calls C work W bad B"
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, used))

static atomic_long bad;

/* The probed functions: each result is checked by its caller (and by
 * the scripts' return probes, against their parameter at entry). */
NOINLINE long tu_work(long k)
{
	return k * 2 + 1;
}

NOINLINE long tu_step(long k)
{
	if (k)
		_exit(0);	/* a pending return that never comes */
	return k * 3 + 1;
}

NOINLINE pid_t tu_fork(void)
{
	return fork();		/* returns twice: parent and child */
}

NOINLINE int tu_exec(const char *work)
{
	char *argv[] = { "tuload", "leaf", (char *)work, NULL };

	execv("/proc/self/exe", argv);
	return -1;
}

NOINLINE void tu_thread_exit(void)
{
	pthread_exit(NULL);
}

static long number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 0) {
		fprintf(stderr, "tuload: not a count: '%s'\n", s);
		exit(2);
	}
	return n;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void work(long n)
{
	long k;

	for (k = 0; k < n; k++)
		if (tu_work(k) != k * 2 + 1)
			atomic_fetch_add(&bad, 1);
}

/* A child's end: 0 when it exited 0. */
static int reap(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

static long tree_work;
static const char *tree_work_arg;

static void *tree_thread(void *arg)
{
	pid_t a, b;

	(void)arg;
	work(tree_work);
	a = tu_fork();
	if (a == 0) {
		work(tree_work);
		if (tu_step(0) != 1 || atomic_load(&bad))
			_exit(3);
		tu_step(1);
	}
	b = tu_fork();
	if (b == 0) {
		work(tree_work);
		tu_exec(tree_work_arg);
		_exit(4);
	}
	if (reap(a) || reap(b))
		atomic_fetch_add(&bad, 1);
	tu_thread_exit();
	return NULL;
}

static int tree(double secs, long threads, const char *work_arg)
{
	double end = seconds() + secs;
	pthread_t t[64];
	long rounds = 0, i;

	if (threads < 1 || threads > 64) {
		fprintf(stderr, "tuload: tree: 1 to 64 threads\n");
		return 2;
	}
	tree_work = number(work_arg);
	tree_work_arg = work_arg;
	do {
		for (i = 0; i < threads; i++)
			if (pthread_create(&t[i], NULL, tree_thread, NULL))
				return 1;
		for (i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
		rounds++;
	} while (seconds() < end && !atomic_load(&bad));
	printf("rounds %ld threads %ld work %ld bad %ld\n", rounds, threads,
	       tree_work, atomic_load(&bad));
	return atomic_load(&bad) ? 1 : 0;
}

static int leaf(long n)
{
	work(n);
	if (tu_step(0) != 1 || atomic_load(&bad))
		return 3;
	tu_step(1);
	return 5;		/* not reached */
}

static atomic_int stop;
static atomic_long calls;

static void *spin_thread(void *arg)
{
	long k = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		if (tu_work(k) != k * 2 + 1)
			atomic_fetch_add(&bad, 1);
		k = (k + 1) & 0xffff;
		atomic_fetch_add(&calls, 1);
	}
	return NULL;
}

static volatile sig_atomic_t terminated;

static void on_term(int sig)
{
	terminated = sig;
}

static int spin(double secs, long threads)
{
	double end = seconds() + secs;
	pthread_t t[64];
	long forks = 0, i;

	if (threads < 1 || threads > 64) {
		fprintf(stderr, "tuload: spin: 1 to 64 threads\n");
		return 2;
	}
	signal(SIGTERM, on_term);	/* the test is done with it: report */
	for (i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, spin_thread, NULL))
			return 1;
	while (seconds() < end && !terminated) {
		pid_t pid = tu_fork();

		if (pid == 0) {
			work(100);
			_exit(atomic_load(&bad) ? 3 : 0);
		}
		if (reap(pid))
			atomic_fetch_add(&bad, 1);
		forks++;
		usleep(50000);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("calls %ld forks %ld bad %ld\n", atomic_load(&calls), forks,
	       atomic_load(&bad));
	return atomic_load(&bad) ? 1 : 0;
}

/* LIB is in this process's maps (a line naming it). */
static int mapped(const char *lib)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, lib) != NULL;
	fclose(f);
	return found;
}

/* One dlopen, CALLS calls, dlclose: 0, or 1 when it failed. */
static int dl_round(const char *lib, long n)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	long (*call)(long);
	long k;

	if (!h) {
		fprintf(stderr, "tuload: %s\n", dlerror());
		return 1;
	}
	*(void **)&call = dlsym(h, "tulib_call");
	if (!call) {
		fprintf(stderr, "tuload: %s\n", dlerror());
		dlclose(h);
		return 1;
	}
	for (k = 0; k < n; k++)
		if (call(k) != k * 5 + 2)
			atomic_fetch_add(&bad, 1);
	return dlclose(h) != 0;
}

static int dl(const char *lib, double secs, long n)
{
	double end = seconds() + secs;
	long rounds = 0, unmapped = 0;
	pthread_t t;

	if (pthread_create(&t, NULL, spin_thread, NULL))
		return 1;
	do {
		if (dl_round(lib, n)) {
			atomic_fetch_add(&bad, 1);
			break;
		}
		rounds++;
		unmapped += mapped(lib) == 0;
	} while (seconds() < end);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("rounds %ld unmapped %ld calls %ld work %ld bad %ld\n", rounds,
	       unmapped, rounds * n, atomic_load(&calls), atomic_load(&bad));
	return atomic_load(&bad) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "tree") && argc == 5)
		return tree((double)number(argv[2]), number(argv[3]), argv[4]);
	if (!strcmp(mode, "leaf") && argc == 3)
		return leaf(number(argv[2]));
	if (!strcmp(mode, "work") && argc == 3) {
		work(number(argv[2]));
		printf("calls %ld bad %ld\n", number(argv[2]), atomic_load(&bad));
		return atomic_load(&bad) ? 1 : 0;
	}
	if (!strcmp(mode, "spin") && argc == 4)
		return spin((double)number(argv[2]), number(argv[3]));
	if (!strcmp(mode, "dl") && argc == 5)
		return dl(argv[2], (double)number(argv[3]), number(argv[4]));
	fprintf(stderr, "usage: tuload tree SECONDS THREADS WORK | leaf WORK |"
		" work N | spin SECONDS THREADS | dl LIB SECONDS CALLS\n");
	return 2;
}
