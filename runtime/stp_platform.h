/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_platform.h - the hooks the portable core needs from the platform
 * layer (runtime/user/ in user space, the kernel flavour in a module).
 * The core calls nothing else outside stp_types.h.
 */
#ifndef STP_PLATFORM_H
#define STP_PLATFORM_H

#include "stp_types.h"

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
