/*
 * check_timeline.c - timeline.svg: well-formed, the title escaped, the
 * switch and lanes present, one mark per message when few, a bounded
 * number of marks when millions, and no message lost when bins widen;
 * nscd's queries in rows of their own, drawn outlined, and the paths'
 * verdicts under the title.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "testutil.h"
#include "timeline.h"
#include "wnconst.h"

#define T0 1795663444.0

static char *render(const struct timeline *tl, const char *title)
{
	struct memout m;
	ck_assert_int_eq(timeline_write(memout_open(&m), tl, title), 0);
	return memout_text(&m);
}

static struct timeline *tl_new(double t_switch)
{
	struct timeline *tl = malloc(sizeof *tl);
	ck_assert_ptr_nonnull(tl);
	timeline_init(tl, t_switch);
	return tl;
}

/*
 * Well-formed enough for a browser: every element closed in order, every
 * attribute value quoted, '&' only in the five entities, no '<' in text,
 * one root <svg>, no script and nothing fetched from outside.
 */
static const char *xml_check(const char *s)
{
	char stack[64][32];
	int depth = 0, roots = 0;
	const char *p = s;

	if (strncmp(p, "<?xml ", 6) == 0) {
		p = strstr(p, "?>");
		if (!p)
			return "unterminated XML declaration";
		p += 2;
	}
	while (*p) {
		if (*p == '&') {
			static const char *const ent[] = { "&lt;", "&gt;", "&amp;", "&quot;", "&apos;" };
			size_t i;
			for (i = 0; i < 5 && strncmp(p, ent[i], strlen(ent[i])) != 0; i++)
				;
			if (i == 5)
				return "bare &";
			p++;
			continue;
		}
		if (*p != '<') {
			if (*p == '>')
				return "bare > in text";
			p++;
			continue;
		}
		bool closing = p[1] == '/';
		const char *name = p + 1 + closing, *q = name;
		while (*q && *q != ' ' && *q != '>' && *q != '/' && *q != '\n')
			q++;
		size_t nlen = (size_t)(q - name);
		if (nlen == 0 || nlen >= 32)
			return "bad element name";
		/* attributes: name="value" pairs */
		bool self = false;
		for (;;) {
			while (*q == ' ' || *q == '\n')
				q++;
			if (*q == '>')
				break;
			if (q[0] == '/' && q[1] == '>') {
				self = true;
				q++;
				break;
			}
			if (closing)
				return "attributes on a closing tag";
			while (*q && *q != '=' && *q != '>' && *q != ' ')
				q++;
			if (q[0] != '=' || q[1] != '"')
				return "unquoted attribute";
			q = strchr(q + 2, '"');
			if (!q)
				return "unterminated attribute";
			q++;
		}
		if (!*q)
			return "unterminated tag";
		if (closing) {
			if (depth == 0 || strlen(stack[depth - 1]) != nlen ||
			    strncmp(stack[depth - 1], name, nlen) != 0)
				return "closing tag does not match";
			depth--;
		} else if (!self) {
			if (depth == 0 && roots++)
				return "more than one root";
			if (depth == 64)
				return "too deep";
			memcpy(stack[depth], name, nlen);
			stack[depth++][nlen] = '\0';
		}
		p = q + 1;
	}
	if (depth)
		return "unclosed element";
	if (!roots || !strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""))
		return "no svg root";
	if (strstr(s, "<script") || strstr(s, "href") || strstr(s, "@import") ||
	    strstr(s, "url("))
		return "script or external reference";
	return NULL;
}

#define ASSERT_XML(s) do { const char *why_ = xml_check(s); \
	ck_assert_msg(!why_, "SVG not well-formed: %s", why_); } while (0)

/* ---- Core ---- */

