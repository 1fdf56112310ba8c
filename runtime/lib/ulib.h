/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ulib.h - the user-space helpers stap, stapgrid and staprun share
 * (runtime/lib/ulib.c): allocation that cannot fail, whole files, and
 * the GNU build id in a run of ELF notes.  One copy for the three
 * programs; each links ulib.c and defines ulib_oom.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stddef.h>
#include <stdint.h>

/* What running out of memory does in this program (say so, and exit
 * or abort): each program defines it.  N is the size asked for. */
_Noreturn void ulib_oom(size_t n);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);		/* NULL for NULL */
/* P with room for NEED bytes: when *CAP is less, reallocated to twice
 * NEED (*CAP says so).  The growing buffers' one policy. */
void *xgrow(void *p, size_t *cap, size_t need);

/*
 * All of a file, NUL-terminated (also /proc and /sys files, whose size
 * says nothing), in memory from malloc; its length in *LEN when LEN is
 * not NULL.  NULL with errno set when it cannot be read.
 */
char *read_file(const char *path, size_t *len);

/*
 * The descriptor of the first note named NAME with type TYPE in NOTES
 * (LEN bytes: the contents of an SHT_NOTE section or PT_NOTE segment,
 * or /sys/kernel/notes), its size in *DESC_LEN; NULL when there is
 * none.  ALIGN is the notes' alignment (8 for 8-byte notes, otherwise
 * 4).  NOTES need not be aligned in memory.  A malformed note (sizes
 * past the end) ends the walk.
 */
const unsigned char *note_find(const void *notes, size_t len, size_t align,
			       const char *name, uint32_t type,
			       size_t *desc_len);

/* The GNU build id (NT_GNU_BUILD_ID) in NOTES as lowercase hex, from
 * malloc; NULL when there is none, or it is empty or over 64 bytes. */
char *note_build_id(const void *notes, size_t len, size_t align);

#endif /* ULIB_H */
