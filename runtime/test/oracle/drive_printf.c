// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drive_printf.c - random printf formats (conversions, flags, widths and
 * precisions as numbers or '*', into buffers of 1 to 60 bytes) through
 * stp_format and through SystemTap's own functions called the way its
 * translator's generated code calls them (stp_printf_N: width and
 * precision clamped to the room left, the flags as bits); the bytes and
 * lengths must be the same.
 */
#include <stdio.h>
#include <stdlib.h>

#include "drive.h"
#include "ref_printf.h"
#include "stp_printf.h"

static char memsrc[64] = "The quick brown fox jumps over the lazy dog 0123456789";
static const char *strs[] = { "", "a", "hello", "a somewhat longer string", "x\ny" };

static int64_t value(void)
{
	switch (rnd() % 6) {
	case 0: return 0;
	case 1: return (int64_t)(rnd() % 200) - 100;
	case 2: return INT64_MIN;
	case 3: return INT64_MAX;
	case 4: return (int64_t)rnd();
	default: return (int64_t)(rnd() % 100000);
	}
}

struct ref {
	char *str, *end;
};

/* One conversion: appended to FMT and ARGS, and done by the reference. */
static void conversion(struct ref *r, char *fmt, size_t *fl,
		       union stp_arg *args, int *nargs)
{
	static const char convs[] = "diuxXopcsbmM%";
	char conv = convs[rnd() % (sizeof(convs) - 1)];
	int flags = 0, width = -1, prec = -1, base = 10;
	bool has_w = rnd() % 2, has_p = rnd() % 3 == 0;
	int64_t w = 0, p = 0;
	union stp_arg a;

	fmt[(*fl)++] = '%';
	if (rnd() % 4 == 0) { flags |= STP_LEFT; fmt[(*fl)++] = '-'; }
	if (rnd() % 5 == 0) { flags |= STP_PLUS; fmt[(*fl)++] = '+'; }
	if (rnd() % 6 == 0) { flags |= STP_SPACE; fmt[(*fl)++] = ' '; }
	if (rnd() % 4 == 0) { flags |= STP_SPECIAL; fmt[(*fl)++] = '#'; }
	if (rnd() % 4 == 0) { flags |= STP_ZEROPAD; fmt[(*fl)++] = '0'; }
	if (conv == '%') {
		fmt[(*fl)++] = '%';
		if (r->str <= r->end)
			*r->str++ = '%';
		return;
	}
	if (has_w) {
		if (rnd() % 3 == 0) {
			fmt[(*fl)++] = '*';
			w = (int64_t)(rnd() % 80) - 20;
			args[(*nargs)++].l = w;
		} else {	/* "0" would be a flag: widths from 1 */
			w = 1 + rnd() % 70;
			*fl += sprintf(fmt + *fl, "%d", (int)w);
		}
		width = clamp_t(int, w, 0, r->end - r->str + 1);
	}
	if (has_p) {
		fmt[(*fl)++] = '.';
		if (rnd() % 3 == 0) {
			fmt[(*fl)++] = '*';
			p = (int64_t)(rnd() % 40) - 5;
			args[(*nargs)++].l = p;
		} else {
			p = rnd() % 30;
			*fl += sprintf(fmt + *fl, "%d", (int)p);
		}
		prec = clamp_t(int, p, 0, r->end - r->str + 1);
	}
	fmt[(*fl)++] = conv;
	switch (conv) {
	case 'd': case 'i': flags |= STP_SIGN; break;
	case 'X': flags |= STP_LARGE; base = 16; break;
	case 'x': base = 16; break;
	case 'p': flags |= STP_SPECIAL; base = 16; break;
	case 'o': base = 8; break;
	}
	switch (conv) {
	case 'c':
		a.l = (int64_t)(rnd() % 300);
		r->str = _stp_vsprint_char(r->str, r->end, (char)a.l, width, flags);
		break;
	case 's':
		a.s = strs[rnd() % 5];
		r->str = _stp_vsprint_memory(r->str, r->end, a.s, width, prec,
					     's', flags);
		break;
	case 'm':
	case 'M':
		a.l = (int64_t)(uintptr_t)memsrc;
		r->str = _stp_vsprint_memory(r->str, r->end, memsrc, width, prec,
					     conv, flags);
		break;
	case 'b':
		a.l = value();
		r->str = _stp_vsprint_binary(r->str, r->end, a.l, width, prec,
					     flags);
		break;
	default:
		a.l = value();
		r->str = number(r->str, r->end, (uint64_t)a.l, base, width, prec,
				flags);
	}
	args[(*nargs)++] = a;
}

/* One format both ways: 1 when the bytes or lengths differ. */
static int one(void)
{
	char fmt[256], want[512], got[512];
	union stp_arg args[32];
	size_t size = 1 + rnd() % 60, fl = 0;
	struct ref r = { want, want + size - 1 };
	int nargs = 0, k, n, wlen;

	for (k = 1 + rnd() % 4; k > 0; k--) {
		if (rnd() % 2) {
			fl += sprintf(fmt + fl, "ab");
			if (r.str <= r.end)
				*r.str++ = 'a';
			if (r.str <= r.end)
				*r.str++ = 'b';
		}
		conversion(&r, fmt, &fl, args, &nargs);
	}
	fmt[fl] = '\0';
	if (r.str <= r.end)
		*r.str = '\0';
	else
		*r.end = '\0';
	wlen = r.str <= r.end ? (int)(r.str - want) : (int)size - 1;
	n = stp_format(got, size, fmt, args, nargs);
	if (n == wlen && !memcmp(got, want, (size_t)wlen + 1))
		return 0;
	if (drive_say())
		printf("size %zu format \"%s\": %d bytes, SystemTap %d\n",
		       size, fmt, n, wlen);
	return 1;
}

const struct drive drive = { "random formats", 300000, 12345, 0, one };