START_TEST(small_timeline)
{
	struct timeline *tl = tl_new(T0 + 1);
	for (int i = 0; i < 3; i++) {
		timeline_add(tl, T0 + i * 0.3, VD_OLD, false, DNS_T_A);
		timeline_add(tl, T0 + i * 0.3 + 0.001, VD_OLD, true, DNS_T_A);
	}
	for (int i = 0; i < 2; i++)
		timeline_add(tl, T0 + 1.2 + i * 0.3, VD_NEW, false, DNS_T_A);
	timeline_add(tl, T0 + 1.5, VD_OTHER, false, DNS_T_A);
	char *s = render(tl, "getip/inplace/default: FOLLOWED");
	ASSERT_XML(s);
	ck_assert(strstr(s, "<title>getip/inplace/default: FOLLOWED</title>"));
	ck_assert_uint_eq(count_str(s, "class=\"switch\""), 1);
	ck_assert_uint_eq(count_str(s, ">resolv.conf switched</text>"), 1);
	ck_assert(strstr(s, ">old server</text>"));
	ck_assert(strstr(s, ">new server</text>"));
	ck_assert(strstr(s, ">other</text>"));
	ck_assert(strstr(s, "seconds since the resolv.conf switch"));
	/* Few messages far apart: one mark each, with a tooltip. */
	ck_assert_uint_eq(count_str(s, "class=\"m query old\""), 3);
	ck_assert_uint_eq(count_str(s, "class=\"m response old\""), 3);
	ck_assert_uint_eq(count_str(s, "class=\"m query new\""), 2);
	ck_assert_uint_eq(count_str(s, "class=\"m response new\""), 0);
	ck_assert_uint_eq(count_str(s, "class=\"m query other\""), 1);
	ck_assert(strstr(s, "<title>1 query counted, old server, "));
	ck_assert(strstr(s, ">3 counted</text>"));
	ck_assert(strstr(s, ">3 responses</text>"));
	ck_assert(strstr(s, ">0 not counted</text>"));
	/* No window end, no fresh process: neither marked nor shaded. */
	ck_assert(!strstr(s, "window-end"));
	ck_assert(!strstr(s, "fresh"));
	ck_assert(!strstr(s, "after-window"));
	ck_assert(strstr(s, "width=\"900\""));
	free(s);
	free(tl);
}
END_TEST

START_TEST(no_switch_no_line)
{
	struct timeline *tl = tl_new(-1);
	timeline_add(tl, T0, VD_OLD, false, DNS_T_A);
	timeline_add(tl, T0 + 2, VD_OLD, false, DNS_T_A);
	char *s = render(tl, "x");
	ASSERT_XML(s);
	ck_assert(!strstr(s, "resolv.conf switched"));
	ck_assert(strstr(s, "seconds since the first DNS message"));
	ck_assert(strstr(s, ">0.0</text>"));   /* x = 0 is the first message */
	free(s);
	free(tl);
}
END_TEST

START_TEST(empty_timeline)
{
	struct timeline *tl = tl_new(-1);
	char *s = render(tl, "");
	ASSERT_XML(s);
	ck_assert(strstr(s, "no DNS messages"));
	ck_assert_uint_eq(count_str(s, "class=\"m "), 0);
	free(s);
	timeline_init(tl, T0);   /* a switch and nothing else */
	s = render(tl, "");
	ASSERT_XML(s);
	ck_assert(strstr(s, "resolv.conf switched"));
	free(s);
	free(tl);
}
END_TEST

START_TEST(from_events)
{
	struct wn_event ev[4];
	memset(ev, 0, sizeof ev);
	for (int i = 0; i < 4; i++) {
		ev[i].t = T0 + i;
		ev[i].qr = i % 2;
		ev[i].server = i < 2 ? VD_OLD : VD_NEW;
	}
	struct memout m;
	struct tl_scope sc = { .t_switch = T0 + 1.5, .t_end = -1, .t_fresh = -1 };
	ck_assert_int_eq(timeline_svg(memout_open(&m), ev, 4, &sc, "t"), 0);
	char *buf = memout_text(&m);
	ASSERT_XML(buf);
	ck_assert_uint_eq(count_str(buf, "class=\"m query old\""), 1);
	ck_assert_uint_eq(count_str(buf, "class=\"m response old\""), 1);
	ck_assert_uint_eq(count_str(buf, "class=\"m query new\""), 1);
	ck_assert_uint_eq(count_str(buf, "class=\"m response new\""), 1);
	free(buf);
}
END_TEST


