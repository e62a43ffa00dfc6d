/* runrec.c - run.txt, a run's record; see runrec.h. */
#include <stddef.h>
#include <string.h>
#include "kvrec.h"
#include "runrec.h"
#include "version.h"

#define RR(f) offsetof(struct run_record, f)

static const struct kv_field fields[] = {
	{ "run", KV_STR, RR(run), sizeof ((struct run_record *)0)->run, 0 },
	{ "host", KV_STR, RR(host), sizeof ((struct run_record *)0)->host, 0 },
	{ "version", KV_STR, RR(version), sizeof ((struct run_record *)0)->version, 0 },
	{ "complete", KV_BOOL, RR(complete), 0, 0 },
	{ "planned", KV_ULL, RR(planned), 0, 0 },
	{ "cases", KV_ULL, RR(cases), 0, 0 },
	{ "shard_k", KV_UINT, RR(shard_k), 0, 0 },
	{ "shard_n", KV_UINT, RR(shard_n), 0, 0 },
	{ "matrix", KV_ULL, RR(matrix), 0, 0 },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

int runrec_write(FILE *f, const struct run_record *rec)
{
	return kv_write(f, fields, NFIELDS, rec, 0);
}

void runrec_report(FILE *f, const struct run_info *ri,
                   const struct case_result *r, size_t n)
{
	struct run_record rec = { .complete = !ri->interrupted,
	                          .planned = ri->planned, .cases = n,
	                          .shard_k = ri->shard_n ? ri->shard_k : 1,
	                          .shard_n = ri->shard_n ? ri->shard_n : 1,
	                          .matrix = ri->matrix ? ri->matrix : ri->planned };
	(void)r;
	snprintf(rec.run, sizeof rec.run, "%s", ri->run);
	snprintf(rec.host, sizeof rec.host, "%s", ri->host ? ri->host : "");
	snprintf(rec.version, sizeof rec.version, "%s", whichns_version);
	runrec_write(f, &rec);
}

int runrec_parse(const char *text, size_t len, struct run_record *rec,
                 char *err, size_t errsize)
{
	/* A record without "complete" says nothing complete. */
	memset(rec, 0, sizeof *rec);
	if (kv_parse(text, len, fields, NFIELDS, rec, err, errsize) != 0)
		return -1;
	if (!rec->run[0]) {
		snprintf(err, errsize, "no 'run' line");
		return -1;
	}
	if ((rec->shard_n || rec->shard_k) &&
	    (rec->shard_k < 1 || rec->shard_k > rec->shard_n)) {
		snprintf(err, errsize, "shard %u/%u is not one", rec->shard_k,
		         rec->shard_n);
		return -1;
	}
	return 0;
}
