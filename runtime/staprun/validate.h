/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.h - the static module validator (docs/safety.md): what a
 * module built by stap may import, execute and use of the stack, checked
 * on the .ko file before anything loads it.  stap-validate, stap -p4 and
 * staprun share it.
 */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stdbool.h>
#include <stdio.h>

/* SystemTap's privilege levels, least to most. */
enum stp_privilege { PRIV_STAPUSR, PRIV_STAPSYS, PRIV_STAPDEV, PRIV_NONE };

const char *privilege_name(enum stp_privilege p);
enum stp_privilege privilege_of(const char *name);	/* PRIV_NONE: no such */

struct validate_opts {
	/* The level the module is judged at; PRIV_NONE: the one the module
	 * records (.stap_privilege), stapdev when it records none. */
	enum stp_privilege level;
	/* The kernel release it must be built for (vermagic); NULL: not
	 * checked. */
	const char *release;
	/* That kernel's Module.symvers: every import must be one of its
	 * exports, with the CRC the module's __versions records; NULL: not
	 * checked. */
	const char *symvers;
	unsigned stack_budget;	/* bytes a function's frame may take; 0: the default */
};

#define VALIDATE_STACK_BUDGET 1024

/*
 * Validate the module at PATH.  Each violation is a line on REPORT
 * ("PATH: function+0xOFF: what"); the number of violations is returned,
 * 0 for a module that passes, and a file that is not a readable
 * relocatable x86-64 ELF object is one violation.
 */
int validate_module(const char *path, const struct validate_opts *o,
		    FILE *report);
/* The same on the bytes DATA (LEN) of the module named PATH: what staprun
 * read once, checked and will load (NULL: read PATH). */
int validate_image(const char *path, const char *data, size_t len,
		   const struct validate_opts *o, FILE *report);

#endif /* VALIDATE_H */
