/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stapgrid: boots a matrix of kernels under libvirt, runs test suites in the
 * guests, judges them and publishes the results.  One header for the whole
 * controller; each section belongs to one source file (g<concern>.c).
 */
#ifndef STAPGRID_GRID_H
#define STAPGRID_GRID_H

#include <stdarg.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define G_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- gutil.c: memory, strings, files, time ---------------------------- */
/* xmalloc, xcalloc, xrealloc, xstrdup, read_file and note_build_id are
 * shared with stap and staprun (runtime/lib/ulib.h); gutil.c says what
 * out of memory does. */
#include "../runtime/lib/ulib.h"
char *xasprintf(const char *fmt, ...) G_PRINTF(1, 2);
/* free(*p), *p = NULL, for each char **p given, up to a NULL. */
void g_free_strs(char **p, ...) __attribute__((sentinel));

typedef struct {
	char *s;
	size_t len, cap;
} sbuf;
void sb_addn(sbuf *b, const char *s, size_t n);
void sb_add(sbuf *b, const char *s);
void sb_addf(sbuf *b, const char *fmt, ...) G_PRINTF(2, 3);
void sb_addxml(sbuf *b, const char *s); /* XML/HTML-escaped */
/* open, text escaped, close: sb_addtag(b, "<th>", name, "</th>") */
void sb_addtag(sbuf *b, const char *open, const char *text, const char *close);
void sb_addshq(sbuf *b, const char *s); /* single-quoted for sh */
const char *sb_str(sbuf *b);             /* never NULL */
char *sb_steal(sbuf *b);
void sb_free(sbuf *b);

typedef struct {
	char **v;
	size_t n, cap;
} strv;
void sv_push(strv *sv, const char *s);
void sv_pushown(strv *sv, char *s);
void sv_split(strv *sv, const char *s, const char *seps);
bool sv_has(const strv *sv, const char *s);
char *sv_join(const strv *sv, const char *sep);
void sv_free(strv *sv);

void g_err(const char *fmt, ...) G_PRINTF(1, 2);
void g_warn(const char *fmt, ...) G_PRINTF(1, 2);
void g_info(const char *fmt, ...) G_PRINTF(1, 2);
extern int g_verbose;

int g_mkdirs(const char *path, mode_t mode);
int g_rmtree(const char *path);
bool g_exists(const char *path);
bool g_isdir(const char *path);
int g_writefile(const char *path, const void *data, size_t len, mode_t mode);
int g_copyfile(const char *src, const char *dst, mode_t mode);
char *g_path(const char *dir, const char *name);
const char *g_basename(const char *path);
bool g_valid_id(const char *s);
char *g_trim(char *s);
bool g_has_suffix(const char *s, const char *suffix);
double g_now(void);           /* monotonic seconds */
char *g_iso8601(double epoch); /* UTC, with microseconds and +00:00 */
double g_epoch(void);
char *g_digest(const void *data, size_t len); /* 16 hex digits */
char *g_hash_files(const strv *paths); /* short digest of file contents */

/* ---- gproc.c: child processes, the reaper, signals --------------------- */
extern volatile int g_interrupted; /* SIGINT/SIGTERM seen */
void g_proc_init(void);             /* subreaper, signal set-up, reaper thread */
void g_proc_fini(void);
/* Run argv, wait; stdout+stderr go to *out when out is non-NULL, to logpath
 * when that is non-NULL, else to ours.  Returns exit status, 128+signal, or
 * -1 when it could not start (error printed). */
int g_run(char *const argv[], const char *cwd, char **out, const char *logpath);
/* Start argv in its own session (so a terminal's Ctrl-C reaches only us),
 * output appended to logpath, pre() run in the child before exec.  Returns
 * pid or -1. */
pid_t g_spawn_daemon(char *const argv[], const char *logpath, void (*pre)(void));
int g_wait(pid_t pid, double timeout);  /* status, or -2 on timeout */
/* pthread_cond_timedwait for at most ms milliseconds (mu held). */
void g_cond_wait_ms(pthread_cond_t *cond, pthread_mutex_t *mu, long ms);
bool g_alive(pid_t pid);
bool g_tool_exists(const char *name);

