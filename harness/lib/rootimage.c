/*
 * rootimage.c - what a user's root filesystem is made of, from the bytes
 * of its own files (rootimage.h).
 *
 * The JSON here is a small reader of what docker-archive and OCI layouts
 * write, no more: objects, arrays, strings (escapes \" \\ \/ \b \f \n \r
 * \t \uXXXX), numbers, true, false, null.  It keeps a cursor whose first
 * error sticks and is said once, with the file's name and the byte's
 * offset; every read checks the bytes left first.  Values are walked at
 * most JSON_DEPTH deep: skipping recurses once per level, so a hostile
 * file cannot exhaust the stack.  Strings the caller keeps (keys, paths,
 * media types, digests) must be printable ASCII; others may hold
 * anything JSON allows and are only checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "rootimage.h"

#define JSON_DEPTH 32

struct jcur {
	const unsigned char *s;
	size_t len, off;
	const char *file;      /* names the text in errors */
	char *err;
	size_t errsize;
	int bad;               /* an error was said: later reads do nothing */
};

static void jinit(struct jcur *c, const char *json, size_t len,
                  const char *file, char *err, size_t errsize)
{
	c->s = (const unsigned char *)json;
	c->len = json ? len : 0;
	c->off = 0;
	c->file = file;
	c->err = err;
	c->errsize = errsize;
	c->bad = 0;
	if (err && errsize)
		err[0] = '\0';
}

/* The first error, "FILE: WHAT"; always -1. */
__attribute__((format(printf, 2, 3)))
static int jfail(struct jcur *c, const char *fmt, ...)
{
	char what[192];
	va_list ap;

	if (c->bad)
		return -1;
	c->bad = 1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->err && c->errsize)
		snprintf(c->err, c->errsize, "%s: %s", c->file, what);
	return -1;
}

/* The next byte after white space, or -1 at the end (or after an error). */
static int jpeek(struct jcur *c)
{
	if (c->bad)
		return -1;
	while (c->off < c->len && (c->s[c->off] == ' ' || c->s[c->off] == '\t' ||
	       c->s[c->off] == '\n' || c->s[c->off] == '\r'))
		c->off++;
	return c->off < c->len ? c->s[c->off] : -1;
}

static int jeat(struct jcur *c, int ch, const char *what)
{
	int got = jpeek(c);
	if (got == ch) {
		c->off++;
		return 0;
	}
	if (got < 0)
		return jfail(c, "%s: cut short at byte %zu (expected '%c')",
		             what, c->off, ch);
	return jfail(c, "%s: not JSON at byte %zu (expected '%c')", what, c->off, ch);
}

/* Four hex digits of a \u escape into *v. */
static int jhex4(struct jcur *c, unsigned *v)
{
	*v = 0;
	if (c->len - c->off < 4)
		return jfail(c, "a \\u escape cut short at byte %zu", c->off);
	for (int i = 0; i < 4; i++) {
		unsigned ch = c->s[c->off++], d;
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			d = (ch | 0x20) - 'a' + 10;
		else
			return jfail(c, "a \\u escape with '%c' at byte %zu",
			             ch >= 0x20 && ch < 0x7f ? (int)ch : '?', c->off - 1);
		*v = *v << 4 | d;
	}
	return 0;
}

/* One escape after a backslash, decoded into *ch (0x80 stands for any
 * code point outside ASCII, and for NUL: neither is kept). */
static int jescape(struct jcur *c, unsigned *ch)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

	if (c->off >= c->len)
		return jfail(c, "a string cut short at byte %zu", c->off);
	unsigned e = c->s[c->off++];
	const char *p = e ? strchr(from, (int)e) : NULL;
	if (p) {
		*ch = (unsigned char)to[p - from];
		return 0;
	}
	if (e != 'u')
		return jfail(c, "a bad escape in a string at byte %zu", c->off - 1);
	if (jhex4(c, ch))
		return -1;
	if (*ch == 0 || *ch >= 0x80)
		*ch = 0x80;
	return 0;
}

