/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_mark.c - SDT (USDT) markers of a user binary.
 *
 *   process("PATH").mark("NAME")      NAME may have wildcards
 *   process("PATH").provider("P").mark("NAME")
 *   process("PATH").library("LIB")[.provider("P")].mark("NAME")
 *
 * A '-' in NAME stands for the "__" dtrace makes of it (function-entry
 * is function__entry), as in SystemTap.
 * <sys/sdt.h> leaves one ELF note (owner "stapsdt", type 3) a marker in
 * .note.stapsdt: the marker's address, the link address of the
 * .stapsdt.base section, the address of its semaphore (0: none), then
 * provider, name and the argument string, e.g. "-4@%edi 8@-16(%rbp)":
 * each argument's size (negative: signed) and where it is (a register, a
 * memory operand, a constant), in the assembler's syntax.  Each marker
 * is a uprobe at its file offset; a semaphore's file offset goes to the
 * kernel's uprobe reference counter (uprobe_register_refctr on 6.1,
 * uprobe_register's third argument on 6.12), which counts it up in
 * every process mapping the binary while the probe is armed, those that
 * start later too, and down when it is disarmed: the program runs the
 * marker's code only while the counter is not 0.
 *
 * $arg1 .. $argN are the arguments, typed by their size; $$name,
 * $$provider and $$parms ("$arg1=0x.. $arg2=0x..") as in SystemTap.
 */
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stap.h"

#define MAX_MARK_ARGS 12	/* what <sys/sdt.h> can describe */

/* Where an argument is. */
typedef enum { MA_CONST, MA_REG, MA_MEM } MarkArgKind;

typedef struct MarkArg {
	MarkArgKind kind;
	int size;		/* bytes: 1, 2, 4, 8 */
	bool sign;
	int64_t value;		/* MA_CONST; MA_MEM: the displacement */
	int reg;		/* MA_REG, MA_MEM's base: DWARF number, -1 */
	int shift;		/* MA_REG: %ah's 8 */
	int index, scale;	/* MA_MEM: index register (-1: none) */
	bool pc_relative;	/* MA_MEM: value is a link address */
	const char *why;	/* not NULL: cannot be read, and why */
} MarkArg;

/* A marker: the site resolve.c and the uprobe glue read, first. */
typedef struct Mark Mark;
typedef VEC(Mark *) MarkVec;
struct Mark {
	DwSite site;		/* func: the marker's name */
	const char *provider, *name, *args;
	uint64_t pc;		/* its link address (after .stapsdt.base) */
	uint64_t semaphore;	/* the semaphore's file offset, 0: none */
	int nargs;
	MarkArg arg[MAX_MARK_ARGS];
};

/* ---- the argument string ---- */

/* x86-64's registers by their assembler names: the DWARF number of the
 * full register, and the width and shift of the part the name means. */
static const struct {
	const char *name[4];	/* 64, 32, 16, 8 bits */
} gprs[] = {
	{ { "rax", "eax", "ax", "al" } }, { { "rdx", "edx", "dx", "dl" } },
	{ { "rcx", "ecx", "cx", "cl" } }, { { "rbx", "ebx", "bx", "bl" } },
	{ { "rsi", "esi", "si", "sil" } }, { { "rdi", "edi", "di", "dil" } },
	{ { "rbp", "ebp", "bp", "bpl" } }, { { "rsp", "esp", "sp", "spl" } },
	{ { "r8", "r8d", "r8w", "r8b" } }, { { "r9", "r9d", "r9w", "r9b" } },
	{ { "r10", "r10d", "r10w", "r10b" } },
	{ { "r11", "r11d", "r11w", "r11b" } },
	{ { "r12", "r12d", "r12w", "r12b" } },
	{ { "r13", "r13d", "r13w", "r13b" } },
	{ { "r14", "r14d", "r14w", "r14b" } },
	{ { "r15", "r15d", "r15w", "r15b" } },
	{ { "rip", "eip", NULL, NULL } },
};

/* "%NAME" at *P: its DWARF number (and *SHIFT for %ah..%dh), -1 if it
 * is no register; *P moves past it. */
