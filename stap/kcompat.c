/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kcompat.c - which kernel APIs the target offers, found the way
 * autoconf would: each question is a tiny C file compiled with the
 * target's own kbuild (`make -k M=DIR a.o b.o ...`, one run for all).
 * The answers become stp_compat.h ("#define STP_HAVE_X 1" for each file
 * that compiled), which the kernel runtime's files include.  They are
 * cached per kernel (its build id) and per set of questions, so only the
 * first module built for a kernel pays for them, and kept in the target
 * directory when there is one (compat/KEY.h, docs/kernel.md), so that
 * they travel with it to another machine or cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stap.h"

typedef struct CompatProbe {
	const char *name;	/* STP_HAVE_<name> */
	const char *code;
} CompatProbe;

/* Each compiles only where the API exists (the kernel builds with
 * -Werror=implicit-function-declaration and -Werror=incompatible-...). */
static const CompatProbe probes[] = {
	{ "HRTIMER_SETUP",	/* 6.13: hrtimer_init() is going away */
	  "#include <linux/hrtimer.h>\n"
	  "static enum hrtimer_restart f(struct hrtimer *t)\n"
	  "{ return HRTIMER_NORESTART; }\n"
	  "void stp_probe(struct hrtimer *t)\n"
	  "{ hrtimer_setup(t, f, CLOCK_MONOTONIC, HRTIMER_MODE_REL); }\n" },
	{ "COPY_FROM_KERNEL_NOFAULT",	/* 5.8: was probe_kernel_read */
	  "#include <linux/uaccess.h>\n"
	  "long stp_probe(void *d, const void *s)\n"
	  "{ return copy_from_kernel_nofault(d, s, 1); }\n" },
	{ "STRNCPY_FROM_USER_NOFAULT",
	  "#include <linux/uaccess.h>\n"
	  "long stp_probe(char *d, const void __user *s)\n"
	  "{ return strncpy_from_user_nofault(d, s, 8); }\n" },
	{ "GET_KRETPROBE",	/* 5.11: ri->rp became get_kretprobe(ri) */
	  "#include <linux/kprobes.h>\n"
	  "void *stp_probe(struct kretprobe_instance *ri)\n"
	  "{ return get_kretprobe(ri); }\n" },
	{ "REGS_GET_KERNEL_ARGUMENT",
	  "#include <linux/ptrace.h>\n"
	  "unsigned long stp_probe(struct pt_regs *r)\n"
	  "{ return regs_get_kernel_argument(r, 1); }\n" },
	{ "PROC_OPS",		/* 5.6: proc files take struct proc_ops */
	  "#include <linux/proc_fs.h>\n"
	  "static const struct proc_ops o;\n"
	  "void *stp_probe(void) { return proc_create(\"x\", 0, 0, &o); }\n" },
	{ "STACK_TRACE_SAVE",
	  "#include <linux/stacktrace.h>\n"
	  "unsigned int stp_probe(unsigned long *e)\n"
	  "{ return stack_trace_save(e, 4, 0); }\n" },
	{ "TIMER_DELETE_SYNC",	/* 6.2: del_timer_sync's new name */
	  "#include <linux/timer.h>\n"
	  "int stp_probe(struct timer_list *t) { return timer_delete_sync(t); }\n" },
	{ "RELAY_CONST_CALLBACKS",
	  "#include <linux/relay.h>\n"
	  "static const struct rchan_callbacks cb;\n"
	  "void *stp_probe(void)\n"
	  "{ return relay_open(\"x\", 0, 1, 1, &cb, 0); }\n" },
	{ "STRLCPY",		/* 6.8: gone; scripts' embedded C calls it */
	  "#include <linux/string.h>\n"
	  "size_t stp_probe(char *d, const char *s)\n"
	  "{ return strlcpy(d, s, 8); }\n" },
	{ "PDE_DATA_LOWER",	/* 5.17: PDE_DATA() became pde_data() */
	  "#include <linux/proc_fs.h>\n"
	  "void *stp_probe(const struct inode *i) { return pde_data(i); }\n" },
	{ "UPROBE_REGISTER_PTR",	/* 6.12: uprobe_register returns the
					   uprobe, unregister is nosync+sync */
	  "#include <linux/uprobes.h>\n"
	  "struct uprobe *stp_probe(struct inode *i, struct uprobe_consumer *c)\n"
	  "{ return uprobe_register(i, 0, 0, c); }\n" },
	{ "PERF_EVENT_KERNEL_COUNTER",
	  "#include <linux/perf_event.h>\n"
	  "static void h(struct perf_event *e, struct perf_sample_data *d,\n"
	  "	      struct pt_regs *r) { }\n"
	  "void *stp_probe(struct perf_event_attr *a)\n"
	  "{ return perf_event_create_kernel_counter(a, 0, 0, h, 0); }\n" },
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

static const char *answers_key(void)
{
	Sha256 h;
	char hex[65];
	size_t i;

	sha256_init(&h);
	for (i = 0; i < NPROBES; i++) {
		sha256_update(&h, probes[i].name, strlen(probes[i].name));
		sha256_update(&h, probes[i].code, strlen(probes[i].code));
	}
	sha256_update(&h, S->kernel_release, strlen(S->kernel_release));
	if (S->kernel_build_id)
		sha256_update(&h, S->kernel_build_id,
			      strlen(S->kernel_build_id));
	else
		sha256_update(&h, S->kernel_build, strlen(S->kernel_build));
	sha256_hex(&h, hex);
	return arena_strndup(hex, 16);
}

/* Ask every question in DIR with one kbuild run; the header's text. */
static char *ask(const char *dir)
{
	VEC(char *) argv = { 0 };
	Buf kb = { 0 }, h = { 0 };
	size_t i;
	char *text;

	buf_puts(&kb, "obj-m :=");
	for (i = 0; i < NPROBES; i++) {
		if (!write_text(arena_printf("%s/%s.c", dir, probes[i].name),
				probes[i].code, false))
			return NULL;
		buf_printf(&kb, " %s.o", probes[i].name);
	}
	buf_putc(&kb, '\n');
	if (!write_text(arena_printf("%s/Kbuild", dir), kb.s, false))
		return NULL;
	buf_free(&kb);
	vec_push(&argv, "make");
	vec_push(&argv, "-k");
	vec_push(&argv, "-j2");
	vec_push(&argv, "-C");
	vec_push(&argv, (char *)S->kernel_build);
	vec_push(&argv, arena_printf("M=%s", dir));
	for (i = 0; i < NPROBES; i++)
		vec_push(&argv, arena_printf("%s.o", probes[i].name));
	vec_push(&argv, NULL);
	/* Failures are answers: the status says nothing on its own. */
	run_command(argv.v, arena_printf("%s/make.log", dir));
	buf_puts(&h, "/* Generated by stap's compile probes: do not edit. */\n");
	for (i = 0; i < NPROBES; i++)
		if (access(arena_printf("%s/%s.o", dir, probes[i].name),
			   F_OK) == 0)
			buf_printf(&h, "#define STP_HAVE_%s 1\n", probes[i].name);
	text = arena_strdup(h.s);
	buf_free(&h);
	return text;
}

/* A saved answer in FOLDER/compat/KEY.h; NULL when there is none. */
static const char *saved(const char *folder, const char *key)
{
	char *text;
	const char *r;
	size_t len;

	if (!folder)
		return NULL;
	text = read_file(arena_printf("%s/compat/%s.h", folder, key), &len);
	if (!text)
		return NULL;
	r = arena_strdup(text);
	free(text);
	return r;
}

static void save(const char *folder, const char *key, const char *text)
{
	if (folder && make_dirs(arena_printf("%s/compat", folder)))
		write_whole(arena_printf("%s/compat/%s.h", folder, key), text);
}

/* The answers, from the target directory (docs/kernel.md: they travel
 * with it), else from the cache, else asked; kept in both. */
static const char *answers(const char *cache)
{
	const char *key = answers_key(), *tdir = S->kernel_dir;
	const char *text = saved(tdir, key), *dir;

	if (text)
		return text;
	text = saved(cache, key);
	if (!text) {
		dir = make_temp_dir();
		if (!dir)
			return NULL;
		if (S->verbose)
			fprintf(stderr, "Pass 4: compile probes for %s\n",
				S->kernel_release);
		text = ask(dir);
		done_temp_dir(dir);
		if (!text)
			return NULL;
		save(cache, key, text);
	}
	save(tdir, key, text);
	return text;
}

bool kcompat_write(const char *cache, const char *dir)
{
	const char *text = answers(cache);

	return text && write_text(arena_printf("%s/stp_compat.h", dir), text,
				  false);
}
