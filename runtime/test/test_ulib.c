// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ulib.c - the user-space helpers stap, stapgrid and staprun share
 * (runtime/lib/ulib.c): the build id in well-formed and malformed notes,
 * whole files, allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "../lib/ulib.h"

/* Notes written into a buffer, each padded to its alignment. */
struct notes {
	unsigned char b[512];
	size_t len, align;
};

static void put(struct notes *n, const void *p, size_t len)
{
	memcpy(n->b + n->len, p, len);
	n->len += len;
}

static void pad(struct notes *n)
{
	while (n->len % n->align)
		n->b[n->len++] = 0;
}

static void note(struct notes *n, uint32_t namesz, const char *name,
		 uint32_t type, uint32_t descsz, const void *desc)
{
	uint32_t h[3] = { namesz, descsz, type };

	put(n, h, sizeof(h));
	put(n, name, strlen(name) + 1);
	pad(n);
	put(n, desc, descsz);
	pad(n);
}

static const unsigned char id20[20] = {
	0x0b, 0xad, 0xc0, 0xde, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	14, 15, 0xff
};
#define ID20 "0badc0de0102030405060708090a0b0c0d0e0fff"

/* The build id of N, "(none)" when there is none. */
static char got[256];

static const char *build_id(const struct notes *n, size_t skip)
{
	char *hex = note_build_id(n->b + skip, n->len - skip, n->align);

	snprintf(got, sizeof(got), "%s", hex ? hex : "(none)");
	free(hex);
	return got;
}

static void test_build_id_found(void)
{
	struct notes n = { .align = 4 };

	note(&n, 4, "GNU", 3, sizeof(id20), id20);
	EXPECT_STR(build_id(&n, 0), ID20);
	/* after a note whose name needs padding */
	n.len = 0;
	note(&n, 6, "Linux", 1, 4, "\1\2\3\4");
	note(&n, 4, "GNU", 1, 16, id20);	/* NT_GNU_ABI_TAG */
	note(&n, 4, "GNU", 3, sizeof(id20), id20);
	EXPECT_STR(build_id(&n, 0), ID20);
}

/* 8-byte notes: the descriptor and the next note on 8 bytes. */
static void test_build_id_align8(void)
{
	struct notes n = { .align = 8 };

	note(&n, 6, "Linux", 1, 4, "\1\2\3\4");
	note(&n, 4, "GNU", 3, sizeof(id20), id20);
	EXPECT_STR(build_id(&n, 0), ID20);
}

/* Notes at an odd address: no cast may assume alignment (UBSan). */
static void test_build_id_unaligned(void)
{
	struct notes n = { .align = 4, .len = 1 };
	struct notes m = { .align = 4 };

	note(&m, 6, "Linux", 1, 4, "\1\2\3\4");
	note(&m, 4, "GNU", 3, sizeof(id20), id20);
	put(&n, m.b, m.len);
	EXPECT_STR(build_id(&n, 1), ID20);
}

static void test_build_id_malformed(void)
{
	struct notes n = { .align = 4 };
	size_t whole;
	uint32_t big = 0xffffffffu;

	note(&n, 4, "GNU", 3, sizeof(id20), id20);
	whole = n.len;
	/* truncated: in the descriptor, in the name, in the header */
	n.len = whole - 4;
	EXPECT_STR(build_id(&n, 0), "(none)");
	n.len = 14;
	EXPECT_STR(build_id(&n, 0), "(none)");
	n.len = 8;
	EXPECT_STR(build_id(&n, 0), "(none)");
	n.len = 0;
	EXPECT_STR(build_id(&n, 0), "(none)");
	/* namesz and descsz past the end, and near 2^32 */
	n.len = whole;
	memcpy(n.b, &big, 4);
	EXPECT_STR(build_id(&n, 0), "(none)");
	big = 4;
	memcpy(n.b, &big, 4);
	big = 0xfffffffdu;
	memcpy(n.b + 4, &big, 4);
	EXPECT_STR(build_id(&n, 0), "(none)");
	big = (uint32_t)whole;
	memcpy(n.b + 4, &big, 4);
	EXPECT_STR(build_id(&n, 0), "(none)");
	/* a note past the end hides the build id after it */
	n.len = 0;
	note(&n, 4, "GNU", 1, 4, "abcd");
	big = 100;
	memcpy(n.b + 4, &big, 4);
	note(&n, 4, "GNU", 3, sizeof(id20), id20);
	EXPECT_STR(build_id(&n, 0), "(none)");
}

