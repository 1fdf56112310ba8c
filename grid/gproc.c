/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Child processes.  stapgrid makes itself a child subreaper: the libvirtd it
 * starts daemonizes QEMU, and the QEMU processes then become our orphans
 * instead of PID 1's.  Where PID 1 reaps slowly (this kind of sandbox takes
 * ~1.2 s per exit, and libvirt waits for the reap before it reports a domain
 * gone), reaping them at once ourselves shortens every job.  One reaper
 * thread owns waitpid(); everything else waits on its table.
 */
#include "grid.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int g_interrupted;

#define MAXCHILD 64
static struct child {
	pid_t pid;
	int status;
	bool done;
} children[MAXCHILD];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_t reaper;
static volatile int reaper_stop;
static bool reaper_on;

static void on_signal(int sig)
{
	(void)sig;
	g_interrupted = 1;
}

static void reap_all(void)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		pthread_mutex_lock(&lock);
		for (int i = 0; i < MAXCHILD; i++)
			if (children[i].pid == pid) {
				children[i].status = st;
				children[i].done = true;
				pthread_cond_broadcast(&cond);
			}
		pthread_mutex_unlock(&lock);
	}
}

static void *reaper_main(void *arg)
{
	sigset_t set;
	struct timespec ts = {0, 200 * 1000 * 1000};

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	while (!reaper_stop) {
		/* SIGCHLD is blocked everywhere; this thread takes it. */
		sigtimedwait(&set, NULL, &ts);
		reap_all();
	}
	return NULL;
}

void g_proc_init(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&reaper, NULL, reaper_main, NULL) == 0)
		reaper_on = true;
}

void g_proc_fini(void)
{
	if (!reaper_on)
		return;
	reaper_stop = 1;
	pthread_join(reaper, NULL);
	reaper_on = false;
	reap_all();
}

static int slot_of(pid_t pid)
{
	for (int i = 0; i < MAXCHILD; i++)
		if (children[i].pid == pid)
			return i;
	return -1;
}

/* The child: default signal state, its own output, then exec. */
static void child_exec(char *const argv[], const char *cwd, int outfd, bool session,
		       void (*pre)(void))
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (session)
		setsid();
	else
		setpgid(0, 0); /* its own group: we forward Ctrl-C to all of it */
	if (outfd >= 0) {
		dup2(outfd, 1);
		dup2(outfd, 2);
	}
	if (pre)
		pre();
	if (cwd && chdir(cwd) < 0) {
		dprintf(2, "stapgrid: cannot enter %s: %s\n", cwd, strerror(errno));
		_exit(127);
	}
	execvp(argv[0], argv);
	dprintf(2, "stapgrid: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static pid_t start(char *const argv[], const char *cwd, int outfd, bool session,
		   void (*pre)(void))
{
	pid_t pid;
	int i;

	pthread_mutex_lock(&lock);
	i = slot_of(0);
	if (i < 0) {
		pthread_mutex_unlock(&lock);
		g_err("too many child processes");
		return -1;
	}
	/* Registered under the lock so the reaper cannot miss a quick exit. */
	pid = fork();
	if (pid == 0)
		child_exec(argv, cwd, outfd, session, pre);
	if (pid > 0) {
		children[i].pid = pid;
		children[i].done = false;
	}
	pthread_mutex_unlock(&lock);
	if (pid < 0)
		g_err("cannot fork: %s", strerror(errno));
	return pid;
}

void g_cond_wait_ms(pthread_cond_t *cond, pthread_mutex_t *mu, long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms % 1000 * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	pthread_cond_timedwait(cond, mu, &ts);
}

int g_wait(pid_t pid, double timeout)
{
	double end = g_now() + timeout;
	int i, st, rc = -2;

	if (!reaper_on) {
		if (waitpid(pid, &st, 0) < 0)
			return -1;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	pthread_mutex_lock(&lock);
	i = slot_of(pid);
	while (i >= 0 && !children[i].done) {
		if (timeout >= 0 && g_now() >= end)
			break;
		g_cond_wait_ms(&cond, &lock, 100);
	}
	if (i >= 0 && children[i].done) {
		st = children[i].status;
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		children[i].pid = 0;
	} else if (i < 0) {
		rc = -1;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

bool g_alive(pid_t pid)
{
	bool alive;
	int i;

	pthread_mutex_lock(&lock);
	i = slot_of(pid);
	alive = i >= 0 && !children[i].done;
	pthread_mutex_unlock(&lock);
	return alive;
}

int g_run(char *const argv[], const char *cwd, char **out, const char *logpath)
{
	int fds[2] = {-1, -1}, outfd = -1, rc;
	pid_t pid;

	if (out) {
		if (pipe2(fds, O_CLOEXEC) < 0) {
			g_err("pipe: %s", strerror(errno));
			return -1;
		}
		outfd = fds[1];
	} else if (logpath) {
		outfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (outfd < 0) {
			g_err("cannot write %s: %s", logpath, strerror(errno));
			return -1;
		}
	}
	pid = start(argv, cwd, outfd, false, NULL);
	if (outfd >= 0)
		close(outfd);
	if (out) {
		sbuf b = {0};
		char buf[8192];
		ssize_t n;

		while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			sb_addn(&b, buf, (size_t)n);
		}
		close(fds[0]);
		*out = sb_steal(&b);
	}
	if (pid < 0)
		return -1;
	/* A long child (apt-get, a kernel build) is told when we are
	 * interrupted; its process group includes what it started. */
	{
		bool told = false;

		while ((rc = g_wait(pid, 0.2)) == -2)
			if (g_interrupted && !told) {
				kill(-pid, SIGTERM);
				told = true;
			}
	}
	if (rc == 127 && out && strstr(*out, "stapgrid: cannot run"))
		return -1;
	return rc;
}

pid_t g_spawn_daemon(char *const argv[], const char *logpath, void (*pre)(void))
{
	int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid_t pid;

	if (fd < 0) {
		g_err("cannot write %s: %s", logpath, strerror(errno));
		return -1;
	}
	pid = start(argv, "/", fd, true, pre);
	close(fd);
	return pid;
}

bool g_tool_exists(const char *name)
{
	const char *path = getenv("PATH");
	strv dirs = {0};
	bool found = false;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	sv_split(&dirs, path ? path : "/usr/bin:/bin:/usr/sbin:/sbin", ":");
	for (size_t i = 0; i < dirs.n && !found; i++) {
		char *p = g_path(dirs.v[i], name);
		found = access(p, X_OK) == 0;
		free(p);
	}
	sv_free(&dirs);
	return found;
}
