/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uproc_target.c - the program the process and thread lifetime tests
 * probe (kernel.exp builds it here with -lpthread, as uprobe_target):
 *   uproc_target fork N     forks N children that exit at once, waits
 *   uproc_target threads N  starts N threads that return, joins them
 *   uproc_target calls N    calls stp_add N times, then exits
 *   uproc_target puts N     calls libc's puts N times (through its PLT)
 * and nothing else of its own.
 */
#include <pthread.h>
#include <stdio.h>
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
	for (i = 0; i < n; i++) {
		if (!strcmp(argv[1], "puts"))
			puts("x");
		else
			total += stp_add(i, 100);
	}
	return total < 0;
}
