/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probes.c - the table of probe families.
 *
 * Each family is a row: its components, whether each takes a parameter,
 * a checker for the parameter values, and whether this translator can
 * build it yet.  Families that other pieces of work bring (kernel and
 * user-space probes) parse and resolve to a row, then stop with a clear
 * "not supported yet" naming the family.  Adding a family is adding a row.
 */
#include <string.h>

#include "stap.h"

/* A component of a family: its name and what its parameter must be. */
typedef struct Part {
	const char *name;
	char param;		/* 0 none, 'N' number, 'S' string, '?' optional N,
				   '*' anything (unsupported families) */
} Part;

typedef struct Row {
	Family fam;
	Part parts[4];
	bool open_tail;		/* more components may follow (unsupported) */
} Row;

static bool check_seq(const ProbePoint *pp, int64_t *seq)
{
	const Component *c = &pp->comps.v[0];

	*seq = c->param ? c->param->num : 0;
	return true;
}

static bool positive(const Component *c, const char *what)
{
	if (c->param->num <= 0) {
		sem_error(c->param->tok, "the %s of timer.%s must be positive,"
			  " not %lld", what, c->name,
			  (long long)c->param->num);
		return false;
	}
	return true;
}

static bool check_timer(const ProbePoint *pp, int64_t *seq)
{
	const Component *period = &pp->comps.v[1];

	(void)seq;
	if (!positive(period, "period"))
		return false;
	if (pp->comps.len == 3) {
		const Component *r = &pp->comps.v[2];

		if (r->param->num < 0 || r->param->num > period->param->num) {
			sem_error(r->param->tok, "randomize(%lld) must lie"
				  " between 0 and the period %lld",
				  (long long)r->param->num,
				  (long long)period->param->num);
			return false;
		}
	}
	return true;
}

/* Kernel probes are modules: the user runtime cannot take them. */
static bool check_kernel(const ProbePoint *pp, int64_t *seq)
{
	Buf b = { 0 };

	(void)seq;
	if (!strcmp(S->runtime, "kernel"))
		return true;
	print_point(&b, pp);
	sem_error(pp->tok, "probe point '%s' needs the kernel runtime "
		  "(--runtime=kernel)", b.s);
	buf_free(&b);
	return false;
}

/* kprobe.function("F"): wildcards are expanded over the target's
 * functions before this sees each name. */
static bool check_kprobe(const ProbePoint *pp, int64_t *seq)
{
	const Component *f = &pp->comps.v[1];

	if (!*f->param->str) {
		sem_error(f->param->tok, "kprobe.function needs a function name"
			  " or pattern");
		return false;
	}
	return check_kernel(pp, seq) &&
	       kernel_function_ok(f->param->str, f->param->tok, true);
}

/* kernel.function(PATTERN): wildcards are expanded over the target's
 * functions before this sees each name; with DWARF, each site. */
static bool check_kfunction(const ProbePoint *pp, int64_t *seq)
{
	const Component *f = &pp->comps.v[1];

	if (pp->site)
		return check_kernel(pp, seq);
	if (!*f->param->str) {
		sem_error(f->param->tok, "kernel.function needs a function"
			  " name or pattern");
		return false;
	}
	return check_kernel(pp, seq) &&
	       kernel_function_ok(f->param->str, f->param->tok, false);
}

/* The copies of a function a point asks for: .inline the inlined ones,
 * .call and .return the out-of-line one, else both. */
static int which_copies(const ProbePoint *pp)
{
	const char *last = pp->comps.v[pp->comps.len - 1].name;

	if (!strcmp(last, "inline"))
		return DW_INLINE;
	return !strcmp(last, "call") || !strcmp(last, "return") ? DW_CALL :
	       DW_ALL;
}

/* .label("NAME")'s pattern, or NULL. */
static const char *label_of(const ProbePoint *pp)
{
	const Component *last = &pp->comps.v[pp->comps.len - 1];

	return !strcmp(last->name, "label") ? last->param->str : NULL;
}

