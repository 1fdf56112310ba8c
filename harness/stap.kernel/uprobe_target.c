/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uprobe_target.c - the program the uprobe_* tests probe (kernel.exp
 * builds it here, with -g, before the tests): "uprobe_target N" calls
 * stp_add(i, 100) for i = 0 .. N-1 and malloc N times, nothing else of
 * its own; libc's start-up calls no malloc for a program without stdio.
 */
#include <stdlib.h>

__attribute__((noinline)) int stp_add(int a, int b)
{
	int sum = a + b;

	return sum;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, i;
	volatile int total = 0;

	for (i = 0; i < n; i++) {
		char *p = malloc(16 + (size_t)i);

		total += stp_add(i, 100);
		free(p);
	}
	return total < 0;
}
