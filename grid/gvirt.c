/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt: the daemons (started when none runs, stopped by the last
 * stapgrid using the ones a stapgrid started), connections, the event loop
 * thread and domain lifecycles.
 *
 * Each domain is transient and created with VIR_DOMAIN_START_AUTODESTROY:
 * whatever happens to stapgrid, libvirt destroys its guests when the
 * connection closes, so none is ever left behind.  Lifecycle and watchdog
 * events arrive on the event thread and wake the job thread waiting on the
 * domain; a one-second poll of virDomainIsActive backs them up.
 */
#include "grid.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define LIBVIRT_SOCK "/run/libvirt/libvirt-sock"
#define VIRTLOGD_SOCK "/run/libvirt/virtlogd-sock"

static struct {
	pid_t libvirtd, virtlogd;
	pthread_t loop;
	bool loop_on;
	bool inited; /* virInitialize done: thread-local errors exist */
	volatile int loop_stop;
	pthread_mutex_t mu;
	char *nokvm, *qemuconf; /* for the private mount namespace */
} V = {.mu = PTHREAD_MUTEX_INITIALIZER};

struct g_dom {
	struct g_conn *c;
	virDomainPtr dom;
	char *name;
	bool stopped, crashed, watchdog;
	int stop_detail;
	struct g_dom *next;
};

struct g_conn {
	const struct g_host *host;
	virConnectPtr c;
	bool local, closed;
	char accel[8];
	int cb_life, cb_dog;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct g_dom *doms;
	char *single; /* the emulator wrapper's path on this host */
	struct g_lava *lava; /* a LAVA server instead of libvirt (glava.c) */
	struct g_serve *serve; /* transfer=http: the jobs' files for its workers (gserve.c) */
};

/* libvirt keeps each thread's last error until reset: a thread that ends
 * without this leaks it. */
void g_virt_thread_done(void)
{
	/* Not before libvirt is initialised (a run on LAVA hosts only): its
	 * thread-local error would be made here, and crash in its destructor. */
	if (V.inited)
		virResetLastError();
}

const char *g_virt_lasterr(void)
{
	virErrorPtr e = virGetLastError();

	return e && e->message ? e->message : "unknown libvirt error";
}

static void quiet(void *data, virErrorPtr e)
{
	/* Errors are reported by the caller with context, not by libvirt. */
	(void)data;
	(void)e;
}

static void tick(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
}

static void *loop_main(void *arg)
{
	(void)arg;
	while (!V.loop_stop)
		if (virEventRunDefaultImpl() < 0)
			break;
	g_virt_thread_done();
	return NULL;
}

int g_virt_init(void)
{
	if (V.loop_on)
		return 0;
	virSetErrorFunc(NULL, quiet);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
		g_err("cannot initialise libvirt: %s", g_virt_lasterr());
		return -1;
	}
	V.inited = true;
	/* A periodic timer makes the loop return so it can notice loop_stop. */
	virEventAddTimeout(200, tick, NULL, NULL);
	if (pthread_create(&V.loop, NULL, loop_main, NULL) != 0) {
		g_err("cannot start the libvirt event thread");
		return -1;
	}
	V.loop_on = true;
	return 0;
}

static bool sock_alive(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Can the user QEMU runs as open /dev/kvm? */
static bool kvm_usable_by_qemu(void)
{
	struct passwd *pw = getpwnam("libvirt-qemu");
	struct stat st;
	gid_t groups[64];
	int n = 64;

	if (stat("/dev/kvm", &st) < 0)
		return true; /* no device: nothing to hide */
	if (!pw)
		return (st.st_mode & 06) == 06;
	if (st.st_uid == pw->pw_uid)
		return (st.st_mode & 0600) == 0600;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) >= 0)
		for (int i = 0; i < n; i++)
			if (groups[i] == st.st_gid)
				return (st.st_mode & 060) == 060;
	return (st.st_mode & 06) == 06;
}