/* The window rule of observe_window_queries(), row by row. */
START_TEST(rows_follow_the_window)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 6, .t_fresh = T0 + 6.01,
	                       .only_qtype = DNS_T_MX };
	static const struct {
		double dt;
		enum vd_server to;
		bool qr;
		uint16_t type;
		enum tl_row row;
	} cases[] = {
		{ -1,   VD_OLD,   false, DNS_T_MX,   TL_OLD_Q },    /* before: counted */
		{ 1,    VD_OLD,   false, DNS_T_MX,   TL_OLD_Q },
		{ 1,    VD_NEW,   false, DNS_T_AAAA, TL_NEW_X },    /* not --only's type */
		{ 1,    VD_NEW,   true,  DNS_T_AAAA, TL_NEW_RX },
		{ 1,    VD_NEW,   true,  DNS_T_MX,   TL_NEW_R },
		{ 6,    VD_NEW,   false, DNS_T_MX,   TL_NEW_Q },    /* at the end: counted */
		{ 6.005, VD_NEW,  false, DNS_T_MX,   TL_NEW_X },    /* after it: not */
		{ 6.005, VD_OTHER, false, DNS_T_MX,  TL_OTHER_X },
		{ 1,    VD_OTHER, false, DNS_T_MX,   TL_OTHER_Q },
		{ 6.01, VD_NEW,   false, DNS_T_MX,   TL_FRESH_NEW }, /* the fresh process */
		{ 7,    VD_OLD,   false, DNS_T_MX,   TL_FRESH_OLD },
		{ 7,    VD_NEW,   false, DNS_T_A,    TL_FRESH_X },
		{ 7,    VD_OTHER, false, DNS_T_MX,   TL_FRESH_X },
		{ 7,    VD_NEW,   true,  DNS_T_MX,   TL_FRESH_R },
	};
	for (int i = 0; i < NROWS(cases); i++)
		ck_assert_msg(timeline_row(&sc, T0 + cases[i].dt, cases[i].to, cases[i].qr,
		                           cases[i].type) == cases[i].row, "case %d", i);
	/* No scope: every query counts, whenever and whatever its type. */
	struct tl_scope none = { .t_switch = T0, .t_end = -1, .t_fresh = -1 };
	ck_assert_int_eq(timeline_row(&none, T0 + 1e6, VD_NEW, false, DNS_T_PTR), TL_NEW_Q);
}
END_TEST

/* The sendmail case in small: --only MX, the trigger's and the fresh
 * process's other lookups reach the new server; the verdict is STALE.
 * The picture must not show a counted query to the new server. */
START_TEST(only_greys_the_rest)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 6, .t_fresh = T0 + 6.01,
	                       .only_qtype = DNS_T_MX };
	struct timeline *tl = tl_new(-1);
	timeline_init_scope(tl, &sc);
	for (int i = 0; i < 9; i++)    /* MX to the old server, before and after */
		timeline_add(tl, T0 - 2 + i * 0.6, VD_OLD, false, DNS_T_MX);
	for (int i = 0; i < 8; i++)    /* AAAA and A to the new one after */
		timeline_add(tl, T0 + 0.5 + i * 0.6, VD_NEW, false,
		             i % 2 ? DNS_T_A : DNS_T_AAAA);
	timeline_add(tl, T0 + 6.2, VD_NEW, false, DNS_T_MX);   /* fresh: MX new */
	timeline_add(tl, T0 + 6.1, VD_NEW, false, DNS_T_A);    /* fresh: A new */
	char *s = render(tl, "sendmail/inplace/default: STALE\n7 lookups after "
	                     "the switch, all to the old server");
	ASSERT_XML(s);
	ck_assert_uint_eq(count_str(s, "class=\"m query new\""), 0);
	ck_assert_uint_eq(count_str(s, "class=\"m uncounted new\""), 8);
	ck_assert_uint_eq(count_str(s, "class=\"m query old\""), 9);
	ck_assert_uint_eq(count_str(s, "class=\"m query fresh-new\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m uncounted fresh\""), 1);
	ck_assert(strstr(s, ">0 counted</text>"));      /* the new server's */
	ck_assert(strstr(s, ">8 not counted</text>"));
	ck_assert(strstr(s, ">1 to new</text>"));
	ck_assert(strstr(s, ">fresh process</text>"));
	ck_assert_uint_eq(count_str(s, "<line class=\"window-end\""), 1);
	ck_assert_uint_eq(count_str(s, "<line class=\"fresh-start\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"after-window\""), 1);
	/* The verdict in <title> and drawn, one line each. */
	ck_assert(strstr(s, "<title>sendmail/inplace/default: STALE \xe2\x80\x94 7 lookups"));
	ck_assert(strstr(s, "<text class=\"title\" x=\"10\" y=\"22\" font-size=\"15\" "
	                    "font-weight=\"bold\">sendmail/inplace/default: STALE</text>"));
	ck_assert(strstr(s, ">7 lookups after the switch, all to the old server</text>"));
	free(s);
	free(tl);
}
END_TEST

/* x of the first <line class="CLS" in s. */
static double line_x(const char *s, const char *cls)
{
	char key[64];
	snprintf(key, sizeof key, "<line class=\"%s\" x1=\"", cls);
	const char *p = strstr(s, key);
	ck_assert_msg(p != NULL, "no %s line", cls);
	return strtod(p + strlen(key), NULL);
}

/* The last packet came a second after the switch; the window ran six:
 * the axis goes on to the window's end. */