/* ---- gconf.c: configuration files ------------------------------------ */
struct g_kernel {
	char *id, *file, *description;
	char *source;   /* "debian" or "linux-source" */
	char *package;  /* Debian image package (or meta), or linux-source-X */
	char *base;     /* linux-source: base config target, e.g. defconfig */
	strv fragments; /* linux-source: configs/fragments/NAME */
	int vcpus, memory_mb;
	char *cmdline;  /* appended to the common guest command line */
	char *share;    /* "9p" or "virtiofs" */
	strv features;  /* expected, checked by the smoke suite */
	int timeout_scale; /* slow kernels (KASAN under TCG): job timeouts times this */
};
struct g_host {
	char *name, *uri;
	int capacity;
	char *accel;    /* auto, tcg or kvm */
	char *transfer; /* libvirt: local or volumes; lava: shared (file://, 9p) or http */
	char *serve;    /* lava, transfer=http: ADDR[:PORT] stapgrid serves the jobs' files on */
	char *basedir;  /* volumes: where the partner keeps our files */
	char *engine;   /* "libvirt", or "lava" for a lava+http(s):// URI (glava.c) */
	char *token;    /* lava: the file holding the server's API token */
	char *device_type; /* lava: the device type jobs ask for (default qemu) */
	char *file;
	int line;
};
struct g_test {
	char *name, *script;
};
struct g_suite {
	char *name, *dir, *description;
	int timeout;   /* host-side watchdog, seconds, plus --duration */
	int duration;  /* the tests' duration when --duration is not given (0) */
	int min_duration; /* a shorter --duration is an error */
	int per_duration; /* the watchdog adds this many times the duration */
	char *tcg;     /* multi or single */
	bool hostroot; /* chroot the tests into the host's system folders, tree and cache */
	bool debuginfo; /* the kernel's DWARF (prepare --dbg) fetched before the run holds it */
	int vcpus;     /* 0: the kernel configuration's */
	int memory_mb; /* 0: the kernel configuration's */
	struct g_test *tests;
	int ntests;
	strv files;   /* everything in the folder, copied into the share */
	strv modules; /* grid/modules/NAME built against the kernel, NAME.ko in the share */
	char *prebuild; /* a script run on the host before the guest boots */
	char *expect; /* selftest suites: the verdict the job must get */
	strv expect_tests; /* selftest suites: "NAME VERDICT" a test must get */
	strv expect_exits; /* selftest suites: "NAME RC" a test must exit with */
	strv expect_excerpts; /* selftest suites: text the job's console excerpt must hold */
	strv requires; /* selftest suites: kernel features the guest needs, else skipped */
	bool bogus_kernel; /* selftest: boot a file that is not a kernel */
};
struct g_paths {
	char *src;     /* the source tree: configs/, grid/suites, grid/guest */
	char *cache;   /* kernel cache, work area */
	char *results; /* results/ (runs/, site/) */
};
extern struct g_paths G;

int g_conf_kernels(struct g_kernel **out, int *n);
int g_conf_hosts(const char *file, struct g_host **out, int *n);
/* Suites live in G.src/grid/suites; selftest guests in G.src/grid/selftest. */
int g_conf_suite(const char *base, const char *name, struct g_suite *s);
int g_conf_suite_names(const char *base, strv *names);
struct g_kernel *g_kernel_find(struct g_kernel *ks, int n, const char *id);
void g_kernel_free(struct g_kernel *k);
void g_host_free(struct g_host *h);
void g_suite_free(struct g_suite *s);
/* An array a of n records: each freed by fr (g_kernel_free...), then a. */
#define G_FREE_ARRAY(a, n, fr)                  \
	do {                                    \
		for (int i_ = 0; i_ < (n); i_++) \
			fr(&(a)[i_]);           \
		free(a);                        \
	} while (0)

/* ---- gkernel.c: the kernel cache -------------------------------------- */
struct g_kinfo {
	char *release, *version, *package, *build_id, *conf_hash;
	char *vmlinux, *kbuild, *modules, *btf; /* absolute paths in the cache */
	char *boot; /* what the guest boots: vmlinux (PVH entry) or bzImage */
	bool has_btf;
	double prepare_seconds;
	char *prepared_at;
};
char *g_kernel_dir(const struct g_kernel *k);
char *g_kernel_conf_hash(const struct g_kernel *k);
/* CACHE/kernels/targets.txt: how stap -r learns to say "run stapgrid prepare". */
int g_kernel_targets_note(const struct g_kernel *ks, int n);
/* 1 prepared and current, 0 not (or stale), fills info when prepared. */
int g_kernel_info(const struct g_kernel *k, struct g_kinfo *info);
int g_kernel_prepare(const struct g_kernel *k, bool force);
/* Hold a prepared kernel (a shared lock on CACHE/locks/ID.lock) until
 * g_kernel_release_all or the process's end: prepare and --dbg wait. */
