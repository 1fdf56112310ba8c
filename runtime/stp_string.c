// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stp_string.c - bounded strings and the string functions of the tapset.
 *
 * Every function here writes at most MAXSTRINGLEN bytes, NUL included,
 * reads its inputs no further than their NUL (or MAXSTRINGLEN - 1 bytes)
 * and loops a bounded number of times.  The semantics follow SystemTap's
 * tapset (string.stp, tokenize.stp, ctime.stp) and its runtime's
 * _stp_text_str(); the comments say where an odd-looking detail comes
 * from.
 */
#include "stp_string.h"

/* Length of S, looking at no more than MAX bytes. */
static inline size_t bounded_len(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max);

	return nul ? (size_t)(nul - s) : max;
}

size_t stp_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return 0;
	n = bounded_len(src, size - 1);
	memmove(dst, src, n);
	dst[n] = '\0';
	return n;
}

size_t stp_strlcat(char *dst, const char *src, size_t size)
{
	size_t d = bounded_len(dst, size);

	if (d >= size)
		return d;	/* not terminated within SIZE: leave it */
	return d + stp_strlcpy(dst + d, src, size - d);
}

void stp_concat(char *dst, const char *a, const char *b)
{
	size_t la = bounded_len(a, MAXSTRINGLEN - 1);
	size_t lb = bounded_len(b, MAXSTRINGLEN - 1 - la);

	/* B first: DST may be B, and A's copy would overwrite it. */
	memmove(dst + la, b, lb);
	if (dst != a)
		memmove(dst, a, la);
	dst[la + lb] = '\0';
}

