// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drive_string.c - random strings (printable text, control bytes, valid
 * and broken UTF-8 of every length, up to past MAXSTRINGLEN) through
 * stp_text_str and SystemTap's _stp_text_str as text_str, text_strn and
 * string_quoted call it; the results must be the same.
 */
#include <stdio.h>
#include <stdlib.h>

#include "drive.h"
#include "ref_string.h"
#include "stp_string.h"

static const char *pieces[] = { "a", "Z", "0", " ", "\"", "\\", "\n", "\t",
	"\001", "\177", "\377", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
	"\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xc0\x80", "\xed\xa0\x80",
	"\xf4\x90\x80\x80", "\x80", "abcdefgh" };

/* text_strn's clamp_t(int64_t, len, 0, MAXSTRINGLEN) */
static int64_t clamp_len(int64_t len)
{
	return len < 0 ? 0 : len > MAXSTRINGLEN ? MAXSTRINGLEN : len;
}

/* One string both ways: 1 when the results differ. */
static int one(void)
{
	char in[3 * MAXSTRINGLEN], want[2 * MAXSTRINGLEN], got[2 * MAXSTRINGLEN];
	size_t n = 0;
	int64_t len;
	int quoted = (int)(rnd() % 2), k = (int)(rnd() % 60);

	while (k-- > 0) {
		const char *p = pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t l = strlen(p);

		if (n + l >= MAXSTRINGLEN)	/* a script string */
			break;
		memcpy(in + n, p, l);
		n += l;
	}
	in[n] = '\0';
	switch (rnd() % 3) {
	case 0:		/* text_str / string_quoted: 0, MAXSTRINGLEN */
		len = quoted ? MAXSTRINGLEN : 0;
		if (_stp_text_str(want, in, (int)len, (int)len, quoted, 0, 0) < 0)
			want[0] = '\0';
		break;
	default:	/* text_strn: len clamped to [0, MAXSTRINGLEN] */
		len = (int64_t)(rnd() % (MAXSTRINGLEN + 20)) - 5;
		if (_stp_text_str(want, in, 0, (int)clamp_len(len), quoted,
				  0, 0) < 0)
			want[0] = '\0';
		break;
	}
	stp_text_str(got, in, len, quoted);
	if (!strcmp(got, want))
		return 0;
	if (drive_say())
		printf("len %lld quoted %d: \"%s\" SystemTap \"%s\"\n",
		       (long long)len, quoted, got, want);
	return 1;
}

const struct drive drive = { "random strings", 200000, 4242, 0, one };