int g_kernel_hold(const struct g_kernel *k);
void g_kernel_release_all(void);
/* prepare --dbg: the kernel's DWARF for stap (the -dbg package's vmlinux). */
int g_kernel_debuginfo(const struct g_kernel *k);
void g_kinfo_free(struct g_kinfo *i);
/* Whether k is prepared (with dbg: and has its DWARF), looked at unlocked. */
bool g_kernel_ready(const struct g_kernel *k, bool dbg);
/* The base initramfs for this kernel and share type; built on demand. */
char *g_kernel_initrd(const struct g_kernel *k, const struct g_kinfo *ki);
/* Build a module from a source folder against the kernel's kbuild tree. */
char *g_kernel_build_module(const struct g_kernel *k, const struct g_kinfo *ki,
			    const char *srcdir, const char *name);

/* ---- gkfetch.c, gkbuild.c: a kernel into KDIR (prepare's two sources) -- */
/* apt-get download PKGS into dir, each unpacked into root (dpkg-deb -x). */
int g_apt_fetch(strv *pkgs, const char *dir, const char *root, const char *log);
/* The version apt would fetch of pkg ("unknown" if none). */
char *g_apt_version(const char *pkg);
struct json_t;
/* Fill KDIR from Debian's packages or a linux-source build; j gets the
 * release, package, version and source (and boot, for a build). */
int g_prepare_debian(const struct g_kernel *k, const char *kdir, const char *log,
		     struct json_t *j);
int g_prepare_source(const struct g_kernel *k, const char *kdir, const char *log,
		     struct json_t *j);

/* ---- gklock.c: CACHE/locks/ID.lock -------------------------------------- */
/* The exclusive lock (prepare, --dbg): its descriptor, released by close(). */
int g_kernel_lock(const struct g_kernel *k);

/* ---- gkdbg.c: the DWARF of a prepared kernel ----------------------------- */
/* Where stap finds it: the -dbg package's vmlinux, or a build's own. */
char *g_kernel_dbg_vmlinux(const char *kdir, const char *release, bool source);

/* ---- gelf.c, gunpack.c: kernel images --------------------------------------- */
/* A file mapped read-only (an empty one too); the error said. */
struct g_map {
	const unsigned char *p;
	size_t len;
	int fd;
};
int g_map_file(const char *path, struct g_map *m);
void g_unmap_file(struct g_map *m);
/* vmlinux's build id (NULL if none) and its .BTF copied to btfpath. */
int g_vmlinux_facts(const char *vmlinux, const char *btfpath, char **build_id, bool *has_btf);
/* bzImage's payload (xz, gzip, zstd, lz4), decompressed, written to out. */
int g_extract_vmlinux(const char *bzimage, const char *out);
/* A file's bytes, decompressed by its name's end (.xz, .gz, .zst). */
int g_read_unpacked(const char *path, sbuf *out);

/* ---- ginitrd.c: newc cpio archives, the guest's initramfs ------------- */
struct g_cpio;
struct g_cpio *g_cpio_open(const char *path);
int g_cpio_dir(struct g_cpio *c, const char *name, unsigned mode);
int g_cpio_file(struct g_cpio *c, const char *name, unsigned mode, const void *data, size_t len);
int g_cpio_symlink(struct g_cpio *c, const char *name, const char *target);
int g_cpio_chardev(struct g_cpio *c, const char *name, unsigned mode, unsigned maj, unsigned min);
int g_cpio_close(struct g_cpio *c); /* writes the trailer; -1 on any error */
int g_initrd_build(const char *path, const char *release, const char *modroot,
		   const char *share);

/* ---- gxml.c: domain XML -------------------------------------------------- */
struct g_domspec {
	const char *name, *type; /* "qemu" or "kvm" */
	const char *kernel, *initrd, *cmdline, *emulator;
	const char *share, *sharetype; /* dir, "9p" or "virtiofs" */
	const char *console;
	bool hostroot;
	/* Host folders shared read-only as virtiofs, tags sg0, sg1, ... in
	 * order (the guest mounts each at its own path: grid/guest/init.sh). */
	const strv *dirs;
	int memory_mb, vcpus;
};
char *g_domain_xml(const struct g_domspec *d);