START_TEST(axis_reaches_window_end)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 6, .t_fresh = -1 };
	struct timeline *tl = tl_new(-1);
	timeline_init_scope(tl, &sc);
	timeline_add(tl, T0 - 2, VD_OLD, false, DNS_T_A);
	timeline_add(tl, T0 + 1, VD_NEW, false, DNS_T_A);
	char *s = render(tl, "nscd: FOLLOWED");
	ASSERT_XML(s);
	ck_assert(strstr(s, ">6</text>"));               /* a tick at 6 s */
	double end = line_x(s, "window-end"), sw = line_x(s, "switch");
	ck_assert(end > sw);
	ck_assert(end <= 170 + TL_COLUMNS);             /* inside the plot */
	ck_assert(end > 170 + TL_COLUMNS * 0.9);        /* ... near its right edge */
	ck_assert(!strstr(s, "fresh-start"));
	free(s);
	/* Without a window end the axis stops near the last packet. */
	timeline_init(tl, T0);
	timeline_add(tl, T0 - 2, VD_OLD, false, DNS_T_A);
	timeline_add(tl, T0 + 1, VD_NEW, false, DNS_T_A);
	s = render(tl, "x");
	ck_assert(!strstr(s, ">6</text>"));
	free(s);
	free(tl);
}
END_TEST

/* At most five title lines; a sixth is left out, not drawn over the lanes. */
START_TEST(title_lines_bounded)
{
	struct timeline *tl = tl_new(T0);
	char *s = render(tl, "a\nb\nc\nd\ne\nf");
	ASSERT_XML(s);
	ck_assert_uint_eq(count_str(s, "<text class=\"title\""), 5);
	ck_assert(!strstr(s, ">f</text>"));
	free(s);
	free(tl);
}
END_TEST

/* ---- Escaping ---- */

START_TEST(title_escaped)
{
	struct timeline *tl = tl_new(T0);
	timeline_add(tl, T0 - 1, VD_OLD, false, DNS_T_A);
	char *s = render(tl, "<script>alert(1)</script> & \"q\" 'a' \x01\x1f");
	ASSERT_XML(s);
	ck_assert(!strstr(s, "<script"));
	ck_assert(strstr(s, "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
	                    "&quot;q&quot; &apos;a&apos; </title>"));
	ck_assert(!strchr(s, '\x01'));
	free(s);
	free(tl);
}
END_TEST

/* ---- Limits ---- */

/* A million messages in a pattern that defeats joining runs: the SVG
 * keeps to TL_MARKS_MAX marks and stays small. */
START_TEST(mark_cap)
{
	struct timeline *tl = tl_new(T0 + 500);
	struct tl_scope sc = { .t_switch = T0 + 500, .t_end = T0 + 700,
	                       .t_fresh = T0 + 800, .only_qtype = DNS_T_MX };
	timeline_init_scope(tl, &sc);   /* every row in use */
	uint32_t r = 12345;
	for (int i = 0; i < 1000000; i++) {
		r = r * 1103515245u + 12345u;
		timeline_add(tl, T0 + (r >> 8) % 1000000 / 1000.0,
		             (enum vd_server)(i % 3), (r >> 4) & 1,
		             (r >> 5) & 1 ? DNS_T_MX : DNS_T_A);
	}
	char *s = render(tl, "big");
	ASSERT_XML(s);
	size_t marks = count_str(s, "class=\"m ");
	ck_assert_uint_gt(marks, 0);
	ck_assert_uint_le(marks, TL_MARKS_MAX);
	ck_assert_uint_lt(strlen(s), 600 * 1024);
	ck_assert(strstr(s, "times binned"));
	uint64_t total = 0;
	for (int row = 0; row < TL_ROWS; row++)
		total += tl->total[row];
	ck_assert_uint_eq(total, 1000000);
	for (int row = 0; row < TL_ROWS; row++)
		ck_assert_msg(tl->total[row] > 0, "row %d empty", row);
	free(s);
	free(tl);
}
END_TEST

static uint64_t bin_sum(const struct timeline *tl, enum tl_row row)
{
	uint64_t n = 0;
	for (size_t i = 0; i < TL_BINS; i++)
		n += tl->bins[row][i];
	return n;
}