/* .call/.return found nothing, but SPEC has inlined copies: say so (as
 * an error, for the point that needs it), rather than "matches nothing". */
static bool only_inlined(const char *module, const ProbePoint *pp,
			 const char *spec, int which)
{
	const Component *f = &pp->comps.v[1];
	DwSite **copies;
	int n;

	if (which != DW_CALL || label_of(pp))
		return false;
	n = dwarf_sites(module, spec, DW_INLINE, false, NULL, f->param->tok,
			&copies);
	if (n <= 0)
		return false;
	sem_error(f->param->tok, "\"%s\" has only inlined copies (%d) here:"
		  " .call and .return need an out-of-line function;"
		  " .inline probes the copies", spec, n);
	return true;
}

/* What needs the kernel's DWARF, said where the user can get it. */
static int needs_dwarf(const Component *f, const char *what)
{
	sem_error(f->param->tok, "%s needs the kernel's DWARF, and there is"
		  " no debuginfo for %s (%s)", what, S->kernel_release,
		  tdir_dwarf_hint());
	return -1;
}

/* kernel.function("f[@file[:line]]")[.call|.return|.inline] and
 * kernel.statement("f@file:line") by the kernel's DWARF: each function,
 * inlined copy or line, less what kprobes refuse.  Without debuginfo a
 * plain name is the symbol list's business (DW_NONE). */
static int kernel_sites(const ProbePoint *pp, DwSite ***out)
{
	const Component *f = &pp->comps.v[1];
	bool statement = !strcmp(f->name, "statement");
	int which = which_copies(pp);
	const char *spec = f->param->str;
	DwSite **all;
	int n, i, k = 0;

	if (strcmp(S->runtime, "kernel"))
		return DW_NONE;		/* check_kernel says why not */
	if (!dwarf_open()) {
		if (statement)
			return needs_dwarf(f, "kernel.statement(\"FUNC@FILE:"
					   "LINE\")");
		if (which == DW_INLINE)
			return needs_dwarf(f, "kernel.function(...).inline");
		if (label_of(pp))
			return needs_dwarf(f, "kernel.function(...).label");
		if (strchr(spec, '@') || strchr(spec, ':'))
			return needs_dwarf(f, arena_printf("\"%s\": FUNCTION"
					   "@FILE[:LINE]", spec));
	}
	if (!dwarf_open() || !*spec)
		return DW_NONE;	/* the symbol list and BTF decide */
	n = dwarf_sites(NULL, spec, which, statement, label_of(pp),
			f->param->tok, &all);
	if (n == 0 && only_inlined(NULL, pp, spec, which))
		return -1;
	if (n <= 0)
		return n;
	*out = arena_zalloc(sizeof(DwSite *) * (size_t)n);
	for (i = 0; i < n; i++)
		if (!kernel_site_refused(all[i]))
			(*out)[k++] = all[i];
	if (n && !k)
		sem_error(f->param->tok, "cannot probe \"%s\": kprobes refuse"
			  " every place it stands (%s)", spec,
			  kernel_site_refused(all[0]));
	return k ? k : -1;
}

static int expand_functions(const ProbePoint *pp, const char ***names)
{
	const Component *f = &pp->comps.v[1];

	return kernel_functions(f->param->str, f->param->tok, names);
}

static bool check_trace(const ProbePoint *pp, int64_t *seq)
{
	const Component *t = &pp->comps.v[1];
	const char **names;
	int *types;

	if (!check_kernel(pp, seq))
		return false;
	if (kernel_tracepoint(t->param->str, &names, &types) < 0) {
		sem_error(t->param->tok, "no tracepoint '%s' in the kernel's"
			  " BTF (%s)", t->param->str, kernel_btf_source());
		return false;
	}
	return true;
}

static int expand_tracepoints(const ProbePoint *pp, const char ***names)
{
	const Component *t = &pp->comps.v[1];

	return kernel_tracepoints(t->param->str, t->param->tok, names);
}

