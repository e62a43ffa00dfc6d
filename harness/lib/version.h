/*
 * version.h - which whichns this is: the version, and the git commit it
 * was built from when built in a checkout ("0.1 (git 1a2b3c4-dirty)";
 * -dirty when the checkout had changes), else the plain version (a
 * tarball).  The Makefile computes it at build time (WHICHNS_VERSION).
 * Run records (run.txt, summary.json), bundles and --version show it.
 */
#ifndef WHICHNS_VERSION_H
#define WHICHNS_VERSION_H

extern const char whichns_version[];

#endif
