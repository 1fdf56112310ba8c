/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ktapset.c - the kernel side of the generic tapsets (ktapset.h):
 * function arguments from the registers a kprobe saw, the time zone,
 * and requests to staprun on the control channel.  Nothing here sleeps
 * or allocates: requests are built on the stack and queued in the
 * control ring, which counts what does not fit (stp_dropped).
 */
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kernel.h"
#include "ktapset.h"

#ifdef CONFIG_X86_64
/* The x86-64 ABI: six integer arguments in registers, then the stack,
 * above the return address a kprobe on the entry sees at sp. */
static bool arg_value(const struct pt_regs *r, int64_t n, unsigned long *v)
{
	switch (n) {
	case 1: *v = r->di; return true;
	case 2: *v = r->si; return true;
	case 3: *v = r->dx; return true;
	case 4: *v = r->cx; return true;
	case 5: *v = r->r8; return true;
	case 6: *v = r->r9; return true;
	}
	return !copy_from_kernel_nofault(v, (void *)(r->sp + 8 * (n - 6)),
					 sizeof(*v));
}
#define ARGS_KNOWN true
#else
/* Other architectures are not described here (yet). */
static bool arg_value(const struct pt_regs *r, int64_t n, unsigned long *v)
{
	return false;
}
#define ARGS_KNOWN false
#endif

int64_t stp_func_arg(struct stp_context *c, int64_t n, bool is_signed,
		     bool truncate)
{
	unsigned long v;

	if (!c->regs || !ARGS_KNOWN) {
		stp_error(c, "cannot access function args in this context");
		return 0;
	}
	/* The stack holds a function's arguments past the sixth; further
	 * than a page of them is no argument. */
	if (n < 1 || n > 6 + 512) {
		stp_error(c, "cannot access arg(%lld)", (long long)n);
		return 0;
	}
	if (!arg_value(c->regs, n, &v)) {
		stp_error(c, "kernel fault accessing arg(%lld)", (long long)n);
		return 0;
	}
	if (!truncate)
		return (int64_t)v;
	return is_signed ? (int64_t)(int32_t)v : (int64_t)(uint32_t)v;
}

/* ---- the time zone, as staprun found it ---- */

static int64_t tz_gmtoff;
static char tz_name[16];
static int64_t staprun_pid;

/* staprun writes the command: its process is the one running the script. */
int stp_tz_command(const char *arg)
{
	long long off;
	char name[sizeof(tz_name)];

	if (sscanf(arg, "%lld %15s", &off, name) != 2)
		return -EINVAL;
	tz_gmtoff = off;
	strscpy(tz_name, name, sizeof(tz_name));
	staprun_pid = task_tgid_nr(current);
	return 0;
}

int64_t stp_staprun_pid(void)
{
	return staprun_pid;
}

int64_t stp_tz_gmtoff(void)
{
	return tz_gmtoff;
}

void stp_tz_name(char *out)
{
	strscpy(out, tz_name, MAXSTRINGLEN);
}

/* ---- requests to staprun ---- */

/* The handler's output so far goes first: a request acts after it. */
static void flush_output(struct stp_context *c)
{
	if (c->out_len)
		stp_transport_write(c->out, c->out_len);
	c->out_len = 0;
}

/* On the probe's stack: a bound whatever MAXSTRINGLEN is. */
#define SYSTEM_LINE 512

void stp_system(struct stp_context *c, const char *cmd)
{
	char line[SYSTEM_LINE];
	size_t n;

	flush_output(c);
	n = scnprintf(line, sizeof(line), "SYSTEM %llu ",
		      (unsigned long long)stp_transport_records());
	/* One line each: the command's own newlines are escaped. */
	for (; *cmd && n + 3 < sizeof(line); cmd++) {
		if (*cmd == '\n' || *cmd == '\\') {
			line[n++] = '\\';
			line[n++] = *cmd == '\n' ? 'n' : '\\';
		} else {
			line[n++] = *cmd;
		}
	}
	/* A command cut short could do something else: it does not run. */
	if (*cmd) {
		stp_error(c, "system() command too long (at most about %d bytes)",
			  SYSTEM_LINE - 32);
		return;
	}
	line[n++] = '\n';
	line[n] = 0;
	stp_control_send(line);
}

void stp_switch_file(struct stp_context *c)
{
	char line[48];

	flush_output(c);
	snprintf(line, sizeof(line), "SWITCHFILE %llu\n",
		 (unsigned long long)stp_transport_records());
	stp_control_send(line);
}
