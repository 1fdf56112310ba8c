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

/* Every option that takes effect, and only those (the ones accepted
 * for SystemTap's command lines but without effect here are listed in
 * docs/language.md). */
static void usage(FILE *out)
{
	fputs(
"Usage: stap [OPTIONS] FILE [ARGS ...]\n"
"       stap [OPTIONS] -e SCRIPT [ARGS ...]\n"
"       stap [OPTIONS] -l PROBE | -L PROBE\n"
"       stap [OPTIONS] --dump-probe-types | --dump-probe-aliases |\n"
"                      --dump-functions\n"
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
"  -v              the time of each pass (repeat for more)\n"
"  -k              keep the temporary build directory\n"
"  -m NAME         module name\n"
"  -r KERNEL       target kernel: release, kbuild tree, target directory\n"
"                  or a target's name on STAP_TARGET_PATH (docs/kernel.md)\n"
"  -a ARCH         target architecture (x86_64)\n"
"  -R DIR          the runtime's sources\n"
"  -B NAME=VALUE   a make directive for the module's build (kernel runtime)\n"
"  -o FILE         send the script's output to FILE (strftime(3) formats)\n"
"  -c CMD          run CMD; target() is its pid; stop when it exits\n"
"  -x PID          target() is PID\n"
"  -G VAR=VALUE    set a global variable\n"
"  -d PATH         user symbols of the binary PATH for backtraces (repeat)\n"
"  --ldd           and of the shared libraries probed binaries and -d's use\n"
"  -T SECONDS      stop the script after SECONDS\n"
"  -b              bulk (per-cpu) transport files (kernel runtime)\n"
"  -t              report each probe's hits and cycles at exit\n"
"  -l PROBE        list the probe points matching PROBE\n"
"  -L PROBE        as -l, with the variables each probe offers\n"
"  --runtime=MODE  kernel (default) or user\n"
"  --compatible=V  behave as SystemTap version V for systemtap_v\n"
"  --privilege=LEVEL  stapusr, stapsys or stapdev (default): what the\n"
"                  script may do, recorded in the module (--unprivileged:\n"
"                  stapusr)\n"
"  --signing-key=PEM  sign the module with this key and certificate, not\n"
"                  the one made in $SYSTEMTAP_DIR/keys\n"
"  --skip-badvars   a target variable that does not resolve is 0, not an\n"
"                  error\n"
"  --dump-probe-types    the probe types this translator builds\n"
"  --dump-probe-aliases  the probe aliases of the tapset library\n"
"  --dump-functions      the functions of the tapset library, typed\n"
"  -V              version\n"
"  -h              this help\n", out);
}

/* After -h, -V and the like: output that could not be written (a full
 * disk, /dev/full) is an error, not a silent success. */
static _Noreturn void exit_after_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "stap: error writing the output\n");
		exit(1);
	}
	exit(0);
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

enum {
	OPT_RUNTIME = 256, OPT_COMPAT, OPT_SUPPRESS_TIME, OPT_SUPPRESS_ERR,
	OPT_PRIVILEGE, OPT_UNPRIVILEGED, OPT_UNSUPPORTED,
	OPT_DUMP_TYPES, OPT_DUMP_ALIASES, OPT_DUMP_FUNCTIONS, OPT_ALL_MODULES,
	OPT_SKIP_BADVARS, OPT_LDD, OPT_SIGNING_KEY,
};

static const struct option long_options[] = {
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "compatible", required_argument, NULL, OPT_COMPAT },
	{ "suppress-time-limits", no_argument, NULL, OPT_SUPPRESS_TIME },
	{ "suppress-handler-errors", no_argument, NULL, OPT_SUPPRESS_ERR },
	{ "skip-badvars", no_argument, NULL, OPT_SKIP_BADVARS },
	{ "ldd", no_argument, NULL, OPT_LDD },
	{ "privilege", required_argument, NULL, OPT_PRIVILEGE },
	{ "unprivileged", no_argument, NULL, OPT_UNPRIVILEGED },
	{ "signing-key", required_argument, NULL, OPT_SIGNING_KEY },
	{ "remote", required_argument, NULL, OPT_UNSUPPORTED },
	{ "all-modules", no_argument, NULL, OPT_ALL_MODULES },
	{ "dump-probe-types", no_argument, NULL, OPT_DUMP_TYPES },
	{ "dump-probe-aliases", no_argument, NULL, OPT_DUMP_ALIASES },
	{ "dump-functions", no_argument, NULL, OPT_DUMP_FUNCTIONS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* -I and -R: a folder that exists. */
static const char *dir_option(const char *opt, const char *arg)
{
	struct stat st;

	if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))
		usage_error("%s %s: not a directory", opt, arg);
	return arg;
}

