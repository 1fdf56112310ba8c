/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_context.c - the probe context: limits, errors, a handler's output,
 * and the operations the generated code calls that may fail.  Portable:
 * everything platform-specific goes through stp_runtime.h's platform
 * functions.
 */
#include "stp_runtime.h"

struct stp_session stp_session;

static void flush(struct stp_context *c)
{
	if (c->out_len)
		stp_transport_write(c->out, c->out_len);
	c->out_len = 0;
}

void stp_context_finish(struct stp_context *c)
{
	flush(c);
	if (!c->error)
		return;
	/* The message names where the script failed, as SystemTap does. */
	snprintf(c->scratch, sizeof(c->scratch), "ERROR: %s near %s\n",
		 c->error_msg, c->loc && *c->loc ? c->loc : c->probe_point);
	stp_transport_error(c->scratch);
	/* Handlers on several CPUs count here at once. */
	if (__atomic_add_fetch(&stp_session.errors, 1, __ATOMIC_RELAXED) >
	    MAXERRORS || c->fatal) {
		stp_session.exit_status = 1;
		stp_session.exit_requested = 1;
	}
	/* Clean for the next hit (stp_context_start).  An error may have
	 * left a function's 'next' pending; calls in progress are already
	 * unwound. */
	c->error = false;
	c->fatal = false;
	c->next_overload = false;
	c->error_msg[0] = 0;
}

void stp_error(struct stp_context *c, const char *fmt, ...)
{
	va_list ap;

	if (c->error)
		return;
	va_start(ap, fmt);
	vsnprintf(c->error_msg, sizeof(c->error_msg), fmt, ap);
	va_end(ap);
	c->error = true;
}

void stp_fatal(struct stp_context *c, const char *msg)
{
	if (c->error && c->fatal)
		return;
	c->error = false;
	stp_error(c, "%s", msg);
	c->fatal = true;
}

void stp_warn(struct stp_context *c, const char *fmt, ...)
{
	char *msg = c->scratch;
	size_t size = MAXSTRINGLEN + 16;	/* SystemTap's length */
	va_list ap;
	int n;

	n = snprintf(msg, size, "WARNING: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, size - (size_t)n - 1, fmt, ap);
	va_end(ap);
	stp_strlcat(msg, "\n", size);
	stp_transport_error(msg);
}

void stp_request_exit(struct stp_context *c)
{
	(void)c;
	stp_session.exit_requested = 1;
}

void stp_request_abort(struct stp_context *c)
{
	(void)c;
	stp_session.aborted = 1;
	stp_session.exit_requested = 1;
}

int stp_init_error(const char *what)
{
	char line[256];		/* WHAT: "the map of NAME" and the like */

	snprintf(line, sizeof(line), "ERROR: cannot set up %.180s at start-up "
		 "(out of memory?)\n", what);
	stp_transport_error(line);
	return -1;
}

void stp_skip(const char *pp)
{
	(void)pp;
	if (__atomic_add_fetch(&stp_session.skipped, 1, __ATOMIC_RELAXED) >
	    MAXSKIPPED) {
		stp_transport_error("ERROR: Skipped too many probes, check "
				    "MAXSKIPPED or try again with stap -t for "
				    "more details.\n");
		stp_session.exit_status = 1;
		stp_session.exit_requested = 1;
	}
}

/* ---- output ---- */

void stp_print(struct stp_context *c, const char *s, size_t len)
{
	while (len) {
		size_t room = sizeof(c->out) - c->out_len;
		size_t n = len < room ? len : room;

		memcpy(c->out + c->out_len, s, n);
		c->out_len += n;
		s += n;
		len -= n;
		/* A handler may print more than the buffer: pass it on. */
		if (c->out_len == sizeof(c->out))
			flush(c);
	}
}

void stp_print_string(struct stp_context *c, const char *s)
{
	stp_print(c, s, strlen(s));
}

void stp_print_char(struct stp_context *c, char ch)
{
	stp_print(c, &ch, 1);
}

void stp_print_long(struct stp_context *c, int64_t v)
{
	char buf[32];

	stp_long_str(buf, v);
	stp_print_string(c, buf);
}

void stp_printf(struct stp_context *c, const char *fmt,
		const union stp_arg *args, int nargs)
{
	int n = stp_format(c->fmt, sizeof(c->fmt), fmt, args, nargs);

	if (n < 0) {
		stp_error(c, "cannot read the memory %%m or %%M asks for");
		return;
	}
	stp_print(c, c->fmt, (size_t)n);
}

void stp_sprintf(struct stp_context *c, char *out, const char *fmt,
		 const union stp_arg *args, int nargs)
{
	int n = stp_format(out, MAXSTRINGLEN, fmt, args, nargs);

	if (n < 0)
		stp_error(c, "cannot read the memory %%m or %%M asks for");
}

void stp_print_hist(struct stp_context *c, const struct stp_stat *st,
		    const struct stp_hist_spec *spec)
{
	size_t n;

	if (!st)
		return;
	n = stp_hist_format(c->fmt, sizeof(c->fmt), st, spec);
	if (n >= sizeof(c->fmt))
		n = sizeof(c->fmt) - 1;
	stp_print(c, c->fmt, n);
}

void stp_sprint_hist(char *out, const struct stp_stat *st,
		     const struct stp_hist_spec *spec)
{
	out[0] = 0;
	if (st)
		stp_hist_format(out, MAXSTRINGLEN, st, spec);
}

void stp_ap(struct stp_context *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->fmt, sizeof(c->fmt), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(c->fmt))
		n = sizeof(c->fmt) - 1;
	stp_print(c, c->fmt, (size_t)n);
}

