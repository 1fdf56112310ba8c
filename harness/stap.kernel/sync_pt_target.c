// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The program tapset_sync_pthread probes: a main thread and one worker
 * take a pthread mutex, a rwlock and a condition variable a known
 * number of times, each contended wait made certain.  The thread that
 * holds an object waits until the other is asleep in the kernel on it
 * (its /proc/self/task/TID/syscall shows futex (202) at an address
 * inside the object, and its state is S) before letting it go, so every
 * contended call sleeps once, never by luck of timing.  The two threads
 * hand work over through an atomic flag polled with nanosleep: no
 * pthread call of the handshake itself is seen by the probes.
 *
 *   mutex: 3 locks that sleep, 5 that do not (the holder's 4, one
 *          free); 2 trylocks that find it busy, 1 that takes it; 2
 *          timedlocks that time out (50 ms).  The condition variable's
 *          own mutex is taken 9 times, never contended.
 *   rwlock: 2 rdlocks that sleep behind a writer, 1 wrlock that sleeps
 *          behind a reader, the holders' 2 wrlocks and 1 rdlock that do
 *          not
 *   cond:  2 waits ended by a signal, 1 by a broadcast, 3 timed waits
 *          (20 ms) that time out
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum job { NONE, LOCK, TRYLOCK, TIMEDLOCK, RDLOCK, WRLOCK, CONDWAIT,
	   CONDTIMEDWAIT, QUIT };

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t cond_mutex = PTHREAD_MUTEX_INITIALIZER;
static int predicate;

static atomic_int job, job_done, job_result;
static atomic_int worker_tid;

static void nap(long ns)
{
	struct timespec ts = { 0, ns };

	nanosleep(&ts, NULL);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "sync_pt_target: %s: %s\n", what, strerror(err));
	exit(1);
}

static void check(const char *what, int err, int want)
{
	if (err != want)
		die(what, err);
}

/* An absolute CLOCK_REALTIME time ms milliseconds from now. */
static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

/* The worker waits for a job, does it and says it is done. */
static int do_job(enum job j)
{
	struct timespec until;
	int err;

	switch (j) {
	case LOCK:
		err = pthread_mutex_lock(&mutex);
		return err ? err : pthread_mutex_unlock(&mutex);
	case TRYLOCK:
		err = pthread_mutex_trylock(&mutex);
		return err ? err : pthread_mutex_unlock(&mutex);
	case TIMEDLOCK:
		until = in_ms(50);
		return pthread_mutex_timedlock(&mutex, &until);
	case RDLOCK:
		err = pthread_rwlock_rdlock(&rwlock);
		return err ? err : pthread_rwlock_unlock(&rwlock);
	case WRLOCK:
		err = pthread_rwlock_wrlock(&rwlock);
		return err ? err : pthread_rwlock_unlock(&rwlock);
	case CONDWAIT:
		check("lock cond_mutex", pthread_mutex_lock(&cond_mutex), 0);
		while (!predicate)
			check("cond_wait", pthread_cond_wait(&cond, &cond_mutex), 0);
		predicate = 0;
		return pthread_mutex_unlock(&cond_mutex);
	case CONDTIMEDWAIT:
		check("lock cond_mutex", pthread_mutex_lock(&cond_mutex), 0);
		until = in_ms(20);
		err = pthread_cond_timedwait(&cond, &cond_mutex, &until);
		check("unlock cond_mutex", pthread_mutex_unlock(&cond_mutex), 0);
		return err;
	default:
		return EINVAL;
	}
}

static void *worker(void *unused)
{
	(void)unused;
	atomic_store(&worker_tid, gettid());
	for (;;) {
		int j = atomic_load(&job);

		if (j == NONE) {
			nap(200000);
			continue;
		}
		if (j == QUIT)
			return NULL;
		atomic_store(&job_result, do_job(j));
		atomic_store(&job, NONE);
		atomic_store(&job_done, 1);
	}
}

static void start_job(enum job j)
{
	atomic_store(&job_done, 0);
	atomic_store(&job, j);
}

static int finish_job(void)
{
	while (!atomic_load(&job_done))
		nap(200000);
	return atomic_load(&job_result);
}

static int run_job(enum job j)
{
	start_job(j);
	return finish_job();
}

/*
 * Whether the worker sleeps in futex() at an address in [obj, obj+size):
 * its syscall file's first fields are the call's number and first
 * argument while it is in a system call, and S its state while asleep.
 */
