/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * driver.c - the session and the passes in order: parse the tapset macros
 * and the user's scripts, stop after -p1 with the canonical form, else
 * elaborate, elide, infer types and check, and stop after -p2 with the
 * resolved program.  main.c fills the session from the command line.
 */
#include <ctype.h>
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
	s->privilege = PRIV_STAPDEV;	/* root's, as SystemTap */
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

/* -r: a target's name on the search path, a release, a target
 * directory or a kbuild tree (tdir.c); none: the running kernel.  Pass 1
 * needs no kernel, so only a session that goes further (with the kernel
 * runtime) needs one that is here. */
bool set_kernel(const char *k)
{
	struct utsname u;
	int found = !k ? 0 : strchr(k, '/') ? tdir_load(k) : tdir_find(k);

	if (found)
		return found > 0;
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
				" directory (cannot read %s: %s) nor a target"
				" directory (no stap-target)\n", k, path,
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
			return tdir_unknown(k);
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

/* Whether a component of PP is still a wildcard. */
static bool point_has_glob(const ProbePoint *pp)
{
	int i;

	for (i = 0; i < pp->comps.len; i++)
		if (is_glob(pp->comps.v[i].name))
			return true;
	return false;
}

/* The point -l names for D: the user's, its wildcards filled in.  A
 * wildcard in a suffix an alias passed on to its targets is known only
 * in the point it gave (SystemTap shows that one too). */
static const ProbePoint *listed_point(const Derived *d)
{
	ProbePoint *pp;

	if (!point_has_glob(d->user_point))
		return d->user_point;
	pp = NEW(ProbePoint);
	*pp = *d->point;
	pp->optional = pp->sufficient = false;
	pp->cond = NULL;
	return pp;
}

/*
 * -l / -L: elaborate "probe PATTERN {}" and list the points it gives,
 * with -L the variables its aliases set and the target variables each
 * point offers, sorted and without repeats.  As in SystemTap, what does
 * not resolve is left out without a word (an alias of a wildcard that
 * this kernel cannot take); when nothing resolves, the errors say why.
 */
static int list_probes(void)
{
	VEC(char *) lines = { 0 };
	int i, k;

	S->unoptimized = true;
	add_user_source(source_from_string(
		"<probe pattern>", arena_printf("probe %s {}\n",
						S->list_pattern)));
	if (S->errors)
		return 1;
	diag_hold();
	resolve_program();
	infer_types();
	diag_release(S->derived.len == 0);
	if (!S->derived.len) {
		diag_summary();
		return 1;
	}
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];
		Buf b = { 0 };

		print_point(&b, listed_point(d));
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

/* A process .return probe's entry saves its values in a record of the
 * runtime's pool (runtime/kernel/kuentry.c), of STP_UENTRY_SLOTS values:
 * one that needs more is refused before pass 3. */
#define UENTRY_SLOTS 32

static bool user_probes_buildable(void)
{
	int i;

	for (i = 0; i < S->derived.len; i++) {
		const Derived *d = S->derived.v[i];
		Buf b = { 0 };

		if (!d->used || d->form->kind != PK_URETPROBE ||
		    d->entries.len <= UENTRY_SLOTS)
			continue;
		print_point(&b, d->point);
		error_at(d->point->tok, "semantic error", "probe point '%s':"
			 " its entry would save %d values (parameters and"
			 " @entry()); a process .return probe saves at most %d",
			 b.s, d->entries.len, UENTRY_SLOTS);
		buf_free(&b);
		diag_summary();
		fprintf(stderr, "Pass 3: translation failed.\n");
		return false;
	}
	return true;
}

int run_passes(void)
{
	PassClock clock;
	int i;

	pass_start(&clock, 1);
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
	pass_library_marker();
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

	pass_start(&clock, 2);
	if (resolve_program()) {
		if (!S->unoptimized)
			optimize_program();
		if (report_unresolved_targets() && infer_types())
			check_program();
		check_privilege();
	}
	usyms_resolve();
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
	if (!user_probes_buildable())
		return 1;
	analyze_program();
	return build_and_run();
}

