/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_timer.c - timers.
 *
 *   timer.UNIT(N)[.randomize(R)]   every N units (s, sec, ms, msec, us,
 *                                  usec, ns, nsec, jiffies), R of them at
 *                                  random added or taken
 *   timer.hz(N)                    N times a second
 *   timer.profile                  at each tick on every CPU (kernel: the
 *                                  cpu_clock software event)
 *
 * The runtime takes the period and the randomisation in nanoseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "stap.h"

static bool positive(const Component *c, const char *what)
{
	if (c->param->num <= 0) {
		sem_error(c->param->tok, "the %s of timer.%s must be positive,"
			  " not %lld", what, c->name,
			  (long long)c->param->num);
		return false;
	}
	return true;
}

static bool check_timer(const ProbePoint *pp, int64_t *seq)
{
	const Component *period = &pp->comps.v[1];

	(void)seq;
	if (!positive(period, "period"))
		return false;
	if (pp->comps.len == 3) {
		const Component *r = &pp->comps.v[2];

		if (r->param->num < 0 || r->param->num > period->param->num) {
			sem_error(r->param->tok, "randomize(%lld) must lie"
				  " between 0 and the period %lld",
				  (long long)r->param->num,
				  (long long)period->param->num);
			return false;
		}
	}
	return true;
}

static bool check_profile(const ProbePoint *pp, int64_t *seq)
{
	(void)seq;
	return family_needs_kernel(pp);
}

/* The target's HZ (CONFIG_HZ), for timer.jiffies; 250 when unknown
 * (the Debian kernels' value). */
static int64_t target_hz(void)
{
	const char *hz;

	kconfig_load();
	hz = table_get(&S->kconfig, "CONFIG_HZ");
	if (hz && atoll(hz) > 0)
		return atoll(hz);
	return 250;
}

/* A timer's period and randomisation, in nanoseconds. */
static void timer_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	const Component *unit;
	int64_t scale = 1;
	const char *u;

	(void)index;
	(void)code;
	if (d->point->comps.len < 2 || !d->point->comps.v[1].param)
		return;		/* timer.profile */
	unit = &d->point->comps.v[1];
	u = unit->name;
	if (!strcmp(u, "s") || !strcmp(u, "sec"))
		scale = 1000000000;
	else if (!strcmp(u, "ms") || !strcmp(u, "msec"))
		scale = 1000000;
	else if (!strcmp(u, "us") || !strcmp(u, "usec"))
		scale = 1000;
	else if (!strcmp(u, "jiffies"))
		scale = 1000000000 / target_hz();
	if (!strcmp(u, "hz")) {
		r->period = 1000000000 / (unit->param->num ? unit->param->num :
					  1);
		return;
	}
	r->period = unit->param->num * scale;
	if (d->point->comps.len > 2)
		r->random = d->point->comps.v[2].param->num * scale;
}

#define TIMER(unit)							\
	{ .family = &pf_timer, .parts = { { "timer", 0 }, { unit, 'N' } },	\
	  .kind = PK_TIMER, .user = true, .check = check_timer },		\
	{ .family = &pf_timer, .parts = { { "timer", 0 }, { unit, 'N' },	\
					  { "randomize", 'N' } },	\
	  .kind = PK_TIMER, .user = true, .check = check_timer }

static const Form forms[] = {
	TIMER("s"), TIMER("sec"), TIMER("ms"), TIMER("msec"), TIMER("us"),
	TIMER("usec"), TIMER("ns"), TIMER("nsec"), TIMER("jiffies"),
	{ .family = &pf_timer, .parts = { { "timer", 0 }, { "hz", 'N' } },
	  .kind = PK_TIMER, .user = true, .check = check_timer },
	{ .family = &pf_timer, .parts = { { "timer", 0 }, { "profile", 0 } },
	  .kind = PK_PROFILE, .check = check_profile },
	{ 0 },
};

const Family pf_timer = { .name = "timer", .forms = forms,
			  .reg = timer_reg };