/* The options that only set a flag of the session; false for others. */
static bool flag_option(int c)
{
	switch (c) {
	case 'g': S->guru = true; break;
	case 'u': S->unoptimized = true; break;
	case 'w': S->no_warnings = true; break;
	case 'W': S->warn_error = true; break;
	case 'v': S->verbose++; break;
	case 'k': S->keep_tmp = true; break;
	case 'q': S->quiet_run = true; break;
	case 'b': S->bulk = true; break;
	case 't': S->timing = true; break;
	case 'F': S->flight = true; break;
	case 'P': break;	/* prologue search: always on here */
	default: return false;
	}
	return true;
}

/* -m NAME: a C identifier the kernel takes as a module's name. */
static const char *module_option(const char *arg)
{
	if (!c_identifier(arg, strlen(arg)) || strlen(arg) > 55)
		usage_error("-m %s: a module name is a C identifier of at"
			    " most 55 characters", arg);
	return arg;
}

/* The short options with a value, ARG; false for others. */
static bool value_option(int c, const char *arg)
{
	switch (c) {
	case 'p':
		S->last_pass = (int)number_option("-p", arg, 1, 5);
		break;
	case 'e':
		if (S->script_text)
			usage_error("only one -e script may be given;"
				    " use -E for more");
		S->script_text = arg;
		break;
	case 'E': vec_push(&S->extra_scripts, arg); break;
	case 'I': vec_push(&S->include_dirs, dir_option("-I", arg)); break;
	case 'D': vec_push(&S->defines, name_value("-D", arg, false)); break;
	case 'G': vec_push(&S->set_globals, name_value("-G", arg, true)); break;
	case 'm': S->module_name = module_option(arg); break;
	case 'r': S->kernel = arg; break;
	case 'd': vec_push(&S->user_binaries, arg); break;
	case 'a':
		if (strcmp(arg, "x86_64"))
			usage_error("-a %s: only x86_64 is supported", arg);
		S->arch = arg;
		break;
	case 'o': S->output = arg; break;
	case 'c': S->target_cmd = arg; break;
	case 'x': S->target_pid = number_option("-x", arg, 1, 4194304); break;
	case 'T':
		S->timeout = (int)number_option("-T", arg, 1, 86400 * 365);
		break;
	case 's': S->buffer_mb = (int)number_option("-s", arg, 1, 4095); break;
	case 'S': S->output_size = arg; break;
	case 'R': S->runtime_dir = dir_option("-R", arg); break;
	case 'B':
		name_value("-B", arg, true);
		vec_push(&S->kbuild_opts, arg);
		break;
	case 'l':
	case 'L':
		S->list_pattern = arg;
		S->list_vars = c == 'L';
		break;
	default:
		return false;
	}
	return true;
}

