/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * build.c - passes 3 to 5: the C of emit.c, compiled with the runtime
 * into an executable (--runtime=user, cc) or a kernel module (kbuild
 * against the target), cached, and run (the executable, or staprun with
 * the module).
 *
 * The cache key is a SHA-256 of everything that decides the executable:
 * the script's files and the tapset files it pulled in (their text, so
 * that error locations stay true), the tapset macro files, the runtime's
 * sources, the options that change the program (-D, -g, -u, arguments,
 * target kernel and its build id), the compiler, and the translator's
 * version and binary.  A hit skips
 * passes 3 and 4.  -G, -o, -T, -c and -x are not in the key: they are
 * given to the program when it runs.  The runtime is compiled once per
 * compiler, flags and -D options into an object of its own in the cache
 * (user_runtime), as the kernel runtime is (runtime_object).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sdt.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stap.h"

#ifndef STAP_RUNTIME_DIR
#define STAP_RUNTIME_DIR "/usr/share/stap/runtime"
#endif

extern char **environ;

static const char *runtime_dir(void)
{
	return S->runtime_dir ? S->runtime_dir : STAP_RUNTIME_DIR;
}

static const char *compiler(void)
{
	const char *cc = getenv("CC");

	return cc && *cc ? cc : "cc";
}

/* Extra compiler flags for the program (tests build it with sanitizers). */
static const char *extra_cflags(void)
{
	const char *f = getenv("STAP_CFLAGS");

	return f ? f : "";
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether NAME is longer than SUFFIX and ends with it. */
static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), ls = strlen(suffix);

	return n > ls && !strcmp(name + n - ls, suffix);
}

/* The files of DIR ending in one of SUFFIXES, sorted, with their paths. */
static void list_files(const char *dir, const char *const *suffixes,
		       void *vec)
{
	VEC(char *) *out = vec;
	DIR *d = opendir(dir);
	struct dirent *e;
	int first = out->len;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int i;

		for (i = 0; suffixes[i]; i++) {
			if (has_suffix(e->d_name, suffixes[i])) {
				vec_push(out, arena_printf("%s/%s", dir,
							   e->d_name));
				break;
			}
		}
	}
	closedir(d);
	qsort(out->v + first, (size_t)(out->len - first), sizeof(char *),
	      compare_strings);
}

static void hash_string(Sha256 *h, const char *s)
{
	sha256_update(h, s ? s : "", strlen(s ? s : "") + 1);
}

static void hash_file(Sha256 *h, const char *path)
{
	size_t len;
	char *text = read_file(path, &len);

	hash_string(h, path);
	if (text) {
		sha256_update(h, text, len);
		free(text);
	}
}

/* The -D options, in a key. */
static void hash_defines(Sha256 *h)
{
	int i;

	for (i = 0; i < S->defines.len; i++) {
		hash_string(h, S->defines.v[i].name);
		hash_string(h, S->defines.v[i].value);
	}
}

/* One -D option on a command line. */
static const char *define_flag(const Define *d)
{
	return d->value ? arena_printf("-D%s=%s", d->name, d->value) :
	       arena_printf("-D%s", d->name);
}

static const char *const source_files[] = { ".c", ".h", NULL };
static const char *const tapset_files[] = { ".stp", ".stpm", NULL };

/* What every module key covers: the translator, the compiler, the
 * options, the target, the runtime and the tapsets. */
static void hash_common(Sha256 *h)
{
	VEC(char *) files = { 0 };
	int i;

	hash_string(h, STAP_VERSION);
	/* The translator itself: a changed pass 3 is a different program. */
	hash_file(h, "/proc/self/exe");
	hash_string(h, compiler());
	hash_string(h, extra_cflags());
	hash_string(h, S->runtime);
	hash_string(h, S->kernel_release);
	hash_string(h, S->arch);
	hash_string(h, S->compat);
	hash_string(h, S->guru ? "g" : "");
	hash_string(h, privilege_name(S->privilege));	/* .stap_privilege */
	hash_string(h, signing_identity());	/* who signed it (sign.c) */
	hash_string(h, S->unoptimized ? "u" : "");
	hash_string(h, S->timing ? "t" : "");	/* stp_timing[] */
	hash_defines(h);
	for (i = 0; i < S->kbuild_opts.len; i++)	/* -B */
		hash_string(h, S->kbuild_opts.v[i]);
	for (i = 0; i < S->args.len; i++)
		hash_string(h, S->args.v[i]);
	/* The build id names the kernel wherever its kbuild tree lives
	 * (the host's target directory, or /lib/modules in the guest). */
	hash_string(h, S->kernel_build_id ? S->kernel_build_id :
		    S->kernel_build);
	hash_string(h, S->module_name);
	for (i = 0; i < S->user_binaries.len; i++)	/* -d */
		hash_string(h, S->user_binaries.v[i]);
	hash_string(h, S->ldd ? "ldd" : "");
	list_files(runtime_dir(), source_files, &files);
	list_files(arena_printf("%s/user", runtime_dir()), source_files, &files);
	list_files(arena_printf("%s/kernel", runtime_dir()), source_files, &files);
	for (i = 0; i < S->include_dirs.len; i++)
		list_files(S->include_dirs.v[i], tapset_files, &files);
	for (i = 0; i < files.len; i++)
		hash_file(h, files.v[i]);
}

