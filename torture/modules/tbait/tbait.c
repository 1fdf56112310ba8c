// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tbait: the torture suite's bait (torture/README.md, docs/torture.md).
 * Files in /sys/kernel/debug/tbait/:
 *
 *   hot     write N: call tbait_hot() N times in the writer's context, a
 *           kernel hot loop on the writer's CPU; read: the calls made since
 *           the last reset, exactly (a per-CPU count of the function's own)
 *   reset   write anything: zero the count
 *   floor   write none|kprobe|kretprobe: a bare kprobe or kretprobe with an
 *           empty handler on tbait_stack_target, the floor a tracer's probe
 *           of that type cannot go under
 *   stack   write MARGIN: the stack hog.  Recurse in 256-byte frames until
 *           MARGIN..MARGIN+512 bytes of the task's stack are left, paint
 *           what is left with a pattern, call tbait_stack_target() (the
 *           probed function) with interrupts off, and find the deepest
 *           word the call overwrote; read: "left L used U" in bytes (L the
 *           stack left below the caller's frame, U what the call used of
 *           it, probe handlers included)
 *
 * tbait_nokprobe() and tbait_noinstr() are never called: kprobes must
 * refuse them (the blacklist, the noinstr section).
 *
 * Nothing here runs in a probe's context; the hot function and the stack
 * target are noinline so probes can take them.
 */
#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>

#define PAINT 0x5aa5c33cf00f5aa5UL

static DEFINE_PER_CPU(unsigned long, hot_calls);
static struct dentry *dir;
static DEFINE_MUTEX(lock);
static long last_left, last_used;

noinline __attribute__((__noipa__)) void tbait_hot(unsigned long i)
{
	this_cpu_inc(hot_calls);
	barrier();
}
EXPORT_SYMBOL_GPL(tbait_hot);

noinline __attribute__((__noipa__)) int tbait_stack_target(int depth, unsigned long margin)
{
	barrier();
	return depth + (int)(margin & 1);
}
EXPORT_SYMBOL_GPL(tbait_stack_target);

/*
 * A driver's functions kprobes must refuse: one on the kprobe blacklist,
 * one in the noinstr section.  The translator cannot know (no debug
 * information for this module): registration refuses them.
 */
noinline int tbait_nokprobe(int x)
{
	barrier();
	return x + 1;
}
NOKPROBE_SYMBOL(tbait_nokprobe);
EXPORT_SYMBOL_GPL(tbait_nokprobe);

noinstr int tbait_noinstr(int x)
{
	return x + 2;
}
EXPORT_SYMBOL_GPL(tbait_noinstr);

/* ---- floor probes ---- */

static int floor_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static int floor_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe floor_kp = {
	.symbol_name = "tbait_stack_target",
	.pre_handler = floor_pre,
};
static struct kretprobe floor_rp = {
	.kp.symbol_name = "tbait_stack_target",
	.handler = floor_ret,
};
static int floor_kind; /* 0 none, 1 kprobe, 2 kretprobe */

static void floor_off(void)
{
	if (floor_kind == 1)
		unregister_kprobe(&floor_kp);
	if (floor_kind == 2)
		unregister_kretprobe(&floor_rp);
	floor_kind = 0;
}

static int floor_set(const char *what)
{
	int rc = 0;

	floor_off();
	/* A probe registered once must be cleared to register again. */
	if (!strcmp(what, "kprobe")) {
		memset(&floor_kp, 0, sizeof(floor_kp));
		floor_kp.symbol_name = "tbait_stack_target";
		floor_kp.pre_handler = floor_pre;
		rc = register_kprobe(&floor_kp);
		floor_kind = rc ? 0 : 1;
	} else if (!strcmp(what, "kretprobe")) {
		memset(&floor_rp, 0, sizeof(floor_rp));
		floor_rp.kp.symbol_name = "tbait_stack_target";
		floor_rp.handler = floor_ret;
		rc = register_kretprobe(&floor_rp);
		floor_kind = rc ? 0 : 2;
	} else if (strcmp(what, "none")) {
		rc = -EINVAL;
	}
	return rc;
}

/* ---- the stack hog ---- */

static unsigned long stack_bottom(void)
{
	return (unsigned long)task_stack_page(current);
}

/*
 * Paint, call, scan.  Not instrumented by KASAN: it reads and writes the
 * free part of the stack below its own frame on purpose.
 */
static noinline __no_sanitize_address int leaf(int depth, unsigned long margin)
{
	unsigned long flags, sp, lo, hi, *p;
	int rc;

	local_irq_save(flags);
	sp = current_stack_pointer;
	lo = stack_bottom() + 64; /* STACK_END_MAGIC and a little slack */
	hi = sp - 32;
	for (p = (unsigned long *)lo; (unsigned long)p < hi; p++)
		*p = PAINT;
	barrier();
	rc = tbait_stack_target(depth, margin);
	barrier();
	for (p = (unsigned long *)lo; (unsigned long)p < hi && *p == PAINT; p++)
		;
	local_irq_restore(flags);
	last_left = (long)(sp - stack_bottom());
	last_used = (unsigned long)p < hi ? (long)(sp - (unsigned long)p) : 0;
	return rc;
}

static noinline int hog(int depth, unsigned long margin)
{
	volatile char pad[256];
	unsigned long left = current_stack_pointer - stack_bottom();
	int rc;

	pad[0] = (char)depth;
	pad[sizeof(pad) - 1] = (char)depth;
	if (left > margin + 512)
		rc = hog(depth + 1, margin);
	else
		rc = leaf(depth, margin);
	return rc + pad[0] + pad[sizeof(pad) - 1]; /* no tail call */
}

/* ---- debugfs ---- */

static int read_arg(const char __user *ubuf, size_t len, char *buf, size_t size)
{
	if (len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	strim(buf);
	return 0;
}

static ssize_t hot_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[32];
	unsigned long n, i;
	int rc = read_arg(ubuf, len, buf, sizeof(buf));

	if (rc)
		return rc;
	if (kstrtoul(buf, 0, &n))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		tbait_hot(i);
		if ((i & 1023) == 1023) {
			cond_resched();
			if (fatal_signal_pending(current))
				return -EINTR;
		}
	}
	return len;
}

