/* stubspec.c - the systemd-resolved stub of a case, as words; see stubspec.h. */
#include <stdio.h>
#include <string.h>
#include "stubspec.h"

static const struct {
	const char *suite;
	enum stub_how how;    /* its default */
} suites[] = {
	{ "trixie", STUB_RELOAD },
	{ "bookworm", STUB_RESTART },
};

const char *stubspec_how_name(enum stub_how how)
{
	return how == STUB_RELOAD ? "reload" : "restart";
}

static int bad(char *err, size_t errsize, const char *text, const char *what)
{
	snprintf(err, errsize, "stub '%s': %s; write resolved, resolved:trixie, "
	         "resolved:trixie/reload or resolved:bookworm/restart", text, what);
	return -1;
}

int stubspec_parse(const char *text, struct stubspec *sp, char *err,
                   size_t errsize)
{
	static const char word[] = "resolved";
	const size_t wl = sizeof word - 1;
	memset(sp, 0, sizeof *sp);
	if (strncmp(text, word, wl) != 0 || (text[wl] && text[wl] != ':' &&
	                                     text[wl] != '/'))
		return bad(err, errsize, text, "the only stub is resolved");
	const char *p = text + wl, *suite = "trixie", *how = NULL;
	size_t slen = strlen(suite);
	if (*p == ':') {
		suite = ++p;
		slen = strcspn(p, "/");
		p += slen;
	}
	if (*p == '/')
		how = p + 1;
	size_t i;
	for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (strlen(suites[i].suite) == slen &&
		    strncmp(suites[i].suite, suite, slen) == 0)
			break;
	if (i == sizeof suites / sizeof suites[0])
		return bad(err, errsize, text, "unknown suite (trixie or bookworm)");
	snprintf(sp->suite, sizeof sp->suite, "%s", suites[i].suite);
	sp->how = suites[i].how;
	if (how && strcmp(how, "reload") == 0)
		sp->how = STUB_RELOAD;
	else if (how && strcmp(how, "restart") == 0)
		sp->how = STUB_RESTART;
	else if (how)
		return bad(err, errsize, text, "unknown switch (reload or restart)");
	return 0;
}

int stubspec_tree_name(const struct stubspec *sp, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s-resolved", sp->suite);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

unsigned stubspec_systemd_version(const char *stamp, size_t len)
{
	static const char key[] = "systemd-resolved=";
	const size_t kl = sizeof key - 1;
	for (size_t off = 0; len - off >= kl; off++) {
		if (memcmp(stamp + off, key, kl) != 0 ||
		    (off > 0 && stamp[off - 1] != ' ' && stamp[off - 1] != '='))
			continue;
		unsigned v = 0;
		size_t i = off + kl;
		while (i < len && stamp[i] >= '0' && stamp[i] <= '9' && v < 100000)
			v = v * 10 + (unsigned)(stamp[i++] - '0');
		return v;
	}
	return 0;
}

const char *stubspec_check(const struct stubspec *sp, unsigned version)
{
	if (version == 0)
		return "the tree's stamp names no systemd-resolved version; "
		       "rebuild it with scripts/mkrootfs.sh";
	if (sp->how == STUB_RELOAD && version < STUB_RELOAD_SINCE)
		return "this systemd-resolved cannot reload (SIGHUP came in "
		       "systemd 256; 252 dies of it): use /restart";
	return NULL;
}

int stubspec_conf(char *buf, size_t size, const char *addr)
{
	int n = snprintf(buf, size,
	                 "# whichns: the case's systemd-resolved\n"
	                 "[Resolve]\n"
	                 "DNS=%s\n"
	                 "FallbackDNS=\n"
	                 "LLMNR=no\n"
	                 "MulticastDNS=no\n"
	                 "DNSSEC=no\n"
	                 "DNSOverTLS=no\n", addr);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
