/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_stap.c - libFuzzer target over the translator's passes 1 and 2.
 *
 * The first byte of an input picks the options (bit 0 guru mode, bit 1
 * -u, bit 2 stop after pass 1); the rest is the script.  Beyond "no
 * crash, leak, hang or sanitizer report", pass 1 checks a property: the
 * canonical form of an accepted script parses without error and prints
 * again identically.  Each input runs on a thread with the same large
 * stack as the real stap, so what fuzzing proves holds for stap.
 *
 * The target is the grid kernel STAP_FUZZ_KERNEL (default
 * debian-6.1-amd64) when it is prepared, so that kernel probes, target
 * variables and @cast are fuzzed against its BTF; otherwise a release
 * with nothing installed (kernel probes then stop at "no BTF"), as with
 * STAP_FUZZ_KERNEL=none (make check's short run: reading BTF for each
 * input took the seeds from 38 to 25 runs a second here).  Each
 * input is a session of its own, ended by arena_free_all as stap ends.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../stap/stap.h"

#ifndef STAP_TAPSET_DIR
#define STAP_TAPSET_DIR "stap/tapset"
#endif

static FILE *devnull;
static const char *kernel;	/* a prepared grid kernel, or NULL */

struct input {
	const uint8_t *data;
	size_t size;
};

static char *canonical(const File *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	print_file(out, f);
	fclose(out);
	return text;
}

static void setup(Session *s, uint8_t flags)
{
	static const char *const args[] = { "1", "two" };

	session_init(s);
	s->quiet = true;
	s->guru = flags & 1;
	s->unoptimized = flags & 2;
	s->last_pass = flags & 4 ? 1 : 2;
	if (!kernel || !set_kernel(kernel))
		s->kernel_release = "6.1.0-56-amd64";
	s->arch = "x86_64";
	vec_push(&s->include_dirs, STAP_TAPSET_DIR);
	vec_push(&s->args, args[0]);
	vec_push(&s->args, args[1]);
	tapset_load_macros();
}

/* Pass 1's property: print(parse(print(parse(x)))) == print(parse(x)). */
static void check_roundtrip(const File *f, uint8_t flags)
{
	char *first = canonical(f), *second;
	Session again;
	File *g;

	setup(&again, flags);
	g = parse_source(source_from_string("<canonical>", first));
	if (S->errors) {
		fprintf(stderr, "canonical form does not parse:\n%s\n", first);
		abort();
	}
	second = canonical(g);
	if (strcmp(first, second)) {
		fprintf(stderr, "canonical form is not stable:\n%s\n---\n%s\n",
			first, second);
		abort();
	}
	free(first);
	free(second);
}

static void *run(void *arg)
{
	struct input *in = arg;
	uint8_t flags = in->size ? in->data[0] : 0;
	Session s;
	Source *src;
	File *f;

	setup(&s, flags);
	src = source_from_string("<fuzz>", "");
	src->text = arena_strndup((const char *)in->data + (in->size > 0),
				  in->size - (in->size > 0));
	src->len = in->size - (in->size > 0);
	f = parse_source(src);
	vec_push(&S->user_files, f);
	vec_push(&S->files, f);
	if (S->errors == 0 && S->last_pass == 1) {
		check_roundtrip(f, flags);
	} else if (S->errors == 0 && resolve_program()) {
		if (!S->unoptimized)
			optimize_program();
		if (infer_types())
			check_program();
		if (!S->errors)
			print_program(devnull);
	}
	arena_free_all();
	return NULL;
}

/* The target kernel, once: a prepared one, or none. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *k = getenv("STAP_FUZZ_KERNEL");
	Session s;

	(void)argc;
	(void)argv;
	k = k && *k ? k : "debian-6.1-amd64";
	session_init(&s);
	s.quiet = true;
	if (strcmp(k, "none") && set_kernel(k) && s.kernel_dir)
		kernel = k;
	arena_free_all();
	fprintf(stderr, "fuzz: target kernel %s\n", kernel ? kernel :
		"none (no prepared grid kernel: kernel probes find no BTF)");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	pthread_attr_t attr;
	pthread_t t;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256u << 20);
	if (pthread_create(&t, &attr, run, &in) != 0)
		abort();
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);
	return 0;
}
