/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stap.h - the translator's one header: tokens, the AST, the session and
 * the entry point of every pass.
 *
 * Passes, one file each:
 *   lex.c      source text -> tokens
 *   pp.c       %( %) conditionals, @define macros, $N/@N arguments
 *   parse.c    tokens -> AST (recursive descent; grammar over each function)
 *   print.c    AST -> canonical script (-p1) and the resolved program (-p2)
 *   tapset.c   the tapset library: files, macros, lookup by name
 *   resolve.c  symbols, functions, probe points, aliases (pass 2a)
 *   probes.c   the table of probe families, points matched to them
 *   pf_*.c     one probe family each: its forms, context, registration
 *   optim.c    elision of unused code (pass 2b, skipped with -u)
 *   types.c    whole-program type inference (pass 2c)
 *   check.c    the remaining semantic checks (pass 2d)
 *   kernel.c   the target kernel: its functions, blacklist and BTF
 *   tdir.c     -r's target directories and their search path
 *   dwarf.c    the kernel's DWARF (libdw): FUNC@FILE:LINE, statements, locals
 *   target.c   target expressions ($var, $$parms, @entry, @cast) on BTF
 *              and DWARF sites
 *   regex.c    regular expression literals -> Pike VM programs
 *   analyze.c  what the C needs decided: lock sets, add-only globals,
 *              quiet probes (between pass 2 and 3)
 *   emit.c     the program as C over the runtime (pass 3)
 *   kcompat.c  compile probes: the kernel APIs the target offers
 *   build.c    compiled (cc or kbuild), cached and run (passes 4 and 5)
 * Support: driver.c (the passes in order), util.c (memory, strings,
 * tables), diag.c (errors), report.c (-v, -D bounds, -o names), dump.c
 * (--dump-*), main.c (CLI).  docs/architecture.md has every file.
 */
#ifndef STAP_H
#define STAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STAP_VERSION "0.1"
/* The SystemTap language level we implement, for systemtap_v. */
#define STAP_COMPAT_VERSION "5.3"

/* Limits that keep hostile input from exhausting the stack. */
#define MAX_NESTING 1000	/* syntactic nesting: parens, blocks, statements */
#define MAX_TREE_DEPTH 4000	/* depth of any expression tree (long chains) */
#define MAX_MACRO_DEPTH 200	/* nested macro expansions */
#define MAX_EXPANSION 4000000	/* tokens produced by macros in one file */
#define MAX_DERIVED 100000	/* concrete probes of a program */
#define MAX_ERRORS 50		/* errors reported before giving up */
#define MAX_KEYS 9		/* array arity */

/* ---------------------------------------------------------------- util.c */

/* xmalloc, xrealloc, xstrdup, read_file: shared with the tree's other
 * programs (runtime/lib/ulib.h); util.c says what out of memory does. */
#include "../runtime/lib/ulib.h"

/* One arena holds the whole program; it is freed at the end of the
 * session (at exit; the fuzzer and the unit tests run many sessions). */
void *arena_alloc(size_t n);
void *arena_zalloc(size_t n);
char *arena_strndup(const char *s, size_t n);
char *arena_strdup(const char *s);
char *arena_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *arena_vprintf(const char *fmt, va_list ap);
void arena_free_all(void);
/* A place in the arena to come back to: arena_release frees everything
 * allocated after it (-p1 drops each item once it is printed). */
typedef struct ArenaMark { void *chunk; size_t used; } ArenaMark;
ArenaMark arena_mark(void);
void arena_release(ArenaMark m);
/* END runs at the next arena_free_all, before the arena goes: a cache in
 * the arena that also holds what the arena does not (BTF, ELF handles,
 * files) registers its end when it fills, and is empty afterwards. */
void arena_on_free(void (*end)(void));

#define NEW(T) ((T *)arena_zalloc(sizeof(T)))

/* Growable arrays in the arena: VEC(Node *) args; vec_push(&args, n). */
#define VEC(T) struct { T *v; int len, cap; }
#define vec_push(vp, x) do {						\
		if ((vp)->len == (vp)->cap)				\
			vec_grow((void **)&(vp)->v, &(vp)->cap,		\
				 sizeof(*(vp)->v));			\
		(vp)->v[(vp)->len++] = (x);				\
	} while (0)
void vec_grow(void **v, int *cap, size_t elem);

/* String-keyed hash table (open addressing), values are pointers. */
typedef struct Table {
	const char **keys;
	void **vals;
	int cap, len;
} Table;
void *table_get(const Table *t, const char *key);
void table_put(Table *t, const char *key, void *val);

/* Growable text buffer on the heap. */
typedef struct Buf {
	char *s;
	size_t len, cap;
} Buf;
void buf_putc(Buf *b, char c);
void buf_puts(Buf *b, const char *s);
void buf_putn(Buf *b, const char *s, size_t n);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(Buf *b);

/* Whether S is one of LIST, which ends with NULL. */
bool str_in(const char *s, const char *const *list);
bool is_glob(const char *s);
bool glob_match(const char *pattern, const char *name);
/* Whether "==", "!=", "<", "<=", ">" or ">=" (OP) holds of a three-way
 * comparison's result C: the translator's and the preprocessor's folds. */
bool compare_holds(const char *op, int c);
char *decode_string(const char *raw, size_t *len);