/*
 * Run in the libvirtd child before exec.  When /dev/kvm exists but the
 * QEMU user cannot open it (a host without udev's kvm group rule), libvirt
 * 9.0 probes QEMU with KVM, then finds KVM unusable and throws its
 * capabilities cache away: every domain start re-probes for ~44 s.  In a
 * private mount namespace our libvirtd sees an unopenable regular file at
 * /dev/kvm instead (consistent: no KVM), and a qemu.conf copy that turns
 * off per-domain /dev namespaces, which cannot carry a file mount.
 */
static void hide_kvm(void)
{
	if (!V.nokvm)
		return;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount(V.nokvm, "/dev/kvm", "none", MS_BIND, NULL) < 0 ||
	    mount(V.qemuconf, "/etc/libvirt/qemu.conf", "none", MS_BIND, NULL) < 0)
		dprintf(2, "stapgrid: cannot hide /dev/kvm from libvirtd: %s\n", strerror(errno));
}

static int wait_sock(const char *path, pid_t pid, double secs)
{
	double end = g_now() + secs;

	while (g_now() < end) {
		if (sock_alive(path))
			return 0;
		if (!g_alive(pid))
			return -1;
		usleep(50 * 1000);
	}
	return -1;
}

/*
 * Several stapgrids may use the local daemons one of them started (two
 * users at once, or make grid beside stapgrid exec): the starter must not
 * stop them under the others' guests.  Each holds a shared lock on
 * USERS_LOCK while it may use them.  Whoever ends last stops them: the
 * starter when no one else holds the lock, otherwise it leaves their pids
 * in STARTED_PIDS and the last user stops them.  Stopping happens under
 * the exclusive lock, which a new stapgrid waits for before it looks for
 * a daemon.  Machine-wide (not in the cache: another --cache shares the
 * daemons too) and in /run, so a reboot forgets stale pids.
 */
#define USERS_DIR "/run/stapgrid"
#define USERS_LOCK USERS_DIR "/libvirt-users.lock"
#define STARTED_PIDS USERS_DIR "/libvirt-started.pids"

static int users_fd = -1;

static void users_join(void)
{
	if (users_fd >= 0)
		return;
	if (g_mkdirs(USERS_DIR, 0755) < 0)
		return;
	users_fd = open(USERS_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (users_fd < 0 || flock(users_fd, LOCK_SH) < 0) {
		g_warn("cannot lock %s: %s (another stapgrid may stop the daemons under us)",
		       USERS_LOCK, strerror(errno));
		if (users_fd >= 0)
			close(users_fd);
		users_fd = -1;
	}
}

/* PID runs the program NAME (its pid not yet reused by another). */
static bool pid_is(pid_t pid, const char *name)
{
	char *path = xasprintf("/proc/%d/comm", (int)pid), *comm = read_file(path, NULL);
	bool same = comm && !strncmp(comm, name, strlen(name)) && comm[strlen(name)] == '\n';

	free(comm);
	free(path);
	return same;
}

/* Stop daemons another stapgrid started and left to the last user. */
static void stop_handed_over(void)
{
	char *text = read_file(STARTED_PIDS, NULL), *line, *save = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char name[16];
		int pid;

		if (sscanf(line, "%15s %d", name, &pid) != 2 || pid <= 0 || !pid_is(pid, name))
			continue;
		kill(pid, SIGTERM);
		for (int i = 0; i < 600 && pid_is(pid, name); i++)
			usleep(100 * 1000);
		if (pid_is(pid, name)) {
			g_warn("%s (pid %d) ignored SIGTERM; killing it", name, pid);
			kill(pid, SIGKILL);
		}
	}
	free(text);
	unlink(STARTED_PIDS);
}

/* /usr/sbin/NAME as our daemon (its pid in *pid, stopped later even if
 * it fails here), logging to DIR/NAME.log; -1 (said) unless its socket
 * answers within secs. */
static int start_daemon(const char *dir, const char *name, const char *sock, int secs,
			void (*pre)(void), pid_t *pid)
{
	char *path = xasprintf("/usr/sbin/%s", name), *log = xasprintf("%s/%s.log", dir, name);
	char *argv[] = {path, NULL};
	int rc = 0;

	*pid = g_spawn_daemon(argv, log, pre);
	if (*pid < 0 || wait_sock(sock, *pid, secs) < 0) {
		g_err("%s did not start; log: %s", name, log);
		rc = -1;
	}
	free(path);
	free(log);
	return rc;
}

