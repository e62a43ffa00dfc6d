/*
 * freshmem.h - zeroed memory whose pages cost only when first touched.
 *
 * A case is a fork of the runner, and it pays a page fault for every
 * page it writes: about 14 us each on a paravirtualised guest, where a
 * case's own work is a few milliseconds.  Its large state (case.c's) is
 * mostly room it never uses, so it takes that room straight from the
 * kernel: mapped zero pages, of which only those written are ever
 * faulted in, where calloc from the heap would write every byte.  (The
 * job's spec, made once per case process, is a static object: its
 * pages are the same zero pages until written.)
 */
#ifndef WHICHNS_FRESHMEM_H
#define WHICHNS_FRESHMEM_H

#include <stddef.h>

/* size zeroed bytes, or NULL (errno set). */
void *freshmem_alloc(size_t size);
/* Give back what freshmem_alloc(size) returned; p NULL: nothing. */
void  freshmem_free(void *p, size_t size);

#endif
