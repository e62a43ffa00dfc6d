/*
 * check_rootimage.c - what a user's root filesystem is made of: the
 * layers of docker-archive manifest.json files (docker before and after
 * 25, podman, skopeo) and of OCI layouts (umoci, multi-platform indexes),
 * bad JSON and bad paths; layer entries and whiteouts; os-release texts
 * of real distributions and garbage; compiler hints; libc paths.
 * The JSON samples are what umoci 0.4, skopeo 1.x, podman and docker
 * wrote, trimmed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libcname.h"
#include "rootimage.h"
#include "suites.h"
#include "testutil.h"

#define H1 "1e4631a536651af4056e6783def57ccdb40c395e830ba00166ee300063fcdb5d"
#define H2 "9394608a86aa6ab14f23d70fdf3c8d35290506ccbd6c3fe77ef720e7c0c87393"
#define H3 "0cd4c73f879037a458d8017146735525c20ce2d788f4d160d7e48b68d360e5b6"
#define HM "575928eb3e735233831526dee9188a4759b8f195d18231b8506ad863b69437b0"
#define HA "8f0b1f2b57d323d9dc3d4ce0df80f175c73c9d522619e636c2f573cb74ea9002"
#define HC "422b2c6c80f07e71ec7b54c4290b3112fed8c843bde11a639ade23e205242f5d"

/* ---- docker-archive manifest.json ---- */

static const struct {
	const char *name, *json;
	const char *want[3];   /* the layers, in order; NULL: an error */
	const char *err;       /* words the error must hold */
} dmanifests[] = {
	{ "skopeo copy docker-archive",
	  "[{\"Config\":\"" HC ".json\",\"RepoTags\":[\"docker.io/library/t:latest\"],"
	  "\"Layers\":[\"" H3 ".tar\",\"" H1 ".tar\"]}]",
	  { H3 ".tar", H1 ".tar" }, NULL },
	{ "docker save before 25",
	  "[{\"Config\":\"" HC ".json\",\"RepoTags\":[\"x:latest\"],"
	  "\"Layers\":[\"" H1 "/layer.tar\",\"" H2 "/layer.tar\",\"" H3 "/layer.tar\"]}]\n",
	  { H1 "/layer.tar", H2 "/layer.tar", H3 "/layer.tar" }, NULL },
	{ "docker save 25+",
	  "[{\"Config\":\"blobs/sha256/" HC "\",\"RepoTags\":[\"debian:bullseye\"],"
	  "\"Layers\":[\"blobs/sha256/" H2 "\"],\"LayerSources\":{\"sha256:" H2 "\":"
	  "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":1234,"
	  "\"digest\":\"sha256:" H2 "\"}}}]",
	  { "blobs/sha256/" H2 }, NULL },
	{ "podman save, pretty, keys reordered",
	  "[\n  {\n    \"Layers\": [ \"" H1 ".tar\" ],\n    \"RepoTags\": null,\n"
	  "    \"Config\": \"" HC ".json\", \"x\": [1, -2.5e3, true, false, {}]\n  }\n]\n",
	  { H1 ".tar" }, NULL },
	{ "two images: the first one's",
	  "[{\"Layers\":[\"a.tar\",\"b.tar\"]},{\"Layers\":[\"c.tar\"]}]",
	  { "a.tar", "b.tar" }, NULL },
	{ "escapes in a path", "[{\"Layers\":[\"a\\/b\\u002etar\"]}]", { "a/b.tar" }, NULL },
	{ "not an array", "{\"Layers\":[\"a.tar\"]}", { NULL }, "array" },
	{ "empty array", "[]", { NULL }, "no image" },
	{ "no Layers", "[{\"Config\":\"x.json\"}]", { NULL }, "no Layers array" },
	{ "empty Layers", "[{\"Layers\":[]}]", { NULL }, "no layers" },
	{ "Layers not an array", "[{\"Layers\":\"a.tar\"}]", { NULL }, "Layers to be an array" },
	{ "a layer not a string", "[{\"Layers\":[\"a.tar\",7]}]", { NULL }, "Layers[1] is not a string" },
	{ "Layers twice", "[{\"Layers\":[\"a\"],\"Layers\":[\"b\"]}]", { NULL }, "twice" },
	{ "dot-dot", "[{\"Layers\":[\"../etc/passwd\"]}]", { NULL }, "not a relative path" },
	{ "dot-dot inside", "[{\"Layers\":[\"a/../../b\"]}]", { NULL }, "not a relative path" },
	{ "absolute", "[{\"Layers\":[\"/etc/shadow\"]}]", { NULL }, "not a relative path" },
	{ "empty component", "[{\"Layers\":[\"a//layer.tar\"]}]", { NULL }, "not a relative path" },
	{ "trailing slash", "[{\"Layers\":[\"a/\"]}]", { NULL }, "not a relative path" },
	{ "empty path", "[{\"Layers\":[\"\"]}]", { NULL }, "not a relative path" },
	{ "dot component", "[{\"Layers\":[\"./a.tar\"]}]", { NULL }, "not a relative path" },
	{ "control byte escaped", "[{\"Layers\":[\"a\\nb\"]}]", { NULL }, "printable ASCII" },
	{ "non-ASCII escape", "[{\"Layers\":[\"caf\\u00e9.tar\"]}]", { NULL }, "printable ASCII" },
	{ "NUL escape", "[{\"Layers\":[\"a\\u0000b\"]}]", { NULL }, "printable ASCII" },
	{ "raw UTF-8", "[{\"Layers\":[\"caf\xc3\xa9.tar\"]}]", { NULL }, "printable ASCII" },
	{ "too long",
	  "[{\"Layers\":[\"" H1 H2 H3 "/layer.tar\"]}]", { NULL }, "longer than 159" },
	{ "raw control byte", "[{\"Layers\":[\"a\tb\"]}]", { NULL }, "control byte" },
	{ "bad escape", "[{\"Layers\":[\"a\\xb\"]}]", { NULL }, "bad escape" },
	{ "bad \\u", "[{\"Layers\":[\"a\\u12g4\"]}]", { NULL }, "\\u escape" },
	{ "cut in a string", "[{\"Layers\":[\"a.t", { NULL }, "cut short" },
	{ "cut after a comma", "[{\"Layers\":[\"a.tar\",", { NULL }, "cut short" },
	{ "cut at the end", "[{\"Layers\":[\"a.tar\"]}", { NULL }, "cut short" },
	{ "trailing comma", "[{\"Layers\":[\"a.tar\",]}]", { NULL }, "Layers[1] is not a string (byte 20)" },
	{ "missing colon", "[{\"Layers\" [\"a.tar\"]}]", { NULL }, "expected ':'" },
	{ "bytes after", "[{\"Layers\":[\"a.tar\"]}] x", { NULL }, "after the JSON value" },
	{ "bad word", "[{\"Layers\":[\"a.tar\"],\"RepoTags\":nul}]", { NULL }, "not JSON" },
	{ "number without digits", "[{\"Layers\":[\"a.tar\"],\"n\":-}]", { NULL }, "number" },
	{ "bad in a skipped image", "[{\"Layers\":[\"a.tar\"]},{\"x\":[}]", { NULL }, "not JSON" },
	{ "empty text", "", { NULL }, "cut short" },
	{ "first image not an object", "[\"a.tar\"]", { NULL }, "first image to be an object" },
};

