/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sign.c - pass 4: the module signed with the user's key, so that
 * staprun lets users who are not root load it (docs/safety.md).
 *
 * The key is the user's own, made once by `openssl req` in
 * $SYSTEMTAP_DIR/keys (~/.systemtap/keys): signing_key.pem, the private
 * key and its certificate (0600, in a 0700 folder), and
 * signing_key.x509, the certificate alone (DER) that an administrator
 * copies into staprun's trusted folder or builds into a kernel
 * (CONFIG_SYSTEM_TRUSTED_KEYS takes the PEM's certificate).  Beside the
 * cache, not in it: emptying the cache must not change a key that an
 * administrator trusts.  --signing-key=FILE gives another (a PEM with
 * the key and its certificate).
 *
 * The signature is the kernel's module format, as scripts/sign-file
 * writes it: `openssl cms` makes the detached PKCS#7 over the module
 * (SHA-256, no certificates, no signed attributes), and this file
 * appends it, a struct module_signature and the magic string.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stap.h"

#define MODSIGN_MAGIC "~Module signature appended~\n"

/* The folder of the user's key: $SYSTEMTAP_DIR/keys beside the cache. */
static const char *key_dir(void)
{
	char *d = arena_strdup(cache_dir()), *slash = strrchr(d, '/');

	if (slash)
		*slash = 0;
	return arena_printf("%s/keys", d);
}

static const char *default_key(void)
{
	return arena_printf("%s/signing_key.pem", key_dir());
}

/* Make the key pair once, in a folder of this process's renamed to DIR
 * whole: two stap runs that make it at once (a test suite's halves) end
 * with one pair, never one's key beside the other's certificate.
 * Quietly false when it cannot be made (a read-only cache: then only
 * cached modules run). */
static bool make_key(const char *dir, bool quiet)
{
	const char *tmp = arena_printf("%s.%d", dir, (int)getpid());
	const char *pem = arena_printf("%s/signing_key.pem", tmp);
	const char *der = arena_printf("%s/signing_key.x509", tmp);
	const char *log = arena_printf("%s.log", tmp);
	char *subject = arena_printf("/CN=stap module signing key of uid %d",
				     (int)getuid());
	bool made = make_dirs(arena_printf("%s/", tmp)) && chmod(tmp, 0700) == 0;
	mode_t old = umask(077);	/* the key is born private */
	bool ok = made &&
		  run_command((char *[]){ "openssl", "req", "-new", "-x509",
			"-newkey", "rsa:3072", "-sha256", "-nodes", "-days",
			"36500", "-subj", subject, "-keyout", (char *)pem,
			"-out", (char *)pem, NULL }, log) &&
		  run_command((char *[]){ "openssl", "x509", "-in", (char *)pem,
			"-outform", "DER", "-out", (char *)der, NULL }, log) &&
		  chmod(der, 0644) == 0;

	umask(old);
	if (ok && rename(tmp, dir) != 0 && access(dir, R_OK) != 0)
		ok = false;	/* not made by another run meanwhile either */
	unlink(pem);		/* left when another run's folder won */
	unlink(der);
	rmdir(tmp);
	if (!ok && !quiet)
		fprintf(stderr, "stap: cannot make a signing key in %s (openssl "
			"req; see %s)\n", dir, log);
	if (ok || quiet)
		unlink(log);
	return ok;
}

/* The key pass 4 signs with, made when it is the default one and does
 * not exist yet; NULL when there is none (after saying why unless
 * QUIET). */
static const char *signing_key(bool quiet)
{
	const char *key = S->signing_key ? S->signing_key : default_key();

	if (access(key, R_OK) == 0)
		return key;
	if (S->signing_key) {
		if (!quiet)
			fprintf(stderr, "stap: --signing-key=%s: %s\n", key,
				strerror(errno));
		return NULL;
	}
	return make_key(key_dir(), quiet) ? key : NULL;
}

const char *signing_identity(void)
{
	const char *key;
	char *text, hex[65];
	size_t len;
	Sha256 h;

	if (strcmp(S->runtime, "kernel") || S->last_pass < 4)
		return "";
	key = signing_key(true);
	text = key ? read_file(key, &len) : NULL;
	if (!text)
		return "unsigned";
	sha256_init(&h);
	sha256_update(&h, text, len);
	free(text);
	sha256_hex(&h, hex);
	return arena_strdup(hex);
}

/* Append SIG and the kernel's trailer to the module KO. */
static bool append_signature(const char *ko, const char *sig, size_t len)
{
	/* struct module_signature: algo, hash, id_type (PKEY_ID_PKCS7),
	 * signer_len, key_id_len, pad[3], sig_len (big endian). */
	unsigned char trailer[12] = { 0, 0, 2, 0, 0, 0, 0, 0,
		(unsigned char)(len >> 24), (unsigned char)(len >> 16),
		(unsigned char)(len >> 8), (unsigned char)len };
	FILE *f = fopen(ko, "ab");
	bool ok = f && fwrite(sig, 1, len, f) == len &&
		  fwrite(trailer, 1, sizeof(trailer), f) == sizeof(trailer) &&
		  fputs(MODSIGN_MAGIC, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	return ok;
}

bool sign_module(const char *ko)
{
	const char *key = signing_key(false);
	const char *p7s = arena_printf("%s.p7s", ko);
	const char *log = arena_printf("%s.sign.log", ko);
	char *sig;
	size_t len;
	bool ok;

	if (!key)
		return false;
	if (!run_command((char *[]){ "openssl", "cms", "-sign", "-binary",
			 "-noattr", "-nocerts", "-md", "sha256", "-signer",
			 (char *)key, "-inkey", (char *)key, "-outform", "DER",
			 "-in", (char *)ko, "-out", (char *)p7s, NULL }, log)) {
		char *why = read_file(log, &len);

		fprintf(stderr, "stap: pass 4: signing the module with %s "
			"failed (openssl cms): %s\n", key, why ? why : "");
		free(why);
		return false;
	}
	sig = read_file(p7s, &len);
	ok = sig && len && append_signature(ko, sig, len);
	free(sig);
	unlink(p7s);
	unlink(log);
	if (!ok)
		fprintf(stderr, "stap: pass 4: cannot append the signature to "
			"%s: %s\n", ko, strerror(errno));
	return ok;
}
