/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stap_unit.c - unit tests of the translator's helpers, where a direct
 * test says more than a script: version ordering, escapes, globs, hash
 * tables, number spelling, the lexer's tokens, the analyses' annotations.  Prints DejaGnu-style
 * PASS:/FAIL: lines (utest.h); exits 1 if anything failed.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../../stap/stap.h"
#include "utest.h"

const char *t_suite = "stap-unit";

static void test_versions(void)
{
	t_check(version_compare("6.1.0-56-amd64", "6.1") > 0, "version 6.1.0 > 6.1");
	t_check(version_compare("2.6.30", "2.6.9") > 0, "version numeric parts");
	t_check(version_compare("6.12", "6.1.99") > 0, "version 6.12 > 6.1.99");
	t_check(version_compare("3.5", "3.5") == 0, "version equal");
	t_check(version_compare("007", "7") == 0, "version leading zeros");
	t_check(version_compare("1.2a", "1.2b") < 0, "version letters");
}

static void test_decode(void)
{
	size_t len;
	char *s = decode_string("a\\n\\t\\101\\x42\\\\\\\"z", &len);

	t_check(len == 8 && !memcmp(s, "a\n\tAB\\\"z", 8), "decode escapes");
	free(s);
	s = decode_string("\\0end", &len);
	t_check(len == 4 && s[0] == '\0' && !strcmp(s + 1, "end"), "decode NUL");
	free(s);
	s = decode_string("\\x4g", &len);
	t_check(len == 2 && s[0] == 4 && s[1] == 'g', "decode short hex");
	free(s);
}

static void test_glob_table(void)
{
	Table t = { 0 };
	char key[32];
	int i, ok = 1;

	t_check(glob_match("vfs_*", "vfs_read") && !glob_match("vfs_*", "sys_read"),
	      "glob match");
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		table_put(&t, arena_strdup(key), (void *)(long)(i + 1));
	}
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (table_get(&t, key) != (void *)(long)(i + 1))
			ok = 0;
	}
	t_check(ok && t.len == 5000 && !table_get(&t, "missing"), "table grows");
}

static void test_similar(void)
{
	const char *names[] = { "println", "print", "printf", "exit", "strlen" };
	const char *s = closest_names("pritnln", names, 5);

	t_check(strstr(s, "println") != NULL && !strstr(s, "exit"),
	      "similar names");
	t_check(!strcmp(closest_names("zzzzzz", names, 5), ""), "no similar names");
}

static void test_numbers(void)
{
	Token t = { .kind = TK_NUM };
	int64_t v;

	t.text = "0x7fffffffffffffff";
	t_check(parse_number(&t, &v) && v == INT64_MAX, "number hex max");
	t.text = "18446744073709551615";
	t_check(parse_number(&t, &v) && v == -1, "number wraps to -1");
	t.text = "18446744073709551616";
	t_check(!parse_number(&t, &v), "number out of range");
	t.text = "0789";
	t_check(!parse_number(&t, &v), "number bad octal");
	t.text = "12ab";
	t_check(!parse_number(&t, &v), "number trailing letters");
}

static void test_lexer(void)
{
	Source *src = source_from_string("<unit>",
		"#! stap\nprobe a.b { x <<<= 1 %( $1 @# \"s\\q\" %{ c %} }");
	int n, i;
	Token **t = lex_source(src, &n);
	const char *want[] = { "probe", "a", ".", "b", "{", "x", "<<<", "=",
			       "1", "%(", "$1", "@#", "sq", " c ", "}", "" };
	int ok = n == 16;

	for (i = 0; ok && i < n; i++)
		ok = !strcmp(t[i]->text, want[i]) &&
		     t[i]->len == (int)strlen(want[i]);
	t_check(ok, "lexer tokens");
	t_check(t[0]->kind == TK_KEYWORD && t[1]->kind == TK_IDENT &&
	      t[10]->kind == TK_ARG && t[10]->arg == 1 && t[11]->at_arg &&
	      t[12]->kind == TK_STR && t[13]->kind == TK_EMBEDDED &&
	      t[15]->kind == TK_EOF, "lexer kinds");
	t_check(t[0]->line == 2 && t[0]->col == 1 && t[6]->col == 15,
	      "lexer places");
	free(t);
}

/* Passes 1 and 2 of TEXT for kernel RELEASE in a session of its own,
 * ended as the fuzzer ends its inputs; the errors it found. */
static int one_session(const char *release, const char *text)
{
	Session s;
	File *f;
	int errors;

	session_init(&s);
	s.quiet = true;
	s.last_pass = 2;
	s.kernel_release = release;
	s.arch = "x86_64";
	vec_push(&s.include_dirs, STAP_TAPSET_DIR);
	tapset_load_macros();
	f = parse_source(source_from_string("<unit>", text));
	vec_push(&S->user_files, f);
	vec_push(&S->files, f);
	if (!S->errors && resolve_program() && infer_types())
		check_program();
	errors = S->errors;
	arena_free_all();
	return errors;
}

