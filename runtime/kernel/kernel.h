/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel.h - what the kernel flavour's files share: the transport
 * (ktransport.c) and the session (kmain.c).
 */
#ifndef STP_KERNEL_H
#define STP_KERNEL_H

#include "stp_runtime.h"
/* The target's APIs, from stap's compile probes (stap/kcompat.c). */
#include "stp_compat.h"

#include "transport.h"

int stp_transport_init(const char *name, size_t subbuf, size_t nsubbufs);
void stp_transport_exit(void);
void stp_transport_flush(void);
/* A line for staprun on the control channel ("ERROR ...", "EXIT"). */
void stp_control_send(const char *text);
/* Called from the control channel's write: a command from staprun. */
int stp_session_command(char *cmd);
/* Relay records that could not be written (full buffers). */
extern atomic64_t stp_dropped;

#endif /* STP_KERNEL_H */
