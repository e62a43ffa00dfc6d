/*
 * cli.h - small things every subcommand needs: reading a whole file (or a
 * small one at once), and
 * the one-line usage error.
 */
#ifndef WHICHNS_CLI_H
#define WHICHNS_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The whole file, NUL-terminated, at most max bytes (more: an error).
 * NULL with errno set on failure (EFBIG when too large).  Free it. */
char *cli_read_file(const char *path, size_t max, size_t *len);
/* The same, from the stream f (left open). */
char *cli_read_stream(FILE *f, size_t max, size_t *len);

/* A small file (a /proc entry) in one read into buf, NUL-terminated:
 * its length, or -1. */
ssize_t cli_read_small(const char *path, char *buf, size_t size);

/* Is p a directory (following links)? */
int cli_is_dir(const char *p);

/* "whichns: <message>" and the usage text on stderr; returns EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
int cli_usage_error(const char *usage, const char *fmt, ...);

#endif