/* Bins widen to the right and to the left without losing a message. */
START_TEST(binning_keeps_every_message)
{
	struct timeline *tl = tl_new(-1);
	int n = TL_EXACT_MAX + 5000;
	for (int i = 0; i < n; i++)   /* backwards in time */
		timeline_add(tl, T0 + 100 - i * 0.01, VD_NEW, i % 2, DNS_T_A);
	timeline_add(tl, T0 - 1e6, VD_OLD, false, DNS_T_A);    /* far left */
	timeline_add(tl, T0 + 1e7, VD_OTHER, true, DNS_T_A);   /* far right */
	ck_assert(tl->binned);
	ck_assert_uint_eq(tl->nexact, 0);
	ck_assert_uint_eq(bin_sum(tl, TL_NEW_Q) + bin_sum(tl, TL_NEW_R), (uint64_t)n);
	ck_assert_uint_eq(bin_sum(tl, TL_OLD_Q), 1);
	ck_assert_uint_eq(bin_sum(tl, TL_OTHER_R), 1);
	ck_assert(tl->origin <= T0 - 1e6);
	ck_assert(tl->origin + TL_BINS * tl->width > T0 + 1e7);
	char *s = render(tl, "wide");
	ASSERT_XML(s);
	ck_assert_uint_eq(count_str(s, "class=\"m query old\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m response other\""), 1);
	free(s);
	free(tl);
}
END_TEST

START_TEST(same_instant)
{
	struct timeline *tl = tl_new(T0);
	for (int i = 0; i < TL_EXACT_MAX + 10; i++)
		timeline_add(tl, T0, VD_OLD, false, DNS_T_A);
	char *s = render(tl, "one instant");
	ASSERT_XML(s);
	ck_assert_uint_eq(count_str(s, "class=\"m query old\""), 1);
	free(s);
	free(tl);
}
END_TEST

/* ---- Senders: the process's queries and nscd's, apart ---- */

/* A message between a client address and a server (qr: a response, to
 * the client). */
static struct wn_event msg(double t, const char *client, enum vd_server to,
                           bool qr, uint16_t qtype)
{
	struct wn_event e;
	memset(&e, 0, sizeof e);
	e.t = t;
	e.qr = qr;
	e.qtype = qtype;
	e.server = to;
	struct pkt_addr *c = qr ? &e.dst : &e.src, *srv = qr ? &e.src : &e.dst;
	ck_assert_int_eq(pkt_addr_parse(client, c), 0);
	ck_assert_int_eq(pkt_addr_parse(to == VD_OLD ? WN_OLD4 : to == VD_NEW ?
	                                 WN_NEW4 : "192.0.2.53", srv), 0);
	return e;
}

static struct path_senders nscd_senders(bool triggers, double t_fresh)
{
	struct path_senders ps = { .nnscd = 2, .triggers = triggers,
	                           .t_fresh = t_fresh };
	ck_assert_int_eq(pkt_addr_parse(WN_NSCD4, &ps.nscd[0]), 0);
	ck_assert_int_eq(pkt_addr_parse(WN_NSCD6, &ps.nscd[1]), 0);
	return ps;
}

static char *render_events(const struct wn_event *ev, size_t n,
                           const struct tl_scope *sc, const struct tl_paths *tp,
                           const char *title)
{
	struct memout m;
	ck_assert_int_eq(timeline_svg_paths(memout_open(&m), ev, n, sc, tp, title), 0);
	return memout_text(&m);
}

/* The element that starts with head: from it to its end ("</rect>" or
 * "/>"), copied; NULL when there is none. */
static char *element(const char *s, const char *head)
{
	const char *p = strstr(s, head);
	if (!p)
		return NULL;
	const char *e = strstr(p, ">");
	ck_assert_ptr_nonnull(e);
	return strndup(p, (size_t)(e - p + 1));
}

/* The sendmail case in small: the process asks MX (counted, --only MX)
 * and stays on the old server; nscd asks A for it, old before the switch,
 * new after.  nscd's queries are in rows of their own, outlined. */
