/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_regex.h - regular expressions as programs: the translator
 * (stap/regex.c) compiles each literal POSIX ERE of a script into
 * instructions, emitted as static data of the program; stp_regex.c runs
 * them in a Pike VM (a Thompson NFA simulation that carries the groups)
 * in fixed memory, without allocation, recursion or backtracking:
 * O(strlen(s) * program length) per match.
 */
#ifndef STP_REGEX_H
#define STP_REGEX_H

#include "stp_types.h"

#define STP_RE_MAXPROG 256	/* instructions of one program */
#define STP_RE_NGROUPS 10	/* groups kept: 0 (the whole match) to 9 */

enum stp_re_op {
	STP_RE_CHAR,		/* the byte arg */
	STP_RE_ANY,		/* any byte */
	STP_RE_CLASS,		/* a byte of the set classes[x] */
	STP_RE_SPLIT,		/* go on at x, and with lower priority at y */
	STP_RE_JMP,		/* go on at x */
	STP_RE_SAVE,		/* the position into slot arg (2g, 2g + 1) */
	STP_RE_BOL,		/* at the subject's start */
	STP_RE_EOL,		/* at its end */
	STP_RE_MATCH,
};

struct stp_re_insn {
	uint8_t op, arg;
	uint16_t x, y;
};

/* One expression of the script (static const data of the program). */
struct stp_regex {
	const char *src;		/* the expression, decoded */
	const struct stp_re_insn *prog;	/* NULL: not compiled */
	int len;			/* instructions, <= STP_RE_MAXPROG */
	int ngroups;			/* groups kept, 0 included (1 to 10) */
	const uint8_t (*classes)[32];	/* byte sets, bit b of byte b / 8 */
};

#if MAXSTRINGLEN <= 32767
typedef int16_t stp_re_pos;
#else
typedef int32_t stp_re_pos;
#endif

/* A thread: where it is and the groups it has seen. */
struct stp_re_thread {
	uint16_t pc;
	stp_re_pos cap[2 * STP_RE_NGROUPS];
};

/* The VM's memory (in the probe context, not on the stack): two thread
 * lists of at most one thread per instruction, the mark of the list an
 * instruction is on, and the stack that follows the jumps of one step.
 * With the defaults: 2 * (4 + 256 * 42) + 256 * 4 + 513 * 4 = 24612
 * bytes. */
struct stp_re_work {
	struct stp_re_list {
		int n;
		struct stp_re_thread t[STP_RE_MAXPROG];
	} list[2];
	int mark[STP_RE_MAXPROG];
	struct stp_re_todo {
		int16_t pc;		/* >= 0: go there; < 0: restore slot -pc - 1 */
		stp_re_pos val;		/* the slot's value to restore */
	} todo[2 * STP_RE_MAXPROG + 1];
};

/*
 * Match S against RE: leftmost, then longest (POSIX's choice of the
 * whole match); groups from the first path in priority order (greedy
 * repetitions, left alternatives first) that gives that match.  Fills
 * start[] and end[] (STP_RE_NGROUPS each, -1 for a group that took no
 * part) and returns 1; 0 when S does not match; -1 for a bad program.
 * Reads at most MAXSTRINGLEN - 1 bytes of S.
 */
int stp_regex_exec(const struct stp_regex *re, const char *s,
		   struct stp_re_work *w, int *start, int *end);

#endif /* STP_REGEX_H */
