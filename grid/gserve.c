/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small read-only HTTP server for LAVA workers that do not see our file
 * system (a lava host with transfer=http: docs/partners.md).  It serves
 * only the files a job registered, each under a path with 128 random bits
 * in it (http://ADDR:PORT/RANDOM/NAME), answers GET and HEAD and nothing
 * else, and forgets a file when its job ends.  One thread accepts, one
 * detached thread a connection; a connection that says nothing for 30 s is
 * dropped, so a stuck client holds no thread for long.
 */
#include "grid.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct served {
	char *path;   /* "/RANDOM/NAME", what the request asks for */
	char *file;   /* the local file */
	struct served *next;
};

struct g_serve {
	int fd;
	char *base;   /* http://ADDR:PORT */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	int active;   /* connections being served: stop waits for them */
	struct served *files;
};

struct conn {
	struct g_serve *s;
	int fd;
};

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0)
			p += w, n -= (size_t)w;
	}
}

static void answer_status(int fd, const char *status)
{
	char *h = xasprintf("HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);

	send_all(fd, h, strlen(h));
	free(h);
}

/* The local file served at path, or NULL (a copy: the job may end meanwhile). */
static char *lookup(struct g_serve *s, const char *path)
{
	char *file = NULL;

	pthread_mutex_lock(&s->mu);
	for (struct served *f = s->files; f && !file; f = f->next)
		if (!strcmp(f->path, path))
			file = xstrdup(f->file);
	pthread_mutex_unlock(&s->mu);
	return file;
}

static void send_file(int fd, const char *file, bool body)
{
	int in = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *h, buf[65536];
	ssize_t n;

	if (in < 0 || fstat(in, &st) < 0) {
		answer_status(fd, "404 Not Found");
		if (in >= 0)
			close(in);
		return;
	}
	h = xasprintf("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
		      "Content-Length: %lld\r\nConnection: close\r\n\r\n", (long long)st.st_size);
	send_all(fd, h, strlen(h));
	free(h);
	while (body && (n = read(in, buf, sizeof(buf))) > 0)
		send_all(fd, buf, (size_t)n);
	close(in);
}

/* One request (the request line; headers are read and ignored). */
static void *serve_conn(void *arg)
{
	struct conn *c = arg;
	struct timeval tv = {.tv_sec = 30};
	char req[4096], method[8], path[1024], *file;
	size_t len = 0;
	ssize_t n;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1 && (n = recv(c->fd, req + len, sizeof(req) - 1 - len, 0)) > 0) {
		len += (size_t)n;
		req[len] = 0;
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[len] = 0;
	if (sscanf(req, "%7s %1023s HTTP/", method, path) != 2)
		answer_status(c->fd, "400 Bad Request");
	else if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		answer_status(c->fd, "405 Method Not Allowed");
	else if (!(file = lookup(c->s, path)))
		answer_status(c->fd, "404 Not Found");
	else {
		send_file(c->fd, file, !strcmp(method, "GET"));
		free(file);
	}
	close(c->fd);
	pthread_mutex_lock(&c->s->mu);
	if (--c->s->active == 0)
		pthread_cond_broadcast(&c->s->idle);
	pthread_mutex_unlock(&c->s->mu);
	free(c);
	return NULL;
}

static void *accept_loop(void *arg)
{
	struct g_serve *s = arg;

	for (;;) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
		struct conn *c;
		pthread_t t;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			return NULL; /* shut down by g_serve_stop */
		}
		c = xcalloc(1, sizeof(*c));
		c->s = s;
		c->fd = fd;
		pthread_mutex_lock(&s->mu);
		s->active++;
		pthread_mutex_unlock(&s->mu);
		if (pthread_create(&t, NULL, serve_conn, c) != 0) {
			pthread_mutex_lock(&s->mu);
			s->active--;
			pthread_mutex_unlock(&s->mu);
			close(fd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
}

/* Listening on ADDR[:PORT] (IPv4 or a name; no port or 0: one the kernel
 * picks); NULL and *err when it cannot. */
struct g_serve *g_serve_start(const char *where, char **err)
{
	char *host = xstrdup(where), *colon = strrchr(host, ':');
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct g_serve *s = NULL;
	int fd = -1, one = 1, rc;

	if (colon)
		*colon++ = 0;
	rc = getaddrinfo(host, colon && *colon ? colon : "0", &hints, &ai);
	if (rc) {
		*err = xasprintf("cannot serve on %s: %s", where, gai_strerror(rc));
		goto out;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) {
		*err = xasprintf("cannot serve on %s: %s", where, strerror(errno));
		goto out;
	}
	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	s->base = xasprintf("http://%s:%d", host, ntohs(sin.sin_port));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle, NULL);
	if (pthread_create(&s->thread, NULL, accept_loop, s) != 0) {
		*err = xstrdup("cannot start the HTTP server's thread");
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->idle);
		free(s->base);
		free(s);
		s = NULL;
		goto out;
	}
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	if (ai)
		freeaddrinfo(ai);
	free(host);
	return s;
}

const char *g_serve_base(const struct g_serve *s)
{
	return s->base;
}

/* The URL the file is served at from now on, as NAME under a random path
 * (NULL, said, when there is no randomness to be had). */
char *g_serve_add(struct g_serve *s, const char *file, const char *name)
{
	struct served *f = xcalloc(1, sizeof(*f));
	unsigned char rnd[16];
	char hex[33];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
		g_err("cannot read /dev/urandom: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		free(f);
		return NULL;
	}
	close(fd);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	f->path = xasprintf("/%s/%s", hex, name);
	f->file = xstrdup(file);
	pthread_mutex_lock(&s->mu);
	f->next = s->files;
	s->files = f;
	pthread_mutex_unlock(&s->mu);
	return xasprintf("%s%s", s->base, f->path);
}

/* The file of that URL is no longer served. */
void g_serve_remove(struct g_serve *s, const char *url)
{
	const char *path = url + strlen(s->base);

	pthread_mutex_lock(&s->mu);
	for (struct served **p = &s->files; *p; p = &(*p)->next)
		if (!strcmp((*p)->path, path)) {
			struct served *f = *p;

			*p = f->next;
			free(f->path);
			free(f->file);
			free(f);
			break;
		}
	pthread_mutex_unlock(&s->mu);
}

void g_serve_stop(struct g_serve *s)
{
	if (!s)
		return;
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->thread, NULL);
	/* A connection still being served (at most 30 s: its timeouts) reads s. */
	pthread_mutex_lock(&s->mu);
	while (s->active > 0)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
	while (s->files) {
		struct served *f = s->files;

		s->files = f->next;
		free(f->path);
		free(f->file);
		free(f);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->idle);
	free(s->base);
	free(s);
}