/*
 * A string, the cursor on its opening quote.  With out, its text goes
 * there: 0 when it fits and is printable ASCII; 1 when not (out then
 * holds what fits, other bytes as '?', for a message); -1 on bad JSON.
 */
static int jstr(struct jcur *c, char *out, size_t size)
{
	size_t n = 0;
	int unusable = 0;

	if (jeat(c, '"', "a string"))
		return -1;
	for (;;) {
		if (c->off >= c->len)
			return jfail(c, "a string cut short at byte %zu", c->off);
		unsigned ch = c->s[c->off++];
		if (ch == '"')
			break;
		if (ch < 0x20)
			return jfail(c, "a control byte in a string at byte %zu",
			             c->off - 1);
		if (ch == '\\' && jescape(c, &ch))
			return -1;
		if (!out)
			continue;
		if (ch < 0x20 || ch > 0x7e) {
			unusable = 1;
			ch = '?';
		}
		if (size - n > 1)
			out[n++] = (char)ch;
		else
			unusable = 1;
	}
	if (out && size)
		out[n] = '\0';
	return unusable;
}

static int jnumber(struct jcur *c)
{
	size_t start = c->off, digits = 0;

	if (c->off < c->len && c->s[c->off] == '-')
		c->off++;
	while (c->off < c->len && ((c->s[c->off] >= '0' && c->s[c->off] <= '9') ||
	       c->s[c->off] == '.' || c->s[c->off] == 'e' || c->s[c->off] == 'E' ||
	       c->s[c->off] == '+' || c->s[c->off] == '-')) {
		digits += c->s[c->off] >= '0' && c->s[c->off] <= '9';
		c->off++;
	}
	/* Loose inside (a number's value is never used), but never empty. */
	if (digits == 0)
		return jfail(c, "not JSON at byte %zu (a number without digits)", start);
	return 0;
}

static int jword(struct jcur *c)
{
	static const char *const words[] = { "true", "false", "null" };

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t n = strlen(words[i]);
		if (c->len - c->off >= n && memcmp(c->s + c->off, words[i], n) == 0) {
			c->off += n;
			return 0;
		}
	}
	return jfail(c, "not JSON at byte %zu", c->off);
}

/* The next member of an object whose '{' is read: 1 with its key in key
 * ("" when it is too long or not printable ASCII: a key nobody asks for)
 * and the ':' read; 0 at its '}'; -1 on an error. */
static int jmember(struct jcur *c, int *first, char *key, size_t ksize)
{
	int ch = jpeek(c);
	if (ch == '}') {
		c->off++;
		return 0;
	}
	if (!*first && jeat(c, ',', "an object"))
		return -1;
	*first = 0;
	int r = jstr(c, key, ksize);
	if (r < 0)
		return -1;
	if (r == 1 && key && ksize)
		key[0] = '\0';
	return jeat(c, ':', "an object") ? -1 : 1;
}

/* The next element of an array whose '[' is read: 1 when a value
 * follows, 0 at its ']', -1 on an error. */
static int jelem(struct jcur *c, int *first)
{
	int ch = jpeek(c);
	if (ch == ']') {
		c->off++;
		return 0;
	}
	if (ch < 0)
		return jfail(c, "an array cut short at byte %zu", c->off);
	if (!*first && jeat(c, ',', "an array"))
		return -1;
	*first = 0;
	if (jpeek(c) < 0)
		return jfail(c, "an array cut short at byte %zu", c->off);
	return 1;
}

/* Any value, checked and passed over; depth is its level. */
static int jskip(struct jcur *c, int depth)
{
	int ch = jpeek(c), first = 1, r;

	if (depth > JSON_DEPTH)
		return jfail(c, "nested deeper than %d levels at byte %zu",
		             JSON_DEPTH, c->off);
	switch (ch) {
	case '{':
		c->off++;
		while ((r = jmember(c, &first, NULL, 0)) > 0)
			if (jskip(c, depth + 1))
				return -1;
		return r;
	case '[':
		c->off++;
		while ((r = jelem(c, &first)) > 0)
			if (jskip(c, depth + 1))
				return -1;
		return r;
	case '"':
		return jstr(c, NULL, 0) < 0 ? -1 : 0;
	case 't': case 'f': case 'n':
		return jword(c);
	case -1:
		return jfail(c, "cut short at byte %zu (expected a value)", c->off);
	default:
		if (ch == '-' || (ch >= '0' && ch <= '9'))
			return jnumber(c);
		return jfail(c, "not JSON at byte %zu (expected a value)", c->off);
	}
}

