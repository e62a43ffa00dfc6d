/*
 * fuzz_rootimage.c - the files of a root filesystem a user hands to
 * "whichns roots add" or --libc, as harness/rootimport.c reads them:
 * rootimage_docker_manifest() (manifest.json), rootimage_oci_index()
 * (index.json), rootimage_oci_manifest() (an image manifest),
 * rootimage_blob_path(), rootimage_entry() (a layer's tar entry name) and
 * rootimage_os_release(), rootimage_compiler_hint().
 *
 * libfuzzer: -max_len=4096
 *
 * Input: the first byte is the size of the digest, error and entry
 * target buffers (0-255, to test the "does not fit" paths), the rest is
 * the file; every parser reads it (the entry name up to its first NUL).
 *
 * Beyond not crashing, rootimage.h promises:
 * - each parser answers 0 or -1, the same with or without an error
 *   buffer; -1 gives no layers (or digest "") and an error naming the
 *   file ("manifest.json: ", "index.json: ", "image manifest: ") when
 *   the buffer holds it, NUL-terminated within any size; 0 gives "";
 * - layers: 1..ROOTIMAGE_MAX_LAYERS, each NUL-terminated within
 *   ROOTIMAGE_PATH_MAX, printable ASCII, relative, with no "..", "." or
 *   empty part; an OCI manifest's are "blobs/sha256/<64 hex>";
 * - a digest is "sha256:<64 lowercase hex>", and rootimage_blob_path()
 *   turns it into its blob's path;
 * - an entry's kind is one of the four, its target NUL-terminated within
 *   size, "" when BAD; an entry's target (not "") is read back as the
 *   same entry; no target starts with '/' or has an empty, "." or ".."
 *   part, and a whiteout's is not "";
 * - os-release fields are NUL-terminated strings without control bytes,
 *   the family one of the six, a PRETTY name whenever there is an ID,
 *   and the family has a compiler hint.
 */
#include "fuzz.h"
#include "rootimage.h"

static int is_hex64(const char *h)
{
	return strspn(h, "0123456789abcdef") == 64 && h[64] == '\0';
}

static void check_layers(const struct rootimage_layers *l, int oci)
{
	FUZZ_CHECK(l->n >= 1 && l->n <= ROOTIMAGE_MAX_LAYERS, "%zu layers", l->n);
	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->path[i];
		FUZZ_CHECK_STR(l->path[i]);
		FUZZ_CHECK(p[0] && p[0] != '/', "layer %zu \"%s\"", i, p);
		for (const char *q = p; *q; q++)
			FUZZ_CHECK(*q >= 0x20 && *q <= 0x7e, "layer %zu not printable", i);
		for (const char *q = p; *q;) {
			size_t n = strcspn(q, "/");
			FUZZ_CHECK(n && !(n == 1 && q[0] == '.') &&
			           !(n == 2 && q[0] == '.' && q[1] == '.'),
			           "layer %zu \"%s\" has a bad part", i, p);
			q += n + (q[n] == '/');
			FUZZ_CHECK(q[-1] != '/' || *q, "layer \"%s\" ends in /", p);
		}
		if (oci)
			FUZZ_CHECK(strncmp(p, "blobs/sha256/", 13) == 0 && is_hex64(p + 13),
			           "OCI layer \"%s\"", p);
	}
}

/* err of size esize after a parser answered rc. */
static void check_err(int rc, const char *err, size_t esize, const char *file)
{
	if (esize == 0)
		return;
	FUZZ_CHECK(memchr(err, '\0', esize) != NULL, "error not NUL-terminated");
	if (rc == 0) {
		FUZZ_CHECK(err[0] == '\0', "error \"%s\" on success", err);
		return;
	}
	size_t n = strlen(file);
	if (esize > n + 1)
		FUZZ_CHECK(strncmp(err, file, n) == 0, "error \"%s\" is not %s's", err, file);
}

