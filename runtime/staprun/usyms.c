/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usyms.c - staprun's side of user symbols (runtime/kernel/kusym.h):
 * the binaries the module names, each checked against the build id the
 * translator recorded, their symbol tables read with elfutils and
 * uploaded before the probes arm.
 *
 * Symbols are kept by file offset (a symbol's address through the
 * PT_LOAD segment holding it), which is what the module finds from a
 * mapping, wherever the binary is loaded.  They come from the binary's
 * .symtab and .dynsym and, when libdwfl finds its separate debuginfo
 * (Debian's -dbg and -dbgsym packages, by build id or debuglink), from
 * that file's .symtab too: a stripped libc's local functions
 * (__libc_start_call_main) are named then.
 *
 * Each binary's .eh_frame is reduced to call-frame rows (kusym.h): libdw
 * says what the CFI rules are at an address and over which range they
 * hold; the rules x86-64 code uses (the CFA as rsp or rbp plus an
 * offset, the return address at CFA - 8, rbp saved at CFA + N or left
 * alone) become a row, anything else a row that says "unknown", where
 * the module falls back to frame pointers.  Of symbols at one offset the
 * one with the fewest leading underscores names it (write, not
 * __libc_write), then a global one.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kusym.h"
#include "../lib/ulib.h"

struct usym_entry {
	uint64_t offset;
	uint64_t size;
	char *name;
	int rank;		/* lower names it: underscores, binding */
};

struct usym_binary {
	char *path;
	struct usym_entry *syms;
	size_t n, cap;
	struct stp_ucfi *rows;
	size_t nrows, caprows;
};

static struct usym_binary *binaries;
static size_t nbinaries;
static bool wanted;

/* PATH's build id in hex ("" without one) into ID; false if PATH is no
 * readable ELF file. */
static bool file_build_id(const char *path, char *id, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	const unsigned char *b = NULL;
	ssize_t n, i;

	id[0] = 0;
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		if (fd >= 0)
			close(fd);
		return false;
	}
	n = dwelf_elf_gnu_build_id(elf, (const void **)&b);
	for (i = 0; i < n && (size_t)(2 * i + 2) < size; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	elf_end(elf);
	close(fd);
	return true;
}

/* The ELF virtual address V of ELF as an offset in its file; false if
 * no loaded segment holds it. */
static bool file_offset(Elf *elf, uint64_t v, uint64_t *off)
{
	size_t i, n;

	if (elf_getphdrnum(elf, &n) != 0)
		return false;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    v >= ph.p_vaddr && v < ph.p_vaddr + ph.p_filesz) {
			*off = v - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

static int name_rank(const char *name, const GElf_Sym *sym)
{
	int underscores = (int)strspn(name, "_");
	int bind = GELF_ST_BIND(sym->st_info);

	return underscores * 4 + (bind == STB_GLOBAL ? 0 : bind == STB_WEAK ?
				  1 : 2);
}

/* LAYOUT is the binary's ELF (its segments place a symbol in the file),
 * whichever file the symbol came from. */
static void add_symbol(struct usym_binary *b, Elf *layout, const char *name,
		       const GElf_Sym *sym)
{
	int type = GELF_ST_TYPE(sym->st_info);
	uint64_t off;

	if (!name || !*name || sym->st_shndx == SHN_UNDEF ||
	    (type != STT_FUNC && type != STT_GNU_IFUNC) ||
	    !file_offset(layout, sym->st_value, &off))
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->syms = xrealloc(b->syms, b->cap * sizeof(*b->syms));
	}
	b->syms[b->n].offset = off;
	b->syms[b->n].size = sym->st_size;
	b->syms[b->n].name = xstrdup(name);
	b->syms[b->n].name[strcspn(name, "@")] = 0;	/* foo@VERSION */
	b->syms[b->n].rank = name_rank(name, sym);
	b->n++;
}

/* The function symbols of ELF's .symtab and .dynsym, placed by LAYOUT. */
static void read_symbols(struct usym_binary *b, Elf *elf, Elf *layout)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB &&
						sh.sh_type != SHT_DYNSYM) ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		for (i = 1; i < n; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			add_symbol(b, layout, name, &sym);
		}
	}
}

static int compare_entries(const void *x, const void *y)
{
	const struct usym_entry *a = x, *b = y;

	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return strcmp(a->name, b->name);
}

