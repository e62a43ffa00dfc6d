/*
 * shadow.h - /etc/shadow and /etc/gshadow with their secrets taken out.
 *
 * Owns: the masked copy the process under test reads in place of the
 * host's file: every account is still there with every field, but the
 * password field says SHADOW_MASK (a locked account: no hash matches it).
 * Never: keeps a byte of the second field, or a line it cannot split.
 */
#ifndef WHICHNS_SHADOW_H
#define WHICHNS_SHADOW_H

#include <stddef.h>
#include <stdio.h>

#define SHADOW_MASK "!whichns-masked"

/* Write text (len bytes, "name:secret:rest" lines) to out with each
 * second field replaced.  Lines with no ':' are dropped.  Returns the
 * number of lines written, or -1 when out failed. */
int shadow_mask(const char *text, size_t len, FILE *out);

#endif
