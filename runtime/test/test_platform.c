// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_platform.c - the platform hooks for the unit tests: malloc-based
 * stp_alloc that can be told to fail, and an stp_read_memory over this
 * process's memory that faults in a chosen address range.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../stp_platform.h"

long t_alloc_fail_at;
long t_alloc_live;
uintptr_t t_fault_lo, t_fault_hi;
long t_reads;

void *stp_alloc(size_t size)
{
	void *p;

	if (t_alloc_fail_at > 0 && --t_alloc_fail_at == 0)
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		t_alloc_live++;
	return p;
}

void stp_free(void *p)
{
	if (!p)
		return;
	t_alloc_live--;
	free(p);
}

int stp_read_memory(void *dst, int64_t addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;

	t_reads++;
	if (a == 0 || (a < t_fault_hi && a + len > t_fault_lo))
		return STP_EFAULT;
	memcpy(dst, (const void *)a, len);
	return 0;
}
