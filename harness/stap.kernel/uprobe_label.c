/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uprobe_label.c - the program uprobe_label probes (kernel.exp builds it
 * here, with -g): "uprobe_label N" calls stp_classify(v) for v = 0 ..
 * N-1, which jumps to its label "multiple" for each v that 3 divides.
 */
#include <stdlib.h>

volatile int stp_sink;

__attribute__((noinline)) int stp_classify(int v)
{
	if (v % 3 == 0)
		goto multiple;
	stp_sink += 1;
	return 1;
multiple:
	stp_sink += v;
	return 2;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, i, total = 0;

	for (i = 0; i < n; i++)
		total += stp_classify(i);
	return total < 0;
}
