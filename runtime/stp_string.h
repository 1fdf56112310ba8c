/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_string.h - bounded strings and the string functions of the tapset.
 *
 * Every output buffer is MAXSTRINGLEN bytes: results are truncated to
 * MAXSTRINGLEN - 1 bytes and always NUL-terminated, never overflowed.
 * Semantics are SystemTap's (its run tests substr, stringat, strtol,
 * text_str, tokenize, string_quoted, str_replace hold the expected output).
 */
#ifndef STP_STRING_H
#define STP_STRING_H

#include "stp_types.h"

/*
 * Copy / append with truncation to SIZE bytes, NUL included; return the
 * length of the result (not, as BSD strlcpy, of SRC).  stp_strlcpy
 * allows DST and SRC to overlap.
 */
size_t stp_strlcpy(char *dst, const char *src, size_t size);
size_t stp_strlcat(char *dst, const char *src, size_t size);

/* dst = a . b, bounded by MAXSTRINGLEN (dst may be a or b). */
void stp_concat(char *dst, const char *a, const char *b);

/* The decimal text of V into OUT (MAXSTRINGLEN). */
void stp_long_str(char *out, int64_t v);

/* substr(str, start, length): "" when start is outside the string
 * (OUT may be STR). */
void stp_substr(char *out, const char *str, int64_t start, int64_t length);

/* stringat(str, index): the byte, or STP_ERANGE in *err outside it.
 * Bytes >= 0x80 are negative, as a (signed, x86) char in SystemTap. */
int64_t stp_stringat(const char *str, int64_t index, int *err);

/* strpos(str, sub): the offset of the first SUB in STR, or -1;
 * isinstr(str, sub).  An empty SUB is found at 0. */
int64_t stp_strpos(const char *str, const char *sub);
bool stp_isinstr(const char *str, const char *sub);

/* str_replace(str, search, replace): every occurrence, left to right;
 * an empty SEARCH leaves STR as it is.  OUT must not overlap the inputs. */
void stp_str_replace(char *out, const char *str, const char *search,
		     const char *replace);

/* strtol(str, base): base 2..36 (else STP_EINVAL in *err), as the
 * kernel's simple_strtol: optional '-', "0x" skipped in base 16, no
 * leading blanks, stops at the first non-digit, wraps on overflow. */
int64_t stp_strtol(const char *str, int64_t base, int *err);

/*
 * text_str / text_strn / string_quoted: non-printable bytes as C escapes
 * (\n, \ooo, "\"" and "\\"), valid UTF-8 as \uXXXX / \UXXXXXXXX.  LEN
 * bounds the OUTPUT, quotes and "..." included (0, or more than
 * MAXSTRINGLEN - 1: MAXSTRINGLEN - 1); an escape is never split.
 * QUOTED adds double quotes, and "..." after them when the input was
 * cut: text_strn("1234567890", 10, 1) is "12345"... (10 bytes).
 * text_str(s) is (s, 0, 0), string_quoted(s) is (s, 0, 1).  OUT must
 * not overlap IN.
 */
void stp_text_str(char *out, const char *in, int64_t len, int quoted);

/*
 * tokenize(input, delim): the next token of INPUT (or, with INPUT "", of
 * the previous one), skipping empty tokens; "" at the end.  STATE is the
 * caller's MAXSTRINGLEN buffer plus position, kept between calls;
 * zero-initialise it.  Tokens split at any byte of DELIM (strsep).
 */
struct stp_tokenizer {
	char buf[MAXSTRINGLEN];
	size_t pos;
};
void stp_tokenize(struct stp_tokenizer *state, char *out, const char *input,
		  const char *delim);

/*
 * ctime(secs): "Wed Jun 30 21:49:08 1993" (UTC, 24 characters) for
 * secs in the 32-bit range; outside it STP_ERANGE (SystemTap 4.8's
 * "Time too far in the future/past to be converted" error), with OUT
 * holding the text SystemTap <= 2.2 returned instead ("far far in the
 * future...", "a long, long time ago...").  Returns 0 otherwise.
 * (Changed from void: the error needs a way out.)
 */
int stp_ctime(char *out, int64_t secs);

#endif /* STP_STRING_H */
