/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * staprun - load a script's module, stream its output, unload it.
 *
 *   staprun [-o FILE] [-b] [-c CMD] [-x PID] [-T SECS] [-v] MODULE.ko [NAME=VALUE ...]
 *   staprun --check MODULE.ko        the checks of a load, nothing loaded
 *   staprun --merge FILE...          merge the per-cpu files of -b
 *
 * It checks the module was built for this kernel (release and build id,
 * from its .stap_target section), gives it a name of its own (so two users
 * can run the same script at once), loads it with init_module, and talks
 * to it through /sys/kernel/debug/NAME/: .cmd for commands and messages,
 * traceN for each CPU's output, records that carry a global sequence
 * number and are merged back into order here.  SIGINT, SIGTERM, -T, the
 * end of -c's command and the script's exit() all stop the session the
 * same way: end probes run, the output drains, the module is unloaded.
 * Errors, skipped probes and dropped output are reported; any of the
 * first and a failure to run exit nonzero.
 *
 * Installed setuid root for the stapusr group (docs/safety.md, "Installing
 * staprun for users"), it runs as the user who called it and is root only
 * for the load, the module's debugfs files and the unload; a caller who is
 * not root gets a module only at or below the level of their groups and
 * signed by a key of the system's trusted folder (modsign.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

#include "ksym.h"
#include "kusym.h"
#include "modsign.h"
#include "transport.h"
#include "validate.h"
#include "../lib/ulib.h"

#define MAX_CPUS 1024

/* A CPU's stream: bytes read but not yet a whole record. */
struct stream {
	int fd;
	int cpu;		/* traceN: read while running on CPU N */
	char *buf;
	size_t len, cap;
	FILE *bulk;		/* -b: the raw stream goes here */
};

struct pending {
	uint64_t seq;
	char *data;
	uint32_t len;
};

static struct {
	const char *output, *target_cmd, *module;
	bool bulk, verbose, check_only;
	long target_pid;
	int timeout;
	char **params;
	int nparams;
} opt;

static volatile sig_atomic_t stop_requested;
static FILE *out;
static struct pending *heap;	/* records waiting for their turn */
static size_t nheap, capheap;
static uint64_t next_seq = 1;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static double now(void);

/* The module's name once it is loaded: an error after that unloads it. */
static char loaded[64];

/*
 * ---- root only where it is needed ----
 * Setuid root (the real user is not root), staprun keeps root as its
 * saved user id and runs as the user: reading the module and the
 * binaries it names, -o's file, the checks.  It takes root back for the
 * load, the unload and opening the module's own debugfs and procfs
 * files, and children (-c, system()) drop it for good.
 */
static bool setuid_run;

static void user_mode(void)
{
	if (setuid_run && seteuid(getuid()) != 0)
		abort();	/* never go on as root by mistake */
}

static void root_mode(void)
{
	if (setuid_run && seteuid(0) != 0)
		abort();
}

static void drop_root_for_good(void)
{
	if (setuid_run && (setresgid(getgid(), getgid(), getgid()) != 0 ||
			   setresuid(getuid(), getuid(), getuid()) != 0))
		_exit(126);
}

static int open_as_root(const char *path, int flags)
{
	int fd, e;

	root_mode();
	fd = open(path, flags);
	e = errno;
	user_mode();
	errno = e;
	return fd;
}

static int delete_loaded(const char *name)
{
	int r;

	root_mode();
	r = (int)syscall(SYS_delete_module, name, O_NONBLOCK);
	user_mode();
	return r;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("staprun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (loaded[0] && delete_loaded(loaded) != 0)
		fprintf(stderr, "staprun: cannot unload %s: %s\n", loaded,
			strerror(errno));
	exit(1);
}

_Noreturn void ulib_oom(size_t n)
{
	die("out of memory (%zu bytes)", n);
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- ordering the records of all CPUs ---- */

static void heap_push(struct pending p)
{
	size_t i;

	if (nheap == capheap) {
		capheap = capheap ? capheap * 2 : 64;
		heap = xrealloc(heap, capheap * sizeof(*heap));
	}
	i = nheap++;
	while (i && heap[(i - 1) / 2].seq > p.seq) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = p;
}

static struct pending heap_pop(void)
{
	struct pending top = heap[0], last = heap[--nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= nheap)
			break;
		if (c + 1 < nheap && heap[c + 1].seq < heap[c].seq)
			c++;
		if (heap[c].seq >= last.seq)
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (nheap)
		heap[i] = last;
	return top;
}

/*
 * A record that never comes (read while a CPU was still writing it)
 * must not hold the output back, nor grow the heap without end: after
 * STALL_POLLS polls without it, or with MAX_PENDING records waiting, the
 * output goes on after the gap, which is counted and reported at exit.
 */
#define STALL_POLLS 25		/* 0.5 s of 20 ms polls */
#define MAX_PENDING 4096
static int stalled;
static long gaps;

static bool skip_gap(void)
{
	if (!nheap || heap[0].seq == next_seq) {
		stalled = 0;
		return false;
	}
	if (++stalled < STALL_POLLS && nheap < MAX_PENDING)
		return false;
	stalled = 0;
	return true;
}

/*
 * ---- what the script asks of staprun (ktapset.h) ----
 * system(CMD) and switch_file() arrive on .cmd with the number of the
 * last output record written before them; each is done once that
 * record is out, so the output that came before comes first.
 */
struct request {
	uint64_t seq;
	char *cmd;		/* system(); NULL: switch_file() */
};
static struct request *requests;
static size_t nrequests, caprequests;
static pid_t *commands;		/* system()'s children not yet reaped */
static size_t ncommands, capcommands;
static int file_number;		/* -o FILE's switches so far */

static void queue_request(uint64_t seq, char *cmd)
{
	if (nrequests == caprequests) {
		caprequests = caprequests ? caprequests * 2 : 16;
		requests = xrealloc(requests, caprequests * sizeof(*requests));
	}
	requests[nrequests++] = (struct request){ seq, cmd };
}

/* SYSTEM's text back into the command: \n and \\ were escaped. */
static char *unescape_command(const char *text)
{
	char *cmd = xmalloc(strlen(text) + 1), *o = cmd;

	for (; *text; text++) {
		if (*text == '\\' && text[1]) {
			text++;
			*o++ = *text == 'n' ? '\n' : *text;
		} else {
			*o++ = *text;
		}
	}
	*o = 0;
	return cmd;
}

/* In the background, with /bin/sh, as the user who ran staprun (not a
 * setuid root), its output on staprun's standard output. */
static void run_command(const char *cmd)
{
	pid_t pid;

	fflush(out);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "WARNING: system() cannot start '%s': %s\n",
			cmd, strerror(errno));
		return;
	}
	if (pid == 0) {
		drop_root_for_good();
		if (setgid(getgid()) != 0 || setuid(getuid()) != 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (ncommands == capcommands) {
		capcommands = capcommands ? capcommands * 2 : 16;
		commands = xrealloc(commands, capcommands * sizeof(*commands));
	}
	commands[ncommands++] = pid;
}

/* Reap system()'s children that ended; with WAIT, give the others up
 * to a second to end, and leave them running after that. */
static void reap_commands(bool wait)
{
	double deadline = now() + 1;
	size_t i = 0;

	while (i < ncommands) {
		if (waitpid(commands[i], NULL, WNOHANG) != 0) {
			commands[i] = commands[--ncommands];	/* ended */
		} else if (wait && now() < deadline) {
			usleep(10000);
		} else {
			i++;
		}
	}
}

/* -o FILE goes on in FILE.1, FILE.2 ...; without -o (or with -b) the
 * output stays where it is, as in SystemTap. */
static void switch_file(void)
{
	char path[4096];

	if (!opt.output || opt.bulk)
		return;
	if (fclose(out) != 0)
		die("cannot write the output: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s.%d", opt.output, ++file_number);
	out = fopen(path, "we");
	if (!out)
		die("cannot write %s: %s", path, strerror(errno));
}

/* The requests whose output has been written (all of them when ALL). */
static void do_requests(uint64_t written, bool all)
{
	size_t i, done = 0;

	for (i = 0; i < nrequests; i++) {
		struct request *r = &requests[i];

		if (!all && r->seq > written)
			break;
		if (r->cmd)
			run_command(r->cmd);
		else
			switch_file();
		free(r->cmd);
		done++;
	}
	memmove(requests, requests + done,
		(nrequests - done) * sizeof(*requests));
	nrequests -= done;
}

/* Write what is in order; at the end (FINAL) also after gaps (records
 * the module dropped, which it counted). */
static void emit_ready(bool final)
{
	bool skip = !final && skip_gap();

	while (nheap && (heap[0].seq == next_seq || final || skip)) {
		struct pending p = heap_pop();

		skip = false;
		if (p.seq > next_seq)	/* never came: lost in transit */
			gaps += (long)(p.seq - next_seq);
		do_requests(p.seq - 1, false);
		if (fwrite(p.data, 1, p.len, out) != p.len)
			die("cannot write the output: %s", strerror(errno));
		next_seq = p.seq + 1;
		free(p.data);
	}
	do_requests(next_seq - 1, final);
	/* Buffered output fails here, not in fwrite: a full disk or
	 * /dev/full must not lose the script's output silently. */
	if (fflush(out) != 0)
		die("cannot write the output: %s", strerror(errno));
}

/* Larger than any sub-buffer staprun asks for. */
#define MAX_RECORD (64u << 20)

/* Cut whole records out of a stream's bytes (transport.h): a record is
 * taken when its magic, its footer and an undelivered sequence number
 * agree; a torn or stale one is skipped, and a number never delivered is
 * counted as lost in transit (emit_ready). */
static void take_records(struct stream *s)
{
	size_t off = 0;

	while (s->len - off >= sizeof(struct stp_record)) {
		struct stp_record h;
		struct pending p;
		uint64_t footer;
		size_t whole;

		memcpy(&h, s->buf + off, sizeof(h));
		if (h.magic != STP_RECORD_MAGIC) {
			/* Relay pads the end of a sub-buffer with zeroes. */
			off++;
			continue;
		}
		whole = sizeof(h) + (size_t)h.len + STP_RECORD_FOOTER;
		if (h.len > MAX_RECORD) {	/* a torn header */
			off++;
			continue;
		}
		if (s->len - off < whole)
			break;
		memcpy(&footer, s->buf + off + sizeof(h) + h.len, sizeof(footer));
		if (footer != h.seq || h.seq < next_seq) {
			off++;
			continue;
		}
		p.seq = h.seq;
		p.len = h.len;
		p.data = xrealloc(NULL, h.len);
		memcpy(p.data, s->buf + off + sizeof(h), h.len);
		heap_push(p);
		off += whole;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
}

/*
 * Move to the stream's CPU before reading its relay file.  relay lets a
 * reader take what a writer has reserved and not yet written; the module
 * reserves and writes with interrupts off on its own CPU (ktransport.c),
 * so a reader on that CPU runs either before or after a whole write and
 * never sees half of one.  Read from another CPU, such a record was lost
 * (counted "in transit"): under single-threaded TCG a vCPU can stop for
 * another's whole time slice in the middle of its memcpy.  SystemTap's
 * staprun pins a reader thread per CPU for the same reason.  Should the
 * move fail (the CPU went offline), the read goes on from where we are,
 * and the footer check (transport.h) still catches a torn record.
 */
static void run_on_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Read what a CPU's relay file has, at most READ_BUDGET bytes a poll
 * (each of our own reads can fire a probe that writes more: a script on
 * ksys_read would otherwise keep this loop, and its buffer, growing);
 * true if anything came. */
#define READ_BUDGET (4 << 20)
static bool read_stream(struct stream *s)
{
	size_t budget = READ_BUDGET;
	bool got = false;

	run_on_cpu(s->cpu);
	while (budget > 0) {
		ssize_t n;

		if (s->cap - s->len < 65536) {
			s->cap = s->cap * 2 + 65536;
			s->buf = xrealloc(s->buf, s->cap);
		}
		n = read(s->fd, s->buf + s->len, s->cap - s->len);
		if (n <= 0)
			break;
		got = true;
		budget -= (size_t)n < budget ? (size_t)n : budget;
		if (s->bulk) {
			fwrite(s->buf + s->len, 1, (size_t)n, s->bulk);
			continue;
		}
		s->len += (size_t)n;
	}
	if (got && !s->bulk)
		take_records(s);
	return got;
}

/* ---- the module file ---- */

struct module_image {
	char *data;
	size_t len;
	char name[64];		/* as built */
	char release[256];	/* .stap_target */
	char build_id[128];
	size_t this_module_off, this_module_size;
	bool wants_symbols;	/* a STP_SYMS_SECTION section */
	bool named;		/* stap -m NAME: loaded as NAME */
	enum stp_privilege level;	/* .stap_privilege; stapdev if none */
	bool is_signed;		/* a signature is appended */
};

/* The name the module was built with: "name=" in .modinfo. */
static void modinfo_name(struct module_image *m, const char *info, size_t size)
{
	size_t off = 0;

	while (off < size) {
		const char *s = info + off;
		size_t len = strnlen(s, size - off);

		if (len > 5 && len < size - off && !strncmp(s, "name=", 5))
			snprintf(m->name, sizeof(m->name), "%s", s + 5);
		off += len + 1;
	}
}

static void read_image(struct module_image *m, const char *path)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	m->data = read_file(path, &m->len);
	if (!m->data)
		die("cannot read the module %s: %s", path, strerror(errno));
	m->level = PRIV_NONE;
	elf_version(EV_CURRENT);
	elf = elf_memory(m->data, m->len);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		die("%s is not a kernel module (%s)", path, elf_errmsg(-1));
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (!strcmp(name, ".stap_target") && sh.sh_offset + sh.sh_size <= m->len) {
			const char *t = m->data + sh.sh_offset;

			snprintf(m->release, sizeof(m->release), "%s", t);
			snprintf(m->build_id, sizeof(m->build_id), "%s",
				 t + strlen(t) + 1 < t + sh.sh_size ?
				 t + strlen(t) + 1 : "");
		} else if (!strcmp(name, ".modinfo") &&
			   sh.sh_offset + sh.sh_size <= m->len) {
			modinfo_name(m, m->data + sh.sh_offset, sh.sh_size);
		} else if (!strcmp(name, ".stap_privilege") &&
			   sh.sh_offset + sh.sh_size <= m->len) {
			char word[16];

			snprintf(word, sizeof(word), "%.*s", (int)sh.sh_size,
				 m->data + sh.sh_offset);
			word[strcspn(word, " ")] = 0;
			m->level = privilege_of(word);
		} else if (!strcmp(name, ".stap_named")) {
			m->named = true;
		} else if (!strcmp(name, STP_SYMS_SECTION)) {
			m->wants_symbols = true;
		} else if (!strcmp(name, ".gnu.linkonce.this_module")) {
			m->this_module_off = sh.sh_offset;
			m->this_module_size = sh.sh_size;
		}
	}
	elf_end(elf);
	if (m->level == PRIV_NONE)
		m->level = PRIV_STAPDEV;
	if (!m->release[0])
		die("%s was not built by stap for the kernel runtime (no "
		    ".stap_target section)", path);
	if (!m->this_module_size || !m->name[0])
		die("%s is not a kernel module (no .gnu.linkonce.this_module)",
		    path);
}

/* The running kernel's build id (/sys/kernel/notes), "" if unknown. */
static void running_build_id(char *id, size_t size)
{
	size_t len;
	char *notes = read_file("/sys/kernel/notes", &len);
	char *hex = notes ? note_build_id(notes, len, 4) : NULL;

	snprintf(id, size, "%s", hex ? hex : "");
	free(hex);
	free(notes);
}

static void check_target(const struct module_image *m)
{
	struct utsname u;
	char id[128];

	uname(&u);
	running_build_id(id, sizeof(id));
	if (strcmp(u.release, m->release) ||
	    (m->build_id[0] && id[0] && strcmp(m->build_id, id)))
		die("%s was built for kernel %s (build id %s), but this is %s "
		    "(build id %s): rebuild it with stap -r", opt.module,
		    m->release, m->build_id[0] ? m->build_id : "unknown",
		    u.release, id[0] ? id : "unknown");
}

/*
 * The validator (validate.c, docs/safety.md) before anything loads: at
 * the level the module records, for this kernel's release, against its
 * Module.symvers when this machine has the kbuild tree.  Each violation
 * is printed; a module with any is refused.
 */
static void check_valid(const struct module_image *m)
{
	struct validate_opts o = { .level = PRIV_NONE, .release = m->release };
	char symvers[512];
	int n;

	snprintf(symvers, sizeof(symvers), "/lib/modules/%s/build/Module.symvers",
		 m->release);
	if (access(symvers, R_OK) == 0)
		o.symvers = symvers;
	/* The bytes that will be loaded, not the file again (it may have
	 * changed since it was read). */
	n = validate_image(opt.module, m->data, m->len, &o, stderr);
	if (n)
		die("%s failed validation (%d violation%s above): not loaded",
		    opt.module, n, n == 1 ? "" : "s");
}

/*
 * May the caller load this module?  Root may load any module.  Anyone
 * else needs a group (stapusr, stapsys, stapdev) at the module's level
 * or above, and, below stapdev (whose members may do what root does, as
 * in SystemTap), a signature by a key of the trusted folder.  The checks
 * read the bytes that will be loaded (m->data), never the file again.
 */
static const char *trust_dir(void)
{
	const char *d = getenv("STAPRUN_TRUST_DIR");

	/* Only an unprivileged staprun (tests, --check) may be told where
	 * the trusted keys are: the setuid one trusts the system's. */
	return d && *d && !setuid_run ? d : STAPRUN_TRUST_DIR;
}

static void check_access(struct module_image *m)
{
	enum stp_privilege caller;
	char why[512];
	size_t content_len;

	if (!modsign_split(m->data, m->len, &content_len, &m->is_signed))
		die("%s: its signature trailer is malformed: not loaded",
		    opt.module);
	if (getuid() == 0)
		return;
	caller = modsign_caller_level();
	if (caller == PRIV_NONE)
		die("%s: only root and members of the stapusr, stapsys or "
		    "stapdev groups may load modules: not loaded", opt.module);
	if (m->level > caller)
		die("%s needs privilege %s, and your groups give %s: not "
		    "loaded", opt.module, privilege_name(m->level),
		    privilege_name(caller));
	if (caller == PRIV_STAPDEV)
		return;
	if (modsign_verify(m->data, m->len, trust_dir(),
			   setuid_run ? (uid_t)-1 : getuid(), why,
			   sizeof(why)) != MODSIGN_OK)
		die("%s: %s; members of %s may load only modules signed by "
		    "a key in %s (docs/safety.md): not loaded", opt.module,
		    why, privilege_name(caller), trust_dir());
}

/* Whether the kernel refuses modules without a trusted signature. */
static bool kernel_enforces_signatures(void)
{
	size_t len;
	char *v = read_file("/sys/module/module/parameters/sig_enforce", &len);
	bool yes = v && len && v[0] == 'Y';

	free(v);
	return yes;
}

/* A name of its own: two users may run the same module at once. */
static void rename_module(struct module_image *m, char *name, size_t size)
{
	char *sec = m->data + m->this_module_off;
	size_t i, len = strlen(m->name), content_len;
	bool is_signed;

	/* A name given with stap -m is the module's, as in SystemTap: its
	 * files are /proc/systemtap/NAME/... (a second session of it is
	 * refused by the kernel: "File exists").  Generated names get the
	 * pid, so that sessions of one cached module run side by side. */
	if (m->named) {
		snprintf(name, size, "%s", m->name);
		return;
	}
	/* A new name voids a signature: a signed module keeps its name for
	 * a caller who is not root (the signature is what lets them load
	 * it) and on a kernel that enforces signatures.  Root's renamed
	 * copy goes to the kernel unsigned, as every module did before
	 * modules were signed. */
	if (m->is_signed && (getuid() != 0 || kernel_enforces_signatures())) {
		snprintf(name, size, "%s", m->name);
		return;
	}
	if (modsign_split(m->data, m->len, &content_len, &is_signed))
		m->len = content_len;
	snprintf(name, size, "%.40s_%d", m->name, (int)getpid());
	for (i = 0; i + len < m->this_module_size; i++)
		if (!memcmp(sec + i, m->name, len + 1)) {
			/* The name field is MODULE_NAME_LEN (56) bytes. */
			if (i + 56 > m->this_module_size)
				break;
			memset(sec + i, 0, 56);
			memcpy(sec + i, name, strlen(name));
			return;
		}
	die("cannot find the name %s in %s", m->name, opt.module);
}

/* ---- the control channel ---- */

static int cmd_fd = -1;
static char msgbuf[65536];
static size_t msglen;

static void command(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void command(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(cmd_fd, line, (size_t)n) != n)
		die("the module refused '%s': %s", line, strerror(errno));
}

/* ---- the symbol table (ksym.h) ---- */

struct ksym {
	uint64_t addr;
	const char *name, *module;	/* into the kallsyms text */
	size_t seq;			/* its line */
	bool text;
};

/* Of symbols at one address the first listed wins, as in the kernel's
 * own lookups (sprint_symbol). */
static int compare_ksyms(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * /proc/kallsyms as a table: kernel and module symbols of every kind
 * (text, data ...) from the kernel's first text symbol up (per-cpu
 * variables show below it, as offsets), sorted, one per address (the
 * first listed, as the kernel's lookups choose), each sized up to the
 * next address of the same module, as the kernel sizes them.  Returns
 * the table's bytes, or NULL with WHY set.
 */
static char *build_symbols(size_t *size, uint32_t *count, const char **why)
{
	size_t len, n = 0, cap = 0, strings = 1, i, k;
	char *text = read_file("/proc/kallsyms", &len), *p, *blob, *str;
	struct ksym *v = NULL;
	struct stp_syms_header h = { STP_SYMS_MAGIC, 0, 0, 0 };
	struct stp_sym *out;
	const char *last_module = NULL;
	uint32_t last_module_off = 0;

	if (!text) {
		*why = strerror(errno);
		return NULL;
	}
	for (p = text; *p; ) {
		char *line = p, *nl = strchr(p, '\n'), *name, *end, *mod = NULL;
		unsigned long long addr;
		char type;

		if (nl)
			*nl = 0;
		p = nl ? nl + 1 : p + strlen(p);
		addr = strtoull(line, &end, 16);
		if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		type = end[1];
		name = end + 3;
		end = strchr(name, '\t');
		if (end) {
			*end = 0;
			mod = strchr(end + 1, '[');
			if (mod) {
				mod++;
				mod[strcspn(mod, "]")] = 0;
			}
		}
		if (!addr || !*name)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].addr = addr;
		v[n].name = name;
		v[n].module = mod ? mod : "";
		v[n].seq = n;
		v[n].text = type == 't' || type == 'T';
		n++;
	}
	qsort(v, n, sizeof(*v), compare_ksyms);
	/* Per-cpu variables show as offsets below the kernel: not addresses. */
	for (i = 0; i < n && !v[i].text; i++)
		;
	/* One symbol an address: the first listed. */
	for (k = 0; i < n; i++)
		if (!k || v[i].addr != v[k - 1].addr)
			v[k++] = v[i];
	n = k;
	if (!n) {
		free(text);
		free(v);
		*why = "it shows no addresses (kernel.kptr_restrict?)";
		return NULL;
	}
	for (i = 0; i < n; i++)
		strings += strlen(v[i].name) + 1 + strlen(v[i].module) + 1;
	if (n > UINT32_MAX || strings > STP_SYMS_MAX) {
		free(text);
		free(v);
		*why = "it is too large";
		return NULL;
	}
	h.count = (uint32_t)n;
	*size = sizeof(h) + n * sizeof(struct stp_sym) + strings;
	blob = xrealloc(NULL, *size);
	out = (struct stp_sym *)(blob + sizeof(h));
	str = (char *)(out + n);
	str[0] = 0;		/* offset 0: "", the kernel */
	k = 1;
	for (i = 0; i < n; i++) {
		uint64_t gap = i + 1 < n ? v[i + 1].addr - v[i].addr : 0;

		/* The last symbol of a module has no known end. */
		if (i + 1 < n && strcmp(v[i + 1].module, v[i].module))
			gap = 0;
		out[i].addr = v[i].addr;
		out[i].size = gap <= UINT32_MAX ? (uint32_t)gap : 0;
		out[i].reserved = 0;
		out[i].name = (uint32_t)k;
		k += (size_t)sprintf(str + k, "%s", v[i].name) + 1;
		if (!v[i].module[0]) {
			out[i].module = 0;
		} else if (last_module && !strcmp(last_module, v[i].module)) {
			out[i].module = last_module_off;
		} else {
			last_module = v[i].module;
			last_module_off = out[i].module = (uint32_t)k;
			k += (size_t)sprintf(str + k, "%s", v[i].module) + 1;
		}
	}
	h.strings = (uint32_t)k;
	*size = sizeof(h) + n * sizeof(struct stp_sym) + k;
	memcpy(blob, &h, sizeof(h));
	*count = h.count;
	free(text);
	free(v);
	return blob;
}

/* A command whose refusal is not fatal: 0 or an errno. */
static int try_command(const char *line)
{
	ssize_t n = write(cmd_fd, line, strlen(line));

	return n == (ssize_t)strlen(line) ? 0 : n < 0 ? errno : EIO;
}

/*
 * Upload the table before "start" (ksym.h).  A failure is a warning: the
 * script then shows addresses in hex.
 */
static void upload_symbols(const char *dir)
{
	char path[512], line[64];
	const char *why = NULL;
	size_t size = 0, off = 0;
	uint32_t count = 0;
	double t0 = now();
	char *blob = build_symbols(&size, &count, &why);
	int fd = -1, rc;

	if (!blob) {
		fprintf(stderr, "WARNING: cannot use /proc/kallsyms: %s; symbols "
			"show as addresses\n", why);
		return;
	}
	snprintf(line, sizeof(line), "symbols %zu", size);
	rc = try_command(line);
	snprintf(path, sizeof(path), "%s/.symbols", dir);
	if (rc == 0 && (fd = open_as_root(path, O_WRONLY | O_CLOEXEC)) < 0)
		rc = errno;
	while (rc == 0 && off < size) {
		size_t chunk = size - off < (1 << 20) ? size - off : 1 << 20;
		ssize_t k = write(fd, blob + off, chunk);

		if (k <= 0)
			rc = k < 0 ? errno : EIO;
		else
			off += (size_t)k;
	}
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		rc = try_command("symbols end");
	free(blob);
	if (rc)
		fprintf(stderr, "WARNING: the module refused the symbol table: "
			"%s; symbols show as addresses\n", strerror(rc));
	else if (opt.verbose)
		fprintf(stderr, "staprun: %u symbols (%zu bytes) uploaded in "
			"%.2f s\n", count, size, now() - t0);
}

struct session {
	bool started, stopped, stop_sent;
	long errors, skipped, dropped, missed;
	unsigned long long records;	/* the module's last sequence number */
	bool failed;
};

/* Messages: ERROR/WARNING lines for stderr, and the session's states. */
static void read_messages(struct session *s)
{
	unsigned long long seq;
	char *nl;
	int at;

	for (;;) {
		ssize_t n = read(cmd_fd, msgbuf + msglen, sizeof(msgbuf) - 1 - msglen);

		if (n <= 0)
			break;
		msglen += (size_t)n;
	}
	msgbuf[msglen] = 0;
	while ((nl = strchr(msgbuf, '\n'))) {
		*nl = 0;
		at = 0;
		if (!strcmp(msgbuf, "STARTED"))
			s->started = true;
		else if (!strcmp(msgbuf, "EXIT"))
			stop_requested = 1;
		else if (sscanf(msgbuf, "SYSTEM %llu %n", &seq, &at) == 1 && at)
			queue_request(seq, unescape_command(msgbuf + at));
		else if (sscanf(msgbuf, "SWITCHFILE %llu", &seq) == 1)
			queue_request(seq, NULL);
		else if (!strncmp(msgbuf, "STOPPED", 7)) {
			s->stopped = true;
			sscanf(msgbuf + 7, "%ld %ld %ld %ld %llu", &s->errors,
			       &s->skipped, &s->dropped, &s->missed, &s->records);
		} else {
			fflush(out);
			fprintf(stderr, "%s\n", msgbuf);
			if (!strncmp(msgbuf, "ERROR", 5))
				s->failed = true;
		}
		msglen -= (size_t)(nl + 1 - msgbuf);
		memmove(msgbuf, nl + 1, msglen + 1);
	}
}

/* ---- running ---- */

/* tz_ctime() and friends: the module cannot read the local time zone;
 * stp_pid() is the writer of this command. */
static void send_time_zone(void)
{
	time_t t = time(NULL);
	struct tm tm;

	/* Always: the module also learns stp_pid() from it. */
	if (localtime_r(&t, &tm) && tm.tm_zone && *tm.tm_zone)
		command("tz %ld %.15s", -tm.tm_gmtoff, tm.tm_zone);
	else
		command("tz 0 UTC");
}

/*
 * input.char and input.line (the input tapset): what arrives on stdin
 * goes to the module's /proc/systemtap/NAME/__stdin, one byte a write,
 * each write a hit of the script's procfs write probe.  Only when the
 * script has that file; polled (stdin's flags are left alone: a terminal
 * shares them with the shell), stopped at end of file.
 */
static int stdin_file = -1;

static void open_stdin_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/proc/systemtap/%s/__stdin", name);
	stdin_file = open_as_root(path, O_WRONLY | O_CLOEXEC);
}

static bool forward_stdin(void)
{
	struct pollfd in = { .fd = 0, .events = POLLIN };
	char buf[256];
	ssize_t n, i;

	if (stdin_file < 0 || poll(&in, 1, 0) != 1)
		return false;
	n = read(0, buf, sizeof(buf));
	if (n <= 0) {		/* end of file, or stdin is gone */
		close(stdin_file);
		stdin_file = -1;
		return false;
	}
	for (i = 0; i < n; i++)
		if (write(stdin_file, buf + i, 1) != 1)
			fprintf(stderr, "staprun: the script refused a byte of"
				" its input: %s\n", strerror(errno));
	return true;
}

/* traceN of each CPU not yet open: those online at the load, then (at
 * each poll) one that came online since (ktransport.c makes its file);
 * N is the CPU's number, so an offline CPU leaves a gap. */
static void open_streams(const char *dir, struct stream *st, int *nstreams)
{
	static bool open_cpu[MAX_CPUS];
	static long conf;	/* present CPUs: sysconf reads a folder */
	int cpu, n = *nstreams;

	if (!conf)
		conf = sysconf(_SC_NPROCESSORS_CONF);
	for (cpu = 0; cpu < MAX_CPUS && cpu < conf; cpu++) {
		char path[512];

		if (open_cpu[cpu])
			continue;
		snprintf(path, sizeof(path), "%s/trace%d", dir, cpu);
		st[n].fd = open_as_root(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (st[n].fd < 0)
			continue;
		st[n].cpu = cpu;
		open_cpu[cpu] = true;
		if (opt.bulk) {
			snprintf(path, sizeof(path), "%s_cpu%d",
				 opt.output ? opt.output : "stap_bulk", cpu);
			st[n].bulk = fopen(path, "we");
			if (!st[n].bulk)
				die("cannot write %s: %s", path, strerror(errno));
		}
		n++;
	}
	*nstreams = n;
}

/*
 * Run -c's command as the target itself (so target() is its pid, as in
 * SystemTap): a simple command is split into words and executed; one
 * with shell operators goes through sh.
 */
static void exec_target(const char *cmd)
{
	wordexp_t w;

	if (wordexp(cmd, &w, WRDE_NOCMD) == 0 && w.we_wordc > 0)
		execvp(w.we_wordv[0], w.we_wordv);
	else
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, "staprun: cannot run %s: %s\n", cmd, strerror(errno));
	_exit(127);
}

static pid_t start_child(int *gate)
{
	int p[2];
	pid_t pid;

	/* O_CLOEXEC: the command holds none of staprun's files, the gate's
	 * read end included (it leaked into every -c command as fd 3). */
	if (pipe2(p, O_CLOEXEC) != 0 || (pid = fork()) < 0)
		die("cannot start %s: %s", opt.target_cmd, strerror(errno));
	if (pid == 0) {
		char go;

		drop_root_for_good();
		close(p[1]);
		if (read(p[0], &go, 1) != 1)
			_exit(127);
		exec_target(opt.target_cmd);
	}
	close(p[0]);
	*gate = p[1];
	return pid;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(void)
{
	struct module_image m = { 0 };
	struct stream streams[MAX_CPUS] = { { 0 } };
	struct session s = { 0 };
	char name[64], dir[256];
	int nstreams = 0, gate = -1, i, status;
	pid_t child = 0;
	double deadline, t0;
	const char *why;

	read_image(&m, opt.module);
	check_access(&m);
	if (opt.check_only) {	/* not this kernel's module, perhaps */
		check_valid(&m);
		printf("staprun: %s may be loaded by you: privilege %s, %s\n",
		       opt.module, privilege_name(m.level), m.is_signed ?
		       "signed" : "not signed");
		return 0;
	}
	why = usyms_prepare(m.data, m.len);	/* before anything loads */
	if (why)
		die("%s", why);
	check_target(&m);
	check_valid(&m);
	rename_module(&m, name, sizeof(name));
	t0 = now();
	root_mode();
	i = (int)syscall(SYS_init_module, m.data, m.len, "");
	user_mode();
	if (i != 0)
		die("cannot load %s: %s%s", opt.module, strerror(errno),
		    errno == EPERM ? " (root, and a kernel that loads modules,"
		    " are needed)" : errno == EKEYREJECTED || errno == ENOKEY ?
		    " (the kernel does not trust its signature)" : "");
	snprintf(loaded, sizeof(loaded), "%s", name);
	if (opt.verbose)
		fprintf(stderr, "staprun: loaded %s in %.3f s\n", name, now() - t0);
	free(m.data);
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/%s", name);
	/* O_CLOEXEC: -c's command must not hold the module's files open (an
	 * open file pins the module: it could not be unloaded). */
	cmd_fd = open_as_root((snprintf(msgbuf, sizeof(msgbuf), "%s/.cmd", dir),
			       msgbuf), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (cmd_fd < 0)
		die("cannot open %s/.cmd (is debugfs mounted?): %s", dir,
		    strerror(errno));
	open_streams(dir, streams, &nstreams);
	for (i = 0; i < opt.nparams; i++)
		command("param %s", opt.params[i]);
	if (opt.target_cmd)
		opt.target_pid = child = start_child(&gate);
	if (opt.target_pid)
		command("target %ld", opt.target_pid);
	if (m.wants_symbols)
		upload_symbols(dir);
	root_mode();	/* its files are root's; the table is built already */
	usyms_upload(dir, cmd_fd, opt.verbose);
	user_mode();
	send_time_zone();
	t0 = now();
	command("start");
	if (opt.verbose)
		fprintf(stderr, "staprun: begin probes run and probes armed in "
			"%.3f s\n", now() - t0);
	open_stdin_file(name);
	if (gate >= 0) {
		if (write(gate, "g", 1) != 1)
			stop_requested = 1;
		close(gate);
	}
	deadline = opt.timeout > 0 ? now() + opt.timeout : 0;
	while (!s.stopped) {
		bool got = false;

		read_messages(&s);
		open_streams(dir, streams, &nstreams);
		for (i = 0; i < nstreams; i++)
			got |= read_stream(&streams[i]);
		got |= forward_stdin();
		emit_ready(false);
		reap_commands(false);
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			stop_requested = 1;
		}
		if (deadline && now() >= deadline)
			stop_requested = 1;
		if (stop_requested && !s.stop_sent) {
			t0 = now();
			command("stop");
			s.stop_sent = true;
			if (opt.verbose)
				fprintf(stderr, "staprun: probes disarmed and end "
					"probes run in %.3f s\n", now() - t0);
		}
		if (!got)
			usleep(20000);
	}
	/* Drain: relay may still hold what the end probes wrote. */
	for (i = 0; i < 5; i++) {
		bool got = false;
		int k;

		for (k = 0; k < nstreams; k++)
			got |= read_stream(&streams[k]);
		if (!got)
			usleep(10000);
	}
	read_messages(&s);
	emit_ready(true);
	reap_commands(true);
	/* The last records, when they never came, leave no gap behind them. */
	if (!opt.bulk && s.records >= next_seq)
		gaps += (long)(s.records - next_seq + 1);
	for (i = 0; i < nstreams; i++) {
		close(streams[i].fd);
		if (streams[i].bulk)
			fclose(streams[i].bulk);
		free(streams[i].buf);
	}
	close(cmd_fd);
	if (stdin_file >= 0)
		close(stdin_file);
	/* A session that ended before its -c command (exit(), an error):
	 * the command goes first, then the module. */
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	t0 = now();
	if (delete_loaded(name) != 0)
		fprintf(stderr, "staprun: cannot unload %s: %s\n", name,
			strerror(errno));
	else if (opt.verbose)
		fprintf(stderr, "staprun: unloaded in %.3f s\n", now() - t0);
	loaded[0] = 0;
	if (s.errors || s.skipped)
		fprintf(stderr, "WARNING: Number of errors: %ld, skipped probes: "
			"%ld\n", s.errors, s.skipped);
	if (s.missed)
		fprintf(stderr, "WARNING: Skipped due to missed kprobes (a probe "
			"hit inside a probe handler): %ld\n", s.missed);
	if (s.dropped)
		fprintf(stderr, "WARNING: %ld records of output were dropped: "
			"the transport was full (try a larger -s)\n", s.dropped);
	if (gaps)
		fprintf(stderr, "WARNING: %ld records of output were lost in "
			"transit\n", gaps);
	return s.errors || s.failed ? 1 : 0;
}

/* ---- --merge: the per-cpu files of -b, in order ---- */

static int merge(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		struct stream s = { 0 };
		FILE *f = fopen(argv[i], "r");
		size_t n;

		if (!f)
			die("cannot read %s: %s", argv[i], strerror(errno));
		s.cap = 65536;
		s.buf = xrealloc(NULL, s.cap);
		while ((n = fread(s.buf + s.len, 1, s.cap - s.len, f)) > 0) {
			s.len += n;
			take_records(&s);
			if (s.len == s.cap) {
				s.cap *= 2;
				s.buf = xrealloc(s.buf, s.cap);
			}
		}
		fclose(f);
		free(s.buf);
	}
	emit_ready(true);
	return 0;
}

static void usage(void)
{
	fputs("usage: staprun [-o FILE] [-b] [-c CMD] [-x PID] [-T SECS] [-v] "
	      "MODULE.ko [NAME=VALUE ...]\n"
	      "       staprun --check MODULE.ko (may you load it: groups, "
	      "signature, validator)\n"
	      "       staprun --merge FILE...   (the per-cpu files of -b)\n",
	      stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	int i;

	out = stdout;
	setuid_run = getuid() != 0 && geteuid() == 0;
	user_mode();
	if (argc > 1 && !strcmp(argv[1], "--merge"))
		return merge(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "--check"))
		opt.check_only = true, argv++, argc--;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-b"))
			opt.bulk = true;
		else if (!strcmp(a, "-v"))
			opt.verbose = true;
		else if (i + 1 >= argc)
			usage();
		else if (!strcmp(a, "-o"))
			opt.output = argv[++i];
		else if (!strcmp(a, "-c"))
			opt.target_cmd = argv[++i];
		else if (!strcmp(a, "-x"))
			opt.target_pid = atol(argv[++i]);
		else if (!strcmp(a, "-T"))
			opt.timeout = atoi(argv[++i]);
		else
			usage();
	}
	if (i >= argc)
		usage();
	opt.module = argv[i++];
	opt.params = argv + i;
	opt.nparams = argc - i;
	if (getuid() != 0 && !setuid_run && !opt.check_only)
		die("loading a module needs root, or staprun installed setuid "
		    "root for the stap groups (docs/safety.md)");
	if (opt.output && !opt.bulk) {
		out = fopen(opt.output, "we");
		if (!out)
			die("cannot write %s: %s", opt.output, strerror(errno));
	}
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	i = run();
	if (out != stdout && fclose(out) != 0)
		i = 1;
	return i;
}
