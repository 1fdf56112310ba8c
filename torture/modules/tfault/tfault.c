// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tfault: allocation failures on request, for the torture suite's
 * fault-injection test, on any kernel with kretprobes.
 *
 * The kernel asks should_failslab() before every slab allocation and
 * should_fail_alloc_page() before every page allocation: they are the
 * hooks of its own failslab and fail_page_alloc (and of BPF's error
 * injection), compiled in even without CONFIG_FAULT_INJECTION up to 6.9
 * (since 6.10 only with fault or error injection: elsewhere tfault does
 * not load, and the test is unsupported).  tfault
 * puts a kretprobe on each and, for the Nth allocation made inside a
 * window, changes the answer to "fail", exactly as failslab's fail-nth
 * does.  A window is a call of load_module() (the module loader and the
 * module's init: contexts, maps, the transport) or of full_proxy_write()
 * (a write to a debugfs file: staprun's "start", which arms the probes)
 * by a task whose name is `comm`.  Allocations with __GFP_NOFAIL, and
 * with __GFP_NOMEMALLOC (kmemleak's own), are never failed.
 *
 * Teardown is outside the windows: while unregister_kprobes() or
 * unregister_kretprobes() runs (an arming that failed, undone), nothing
 * is failed.  The kernel cannot recover from an allocation failing there:
 * disarming an ftrace-based kprobe needs a new ftrace hash, and on
 * -ENOMEM kprobes warns ("Failed to disarm kprobe-ftrace") and keeps the
 * probe in its table, whose memory its module then frees (seen as oopses
 * in kprobes_module_callback on the uniprocessor kernel).
 *
 * With mode "native" (kernels with CONFIG_FAULT_INJECTION, like the
 * grid's debug kernel with failslab) tfault injects nothing itself: at
 * each window's entry it sets the task's fail_nth, so the kernel's own
 * failslab (and fail_page_alloc, where configured) fails the Nth
 * allocation; at the window's exit it clears what is left of it.
 *
 * /sys/kernel/debug/tfault/
 *   comm    the task name (default staprun)
 *   mode    hook (default) or native; reading says which modes this
 *           kernel offers
 *   nth     0: count only; N: fail the Nth allocation of the windows that
 *           follow the write (once)
 *   stats   "calls C injected I windows W": allocations seen in windows
 *           (hook mode), failures injected, windows entered, since nth
 *           was written
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

static char comm[TASK_COMM_LEN] = "staprun";
static struct task_struct *window_task;
static bool paused; /* the window's task is tearing probes down */
#ifdef CONFIG_FAULT_INJECTION
static unsigned int paused_nth;
#endif
static atomic_t calls, injected, windows;
static unsigned int nth;
static bool native; /* fail_nth and the kernel's failslab, not our hooks */
static struct dentry *dir;

/* ---- windows ---- */

static int window_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	bool *mine = (bool *)ri->data;

	*mine = false;
	if (strncmp(current->comm, comm, TASK_COMM_LEN))
		return 1; /* not ours: no return probe */
	if (cmpxchg(&window_task, NULL, current) != NULL)
		return 1;
	*mine = true;
	atomic_inc(&windows);
#ifdef CONFIG_FAULT_INJECTION
	if (native && READ_ONCE(nth) && !atomic_read(&injected))
		WRITE_ONCE(current->fail_nth, READ_ONCE(nth));
#endif
	return 0;
}

static int window_leave(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (!*(bool *)ri->data)
		return 0;
#ifdef CONFIG_FAULT_INJECTION
	if (native && READ_ONCE(nth) && !atomic_read(&injected)) {
		/* fail_nth counts down to the failure: 0 means it happened. */
		if (READ_ONCE(current->fail_nth) == 0)
			atomic_inc(&injected);
		WRITE_ONCE(current->fail_nth, 0);
	}
#endif
	WRITE_ONCE(window_task, NULL);
	return 0;
}

/* Teardown: no failure while the window's task unregisters probes. */
static int pause_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (READ_ONCE(window_task) != current || READ_ONCE(paused))
		return 1;
	WRITE_ONCE(paused, true);
#ifdef CONFIG_FAULT_INJECTION
	paused_nth = current->fail_nth;
	WRITE_ONCE(current->fail_nth, 0);
#endif
	return 0;
}

static int pause_leave(struct kretprobe_instance *ri, struct pt_regs *regs)
{
#ifdef CONFIG_FAULT_INJECTION
	WRITE_ONCE(current->fail_nth, paused_nth);
#endif
	WRITE_ONCE(paused, false);
	return 0;
}

/* ---- allocation hooks ---- */

struct hook {
	struct kretprobe rp;
	bool slab; /* should_failslab: nonzero errno fails; else a bool */
};

static int hook_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct hook *h = container_of(get_kretprobe(ri), struct hook, rp);
	gfp_t gfp = h->slab ? (gfp_t)regs->si : (gfp_t)regs->di;

	/* __GFP_NOMEMALLOC: kmemleak's own objects (a failure there turns
	 * kmemleak off) and other allocations that may fail anyway. */
	if (READ_ONCE(native) || READ_ONCE(window_task) != current ||
	    READ_ONCE(paused) || (gfp & (__GFP_NOFAIL | __GFP_NOMEMALLOC)))
		return 1;
	return 0;
}

static int hook_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct hook *h = container_of(get_kretprobe(ri), struct hook, rp);
	unsigned int n, want = READ_ONCE(nth);

	if (regs->ax) /* failing already */
		return 0;
	n = atomic_inc_return(&calls);
	if (want && n == want) {
		regs->ax = h->slab ? (unsigned long)-ENOMEM : 1;
		atomic_inc(&injected);
	}
	return 0;
}

