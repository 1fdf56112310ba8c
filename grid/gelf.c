/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF facts of a kernel image, read from a read-only mapping: its build id
 * (the tracer keys its caches on it) and its .BTF section (symbols and
 * types for the tracer), copied out beside it.
 */
#include "grid.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const Elf64_Shdr *elf_sections(const struct g_map *m, int *n)
{
	const Elf64_Ehdr *eh = (const void *)m->p;

	if (m->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > m->len)
		return NULL;
	*n = eh->e_shnum;
	return (const void *)(m->p + eh->e_shoff);
}

static const char *elf_secname(const struct g_map *m, const Elf64_Shdr *sh, int i)
{
	const Elf64_Ehdr *eh = (const void *)m->p;
	const Elf64_Shdr *str = &sh[eh->e_shstrndx];

	if (str->sh_offset + sh[i].sh_name >= m->len)
		return "";
	return (const char *)m->p + str->sh_offset + sh[i].sh_name;
}

/* The first GNU build id in the SHT_NOTE sections (ulib's note walk). */
static char *elf_build_id(const struct g_map *m)
{
	int n;
	const Elf64_Shdr *sh = elf_sections(m, &n);

	for (int i = 0; sh && i < n; i++) {
		char *hex;

		if (sh[i].sh_type != SHT_NOTE || sh[i].sh_offset > m->len ||
		    sh[i].sh_size > m->len - sh[i].sh_offset)
			continue;
		hex = note_build_id(m->p + sh[i].sh_offset, sh[i].sh_size,
				    sh[i].sh_addralign);
		if (hex)
			return hex;
	}
	return NULL;
}

int g_map_file(const char *path, struct g_map *m)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		g_err("cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	m->len = (size_t)st.st_size;
	m->p = mmap(NULL, m->len ? m->len : 1, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m->p == MAP_FAILED) {
		g_err("cannot map %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	m->fd = fd;
	return 0;
}

void g_unmap_file(struct g_map *m)
{
	munmap((void *)m->p, m->len ? m->len : 1);
	close(m->fd);
}

/* Build id and BTF of vmlinux: the tracer keys its caches on the first and
 * resolves symbols and types from the second. */
int g_vmlinux_facts(const char *vmlinux, const char *btfpath, char **build_id, bool *has_btf)
{
	struct g_map m;
	int n, rc = 0;
	const Elf64_Shdr *sh;

	*has_btf = false;
	if (g_map_file(vmlinux, &m) < 0)
		return -1;
	sh = elf_sections(&m, &n);
	if (!sh) {
		g_err("%s: not an ELF64 kernel image", vmlinux);
		g_unmap_file(&m);
		return -1;
	}
	*build_id = elf_build_id(&m);
	for (int i = 0; i < n; i++)
		if (!strcmp(elf_secname(&m, sh, i), ".BTF") && sh[i].sh_offset + sh[i].sh_size <= m.len) {
			rc = g_writefile(btfpath, m.p + sh[i].sh_offset, sh[i].sh_size, 0644);
			*has_btf = rc == 0;
		}
	g_unmap_file(&m);
	return rc;
}
