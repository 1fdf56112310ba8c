/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tdir.c - target directories: a kernel to build for, prepared as files
 * in one folder (docs/kernel.md, "Target directories").  -r DIR names one
 * by its path, -r NAME one on the target search path (STAP_TARGET_PATH,
 * a colon list of folders, each holding target directories by name;
 * default $SYSTEMTAP_DIR/targets).  The layout:
 *
 *   stap-target         "key = value" lines ('#' comments): release
 *                       (required), build_id; written last, so a folder
 *                       without it is a preparation that did not finish
 *   build/              the kbuild tree
 *   vmlinux.btf         the kernel's BTF
 *   root/               the kernel's files as a machine installs them:
 *                       boot/System.map-REL, lib/modules/REL/ (with
 *                       modules.dep), the DWARF under usr/lib/debug/
 *   kallsyms            a symbol list in /proc/kallsyms's form, when
 *                       there is no System.map
 *
 * A search folder may also hold targets.txt, "NAME COMMAND" lines saying
 * how to prepare a target that is not there (yet): -r NAME then says to
 * run COMMAND rather than "unknown".  What reads the files is kernel.c
 * (symbols, BTF, modules) and dwarf.c (DWARF); here only the
 * description and the search.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stap.h"

#define TDIR_DESC "stap-target"

/* value := the text after "KEY =" on its line, blanks trimmed */
static const char *desc_value(char *text, const char *key)
{
	char *line, *save = NULL, *eq, *v, *e;
	size_t n = strlen(key);

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (*line == '#' || strncmp(line, key, n))
			continue;
		eq = line + n + strspn(line + n, " \t");
		if (*eq != '=')
			continue;
		v = eq + 1 + strspn(eq + 1, " \t");
		for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]);)
			e--;
		return arena_strndup(v, (size_t)(e - v));
	}
	return NULL;
}

/* One field of DIR's description (read again for each: it is small). */
static const char *desc_field(const char *dir, const char *key)
{
	size_t len;
	char *text = read_file(arena_printf("%s/" TDIR_DESC, dir), &len);
	const char *v = text ? desc_value(text, key) : NULL;

	free(text);
	return v && *v ? v : NULL;
}

bool tdir_is_target(const char *dir)
{
	return access(arena_printf("%s/" TDIR_DESC, dir), F_OK) == 0;
}

/* Target directory DIR becomes the session's kernel: 1; 0 when DIR has
 * no description; -1 (said) when it has one without a release. */
int tdir_load(const char *dir)
{
	const char *rel;

	if (!tdir_is_target(dir))
		return 0;
	rel = desc_field(dir, "release");
	if (!rel) {
		fprintf(stderr, "stap: target directory %s: its " TDIR_DESC
			" names no release (docs/kernel.md)\n", dir);
		return -1;
	}
	S->kernel_release = rel;
	S->kernel_build = arena_printf("%s/build", dir);
	S->kernel_build_id = desc_field(dir, "build_id");
	S->kernel_dir = dir;
	return 1;
}

/* DIR/PATH of the session's target directory; NULL without one. */
const char *tdir_file(const char *path)
{
	return S->kernel_dir ? arena_printf("%s/%s", S->kernel_dir, path) :
			       NULL;
}

/* The search path's folders; *shown: the path as a message shows it,
 * "PATH (STAP_TARGET_PATH", its parenthesis closed by the message. */
static int search_path(char ***out, const char **shown)
{
	VEC(char *) v = { 0 };
	const char *env = getenv("STAP_TARGET_PATH");
	const char *sd = getenv("SYSTEMTAP_DIR"), *home = getenv("HOME");
	char *path, *save = NULL, *d;

	if (env)
		path = arena_strdup(env);
	else if (sd && *sd)
		path = arena_printf("%s/targets", sd);
	else
		path = arena_printf("%s/.systemtap/targets",
				    home && *home ? home : "/tmp");
	*shown = arena_printf("%s (STAP_TARGET_PATH%s", *path ? path :
			      "(empty)", env ? "" : " unset");
	for (d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save))
		vec_push(&v, d);
	*out = v.v;
	return v.len;
}