/* Sorted, one symbol an offset, a size for each that has none (up to
 * the next symbol). */
static void settle_symbols(struct usym_binary *b)
{
	size_t i, k = 0;

	qsort(b->syms, b->n, sizeof(*b->syms), compare_entries);
	for (i = 0; i < b->n; i++) {
		if (k && b->syms[i].offset == b->syms[k - 1].offset) {
			free(b->syms[i].name);
			continue;
		}
		b->syms[k++] = b->syms[i];
	}
	b->n = k;
	for (i = 0; i + 1 < b->n; i++)
		if (!b->syms[i].size)
			b->syms[i].size = b->syms[i + 1].offset -
					  b->syms[i].offset;
}

/* ---- call-frame rows ---- */

static void add_row(struct usym_binary *b, const struct stp_ucfi *r)
{
	struct stp_ucfi *last = b->nrows ? &b->rows[b->nrows - 1] : NULL;

	if (last && last->cfa_reg == r->cfa_reg &&
	    last->cfa_off == r->cfa_off && last->rbp_off == r->rbp_off)
		return;		/* the same rules go on */
	if (last && last->offset == r->offset) {
		*last = *r;
		return;
	}
	if (b->nrows == b->caprows) {
		b->caprows = b->caprows ? b->caprows * 2 : 4096;
		b->rows = xrealloc(b->rows, b->caprows * sizeof(*b->rows));
	}
	b->rows[b->nrows++] = *r;
}

/* The "[CFA + N]" location libdw gives for a saved register: N. */
static bool cfa_slot(const Dwarf_Op *ops, size_t n, int64_t *off)
{
	if (n != 2 || ops[0].atom != DW_OP_call_frame_cfa ||
	    ops[1].atom != DW_OP_plus_uconst)
		return false;
	*off = (int64_t)ops[1].number;
	return true;
}

/* FRAME's rules as a row (cfa_reg STP_UCFI_NONE when not simple). */
static void frame_row(Dwarf_Frame *frame, struct stp_ucfi *r)
{
	Dwarf_Op mem[3], *ops;
	size_t n;
	int64_t off, ra, bp = 0;
	bool signal = false;

	r->cfa_reg = STP_UCFI_NONE;
	dwarf_frame_info(frame, NULL, NULL, &signal);
	if (signal || dwarf_frame_cfa(frame, &ops, &n) != 0 || n != 1)
		return;
	if (ops[0].atom == DW_OP_bregx &&
	    (ops[0].number == STP_UCFI_RSP || ops[0].number == STP_UCFI_RBP)) {
		r->cfa_reg = (uint8_t)ops[0].number;
		off = (int64_t)ops[0].number2;
	} else if (ops[0].atom == DW_OP_breg0 + STP_UCFI_RSP ||
		   ops[0].atom == DW_OP_breg0 + STP_UCFI_RBP) {
		r->cfa_reg = (uint8_t)(ops[0].atom - DW_OP_breg0);
		off = (int64_t)ops[0].number;
	} else {
		return;
	}
	if (dwarf_frame_register(frame, 16, mem, &ops, &n) != 0 ||
	    !cfa_slot(ops, n, &ra) || ra != -8 ||
	    dwarf_frame_register(frame, STP_UCFI_RBP, mem, &ops, &n) != 0 ||
	    (n && !cfa_slot(ops, n, &bp)) || bp < INT16_MIN || bp > INT16_MAX ||
	    off < INT32_MIN || off > INT32_MAX) {
		r->cfa_reg = STP_UCFI_NONE;
		return;
	}
	r->cfa_off = (int32_t)off;
	r->rbp_off = (int16_t)bp;
}

/* The first symbol past file offset OFF, or 0. */
static uint64_t next_symbol(const struct usym_binary *b, uint64_t off)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->syms[mid].offset <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n ? b->syms[lo].offset : 0;
}

/* The rows of one executable segment's code, [VADDR, VADDR + SIZE)
 * stored from file offset FOFF.  Code libdw has no CFI for is skipped
 * to the next symbol, behind an "unknown" row. */
