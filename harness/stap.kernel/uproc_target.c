/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uproc_target.c - the program the process and thread lifetime tests
 * probe (kernel.exp builds it here with -lpthread, as uprobe_target):
 *   uproc_target fork N     forks N children that exit at once, waits
 *   uproc_target threads N  starts N threads that return, joins them
 *   uproc_target calls N    calls stp_add N times, then exits
 *   uproc_target puts N     calls libc's puts N times (through its PLT)
 *   uproc_target hold N     waits for SIGUSR1, then calls stp_add N times
 *                           (kernel.exp's process with a known pid, for
 *                           process(PID) and -x); it ends with its parent
 *                           (kernel.exp's runtest) or after an hour
 * and nothing else of its own.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) int stp_add(int a, int b)
{
	return a + b;
}

static void *thread_main(void *arg)
{
	return arg;
}

static int forks(int n)
{
	int i, status, bad = 0;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return 1;
	}
	for (i = 0; i < n; i++)
		if (wait(&status) < 0 || status)
			bad = 1;
	return bad;
}

static int threads(int n)
{
	pthread_t t[64];
	int i;

	if (n > 64)
		return 1;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, thread_main, NULL))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	go = sig;
}

/* Until SIGUSR1: sigsuspend with it blocked outside, so a signal sent
 * before the wait is not lost; a session's task_work (TWA_SIGNAL) only
 * restarts the wait. */
static int hold(void)
{
	pid_t parent = getppid();
	sigset_t block, old;

	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	/* The whole of kernel.exp's run, however long, and not past it (a
	 * parent gone before the death signal was set: reparented; the
	 * parent may be pid 1 of a pid namespace, prebuild.sh's). */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		return 1;
	alarm(3600);
	while (!go)
		sigsuspend(&old);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0, i;
	volatile int total = 0;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "fork"))
		return forks(n);
	if (!strcmp(argv[1], "threads"))
		return threads(n);
	if (!strcmp(argv[1], "hold") && hold())
		return 1;
	for (i = 0; i < n; i++) {
		if (!strcmp(argv[1], "puts"))
			puts("x");
		else
			total += stp_add(i, 100);
	}
	return total < 0;
}