static void json(const char *text, size_t len, size_t small)
{
	static struct rootimage_layers l;
	char *err = malloc(small ? small : 1), *digest = malloc(small ? small : 1);
	char big[80];
	if (!err || !digest)
		abort();

	int rc = rootimage_docker_manifest(text, len, &l, err, small);
	FUZZ_CHECK(rc == 0 || rc == -1, "docker %d", rc);
	check_err(rc, err, small, "manifest.json: ");
	if (rc == 0)
		check_layers(&l, 0);
	else
		FUZZ_CHECK(l.n == 0, "%zu layers on an error", l.n);
	FUZZ_CHECK(rootimage_docker_manifest(text, len, &l, NULL, 0) == rc, "docker again");

	rc = rootimage_oci_manifest(text, len, &l, err, small);
	FUZZ_CHECK(rc == 0 || rc == -1, "oci manifest %d", rc);
	check_err(rc, err, small, "image manifest: ");
	if (rc == 0)
		check_layers(&l, 1);
	else
		FUZZ_CHECK(l.n == 0, "%zu layers on an error", l.n);
	FUZZ_CHECK(rootimage_oci_manifest(text, len, &l, NULL, 0) == rc, "manifest again");

	rc = rootimage_oci_index(text, len, big, sizeof big, err, small);
	FUZZ_CHECK(rc == 0 || rc == -1, "index %d", rc);
	check_err(rc, err, small, "index.json: ");
	if (rc == 0) {
		char path[96];
		FUZZ_CHECK(strncmp(big, "sha256:", 7) == 0 && is_hex64(big + 7),
		           "digest \"%s\"", big);
		FUZZ_CHECK(rootimage_blob_path(big, path, sizeof path) == 0 &&
		           strcmp(path + 13, big + 7) == 0, "blob path of %s", big);
	} else {
		FUZZ_CHECK(big[0] == '\0', "digest \"%s\" on an error", big);
	}
	int small_rc = rootimage_oci_index(text, len, digest, small, NULL, 0);
	FUZZ_CHECK(small_rc == (rc == 0 && small > 71 ? 0 : -1), "index in %zu bytes: %d",
	           small, small_rc);
	if (small)
		FUZZ_CHECK(small_rc == 0 ? strcmp(digest, big) == 0 : digest[0] == '\0',
		           "digest in %zu bytes", small);
	free(err);
	free(digest);
}

static int entry_parts_ok(const char *t)
{
	if (t[0] == '\0')
		return 1;
	for (const char *q = t;;) {
		size_t n = strcspn(q, "/");
		if (n == 0 || (n == 1 && q[0] == '.') || (n == 2 && q[0] == '.' && q[1] == '.'))
			return 0;
		if (!q[n])
			return 1;
		q += n + 1;
	}
}

static void entry(const char *path, size_t small)
{
	char *t = malloc(small ? small : 1), again[4200];
	if (!t)
		abort();
	if (small)
		t[0] = 'x';
	enum rootimage_entry k = rootimage_entry(path, t, small);
	FUZZ_CHECK(k >= ROOTIMAGE_ENTRY && k <= ROOTIMAGE_BAD, "kind %d", (int)k);
	if (k == ROOTIMAGE_BAD) {
		if (small)
			FUZZ_CHECK(t[0] == '\0', "target \"%s\" of a bad entry", t);
		free(t);
		return;
	}
	FUZZ_CHECK(memchr(t, '\0', small) != NULL, "target not NUL-terminated");
	FUZZ_CHECK(t[0] != '/' && entry_parts_ok(t), "target \"%s\" of \"%s\"", t, path);
	/* A whiteout's target may itself read as a bad entry (".wh..wh.."
	 * deletes a file named ".wh.."), an entry's never. */
	if (k == ROOTIMAGE_ENTRY && t[0]) {
		enum rootimage_entry k2 = rootimage_entry(t, again, sizeof again);
		FUZZ_CHECK(k2 == ROOTIMAGE_ENTRY && strcmp(again, t) == 0,
		           "entry \"%s\" read back as %d \"%s\"", t, (int)k2, again);
	}
	if (k == ROOTIMAGE_WHITEOUT)
		FUZZ_CHECK(t[0], "a whiteout of nothing");
	free(t);
}

static void os_release(const char *text, size_t len)
{
	struct rootimage_os os;

	rootimage_os_release(text, len, &os);
	FUZZ_CHECK(os.family >= ROOTIMAGE_FAMILY_UNKNOWN &&
	           os.family <= ROOTIMAGE_FAMILY_ARCH, "family %d", (int)os.family);
	FUZZ_CHECK_STR(os.id);
	FUZZ_CHECK_STR(os.version_id);
	FUZZ_CHECK_STR(os.pretty);
	const char *f[] = { os.id, os.version_id, os.pretty };
	for (size_t i = 0; i < 3; i++)
		for (const unsigned char *p = (const unsigned char *)f[i]; *p; p++)
			FUZZ_CHECK(*p >= 0x20 && *p != 0x7f, "control byte in \"%s\"", f[i]);
	FUZZ_CHECK(!os.id[0] || os.pretty[0], "id \"%s\" without a pretty name", os.id);
	const char *hint = rootimage_compiler_hint(os.family);
	FUZZ_CHECK(hint && hint[0], "no hint");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t small = data[0];
	char *text = fuzz_text(data + 1, size - 1);

	json(text, size - 1, small);
	entry(text, small);
	entry(text, 4096);
	os_release(text, size - 1);
	free(text);
	return 0;
}