static void segment_rows(struct usym_binary *b, Dwarf_CFI *cfi,
			 uint64_t vaddr, uint64_t size, uint64_t foff)
{
	uint64_t a = vaddr;

	while (a < vaddr + size) {
		struct stp_ucfi r = { .offset = a - vaddr + foff };
		Dwarf_Frame *frame;
		Dwarf_Addr start, end;

		if (dwarf_cfi_addrframe(cfi, a, &frame) != 0) {
			uint64_t next = next_symbol(b, r.offset);

			r.cfa_reg = STP_UCFI_NONE;
			add_row(b, &r);
			if (!next)
				break;
			a = next - foff + vaddr;
			continue;
		}
		frame_row(frame, &r);
		dwarf_frame_info(frame, &start, &end, NULL);
		free(frame);
		add_row(b, &r);
		a = end > a ? end : a + 1;
	}
}

/* ELF's .eh_frame as rows, over its executable segments. */
static void read_cfi_rows(struct usym_binary *b, Elf *elf)
{
	Dwarf_CFI *cfi = dwarf_getcfi_elf(elf);
	size_t i, n;

	if (!cfi)
		return;
	if (elf_getphdrnum(elf, &n) == 0)
		for (i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, (int)i, &ph) &&
			    ph.p_type == PT_LOAD && (ph.p_flags & PF_X))
				segment_rows(b, cfi, ph.p_vaddr, ph.p_filesz,
					     ph.p_offset);
		}
	dwarf_cfi_end(cfi);
}

/* ---- symbols ---- */

static const Dwfl_Callbacks offline = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* PATH's separate debuginfo, as libdwfl finds it, read for its .symtab. */
static void read_debuginfo_symbols(struct usym_binary *b, const char *path,
				   Elf *layout)
{
	Dwfl *dwfl = dwfl_begin(&offline);
	Dwfl_Module *mod = dwfl ? dwfl_report_offline(dwfl, "binary", path,
						      -1) : NULL;
	const char *debugfile = NULL;
	Dwarf_Addr bias;
	Elf *debug;

	if (mod && dwfl_report_end(dwfl, NULL, NULL) == 0 &&
	    dwfl_module_getdwarf(mod, &bias) != NULL)
		dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL,
				 &debugfile);
	if (debugfile && strcmp(debugfile, path)) {
		int fd = open(debugfile, O_RDONLY | O_CLOEXEC);

		debug = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
		if (debug) {
			read_symbols(b, debug, layout);
			elf_end(debug);
		}
		if (fd >= 0)
			close(fd);
	}
	if (dwfl)
		dwfl_end(dwfl);
}

static void load_binary(const char *path)
{
	struct usym_binary *b;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;

	binaries = xrealloc(binaries, (nbinaries + 1) * sizeof(*binaries));
	b = &binaries[nbinaries++];
	memset(b, 0, sizeof(*b));
	b->path = xstrdup(path);
	if (elf) {
		read_symbols(b, elf, elf);
		read_debuginfo_symbols(b, path, elf);
	}
	settle_symbols(b);
	if (elf)
		read_cfi_rows(b, elf);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
}

const char *usyms_prepare(const char *image, size_t len)
{
	static char why[1024];
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	const char *list = NULL;
	size_t list_len = 0, off;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)image, len);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;	/* read_image says what is wrong */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, STP_USYMS_WANTED_SECTION))
			wanted = true;
		else if (!strcmp(name, STP_USYMS_LIST_SECTION) &&
			 sh.sh_type != SHT_NOBITS &&
			 sh.sh_offset + sh.sh_size <= len) {
			list = image + sh.sh_offset;
			list_len = sh.sh_size;
		}
	}
	elf_end(elf);
	for (off = 0; list && off < list_len; ) {
		const char *path = list + off, *want;
		size_t plen = strnlen(path, list_len - off);
		char id[130];

		if (plen == 0 || off + plen + 1 >= list_len)
			break;
		want = path + plen + 1;
		off += plen + 1 + strnlen(want, list_len - off - plen - 1) + 1;
		errno = 0;
		if (!file_build_id(path, id, sizeof(id))) {
			snprintf(why, sizeof(why), "%s, whose symbols the "
				 "module uses, cannot be read: %s", path,
				 errno ? strerror(errno) : "not an ELF file");
			return why;
		}
		if (*want && strcmp(id, want)) {
			snprintf(why, sizeof(why), "%s has build id %s, but "
				 "the module was built against build id %s: "
				 "translate the script again", path,
				 *id ? id : "(none)", want);
			return why;
		}
		if (wanted && nbinaries < STP_USYMS_MAX_BINARIES)
			load_binary(path);
	}
	return NULL;
}