/* Whether the program has process probes (set by cache_key). */
static bool user_binaries;

/* The user binaries process probes stand on: the module holds offsets
 * into them, so their contents are in its key (a rebuilt binary is
 * another module, never uprobes at stale offsets).  So are those it
 * names for user symbols (usyms.c), by their build ids. */
static void hash_user_binaries(Sha256 *h)
{
	Table seen = { 0 };
	const char **syms;
	int i, n = usyms_binaries(&syms);

	for (i = 0; i < n; i++) {
		hash_string(h, syms[i]);
		hash_file(h, syms[i]);
		user_binaries = true;
	}

	for (i = 0; i < S->derived.len; i++) {
		const Derived *d = S->derived.v[i];
		const char *path = d->point->site && d->point->site->user ?
				   d->point->site->module : NULL;

		if (!d->used || !path || table_get(&seen, path))
			continue;
		table_put(&seen, path, "");
		hash_string(h, path);
		hash_file(h, path);
		user_binaries = true;
	}
}

/* The module's key: everything above, every file pass 2 read and the
 * binaries process probes stand on. */
static void cache_key(char *hex)
{
	Sha256 h;
	int i;

	sha256_init(&h);
	hash_common(&h);
	for (i = 0; i < S->files.len; i++) {
		const Source *src = S->files.v[i]->src;

		hash_string(&h, src->name);
		sha256_update(&h, src->text, src->len);
	}
	hash_user_binaries(&h);
	sha256_hex(&h, hex);
}

/*
 * The front key: what the translator has read by the end of pass 1 (the
 * user's files) and what pass 2 will read (the tapset library's files;
 * the kernel's debuginfo, named by size and time since the host and a
 * guest see one file at two paths).  It names the module the full key
 * built, so a repeat skips passes 2 and 3: with DWARF their scans take
 * most of a second.  Only a script pass 2 had no warning about gets an
 * entry.
 */
static Sha256 *front_sha;

static void hash_tapset_file(const char *path)
{
	hash_string(front_sha, path);
	hash_file(front_sha, path);
}

static void front_key(char *hex)
{
	const char *dbg = S->runtime && !strcmp(S->runtime, "kernel") ?
			  dwarf_kernel_file() : NULL;
	struct stat st;
	Sha256 h;
	int i;

	sha256_init(&h);
	hash_string(&h, "front");
	/* A hit skips pass 2 and its warnings: -w and -W decide what pass
	 * 2 would have said (an error under -W), so each has its entry. */
	hash_string(&h, S->no_warnings ? "w" : "");
	hash_string(&h, S->warn_error ? "W" : "");
	hash_common(&h);
	for (i = 0; i < S->user_files.len; i++) {
		const Source *src = S->user_files.v[i]->src;

		hash_string(&h, src->name);
		sha256_update(&h, src->text, src->len);
	}
	/* The tapset library joins at pass 2: an edited tapset is a
	 * different program, so its files are part of this key too. */
	front_sha = &h;
	tapset_each_path(hash_tapset_file);
	front_sha = NULL;
	if (dbg && stat(dbg, &st) == 0)
		hash_string(&h, arena_printf("%lld %lld", (long long)st.st_size,
					     (long long)st.st_mtime));
	sha256_hex(&h, hex);
}

const char *cache_dir(void)
{
	const char *dir = getenv("SYSTEMTAP_DIR");
	const char *home = getenv("HOME");

	if (dir && *dir)
		return arena_printf("%s/cache", dir);
	return arena_printf("%s/.systemtap/cache", home && *home ? home : "/tmp");
}

bool make_dirs(const char *path)
{
	char *p = arena_strdup(path), *s;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return false;
		*s = '/';
	}
	return mkdir(p, 0755) == 0 || errno == EEXIST;
}

/* ARGV as one line, for SystemTap's stap_system__start marker. */
static const char *command_line(char **argv)
{
	Buf b = { 0 };
	const char *line;
	int i;

	for (i = 0; argv[i]; i++)
		buf_printf(&b, "%s%s", i ? " " : "", argv[i]);
	line = arena_strdup(b.s ? b.s : "");
	buf_free(&b);
	return line;
}