typedef struct Sha256 {
	uint32_t s[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
} Sha256;
void sha256_init(Sha256 *h);
void sha256_update(Sha256 *h, const void *data, size_t n);
void sha256_hex(Sha256 *h, char *hex);
int version_compare(const char *a, const char *b);
const char *closest_names(const char *name, const char **cands, int n);

/* ---------------------------------------------------------------- lex.c */

typedef struct Session Session;

typedef struct Source {
	const char *name;	/* path as given, or "<input>" for -e */
	char *text;
	size_t len;
	bool tapset;		/* library file: may use embedded C */
	bool macro_file;	/* .stpm: its macros are visible everywhere */
} Source;

typedef enum {
	TK_EOF,
	TK_IDENT,		/* foo, $foo, $$vars, @foo */
	TK_KEYWORD,
	TK_NUM,			/* spelling only; parse.c converts it */
	TK_STR,			/* text = contents with escapes normalised */
	TK_OP,
	TK_EMBEDDED,		/* %{ ... %}: text = contents */
	TK_ARG,			/* $N, @N, $#, @#: substituted by pp.c */
} TokKind;

typedef struct Token Token;
struct Token {
	TokKind kind;
	bool space;		/* whitespace or a comment precedes it */
	bool at_arg;		/* TK_ARG: @N / @# (string) rather than $N / $# */
	int len;
	int arg;		/* TK_ARG: argument number, 0 for the count */
	const char *text;	/* NUL-terminated spelling */
	const Source *src;
	int line, col;
	const Token *origin;	/* the macro use or $N that produced it */
};

Source *source_from_file(const char *path, bool tapset);
Source *source_from_string(const char *name, const char *text);
/* Lex a whole source; the array (on the heap: free it) ends with a
 * TK_EOF token. */
Token **lex_source(const Source *src, int *ntok);
/* -p1: free the tokens made after lex_mark() that come before T (the
 * tokens of the items printed); nothing if T is not one of them. */
const void *lex_mark(void);
void lex_drop_before(const void *mark, const Token *t);
bool tok_is(const Token *t, TokKind kind, const char *text);
bool tok_op(const Token *t, const char *op);
bool tok_kw(const Token *t, const char *kw);
const char *tok_describe(const Token *t);

/* ---------------------------------------------------------------- driver.c */

void session_init(Session *s);
bool set_kernel(const char *k);
const char *host_arch(void);
void kconfig_load(void);
int run_passes(void);

/* ---------------------------------------------------------------- tdir.c */

/* -r's target directories (docs/kernel.md): load DIR (1; 0: not one;
 * -1: a bad one, said), find NAME on the search path (the same), the
 * error for a NAME that is nowhere (false), a file of the session's
 * target directory (NULL without one), where its DWARF would be. */
int tdir_load(const char *dir);
int tdir_find(const char *name);
bool tdir_is_target(const char *dir);
bool tdir_unknown(const char *name);
const char *tdir_file(const char *path);
const char *tdir_dwarf_hint(void);

/* ---------------------------------------------------------------- pp.c */

typedef struct Macro Macro;
/* Expand conditionals, macros and arguments of TOKS (lex_source's
 * array, taken: freed or reused); returns a NULL-less array of tokens
 * ending with TK_EOF, on the heap (free it).  Global macros (.stpm) live
 * in the session; file-local ones die with the file. */
Token **pp_source(const Source *src, Token **toks, int ntok, int *nout);

/* ---------------------------------------------------------------- AST */

typedef enum {
	TY_UNKNOWN,
	TY_LONG,
	TY_STRING,
	TY_STATS,
	TY_VOID,		/* a function with no value */
	TY_HIST,		/* @hist_linear / @hist_log: print or iterate */
} Type;

typedef struct TyVar TyVar;	/* a union-find type variable (types.c) */
typedef struct Symbol Symbol;
typedef VEC(Symbol *) SymVec;
typedef struct Node Node;
typedef struct Func Func;
typedef struct File File;
typedef struct ProbePoint ProbePoint;
typedef struct Probe Probe;
typedef struct Alias Alias;
typedef struct Derived Derived;
typedef struct Family Family;
typedef struct Form Form;
typedef struct TExpr TExpr;

typedef enum {
	/* expressions */
	N_NUM,			/* num */
	N_STR,			/* str */
	N_VAR,			/* name, sym */
	N_INDEX,		/* base[args] (base is N_VAR or N_HIST) */
	N_CALL,			/* name(args), func */
	N_PRINT,		/* print family: name, args (fmt first for printf) */
	N_STATOP,		/* @count(lhs) ... name = "count" */
	N_HIST,			/* @hist_linear(lhs, args) / @hist_log(lhs) */
	N_TARGET,		/* $var / $$vars with components */
	N_AUTOCAST,		/* lhs->field / (lhs)[i] */
	N_CAST,			/* @cast(lhs, "type"[, "module"]) components */
	N_ATOP,			/* other @ operators: @defined @entry @perf @var
				   @kregister @uregister @kderef @uderef ... */
	N_EMBEDDED,		/* %{ C %} in an expression (guru) */
	N_ADDR,			/* &lhs */
	N_UNARY,		/* op lhs: - ! ~ + */
	N_BINARY,		/* lhs op rhs: arithmetic, bitwise, shift, . */
	N_LOGICAL,		/* && || */
	N_COMPARE,		/* < > <= >= == != */
	N_REGEX,		/* lhs =~ rhs / !~ (rhs N_STR) */
	N_TERNARY,		/* cond ? then : els */
	N_ASSIGN,		/* lhs op rhs, op in = += ... <<< .= */
	N_PREINC,		/* ++lhs --lhs */
	N_POSTINC,		/* lhs++ lhs-- */
	N_IN,			/* [args] in base; NULL args are '*' */
	/* statements */
	S_BLOCK,		/* { args } */
	S_EXPR,			/* lhs; */
	S_IF,
	S_WHILE,
	S_FOR,
	S_FOREACH,
	S_RETURN,		/* lhs may be NULL */
	S_NEXT,
	S_BREAK,
	S_CONTINUE,
	S_DELETE,		/* lhs */
	S_TRY,			/* body, els = catch block, lhs = catch var */
	S_NULL,
	S_EMBEDDED,
} NodeKind;

/* Operators, kept as their spelling in Node.op ("+", "<<<", ...). */

/* A component of a target expression: ->field or [index]. */
typedef struct Comp {
	const char *field;	/* NULL for an index */
	Node *index;
	const Token *tok;
} Comp;

struct Node {
	NodeKind kind;
	const Token *tok;	/* location; the operator for operators */
	const char *op;
	const char *name;
	const char *str;	/* N_STR contents (escapes normalised) */
	int64_t num;
	int depth;		/* height of the tree below (bounded) */
	Node *lhs, *rhs;
	Node *cond, *then, *els;
	Node *init, *inc, *body;
	VEC(Node *) args;
	VEC(Comp) comps;	/* N_TARGET, N_AUTOCAST, N_CAST */
	const char *suffix;	/* "$" or "$$" pretty-printing suffix */
	/* S_FOREACH: [keys] in lhs[args], value var, sort, limit */
	VEC(Node *) keys;
	Node *value;
	int sort_key;		/* 0 none, k>0 key k, -1 the value */
	int sort_dir;		/* +1 ascending, -1 descending */
	const char *sort_op;	/* stat op of a value sort: "count", ... */
	Node *limit;
	/* resolution */
	Symbol *sym;
	Func *func;
	TExpr *texpr;		/* N_TARGET / N_CAST / @entry: resolved */
	struct HeldDiags *held;	/* N_TARGET / N_CAST that did not resolve:
				   its errors, shown if it survives elision */
	/* inference */
	TyVar *ty;
	int slot;		/* emit.c: string temporary, 0 if none yet */
};

typedef enum {
	SYM_LOCAL,
	SYM_GLOBAL,
	SYM_PARAM,
} SymKind;

struct Symbol {
	const char *name;
	SymKind kind;
	const Token *tok;	/* declaration or first use */
	File *file;		/* declaring file (private globals) */
	bool private;
	bool wrap;		/* global a% */
	int maxsize;		/* global a[N]; 0 = MAXMAPENTRIES */
	Type decl_type;		/* :long / :string annotation */
	Node *init;		/* global initialiser (literal) */
	int arity;		/* -1 unknown, 0 scalar, N array */
	const Token *arity_tok;	/* where the arity was first seen */
	TyVar *ty;		/* value type */
	TyVar *key_ty[MAX_KEYS];
	int reads, writes;	/* uses, counted by optim.c */
	bool used;		/* survives elision */
	bool autoprint;		/* written, never read: printed at exit */
	bool from_cmdline;	/* set with -G */
	const char *cmdline_value;
	const Node *hist;	/* the @hist_* all uses of a statistic share */
	const Node *variance;	/* the first @variance of a statistic */
	const char *cname;	/* analyze.c: its name in C */
	const TExpr *typed;	/* resolve.c: a target value assigned to it,
				   whose type its autocasts take */
	bool add_only;		/* analyze.c: probes only add to it (atomic) */
};

struct Func {
	const char *name;
	const Token *tok;
	File *file;
	bool private;
	Type ret_decl;		/* :long / :string annotation */
	SymVec params;
	SymVec locals;
	Node *body;		/* S_BLOCK, or NULL for embedded C */
	const Token *embedded;	/* %{ C %} body */
	bool pure;		/* no side effects (embedded: marked pure) */
	bool has_next;		/* calls `next` (falls to the next overload) */
	bool has_return_value;
	Func *overload;		/* next definition of the same name/arity */
	TyVar *ret;
	bool used;
	int mark;		/* scratch for graph walks */
	const char *cname;	/* analyze.c: its name in C */
	bool later_overload;	/* analyze.c: tried by the stub of the first
				   of its name and arity, has none */
	SymVec writes;		/* globals written, transitively */
	VEC(Func *) callees;
	VEC(Func *) callers;
};

typedef struct Component {
	const char *name;	/* may hold wildcards */
	const Token *tok;
	Node *param;		/* N_NUM or N_STR, or NULL */
	bool has_param;
} Component;

typedef VEC(ProbePoint *) PointVec;

struct ProbePoint {
	VEC(Component) comps;
	const Token *tok;
	bool optional;		/* ? */
	bool sufficient;	/* ! */
	Node *cond;		/* if (expr) */
	const struct DwSite *site;	/* resolved through DWARF, or NULL */
};

struct Probe {
	const Token *tok;
	File *file;
	PointVec points;
	Node *body;
};

struct Alias {
	const Token *tok;
	File *file;
	ProbePoint *name;	/* alias name: no parameters, no wildcards */
	PointVec targets;
	Node *body;
	bool epilogue;		/* += */
	int mark;		/* expansion in progress (recursion check) */
};

/* A global a handler locks (analyze.c): for writing, or to read. */
typedef struct Lock {
	Symbol *sym;
	bool write;
} Lock;

/* A concrete probe after alias expansion and family resolution. */
struct Derived {
	Probe *probe;		/* the user's probe */
	ProbePoint *point;	/* concrete point */
	ProbePoint *user_point;	/* the user's point it came from, with
				   wildcards resolved (for -l) */
	const Form *form;	/* the pattern it has, of its family */
	const char *chain;	/* "<- alias = target <- point" for -p2 */
	Node *body;
	Node *cond;		/* conjunction of point conditions */
	SymVec locals;
	int64_t seq;		/* begin(N) / end(N) / error(N) */
	bool used;
	VEC(Node *) entries;	/* .return: values saved at entry (@entry) */
	bool wildcard;		/* one of the names a wildcard stood for */
	bool site_specific;	/* reads target variables: its handler is
				   its own, not shared with its twins */
	/* analyze.c */
	int handler;		/* whose handler it runs (an index of
				   derived): its own, or a DWARF twin's */
	VEC(Lock) locks;	/* the globals its handler locks, in order */
	bool quiet;		/* its handler needs no context (khit.h) */
	int quiet_actions;	/* a quiet handler's statements, at most */
};

/* A top-level item of a file, in source order (for -p1). */
typedef enum { IT_PROBE, IT_ALIAS, IT_FUNC, IT_GLOBAL, IT_EMBED } ItemKind;
typedef struct Item {
	ItemKind kind;
	union {
		Probe *probe;
		Alias *alias;
		Func *func;
		Symbol *global;
		const Token *embed;
	};
} Item;

struct File {
	const Source *src;
	VEC(Item) items;
	bool pulled;		/* tapset file taken into the program */
};

/* ---------------------------------------------------------------- session */

typedef struct Define { const char *name, *value; } Define;

/* SystemTap's privilege levels, least to most (privilege.c). */
typedef enum { PRIV_STAPUSR, PRIV_STAPSYS, PRIV_STAPDEV } Privilege;

const char *privilege_name(Privilege p);
bool privilege_parse(const char *name, Privilege *out);
void check_privilege(void);	/* pass 2: errors for what the level forbids */

struct Session {
	/* options */
	int last_pass;		/* -p N, 5 by default */
	bool guru;		/* -g */
	Privilege privilege;	/* --privilege, --unprivileged */
	const char *signing_key;	/* --signing-key (sign.c) */
	bool unoptimized;	/* -u */
	bool no_warnings;	/* -w */
	bool warn_error;	/* -W */
	int verbose;		/* -v */
	bool keep_tmp;		/* -k */
	const char *module_name;	/* -m */
	const char *kernel;	/* -r as given */
	const char *kernel_release;
	const char *kernel_build;	/* kbuild dir if known */
	const char *kernel_build_id;	/* GNU build id of the vmlinux */
	const char *kernel_dir;	/* its target directory (tdir.c), if any */
	const char *arch;
	const char *runtime;	/* --runtime */
	const char *compat;	/* --compatible */
	const char *output;	/* -o */
	const char *target_cmd;	/* -c */
	long target_pid;	/* -x */
	int timeout;		/* -T */
	VEC(const char *) include_dirs;	/* -I */
	VEC(Define) defines;	/* -D */
	VEC(Define) set_globals;	/* -G */
	VEC(const char *) args;	/* $1 ... */
	const char *list_pattern;	/* -l / -L */
	bool list_vars;		/* -L */
	const char *script_text;	/* -e */
	const char *script_file;
	VEC(const char *) extra_scripts;	/* -E */
	bool suppress_time_limits;
	bool suppress_handler_errors;
	bool skip_badvars;	/* --skip-badvars: an unresolved $var is 0 */
	VEC(const char *) user_binaries;	/* -d PATH: symbols wanted */
	bool ldd;		/* --ldd: and their shared libraries' */
	/* options of passes 3-5, kept for them */
	bool bulk;		/* -b */
	bool timing;		/* -t */
	bool quiet_run;		/* -q */
	bool flight;		/* -F */
	int buffer_mb;		/* -s */
	const char *output_size;	/* -S size[,N] */
	const char *runtime_dir;	/* -R */
	VEC(const char *) kbuild_opts;	/* -B NAME=VALUE */
	/* kernel configuration (CONFIG_*) of the target, if found */
	Table kconfig;
	bool kconfig_loaded;
	/* program */
	VEC(File *) files;	/* user files, then pulled tapset files */
	VEC(File *) user_files;
	VEC(File *) tapset_files;
	Table global_macros;
	Table globals;		/* name -> Symbol */
	Table functions;	/* name -> Func (first definition) */
	VEC(Symbol *) global_list;
	VEC(Func *) func_list;
	VEC(Alias *) aliases;
	VEC(Probe *) probes;
	VEC(Derived *) derived;
	VEC(const Token *) embeds;
	/* diagnostics */
	int errors;
	int warnings;
	int suppressed;
	Table seen_diags;
	bool quiet;		/* count diagnostics, print none (fuzzing) */
	struct HeldDiags *held;	/* where diagnostics go instead (diag_replay) */
};

extern Session *S;

/* ---------------------------------------------------------------- diag.c */

/* "KIND: MESSAGE at FILE:LINE:COL", the source line, a caret, and the
 * chain of macro expansions.  Errors beyond MAX_ERRORS are counted. */
void error_at(const Token *t, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void note_at(const Token *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void warn_at(const Token *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_summary(void);
/* Diagnostics written aside from now on; diag_release(SHOW) shows them
 * or drops them (-l, -L). */
void diag_hold(void);
void diag_release(bool show);

/* Diagnostics held back: while S->held points at a list, errors, notes
 * and warnings are recorded there (errors not counted) instead of shown;
 * diag_replay shows them later as if they happened then. */
typedef struct HeldDiag {
	const Token *tok;
	const char *kind;	/* error_at's kind; NULL: note, "": warning */
	const char *msg;
} HeldDiag;
typedef struct HeldDiags {
	VEC(HeldDiag) v;
	int errors;
} HeldDiags;
void diag_replay(const HeldDiags *h);

#define parse_error(t, ...) error_at(t, "parse error", __VA_ARGS__)
#define sem_error(t, ...) error_at(t, "semantic error", __VA_ARGS__)

/* ---------------------------------------------------------------- parse.c */

File *parse_source(const Source *src);
/* -p1: each item printed into OUT as it is parsed, then dropped (the
 * File holds none). */
File *parse_printed(const Source *src, Buf *out);
Node *new_node(NodeKind kind, const Token *tok);
Node *clone_node(const Node *n);
/* Call FN on N and every node under it, parents first. */
typedef void (*Visit)(Node *n, void *ctx);
void walk_node(Node *n, Visit fn, void *ctx);
bool parse_number(const Token *t, int64_t *val);
bool is_print_function(const char *name);

/* ---------------------------------------------------------------- print.c */

void print_file(FILE *out, const File *f);
void print_item(Buf *b, const Item *it);
void print_expr(Buf *b, const Node *n);
void print_point(Buf *b, const ProbePoint *pp);
void print_program(FILE *out);
const char *type_name(Type t);

/* ---------------------------------------------------------------- tapset.c */

void tapset_load_macros(void);
void tapset_index(void);
File *tapset_file_for_function(const char *name);
File *tapset_file_for_global(const char *name);
void tapset_function_names(void *names);
void tapset_reset(void);
void tapset_each_path(void (*fn)(const char *path));
void tapset_each_file(void (*fn)(File *f));

/* ---------------------------------------------------------------- probes.c, pf_*.c */

/*
 * A probe family is one file, pf_NAME.c, exporting one Family: the
 * patterns it matches (its forms), how a concrete point is checked and
 * resolved for the target, the context it offers the handler and what it
 * registers.  probes.c holds the table of families and the matching;
 * emit.c and target.c call through the descriptor.
 */

/* The runtime's probe kinds (enum stp_probe_kind, runtime/stp_runtime.h):
 * the mechanism a point is registered with. */
typedef enum {
	PK_BEGIN, PK_END, PK_ERROR, PK_NEVER, PK_TIMER, PK_KPROBE,
	PK_KRETPROBE, PK_TRACEPOINT, PK_PROFILE, PK_PERF, PK_PROCFS_READ,
	PK_PROCFS_WRITE, PK_NETFILTER, PK_UPROBE, PK_URETPROBE, PK_UTASK,
} ProbeKind;

/* A component of a form: its name and what its parameter must be. */
typedef struct Part {
	const char *name;
	char param;		/* 0 none, 'N' number, 'S' string, '?' optional N,
				   '*' anything (unsupported families) */
} Part;

/* One pattern of a family ("timer.ms(N).randomize(N)"). */
struct Form {
	const Family *family;
	Part parts[4];		/* ended by a NULL name; none: the last form */
	ProbeKind kind;
	bool user;		/* the user runtime builds it too */
	/* Validate a concrete point; returns false after reporting. */
	bool (*check)(const ProbePoint *pp, int64_t *seq);
	/* The values a wildcard in a string parameter stands for (kernel
	 * functions, tracepoints); -1 on error. */
	int (*expand)(const ProbePoint *pp, const char ***names);
	/* Where the point stands by the kernel's DWARF: the sites, -1 after
	 * an error, or DW_NONE when DWARF does not decide (no debuginfo). */
	int (*sites)(const ProbePoint *pp, struct DwSite ***out);
	/* The component a site's name fills in (its function): 1 if 0,
	 * none if -1 (a site that is only a binary: process("P").begin). */
	int site_at;
};
enum { DW_NONE = -2 };

/* What a concrete point offers its handler: target.c resolves $vars
 * against it. */
typedef struct Context {
	const struct DwSite *dw;	/* resolved through DWARF: its variables */
	const char *value;	/* "procfs": $value (a string, writable) is
				   all there is; names the family in errors */
	const char *module;	/* the function's module (its BTF), or NULL */
	const char *func;	/* the probed function, or NULL */
	const char *tracepoint;	/* the tracepoint, or NULL */
	/* A hook's values (netfilter): the runtime hands them over as a
	 * tracepoint's arguments; their names (NULL-ended), BTF type names
	 * ("struct sk_buff *", "unsigned int") and which may be written
	 * (bit I: the Ith, guru mode). */
	const char *const *hook_args;
	const char *const *hook_types;
	unsigned hook_writable;
	bool ret;		/* a .return probe: $return, @entry */
	bool user;		/* a user binary's function (process probes) */
	/* A family that resolves its own target variables (pf_mark.c's
	 * $argN): as target_resolve, at its point; and -L's list. */
	bool (*resolve)(Node *n, const ProbePoint *pp, int flags);
	void (*list)(const ProbePoint *pp, Buf *b);
	const char *plt_name;	/* process().plt: $$name, the called symbol */
} Context;

/* A concrete point's registration: what its row of stp_probes[] holds
 * beyond what every probe has (C text). */
typedef struct Reg {
	int64_t period, random;	/* timers, in ns */
	const char *symbol;	/* kprobes: "[module:]function", or "NULL" */
	long long address;	/* kprobes: the address without a symbol */
	const char *fields;	/* ", .member = value" more */
} Reg;

struct Family {
	const char *name;	/* the family's name, for messages */
	const char *unsupported; /* not NULL: "not supported yet", and why */
	const Form *forms;
	/* Fill C with what point PP offers; NULL: nothing. */
	void (*context)(const ProbePoint *pp, Context *c);
	/* Fill R for derived probe D, the INDEXth; glue its row names (a
	 * trampoline) goes into CODE.  NULL: nothing beyond the kind. */
	void (*reg)(const Derived *d, int index, Reg *r, Buf *code);
	bool open_tail;		/* more components may follow (unsupported) */
};

/* The families (probes.c), ended by NULL. */
extern const Family *const families[];
extern const Family pf_session, pf_timer, pf_kprobe, pf_module, pf_perf,
	pf_procfs, pf_kfunc, pf_ktrace, pf_netfilter, pf_hwbkpt, pf_process,
	pf_mark, pf_pbegin, pf_plt;

/* Find the form a concrete point has; NULL if none. */
const Form *family_match(const ProbePoint *pp, const char **why,
			 const Component **where);
void family_expand(const ProbePoint *pp, PointVec *out);
bool family_root(const char *name);
/* The unsupported family whose root a wildcard root PATTERN matches. */
const Family *family_unsupported(const char *pattern);
/* Kernel probes are modules: false, after saying so, under the user
 * runtime. */
bool family_needs_kernel(const ProbePoint *pp);

/* What kernel.function lends kprobe and module (pf_kfunc.c): function
 * names, DWARF sites, a site's context and registration. */
int kfunc_expand(const ProbePoint *pp, const char ***names);
bool kfunc_check_name(const ProbePoint *pp, const char *what, bool exact);
/* The forms of a function's probe, F(kind, last component) each: the
 * entry, .call, .return, .inline, .label("L"). */
#define KFUNC_FORMS(F)							\
	F(PK_KPROBE, { NULL, 0 }), F(PK_KPROBE, { "call", 0 }),		\
	F(PK_KRETPROBE, { "return", 0 }), F(PK_KPROBE, { "inline", 0 }),	\
	F(PK_KPROBE, { "label", 'S' })
bool kfunc_check_statement(const ProbePoint *pp, int64_t *seq);
int kfunc_copies(const ProbePoint *pp);
const char *kfunc_label(const ProbePoint *pp);
bool kfunc_only_inlined(const char *module, const ProbePoint *pp,
			const char *spec, int which);
void kfunc_site_context(const ProbePoint *pp, Context *c);
void kfunc_site_reg(const ProbePoint *pp, Reg *r);
/* process("PATH")'s or process(PID)'s binary, canonical (plain
 * process: -c's command's or -x's process's); NULL after saying why
 * (pf_process.c, for pf_pbegin.c and pf_plt.c too). */
const char *process_binary(const Component *p);
/* The same with wildcards: each ELF binary the path matches, once;
 * their number, or -1 after saying why. */
int process_binaries(const Component *p, const char ***out);
/* The sites of function component FI of PP in binary PATH; -1 after
 * saying why (pf_process.c, for .library().function). */
int process_function_sites(const ProbePoint *pp, int fi, const char *path,
			   struct DwSite ***out);
/* The libraries BINARY needs that PP's .library("LIB") (its second
 * component) names; -1 after saying why (pf_plt.c, for pf_mark.c). */
int process_libraries(const ProbePoint *pp, const char *binary,
		      const char ***libs);
/* uelf.c: the PLT entries of binary PATH whose called symbol PATTERN
 * matches, a site each at its stub (func: the symbol), -1 if PATH is no
 * ELF file; the libraries binary BINARY needs that PATTERN names (or
 * the file PATTERN is a path of), canonical, -1 if it is no ELF file. */
int uelf_plt(const char *path, const char *pattern, struct DwSite ***out);
int uelf_libraries(const char *binary, const char *pattern,
		   const char ***out);
/* What module lends kprobe.module (pf_module.c): the check of module M's
 * function F. */
bool module_check(const ProbePoint *pp, const Component *m,
		  const Component *f, int64_t *seq);

/* ---------------------------------------------------------------- alias.c */

/* An alias a point names: the point with the alias's name in front (a
 * wildcard's names filled in), USED of its components the name, the
 * rest a suffix for the alias's targets. */
typedef struct AliasMatch {
	Alias *alias;
	ProbePoint *point;
	int used;
	bool suffix;		/* the point goes on past the name */
} AliasMatch;
typedef VEC(AliasMatch) AliasMatches;

void alias_reset(void);
void alias_add(Alias *a);
/* The aliases point PP (a wildcard, or concrete) stands for, as
 * SystemTap matches them; their number. */
int alias_match(const ProbePoint *pp, AliasMatches *out);
/* Whether an alias name begins with a component PATTERN matches. */
bool alias_root(const char *pattern);
/* Why a concrete point under an alias root matches no alias, with the
 * similar names; NULL if no alias name begins as PP does. */
const char *alias_missing(const ProbePoint *pp, const Component **where);

/* ---------------------------------------------------------------- resolve.c */

bool resolve_program(void);
void resolve_reset(void);
Symbol *new_symbol(const char *name, SymKind kind, const Token *tok);
/* The errors of the target expressions that did not resolve and survived
 * elision; false if there were any. */
bool report_unresolved_targets(void);

/* ---------------------------------------------------------------- optim.c */

void optimize_program(void);
void count_uses(void);
bool has_side_effects(const Node *n);
/* N in place as a number if it is constant (literals under operators
 * that cannot fail); true if it now is one. */
bool fold_constant(Node *n);

/* ---------------------------------------------------------------- types.c */

bool infer_types(void);
Type tyvar_type(TyVar *v);
/* An expression's type (a variable's: its symbol's). */
Type node_type(const Node *n);
TyVar *new_tyvar(void);

/* ---------------------------------------------------------------- kernel.c */

struct btf;
/* Functions matching PATTERN that kprobes accept, sorted; -1 on error. */
int kernel_functions(const char *pattern, const Token *at, const char ***out);
/* NAME is a probeable function (true when there is no symbol list, or
 * when EXACT and there is only BTF's list of functions). */
bool kernel_function_ok(const char *name, const Token *at, bool exact);
bool kernel_function_address(const char *name, uint64_t *addr,
			     uint64_t *anchor);
const struct btf *kernel_btf(void);
const char *kernel_btf_source(void);
/* FUNC is a function of MODULE (checked against its BTF if found). */
bool kernel_module_function_ok(const char *module, const char *func,
			       const Token *at);
/* Functions of MODULE (its BTF) matching PATTERN; -1 on error. */
int kernel_module_functions(const char *module, const char *pattern,
			    const Token *at, const char ***out);
/* FILE (a path) is module NAME's .ko ('-' and '_' alike). */
bool same_module(const char *file, const char *name);
/* A module's path under lib/modules/REL ("kernel/fs/x/m.ko", without
 * .xz), from modules.dep; NULL if unknown. */
const char *kernel_module_path(const char *name);
/* The target's modules whose names match PATTERN, sorted. */
int kernel_modules(const char *pattern, const char ***out);
/* A module's split BTF (over the kernel's), or NULL. */
const struct btf *kernel_module_btf(const char *name);
/* Tracepoints matching PATTERN, sorted; -1 on error. */
int kernel_tracepoints(const char *pattern, const Token *at,
		       const char ***out);
/* A tracepoint's argument names and BTF types; -1 if unknown. */
int kernel_tracepoint(const char *name, const char ***names, int **types);
/* Symbol NAME's link address (data or function) and kfree's (the
 * runtime measures KASLR against it), from the kernel's symbol list;
 * false without a list or without NAME in it. */
bool kernel_symbol(const char *name, uint64_t *addr, uint64_t *anchor);
/* Where the symbol list came from, or NULL if there is none. */
const char *kernel_symbol_source(void);
/* Why kprobes would refuse a DWARF site, or NULL. */
const char *kernel_site_refused(const struct DwSite *s);
void kernel_free(void);

/* ---------------------------------------------------------------- dwarf.c */

/* A place a DWARF-resolved probe stands on (link-time addresses). */
typedef struct DwSite {
	const char *func;	/* the function, inlined or not */
	const char *file;	/* its declaration's file (statements: the
				   line's) */
	int line;		/* its declaration line (statements: the line) */
	uint64_t addr;		/* where the probe goes */
	uint64_t cu, scope;	/* DIE offsets: its CU, its function or
				   inlined instance */
	uint64_t frame;		/* the out-of-line function holding addr */
	const char *container;	/* its name */
	const char *label;	/* .label("name"): the label's name */
	const char *module;	/* a module's site, or NULL (the kernel); a
				   user binary's: its path */
	const char *symbol;	/* a module's site: the function symbol */
	uint64_t offset;	/* holding addr, and addr's offset in it; a
				   user site: addr's offset in its file */
	bool user;		/* in a user binary (process probes) */
	const char *exe;	/* in a library: the binary whose processes
				   it fires in (process().library()) */
	uint64_t vaddr;		/* a user site: its ELF virtual address */
	bool inlined;		/* an inlined instance */
	bool entry;		/* at the function's entry */
	bool statement;		/* kernel.statement */
} DwSite;
typedef VEC(DwSite *) DwSiteVec;

/* A variable at a site: C code for its value, or with ADDR its address;
 * its BTF type id; or why it cannot be read there. */
typedef struct DwVar {
	const char *code;
	bool addr;
	int reg;		/* its value is DWARF register N: N + 1, else 0 */
	bool param;
	int type;
	const char *why;
} DwVar;

enum { DW_ALL, DW_CALL, DW_INLINE };
/* The target's debuginfo opened (quietly false if there is none). */
bool dwarf_open(void);
/* The first place the kernel's debuginfo would be read from, without
 * opening it (NULL: none there): the front cache keys on it. */
const char *dwarf_kernel_file(void);
const char *dwarf_source(void);
/* kfree's link address: the module measures KASLR against it. */
uint64_t dwarf_anchor(void);
uint64_t dwarf_symbol(const char *name);
void dwarf_each_symbol(void (*fn)(const char *name, char type,
				  uint64_t addr));
/* Sites of "FUNC[@FILE[:LINE]]" (globs allowed; statements also
 * "FUNC@FILE+N") in the kernel or MODULE, by address; -1 after an error.
 * WHICH: out-of-line copies, inlined ones or both; STATEMENT: the first
 * address of each LINE in those functions; LABEL: their labels. */
int dwarf_sites(const char *module, const char *spec, int which,
		bool statement, const char *label, const Token *at,
		DwSite ***out);
/* Module NAME's debuginfo is there (the kernel's too). */
bool dwarf_module_open(const char *name);
bool dwarf_variable(const DwSite *s, const char *name, DwVar *out);
/* User binary PATH (absolute) opened: 1 with DWARF, 0 with only its
 * symbol table, -1 if it is not an ELF binary.  dwarf_sites(PATH, ...)
 * then finds its sites. */
int dwarf_user_open(const char *path);
/* Whether some CU of PATH's DWARF holds its ELF address VADDR. */
bool dwarf_user_in_cu(const char *path, uint64_t vaddr);
/* PATH's function symbols matching PATTERN (no DWARF: entries only). */
int dwarf_user_symbols(const char *path, const char *pattern, DwSite ***out);
/* Whether variable NAME is in scope at S (its globals too). */
bool dwarf_in_scope(const DwSite *s, const char *name);
/* Names of the parameters and/or locals in scope at S. */
int dwarf_variables(const DwSite *s, bool params, bool locals,
		    const char ***names);
/* The C name of variable NAME's DWARF type at S ("char const*"), as
 * SystemTap's -L spells it; NULL if S has no such variable, or none it
 * can read there. */
const char *dwarf_variable_c_type(const DwSite *s, const char *name);
/* Parameter NAME of FUNC (an inlined one too): position and BTF type. */
bool dwarf_parameter_of(const char *func, const char *name, int *index,
			int *type);
void dwarf_close(void);
/* The BTF that user binary PATH's DWARF types are written into
 * (ubtf.c), NULL if it has no DWARF. */
const struct btf *dwarf_user_btf(const char *path);
/* Type NAME ("struct foo", "foo_t", "int") in the DWARF of user binary
 * PATH, as a BTF id of dwarf_user_btf(PATH); -1 with *WHY. */
int dwarf_user_type(const char *path, const char *name, const char **why);
/* @cast's "<a.h><b.h>": an object compiled from those headers with -g,
 * whose types dwarf_user_type finds; NULL with *WHY. */
const char *dwarf_header_object(const char *headers, const char **why);
/* What user site S's function returns: a BTF id as above, 0 for void,
 * -1 with *WHY. */
int dwarf_return_type(const DwSite *s, const char **why);

/* ----------------------------------------------------------------- ubtf.c */

/* A user binary's DWARF types written as BTF on demand, so that
 * target.c's one type walker serves user target variables too. */
typedef struct UBtf UBtf;
UBtf *ubtf_new(void);
const struct btf *ubtf_btf(const UBtf *u);
void ubtf_free(UBtf *u);
#ifdef _LIBDW_H
/* DWARF type TYPE's BTF id (0: void), or -1 with *WHY. */
int ubtf_type(UBtf *u, Dwarf_Die *type, const char **why);
#endif

/* ---------------------------------------------------------------- target.c */

/* A target expression resolved against BTF, for emit.c: a base value,
 * then steps (add an offset, index, read memory), or for $$parms a
 * string made of several values. */
typedef enum { TB_ARG, TB_RETURN, TB_ENTRY, TB_EXPR, TB_PROCFS, TB_DWARF,
	       TB_HOOK } TBase;
typedef enum { TS_ADD, TS_INDEX, TS_DEREF, TS_LOAD } TStepKind;
typedef struct TStep {
	TStepKind kind;
	int64_t off;		/* TS_ADD bytes; TS_INDEX element size */
	int size;		/* TS_LOAD / TS_DEREF bytes */
	bool sign;
	int bit_off, bit_size;	/* TS_LOAD of a bitfield */
	Node *index;		/* TS_INDEX */
} TStep;
struct TExpr {
	TBase base;
	int index;		/* TB_ARG, TB_HOOK argument, TB_ENTRY slot */
	bool writable;		/* TB_HOOK: the hook reads it back */
	int size;		/* width of the base value (truncation) */
	bool sign;
	Node *expr;		/* TB_EXPR: @cast's operand */
	const char *code;	/* TB_DWARF: C code for its location */
	int dwreg;		/* TB_DWARF in register N: N + 1, else 0 */
	int quoted;		/* a pretty-printed string: the kernel string
				   at this address, quoted, in buffer N - 1 */
	VEC(TStep) steps;
	const char *fmt;	/* $$parms: a string of these parts */
	VEC(TExpr *) parts;
	bool is_string;
	bool user;		/* its memory is the probed process's */
	/* the value's type, for autocasts (x = $p; x->f): BTF and id, and
	 * whether the value is the address of an object of that type */
	const struct btf *btf;
	int type;
	bool object;
};
/* Resolve target expression N of derived probe D (NULL in a function);
 * false after reporting, or quietly without TR_REPORT (@defined).
 * TR_AT_ENTRY: inside @entry(), evaluated in the entry handler. */
enum { TR_REPORT = 1, TR_AT_ENTRY = 2 };
bool target_resolve(Node *n, Derived *d, int flags);
/* @cast(e, "type")->...: false after reporting (when REPORT). */
bool target_cast(Node *n, bool report);
/* Why the target expression cannot be written with OP (guru mode), or
 * NULL: a register, the return value or a scalar in memory can be. */
const char *target_write_problem(const TExpr *t, const char *op);
/* A target variable's name as the script wrote it: "$x", or an @var's
 * ("$x@cu", parse.c's at_var_target) as @var("x@cu") (print.c, errors). */
const char *target_shown_name(const char *name);
/* procfs's $value may be assigned (no guru mode needed). */
bool target_writable(const Node *n, const Derived *d);
/* -L: " $name:type" for each target variable of D. */
void target_list(const Derived *d, Buf *b);
/* @entry(E) in .return probe D: E is saved at entry. */
bool target_entry(Node *n, Derived *d);
/* &N, N resolved: N becomes its address; false after reporting. */
bool target_address(Node *n);
/* N_AUTOCAST N (lhs->f, lhs[i]) whose lhs has FROM's value: typed by
 * it; false after reporting. */
bool target_autocast(Node *n, const TExpr *from);

/* ---------------------------------------------------------------- check.c */

bool check_program(void);
bool check_format(const Node *call, const char *fmt, int nargs, Type *types);

/* ---------------------------------------------------------------- regex.c */

/* A regular expression literal (POSIX ERE, LEN bytes) compiled into a
 * program for the kernel runtime's matcher (runtime/stp_regex.h): false
 * with the reason in ERR when it uses what the matcher lacks or is too
 * long.  regex_release frees a compiled one.  regex_check only says
 * whether it compiles; regex_c_data is the program as static C data
 * named NAME (malloc'd text; without a program if it does not compile,
 * which only the user runtime accepts). */
struct stp_regex;
bool regex_compile(const char *re, size_t len, struct stp_regex *out,
		   char *err, size_t errlen);
void regex_release(struct stp_regex *rx);
bool regex_check(const char *re, size_t len, char *err, size_t errlen);
char *regex_c_data(const char *re, size_t len, const char *name);

/* ---------------------------------------------------------------- analyze.c */

/* Annotate the typed program for emit.c: C names, overload stubs,
 * add-only globals, shared handlers, each handler's locks and
 * quietness. */
void analyze_program(void);
/* The add_only global statement S adds to, or NULL. */
Symbol *added_global(const Node *s);

/* ---------------------------------------------------------------- emit.c */

void emit_program(FILE *out);
/* A C string literal of script string RAW (its escapes as written). */
char *c_literal(const char *raw);

/* ---------------------------------------------------------------- usyms.c */

/* Pass 2's end: the user binaries whose symbols the module names
 * (process probes' binaries, -d, --ldd); pass 3 writes them with their
 * build ids for staprun (usyms_emit). */
void usyms_resolve(void);
int usyms_binaries(const char ***out);
void usyms_emit(FILE *out);

/* ---------------------------------------------------------------- build.c */

int build_and_run(void);
/* Passes 4 and 5 from the front cache, skipping 2 and 3: the status, or
 * -1 on a miss. */
int front_cache_run(void);
bool make_dirs(const char *path);
/* $SYSTEMTAP_DIR/cache, or ~/.systemtap/cache. */
const char *cache_dir(void);
/* TEXT into PATH; false after saying why (unless QUIET). */
bool write_text(const char *path, const char *text, bool quiet);
bool write_whole(const char *path, const char *text);
/* A fresh /tmp/stapXXXXXX (NULL after saying why); done_temp_dir
 * removes it, or with -k says where it is kept. */
const char *make_temp_dir(void);
void done_temp_dir(const char *dir);
/* Run ARGV, its output into LOG; true if it exited 0. */
bool run_command(char **argv, const char *log);
/* Run a shell command line quietly; true if it exited 0. */
bool run_shell(const char *cmd);

/* ---------------------------------------------------------------- sign.c */

/* Pass 4: sign the module KO with the user's key (made once); false
 * after saying why. */
bool sign_module(const char *ko);
/* What the module cache key covers of the signing key: its digest, or
 * "unsigned", "" when no module is built. */
const char *signing_identity(void);

/* ---------------------------------------------------------------- report.c */

/* -v: a pass's clock (ms of our and our children's CPU, and real). */
typedef struct PassClock { double user, sys, real; } PassClock;
void pass_clock_start(PassClock *c);
void pass_start(PassClock *c, int pass);	/* its marker, then its clock */
void pass_marker(int pass, bool end);	/* SystemTap's stap.passN markers */
void pass_library_marker(void);	/* its pass1b__start */
/* With -v: "Pass N: WHAT in Uusr/Ssys/Rreal ms." since C started. */
void pass_report(const PassClock *c, int pass, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The -D limits (MAXSTRINGLEN ...) within what the runtime can honour;
 * false after saying which is not. */
bool check_defines(void);
/* -o NAME through strftime(3); NULL after saying why. */
const char *output_name(const char *name);

/* ---------------------------------------------------------------- dump.c */

/* --dump-probe-types, --dump-probe-aliases, --dump-functions. */
enum { DUMP_PROBE_TYPES = 1, DUMP_PROBE_ALIASES, DUMP_FUNCTIONS };
void dump_select(int what);
bool dump_selected(void);
/* The list on stdout, in SystemTap's form; the exit status. */
int dump_run(void);
/* Pass 2 takes every tapset file into the program (resolve.c). */
void resolve_pull_all(void);

/* ---------------------------------------------------------------- kcompat.c */

/* DIR/stp_compat.h for the target kernel (answers cached under CACHE);
 * false after saying why. */
bool kcompat_write(const char *cache, const char *dir);

#endif /* STAP_H */
