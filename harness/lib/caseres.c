/*
 * caseres.c - a case record as "key<TAB>value" lines, and back.
 *
 * One table lists every field once (kvrec.c walks it both ways), and
 * marks the fields a capture alone gives, which decode's summary shares.
 */
#include <stddef.h>
#include <string.h>
#include "caseres.h"
#include "kvrec.h"

/* The fields a capture alone gives: what decode's summary shares. */
#define WIRE 1u
/* The servers' lines (caseres_write_servers). */
#define SRV  2u

#define CR(f)         offsetof(struct case_result, f)
#define STR(k, f)     { k, KV_STR, CR(f), sizeof(((struct case_result *)0)->f), 0 }
#define NUM(k, t, f)  { k, t, CR(f), 0, 0 }
#define WSTR(k, f)    { k, KV_STR, CR(f), sizeof(((struct case_result *)0)->f), WIRE }
#define WNUM(k, t, f) { k, t, CR(f), 0, WIRE }
#define SNUM(k, t, f) { k, t, CR(f), 0, SRV }

static const struct kv_field fields[] = {
	STR("case", name), STR("group", group), STR("probe", probe),
	STR("update", update), STR("options", options), STR("cache", cache),
	STR("libc_axis", libc_axis), STR("libc", libc),
	STR("libc_from", libc_from), STR("libc_tree", libc_tree),
	STR("command", command),
	STR("program", program), STR("interpreter", interpreter),
	STR("env_policy", env_policy), STR("env_removed", env_removed),
	STR("env_set", env_set), NUM("env_dropped", KV_UINT, env_dropped),
	STR("dir", dir), STR("pcap", pcap), STR("error", error), STR("why", why),
	STR("skip", skip), STR("only", only),
	NUM("fresh_ran", KV_BOOL, fresh_ran),
	NUM("fresh_time", KV_DBL, fresh_time),
	NUM("fresh_queries_old", KV_UINT, fresh_queries_old),
	NUM("fresh_queries_new", KV_UINT, fresh_queries_new),
	WNUM("verdict", KV_VERDICT, vd.v),
	WNUM("late_by", KV_UINT, vd.late_by),
	WNUM("queries_old_before", KV_UINT, vd.queries_old_before),
	WNUM("queries_new_before", KV_UINT, vd.queries_new_before),
	WNUM("queries_other_before", KV_UINT, vd.queries_other_before),
	WNUM("queries_old_after", KV_UINT, vd.queries_old_after),
	WNUM("queries_new_after", KV_UINT, vd.queries_new_after),
	WNUM("queries_other_after", KV_UINT, vd.queries_other_after),
	WNUM("lookups_old_after", KV_UINT, vd.lookups_old_after),
	WNUM("lookups_new_after", KV_UINT, vd.lookups_new_after),
	WNUM("queries_kept_before", KV_UINT, vd.queries_kept_before),
	WNUM("queries_kept_after", KV_UINT, vd.queries_kept_after),
	WNUM("lookups_kept_after", KV_UINT, vd.lookups_kept_after),
	WNUM("first_new_ms", KV_DBL, vd.first_new_ms),
	NUM("answers_old_before", KV_UINT, vd.answers_old_before),
	NUM("answers_new_before", KV_UINT, vd.answers_new_before),
	NUM("answers_old_after", KV_UINT, vd.answers_old_after),
	NUM("answers_new_after", KV_UINT, vd.answers_new_after),
	NUM("answers_unstamped", KV_UINT, vd.answers_unstamped),
	WSTR("reason", vd.reason), STR("app_note", vd.app_note),
	NUM("paths", KV_UINT, npaths), NUM("paths_more", KV_UINT, paths_more),
	NUM("path1", KV_PATH, paths[0]), NUM("path2", KV_PATH, paths[1]),
	NUM("path3", KV_PATH, paths[2]), NUM("path4", KV_PATH, paths[3]),
	NUM("path5", KV_PATH, paths[4]), NUM("path6", KV_PATH, paths[5]),
	NUM("path7", KV_PATH, paths[6]), NUM("path8", KV_PATH, paths[7]),
	NUM("path9", KV_PATH, paths[8]), NUM("path10", KV_PATH, paths[9]),
	NUM("expected", KV_VERDICT, expected), STR("expected_why", expected_why),
	NUM("switched", KV_BOOL, switched), NUM("switch_time", KV_DBL, switch_time),
	NUM("switch_end", KV_DBL, switch_end),
	NUM("window_end", KV_DBL, window_end),
	NUM("switch_forced", KV_BOOL, switch_forced),
	NUM("switch_quiet_ms", KV_UINT, switch_quiet_ms),
	NUM("t_start", KV_DBL, t_start), NUM("t_end", KV_DBL, t_end),
	NUM("observe_s", KV_DBL, observe_s), NUM("dropped", KV_ULL, dropped),
	NUM("packets", KV_UINT, packets), NUM("malformed", KV_UINT, malformed),
	NUM("exit_code", KV_INT, exit_code),
	NUM("exit_signal", KV_INT, exit_signal),
	NUM("out_cut", KV_BOOL, out_cut),
	NUM("start_failed", KV_BOOL, start_failed),
	NUM("complete", KV_BOOL, complete),
	SNUM("servers", KV_UINT, nservers),
	SNUM("server1", KV_SERVER, servers[0]), SNUM("server2", KV_SERVER, servers[1]),
	SNUM("server3", KV_SERVER, servers[2]), SNUM("server4", KV_SERVER, servers[3]),
	SNUM("server5", KV_SERVER, servers[4]), SNUM("server6", KV_SERVER, servers[5]),
	SNUM("server7", KV_SERVER, servers[6]), SNUM("server8", KV_SERVER, servers[7]),
	NUM("impact_read", KV_BOOL, impact_read),
	NUM("impact_measured", KV_BOOL, impact.measured),
	NUM("impact_lookups_before", KV_UINT, impact.before.lookups),
	NUM("impact_failed_before", KV_UINT, impact.before.failed),
	NUM("impact_timed_before", KV_UINT, impact.before.timed),
	NUM("impact_median_before_ms", KV_DBL, impact.before.median_ms),
	NUM("impact_p95_before_ms", KV_DBL, impact.before.p95_ms),
	NUM("impact_max_before_ms", KV_DBL, impact.before.max_ms),
	NUM("impact_lookups_after", KV_UINT, impact.after.lookups),
	NUM("impact_failed_after", KV_UINT, impact.after.failed),
	NUM("impact_timed_after", KV_UINT, impact.after.timed),
	NUM("impact_median_after_ms", KV_DBL, impact.after.median_ms),
	NUM("impact_p95_after_ms", KV_DBL, impact.after.p95_ms),
	NUM("impact_max_after_ms", KV_DBL, impact.after.max_ms),
	NUM("impact_slow_after", KV_UINT, impact.slow_after),
	NUM("impact_slow_bound_ms", KV_DBL, impact.slow_bound_ms),
	NUM("impact_recovery", KV_RECOVERY, impact.recovery),
	NUM("impact_recovered_ms", KV_DBL, impact.recovered_ms),
	NUM("impact_good_run", KV_UINT, impact.good_run),
	NUM("impact_bad_lines", KV_UINT, impact.bad_lines),
};
#define NFIELDS (sizeof fields / sizeof fields[0])
_Static_assert(PATHS_MAX == 10, "a pathN line for each of paths[]");
_Static_assert(SS_MAX == 8, "a serverN line for each of servers[]");

