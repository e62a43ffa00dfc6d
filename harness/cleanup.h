/*
 * cleanup.h - what a killed run can leave behind, and its removal.
 *
 * Every process a run starts carries CLEANUP_MARK in its environment;
 * cleanup ends those, and only those.  Namespaces have no names and die
 * with their processes; mounts live only in private mount namespaces.
 * A killed import of a root filesystem leaves its temporary folder in
 * the cache: cleanup removes it too (rootimport_sweep).
 */
#ifndef WHICHNS_CLEANUP_H
#define WHICHNS_CLEANUP_H

#define CLEANUP_MARK "WHICHNS_RUN"

/* Mark this process's future children as this run's (sets CLEANUP_MARK). */
void cleanup_mark(void);
/* End marked processes whose run is gone, and remove what killed
 * imports left in $WHICHNS_CACHE (else /var/cache/whichns).  Returns how
 * many things it ended or removed, or -1 when /proc is unreadable. */
int cleanup_run(void);

#endif
