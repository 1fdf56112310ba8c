/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signatures for certificates, with OpenSSL's libcrypto (no crypto of our
 * own): Ed25519 keys in PEM, a detached signature over the bytes given
 * (the certificate's canonical form, gcert.c), written as one base64 line;
 * SHA-256 for the hashes a certificate records (inputs, evidence, keys).
 */
#include "grid.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* OpenSSL's own reason for the last failure, for an error message. */
static const char *ossl_why(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_get_error();

	if (!e)
		return "no reason given by OpenSSL";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

char *g_sha256_hex(const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *hex;

	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL))
		abort(); /* SHA-256 of memory cannot fail but for memory */
	hex = xmalloc(2 * n + 1);
	for (unsigned i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return hex;
}

char *g_sha256_file(const char *path)
{
	size_t len;
	char *data = read_file(path, &len), *h;

	if (!data)
		return NULL;
	h = g_sha256_hex(data, len);
	free(data);
	return h;
}

static EVP_PKEY *load_key(const char *path, bool private)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f) {
		g_err("cannot read the %s key %s: %s", private ? "signing" : "public", path, strerror(errno));
		return NULL;
	}
	k = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k)
		g_err("%s: not a PEM %s key: %s", path, private ? "private" : "public", ossl_why());
	else if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		g_err("%s: an %s key; certificates are signed with Ed25519 keys "
		      "(openssl genpkey -algorithm ed25519)", path, EVP_PKEY_get0_type_name(k));
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

static int write_pub(EVP_PKEY *k, const char *path)
{
	FILE *f = fopen(path, "w");
	int ok = f && PEM_write_PUBKEY(f, k);

	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok)
		g_err("cannot write %s: %s", path, f ? ossl_why() : strerror(errno));
	return ok ? 0 : -1;
}

/* The key's fingerprint: SHA-256 of its public key's DER. */
static char *fingerprint(EVP_PKEY *k)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	char *h;

	if (n <= 0)
		return NULL;
	h = g_sha256_hex(der, (size_t)n);
	OPENSSL_free(der);
	return h;
}

int g_key_make(const char *priv, const char *pub)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char *dir = xstrdup(priv), *slash = strrchr(dir, '/');
	FILE *f = NULL;
	int rc = -1;

	if (slash)
		*slash = 0;
	if (!k) {
		g_err("cannot make an Ed25519 key: %s", ossl_why());
		goto out;
	}
	if (slash && g_mkdirs(dir, 0700) < 0)
		goto out;
	/* The private key is for this machine's root only. */
	umask(077);
	f = fopen(priv, "wx");
	umask(022);
	if (!f || !PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL)) {
		g_err("cannot write the signing key %s: %s", priv, f ? ossl_why() : strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		g_err("cannot write the signing key %s: %s", priv, strerror(errno));
		goto out;
	}
	f = NULL;
	rc = write_pub(k, pub);
	if (rc == 0)
		g_info("made a signing key: %s (public: %s)", priv, pub);
out:
	if (f)
		fclose(f);
	EVP_PKEY_free(k);
	free(dir);
	return rc;
}

int g_sign(const char *priv, const void *data, size_t len, char **sig_b64, char **fpr,
	   const char *pub_out)
{
	EVP_PKEY *k = load_key(priv, true);
	EVP_MD_CTX *ctx = k ? EVP_MD_CTX_new() : NULL;
	unsigned char sig[64];
	size_t n = sizeof(sig);
	int rc = -1;

	*sig_b64 = *fpr = NULL;
	if (!ctx)
		goto out;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig, &n, data, len) != 1) {
		g_err("%s: cannot sign: %s", priv, ossl_why());
		goto out;
	}
	*sig_b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)*sig_b64, sig, (int)n);
	*fpr = fingerprint(k);
	rc = pub_out ? write_pub(k, pub_out) : 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return rc;
}

int g_verify(const char *pub, const void *data, size_t len, const char *sig_b64, char **fpr)
{
	EVP_PKEY *k = load_key(pub, false);
	EVP_MD_CTX *ctx = k ? EVP_MD_CTX_new() : NULL;
	size_t bl = strlen(sig_b64);
	unsigned char *sig = xmalloc(bl + 3);
	int n, rc = -1;

	*fpr = NULL;
	if (!ctx)
		goto out;
	*fpr = fingerprint(k);
	while (bl && (sig_b64[bl - 1] == '\n' || sig_b64[bl - 1] == '\r'))
		bl--;
	n = EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)bl);
	/* EVP_DecodeBlock counts the padding's zero bytes: an Ed25519
	 * signature is 64 bytes, 88 characters with "==". */
	if (n < 0 || bl != 88 || strspn(sig_b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					   "0123456789+/=") < bl) {
		g_err("the signature is not 64 bytes of base64");
		rc = 1;
		goto out;
	}
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) != 1) {
		g_err("%s: cannot verify: %s", pub, ossl_why());
		goto out;
	}
	rc = EVP_DigestVerify(ctx, sig, 64, data, len) == 1 ? 0 : 1;
	ERR_clear_error();
out:
	free(sig);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return rc;
}
