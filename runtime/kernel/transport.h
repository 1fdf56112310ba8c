/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * transport.h - the wire format between a module and staprun, shared by
 * the kernel side (ktransport.c) and staprun.c.
 *
 * Per-cpu relay files "trace0".."traceN" in the module's debugfs folder
 * carry records: a header, then LEN bytes of the script's output.  SEQ
 * orders records across CPUs; staprun merges them.  The control file
 * ".cmd" carries text lines both ways.
 */
#ifndef STP_TRANSPORT_H
#define STP_TRANSPORT_H

struct stp_record {
	uint32_t magic;
	uint32_t len;
	uint64_t seq;
};
#define STP_RECORD_MAGIC 0x53544150	/* "STAP" */

#endif /* STP_TRANSPORT_H */