/* Run ARGV, its stderr into LOG; true if it exited 0.  The
 * stap_system__* markers are SystemTap's (stap.system aliases). */
bool run_command(char **argv, const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid = 0;
	int status, rc;

	STAP_PROBE1(stap, stap_system__start, command_line(argv));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT |
					 O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	STAP_PROBE2(stap, stap_system__spawn, rc, pid);
	if (rc != 0) {
		fprintf(stderr, "stap: cannot run %s: %s\n", argv[0],
			strerror(rc));
		return false;
	}
	while ((rc = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	STAP_PROBE1(stap, stap_system__complete, rc < 0 ? -errno : status);
	return rc >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool run_shell(const char *cmd)
{
	return run_command((char *[]){ "sh", "-c", (char *)cmd, NULL },
			   "/dev/null");
}

static void show_log(const char *log)
{
	size_t len;
	char *text = read_file(log, &len);

	if (text) {
		fwrite(text, 1, len, stderr);
		free(text);
	}
}

static bool copy_file(const char *from, const char *to)
{
	size_t len;
	char *text = read_file(from, &len);
	FILE *f;
	bool ok;

	if (!text)
		return false;
	f = fopen(to, "w");
	ok = f && fwrite(text, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	free(text);
	return ok;
}

/* FROM into TO by a copy renamed into place: another stap reading the
 * cache never sees half a file. */
static bool store_file(const char *from, const char *to)
{
	const char *tmp = arena_printf("%s.%d", to, (int)getpid());

	if (copy_file(from, tmp) && rename(tmp, to) == 0)
		return true;
	unlink(tmp);
	return false;
}

/* The folder PATH goes in, made when missing. */
static bool make_parent(const char *path)
{
	char *parent = arena_strdup(path);

	*strrchr(parent, '/') = '\0';
	return make_dirs(parent);
}

/* The compiler and the flags a program and its runtime share: the
 * runtime's object must be built as the program is (-D, STAP_CFLAGS). */
static void cc_args(void *vec)
{
	VEC(char *) *argv = vec;
	const char *rt = runtime_dir();
	char *flags = arena_strdup(extra_cflags()), *save = NULL, *w;
	int i;

	vec_push(argv, (char *)compiler());
	vec_push(argv, "-std=gnu11");
	vec_push(argv, "-O2");
	vec_push(argv, "-w");
	vec_push(argv, arena_printf("-I%s", rt));
	vec_push(argv, arena_printf("-I%s/user", rt));
	for (i = 0; i < S->defines.len; i++)
		vec_push(argv, (char *)define_flag(&S->defines.v[i]));
	for (w = strtok_r(flags, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		vec_push(argv, w);
}

/* Runs ARGV; on failure says what WHAT was, with the compiler's log. */
static bool run_cc(void *vec, const char *log, const char *what)
{
	VEC(char *) *argv = vec;
	int i;

	vec_push(argv, NULL);
	if (S->verbose > 1) {
		for (i = 0; argv->v[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv->v[i]);
		fputc('\n', stderr);
	}
	if (run_command(argv->v, log))
		return true;
	fprintf(stderr, "stap: pass 4: compiling %s failed:\n", what);
	show_log(log);
	return false;
}

/*
 * The user runtime as one object (cc -r) for these options, kept in
 * the cache like the kernel runtime's: it does not depend on the script,
 * and compiling it is most of a program's build (1.5 s of 1.6 s at -O2,
 * 6.5 s of 7 s with the sanitizers).  Its key: the compiler and flags,
 * the -D options and the runtime's sources.  Returns the object's path,
 * or NULL when it could not be built.
 */
static const char *user_runtime(const char *dir)
{
	VEC(char *) files = { 0 }, argv = { 0 };
	const char *rt = runtime_dir(), *obj, *built;
	char hex[65];
	Sha256 h;
	int i;

	list_files(rt, source_files, &files);
	list_files(arena_printf("%s/user", rt), source_files, &files);
	sha256_init(&h);
	hash_string(&h, "user runtime");
	hash_string(&h, compiler());
	hash_string(&h, extra_cflags());
	hash_defines(&h);
	for (i = 0; i < files.len; i++)
		hash_file(&h, files.v[i]);
	sha256_hex(&h, hex);
	obj = arena_printf("%s/runtime/user/%.32s.o", cache_dir(), hex);
	if (access(obj, R_OK) == 0)
		return obj;

	built = arena_printf("%s/runtime.o", dir);
	cc_args(&argv);
	vec_push(&argv, "-r");
	vec_push(&argv, "-nostdlib");
	vec_push(&argv, "-o");
	vec_push(&argv, (char *)built);
	for (i = 0; i < files.len; i++)
		if (has_suffix(files.v[i], ".c"))
			vec_push(&argv, files.v[i]);
	if (!run_cc(&argv, arena_printf("%s/cc-runtime.log", dir), "the runtime"))
		return NULL;
	/* A cache that cannot be written only costs the next build. */
	if (make_parent(obj) && store_file(built, obj))
		return obj;
	return built;
}

/* Pass 4: the C and the runtime into EXE. */
static bool compile(const char *dir, const char *csrc, const char *exe)
{
	VEC(char *) argv = { 0 };
	const char *rt = user_runtime(dir);

	if (!rt)
		return false;
	cc_args(&argv);
	vec_push(&argv, "-o");
	vec_push(&argv, (char *)exe);
	vec_push(&argv, (char *)csrc);
	vec_push(&argv, (char *)rt);
	vec_push(&argv, "-lpthread");
	return run_cc(&argv, arena_printf("%s/cc.log", dir), "the generated C");
}

static bool write_c(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "stap: cannot write %s: %s\n", path,
			strerror(errno));
		return false;
	}
	emit_program(f);
	if (fclose(f) != 0) {
		fprintf(stderr, "stap: cannot write %s: %s\n", path,
			strerror(errno));
		return false;
	}
	return true;
}

static void remove_dir(const char *dir)
{
	VEC(char *) files = { 0 };
	static const char *const all[] = { "", NULL };
	int i;

	list_files(dir, all, &files);
	for (i = 0; i < files.len; i++)
		unlink(files.v[i]);
	rmdir(dir);
}

const char *make_temp_dir(void)
{
	char tmpl[] = "/tmp/stapXXXXXX";

	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "stap: cannot make a temporary directory: %s\n",
			strerror(errno));
		return NULL;
	}
	return arena_strdup(tmpl);
}

void done_temp_dir(const char *dir)
{
	if (S->keep_tmp)
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", dir);
	else
		remove_dir(dir);
}

/* Build into a temporary directory, then move into the cache. */
static bool build(const char *cached, const char *exe)
{
	const char *dir = make_temp_dir(), *csrc, *built;
	PassClock clock;

	if (!dir)
		return false;
	csrc = arena_printf("%s/stap.c", dir);
	built = arena_printf("%s/stap", dir);
	pass_start(&clock, 3);
	if (!write_c(csrc))
		goto fail;
	pass_report(&clock, 3, "translated to C into \"%s\"", csrc);
	pass_start(&clock, 4);
	if (!compile(dir, csrc, built))
		goto fail;
	pass_report(&clock, 4, "compiled C into \"%s\"", exe);
	if (!make_dirs(cached) || rename(built, exe) != 0) {
		fprintf(stderr, "stap: cannot store the program in the cache "
			"%s: %s\n", cached, strerror(errno));
		return false;
	}
	STAP_PROBE2(stap, cache__add__module, built, exe);
	done_temp_dir(dir);
	return true;
fail:
	fprintf(stderr, "stap: the generated files are kept in %s\n", dir);
	return false;
}

/* ---- the kernel runtime: a module built with kbuild ---- */

#ifndef STAP_BIN_DIR
#define STAP_BIN_DIR "/usr/bin"
#endif

static const char *sibling_path(const char *prog);

/*
 * Pass 4's last step: stap-validate (runtime/staprun/validate.c,
 * docs/safety.md) on the module just built, for the target's release and
 * its Module.symvers when the kbuild tree has one.  A module that fails
 * is not stored: the violations are printed and pass 4 fails.
 */
static bool validate(const char *ko)
{
	const char *symvers = arena_printf("%s/Module.symvers",
					   S->kernel_build ? S->kernel_build :
					   "/nonexistent");
	const char *tmp = make_temp_dir(), *log;
	bool ok;
	const char *prog = sibling_path("stap-validate");
	char *argv[] = { (char *)prog, "--release",
			 (char *)S->kernel_release, "--symvers",
			 (char *)symvers, (char *)ko, NULL };

	/* A translator built elsewhere (the sanitized one of the tests)
	 * uses the tree's. */
	if (access(prog, X_OK) != 0)
		argv[0] = STAP_BIN_DIR "/stap-validate";
	if (access(symvers, R_OK) != 0)
		argv[3] = (char *)ko, argv[4] = NULL;	/* no CRCs to check */
	/* The log in a folder of its own: a cached module's may be on a
	 * read-only file system (a guest's view of the host's cache). */
	if (!tmp)
		return false;
	log = arena_printf("%s/validate.log", tmp);
	ok = run_command(argv, log);
	if (!ok) {
		fprintf(stderr, "stap: pass 4: the module failed validation "
			"(docs/safety.md):\n");
		show_log(log);
	}
	remove_dir(tmp);
	return ok;
}

static const char *module_name(const char *key)
{
	return S->module_name ? S->module_name :
	       arena_printf("stap_%.12s", key);
}

/* The module's sources: the program and the runtime's, side by side
 * (kbuild builds only what is under its M= directory). */
bool write_text(const char *path, const char *text, bool quiet)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	if (!ok && !quiet)
		fprintf(stderr, "stap: cannot write %s: %s\n", path,
			strerror(errno));
	return ok;
}

/* TEXT into PATH whole or not at all: a temporary file of this process's
 * renamed over it, so that another stap reading PATH never sees half of
 * it.  Quiet: a read-only folder only costs the next run its work. */
bool write_whole(const char *path, const char *text)
{
	const char *tmp = arena_printf("%s.%d", path, (int)getpid());

	if (write_text(tmp, text, true) && rename(tmp, path) == 0)
		return true;
	unlink(tmp);
	return false;
}

/*
 * Coverage on a kernel built with CONFIG_GCOV_KERNEL: the module is
 * compiled with GCOV_PROFILE := y, so the kernel counts its lines and
 * shows them in /sys/kernel/debug/gcov/ under the path of each object
 * at build time (DIR/prog.gcda, DIR/stp_runtime_all.gcda: DIR is the
 * temporary build folder).  gcov needs the compiler's notes (.gcno) of
 * the same build to read them, and the build folder is removed: the
 * notes are kept in CACHE/gcov/BASENAME-OF-DIR/, with gcov-sources.txt
 * mapping each source file's path in DIR to the runtime file it was
 * copied from (docs/kernel.md).  Without the kernel option kbuild
 * ignores GCOV_PROFILE, but a module of an ordinary kernel should not
 * differ in its Kbuild file, so it is written only when needed.
 */
static bool gcov_kernel(void)
{
	const char *v;

	kconfig_load();
	v = table_get(&S->kconfig, "CONFIG_GCOV_KERNEL");
	return v && !strcmp(v, "y");
}

/* "PATH-IN-DIR<tab>RUNTIME-FILE" a line, for the runtime files of DIR. */
static bool write_gcov_sources(const char *dir, char **files, int n)
{
	Buf b = { 0 };
	bool ok;
	int i;

	for (i = 0; i < n; i++) {
		char *abs = realpath(files[i], NULL);

		buf_printf(&b, "%s/%s\t%s\n", dir, strrchr(files[i], '/') + 1,
			   abs ? abs : files[i]);
		free(abs);
	}
	ok = write_text(arena_printf("%s/gcov-sources.txt", dir),
			b.s ? b.s : "", false);
	buf_free(&b);
	return ok;
}

/* After a build on a gcov kernel: DIR's notes and source map into the
 * cache.  A failure costs the module's coverage only, and says so. */
static void keep_gcov_notes(const char *dir)
{
	static const char *const notes[] = { ".gcno", NULL };
	const char *keep = arena_printf("%s/gcov/%s", cache_dir(),
					strrchr(dir, '/') + 1);
	VEC(char *) files = { 0 };
	bool ok;
	int i;

	list_files(dir, notes, &files);
	vec_push(&files, arena_printf("%s/gcov-sources.txt", dir));
	ok = files.len > 1 && make_dirs(keep);
	for (i = 0; ok && i < files.len; i++)
		ok = store_file(files.v[i], arena_printf("%s/%s", keep,
				strrchr(files.v[i], '/') + 1));
	if (!ok)
		fprintf(stderr, "stap: warning: cannot keep the gcov notes "
			"of %s in %s (%s): this module's coverage cannot be "
			"read\n", dir, keep,
			files.len > 1 ? strerror(errno) : "the build made none");
}

/* Where the runtime's object for this kernel, runtime and options is
 * kept: it does not depend on the script, so it is built once and then
 * shipped into each module's tree (kbuild's %_shipped rule). */
static const char *runtime_object(const char *dir, char **files, int n)
{
	Sha256 h;
	char hex[65], *text;
	size_t len;
	int i;

	sha256_init(&h);
	hash_string(&h, S->kernel_build_id ? S->kernel_build_id :
		    S->kernel_build);
	/* The answers, not their (temporary) path. */
	text = read_file(arena_printf("%s/stp_compat.h", dir), &len);
	hash_string(&h, text ? text : "");
	free(text);
	hash_defines(&h);
	if (gcov_kernel())	/* profiled, its notes kept with it */
		hash_string(&h, "GCOV_PROFILE");
	for (i = 0; i < n; i++) {
		hash_string(&h, strrchr(files[i], '/') + 1);
		hash_file(&h, files[i]);
	}
	sha256_hex(&h, hex);
	return arena_printf("%s/runtime/%s/%.32s.o", cache_dir(),
			    S->kernel_release, hex);
}

/* The cached runtime object into DIR, with its .cmd (modpost reads it). */
static bool ship_runtime(const char *obj, const char *dir)
{
	return access(obj, R_OK) == 0 &&
	       copy_file(obj, arena_printf("%s/stp_runtime_all.o_shipped",
					   dir)) &&
	       copy_file(arena_printf("%s.cmd", obj),
			 arena_printf("%s/.stp_runtime_all.o.cmd", dir));
}

/* After a build that compiled the runtime: keep its object.  A cache
 * that cannot be written only costs the next build. */
static void keep_runtime(const char *obj, const char *dir)
{
	/* The .cmd first: ship_runtime looks for the object. */
	if (make_parent(obj) &&
	    store_file(arena_printf("%s/.stp_runtime_all.o.cmd", dir),
		       arena_printf("%s.cmd", obj)))
		store_file(arena_printf("%s/stp_runtime_all.o", dir), obj);
}

static bool write_module_tree(const char *dir, const char *name,
			      const char **obj, bool *shipped)
{
	VEC(char *) files = { 0 };
	Buf kb = { 0 }, all = { 0 };
	const char *rt = runtime_dir();
	bool ok;
	int i;

	list_files(rt, source_files, &files);
	list_files(arena_printf("%s/kernel", rt), source_files, &files);
	/* The runtime is one unit (stp_runtime_all.c includes each .c):
	 * the kernel headers, most of a module's build time, are parsed
	 * twice in all instead of once a file. */
	buf_printf(&kb, "obj-m := %s.o\n%s-y := prog.o stp_runtime_all.o",
		   name, name);
	for (i = 0; i < files.len; i++) {
		const char *base = strrchr(files.v[i], '/') + 1;

		if (!copy_file(files.v[i], arena_printf("%s/%s", dir, base))) {
			fprintf(stderr, "stap: cannot copy %s into %s\n",
				files.v[i], dir);
			buf_free(&kb);
			buf_free(&all);
			return false;
		}
		if (has_suffix(base, ".c"))
			buf_printf(&all, "#include \"%s\"\n", base);
	}
	if (gcov_kernel() && !write_gcov_sources(dir, files.v, files.len)) {
		buf_free(&kb);
		buf_free(&all);
		return false;
	}
	*obj = runtime_object(dir, files.v, files.len);
	*shipped = ship_runtime(*obj, dir);
	if (!*shipped && !write_text(arena_printf("%s/stp_runtime_all.c", dir),
				     all.s ? all.s : "", false)) {
		buf_free(&kb);
		buf_free(&all);
		return false;
	}
	buf_free(&all);
	buf_puts(&kb, "\nccflags-y := -I$(src)");
	for (i = 0; i < S->defines.len; i++)
		buf_printf(&kb, " %s", define_flag(&S->defines.v[i]));
	/* The generated C is correct but not warning-free kernel style. */
	buf_puts(&kb, "\nCFLAGS_prog.o := -w\n");
	if (gcov_kernel())
		buf_puts(&kb, "GCOV_PROFILE := y\n");
	ok = write_text(arena_printf("%s/Kbuild", dir), kb.s, false);
	buf_free(&kb);
	return ok;
}

static bool build_module(const char *cached, const char *ko, const char *name)
{
	const char *dir = make_temp_dir(), *log, *obj = NULL;
	PassClock clock;
	VEC(char *) argv = { 0 };
	bool shipped = false;
	int i;

	if (!dir)
		return false;
	log = arena_printf("%s/make.log", dir);
	pass_start(&clock, 3);
	if (!kcompat_write(cache_dir(), dir) ||
	    !write_c(arena_printf("%s/prog.c", dir)) ||
	    !write_module_tree(dir, name, &obj, &shipped))
		return false;
	pass_report(&clock, 3, "translated to C into \"%s/prog.c\"", dir);
	pass_start(&clock, 4);
	vec_push(&argv, "make");
	vec_push(&argv, "-j2");	/* prog.o and the runtime side by side */
	vec_push(&argv, "-C");
	vec_push(&argv, (char *)S->kernel_build);
	vec_push(&argv, arena_printf("M=%s", dir));
	for (i = 0; i < S->kbuild_opts.len; i++)	/* -B NAME=VALUE */
		vec_push(&argv, (char *)S->kbuild_opts.v[i]);
	vec_push(&argv, "modules");
	vec_push(&argv, NULL);
	if (!run_command(argv.v, log)) {
		fprintf(stderr, "stap: pass 4: building the module for %s "
			"failed (kbuild in %s):\n", S->kernel_release,
			S->kernel_build);
		show_log(log);
		fprintf(stderr, "stap: the generated files are kept in %s\n",
			dir);
		return false;
	}
	pass_report(&clock, 4, "compiled C into \"%s.ko\"", name);
	if (!validate(arena_printf("%s/%s.ko", dir, name)) ||
	    !sign_module(arena_printf("%s/%s.ko", dir, name))) {
		fprintf(stderr, "stap: the generated files are kept in %s\n",
			dir);
		return false;
	}
	if (!shipped)
		keep_runtime(obj, dir);
	if (gcov_kernel())
		keep_gcov_notes(dir);
	if (!make_dirs(cached) ||
	    !store_file(arena_printf("%s/%s.ko", dir, name), ko)) {
		fprintf(stderr, "stap: cannot store the module in the cache "
			"%s: %s\n", cached, strerror(errno));
		return false;
	}
	STAP_PROBE2(stap, cache__add__module,
		    arena_printf("%s/%s.ko", dir, name), ko);
	done_temp_dir(dir);
	return true;
}

/* A program installed beside stap (staprun, stap-validate). */
static const char *sibling_path(const char *prog)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return prog;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return prog;
	*slash = 0;
	return arena_printf("%s/%s", self, prog);
}

static bool setuid_root(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID);
}

