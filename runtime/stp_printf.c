// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stp_printf.c - the printf engine.
 *
 * The output is what SystemTap 4.8's translated printf/sprintf code
 * produces (its stp_printf_N functions over the runtime's number(),
 * _stp_vsprint_char/memory/binary), which differs from C in places:
 *  - %#x / %#o / %p print the prefix for 0 too ("0x0", "00"); %p is %#x;
 *  - a precision does not turn off '0' padding; "%.d" has no precision
 *    and "%.0d" of 0 prints "0";
 *  - width and precision are clamped to [0, room left]: a '*' width < 0
 *    is 0 (not left-justify) and a wide field at the end of the buffer
 *    is narrowed, not cut;
 *  - %s, %m, %M with the '0' flag write a NUL byte after the field;
 *  - an unknown conversion prints '%' and its letter.
 * The buffer rules are SystemTap's too: output may fill all SIZE bytes,
 * the last of which is then overwritten by the NUL.
 */
#include "stp_printf.h"
#include "stp_platform.h"

enum {
	F_ZEROPAD = 1,
	F_SIGN = 2,
	F_PLUS = 4,
	F_SPACE = 8,
	F_LEFT = 16,
	F_SPECIAL = 32,
	F_LARGE = 64,
};

#define NUM_MAX (1 << 30)	/* a width or precision in the format */

struct out {
	char *buf;
	size_t size;		/* slots, the NUL's included */
	size_t pos;		/* < size while there is room */
};

static inline size_t room(const struct out *o)
{
	return o->size - o->pos;
}

static inline void put(struct out *o, char c)
{
	if (o->pos < o->size)
		o->buf[o->pos++] = c;
}

static inline void fill(struct out *o, char c, int64_t n)
{
	if (n <= 0)
		return;
	if ((uint64_t)n > room(o))
		n = (int64_t)room(o);
	memset(o->buf + o->pos, c, (size_t)n);
	o->pos += (size_t)n;
}

static inline void copy(struct out *o, const char *s, size_t n)
{
	if (n > room(o))
		n = room(o);
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
}

static const char digit_pairs[201] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The digits of NUM in BASE, written backwards ending at END. */
static char *fmt_digits(char *end, uint64_t num, int base, bool large)
{
	const char *hex = large ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	switch (base) {
	case 10:
		while (num >= 100) {
			uint32_t r = stp_do_div(&num, 100);

			p -= 2;
			memcpy(p, digit_pairs + 2 * r, 2);
		}
		if (num >= 10) {
			p -= 2;
			memcpy(p, digit_pairs + 2 * num, 2);
		} else {
			*--p = (char)('0' + num);
		}
		break;
	case 16:
		do {
			*--p = hex[num & 15];
			num >>= 4;
		} while (num);
		break;
	default:	/* 8 */
		do {
			*--p = (char)('0' + (num & 7));
			num >>= 3;
		} while (num);
		break;
	}
	return p;
}

/* SystemTap's number(): WIDTH and PREC are -1 when not given. */
static void fmt_number(struct out *o, uint64_t num, int base, int width,
		       int prec, int flags)
{
	char tmp[24], *p, *end = tmp + sizeof(tmp);
	char sign = 0;
	int n, size = width;

	if (flags & F_LEFT)
		flags &= ~F_ZEROPAD;
	if (flags & F_SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = 0 - num;
			size--;
		} else if (flags & F_PLUS) {
			sign = '+';
			size--;
		} else if (flags & F_SPACE) {
			sign = ' ';
			size--;
		}
	}
	if (flags & F_SPECIAL)
		size -= base == 16 ? 2 : base == 8 ? 1 : 0;
	p = fmt_digits(end, num, base, flags & F_LARGE);
	n = (int)(end - p);
	if (n > prec)
		prec = n;
	size -= prec;

	/* Fast path: nothing but the digits, and room for them. */
	if (size <= 0 && !sign && !(flags & F_SPECIAL) && prec == n &&
	    (size_t)n <= room(o)) {
		memcpy(o->buf + o->pos, p, n);
		o->pos += n;
		return;
	}
	if (!(flags & (F_ZEROPAD | F_LEFT)))
		fill(o, ' ', size);
	if (sign)
		put(o, sign);
	if ((flags & F_SPECIAL) && base != 10) {
		put(o, '0');
		if (base == 16)
			put(o, flags & F_LARGE ? 'X' : 'x');
	}
	if (flags & F_ZEROPAD)
		fill(o, '0', size);
	fill(o, '0', prec - n);
	copy(o, p, n);
	if (flags & F_LEFT)
		fill(o, ' ', size);
}

