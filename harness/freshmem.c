/*
 * freshmem.c - zeroed memory whose pages cost only when first touched
 * (freshmem.h).
 */
#include <sys/mman.h>
#include "freshmem.h"

void *freshmem_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void freshmem_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}