/* The staprun of pass 5: the one beside stap, but for a user who is not
 * root and whose build's staprun is not setuid root, the installed one
 * (make install-staprun: setuid root for the stap groups) on PATH. */
static const char *staprun_path(void)
{
	const char *own = sibling_path("staprun"), *path = getenv("PATH");
	char *dirs, *dir, *save = NULL;

	if (getuid() == 0 || setuid_root(own) || !path)
		return own;
	dirs = arena_strdup(path);
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		const char *p = arena_printf("%s/staprun", *dir ? dir : ".");

		if (setuid_root(p))
			return p;
	}
	return own;
}

/* -v's pass 5: a child to wait for, so that its time can be told.
 * Ctrl-C reaches it from the terminal; SIGTERM and SIGHUP sent to stap
 * are passed on.  Its exit status is stap's. */
static volatile pid_t run_pid;

static void pass_on(int sig)
{
	if (run_pid > 0)
		kill(run_pid, sig);
}

static int run_child(char **argv)
{
	struct sigaction on = { .sa_handler = pass_on }, ign = { 0 };
	PassClock clock;
	int status;
	pid_t pid;

	fprintf(stderr, "Pass 5: starting run.\n");
	pass_start(&clock, 5);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "stap: cannot run %s: %s\n", argv[0],
			strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "stap: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	run_pid = pid;
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGTERM, &on, NULL);
	sigaction(SIGHUP, &on, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pass_report(&clock, 5, "run completed");
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "stap: %s was killed by signal %d\n", argv[0],
			WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status);
}

