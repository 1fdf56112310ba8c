/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drive.h - what the oracle drivers share (drive.c): the random numbers,
 * the platform hooks the core needs in user space, and the main loop:
 * DRIVE.iters cases (argv[1] instead when given), each through
 * DRIVE.one, then "N WHAT, M differ" and the exit status.
 */
#ifndef ORACLE_DRIVE_H
#define ORACLE_DRIVE_H

#include <stdbool.h>
#include <stdint.h>

struct drive {
	const char *what;	/* what a case is, plural: "random formats" */
	long iters;		/* cases by default */
	uint64_t seed;		/* of rnd(), fixed: the same cases each run */
	long stop;		/* stop after this many differences; 0: never */
	int (*one)(void);	/* one case: its differences, said (0 or more) */
};

extern const struct drive drive;	/* each driver's */

uint64_t rnd(void);
/* Whether to say a difference: only the first five are. */
bool drive_say(void);

#endif
