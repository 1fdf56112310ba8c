/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * driver.c - the session and the passes in order: parse the tapset macros
 * and the user's scripts, stop after -p1 with the canonical form, else
 * elaborate, elide, infer types and check, and stop after -p2 with the
 * resolved program.  main.c fills the session from the command line.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "stap.h"

Session *S;

void session_init(Session *s)
{
	memset(s, 0, sizeof(*s));
	s->last_pass = 5;
	s->runtime = "kernel";
	S = s;
	resolve_reset();
	tapset_reset();
}

const char *host_arch(void)
{
	struct utsname u;

	if (uname(&u) != 0)
		return "x86_64";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	if (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86"))
		return "i386";
	return arena_strdup(u.machine);
}

/* "KEY": "VALUE" of a target's kernel.json. */
static const char *json_field(const char *json, const char *key)
{
	const char *p = strstr(json, arena_printf("\"%s\": \"", key)), *e;

	if (!p)
		return NULL;
	p += strlen(key) + 5;
	e = strchr(p, '"');
	return e ? arena_strndup(p, (size_t)(e - p)) : NULL;
}

/* The folder of prepared kernel targets (docs/kernel.md, "Targets"). */
static const char *targets_dir(void)
{
	const char *cache = getenv("STAPGRID_CACHE");

	return arena_printf("%s/kernels", cache && *cache ? cache :
			    "/var/cache/stapgrid");
}

/* A prepared target ID: its kbuild tree and ids. */
static bool grid_kernel(const char *id)
{
	const char *dir = arena_printf("%s/%s", targets_dir(), id);
	size_t len;
	char *json = read_file(arena_printf("%s/kernel.json", dir), &len);
	const char *rel;

	if (!json)
		return false;
	rel = json_field(json, "release");
	if (rel) {
		S->kernel_release = rel;
		S->kernel_build = arena_printf("%s/build", dir);
		S->kernel_build_id = json_field(json, "build_id");
		S->kernel_dir = dir;
	}
	free(json);
	return rel != NULL;
}

/* The build id of the running kernel, from /sys/kernel/notes. */
static const char *running_build_id(void)
{
	size_t len;
	char *notes = read_file("/sys/kernel/notes", &len);
	char *hex = notes ? note_build_id(notes, len, 4) : NULL;
	const char *id = hex ? arena_strdup(hex) : NULL;

	free(hex);
	free(notes);
	return id;
}

static int compare_strings(const void *a, const void *b);

/* The entries of folder DIR (those with a file INNER, if given), sorted
 * and joined by ", "; "none" when there is none. */
static const char *entries(const char *dir, const char *inner)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	VEC(char *) names = { 0 };
	Buf b = { 0 };
	const char *s;
	int i;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && (!inner || access(arena_printf(
			"%s/%s/%s", dir, e->d_name, inner), F_OK) == 0))
			vec_push(&names, arena_strdup(e->d_name));
	if (d)
		closedir(d);
	if (names.len)
		qsort(names.v, (size_t)names.len, sizeof(char *),
		      compare_strings);
	for (i = 0; i < names.len; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", names.v[i]);
	s = arena_strdup(b.s ? b.s : "none");
	buf_free(&b);
	return s;
}

/* Release REL is the running kernel's, or has something installed to
 * resolve probes or build against. */
static bool release_installed(const char *rel)
{
	static const char *const where[] = {
		"/lib/modules/%s", "/boot/System.map-%s",
		"/usr/lib/debug/boot/vmlinux-%s", NULL,
	};
	struct utsname u;
	int i;

	if (rel[0] == '.')	/* ".", "..": folders, not releases */
		return false;
	if (uname(&u) == 0 && !strcmp(u.release, rel))
		return true;
	for (i = 0; where[i]; i++)
		if (access(arena_printf(where[i], rel), F_OK) == 0)
			return true;
	return false;
}

/* How TARGETS/targets.txt says target ID is prepared ("ID COMMAND"
 * lines, written by whatever prepares targets), or NULL. */
