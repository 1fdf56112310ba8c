// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grid_verdict: stapgrid's verdict rules on the host, no guest
 * (grid/gverdict.c, linked with grid/gutil.c, runtime/lib/ulib.c and
 * utest.c; grid-verdicts.exp builds and runs it).  How verdicts combine (a test that never ran is no pass,
 * an unsupported one is no failure) and what the console scan makes of
 * each kind of splat the debug kernel's checkers print (KASAN, lockdep,
 * RCU stalls, hung tasks), lines as Linux 6.1 prints them.  One
 * "PASS: ..." or "FAIL: ..." line a case (utest.h, no suite name);
 * exit 1 when any failed.
 */
#include "grid.h"
#include "utest.h"

#include <stdio.h>
#include <string.h>

const char *t_suite = "";

static void expect(const char *name, enum g_verdict got, enum g_verdict want)
{
	if (got != want)
		t_fail(__FILE__, __LINE__, "got %s, want %s", g_verdict_name(got),
		       g_verdict_name(want));
	t_verdict(name);
}

static enum g_verdict scan(const char *console)
{
	const char *hit;

	return g_console_scan(console, 0, strlen(console), &hit);
}

static void combining(void)
{
	expect("worse: pass, fail", g_verdict_worse(V_PASS, V_FAIL), V_FAIL);
	expect("worse: a test that never ran beside a pass fails the job",
	       g_verdict_worse(V_PASS, V_NOTRUN), V_FAIL);
	expect("worse: ... in either order", g_verdict_worse(V_NOTRUN, V_PASS), V_FAIL);
	expect("worse: never ran beside unsupported fails", g_verdict_worse(V_UNSUPPORTED, V_NOTRUN),
	       V_FAIL);
	expect("worse: never ran beside a panic is the panic", g_verdict_worse(V_NOTRUN, V_PANIC),
	       V_PANIC);
	expect("worse: never ran beside infra is infra", g_verdict_worse(V_INFRA, V_NOTRUN), V_INFRA);
	expect("worse: two never ran stay notrun", g_verdict_worse(V_NOTRUN, V_NOTRUN), V_NOTRUN);
	expect("worse: unsupported beside pass is unsupported, never pass",
	       g_verdict_worse(V_PASS, V_UNSUPPORTED), V_UNSUPPORTED);
}

static void console(void)
{
	expect("console: clean", scan("[    1.0] stapgrid: test t start\n[    2.0] done\n"), V_PASS);
	expect("console: WARN_ON",
	       scan("[   12.1] WARNING: CPU: 0 PID: 77 at gridbait.c:31 gridbait_init+0x1a/0x60 [gridbait]\n"),
	       V_WARNING);
	expect("console: KASAN",
	       scan("[   30.2] ==================================================================\n"
		    "[   30.2] BUG: KASAN: slab-out-of-bounds in gridbait_init+0x4c/0x90 [gridbait]\n"
		    "[   30.2] Read of size 1 at addr ffff888004b2e948 by task insmod/81\n"),
	       V_WARNING);
	expect("console: lockdep, circular locking",
	       scan("[   40.0] ======================================================\n"
		    "[   40.0] WARNING: possible circular locking dependency detected\n"),
	       V_WARNING);
	expect("console: lockdep, recursive locking",
	       scan("[   40.0] WARNING: possible recursive locking detected\n"), V_WARNING);
	expect("console: RCU stall, self-detected",
	       scan("[   61.5] rcu: INFO: rcu_preempt self-detected stall on CPU\n"
		    "[   61.5] rcu: \t0-....: (2750 ticks this GP) idle=...\n"),
	       V_WARNING);
	expect("console: RCU stall, detected by another CPU",
	       scan("[   61.5] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:\n"), V_WARNING);
	expect("console: hung task",
	       scan("[  250.0] INFO: task insmod:92 blocked for more than 5 seconds.\n"
		    "[  250.0]       Not tainted 6.1.0 #1\n"),
	       V_WARNING);
	expect("console: soft lockup",
	       scan("[   50.0] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [insmod:80]\n"), V_WARNING);
	expect("console: oops beats a warning before it",
	       scan("[    5.0] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x0/0x1\n"
		    "[    6.0] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		    "[    6.0] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"),
	       V_OOPS);
	/* A KASAN kernel names itself in every oops header: the oops stays an
	 * oops (custom-6.1-debug's selftest judged a NULL dereference a
	 * warning while the KASAN pattern matched its header line). */
	expect("console: oops header of a KASAN kernel",
	       scan("[    6.0] Oops: 0000 [#1] PREEMPT SMP KASAN NOPTI\n"),
	       V_OOPS);
	expect("console: general protection fault on a KASAN kernel",
	       scan("[   45.1] general protection fault, probably for non-canonical address"
		    " 0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN NOPTI\n"
		    "[   45.1] KASAN: null-ptr-deref in range [0x0000000000000000-0x0000000000000007]\n"),
	       V_OOPS);
	expect("console: a KASAN kernel's WARNING stays a warning",
	       scan("[   12.1] WARNING: CPU: 0 PID: 77 at gridbait.c:31 gridbait_init+0x1a/0x60\n"
		    "[   12.1] CPU: 0 PID: 77 Comm: insmod Tainted: G O 6.1.192 #1\n"
		    "[   12.1] Modules linked in: gridbait(O+) KASAN\n"),
	       V_WARNING);
	expect("console: panic", scan("[    7.0] Kernel panic - not syncing: sysrq triggered crash\n"),
	       V_PANIC);
}

int main(void)
{
	combining();
	console();
	if (t_status()) {
		printf("grid_verdict: %d case(s) failed\n", t_tests_failed);
		return 1;
	}
	printf("grid_verdict: every case as expected\n");
	return 0;
}