static int start_daemons(void)
{
	char *dir = g_path(G.cache, "daemons");
	int rc = -1;

	pthread_mutex_lock(&V.mu);
	users_join();
	if (sock_alive(LIBVIRT_SOCK)) {
		rc = 0;
		goto out;
	}
	if (g_mkdirs(dir, 0700) < 0)
		goto out;
	if (!g_tool_exists("libvirtd") && !g_tool_exists("/usr/sbin/libvirtd")) {
		g_err("libvirtd is not installed (Debian: libvirt-daemon-system); see docs/grid.md");
		goto out;
	}
	if (!sock_alive(VIRTLOGD_SOCK)) {
		if (start_daemon(dir, "virtlogd", VIRTLOGD_SOCK, 30, NULL, &V.virtlogd) < 0)
			goto out;
	}
	if (!kvm_usable_by_qemu()) {
		char *conf = read_file("/etc/libvirt/qemu.conf", NULL);
		char *text = xasprintf("%s\n# stapgrid: see grid/gvirt.c hide_kvm()\nnamespaces = []\n",
				       conf ? conf : "");

		V.nokvm = g_path(dir, "nokvm");
		V.qemuconf = g_path(dir, "qemu.conf");
		if (g_writefile(V.nokvm, "", 0, 0600) < 0 ||
		    g_writefile(V.qemuconf, text, strlen(text), 0644) < 0) {
			free(V.nokvm);
			free(V.qemuconf);
			V.nokvm = V.qemuconf = NULL;
		}
		free(conf);
		free(text);
	}
	if (start_daemon(dir, "libvirtd", LIBVIRT_SOCK, 60, hide_kvm, &V.libvirtd) < 0)
		goto out;
	if (g_verbose)
		g_info("started libvirtd (pid %d) and virtlogd (pid %d)", (int)V.libvirtd,
		       (int)V.virtlogd);
	rc = 0;
out:
	pthread_mutex_unlock(&V.mu);
	free(dir);
	return rc;
}

static void stop(pid_t *pid, const char *name)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	/* libvirtd finishes a running capabilities probe before it exits. */
	if (g_wait(*pid, 60) == -2) {
		g_warn("%s (pid %d) ignored SIGTERM; killing it", name, (int)*pid);
		kill(*pid, SIGKILL);
		g_wait(*pid, 10);
	}
	*pid = 0;
}

/* The daemons we started, left running for the other stapgrids using them. */
static void hand_over(void)
{
	char *text = xasprintf("libvirtd %d\nvirtlogd %d\n", (int)V.libvirtd, (int)V.virtlogd);

	if (g_writefile(STARTED_PIDS, text, strlen(text), 0600) == 0)
		g_info("libvirtd (pid %d) stays up for the other stapgrid using it, which stops it",
		       (int)V.libvirtd);
	free(text);
	V.libvirtd = V.virtlogd = 0;
}

void g_virt_fini(void)
{
	bool last = users_fd < 0 || flock(users_fd, LOCK_EX | LOCK_NB) == 0;

	if (!last && (V.libvirtd > 0 || V.virtlogd > 0))
		hand_over();
	if (last && users_fd >= 0)
		stop_handed_over();
	stop(&V.libvirtd, "libvirtd");
	stop(&V.virtlogd, "virtlogd");
	if (users_fd >= 0) {
		close(users_fd); /* the lock goes with it */
		users_fd = -1;
	}
	if (V.loop_on) {
		V.loop_stop = 1;
		pthread_join(V.loop, NULL);
		V.loop_on = false;
		g_virt_thread_done(); /* the main thread's own error slot */
	}
	free(V.nokvm);
	free(V.qemuconf);
	V.nokvm = V.qemuconf = NULL;
}

/* ---- connections and events ---------------------------------------------------- */

static struct g_dom *find_dom(struct g_conn *c, virDomainPtr dom)
{
	const char *name = virDomainGetName(dom);