static const char *prepare_command(const char *id)
{
	size_t len, n = strlen(id);
	char *text = read_file(arena_printf("%s/targets.txt", targets_dir()),
			       &len);
	char *line, *save = NULL;
	const char *how = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !how;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, id, n) && isspace((unsigned char)line[n]))
			how = arena_strdup(line + n + strspn(line + n, " \t"));
	free(text);
	return how && *how ? how : NULL;
}

/* -r K names no target, release or kbuild directory that is here: say
 * how to prepare it if the targets folder knows, else what there is. */
static bool unknown_kernel(const char *k)
{
	const char *dir = targets_dir(), *how = prepare_command(k);
	bool started = access(arena_printf("%s/%s", dir, k), F_OK) == 0;

	if (how || started) {
		fprintf(stderr, "stap: kernel '%s' is not prepared%s%s%s%s\n",
			k, started ? arena_printf(" (%s/%s has no kernel.json:"
			" its preparation did not finish)", dir, k) : "",
			how ? ": run `" : "", how ? how : "", how ? "`" : "");
		return false;
	}
	fprintf(stderr, "stap: unknown kernel '%s': not a prepared target in"
		" %s (prepared: %s), not a release installed in /lib/modules"
		" (installed: %s), not a kbuild directory (a path with '/')\n",
		k, dir, entries(dir, "kernel.json"),
		entries("/lib/modules", NULL));
	return false;
}

/* -r: a prepared target's id, a release or a kbuild directory; none:
 * the running kernel.  Pass 1 needs no kernel, so only a session that
 * goes further (with the kernel runtime) needs one that is here. */
bool set_kernel(const char *k)
{
	struct utsname u;

	if (k && !strchr(k, '/') && grid_kernel(k))
		return true;
	if (!k) {
		if (uname(&u) != 0) {
			fprintf(stderr, "stap: cannot read the running kernel's"
				" release: %s\n", strerror(errno));
			return false;
		}
		S->kernel_release = arena_strdup(u.release);
		S->kernel_build_id = running_build_id();
	} else if (strchr(k, '/')) {
		char *path = arena_printf("%s/include/config/kernel.release",
					  k);
		size_t len;
		char *rel = read_file(path, &len);

		if (!rel) {
			fprintf(stderr, "stap: -r %s: not a kernel build"
				" directory (cannot read %s: %s)\n", k, path,
				strerror(errno));
			return false;
		}
		while (len && isspace((unsigned char)rel[len - 1]))
			rel[--len] = '\0';
		S->kernel_release = arena_strdup(rel);
		S->kernel_build = k;
		free(rel);
		return true;
	} else {
		if (S->last_pass > 1 && strcmp(S->runtime, "user") &&
		    !release_installed(k))
			return unknown_kernel(k);
		S->kernel_release = k;
	}
	S->kernel_build = arena_printf("/lib/modules/%s/build",
				       S->kernel_release);
	return true;
}

/* CONFIG_* of the target, read on the first %( CONFIG_... %). */
void kconfig_load(void)
{
	char *path, *text, *line, *save = NULL;
	size_t len;

	if (S->kconfig_loaded)
		return;
	S->kconfig_loaded = true;
	if (!S->kernel_build)
		return;
	path = arena_printf("%s/.config", S->kernel_build);
	text = read_file(path, &len);
	if (!text) {
		if (S->verbose)
			fprintf(stderr, "stap: no kernel configuration at %s;"
				" every CONFIG_ option reads as unset\n", path);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *v;

		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		v = eq + 1;
		if (*v == '"' && strlen(v) >= 2 && v[strlen(v) - 1] == '"')
			v = arena_strndup(v + 1, strlen(v) - 2);
		else
			v = arena_strdup(v);
		table_put(&S->kconfig, arena_strndup(line, (size_t)(eq - line)),
			  v);
	}
	free(text);
}

