/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel cache: G.cache/kernels/ID/ holds, per configured kernel, an
 * uncompressed vmlinux (direct PVH boot is ~2x faster than a bzImage under
 * TCG), the module tree with modules.dep, the kbuild tree that out-of-tree
 * modules build against, the raw BTF blob, and kernel.json (release, build
 * id, where it came from, how long preparing took).  kernel.json is written
 * last: a folder without it is an interrupted prepare and is thrown away.
 * Each folder is also a target directory of stap's (stap-target, below).
 * Here: the cache's records and prepare's frame (lock, fetch or build,
 * facts, kernel.json); gkfetch.c fetches Debian's kernels, gkbuild.c
 * builds linux-source, gelf.c and gunpack.c read the images, gklock.c
 * locks, gkdbg.c brings the DWARF.
 */
#include "grid.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *g_kernel_dir(const struct g_kernel *k)
{
	return xasprintf("%s/kernels/%s", G.cache, k->id);
}

/*
 * CACHE/kernels/targets.txt: "ID COMMAND" for every configured kernel, so
 * that `stap -r ID` on one not (yet) prepared says how to prepare it
 * (docs/kernel.md, the targets layout).  Written whole, through a rename.
 */
int g_kernel_targets_note(const struct g_kernel *ks, int n)
{
	char *dir = xasprintf("%s/kernels", G.cache), *path = g_path(dir, "targets.txt");
	sbuf b = {0};
	int rc;

	for (int i = 0; i < n; i++)
		sb_addf(&b, "%s stapgrid prepare --kernels %s\n", ks[i].id, ks[i].id);
	rc = g_mkdirs(dir, 0755) < 0 ? -1 : g_writefile(path, b.s ? b.s : "", b.len, 0644);
	free(b.s);
	free(path);
	free(dir);
	return rc;
}

/* What the prepared kernel depends on: where it comes from and its
 * fragments, not the guest settings (memory, cmdline, timeouts) around it. */
char *g_kernel_conf_hash(const struct g_kernel *k)
{
	sbuf b = {0};
	char *h;

	sb_addf(&b, "%s\n%s\n%s\n", k->source, k->package, k->base ? k->base : "");
	for (size_t i = 0; i < k->fragments.n; i++) {
		char *p = xasprintf("%s/configs/fragments/%s", G.src, k->fragments.v[i]);
		size_t n = 0;
		char *text = read_file(p, &n);

		sb_addf(&b, "%s\n", k->fragments.v[i]);
		if (text)
			sb_addn(&b, text, n);
		free(text);
		free(p);
	}
	h = g_digest(b.s, b.len);
	sb_free(&b);
	return h;
}

void g_kinfo_free(struct g_kinfo *i)
{
	g_free_strs(&i->release, &i->version, &i->package, &i->build_id, &i->conf_hash,
		    &i->vmlinux, &i->kbuild, &i->modules, &i->btf, &i->boot, &i->prepared_at, NULL);
	memset(i, 0, sizeof(*i));
}

/*
 * DIR/stap-target makes a kernel's folder a target directory for `stap -r`
 * (docs/kernel.md: build/, vmlinux.btf and root/ are already in its
 * layout).  Written just before kernel.json; a folder prepared before the
 * layout had it gets it when it is first looked at (UPGRADE: only when it
 * is missing and the cache is writable: a read-only one leaves stap saying
 * "not prepared").
 */
static int target_note(const char *dir, const char *release, const char *build_id, bool upgrade)
{
	char *path;
	int rc = 0;

	if (!release) {
		g_err("%s: no release to describe it to stap", dir);
		return -1;
	}
	path = g_path(dir, "stap-target");
	if (!upgrade || (!g_exists(path) && access(dir, W_OK) == 0)) {
		char *text = xasprintf("# stap's target directory (docs/kernel.md), by stapgrid\n"
				       "release = %s\n%s%s%s", release, build_id ? "build_id = " : "",
				       build_id ? build_id : "", build_id ? "\n" : "");

		rc = g_writefile(path, text, strlen(text), 0644);
		free(text);
	}
	free(path);
	return rc;
}

static char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? xstrdup(s) : NULL;
}

