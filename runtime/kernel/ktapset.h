/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ktapset.h - what the generic kernel tapsets call (ktapset.c): a probed
 * function's arguments by the x86-64 calling convention, the time zone
 * staprun passes, and the requests a script makes of staprun (system(),
 * switch_file()).
 *
 * Requests to staprun are lines on the control channel, each with the
 * number of output records written before it (transport.h's SEQ), so
 * staprun acts on it once that output is out:
 *   SYSTEM SEQ COMMAND      run COMMAND with /bin/sh (\\ and \n escaped)
 *   SWITCHFILE SEQ          go on in the next -o file
 * staprun gives the time zone with the command "tz GMTOFF NAME", always,
 * before "start" (its writer is staprun: stp_pid()).
 */
#ifndef STP_KTAPSET_H
#define STP_KTAPSET_H

#include "stp_runtime.h"

/* Argument N (1-based) of the probed function; the value truncated to
 * 32 bits when TRUNCATE, then sign-extended when SIGNED. */
int64_t stp_func_arg(struct stp_context *c, int64_t n, bool is_signed,
		     bool truncate);
/* The command "tz GMTOFF NAME" (kmain.c). */
int stp_tz_command(const char *arg);
int64_t stp_tz_gmtoff(void);		/* seconds west of UTC */
void stp_tz_name(char *out);		/* MAXSTRINGLEN */
/* stp_pid(): staprun's process, which wrote the tz command. */
int64_t stp_staprun_pid(void);
void stp_system(struct stp_context *c, const char *cmd);
void stp_switch_file(struct stp_context *c);

#endif /* STP_KTAPSET_H */