	for (struct g_dom *d = c->doms; d && name; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static int on_life(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	struct g_conn *c = opaque;
	struct g_dom *d;

	(void)conn;
	pthread_mutex_lock(&c->mu);
	d = find_dom(c, dom);
	if (d) {
		if (event == VIR_DOMAIN_EVENT_CRASHED)
			d->crashed = true;
		if (event == VIR_DOMAIN_EVENT_STOPPED) {
			d->stopped = true;
			d->stop_detail = detail;
			if (detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED)
				d->crashed = true;
		}
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->mu);
	return 0;
}

static int on_dog(virConnectPtr conn, virDomainPtr dom, int action, void *opaque)
{
	struct g_conn *c = opaque;
	struct g_dom *d;

	(void)conn;
	(void)action;
	pthread_mutex_lock(&c->mu);
	d = find_dom(c, dom);
	if (d)
		d->watchdog = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

static void on_close(virConnectPtr conn, int reason, void *opaque)
{
	struct g_conn *c = opaque;

	(void)conn;
	(void)reason;
	pthread_mutex_lock(&c->mu);
	c->closed = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->mu);
}

/* transfer=http: our HTTP server on serve= (default: the address the LAVA
 * server saw us come from, on a port the kernel picks). */
static int lava_serve(struct g_conn *c)
{
	const struct g_host *h = c->host;
	const char *ip = g_lava_local_ip(c->lava);
	char *err = NULL;

	if (!h->serve && !ip) {
		g_err("LAVA host %s: no address to serve its workers on: give serve=ADDR[:PORT]", h->name);
		return -1;
	}
	c->serve = g_serve_start(h->serve ? h->serve : ip, &err);
	if (!c->serve) {
		g_err("LAVA host %s: %s", h->name, err);
		free(err);
		return -1;
	}
	if (g_verbose)
		g_info("LAVA host %s: its workers fetch our files from %s", h->name, g_serve_base(c->serve));
	return 0;
}

/*
 * A LAVA server: no libvirt daemon, no domain events.  Its worker runs on
 * this machine (file:// URLs, the job share as 9p: docs/architecture.md
 * "LAVA engine"), so files are local; its qemu devices run TCG.
 */
static struct g_conn *lava_connect(const struct g_host *h)
{
	struct g_conn *c = xcalloc(1, sizeof(*c));

	c->host = h;
	c->local = true;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cond, NULL);
	snprintf(c->accel, sizeof(c->accel), "%s", "tcg");
	c->lava = g_lava_open(h);
	if (!c->lava || (!strcmp(h->transfer, "http") && lava_serve(c) < 0)) {
		g_disconnect(c);
		return NULL;
	}
	return c;
}

struct g_lava *g_conn_lava(struct g_conn *c)
{
	return c->lava;
}

struct g_serve *g_conn_serve(struct g_conn *c)
{
	return c->serve;
}

struct g_conn *g_connect(const struct g_host *h)
{
	struct g_conn *c;

	if (h->engine && !strcmp(h->engine, "lava"))
		return lava_connect(h);
	if (g_virt_init() < 0)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->host = h;
	c->local = !strcmp(h->uri, "qemu:///system");
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cond, NULL);
	if (c->local && start_daemons() < 0)
		goto fail;
	c->c = virConnectOpen(h->uri);
	if (!c->c) {
		g_err("cannot connect to host %s (%s): %s", h->name, h->uri, g_virt_lasterr());
		goto fail;
	}
	if (!c->local)
		virConnectSetKeepAlive(c->c, 5, 3); /* notice a dead partner in ~20 s */
	virConnectRegisterCloseCallback(c->c, on_close, c, NULL);
	c->cb_life = virConnectDomainEventRegisterAny(c->c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
						      VIR_DOMAIN_EVENT_CALLBACK(on_life), c, NULL);
	c->cb_dog = virConnectDomainEventRegisterAny(c->c, NULL, VIR_DOMAIN_EVENT_ID_WATCHDOG,
						     VIR_DOMAIN_EVENT_CALLBACK(on_dog), c, NULL);
	if (c->cb_life < 0 || c->cb_dog < 0) {
		g_err("host %s: cannot register for domain events: %s", h->name, g_virt_lasterr());
		goto fail;
	}
	snprintf(c->accel, sizeof(c->accel), "%s", "tcg");
	if (!strcmp(h->accel, "kvm")) {
		snprintf(c->accel, sizeof(c->accel), "%s", "kvm");
	} else if (!strcmp(h->accel, "auto")) {
		/* KVM only when libvirt offers it for the guest type we boot;
		 * the scheduler proves it with a probe boot before trusting it. */
		char *caps = virConnectGetDomainCapabilities(c->c, NULL, "x86_64", "pc", "kvm", 0);
		if (caps)
			snprintf(c->accel, sizeof(c->accel), "%s", "kvm?");
		free(caps);
	}
	return c;
fail:
	g_disconnect(c);
	return NULL;
}