const char *caseres_bare_name(const char *name)
{
	const char *colon = strchr(name, ':'), *slash = strchr(name, '/');
	return colon && (!slash || colon < slash) ? colon + 1 : name;
}

void caseres_init(struct case_result *r)
{
	memset(r, 0, sizeof *r);
	r->vd.v = V_NONE;
	r->vd.first_new_ms = -1;
	r->expected = V_NONE;
	r->exit_code = -1;
	impact_init(&r->impact);
}

bool caseres_matches(const struct case_result *r)
{
	return r->skip[0] || r->expected == V_NONE || r->expected == r->vd.v;
}

int caseres_write(FILE *f, const struct case_result *r)
{
	return kv_write(f, fields, NFIELDS, r, 0);
}

int caseres_write_wire(FILE *f, const struct vd_result *vd)
{
	struct case_result r;
	caseres_init(&r);
	r.vd = *vd;
	return kv_write(f, fields, NFIELDS, &r, WIRE);
}

int caseres_write_servers(FILE *f, const struct sc_server *s, size_t n)
{
	static struct case_result r;   /* large; decode writes one summary */
	caseres_init(&r);
	r.nservers = (unsigned)(n < SS_MAX ? n : SS_MAX);
	memcpy(r.servers, s, r.nservers * sizeof *s);
	return kv_write(f, fields, NFIELDS, &r, SRV);
}

int caseres_parse(const char *text, size_t len, struct case_result *r,
                  char *err, size_t errsize)
{
	caseres_init(r);
	if (kv_parse(text, len, fields, NFIELDS, r, err, errsize) != 0)
		return -1;
	if (!r->name[0]) {
		snprintf(err, errsize, "no 'case' line");
		return -1;
	}
	if (r->npaths > PATHS_MAX) {
		snprintf(err, errsize, "paths %u: at most %d", r->npaths, PATHS_MAX);
		return -1;
	}
	for (unsigned i = 0; i < PATHS_MAX; i++)
		if ((i < r->npaths) != (r->paths[i].types[0] != '\0')) {
			snprintf(err, errsize, "paths %u, but path%u is %s", r->npaths,
			         i + 1, i < r->npaths ? "missing" : "there");
			return -1;
		}
	if (r->nservers > SS_MAX) {
		snprintf(err, errsize, "servers %u: at most %d", r->nservers, SS_MAX);
		return -1;
	}
	for (unsigned i = 0; i < SS_MAX; i++)
		if ((i < r->nservers) != (r->servers[i].addr[0] != '\0')) {
			snprintf(err, errsize, "servers %u, but server%u is %s",
			         r->nservers, i + 1, i < r->nservers ? "missing" : "there");
			return -1;
		}
	return 0;
}