/* SystemTap's _stp_vsprint_char(): %#c escapes like a C char literal. */
static void fmt_char(struct out *o, char c, int width, int flags)
{
	char esc[4];
	int n = 1;
	unsigned char u = (unsigned char)c;

	esc[0] = c;
	if ((flags & F_SPECIAL) &&
	    (u < 0x20 || u >= 0x7F || c == '\'' || c == '\\')) {
		static const char from[] = "\a\b\f\n\r\t\v'\\";
		static const char to[] = "abfnrtv'\\";
		const char *hit = u ? memchr(from, c, sizeof(from) - 1) : NULL;

		esc[0] = '\\';
		if (hit) {
			esc[1] = to[hit - from];
			n = 2;
		} else {
			esc[1] = (char)('0' + ((u >> 6) & 3));
			esc[2] = (char)('0' + ((u >> 3) & 7));
			esc[3] = (char)('0' + (u & 7));
			n = 4;
		}
	}
	if (!(flags & F_LEFT))
		fill(o, ' ', width - n);
	copy(o, esc, n);
	if (flags & F_LEFT)
		fill(o, ' ', width - n);
}

static void fmt_string(struct out *o, const char *s, int width, int prec,
		       int flags)
{
	size_t len;

	if (!s)
		s = "<NULL>";	/* as SystemTap prints a pointer < PAGE_SIZE */
	len = prec < 0 ? strlen(s) : (size_t)prec;
	if (prec >= 0) {
		const char *nul = memchr(s, '\0', len);

		if (nul)
			len = (size_t)(nul - s);
	}
	if (!(flags & F_LEFT))
		fill(o, ' ', (int64_t)width - (int64_t)len);
	copy(o, s, len);
	if (flags & F_LEFT)
		fill(o, ' ', (int64_t)width - (int64_t)len);
	if (flags & F_ZEROPAD)
		put(o, '\0');
}

/*
 * %m / %M: PREC bytes (1 when not given or 0) of memory at ADDR, raw or
 * as lowercase hex.  Only the bytes that fit are read, as SystemTap
 * reads them one at a time into the buffer; a fault fails the whole
 * format (SystemTap discards the output and raises the fault).
 */
static int fmt_memory(struct out *o, int64_t addr, int width, int prec,
		      int flags, bool hex)
{
	static const char xd[] = "0123456789abcdef";
	int len = prec > 0 ? prec : 1;
	int shown = hex ? 2 * len : len;
	size_t nread, i;
	int rc;

	if (!(flags & F_LEFT))
		fill(o, ' ', width - shown);
	if (hex) {
		nread = room(o) / 2;	/* SystemTap's loop: str < end */
		if (nread > (size_t)len)
			nread = (size_t)len;
	} else {
		nread = room(o) < (size_t)len ? room(o) : (size_t)len;
	}
	if (nread) {
		char *dst = o->buf + o->pos + (hex ? nread : 0);

		rc = (flags & F_SPECIAL) ?
		     stp_read_user_memory(dst, addr, nread) :
		     stp_read_memory(dst, addr, nread);
		if (rc)
			return STP_EFAULT;
		if (hex) {	/* in place, from the front: dst is behind */
			for (i = 0; i < nread; i++) {
				unsigned char b = (unsigned char)dst[i];

				o->buf[o->pos + 2 * i] = xd[b >> 4];
				o->buf[o->pos + 2 * i + 1] = xd[b & 15];
			}
			o->pos += 2 * nread;
		} else {
			o->pos += nread;
		}
	}
	if (flags & F_LEFT)
		fill(o, ' ', width - shown);
	if (flags & F_ZEROPAD)
		put(o, '\0');
	return 0;
}

/*
 * SystemTap's _stp_vsprint_binary(): the low PREC bytes of NUM in host
 * order (PREC 1, 2, 4 or 8; a width alone gives it, else 8), in a field
 * of WIDTH padded with NUL bytes.  Bytes that do not fit are dropped.
 */
static void fmt_binary(struct out *o, int64_t num, int width, int prec,
		       int flags)
{
	uint8_t b1;
	uint16_t b2;
	uint32_t b4;
	const void *src = &num;

	if (prec != 1 && prec != 2 && prec != 4 && prec != 8)
		prec = -1;
	if (width == -1) {
		if (prec == -1)
			prec = 8;
		width = prec;
	} else if (prec == -1) {
		prec = width == 1 || width == 2 || width == 4 ? width : 8;
	}
	if (!(flags & F_LEFT))
		fill(o, '\0', width - prec);
	if ((size_t)prec <= room(o)) {
		switch (prec) {
		case 1:
			b1 = (uint8_t)num;
			src = &b1;
			break;
		case 2:
			b2 = (uint16_t)num;
			src = &b2;
			break;
		case 4:
			b4 = (uint32_t)num;
			src = &b4;
			break;
		}
		copy(o, src, (size_t)prec);
	}
	if (flags & F_LEFT)
		fill(o, '\0', width - prec);
}

/* A number in the format: digits, capped so that it cannot overflow. */
static int format_num(const char **fmt)
{
	const char *p = *fmt;
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		v = v < NUM_MAX / 10 ? v * 10 + (*p - '0') : NUM_MAX;
		p++;
	}
	*fmt = p;
	return v;
}

/* The translator's clamp_t(int, v, 0, room): int first, then clamped. */
static int clamp_room(const struct out *o, int64_t v)
{
	int i = (int)(int32_t)(uint32_t)(uint64_t)v;
	size_t r = room(o);

	if (i < 0)
		return 0;
	return (size_t)i > r ? (int)r : i;
}

