// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tload: the torture suite's user-space workloads, built on the host by
 * the prebuild and run in the guest.
 *
 *   tload getppid N        N getppid() system calls; prints "calls N"
 *   tload hot N [CPU]      N calls of tbait_hot() in the kernel (a write of
 *                          N to /sys/kernel/debug/tbait/hot), pinned to CPU
 *   tload spin SECONDS     getppid() in a loop for SECONDS; prints "calls N"
 *   tload recurse N        N rounds of kmsg writes (printk), clock_gettime
 *                          system calls (the kernel's clocks), opens and
 *                          reads: the paths the recursion test probes
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void pin(const char *cpu)
{
	cpu_set_t set;

	if (!cpu)
		return;
	CPU_ZERO(&set);
	CPU_SET(atoi(cpu), &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		perror("tload: sched_setaffinity");
}

static long number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || n < 0) {
		fprintf(stderr, "tload: '%s' is not a count\n", s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	long n, i;

	if (argc < 3) {
		fprintf(stderr, "usage: tload getppid|hot|spin|recurse N [CPU]\n");
		return 2;
	}
	n = number(argv[2]);
	pin(argc > 3 ? argv[3] : NULL);
	if (!strcmp(argv[1], "getppid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("calls %ld\n", n);
	} else if (!strcmp(argv[1], "spin")) {
		time_t end = time(NULL) + n;

		for (i = 0; time(NULL) < end; i++)
			syscall(SYS_getppid);
		printf("calls %ld\n", i);
	} else if (!strcmp(argv[1], "hot")) {
		int fd = open("/sys/kernel/debug/tbait/hot", O_WRONLY);
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%ld\n", n);

		if (fd < 0 || write(fd, buf, (size_t)len) != len) {
			perror("tload: /sys/kernel/debug/tbait/hot");
			return 1;
		}
		close(fd);
	} else if (!strcmp(argv[1], "recurse")) {
		long bad = 0;

		for (i = 0; i < n; i++) {
			int fd = open("/dev/kmsg", O_WRONLY);
			struct timespec ts;
			char buf[64];
			int len = snprintf(buf, sizeof(buf), "<7>tload: round %ld\n", i);

			if (fd < 0 || write(fd, buf, (size_t)len) != len)
				bad++;
			if (fd >= 0)
				close(fd);
			/* not the vDSO: the kernel's clocks (ktime_get_with_offset) */
			syscall(SYS_clock_gettime, CLOCK_TAI, &ts);
			syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &ts);
			fd = open("/proc/self/stat", O_RDONLY);
			if (fd >= 0) {
				if (read(fd, buf, sizeof(buf)) < 0)
					perror("tload: read");
				close(fd);
			}
		}
		printf("rounds %ld kmsg-failures %ld\n", n, bad);
	} else {
		fprintf(stderr, "tload: unknown workload %s\n", argv[1]);
		return 2;
	}
	return 0;
}