/* ---- gvirt.c: libvirt daemons, connections, events ------------------- */
struct g_conn;
int g_virt_init(void);
void g_virt_fini(void); /* the last stapgrid using daemons one started stops them */
struct g_conn *g_connect(const struct g_host *h);
void g_disconnect(struct g_conn *c);
const struct g_host *g_conn_host(struct g_conn *c);
const char *g_conn_accel(struct g_conn *c); /* "kvm", "tcg", or "kvm?" before the probe */
void g_conn_set_accel(struct g_conn *c, const char *accel);
bool g_conn_local(struct g_conn *c); /* shares our file system */
const char *g_virt_lasterr(void);
void g_virt_thread_done(void); /* before a thread that used libvirt ends */

enum g_domend {
	G_END_NONE, G_END_SHUTDOWN, G_END_CRASHED, G_END_WATCHDOG,
	G_END_TIMEOUT, G_END_INTERRUPTED, G_END_LOST, G_END_FAILED
};
struct g_dom;
/* Create a transient domain that dies with our connection. */
struct g_dom *g_dom_start(struct g_conn *c, const char *xml, const char *name, char **err);
enum g_domend g_dom_wait(struct g_dom *d, double timeout);
int g_dom_tcg_mode(struct g_dom *d, char **mode); /* "single" / "multi" */
void g_dom_destroy(struct g_dom *d); /* destroys if running, frees */
const char *g_emulator_path(struct g_conn *c, const char *tcg);

/* ---- glava.c: LAVA's REST API (libcurl), job definitions ---------------- */
struct g_jobres;
struct g_lava;
/* The server of a lava host, its token read and checked, its device type
 * known to it; NULL (said) otherwise. */
struct g_lava *g_lava_open(const struct g_host *h);
void g_lava_close(struct g_lava *l);
struct g_lava *g_conn_lava(struct g_conn *c); /* NULL for a libvirt host */
/* What a LAVA job boots and runs: the same kernel, initramfs and share
 * (9p, the job folder on the worker's machine) as a libvirt guest. */
struct g_lavaspec {
	const char *name, *device_type, *kernel, *initrd, *cmdline, *share, *tcg;
	int vcpus, timeout;
	bool http;  /* kernel and initrd are http:// URLs; no share (gpayload.c) */
};
char *g_lava_definition(const struct g_lavaspec *s);
long g_lava_submit(struct g_lava *l, const char *definition, char **err); /* id, or -1 */
/* state (Submitted, Scheduling, Scheduled, Running, Canceling, Finished)
 * and health (Unknown, Complete, Incomplete, Canceled); -1, *err set,
 * when the server did not answer. */
int g_lava_job_state(struct g_lava *l, long id, char **state, char **health, char **err);
int g_lava_cancel(struct g_lava *l, long id);
/* The guest's serial console (the log's target and feedback lines) into path. */
int g_lava_console(struct g_lava *l, long id, const char *path);
/* LAVA's test cases and its job error (lava.job's error_type, error_msg) into r. */
int g_lava_results(struct g_lava *l, long id, struct g_jobres *r);
char *g_lava_job_url(struct g_lava *l, long id);
const char *g_lava_local_ip(struct g_lava *l); /* our address toward the server, or NULL */

/* ---- gserve.c: the jobs' files over HTTP for remote LAVA workers ------- */
struct g_serve;
struct g_serve *g_serve_start(const char *where, char **err); /* ADDR[:PORT] */
const char *g_serve_base(const struct g_serve *s);            /* http://ADDR:PORT */
char *g_serve_add(struct g_serve *s, const char *file, const char *name); /* its URL */
void g_serve_remove(struct g_serve *s, const char *url);
void g_serve_stop(struct g_serve *s);
struct g_serve *g_conn_serve(struct g_conn *c); /* a transfer=http LAVA host's, else NULL */

/* ---- gpayload.c: a job's files in its initramfs, results over the console */
int g_payload_initrd(const char *base, const char *share, const char *out);
/* 0, 1 (no results block on the console) or -1 and *why. */
int g_payload_results(const char *console, const char *share, char **why);

