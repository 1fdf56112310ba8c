/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdt_target.c - the program the sdt_marks test probes (kernel.exp
 * builds it here with -O0, so that <sys/sdt.h> describes arguments in
 * memory as well as in registers and as constants).  "sdt_target N":
 *
 *   stpt:plain(i, -1000 * i)          N times, no semaphore
 *   stpt:guarded(i, word, -i)         N times, only while its semaphore
 *                                     is set (the tracer sets it)
 *   stpt:noargs()                     N times
 *   stpt:done(N, 42)                  once, at the end
 *
 * sdt_guarded.c holds the guarded marker (<sys/sdt.h> gives every marker
 * of a file a semaphore, or none).  It prints its semaphore at the start, how often the guarded branch
 * ran, then waits for staprun's SIGTERM (which comes after the session
 * stopped and the probes were disarmed) and prints the semaphore again:
 * the kernel must have counted it back to 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

/* sdt_guarded.c */
extern volatile unsigned short stpt_guarded_semaphore;
int fire_guarded(int i, const char *word, short neg);

static void after_session(int sig)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "semaphore after the session: %u\n",
			 (unsigned)stpt_guarded_semaphore);

	(void)sig;
	if (write(1, line, (size_t)n) != n)
		_exit(2);
	_exit(0);
}

int main(int argc, char **argv)
{
	static const char *const words[] = { "zero", "one", "two", "three" };
	int n = argc > 1 ? atoi(argv[1]) : 0, i, guarded = 0;
	long big;

	signal(SIGTERM, after_session);
	printf("semaphore at start: %u\n", (unsigned)stpt_guarded_semaphore);
	for (i = 0; i < n; i++) {
		big = -1000L * i;
		STAP_PROBE2(stpt, plain, i, big);
		guarded += fire_guarded(i, words[i % 4], (short)-i);
		STAP_PROBE(stpt, noargs);
	}
	printf("guarded branch ran %d of %d times\n", guarded, n);
	fflush(stdout);
	STAP_PROBE2(stpt, done, n, 42);
	/* The script exits at "done"; staprun then stops the session and
	 * sends SIGTERM.  Not forever if it never comes. */
	alarm(60);
	for (;;)
		pause();
}