/* kernel.statement("f@file:line"): only DWARF gives it sites. */
static bool check_kstatement(const ProbePoint *pp, int64_t *seq)
{
	if (!check_kernel(pp, seq))
		return false;
	if (!pp->site)
		sem_error(pp->comps.v[1].param->tok, "kernel.statement needs"
			  " the kernel's DWARF");
	return pp->site != NULL;
}

/* kprobe.statement(ADDR).absolute: a raw address, guru mode only. */
static bool check_statement(const ProbePoint *pp, int64_t *seq)
{
	if (!S->guru) {
		sem_error(pp->comps.v[1].param->tok, "kprobe.statement(ADDR)"
			  ".absolute probes any address: it needs guru mode"
			  " (-g)");
		return false;
	}
	return check_kernel(pp, seq);
}

/* module("m").function("f") and kprobe.module("m").function("f"). */
static bool check_module(const ProbePoint *pp, int64_t *seq)
{
	const Component *m = &pp->comps.v[pp->comps.len > 2 &&
		!strcmp(pp->comps.v[0].name, "kprobe") ? 1 : 0];
	const Component *f = &pp->comps.v[!strcmp(pp->comps.v[0].name,
						   "kprobe") ? 2 : 1];

	if (!*m->param->str || is_glob(m->param->str)) {
		sem_error(m->param->tok, "a module probe needs a module name,"
			  " not \"%s\"", m->param->str);
		return false;
	}
	if (!*f->param->str) {
		sem_error(f->param->tok, "a module probe needs a function name"
			  " or pattern");
		return false;
	}
	if (pp->site)
		return check_kernel(pp, seq);
	if (strchr(f->param->str, '@') || strchr(f->param->str, ':')) {
		sem_error(f->param->tok, "\"%s\": FUNCTION@FILE[:LINE] is for"
			  " module(\"%s\").function; kprobe.module takes a"
			  " name", f->param->str, m->param->str);
		return false;
	}
	return check_kernel(pp, seq) &&
	       kernel_module_function_ok(m->param->str, f->param->str,
					 f->param->tok);
}

/* module("m").function("f[@file[:line]]")[.call|.return|.inline] and
 * module("m").statement("f@file:line") by the module's DWARF (its .ko
 * in the -dbg package, relocated); without it a plain name is its BTF's
 * business (DW_NONE). */
static int module_sites(const ProbePoint *pp, DwSite ***out)
{
	const Component *m = &pp->comps.v[0], *f = &pp->comps.v[1];
	bool statement = !strcmp(f->name, "statement");
	int which = which_copies(pp);
	const char *spec = f->param->str;
	int n;

	if (strcmp(S->runtime, "kernel") || !*m->param->str ||
	    is_glob(m->param->str))
		return DW_NONE;		/* check_module says why not */
	if (!dwarf_module_open(m->param->str)) {
		if (!statement && which != DW_INLINE && !label_of(pp) &&
		    !strchr(spec, '@') && !strchr(spec, ':'))
			return DW_NONE;
		sem_error(f->param->tok, "\"%s\" needs module %s's DWARF, and"
			  " there is none for %s (%s)", spec, m->param->str,
			  S->kernel_release, tdir_dwarf_hint());
		return -1;
	}
	if (!*spec)
		return DW_NONE;
	n = dwarf_sites(m->param->str, spec, which, statement, label_of(pp),
			f->param->tok, out);
	if (n == 0 && only_inlined(m->param->str, pp, spec, which))
		return -1;
	return n;
}

/* module("m").function("PATTERN") and kprobe.module("m").function(...):
 * the module's functions, from its BTF. */
static int expand_module_functions(const ProbePoint *pp, const char ***names)
{
	bool kprobe = !strcmp(pp->comps.v[0].name, "kprobe");
	const Component *m = &pp->comps.v[kprobe ? 1 : 0];
	const Component *f = &pp->comps.v[kprobe ? 2 : 1];

	return kernel_module_functions(m->param->str, f->param->str,
				       f->param->tok, names);
}

