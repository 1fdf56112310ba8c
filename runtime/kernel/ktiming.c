/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ktiming.c - stap -t for the kernel runtime: each probe's hits and
 * cycles a hit, reported at the end of the session as SystemTap 4.8 does.
 *
 * Only a module built with -t has any of it: stap adds -DSTP_TIMING to
 * the module's and the runtime object's flags (and so to their cache
 * keys).  Without it the hit path (khit.h) has no clock read and no
 * branch more, and these functions are empty inlines in kernel.h.
 *
 * Each CPU counts in its own statistics (a hit runs with preemption off),
 * merged at the end as SystemTap's global statistics are.
 */
#ifdef STP_TIMING
#include <linux/smp.h>
#include <linux/vmalloc.h>

#include "kernel.h"

static const struct stp_hist_spec timing_spec = { .kind = STP_HIST_NONE };
static char *timing;		/* nr_cpu_ids x stp_nprobes statistics */
static size_t timing_size;	/* one, rounded up for int64_t */

static struct stp_stat *timing_stat(int cpu, int i)
{
	return (struct stp_stat *)(timing + ((size_t)cpu * stp_nprobes + i) *
				   timing_size);
}

int stp_timing_init(void)
{
	int cpu, i;

	timing_size = (stp_stat_size(&timing_spec) + 7) & ~(size_t)7;
	timing = vzalloc((size_t)nr_cpu_ids * (stp_nprobes + 1) * timing_size);
	if (!timing)
		return -ENOMEM;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		for (i = 0; i < stp_nprobes; i++)
			stp_stat_init(timing_stat(cpu, i), &timing_spec);
	return 0;
}

void stp_timing_free(void)
{
	vfree(timing);
	timing = NULL;
}

/* In probe context, preemption off: this CPU's statistic of P. */
void stp_timing_add(const struct stp_probe *p, int64_t cycles)
{
	if (timing)
		stp_stat_add(timing_stat(smp_processor_id(),
					 (int)(p - stp_probes)),
			     &timing_spec, cycles);
}

/* After the end probes: the report into the output, one line a probe
 * that was hit, then SystemTap's (here empty) refresh report. */
void stp_timing_report(void)
{
	enum { LINE = MAXSTRINGLEN + 256 };
	struct stp_stat *all;
	char *line;		/* after ALL: not on the stack (stap-validate) */
	int cpu, i, err = 0, n;

	if (!timing)
		return;
	all = vzalloc(timing_size + LINE);
	if (!all)
		return;
	line = (char *)all + timing_size;
	stp_transport_write("----- probe hit report: \n", 25);
	for (i = 0; i < stp_nprobes; i++) {
		stp_stat_init(all, &timing_spec);
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			stp_stat_merge(all, timing_stat(cpu, i), &timing_spec);
		if (!all->count)
			continue;
		n = snprintf(line, LINE, "%s, (%s), hits: %lld, cycles: "
			     "%lldmin/%lldavg/%lldmax, variance: %lld,%s, "
			     "index: %d\n", stp_probes[i].pp,
			     stp_timing[i].location, (long long)all->count,
			     (long long)all->min,
			     (long long)stp_stat_get(all, STP_AVG, 0, &err),
			     (long long)all->max,
			     (long long)stp_stat_get(all, STP_VARIANCE, 0, &err),
			     stp_timing[i].derivation, i);
		stp_transport_write(line, min_t(size_t, n, LINE - 1));
	}
	stp_transport_write("----- refresh report:\n", 22);
	vfree(all);
}
#endif /* STP_TIMING */
