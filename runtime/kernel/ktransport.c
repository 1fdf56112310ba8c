/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ktransport.c - the kernel-to-user transport: per-cpu relay files for the
 * script's output and a control file for staprun, in
 * /sys/kernel/debug/MODULE/ (trace0, trace1 ... and .cmd).
 *
 * A handler's output becomes one record (or several, if it is larger
 * than a sub-buffer) on the relay of its CPU, stamped with a global
 * sequence number so staprun can merge the CPUs in order.  A full relay
 * drops the record and counts it: staprun reports the count at the end,
 * never silently.  Probes never wake anyone: staprun polls.
 */
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/relay.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "kernel.h"

static struct dentry *dir;
static struct rchan *chan;
static size_t subbuf_size;
static atomic64_t seq;
atomic64_t stp_dropped;

/* Control messages from the module to staprun: a ring of text lines. */
#define CONTROL_SIZE 16384
static char control[CONTROL_SIZE];
static size_t control_head, control_tail;	/* bytes written, read */
static DEFINE_RAW_SPINLOCK(control_lock);
static bool exit_sent;		/* "EXIT" told to staprun; under control_lock */

/*
 * The relay files are made by stp_transport_init, after relay_open has
 * made every CPU's buffer without files (no base name).  Were relay_open
 * to make them, a failure to make a CPU's file after the first would
 * leak the first CPU's buffer: Linux 6.1's relay_open_buf frees the
 * failed buffer through relay_destroy_buf, which clears the per-CPU slot
 * of buf->cpu, not yet set (0), so relay_open's cleanup no longer finds
 * CPU 0's buffer.  torture's fault-injection found the leak (2.9 MB of
 * MemAvailable).  Asked without a name, the callback only has to say the
 * buffer is per-CPU and return a dentry relay does not use.
 */
static struct dentry *create_buf_file(const char *filename,
				      struct dentry *parent, umode_t mode,
				      struct rchan_buf *buf, int *is_global)
{
	*is_global = 0;
	return dir;
}

/* The buffers relay_open made have no dentry: ours are removed with dir. */
static int remove_buf_file(struct dentry *dentry)
{
	return 0;
}

static const struct rchan_callbacks relay_callbacks = {
	.create_buf_file = create_buf_file,
	.remove_buf_file = remove_buf_file,
};

/*
 * traceN for CPU N's buffer: made for each online CPU at the load and,
 * through a CPU hotplug state, for a CPU that comes online later (relay
 * makes its buffer first, at CPUHP_RELAY_PREPARE); staprun looks for new
 * files at each poll.  A CPU that goes offline and comes back keeps its
 * buffer and its file.  A failure at the load fails the load; a later
 * one must not stop the CPU coming online: its records never reach
 * staprun, which counts them as lost in transit.
 */
static struct cpumask files_made;
static int online_state = -1;	/* the hotplug state, or -1 during the load */

static int make_relay_file(unsigned int cpu)
{
	struct rchan_buf *buf = *per_cpu_ptr(chan->buf, cpu);
	char name[24];

	if (cpumask_test_cpu(cpu, &files_made))
		return 0;
	snprintf(name, sizeof(name), "trace%u", cpu);
	if (!buf || IS_ERR_OR_NULL(debugfs_create_file(name, 0400, dir, buf,
						       &relay_file_operations)))
		return online_state >= 0 ? 0 : -ENOMEM;
	cpumask_set_cpu(cpu, &files_made);
	return 0;
}

static int make_relay_files(void)
{
	int rc = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "stap:trace",
				   make_relay_file, NULL);

	if (rc < 0)
		return rc;
	online_state = rc;
	return 0;
}

