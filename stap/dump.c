/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump.c - --dump-probe-types, --dump-probe-aliases and --dump-functions:
 * what the tapset library and the probe families offer, one a line,
 * sorted, in SystemTap 4.8's form:
 *
 *   timer.ms(number).randomize(number)
 *   oneshot += begin
 *   strlen:long (s:string)
 *
 * Names that begin with '_' are the library's own and are not listed, as
 * in SystemTap.
 */
#include <stdlib.h>
#include <string.h>

#include "stap.h"

static int dump_what;	/* DUMP_* of main.c's option, 0 for none */

void dump_select(int what)
{
	dump_what = what;
}

bool dump_selected(void)
{
	return dump_what != 0;
}

typedef VEC(const char *) Lines;

/* Form F in SystemTap's form ("timer.ms(number).randomize(number)");
 * a sequence number that may be left out gives both forms. */
static void form_lines(const Form *f, Lines *lines)
{
	Buf b = { 0 };
	int k;

	for (k = 0; k < 4 && f->parts[k].name; k++) {
		char p = f->parts[k].param;

		buf_printf(&b, "%s%s%s", k ? "." : "", f->parts[k].name,
			   p == 'N' ? "(number)" : p == 'S' ? "(string)" : "");
		if (p == '?') {	/* begin, and begin(number) */
			vec_push(lines, arena_strdup(b.s));
			buf_puts(&b, "(number)");
		}
	}
	vec_push(lines, arena_strdup(b.s));
	buf_free(&b);
}

/* Each form of the families this translator builds for the runtime in
 * force. */
static void probe_types(Lines *lines)
{
	bool user = !strcmp(S->runtime, "user");
	const Family *const *f;
	const Form *fm;

	for (f = families; *f; f++)
		for (fm = (*f)->forms; fm->family; fm++)
			if (!(*f)->unsupported && (fm->user || !user))
				form_lines(fm, lines);
}

/* Where component text ends ("kernel", "function(string)"). */
static size_t comp_len(const char *s)
{
	return strcspn(s, ".");
}

/* A component's parameter rank: none, then number, then string. */
static int param_rank(const char *s, size_t n)
{
	const char *p = memchr(s, '(', n);

	return !p ? 0 : !strncmp(p, "(number)", 8) ? 1 : 2;
}

/*
 * SystemTap's order of probe types: its tree of components, children by
 * name and then by parameter (none, number, string), a node before
 * what extends it: "procfs.read" before "procfs(string).read".
 */
static int compare_types(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	while (*x && *y) {
		size_t nx = comp_len(x), ny = comp_len(y);
		size_t bx = strcspn(x, "(."), by = strcspn(y, "(.");
		int c = strncmp(x, y, bx < by ? bx : by);

		if (!c && bx != by)
			c = bx < by ? -1 : 1;
		if (!c)
			c = param_rank(x, nx) - param_rank(y, ny);
		if (c)
			return c;
		x += nx + (x[nx] == '.');
		y += ny + (y[ny] == '.');
	}
	return *x ? 1 : *y ? -1 : 0;
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Functions by name ("kernel_string" before "kernel_string2"), then
 * overloads by their parameters. */
static int compare_functions(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = strcspn(x, ":"), ny = strcspn(y, ":");
	int c = strncmp(x, y, nx < ny ? nx : ny);

	if (c)
		return c;
	return nx != ny ? (nx < ny ? -1 : 1) : strcmp(x, y);
}

static void print_lines(Lines *lines, int (*cmp)(const void *, const void *))
{
	int i;

	if (lines->len)
		qsort(lines->v, (size_t)lines->len, sizeof(char *), cmp);
	for (i = 0; i < lines->len; i++)
		puts(lines->v[i]);
}

static void alias_lines(File *f, Lines *lines)
{
	int i, k;

	for (i = 0; i < f->items.len; i++) {
		const Alias *a = f->items.v[i].alias;
		Buf b = { 0 };

		if (f->items.v[i].kind != IT_ALIAS ||
		    a->name->comps.v[0].name[0] == '_')
			continue;
		print_point(&b, a->name);
		buf_puts(&b, a->epilogue ? " += " : " = ");
		for (k = 0; k < a->targets.len; k++) {
			if (k)
				buf_puts(&b, ", ");
			print_point(&b, a->targets.v[k]);
		}
		vec_push(lines, arena_strdup(b.s));
		buf_free(&b);
	}
}

static Lines alias_list;

static void collect_aliases(File *f)
{
	alias_lines(f, &alias_list);
}

/* "name:type (param:type, ...)" of each public function: its types as
 * pass 2 infers them over the whole library ("unknown" where nothing
 * decides one, as SystemTap says). */
static void function_lines(Lines *lines)
{
	int i, j;

	for (i = 0; i < S->func_list.len; i++) {
		const Func *f = S->func_list.v[i];
		Type ret = tyvar_type(f->ret);
		Buf b = { 0 };

		if (f->private || f->name[0] == '_')
			continue;
		buf_printf(&b, "%s:%s (", f->name, ret == TY_VOID ? "unknown" :
			   type_name(ret));
		for (j = 0; j < f->params.len; j++)
			buf_printf(&b, "%s%s:%s", j ? ", " : "",
				   f->params.v[j]->name,
				   type_name(tyvar_type(f->params.v[j]->ty)));
		buf_putc(&b, ')');
		vec_push(lines, arena_strdup(b.s));
		buf_free(&b);
	}
}

int dump_run(void)
{
	Lines lines = { 0 };

	switch (dump_what) {
	case DUMP_PROBE_TYPES:
		probe_types(&lines);
		print_lines(&lines, compare_types);
		return 0;
	case DUMP_PROBE_ALIASES:
		tapset_index();
		memset(&alias_list, 0, sizeof(alias_list));
		tapset_each_file(collect_aliases);
		print_lines(&alias_list, compare_lines);
		return S->errors ? 1 : 0;
	default:
		/* Every library function resolved and typed, kept or not. */
		S->unoptimized = true;
		resolve_pull_all();
		if (!resolve_program() || !infer_types()) {
			diag_summary();
			return 1;
		}
		function_lines(&lines);
		print_lines(&lines, compare_functions);
		return 0;
	}
}
