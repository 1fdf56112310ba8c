// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tulib: the library tuload's "dl" workload opens and closes again and
 * again (libtulib.so, built by the prebuild with -g), while the
 * torture suite's uprobe-dlclose test has process("libtulib.so")
 * probes on tulib_call armed.
 */
__attribute__((noinline, used)) long tulib_call(long k)
{
	return k * 5 + 2;
}
