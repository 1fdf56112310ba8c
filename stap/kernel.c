/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel.c - what pass 2 knows of the target kernel: its functions (from
 * System.map, or /proc/kallsyms when the target is the running kernel),
 * which of them kprobes refuse, and its types (BTF, read with libbpf).
 *
 * Where each comes from, by -r:
 *   target DIR/NAME  its target directory (tdir.c): root/boot/System.map-REL
 *                    or kallsyms, vmlinux.btf
 *   running kernel   /proc/kallsyms, /sys/kernel/btf/vmlinux
 *   release REL      /boot/System.map-REL, the -dbg vmlinux's BTF
 *   kbuild DIR       DIR/System.map, DIR/vmlinux
 * Without a symbol list a plain function name is taken on trust (the
 * kernel refuses an unknown one when the probe is armed) and a wildcard
 * is an error; without BTF a target variable is an error.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "stap.h"

/* A text range kprobes refuse: entry code, noinstr, __kprobes ... */
typedef struct Range {
	const char *start, *end;	/* the linker's marker symbols */
	uint64_t lo, hi;
} Range;

static Range no_probe_ranges[] = {
	{ "__kprobes_text_start", "__kprobes_text_end", 0, 0 },
	{ "__noinstr_text_start", "__noinstr_text_end", 0, 0 },
	{ "__entry_text_start", "__entry_text_end", 0, 0 },
	{ "__irqentry_text_start", "__irqentry_text_end", 0, 0 },
	{ "__softirqentry_text_start", "__softirqentry_text_end", 0, 0 },
	{ "__cpuidle_text_start", "__cpuidle_text_end", 0, 0 },
	{ "__indirect_thunk_start", "__indirect_thunk_end", 0, 0 },
	{ "__static_call_text_start", "__static_call_text_end", 0, 0 },
};
#define NRANGES (sizeof(no_probe_ranges) / sizeof(no_probe_ranges[0]))

typedef struct KFunc {
	const char *name;
	uint64_t addr;
} KFunc;

static struct {
	bool loaded;
	const char *source;	/* the file the list came from */
	VEC(KFunc) funcs;
	Table known;		/* name -> KFunc */
	Table blacklisted;	/* NOKPROBE_SYMBOL(name) */
	Table data;		/* data symbol name -> its address + 1 */
	VEC(const char *) tracepoints;
	Table tp_known;
	Table tp_args;		/* name -> TpArgs, filled on demand */
	bool from_btf;		/* no symbol list: BTF's functions */
	int nmods;		/* modules whose BTF was asked for */
	const char *mod_names[8];
	struct btf *mod_btf[8];
	const char *tmp_files[8];	/* unpacked .ko.xz, removed at exit */
	int ntmp;
	bool btf_loaded;
	struct btf *btf;
	const char *btf_source;
} K;

/* K is the session's: its tables and names live in the arena. */
static void k_filling(void)
{
	arena_on_free(kernel_free);
}

static bool running_target(void)
{
	struct utsname u;

	return !S->kernel_dir && uname(&u) == 0 &&
	       !strcmp(u.release, S->kernel_release);
}

