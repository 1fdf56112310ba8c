/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - the stap command line and the pass driver.
 *
 * Options follow SystemTap's stap(1).  Options that only matter to a later
 * pass (-o, -c, -x, -T, -b ...) are checked and kept in the session;
 * when that pass cannot run, stap says so instead of ignoring them.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "stap.h"

#ifndef STAP_TAPSET_DIR
#define STAP_TAPSET_DIR "/usr/share/stap/tapset"
#endif

Session *S;

static void usage(FILE *out)
{
	fputs(
"Usage: stap [OPTIONS] FILE [ARGS ...]\n"
"       stap [OPTIONS] -e SCRIPT [ARGS ...]\n"
"       stap [OPTIONS] -l PROBE | -L PROBE\n"
"Translate a SystemTap script; ARGS are $1 ... / @1 ... in the script.\n"
"\n"
"  -p NUM          stop after pass NUM: 1 parse, 2 elaborate, 3 translate,\n"
"                  4 build, 5 run (default)\n"
"  -e SCRIPT       script given on the command line\n"
"  -E SCRIPT       extra script, added to FILE or -e\n"
"  -I DIR          add a tapset directory\n"
"  -D NAME[=VAL]   define a C macro for the generated code (limits)\n"
"  -g              guru mode: allow embedded C and writes to the target\n"
"  -u              unoptimized: keep and check unused code\n"
"  -w              no warnings\n"
"  -W              warnings are errors\n"
"  -v              more verbose (repeat for more)\n"
"  -k              keep the temporary build directory\n"
"  -m NAME         module name\n"
"  -r KERNEL       target kernel: release, kbuild directory or grid id\n"
"  -a ARCH         target architecture (x86_64)\n"
"  -o FILE         send the script's output to FILE\n"
"  -c CMD          run CMD; target() is its pid; stop when it exits\n"
"  -x PID          target() is PID\n"
"  -G VAR=VALUE    set a global variable\n"
"  -T SECONDS      stop the script after SECONDS\n"
"  -s MB           transport buffer size\n"
"  -b              bulk (per-cpu) transport files\n"
"  -t              report probe timing at exit\n"
"  -q              quiet\n"
"  -l PROBE        list the probe points matching PROBE\n"
"  -L PROBE        as -l, with the variables each probe offers\n"
"  --runtime=MODE  kernel (default) or user\n"
"  --compatible=V  behave as SystemTap version V for systemtap_v\n"
"  --suppress-time-limits     (guru) no MAXACTION / overload limits\n"
"  --suppress-handler-errors  ignore MAXERRORS and MAXSKIPPED\n"
"  -V              version\n"
"  -h              this help\n", out);
}

static _Noreturn void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("stap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'stap -h' for the options.\n", stderr);
	exit(1);
}

static bool c_identifier(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static long number_option(const char *opt, const char *arg, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < lo || v > hi)
		usage_error("%s needs a number from %ld to %ld, not '%s'", opt,
			    lo, hi, arg);
	return v;
}

/* -D NAME[=VALUE] and -G NAME=VALUE */
static Define name_value(const char *opt, const char *arg, bool need_value)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	Define d;

	if (!c_identifier(arg, n) || (need_value && !eq))
		usage_error("%s expects NAME%s, not '%s'", opt,
			    need_value ? "=VALUE" : "[=VALUE]", arg);
	d.name = arena_strndup(arg, n);
	d.value = eq ? eq + 1 : NULL;
	return d;
}

