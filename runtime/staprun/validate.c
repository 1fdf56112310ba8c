/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.c - the static module validator (docs/safety.md).
 *
 * A module stap built is checked as a file, before anything loads it:
 *
 *   imports      every undefined symbol is in runtime/kernel/imports.list
 *                at the module's privilege level or below (stapdev: any
 *                export of the target), and, given the target's
 *                Module.symvers, exported there with the CRC __versions
 *                records;
 *   instructions no privileged or unsafe instruction (Capstone decodes
 *                every function of every executable section): cli, sti,
 *                hlt, in/out, wrmsr/rdmsr, moves to or from control and
 *                debug registers, descriptor-table loads, cache and TLB
 *                flushes, swapgs, sysret/iret, software interrupts, and
 *                ud2 except where the kernel's __bug_table names it
 *                (BUG, WARN); a guru module judged at stapdev may;
 *   stack        no function's frame (pushes and the largest stack
 *                adjustment) exceeds the budget;
 *   sections     none is both writable and executable;
 *   version      vermagic names the target's release.
 *
 * Each violation is one line naming the function and offset; the caller
 * decides what a nonzero count means (stap -p4 and staprun refuse).
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <stdarg.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "../lib/ulib.h"

struct allowed {
	const char *name;
	enum stp_privilege level;
};

static const struct allowed imports[] = {
#include "imports.inc"
};

static const char *const level_names[] = { "stapusr", "stapsys", "stapdev" };

const char *privilege_name(enum stp_privilege p)
{
	return p < PRIV_NONE ? level_names[p] : "none";
}

enum stp_privilege privilege_of(const char *name)
{
	int i;

	for (i = 0; i < PRIV_NONE; i++)
		if (!strcmp(name, level_names[i]))
			return i;
	return PRIV_NONE;
}

/* ---- the module ---- */

struct module {
	const char *path;
	char *data;
	size_t len;
	Elf *elf;
	size_t shstrndx;
	Elf_Scn *symtab;
	GElf_Shdr symtab_sh;
	Elf_Data *syms;
	size_t nsyms;
	enum stp_privilege level;	/* recorded (.stap_privilege) */
	bool guru;			/* recorded (.stap_privilege "guru") */
	/* __bug_table's targets: (section index, offset) of each ud2 the
	 * kernel's BUG/WARN handling knows. */
	struct bug { size_t scn; uint64_t off; } *bugs;
	size_t nbugs;
	FILE *report;
	int violations;
};

static void violation(struct module *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct module *m, const char *fmt, ...)
{
	va_list ap;

	fprintf(m->report, "%s: ", m->path);
	va_start(ap, fmt);
	vfprintf(m->report, fmt, ap);
	va_end(ap);
	fputc('\n', m->report);
	m->violations++;
}

static const char *section_name(struct module *m, Elf_Scn *scn, GElf_Shdr *sh)
{
	const char *name;

	if (!gelf_getshdr(scn, sh))
		return "";
	name = elf_strptr(m->elf, m->shstrndx, sh->sh_name);
	return name ? name : "";
}

static Elf_Scn *find_section(struct module *m, const char *want, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(m->elf, scn)))
		if (!strcmp(section_name(m, scn, sh), want))
			return scn;
	return NULL;
}

static const char *symbol_name(struct module *m, const GElf_Sym *s)
{
	const char *n = elf_strptr(m->elf, m->symtab_sh.sh_link, s->st_name);

	return n ? n : "";
}

/* .stap_privilege: "LEVEL" or "LEVEL guru", written by stap -p3. */
static void read_privilege(struct module *m)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(m, ".stap_privilege", &sh);
	char word[16] = "";
	Elf_Data *d;

	m->level = PRIV_STAPDEV;
	if (!scn || !(d = elf_getdata(scn, NULL)) || !d->d_buf)
		return;
	snprintf(word, sizeof(word), "%.*s", (int)d->d_size, (char *)d->d_buf);
	m->guru = strstr(word, " guru") != NULL;
	*strchrnul(word, ' ') = 0;
	if (privilege_of(word) != PRIV_NONE)
		m->level = privilege_of(word);
	else
		violation(m, "records an unknown privilege level '%s'", word);
}

