/*
 * sha256.h - SHA-256 (FIPS 180-4) and sha256sum's manifest lines.
 *
 * Owns: the hash of bytes handed to it, in pieces of any size, and one
 * line of a manifest that "sha256sum -c" reads (GNU coreutils' format,
 * with its escape for names holding a newline or a backslash).
 * Never: opens or reads a file (the caller feeds it), allocates.
 */
#ifndef WHICHNS_SHA256_H
#define WHICHNS_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SHA256_LEN 32
#define SHA256_HEX (2 * SHA256_LEN + 1)

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;          /* fed so far */
	uint8_t  block[64];      /* a block being filled */
	size_t   fill;           /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest; s must be initialised again before any further use. */
void sha256_final(struct sha256 *s, uint8_t out[static SHA256_LEN]);
/* The digest of data[0..len) as 64 lowercase hex digits. */
void sha256_hex(const void *data, size_t len, char out[static SHA256_HEX]);
void sha256_to_hex(const uint8_t d[static SHA256_LEN], char out[static SHA256_HEX]);

/* "DIGEST  NAME\n" as sha256sum writes it (text mode); a name holding a
 * newline or a backslash is written escaped (\n, \\) after a leading
 * backslash, as sha256sum does.  Returns fputs-style: EOF on error. */
int sha256_manifest_line(FILE *f, const uint8_t d[static SHA256_LEN],
                         const char *name);

#endif
