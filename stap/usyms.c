/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usyms.c - the user binaries whose symbols a kernel module needs.
 *
 * usymname(), print_ubacktrace() and the rest of ucontext.stp resolve
 * user addresses against the symbol tables of the binaries the module
 * names: each process probe's binary, every `-d PATH`, and with --ldd
 * the shared libraries those depend on (as `ldd` lists them, which is
 * how SystemTap finds them).  Pass 2 makes the list (a -d file that is
 * not an ELF binary is an error then); pass 3 writes it, each path with
 * its build id, into the module's STP_USYMS_LIST_SECTION
 * (runtime/kernel/kusym.h).  No symbol is read here: staprun reads them
 * at load time, from the files the build ids were checked against.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <elfutils/libdwelf.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stap.h"

extern char **environ;

static VEC(const char *) paths;		/* canonical paths, once each */
static VEC(const char *) build_ids;	/* lowercase hex, or "" */

/* PATH's GNU build id in hex; "" if it has none; NULL if PATH is not an
 * ELF file. */
static const char *build_id_of(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	const void *id = NULL;
	const unsigned char *b;
	ssize_t n;
	char *hex;
	const char *out;

	if (fd < 0)
		return NULL;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return NULL;
	}
	n = dwelf_elf_gnu_build_id(elf, &id);
	hex = arena_alloc(n > 0 ? (size_t)n * 2 + 1 : 1);
	hex[0] = 0;
	for (b = id; n > 0 && b < (const unsigned char *)id + n; b++)
		sprintf(hex + 2 * (b - (const unsigned char *)id), "%02x", *b);
	out = hex;
	elf_end(elf);
	close(fd);
	return out;
}

/* REAL (canonical) into the list once, with its build id; false if it
 * is not an ELF file. */
static bool add_binary(const char *real)
{
	const char *id;
	int i;

	for (i = 0; i < paths.len; i++)
		if (!strcmp(paths.v[i], real))
			return true;
	if (!(id = build_id_of(real)))
		return false;
	vec_push(&paths, arena_strdup(real));
	vec_push(&build_ids, id);
	return true;
}

/* -d PATH: an ELF file that exists, else an error naming it. */
static void add_option_binary(const char *path)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		sem_error(NULL, "-d %s: no such file", path);
	else if (!add_binary(real))
		sem_error(NULL, "-d %s: not an ELF binary", path);
}

/* The libraries `ldd PATH` lists ("name => /path (0x...)", and the
 * loader's "/path (0x...)"), into the list.  ldd's own failures (a
 * static binary) add nothing. */
static void add_ldd_libraries(const char *path)
{
	char *argv[] = { "ldd", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	char line[PATH_MAX + 64];
	int p[2], status;
	pid_t pid;
	FILE *f;

	if (pipe(p) != 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "ldd", &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	f = fdopen(p[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *arrow = strstr(line, "=> "), *lib = arrow ? arrow + 3 :
			      line + strspn(line, " \t");
		char real[PATH_MAX];

		lib[strcspn(lib, " \t\n(")] = 0;
		if (*lib == '/' && realpath(lib, real))
			add_binary(real);
	}
	if (f)
		fclose(f);
	else
		close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
}

void usyms_resolve(void)
{
	int i, n;

	paths.len = build_ids.len = 0;
	for (i = 0; i < S->derived.len; i++) {
		const Derived *d = S->derived.v[i];
		const DwSite *s = d->point->site;

		if (d->used && s && s->user && s->module)
			add_binary(s->module);
	}
	for (i = 0; i < S->user_binaries.len; i++)
		add_option_binary(S->user_binaries.v[i]);
	n = paths.len;
	/* Without a binary --ldd adds nothing, silently, as in SystemTap
	 * (pf3.stp's .meta gives it to a script of kernel probes). */
	for (i = 0; S->ldd && i < n; i++)
		add_ldd_libraries(paths.v[i]);
}

int usyms_binaries(const char ***out)
{
	*out = paths.v;
	return paths.len;
}

/* PATH as a C string literal: any byte a path may hold, in octal when
 * it is not plain. */
static void print_path_literal(FILE *out, const char *path)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' ||
		    *p == '?')
			fprintf(out, "\\%03o", *p);
		else
			fputc(*p, out);
	fputc('"', out);
}

/* The list as C: a string of "PATH\0BUILDID\0" pairs in its section. */
void usyms_emit(FILE *out)
{
	int i;

	if (!paths.len || strcmp(S->runtime, "kernel"))
		return;
	fprintf(out, "static const char stp_usyms_list[] __attribute__(("
		"section(\".stap_usyms_list\"), used)) =");
	for (i = 0; i < paths.len; i++) {
		fputs("\n\t", out);
		print_path_literal(out, paths.v[i]);
		fprintf(out, " \"\\0\" \"%s\" \"\\0\"", build_ids.v[i]);
	}
	fprintf(out, ";\n\n");
}
