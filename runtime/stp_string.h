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

/* Copy / append with truncation; return the length of the result. */
size_t stp_strlcpy(char *dst, const char *src, size_t size);
size_t stp_strlcat(char *dst, const char *src, size_t size);

/* dst = a . b, bounded by MAXSTRINGLEN (dst may be a or b). */
void stp_concat(char *dst, const char *a, const char *b);

/* The decimal text of V into OUT (MAXSTRINGLEN). */
void stp_long_str(char *out, int64_t v);

/* substr(str, start, length): "" when start is outside the string. */
void stp_substr(char *out, const char *str, int64_t start, int64_t length);

/* stringat(str, index): the byte, or STP_ERANGE in *err outside it. */
int64_t stp_stringat(const char *str, int64_t index, int *err);

/* str_replace(str, search, replace): every occurrence, left to right. */
void stp_str_replace(char *out, const char *str, const char *search,
		     const char *replace);

/* strtol(str, base): base 2..36 (else STP_EINVAL in *err). */
int64_t stp_strtol(const char *str, int64_t base, int *err);

/*
 * text_str / text_strn / string_quoted: LEN input bytes at most (0: all);
 * non-printable bytes as C escapes; QUOTED adds double quotes and "..."
 * when the input was cut.
 */
void stp_text_str(char *out, const char *in, int64_t len, int quoted);

/*
 * tokenize(input, delim): the next token of INPUT (or, with INPUT "", of
 * the previous one), skipping empty tokens; "" at the end.  STATE is the
 * caller's MAXSTRINGLEN buffer plus position, kept between calls.
 */
struct stp_tokenizer {
	char buf[MAXSTRINGLEN];
	size_t pos;
};
void stp_tokenize(struct stp_tokenizer *state, char *out, const char *input,
		  const char *delim);

/* ctime(secs): "Wed Jun 30 21:49:08 1993" (UTC), or SystemTap's texts
 * for values out of range. */
void stp_ctime(char *out, int64_t secs);

#endif /* STP_STRING_H */