/* Any context: one record per sub-buffer's worth of output. */
void stp_transport_write(const char *data, size_t len)
{
	while (len) {
		size_t n = min(len, subbuf_size - sizeof(struct stp_record) -
				    STP_RECORD_FOOTER);
		struct stp_record *r;
		unsigned long flags;

		local_irq_save(flags);
		r = chan ? relay_reserve(chan, sizeof(*r) + n +
					 STP_RECORD_FOOTER) : NULL;
		if (r) {
			u64 s = atomic64_inc_return(&seq);

			/* transport.h: the footer after the data, the
			 * magic last, for a reader on another CPU */
			WRITE_ONCE(r->magic, 0);
			r->len = n;
			r->seq = s;
			memcpy(r + 1, data, n);
			smp_wmb();
			memcpy((char *)(r + 1) + n, &s, sizeof(s));
			smp_wmb();
			WRITE_ONCE(r->magic, STP_RECORD_MAGIC);
		} else {
			atomic64_inc(&stp_dropped);
		}
		local_irq_restore(flags);
		data += n;
		len -= n;
	}
}

u64 stp_transport_records(void)
{
	return atomic64_read(&seq);
}

/* Append TEXT to the control ring, whole or not at all; under control_lock. */
static bool control_put(const char *text)
{
	size_t len = strlen(text), i;

	if (control_head - control_tail + len > CONTROL_SIZE)
		return false;
	for (i = 0; i < len; i++)
		control[(control_head + i) % CONTROL_SIZE] = text[i];
	control_head += len;
	return true;
}

void stp_control_send(const char *text)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&control_lock, flags);
	if (!control_put(text))
		atomic64_inc(&stp_dropped);
	raw_spin_unlock_irqrestore(&control_lock, flags);
}

void stp_transport_error(const char *text)
{
	stp_control_send(text);
}

static ssize_t control_read(struct file *f, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	char chunk[256];
	size_t n = 0;
	unsigned long flags;

	raw_spin_lock_irqsave(&control_lock, flags);
	/* The session's end (exit(), an error, MAXSKIPPED, overload, a
	 * signal), told once, here in staprun's poll rather than on a hit's
	 * path, which so reads nothing after its handler (khit.h).  A full
	 * ring takes it at a later read, after this one has made room:
	 * never dropped, or staprun would wait for a signal. */
	if (!exit_sent && READ_ONCE(stp_session.exit_requested))
		exit_sent = control_put("EXIT\n");
	while (n < sizeof(chunk) && n < count && control_tail < control_head)
		chunk[n++] = control[control_tail++ % CONTROL_SIZE];
	raw_spin_unlock_irqrestore(&control_lock, flags);
	if (!n)
		return -EAGAIN;
	if (copy_to_user(ubuf, chunk, n))
		return -EFAULT;
	return n;
}

static ssize_t control_write(struct file *f, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char cmd[256];
	int rc;

	if (count >= sizeof(cmd))
		return -E2BIG;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = 0;
	rc = stp_session_command(strim(cmd));
	return rc < 0 ? rc : count;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.read = control_read,
	.write = control_write,
	.llseek = noop_llseek,
};

int stp_transport_init(const char *name, size_t subbuf, size_t nsubbufs)
{
	dir = debugfs_create_dir(name, NULL);
	if (IS_ERR_OR_NULL(dir))
		return -ENOENT;
	subbuf_size = subbuf;
	chan = relay_open(NULL, NULL, subbuf, nsubbufs, &relay_callbacks,
			  NULL);
	/* Without .cmd staprun could not drive the session: a failed load
	 * (out of memory) rather than a module nobody can talk to.  The
	 * caller's cleanup (stp_transport_exit) removes what was made. */
	if (!chan || make_relay_files() ||
	    IS_ERR_OR_NULL(debugfs_create_file(".cmd", 0600, dir, NULL,
					       &control_fops)))
		return -ENOMEM;
	return 0;
}

/* Make what is in the current sub-buffers readable. */
void stp_transport_flush(void)
{
	if (chan)
		relay_flush(chan);
}

/* Also after a failed stp_transport_init: removes what it made, once. */
void stp_transport_exit(void)
{
	if (online_state >= 0)
		cpuhp_remove_state_nocalls(online_state);
	online_state = -1;
	if (chan)
		relay_close(chan);
	chan = NULL;
	debugfs_remove_recursive(dir);
	dir = NULL;
}