/* What pass 2 kept, for -v: "N probes, N functions, N globals". */
static const char *program_size(void)
{
	int i, np = 0, nf = 0, ng = 0;

	for (i = 0; i < S->derived.len; i++)
		np += S->derived.v[i]->used;
	for (i = 0; i < S->func_list.len; i++)
		nf += S->func_list.v[i]->used;
	for (i = 0; i < S->global_list.len; i++)
		ng += S->global_list.v[i]->used;
	return arena_printf("%d probe%s, %d function%s, %d global%s", np,
			    np == 1 ? "" : "s", nf, nf == 1 ? "" : "s", ng,
			    ng == 1 ? "" : "s");
}

/* -p1: the canonical text of the user's files, printed as they are
 * parsed (their trees are dropped item by item), written at the end
 * if pass 1 found no error. */
static Buf canonical;

static void add_user_source(Source *src)
{
	File *f = S->last_pass == 1 && !S->list_pattern ?
		parse_printed(src, &canonical) : parse_source(src);

	vec_push(&S->user_files, f);
	vec_push(&S->files, f);
}

static Source *load_script(const char *path)
{
	Source *src;

	if (!strcmp(path, "-")) {
		Buf b = { 0 };
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			buf_putn(&b, chunk, n);
		src = source_from_string("<stdin>", b.s ? b.s : "");
		if (b.s && strlen(b.s) != b.len)
			src->len = b.len, src->text = arena_strndup(b.s, b.len);
		buf_free(&b);
		return src;
	}
	src = source_from_file(path, false);
	if (!src)
		fatal("cannot read script '%s': %s", path, strerror(errno));
	return src;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -l / -L: elaborate "probe PATTERN {}" and list the points it gives,
 * with -L the variables its aliases set, sorted and without repeats. */
static int list_probes(void)
{
	VEC(char *) lines = { 0 };
	int i, k;

	S->unoptimized = true;
	add_user_source(source_from_string(
		"<probe pattern>", arena_printf("probe %s {}\n",
						S->list_pattern)));
	if (S->errors || !resolve_program() || !infer_types())
		return 1;
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];
		Buf b = { 0 };

		print_point(&b, d->user_point);
		for (k = 0; S->list_vars && k < d->locals.len; k++)
			buf_printf(&b, " %s:%s", d->locals.v[k]->name,
				   type_name(tyvar_type(d->locals.v[k]->ty)));
		if (S->list_vars)
			target_list(d, &b);
		vec_push(&lines, arena_strdup(b.s));
		buf_free(&b);
	}
	if (lines.len)
		qsort(lines.v, (size_t)lines.len, sizeof(char *),
		      compare_strings);
	for (i = 0; i < lines.len; i++)
		if (i == 0 || strcmp(lines.v[i], lines.v[i - 1]))
			puts(lines.v[i]);
	return 0;
}

int run_passes(void)
{
	PassClock clock;
	int i;

	pass_clock_start(&clock);
	tapset_load_macros();
	if (dump_selected())
		return dump_run();
	if (S->list_pattern)
		return list_probes();
	if (S->script_file)
		add_user_source(load_script(S->script_file));
	if (S->script_text)
		add_user_source(source_from_string("<input>", S->script_text));
	for (i = 0; i < S->extra_scripts.len; i++)
		add_user_source(source_from_string(
			arena_printf("<-E %d>", i + 1), S->extra_scripts.v[i]));
	pass_report(&clock, 1, "parsed user script");
	if (S->errors) {
		buf_free(&canonical);
		diag_summary();
		fprintf(stderr, "Pass 1: parse failed.\n");
		return 1;
	}
	if (S->last_pass == 1 && !S->list_pattern) {
		if (canonical.len)
			fwrite(canonical.s, 1, canonical.len, stdout);
		buf_free(&canonical);
		return 0;
	}
	i = front_cache_run();
	if (i >= 0)
		return i;

	pass_clock_start(&clock);
	if (resolve_program()) {
		if (!S->unoptimized)
			optimize_program();
		if (infer_types())
			check_program();
	}
	pass_report(&clock, 2, "analyzed script: %s", program_size());
	if (S->errors) {
		diag_summary();
		fprintf(stderr, "Pass 2: analysis failed.\n");
		return 1;
	}
	if (S->last_pass == 2) {
		print_program(stdout);
		return 0;
	}
	analyze_program();
	return build_and_run();
}