/* The first readable file of the candidates. */
static const char *first_readable(const char **paths, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (paths[i] && access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

static const char *symbol_file(void)
{
	const char *paths[4] = { 0 };

	if (S->kernel_dir) {
		paths[0] = tdir_file(arena_printf("root/boot/System.map-%s",
						  S->kernel_release));
		paths[1] = tdir_file("kallsyms");
	} else if (running_target()) {
		paths[0] = "/proc/kallsyms";
	} else if (S->kernel_build) {
		paths[0] = arena_printf("%s/System.map", S->kernel_build);
		paths[1] = arena_printf("/boot/System.map-%s",
					S->kernel_release);
	}
	return first_readable(paths, 4);
}

static void note_marker(const char *name, uint64_t addr)
{
	size_t i;

	for (i = 0; i < NRANGES; i++) {
		if (!strcmp(name, no_probe_ranges[i].start))
			no_probe_ranges[i].lo = addr;
		else if (!strcmp(name, no_probe_ranges[i].end))
			no_probe_ranges[i].hi = addr;
	}
}

/* In the table: the index + 1, so that no entry is NULL. */
static void add_func(const char *name, uint64_t addr)
{
	if (table_get(&K.known, name))
		return;
	vec_push(&K.funcs, ((KFunc){ arena_strdup(name), addr }));
	table_put(&K.known, K.funcs.v[K.funcs.len - 1].name,
		  (void *)(intptr_t)K.funcs.len);
}

/* A symbol of type T (nm's letters) at ADDR: a function, a tracepoint,
 * a blacklist entry or a section marker. */
static void add_symbol(const char *name, char t, uint64_t addr)
{
	if (!strncmp(name, "_kbl_addr_", 10)) {
		table_put(&K.blacklisted, arena_strdup(name + 10), "");
		return;
	}
	if (!strncmp(name, "__tracepoint_", 13) && strchr("dD", t) &&
	    !table_get(&K.tp_known, name + 13)) {
		vec_push(&K.tracepoints, arena_strdup(name + 13));
		table_put(&K.tp_known, K.tracepoints.v[K.tracepoints.len - 1],
			  "");
		return;
	}
	note_marker(name, addr);
	if (strchr("dDbBrRvV", t) && !table_get(&K.data, name))
		table_put(&K.data, arena_strdup(name),
			  (void *)(uintptr_t)(addr + 1));
	if (!strchr("tTwW", t) || !strncmp(name, "__pfx_", 6))
		return;
	add_func(name, addr);
}

/* One line "ADDR TYPE NAME[\t[module]]"; module symbols are skipped. */
static void symbol_line(char *line)
{
	char *save = NULL, *a = strtok_r(line, " \t", &save);
	char *t = strtok_r(NULL, " \t", &save);
	char *name = strtok_r(NULL, " \t", &save);

	if (!a || !t || !name || strtok_r(NULL, " \t", &save))
		return;
	add_symbol(name, *t, strtoull(a, NULL, 16));
}

/* Without a symbol list (Debian's System.map is a placeholder; the real
 * one is in the -dbg package), the functions and tracepoints that BTF
 * describes: every function the kernel did not inline. */
static bool btf_symbols(bool funcs, bool tracepoints)
{
	const struct btf *b = kernel_btf();
	uint32_t i, n;

	if (!b)
		return false;
	n = btf__type_cnt(b);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(b, i);
		const char *name = btf__name_by_offset(b, t->name_off);

		if (funcs && btf_is_func(t))
			add_func(name, 0);
		else if (tracepoints && btf_is_typedef(t) &&
			 !strncmp(name, "btf_trace_", 10) &&
			 !table_get(&K.tp_known, name + 10)) {
			vec_push(&K.tracepoints, arena_strdup(name + 10));
			table_put(&K.tp_known, K.tracepoints.v[K.tracepoints.len
							       - 1], "");
		}
	}
	if (funcs) {
		K.source = arena_printf("the kernel's BTF (%s)", K.btf_source);
		K.from_btf = true;
	}
	return true;
}

static bool load_symbols(void)
{
	const char *path;
	char *text, *line, *save = NULL;
	size_t len;

	if (K.loaded)
		return K.source != NULL;
	K.loaded = true;
	k_filling();
	path = symbol_file();
	if (path && (text = read_file(path, &len))) {
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			symbol_line(line);
		free(text);
		K.source = path;
	}
	/* Debian's System.map is a placeholder: the -dbg vmlinux's
	 * symbol table is the real one. */
	if (!K.funcs.len && dwarf_open()) {
		dwarf_each_symbol(add_symbol);
		K.source = dwarf_source();
		path = K.source;
	}
	/* kallsyms without CONFIG_KALLSYMS_ALL has no __tracepoint_*. */
	if ((!K.funcs.len || !K.tracepoints.len) &&
	    !btf_symbols(!K.funcs.len, !K.tracepoints.len) && !K.funcs.len)
		return false;
	if (S->verbose > 1)
		fprintf(stderr, "stap: %d kernel functions from %s\n",
			K.funcs.len, path);
	return true;
}

static bool in_no_probe_range(uint64_t addr)
{
	size_t i;

	for (i = 0; i < NRANGES; i++)
		if (no_probe_ranges[i].lo && addr >= no_probe_ranges[i].lo &&
		    addr < no_probe_ranges[i].hi)
			return true;
	return false;
}

/* Why kprobes would refuse NAME, or NULL. */
static const char *refusal(const KFunc *f)
{
	if (table_get(&K.blacklisted, f->name))
		return "it is on the kernel's kprobe blacklist (NOKPROBE_SYMBOL)";
	if (f->addr && in_no_probe_range(f->addr))
		return "it lies in a section kprobes refuse (entry, noinstr or"
		       " __kprobes code)";
	return NULL;
}

/* Why kprobes would refuse site S, or NULL: its function's or its
 * address's. */
const char *kernel_site_refused(const DwSite *s)
{
	KFunc f = { s->container ? s->container : s->func, s->addr };

	load_symbols();
	return refusal(&f);
}

static const KFunc *find_func(const char *name)
{
	intptr_t i = (intptr_t)table_get(&K.known, name);

	return i ? &K.funcs.v[i - 1] : NULL;
}

/* Kernel function NAME's link address in the symbol list, and kfree's
 * (the anchor the runtime measures KASLR against): false when the list
 * has no addresses (BTF's) or not both.  A name the list has twice is
 * its first, as kallsyms_lookup_name and a kprobe by name take it. */
bool kernel_function_address(const char *name, uint64_t *addr,
			     uint64_t *anchor)
{
	const KFunc *f, *kfree;

	if (!load_symbols() || K.from_btf)
		return false;
	f = find_func(name);
	kfree = find_func("kfree");
	if (!f || !f->addr || !kfree || !kfree->addr)
		return false;
	*addr = f->addr;
	*anchor = kfree->addr;
	return true;
}

bool kernel_symbol(const char *name, uint64_t *addr, uint64_t *anchor)
{
	uintptr_t data;
	const KFunc *f, *kfree;

	if (!load_symbols() || K.from_btf)
		return false;
	data = (uintptr_t)table_get(&K.data, name);
	f = find_func(name);
	kfree = find_func("kfree");
	if ((!data && !(f && f->addr)) || !kfree || !kfree->addr)
		return false;
	*addr = data ? data - 1 : f->addr;
	*anchor = kfree->addr;
	return true;
}

const char *kernel_symbol_source(void)
{
	return load_symbols() && !K.from_btf ? K.source : NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int kernel_functions(const char *pattern, const Token *at, const char ***out)
{
	VEC(const char *) names = { 0 };
	int i;

	*out = NULL;
	if (!load_symbols()) {
		sem_error(at, "a wildcard in \"%s\" needs the kernel's symbol"
			  " list (System.map or /proc/kallsyms), and there is"
			  " none for %s", pattern, S->kernel_release);
		return -1;
	}
	for (i = 0; i < K.funcs.len; i++) {
		const KFunc *f = &K.funcs.v[i];

		/* Compiler clones (foo.isra.0, foo.cold) only by name. */
		if (strchr(f->name, '.') || !glob_match(pattern, f->name) ||
		    refusal(f))
			continue;
		vec_push(&names, f->name);
	}
	if (names.len)
		qsort(names.v, (size_t)names.len, sizeof(char *), by_name);
	*out = names.v;
	return names.len;
}

bool kernel_function_ok(const char *name, const Token *at, bool exact)
{
	const KFunc *f;
	const char *why;

	if (!load_symbols() || (exact && K.from_btf))
		return true;
	f = find_func(name);
	if (!f) {
		sem_error(at, "no kernel function '%s' in %s%s", name, K.source,
			  K.from_btf ? arena_printf("; kprobe.function(\"%s\")"
			  " takes a name unchecked", name) : "");
		return false;
	}
	why = refusal(f);
	if (why) {
		sem_error(at, "cannot probe kernel function '%s': %s", name,
			  why);
		return false;
	}
	return true;
}

/* ---- BTF ---- */

static const char *btf_file(void)
{
	const char *paths[4] = { 0 };

	if (S->kernel_dir) {
		paths[0] = tdir_file("vmlinux.btf");
	} else if (running_target()) {
		paths[0] = "/sys/kernel/btf/vmlinux";
	} else {
		if (S->kernel_build)
			paths[0] = arena_printf("%s/vmlinux", S->kernel_build);
		paths[1] = arena_printf("/usr/lib/debug/boot/vmlinux-%s",
					S->kernel_release);
		paths[2] = arena_printf("/usr/lib/debug/lib/modules/%s/vmlinux",
					S->kernel_release);
	}
	return first_readable(paths, 4);
}

const struct btf *kernel_btf(void)
{
	const char *path;

	if (K.btf_loaded)
		return K.btf;
	K.btf_loaded = true;
	k_filling();
	path = btf_file();
	if (!path)
		return NULL;
	K.btf = btf__parse(path, NULL);
	if (!K.btf) {
		fprintf(stderr, "stap: cannot read BTF from %s: %s\n", path,
			strerror(errno));
		return NULL;
	}
	K.btf_source = path;
	return K.btf;
}

const char *kernel_btf_source(void)
{
	return K.btf_source ? K.btf_source : "no BTF found";
}

/* The FUNC_PROTO behind type ID (through typedefs and a pointer). */
static const struct btf_type *proto_of(const struct btf *b, int id)
{
	const struct btf_type *t = btf__type_by_id(b, (uint32_t)id);

	while (t && (btf_is_typedef(t) || btf_is_ptr(t) || btf_is_mod(t) ||
		     btf_is_func(t)))
		t = btf__type_by_id(b, t->type);
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* Same parameter types, after the leading void *data. */
static bool same_params(const struct btf_type *a, const struct btf_type *b)
{
	int i;

	if (btf_vlen(a) != btf_vlen(b))
		return false;
	for (i = 1; i < btf_vlen(a); i++)
		if (btf_params(a)[i].type != btf_params(b)[i].type)
			return false;
	return true;
}

/* The names of a tracepoint's arguments: from __traceiter_NAME (6.1 and
 * later), __bpf_trace_NAME, or the __bpf_trace_CLASS whose parameters
 * have the same types (DEFINE_EVENT shares its class's function). */
static const struct btf_type *named_proto(const struct btf *b,
					  const char *name,
					  const struct btf_type *want)
{
	int id = btf__find_by_name_kind(b, arena_printf("__traceiter_%s",
							  name),
					BTF_KIND_FUNC);
	uint32_t i, n = btf__type_cnt(b);

	if (id <= 0)
		id = btf__find_by_name_kind(b, arena_printf("__bpf_trace_%s",
							      name),
					    BTF_KIND_FUNC);
	if (id > 0 && proto_of(b, id) &&
	    same_params(proto_of(b, id), want))
		return proto_of(b, id);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(b, i), *p;

		if (!btf_is_func(t) || strncmp(btf__name_by_offset(b,
				t->name_off), "__bpf_trace_", 12))
			continue;
		p = proto_of(b, (int)i);
		if (p && same_params(p, want))
			return p;
	}
	return NULL;
}

/* A tracepoint's arguments, as kernel_tracepoint gives them. */
typedef struct TpArgs {
	int n;			/* -1: no such tracepoint in BTF */
	const char **names;
	int *types;
} TpArgs;

static TpArgs *tracepoint_args(const char *name)
{
	const struct btf *b = kernel_btf();
	const struct btf_type *proto, *named;
	TpArgs *a = NEW(TpArgs);
	int id, i;

	a->n = -1;
	if (!b)
		return a;
	id = btf__find_by_name_kind(b, arena_printf("btf_trace_%s", name),
				    BTF_KIND_TYPEDEF);
	if (id <= 0 || !(proto = proto_of(b, id)) || btf_vlen(proto) < 1)
		return a;
	named = named_proto(b, name, proto);
	a->n = btf_vlen(proto) - 1;
	a->names = arena_zalloc(sizeof(char *) * (size_t)(a->n + 1));
	a->types = arena_zalloc(sizeof(int) * (size_t)(a->n + 1));
	for (i = 0; i < a->n; i++) {
		const char *nm = named ? btf__name_by_offset(b,
				btf_params(named)[i + 1].name_off) : NULL;

		a->names[i] = nm && *nm ? arena_strdup(nm) :
			      arena_printf("arg%d", i + 1);
		a->types[i] = (int)btf_params(proto)[i + 1].type;
	}
	return a;
}

/* Asked for each probe, each target variable and by emit.c: looked up
 * once a name (finding the names may scan all of BTF). */
int kernel_tracepoint(const char *name, const char ***names, int **types)
{
	TpArgs *a = table_get(&K.tp_args, name);

	if (!a) {
		k_filling();
		a = tracepoint_args(name);
		table_put(&K.tp_args, arena_strdup(name), a);
	}
	*names = a->names;
	*types = a->types;
	return a->n;
}

int kernel_tracepoints(const char *pattern, const Token *at,
		       const char ***out)
{
	VEC(const char *) names = { 0 };
	int i;

	*out = NULL;
	if (!load_symbols()) {
		if (!is_glob(pattern)) {
			vec_push(&names, pattern);
			*out = names.v;
			return 1;
		}
		sem_error(at, "a wildcard in \"%s\" needs the kernel's symbol"
			  " list (System.map or /proc/kallsyms), and there is"
			  " none for %s", pattern, S->kernel_release);
		return -1;
	}
	for (i = 0; i < K.tracepoints.len; i++)
		if (glob_match(pattern, K.tracepoints.v[i]))
			vec_push(&names, K.tracepoints.v[i]);
	if (names.len)
		qsort(names.v, (size_t)names.len, sizeof(char *), by_name);
	*out = names.v;
	return names.len;
}

/* Module names: modules.dep says ext4.ko, lsmod says nf_tables for
 * nf-tables.ko; '-' and '_' are the same. */
bool same_module(const char *file, const char *name)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	for (; *name; base++, name++)
		if (*base != *name && !(strchr("-_", *base) &&
					strchr("-_", *name)))
			return false;
	return !strncmp(base, ".ko", 3);
}

/* The target's module tree: lib/modules/REL of its root. */
static const char *modules_root(void)
{
	return S->kernel_dir ?
		tdir_file(arena_printf("root/lib/modules/%s",
				       S->kernel_release)) :
		arena_printf("/lib/modules/%s", S->kernel_release);
}

/* The module's file in the target's module tree, from modules.dep. */
static const char *module_file(const char *name)
{
	const char *root = modules_root();
	size_t len;
	char *dep = read_file(arena_printf("%s/modules.dep", root), &len);
	char *line, *save = NULL;
	const char *found = NULL;

	for (line = dep ? strtok_r(dep, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (colon) {
			*colon = 0;
			if (same_module(line, name))
				found = arena_printf("%s/%s", root, line);
		}
	}
	free(dep);
	return found;
}

/* The names of the target's modules matching PATTERN (modules.dep's
 * files: dccp_ipv4 for kernel/net/dccp/dccp_ipv4.ko.xz), sorted. */
int kernel_modules(const char *pattern, const char ***out)
{
	const char *root = modules_root();
	size_t len;
	char *dep = read_file(arena_printf("%s/modules.dep", root), &len);
	char *line, *save = NULL;
	VEC(const char *) names = { 0 };

	for (line = dep ? strtok_r(dep, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *base, *dot;

		if (!colon)
			continue;
		*colon = 0;
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		if (dot)
			*dot = 0;
		for (dot = base; *dot; dot++)
			if (*dot == '-')
				*dot = '_';
		if (glob_match(pattern, base))
			vec_push(&names, arena_strdup(base));
	}
	free(dep);
	if (names.len)
		qsort(names.v, (size_t)names.len, sizeof(char *), by_name);
	*out = names.v;
	return names.len;
}

const char *kernel_module_path(const char *name)
{
	const char *path = module_file(name), *rel;
	const char *root = arena_printf("%s/", modules_root());
	char *dot;

	if (!path || strncmp(path, root, strlen(root)))
		return NULL;
	rel = arena_strdup(path + strlen(root));
	dot = strstr(rel, ".ko");
	if (dot)
		dot[3] = 0;	/* .ko.xz, .ko.zst: the debug file is .ko */
	return rel;
}

/* The running kernel has module NAME loaded (/proc/modules). */
static bool module_loaded(const char *name)
{
	size_t len;
	char *text = read_file("/proc/modules", &len), *line, *save = NULL;
	bool found = false;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (sp) {
			memcpy(sp, ".ko", 4);
			found = same_module(line, name);
		}
	}
	free(text);
	return found;
}

/* An xz-compressed module, unpacked into a temporary file. */
static const char *unpacked(const char *path)
{
	char tmpl[] = "/tmp/stapkoXXXXXX";
	int fd = mkstemp(tmpl);
	const char *tmp;

	if (fd < 0)
		return NULL;
	close(fd);
	tmp = arena_strdup(tmpl);
	if (!run_shell(arena_printf("xz -dc '%s' > '%s'", path, tmp))) {
		unlink(tmp);
		return NULL;
	}
	K.tmp_files[K.ntmp++ % 8] = tmp;
	return tmp;
}

const struct btf *kernel_module_btf(const char *name)
{
	const struct btf *base = kernel_btf();
	const char *path;
	struct btf *b;
	int i;

	for (i = 0; i < K.nmods; i++)
		if (!strcmp(K.mod_names[i], name))
			return K.mod_btf[i];
	if (!base || K.nmods == 8)
		return NULL;
	k_filling();
	path = running_target() ? arena_printf("/sys/kernel/btf/%s", name) :
	       NULL;
	if (!path || access(path, R_OK) != 0)
		path = module_file(name);
	if (path && strlen(path) > 3 && !strcmp(path + strlen(path) - 3, ".xz"))
		path = unpacked(path);
	b = path ? btf__parse_split(path, (struct btf *)base) : NULL;
	K.mod_names[K.nmods] = arena_strdup(name);
	K.mod_btf[K.nmods++] = b;
	return b;
}

bool kernel_module_function_ok(const char *module, const char *func,
			       const Token *at)
{
	const struct btf *b = kernel_module_btf(module);

	if (running_target() && !module_loaded(module)) {
		sem_error(at, "module '%s' is not loaded in the running kernel",
			  module);
		return false;
	}
	if (!b && !running_target() && !module_file(module)) {
		sem_error(at, "kernel %s has no module '%s'", S->kernel_release,
			  module);
		return false;
	}
	if (b && btf__find_by_name_kind(b, func, BTF_KIND_FUNC) <= 0) {
		sem_error(at, "no function '%s' in module %s's BTF", func,
			  module);
		return false;
	}
	return true;
}

int kernel_module_functions(const char *module, const char *pattern,
			    const Token *at, const char ***out)
{
	const struct btf *b = kernel_module_btf(module);
	VEC(const char *) names = { 0 };
	uint32_t i, n;

	*out = NULL;
	if (!b) {
		sem_error(at, "a wildcard in \"%s\" needs module %s's BTF,"
			  " and there is none for %s", pattern, module,
			  S->kernel_release);
		return -1;
	}
	/* The module's own types follow the kernel's in split BTF. */
	n = btf__type_cnt(b);
	for (i = btf__type_cnt(kernel_btf()); i < n; i++) {
		const struct btf_type *t = btf__type_by_id(b, i);
		const char *name = btf__name_by_offset(b, t->name_off);

		if (btf_is_func(t) && glob_match(pattern, name))
			vec_push(&names, name);
	}
	if (names.len)
		qsort(names.v, (size_t)names.len, sizeof(char *), by_name);
	*out = names.v;
	return names.len;
}

/* The end of the session's K (main, or the arena's end): a second call
 * finds nothing left. */
void kernel_free(void)
{
	size_t r;
	int i;

	for (i = 0; i < K.nmods; i++)
		btf__free(K.mod_btf[i]);
	for (i = 0; i < K.ntmp && i < 8; i++)
		unlink(K.tmp_files[i]);
	btf__free(K.btf);
	memset(&K, 0, sizeof(K));
	for (r = 0; r < NRANGES; r++)	/* that kernel's addresses */
		no_probe_ranges[r].lo = no_probe_ranges[r].hi = 0;
}