/* ---- gxfer.c: moving files to and from a host ------------------------- */
struct g_share;
/* A fresh share folder for one job on the host of c, plus a console path. */
struct g_share *g_share_new(struct g_conn *c, const char *tag);
const char *g_share_dir(struct g_share *s);      /* path on the host */
const char *g_share_console(struct g_share *s);  /* path on the host */
int g_share_put(struct g_share *s, const char *name, const char *localpath, mode_t mode);
int g_share_putdata(struct g_share *s, const char *name, const char *data, size_t len, mode_t mode);
int g_share_fetch(struct g_share *s, const char *localdir); /* all files + console.log */
void g_share_free(struct g_share *s);                        /* removes it */
/* Path of a cached file (kernel, initrd, wrapper) on the host of c. */
char *g_host_file(struct g_conn *c, const char *localpath, const char *key, mode_t mode);

/* ---- gverdict.c: verdicts -------------------------------------------- */
/* In order of severity.  V_UNSUPPORTED: (tests only) the kernel lacks what
 * the test needs (exit status 77); it ranks just above pass for the test and
 * counts as a pass for its job. */
enum g_verdict { V_PASS, V_UNSUPPORTED, V_FAIL, V_WARNING, V_HANG, V_OOPS, V_PANIC, V_INFRA, V_NOTRUN, V__N };
/* A test's exit status meaning "unsupported on this kernel" (automake's). */
#define G_EXIT_UNSUPPORTED 77
const char *g_verdict_name(enum g_verdict v);
int g_verdict_parse(const char *s);
enum g_verdict g_verdict_worse(enum g_verdict a, enum g_verdict b);
/* The worst console signature in text[from, to): V_PASS when none; *hit
 * points at the matching line. */
enum g_verdict g_console_scan(const char *text, size_t from, size_t to, const char **hit);
char *g_console_excerpt(const char *text, size_t len, const char *hit);

/* ---- gjob.c: one guest ------------------------------------------------- */
struct g_testres {
	char *name;
	enum g_verdict verdict;
	double duration;
	char *log;     /* file name in the job folder, or NULL */
	char *excerpt; /* console excerpt for non-pass */
	strv fig_keys, fig_vals; /* measured figures (figures.txt), in order */
};
/* A DejaGnu .sum the job left (a suite running runtest): its counts. */
enum g_dg { DG_PASS, DG_FAIL, DG_XPASS, DG_XFAIL, DG_UNRESOLVED, DG_UNTESTED, DG_UNSUPPORTED, DG_ERROR, DG__N };
struct g_dgsum {
	char *sum;        /* path relative to the job folder */
	int counts[DG__N];
	strv failures;    /* FAIL, XPASS, UNRESOLVED and ERROR lines, as written */
};
struct g_jobres {
	char *kernel, *suite, *host, *accel, *tcg, *dir;
	char *release, *build_id;
	enum g_verdict verdict;
	int counts[V__N];
	struct g_testres *tests;
	int ntests;
	char *excerpt, *reason;
	double start, end, boot_seconds;
	int attempts, rep; /* rep: 1..N under --repeat N, else 0 */
	double t0, t_create, t_created, t_ended; /* phases, for -vv */
	bool final; /* an infra verdict that another attempt cannot mend */
	struct g_dgsum *dg; /* DejaGnu summaries, from the guest and the prebuild */
	int ndg;
	struct g_perfrow *perf; /* overhead benchmark rows (gperf.c), in order */
	int nperf;
	struct g_jobcov *cov; /* a gcov kernel's job: its coverage (gcover.c), else NULL */
	char *engine;   /* "libvirt" or "lava" */
	long lava_id;   /* the LAVA job (0: none was submitted) */
	char *lava_url, *lava_health, *lava_error; /* its page, health, error_type: error_msg */
	strv lava_cases; /* LAVA's own test cases, "SUITE.CASE RESULT" */
};
struct g_jobopt {
	int duration;
	const char *command; /* shell: run this instead of a suite's tests */
	bool no_tcg_check;
	int timeout;         /* a command's, seconds (default 300) */
	const char *tcg;     /* a command's TCG mode (default multi) */
	const char *cwd;     /* exec: the folder the command runs in, shared too */
	/* Called once the guest runs (running true; sharedir is the share's
	 * folder when it is on this machine, else NULL) and once it has ended
	 * (exec streams the guest's output meanwhile). */
	void (*watch)(void *arg, const char *sharedir, bool running);
	void *watch_arg;
};
int g_job_run(struct g_conn *c, const struct g_kernel *k, const struct g_kinfo *ki,
	      const struct g_suite *s, const struct g_jobopt *o, const char *jobdir,
	      struct g_jobres *r);