/* Pass 5: the program replaces stap, with the run-time options. */
static int run(const char *exe, bool module)
{
	VEC(char *) argv = { 0 };
	const char *output = S->output ? output_name(S->output) : NULL;
	int i;

	if (S->output && !output)
		return 1;
	if (module)
		vec_push(&argv, (char *)staprun_path());
	else
		vec_push(&argv, (char *)exe);
	if (output) {
		vec_push(&argv, "-o");
		vec_push(&argv, (char *)output);
	}
	if (S->timeout) {
		vec_push(&argv, "-T");
		vec_push(&argv, arena_printf("%d", S->timeout));
	}
	if (S->target_pid) {
		vec_push(&argv, "-x");
		vec_push(&argv, arena_printf("%ld", S->target_pid));
	}
	if (S->target_cmd) {
		vec_push(&argv, "-c");
		vec_push(&argv, (char *)S->target_cmd);
	}
	if (module && S->bulk)
		vec_push(&argv, "-b");
	if (module)
		vec_push(&argv, (char *)exe);
	for (i = 0; i < S->set_globals.len; i++)
		vec_push(&argv, arena_printf("%s=%s", S->set_globals.v[i].name,
					     S->set_globals.v[i].value));
	vec_push(&argv, NULL);
	fflush(stdout);
	fflush(stderr);
	if (S->verbose)
		return run_child(argv.v);
	execv(argv.v[0], argv.v);
	fprintf(stderr, "stap: cannot run %s: %s\n", argv.v[0], strerror(errno));
	return 1;
}

