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
	{ "matrix_id", KV_STR, RR(matrix_id), sizeof ((struct run_record *)0)->matrix_id, 0 },
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
	snprintf(rec.matrix_id, sizeof rec.matrix_id, "%s",
	         ri->matrix_id ? ri->matrix_id : "");
	runrec_write(f, &rec);
}

void runrec_matrix_init(struct sha256 *h)
{
	sha256_init(h);
}

void runrec_matrix_add(struct sha256 *h, const char *name)
{
	sha256_update(h, name, strlen(name));
	sha256_update(h, "\n", 1);
}

void runrec_matrix_id(struct sha256 *h, char id[static RUNREC_MATRIX_ID_LEN + 1])
{
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];
	sha256_final(h, d);
	sha256_to_hex(d, hex);
	memcpy(id, hex, RUNREC_MATRIX_ID_LEN);
	id[RUNREC_MATRIX_ID_LEN] = '\0';
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
	size_t idlen = strspn(rec->matrix_id, "0123456789abcdef");
	if (rec->matrix_id[0] && (idlen != RUNREC_MATRIX_ID_LEN ||
	                          rec->matrix_id[idlen] != '\0')) {
		snprintf(err, errsize, "matrix_id %s is not 16 hex digits",
		         rec->matrix_id);
		return -1;
	}
	return 0;
}
