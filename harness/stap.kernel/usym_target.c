/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usym_target.c - the program the usym_* tests probe (kernel.exp builds
 * it here with -g -fno-omit-frame-pointer): main -> usym_a -> usym_b ->
 * usym_c, once.  usym_c enters the kernel twice: getppid by its own
 * syscall instruction (its frame is the innermost user frame) and
 * getpid through libc (libc's frameless wrapper is).
 */
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline)) int usym_c(int x)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_getppid)
			 : "rcx", "r11", "memory");
	return x + (r < 0) + (getpid() < 0);
}

__attribute__((noinline)) int usym_b(int x)
{
	return usym_c(x + 1) + 1;
}

__attribute__((noinline)) int usym_a(int x)
{
	return usym_b(x + 1) + 1;
}

int main(void)
{
	return usym_a(0) != 4;
}
