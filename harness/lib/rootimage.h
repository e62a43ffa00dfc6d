/*
 * rootimage.h - what a root filesystem brought by a user is made of, from
 * the bytes of its own files: the layers of a container image in the
 * order they apply, what a layer's entry does (a file, a whiteout that
 * deletes one below, a directory made opaque), which distribution family
 * its /etc/os-release names and how that family installs a C compiler,
 * and where its C library lives.
 *
 * Owns: parsing a docker-archive's manifest.json ("docker save", "podman
 * save"), an OCI image layout's index.json and image manifest, layer
 * entry names, and os-release text.  Bounds-checked on every byte: these
 * come from whatever a user hands to "whichns roots add" or --libc.
 * Never: opens, reads or writes a file (harness/rootimport.c does), or
 * allocates.
 */
#ifndef WHICHNS_ROOTIMAGE_H
#define WHICHNS_ROOTIMAGE_H

#include <stddef.h>

/* At most this many layers in an image (Docker's own limit is 127). */
#define ROOTIMAGE_MAX_LAYERS 128
/* A layer's path inside the archive or layout: "blobs/sha256/<64 hex>",
 * "<64 hex>/layer.tar", "<64 hex>.tar". */
#define ROOTIMAGE_PATH_MAX 160

struct rootimage_layers {
	size_t n;
	char path[ROOTIMAGE_MAX_LAYERS][ROOTIMAGE_PATH_MAX];
};

/*
 * A docker-archive's manifest.json: a JSON array of objects, each with a
 * "Layers" array of paths relative to the archive's top.  The first
 * object's layers, in order, into *out.  0, or -1 with err naming what is
 * wrong ("manifest.json: no Layers array in the first image", ...).
 * Paths are checked: relative, no "..", no empty component, printable
 * ASCII, shorter than ROOTIMAGE_PATH_MAX.
 */
int rootimage_docker_manifest(const char *json, size_t len,
                              struct rootimage_layers *out,
                              char *err, size_t errsize);

/*
 * An OCI layout's index.json: the digest ("sha256:<64 hex>") of the image
 * manifest to use, into digest: the one whose "platform" is linux/amd64
 * when some have a platform, else the first of mediaType
 * application/vnd.oci.image.manifest.v1+json (or Docker's
 * application/vnd.docker.distribution.manifest.v2+json).  A nested index
 * (mediaType ...image.index.v1+json) is an error that says so.  0 or -1
 * with err.
 */
int rootimage_oci_index(const char *json, size_t len, char *digest,
                        size_t size, char *err, size_t errsize);

/*
 * An OCI image manifest: its "layers" array, each "digest" turned into
 * its blob's path "blobs/sha256/<64 hex>", in order, into *out.  Layer
 * media types accepted: tar, tar+gzip, tar+zstd (OCI's and Docker's
 * names); a foreign or non-distributable layer is an error naming it.
 * 0 or -1 with err.
 */
int rootimage_oci_manifest(const char *json, size_t len,
                           struct rootimage_layers *out,
                           char *err, size_t errsize);

/* "sha256:<64 lowercase hex>" -> "blobs/sha256/<hex>"; 0 or -1 when the
 * digest is not of that form or path is too small. */
int rootimage_blob_path(const char *digest, char *path, size_t size);

enum rootimage_entry {
	ROOTIMAGE_ENTRY = 0,     /* a file, directory or link: apply it */
	ROOTIMAGE_WHITEOUT,      /* ".wh.NAME": delete NAME of lower layers */
	ROOTIMAGE_OPAQUE,        /* ".wh..wh..opq": the directory's lower
	                          * contents are gone */
	ROOTIMAGE_BAD,           /* absolute after "./" is stripped, "..",
	                          * a whiteout of "." or "..", an empty name */
};