void g_jobres_free(struct g_jobres *r);

/* ---- gdejagnu.c: DejaGnu summaries ---------------------------------------- */
const char *g_dg_name(enum g_dg c); /* "pass", "fail", ... */
/* Every .sum in the job folder and its prebuild/ folder into r->dg. */
void g_dejagnu_collect(const char *jobdir, struct g_jobres *r);
void g_dgsum_free(struct g_dgsum *d);

/* ---- gperf.c: overhead benchmark rows ------------------------------------ */
/* One "row KEY=VALUE ... [note=...]" line of perf-host.txt or perf.txt
 * (docs/grid.md).  Numbers are NAN when the row says "-" (not measured)
 * or leaves them out. */
struct g_perfrow {
	char *variant, *workload, *unit;
	char *note;         /* NULL when none */
	double value, runs, min, max;
	double drops, hits_per_op;
	bool has_drops, has_hits; /* optional keys: shown only when given */
	double ratio;       /* value / its workload's floor value, or NAN */
	char *floor;        /* that floor's variant when not "floor", or NULL */
	char *twin;         /* the variant it is compared with, or NULL */
	double ratio_twin;  /* value / the twin's value, same workload, or NAN */
};
/* The job folder's perf-host.txt, then perf.txt, into r->perf, and
 * perf.json when either exists.  Returns the number of rows, -1 when
 * perf.json could not be written. */
int g_perf_collect(const char *jobdir, struct g_jobres *r);
void g_perf_free(struct g_jobres *r);
/* The rows as a JSON array (jansson's json_t), for run.json. */
struct json_t *g_perf_rows_json(const struct g_jobres *r);

/* ---- gsched.c: a run: jobs over hosts ------------------------------------ */
struct g_runopt {
	strv kernels, suites;
	int duration, jobs, repeat;
	const char *hosts_file;
	bool progress, publish;
	bool coverage; /* --coverage: the runtime's unit-test coverage too (gcover.c) */
	const char *engine;     /* --engine: NULL (hosts.conf), "libvirt" or "lava" */
	const char *lava_url;   /* --lava URL */
	const char *lava_token; /* --lava-token-file F */
	char **run_id;          /* when given: the run's ID, for its caller (certify) */
};
int g_run_grid(const struct g_runopt *o);
/* ids, or the keywords "all" / "debian", to kernel ids; errors name the known ids. */
int g_select_kernels(const strv *ids, struct g_kernel *ks, int nk, strv *out);
int g_shell(const char *kernel, const char *cmd, const char *hosts_file);
/* One command in one fresh guest of a kernel (shell, exec): the job's
 * folder is kept in *dir for the caller to read and remove.  Returns 0
 * after the guest ran (r says how), 1 when it could not start. */
struct g_oneguest {
	const char *kernel, *hosts_file;
	struct g_jobopt o;
	int (*before)(void *arg, const struct g_kernel *k); /* after the kernel is ready */
	void *arg;
};
int g_one_guest(const struct g_oneguest *g, char **dir, struct g_jobres *r);
/* Exit status for a command's guest: 0, 1 (the command failed), 2 (the guest). */
int g_guest_status(const struct g_jobres *r);
int g_selftest(const char *kernel, const char *hosts_file);
/* Run argv while the local libvirt daemons are up (started if none runs). */
int g_with_libvirt(char *const argv[]);
char *g_job_id(const struct g_jobres *r);

/* ---- gexec.c: stap in a guest, its module built on the host -------------- */
int g_exec(const char *kernel, int timeout, char *const stap_args[], const char *hosts_file);

