/* check_whichns.c - runs every unit suite of the pure library. */
#include <stdlib.h>
#include "suites.h"

int main(void)
{
	Suite *(*suites[])(void) = {
		dns_suite, dnsquery_suite, packet_suite, capfile_suite, tcpdns_suite, flow_suite,
		verdict_suite, observe_suite, resolvconf_suite,
		scenario_suite, expect_suite, caseres_suite, escape_suite, report_suite,
		events_suite, timeline_suite, evidence_suite, shadow_suite, libcname_suite,
		evtsv_suite,
		job_suite,
		runrec_suite,
		sha256_suite,
		scrub_suite,
		procs_suite,
		paths_suite,
		envpolicy_suite,
		earlyexit_suite,
		serverset_suite,
		impact_suite,
		servercount_suite,
		stubspec_suite,
		dnsconf_suite,
		pcapng_suite,
		watchmodel_suite,
		watchout_suite,
		rootinfo_suite,
		rootimage_suite,
		pktring_suite,
	};
	SRunner *sr = srunner_create(NULL);
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