/* STAP_CACHE_ONLY=1 (test guests, which have no time to compile): a miss
 * is an error instead of a build. */
static bool cache_only(const char *key)
{
	const char *v = getenv("STAP_CACHE_ONLY");

	if (!v || strcmp(v, "1"))
		return false;
	fprintf(stderr, "stap: cache miss for %s in %s (built on the host?)\n",
		key, cache_dir());
	return true;
}

/* Checked on a miss only: a cached module needs no kbuild tree (a test
 * guest has none for its kernel). */
static bool have_kbuild(void)
{
	if (access(arena_printf("%s/Makefile", S->kernel_build), R_OK) == 0)
		return true;
	fprintf(stderr, "stap: no kbuild tree for kernel %s at %s: install"
		" its headers (linux-headers-%s), or give -r a target "
		"directory or a kbuild tree\n", S->kernel_release,
		S->kernel_build, S->kernel_release);
	return false;
}

/* Where the front key's entry is: a file naming the module's path. */
static const char *front_entry(void)
{
	char key[65];

	front_key(key);
	return arena_printf("%s/front/%.2s/%s", cache_dir(), key, key);
}

/* Written whole and renamed: a reader never sees half a path. */
static void front_record(const char *exe)
{
	const char *entry = front_entry();
	char *dir = arena_strdup(entry);

	*strrchr(dir, '/') = 0;
	if (make_dirs(dir))
		write_whole(entry, exe);
}

