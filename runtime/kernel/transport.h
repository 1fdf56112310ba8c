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

/*
 * A record: this header, len bytes of output, and its seq again as a
 * footer.  Relay lets a reader read what a CPU has reserved before that
 * CPU has written it; staprun avoids that by reading a CPU's file on
 * that CPU (the writer reserves and writes with interrupts off), and
 * checks anyway, as a sub-buffer being reused still holds an old record
 * and a CPU can go offline: the writer stores the footer after the data
 * and the magic last, so the reader takes a record only when magic and
 * footer agree with a sequence number not yet delivered; anything else
 * is skipped and its number, never delivered, is counted as lost in
 * transit.
 */
struct stp_record {
	uint32_t magic;
	uint32_t len;
	uint64_t seq;
};
#define STP_RECORD_MAGIC 0x53544150	/* "STAP" */
#define STP_RECORD_FOOTER sizeof(uint64_t)

#endif /* STP_TRANSPORT_H */