void g_conn_set_accel(struct g_conn *c, const char *accel)
{
	snprintf(c->accel, sizeof(c->accel), "%s", accel);
}

void g_disconnect(struct g_conn *c)
{
	if (!c)
		return;
	if (c->c) {
		if (c->cb_life > 0)
			virConnectDomainEventDeregisterAny(c->c, c->cb_life);
		if (c->cb_dog > 0)
			virConnectDomainEventDeregisterAny(c->c, c->cb_dog);
		virConnectUnregisterCloseCallback(c->c, on_close);
		virConnectClose(c->c);
	}
	g_serve_stop(c->serve);
	g_lava_close(c->lava);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cond);
	free(c->single);
	free(c);
}

const struct g_host *g_conn_host(struct g_conn *c)
{
	return c->host;
}

const char *g_conn_accel(struct g_conn *c)
{
	return c->accel;
}

virConnectPtr g_conn_virt(struct g_conn *c);
virConnectPtr g_conn_virt(struct g_conn *c)
{
	return c->c;
}

bool g_conn_local(struct g_conn *c)
{
	return c->local;
}

/* ---- domains ---------------------------------------------------------------- */

struct g_dom *g_dom_start(struct g_conn *c, const char *xml, const char *name, char **err)
{
	struct g_dom *d = xcalloc(1, sizeof(*d));

	d->c = c;
	d->name = xstrdup(name);
	/* Listed before it starts: an early crash event must find it. */
	pthread_mutex_lock(&c->mu);
	d->next = c->doms;
	c->doms = d;
	pthread_mutex_unlock(&c->mu);
	d->dom = virDomainCreateXML(c->c, xml, VIR_DOMAIN_START_AUTODESTROY);
	if (!d->dom) {
		*err = xstrdup(g_virt_lasterr());
		g_dom_destroy(d);
		return NULL;
	}
	return d;
}

enum g_domend g_dom_wait(struct g_dom *d, double timeout)
{
	struct g_conn *c = d->c;
	double end = g_now() + timeout, lastpoll = g_now();
	enum g_domend r = G_END_NONE;

	pthread_mutex_lock(&c->mu);
	while (r == G_END_NONE) {
		if (d->stopped) {
			r = d->crashed ? G_END_CRASHED
			    : d->watchdog ? G_END_WATCHDOG
			    : d->stop_detail == VIR_DOMAIN_EVENT_STOPPED_FAILED ? G_END_FAILED
										: G_END_SHUTDOWN;
			break;
		}
		if (c->closed) {
			r = G_END_LOST;
			break;
		}
		if (g_interrupted) {
			r = G_END_INTERRUPTED;
			break;
		}
		if (g_now() >= end) {
			r = G_END_TIMEOUT;
			break;
		}
		if (g_now() - lastpoll >= 1.0) {
			int active;

			pthread_mutex_unlock(&c->mu);
			active = virDomainIsActive(d->dom);
			pthread_mutex_lock(&c->mu);
			lastpoll = g_now();
			if (active == 0 && !d->stopped) {
				d->stopped = true;
				d->stop_detail = VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
			}
			continue;
		}
		g_cond_wait_ms(&c->cond, &c->mu, 100);
	}
	pthread_mutex_unlock(&c->mu);
	if (r == G_END_TIMEOUT || r == G_END_INTERRUPTED)
		virDomainDestroy(d->dom);
	return r;
}