/* perf.sw.NAME / perf.hw.NAME [.sample(N)], perf.type(N).config(N). */
static bool check_perf(const ProbePoint *pp, int64_t *seq)
{
	const Component *last = &pp->comps.v[pp->comps.len - 1];

	if (!strcmp(last->name, "sample") && last->param->num <= 0) {
		sem_error(last->param->tok, "the sample period must be"
			  " positive, not %lld", (long long)last->param->num);
		return false;
	}
	return check_kernel(pp, seq);
}

static bool check_procfs(const ProbePoint *pp, int64_t *seq)
{
	const Component *p = &pp->comps.v[0];
	const char *name = p->has_param ? p->param->str : "command";

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		sem_error(p->param ? p->param->tok : p->tok, "procfs(\"%s\"):"
			  " a file name, without '/'", name);
		return false;
	}
	return check_kernel(pp, seq);
}

#define KERNEL(name, fam, check, ...)					\
	{ { name, fam, true, NULL, check, NULL, NULL }, { __VA_ARGS__ }, false }
#define MODULE(name, ...)						\
	{ { name, "module", true, NULL, check_module,			\
	    expand_module_functions, module_sites }, { __VA_ARGS__ }, false }
#define KMODULE(name, ...)						\
	{ { name, "kprobe", true, NULL, check_module,			\
	    expand_module_functions, NULL }, { __VA_ARGS__ }, false }
#define PERF(kind, event)						\
	KERNEL("perf." kind "." event, "perf", check_perf,		\
	       { "perf", 0 }, { kind, 0 }, { event, 0 }),		\
	KERNEL("perf." kind "." event ".sample(N)", "perf", check_perf, \
	       { "perf", 0 }, { kind, 0 }, { event, 0 }, { "sample", 'N' })

#define KPROBE(name, fam, ...)						\
	{ { name, fam, true, NULL, check_kprobe, expand_functions, NULL },	\
	  { __VA_ARGS__ }, false }
#define KFUNCTION(name, ...)						\
	{ { name, "kernel.function", true, NULL, check_kfunction,	\
	    expand_functions, kernel_sites }, { __VA_ARGS__ }, false }

#define TIMER(unit)							\
	{ { "timer." unit "(N)", "timer", true, NULL, check_timer, NULL, NULL },	\
	  { { "timer", 0 }, { unit, 'N' } }, false },			\
	{ { "timer." unit "(N).randomize(N)", "timer", true, NULL,	\
	    check_timer, NULL, NULL },						\
	  { { "timer", 0 }, { unit, 'N' }, { "randomize", 'N' } }, false }

#define KERNEL_ISSUE "docs/language.md lists the probe families there are"
#define USER_ISSUE "they come with user-space probing"
#define UNSUPPORTED(root, what, issue)					\
	{ { root, what, false, issue, NULL, NULL, NULL }, { { root, '*' } }, true }