int g_kernel_info(const struct g_kernel *k, struct g_kinfo *info)
{
	char *dir = g_kernel_dir(k), *path = g_path(dir, "kernel.json"), *hash;
	json_t *j;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	j = json_load_file(path, 0, NULL);
	if (j) {
		info->release = jstr(j, "release");
		info->version = jstr(j, "version");
		info->package = jstr(j, "package");
		info->build_id = jstr(j, "build_id");
		info->conf_hash = jstr(j, "conf_hash");
		info->prepared_at = jstr(j, "prepared_at");
		info->has_btf = json_is_true(json_object_get(j, "btf"));
		info->prepare_seconds = json_number_value(json_object_get(j, "prepare_seconds"));
		info->vmlinux = g_path(dir, "vmlinux");
		{
			const char *boot = json_string_value(json_object_get(j, "boot"));
			info->boot = g_path(dir, boot ? boot : "vmlinux");
		}
		info->btf = g_path(dir, "vmlinux.btf");
		info->kbuild = g_path(dir, "build");
		info->modules = xasprintf("%s/root/lib/modules/%s", dir, info->release ? info->release : "");
		hash = g_kernel_conf_hash(k);
		rc = info->release && info->conf_hash && !strcmp(hash, info->conf_hash) &&
		     g_exists(info->vmlinux) && g_exists(info->boot);
		if (rc)
			target_note(dir, info->release, info->build_id, true);
		free(hash);
		json_decref(j);
	}
	free(dir);
	free(path);
	return rc;
}

/* Whether k is prepared (and, with dbg, has its DWARF), looked at with
 * no lock: kernel.json is written last and the DWARF renamed into place.
 * A run holds its kernels shared and its suites' prebuilds ask for them
 * again (the harness suite: prepare --dbg); waiting there for the
 * exclusive lock waited for the run itself, for ever. */
bool g_kernel_ready(const struct g_kernel *k, bool dbg)
{
	struct g_kinfo info;
	bool ready = g_kernel_info(k, &info) == 1;

	if (ready && dbg) {
		char *kdir = g_kernel_dir(k);
		char *path = g_kernel_dbg_vmlinux(kdir, info.release, strcmp(k->source, "debian") != 0);

		ready = g_exists(path);
		if (ready)
			g_info("%s: debuginfo %s", k->id, path);
		free(path);
		free(kdir);
	} else if (ready) {
		g_info("%s: prepared (%s, %.0f s to prepare)", k->id, info.release,
		       info.prepare_seconds);
	}
	g_kinfo_free(&info);
	return ready;
}

static int prepare_locked(const struct g_kernel *k, bool force)
{
	char *kdir = g_kernel_dir(k), *log = NULL, *kjson = NULL, *hash = NULL, *tmplog = NULL;
	double t0 = g_now();
	json_t *j = NULL;
	int rc = -1;

	/* Again under the lock: the stapgrid we waited for may have done it. */
	if (!force && g_kernel_ready(k, false)) {
		free(kdir);
		return 0;
	}
	if (g_rmtree(kdir) < 0) {
		g_err("cannot remove the stale %s", kdir);
		free(kdir);
		return -1;
	}
	if (g_mkdirs(kdir, 0755) < 0) {
		free(kdir);
		return -1;
	}
	/* The log lives beside the cache folder so a failed prepare can remove
	 * the folder and still point at what went wrong. */
	tmplog = xasprintf("%s/kernels/%s.prepare.log", G.cache, k->id);
	unlink(tmplog);
	log = tmplog;
	j = json_object();
	json_object_set_new(j, "id", json_string(k->id));
	if (!strcmp(k->source, "debian"))
		rc = g_prepare_debian(k, kdir, log, j);
	else
		rc = g_prepare_source(k, kdir, log, j);
	if (rc == 0 && g_interrupted) {
		g_err("interrupted");
		rc = -1;
	}
	if (rc == 0) {
		char *vmlinux = g_path(kdir, "vmlinux"), *btf = g_path(kdir, "vmlinux.btf");
		char *bid = NULL, *when = g_iso8601(g_epoch());
		bool has_btf = false;

		rc = g_vmlinux_facts(vmlinux, btf, &bid, &has_btf);
		hash = g_kernel_conf_hash(k);
		json_object_set_new(j, "build_id", bid ? json_string(bid) : json_null());
		json_object_set_new(j, "btf", json_boolean(has_btf));
		json_object_set_new(j, "conf_hash", json_string(hash));
		json_object_set_new(j, "prepared_at", json_string(when));
		json_object_set_new(j, "prepare_seconds", json_real(g_now() - t0));
		kjson = g_path(kdir, "kernel.json");
		if (rc == 0)
			rc = target_note(kdir, json_string_value(json_object_get(j, "release")), bid,
					 false);
		if (rc == 0) {
			char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
			rc = g_writefile(kjson, text, strlen(text), 0644);
			free(text);
		}
		if (rc == 0)
			g_info("%s: prepared %s in %.1f s (build id %s%s)", k->id,
			       json_string_value(json_object_get(j, "release")), g_now() - t0,
			       bid ? bid : "none", has_btf ? ", BTF" : ", no BTF");
		free(vmlinux);
		free(btf);
		free(bid);
		free(when);
	}
	if (rc < 0) {
		g_rmtree(kdir);
		if (!strcmp(k->source, "debian")) {
			unlink(log);
			g_err("%s: prepare failed; nothing was kept in %s", k->id, G.cache);
		} else {
			g_err("%s: prepare failed; only its log was kept: %s", k->id, log);
		}
	} else {
		char *keep = g_path(kdir, "prepare.log");
		rename(log, keep);
		free(keep);
	}
	json_decref(j);
	free(kdir);
	free(tmplog);
	free(kjson);
	free(hash);
	return rc;
}

