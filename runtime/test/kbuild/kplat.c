// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kplat.c - a minimal kernel platform for the portable core, only to
 * prove that the core builds as part of a module with the kernel's own
 * flags (kbuild, -Werror): `make check-runtime-kbuild`.  The module is
 * built, not loaded; the real kernel flavour is runtime/kernel/.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "stp_platform.h"
#include "stp_map.h"
#include "stp_printf.h"
#include "stp_string.h"

void *stp_alloc(size_t size)
{
	return kvmalloc(size, GFP_KERNEL);
}

void stp_free(void *p)
{
	kvfree(p);
}

int stp_read_memory(void *dst, int64_t addr, size_t len)
{
	if (copy_from_kernel_nofault(dst, (const void *)(uintptr_t)addr, len))
		return STP_EFAULT;
	return 0;
}

/* Something of each module, so that nothing is left out of the link. */
static int __init stpcore_init(void)
{
	struct stp_map_spec spec = { .nkeys = 1, .key_kind = { STP_LONG },
				     .value_kind = STP_STAT };
	struct stp_map *map;
	union stp_arg a = { .l = 42 };
	char buf[MAXSTRINGLEN];
	int err = 0;

	stp_hist_log_spec(&spec.hist);
	map = stp_map_new(&spec);
	if (!map)
		return -ENOMEM;
	stp_stat_add(stp_map_stat(stp_map_insert(map, &a, &err)), &spec.hist, 7);
	stp_map_sort(map, 0, 1, STP_AVG, 0);
	stp_map_free(map);
	stp_format(buf, sizeof(buf), "%d %s\n", &a, 1);
	stp_text_str(buf, "x\n", 0, 1);
	return err;
}

static void __exit stpcore_exit(void)
{
}

module_init(stpcore_init);
module_exit(stpcore_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stap runtime core: build check");