static const Row rows[] = {
	{ { "begin", "begin", true, NULL, check_seq, NULL, NULL }, { { "begin", '?' } },
	  false },
	{ { "end", "end", true, NULL, check_seq, NULL, NULL }, { { "end", '?' } }, false },
	{ { "error", "error", true, NULL, check_seq, NULL, NULL }, { { "error", '?' } },
	  false },
	{ { "never", "never", true, NULL, NULL, NULL, NULL }, { { "never", 0 } }, false },
	TIMER("s"), TIMER("sec"), TIMER("ms"), TIMER("msec"), TIMER("us"),
	TIMER("usec"), TIMER("ns"), TIMER("nsec"), TIMER("jiffies"),
	{ { "timer.hz(N)", "timer", true, NULL, check_timer, NULL, NULL },
	  { { "timer", 0 }, { "hz", 'N' } }, false },
	KERNEL("timer.profile", "timer.profile", check_kernel,
	       { "timer", 0 }, { "profile", 0 }),
	KMODULE("kprobe.module(S).function(S)", { "kprobe", 0 },
		{ "module", 'S' }, { "function", 'S' }),
	KMODULE("kprobe.module(S).function(S).return", { "kprobe", 0 },
		{ "module", 'S' }, { "function", 'S' }, { "return", 0 }),
	KERNEL("kprobe.statement(N).absolute", "kprobe", check_statement,
	       { "kprobe", 0 }, { "statement", 'N' }, { "absolute", 0 }),
	MODULE("module(S).function(S)", { "module", 'S' },
	       { "function", 'S' }),
	MODULE("module(S).function(S).call", { "module", 'S' },
	       { "function", 'S' }, { "call", 0 }),
	MODULE("module(S).function(S).return", { "module", 'S' },
	       { "function", 'S' }, { "return", 0 }),
	MODULE("module(S).function(S).inline", { "module", 'S' },
	       { "function", 'S' }, { "inline", 0 }),
	MODULE("module(S).function(S).label(S)", { "module", 'S' },
	       { "function", 'S' }, { "label", 'S' }),
	{ { "module(S).statement(S)", "module.statement", true, NULL,
	    check_kstatement, NULL, module_sites },
	  { { "module", 'S' }, { "statement", 'S' } }, false },
	PERF("sw", "cpu_clock"), PERF("sw", "task_clock"),
	PERF("sw", "page_faults"), PERF("sw", "context_switches"),
	PERF("sw", "cpu_migrations"), PERF("sw", "page_faults_min"),
	PERF("sw", "page_faults_maj"), PERF("sw", "alignment_faults"),
	PERF("sw", "emulation_faults"),
	PERF("hw", "cpu_cycles"), PERF("hw", "instructions"),
	PERF("hw", "cache_references"), PERF("hw", "cache_misses"),
	PERF("hw", "branch_instructions"), PERF("hw", "branch_misses"),
	PERF("hw", "bus_cycles"), PERF("hw", "ref_cpu_cycles"),
	KERNEL("perf.type(N).config(N)", "perf", check_perf, { "perf", 0 },
	       { "type", 'N' }, { "config", 'N' }),
	KERNEL("perf.type(N).config(N).sample(N)", "perf", check_perf,
	       { "perf", 0 }, { "type", 'N' }, { "config", 'N' },
	       { "sample", 'N' }),
	KERNEL("procfs.read", "procfs", check_procfs, { "procfs", 0 },
	       { "read", 0 }),
	KERNEL("procfs.write", "procfs", check_procfs, { "procfs", 0 },
	       { "write", 0 }),
	KERNEL("procfs(S).read", "procfs", check_procfs, { "procfs", 'S' },
	       { "read", 0 }),
	KERNEL("procfs(S).write", "procfs", check_procfs, { "procfs", 'S' },
	       { "write", 0 }),
	KERNEL("procfs(S).read.maxsize(N)", "procfs", check_procfs,
	       { "procfs", 'S' }, { "read", 0 }, { "maxsize", 'N' }),
	KPROBE("kprobe.function(S)", "kprobe", { "kprobe", 0 },
	       { "function", 'S' }),
	KPROBE("kprobe.function(S).return", "kprobe", { "kprobe", 0 },
	       { "function", 'S' }, { "return", 0 }),
	KFUNCTION("kernel.function(S)", { "kernel", 0 }, { "function", 'S' }),
	KFUNCTION("kernel.function(S).call", { "kernel", 0 },
		  { "function", 'S' }, { "call", 0 }),
	KFUNCTION("kernel.function(S).return", { "kernel", 0 },
		  { "function", 'S' }, { "return", 0 }),
	KFUNCTION("kernel.function(S).inline", { "kernel", 0 },
		  { "function", 'S' }, { "inline", 0 }),
	KFUNCTION("kernel.function(S).label(S)", { "kernel", 0 },
		  { "function", 'S' }, { "label", 'S' }),
	{ { "kernel.statement(S)", "kernel.statement", true, NULL,
	    check_kstatement, NULL, kernel_sites },
	  { { "kernel", 0 }, { "statement", 'S' } }, false },
	{ { "kernel.trace(S)", "kernel.trace", true, NULL, check_trace,
	    expand_tracepoints, NULL }, { { "kernel", 0 }, { "trace", 'S' } },
	  false },
	/* kernel, module, kprobe, perf and procfs have rows above: a
	 * point that fits none of them is told what does not fit. */
	UNSUPPORTED("netfilter", "netfilter", KERNEL_ISSUE),
	UNSUPPORTED("hrtimer", "hrtimer", KERNEL_ISSUE),
	UNSUPPORTED("process", "user-space process", USER_ISSUE),
	UNSUPPORTED("java", "java", USER_ISSUE),
	UNSUPPORTED("python2", "python", USER_ISSUE),
	UNSUPPORTED("python3", "python", USER_ISSUE),
	UNSUPPORTED("input", "input", USER_ISSUE),
};

