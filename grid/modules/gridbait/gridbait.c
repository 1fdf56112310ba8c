// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gridbait: misbehaves on request so stapgrid's selftest can check that each
 * kind of kernel failure gets its verdict.  mode=oops dereferences NULL in
 * init (an Oops, insmod killed, no panic); mode=warn hits WARN_ON; mode=hang
 * stops every CPU with interrupts off, so nothing runs any more: no
 * watchdog petting, no console, only the host can tell.
 */
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/irqflags.h>

static char *mode = "none";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "oops, warn or hang");

static void spin(void *unused)
{
	local_irq_disable();
	for (;;)
		cpu_relax();
}

static int __init gridbait_init(void)
{
	if (!strcmp(mode, "oops")) {
		int *volatile p = NULL;

		pr_info("gridbait: dereferencing NULL\n");
		return *p;
	}
	if (!strcmp(mode, "warn")) {
		WARN_ON(1);
		return -EAGAIN; /* nothing to keep loaded */
	}
	if (!strcmp(mode, "hang")) {
		pr_info("gridbait: stopping every CPU\n");
		on_each_cpu(spin, NULL, 0);
		spin(NULL);
	}
	return -EINVAL;
}

module_init(gridbait_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapgrid selftest bait");
