/* suites.h - one Check suite per module of the pure library. */
#ifndef WHICHNS_TEST_SUITES_H
#define WHICHNS_TEST_SUITES_H
#include <check.h>

Suite *dns_suite(void);
Suite *packet_suite(void);
Suite *verdict_suite(void);
Suite *resolvconf_suite(void);

#endif
