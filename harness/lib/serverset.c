/*
 * serverset.c - the servers of a case; see serverset.h.
 *
 * A nameserver line is read as glibc 2.36's res_vinit_1() reads it
 * (resolv/res_init.c): the keyword at the very start of the line and a
 * blank (space or tab) after it, blanks, then the address up to the
 * next blank or the line's end; the rest of the line is ignored.  Where
 * glibc would silently drop a line that names a server (no address, a
 * Windows line end, a form inet_pton does not take), whichns says so
 * instead: the case could only start a server for what the libraries
 * use, and a silent difference would mislead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "resolvconf.h"
#include "scenario.h"
#include "serverset.h"
#include "wnconst.h"

#define SLOW_MAX_MS 60000u
#define WORD_SHOWN  48      /* bytes of an outside word an error repeats */

static void add_addr(struct ss_server *s, const char *text)
{
	if (s->naddrs >= SS_ADDRS_MAX || pkt_addr_parse(text, &s->a[s->naddrs]))
		return;
	snprintf(s->addr[s->naddrs], sizeof s->addr[0], "%s", text);
	s->naddrs++;
}

void serverset_default(struct serverset *set)
{
	memset(set, 0, sizeof *set);
	struct ss_server *o = &set->s[0], *n = &set->s[1];
	snprintf(o->label, sizeof o->label, "old");
	add_addr(o, WN_OLD4);
	add_addr(o, WN_OLD6);
	o->before = true;
	o->mark = SS_MARK_FIRST;
	snprintf(n->label, sizeof n->label, "new");
	add_addr(n, WN_NEW4);
	add_addr(n, WN_NEW6);
	n->after = true;
	n->mark = SS_MARK_FIRST + 1;
	set->n = 2;
}

int serverset_find(const struct serverset *set, const struct pkt_addr *a)
{
	for (size_t i = 0; i < set->n && i < SS_MAX; i++)
		for (size_t k = 0; k < set->s[i].naddrs && k < SS_ADDRS_MAX; k++)
			if (pkt_addr_eq(&set->s[i].a[k], a))
				return (int)i;
	return -1;
}

enum vd_server serverset_role(const struct serverset *set,
                              const struct pkt_addr *a)
{
	int i = serverset_find(set, a);
	return i < 0 ? VD_OTHER : serverset_server_role(&set->s[i]);
}

enum vd_server serverset_server_role(const struct ss_server *s)
{
	if (s->before && s->after)
		return VD_KEPT;
	return s->after ? VD_NEW : VD_OLD;
}

int serverset_mark_of(const struct serverset *set, unsigned mark)
{
	for (size_t i = 0; i < set->n && i < SS_MAX; i++)
		if (set->s[i].mark == mark)
			return (int)i;
	return -1;
}

int serverset_add(struct serverset *set, const char *addr, bool before,
                  bool after)
{
	struct pkt_addr a;
	if (pkt_addr_parse(addr, &a) != 0)
		return -1;
	int i = serverset_find(set, &a);
	if (i < 0) {
		if (set->n >= SS_MAX)
			return -1;
		struct ss_server *s = &set->s[set->n];
		memset(s, 0, sizeof *s);
		snprintf(s->label, sizeof s->label, "s%zu", set->n + 1);
		s->a[0] = a;
		pkt_addr_str(&a, s->addr[0], sizeof s->addr[0]);
		s->naddrs = 1;
		s->mark = SS_MARK_FIRST + (unsigned)set->n;
		i = (int)set->n++;
	}
	set->s[i].before |= before;
	set->s[i].after |= after;
	return 0;
}

/* An outside word for an error: at most WORD_SHOWN bytes, each one that
 * is not printable ASCII as '?'. */
