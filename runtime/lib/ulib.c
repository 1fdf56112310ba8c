/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ulib.c - see ulib.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulib.h"

#define NT_GNU_BUILD_ID_TYPE 3	/* <elf.h>'s NT_GNU_BUILD_ID */
#define BUILD_ID_MAX 64

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		ulib_oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		ulib_oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		ulib_oom(n);
	return p;
}

void *xgrow(void *p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return p;
	*cap = need * 2;
	return xrealloc(p, *cap);
}

char *xstrdup(const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* A regular file's size plus two (one read to the end, one that says
 * it is the end), or a guess for the files whose size is no size. */
static size_t first_size(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		return (size_t)st.st_size + 2;
	return 65536;
}

char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap, n = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	cap = first_size(fd);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t k;

		if (cap - n < 2)
			buf = xrealloc(buf, cap *= 2);
		k = read(fd, buf + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int saved = errno;

			close(fd);
			free(buf);
			errno = saved;
			return NULL;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* X rounded up to ALIGN, or SIZE_MAX past LIMIT (never wraps). */
static size_t align_up(size_t x, size_t align, size_t limit)
{
	if (x > limit)
		return SIZE_MAX;
	return (x + align - 1) & ~(align - 1);
}

/*
 * A note: namesz, descsz and type (4 bytes each, the same in ELF32 and
 * ELF64), the name from offset 12, the descriptor where the name's
 * padding to ALIGN ends, the next note where the descriptor's does.
 * Offsets are counted from NOTES, whose start is aligned in the file.
 */
const unsigned char *note_find(const void *notes, size_t len, size_t align,
			       const char *name, uint32_t type,
			       size_t *desc_len)
{
	const unsigned char *p = notes;
	size_t off = 0, want = strlen(name) + 1;

	align = align == 8 ? 8 : 4;
	while (off <= len && len - off >= 12) {
		uint32_t h[3];
		size_t name_off = off + 12, desc;

		memcpy(h, p + off, sizeof(h));
		if (h[0] > len - name_off)
			return NULL;
		desc = align_up(name_off + h[0], align, len);
		if (desc > len || h[1] > len - desc)
			return NULL;
		if (h[2] == type && h[0] == want &&
		    !memcmp(p + name_off, name, want)) {
			*desc_len = h[1];
			return p + desc;
		}
		off = align_up(desc + h[1], align, len);
	}
	return NULL;
}

char *note_build_id(const void *notes, size_t len, size_t align)
{
	size_t n, i;
	const unsigned char *id = note_find(notes, len, align, "GNU",
					    NT_GNU_BUILD_ID_TYPE, &n);
	char *hex;

	if (!id || !n || n > BUILD_ID_MAX)
		return NULL;
	hex = xmalloc(2 * n + 1);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	return hex;
}