/* -p4 names the module, -p5 runs it. */
static int finish(const char *exe, bool kernel)
{
	if (S->last_pass == 4) {
		printf("%s\n", exe);
		return 0;
	}
	return run(exe, kernel);
}

static bool timing_defined, stapusr_defined;

int front_cache_run(void)
{
	bool kernel = !strcmp(S->runtime, "kernel");
	size_t len;
	char *exe;
	const char *path;
	struct stat st;

	/* Before any build: a limit the runtime cannot honour is an error
	 * now, not a crash of the program (or the kernel) later. */
	if (S->last_pass >= 3 && !check_defines())
		return 1;
	/* -t in a module: its timing is compiled in only then (khit.h), in
	 * the runtime object too, and the define puts it in every key. */
	if (kernel && S->timing && !timing_defined) {
		vec_push(&S->defines, ((Define){ "STP_TIMING", NULL }));
		timing_defined = true;
	}
	/* A stapusr module's runtime without stapsys's interfaces
	 * (runtime/kernel/kstapusr.h), in every key as -t is. */
	if (kernel && S->privilege == PRIV_STAPUSR && !stapusr_defined) {
		vec_push(&S->defines, ((Define){ "STP_STAPUSR", NULL }));
		stapusr_defined = true;
	}

	if (S->last_pass < 4)
		return -1;
	exe = read_file(front_entry(), &len);
	if (!exe)
		return -1;
	if (!len || memchr(exe, 0, len) || stat(exe, &st) != 0 ||
	    (!kernel && !(st.st_mode & S_IXUSR))) {
		free(exe);
		return -1;
	}
	path = arena_strdup(exe);
	STAP_PROBE2(stap, cache__get, front_entry(), path);
	if (S->verbose)
		fprintf(stderr, "Pass 2-4: using the cached %s\n", exe);
	free(exe);
	return finish(path, kernel);
}

