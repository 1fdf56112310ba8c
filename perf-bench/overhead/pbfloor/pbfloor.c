// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pbfloor: the overhead suite's floor (docs/overhead.md).  A bare kprobe
 * with an empty handler on each attach point the suite's scripts probe:
 * what any kprobe-based tracer pays before its own handler runs.  The
 * points are the same as perf-bench/overhead/scripts/points.stp's.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static int pbfloor_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe pbfloor_kp[] = {
	{ .symbol_name = "__x64_sys_getppid", .pre_handler = pbfloor_pre },
	{ .symbol_name = "pipe_read", .pre_handler = pbfloor_pre },
	{ .symbol_name = "shmem_file_read_iter", .pre_handler = pbfloor_pre },
	{ .symbol_name = "__x64_sys_execve", .pre_handler = pbfloor_pre },
};
static struct kprobe *pbfloor_kps[ARRAY_SIZE(pbfloor_kp)];

static int __init pbfloor_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(pbfloor_kp); i++)
		pbfloor_kps[i] = &pbfloor_kp[i];
	return register_kprobes(pbfloor_kps, ARRAY_SIZE(pbfloor_kps));
}

static void __exit pbfloor_exit(void)
{
	unregister_kprobes(pbfloor_kps, ARRAY_SIZE(pbfloor_kps));
}

module_init(pbfloor_init);
module_exit(pbfloor_exit);
MODULE_DESCRIPTION("stap overhead suite: empty kprobes, the floor");
MODULE_LICENSE("GPL");