START_TEST(nscd_drawn_apart)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 6, .t_fresh = -1,
	                       .only_qtype = DNS_T_MX };
	struct wn_event ev[] = {
		msg(T0 - 1, WN_CLIENT4, VD_OLD, false, DNS_T_MX),
		msg(T0 - 0.9, WN_CLIENT4, VD_OLD, true, DNS_T_MX),
		msg(T0 - 1, WN_NSCD4, VD_OLD, false, DNS_T_A),
		msg(T0 + 1, WN_CLIENT4, VD_OLD, false, DNS_T_MX),
		msg(T0 + 2, WN_NSCD4, VD_NEW, false, DNS_T_A),
		msg(T0 + 2.1, WN_NSCD6, VD_NEW, false, DNS_T_AAAA),
		msg(T0 + 2.2, WN_NSCD4, VD_NEW, true, DNS_T_A),
	};
	struct tl_paths tp = { .senders = nscd_senders(false, 0) };
	char *s = render_events(ev, NROWS(ev), &sc, &tp, "sendmail: STALE");
	ASSERT_XML(s);
	/* The process's MX: counted, solid; nscd's A and AAAA: not counted
	 * (not MX), outlined, in its rows; none of them a counted new query. */
	ck_assert_uint_eq(count_str(s, "class=\"m query old\""), 2);
	ck_assert_uint_eq(count_str(s, "class=\"m uncounted old nscd\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m uncounted new nscd\""), 2);
	ck_assert_uint_eq(count_str(s, "class=\"m uncounted new\""), 0);
	ck_assert_uint_eq(count_str(s, "class=\"m query new"), 0);
	/* three outlined marks, and the legend's */
	ck_assert_uint_eq(count_str(s, "fill-opacity=\"0.3\""), 4);
	char *mark = element(s, "<rect class=\"m uncounted old nscd\"");
	ck_assert_ptr_nonnull(mark);
	ck_assert_msg(strstr(mark, "stroke=\"#bdbdbd\"") && strstr(mark, "fill-opacity=\"0.3\"")
	              && strstr(mark, "width=\"5.0\""), "not outlined: %s", mark);
	free(mark);
	mark = element(s, "<rect class=\"m query old\"");
	ck_assert_msg(!strstr(mark, "stroke="), "the process's mark is outlined: %s", mark);
	free(mark);
	ck_assert(strstr(s, "<title>1 query not counted, sent by nscd, new server, "));
	/* Responses: both senders' in one row, never outlined. */
	ck_assert_uint_eq(count_str(s, "class=\"m response new uncounted\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m response new uncounted nscd\""), 0);
	/* Each lane with messages names its senders' rows, in order. */
	ck_assert_uint_eq(count_str(s, "class=\"sender own\""), 2);
	ck_assert_uint_eq(count_str(s, "class=\"sender nscd\""), 2);
	ck_assert_uint_eq(count_str(s, ">via nscd</text>"), 2);
	ck_assert(strstr(s, ">process</text>") < strstr(s, ">via nscd</text>"));
	ck_assert(strstr(s, ">2 not counted</text>"));   /* nscd's, new */
	ck_assert(strstr(s, ">no messages</text>"));     /* the other lane */
	/* The legend says which is which. */
	ck_assert(strstr(s, "class=\"legend-senders\""));
	ck_assert(strstr(s, ">sent by the process itself</text>"));
	ck_assert(strstr(s, "sent by nscd on its behalf"));
	free(s);
}
END_TEST

/* A case without nscd's messages is drawn as it always was, senders told
 * or not; a case with triggers names them once nscd splits the rows. */
START_TEST(no_nscd_plain)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 6, .t_fresh = -1 };
	struct wn_event ev[] = {
		msg(T0 - 1, WN_CLIENT4, VD_OLD, false, DNS_T_A),
		msg(T0 + 1, WN_CLIENT4, VD_NEW, false, DNS_T_A),
		msg(T0 + 1.1, WN_CLIENT4, VD_NEW, true, DNS_T_A),
	};
	struct tl_paths tp = { .senders = nscd_senders(true, 0) };
	char *plain = render_events(ev, NROWS(ev), &sc, NULL, "x");
	char *told = render_events(ev, NROWS(ev), &sc, &tp, "x");
	ck_assert_str_eq(told, plain);
	ck_assert(!strstr(plain, "nscd"));
	ck_assert(!strstr(plain, "sender"));
	free(told);
	free(plain);
	ev[0] = msg(T0 - 1, WN_NSCD6, VD_OLD, false, DNS_T_A);
	char *s = render_events(ev, NROWS(ev), &sc, &tp, "x");
	ASSERT_XML(s);
	ck_assert(strstr(s, ">+ triggers</text>"));
	ck_assert(strstr(s, ">sent by the process or its triggers itself</text>"));
	free(s);
}
END_TEST

/* nscd alone on the wire (getip through nscd): only its rows, and the
 * legend says the process sent none. */
START_TEST(nscd_only)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 1, .t_fresh = -1 };
	struct wn_event ev[] = {
		msg(T0 - 1, WN_NSCD4, VD_OLD, false, DNS_T_A),
		msg(T0 + 0.01, WN_NSCD4, VD_NEW, false, DNS_T_A),
	};
	struct tl_paths tp = { .senders = nscd_senders(false, 0) };
	char *s = render_events(ev, NROWS(ev), &sc, &tp, "getip: FOLLOWED");
	ASSERT_XML(s);
	ck_assert_uint_eq(count_str(s, "class=\"m query new nscd\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m query old nscd\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"sender own\""), 0);
	ck_assert_uint_eq(count_str(s, "class=\"sender nscd\""), 2);
	ck_assert(strstr(s, ">sent by the process itself (none here)</text>"));
	free(s);
}
END_TEST

