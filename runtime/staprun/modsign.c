/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modsign.c - a module's signature against the system's trusted stap
 * keys, and the caller's level from their groups (docs/safety.md).
 *
 * The signature is the kernel's own format (scripts/sign-file, and what
 * stap -p4 appends, stap/sign.c): the module, a detached PKCS#7 (CMS)
 * SignedData over it that names its signer by issuer and serial, a
 * struct module_signature, and the magic string.  OpenSSL's CMS_verify
 * checks it; the signer's certificate must be one of the trusted
 * folder's, never one the signature carries (CMS_NOINTERN), and is
 * trusted because it is there (no chain: the folder is the trust, as
 * the kernel's keyring is).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "modsign.h"
#include "../lib/ulib.h"

/* The kernel's struct module_signature (include/linux/module_signature.h). */
struct module_signature {
	uint8_t algo, hash, id_type, signer_len, key_id_len, pad[3];
	uint8_t sig_len[4];	/* big endian */
};
#define PKEY_ID_PKCS7 2

bool modsign_split(const char *data, size_t len, size_t *content_len,
		   bool *signed_)
{
	size_t magic = sizeof(MODSIGN_MAGIC) - 1;
	struct module_signature ms;
	uint32_t sig_len;

	*content_len = len;
	*signed_ = false;
	if (len < magic || memcmp(data + len - magic, MODSIGN_MAGIC, magic))
		return true;
	*signed_ = true;
	if (len - magic < sizeof(ms))
		return false;
	memcpy(&ms, data + len - magic - sizeof(ms), sizeof(ms));
	sig_len = (uint32_t)ms.sig_len[0] << 24 | (uint32_t)ms.sig_len[1] << 16 |
		  (uint32_t)ms.sig_len[2] << 8 | ms.sig_len[3];
	if (ms.id_type != PKEY_ID_PKCS7 || sig_len == 0 ||
	    sig_len > len - magic - sizeof(ms))
		return false;
	*content_len = len - magic - sizeof(ms) - sig_len;
	return true;
}

/* A trusted folder or file may be changed only by root (or OWNER). */
static bool safe_owner(const struct stat *st, uid_t owner)
{
	return (st->st_uid == 0 || st->st_uid == owner) &&
	       !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* The certificates of one file, PEM (any number) or DER (one). */
static int add_certificates(const char *path, STACK_OF(X509) *certs)
{
	size_t len;
	char *text = read_file(path, &len);
	const unsigned char *p = (const unsigned char *)text;
	BIO *bio;
	X509 *x;
	int n = 0;

	if (!text)
		return 0;
	bio = BIO_new_mem_buf(text, (int)len);
	while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		sk_X509_push(certs, x);
		n++;
	}
	BIO_free(bio);
	if (!n && (x = d2i_X509(NULL, &p, (long)len))) {
		sk_X509_push(certs, x);
		n++;
	}
	ERR_clear_error();
	free(text);
	return n;
}

/* Every certificate of the folder; false (WHY) when the folder or a file
 * in it could be changed by someone who is not root. */
static bool load_trusted(const char *dir, uid_t owner, STACK_OF(X509) *certs,
			 char *why, size_t whysize)
{
	struct stat st;
	struct dirent *e;
	DIR *d;

	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whysize, "there is no folder of trusted keys %s "
			 "(docs/safety.md: installing staprun)", dir);
		return false;
	}
	if (!safe_owner(&st, owner)) {
		snprintf(why, whysize, "the folder of trusted keys %s may be "
			 "changed by others than root: no key in it is trusted",
			 dir);
		return false;
	}
	d = opendir(dir);
	if (!d) {
		snprintf(why, whysize, "cannot read %s: %s", dir, strerror(errno));
		return false;
	}
	while ((e = readdir(d))) {
		char path[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (!safe_owner(&st, owner)) {
			snprintf(why, whysize, "the trusted key %s may be "
				 "changed by others than root: refused", path);
			closedir(d);
			return false;
		}
		add_certificates(path, certs);
	}
	closedir(d);
	if (sk_X509_num(certs) == 0) {
		snprintf(why, whysize, "%s holds no certificate: no signature "
			 "can be trusted", dir);
		return false;
	}
	return true;
}

/* Whether some signer of CMS is one of CERTS. */
static bool signer_trusted(CMS_ContentInfo *cms, STACK_OF(X509) *certs)
{
	STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
	int i, k;

	for (i = 0; infos && i < sk_CMS_SignerInfo_num(infos); i++)
		for (k = 0; k < sk_X509_num(certs); k++)
			if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(infos, i),
						    sk_X509_value(certs, k)) == 0)
				return true;
	return false;
}

static enum modsign_result check_cms(const char *data, size_t content_len,
				     const unsigned char *sig, size_t sig_len,
				     STACK_OF(X509) *certs, char *why,
				     size_t whysize)
{
	const unsigned char *p = sig;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig_len);
	enum modsign_result r;
	BIO *content;

	if (!cms) {
		snprintf(why, whysize, "its signature is not PKCS#7 (CMS)");
		return MODSIGN_BAD;
	}
	if (!signer_trusted(cms, certs)) {
		CMS_ContentInfo_free(cms);
		snprintf(why, whysize, "it is signed by a key that is not "
			 "trusted here");
		return MODSIGN_UNTRUSTED;
	}
	content = BIO_new_mem_buf(data, (int)content_len);
	r = content && CMS_verify(cms, certs, NULL, content, NULL,
				  CMS_BINARY | CMS_NOINTERN |
				  CMS_NO_SIGNER_CERT_VERIFY) == 1 ?
	    MODSIGN_OK : MODSIGN_BAD;
	if (r == MODSIGN_BAD)
		snprintf(why, whysize, "its signature does not match its "
			 "contents (altered after signing)");
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	return r;
}

enum modsign_result modsign_verify(const char *data, size_t len,
				   const char *trust_dir, uid_t owner,
				   char *why, size_t whysize)
{
	size_t content_len, magic = sizeof(MODSIGN_MAGIC) - 1;
	bool is_signed;
	STACK_OF(X509) *certs;
	enum modsign_result r;

	if (!modsign_split(data, len, &content_len, &is_signed)) {
		snprintf(why, whysize, "its signature trailer is malformed");
		return MODSIGN_BAD;
	}
	if (!is_signed) {
		snprintf(why, whysize, "it is not signed");
		return MODSIGN_UNSIGNED;
	}
	certs = sk_X509_new_null();
	if (!certs || !load_trusted(trust_dir, owner, certs, why, whysize)) {
		sk_X509_pop_free(certs, X509_free);
		return MODSIGN_NO_KEYS;
	}
	r = check_cms(data, content_len, (const unsigned char *)data + content_len,
		      len - magic - sizeof(struct module_signature) - content_len,
		      certs, why, whysize);
	ERR_clear_error();
	sk_X509_pop_free(certs, X509_free);
	return r;
}

/* Whether the caller's real or supplementary groups hold GROUP. */
static bool in_group(const char *group)
{
	struct group *g = getgrnam(group);
	gid_t list[1024];
	int i, n;

	if (!g)
		return false;
	if (getgid() == g->gr_gid)
		return true;
	n = getgroups(1024, list);
	for (i = 0; i < n; i++)
		if (list[i] == g->gr_gid)
			return true;
	return false;
}

enum stp_privilege modsign_caller_level(void)
{
	if (in_group("stapdev"))
		return PRIV_STAPDEV;
	if (in_group("stapsys"))
		return PRIV_STAPSYS;
	if (in_group("stapusr"))
		return PRIV_STAPUSR;
	return PRIV_NONE;
}
