/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * platform.c - the platform layer of the user runtime (--runtime=user):
 * memory, locks, clocks, the current task, fault-safe memory reads,
 * regular expressions and the transport (stdout or -o FILE, and stderr).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <regex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stp_runtime.h"
#include "user.h"

FILE *stp_out;
const char *stp_out_name;

/* ---- platform ---- */

void *stp_alloc(size_t size)
{
	return calloc(1, size);
}

void stp_free(void *p)
{
	free(p);
}

struct stp_lock {
	pthread_rwlock_t rw;
};

struct stp_lock *stp_lock_new(void)
{
	struct stp_lock *l = stp_alloc(sizeof(*l));

	if (l && pthread_rwlock_init(&l->rw, NULL) != 0) {
		stp_free(l);
		return NULL;
	}
	return l;
}

void stp_lock_free(struct stp_lock *l)
{
	if (!l)
		return;
	pthread_rwlock_destroy(&l->rw);
	stp_free(l);
}

/* MAXTRYLOCK tries, then the caller skips the probe. */
bool stp_lock_try(struct stp_lock *l, bool write)
{
	int i;

	for (i = 0; i < MAXTRYLOCK; i++) {
		int rc = write ? pthread_rwlock_trywrlock(&l->rw) :
				 pthread_rwlock_tryrdlock(&l->rw);

		if (rc == 0)
			return true;
		/* TRYLOCKDELAY apart, as the kernel flavour */
		nanosleep(&(struct timespec){ 0, TRYLOCKDELAY * 1000L }, NULL);
	}
	return false;
}

void stp_unlock(struct stp_lock *l, bool write)
{
	(void)write;
	pthread_rwlock_unlock(&l->rw);
}

int64_t stp_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t stp_time_ns(void)
{
	return stp_clock_ns(CLOCK_REALTIME);
}

int64_t stp_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return (int64_t)__builtin_ia32_rdtsc();
#else
	return stp_clock_ns(CLOCK_MONOTONIC_RAW);
#endif
}

/* HZ as the Debian kernels have it: jiffies tick every 4 ms. */
int64_t stp_hz(void)
{
	return 250;
}

int64_t stp_jiffies(void)
{
	return stp_clock_ns(CLOCK_MONOTONIC) / (1000000000 / 250);
}

uint32_t stp_random(void)
{
	static uint64_t state;

	if (!state) {
		if (getrandom(&state, sizeof(state), 0) != sizeof(state))
			state = (uint64_t)stp_clock_ns(CLOCK_MONOTONIC);
		state |= 1;
	}
	/* xorshift64*: fast, and plenty for randint(). */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 2685821657736338717ull) >> 32);
}

int64_t stp_task_pid(void)
{
	return getpid();
}

int64_t stp_task_tid(void)
{
	return gettid();
}

int64_t stp_task_ppid(void)
{
	return getppid();
}

int64_t stp_task_id(int which)
{
	switch (which) {
	case 0: return getuid();
	case 1: return geteuid();
	case 2: return getgid();
	default: return getegid();
	}
}

void stp_task_execname(char *name)
{
	char comm[17] = "";

	prctl(PR_GET_NAME, comm, 0, 0, 0);
	stp_strlcpy(name, comm, MAXSTRINGLEN);
}

int64_t stp_task_cpu(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : cpu;
}

/* Fault-safe: a bad address is an error, not a crash. */
int stp_read_memory(void *dst, int64_t addr, size_t len)
{
	struct iovec local = { dst, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) !=
	    (ssize_t)len)
		return STP_EFAULT;
	return 0;
}

/*
 * User space matches with libc's POSIX extended regular expressions,
 * compiled once per expression (the program has few, all literals).
 */
static struct {
	const struct stp_regex *re;
	regex_t rx;
} re_cache[64];
static int re_ncache;

/* At exit: the compiled expressions. */
void stp_regex_free(void)
{
	while (re_ncache > 0)
		regfree(&re_cache[--re_ncache].rx);
}

int stp_regex_run(struct stp_context *c, const char *s,
		  const struct stp_regex *re, int *start, int *end)
{
	regmatch_t m[10];
	int i, g;

	(void)c;
	for (i = 0; i < re_ncache; i++)
		if (re_cache[i].re == re)
			break;
	if (i == re_ncache) {
		if (re_ncache == 64 || regcomp(&re_cache[i].rx, re->src,
					       REG_EXTENDED))
			return -1;
		re_cache[i].re = re;
		re_ncache++;
	}
	if (regexec(&re_cache[i].rx, s, 10, m, 0) != 0)
		return 0;
	for (g = 0; g < 10; g++) {
		start[g] = g <= (int)re_cache[i].rx.re_nsub ? (int)m[g].rm_so : -1;
		end[g] = g <= (int)re_cache[i].rx.re_nsub ? (int)m[g].rm_eo : -1;
	}
	return 1 + (int)re_cache[i].rx.re_nsub;
}

void stp_transport_write(const char *buf, size_t len)
{
	if (fwrite(buf, 1, len, stp_out) != len)
		stp_session.overflows++;
}

void stp_transport_error(const char *text)
{
	fflush(stp_out);
	fputs(text, stderr);
}


/* ---- what the generic tapsets ask of the program ---- */

/* The handler's output so far goes first, as under staprun. */
static void flush_handler_output(struct stp_context *c)
{
	if (c->out_len)
		stp_transport_write(c->out, c->out_len);
	c->out_len = 0;
	fflush(stp_out);
}

/*
 * system(CMD): /bin/sh runs CMD in the background, on the program's
 * standard output.  A middle child starts it and ends at once, so no
 * zombie is left and -c's command stays the only child waited for.
 */
void stp_system(struct stp_context *c, const char *cmd)
{
	pid_t pid;

	flush_handler_output(c);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid < 0)
		stp_warn(c, "system() cannot start '%s'", cmd);
	else
		waitpid(pid, NULL, 0);
}

/* switch_file(): -o FILE goes on in FILE.1, FILE.2 ...; nothing
 * without -o. */
void stp_switch_file(struct stp_context *c)
{
	static int number;
	char path[4096];

	if (!stp_out_name)
		return;
	flush_handler_output(c);
	snprintf(path, sizeof(path), "%s.%d", stp_out_name, ++number);
	if (fclose(stp_out) != 0)
		stp_session.overflows++;
	stp_out = fopen(path, "w");
	if (!stp_out) {
		stp_out = stdout;
		stp_error(c, "cannot write %s", path);
	}
}