/* The long options, -V, -h, and the options stap refuses. */
static void other_option(int c, const char *arg, char **argv)
{
	switch (c) {
	case 'V':
		printf("stap (dynamic tracer translator) version %s,"
		       " SystemTap language %s\n", STAP_VERSION,
		       STAP_COMPAT_VERSION);
		exit_after_output();
	case 'h':
		usage(stdout);
		exit_after_output();
	case OPT_DUMP_TYPES: dump_select(DUMP_PROBE_TYPES); break;
	case OPT_DUMP_ALIASES: dump_select(DUMP_PROBE_ALIASES); break;
	case OPT_DUMP_FUNCTIONS: dump_select(DUMP_FUNCTIONS); break;
	case 'i':
		usage_error("-i (interactive mode) is not supported");
	case OPT_RUNTIME:
		if (strcmp(arg, "kernel") && strcmp(arg, "user"))
			usage_error("--runtime=%s: the runtimes are"
				    " 'kernel' and 'user'", arg);
		S->runtime = arg;
		break;
	case OPT_COMPAT:
		if (!isdigit((unsigned char)arg[0]))
			usage_error("--compatible=%s: expected a version"
				    " such as 4.8", arg);
		S->compat = arg;
		break;
	case OPT_SUPPRESS_TIME: S->suppress_time_limits = true; break;
	case OPT_SUPPRESS_ERR: S->suppress_handler_errors = true; break;
	case OPT_SKIP_BADVARS: S->skip_badvars = true; break;
	case OPT_LDD: S->ldd = true; break;
	case OPT_ALL_MODULES:
		/* SystemTap's "symbols of every loaded module": staprun
		 * always uploads them all from /proc/kallsyms. */
		break;
	case OPT_PRIVILEGE:
		if (!privilege_parse(arg, &S->privilege))
			usage_error("--privilege=%s: the levels are stapusr,"
				    " stapsys and stapdev", arg);
		break;
	case OPT_UNPRIVILEGED:
		S->privilege = PRIV_STAPUSR;
		break;
	case OPT_SIGNING_KEY:	/* a PEM: the key and its certificate */
		S->signing_key = arg;
		break;
	case OPT_UNSUPPORTED:
		usage_error("%s is not supported", argv[optind - 1]);
	default:
		if (optopt && strchr("peEIDGmraocxTsLlSRBd", optopt))
			usage_error("option -%c needs a value", optopt);
		if (optopt)
			usage_error("unknown option -%c", optopt);
		usage_error("unknown option %s", argv[optind - 1]);
	}
}

/* Options may follow the script and its arguments, as SystemTap's
 * getopt permutes them (the examples' .meta files write `stap X.stp -T
 * 1`); `--` ends the options, for arguments that look like one. */
static void parse_options(int argc, char **argv)
{
	int c, i;

	opterr = 0;
	while ((c = getopt_long(argc, argv,
				"p:e:E:I:D:guwWvkm:r:a:o:c:x:G:T:s:btqL:l:VhFiS:R:B:Pd:",
				long_options, NULL)) != -1)
		if (!flag_option(c) && !value_option(c, optarg))
			other_option(c, optarg, argv);
	i = optind;
	if (!S->script_text && !S->list_pattern && !dump_selected()) {
		if (i >= argc)
			usage_error("no script: give a FILE or -e SCRIPT");
		S->script_file = argv[i++];
	}
	for (; i < argc; i++)
		vec_push(&S->args, argv[i]);
	if (S->guru && S->privilege != PRIV_STAPDEV)
		usage_error("-g (guru mode) needs --privilege=stapdev, not %s",
			    privilege_name(S->privilege));
	if (S->suppress_time_limits && !S->guru)
		usage_error("--suppress-time-limits needs guru mode (-g)");
}

static void *run_thread(void *arg)
{
	*(int *)arg = run_passes();
	return NULL;
}

int main(int argc, char **argv)
{
	Session session;
	pthread_attr_t attr;
	pthread_t thread;
	int rc = 1;
	const char *env;

	session_init(&session);
	pass_marker(0, false);
	parse_options(argc, argv);
	if (!set_kernel(S->kernel))
		return 1;
	if (!S->arch)
		S->arch = host_arch();
	env = getenv("SYSTEMTAP_TAPSET");
	vec_push(&S->include_dirs, env && *env ? env : STAP_TAPSET_DIR);
	pass_marker(0, true);

	/* A roomy stack: deeply nested (but bounded) input stays safe. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256u << 20);
	if (pthread_create(&thread, &attr, run_thread, &rc) != 0)
		rc = run_passes();
	else
		pthread_join(thread, NULL);
	pthread_attr_destroy(&attr);
	pass_marker(6, false);
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "stap: error writing the output\n");
		rc = 1;
	}
	kernel_free();
	dwarf_close();
	pass_marker(6, true);	/* before the arena (S) is freed */
	arena_free_all();
	return rc;
}
