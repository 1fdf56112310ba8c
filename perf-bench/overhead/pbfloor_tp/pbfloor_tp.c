// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pbfloor_tp: the overhead suite's floor for tracepoints (docs/overhead.md).
 * An empty callback on raw_syscalls:sys_enter, the tracepoint the
 * tracepoint variants probe: what any tracepoint-based tracer pays
 * before its own handler runs (every system call hits it once).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

static struct tracepoint *pbfloor_tp;

static void notrace pbfloor_tp_hit(void *data, struct pt_regs *regs, long id)
{
}

static void pbfloor_match(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_enter"))
		pbfloor_tp = tp;
}

static int __init pbfloor_tp_init(void)
{
	for_each_kernel_tracepoint(pbfloor_match, NULL);
	if (!pbfloor_tp) {
		pr_err("pbfloor_tp: no sys_enter tracepoint\n");
		return -ENOENT;
	}
	return tracepoint_probe_register(pbfloor_tp, pbfloor_tp_hit, NULL);
}

static void __exit pbfloor_tp_exit(void)
{
	tracepoint_probe_unregister(pbfloor_tp, pbfloor_tp_hit, NULL);
	tracepoint_synchronize_unregister();
}

module_init(pbfloor_tp_init);
module_exit(pbfloor_tp_exit);
MODULE_DESCRIPTION("stap overhead suite: an empty tracepoint callback, its floor");
MODULE_LICENSE("GPL");