/*
 * What a layer's tar entry named path does.  For a whiteout, the path of
 * the entry it deletes ("etc/.wh.motd" -> "etc/motd"); for an opaque
 * marker, its directory ("etc/.wh..wh..opq" -> "etc", "" for the top);
 * for an entry, its path.  A leading "./" or "/" is stripped, as tar
 * does, and a trailing "/".  target is "" for ROOTIMAGE_BAD or when it
 * does not fit (then ROOTIMAGE_BAD).
 * The top directory itself (".", "./", "/": "tar -C DIR -cf - ." and
 * umoci write it) is ROOTIMAGE_ENTRY with target "".  A "." or empty
 * component inside the path ("a/./b", "a//b") is ROOTIMAGE_BAD, as is
 * "" and a whiteout of nothing (".wh.").  Any other byte is allowed in
 * a name (real roots have UTF-8 names): the caller creates the entry
 * below its own directory descriptor, never through a path the host
 * resolves.
 */
enum rootimage_entry rootimage_entry(const char *path, char *target,
                                     size_t size);

/* A distribution family, from os-release's ID and ID_LIKE. */
enum rootimage_family {
	ROOTIMAGE_FAMILY_UNKNOWN = 0,
	ROOTIMAGE_FAMILY_DEBIAN,   /* debian, ubuntu, and ID_LIKE debian */
	ROOTIMAGE_FAMILY_RHEL,     /* rhel, centos, fedora, rocky, almalinux,
	                            * ol, amzn, and ID_LIKE rhel/fedora/centos */
	ROOTIMAGE_FAMILY_ALPINE,
	ROOTIMAGE_FAMILY_SUSE,     /* opensuse*, sles, ID_LIKE suse */
	ROOTIMAGE_FAMILY_ARCH,
};

struct rootimage_os {
	enum rootimage_family family;
	char id[32];           /* os-release ID ("debian"), "" if none */
	char version_id[32];   /* VERSION_ID ("11"), "" if none */
	char pretty[96];       /* PRETTY_NAME, else "ID VERSION_ID", else "" */
};

/* /etc/os-release (or /usr/lib/os-release) text, as os-release(5) writes
 * it: KEY=VALUE lines, values bare or in single or double quotes with
 * backslash escapes in double quotes.  Unknown keys and malformed lines
 * are skipped.  Never fails: an empty text gives the unknown family. */
void rootimage_os_release(const char *text, size_t len,
                          struct rootimage_os *os);

/* The command that adds a C compiler and the C library's headers in that
 * family: "apt-get install gcc libc6-dev", "yum install gcc",
 * "apk add build-base", "zypper install gcc", "pacman -S gcc";
 * for the unknown family "a C compiler (gcc or cc) and the C library's
 * headers".  A static string. */
const char *rootimage_compiler_hint(enum rootimage_family family);

/* Where a root filesystem's C library may be, relative to its top, in
 * the order to look: glibc's libc.so.6 in the multiarch and lib64
 * folders, libc-2.NN.so files are found by the caller listing those
 * folders; musl's ld-musl-x86_64.so.1.  NULL-terminated.
 * The order: lib/x86_64-linux-gnu/libc.so.6 and its usr/ twin (Debian,
 * Ubuntu), lib64/libc.so.6 and usr/lib64/ (RHEL, SUSE, Amazon),
 * lib/libc.so.6 and usr/lib/libc.so.6 (Arch), then musl's
 * lib/ld-musl-x86_64.so.1 and usr/lib/ld-musl-x86_64.so.1 (Alpine).
 * glibc comes first: a glibc root with Debian's musl package is glibc.
 * Paths may be symbolic links (libc.so.6 -> libc-2.17.so before glibc
 * 2.34; lib -> usr/lib when /usr is merged), absolute ones too: the
 * caller resolves them inside the root, never on the host, then names
 * the file it finds with libcname_family() and reads its version with
 * libcname_version() (harness/lib/libcname.h), as for a running
 * process. */
extern const char *const rootimage_libc_paths[];

#endif
