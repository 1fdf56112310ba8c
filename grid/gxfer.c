/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files to and from a host.  A local host (qemu:///system here) shares our
 * file system: a job's share is a folder under G.cache/work.  A partner
 * shares nothing with us but the libvirt connection, so files travel as
 * storage volumes: under the host's basedir, a transient dir pool
 * "stapgrid" holds one directory volume per job (console.log plus a share/
 * directory volume with a pool of its own) and a "files" directory volume
 * for kernels, initramfs images and the TCG wrapper, uploaded once and
 * reused (a NAME.ok marker volume says an upload completed).
 */
#include "grid.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

virConnectPtr g_conn_virt(struct g_conn *c);

struct g_share {
	struct g_conn *c;
	char *dir, *share, *console;
	/* volumes transfer only */
	virStoragePoolPtr jobpool, sharepool;
	char *tag;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;

/* ---- local ---------------------------------------------------------------------- */

static int chown_qemu(const char *path)
{
	struct passwd *pw = getpwnam("libvirt-qemu");

	/* 9p 'mapped' creates files as the QEMU user, which must own the folder. */
	if (pw && chown(path, pw->pw_uid, pw->pw_gid) == 0)
		return 0;
	return chmod(path, 0777);
}

/* ---- volumes -------------------------------------------------------------------- */

static virStoragePoolPtr pool_get(virConnectPtr v, const char *name, const char *path, bool build)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(v, name);
	sbuf x = {0};

	if (p) {
		if (virStoragePoolIsActive(p) != 1)
			virStoragePoolCreate(p, 0);
		virStoragePoolRefresh(p, 0);
		return p;
	}
	sb_add(&x, "<pool type='dir'><name>");
	sb_addxml(&x, name);
	sb_add(&x, "</name><target><path>");
	sb_addxml(&x, path);
	sb_add(&x, "</path><permissions><mode>0755</mode></permissions></target></pool>");
	p = virStoragePoolCreateXML(v, x.s, build ? VIR_STORAGE_POOL_CREATE_WITH_BUILD : 0);
	sb_free(&x);
	if (!p)
		g_err("cannot create storage pool %s at %s: %s", name, path, g_virt_lasterr());
	return p;
}

static virStorageVolPtr vol_create(virStoragePoolPtr p, const char *name, unsigned long long size,
				   bool dir, mode_t mode)
{
	sbuf x = {0};
	virStorageVolPtr v;

	sb_add(&x, "<volume><name>");
	sb_addxml(&x, name);
	sb_addf(&x, "</name><capacity>%llu</capacity><target><format type='%s'/>"
		    "<permissions><mode>0%o</mode></permissions></target></volume>",
		size, dir ? "dir" : "raw", (unsigned)mode);
	v = virStorageVolCreateXML(p, x.s, 0);
	sb_free(&x);
	if (!v)
		g_err("cannot create volume %s: %s", name, g_virt_lasterr());
	return v;
}

static int src_read(virStreamPtr st, char *data, size_t n, void *opaque)
{
	(void)st;
	return (int)read(*(int *)opaque, data, n);
}

static int sink_write(virStreamPtr st, const char *data, size_t n, void *opaque)
{
	size_t done = 0;

	(void)st;
	while (done < n) {
		ssize_t w = write(*(int *)opaque, data + done, n - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	return (int)n;
}

static int vol_upload(virStoragePoolPtr p, const char *name, const char *localpath, mode_t mode)
{
	virConnectPtr v = virStoragePoolGetConnect(p);
	struct stat st;
	virStorageVolPtr vol;
	virStreamPtr s = NULL;
	int fd = open(localpath, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0 || fstat(fd, &st) < 0) {
		g_err("cannot read %s: %s", localpath, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	vol = virStorageVolLookupByName(p, name);
	if (vol) {
		virStorageVolDelete(vol, 0);
		virStorageVolFree(vol);
	}
	vol = vol_create(p, name, (unsigned long long)st.st_size, false, mode);
	if (!vol)
		goto out;
	if (st.st_size == 0) {
		rc = 0;
		goto out;
	}
	s = virStreamNew(v, 0);
	if (!s || virStorageVolUpload(vol, s, 0, (unsigned long long)st.st_size, 0) < 0 ||
	    virStreamSendAll(s, src_read, &fd) < 0 || virStreamFinish(s) < 0) {
		g_err("cannot upload %s as volume %s: %s", localpath, name, g_virt_lasterr());
		if (s)
			virStreamAbort(s);
		virStorageVolDelete(vol, 0);
		goto out;
	}
	rc = 0;
out:
	if (s)
		virStreamFree(s);
	if (vol)
		virStorageVolFree(vol);
	close(fd);
	return rc;
}

static int vol_download(virStorageVolPtr vol, const char *localpath)
{
	virConnectPtr v = virStorageVolGetConnect(vol);
	virStreamPtr s;
	int fd = open(localpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = -1;

	if (fd < 0) {
		g_err("cannot write %s: %s", localpath, strerror(errno));
		return -1;
	}
	s = virStreamNew(v, 0);
	if (s && virStorageVolDownload(vol, s, 0, 0, 0) == 0 &&
	    virStreamRecvAll(s, sink_write, &fd) == 0 && virStreamFinish(s) == 0)
		rc = 0;
	else {
		g_err("cannot download volume %s: %s", virStorageVolGetName(vol), g_virt_lasterr());
		if (s)
			virStreamAbort(s);
	}
	if (s)
		virStreamFree(s);
	if (close(fd) < 0 && rc == 0) {
		g_err("cannot write %s: %s", localpath, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* Pool names carry a digest of the basedir: two host lines for one
 * partner with different basedirs must not share a pool. */
static char *pool_name(struct g_conn *c, const char *what)
{
	const struct g_host *h = g_conn_host(c);
	char *d = g_digest(h->basedir, strlen(h->basedir));
	char *n = xasprintf("stapgrid-%s%.8s", what, d);

	free(d);
	return n;
}

static virStoragePoolPtr base_pool(struct g_conn *c)
{
	char *name = pool_name(c, "");
	virStoragePoolPtr p = pool_get(g_conn_virt(c), name, g_conn_host(c)->basedir, true);

	free(name);
	return p;
}

/* A directory volume in pool p, and a pool of its own on it. */
static virStoragePoolPtr subdir_pool(struct g_conn *c, virStoragePoolPtr p, const char *vname,
				     const char *pname, mode_t mode, char **path)
{
	virStorageVolPtr v = virStorageVolLookupByName(p, vname);
	virStoragePoolPtr sub = NULL;

	if (!v)
		v = vol_create(p, vname, 0, true, mode);
	if (v) {
		*path = virStorageVolGetPath(v);
		sub = pool_get(g_conn_virt(c), pname, *path, false);
		virStorageVolFree(v);
	}
	return sub;
}

char *g_host_file(struct g_conn *c, const char *localpath, const char *key, mode_t mode)
{
	virStoragePoolPtr base = NULL, files = NULL;
	char *dir = NULL, *ok = NULL, *result = NULL;
	virStorageVolPtr v;

	if (g_conn_local(c))
		return xstrdup(localpath);
	pthread_mutex_lock(&pool_mu);
	base = base_pool(c);
	if (base) {
		char *name = pool_name(c, "files-");
		files = subdir_pool(c, base, "files", name, 0755, &dir);
		free(name);
	}
	if (!files)
		goto out;
	ok = xasprintf("%s.ok", key);
	v = virStorageVolLookupByName(files, ok);
	if (v) {
		virStorageVolFree(v);
	} else {
		char *empty = g_path(G.cache, "work/.empty");
		int rc;

		g_info("%s: uploading %s", g_conn_host(c)->name, key);
		rc = vol_upload(files, key, localpath, mode);
		if (rc == 0 && g_mkdirs(G.cache, 0755) == 0) {
			char *wd = g_path(G.cache, "work");
			g_mkdirs(wd, 0755);
			free(wd);
			rc = g_writefile(empty, "", 0, 0644);
			if (rc == 0)
				rc = vol_upload(files, ok, empty, 0644);
			unlink(empty);
		}
		free(empty);
		if (rc < 0)
			goto out;
	}
	v = virStorageVolLookupByName(files, key);
	if (v) {
		result = virStorageVolGetPath(v);
		virStorageVolFree(v);
	}
out:
	pthread_mutex_unlock(&pool_mu);
	if (files)
		virStoragePoolFree(files);
	if (base)
		virStoragePoolFree(base);
	free(dir);
	free(ok);
	return result;
}

/* ---- shares ----------------------------------------------------------------------- */

/* The stapgrid process a work folder belongs to: "PID-N-kernel-suite" for
 * jobs, "shell-PID", "selftest-PID", "accel-probe-PID", ".put-TAG-file"
 * for uploads being staged; 0 when the name says none. */
static pid_t work_owner(const char *name)
{
	const char *p;

	if (!strncmp(name, ".put-", 5))
		name += 5;
	if (*name >= '1' && *name <= '9')
		return (pid_t)strtol(name, NULL, 10);
	p = strrchr(name, '-');
	if (p && p[1] >= '1' && p[1] <= '9')
		return (pid_t)strtol(p + 1, NULL, 10);
	return 0;
}

/* Work folders of a stapgrid that was killed (SIGKILL, a machine that
 * restarted) would stay forever: the first share of a run removes those
 * whose process is gone.  A live owner (even another user's) keeps its own. */
static void reap_stale_work(void)
{
	char *work = g_path(G.cache, "work");
	DIR *d = opendir(work);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		pid_t pid = work_owner(e->d_name);
		char *path;

		if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		path = g_path(work, e->d_name);
		g_rmtree(path);
		free(path);
	}
	if (d)
		closedir(d);
	free(work);
}

static pthread_once_t reap_once = PTHREAD_ONCE_INIT;

struct g_share *g_share_new(struct g_conn *c, const char *tag)
{
	struct g_share *s = xcalloc(1, sizeof(*s));
	char *work = g_path(G.cache, "work");
	int ok = g_mkdirs(work, 0755); /* staging for uploads, too */

	free(work);
	s->c = c;
	s->tag = xstrdup(tag);
	if (ok < 0) {
		g_share_free(s);
		return NULL;
	}
	if (g_conn_local(c)) {
		pthread_once(&reap_once, reap_stale_work);
		s->dir = xasprintf("%s/work/%s", G.cache, tag);
		s->share = g_path(s->dir, "share");
		s->console = g_path(s->dir, "console.log");
		g_rmtree(s->dir);
		if (g_mkdirs(s->share, 0755) < 0 || chown_qemu(s->share) < 0) {
			g_share_free(s);
			return NULL;
		}
		return s;
	}
	pthread_mutex_lock(&pool_mu);
	{
		virStoragePoolPtr base = base_pool(c);
		char *jname = xasprintf("job-%s", tag), *pj = xasprintf("stapgrid-job-%s", tag);
		char *ps = xasprintf("stapgrid-share-%s", tag);

		if (base) {
			s->jobpool = subdir_pool(c, base, jname, pj, 0755, &s->dir);
			virStoragePoolFree(base);
		}
		/* QEMU writes results as its own user: the share is world-writable,
		 * inside a job folder only root can enter. */
		if (s->jobpool)
			s->sharepool = subdir_pool(c, s->jobpool, "share", ps, 0777, &s->share);
		if (s->dir)
			s->console = g_path(s->dir, "console.log");
		free(jname);
		free(pj);
		free(ps);
	}
	pthread_mutex_unlock(&pool_mu);
	if (!s->sharepool) {
		g_share_free(s);
		return NULL;
	}
	return s;
}

const char *g_share_dir(struct g_share *s)
{
	return s->share;
}

const char *g_share_console(struct g_share *s)
{
	return s->console;
}

int g_share_put(struct g_share *s, const char *name, const char *localpath, mode_t mode)
{
	if (s->sharepool)
		return vol_upload(s->sharepool, name, localpath, mode);
	{
		char *dst = g_path(s->share, name);
		int rc = g_copyfile(localpath, dst, mode);
		free(dst);
		return rc;
	}
}

int g_share_putdata(struct g_share *s, const char *name, const char *data, size_t len, mode_t mode)
{
	char *tmp;
	int rc;

	if (!s->sharepool) {
		char *dst = g_path(s->share, name);
		rc = g_writefile(dst, data, len, mode);
		free(dst);
		return rc;
	}
	tmp = xasprintf("%s/work/.put-%s-%s", G.cache, s->tag, name);
	rc = g_writefile(tmp, data, len, 0644);
	if (rc == 0)
		rc = vol_upload(s->sharepool, name, tmp, mode);
	unlink(tmp);
	free(tmp);
	return rc;
}

static int fetch_pool(virStoragePoolPtr p, const char *localdir, const char *only)
{
	virStorageVolPtr *vols = NULL;
	int n, rc = 0;

	virStoragePoolRefresh(p, 0);
	n = virStoragePoolListAllVolumes(p, &vols, 0);
	if (n < 0) {
		g_err("cannot list volumes: %s", g_virt_lasterr());
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = virStorageVolGetName(vols[i]);
		virStorageVolInfo info;

		if (rc == 0 && virStorageVolGetInfo(vols[i], &info) == 0 &&
		    info.type == VIR_STORAGE_VOL_FILE && (!only || !strcmp(name, only))) {
			char *dst = g_path(localdir, name);
			if (vol_download(vols[i], dst) < 0)
				rc = -1;
			free(dst);
		}
		virStorageVolFree(vols[i]);
	}
	free(vols);
	return rc;
}

int g_share_fetch(struct g_share *s, const char *localdir)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (s->sharepool) {
		rc = fetch_pool(s->sharepool, localdir, NULL);
		if (rc == 0)
			rc = fetch_pool(s->jobpool, localdir, "console.log");
		return rc;
	}
	d = opendir(s->share);
	/* The first failure (a full disk, typically) ends the fetch: one error. */
	while (d && rc == 0 && (e = readdir(d))) {
		char *src = g_path(s->share, e->d_name), *dst = g_path(localdir, e->d_name);
		struct stat st;

		if (e->d_name[0] != '.' && stat(src, &st) == 0 && S_ISREG(st.st_mode) &&
		    g_copyfile(src, dst, 0644) < 0)
			rc = -1;
		free(src);
		free(dst);
	}
	if (d)
		closedir(d);
	if (rc == 0 && g_exists(s->console)) {
		char *dst = g_path(localdir, "console.log");
		if (g_copyfile(s->console, dst, 0644) < 0)
			rc = -1;
		free(dst);
	}
	return rc;
}

static void drop_pool(virStoragePoolPtr p)
{
	virStorageVolPtr *vols = NULL;
	int n;

	virStoragePoolRefresh(p, 0);
	n = virStoragePoolListAllVolumes(p, &vols, 0);
	for (int i = 0; i < n; i++) {
		virStorageVolDelete(vols[i], 0);
		virStorageVolFree(vols[i]);
	}
	free(vols);
	virStoragePoolDestroy(p);
	virStoragePoolFree(p);
}

void g_share_free(struct g_share *s)
{
	if (!s)
		return;
	if (s->sharepool || s->jobpool) {
		pthread_mutex_lock(&pool_mu);
		if (s->sharepool)
			drop_pool(s->sharepool); /* guest files, then the share pool */
		if (s->jobpool)
			drop_pool(s->jobpool); /* console.log and the share folder */
		{
			virStoragePoolPtr base = base_pool(s->c);
			char *jname = xasprintf("job-%s", s->tag);
			virStorageVolPtr v = base ? virStorageVolLookupByName(base, jname) : NULL;

			if (v) {
				virStorageVolDelete(v, 0);
				virStorageVolFree(v);
			}
			if (base)
				virStoragePoolFree(base);
			free(jname);
		}
		pthread_mutex_unlock(&pool_mu);
	} else if (s->dir) {
		g_rmtree(s->dir);
	}
	free(s->dir);
	free(s->share);
	free(s->console);
	free(s->tag);
	free(s);
}