/* Tapset alias families: until their tapsets exist (stap/tapset has
 * the function tapsets: docs/tapsets.md), name them clearly. */
static const char *const tapset_roots[] = {
	"syscall", "nd_syscall", "syscall_any", "nd_syscall_any",
	"scheduler", "vfs", "_vfs", "ioblock", "ioscheduler", "signal",
	"tcp", "udp", "socket", "netdev", "vm", "kprocess", "nfs", "nfsd",
	"sunrpc", "irq_handler", "softirq", "workqueue", "scsi", "tty",
	"ipmib", "tcpmib", "linuxmib", "memory", "generic", "sock", "nfs3",
	"nfs4", "kernel_nfs", "stap", "rpc", "json_data", "prometheus",
	NULL,
};

static const Family tapset_family = {
	"tapset alias", "tapset alias", false,
	"SystemTap's alias tapsets, such as syscall and vfs, are not in"
	" stap/tapset yet", NULL, NULL, NULL,
};

static int nrows(void)
{
	return (int)(sizeof(rows) / sizeof(rows[0]));
}

static bool is_tapset_root(const char *name)
{
	int i;

	for (i = 0; tapset_roots[i]; i++)
		if (!strcmp(name, tapset_roots[i]))
			return true;
	return false;
}

/* The unsupported family a wildcard's root PATTERN names ("syscall" of
 * syscall.*), or NULL: said instead of "matches nothing". */
const Family *family_unsupported(const char *pattern)
{
	int i;

	for (i = 0; tapset_roots[i]; i++)
		if (glob_match(pattern, tapset_roots[i]))
			return &tapset_family;
	for (i = 0; i < nrows(); i++)
		if (!rows[i].fam.supported &&
		    glob_match(pattern, rows[i].parts[0].name))
			return &rows[i].fam;
	return NULL;
}

bool family_root(const char *name)
{
	int i;

	for (i = 0; i < nrows(); i++)
		if (!strcmp(rows[i].parts[0].name, name))
			return true;
	return is_tapset_root(name);
}

static bool param_fits(char want, const Component *c)
{
	switch (want) {
	case 0:
		return !c->has_param;
	case 'N':
		return c->param && c->param->kind == N_NUM;
	case 'S':
		return c->param && c->param->kind == N_STR;
	case '?':
		return !c->has_param || c->param->kind == N_NUM;
	default:
		return true;
	}
}

/* How many leading components of PP have the names of row R. */
static int names_fit(const Row *r, const ProbePoint *pp)
{
	int i;

	for (i = 0; i < 4 && r->parts[i].name && i < pp->comps.len; i++)
		if (strcmp(pp->comps.v[i].name, r->parts[i].name))
			break;
	return i;
}

static int row_len(const Row *r)
{
	int n = 0;

	while (n < 4 && r->parts[n].name)
		n++;
	return n;
}

static const char *param_problem(char want, const Component *c)
{
	switch (want) {
	case 0:
		return arena_printf("'%s' takes no parameter", c->name);
	case 'S':
		return arena_printf("'%s' needs a string parameter", c->name);
	case '?':
		return arena_printf("'%s' takes only a number parameter",
				    c->name);
	default:
		return arena_printf("'%s' needs a number parameter", c->name);
	}
}

