// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pbfloor_ftrace: the overhead suite's floor for function entry through
 * ftrace (docs/overhead.md).  One ftrace_ops with an empty callback on
 * the four attach points pbfloor's kprobes use: what a tracer that
 * enters functions through ftrace pays before its own handler runs.
 * Without FTRACE_OPS_FL_SAVE_REGS (no registers saved) and without
 * FTRACE_OPS_FL_RECURSION (ftrace calls the callback directly, not
 * through its recursion-guarding wrapper), as our quiet probes attach.
 *
 * ftrace knows a function by one name (kallsyms' first at its address;
 * __x64_sys_getppid is __do_sys_getppid there), so each point is found
 * by address: the address a kprobe on its name resolves to.
 */
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static const char *const pbfloor_points[] = {
	"__x64_sys_getppid", "pipe_read", "shmem_file_read_iter",
	"__x64_sys_execve",
};

static void notrace pbfloor_ftrace_hit(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *op,
				       struct ftrace_regs *fregs)
{
}

static struct ftrace_ops pbfloor_ops = { .func = pbfloor_ftrace_hit };

/* NAME's address, as a kprobe on it resolves it; 0 when none. */
static unsigned long pbfloor_address(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

static int __init pbfloor_ftrace_init(void)
{
	int i, rc;

	for (i = 0; i < ARRAY_SIZE(pbfloor_points); i++) {
		unsigned long addr = pbfloor_address(pbfloor_points[i]);

		if (!addr) {
			pr_err("pbfloor_ftrace: no address for %s\n",
			       pbfloor_points[i]);
			rc = -ENOENT;
			goto fail;
		}
		rc = ftrace_set_filter_ip(&pbfloor_ops, addr, 0, 0);
		if (rc) {
			pr_err("pbfloor_ftrace: ftrace refuses %s: %d\n",
			       pbfloor_points[i], rc);
			goto fail;
		}
	}
	rc = register_ftrace_function(&pbfloor_ops);
	if (rc == 0)
		return 0;
fail:
	ftrace_free_filter(&pbfloor_ops);
	return rc;
}

static void __exit pbfloor_ftrace_exit(void)
{
	unregister_ftrace_function(&pbfloor_ops);
	ftrace_free_filter(&pbfloor_ops);
}

module_init(pbfloor_ftrace_init);
module_exit(pbfloor_ftrace_exit);
MODULE_DESCRIPTION("stap overhead suite: an empty ftrace callback at function entry, its floor");
MODULE_LICENSE("GPL");
