/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_ktrace.c - kernel tracepoints.
 *
 *   kernel.trace("NAME")   the tracepoint NAME (a pattern stands for each)
 *   kernel.trace("SYSTEM:NAME")  the same in SYSTEM (its TRACE_SYSTEM;
 *                          patterns on either side)
 *
 * Names and arguments come from the kernel's BTF (__traceiter_NAME); the
 * arguments are the context.  The kernel calls a generated trampoline
 * with them, each in a u64 (integers and pointers, passed in registers
 * by the x86-64 ABI), which hands them to the runtime.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

/* ---- systems: each tracepoint's TRACE_SYSTEM ---- */

/* BTF names tracepoints but not their systems, so these come from the
 * target's trace headers, as SystemTap takes them: the folders below of
 * the kernel's source tree (Debian's headers package: the -common tree
 * the build folder's Makefile includes). */
static const char *const header_dirs[] = {
	"include/trace/events", "arch/x86/include/asm/trace", NULL,
};

static Table systems;		/* tracepoint -> system, in the arena */
static bool systems_read, systems_found;

static void systems_free(void)
{
	memset(&systems, 0, sizeof(systems));
	systems_read = systems_found = false;
}

/* The source tree of build folder B: "include DIR/Makefile" in its
 * Makefile names it (relative to B), else B is one. */
static const char *source_tree(const char *b)
{
	size_t len;
	char *mk = read_file(arena_printf("%s/Makefile", b), &len), *at;
	const char *src = b;

	at = mk ? strstr(mk, "include ") : NULL;
	if (at && (at == mk || at[-1] == '\n')) {
		char *end = strstr(at, "/Makefile");

		if (end && !memchr(at, '\n', (size_t)(end - at))) {
			src = arena_strndup(at + 8, (size_t)(end - at - 8));
			if (src[0] != '/')
				src = arena_printf("%s/%s", b, src);
		}
	}
	free(mk);
	return src;
}

/* The identifier at P (after blanks), or NULL. */
static const char *ident_at(const char *p)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	       (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
		n++;
	return n ? arena_strndup(p, n) : NULL;
}

/* The event a line of a trace header defines: TRACE_EVENT(name, ...),
 * DECLARE_TRACE(name, ...), DEFINE_EVENT(class, name, ...) and their
 * variants, the header's own among them (DEFINE_EVENT_SCHEDSTAT). */
static const char *event_on_line(const char *line)
{
	const char *macro = ident_at(line), *paren;

	if (!macro)
		return NULL;
	paren = strstr(line, macro) + strlen(macro);
	if (*paren != '(')
		return NULL;
	if (!strncmp(macro, "TRACE_EVENT", 11) ||
	    !strncmp(macro, "DECLARE_TRACE", 13))
		return ident_at(paren + 1);
	if (!strncmp(macro, "DEFINE_EVENT", 12)) {
		const char *comma = strchr(paren, ',');

		return comma ? ident_at(comma + 1) : NULL;
	}
	return NULL;
}

static void read_header(const char *path)
{
	size_t len;
	char *text = read_file(path, &len), *line, *save = NULL;
	const char *sys = NULL, *ev;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "#define TRACE_SYSTEM ", 21))
			sys = ident_at(line + 21);
		else if (sys && (ev = event_on_line(line)) &&
			 !table_get(&systems, ev))
			table_put(&systems, ev, (void *)sys);
	}
	free(text);
}

static void read_systems(void)
{
	const char *src;
	int i;

	if (systems_read)
		return;
	systems_read = true;
	arena_on_free(systems_free);
	if (!S->kernel_build)
		return;
	src = source_tree(S->kernel_build);
	for (i = 0; header_dirs[i]; i++) {
		const char *dir = arena_printf("%s/%s", src, header_dirs[i]);
		DIR *d = opendir(dir);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			size_t n = strlen(e->d_name);

			if (n > 2 && !strcmp(e->d_name + n - 2, ".h"))
				read_header(arena_printf("%s/%s", dir,
							 e->d_name));
		}
		if (d) {
			systems_found = true;
			closedir(d);
		}
	}
}