START_TEST(test_docker_manifest)
{
	static struct rootimage_layers l;
	char err[256] = "junk";
	const char *j = dmanifests[_i].json;
	int rc = rootimage_docker_manifest(j, strlen(j), &l, err, sizeof err);

	if (!dmanifests[_i].want[0]) {
		ck_assert_msg(rc == -1, "%s: accepted", dmanifests[_i].name);
		ck_assert_uint_eq(l.n, 0);
		ck_assert_msg(strncmp(err, "manifest.json: ", 15) == 0 &&
		              strstr(err, dmanifests[_i].err),
		              "%s: error '%s' lacks '%s'", dmanifests[_i].name, err,
		              dmanifests[_i].err);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", dmanifests[_i].name, err);
	ck_assert_str_eq(err, "");
	size_t n = 0;
	while (n < 3 && dmanifests[_i].want[n])
		n++;
	ck_assert_uint_eq(l.n, n);
	for (size_t k = 0; k < n; k++)
		ck_assert_str_eq(l.path[k], dmanifests[_i].want[k]);
}
END_TEST

/* ---- OCI layout: index.json ---- */

#define MT_M "application/vnd.oci.image.manifest.v1+json"
#define MT_I "application/vnd.oci.image.index.v1+json"
#define PLAT(os, arch) ",\"platform\":{\"architecture\":\"" arch "\",\"os\":\"" os "\"}"

static const struct {
	const char *name, *json;
	const char *want;      /* the digest's hex; NULL: an error */
	const char *err;
} indexes[] = {
	{ "umoci",
	  "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_M "\",\"digest\":"
	  "\"sha256:" HM "\",\"size\":498,\"annotations\":{\"org.opencontainers.image."
	  "ref.name\":\"t\"}}]}\n", HM, NULL },
	{ "docker save 25+",
	  "{\"schemaVersion\":2,\"mediaType\":\"" MT_I "\",\"manifests\":[{\"mediaType\":"
	  "\"" MT_M "\",\"digest\":\"sha256:" HA "\",\"size\":1000,\"annotations\":"
	  "{\"io.containerd.image.name\":\"docker.io/library/debian:bullseye\","
	  "\"org.opencontainers.image.ref.name\":\"bullseye\"}}]}", HA, NULL },
	{ "two tags: the first manifest",
	  "{\"manifests\":[{\"mediaType\":\"application/x-other\",\"digest\":\"sha256:" H1 "\"},"
	  "{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" HM "\"},"
	  "{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" HA "\"}]}", HM, NULL },
	{ "docker media type",
	  "{\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest"
	  ".v2+json\",\"digest\":\"sha256:" HA "\"}]}", HA, NULL },
	{ "multi-platform: linux/amd64",
	  "{\"manifests\":[{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" H1 "\""
	  PLAT("linux", "arm64") "},{\"digest\":\"sha256:" HM "\",\"mediaType\":\"" MT_M "\""
	  PLAT("linux", "amd64") "},{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" H2 "\""
	  PLAT("linux", "amd64") "}]}", HM, NULL },
	{ "amd64 preferred to one without a platform",
	  "{\"manifests\":[{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" H1 "\"},"
	  "{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" HA "\"" PLAT("linux", "amd64")
	  "}]}", HA, NULL },
	{ "no amd64",
	  "{\"manifests\":[{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" H1 "\""
	  PLAT("linux", "arm64") "},{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:" H2 "\""
	  PLAT("windows", "amd64") "}]}", NULL,
	  "no linux/amd64 image (platforms: linux/arm64 windows/amd64)" },
	{ "nested index (skopeo copy --all)",
	  "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_I "\",\"digest\":"
	  "\"sha256:" HA "\",\"size\":2000}]}", NULL, "nested image index" },
	{ "nested index for amd64",
	  "{\"manifests\":[{\"mediaType\":\"" MT_I "\",\"digest\":\"sha256:" HA "\""
	  PLAT("linux", "amd64") "}]}", NULL, "nested image index" },
	{ "amd64 of an odd type",
	  "{\"manifests\":[{\"mediaType\":\"text/plain\",\"digest\":\"sha256:" HA "\""
	  PLAT("linux", "amd64") "}]}", NULL, "\"text/plain\"" },
	{ "no manifest",
	  "{\"manifests\":[{\"mediaType\":\"application/x-other\",\"digest\":\"sha256:" HA "\"}]}",
	  NULL, "no image manifest" },
	{ "empty manifests", "{\"manifests\":[]}", NULL, "no image in the manifests" },
	{ "no manifests", "{\"schemaVersion\":2}", NULL, "no \"manifests\" array" },
	{ "manifests twice", "{\"manifests\":[],\"manifests\":[]}", NULL, "twice" },
	{ "uppercase digest",
	  "{\"manifests\":[{\"mediaType\":\"" MT_M "\",\"digest\":\"sha256:"
	  "1E4631A536651AF4056E6783DEF57CCDB40C395E830BA00166EE300063FCDB5D\"}]}",
	  NULL, "not sha256:<64" },
	{ "sha512 digest",
	  "{\"manifests\":[{\"mediaType\":\"" MT_M "\",\"digest\":\"sha512:" H1 "\"}]}",
	  NULL, "not sha256:<64" },
	{ "digest not a string",
	  "{\"manifests\":[{\"mediaType\":\"" MT_M "\",\"digest\":12}]}", NULL,
	  "\"digest\" is not a string" },
	{ "platform not an object",
	  "{\"manifests\":[{\"mediaType\":\"" MT_M "\",\"platform\":\"linux\"}]}", NULL,
	  "\"platform\" to be an object" },
	{ "a descriptor not an object", "{\"manifests\":[3]}", NULL,
	  "manifests[0] to be an object" },
	{ "not an object", "[]", NULL, "expected a JSON object" },
};

START_TEST(test_oci_index)
{
	char digest[80] = "junk", err[256] = "junk";
	const char *j = indexes[_i].json;
	int rc = rootimage_oci_index(j, strlen(j), digest, sizeof digest, err, sizeof err);

	if (!indexes[_i].want) {
		ck_assert_msg(rc == -1, "%s: gave %s", indexes[_i].name, digest);
		ck_assert_str_eq(digest, "");
		ck_assert_msg(strncmp(err, "index.json: ", 12) == 0 &&
		              strstr(err, indexes[_i].err),
		              "%s: error '%s' lacks '%s'", indexes[_i].name, err,
		              indexes[_i].err);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", indexes[_i].name, err);
	ck_assert_str_eq(digest + 7, indexes[_i].want);
	ck_assert_int_eq(strncmp(digest, "sha256:", 7), 0);
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_oci_index_small)
{
	static const char j[] = "{\"manifests\":[{\"mediaType\":\"" MT_M "\","
	                        "\"digest\":\"sha256:" HM "\"}]}";
	char digest[71], err[128];

	ck_assert_int_eq(rootimage_oci_index(j, strlen(j), digest, 71, err, sizeof err), -1);
	ck_assert_str_eq(digest, "");
	ck_assert_has(err, "no room");
	ck_assert_int_eq(rootimage_oci_index(j, strlen(j), digest, 71, NULL, 0), -1);
	char big[72];
	ck_assert_int_eq(rootimage_oci_index(j, strlen(j), big, sizeof big, err, 1), 0);
	ck_assert_str_eq(big, "sha256:" HM);
}
END_TEST

/* ---- OCI image manifest ---- */

#define LAYER(mt, hex) "{\"mediaType\":\"" mt "\",\"digest\":\"sha256:" hex "\",\"size\":183}"
#define TGZ "application/vnd.oci.image.layer.v1.tar+gzip"

static const struct {
	const char *name, *json;
	const char *want[3];   /* layer hex digests; NULL: an error */
	const char *err;
} manifests[] = {
	{ "umoci, two layers",
	  "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image."
	  "config.v1+json\",\"digest\":\"sha256:" HC "\",\"size\":439},\"layers\":["
	  LAYER(TGZ, H1) "," LAYER(TGZ, H2) "]}", { H1, H2 }, NULL },
	{ "every tar type, digest first",
	  "{\"mediaType\":\"" MT_M "\",\"layers\":["
	  "{\"digest\":\"sha256:" H3 "\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\"},"
	  LAYER("application/vnd.oci.image.layer.v1.tar+zstd", H2) ","
	  LAYER("application/vnd.docker.image.rootfs.diff.tar.gzip", H1) "]}",
	  { H3, H2, H1 }, NULL },
	{ "docker schema 2",
	  "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution."
	  "manifest.v2+json\",\"layers\":[" LAYER("application/vnd.docker.image.rootfs."
	  "diff.tar", H1) "]}", { H1 }, NULL },
	{ "foreign layer",
	  "{\"layers\":[" LAYER(TGZ, H1) "," LAYER("application/vnd.docker.image.rootfs."
	  "foreign.diff.tar.gzip", H2) "]}", { NULL }, "layers[1] is a foreign" },
	{ "non-distributable layer",
	  "{\"layers\":[" LAYER("application/vnd.oci.image.layer.nondistributable.v1.tar"
	  "+gzip", H2) "]}", { NULL }, "layers[0] is a foreign (non-distributable)" },
	{ "unknown layer type",
	  "{\"layers\":[" LAYER("application/vnd.example.squashfs", H2) "]}",
	  { NULL }, "\"application/vnd.example.squashfs\", not a tar layer" },
	{ "no mediaType", "{\"layers\":[{\"digest\":\"sha256:" H1 "\"}]}", { NULL },
	  "layers[0] has no mediaType" },
	{ "bad digest", "{\"layers\":[" LAYER(TGZ, "abc") "]}", { NULL },
	  "layers[0] has digest \"sha256:abc\"" },
	{ "an index", "{\"mediaType\":\"" MT_I "\",\"manifests\":[]}", { NULL },
	  "is an image index" },
	{ "no layers", "{\"schemaVersion\":2}", { NULL }, "no \"layers\" array" },
	{ "empty layers", "{\"layers\":[]}", { NULL }, "no layers" },
	{ "layers twice", "{\"layers\":[" LAYER(TGZ, H1) "],\"layers\":[]}", { NULL }, "twice" },
	{ "a layer not an object", "{\"layers\":[\"x\"]}", { NULL }, "layers[0] to be an object" },
	{ "too deep",
	  "{\"annotations\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
	  "\"layers\":[" LAYER(TGZ, H1) "]}", { NULL }, "nested deeper than 32" },
};

START_TEST(test_oci_manifest)
{
	static struct rootimage_layers l;
	char err[256] = "junk";
	const char *j = manifests[_i].json;
	int rc = rootimage_oci_manifest(j, strlen(j), &l, err, sizeof err);

	if (!manifests[_i].want[0]) {
		ck_assert_msg(rc == -1, "%s: accepted", manifests[_i].name);
		ck_assert_uint_eq(l.n, 0);
		ck_assert_msg(strncmp(err, "image manifest: ", 16) == 0 &&
		              strstr(err, manifests[_i].err),
		              "%s: error '%s' lacks '%s'", manifests[_i].name, err,
		              manifests[_i].err);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", manifests[_i].name, err);
	size_t n = 0;
	while (n < 3 && manifests[_i].want[n])
		n++;
	ck_assert_uint_eq(l.n, n);
	for (size_t k = 0; k < n; k++) {
		char want[ROOTIMAGE_PATH_MAX];
		snprintf(want, sizeof want, "blobs/sha256/%s", manifests[_i].want[k]);
		ck_assert_str_eq(l.path[k], want);
	}
}
END_TEST

/* 32 levels of arrays (the member's value is level 1) are read; 33 are
 * not. */
START_TEST(test_depth)
{
	char j[512];
	static struct rootimage_layers l;
	char err[128];

	for (int depth = 30; depth <= 34; depth++) {
		int n = snprintf(j, sizeof j, "{\"x\":");
		for (int k = 0; k < depth; k++)
			j[n++] = '[';
		for (int k = 0; k < depth; k++)
			j[n++] = ']';
		n += snprintf(j + n, sizeof j - (size_t)n,
		              ",\"layers\":[" LAYER(TGZ, H1) "]}");
		int rc = rootimage_oci_manifest(j, (size_t)n, &l, err, sizeof err);
		ck_assert_msg(rc == (depth <= 32 ? 0 : -1), "depth %d: %d %s", depth, rc, err);
	}
}
END_TEST

START_TEST(test_too_many_layers)
{
	static char j[ROOTIMAGE_MAX_LAYERS * 16 + 64];
	static struct rootimage_layers l;
	char err[128];

	for (int count = ROOTIMAGE_MAX_LAYERS; count <= ROOTIMAGE_MAX_LAYERS + 1; count++) {
		size_t n = (size_t)snprintf(j, sizeof j, "[{\"Layers\":[");
		for (int k = 0; k < count; k++)
			n += (size_t)snprintf(j + n, sizeof j - n, "%s\"l%d.tar\"",
			                      k ? "," : "", k);
		n += (size_t)snprintf(j + n, sizeof j - n, "]}]");
		int rc = rootimage_docker_manifest(j, n, &l, err, sizeof err);
		if (count == ROOTIMAGE_MAX_LAYERS) {
			ck_assert_msg(rc == 0, "%s", err);
			ck_assert_uint_eq(l.n, ROOTIMAGE_MAX_LAYERS);
			ck_assert_str_eq(l.path[127], "l127.tar");
		} else {
			ck_assert_int_eq(rc, -1);
			ck_assert_has(err, "more than 128 layers");
		}
	}
}
END_TEST

/* Every prefix of real files, alone in a block of its own size: no read
 * past the end (AddressSanitizer), and an error until the text is whole. */
START_TEST(test_prefixes)
{
	static struct rootimage_layers l;
	const char *d = dmanifests[2].json, *m = manifests[0].json, *x = indexes[4].json;
	char err[256], digest[80];

	for (size_t len = 0; len <= strlen(d); len++) {
		struct wire w = { .n = 0 };
		put_bytes(&w, d, len);
		char *exact = (char *)wire_exact(&w, len);
		int rc = rootimage_docker_manifest(exact, len, &l, err, sizeof err);
		free(exact);
		ck_assert_msg(rc == (len == strlen(d) ? 0 : -1), "len %zu: %d", len, rc);
	}
	for (size_t len = 0; len <= strlen(m); len++) {
		struct wire w = { .n = 0 };
		put_bytes(&w, m, len);
		char *exact = (char *)wire_exact(&w, len);
		int rc = rootimage_oci_manifest(exact, len, &l, err, sizeof err);
		free(exact);
		ck_assert_msg(rc == (len == strlen(m) ? 0 : -1), "len %zu: %d", len, rc);
	}
	for (size_t len = 0; len <= strlen(x); len++) {
		struct wire w = { .n = 0 };
		put_bytes(&w, x, len);
		char *exact = (char *)wire_exact(&w, len);
		int rc = rootimage_oci_index(exact, len, digest, sizeof digest, err, sizeof err);
		free(exact);
		ck_assert_msg(rc == (len == strlen(x) ? 0 : -1), "len %zu: %d", len, rc);
	}
}
END_TEST

START_TEST(test_blob_path)
{
	char p[96];

	ck_assert_int_eq(rootimage_blob_path("sha256:" H1, p, sizeof p), 0);
	ck_assert_str_eq(p, "blobs/sha256/" H1);
	ck_assert_int_eq(rootimage_blob_path("sha256:" H1, p, 78), 0);
	ck_assert_int_eq(rootimage_blob_path("sha256:" H1, p, 77), -1);
	ck_assert_str_eq(p, "");
	ck_assert_int_eq(rootimage_blob_path("sha256:" H1 "0", p, sizeof p), -1);
	ck_assert_int_eq(rootimage_blob_path("sha256:" H1 "/", p, sizeof p), -1);
	ck_assert_int_eq(rootimage_blob_path("sha512:" H1, p, sizeof p), -1);
	ck_assert_int_eq(rootimage_blob_path("sha256:../" H1, p, sizeof p), -1);
	ck_assert_int_eq(rootimage_blob_path(H1, p, sizeof p), -1);
	ck_assert_int_eq(rootimage_blob_path("", p, sizeof p), -1);
	ck_assert_int_eq(rootimage_blob_path(NULL, p, sizeof p), -1);
}
END_TEST

/* ---- Layer entries ---- */

static const struct {
	const char *path;
	enum rootimage_entry kind;
	const char *target;
} entries[] = {
	{ "etc/motd", ROOTIMAGE_ENTRY, "etc/motd" },
	{ "./etc/motd", ROOTIMAGE_ENTRY, "etc/motd" },
	{ "etc/", ROOTIMAGE_ENTRY, "etc" },
	{ "./etc/", ROOTIMAGE_ENTRY, "etc" },
	{ "/abs", ROOTIMAGE_ENTRY, "abs" },
	{ ".", ROOTIMAGE_ENTRY, "" },
	{ "./", ROOTIMAGE_ENTRY, "" },
	{ "/", ROOTIMAGE_ENTRY, "" },
	{ ".dockerenv", ROOTIMAGE_ENTRY, ".dockerenv" },
	{ "usr/share/ca-certificates/NetLock_Arany_=Class_Gold=_F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny.crt",
	  ROOTIMAGE_ENTRY,
	  "usr/share/ca-certificates/NetLock_Arany_=Class_Gold=_F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny.crt" },
	{ "a..b/..c", ROOTIMAGE_ENTRY, "a..b/..c" },
	{ "etc/.wh.motd", ROOTIMAGE_WHITEOUT, "etc/motd" },
	{ "./etc/.wh.motd", ROOTIMAGE_WHITEOUT, "etc/motd" },
	{ ".wh.motd", ROOTIMAGE_WHITEOUT, "motd" },
	{ "/.wh.etc/", ROOTIMAGE_WHITEOUT, "etc" },
	{ ".wh....", ROOTIMAGE_WHITEOUT, "..." },
	{ "a/.wh..hidden", ROOTIMAGE_WHITEOUT, "a/.hidden" },
	{ "a/.wh.b/c", ROOTIMAGE_ENTRY, "a/.wh.b/c" },
	{ "a/b/.wh..wh..opq", ROOTIMAGE_OPAQUE, "a/b" },
	{ "./etc/.wh..wh..opq", ROOTIMAGE_OPAQUE, "etc" },
	{ ".wh..wh..opq", ROOTIMAGE_OPAQUE, "" },
	{ "./.wh..wh..opq", ROOTIMAGE_OPAQUE, "" },
	{ "a/.wh..wh..opqx", ROOTIMAGE_WHITEOUT, "a/.wh..opqx" },
	{ ".wh.", ROOTIMAGE_BAD, "" },
	{ ".wh..", ROOTIMAGE_BAD, "" },
	{ ".wh...", ROOTIMAGE_BAD, "" },
	{ "etc/.wh..", ROOTIMAGE_BAD, "" },
	{ "", ROOTIMAGE_BAD, "" },
	{ "a/../b", ROOTIMAGE_BAD, "" },
	{ "..", ROOTIMAGE_BAD, "" },
	{ "../etc", ROOTIMAGE_BAD, "" },
	{ "etc/..", ROOTIMAGE_BAD, "" },
	{ "./../x", ROOTIMAGE_BAD, "" },
	{ "a/./b", ROOTIMAGE_BAD, "" },
	{ "a//b", ROOTIMAGE_BAD, "" },
	{ "//abs", ROOTIMAGE_BAD, "" },
	{ ".//abs", ROOTIMAGE_BAD, "" },
	{ "../.wh.x", ROOTIMAGE_BAD, "" },
};

START_TEST(test_entry)
{
	char target[256] = "junk";
	enum rootimage_entry k = rootimage_entry(entries[_i].path, target, sizeof target);

	ck_assert_msg(k == entries[_i].kind, "'%s': kind %d, want %d", entries[_i].path,
	              (int)k, (int)entries[_i].kind);
	ck_assert_str_eq(target, entries[_i].target);
}
END_TEST

START_TEST(test_entry_fit)
{
	char t[9];

	ck_assert_int_eq(rootimage_entry("etc/motd", t, 9), ROOTIMAGE_ENTRY);
	ck_assert_str_eq(t, "etc/motd");
	ck_assert_int_eq(rootimage_entry("etc/motdX", t, 9), ROOTIMAGE_BAD);
	ck_assert_str_eq(t, "");
	ck_assert_int_eq(rootimage_entry("./etc/.wh.motd", t, 9), ROOTIMAGE_WHITEOUT);
	ck_assert_str_eq(t, "etc/motd");
	ck_assert_int_eq(rootimage_entry("./etc/.wh.motdX", t, 9), ROOTIMAGE_BAD);
	ck_assert_str_eq(t, "");
	ck_assert_int_eq(rootimage_entry(".wh..wh..opq", t, 1), ROOTIMAGE_OPAQUE);
	ck_assert_int_eq(rootimage_entry("a/.wh..wh..opq", t, 1), ROOTIMAGE_BAD);
	ck_assert_int_eq(rootimage_entry(".", t, 0), ROOTIMAGE_BAD);
	ck_assert_int_eq(rootimage_entry(NULL, t, sizeof t), ROOTIMAGE_BAD);
}
END_TEST

/* ---- os-release ---- */

static const struct {
	const char *name, *text;
	enum rootimage_family fam;
	const char *id, *version, *pretty;
} osr[] = {
	{ "Debian 11",
	  "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nNAME=\"Debian GNU/Linux\"\n"
	  "VERSION_ID=\"11\"\nVERSION=\"11 (bullseye)\"\nVERSION_CODENAME=bullseye\n"
	  "ID=debian\nHOME_URL=\"https://www.debian.org/\"\n"
	  "SUPPORT_URL=\"https://www.debian.org/support\"\n"
	  "BUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
	  ROOTIMAGE_FAMILY_DEBIAN, "debian", "11", "Debian GNU/Linux 11 (bullseye)" },
	{ "Ubuntu 22.04",
	  "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"
	  "VERSION=\"22.04.3 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\n"
	  "ID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\n"
	  "SUPPORT_URL=\"https://help.ubuntu.com/\"\n"
	  "BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n"
	  "PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\n"
	  "UBUNTU_CODENAME=jammy\n",
	  ROOTIMAGE_FAMILY_DEBIAN, "ubuntu", "22.04", "Ubuntu 22.04.3 LTS" },
	{ "CentOS 7",
	  "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\n"
	  "ID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\n"
	  "ANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:centos:centos:7\"\n"
	  "HOME_URL=\"https://www.centos.org/\"\nBUG_REPORT_URL=\"https://bugs.centos.org/\"\n\n"
	  "CENTOS_MANTISBT_PROJECT=\"CentOS-7\"\nCENTOS_MANTISBT_PROJECT_VERSION=\"7\"\n"
	  "REDHAT_SUPPORT_PRODUCT=\"centos\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"7\"\n\n",
	  ROOTIMAGE_FAMILY_RHEL, "centos", "7", "CentOS Linux 7 (Core)" },
	{ "Rocky 9",
	  "NAME=\"Rocky Linux\"\nVERSION=\"9.3 (Blue Onyx)\"\nID=\"rocky\"\n"
	  "ID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\nPLATFORM_ID=\"platform:el9\"\n"
	  "PRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\nANSI_COLOR=\"0;32\"\n"
	  "LOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:rocky:rocky:9::baseos\"\n"
	  "HOME_URL=\"https://rockylinux.org/\"\nSUPPORT_END=\"2032-05-31\"\n"
	  "REDHAT_SUPPORT_PRODUCT=\"Rocky Linux\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"9.3\"\n",
	  ROOTIMAGE_FAMILY_RHEL, "rocky", "9.3", "Rocky Linux 9.3 (Blue Onyx)" },
	{ "Amazon Linux 2",
	  "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\n"
	  "VERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\nANSI_COLOR=\"0;33\"\n"
	  "CPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2\"\nHOME_URL=\"https://amazonlinux.com/\"\n"
	  "SUPPORT_END=\"2025-06-30\"\n",
	  ROOTIMAGE_FAMILY_RHEL, "amzn", "2", "Amazon Linux 2" },
	{ "Alpine 3.19",
	  "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n"
	  "PRETTY_NAME=\"Alpine Linux v3.19\"\nHOME_URL=\"https://alpinelinux.org/\"\n"
	  "BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
	  ROOTIMAGE_FAMILY_ALPINE, "alpine", "3.19.1", "Alpine Linux v3.19" },
	{ "openSUSE Leap 15.5",
	  "NAME=\"openSUSE Leap\"\nVERSION=\"15.5\"\nID=\"opensuse-leap\"\n"
	  "ID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"openSUSE Leap 15.5\"\n"
	  "ANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:opensuse:leap:15.5\"\n"
	  "BUG_REPORT_URL=\"https://bugs.opensuse.org\"\nHOME_URL=\"https://www.opensuse.org/\"\n"
	  "DOCUMENTATION_URL=\"https://en.opensuse.org/Portal:Leap\"\n"
	  "LOGO=\"distributor-logo-Leap\"\n",
	  ROOTIMAGE_FAMILY_SUSE, "opensuse-leap", "15.5", "openSUSE Leap 15.5" },
	{ "Arch",
	  "NAME=\"Arch Linux\"\nPRETTY_NAME=\"Arch Linux\"\nID=arch\nBUILD_ID=rolling\n"
	  "ANSI_COLOR=\"38;2;23;147;209\"\nHOME_URL=\"https://archlinux.org/\"\n"
	  "LOGO=archlinux-logo\n",
	  ROOTIMAGE_FAMILY_ARCH, "arch", "", "Arch Linux" },
	{ "Linux Mint: by ID_LIKE, word by word",
	  "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"21.2\"\n",
	  ROOTIMAGE_FAMILY_DEBIAN, "linuxmint", "21.2", "linuxmint 21.2" },
	{ "ID first, then ID_LIKE",
	  "ID=alpine\nID_LIKE=\"debian\"\n", ROOTIMAGE_FAMILY_ALPINE, "alpine", "", "alpine" },
	{ "unknown words before a known one",
	  "ID=myco\nID_LIKE='foo  bar rhel'\n", ROOTIMAGE_FAMILY_RHEL, "myco", "", "myco" },
	{ "opensuse prefix only as a prefix",
	  "ID=opensuse\n", ROOTIMAGE_FAMILY_SUSE, "opensuse", "", "opensuse" },
	{ "not a family word", "ID=archer\nID_LIKE=\"rhelx debian-ish\"\n",
	  ROOTIMAGE_FAMILY_UNKNOWN, "archer", "", "archer" },
	{ "quoting and escapes",
	  "# a comment\n   \n\tID='de\\bian'\nNOEQUALS\n=novalue\nPRETTY_NAME=\"a \\\"b\\\" \\\\ \\$x \\`y\\` \\n\"\r\n"
	  "VERSION_ID=1\\ 2  \n",
	  ROOTIMAGE_FAMILY_UNKNOWN, "de\\bian", "1 2", "a \"b\" \\ $x `y` \\n" },
	{ "later lines win, bad ones are skipped",
	  "ID=fedora\nID=\"debian\nVERSION_ID='9\nID=ubuntu\n", ROOTIMAGE_FAMILY_DEBIAN,
	  "ubuntu", "", "ubuntu" },
	{ "key with spaces is not the key", "ID =debian\n ID=alpine\nXID=arch\n",
	  ROOTIMAGE_FAMILY_ALPINE, "alpine", "", "alpine" },
	{ "last line without newline", "ID=debian\nVERSION_ID=12",
	  ROOTIMAGE_FAMILY_DEBIAN, "debian", "12", "debian 12" },
	{ "control bytes shown as ?", "ID=\"a\x01\x7f\"\n", ROOTIMAGE_FAMILY_UNKNOWN,
	  "a??", "", "a??" },
	{ "garbage", "\x7f" "ELF\x02\x01\x01\0\0\0 binary = junk\n\xff\xfe==\n",
	  ROOTIMAGE_FAMILY_UNKNOWN, "", "", "" },
	{ "empty", "", ROOTIMAGE_FAMILY_UNKNOWN, "", "", "" },
};

START_TEST(test_os_release)
{
	struct rootimage_os os;

	memset(&os, 'x', sizeof os);
	rootimage_os_release(osr[_i].text, strlen(osr[_i].text), &os);
	ck_assert_msg(os.family == osr[_i].fam, "%s: family %d", osr[_i].name, (int)os.family);
	ck_assert_str_eq(os.id, osr[_i].id);
	ck_assert_str_eq(os.version_id, osr[_i].version);
	ck_assert_str_eq(os.pretty, osr[_i].pretty);
}
END_TEST

/* A NUL inside is a byte like others; long values are cut, never in the
 * middle of a UTF-8 character. */
START_TEST(test_os_release_limits)
{
	static const char t[] = "ID=debian\0\nVERSION_ID=\"1\0002\"\nPRETTY_NAME=\""
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"01234567890123456789012\xc3\xa9xyz\"\n";
	static const char u[] = "PRETTY_NAME=\""
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"012345678901234567890123\xc3\xa9xyz\"\n";
	struct rootimage_os os;

	rootimage_os_release(t, sizeof t - 1, &os);
	ck_assert_str_eq(os.id, "debian?");
	ck_assert_int_eq(os.family, ROOTIMAGE_FAMILY_UNKNOWN);
	ck_assert_str_eq(os.version_id, "1?2");
	ck_assert_uint_eq(strlen(os.pretty), 95);   /* 93 bytes and the é */
	ck_assert_int_eq(memcmp(os.pretty + 93, "\xc3\xa9", 2), 0);
	rootimage_os_release(u, sizeof u - 1, &os);
	ck_assert_uint_eq(strlen(os.pretty), 94);   /* 95 would split the é */
	rootimage_os_release(t, 9, &os);
	ck_assert_str_eq(os.id, "debian");
	ck_assert_int_eq(os.family, ROOTIMAGE_FAMILY_DEBIAN);
	rootimage_os_release(t, 8, &os);
	ck_assert_str_eq(os.id, "debia");
	rootimage_os_release(NULL, 10, &os);
	ck_assert_str_eq(os.id, "");
	ck_assert_int_eq(os.family, ROOTIMAGE_FAMILY_UNKNOWN);
}
END_TEST

START_TEST(test_compiler_hint)
{
	ck_assert_str_eq(rootimage_compiler_hint(ROOTIMAGE_FAMILY_DEBIAN),
	                 "apt-get install gcc libc6-dev");
	ck_assert_str_eq(rootimage_compiler_hint(ROOTIMAGE_FAMILY_RHEL), "yum install gcc");
	ck_assert_str_eq(rootimage_compiler_hint(ROOTIMAGE_FAMILY_ALPINE), "apk add build-base");
	ck_assert_str_eq(rootimage_compiler_hint(ROOTIMAGE_FAMILY_SUSE), "zypper install gcc");
	ck_assert_str_eq(rootimage_compiler_hint(ROOTIMAGE_FAMILY_ARCH), "pacman -S gcc");
	ck_assert_str_eq(rootimage_compiler_hint(ROOTIMAGE_FAMILY_UNKNOWN),
	                 "a C compiler (gcc or cc) and the C library's headers");
	ck_assert_str_eq(rootimage_compiler_hint((enum rootimage_family)99),
	                 rootimage_compiler_hint(ROOTIMAGE_FAMILY_UNKNOWN));
}
END_TEST

/* Every candidate is relative, names a C library libcname knows, and
 * glibc's come before musl's. */
START_TEST(test_libc_paths)
{
	size_t n = 0, first_musl = 0;

	for (; rootimage_libc_paths[n]; n++) {
		const char *p = rootimage_libc_paths[n];
		char abs[128];
		snprintf(abs, sizeof abs, "/%s", p);
		ck_assert_msg(p[0] != '/' && !strstr(p, ".."), "%s", p);
		enum libc_family f = libcname_family(abs);
		ck_assert_msg(f != LIBC_OTHER, "%s is no C library", p);
		if (f == LIBC_MUSL && !first_musl)
			first_musl = n;
		if (first_musl)
			ck_assert_msg(f == LIBC_MUSL, "%s after musl's", p);
	}
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(rootimage_libc_paths[0], "lib/x86_64-linux-gnu/libc.so.6");
	ck_assert_str_eq(rootimage_libc_paths[2], "lib64/libc.so.6");
	ck_assert_str_eq(rootimage_libc_paths[6], "lib/ld-musl-x86_64.so.1");
	ck_assert_uint_eq(first_musl, 6);
}
END_TEST

Suite *rootimage_suite(void)
{
	Suite *s = suite_create("rootimage");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, test_docker_manifest, 0, NROWS(dmanifests));
	tcase_add_loop_test(tc, test_oci_index, 0, NROWS(indexes));
	tcase_add_loop_test(tc, test_oci_manifest, 0, NROWS(manifests));
	tcase_add_test(tc, test_blob_path);
	tcase_add_loop_test(tc, test_entry, 0, NROWS(entries));
	tcase_add_loop_test(tc, test_os_release, 0, NROWS(osr));
	tcase_add_test(tc, test_compiler_hint);
	tcase_add_test(tc, test_libc_paths);
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_oci_index_small);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_too_many_layers);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_entry_fit);
	tcase_add_test(tc, test_os_release_limits);
	suite_add_tcase(s, tc);
	return s;
}