static int parse_register(const char **p, int *shift)
{
	static const char *const high[] = { "ah", "dh", "ch", "bh" };
	size_t len, i, w;

	*shift = 0;
	if (**p != '%')
		return -1;
	len = strspn(*p + 1, "abcdefghijklmnopqrstuvwxyz0123456789");
	for (i = 0; i < sizeof(gprs) / sizeof(gprs[0]); i++)
		for (w = 0; w < 4; w++)
			if (gprs[i].name[w] && strlen(gprs[i].name[w]) == len &&
			    !strncmp(*p + 1, gprs[i].name[w], len)) {
				*p += len + 1;
				return (int)i;
			}
	for (i = 0; i < 4; i++)
		if (len == 2 && !strncmp(*p + 1, high[i], 2)) {
			*p += 3;
			*shift = 8;
			return (int)i;
		}
	return -1;
}

/* SYMBOL[+-N] of a %rip-relative operand: its link address. */
static bool symbol_address(Elf *elf, const char *name, size_t len,
			   uint64_t *addr)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB &&
						sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *s;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    !(s = elf_strptr(elf, sh.sh_link, sym.st_name)) ||
			    strlen(s) != len || strncmp(s, name, len))
				continue;
			*addr = sym.st_value;
			return true;
		}
	}
	return false;
}

/* "disp(%base,%index,scale)", "sym+8(%rip)" or "(%base)" at P. */
static bool parse_memory(Elf *elf, const char *p, MarkArg *a)
{
	const char *sym = p;
	char *end;
	int shift;

	a->kind = MA_MEM;
	a->reg = a->index = -1;
	a->scale = 1;
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		a->value = strtoll(p, &end, 0);
		p = end;
	} else if (*p != '(') {
		uint64_t at;
		size_t len = strcspn(p, "+-(");

		if (!symbol_address(elf, sym, len, &at)) {
			a->why = arena_printf("its symbol '%.*s' is not in the"
					      " binary's symbol tables",
					      (int)len, sym);
			return true;
		}
		a->value = (int64_t)at;
		a->pc_relative = true;
		p += len;
		if (*p == '+' || *p == '-') {
			a->value += strtoll(p, &end, 0);
			p = end;
		}
	}
	if (*p++ != '(')
		return false;
	if (*p == '%' && (a->reg = parse_register(&p, &shift)) < 0)
		return false;
	if (*p == ',') {
		p++;
		if ((a->index = parse_register(&p, &shift)) < 0)
			return false;
		if (*p == ',') {
			a->scale = (int)strtol(p + 1, &end, 10);
			p = end;
		}
	}
	if (*p != ')' || p[1])
		return false;
	/* sym(%rip) names its address; N(%rip) counts from the next
	 * instruction, which the note does not say. */
	if (a->reg == 16 && !a->pc_relative)
		a->why = "it is %rip-relative without a symbol";
	else if (a->reg == 16)
		a->reg = -1;
	return true;
}

/* One argument, "[-]SIZE@OPERAND" (SIZE may be missing: 8 bytes). */
static void parse_arg(Elf *elf, const char *text, MarkArg *a)
{
	const char *at = strchr(text, '@'), *op = text;
	char *end;

	a->size = 8;
	a->sign = true;
	if (at) {
		long size = strtol(text, &end, 10);

		if (end == at && (labs(size) == 1 || labs(size) == 2 ||
				  labs(size) == 4 || labs(size) == 8)) {
			a->size = (int)labs(size);
			a->sign = size < 0;
			op = at + 1;
		}
	}
	if (*op == '$') {
		a->kind = MA_CONST;
		a->value = strtoll(op + 1, &end, 0);
		if (*end)
			a->why = "its constant is not a number";
	} else if (*op == '%') {
		const char *p = op;

		a->kind = MA_REG;
		if ((a->reg = parse_register(&p, &a->shift)) < 0 || *p)
			a->why = "its register is not one of x86-64's";
	} else if (!parse_memory(elf, op, a)) {
		a->why = "its memory operand is not understood";
	}
	if (a->why)
		a->why = arena_printf("%s (\"%s\")", a->why, text);
}