static int worker_sleeps_on(const void *obj, size_t size)
{
	char path[64], buf[256];
	unsigned long nr, uaddr;
	char state = 0;
	FILE *f;
	int got;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall",
		 atomic_load(&worker_tid));
	if (!(f = fopen(path, "r")))
		die(path, errno);
	got = fscanf(f, "%lu %lx", &nr, &uaddr);
	fclose(f);
	if (got != 2 || nr != 202 || uaddr < (unsigned long)obj ||
	    uaddr >= (unsigned long)obj + size)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
		 atomic_load(&worker_tid));
	if (!(f = fopen(path, "r")))
		die(path, errno);
	if (fgets(buf, sizeof(buf), f) && strrchr(buf, ')'))
		state = strrchr(buf, ')')[2];
	fclose(f);
	return state == 'S';
}

static void wait_worker_asleep_on(const void *obj, size_t size)
{
	while (!worker_sleeps_on(obj, size))
		nap(1000000);
}

/* The worker's job sleeps on obj while this thread holds it. */
static int contend(enum job j, const void *obj, size_t size,
		   void (*release)(void))
{
	start_job(j);
	wait_worker_asleep_on(obj, size);
	release();
	return finish_job();
}

static void unlock_mutex(void) { check("unlock", pthread_mutex_unlock(&mutex), 0); }
static void unlock_rwlock(void) { check("rw unlock", pthread_rwlock_unlock(&rwlock), 0); }

static void set_predicate(int broadcast)
{
	check("lock cond_mutex", pthread_mutex_lock(&cond_mutex), 0);
	predicate = 1;
	check("unlock cond_mutex", pthread_mutex_unlock(&cond_mutex), 0);
	if (broadcast)
		check("broadcast", pthread_cond_broadcast(&cond), 0);
	else
		check("signal", pthread_cond_signal(&cond), 0);
}

static void signal_cond(void) { set_predicate(0); }
static void broadcast_cond(void) { set_predicate(1); }

static void mutex_part(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		check("lock", pthread_mutex_lock(&mutex), 0);
		check("contended lock", contend(LOCK, &mutex, sizeof(mutex),
						unlock_mutex), 0);
	}
	check("uncontended lock", run_job(LOCK), 0);
	check("lock", pthread_mutex_lock(&mutex), 0);
	for (i = 0; i < 2; i++)
		check("busy trylock", run_job(TRYLOCK), EBUSY);
	for (i = 0; i < 2; i++)
		check("timedlock", run_job(TIMEDLOCK), ETIMEDOUT);
	unlock_mutex();
	check("trylock", run_job(TRYLOCK), 0);
}

static void rwlock_part(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		check("wrlock", pthread_rwlock_wrlock(&rwlock), 0);
		check("contended rdlock", contend(RDLOCK, &rwlock,
						  sizeof(rwlock), unlock_rwlock), 0);
	}
	check("rdlock", pthread_rwlock_rdlock(&rwlock), 0);
	check("contended wrlock", contend(WRLOCK, &rwlock, sizeof(rwlock),
					  unlock_rwlock), 0);
}

static void cond_part(void)
{
	int i;

	for (i = 0; i < 2; i++)
		check("signalled", contend(CONDWAIT, &cond, sizeof(cond),
					   signal_cond), 0);
	check("broadcast", contend(CONDWAIT, &cond, sizeof(cond),
				   broadcast_cond), 0);
	for (i = 0; i < 3; i++)
		check("timedwait", run_job(CONDTIMEDWAIT), ETIMEDOUT);
}

/*
 * Names the objects for the test's script, which probes this function
 * and reads its parameters: libc and ld.so take mutexes of their own
 * (ld.so's lock at a thread's creation) that the script must not count.
 */
__attribute__((noinline)) void sync_objects(pthread_mutex_t *m,
		pthread_rwlock_t *rw, pthread_cond_t *c, pthread_mutex_t *cm)
{
	__asm__ volatile("" : : "r"(m), "r"(rw), "r"(c), "r"(cm) : "memory");
}

int main(void)
{
	pthread_t t;

	sync_objects(&mutex, &rwlock, &cond, &cond_mutex);
	check("pthread_create", pthread_create(&t, NULL, worker, NULL), 0);
	while (!atomic_load(&worker_tid))
		nap(200000);
	mutex_part();
	rwlock_part();
	cond_part();
	start_job(QUIT);
	check("pthread_join", pthread_join(t, NULL), 0);
	return 0;
}
