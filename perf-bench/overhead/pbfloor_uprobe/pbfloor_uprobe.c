// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pbfloor_uprobe: the overhead suite's floor for user-space probes
 * (docs/overhead.md).  One bare uprobe on pbload's pb_ufunc, whose first
 * instruction is its SDT marker: what any uprobe-based tracer (our
 * process().function and .mark, bpftrace's uprobe: and usdt:, SystemTap's)
 * pays before its own handler runs.
 *
 * The binary and the file offset come as parameters: the prebuild reads
 * the offset from the binary (a symbol's address less its segment's).
 * The handler only counts, so that the suite can tell that the uprobe
 * fired (a wrong offset would make a floor of nothing): hits, read from
 * /sys/module/pbfloor_uprobe/parameters/hits.
 *
 * 6.12 changed the API: uprobe_register takes the reference counter's
 * offset and returns the uprobe, which is unregistered in two steps
 * (runtime/kernel/kmain.c does the same by a compile probe; a kernel
 * version is enough for a module the suite builds per kernel).
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/uprobes.h>
#include <linux/version.h>

static char *path;
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "the probed binary (pbload)");
static unsigned long offset;
module_param(offset, ulong, 0444);
MODULE_PARM_DESC(offset, "file offset of the probed instruction");
static unsigned long hits;
module_param(hits, ulong, 0444);
MODULE_PARM_DESC(hits, "uprobe hits so far (not atomic: a sign of life)");

static struct path pbfloor_path;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static struct uprobe *pbfloor_uprobe;
#endif

static int pbfloor_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	hits++;
	return 0;
}

static struct uprobe_consumer pbfloor_uc = { .handler = pbfloor_hit };

static int pbfloor_register(struct inode *inode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	pbfloor_uprobe = uprobe_register(inode, offset, 0, &pbfloor_uc);
	return PTR_ERR_OR_ZERO(pbfloor_uprobe);
#else
	return uprobe_register(inode, offset, &pbfloor_uc);
#endif
}

static int __init pbfloor_uprobe_init(void)
{
	int rc;

	if (!path || !offset) {
		pr_err("pbfloor_uprobe: needs path=BINARY offset=FILE_OFFSET\n");
		return -EINVAL;
	}
	rc = kern_path(path, LOOKUP_FOLLOW, &pbfloor_path);
	if (rc) {
		pr_err("pbfloor_uprobe: %s: %d\n", path, rc);
		return rc;
	}
	rc = pbfloor_register(d_inode(pbfloor_path.dentry));
	if (rc) {
		pr_err("pbfloor_uprobe: uprobes refuse %s+%#lx: %d\n", path,
		       offset, rc);
		path_put(&pbfloor_path);
	}
	return rc;
}

static void __exit pbfloor_uprobe_exit(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	uprobe_unregister_nosync(pbfloor_uprobe, &pbfloor_uc);
	uprobe_unregister_sync();
#else
	uprobe_unregister(d_inode(pbfloor_path.dentry), offset, &pbfloor_uc);
#endif
	path_put(&pbfloor_path);
}

module_init(pbfloor_uprobe_init);
module_exit(pbfloor_uprobe_exit);
MODULE_DESCRIPTION("stap overhead suite: a bare uprobe, the floor of user-space probes");
MODULE_LICENSE("GPL");