/* The table of kusym.h; NULL if there is nothing to send. */
static char *build_table(size_t *size, size_t *count)
{
	struct stp_usyms_header h = { .magic = STP_USYMS_MAGIC };
	struct stp_usym_binary *bin;
	struct stp_usym *sym;
	struct stp_ucfi *row;
	size_t strings = 1, n = 0, rows = 0, i, k, s = 1;
	char *blob, *str;

	for (i = 0; i < nbinaries; i++) {
		strings += strlen(binaries[i].path) + 1;
		for (k = 0; k < binaries[i].n; k++)
			strings += strlen(binaries[i].syms[k].name) + 1;
		n += binaries[i].n;
		rows += binaries[i].nrows;
	}
	*size = sizeof(h) + nbinaries * sizeof(*bin) + n * sizeof(*sym) +
		rows * sizeof(*row) + strings;
	if (!nbinaries || *size > STP_USYMS_MAX)
		return NULL;
	blob = xcalloc(1, *size);
	bin = (struct stp_usym_binary *)(blob + sizeof(h));
	sym = (struct stp_usym *)(bin + nbinaries);
	row = (struct stp_ucfi *)(sym + n);
	str = (char *)(row + rows);
	for (i = 0, rows = 0; i < nbinaries; i++) {
		bin[i].first_row = (uint32_t)rows;
		bin[i].nrows = (uint32_t)binaries[i].nrows;
		memcpy(row + rows, binaries[i].rows,
		       binaries[i].nrows * sizeof(*row));
		rows += binaries[i].nrows;
	}
	for (i = 0, n = 0; i < nbinaries; i++) {
		bin[i].path = (uint32_t)s;
		s += (size_t)sprintf(str + s, "%s", binaries[i].path) + 1;
		bin[i].first = (uint32_t)n;
		bin[i].count = (uint32_t)binaries[i].n;
		for (k = 0; k < binaries[i].n; k++, n++) {
			const struct usym_entry *e = &binaries[i].syms[k];

			sym[n].offset = e->offset;
			sym[n].size = e->size <= UINT32_MAX ?
				      (uint32_t)e->size : 0;
			sym[n].name = (uint32_t)s;
			s += (size_t)sprintf(str + s, "%s", e->name) + 1;
		}
	}
	h.binaries = (uint32_t)nbinaries;
	h.count = (uint32_t)n;
	h.rows = (uint32_t)rows;
	h.strings = (uint32_t)strings;
	memcpy(blob, &h, sizeof(h));
	*count = n;
	return blob;
}

static int write_all(int fd, const char *p, size_t size)
{
	size_t off = 0;

	while (off < size) {
		size_t chunk = size - off < (1 << 20) ? size - off : 1 << 20;
		ssize_t k = write(fd, p + off, chunk);

		if (k <= 0)
			return k < 0 ? errno : EIO;
		off += (size_t)k;
	}
	return 0;
}

static int send_command(int cmd_fd, const char *line)
{
	ssize_t n = write(cmd_fd, line, strlen(line));

	return n == (ssize_t)strlen(line) ? 0 : n < 0 ? errno : EIO;
}

void usyms_upload(const char *dir, int cmd_fd, bool verbose)
{
	size_t size = 0, count = 0;
	char *blob = wanted ? build_table(&size, &count) : NULL;
	char path[512], line[64];
	int fd = -1, rc;

	if (!blob) {
		if (wanted && nbinaries)
			fprintf(stderr, "WARNING: the user symbol table is too "
				"large (%zu bytes); user symbols show as "
				"addresses\n", size);
		return;
	}
	snprintf(line, sizeof(line), "usymbols %zu", size);
	rc = send_command(cmd_fd, line);
	snprintf(path, sizeof(path), "%s/.usymbols", dir);
	if (rc == 0 && (fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		rc = errno;
	if (rc == 0)
		rc = write_all(fd, blob, size);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		rc = send_command(cmd_fd, "usymbols end");
	free(blob);
	if (rc)
		fprintf(stderr, "WARNING: the module refused the user symbol "
			"table: %s; user symbols show as addresses\n",
			strerror(rc));
	else if (verbose)
		fprintf(stderr, "staprun: %zu user symbols and call-frame rows"
			" of %zu binaries (%zu bytes) uploaded\n", count,
			nbinaries, size);
}
