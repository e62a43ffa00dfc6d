/*
 * check_sha256.c - SHA-256 against the examples of FIPS 180-4 (NIST's
 * "Example Algorithms" and the long messages of FIPS 180-2, appendix B),
 * lengths around the padding's block boundary (digests from coreutils'
 * sha256sum), feeding in pieces, and manifest lines as sha256sum -c
 * reads them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "sha256.h"
#include "suites.h"
#include "testutil.h"

static const struct { const char *msg, *hex; } vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

START_TEST(fips_examples)
{
	char hex[SHA256_HEX];
	sha256_hex(vectors[_i].msg, strlen(vectors[_i].msg), hex);
	ck_assert_str_eq(hex, vectors[_i].hex);
}
END_TEST

/* Where the length no longer fits in the last block, and around it. */
static const struct { size_t n; const char *hex; } boundary[] = {
	{ 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072" },
	{ 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e" },
	{ 57, "ae14a2563ccf969d99aca69ce6bb74981f734bbf9f655f73b8f06db68cab5217" },
	{ 63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2" },
	{ 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c" },
	{ 65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9" },
	{ 119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c" },
	{ 120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98" },
};

START_TEST(block_boundaries)
{
	char msg[128], hex[SHA256_HEX];
	memset(msg, 'x', sizeof msg);
	sha256_hex(msg, boundary[_i].n, hex);
	ck_assert_str_eq(hex, boundary[_i].hex);
}
END_TEST

/* FIPS 180-2 B.3: a million 'a', fed in uneven pieces. */
START_TEST(million_a_in_pieces)
{
	static char a[1000];
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];
	size_t left = 1000000, k = 1;
	memset(a, 'a', sizeof a);
	sha256_init(&s);
	while (left) {
		size_t n = k < left ? k : left;
		sha256_update(&s, a, n);
		left -= n;
		k = k % 977 + 13;   /* 13 to 989 bytes: within a[] */
	}
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(byte_by_byte_equals_whole)
{
	const char *m = vectors[3].msg;
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];
	sha256_init(&s);
	for (size_t i = 0; m[i]; i++)
		sha256_update(&s, m + i, 1);
	sha256_update(&s, m, 0);
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	ck_assert_str_eq(hex, vectors[3].hex);
}
END_TEST

static char *manifest(const char *name)
{
	struct memout m;
	uint8_t d[SHA256_LEN];
	struct sha256 s;
	sha256_init(&s);
	sha256_final(&s, d);
	ck_assert_int_eq(sha256_manifest_line(memout_open(&m), d, name), 0);
	return memout_text(&m);
}

START_TEST(manifest_plain)
{
	char *s = manifest("001-exec/capture.pcap");
	ck_assert_str_eq(s, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	                    "  001-exec/capture.pcap\n");
	free(s);
}
END_TEST

/* sha256sum's own escape: a leading backslash, then \\ and \n. */
START_TEST(manifest_escaped)
{
	char *s = manifest("a\\b\nc");
	ck_assert_str_eq(s, "\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	                    "  a\\\\b\\nc\n");
	free(s);
}
END_TEST

Suite *sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, fips_examples, 0, NROWS(vectors));
	tcase_add_loop_test(tc, block_boundaries, 0, NROWS(boundary));
	tcase_add_test(tc, million_a_in_pieces);
	tcase_add_test(tc, byte_by_byte_equals_whole);
	suite_add_tcase(s, tc);
	tc = tcase_create("Manifest");
	tcase_add_test(tc, manifest_plain);
	tcase_add_test(tc, manifest_escaped);
	suite_add_tcase(s, tc);
	return s;
}