void stp_long_str(char *out, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int i = sizeof(tmp);
	size_t n;

	do {
		tmp[--i] = (char)('0' + stp_do_div(&u, 10));
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	n = sizeof(tmp) - i;
	if (n > MAXSTRINGLEN - 1)
		n = MAXSTRINGLEN - 1;	/* only with -DMAXSTRINGLEN < 21 */
	memcpy(out, tmp + i, n);
	out[n] = '\0';
}

/*
 * SystemTap computes the copy size as length + 1 clamped to
 * [0, MAXSTRINGLEN], in wrapping 64-bit arithmetic: substr(s, 0,
 * 9223372036854775807) is "" there, and is here too.
 */
void stp_substr(char *out, const char *str, int64_t start, int64_t length)
{
	int64_t want = (int64_t)((uint64_t)length + 1);
	size_t len = bounded_len(str, MAXSTRINGLEN - 1);
	size_t n;

	if (start < 0 || (uint64_t)start >= len || want <= 1) {
		out[0] = '\0';
		return;
	}
	n = len - (size_t)start;
	if ((uint64_t)want - 1 < n)
		n = (size_t)want - 1;
	memmove(out, str + start, n);
	out[n] = '\0';
}

/*
 * The byte as the kernel's (signed, on x86) char: SystemTap returns
 * str[pos] through a plain char, so bytes >= 0x80 come out negative.
 */
int64_t stp_stringat(const char *str, int64_t index, int *err)
{
	size_t len = bounded_len(str, MAXSTRINGLEN - 1);

	if (index < 0 || (uint64_t)index >= len) {
		*err = STP_ERANGE;
		return 0;
	}
	return (int64_t)(signed char)str[index];
}

int64_t stp_strpos(const char *str, const char *sub)
{
	const char *p = strstr(str, sub);

	return p ? (int64_t)(p - str) : -1;
}

bool stp_isinstr(const char *str, const char *sub)
{
	return strstr(str, sub) != NULL;
}

/* Append N bytes of S at *POS of OUT, within MAXSTRINGLEN - 1 bytes. */
static void append(char *out, size_t *pos, const char *s, size_t n)
{
	size_t room = MAXSTRINGLEN - 1 - *pos;

	if (n > room)
		n = room;
	memcpy(out + *pos, s, n);
	*pos += n;
}

/* As the tapset: an empty SEARCH returns STR unchanged. */
void stp_str_replace(char *out, const char *str, const char *search,
		     const char *replace)
{
	size_t slen = bounded_len(search, MAXSTRINGLEN - 1);
	size_t rlen = bounded_len(replace, MAXSTRINGLEN - 1);
	size_t pos = 0;
	const char *p;

	if (slen == 0) {
		stp_strlcpy(out, str, MAXSTRINGLEN);
		return;
	}
	/* Each turn consumes at least one byte of STR: bounded. */
	while ((p = strstr(str, search)) != NULL) {
		append(out, &pos, str, (size_t)(p - str));
		append(out, &pos, replace, rlen);
		str = p + slen;
	}
	append(out, &pos, str, bounded_len(str, MAXSTRINGLEN - 1));
	out[pos] = '\0';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/*
 * The kernel's simple_strtol(), which the tapset calls: an optional '-',
 * "0x" skipped in base 16, digits up to the first that is not one in
 * BASE; no leading blanks, no '+'; overflow wraps.
 */
int64_t stp_strtol(const char *str, int64_t base, int *err)
{
	uint64_t v = 0;
	bool neg = false;
	size_t i;
	int d;

	if (base < 2 || base > 36) {
		*err = STP_EINVAL;
		return 0;
	}
	if (*str == '-') {
		neg = true;
		str++;
	}
	if (base == 16 && str[0] == '0' && (str[1] == 'x' || str[1] == 'X'))
		str += 2;
	for (i = 0; i < MAXSTRINGLEN && str[i]; i++) {
		d = digit_value(str[i]);
		if (d >= base)
			break;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	return (int64_t)(neg ? 0 - v : v);
}

/*
 * One UTF-8 character at S (at most AVAIL bytes): its length, and its
 * code point in *CP.  Anything that is not a valid, shortest-form
 * sequence of 2 to 4 bytes up to U+10FFFF (surrogates excluded) is one
 * byte, returned verbatim: that is what _stp_decode_utf8 accepts.
 */
static int utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	uint32_t c;
	int n, i;

	if ((s[0] & 0xE0) == 0xC0 && avail >= 2) {
		n = 2;
		c = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0 && avail >= 3) {
		n = 3;
		c = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0 && avail >= 4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		goto verbatim;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto verbatim;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF || c < 0x80 ||
	    (n == 3 && c < 0x800) || (n == 4 && c < 0x10000))
		goto verbatim;
	*cp = c;
	return n;
verbatim:
	*cp = s[0];
	return 1;
}

/* The escape of one character into ESC (at most 10 bytes); its length. */
static int escape_char(char *esc, uint32_t c, int nbytes)
{
	static const char hex[] = "0123456789abcdef";
	int num, i;

	if (nbytes > 1) {	/* \uXXXX or \UXXXXXXXX */
		num = c <= 0xFFFF ? 6 : 10;
		esc[0] = '\\';
		esc[1] = c <= 0xFFFF ? 'u' : 'U';
		for (i = 2; i < num; i++)
			esc[i] = hex[(c >> ((num - 1 - i) * 4)) & 0xF];
		return num;
	}
	if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
		esc[0] = (char)c;
		return 1;
	}
	esc[0] = '\\';
	switch (c) {
	case '\a': esc[1] = 'a'; return 2;
	case '\b': esc[1] = 'b'; return 2;
	case '\f': esc[1] = 'f'; return 2;
	case '\n': esc[1] = 'n'; return 2;
	case '\r': esc[1] = 'r'; return 2;
	case '\t': esc[1] = 't'; return 2;
	case '\v': esc[1] = 'v'; return 2;
	case '"': esc[1] = '"'; return 2;
	case '\\': esc[1] = '\\'; return 2;
	}
	/* No "\0": "\0" then a digit would read back as one octal escape. */
	esc[1] = (char)('0' + ((c >> 6) & 3));
	esc[2] = (char)('0' + ((c >> 3) & 7));
	esc[3] = (char)('0' + (c & 7));
	return 4;
}

/*
 * _stp_text_str()'s rules: LEN bounds the OUTPUT (quotes and "..."
 * included; 0 or more than MAXSTRINGLEN - 1 mean MAXSTRINGLEN - 1); an
 * escape is never split.  When quoted and the input did not fit, the
 * text is cut 3 bytes short of the budget (less if that would split an
 * escape) and ends with "...: text_strn("1234567890", 10, 1) is
 * "12345"... (10 bytes).  Quoted, the budget is at least 5.
 */
void stp_text_str(char *out, const char *in, int64_t len, int quoted)
{
	const unsigned char *s = (const unsigned char *)in;
	/* LEFT is SystemTap's inlen: the input window, NUL or not. */
	size_t left = MAXSTRINGLEN - 1;
	size_t avail = bounded_len(in, left);
	int64_t budget = len;
	char *o = out, *start, *esc_at = NULL;
	int esc_len = 0, n, num;
	uint32_t c = 0;
	char esc[10];

	if (budget <= 0 || budget > MAXSTRINGLEN - 1)
		budget = MAXSTRINGLEN - 1;
	if (quoted) {
		budget = (budget < 5 ? 5 : budget) - 2;
		*o++ = '"';
	}
	start = o;
	while (left > 0) {
		if (avail == 0) {
			c = 0;		/* the NUL: the end of the input */
			break;
		}
		n = utf8_decode(s, avail, &c);
		if (budget <= 0)
			break;
		s += n;
		left -= n;
		avail -= n;
		num = escape_char(esc, c, n);
		/* The first escape that would reach into the last 3 bytes. */
		if (num > 1 && !esc_at && budget - 3 < num) {
			esc_at = o;
			esc_len = num;
		}
		if (budget < num)
			break;
		memcpy(o, esc, num);
		o += num;
		budget -= num;
	}
	if (quoted) {
		/* Cut when a character was left over: SystemTap's test is
		 * "the last one decoded is not NUL and the window is not
		 * used up". */
		if (c && left > 0) {
			char *cut = o - 3 + budget;

			if (esc_at && esc_at < cut && cut < esc_at + esc_len)
				cut = esc_at;
			o = cut < start ? start : cut;
			memcpy(o, "\"...", 4);
			o += 4;
		} else {
			*o++ = '"';
		}
	}
	*o = '\0';
}

/*
 * strsep() over the state's copy, skipping empty tokens, as the tapset
 * does.  pos == MAXSTRINGLEN means the string is used up (strsep's NULL).
 */
void stp_tokenize(struct stp_tokenizer *state, char *out, const char *input,
		  const char *delim)
{
	size_t i, begin;

	if (input[0]) {
		stp_strlcpy(state->buf, input, MAXSTRINGLEN);
		state->pos = 0;
	}
	out[0] = '\0';
	while (state->pos < MAXSTRINGLEN) {
		begin = state->pos;
		for (i = begin; i < MAXSTRINGLEN - 1 && state->buf[i] &&
		     !strchr(delim, state->buf[i]); i++)
			;
		state->pos = i < MAXSTRINGLEN - 1 && state->buf[i] ?
			     i + 1 : MAXSTRINGLEN;
		if (i > begin) {
			memcpy(out, state->buf + begin, i - begin);
			out[i - begin] = '\0';
			return;
		}
	}
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian); 32-bit
 * arithmetic is enough for the +-2^31 seconds ctime accepts. */
static void civil_from_days(int32_t z, int32_t *y, int *m, int *d)
{
	int32_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static char *put2(char *o, int v)
{
	*o++ = (char)('0' + v / 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

/*
 * ctime.stp: UTC, always 24 characters, limited to the 32-bit time_t
 * range.  Outside it SystemTap 4.8 raises an error; OUT then holds the
 * text SystemTap 2.2 and older returned instead, for --compatible.
 */
int stp_ctime(char *out, int64_t secs)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int32_t day, rem, year;
	int mon, mday, wday;
	char *o = out;

	if (secs > 2147483647LL) {
		stp_strlcpy(out, "far far in the future...", MAXSTRINGLEN);
		return STP_ERANGE;
	}
	if (secs < -2147483648LL) {
		stp_strlcpy(out, "a long, long time ago...", MAXSTRINGLEN);
		return STP_ERANGE;
	}
	day = (int32_t)stp_sdiv64(secs, 86400);
	rem = (int32_t)(secs - (int64_t)day * 86400);
	if (rem < 0) {
		rem += 86400;
		day--;
	}
	wday = (int)((4 + day % 7 + 7) % 7);
	civil_from_days(day, &year, &mon, &mday);
	if (MAXSTRINGLEN < 25) {	/* a -DMAXSTRINGLEN too small for it */
		out[0] = '\0';
		return 0;
	}
	memcpy(o, days + 3 * wday, 3);
	o[3] = ' ';
	memcpy(o + 4, months + 3 * (mon - 1), 3);
	o[7] = ' ';
	o[8] = mday < 10 ? ' ' : (char)('0' + mday / 10);
	o[9] = (char)('0' + mday % 10);
	o[10] = ' ';
	o = put2(o + 11, (int)(rem / 3600));
	*o++ = ':';
	o = put2(o, (int)(rem / 60 % 60));
	*o++ = ':';
	o = put2(o, (int)(rem % 60));
	*o++ = ' ';
	o = put2(put2(o, (int)(year / 100)), (int)(year % 100));
	*o = '\0';
	return 0;
}
