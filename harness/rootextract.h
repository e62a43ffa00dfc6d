/*
 * rootextract.h - unpack an untrusted archive into a folder of the cache,
 * from a child process that cannot reach anything else.
 *
 * Owns: the child that does it (its own mount namespace, chrooted into
 * the destination, so no absolute symlink and no ".." of the archive
 * reaches the host; libarchive with its SECURE_* checks on top), an image
 * layer's whiteouts and opaque folders, copying a directory tree into a
 * new one, and removing a tree without following a symlink.
 * Never: decides where things go in the cache, or runs a program of the
 * tree (only gzip, bzip2, xz, zstd and lz4 built into libarchive unpack:
 * a filter it would run as an outside program is not offered).
 */
#ifndef WHICHNS_ROOTEXTRACT_H
#define WHICHNS_ROOTEXTRACT_H

#include <stdbool.h>
#include <stddef.h>

/* Every import step answers one of these (rootimport.h says which exit
 * status each is). */
enum {
	RI_OK = 0,
	RI_ENV = -1,     /* this machine: no space, no permission, ... */
	RI_BAD = -2,     /* the source: corrupt, truncated, not a root */
	RI_INTR = -3,    /* interrupted (SIGINT, SIGTERM) */
};

/* The deepest a tree may be (folders below its top): an archive, a
 * folder's copy or its hash walk refuses deeper (RI_BAD), so that every
 * walk of it stays within the stack and the descriptors it has. */
#define ROOTEXTRACT_DEPTH_MAX 256

/* Set by rootimport's signal handler: every long step stops at the next
 * block and answers RI_INTR. */
extern volatile int rootextract_stop;

/* Unpack the archive open on fd (any compression above) into the folder
 * dir, which exists.  layer: a container image's layer, whose whiteouts
 * delete from what dir holds already and whose opaque markers empty
 * their folder, both before its own entries are written (fd must then
 * be a regular file: it is read twice).  Device nodes, FIFOs and sockets
 * are skipped; an entry deeper than ROOTEXTRACT_DEPTH_MAX is RI_BAD.  A
 * root filesystem (a layer, or an archive that holds no manifest.json
 * and no oci-layout) gets the empty folders a case mounts on (dev, proc,
 * sys, run, tmp, etc) where it has none.  A stop (rootextract_stop)
 * kills the child that unpacks; our death kills it too.  what names the
 * source in err.  RI_OK or another RI_ with err. */
int rootextract_archive(int fd, const char *dir, bool layer, const char *what,
                        char *err, size_t errsize);

/* Copy the tree src (a folder) into dir (which exists), as tar would:
 * owners, modes, times, links as links; skipped and made as above.  A
 * file that cannot be read to its end fails it.  RI_OK or another RI_
 * with err. */
int rootextract_copy(const char *src, const char *dir, char *err,
                     size_t errsize);

/* Remove name under the folder dirfd and everything below it, never
 * following a symlink, at any depth (two descriptors held, not one per
 * level); gone already is success.  0, or -1 (errno). */
int rootextract_rmtree(int dirfd, const char *name);

/* The regular file path inside the tree rootfd (resolved in it, as
 * sandbox_open_in does), open for reading: first looked at without
 * opening it (O_PATH), so a FIFO never blocks us and a device is never
 * opened.  Its descriptor, or -1 (errno; EINVAL: not a regular file,
 * EISDIR: a folder). */
int rootextract_open_file(int rootfd, const char *path);

/* In a child: every descriptor above 2 closed but keep_a and keep_b (-1:
 * none), the importer's KEY.lock among them. */
void rootextract_close_fds(int keep_a, int keep_b);

#endif