static int open_module(struct module *m)
{
	GElf_Ehdr eh;

	if (!m->data)	/* validate_image gives the bytes */
		m->data = read_file(m->path, &m->len);
	if (!m->data) {
		violation(m, "cannot read it: %s", strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	m->elf = elf_memory(m->data, m->len);
	if (!m->elf || !gelf_getehdr(m->elf, &eh) || eh.e_type != ET_REL ||
	    eh.e_machine != EM_X86_64 || elf_getshdrstrndx(m->elf, &m->shstrndx)) {
		violation(m, "not an x86-64 kernel module (a relocatable ELF "
			  "object)");
		return -1;
	}
	m->symtab = find_section(m, ".symtab", &m->symtab_sh);
	if (!m->symtab || !(m->syms = elf_getdata(m->symtab, NULL)) ||
	    !m->symtab_sh.sh_entsize) {
		violation(m, "has no symbol table");
		return -1;
	}
	m->nsyms = m->symtab_sh.sh_size / m->symtab_sh.sh_entsize;
	read_privilege(m);
	return 0;
}

/* ---- imports ---- */

static const struct allowed *allowed_import(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
		if (!strcmp(imports[i].name, name))
			return &imports[i];
	return NULL;
}

/* Module.symvers: "CRC\tNAME\tMODULE\tEXPORT_TYPE[\tNS]" lines. */
struct symvers {
	char *text;
	struct export { const char *name; unsigned long crc; } *v;
	size_t n;
};

static int export_cmp(const void *a, const void *b)
{
	return strcmp(((const struct export *)a)->name,
		      ((const struct export *)b)->name);
}

static int load_symvers(const char *path, struct symvers *sv, struct module *m)
{
	char *line, *save = NULL;
	size_t cap = 0;

	sv->text = read_file(path, NULL);
	if (!sv->text) {
		violation(m, "cannot read the target's %s: %s", path,
			  strerror(errno));
		return -1;
	}
	for (line = strtok_r(sv->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t'), *end;

		if (!tab)
			continue;
		*tab = 0;
		end = strchr(tab + 1, '\t');
		if (end)
			*end = 0;
		sv->v = xgrow(sv->v, &cap, (sv->n + 1) * sizeof(*sv->v));
		sv->v[sv->n].crc = strtoul(line, NULL, 16);
		sv->v[sv->n++].name = tab + 1;
	}
	qsort(sv->v, sv->n, sizeof(*sv->v), export_cmp);
	return 0;
}

static const struct export *exported(const struct symvers *sv, const char *name)
{
	struct export key = { name, 0 };

	return sv->n ? bsearch(&key, sv->v, sv->n, sizeof(key), export_cmp) : NULL;
}

/* __versions: { unsigned long crc; char name[56]; } per import the
 * module was built against (CONFIG_MODVERSIONS). */
static void check_crcs(struct module *m, const struct symvers *sv)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(m, "__versions", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	size_t off;

	if (!d || !d->d_buf)
		return;
	for (off = 0; off + 64 <= d->d_size; off += 64) {
		const char *name = (const char *)d->d_buf + off + 8;
		unsigned long crc;
		const struct export *e;

		memcpy(&crc, (const char *)d->d_buf + off, sizeof(crc));
		if (!memchr(name, 0, 56))
			continue;
		e = exported(sv, name);
		if (e && (e->crc & 0xffffffff) != (crc & 0xffffffff))
			violation(m, "import %s: built against CRC %#lx, the "
				  "target exports %#lx (another kernel build)",
				  name, crc & 0xffffffff, e->crc & 0xffffffff);
	}
}

static void check_imports(struct module *m, enum stp_privilege level,
			  const char *symvers_path)
{
	struct symvers sv = { 0 };
	bool have_sv = symvers_path && !load_symvers(symvers_path, &sv, m);
	size_t i;

	for (i = 1; i < m->nsyms; i++) {
		GElf_Sym s;
		const char *name;
		const struct allowed *a;

		if (!gelf_getsym(m->syms, (int)i, &s) || s.st_shndx != SHN_UNDEF ||
		    GELF_ST_BIND(s.st_info) == STB_LOCAL)
			continue;
		name = symbol_name(m, &s);
		if (!*name)
			continue;
		if (have_sv && !exported(&sv, name))
			violation(m, "imports %s, which the target kernel does "
				  "not export", name);
		a = allowed_import(name);
		if (a && a->level <= level)
			continue;
		if (!a && level == PRIV_STAPDEV)
			continue;	/* embedded C: any export */
		violation(m, "imports %s, which %s", name, a ?
			  (a->level == PRIV_STAPSYS ? "needs stapsys" :
			   "needs stapdev") :
			  "is not in the audited list (runtime/kernel/imports.list)"
			  " and so needs stapdev");
	}
	if (have_sv)
		check_crcs(m, &sv);
	free(sv.v);
	free(sv.text);
}

/* ---- instructions and frames ---- */

static void read_bug_table(struct module *m)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t cap = 0;

	while ((scn = elf_nextscn(m->elf, scn))) {
		Elf_Data *d;
		size_t i, n;

		if (strcmp(section_name(m, scn, &sh), ".rela__bug_table") ||
		    sh.sh_type != SHT_RELA || !sh.sh_entsize ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Rela r;
			GElf_Sym s;

			/* bug_addr_disp: the first field of each entry, PC
			 * relative to the ud2: its target is S + A. */
			if (!gelf_getrela(d, (int)i, &r) ||
			    !gelf_getsym(m->syms, (int)GELF_R_SYM(r.r_info), &s) ||
			    GELF_R_TYPE(r.r_info) != R_X86_64_PC32)
				continue;
			m->bugs = xgrow(m->bugs, &cap,
					(m->nbugs + 1) * sizeof(*m->bugs));
			m->bugs[m->nbugs].scn = s.st_shndx;
			m->bugs[m->nbugs++].off = s.st_value + (uint64_t)r.r_addend;
		}
	}
}

static bool is_bug_site(const struct module *m, size_t scn, uint64_t off)
{
	size_t i;

	for (i = 0; i < m->nbugs; i++)
		if (m->bugs[i].scn == scn && m->bugs[i].off == off)
			return true;
	return false;
}

static bool is_system_register(x86_reg r)
{
	return (r >= X86_REG_CR0 && r <= X86_REG_CR15) ||
	       (r >= X86_REG_DR0 && r <= X86_REG_DR15);
}

/* Why instruction I may not run in a module, or NULL. */
static const char *forbidden(const cs_insn *i)
{
	const cs_x86 *x = &i->detail->x86;
	int k;

	switch (i->id) {
	case X86_INS_CLI: case X86_INS_STI:
		return "changes the interrupt flag";
	case X86_INS_HLT:
		return "halts the CPU";
	case X86_INS_IN: case X86_INS_OUT: case X86_INS_INSB:
	case X86_INS_INSW: case X86_INS_INSD: case X86_INS_OUTSB:
	case X86_INS_OUTSW: case X86_INS_OUTSD:
		return "port I/O";
	case X86_INS_WRMSR: case X86_INS_RDMSR:
		return "model-specific register access";
	case X86_INS_LGDT: case X86_INS_LIDT: case X86_INS_LLDT:
	case X86_INS_LTR: case X86_INS_LMSW: case X86_INS_CLTS:
		return "loads a system register";
	case X86_INS_INVLPG: case X86_INS_WBINVD: case X86_INS_INVD:
		return "flushes caches or the TLB";
	case X86_INS_SWAPGS: case X86_INS_SYSRET: case X86_INS_SYSEXIT:
	case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_IRETQ:
		return "leaves the kernel";
	case X86_INS_INT: case X86_INS_INT1: case X86_INS_INTO:
		return "raises a software interrupt";
	case X86_INS_XSETBV:
		return "writes an extended control register";
	case X86_INS_MOV:
		for (k = 0; k < x->op_count; k++)
			if (x->operands[k].type == X86_OP_REG &&
			    is_system_register(x->operands[k].reg))
				return "moves to or from a control or debug register";
		return NULL;
	}
	return NULL;
}

/* The frame an instruction adds: a push's 8 bytes, a `sub $N, %rsp`'s N. */
static unsigned frame_bytes(const cs_insn *i)
{
	const cs_x86 *x = &i->detail->x86;

	if (i->id == X86_INS_PUSH || i->id == X86_INS_PUSHFQ)
		return 8;
	if (i->id == X86_INS_SUB && x->op_count == 2 &&
	    x->operands[0].type == X86_OP_REG &&
	    x->operands[0].reg == X86_REG_RSP &&
	    x->operands[1].type == X86_OP_IMM && x->operands[1].imm > 0)
		return (unsigned)x->operands[1].imm;
	if (i->id == X86_INS_ENTER && x->op_count >= 1 &&
	    x->operands[0].type == X86_OP_IMM)
		return 8 + (unsigned)x->operands[0].imm;
	return 0;
}

struct code_rules {
	bool may_privileged;	/* guru at stapdev */
	unsigned budget;
};

static void check_function(struct module *m, csh cs, const struct code_rules *r,
			   size_t scn, const unsigned char *code,
			   const GElf_Sym *fn, const char *name)
{
	cs_insn *insn = cs_malloc(cs);
	const uint8_t *p = code + fn->st_value;
	size_t left = fn->st_size;
	uint64_t addr = fn->st_value;
	unsigned frame = 0, biggest = 0;

	while (left && cs_disasm_iter(cs, &p, &left, &addr, insn)) {
		uint64_t off = insn->address - fn->st_value;
		const char *why = forbidden(insn);
		unsigned add = frame_bytes(insn);

		if (why && !r->may_privileged)
			violation(m, "%s+%#llx: %s %s: %s", name,
				  (unsigned long long)off, insn->mnemonic,
				  insn->op_str, why);
		if (insn->id == X86_INS_UD2 && !r->may_privileged &&
		    !is_bug_site(m, scn, insn->address))
			violation(m, "%s+%#llx: ud2 outside the kernel's BUG "
				  "table", name, (unsigned long long)off);
		/* Pushes add up; the largest single adjustment counts once
		 * (a function's paths each make their own). */
		if (insn->id == X86_INS_SUB)
			biggest = add > biggest ? add : biggest;
		else
			frame += add;
	}
	if (left)
		violation(m, "%s+%#llx: cannot be decoded as x86-64", name,
			  (unsigned long long)(fn->st_size - left));
	if (frame + biggest > r->budget)
		violation(m, "%s: a stack frame of %u bytes, over the budget "
			  "of %u", name, frame + biggest, r->budget);
	cs_free(insn, 1);
}

static void check_code(struct module *m, const struct code_rules *r)
{
	csh cs;
	size_t i;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		violation(m, "the disassembler (Capstone) cannot start");
		return;
	}
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	for (i = 1; i < m->nsyms; i++) {
		GElf_Sym s;
		GElf_Shdr sh;
		Elf_Scn *scn;
		Elf_Data *d;

		if (!gelf_getsym(m->syms, (int)i, &s) ||
		    GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_size ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE ||
		    !(scn = elf_getscn(m->elf, s.st_shndx)) ||
		    !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR) ||
		    sh.sh_type != SHT_PROGBITS || !(d = elf_getdata(scn, NULL)) ||
		    !d->d_buf || s.st_value + s.st_size > d->d_size)
			continue;
		check_function(m, cs, r, s.st_shndx, d->d_buf, &s,
			       symbol_name(m, &s));
	}
	cs_close(&cs);
}