static const char *shown(const char *p, size_t n, char out[WORD_SHOWN + 4])
{
	size_t k = n < WORD_SHOWN ? n : WORD_SHOWN;
	for (size_t i = 0; i < k; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	strcpy(out + k, n > k ? "..." : "");
	return out;
}

/* Why whichns cannot run a server at a, as "what; fix"; NULL: it can. */
static const char *unusable(const struct pkt_addr *a)
{
	static const char *const own[] = { WN_CLIENT4, WN_CLIENT6, WN_NSCD4,
	                                   WN_NSCD6 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[16];
	const uint8_t *b = a->a;
	struct pkt_addr o;

	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (pkt_addr_parse(own[i], &o) == 0 && pkt_addr_eq(&o, a))
			return "is an address the case itself uses (its client or "
			       "nscd); list another server address";
	if (a->family == 4) {
		if (b[0] == 127)
			goto loopback;
		if (b[0] == 0)
			return "is unspecified (0.0.0.0/8); list the server's own address";
		if (b[0] >= 224)
			return "is a multicast or reserved address; list a unicast "
			       "server address";
		return NULL;
	}
	if (memcmp(b, zero, 15) == 0 && b[15] == 1)
		goto loopback;
	if (memcmp(b, zero, 16) == 0)
		return "is unspecified (::); list the server's own address";
	if (b[0] == 0xff)
		return "is a multicast address; list a unicast server address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "is link-local, which needs an interface the case does not "
		       "have; list a global address (2001:db8::53)";
	if (memcmp(b, mapped, sizeof mapped) == 0)
		return "is an IPv4-mapped address; write the IPv4 address itself";
	return NULL;
loopback:
	return "is a loopback address (a local stub such as systemd-resolved), "
	       "and whichns cannot start a server on the case's loopback; list "
	       "the upstream servers instead (resolvectl status names them)";
}

/* One file's text, line by line, into set. */
struct reader {
	const char *name;      /* the file, for errors */
	bool after;            /* the new file */
	char *err;
	size_t errsize;
};

__attribute__((format(printf, 3, 4)))
static int fail(const struct reader *r, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(r->err, r->errsize, "%s:%u: %s", r->name, line, msg);
	else
		snprintf(r->err, r->errsize, "%s: %s", r->name, msg);
	return -1;
}

#define NS_KW     "nameserver"
#define NS_KW_LEN (sizeof NS_KW - 1)

bool serverset_ns_line(const char *p, size_t n, size_t *at, size_t *end)
{
	if (n <= NS_KW_LEN || memcmp(p, NS_KW, NS_KW_LEN) != 0 ||
	    (p[NS_KW_LEN] != ' ' && p[NS_KW_LEN] != '\t'))
		return false;
	size_t a = NS_KW_LEN;
	while (a < n && (p[a] == ' ' || p[a] == '\t'))
		a++;
	size_t e = a;
	while (e < n && p[e] != ' ' && p[e] != '\t')
		e++;
	*at = a;
	*end = e;
	return true;
}

/* The address of a nameserver line of n bytes (no '\n'): 0 and its
 * server added; 1: not a nameserver line; -1 with err set. */
static int read_line(struct serverset *set, const struct reader *r,
                     unsigned no, const char *p, size_t n)
{
	char word[WORD_SHOWN + 4], text[SS_ADDR_TEXT];
	struct pkt_addr a;
	const char *why;
	size_t at, end;

	if (!serverset_ns_line(p, n, &at, &end)) {
		/* glibc needs a blank after the keyword; "nameserver" alone
		 * (or before a '\r') names no server either way. */
		if (n >= NS_KW_LEN && memcmp(p, NS_KW, NS_KW_LEN) == 0 &&
		    (n == NS_KW_LEN || p[NS_KW_LEN] == '\r'))
			return fail(r, no, "nameserver line without an address; "
			            "write the server's address after it, or delete "
			            "the line");
		return 1;
	}
	if (end == at || (end - at == 1 && p[at] == '\r'))
		return fail(r, no, "nameserver line without an address; write the "
		            "server's address after it, or delete the line");
	/* A '\r' is shown as what it is, not as one more '?'. */
	shown(p + at, end - at - (p[end - 1] == '\r'), word);
	if (p[end - 1] == '\r')
		return fail(r, no, "nameserver %s ends in a carriage return (a "
		            "Windows line end), so glibc ignores the line; save the "
		            "file with Unix line ends (dos2unix)", word);
	if (memchr(p + at, '%', end - at))
		return fail(r, no, "nameserver %s has a scope (an interface the "
		            "case does not have); list a global address "
		            "(2001:db8::53)", word);
	if (end - at >= sizeof text)
		return fail(r, no, "nameserver '%s' is not an IPv4 or IPv6 "
		            "address; write one such as 192.0.2.53 or 2001:db8::53",
		            word);
	memcpy(text, p + at, end - at);
	text[end - at] = '\0';
	if (pkt_addr_parse(text, &a) != 0)
		return fail(r, no, "nameserver '%s' is not an IPv4 or IPv6 "
		            "address; write one such as 192.0.2.53 or 2001:db8::53 "
		            "(IPv4 as four decimal numbers)", word);
	if ((why = unusable(&a)) != NULL)
		return fail(r, no, "nameserver %s %s", word, why);
	if (serverset_find(set, &a) < 0 && set->n >= SS_MAX)
		return fail(r, no, "nameserver %s: more than %d servers; whichns "
		            "runs at most %d distinct addresses: list fewer", word,
		            SS_MAX, SS_MAX);
	serverset_add(set, text, !r->after, r->after);
	return 0;
}

static int read_text(struct serverset *set, const struct reader *r,
                     const char *text, size_t len)
{
	unsigned no = 0, found = 0;
	size_t off = 0;

	if (len > SS_CONF_MAX)
		return fail(r, 0, "%zu bytes, more than whichns takes (%d); remove "
		            "comments or lines the resolver does not need", len,
		            SS_CONF_MAX);
	while (off < len) {
		const char *p = text + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off;
		no++;
		off += n + (nl != NULL);
		if (memchr(p, '\0', n))
			return fail(r, no, "a NUL byte; resolv.conf is text: remove it "
			            "(tr -d '\\000')");
		int rc = read_line(set, r, no, p, n);
		if (rc < 0)
			return -1;
		found += rc == 0;
	}
	if (!found)
		return fail(r, 0, "no nameserver line; add one (nameserver "
		            "192.0.2.53)");
	return 0;
}

int serverset_from_texts(struct serverset *set,
                         const char *old_text, size_t old_len,
                         const char *name_old,
                         const char *new_text, size_t new_len,
                         const char *name_new, char *err, size_t errsize)
{
	struct serverset s;
	struct reader ro = { name_old, false, err, errsize },
	              rn = { name_new, true, err, errsize };

	memset(&s, 0, sizeof s);
	s.from_files = true;
	if (errsize)
		err[0] = '\0';
	if (read_text(&s, &ro, old_text ? old_text : "", old_text ? old_len : 0)
	    != 0 ||
	    read_text(&s, &rn, new_text ? new_text : "", new_text ? new_len : 0)
	    != 0)
		return -1;
	*set = s;
	return 0;
}

static int find_word(const struct serverset *set, const char *w)
{
	struct pkt_addr a;
	if (pkt_addr_parse(w, &a) == 0)
		return serverset_find(set, &a);
	for (size_t i = 0; i < set->n && i < SS_MAX; i++)
		if (strcmp(set->s[i].label, w) == 0)
			return (int)i;
	return -1;
}

/* The set's addresses, for an error: "198.51.100.10 (old), ...". */
static void list_servers(const struct serverset *set, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < set->n && i < SS_MAX && n < size; i++) {
		int k = snprintf(buf + n, size - n, "%s%s (%s)", i ? ", " : "",
		                 set->s[i].addr[0], set->s[i].label);
		if (k < 0)
			return;
		n += (size_t)k;
	}
}

static int parse_state(const char *v, enum ss_state *st, unsigned *ms)
{
	static const struct { const char *name; enum ss_state st; } names[] = {
		{ "up", SS_UP }, { "down", SS_DOWN }, { "refused", SS_REFUSED },
		{ "servfail", SS_SERVFAIL },
	};
	*ms = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(v, names[i].name) == 0) {
			*st = names[i].st;
			return 0;
		}
	if (strncmp(v, "slow:", 5) != 0)
		return -1;
	*st = SS_SLOW;
	if (scn_parse_duration(v + 5, ms) != 0 || *ms == 0 || *ms > SLOW_MAX_MS)
		return -2;
	return 0;
}

