/* suites.h - one Check suite per module of the pure library. */
#ifndef WHICHNS_TEST_SUITES_H
#define WHICHNS_TEST_SUITES_H
#include <check.h>

Suite *dns_suite(void);
Suite *dnsquery_suite(void);
Suite *packet_suite(void);
Suite *capfile_suite(void);
Suite *tcpdns_suite(void);
Suite *flow_suite(void);
Suite *verdict_suite(void);
Suite *observe_suite(void);
Suite *resolvconf_suite(void);
Suite *scenario_suite(void);
Suite *expect_suite(void);
Suite *caseres_suite(void);
Suite *report_suite(void);
Suite *escape_suite(void);
Suite *events_suite(void);
Suite *timeline_suite(void);
Suite *evidence_suite(void);
Suite *shadow_suite(void);
Suite *libcname_suite(void);
Suite *evtsv_suite(void);
Suite *job_suite(void);
Suite *runrec_suite(void);
Suite *sha256_suite(void);
Suite *scrub_suite(void);
Suite *procs_suite(void);
Suite *paths_suite(void);
Suite *envpolicy_suite(void);
Suite *earlyexit_suite(void);
Suite *serverset_suite(void);
Suite *impact_suite(void);
Suite *servercount_suite(void);
Suite *stubspec_suite(void);
Suite *dnsconf_suite(void);
Suite *pcapng_suite(void);
Suite *watchmodel_suite(void);
Suite *watchout_suite(void);
Suite *rootinfo_suite(void);
Suite *rootimage_suite(void);
Suite *pktring_suite(void);

#endif
