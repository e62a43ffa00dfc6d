/* version.c - the version string; see version.h. */
#include "version.h"

#ifndef WHICHNS_VERSION
#define WHICHNS_VERSION "0.1"
#endif

const char whichns_version[] = WHICHNS_VERSION;
