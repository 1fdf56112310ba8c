/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_platform.h - the hooks the portable core needs from the platform
 * layer (runtime/user/ in user space, runtime/kernel/ in a module): the
 * only place, with stp_types.h and stp_runtime.h's platform section,
 * where the two flavours differ.  The core's .c files have no
 * __KERNEL__ of their own; they call nothing else outside stp_types.h.
 */
#ifndef STP_PLATFORM_H
#define STP_PLATFORM_H

#include "stp_types.h"

/*
 * The C library the core uses (stdarg, snprintf, vsnprintf), and the
 * bit and cache helpers of its hot paths, inline: a call each would
 * cost more than they do.  The kernel has its own: hweight32 takes
 * popcnt where the CPU has it, where GCC's __builtin_popcount may call
 * libgcc, which a module cannot link.
 */
#ifdef __KERNEL__
#include <linux/stdarg.h>
#include <linux/bitops.h>
#include <linux/prefetch.h>

#define stp_prefetch(p) prefetch(p)

static inline unsigned int stp_popcount32(uint32_t x)
{
	return hweight32(x);
}

/* Number of significant bits of a nonzero U: 1..64. */
static inline int stp_fls64(uint64_t u)
{
	return fls64(u);
}
#else
#include <stdarg.h>
#include <stdio.h>

#define stp_prefetch(p) __builtin_prefetch(p)

static inline unsigned int stp_popcount32(uint32_t x)
{
	return (unsigned int)__builtin_popcount(x);
}

static inline int stp_fls64(uint64_t u)
{
	return 64 - __builtin_clzll(u);
}
#endif

/*
 * Memory for a map, at start-up only (stp_map_new / stp_map_free): never
 * on a probe's path.  Returns NULL when memory is short.  Sizes may be
 * large (a map of 100,000 entries with string keys is tens of MB), so the
 * kernel flavour should use kvmalloc or vmalloc.  The memory need not be
 * zeroed; stp_free(NULL) does nothing.
 */
void *stp_alloc(size_t size);
void stp_free(void *p);

/*
 * Reads memory for %m / %M (declared in stp_printf.h): returns 0 or
 * STP_EFAULT.  %#m and %#M read user memory through
 * stp_read_user_memory, which is stp_read_memory unless the platform
 * defines it (the kernel flavour does; in user space there is one
 * address space).
 */
int stp_read_memory(void *dst, int64_t addr, size_t len);
#ifndef stp_read_user_memory
#define stp_read_user_memory stp_read_memory
#endif

#endif /* STP_PLATFORM_H */
