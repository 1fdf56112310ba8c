/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdt_guarded.c - sdt_target's marker guarded by a semaphore: its note
 * names the semaphore, and the marker's code runs only while a tracer
 * has set it (as dtrace -G's PROVIDER_NAME_ENABLED() tests).
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

/* <sys/sdt.h>'s convention: PROVIDER_NAME_semaphore in .probes. */
volatile unsigned short stpt_guarded_semaphore
	__attribute__((section(".probes")));

int fire_guarded(int i, const char *word, short neg);

/* 1 when the marker ran. */
int fire_guarded(int i, const char *word, short neg)
{
	if (!stpt_guarded_semaphore)
		return 0;
	STAP_PROBE3(stpt, guarded, i, word, neg);
	return 1;
}