/* ---- gresult.c: run.json, kcidb.json, .sum -------------------------------- */
struct g_run {
	char *id, *dir, *host;
	double start, end;
	struct g_jobres *jobs;
	int njobs;
	bool selftest;
	struct json_t *coverage; /* run.json's "coverage" (gcover.c), or NULL */
	struct json_t *source;   /* run.json's "source": what was tested (g_source_state) */
	struct json_t *options;  /* run.json's "options": --duration, --coverage, --repeat */
};
int g_result_write(const struct g_run *r);
int g_json_write(struct json_t *j, const char *path); /* indented, keys in order */
/* Object O's member K: a string ("" when it is none), a number (NAN). */
const char *g_jstr(struct json_t *o, const char *k);
double g_jnum(struct json_t *o, const char *k);
/* The source tree's git commit and uncommitted paths, read at the run's
 * start: a published figure names the code it measured. */
struct json_t *g_source_state(const char *src);

/* ---- gcover.c: coverage (docs/grid.md, "Coverage") ---------------------- */
struct g_jobcov {
	int gcda;       /* counts files the guest collected */
	int paired;     /* of which met their notes (.gcno) */
	strv unpaired;  /* the others, each with why */
	strv map;       /* "BUILD-PATH<tab>RUNTIME-FILE" of the notes used */
	char *error;    /* NULL, or why the job's coverage is missing or partial */
	char *info;     /* its lcov tracefile in the job folder, or NULL */
};
/* After a suite's job on a gcov kernel: gcov.tar and the kept notes into
 * jobs/JOB/coverage.info; r->cov says how it went. */
void g_cover_job(struct g_jobres *r);
void g_cover_free(struct g_jobres *r);
struct json_t *g_cover_job_json(const struct g_jobres *r); /* NULL: no gcov kernel */
/* The run's coverage/ and run.json's "coverage": the gcov jobs' lines
 * merged, and with user the unit tests' (make coverage). */
struct json_t *g_cover_run(const char *rundir, const struct g_jobres *jobs, int n, bool user);
bool g_cover_failed(struct json_t *cov); /* some coverage could not be measured */
/* genhtml of an lcov tracefile into out ("stapgrid WHAT coverage", names
 * shown below prefix, its output in log), the pages dated at epoch unless
 * 0, without a source view with nosource.  0 or -1. */
int g_cover_genhtml(const char *info, const char *out, const char *what, const char *prefix,
		    const char *log, long epoch, bool nosource);
/* gcovsite.c: the run page's Coverage section (lcov's HTML copied into
 * rundst, or rendered again there from a published run's tracefile) and
 * the index's coverage totals (runs newest first). */
void g_cover_site_run(sbuf *b, struct json_t *run, const char *runsrc, const char *rundst);
void g_cover_site_index(sbuf *b, struct json_t **runs, size_t n);
/* stapgrid coverage RUN_ID: the run's coverage measured again from its
 * jobs' gcov.tar (and the unit tests with user), run.json rewritten. */
int g_cover_cmd(const char *runid, bool user);

/* ---- gkeep.c: results/published/, the runs docs cite ------------------- */
int g_keep(const char *results, char *const ids[], int n);

/* ---- gchart.c: bar charts as plain SVG ------------------------------------ */
struct g_bar {
	const char *label;
	double value;
	bool valid;		/* false: no value, c->none instead of a bar */
	bool muted;		/* grey, as the floor's */
};
struct g_chart {
	const char *title, *tip;	/* the heading; the SVG's <title> */
	const struct g_bar *bars;
	size_t n;
	int digits;			/* of each bar's value */
	const char *none;		/* what a bar without a value says */
	double mark;			/* a dashed line there, when */
	const char *mark_label;		/* this names it */
};
void g_chart_svg(sbuf *b, const struct g_chart *c);

/* ---- gsite.c: the static site ------------------------------------------ */
int g_publish(const char *results);
/* The same site written into dir (publish --to DIR) instead of results/site. */
int g_publish_to(const char *results, const char *dir);
/* For the other page writers: the page's head, the page written (b freed),
 * a run's file copied into the site (its name there, or NULL). */
void g_site_head(sbuf *b, const char *title, const char *up);
int g_site_write(const char *path, sbuf *b);
char *g_site_copy(const char *srcdir, const char *relpath, const char *sitedir, const char *name);
/* gcertsite.c: the index's headline overhead (the newest run with perf
 * rows: each tracer's counter over the floor, charted), the certificates'
 * pages and the comparisons' (each certificate against the one before, the
 * latest run against the one before) with the index's lists of them. */