static struct kretprobe win_load = {
	.kp.symbol_name = "load_module", .entry_handler = window_enter,
	.handler = window_leave, .data_size = sizeof(bool), .maxactive = 8,
};
static struct kretprobe win_write = {
	.kp.symbol_name = "full_proxy_write", .entry_handler = window_enter,
	.handler = window_leave, .data_size = sizeof(bool), .maxactive = 8,
};
static struct hook hook_slab = {
	.rp = { .kp.symbol_name = "should_failslab", .entry_handler = hook_enter,
		.handler = hook_ret, .maxactive = 8 },
	.slab = true,
};
static struct hook hook_page = {
	.rp = { .kp.symbol_name = "should_fail_alloc_page", .entry_handler = hook_enter,
		.handler = hook_ret, .maxactive = 8 },
};
static struct kretprobe pause_kp = {
	.kp.symbol_name = "unregister_kprobes", .entry_handler = pause_enter,
	.handler = pause_leave, .maxactive = 8,
};
static struct kretprobe pause_rp = {
	.kp.symbol_name = "unregister_kretprobes", .entry_handler = pause_enter,
	.handler = pause_leave, .maxactive = 8,
};
static struct kretprobe *probes[] = { &hook_slab.rp, &hook_page.rp, &win_load, &win_write,
				      &pause_kp, &pause_rp };

/* ---- debugfs ---- */

static ssize_t nth_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	unsigned int n;
	int rc = kstrtouint_from_user(ubuf, len, 0, &n);

	if (rc)
		return rc;
	WRITE_ONCE(nth, 0);
	atomic_set(&calls, 0);
	atomic_set(&injected, 0);
	atomic_set(&windows, 0);
	WRITE_ONCE(nth, n);
	return len;
}

static ssize_t stats_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char buf[96];
	int n = scnprintf(buf, sizeof(buf), "calls %d injected %d windows %d\n",
			  atomic_read(&calls), atomic_read(&injected), atomic_read(&windows));

	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static ssize_t comm_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[TASK_COMM_LEN];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	strim(buf);
	strscpy(comm, strim(buf), sizeof(comm));
	return len;
}

static ssize_t mode_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[16];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (!strcmp(strim(buf), "hook")) {
		WRITE_ONCE(native, false);
		return len;
	}
#ifdef CONFIG_FAULT_INJECTION
	if (!strcmp(strim(buf), "native")) {
		WRITE_ONCE(native, true);
		return len;
	}
#endif
	return -EINVAL;
}

static ssize_t mode_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64];
	int n = scnprintf(buf, sizeof(buf), "%s (offers hook%s)\n", native ? "native" : "hook",
			  IS_ENABLED(CONFIG_FAULT_INJECTION) ? " native" : "");

	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static const struct file_operations mode_fops = {
	.owner = THIS_MODULE, .write = mode_write, .read = mode_read,
};
static const struct file_operations nth_fops = { .owner = THIS_MODULE, .write = nth_write };
static const struct file_operations stats_fops = { .owner = THIS_MODULE, .read = stats_read };
static const struct file_operations comm_fops = { .owner = THIS_MODULE, .write = comm_write };

/* The files in debugfs/tfault/. */
static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} files[] = {
	{ "nth", 0200, &nth_fops },
	{ "stats", 0400, &stats_fops },
	{ "comm", 0200, &comm_fops },
	{ "mode", 0600, &mode_fops },
};

static int __init tfault_init(void)
{
	int i, rc = 0;

	/* One at a time, to say which is missing: since 6.10 the hooks are
	 * inline unless the kernel has fault or error injection. */
	for (i = 0; i < ARRAY_SIZE(probes) && !rc; i++) {
		rc = register_kretprobe(probes[i]);
		if (rc)
			pr_err("tfault: cannot probe %s: error %d%s\n", probes[i]->kp.symbol_name, rc,
			       rc == -ENOENT ? " (not in this kernel)" : "");
	}
	if (rc) {
		for (i -= 2; i >= 0; i--)
			unregister_kretprobe(probes[i]);
		return rc;
	}
	dir = debugfs_create_dir("tfault", NULL);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_file(files[i].name, files[i].mode, dir, NULL,
				    files[i].fops);
	return 0;
}

static void __exit tfault_exit(void)
{
	debugfs_remove_recursive(dir);
	unregister_kretprobes(probes, ARRAY_SIZE(probes));
}

module_init(tfault_init);
module_exit(tfault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stap torture suite: allocation failures in module load and probe arming");
