// SPDX-License-Identifier: GPL-2.0-or-later
/* drive.c - see drive.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "stp_platform.h"

static uint64_t seed;
static long bad;

uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

bool drive_say(void)
{
	return bad < 5;
}

void *stp_alloc(size_t size)
{
	return malloc(size);
}

void stp_free(void *p)
{
	free(p);
}

int stp_read_memory(void *dst, int64_t addr, size_t len)
{
	memcpy(dst, (const void *)(uintptr_t)addr, len);
	return 0;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : drive.iters, it;

	seed = drive.seed;
	for (it = 0; it < iters && (!drive.stop || bad < drive.stop); it++)
		bad += drive.one();
	printf("%ld %s, %ld differ\n", it, drive.what, bad);
	return bad != 0;
}