/* ---- operations that may fail ---- */

/* The script's / and %: the core's division, which wraps INT64_MIN / -1
 * and uses the kernel's 64-bit helpers there. */
int64_t stp_divide(struct stp_context *c, int64_t a, int64_t b, bool mod)
{
	int err = 0;
	int64_t v = mod ? stp_mod(a, b, &err) : stp_div(a, b, &err);

	if (err)
		stp_error(c, "division by 0");
	return v;
}

struct stp_map_entry *stp_map_put(struct stp_context *c, struct stp_map *m,
				  const union stp_arg *keys)
{
	int err = 0;
	struct stp_map_entry *e = stp_map_insert(m, keys, &err);

	if (!e)
		stp_error(c, "Array overflow, check MAXMAPENTRIES");
	return e;
}

int64_t stp_stat_op(struct stp_context *c, const struct stp_stat *st,
		    enum stp_statop op, int shift)
{
	int err = 0;
	int64_t v;

	if (!st || !st->count) {
		if (op == STP_COUNT || op == STP_SUM)
			return 0;
		stp_error(c, "empty aggregate");
		return 0;
	}
	v = stp_stat_get(st, op, shift, &err);
	if (err)
		stp_error(c, "empty aggregate");
	return v;
}

int64_t stp_hist_at(struct stp_context *c, const struct stp_stat *st,
		    const struct stp_hist_spec *spec, int64_t bucket)
{
	int err = 0;
	int64_t v;

	if (bucket < 0 || bucket >= spec->buckets) {
		stp_error(c, "histogram index %lld out of range",
			  (long long)bucket);
		return 0;
	}
	if (!st)
		return 0;
	v = stp_hist_bucket(st, spec, bucket, &err);
	if (err)
		stp_error(c, "histogram index %lld out of range",
			  (long long)bucket);
	return v;
}

/*
 * s =~ re.  A match keeps its subject and groups for matched() and
 * ngroups(); a failed one forgets them: matched() is then an error, as
 * in SystemTap.
 */