/* Why the point fits no row, judged against the closest row. */
static const char *mismatch_reason(const ProbePoint *pp,
				   const Component **where)
{
	const Row *best = NULL;
	int best_fit = 0, i, k;

	for (i = 0; i < nrows(); i++) {
		int fit = names_fit(&rows[i], pp);

		if (fit > best_fit) {
			best = &rows[i];
			best_fit = fit;
		}
	}
	*where = &pp->comps.v[0];
	if (!best)
		return NULL;
	for (k = 0; k < best_fit; k++)
		if (!param_fits(best->parts[k].param, &pp->comps.v[k])) {
			*where = &pp->comps.v[k];
			return param_problem(best->parts[k].param, *where);
		}
	if (best_fit < pp->comps.len) {
		*where = &pp->comps.v[best_fit];
		return arena_printf("'%s' is not valid here", (*where)->name);
	}
	*where = &pp->comps.v[pp->comps.len - 1];
	return arena_printf("it is incomplete after '%s'", (*where)->name);
}

const Family *family_match(const ProbePoint *pp, const char **why,
			   const Component **where)
{
	int i, k;

	*why = NULL;
	*where = &pp->comps.v[0];
	if (is_tapset_root(pp->comps.v[0].name))
		return &tapset_family;
	for (i = 0; i < nrows(); i++) {
		const Row *r = &rows[i];
		int len = row_len(r);

		if (names_fit(r, pp) != len ||
		    !(len == pp->comps.len || r->open_tail))
			continue;
		for (k = 0; k < len; k++)
			if (!param_fits(r->parts[k].param, &pp->comps.v[k]))
				break;
		if (k == len)
			return &r->fam;
	}
	*why = mismatch_reason(pp, where);
	return NULL;
}

/* The concrete points of the core families that a wildcard matches. */
void family_expand(const ProbePoint *pp, PointVec *out)
{
	int i, k;

	for (i = 0; i < nrows(); i++) {
		const Row *r = &rows[i];
		ProbePoint *np;

		if (r->open_tail || row_len(r) != pp->comps.len)
			continue;
		for (k = 0; k < pp->comps.len; k++)
			if (!glob_match(pp->comps.v[k].name, r->parts[k].name) ||
			    !param_fits(r->parts[k].param, &pp->comps.v[k]))
				break;
		if (k < pp->comps.len)
			continue;
		np = NEW(ProbePoint);
		*np = *pp;
		np->comps.v = NULL;
		np->comps.len = np->comps.cap = 0;
		for (k = 0; k < pp->comps.len; k++) {
			Component c = pp->comps.v[k];

			c.name = r->parts[k].name;
			vec_push(&np->comps, c);
		}
		vec_push(out, np);
	}
}

/*
 * --dump-probe-types: each family this translator builds for the runtime
 * in force, in SystemTap's form ("timer.ms(number).randomize(number)");
 * a sequence number that may be left out gives both forms.
 */
void family_types(void (*fn)(const char *type, void *arg), void *arg)
{
	bool user = !strcmp(S->runtime, "user");
	int i, k;

	for (i = 0; i < nrows(); i++) {
		const Row *r = &rows[i];
		Buf b = { 0 };

		if (!r->fam.supported || (user && r->fam.check != check_seq &&
					  r->fam.check != check_timer &&
					  r->fam.check))
			continue;
		for (k = 0; k < row_len(r); k++) {
			char p = r->parts[k].param;

			buf_printf(&b, "%s%s%s", k ? "." : "", r->parts[k].name,
				   p == 'N' ? "(number)" : p == 'S' ?
				   "(string)" : "");
			if (p == '?') {	/* begin, and begin(number) */
				fn(b.s, arg);
				buf_puts(&b, "(number)");
			}
		}
		fn(b.s, arg);
		buf_free(&b);
	}
}
