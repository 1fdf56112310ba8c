/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stap-validate - check modules stap built before anyone loads them
 * (validate.c says what is checked; docs/safety.md why).
 *
 *   stap-validate [--privilege LEVEL] [--release R] [--symvers FILE]
 *                 [--stack-budget BYTES] MODULE.ko...
 *
 * Each violation is printed with its function and offset; the exit
 * status is 0 when every module passes, 1 when one does not, 2 for a
 * usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "../lib/ulib.h"

_Noreturn void ulib_oom(size_t n)
{
	fprintf(stderr, "stap-validate: out of memory (%zu bytes)\n", n);
	exit(2);
}

static void usage(FILE *f)
{
	fputs("usage: stap-validate [--privilege stapusr|stapsys|stapdev] "
	      "[--release R] [--symvers FILE]\n"
	      "                     [--stack-budget BYTES] MODULE.ko...\n"
	      "  --privilege     judge at this level (default: the level the "
	      "module records)\n"
	      "  --release       the kernel release it must be built for\n"
	      "  --symvers       that kernel's Module.symvers: imports and "
	      "their CRCs\n"
	      "  --stack-budget  bytes one function's frame may take "
	      "(default 1024)\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "privilege", required_argument, NULL, 'p' },
		{ "release", required_argument, NULL, 'r' },
		{ "symvers", required_argument, NULL, 's' },
		{ "stack-budget", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct validate_opts o = { .level = PRIV_NONE };
	int c, i, bad = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.level = privilege_of(optarg);
			if (o.level == PRIV_NONE) {
				fprintf(stderr, "stap-validate: --privilege=%s: "
					"the levels are stapusr, stapsys and "
					"stapdev\n", optarg);
				return 2;
			}
			break;
		case 'r': o.release = optarg; break;
		case 's': o.symvers = optarg; break;
		case 'b':
			o.stack_budget = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !o.stack_budget) {
				fprintf(stderr, "stap-validate: --stack-budget=%s:"
					" a positive number of bytes\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (i = optind; i < argc; i++)
		bad += validate_module(argv[i], &o, stdout) > 0;
	return bad ? 1 : 0;
}