static const char *host_arch(void)
{
	struct utsname u;

	if (uname(&u) != 0)
		return "x86_64";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	if (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86"))
		return "i386";
	return arena_strdup(u.machine);
}

/* -r: a release name or a kbuild directory. */
static void set_kernel(const char *k)
{
	struct utsname u;

	if (!k) {
		if (uname(&u) != 0)
			fatal("cannot read the running kernel's release: %s",
			      strerror(errno));
		S->kernel_release = arena_strdup(u.release);
	} else if (strchr(k, '/')) {
		char *path = arena_printf("%s/include/config/kernel.release",
					  k);
		size_t len;
		char *rel = read_file(path, &len);

		if (!rel)
			usage_error("-r %s: not a kernel build directory (cannot"
				    " read %s: %s)", k, path, strerror(errno));
		while (len && isspace((unsigned char)rel[len - 1]))
			rel[--len] = '\0';
		S->kernel_release = arena_strdup(rel);
		S->kernel_build = k;
		free(rel);
		return;
	} else {
		S->kernel_release = k;
	}
	S->kernel_build = arena_printf("/lib/modules/%s/build",
				       S->kernel_release);
}

/* CONFIG_* of the target, read on the first %( CONFIG_... %). */
void kconfig_load(void)
{
	char *path, *text, *line, *save = NULL;
	size_t len;

	if (S->kconfig_loaded)
		return;
	S->kconfig_loaded = true;
	if (!S->kernel_build)
		return;
	path = arena_printf("%s/.config", S->kernel_build);
	text = read_file(path, &len);
	if (!text) {
		if (S->verbose)
			fprintf(stderr, "stap: no kernel configuration at %s;"
				" every CONFIG_ option reads as unset\n", path);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *v;

		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		v = eq + 1;
		if (*v == '"' && strlen(v) >= 2 && v[strlen(v) - 1] == '"')
			v = arena_strndup(v + 1, strlen(v) - 2);
		else
			v = arena_strdup(v);
		table_put(&S->kconfig, arena_strndup(line, (size_t)(eq - line)),
			  v);
	}
	free(text);
}

enum {
	OPT_RUNTIME = 256, OPT_COMPAT, OPT_SUPPRESS_TIME, OPT_SUPPRESS_ERR,
	OPT_PRIVILEGE, OPT_UNPRIVILEGED, OPT_UNSUPPORTED,
};

static const struct option long_options[] = {
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "compatible", required_argument, NULL, OPT_COMPAT },
	{ "suppress-time-limits", no_argument, NULL, OPT_SUPPRESS_TIME },
	{ "suppress-handler-errors", no_argument, NULL, OPT_SUPPRESS_ERR },
	{ "privilege", required_argument, NULL, OPT_PRIVILEGE },
	{ "unprivileged", no_argument, NULL, OPT_UNPRIVILEGED },
	{ "remote", required_argument, NULL, OPT_UNSUPPORTED },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(int argc, char **argv)
{
	int c, i;

	opterr = 0;
	while ((c = getopt_long(argc, argv,
				"+p:e:E:I:D:guwWvkm:r:a:o:c:x:G:T:s:btqL:l:VhFiS:R:B:P",
				long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			S->last_pass = (int)number_option("-p", optarg, 1, 5);
			break;
		case 'e':
			if (S->script_text)
				usage_error("only one -e script may be given;"
					    " use -E for more");
			S->script_text = optarg;
			break;
		case 'E':
			vec_push(&S->extra_scripts, optarg);
			break;
		case 'I': {
			struct stat st;

			if (stat(optarg, &st) != 0 || !S_ISDIR(st.st_mode))
				usage_error("-I %s: not a directory", optarg);
			vec_push(&S->include_dirs, optarg);
			break;
		}
		case 'D':
			vec_push(&S->defines, name_value("-D", optarg, false));
			break;
		case 'G':
			vec_push(&S->set_globals,
				 name_value("-G", optarg, true));
			break;
		case 'g': S->guru = true; break;
		case 'u': S->unoptimized = true; break;
		case 'w': S->no_warnings = true; break;
		case 'W': S->warn_error = true; break;
		case 'v': S->verbose++; break;
		case 'k': S->keep_tmp = true; break;
		case 'q': break;
		case 'b': case 't': case 'F': case 'P': break;
		case 'm':
			if (!c_identifier(optarg, strlen(optarg)) ||
			    strlen(optarg) > 55)
				usage_error("-m %s: a module name is a C"
					    " identifier of at most 55"
					    " characters", optarg);
			S->module_name = optarg;
			break;
		case 'r':
			S->kernel = optarg;
			break;
		case 'a':
			if (strcmp(optarg, "x86_64"))
				usage_error("-a %s: only x86_64 is supported",
					    optarg);
			S->arch = optarg;
			break;
		case 'o':
			S->output = optarg;
			break;
		case 'c':
			S->target_cmd = optarg;
			break;
		case 'x':
			S->target_pid = number_option("-x", optarg, 1,
						      4194304);
			break;
		case 'T':
			S->timeout = (int)number_option("-T", optarg, 1,
							 86400 * 365);
			break;
		case 's':
			number_option("-s", optarg, 1, 4095);
			break;
		case 'S': case 'R': case 'B':
			break;
		case 'l':
		case 'L':
			S->list_pattern = optarg;
			S->list_vars = c == 'L';
			break;
		case 'V':
			printf("stap (dynamic tracer translator) version %s,"
			       " SystemTap language %s\n", STAP_VERSION,
			       STAP_COMPAT_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case 'i':
			usage_error("-i (interactive mode) is not supported");
		case OPT_RUNTIME:
			if (strcmp(optarg, "kernel") && strcmp(optarg, "user"))
				usage_error("--runtime=%s: the runtimes are"
					    " 'kernel' and 'user'", optarg);
			S->runtime = optarg;
			break;
		case OPT_COMPAT:
			if (!isdigit((unsigned char)optarg[0]))
				usage_error("--compatible=%s: expected a version"
					    " such as 4.8", optarg);
			S->compat = optarg;
			break;
		case OPT_SUPPRESS_TIME:
			S->suppress_time_limits = true;
			break;
		case OPT_SUPPRESS_ERR:
			S->suppress_handler_errors = true;
			break;
		case OPT_PRIVILEGE:
			if (strcmp(optarg, "stapdev"))
				usage_error("--privilege=%s: only stapdev"
					    " (root) is supported", optarg);
			break;
		case OPT_UNPRIVILEGED:
			usage_error("--unprivileged is not supported: run as"
				    " root");
		case OPT_UNSUPPORTED:
			usage_error("%s is not supported", argv[optind - 1]);
		default:
			if (optopt && strchr("peEIDGmraocxTsLlSRB", optopt))
				usage_error("option -%c needs a value", optopt);
			if (optopt)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	i = optind;
	if (!S->script_text && !S->list_pattern) {
		if (i >= argc)
			usage_error("no script: give a FILE or -e SCRIPT");
		S->script_file = argv[i++];
	}
	for (; i < argc; i++)
		vec_push(&S->args, argv[i]);
	if (S->suppress_time_limits && !S->guru)
		usage_error("--suppress-time-limits needs guru mode (-g)");
}

static double now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

static void add_user_source(Source *src)
{
	File *f = parse_source(src);

	vec_push(&S->user_files, f);
	vec_push(&S->files, f);
}

static Source *load_script(const char *path)
{
	Source *src;

	if (!strcmp(path, "-")) {
		Buf b = { 0 };
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			buf_putn(&b, chunk, n);
		src = source_from_string("<stdin>", b.s ? b.s : "");
		if (b.s && strlen(b.s) != b.len)
			src->len = b.len, src->text = arena_strndup(b.s, b.len);
		buf_free(&b);
		return src;
	}
	src = source_from_file(path, false);
	if (!src)
		fatal("cannot read script '%s': %s", path, strerror(errno));
	return src;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -l / -L: elaborate "probe PATTERN {}" and list the points it gives,
 * with -L the variables its aliases set, sorted and without repeats. */
static int list_probes(void)
{
	VEC(char *) lines = { 0 };
	int i, k;

	S->unoptimized = true;
	add_user_source(source_from_string(
		"<probe pattern>", arena_printf("probe %s {}\n",
						S->list_pattern)));
	if (S->errors || !resolve_program() || !infer_types())
		return 1;
	for (i = 0; i < S->derived.len; i++) {
		Derived *d = S->derived.v[i];
		Buf b = { 0 };

		print_point(&b, d->user_point);
		for (k = 0; S->list_vars && k < d->locals.len; k++)
			buf_printf(&b, " %s:%s", d->locals.v[k]->name,
				   type_name(tyvar_type(d->locals.v[k]->ty)));
		vec_push(&lines, arena_strdup(b.s));
		buf_free(&b);
	}
	if (lines.len)
		qsort(lines.v, (size_t)lines.len, sizeof(char *),
		      compare_strings);
	for (i = 0; i < lines.len; i++)
		if (i == 0 || strcmp(lines.v[i], lines.v[i - 1]))
			puts(lines.v[i]);
	return 0;
}

static int run_passes(void)
{
	double t0 = now_ms();
	int i;

	tapset_load_macros();
	if (S->list_pattern)
		return list_probes();
	if (S->script_file)
		add_user_source(load_script(S->script_file));
	if (S->script_text)
		add_user_source(source_from_string("<input>", S->script_text));
	for (i = 0; i < S->extra_scripts.len; i++)
		add_user_source(source_from_string(
			arena_printf("<-E %d>", i + 1), S->extra_scripts.v[i]));
	if (S->verbose)
		fprintf(stderr, "Pass 1: parsed user script in %.1f ms.\n",
			now_ms() - t0);
	if (S->errors) {
		diag_summary();
		fprintf(stderr, "Pass 1: parse failed.\n");
		return 1;
	}
	if (S->last_pass == 1 && !S->list_pattern) {
		for (i = 0; i < S->user_files.len; i++)
			print_file(stdout, S->user_files.v[i]);
		return 0;
	}

	t0 = now_ms();
	if (resolve_program()) {
		if (!S->unoptimized)
			optimize_program();
		if (infer_types())
			check_program();
	}
	if (S->verbose)
		fprintf(stderr, "Pass 2: analyzed script in %.1f ms.\n",
			now_ms() - t0);
	if (S->errors) {
		diag_summary();
		fprintf(stderr, "Pass 2: analysis failed.\n");
		return 1;
	}
	if (S->last_pass == 2) {
		print_program(stdout);
		return 0;
	}
	fprintf(stderr, "stap: pass 3 (translation to C) is not implemented"
		" yet: stop with -p1 or -p2\n");
	return 1;
}

static void *run_thread(void *arg)
{
	*(int *)arg = run_passes();
	return NULL;
}

int main(int argc, char **argv)
{
	Session session = { 0 };
	pthread_attr_t attr;
	pthread_t thread;
	int rc = 1;
	const char *env;

	S = &session;
	S->last_pass = 5;
	S->runtime = "kernel";
	parse_options(argc, argv);
	set_kernel(S->kernel);
	if (!S->arch)
		S->arch = host_arch();
	env = getenv("SYSTEMTAP_TAPSET");
	vec_push(&S->include_dirs, env && *env ? env : STAP_TAPSET_DIR);

	/* A roomy stack: deeply nested (but bounded) input stays safe. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256u << 20);
	if (pthread_create(&thread, &attr, run_thread, &rc) != 0)
		rc = run_passes();
	else
		pthread_join(thread, NULL);
	pthread_attr_destroy(&attr);
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "stap: error writing the output\n");
		rc = 1;
	}
	arena_free_all();
	return rc;
}
