/*
 * roothash.h - the content hash that keys an imported root: a file's
 * bytes, or a folder's canonical walk; and the memory of files already
 * hashed (CACHE/roots/sources), so that a second use of a 400 MB tarball
 * does not read it again.
 *
 * The walk feeds, for each entry in byte order of names, depth first:
 * its path from the top, type and mode, owner and group, size, a link's
 * target or a device's number, and a regular file's bytes.  It does not
 * descend into another file system (as the copy does not).
 * Owns: reading the source to hash it.  Never: writes to the source.
 */
#ifndef WHICHNS_ROOTHASH_H
#define WHICHNS_ROOTHASH_H

#include <stddef.h>
#include <sys/stat.h>
#include "sha256.h"

/* The hash of the regular file fd (read from its start), as 64 hex
 * digits.  RI_OK, RI_ENV (a read error) or RI_INTR, with err naming
 * what. */
int roothash_file(int fd, const char *what, char hex[static SHA256_HEX],
                  char *err, size_t errsize);

/* The hash of the folder path's tree.  RI_OK, RI_ENV with err, RI_INTR,
 * or RI_BAD with err for a tree deeper than ROOTEXTRACT_DEPTH_MAX (or a
 * path longer than PATH_MAX), which no root filesystem is. */
int roothash_tree(const char *path, char hex[static SHA256_HEX], char *err,
                  size_t errsize);

/* A tree's stamp: the same walk, feeding what stat says of each entry
 * (inode, size, mtime, and ctime, which every write changes and nobody
 * can set back) and no file's bytes: a second use of a folder is a walk
 * of stat calls, not a read of every byte.  RI_OK, RI_ENV, RI_INTR,
 * RI_BAD (too deep, as above). */
int roothash_tree_stamp(const char *path, char hex[static SHA256_HEX],
                        char *err, size_t errsize);

/* The content hash remembered in memo for the folder path with that
 * stamp: 0 with hex, or -1. */
int roothash_stamp_get(const char *memo, const char *path, const char *stamp,
                       char hex[static SHA256_HEX]);
/* Remember it ("stamp hash path" lines, appended under an flock). */
void roothash_stamp_put(const char *memo, const char *path, const char *stamp,
                        const char *hex);

/* The hash remembered for the file st (at path) in memo: 0 with hex, or
 * -1 when the file is not remembered as it is now (device, inode, size,
 * mtime and ctime: a file rewritten in place to the same size, its mtime
 * set back, has a new ctime). */
int roothash_memo_get(const char *memo, const char *path, const struct stat *st,
                      char hex[static SHA256_HEX]);
/* Remember it (appends a line, under an flock of the file). */
void roothash_memo_put(const char *memo, const char *path,
                       const struct stat *st, const char *hex);

#endif
