// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The differential test's workload (docs/compat.md): the same system
 * calls, forks, execs, signals and pipe traffic on every run, each
 * process single-threaded and every hand-off synchronised through pipes,
 * so that each process's own sequence of events is the same whichever
 * tracer watches and however the scheduler interleaves them.
 *
 *   dtload              the whole workload (the traced target)
 *   dtload exec-child   what the exec step runs: getpid, then exit(3)
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 3

static void die(const char *what)
{
	perror(what);
	exit(99);
}

/* openat, write, close; openat, read, close of one file. */
static void file_io(void)
{
	char buf[64];
	int fd = open("/tmp/dtload.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, "hello\n", 6) != 6 || close(fd))
		die("file write");
	fd = open("/tmp/dtload.txt", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 6 || close(fd))
		die("file read");
	if (unlink("/tmp/dtload.txt"))
		die("unlink");
}

/* wait4 for one child; its exit status must be want. */
static void reap(pid_t child, int want)
{
	int st;

	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != want)
		die("child status");
}

/* A byte each way ROUNDS times through two pipes, parent and child. */
static void ping_pong(void)
{
	int to_child[2], to_parent[2];
	char c = 'p';
	pid_t pid;

	if (pipe(to_child) || pipe(to_parent))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (int i = 0; i < ROUNDS; i++)
			if (read(to_child[0], &c, 1) != 1 || write(to_parent[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < ROUNDS; i++)
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			die("ping");
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	reap(pid, 0);
}

/* fork, execve of this program as the exec child, which exits 3. */
static void fork_exec(const char *self)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char *argv[] = {(char *)self, "exec-child", NULL};
		char *envp[] = {NULL};

		execve(self, argv, envp);
		_exit(98);
	}
	reap(pid, 3);
}

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	got = sig;
}

/* A child that installs a SIGUSR1 handler, blocks the signal, says it
 * is ready through a pipe and waits in sigsuspend; the parent sends
 * SIGUSR1 with kill; the child exits 0 once its handler ran. */
static void signals(void)
{
	int ready[2];
	char c;
	pid_t pid;

	if (pipe(ready))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		struct sigaction sa;
		sigset_t block, old;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sigemptyset(&block);
		sigaddset(&block, SIGUSR1);
		/* blocked until we wait for it: it cannot come early */
		if (sigaction(SIGUSR1, &sa, NULL) || sigprocmask(SIG_BLOCK, &block, &old))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		while (!got)
			sigsuspend(&old);
		_exit(got == SIGUSR1 ? 0 : 1);
	}
	if (read(ready[0], &c, 1) != 1)
		die("ready");
	if (kill(pid, SIGUSR1))
		die("kill");
	reap(pid, 0);
	close(ready[0]);
	close(ready[1]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child")) {
		syscall(SYS_getpid);
		exit(3);
	}
	file_io();
	ping_pong();
	fork_exec("/proc/self/exe");
	signals();
	/* SystemTap 4.8's stapio stops as the target exits and drops what
	 * its last read had not reached: half a second for the events above
	 * to be read first (nanosleep is not traced). */
	usleep(500000);
	return 0;
}