int build_and_run(void)
{
	char key[65];
	const char *cached, *exe;
	struct stat st;

	bool kernel = !strcmp(S->runtime, "kernel");

	if (S->last_pass == 3) {
		emit_program(stdout);
		return 0;
	}
	cache_key(key);
	if (kernel) {
		const char *name = module_name(key);

		cached = arena_printf("%s/%s/%.2s/%s", cache_dir(),
				      S->kernel_release, key, key);
		exe = arena_printf("%s/%s.ko", cached, name);
		if (stat(exe, &st) != 0) {
			if (cache_only(key) || !have_kbuild() ||
			    !build_module(cached, exe, name))
				return 1;
		} else {
			STAP_PROBE2(stap, cache__get, cached, exe);
			if (S->verbose)
				fprintf(stderr, "Pass 3-4: using the cached "
					"%s\n", exe);
			/* Judged again: the rules may be newer than it. */
			if (!validate(exe))
				return 1;
		}
	} else {
		cached = arena_printf("%s/user/%.2s/%s", cache_dir(), key, key);
		exe = arena_printf("%s/stap_%.16s", cached, key);
		if (stat(exe, &st) != 0 || !(st.st_mode & S_IXUSR)) {
			if (cache_only(key) || !build(cached, exe))
				return 1;
		} else {
			STAP_PROBE2(stap, cache__get, cached, exe);
			if (S->verbose)
				fprintf(stderr, "Pass 3-4: using the cached "
					"%s\n", exe);
		}
	}
	/* A repeat would not print pass 2's warnings: such a script keeps
	 * going through pass 2, as SystemTap's cache does.  Nor may a repeat
	 * of process probes skip it: the front key is made before pass 2
	 * finds their binaries, which may have been rebuilt since. */
	if (!S->warnings && !user_binaries)
		front_record(exe);
	return finish(exe, kernel);
}