struct args {
	const union stp_arg *a;
	int n, next;
};

static inline bool pop_arg(struct args *args, union stp_arg *v)
{
	if (args->next >= args->n)
		return false;
	*v = args->a[args->next++];
	return true;
}

/*
 * A width or a precision at *FMT: digits, or '*' and the next argument,
 * clamped to the room left, into *N (left as it is when there is
 * neither).  STP_EINVAL when the arguments run out.
 */
static inline int spec_number(const struct out *o, const char **fmt,
			      struct args *args, int *n)
{
	union stp_arg v;

	if (**fmt >= '0' && **fmt <= '9') {
		*n = clamp_room(o, format_num(fmt));
	} else if (**fmt == '*') {
		(*fmt)++;
		if (!pop_arg(args, &v))
			return STP_EINVAL;
		*n = clamp_room(o, v.l);
	}
	return 0;
}

/* A conversion's flags, width and precision (-1: not given). */
struct spec {
	int flags, width, prec;
};

/*
 * Parse flags, width, precision and length letters at *FMT, taking '*'
 * values from ARGS; *FMT is left at the conversion letter.  Returns 0 or
 * STP_EINVAL when the arguments run out.
 */
static int parse_spec(const struct out *o, const char **fmt,
		      struct args *args, struct spec *sp)
{
	const char *p = *fmt;

	sp->flags = 0;
	sp->width = sp->prec = -1;
	for (;; p++) {
		switch (*p) {
		case '-': sp->flags |= F_LEFT; continue;
		case '+': sp->flags |= F_PLUS; continue;
		case ' ': sp->flags |= F_SPACE; continue;
		case '#': sp->flags |= F_SPECIAL; continue;
		case '0': sp->flags |= F_ZEROPAD; continue;
		}
		break;
	}
	if (spec_number(o, &p, args, &sp->width))
		return STP_EINVAL;
	if (*p == '.') {
		p++;
		/* "%.d": no precision, as the translator has it */
		if (spec_number(o, &p, args, &sp->prec))
			return STP_EINVAL;
	}
	while (*p && strchr("hlLqjzt", *p))
		p++;	/* every number is 64-bit */
	*fmt = p;
	return 0;
}

/* The number conversions: their base and flags, or 0 for another letter. */
static int number_base(char c, int *flags)
{
	switch (c) {
	case 'd':
	case 'i':
		*flags |= F_SIGN;
		return 10;
	case 'u':
		return 10;
	case 'X':
		*flags |= F_LARGE;
		return 16;
	case 'x':
		return 16;
	case 'p':
		*flags |= F_SPECIAL;
		return 16;
	case 'o':
		return 8;
	}
	return 0;
}

/*
 * One conversion, *FMT just past its '%'.  Returns 0, or STP_EFAULT
 * from %m / %M, or STP_EINVAL when the arguments run out.
 */
static int fmt_conversion(struct out *o, const char **fmt, struct args *args)
{
	struct spec sp;
	union stp_arg v;
	int base, rc = 0;
	char c;

	if (parse_spec(o, fmt, args, &sp))
		return STP_EINVAL;
	c = **fmt;
	if (c == '\0') {
		put(o, '%');	/* a lone '%' at the end */
		return 0;
	}
	(*fmt)++;
	if (c == '%') {
		put(o, '%');
		return 0;
	}
	base = number_base(c, &sp.flags);
	if (!base && !strchr("csmMb", c)) {
		put(o, '%');	/* unknown: printed as it is */
		put(o, c);
		return 0;
	}
	if (!pop_arg(args, &v))
		return STP_EINVAL;
	switch (c) {
	case 'c':
		fmt_char(o, (char)v.l, sp.width, sp.flags);
		break;
	case 's':
		fmt_string(o, v.s, sp.width, sp.prec, sp.flags);
		break;
	case 'm':
	case 'M':
		rc = fmt_memory(o, v.l, sp.width, sp.prec, sp.flags, c == 'M');
		break;
	case 'b':
		fmt_binary(o, v.l, sp.width, sp.prec, sp.flags);
		break;
	default:
		fmt_number(o, (uint64_t)v.l, base, sp.width, sp.prec, sp.flags);
	}
	return rc;
}

int stp_format(char *out, size_t size, const char *fmt,
	       const union stp_arg *args, int nargs)
{
	struct out o = { out, size, 0 };
	struct args a = { args, nargs, 0 };
	const char *pct;
	int rc;

	if (size == 0)
		return 0;
	while (*fmt && o.pos < o.size) {
		pct = strchr(fmt, '%');
		if (!pct) {
			copy(&o, fmt, strlen(fmt));
			break;
		}
		copy(&o, fmt, (size_t)(pct - fmt));
		fmt = pct + 1;
		rc = fmt_conversion(&o, &fmt, &a);
		if (rc) {
			out[0] = '\0';
			return rc;
		}
	}
	if (o.pos >= size)
		o.pos = size - 1;
	out[o.pos] = '\0';
	return (int)o.pos;
}
