/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory, strings, files and time helpers shared by the controller. */
#include "grid.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

int g_verbose;

_Noreturn void ulib_oom(size_t n)
{
	(void)n;
	fputs("stapgrid: out of memory\n", stderr);
	abort();
}

void g_free_strs(char **p, ...)
{
	va_list ap;

	va_start(ap, p);
	for (; p; p = va_arg(ap, char **)) {
		free(*p);
		*p = NULL;
	}
	va_end(ap);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ulib_oom(0);
	va_end(ap);
	return s;
}

/* Room for n more bytes and the NUL. */
void sb_addn(sbuf *b, const char *s, size_t n)
{
	b->s = xgrow(b->s, &b->cap, b->len + n + 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_add(sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* Formatted in place: measured first, then written into the room made. */
void sb_addf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		ulib_oom(0);
	b->s = xgrow(b->s, &b->cap, b->len + (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sb_addxml(sbuf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': sb_add(b, "&lt;"); break;
		case '>': sb_add(b, "&gt;"); break;
		case '&': sb_add(b, "&amp;"); break;
		case '"': sb_add(b, "&quot;"); break;
		case '\'': sb_add(b, "&#39;"); break;
		default:
			/* Console logs carry control bytes; XML 1.0 forbids them. */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				sb_add(b, "?");
			else
				sb_addn(b, s, 1);
		}
	}
}

void sb_addtag(sbuf *b, const char *open, const char *text, const char *close)
{
	sb_add(b, open);
	sb_addxml(b, text);
	sb_add(b, close);
}

void sb_addshq(sbuf *b, const char *s)
{
	sb_add(b, "'");
	for (; *s; s++)
		if (*s == '\'')
			sb_add(b, "'\\''");
		else
			sb_addn(b, s, 1);
	sb_add(b, "'");
}

const char *sb_str(sbuf *b)
{
	return b->s ? b->s : "";
}

char *sb_steal(sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sb_free(sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void sv_pushown(strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL; /* usable as an argv */
}

void sv_push(strv *sv, const char *s)
{
	sv_pushown(sv, xstrdup(s));
}

void sv_split(strv *sv, const char *s, const char *seps)
{
	while (s && *s) {
		size_t n;

		s += strspn(s, seps);
		n = strcspn(s, seps);
		if (n) {
			char *w = xmalloc(n + 1);
			memcpy(w, s, n);
			w[n] = 0;
			sv_pushown(sv, w);
		}
		s += n;
	}
}

bool sv_has(const strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

char *sv_join(const strv *sv, const char *sep)
{
	sbuf b = {0};

	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			sb_add(&b, sep);
		sb_add(&b, sv->v[i]);
	}
	return sb_steal(&b);
}

void sv_free(strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	sbuf b = {0};
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		ulib_oom(0);
	/* One write per message so parallel jobs do not interleave lines. */
	sb_addf(&b, "stapgrid: %s%s\n", kind, s);
	fputs(b.s, stderr);
	fflush(stderr);
	free(s);
	sb_free(&b);
}

void g_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void g_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void g_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

int g_mkdirs(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = 0;
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				g_err("cannot create %s: %s", p, strerror(errno));
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

int g_rmtree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = g_path(path, e->d_name);
		if (g_rmtree(p) < 0)
			rc = -1;
		free(p);
	}
	closedir(d);
	if (rmdir(path) < 0)
		rc = -1;
	return rc;
}

bool g_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool g_isdir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int writeall(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write through a temporary name and rename, so a full disk or a crash never
 * leaves a truncated file under the real name. */
int g_writefile(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	int rc = -1;

	if (fd < 0) {
		g_err("cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (writeall(fd, data, len) < 0 || fsync(fd) < 0) {
		g_err("cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
	} else if (close(fd) < 0 || rename(tmp, path) < 0) {
		g_err("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	} else {
		rc = 0;
	}
	free(tmp);
	return rc;
}

int g_copyfile(const char *src, const char *dst, mode_t mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	char buf[1 << 16];
	ssize_t n;
	int rc = 0;

	if (in < 0) {
		g_err("cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		g_err("cannot write %s: %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (writeall(out, buf, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	if (n < 0)
		rc = -1;
	if (close(out) < 0)
		rc = -1;
	close(in);
	if (rc < 0) {
		g_err("cannot copy %s to %s: %s", src, dst, strerror(errno));
		unlink(dst);
	}
	return rc;
}

char *g_path(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

const char *g_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Ids name files, domains and URLs: keep them to a safe alphabet. */
bool g_valid_id(const char *s)
{
	if (!s || !*s || !isalnum((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* s ends with suffix, and is longer than it. */
bool g_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

char *g_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

double g_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double g_epoch(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

char *g_iso8601(double epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	char buf[64];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%06d+00:00", buf, (int)((epoch - (double)t) * 1e6));
}

/* FNV-1a, 64 bit: a content digest for cache keys (not for security). */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_BASIS 0xcbf29ce484222325ULL

char *g_digest(const void *data, size_t len)
{
	return xasprintf("%016llx", (unsigned long long)fnv1a(FNV_BASIS, data, len));
}

char *g_hash_files(const strv *paths)
{
	uint64_t h = FNV_BASIS;

	for (size_t i = 0; i < paths->n; i++) {
		size_t len = 0;
		char *data = read_file(paths->v[i], &len);

		/* The name counts too, so moving content between files shows. */
		h = fnv1a(h, g_basename(paths->v[i]), strlen(g_basename(paths->v[i])) + 1);
		if (data)
			h = fnv1a(h, data, len);
		else
			h = fnv1a(h, "\1missing", 9);
		free(data);
	}
	return xasprintf("%016llx", (unsigned long long)h);
}