/* Nothing but white space after the top value. */
static int jend(struct jcur *c)
{
	if (jpeek(c) >= 0)
		return jfail(c, "bytes after the JSON value at byte %zu", c->off);
	return c->bad ? -1 : 0;
}

/* The value is an object (or an array): its opening read, else an
 * error naming it. */
static int jopen(struct jcur *c, int ch, const char *what)
{
	int got = jpeek(c);
	if (got == ch) {
		c->off++;
		return 0;
	}
	if (got < 0)
		return jfail(c, "cut short at byte %zu (expected %s)", c->off, what);
	return jfail(c, "expected %s at byte %zu", what, c->off);
}

/* ---- Layer paths ---- */

/* Relative, no empty, "." or ".." component (printable ASCII and the
 * length are jstr's). */
static int path_ok(const char *p)
{
	if (*p == '\0' || *p == '/')
		return 0;
	for (;;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/* One more layer path, from a string at the cursor; what names it. */
static int add_layer(struct jcur *c, struct rootimage_layers *out,
                     const char *path, const char *what)
{
	if (!path_ok(path))
		return jfail(c, "%s \"%s\" is not a relative path inside the "
		             "image (no \"..\", no empty or \".\" part)", what, path);
	if (out->n >= ROOTIMAGE_MAX_LAYERS)
		return jfail(c, "more than %d layers", ROOTIMAGE_MAX_LAYERS);
	memcpy(out->path[out->n++], path, strlen(path) + 1);
	return 0;
}

int rootimage_blob_path(const char *digest, char *path, size_t size)
{
	static const char pre[] = "sha256:";

	if (size)
		path[0] = '\0';
	if (!digest || strncmp(digest, pre, sizeof pre - 1) != 0)
		return -1;
	const char *hex = digest + sizeof pre - 1;
	if (strspn(hex, "0123456789abcdef") != 64 || hex[64] != '\0')
		return -1;
	int n = snprintf(path, size, "blobs/sha256/%s", hex);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			path[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---- docker-archive: manifest.json ---- */

static int docker_layers(struct jcur *c, struct rootimage_layers *out)
{
	char path[ROOTIMAGE_PATH_MAX], what[32];
	int first = 1, r;

	if (jopen(c, '[', "Layers to be an array"))
		return -1;
	while ((r = jelem(c, &first)) > 0) {
		snprintf(what, sizeof what, "Layers[%zu]", out->n);
		if (jpeek(c) != '"')
			return jfail(c, "%s is not a string (byte %zu)", what, c->off);
		r = jstr(c, path, sizeof path);
		if (r < 0)
			return -1;
		if (r == 1)
			return jfail(c, "%s \"%s\" is longer than %d bytes or not "
			             "printable ASCII", what, path, ROOTIMAGE_PATH_MAX - 1);
		if (add_layer(c, out, path, what))
			return -1;
	}
	return r;
}

/* The first image of the array: its Layers. */
static int docker_image(struct jcur *c, struct rootimage_layers *out)
{
	char key[32];
	int first = 1, seen = 0, r;

	if (jopen(c, '{', "the first image to be an object"))
		return -1;
	while ((r = jmember(c, &first, key, sizeof key)) > 0) {
		if (strcmp(key, "Layers") != 0) {
			if (jskip(c, 2))
				return -1;
			continue;
		}
		if (seen++)
			return jfail(c, "Layers given twice in the first image");
		if (docker_layers(c, out))
			return -1;
	}
	if (r < 0)
		return -1;
	if (!seen)
		return jfail(c, "no Layers array in the first image");
	if (out->n == 0)
		return jfail(c, "the first image has no layers (an empty Layers array)");
	return 0;
}

int rootimage_docker_manifest(const char *json, size_t len,
                              struct rootimage_layers *out,
                              char *err, size_t errsize)
{
	struct jcur c;
	int first = 1, images = 0, r;

	jinit(&c, json, len, "manifest.json", err, errsize);
	out->n = 0;
	if (jopen(&c, '[', "a JSON array of images"))
		goto bad;
	while ((r = jelem(&c, &first)) > 0) {
		if (images++ == 0 ? docker_image(&c, out) : jskip(&c, 1))
			goto bad;
	}
	if (r < 0 || jend(&c))
		goto bad;
	if (images == 0) {
		jfail(&c, "no image in the array");
		goto bad;
	}
	return 0;
bad:
	out->n = 0;
	return -1;
}

/* ---- OCI layout: index.json and the image manifest ---- */

#define MT_OCI_MANIFEST  "application/vnd.oci.image.manifest.v1+json"
#define MT_DKR_MANIFEST  "application/vnd.docker.distribution.manifest.v2+json"
#define MT_OCI_INDEX     "application/vnd.oci.image.index.v1+json"
#define MT_DKR_LIST      "application/vnd.docker.distribution.manifest.list.v2+json"

/* What a descriptor says; fields that do not fit or are not printable
 * ASCII keep what fits, with '?', for a message, and never match. */
struct desc {
	char media[128];
	char digest[80];
	char os[32], arch[32];
	int platform;          /* it has a "platform" object */
};

static int is_manifest(const char *mt)
{
	return strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DKR_MANIFEST) == 0;
}

static int is_index(const char *mt)
{
	return strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DKR_LIST) == 0;
}

/* A string member into buf, or an error naming key when it is no string. */
static int jfield(struct jcur *c, const char *key, char *buf, size_t size)
{
	if (jpeek(c) != '"')
		return jfail(c, "\"%s\" is not a string (byte %zu)", key, c->off);
	int r = jstr(c, buf, size);
	/* Too long or not ASCII: kept for a message, marked so that it
	 * never matches a valid value. */
	if (r == 1 && buf[0])
		buf[strlen(buf) - 1] = '?';
	return r < 0 ? -1 : 0;
}

static int platform(struct jcur *c, struct desc *d, int depth)
{
	char key[32];
	int first = 1, r;

	if (jopen(c, '{', "\"platform\" to be an object"))
		return -1;
	d->platform = 1;
	while ((r = jmember(c, &first, key, sizeof key)) > 0) {
		if (strcmp(key, "os") == 0)
			r = jfield(c, key, d->os, sizeof d->os);
		else if (strcmp(key, "architecture") == 0)
			r = jfield(c, key, d->arch, sizeof d->arch);
		else
			r = jskip(c, depth + 1);
		if (r)
			return -1;
	}
	return r;
}

/* A descriptor object: mediaType, digest, platform; the rest skipped. */
static int descriptor(struct jcur *c, struct desc *d, int depth, const char *what)
{
	char key[32];
	int first = 1, r;

	memset(d, 0, sizeof *d);
	if (jopen(c, '{', what))
		return -1;
	while ((r = jmember(c, &first, key, sizeof key)) > 0) {
		if (strcmp(key, "mediaType") == 0)
			r = jfield(c, key, d->media, sizeof d->media);
		else if (strcmp(key, "digest") == 0)
			r = jfield(c, key, d->digest, sizeof d->digest);
		else if (strcmp(key, "platform") == 0)
			r = platform(c, d, depth + 1);
		else
			r = jskip(c, depth + 1);
		if (r)
			return -1;
	}
	return r;
}

/* What the walk of index.json's manifests found. */
struct pick {
	struct desc chosen;    /* linux/amd64, else the first manifest */
	int have_amd64, have_manifest, n;
	int platforms;         /* descriptors with a platform */
	char index_media[128]; /* the first nested index's media type */
	char seen[96];         /* the platforms seen, for a message */
};

static void pick_one(struct pick *p, const struct desc *d)
{
	p->n++;
	if (!p->index_media[0] && is_index(d->media))
		memcpy(p->index_media, d->media, sizeof p->index_media);
	if (d->platform) {
		size_t n = strlen(p->seen);
		snprintf(p->seen + n, sizeof p->seen - n, "%s%s/%s",
		         n ? " " : "", d->os[0] ? d->os : "?", d->arch[0] ? d->arch : "?");
		p->platforms++;
		if (!p->have_amd64 && strcmp(d->os, "linux") == 0 &&
		    strcmp(d->arch, "amd64") == 0) {
			p->have_amd64 = 1;
			p->chosen = *d;
		}
	} else if (!p->have_amd64 && !p->have_manifest && is_manifest(d->media)) {
		p->have_manifest = 1;
		p->chosen = *d;
	}
}

static int index_manifests(struct jcur *c, struct pick *p)
{
	struct desc d;
	char what[48];
	int first = 1, r;

	if (jopen(c, '[', "\"manifests\" to be an array"))
		return -1;
	while ((r = jelem(c, &first)) > 0) {
		snprintf(what, sizeof what, "manifests[%d] to be an object", p->n);
		if (descriptor(c, &d, 2, what))
			return -1;
		pick_one(p, &d);
	}
	return r;
}

/* The choice, or an error saying why there is none. */
static int index_choose(struct jcur *c, const struct pick *p, char *digest,
                        size_t size)
{
	static const char nested[] = "the image is a nested image index (%s), "
		"which is not read: copy one image out first (skopeo copy "
		"oci:DIR:TAG oci:NEWDIR:TAG)";
	const struct desc *d = &p->chosen;

	if (p->n == 0)
		return jfail(c, "no image in the manifests array");
	if (p->platforms && !p->have_amd64)
		return jfail(c, "no linux/amd64 image (platforms: %s)", p->seen);
	if (!p->have_amd64 && !p->have_manifest) {
		if (p->index_media[0])
			return jfail(c, nested, p->index_media);
		return jfail(c, "no image manifest (mediaType %s)", MT_OCI_MANIFEST);
	}
	if (is_index(d->media))
		return jfail(c, nested, d->media);
	if (!is_manifest(d->media))
		return jfail(c, "the linux/amd64 image has mediaType \"%s\", not an "
		             "image manifest", d->media);
	char path[96];
	if (rootimage_blob_path(d->digest, path, sizeof path))
		return jfail(c, "the image's digest \"%s\" is not sha256:<64 "
		             "lowercase hex>", d->digest);
	if (size <= strlen(d->digest))
		return jfail(c, "no room for the digest (%zu bytes)", size);
	memcpy(digest, d->digest, strlen(d->digest) + 1);
	return 0;
}

int rootimage_oci_index(const char *json, size_t len, char *digest,
                        size_t size, char *err, size_t errsize)
{
	static struct pick zero;
	struct pick p = zero;
	struct jcur c;
	char key[32];
	int first = 1, seen = 0, r;

	jinit(&c, json, len, "index.json", err, errsize);
	if (size)
		digest[0] = '\0';
	if (jopen(&c, '{', "a JSON object"))
		return -1;
	while ((r = jmember(&c, &first, key, sizeof key)) > 0) {
		if (strcmp(key, "manifests") != 0) {
			if (jskip(&c, 1))
				return -1;
			continue;
		}
		if (seen++)
			return jfail(&c, "\"manifests\" given twice");
		if (index_manifests(&c, &p))
			return -1;
	}
	if (r < 0 || jend(&c))
		return -1;
	if (!seen)
		return jfail(&c, "no \"manifests\" array");
	return index_choose(&c, &p, digest, size);
}

/* 0: a layer whichns applies; else an error naming it. */
static int layer_media(struct jcur *c, const struct desc *d, size_t i)
{
	static const char *const ok[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.diff.tar.zstd",
	};

	for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++)
		if (strcmp(d->media, ok[k]) == 0)
			return 0;
	if (!d->media[0])
		return jfail(c, "layers[%zu] has no mediaType", i);
	if (strstr(d->media, "foreign") || strstr(d->media, "nondistributable"))
		return jfail(c, "layers[%zu] is a foreign (non-distributable) layer "
		             "(%s), not in the image: pull it into the image first",
		             i, d->media);
	return jfail(c, "layers[%zu] has mediaType \"%s\", not a tar layer", i,
	             d->media);
}

static int manifest_layers(struct jcur *c, struct rootimage_layers *out)
{
	struct desc d;
	char path[ROOTIMAGE_PATH_MAX], what[48];
	int first = 1, r;

	if (jopen(c, '[', "\"layers\" to be an array"))
		return -1;
	while ((r = jelem(c, &first)) > 0) {
		snprintf(what, sizeof what, "layers[%zu] to be an object", out->n);
		if (descriptor(c, &d, 2, what) || layer_media(c, &d, out->n))
			return -1;
		if (rootimage_blob_path(d.digest, path, sizeof path))
			return jfail(c, "layers[%zu] has digest \"%s\", not sha256:<64 "
			             "lowercase hex>", out->n, d.digest);
		snprintf(what, sizeof what, "layers[%zu]", out->n);
		if (add_layer(c, out, path, what))
			return -1;
	}
	return r;
}

/* The manifest's own mediaType, when it gives one, is a manifest's. */
static int manifest_media(struct jcur *c)
{
	char mt[128];

	if (jfield(c, "mediaType", mt, sizeof mt))
		return -1;
	if (is_index(mt))
		return jfail(c, "is an image index (%s), not an image manifest", mt);
	if (!is_manifest(mt))
		return jfail(c, "has mediaType \"%s\", not an image manifest", mt);
	return 0;
}

int rootimage_oci_manifest(const char *json, size_t len,
                           struct rootimage_layers *out,
                           char *err, size_t errsize)
{
	struct jcur c;
	char key[32];
	int first = 1, seen = 0, r;

	jinit(&c, json, len, "image manifest", err, errsize);
	out->n = 0;
	if (jopen(&c, '{', "a JSON object"))
		goto bad;
	while ((r = jmember(&c, &first, key, sizeof key)) > 0) {
		if (strcmp(key, "mediaType") == 0)
			r = manifest_media(&c);
		else if (strcmp(key, "layers") != 0)
			r = jskip(&c, 1);
		else if (seen++)
			r = jfail(&c, "\"layers\" given twice");
		else
			r = manifest_layers(&c, out);
		if (r)
			goto bad;
	}
	if (r < 0 || jend(&c))
		goto bad;
	if (!seen) {
		jfail(&c, "no \"layers\" array");
		goto bad;
	}
	if (out->n == 0) {
		jfail(&c, "no layers (an empty \"layers\" array)");
		goto bad;
	}
	return 0;
bad:
	out->n = 0;
	return -1;
}

/* ---- A layer's entries ---- */

static int put(char *target, size_t size, const char *a, size_t alen,
               const char *b, size_t blen)
{
	int sep = alen && blen;
	if (size <= alen + sep + blen)
		return -1;
	memcpy(target, a, alen);
	if (sep)
		target[alen] = '/';
	memcpy(target + alen + sep, b, blen);
	target[alen + sep + blen] = '\0';
	return 0;
}

enum rootimage_entry rootimage_entry(const char *path, char *target,
                                     size_t size)
{
	static const char wh[] = ".wh.", opq[] = ".wh..wh..opq";

	if (size)
		target[0] = '\0';
	if (!path || !*path)
		return ROOTIMAGE_BAD;
	size_t n = strlen(path);
	if (path[0] == '.' && path[1] == '/')
		path += 2, n -= 2;
	else if (path[0] == '/')
		path++, n--;
	while (n && path[n - 1] == '/')
		n--;
	if (n == 1 && path[0] == '.')   /* "." or "./.": the top itself */
		n = 0;
	if (n == 0)
		return put(target, size, "", 0, "", 0) ? ROOTIMAGE_BAD : ROOTIMAGE_ENTRY;
	/* Every component is a name: none empty, "." or "..". */
	for (size_t i = 0; i < n;) {
		size_t k = i;
		while (k < n && path[k] != '/')
			k++;
		size_t c = k - i;
		if (c == 0 || (c == 1 && path[i] == '.') ||
		    (c == 2 && path[i] == '.' && path[i + 1] == '.'))
			return ROOTIMAGE_BAD;
		i = k + 1;
	}
	size_t base = n;
	while (base && path[base - 1] != '/')
		base--;
	size_t dlen = base ? base - 1 : 0;
	const char *name = path + base;
	size_t nlen = n - base;
	if (nlen < sizeof wh - 1 || memcmp(name, wh, sizeof wh - 1) != 0)
		return put(target, size, path, n, "", 0) ? ROOTIMAGE_BAD : ROOTIMAGE_ENTRY;
	if (nlen == sizeof opq - 1 && memcmp(name, opq, nlen) == 0)
		return put(target, size, path, dlen, "", 0) ? ROOTIMAGE_BAD
		                                            : ROOTIMAGE_OPAQUE;
	name += sizeof wh - 1;
	nlen -= sizeof wh - 1;
	if (nlen == 0 || (nlen == 1 && name[0] == '.') ||
	    (nlen == 2 && name[0] == '.' && name[1] == '.'))
		return ROOTIMAGE_BAD;
	return put(target, size, path, dlen, name, nlen) ? ROOTIMAGE_BAD
	                                                 : ROOTIMAGE_WHITEOUT;
}

/* ---- os-release ---- */

/* Append ch to buf of size, with *n bytes in it; control bytes become
 * '?' (the value is printed in messages); *cut set when it is full. */
static void osr_put(char *buf, size_t size, size_t *n, unsigned char ch, int *cut)
{
	if (ch < 0x20 || ch == 0x7f)
		ch = '?';
	if (size - *n > 1)
		buf[(*n)++] = (char)ch;
	else
		*cut = 1;
}

/* The value of a KEY=VALUE line into buf: double quotes with \" \\ \$ \`
 * escapes, single quotes as they are, or bare (a backslash quotes the
 * next byte; trailing white space dropped).  0, or -1 when a quote is
 * not closed. */
static int osr_value(const char *v, size_t len, char *buf, size_t size)
{
	size_t n = 0, i = 0;
	int cut = 0;
	char q = len && (v[0] == '"' || v[0] == '\'') ? v[0] : 0;

	if (q)
		i = 1;
	else
		while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
	for (; i < len; i++) {
		if (q && v[i] == q)
			break;
		if (v[i] == '\\' && q != '\'' && len - i > 1 &&
		    (!q || strchr("\"\\$`", v[i + 1])))
			i++;
		osr_put(buf, size, &n, (unsigned char)v[i], &cut);
	}
	if (q && i >= len)
		return -1;
	/* Cut short: not in the middle of a UTF-8 sequence. */
	if (cut) {
		size_t k = n;
		while (k && ((unsigned char)buf[k - 1] & 0xc0) == 0x80)
			k--;
		unsigned lead = k ? (unsigned char)buf[k - 1] : 0;
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
		if (lead & 0x80 && n - (k - 1) < need)
			n = k - 1;
	}
	buf[n] = '\0';
	return 0;
}

/* One line; sets the field its key names. */
static void osr_line(const char *l, size_t n, struct rootimage_os *os,
                     char *like, size_t likesize)
{
	static const char keych[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
	char val[256];
	size_t k = 0;

	if (n && l[n - 1] == '\r')
		n--;
	while (k < n && (l[k] == ' ' || l[k] == '\t'))
		k++;
	l += k, n -= k, k = 0;
	while (k < n && l[k] && strchr(keych, l[k]))
		k++;
	if (k == 0 || k == n || l[k] != '=')
		return;
	if (osr_value(l + k + 1, n - k - 1, val, sizeof val))
		return;
	struct { const char *key; char *buf; size_t size; } f[] = {
		{ "ID", os->id, sizeof os->id },
		{ "VERSION_ID", os->version_id, sizeof os->version_id },
		{ "PRETTY_NAME", os->pretty, sizeof os->pretty },
		{ "ID_LIKE", like, likesize },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (strlen(f[i].key) == k && memcmp(l, f[i].key, k) == 0)
			osr_value(l + k + 1, n - k - 1, f[i].buf, f[i].size);
}

static enum rootimage_family family_of(const char *w, size_t n)
{
	static const struct {
		const char *word;
		enum rootimage_family fam;
		int prefix;    /* any word starting with it */
	} words[] = {
		{ "debian", ROOTIMAGE_FAMILY_DEBIAN, 0 },
		{ "ubuntu", ROOTIMAGE_FAMILY_DEBIAN, 0 },
		{ "rhel", ROOTIMAGE_FAMILY_RHEL, 0 },
		{ "centos", ROOTIMAGE_FAMILY_RHEL, 0 },
		{ "fedora", ROOTIMAGE_FAMILY_RHEL, 0 },
		{ "rocky", ROOTIMAGE_FAMILY_RHEL, 0 },
		{ "almalinux", ROOTIMAGE_FAMILY_RHEL, 0 },
		{ "ol", ROOTIMAGE_FAMILY_RHEL, 0 },
		{ "amzn", ROOTIMAGE_FAMILY_RHEL, 0 },
		{ "alpine", ROOTIMAGE_FAMILY_ALPINE, 0 },
		{ "opensuse", ROOTIMAGE_FAMILY_SUSE, 1 },
		{ "sles", ROOTIMAGE_FAMILY_SUSE, 0 },
		{ "suse", ROOTIMAGE_FAMILY_SUSE, 0 },
		{ "arch", ROOTIMAGE_FAMILY_ARCH, 0 },
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t wl = strlen(words[i].word);
		if ((n == wl || (words[i].prefix && n > wl)) &&
		    memcmp(w, words[i].word, wl) == 0)
			return words[i].fam;
	}
	return ROOTIMAGE_FAMILY_UNKNOWN;
}

void rootimage_os_release(const char *text, size_t len,
                          struct rootimage_os *os)
{
	char like[256] = "";
	size_t off = 0;

	memset(os, 0, sizeof *os);
	while (text && off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - text) : len;
		osr_line(text + off, end - off, os, like, sizeof like);
		off = end + 1;
	}
	os->family = family_of(os->id, strlen(os->id));
	for (const char *w = like; !os->family && *w;) {
		size_t n = strcspn(w, " \t");
		os->family = family_of(w, n);
		w += n;
		w += strspn(w, " \t");
	}
	if (!os->pretty[0] && os->id[0])
		snprintf(os->pretty, sizeof os->pretty, "%s%s%s", os->id,
		         os->version_id[0] ? " " : "", os->version_id);
}

const char *rootimage_compiler_hint(enum rootimage_family family)
{
	switch (family) {
	case ROOTIMAGE_FAMILY_DEBIAN: return "apt-get install gcc libc6-dev";
	case ROOTIMAGE_FAMILY_RHEL:   return "yum install gcc";
	case ROOTIMAGE_FAMILY_ALPINE: return "apk add build-base";
	case ROOTIMAGE_FAMILY_SUSE:   return "zypper install gcc";
	case ROOTIMAGE_FAMILY_ARCH:   return "pacman -S gcc";
	case ROOTIMAGE_FAMILY_UNKNOWN:
	default:
		return "a C compiler (gcc or cc) and the C library's headers";
	}
}

const char *const rootimage_libc_paths[] = {
	"lib/x86_64-linux-gnu/libc.so.6",       /* Debian, Ubuntu */
	"usr/lib/x86_64-linux-gnu/libc.so.6",
	"lib64/libc.so.6",                      /* RHEL, SUSE, Amazon */
	"usr/lib64/libc.so.6",
	"lib/libc.so.6",
	"usr/lib/libc.so.6",                    /* Arch */
	"lib/ld-musl-x86_64.so.1",              /* Alpine */
	"usr/lib/ld-musl-x86_64.so.1",
	NULL,
};
