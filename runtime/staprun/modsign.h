/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modsign.h - what staprun checks before it loads a module for a user
 * who is not root (docs/safety.md "Signed modules"): the signature the
 * kernel's format appends (PKCS#7 by a key of the system's trusted stap
 * keys), and the privilege level the user's groups give.
 */
#ifndef MODSIGN_H
#define MODSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "validate.h"

/* The folder of trusted certificates, as SystemTap's
 * /etc/systemtap/staprun/: one certificate (PEM or DER) a file, the
 * folder and its files owned by root and writable by no one else. */
#ifndef STAPRUN_TRUST_DIR
#define STAPRUN_TRUST_DIR "/etc/stap/staprun"
#endif

/* The kernel's marker at the very end of a signed module. */
#define MODSIGN_MAGIC "~Module signature appended~\n"

enum modsign_result {
	MODSIGN_OK,		/* signed by a trusted key, unaltered */
	MODSIGN_UNSIGNED,	/* no signature appended */
	MODSIGN_UNTRUSTED,	/* signed, by no key of the trusted folder */
	MODSIGN_BAD,		/* altered after signing, or a malformed signature */
	MODSIGN_NO_KEYS,	/* the trusted folder is missing, unsafe or empty */
};

/*
 * The length of the module's contents in DATA, without its signature
 * (LEN when it has none); false when the signature trailer is malformed.
 */
bool modsign_split(const char *data, size_t len, size_t *content_len,
		   bool *signed_);

/*
 * Check the signature appended to DATA against the certificates of
 * TRUST_DIR.  OWNER is the one user besides root who may own that folder
 * (root's staprun, or a test run as its own user); (uid_t)-1: root only.
 * WHY receives the reason of any result but MODSIGN_OK.
 */
enum modsign_result modsign_verify(const char *data, size_t len,
				   const char *trust_dir, uid_t owner,
				   char *why, size_t whysize);

/*
 * The highest level the caller's groups give (stapusr < stapsys <
 * stapdev, by the groups of those names), PRIV_NONE when they give none.
 * Root is not asked: it may load anything.
 */
enum stp_privilege modsign_caller_level(void);

#endif /* MODSIGN_H */