struct json_t;
void g_site_headline(sbuf *b, struct json_t **runs, size_t n);
/* The index's lead: each (kernel, suite)'s newest verdict over all runs. */
void g_site_latest(sbuf *b, struct json_t **runs, size_t n);
int g_site_certs(sbuf *b, const char *results, const char *sitedir, struct json_t **runs, size_t n);
/* gtestsite.c: a test's page, JOB/TEST.html under the run's folder (its
 * href, or NULL): the invariants it checked in words, held or not, and
 * its figures with units; log is its log's copy in the run's folder. */
char *g_site_test_page(struct json_t *job, struct json_t *test, const char *runid, const char *rundst,
		       const char *log);

/* ---- gsign.c: signatures and hashes (OpenSSL's libcrypto) ----------------- */
char *g_sha256_hex(const void *data, size_t len); /* 64 hex digits */
char *g_sha256_file(const char *path);            /* NULL: unreadable */
/* A new Ed25519 key pair as PEM files (the private one 0600, made new). */
int g_key_make(const char *priv, const char *pub);
/* A detached signature of data (base64), the key's SHA-256 fingerprint;
 * the public key written to pub_out when given. */
int g_sign(const char *priv, const void *data, size_t len, char **sig_b64, char **fpr,
	   const char *pub_out);
/* 0 good, 1 bad signature, -1 could not check (said); *fpr the key's. */
int g_verify(const char *pub, const void *data, size_t len, const char *sig_b64, char **fpr);

/* ---- gcrit.c: the release criteria (configs/certify.conf) ----------------- */
enum g_crit_kind { C_KERNELS, C_SUITES, C_DURATION, C_FUZZ, C_VERDICT, C_OVERHEAD, C_COVERAGE };
struct g_crit {
	enum g_crit_kind kind;
	char *where, *text;          /* FILE:LINE; the rule as written */
	char *kernel, *suite, *test; /* verdict (test NULL: the job's); overhead: kernel */
	unsigned verdicts;           /* verdict: 1 << each allowed g_verdict */
	char *workload, *variant, *against; /* overhead: floor, twin or a peer variant */
	char *what, *measure;        /* coverage: kernel|user, lines|functions */
	char op;                     /* l <=, L <, g >=, G > */
	double bound;
};
struct g_criteria {
	char *file, *sha256;
	strv kernels, suites, limitations;
	int duration, fuzz_seconds;  /* the run's --duration; seconds of fuzzing (-1: none) */
	struct g_crit *rules;
	int n;
};
/* Every mistake FILE:LINE:COL; -1 and nothing loaded on any. */
int g_criteria_load(const char *file, struct g_criteria *c);
void g_criteria_free(struct g_criteria *c);

/* ---- gcert.c: stapgrid certify, the certificate --------------------------- */
struct g_certopt {
	const char *release, *criteria;
	const char *run;  /* judge this run (ID or folder) instead of running one */
	const char *fuzz; /* a fuzzing run's folder (fuzz.sum, fuzz.log) instead of fuzzing */
	const char *key;  /* the signing key (default CACHE/certify/signing-key.pem, made once) */
	int jobs;         /* the run's --jobs (0: the hosts' capacity) */
	const char *hosts_file; /* the run's --hosts */
};
int g_certify(const struct g_certopt *o);          /* 0 certified, 1 not, 2 bad input */
int g_certify_verify(const char *dir, const char *pubkey); /* 0 good, 1 not */
/* A run's facts as a certificate holds them: jobs, tests, overhead, coverage, torture. */
struct json_t *g_cert_facts(struct json_t *run);
struct json_t *g_cert_judge(const struct g_criteria *c, struct json_t *run, struct json_t *facts,
			    struct json_t *fuzz);
struct json_t *g_cert_fuzz_read(const char *dir);
struct json_t *g_cert_load(const char *dir); /* certificate.json, said when bad */
char *g_cert_canonical(struct json_t *cert);
char *g_find_run(const char *what); /* a run's folder by ID or path, or NULL */

/* ---- gcompare.c: stapgrid compare A B --------------------------------------- */
/* Two runs or certificates: verdict changes, new failures, overhead ratios
 * beyond their noise, coverage, tests added and removed; {"a", "b",
 * "regressions", "changes": [{kind, key, a, b, regression, note}]}, or NULL
 * (said) when either cannot be read. */
struct json_t *g_compare(const char *a, const char *b);
int g_compare_cmd(const char *a, const char *b); /* 0, 1 on a regression, 2 bad input */

#endif
