/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decompression: vmlinux out of a bzImage's payload (xz, gzip, zstd or the
 * kernel's legacy lz4 frames), Debian's .ko.xz modules, a published run's
 * .gz logs.
 */
#include "grid.h"

#include <elf.h>
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static int xz_decode(const unsigned char *in, size_t len, sbuf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	unsigned char buf[1 << 16];
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return -1;
	s.next_in = in;
	s.avail_in = len;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		r = lzma_code(&s, LZMA_FINISH);
		sb_addn(out, (const char *)buf, sizeof(buf) - s.avail_out);
	} while (r == LZMA_OK);
	lzma_end(&s);
	/* The kernel appends the decompressed size after the stream: stopping at
	 * LZMA_STREAM_END ignores it. */
	return r == LZMA_STREAM_END ? 0 : -1;
}

static int gz_decode(const unsigned char *in, size_t len, sbuf *out)
{
	z_stream z;
	unsigned char buf[1 << 16];
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		r = inflate(&z, Z_NO_FLUSH);
		sb_addn(out, (const char *)buf, sizeof(buf) - z.avail_out);
	} while (r == Z_OK);
	inflateEnd(&z);
	return r == Z_STREAM_END ? 0 : -1;
}

static int zstd_decode(const unsigned char *in, size_t len, sbuf *out)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, len, 0};
	unsigned char buf[1 << 16];
	size_t r = 1;

	if (!z)
		return -1;
	ZSTD_initDStream(z);
	/* r == 0 marks the end of the frame; the kernel's size trailer follows. */
	while (r != 0 && ib.pos < ib.size) {
		ZSTD_outBuffer ob = {buf, sizeof(buf), 0};

		r = ZSTD_decompressStream(z, &ob, &ib);
		if (ZSTD_isError(r))
			break;
		sb_addn(out, (const char *)buf, ob.pos);
	}
	ZSTD_freeDStream(z);
	return r == 0 ? 0 : -1;
}

/* LZ4 "legacy" frames, as the kernel's lz4 payload uses: a magic, then
 * blocks of at most 8 MiB, each preceded by its compressed size. */
static int lz4_legacy_decode(const unsigned char *in, size_t len, sbuf *out)
{
	const size_t blk = 8 << 20;
	char *buf = xmalloc(blk);
	size_t pos = 4;
	int rc = 0, blocks = 0;

	while (pos + 4 <= len) {
		uint32_t csize;
		int n;

		memcpy(&csize, in + pos, 4);
		/* The trailer (decompressed size) or another magic ends the data. */
		if (csize == 0x184c2102 || csize > len - pos - 4 || csize > (uint32_t)LZ4_compressBound((int)blk))
			break;
		n = LZ4_decompress_safe((const char *)in + pos + 4, buf, (int)csize, (int)blk);
		if (n < 0) {
			rc = -1;
			break;
		}
		sb_addn(out, buf, (size_t)n);
		pos += 4 + csize;
		blocks++;
	}
	free(buf);
	return rc == 0 && blocks ? 0 : -1;
}

/* The x86 boot protocol: setup_sects at 0x1f1, payload_offset/length at
 * 0x248/0x24c, relative to the protected-mode code after the setup sectors. */
int g_extract_vmlinux(const char *bzimage, const char *out)
{
	struct g_map m;
	sbuf b = {0};
	int rc = -1;

	if (g_map_file(bzimage, &m) < 0)
		return -1;
	if (m.len > 0x250 && !memcmp(m.p + 0x202, "HdrS", 4)) {
		unsigned setup = m.p[0x1f1] ? m.p[0x1f1] : 4;
		uint32_t off, plen;
		size_t start;

		memcpy(&off, m.p + 0x248, 4);
		memcpy(&plen, m.p + 0x24c, 4);
		start = (size_t)(setup + 1) * 512 + off;
		if (start + plen <= m.len) {
			const unsigned char *p = m.p + start;

			if (plen > 6 && !memcmp(p, "\xfd" "7zXZ", 6))
				rc = xz_decode(p, plen, &b);
			else if (plen > 2 && p[0] == 0x1f && p[1] == 0x8b)
				rc = gz_decode(p, plen, &b);
			else if (plen > 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
				rc = zstd_decode(p, plen, &b);
			else if (plen > 4 && !memcmp(p, "\x02\x21\x4c\x18", 4))
				rc = lz4_legacy_decode(p, plen, &b);
			else
				g_err("%s: kernel payload is not xz, gzip, zstd or lz4", bzimage);
		}
	} else {
		g_err("%s: not a bzImage", bzimage);
	}
	g_unmap_file(&m);
	if (rc == 0 && (b.len < 4 || memcmp(b.s, ELFMAG, SELFMAG))) {
		g_err("%s: the decompressed payload is not ELF", bzimage);
		rc = -1;
	} else if (rc < 0) {
		g_err("%s: cannot decompress the kernel payload", bzimage);
	}
	if (rc == 0)
		rc = g_writefile(out, b.s, b.len, 0644);
	sb_free(&b);
	return rc;
}

/* A file's bytes, decompressed when its name ends in .xz, .gz or .zst:
 * Debian's modules as .ko.xz (busybox insmod hands the buffer to
 * init_module(), which wants a plain ELF), a published run's logs (.gz). */
int g_read_unpacked(const char *path, sbuf *out)
{
	size_t len;
	char *data = read_file(path, &len);
	int rc = 0;

	if (!data) {
		g_err("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (g_has_suffix(path, ".xz"))
		rc = xz_decode((const unsigned char *)data, len, out);
	else if (g_has_suffix(path, ".gz"))
		rc = gz_decode((const unsigned char *)data, len, out);
	else if (g_has_suffix(path, ".zst"))
		rc = zstd_decode((const unsigned char *)data, len, out);
	else
		sb_addn(out, data, len);
	if (rc < 0)
		g_err("%s: cannot decompress", path);
	free(data);
	return rc;
}