/* ---- sections and version ---- */

static void check_sections(struct module *m)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(m->elf, scn))) {
		const char *name = section_name(m, scn, &sh);

		if ((sh.sh_flags & SHF_WRITE) && (sh.sh_flags & SHF_EXECINSTR))
			violation(m, "section %s is both writable and executable",
				  name);
	}
}

/* .modinfo's "vermagic=RELEASE SMP preempt ..." */
static void check_version(struct module *m, const char *release)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(m, ".modinfo", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	size_t off = 0, n;

	while (d && d->d_buf && off < d->d_size) {
		const char *s = (const char *)d->d_buf + off;

		n = strnlen(s, d->d_size - off);
		if (n > 9 && !strncmp(s, "vermagic=", 9)) {
			size_t rl = strlen(release);

			if (strncmp(s + 9, release, rl) || (s[9 + rl] != ' ' &&
							    s[9 + rl] != 0))
				violation(m, "built for kernel %.*s, not %s",
					  (int)strcspn(s + 9, " "), s + 9,
					  release);
			return;
		}
		off += n + 1;
	}
	violation(m, "no vermagic in .modinfo: not built by kbuild");
}

int validate_module(const char *path, const struct validate_opts *o,
		    FILE *report)
{
	return validate_image(path, NULL, 0, o, report);
}

int validate_image(const char *path, const char *data, size_t len,
		   const struct validate_opts *o, FILE *report)
{
	struct module m = { .path = path, .report = report };
	struct code_rules rules;
	enum stp_privilege level;

	if (data) {
		m.data = xmalloc(len ? len : 1);
		memcpy(m.data, data, len);
		m.len = len;
	}
	if (open_module(&m) == 0) {
		level = o->level != PRIV_NONE ? o->level : m.level;
		rules.may_privileged = m.guru && level == PRIV_STAPDEV;
		rules.budget = o->stack_budget ? o->stack_budget :
			       VALIDATE_STACK_BUDGET;
		read_bug_table(&m);
		check_imports(&m, level, o->symvers);
		check_code(&m, &rules);
		check_sections(&m);
		if (o->release)
			check_version(&m, o->release);
	}
	if (m.elf)
		elf_end(m.elf);
	free(m.bugs);
	free(m.data);
	return m.violations;
}
