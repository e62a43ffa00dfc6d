/*
 * fuzz_procs.c - /proc text as harness/proctree.c hands it over: a line
 * of /proc/net/udp (procs_net_line), /proc/PID/status
 * (procs_status_field) and /proc/net/sockstat (procs_sockstat).
 *
 * libfuzzer: -max_len=4096
 *
 * Input: the first byte picks the status key (NSpid:, PPid:, Pid:), the
 * rest is the text, given whole to procs_status_field and as one
 * NUL-terminated line to procs_net_line.
 *
 * Beyond not crashing, procs.h promises:
 * - procs_net_line answers 0 or -1; with 0 the line holds the two ports
 *   as four hex digits after a ':' and the inode as decimal digits;
 * - procs_status_field answers 0 or -1; with 0 the key is at a line's
 *   start and the value is at most 9 digits (so never negative);
 * - procs_sockstat answers 0 or -1; with 0 the text holds " tw " and the
 *   value, and the value is at most 9 digits.
 */
#include "fuzz.h"
#include "procs.h"

static void check_net(const char *line)
{
	unsigned long inode = 0;
	uint16_t l = 0, r = 0;
	char hex[8], dec[32];
	int rc = procs_net_line(line, &inode, &l, &r);
	FUZZ_CHECK(rc == 0 || rc == -1, "net_line returned %d", rc);
	if (rc != 0)
		return;
	snprintf(hex, sizeof hex, ":%04X ", (unsigned)l);
	FUZZ_CHECK(strcasestr(line, hex) != NULL, "local port %u not in the line", l);
	snprintf(hex, sizeof hex, ":%04X ", (unsigned)r);
	FUZZ_CHECK(strcasestr(line, hex) != NULL, "remote port %u not in the line", r);
	snprintf(dec, sizeof dec, "%lu", inode);   /* leading zeros allowed */
	FUZZ_CHECK(strstr(line, dec) != NULL, "inode %lu not in the line", inode);
}

static void check_status(const char *text, size_t len, const char *key)
{
	int v = -1;
	int rc = procs_status_field(text, len, key, &v);
	FUZZ_CHECK(rc == 0 || rc == -1, "status_field returned %d", rc);
	if (rc != 0)
		return;
	FUZZ_CHECK(v >= 0 && v <= 999999999, "value %d", v);
	size_t klen = strlen(key);
	int at_start = len >= klen && memcmp(text, key, klen) == 0;
	for (size_t i = 1; !at_start && len - i >= klen && i < len; i++)
		at_start = text[i - 1] == '\n' && memcmp(text + i, key, klen) == 0;
	FUZZ_CHECK(at_start, "key %s found where no line starts with it", key);
}

static void check_sockstat(const char *text, size_t len)
{
	unsigned v = 0;
	char dec[16];
	int rc = procs_sockstat(text, len, "TCP:", "tw", &v);
	FUZZ_CHECK(rc == 0 || rc == -1, "sockstat returned %d", rc);
	if (rc != 0)
		return;
	FUZZ_CHECK(v <= 999999999u, "value %u", v);
	FUZZ_CHECK(memmem(text, len, " tw ", 4) != NULL, "no \" tw \" in the text");
	snprintf(dec, sizeof dec, "%u", v);   /* leading zeros allowed */
	FUZZ_CHECK(memmem(text, len, dec, strlen(dec)) != NULL, "value %u not in "
	           "the text", v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *keys[] = { "NSpid:", "PPid:", "Pid:" };
	if (size < 1)
		return 0;
	const char *key = keys[data[0] % 3];
	data++;
	size--;
	/* The text alone in a block of its size: a read past is caught. */
	char *text = malloc(size ? size : 1);
	if (!text)
		abort();
	if (size)
		memcpy(text, data, size);
	check_status(text, size, key);
	check_sockstat(text, size);
	free(text);
	char *line = fuzz_text(data, size);
	check_net(line);
	free(line);
	return 0;
}