static ssize_t hot_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char buf[32];
	unsigned long sum = 0;
	int cpu, n;

	for_each_possible_cpu(cpu)
		sum += per_cpu(hot_calls, cpu);
	n = scnprintf(buf, sizeof(buf), "%lu\n", sum);
	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static ssize_t reset_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(hot_calls, cpu) = 0;
	return len;
}

static ssize_t floor_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[16];
	int rc = read_arg(ubuf, len, buf, sizeof(buf));

	if (rc)
		return rc;
	mutex_lock(&lock);
	rc = floor_set(buf);
	mutex_unlock(&lock);
	return rc ? rc : len;
}

static ssize_t stack_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[32];
	unsigned long margin;
	int rc = read_arg(ubuf, len, buf, sizeof(buf));

	if (rc)
		return rc;
	if (kstrtoul(buf, 0, &margin) || margin < 1024 || margin > THREAD_SIZE / 2)
		return -EINVAL;
	mutex_lock(&lock);
	hog(0, margin);
	mutex_unlock(&lock);
	return len;
}

static ssize_t stack_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64];
	int n = scnprintf(buf, sizeof(buf), "left %ld used %ld\n", last_left, last_used);

	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static const struct file_operations hot_fops = {
	.owner = THIS_MODULE, .write = hot_write, .read = hot_read,
};
static const struct file_operations reset_fops = {
	.owner = THIS_MODULE, .write = reset_write,
};
static const struct file_operations floor_fops = {
	.owner = THIS_MODULE, .write = floor_write,
};
static const struct file_operations stack_fops = {
	.owner = THIS_MODULE, .write = stack_write, .read = stack_read,
};

/* The files in debugfs/tbait/. */
static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} files[] = {
	{ "hot", 0600, &hot_fops },
	{ "reset", 0200, &reset_fops },
	{ "floor", 0200, &floor_fops },
	{ "stack", 0600, &stack_fops },
};

static int __init tbait_init(void)
{
	int i;

	dir = debugfs_create_dir("tbait", NULL);
	if (IS_ERR_OR_NULL(dir))
		return -ENODEV;
	for (i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_file(files[i].name, files[i].mode, dir, NULL,
				    files[i].fops);
	return 0;
}

static void __exit tbait_exit(void)
{
	debugfs_remove_recursive(dir);
	mutex_lock(&lock);
	floor_off();
	mutex_unlock(&lock);
}

module_init(tbait_init);
module_exit(tbait_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stap torture suite: hot function, stack hog, floor probes");