/* The kernel's caches (symbols, BTF, tracepoints) and the DWARF's belong
 * to one session: a second session in the same process must neither
 * read the first's freed tables (ASan: heap-use-after-free in
 * kernel_tracepoint, found by make fuzz) nor get its answers.  The
 * running kernel's BTF fills the symbol and type caches where it exists;
 * a release with nothing installed leaves them empty. */
static void test_sessions(void)
{
	struct utsname u;
	const char *running = uname(&u) == 0 ? u.release : "none";
	const char *tp = "probe kernel.trace(\"no_such_tracepoint\") { print(1) }";
	const char *fn = "probe kernel.function(\"vfs_rea*\") { print(1) }";
	bool has_btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	int i, first = 0, again = 0;

	for (i = 0; i < 2; i++) {
		first = one_session("0.0-none", tp);
		again = one_session("0.0-none", tp);
	}
	t_check(first == 1 && again == 1, "sessions: a tracepoint twice, no BTF");
	first = one_session(running, tp);
	again = one_session(running, tp);
	t_check(first == 1 && again == 1, "sessions: a tracepoint twice, the running kernel");
	/* A wildcard needs a symbol list, which 0.0-none does not have. */
	first = one_session(running, fn);
	again = one_session("0.0-none", fn);
	t_check((first == 0 || !has_btf) && again == 1,
	      "sessions: the next kernel's functions are its own");
}

/* The sites of FUNC in the debuginfo SYSTEMTAP_DEBUGINFO_PATH gives (as
 * the kernel's), in a session of its own; -1 if it has no DWARF. */
static int dwarf_session(const char *func)
{
	Session s;
	DwSite **sites;
	Token at = { .kind = TK_STR, .text = "", .line = 1, .col = 1 };
	int n;

	session_init(&s);
	s.quiet = true;
	s.kernel_release = "0.0-unit";
	at.src = source_from_string("<unit>", "");
	n = dwarf_open() ? dwarf_sites(NULL, func, DW_ALL, false, NULL, &at,
				       &sites) : -1;
	arena_free_all();
	return n;
}

/* How many mappings of files under DIR this process has. */
static int mappings_of(const char *dir)
{
	size_t len;
	char *maps = read_file("/proc/self/maps", &len), *p = maps;
	int n = 0;

	while (p && (p = strstr(p, dir)))
		n++, p++;
	free(maps);
	return n;
}

/* The DWARF function index (CACHE/dwarf/ID.idx) of this very program,
 * built by a first session's scan and read, mapped, by the next: both
 * find the same sites, and the mapped entries are read where they are
 * aligned (UBSan: misaligned IdxEntry after an odd number of names, found
 * by make fuzz), and unmapped when the session ends (each session
 * mapped it again and kept it: make fuzz grew to 4 GB).  The program's
 * own names: an odd number of them in either file below makes the old
 * layout misaligned. */
static void test_dwarf_index(void)
{
	static const char *const files[] = { "/proc/self/exe",
		STAP_RUNTIME_DIR "/../build/bin/stap", NULL };
	char dir[] = "/tmp/stap-unit-XXXXXX", path[4096];
	int i, built, mapped, tried = 0, ok = 1, kept = 0;

	if (!mkdtemp(dir))
		return t_check(false, "dwarf index: a temporary folder");
	setenv("SYSTEMTAP_DIR", dir, 1);
	setenv("SYSTEMTAP_DEBUGINFO_PATH", dir, 1);
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	for (i = 0; files[i]; i++) {
		char real[4096];
		ssize_t n = readlink(files[i], real, sizeof(real) - 1);

		if (n > 0)
			real[n] = 0;
		else
			snprintf(real, sizeof(real), "%s", files[i]);
		unlink(path);
		if (access(real, R_OK) != 0 || symlink(real, path) != 0)
			continue;
		built = dwarf_session("arena_free_all");
		mapped = dwarf_session("arena_free_all");
		if (built < 0)
			continue;
		tried++;
		ok = ok && built >= 1 && mapped == built;
		kept += mappings_of(dir);
	}
	unlink(path);
	run_shell(arena_printf("rm -rf '%s'", dir));
	unsetenv("SYSTEMTAP_DIR");
	unsetenv("SYSTEMTAP_DEBUGINFO_PATH");
	t_check(tried > 0 && ok, "dwarf index: built, then mapped, same sites");
	t_check(tried > 0 && kept == 0, "dwarf index: unmapped at the session's end");
}

/* Passes 1 and 2 of TEXT for the user runtime, then the analyses
 * (analyze.c); the session stays open for the caller to look at. */
