/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diag.c - errors and warnings with their place in the source.
 *
 *   semantic error: type mismatch (string): 'noo' at t.stp:8:13
 *           source: probe end { noo = "zoo" }
 *                               ^
 * followed, for tokens that came out of a macro or a $N argument, by the
 * chain of expansions that produced them.
 */
#include <stdlib.h>
#include <string.h>

#include "stap.h"

/* Where diagnostics go: stderr, or held back (diag_hold). */
static FILE *held_file;
static char *held_text;
static size_t held_len;

static FILE *diag_file(void)
{
	return held_file ? held_file : stderr;
}

/*
 * -l and -L list what resolves and say nothing of what does not, as in
 * SystemTap; when nothing resolves, what was held back says why.
 */
void diag_hold(void)
{
	if (!held_file)
		held_file = open_memstream(&held_text, &held_len);
}

void diag_release(bool show)
{
	if (!held_file)
		return;
	fclose(held_file);
	held_file = NULL;
	if (show && held_len)
		fwrite(held_text, 1, held_len, stderr);
	free(held_text);
	held_text = NULL;
	held_len = 0;
}

static void print_source_line(const Token *t)
{
	const char *text, *line, *end;
	int n, col;

	if (!t || !t->src || !t->src->text || t->line <= 0)
		return;
	text = t->src->text;
	line = text;
	for (n = 1; n < t->line; n++) {
		line = strchr(line, '\n');
		if (!line)
			return;
		line++;
	}
	end = strchr(line, '\n');
	if (!end)
		end = text + t->src->len;
	fprintf(diag_file(), "        source: %.*s\n", (int)(end - line), line);
	fputs("                ", diag_file());
	/* Copy tabs so the caret lines up under a tab-indented line. */
	for (col = 1; col < t->col && line + col - 1 < end; col++)
		fputc(line[col - 1] == '\t' ? '\t' : ' ', diag_file());
	fputs("^\n", diag_file());
}

static void print_location(const Token *t)
{
	if (!t || !t->src)
		return;
	fprintf(diag_file(), " at %s:%d:%d", t->src->name, t->line, t->col);
}

static void print_origins(const Token *t)
{
	int depth = 0;

	for (t = t ? t->origin : NULL; t && depth < 20; t = t->origin, depth++) {
		if (t->kind == TK_ARG)
			fprintf(diag_file(), "        from command line argument %s%d",
				t->at_arg ? "@" : "$", t->arg);
		else
			fprintf(diag_file(), "        in expansion of %s", t->text);
		print_location(t);
		fputc('\n', diag_file());
		print_source_line(t);
	}
}

/* Identical diagnostics (a macro expanded twice, say) are shown once. */
static bool seen_before(const char *kind, const Token *t, const char *msg)
{
	char *key;

	if (!t || !t->src)
		return false;
	key = arena_printf("%s|%s|%s:%d:%d", kind, msg, t->src->name, t->line,
			   t->col);
	if (table_get(&S->seen_diags, key))
		return true;
	table_put(&S->seen_diags, key, key);
	return false;
}

/* Recorded instead of shown, while S->held is set. */
static bool hold(const Token *t, const char *kind, const char *fmt,
		 va_list ap)
{
	HeldDiag d = { t, kind, NULL };

	if (!S->held)
		return false;
	d.msg = arena_vprintf(fmt, ap);
	vec_push(&S->held->v, d);
	if (kind && kind[0])
		S->held->errors++;
	return true;
}

static void report(const Token *t, const char *kind, const char *fmt,
		   va_list ap)
{
	char *msg = arena_vprintf(fmt, ap);

	if (S->quiet || seen_before(kind, t, msg))
		return;
	fprintf(diag_file(), "%s: %s", kind, msg);
	print_location(t);
	fputc('\n', diag_file());
	print_source_line(t);
	print_origins(t);
}

void error_at(const Token *t, const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (hold(t, kind, fmt, ap)) {
		va_end(ap);
		return;
	}
	va_end(ap);
	S->errors++;
	if (S->errors > MAX_ERRORS) {
		S->suppressed++;
		return;
	}
	va_start(ap, fmt);
	report(t, kind, fmt, ap);
	va_end(ap);
}

void note_at(const Token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (hold(t, NULL, fmt, ap) || S->errors > MAX_ERRORS) {
		va_end(ap);
		return;
	}
	report(t, "note", fmt, ap);
	va_end(ap);
}

void warn_at(const Token *t, const char *fmt, ...)
{
	va_list ap;

	if (S->no_warnings)
		return;
	va_start(ap, fmt);
	if (hold(t, "", fmt, ap)) {
		va_end(ap);
		return;
	}
	va_end(ap);
	S->warnings++;
	if (S->warn_error)
		S->errors++;
	va_start(ap, fmt);
	/* -W: the warning is an error, and says which. */
	report(t, S->warn_error ? "semantic error: (warning, -W)" : "WARNING",
	       fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("stap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void diag_summary(void)
{
	if (S->suppressed)
		fprintf(stderr, "%d more errors not shown.\n", S->suppressed);
}

void diag_replay(const HeldDiags *h)
{
	int i;

	for (i = 0; h && i < h->v.len; i++) {
		const HeldDiag *d = &h->v.v[i];

		if (!d->kind)
			note_at(d->tok, "%s", d->msg);
		else if (!d->kind[0])
			warn_at(d->tok, "%s", d->msg);
		else
			error_at(d->tok, d->kind, "%s", d->msg);
	}
}
