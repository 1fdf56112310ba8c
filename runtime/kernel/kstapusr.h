/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kstapusr.h - the runtime of a module built at --privilege=stapusr
 * (STP_STAPUSR, set by stap for that level): the kernel interfaces only
 * stapsys may use are compiled out, so that the module imports none of
 * them and stap-validate's stapusr allowlist holds (docs/safety.md).
 *
 * A stapusr script has begin, end, error, never, timer and process
 * probes, and tapset functions marked unprivileged (stap/privilege.c
 * refuses the rest at pass 2).  The runtime still holds the code of
 * every probe kind; here kprobes, ftrace, tracepoints (process.begin and
 * .end among them: they stand on the scheduler's tracepoints, hence
 * stapsys), perf events, netfilter hooks, the module notifier, kernel
 * backtraces and fault-safe reads of kernel memory become calls that
 * fail (-EPERM, -EFAULT) or find nothing, and no import is made.  Such a
 * call is never reached by a module stap built at stapusr; were it
 * reached, the probe fails to arm or the read faults, as a refused
 * operation should.
 *
 * Included first by stp_runtime.h: the kernel headers that declare these
 * functions come before the macros that replace their uses.
 */
#ifndef STP_KSTAPUSR_H
#define STP_KSTAPUSR_H

#include <linux/errno.h>
#include <linux/err.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/perf_event.h>
#include <linux/stacktrace.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include <asm/ptrace.h>
#include <asm/unwind.h>

/* The arguments are named (no variable goes unused) but never evaluated. */
#define STP_DENIED(rv, ...) ({ (void)sizeof((__VA_ARGS__, 0)); (rv); })

#define register_kprobe(...)		STP_DENIED(-EPERM, __VA_ARGS__)
#define register_kretprobe(...)		STP_DENIED(-EPERM, __VA_ARGS__)
#define unregister_kprobe(...)		STP_DENIED((void)0, __VA_ARGS__)
#define unregister_kretprobe(...)	STP_DENIED((void)0, __VA_ARGS__)
#define unregister_kprobes(...)		STP_DENIED((void)0, __VA_ARGS__)
#define unregister_kretprobes(...)	STP_DENIED((void)0, __VA_ARGS__)
#define enable_kprobe(...)		STP_DENIED(-EPERM, __VA_ARGS__)
#define disable_kprobe(...)		STP_DENIED(-EPERM, __VA_ARGS__)

#define register_ftrace_function(...)	STP_DENIED(-EPERM, __VA_ARGS__)
#define unregister_ftrace_function(...)	STP_DENIED(0, __VA_ARGS__)
#define ftrace_set_filter(...)		STP_DENIED(-EPERM, __VA_ARGS__)
#define ftrace_set_filter_ip(...)	STP_DENIED(-EPERM, __VA_ARGS__)
#define ftrace_free_filter(...)		STP_DENIED((void)0, __VA_ARGS__)

#define for_each_kernel_tracepoint(...)	STP_DENIED((void)0, __VA_ARGS__)
#define tracepoint_probe_register(...)	STP_DENIED(-EPERM, __VA_ARGS__)
#define tracepoint_probe_unregister(...) STP_DENIED(-EPERM, __VA_ARGS__)
#define tracepoint_synchronize_unregister() ((void)0)

#define perf_event_create_kernel_counter(...) \
	STP_DENIED((struct perf_event *)ERR_PTR(-EPERM), __VA_ARGS__)
#define perf_event_release_kernel(...)	STP_DENIED(0, __VA_ARGS__)

#define register_pernet_subsys(...)	STP_DENIED(-EPERM, __VA_ARGS__)
#define unregister_pernet_subsys(...)	STP_DENIED((void)0, __VA_ARGS__)
#define nf_register_net_hooks(...)	STP_DENIED(-EPERM, __VA_ARGS__)
#define nf_unregister_net_hooks(...)	STP_DENIED((void)0, __VA_ARGS__)

#define register_module_notifier(...)	STP_DENIED(-EPERM, __VA_ARGS__)
#define unregister_module_notifier(...)	STP_DENIED(0, __VA_ARGS__)

/* Kernel backtraces: an unwind that is done before it starts. */
#define stack_trace_save(...)		STP_DENIED(0u, __VA_ARGS__)
#define unwind_start(...)		STP_DENIED((void)0, __VA_ARGS__)
#define unwind_done(...)		STP_DENIED(true, __VA_ARGS__)
#define unwind_next_frame(...)		STP_DENIED(false, __VA_ARGS__)
#define unwind_get_return_address(...)	STP_DENIED(0ul, __VA_ARGS__)

/* Kernel memory: every read faults (asm/ptrace.h's inline stack readers
 * call copy_from_kernel_nofault themselves). */
#define copy_from_kernel_nofault(...)	STP_DENIED((long)-EFAULT, __VA_ARGS__)
#define regs_get_kernel_stack_nth(...)	STP_DENIED(0ul, __VA_ARGS__)
#define regs_get_kernel_argument(...)	STP_DENIED(0ul, __VA_ARGS__)

#endif /* STP_KSTAPUSR_H */