static void parse_args(Elf *elf, Mark *m)
{
	char *copy = arena_strdup(m->args), *save = NULL, *t;

	for (t = strtok_r(copy, " ", &save); t && m->nargs < MAX_MARK_ARGS;
	     t = strtok_r(NULL, " ", &save))
		parse_arg(elf, t, &m->arg[m->nargs++]);
}

/* ---- the notes ---- */

/* Link address VADDR as an offset in the file, in a loaded segment with
 * FLAG (PF_X: code, PF_W: data); 0 if none holds it. */
static uint64_t segment_offset(Elf *elf, uint64_t vaddr, unsigned flag)
{
	size_t i, n;

	if (elf_getphdrnum(elf, &n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    (ph.p_flags & flag) && vaddr >= ph.p_vaddr &&
		    vaddr < ph.p_vaddr + ph.p_filesz)
			return vaddr - ph.p_vaddr + ph.p_offset;
	}
	return 0;
}

/* The link address of section NAME, 0 if there is none. */
static uint64_t section_address(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstr;

	if (elf_getshdrstrndx(elf, &shstr) != 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) &&
		    !strcmp(elf_strptr(elf, shstr, sh.sh_name) ?: "", name))
			return sh.sh_addr;
	return 0;
}

/* The NUL-ended string at *S, before END: a copy ("" past END); *S
 * moves past it. */
static const char *next_string(const char **s, const char *end)
{
	size_t len;

	if (*s >= end)
		return "";
	len = strnlen(*s, (size_t)(end - *s));
	*s += len + 1;
	return arena_strndup(*s - len - 1, len);
}

/* One stapsdt note's descriptor: three addresses (4 bytes each in a
 * 32-bit ELF file, else 8), then provider, name and arguments.
 * Prelinking (or any shift of the binary after linking) moves the
 * .stapsdt.base section: the difference between where the note says it
 * was and where it is moves the marker and its semaphore too. */
static Mark *read_note(Elf *elf, const char *path, const char *desc,
		       size_t size, uint64_t base_now)
{
	size_t width = gelf_getclass(elf) == ELFCLASS32 ? 4 : 8, i;
	const char *s = desc + 3 * width, *end = desc + size;
	uint64_t addr[3];
	Mark *m;

	if (size < 3 * width + 3)
		return NULL;
	for (i = 0; i < 3; i++) {
		uint32_t a32;

		if (width == 4) {
			memcpy(&a32, desc + 4 * i, 4);
			addr[i] = a32;
		} else {
			memcpy(&addr[i], desc + 8 * i, 8);
		}
	}
	if (base_now && addr[1]) {
		addr[0] += base_now - addr[1];
		if (addr[2])
			addr[2] += base_now - addr[1];
	}
	m = NEW(Mark);
	m->provider = next_string(&s, end);
	m->name = next_string(&s, end);
	m->args = next_string(&s, end);
	m->pc = addr[0];
	m->semaphore = addr[2] ? segment_offset(elf, addr[2], PF_W) : 0;
	m->site.func = m->name;
	m->site.module = path;
	m->site.user = true;
	m->site.vaddr = addr[0];
	m->site.addr = addr[0];
	m->site.offset = segment_offset(elf, addr[0], PF_X);
	m->site.entry = true;
	parse_args(elf, m);
	return m;
}

/* The markers of PATH's notes, in the order they come. */
static int read_marks(Elf *elf, const char *path, MarkVec *out)
{
	uint64_t base_now = section_address(elf, ".stapsdt.base");
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &name_off,
					   &desc_off)) > 0) {
			Mark *m;

			if (nh.n_type != 3 || nh.n_namesz != 8 ||
			    memcmp((char *)data->d_buf + name_off, "stapsdt",
				   8))
				continue;
			m = read_note(elf, path, (char *)data->d_buf + desc_off,
				      nh.n_descsz, base_now);
			if (m)
				vec_push(out, m);
		}
	}
	return out->len;
}

/* Each binary's markers, read once a session: they live in the arena
 * and go with it. */
static Table cache;
static bool cache_held;

