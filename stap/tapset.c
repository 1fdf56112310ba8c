/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tapset.c - the tapset library: the .stp and .stpm files of every tapset
 * directory (-I DIR, then the built-in stap/tapset).
 *
 * Macro files (.stpm) are read before any script, since their macros are
 * visible everywhere.  Script files are parsed at pass 2 and indexed by the
 * functions they define; resolve.c pulls a file into the program when the
 * script needs one of its functions or aliases.  Each directory may have
 * a subdirectory per runtime ("kernel", "user") for what differs.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

static Table function_files;	/* function name -> File */
static Table global_files;	/* global name -> File */

void tapset_reset(void)
{
	memset(&function_files, 0, sizeof(function_files));
	memset(&global_files, 0, sizeof(global_files));
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of one directory ending in SUFFIX, sorted by name. */
static void list_dir(const char *dir, const char *suffix,
		     void (*fn)(const char *path))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	VEC(char *) names = { 0 };
	size_t ls = strlen(suffix);
	int i;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > ls && !strcmp(e->d_name + n - ls, suffix))
			vec_push(&names, arena_printf("%s/%s", dir, e->d_name));
	}
	closedir(d);
	if (names.len)
		qsort(names.v, (size_t)names.len, sizeof(char *),
		      compare_names);
	for (i = 0; i < names.len; i++)
		fn(names.v[i]);
}

static void each_tapset_file(const char *suffix, void (*fn)(const char *))
{
	int i;

	for (i = 0; i < S->include_dirs.len; i++) {
		const char *dir = S->include_dirs.v[i];

		list_dir(dir, suffix, fn);
		list_dir(arena_printf("%s/%s", dir, S->runtime), suffix, fn);
	}
}

static Source *open_tapset(const char *path)
{
	Source *src = source_from_file(path, true);

	if (!src)
		fprintf(stderr, "WARNING: cannot read tapset file %s\n", path);
	return src;
}

static void load_macro_file(const char *path)
{
	Source *src = open_tapset(path);

	if (!src)
		return;
	src->macro_file = true;
	parse_source(src);
}

void tapset_load_macros(void)
{
	each_tapset_file(".stpm", load_macro_file);
}

static void index_file(const char *path)
{
	Source *src = open_tapset(path);
	File *f;
	int i;

	if (!src)
		return;
	f = parse_source(src);
	vec_push(&S->tapset_files, f);
	for (i = 0; i < f->items.len; i++) {
		Item *it = &f->items.v[i];

		/* The first directory to define a name wins. */
		if (it->kind == IT_FUNC && !it->func->private &&
		    !table_get(&function_files, it->func->name))
			table_put(&function_files, it->func->name, f);
		if (it->kind == IT_GLOBAL && !it->global->private &&
		    !table_get(&global_files, it->global->name))
			table_put(&global_files, it->global->name, f);
	}
}

void tapset_index(void)
{
	each_tapset_file(".stp", index_file);
}

File *tapset_file_for_function(const char *name)
{
	return table_get(&function_files, name);
}

File *tapset_file_for_global(const char *name)
{
	return table_get(&global_files, name);
}

/* The path of every tapset file, .stpm and .stp, in the order read. */
void tapset_each_path(void (*fn)(const char *path))
{
	each_tapset_file(".stpm", fn);
	each_tapset_file(".stp", fn);
}

void tapset_each_file(void (*fn)(File *f))
{
	int i;

	for (i = 0; i < S->tapset_files.len; i++)
		fn(S->tapset_files.v[i]);
}

static void add_name(const char *name, void *v)
{
	VEC(const char *) *names = v;

	vec_push(names, name);
}

/* Every function the tapsets define, for "similar names" hints. */
void tapset_function_names(void *names)
{
	int i;

	for (i = 0; i < function_files.cap; i++)
		if (function_files.keys[i])
			add_name(function_files.keys[i], names);
}