int serverset_set_state(struct serverset *set, const char *word,
                        char *err, size_t errsize)
{
	char addr[SS_ADDR_TEXT + 16], list[SS_MAX * (SS_ADDR_TEXT + 24)];
	char w[WORD_SHOWN + 4], a[WORD_SHOWN + 4];
	const char *eq = strchr(word, '=');
	enum ss_state st;
	unsigned ms;
	int i, rc;

	shown(word, strlen(word), w);   /* outside bytes: one line, cut */
	if (!eq || eq == word || (size_t)(eq - word) >= sizeof addr) {
		snprintf(err, errsize, "server state '%s' is not ADDR=STATE; write "
		         "it as 198.51.100.10=down", w);
		return -1;
	}
	memcpy(addr, word, (size_t)(eq - word));
	addr[eq - word] = '\0';
	if ((i = find_word(set, addr)) < 0) {
		list_servers(set, list, sizeof list);
		snprintf(err, errsize, "server state '%s': %s is not a server of "
		         "this case; name one of %s", w,
		         shown(addr, strlen(addr), a), list);
		return -1;
	}
	if ((rc = parse_state(eq + 1, &st, &ms)) != 0) {
		snprintf(err, errsize, rc == -2 ?
		         "server state '%s': bad delay; give slow:DUR with DUR "
		         "from 1ms to 60s, such as slow:500ms" :
		         "server state '%s': unknown state; use up, down, refused, "
		         "servfail or slow:DUR (slow:500ms)", w);
		return -1;
	}
	set->s[i].state = st;
	set->s[i].slow_ms = ms;
	return 0;
}