/* From the fresh process's start, nscd's queries are the fresh
 * process's, through nscd: the fresh lane's nscd rows. */
START_TEST(fresh_nscd)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 6, .t_fresh = T0 + 6.5 };
	struct wn_event ev[] = {
		msg(T0 + 1, WN_NSCD4, VD_NEW, false, DNS_T_A),
		msg(T0 + 7, WN_NSCD4, VD_NEW, false, DNS_T_A),
		msg(T0 + 7.1, WN_CLIENT4, VD_NEW, false, DNS_T_A),
		msg(T0 + 7.2, WN_CLIENT4, VD_OLD, false, DNS_T_A),
	};
	struct tl_paths tp = { .senders = nscd_senders(false, T0 + 6.5) };
	char *s = render_events(ev, NROWS(ev), &sc, &tp, "x");
	ASSERT_XML(s);
	ck_assert_uint_eq(count_str(s, "class=\"m query new nscd\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m query fresh-new nscd\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m query fresh-new\""), 1);
	ck_assert_uint_eq(count_str(s, "class=\"m query fresh-old\""), 1);
	ck_assert(strstr(s, ">itself</text>"));
	free(s);
}
END_TEST

/* Beyond TL_EXACT_MAX messages, the bins keep each sender's apart. */
START_TEST(nscd_binned)
{
	struct timeline *tl = tl_new(T0);
	struct path_senders ps = nscd_senders(false, 0);
	timeline_set_senders(tl, &ps);
	for (int i = 0; i < TL_EXACT_MAX + 100; i++) {
		struct wn_event e = msg(T0 + i * 0.001, i % 3 ? WN_CLIENT4 : WN_NSCD4,
		                        VD_OLD, false, DNS_T_A);
		timeline_add_event(tl, &e);
	}
	ck_assert(tl->binned);
	uint64_t own = 0, nscd = 0;
	for (size_t i = 0; i < TL_BINS; i++) {
		own += tl->bins[TL_OLD_Q][i];
		nscd += tl->bins[TL_ROWS + TL_OLD_Q][i];
	}
	ck_assert_uint_eq(nscd, (TL_EXACT_MAX + 100 + 2) / 3);
	ck_assert_uint_eq(own + nscd, TL_EXACT_MAX + 100);
	ck_assert_uint_eq(tl->total_nscd[TL_OLD_Q], nscd);
	ck_assert_uint_eq(tl->total[TL_OLD_Q], own + nscd);
	char *s = render(tl, "many");
	ASSERT_XML(s);
	ck_assert(count_str(s, "class=\"m query old nscd\"") > 0);
	ck_assert(count_str(s, "class=\"m query old\"") > 0);
	free(s);
	free(tl);
}
END_TEST

/* ---- Paths: their verdicts under the title ---- */

static struct vd_path path(enum path_sender who, const char *types,
                           enum verdict v)
{
	struct vd_path p;
	memset(&p, 0, sizeof p);
	p.sender = who;
	snprintf(p.types, sizeof p.types, "%s", types);
	p.v = v;
	p.first_new_ms = -1;
	return p;
}

/* The y of the first element that starts with head. */
static int y_of(const char *s, const char *head)
{
	const char *p = strstr(s, head);
	ck_assert_msg(p != NULL, "no %s", head);
	p = strstr(p, " y=\"");
	ck_assert_ptr_nonnull(p);
	return atoi(p + 4);
}

START_TEST(paths_line)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = T0 + 6, .t_fresh = -1 };
	struct wn_event ev[] = { msg(T0 + 1, WN_CLIENT4, VD_OLD, false, DNS_T_MX) };
	struct vd_path p[] = { path(PS_PROCESS, "MX", V_STALE),
	                       path(PS_NSCD, "A/AAAA", V_FOLLOWED) };
	struct tl_paths tp = { .senders = nscd_senders(false, 0), .paths = p,
	                       .npaths = 2 };
	char *s = render_events(ev, 1, &sc, &tp, "sendmail: STALE\nwhy");
	ASSERT_XML(s);
	ck_assert(strstr(s, "<title>sendmail: STALE \xe2\x80\x94 why \xe2\x80\x94 By path: "
	                 "MX (process): STALE; A/AAAA (via nscd): FOLLOWED</title>"));
	ck_assert_uint_eq(count_str(s, "<text class=\"paths\""), 1);
	ck_assert(strstr(s, ">By path: MX (process): <tspan font-weight=\"bold\">STALE"
	                 "</tspan>; A/AAAA (via nscd): <tspan font-weight=\"bold\">"
	                 "FOLLOWED</tspan></text>"));
	/* Under the title's lines, above the marker labels and the lanes. */
	ck_assert_int_gt(y_of(s, "<text class=\"paths\""), y_of(s, "<text class=\"title\" x=\"10\" y=\"40\""));
	ck_assert_int_gt(y_of(s, "<text class=\"label\""), y_of(s, "<text class=\"paths\"") + 10);
	free(s);
	/* One path: the headline says it; no line. */
	tp.npaths = 1;
	s = render_events(ev, 1, &sc, &tp, "sendmail: STALE");
	ck_assert(!strstr(s, "By path"));
	ck_assert(!strstr(s, "class=\"paths\""));
	free(s);
}
END_TEST