int g_kernel_prepare(const struct g_kernel *k, bool force)
{
	int lock, rc;

	if (!force && g_kernel_ready(k, false))
		return 0;
	lock = g_kernel_lock(k);
	if (lock < 0)
		return -1;
	rc = prepare_locked(k, force);
	close(lock);
	return rc;
}

/* ---- guest artefacts built on demand ------------------------------------------ */

char *g_kernel_initrd(const struct g_kernel *k, const struct g_kinfo *ki)
{
	char *kdir = g_kernel_dir(k), *init = g_path(G.src, "grid/guest/init.sh");
	strv deps = {0};
	char *hash, *path;

	/* Keyed by what goes in: rebuilt when the init script changes. */
	sv_push(&deps, init);
	sv_push(&deps, "/bin/busybox");
	sv_pushown(&deps, g_path(kdir, "kernel.json"));
	hash = g_hash_files(&deps);
	path = xasprintf("%s/initrd-%s-%s.cpio", kdir, k->share, hash);
	if (!g_exists(path) && g_initrd_build(path, ki->release, ki->modules, k->share) < 0) {
		free(path);
		path = NULL;
	}
	sv_free(&deps);
	free(hash);
	free(kdir);
	free(init);
	return path;
}

char *g_kernel_build_module(const struct g_kernel *k, const struct g_kinfo *ki,
			    const char *srcdir, const char *name)
{
	char *kdir = g_kernel_dir(k), *c = xasprintf("%s/%s.c", srcdir, name);
	char *kb = xasprintf("%s/Kbuild", srcdir);
	strv deps = {0};
	char *hash, *dir, *ko, *log, *mdir;
	int rc;

	sv_push(&deps, c);
	sv_push(&deps, kb);
	hash = g_hash_files(&deps);
	dir = xasprintf("%s/mod-%s-%s", kdir, name, hash);
	ko = xasprintf("%s/%s.ko", dir, name);
	if (g_exists(ko))
		goto done;
	log = g_path(kdir, "module-build.log");
	g_rmtree(dir);
	rc = g_mkdirs(dir, 0755);
	if (rc == 0) {
		char *dc = xasprintf("%s/%s.c", dir, name), *dk = g_path(dir, "Kbuild");
		rc = g_copyfile(c, dc, 0644) < 0 || g_copyfile(kb, dk, 0644) < 0 ? -1 : 0;
		free(dc);
		free(dk);
	}
	mdir = xasprintf("M=%s", dir);
	if (rc == 0) {
		char *argv[] = {"make", "-s", "-C", ki->kbuild, mdir, "modules", NULL};
		rc = g_run(argv, NULL, NULL, log);
		if (rc != 0)
			g_err("building %s against %s failed (exit %d); log: %s", name, ki->release, rc, log);
	}
	if (rc != 0 || !g_exists(ko)) {
		g_rmtree(dir);
		free(ko);
		ko = NULL;
	}
	free(mdir);
	free(log);
done:
	sv_free(&deps);
	free(hash);
	free(dir);
	free(kdir);
	free(c);
	free(kb);
	return ko;
}