static bool analyzed(const char *text)
{
	File *f;

	S->runtime = "user";
	S->last_pass = 3;
	vec_push(&S->include_dirs, STAP_TAPSET_DIR);
	tapset_load_macros();
	f = parse_source(source_from_string("<unit>", text));
	vec_push(&S->user_files, f);
	vec_push(&S->files, f);
	if (S->errors || !resolve_program())
		return false;
	optimize_program();
	if (!infer_types() || !check_program() || S->errors)
		return false;
	analyze_program();
	return true;
}

static Symbol *global_named(const char *name)
{
	int i;

	for (i = 0; i < S->global_list.len; i++)
		if (!strcmp(S->global_list.v[i]->name, name))
			return S->global_list.v[i];
	return NULL;
}

/* A derived probe's locks as "NAME:w NAME:r ..." in their order. */
static const char *locks_of(const Derived *d)
{
	const char *r = "";
	int i;

	for (i = 0; i < d->locks.len; i++)
		r = arena_printf("%s%s%s:%c", r, i ? " " : "",
				 d->locks.v[i].sym->name,
				 d->locks.v[i].write ? 'w' : 'r');
	return r;
}

/* What analyze.c writes into the program for emit.c: add-only globals
 * (additions with no other use, begin/end not counted), each handler's
 * locks (read or written, sorted by C name, add-only ones left out)
 * and quiet handlers with the statements they may run. */
static void test_analyses(void)
{
	static const char script[] =
		"global zed, adds, reads, arr, text\n"
		"probe begin { adds = 5 }\n"
		"probe timer.ms(1) { adds++; adds -= 2; if (2 > 1) next }\n"
		"probe timer.ms(2) { reads++; if (reads > 3) next }\n"
		"probe timer.ms(3) { text = \"t\"; arr[1] = zed + 1; zed = arr[2] }\n"
		"probe end { println(reads, text, zed) }\n";
	Session s;
	Symbol *adds, *reads;

	session_init(&s);
	s.quiet = true;
	if (!analyzed(script)) {
		t_check(false, "analyses: the script translates");
		arena_free_all();
		return;
	}
	adds = global_named("adds");
	reads = global_named("reads");
	EXPECT(adds && adds->add_only);
	EXPECT(reads && !reads->add_only);
	EXPECT_EQ(S->derived.len, 5);
	if (S->derived.len == 5) {
		EXPECT_STR(locks_of(S->derived.v[0]), "");
		EXPECT_STR(locks_of(S->derived.v[1]), "");
		EXPECT_STR(locks_of(S->derived.v[2]), "reads:w");
		EXPECT_STR(locks_of(S->derived.v[3]), "zed:w arr:w text:w");
		EXPECT_STR(locks_of(S->derived.v[4]), "zed:r reads:r text:r");
		EXPECT(S->derived.v[1]->quiet);
		/* adds++, adds -= 2, next: 'if (2 > 1)' is folded away
		 * before the analyses, as SystemTap elides dead code. */
		EXPECT_EQ(S->derived.v[1]->quiet_actions, 3);
		EXPECT(!S->derived.v[2]->quiet);
		EXPECT_EQ(S->derived.v[3]->handler, 3);
	}
	t_verdict("analyses: add-only globals, lock sets, quiet handlers");
	arena_free_all();
}

/* The table of probe families (probes.c): each form belongs to the
 * family that lists it, has components with parameter kinds probes.c
 * knows, and no two forms are the same pattern (the later could never
 * match). */
static bool same_form(const Form *a, const Form *b)
{
	int k;

	for (k = 0; k < 4; k++)
		if (!a->parts[k].name != !b->parts[k].name ||
		    (a->parts[k].name && (strcmp(a->parts[k].name,
						 b->parts[k].name) ||
					  a->parts[k].param != b->parts[k].param)))
			return false;
	return true;
}

static void test_families(void)
{
	const Family *const *f, *const *g;
	const Form *fm, *gm;
	bool owned = true, shaped = true, unique = true;
	int n = 0, k;

	for (f = families; *f; f++)
		for (fm = (*f)->forms; fm->family; fm++, n++) {
			owned &= fm->family == *f && (*f)->name;
			shaped &= fm->parts[0].name && *fm->parts[0].name;
			for (k = 0; k < 4 && fm->parts[k].name; k++)
				/* 0 (none) finds the string's NUL */
				shaped &= strchr("NS?*", fm->parts[k].param) !=
					  NULL;
			for (g = families; *g; g++)
				for (gm = (*g)->forms; gm->family; gm++)
					unique &= gm == fm || !same_form(gm, fm);
		}
	t_check(n > 0 && owned, "families: each form names the family listing it");
	t_check(shaped, "families: each form has components, known parameter kinds");
	t_check(unique, "families: no two forms are the same pattern");
}

int main(void)
{
	Session s;

	session_init(&s);
	s.quiet = true;
	test_versions();
	test_decode();
	test_glob_table();
	test_similar();
	test_numbers();
	test_lexer();
	test_families();
	arena_free_all();
	test_sessions();
	test_dwarf_index();
	test_analyses();
	return t_status();
}