/* Ten long paths and more: wrapped at "; ", at most PATHS_LINES lines
 * that fit the picture, the rest cut with an ellipsis; <title> has all. */
START_TEST(paths_wrapped)
{
	struct tl_scope sc = { .t_switch = T0, .t_end = -1, .t_fresh = -1 };
	struct vd_path p[PATHS_MAX];
	for (int i = 0; i < PATHS_MAX; i++)
		p[i] = path(PS_FRESH_NSCD, i % 2 ? "TYPE65535" : "A/AAAA", V_INCONCLUSIVE);
	struct tl_paths tp = { .paths = p, .npaths = PATHS_MAX, .more = 3 };
	char *s = render_events(NULL, 0, &sc, &tp, "x");
	ASSERT_XML(s);
	size_t lines = count_str(s, "<text class=\"paths\"");
	ck_assert_uint_eq(lines, 4);
	ck_assert(strstr(s, "; 3 more paths</title>"));
	ck_assert(strstr(s, "\xe2\x80\xa6</text>"));   /* cut: an ellipsis */
	/* Each drawn line at most 118 characters of text, tags aside. */
	for (const char *q = strstr(s, "<text class=\"paths\""); q;
	     q = strstr(q + 1, "<text class=\"paths\"")) {
		size_t text = 0;
		bool tag = false;
		for (const char *c = strchr(q, '>') + 1; strncmp(c, "</text>", 7); c++) {
			if (*c == '<' || *c == '>')
				tag = *c == '<';
			else if (!tag && ((unsigned char)*c & 0xc0) != 0x80)
				text++;
		}
		ck_assert_uint_le(text, 120);
		ck_assert_uint_gt(text, 60);
	}
	free(s);
}
END_TEST

/* ---- Malformed ---- */

START_TEST(stream_error_reported)
{
	char buf[16];
	FILE *f = fmemopen(buf, sizeof buf, "r");   /* writes fail */
	ck_assert_ptr_nonnull(f);
	struct timeline *tl = tl_new(T0);
	timeline_add(tl, T0, VD_NEW, false, DNS_T_A);
	ck_assert_int_eq(timeline_write(f, tl, "x"), -1);
	fclose(f);
	free(tl);
}
END_TEST

START_TEST(not_finite_ignored)
{
	struct timeline *tl = tl_new(T0);
	timeline_add(tl, __builtin_nan(""), VD_OLD, false, DNS_T_A);
	timeline_add(tl, __builtin_inf(), VD_OLD, false, DNS_T_A);
	ck_assert_uint_eq(tl->total[TL_OLD_Q], 0);
	char *s = render(tl, "x");
	ASSERT_XML(s);
	free(s);
	free(tl);
}
END_TEST

Suite *timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, small_timeline);
	tcase_add_test(tc, no_switch_no_line);
	tcase_add_test(tc, empty_timeline);
	tcase_add_test(tc, from_events);
	tcase_add_test(tc, rows_follow_the_window);
	tcase_add_test(tc, only_greys_the_rest);
	tcase_add_test(tc, axis_reaches_window_end);
	tcase_add_test(tc, title_lines_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("Senders");
	tcase_add_test(tc, nscd_drawn_apart);
	tcase_add_test(tc, no_nscd_plain);
	tcase_add_test(tc, nscd_only);
	tcase_add_test(tc, fresh_nscd);
	tcase_add_test(tc, nscd_binned);
	tcase_add_test(tc, paths_line);
	tcase_add_test(tc, paths_wrapped);
	suite_add_tcase(s, tc);
	tc = tcase_create("Escaping");
	tcase_add_test(tc, title_escaped);
	suite_add_tcase(s, tc);
	tc = tcase_create("Limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mark_cap);
	tcase_add_test(tc, binning_keeps_every_message);
	tcase_add_test(tc, same_instant);
	suite_add_tcase(s, tc);
	tc = tcase_create("Malformed");
	tcase_add_test(tc, stream_error_reported);
	tcase_add_test(tc, not_finite_ignored);
	suite_add_tcase(s, tc);
	return s;
}