/* "SYSTEM:NAME": NAME (and *SYS SYSTEM); "NAME": itself (SYS NULL). */
static const char *tracepoint_name(const char *param, const char **sys)
{
	const char *colon = strchr(param, ':');

	*sys = colon ? arena_strndup(param, (size_t)(colon - param)) : NULL;
	return colon ? colon + 1 : param;
}

/* Is NAME's system one SYS stands for?  Reports why not when AT. */
static bool in_system(const char *name, const char *sys, const Token *at)
{
	const char *has;

	read_systems();
	has = table_get(&systems, name);
	if (has && glob_match(sys, has))
		return true;
	if (!at)
		return false;
	if (has)
		sem_error(at, "tracepoint '%s' is in system '%s', not '%s'",
			  name, has, sys);
	else if (systems_found)
		sem_error(at, "tracepoint '%s' is in none of the trace"
			  " headers of %s (%s), so its system is not known",
			  name, S->kernel_release, S->kernel_build);
	else
		sem_error(at, "kernel.trace(\"%s:%s\"): the tracepoints'"
			  " systems come from the kernel's trace headers"
			  " (include/trace/events), and %s has none", sys,
			  name, S->kernel_build ? S->kernel_build : "the target");
	return false;
}

/* ---- the family ---- */

static bool check_trace(const ProbePoint *pp, int64_t *seq)
{
	const Component *t = &pp->comps.v[1];
	const char **names, *sys, *name = tracepoint_name(t->param->str, &sys);
	int *types;

	(void)seq;
	if (!family_needs_kernel(pp))
		return false;
	if (kernel_tracepoint(name, &names, &types) < 0) {
		sem_error(t->param->tok, "no tracepoint '%s' in the kernel's"
			  " BTF (%s)", name, kernel_btf_source());
		return false;
	}
	return !sys || in_system(name, sys, t->param->tok);
}

/* A pattern's tracepoints; with a system, "SYSTEM:NAME" each. */
static int expand_tracepoints(const ProbePoint *pp, const char ***names)
{
	const Component *t = &pp->comps.v[1];
	const char *sys, *name = tracepoint_name(t->param->str, &sys);
	int i, k = 0, n = kernel_tracepoints(name, t->param->tok, names);

	if (!sys || n <= 0)
		return n;
	for (i = 0; i < n; i++)
		if (in_system((*names)[i], sys, NULL))
			(*names)[k++] = arena_printf("%s:%s", (const char *)
				table_get(&systems, (*names)[i]), (*names)[i]);
	return k;
}

static void trace_context(const ProbePoint *pp, Context *c)
{
	const char *sys;

	c->tracepoint = tracepoint_name(pp->comps.v[1].param->str, &sys);
}

/* The trampoline of probe INDEX: the tracepoint's arguments in a u64
 * each, into the runtime. */
static void trace_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const char *sys, **names;
	const char *name = tracepoint_name(d->point->comps.v[1].param->str,
					   &sys);
	int *types, n, i;

	n = kernel_tracepoint(name, &names, &types);
	buf_printf(code, "static void stp_tp_%d(void *data", index);
	for (i = 0; i < n; i++)
		buf_printf(code, ", uint64_t a%d", i);
	buf_printf(code, ")\n{\n\tconst int64_t args[%d] = {", n + 1);
	for (i = 0; i < n; i++)
		buf_printf(code, " (int64_t)a%d,", i);
	buf_printf(code, " 0 };\n\n\tstp_tracepoint_hit(data, args);\n}\n\n");
	r->fields = arena_printf(", .tracepoint = %s, .tp_func = (void *)"
				 "stp_tp_%d", c_literal(name), index);
}

static const Form forms[] = {
	{ .family = &pf_ktrace, .parts = { { "kernel", 0 }, { "trace", 'S' } },
	  .kind = PK_TRACEPOINT, .check = check_trace,
	  .expand = expand_tracepoints },
	{ 0 },
};

const Family pf_ktrace = { .name = "kernel.trace", .forms = forms,
			   .context = trace_context, .reg = trace_reg };