bool stp_regex_match(struct stp_context *c, const char *s,
		     const struct stp_regex *re)
{
	int start[10], end[10], n, g;

	n = stp_regex_run(c, s, re, start, end);
	c->re_groups = 0;
	if (n < 0)
		stp_error(c, "cannot compile the regular expression");
	if (n <= 0)
		return false;
	stp_strlcpy(c->re_subject, s, sizeof(c->re_subject));
	for (g = 0; g < 10 && g < n; g++) {
		c->re_start[g] = start[g];
		c->re_end[g] = end[g];
		c->re_groups = g + 1;
	}
	return true;
}

/* matched(n): group N of the last match ("" for a group that did not
 * take part); an error for a group the expression does not have. */
void stp_matched_fn(struct stp_context *c, char *out, int64_t n)
{
	out[0] = 0;
	if (!c->re_groups) {
		stp_error(c, "matched(%lld): no successful regular expression"
			  " match", (long long)n);
		return;
	}
	if (n < 0 || n >= c->re_groups) {
		stp_error(c, "matched(%lld): the last match has no such group",
			  (long long)n);
		return;
	}
	if (c->re_start[n] < 0)
		return;
	stp_substr(out, c->re_subject, c->re_start[n],
		   c->re_end[n] - c->re_start[n]);
}

/* ---- for the tapset ---- */

void stp_substr_fn(char *out, const char *s, int64_t start, int64_t len)
{
	stp_substr(out, s, start, len);
}

int64_t stp_stringat_fn(struct stp_context *c, const char *s, int64_t i)
{
	int err = 0;
	int64_t v = stp_stringat(s, i, &err);

	if (err)
		stp_error(c, "index %lld is out of range", (long long)i);
	return v;
}

int64_t stp_strtol_fn(struct stp_context *c, const char *s, int64_t base)
{
	int err = 0;
	int64_t v = stp_strtol(s, base, &err);

	if (err)
		stp_error(c, "base %lld is not between 2 and 36",
			  (long long)base);
	return v;
}

void stp_tokenize_fn(struct stp_context *c, char *out, const char *s,
		     const char *delim)
{
	stp_tokenize(&c->tok, out, s, delim);
}

int64_t stp_randint_fn(struct stp_context *c, int64_t n)
{
	if (n <= 0 || n > (1 << 20)) {
		stp_error(c, "invalid range %lld for randint", (long long)n);
		return 0;
	}
	return (int64_t)(stp_random() % (uint32_t)n);
}

void stp_probe_point(struct stp_context *c, char *out)
{
	stp_strlcpy(out, c->probe_point, MAXSTRINGLEN);
}

/* ---- the session's order, for both platforms ---- */

void stp_run_kind(enum stp_probe_kind kind,
		  void (*run)(const struct stp_probe *p))
{
	int64_t done = INT64_MIN;
	bool started = false;

	for (;;) {
		int64_t next = INT64_MAX;
		bool found = false;
		int i;

		for (i = 0; i < stp_nprobes; i++)
			if (stp_probes[i].kind == kind &&
			    (!started || stp_probes[i].seq > done) &&
			    stp_probes[i].seq <= next) {
				next = stp_probes[i].seq;
				found = true;
			}
		if (!found)
			break;
		for (i = 0; i < stp_nprobes; i++)
			if (stp_probes[i].kind == kind &&
			    stp_probes[i].seq == next)
				run(&stp_probes[i]);
		if (next == INT64_MAX)
			break;
		done = next;
		started = true;
	}
}

/* The session's last probes: the end probes, or the error probes after
 * too many errors; none after an abort. */
void stp_run_end(void (*run)(const struct stp_probe *p))
{
	if (stp_session.aborted)
		return;
	stp_run_kind(stp_session.errors > MAXERRORS ? STP_PROBE_ERROR :
		     STP_PROBE_END, run);
}

int64_t stp_next_period(const struct stp_probe *p)
{
	int64_t r = p->random_ns;

	if (!r)
		return p->period_ns;
	return p->period_ns - r + (int64_t)(stp_random() % (uint64_t)(2 * r + 1));
}