/* Which TCG mode the running QEMU really uses.  QEMU names its vCPU threads
 * "CPU N/TCG" (one per vCPU, multi-threaded) or "ALL CPUs/TCG" (single);
 * query-cpus-fast gives their host thread ids.  Remotely, where /proc is not
 * ours, equal thread ids for two or more vCPUs mean single-threaded. */
int g_dom_tcg_mode(struct g_dom *d, char **mode)
{
	char *reply = NULL;
	strv tids = {0};
	int rc = -1;

	*mode = NULL;
	if (virDomainQemuMonitorCommand(d->dom, "{\"execute\":\"query-cpus-fast\"}", &reply, 0) < 0)
		return -1;
	for (char *p = reply; (p = strstr(p, "{\"thread-id\":"));) {
		p += 13;
		sv_pushown(&tids, xasprintf("%ld", strtol(p, NULL, 10)));
	}
	free(reply);
	if (!tids.n)
		goto out;
	if (d->c->local) {
		char *path = xasprintf("/proc/%s/comm", tids.v[0]);
		char *comm = read_file(path, NULL);

		if (comm) {
			if (strstr(comm, "ALL CPUs/TCG"))
				*mode = xstrdup("single");
			else if (strstr(comm, "/TCG"))
				*mode = xstrdup("multi");
			else if (strstr(comm, "/KVM"))
				*mode = xstrdup("kvm");
		}
		free(comm);
		free(path);
	}
	if (!*mode && tids.n >= 2) {
		bool same = true;
		for (size_t i = 1; i < tids.n; i++)
			same = same && !strcmp(tids.v[i], tids.v[0]);
		*mode = xstrdup(same ? "single" : "multi");
	}
	rc = *mode ? 0 : -1;
out:
	sv_free(&tids);
	return rc;
}

void g_dom_destroy(struct g_dom *d)
{
	struct g_conn *c = d->c;

	if (d->dom) {
		if (virDomainIsActive(d->dom) == 1)
			virDomainDestroy(d->dom);
		virDomainFree(d->dom);
	}
	pthread_mutex_lock(&c->mu);
	for (struct g_dom **p = &c->doms; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
	pthread_mutex_unlock(&c->mu);
	free(d->name);
	free(d);
}

/* Single-threaded TCG: libvirt 9.0 has no element for it and puts its own
 * "-accel tcg" first, so an <emulator> wrapper rewrites that argument. */
const char *g_emulator_path(struct g_conn *c, const char *tcg)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	char *src, *local, *want, *have, *key, *name;
	size_t a = 0, b = 0;

	if (strncmp(c->accel, "tcg", 3) || !tcg || strcmp(tcg, "single"))
		return NULL;
	/* Its own lock: placing the file on a partner is slow, and c->mu is
	 * what the event thread needs. */
	pthread_mutex_lock(&mu);
	if (c->single)
		goto out;
	src = g_path(G.src, "grid/qemu-tcg-single.sh");
	local = xasprintf("%s/bin/qemu-tcg-single", G.cache);
	want = read_file(src, &a);
	have = read_file(local, &b);
	if (!want) {
		g_err("cannot read %s", src);
	} else {
		char *bindir = g_path(G.cache, "bin");

		/* Rewritten only when it changed: libvirt re-probes a new binary. */
		if ((!have || a != b || memcmp(want, have, a)) && g_mkdirs(bindir, 0755) == 0)
			g_writefile(local, want, a, 0755);
		free(bindir);
		/* Keyed by content: a partner keeps every version it was sent. */
		key = g_digest(want, a);
		name = xasprintf("qemu-tcg-single-%s", key);
		c->single = g_host_file(c, local, name, 0755);
		free(key);
		free(name);
	}
	free(want);
	free(have);
	free(src);
	free(local);
out:
	pthread_mutex_unlock(&mu);
	return c->single;
}
