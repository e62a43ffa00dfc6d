/*
 * watchout.h - what whichns watch writes: the live line per stale query,
 * the table and the advice at the end, JSON Lines, events.tsv, report.md
 * and timeline.svg (doc/watch.md, "Output").
 *
 * Owns: every byte of those formats.  Never: opens files (it writes to
 * the caller's streams), decides a class or a verdict (watchmodel.h).
 * Every string from outside (comm, exe, cgroup, query names) is escaped
 * for the format it goes into (escape.h): a comm may hold any byte.
 */
#ifndef WHICHNS_WATCHOUT_H
#define WHICHNS_WATCHOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "watchmodel.h"

/* What the whole watch was, for the summaries. */
struct wo_meta {
	uint64_t t0_ns, t1_ns;   /* attached, detached (wall clock) */
	const char *filter;      /* "all processes", "pid 1234", "comm getip",
	                          * "cgroup /system.slice/x.service" */
	const char *version;     /* whichns's version */
	const char *host;        /* the host's name (uname) */
	const char *pcapng;      /* the -w path, NULL none */
	uint64_t lost;           /* records the kernel could not hand over
	                          * (ring buffer full): counts may be low */
	uint64_t not_dns;        /* records that did not decode as a query */
	uint64_t dropped_rows;   /* queries of processes past WM_ROWS_MAX */
	bool     interrupted;    /* ended by a signal before --for ran out */
};

/* Times as the outputs show them: "14:02:11.123" (UTC), and ISO 8601
 * "2026-11-27T14:02:11.123456789Z" in JSON and TSV. */
void wo_clock(uint64_t t_ns, char *buf, size_t size);
void wo_iso(uint64_t t_ns, char *buf, size_t size);

/* The live line of one query judged stale, to a terminal:
 * "14:02:11.123 STALE pid 1234 getip -> 198.51.100.10 A mail.hat.com
 *  (its resolv.conf lists 198.51.100.53)" - one line, newline-ended,
 * control bytes of comm and name shown as \xHH. */
void wo_live_line(FILE *f, const struct wm_query *q, const struct wm_row *r,
                  const struct wm_conf *conf);

/* The table at the end, one line per row, in order of the rows: pid,
 * comm, queries, stale, servers used ("198.51.100.10(12) ..."), first
 * and last stale time, verdict ("STALE since 14:02:11").  Then, when
 * anything is lost (lost, dropped_rows), a line saying so. */
void wo_table(FILE *f, const struct wm_table *t, const struct wo_meta *m);
/* The plain sentence: which processes to restart or reload (by comm and
 * pid), or that none queried a server its resolv.conf does not list;
 * which only ask a local stub (and that its own row is the answer). */
void wo_advice(FILE *f, const struct wm_table *t);

/* --json: one object per line.  An event:
 * {"type":"query","time":ISO,"pid":..,"tid":..,"comm":..,"exe":..,
 *  "mntns":..,"cgroup":..,"proto":"udp","src":..,"sport":..,"server":..,
 *  "port":53,"id":..,"qtype":"A","qname":..,"messages":N,"class":"stale",
 *  "listed":[..]}  (kind connect: "type":"connect", no DNS fields)
 * and at the end one {"type":"summary",...} with the meta and, per row,
 * the table's columns and the verdict. */
void wo_json_event(FILE *f, const struct wm_query *q, const struct wm_row *r,
                   enum wm_class c, const struct wm_conf *conf);
void wo_json_summary(FILE *f, const struct wm_table *t, const struct wo_meta *m);

/* events.tsv: a header line, then one line per event with the JSON
 * event's fields in that order (tabs and newlines in a field escaped as
 * evtsv.h does). */
void wo_tsv_header(FILE *f);
void wo_tsv_event(FILE *f, const struct wm_query *q, const struct wm_row *r,
                  enum wm_class c, const struct wm_conf *conf);

/* report.md and timeline.svg of the evidence folder; ctx is a struct
 * wo_doc.  Both return 0, or -1 when the stream reports an error
 * (runfolder_write's callback contract). */
struct wo_doc {
	const struct wm_table *t;
	const struct wo_meta  *m;
};
int wo_report_md(FILE *f, const void *ctx);
/* A self-contained SVG, TL_WIDTH wide: a lane per row (at most
 * WO_LANES_MAX; the rest named in a last line), time on x from t0 to t1,
 * per column a mark for listed, stale, local and unjudged queries in
 * four colours, a legend, each lane labelled "comm (pid) VERDICT". */
#define WO_LANES_MAX 40
int wo_timeline_svg(FILE *f, const void *ctx);

#endif
