/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A job without a shared folder (a LAVA host with transfer=http): what
 * the guest would find in its share travels in its initramfs, and what it
 * leaves there comes back over the serial console.
 *
 * In: the job's initramfs is the kernel's (ginitrd.c) with a second newc
 * archive appended holding the share's files under grid/ (the kernel
 * unpacks concatenated archives in order), booted with sgshare=initrd.
 *
 * Out: init.sh packs the share (tar, gzip) and prints it in base64 between
 * "stapgrid: results begin" and "stapgrid: results end LINES" lines, each
 * data line "sgr DATA".  The console is what every LAVA lab already returns,
 * with no upload service, token or second server for the worker to reach;
 * the line count and gzip's CRC say whether it arrived whole.  The block is
 * cut out of console.log, which stays the guest's console as it read.
 */
#include "grid.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BEGIN_MARK "stapgrid: results begin"
#define END_MARK "stapgrid: results end "
#define DATA_PREFIX "sgr "

/* The files under dir (rel its path inside the share) into the archive. */
static int pack_dir(struct g_cpio *c, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -1;
	while (rc == 0 && (e = readdir(d))) {
		char *p, *name;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = g_path(dir, e->d_name);
		name = xasprintf("%s/%s", rel, e->d_name);
		if (lstat(p, &st) < 0) {
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = g_cpio_dir(c, name, 0755);
			if (rc == 0)
				rc = pack_dir(c, p, name);
		} else if (S_ISREG(st.st_mode)) {
			size_t len;
			char *data = read_file(p, &len);

			rc = data ? g_cpio_file(c, name, st.st_mode & 0777, data, len) : -1;
			free(data);
		}
		free(p);
		free(name);
	}
	closedir(d);
	return rc;
}

/* out = base, then an archive of the share's files under grid/. */
int g_payload_initrd(const char *base, const char *share, const char *out)
{
	char *arch = xasprintf("%s.payload", out);
	struct g_cpio *c = g_cpio_open(arch);
	size_t blen = 0, alen = 0;
	char *b = NULL, *a = NULL;
	sbuf all = {0};
	int rc = -1;

	if (!c)
		goto out;
	if (pack_dir(c, share, "grid") < 0) {
		g_err("cannot pack the share %s into the initramfs", share);
		g_cpio_close(c);
		goto out;
	}
	if (g_cpio_close(c) < 0)
		goto out;
	b = read_file(base, &blen);
	a = read_file(arch, &alen);
	if (!b || !a) {
		g_err("cannot read %s: %s", !b ? base : arch, strerror(errno));
		goto out;
	}
	/* newc pads to 4; the kernel skips zeros between archives. */
	sb_addn(&all, b, blen);
	sb_addn(&all, "\0\0\0", (4 - blen % 4) % 4);
	sb_addn(&all, a, alen);
	rc = g_writefile(out, all.s, all.len, 0644);
out:
	unlink(arch);
	free(arch);
	free(a);
	free(b);
	sb_free(&all);
	return rc;
}

static int b64val(int ch)
{
	const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(set, ch) : NULL;

	return p ? (int)(p - set) : -1;
}

/* Base64 text (no blanks) appended to out as bytes; -1 on a bad character. */
static int b64decode(const char *s, size_t n, sbuf *out)
{
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (s[i] == '=')
			break;
		if ((v = b64val((unsigned char)s[i])) < 0)
			return -1;
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			char ch = (char)(acc >> (bits - 8) & 0xff);

			sb_addn(out, &ch, 1);
			bits -= 8;
		}
	}
	return 0;
}

/* A console line without the carriage return a serial line may keep. */
static size_t line_len(const char *ln)
{
	size_t n = strlen(ln);

	while (n && (ln[n - 1] == '\r' || ln[n - 1] == '\n'))
		n--;
	return n;
}

/*
 * The results block of console (a file) into the share folder, the block
 * cut out of the file.  0; 1 when the console has no block (the guest died
 * before it); -1 with *why when the block is damaged or cannot be unpacked.
 */
int g_payload_results(const char *console, const char *share, char **why)
{
	char *text = read_file(console, NULL), *save = NULL, *tgz;
	sbuf keep = {0}, data = {0};
	int state = 0, lines = 0, said = -1, rc = -1; /* state: 0 before, 1 in, 2 after */

	if (!text) {
		*why = xasprintf("no console log %s", console);
		return -1;
	}
	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		size_t n = line_len(ln);
		char *p;

		if (state == 0 && (p = strstr(ln, BEGIN_MARK)) && (size_t)(p - ln) + strlen(BEGIN_MARK) == n) {
			state = 1;
		} else if (state == 1 && (p = strstr(ln, END_MARK))) {
			said = atoi(p + strlen(END_MARK));
			state = 2;
		} else if (state == 1 && !strncmp(ln, DATA_PREFIX, strlen(DATA_PREFIX))) {
			if (b64decode(ln + strlen(DATA_PREFIX), n - strlen(DATA_PREFIX), &data) < 0)
				lines = -1000000; /* said below as damaged */
			lines++;
		} else if (state != 1) {
			sb_addf(&keep, "%s\n", ln);
		}
	}
	free(text);
	if (state == 0) {
		sb_free(&keep);
		sb_free(&data);
		return 1;
	}
	g_writefile(console, sb_str(&keep), keep.len, 0644);
	sb_free(&keep);
	if (state != 2 || lines != said) {
		*why = state != 2 ? xstrdup("the results block on the console has no end (the guest stopped "
					    "while it printed them)")
				  : xasprintf("the results block on the console is damaged (%d of %d lines read)",
					      lines < 0 ? 0 : lines, said);
		sb_free(&data);
		return -1;
	}
	tgz = xasprintf("%s.results.tgz", console);
	if (g_writefile(tgz, data.s ? data.s : "", data.len, 0600) == 0) {
		char *argv[] = {"tar", "-xzf", tgz, "-C", (char *)share, "--no-same-owner",
				"--no-same-permissions", NULL};
		char *out = NULL;

		rc = g_run(argv, NULL, &out, NULL) == 0 ? 0 : -1;
		if (rc < 0)
			*why = xasprintf("the results block does not unpack: %.300s", out ? g_trim(out) : "");
		free(out);
	} else {
		*why = xasprintf("cannot write %s", tgz);
	}
	unlink(tgz);
	free(tgz);
	sb_free(&data);
	return rc;
}
