/* testutil.c - helpers shared by the unit suites; see testutil.h. */
#include <stdlib.h>
#include "testutil.h"

const char *text_diff(const char *got, const char *want, char *buf, size_t size)
{
	const char *g = got, *w = want, *gl = got, *wl = want;
	unsigned line = 1;
	if (strcmp(got, want) == 0)
		return NULL;
	for (; *g && *g == *w; g++, w++)
		if (*g == '\n') {
			line++;
			gl = g + 1;
			wl = w + 1;
		}
	size_t gn = strcspn(gl, "\n"), wn = strcspn(wl, "\n");
	snprintf(buf, size, "line %u differs (column %td)\n  want: %.*s%s\n"
	         "  got:  %.*s%s", line, g - gl + 1, (int)(wn < 400 ? wn : 400), wl,
	         *wl ? "" : "(end of text)", (int)(gn < 400 ? gn : 400), gl,
	         *gl ? "" : "(end of text)");
	return buf;
}

size_t count_str(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

FILE *memout_open(struct memout *m)
{
	m->buf = NULL;
	m->size = 0;
	m->f = open_memstream(&m->buf, &m->size);
	ck_assert_ptr_nonnull(m->f);
	return m->f;
}

char *memout_text(struct memout *m)
{
	ck_assert_int_eq(fclose(m->f), 0);
	m->f = NULL;
	return m->buf;
}

void put8(struct wire *w, unsigned v)
{
	ck_assert_uint_lt(w->n, sizeof w->b);
	w->b[w->n++] = (uint8_t)v;
}

void put16(struct wire *w, unsigned v)
{
	put8(w, v >> 8 & 0xff);
	put8(w, v & 0xff);
}

void put32(struct wire *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v & 0xffff);
}

void put_bytes(struct wire *w, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(w, ((const uint8_t *)p)[i]);
}

uint8_t *wire_exact(const struct wire *w, size_t len)
{
	uint8_t *exact = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(exact);
	memcpy(exact, w->b, len);
	return exact;
}

struct wn_event mkevent(bool qr, const char *src, unsigned sport,
                        const char *dst, unsigned dport)
{
	struct wn_event e;
	memset(&e, 0, sizeof e);
	e.t = 1795663950.327489;
	ck_assert_int_eq(pkt_addr_parse(src, &e.src), 0);
	ck_assert_int_eq(pkt_addr_parse(dst, &e.dst), 0);
	e.sport = (uint16_t)sport;
	e.dport = (uint16_t)dport;
	e.proto = 17;
	e.id = 57133;
	e.qr = qr;
	snprintf(e.qname, sizeof e.qname, "hat.com");
	e.qtype = DNS_T_A;
	e.server = qr ? VD_OLD : VD_NEW;
	return e;
}