/* -r NAME: the first search folder that holds NAME as a target. */
int tdir_find(const char *name)
{
	char **dirs;
	const char *shown;
	int i, n = search_path(&dirs, &shown);

	if (name[0] == '.')	/* ".", "..": not names */
		return 0;
	for (i = 0; i < n; i++) {
		const char *dir = arena_printf("%s/%s", dirs[i], name);

		if (tdir_is_target(dir))
			return tdir_load(dir);
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NAMES sorted, without repeats, joined by ", "; "none" if empty. */
static const char *join_names(char **names, int n)
{
	Buf b = { 0 };
	const char *s;
	int i;

	if (n)
		qsort(names, (size_t)n, sizeof(char *), compare_names);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]))
			buf_printf(&b, "%s%s", b.len ? ", " : "", names[i]);
	s = arena_strdup(b.s ? b.s : "none");
	buf_free(&b);
	return s;
}

typedef VEC(char *) NameVec;

/* The entries of folder DIR (only the targets if TARGETS) into V. */
static void add_entries(NameVec *v, const char *dir, bool targets)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && (!targets || tdir_is_target(
			arena_printf("%s/%s", dir, e->d_name))))
			vec_push(v, arena_strdup(e->d_name));
	if (d)
		closedir(d);
}

/* How a search folder's targets.txt says NAME is prepared, or NULL. */
static const char *prepare_command(const char *dir, const char *name)
{
	size_t len, n = strlen(name);
	char *text = read_file(arena_printf("%s/targets.txt", dir), &len);
	char *line, *save = NULL;
	const char *how = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !how;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, name, n) && isspace((unsigned char)line[n]))
			how = arena_strdup(line + n + strspn(line + n, " \t"));
	free(text);
	return how && *how ? how : NULL;
}

/* NAME is on the search path but not prepared (a targets.txt line, or
 * a folder without its description): say so, and how to prepare it. */
static bool not_prepared(char **dirs, int n, const char *name)
{
	const char *how = NULL, *half = NULL;
	int i;

	for (i = 0; i < n && !how; i++)
		how = prepare_command(dirs[i], name);
	for (i = 0; i < n && !half; i++)
		if (access(arena_printf("%s/%s", dirs[i], name), F_OK) == 0)
			half = arena_printf("%s/%s", dirs[i], name);
	if (!how && !half)
		return false;
	fprintf(stderr, "stap: kernel '%s' is not prepared%s%s%s%s\n", name,
		half ? arena_printf(" (%s has no " TDIR_DESC ": its"
				    " preparation did not finish)", half) : "",
		how ? ": run `" : "", how ? how : "", how ? "`" : "");
	return true;
}

/* The targets of every search folder. */
static const char *known_targets(char **dirs, int n)
{
	NameVec names = { 0 };
	int i;

	for (i = 0; i < n; i++)
		add_entries(&names, dirs[i], true);
	return join_names(names.v, names.len);
}

/* The releases with a /lib/modules folder. */
static const char *installed_releases(void)
{
	NameVec names = { 0 };

	add_entries(&names, "/lib/modules", false);
	return join_names(names.v, names.len);
}

/* -r NAME names no target, release or path that is here: say how to
 * prepare it if a search folder knows, else what there is.  false. */
bool tdir_unknown(const char *name)
{
	char **dirs;
	const char *shown;
	int n = search_path(&dirs, &shown);

	if (not_prepared(dirs, n, name))
		return false;
	fprintf(stderr, "stap: unknown kernel '%s': not a target on the"
		" search path %s; its targets: %s), not a release installed in"
		" /lib/modules (installed: %s), not a target directory or"
		" kbuild tree (a path with '/'; docs/kernel.md)\n", name, shown,
		known_targets(dirs, n), installed_releases());
	return false;
}

/* Where the kernel's DWARF was looked for, for "no debuginfo" errors. */
const char *tdir_dwarf_hint(void)
{
	if (S->kernel_dir)
		return arena_printf("no DWARF in target directory %s: see"
				    " docs/kernel.md", S->kernel_dir);
	return arena_printf("install Debian's linux-image-%s-dbg, or see"
			    " docs/kernel.md", S->kernel_release);
}
