/* SPDX-License-Identifier: GPL-2.0-or-later */
/* user.h - what the user runtime's platform layer and main loop share. */
#ifndef STP_USER_H
#define STP_USER_H

#include <stdio.h>
#include <time.h>

extern FILE *stp_out;			/* the script's output */
extern const char *stp_out_name;	/* -o FILE, or NULL */
int64_t stp_clock_ns(clockid_t id);
int stp_main(int argc, char **argv);	/* main(), unless STP_NO_MAIN */
/* The generic tapsets' system() and switch_file() (platform.c). */
struct stp_context;
void stp_system(struct stp_context *c, const char *cmd);
void stp_switch_file(struct stp_context *c);

#endif /* STP_USER_H */