static void test_build_id_absent(void)
{
	struct notes n = { .align = 4 };
	unsigned char huge[BUFSIZ] = { 0 };

	note(&n, 4, "GNU", 1, 16, id20);		/* only the ABI tag */
	note(&n, 6, "Linux", 3, 4, "\1\2\3\4");	/* type 3, not GNU's */
	note(&n, 4, "GNX", 3, sizeof(id20), id20);	/* a name like it */
	EXPECT_STR(build_id(&n, 0), "(none)");
	n.len = 0;
	note(&n, 4, "GNU", 3, 0, "");			/* empty */
	EXPECT_STR(build_id(&n, 0), "(none)");
	n.len = 0;
	note(&n, 4, "GNU", 3, 65, huge);		/* over 64 bytes */
	EXPECT_STR(build_id(&n, 0), "(none)");
	n.len = 0;
	note(&n, 4, "GNU", 3, 64, huge);
	EXPECT_EQ(strlen(build_id(&n, 0)), 128);
}

static void test_read_file(void)
{
	char path[] = "/tmp/test_ulib.XXXXXX";
	int fd = mkstemp(path);
	size_t len = 99;
	char *s;

	EXPECT(fd >= 0);
	EXPECT_EQ(write(fd, "abc\0def", 7), 7);
	close(fd);
	s = read_file(path, &len);
	EXPECT(s && len == 7 && !memcmp(s, "abc\0def", 8));
	free(s);
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	s = read_file(path, NULL);
	EXPECT(s && !*s);
	free(s);
	unlink(path);
	errno = 0;
	EXPECT(!read_file(path, &len) && errno == ENOENT);
	errno = 0;
	EXPECT(!read_file("/tmp", &len) && errno == EISDIR);
	/* a /proc file says its size is 0 */
	s = read_file("/proc/self/status", &len);
	EXPECT(s && len > 100 && strlen(s) == len && strstr(s, "Name:"));
	free(s);
}

static void test_alloc(void)
{
	char *s = xstrdup("stap");

	EXPECT_STR(s, "stap");
	EXPECT(xstrdup(NULL) == NULL);
	s = xrealloc(s, 1 << 20);
	EXPECT_STR(s, "stap");
	free(s);
	s = xcalloc(3, 5);
	EXPECT(s && !s[0] && !s[14]);
	free(s);
	free(xmalloc(0));
}

/* The growing buffers' policy: twice what is needed, only when needed. */
static void test_grow(void)
{
	size_t cap = 0;
	char *p = xgrow(NULL, &cap, 10), *q;

	EXPECT(p && cap == 20);
	q = xgrow(p, &cap, 20);
	EXPECT(q == p && cap == 20);
	p = xgrow(q, &cap, 21);
	EXPECT(p && cap == 42);
	free(p);
}

int main(void)
{
	run_test("ulib build id", test_build_id_found);
	run_test("ulib build id: 8-byte notes", test_build_id_align8);
	run_test("ulib build id: unaligned notes", test_build_id_unaligned);
	run_test("ulib build id: malformed notes", test_build_id_malformed);
	run_test("ulib build id: none", test_build_id_absent);
	run_test("ulib read_file", test_read_file);
	run_test("ulib allocation", test_alloc);
	run_test("ulib xgrow", test_grow);
	return t_finish("ulib");
}