const char *serverset_state_name(const struct ss_server *s, char *buf,
                                 size_t size)
{
	static const char *const names[] = { "up", "down", "refused",
	                                     "servfail", "slow" };
	unsigned st = (unsigned)s->state;
	if (size == 0)
		return buf;
	if (st >= sizeof names / sizeof names[0])
		snprintf(buf, size, "?");
	else if (s->state != SS_SLOW)
		snprintf(buf, size, "%s", names[st]);
	else if (s->slow_ms % 1000 == 0)
		snprintf(buf, size, "slow:%us", s->slow_ms / 1000);
	else
		snprintf(buf, size, "slow:%ums", s->slow_ms);
	return buf;
}

/* "options WORDS\n" of the options axis value, "" for "default". */
static int options_line(const char *options, char *buf, size_t size)
{
	if (resolvconf_options_valid(options) != 0)
		return -1;
	if (strcmp(options, "default") == 0) {
		buf[0] = '\0';
		return 0;
	}
	int n = snprintf(buf, size, "options %s\n", options);
	if (n < 0 || (size_t)n >= size)
		return -1;
	for (char *p = buf; *p; p++)
		if (*p == '+')
			*p = ' ';
	return n;
}

int serverset_render(const struct serverset *set, bool after,
                     const char *old_text, const char *new_text,
                     const char *options, char *buf, size_t size)
{
	char opts[RESOLVCONF_OPTIONS_MAX + 16];
	const char *text = after ? new_text : old_text;

	if (!set->from_files)
		return resolvconf_render(buf, size, after ? "new" : "old",
		                         after ? WN_NEW4 : WN_OLD4, options);
	if (!text || options_line(options, opts, sizeof opts) < 0)
		return -1;
	size_t len = strlen(text);
	bool nl = len && text[len - 1] != '\n' && opts[0];
	int n = snprintf(buf, size, "%s%s%s", text, nl ? "\n" : "", opts);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