static void forget_marks(void)
{
	memset(&cache, 0, sizeof(cache));
	cache_held = false;
}

/* PATH's markers; -1 if it is not an ELF file. */
static int marks_of(const char *path, Mark ***out)
{
	MarkVec *v;
	Elf *elf;
	int fd;

	if (!cache_held) {
		arena_on_free(forget_marks);
		cache_held = true;
	}
	if ((v = table_get(&cache, path))) {
		*out = v->v;
		return v->len;
	}
	v = arena_zalloc(sizeof(*v));
	elf_version(EV_CURRENT);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -1;
	}
	read_marks(elf, path, v);
	elf_end(elf);
	close(fd);
	table_put(&cache, arena_strdup(path), v);
	*out = v->v;
	return v->len;
}

/* ---- the family ---- */

/* Up to five names of PATH's markers, for "no such marker". */
static const char *some_marks(Mark **m, int n)
{
	Buf b = { 0 };
	const char *r;
	int i;

	for (i = 0; i < n && i < 5; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", m[i]->name);
	if (n > 5)
		buf_puts(&b, ", ...");
	r = arena_strdup(n ? b.s : "none");
	buf_free(&b);
	return r;
}

/* NAME's pattern with each '-' as "__". */
static const char *dtrace_name(const char *pattern)
{
	Buf b = { 0 };
	const char *r;

	for (; *pattern; pattern++)
		buf_puts(&b, *pattern == '-' ? "__" : (char[]){ *pattern, 0 });
	r = arena_strdup(b.s ? b.s : "");
	buf_free(&b);
	return r;
}

/* Marker M as a site of one probe point: its own copy when the point
 * changes it (the cached marks are shared by every point).  Under
 * .provider() named so that the listed point names both (resolve.c puts
 * func into the provider's component and label into the last); in a
 * .library() firing only in EXE's processes. */
static DwSite *point_site(const Mark *m, bool provider, const char *exe)
{
	Mark *copy;

	if (!provider && !exe)
		return (DwSite *)&m->site;
	copy = NEW(Mark);
	*copy = *m;
	if (provider) {
		copy->site.func = copy->provider;
		copy->site.label = copy->name;
	}
	copy->site.exe = exe;
	return &copy->site;
}

/* process("PATH").library("LIB")...: the libraries PATH needs that LIB
 * names, in *PATHS, and PATH in *EXE; else the binaries PATH matches. */
static int mark_files(const ProbePoint *pp, const char ***paths,
		      const char **exe)
{
	*exe = NULL;
	if (strcmp(pp->comps.v[1].name, "library"))
		return process_binaries(&pp->comps.v[0], paths);
	if (!(*exe = process_binary(&pp->comps.v[0])))
		return -1;
	return process_libraries(pp, *exe, paths);
}

static int mark_sites(const ProbePoint *pp, DwSite ***out)
{
	const Component *p = &pp->comps.v[0];
	int lib = !strcmp(pp->comps.v[1].name, "library");
	const Component *prov = pp->comps.len > 2 + lib ?
				&pp->comps.v[1 + lib] : NULL;
	const Component *f = &pp->comps.v[pp->comps.len - 1];
	const char *name = dtrace_name(f->param->str), *exe;
	DwSiteVec all = { 0 };
	const char **paths;
	Mark **marks;
	int npaths, n = 0, i, k;

	if (strcmp(S->runtime, "kernel"))
		return DW_NONE;		/* check_mark says why not */
	if ((npaths = mark_files(pp, &paths, &exe)) < 0)
		return -1;
	for (k = 0; k < npaths; k++) {
		if ((n = marks_of(paths[k], &marks)) < 0) {
			sem_error(p->param->tok, "process(\"%s\"): %s is not an"
				  " ELF binary", p->param->str, paths[k]);
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (!glob_match(name, marks[i]->name))
				continue;
			if (!prov || glob_match(prov->param->str,
						marks[i]->provider))
				vec_push(&all, point_site(marks[i], prov, exe));
		}
	}
	if (!all.len)
		sem_error(f->param->tok, "no marker matches \"%s\"%s in %s (its"
			  " markers: %s)", f->param->str, prov ?
			  arena_printf(" of provider \"%s\"", prov->param->str) :
			  "", npaths == 1 ?
			  paths[0] : p->param->str, npaths == 1 ?
			  some_marks(marks, n) : "see stap -l");
	for (i = 0; i < all.len; i++)
		if (!all.v[i]->offset) {
			sem_error(f->param->tok, "cannot probe marker %s in %s:"
				  " %#llx is in no executable segment of the"
				  " file", ((Mark *)all.v[i])->name, all.v[i]->module,
				  (unsigned long long)all.v[i]->vaddr);
			return -1;
		}
	*out = all.v;
	return all.len ? all.len : -1;
}

static bool check_mark(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	return family_needs_kernel(pp);
}

/* The C of argument A's value at the probe: registers from the probed
 * task's saved ones (stp_dwreg), memory through a user read; the
 * truncation to its size is target_base's (emit.c). */
static const char *arg_code(const Mark *m, const MarkArg *a)
{
	const char *addr;

	switch (a->kind) {
	case MA_CONST:
		return arena_printf("(%lldLL)", (long long)a->value);
	case MA_REG:
		return a->shift ? arena_printf("(stp_dwreg(c, %d) >> %d)",
					       a->reg, a->shift) :
		       arena_printf("stp_dwreg(c, %d)", a->reg);
	case MA_MEM:
		break;
	}
	/* The uprobe's ip is the marker's runtime address: a link address
	 * moves with the binary as the marker does. */
	addr = a->pc_relative ?
	       arena_printf("(stp_dwreg(c, 16) + %lldLL)",
			    (long long)(a->value - (int64_t)m->pc)) :
	       arena_printf("(%lldLL)", (long long)a->value);
	if (a->reg >= 0)
		addr = arena_printf("(%s + stp_dwreg(c, %d))", addr, a->reg);
	if (a->index >= 0)
		addr = arena_printf("(%s + stp_dwreg(c, %d) * %d)", addr,
				    a->index, a->scale);
	return arena_printf("stp_mark_uread(c, %s, %d)", addr, a->size);
}

static TExpr *arg_expr(const Mark *m, const MarkArg *a)
{
	TExpr *te = NEW(TExpr);

	te->base = TB_DWARF;	/* C code for the value; no register to write */
	te->code = arg_code(m, a);
	te->size = a->size;
	te->sign = a->sign;
	return te;
}

/* The format's text for a literal: '%' doubled. */
static const char *literal_fmt(const char *s)
{
	Buf b = { 0 };
	const char *r;

	for (; *s; s++)
		buf_puts(&b, *s == '%' ? "%%" : (char[]){ *s, 0 });
	r = arena_strdup(b.s ? b.s : "");
	buf_free(&b);
	return r;
}

/* $$name, $$provider, $$parms/$$vars: strings. */
static bool mark_string(Node *n, const Mark *m, bool report)
{
	TExpr *te = NEW(TExpr);
	Buf fmt = { 0 };
	int i;

	te->is_string = true;
	if (!strcmp(n->name, "$$name")) {
		te->fmt = literal_fmt(m->name);
	} else if (!strcmp(n->name, "$$provider")) {
		te->fmt = literal_fmt(m->provider);
	} else if (!strcmp(n->name, "$$parms") || !strcmp(n->name, "$$vars")) {
		for (i = 0; i < m->nargs; i++) {
			if (m->arg[i].why)
				continue;
			vec_push(&te->parts, arg_expr(m, &m->arg[i]));
			buf_printf(&fmt, "%s$arg%d=%%#llx", fmt.len ? " " : "",
				   i + 1);
		}
		te->fmt = arena_strdup(fmt.s ? fmt.s : "");
		buf_free(&fmt);
	} else if (!strcmp(n->name, "$$locals")) {
		te->fmt = "";
	} else {
		if (report)
			sem_error(n->tok, "a marker has no '%s': it has $$name,"
				  " $$provider, $$parms, $$vars and $arg1 .."
				  " $argN", n->name);
		return false;
	}
	if (n->comps.len || n->suffix) {
		if (report)
			sem_error(n->tok, "'%s' is a string: it has no members",
				  n->name);
		return false;
	}
	n->texpr = te;
	return true;
}

/* Argument number of "$argN", 0 if NAME is not one. */
static int arg_number(const char *name)
{
	char *end;
	long k;

	if (strncmp(name, "$arg", 4) || !name[4])
		return 0;
	k = strtol(name + 4, &end, 10);
	return *end || k < 0 || k > 99 ? 0 : (int)(k ? k : -1);
}

/* $argN, $$name... at marker PP; quiet without TR_REPORT (@defined). */
static bool mark_resolve(Node *n, const ProbePoint *pp, int flags)
{
	const Mark *m = (const Mark *)pp->site;
	bool report = flags & TR_REPORT;
	int k = arg_number(n->name);
	const MarkArg *a;

	if (!strncmp(n->name, "$$", 2))
		return mark_string(n, m, report);
	if (k <= 0 || k > m->nargs) {
		if (report)
			sem_error(n->tok, "marker %s of %s has %s%s: no '%s'%s",
				  m->name, m->site.module, m->nargs ?
				  arena_printf("$arg1 .. $arg%d", m->nargs) :
				  "no arguments", "", n->name, k < 0 ?
				  " (they count from $arg1)" : "");
		return false;
	}
	a = &m->arg[k - 1];
	if (a->why) {
		if (report)
			sem_error(n->tok, "cannot read '%s' of marker %s: %s",
				  n->name, m->name, a->why);
		return false;
	}
	if (n->comps.len || n->suffix) {
		if (report)
			sem_error(n->tok, "'%s' is a marker's argument, a number:"
				  " use @cast or user_* to read through it",
				  n->name);
		return false;
	}
	n->texpr = arg_expr(m, a);
	return true;
}

/* -L: "$arg1:long ..." as SystemTap lists a marker's arguments. */
static void mark_list(const ProbePoint *pp, Buf *b)
{
	const Mark *m = (const Mark *)pp->site;
	int i;

	for (i = 0; i < m->nargs; i++)
		buf_printf(b, " $arg%d:long", i + 1);
}

static void mark_context(const ProbePoint *pp, Context *c)
{
	const DwSite *s = pp->site;

	c->user = true;
	if (!s)
		return;
	c->module = s->module;
	c->func = ((const Mark *)s)->name;
	c->resolve = mark_resolve;
	c->list = mark_list;
}

/* A uprobe at the marker's file offset, with its semaphore's. */
static void mark_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const Mark *m = (const Mark *)d->point->site;

	(void)index;
	(void)code;
	r->fields = arena_printf(", .upath = %s, .uoffset = %#llxLL, "
				 ".usemaphore = %#llxLL%s",
				 c_literal(m->site.module),
				 (unsigned long long)m->site.offset,
				 (unsigned long long)m->semaphore,
				 m->site.exe ? arena_printf(", .uexe = %s",
				 c_literal(m->site.exe)) : "");
}

static const Form forms[] = {
	{ .family = &pf_mark, .parts = { { "process", 'S' }, { "mark", 'S' } },
	  .kind = PK_UPROBE, .check = check_mark, .sites = mark_sites },
	{ .family = &pf_mark, .parts = { { "process", 'S' }, { "provider", 'S' },
					 { "mark", 'S' } },
	  .kind = PK_UPROBE, .check = check_mark, .sites = mark_sites },
	{ .family = &pf_mark, .parts = { { "process", 'S' }, { "library", 'S' },
					 { "mark", 'S' } },
	  .kind = PK_UPROBE, .check = check_mark, .sites = mark_sites,
	  .site_at = 2 },
	{ .family = &pf_mark, .parts = { { "process", 'S' }, { "library", 'S' },
					 { "provider", 'S' }, { "mark", 'S' } },
	  .kind = PK_UPROBE, .check = check_mark, .sites = mark_sites,
	  .site_at = 2 },
	{ 0 },
};

const Family pf_mark = { .name = "process marker", .forms = forms,
			 .context = mark_context, .reg = mark_reg };
