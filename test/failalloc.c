/* test/failalloc.c - an LD_PRELOAD library for test/robust.sh: large
 * allocations fail, as they do when memory runs short, so that the
 * messages for it can be tested without exhausting the machine.
 *
 *   TESSERA_FAIL_CALLOC8=N   calloc(n, 8) with n >= N returns NULL
 *   TESSERA_FAIL_MALLOC=N    malloc(n) with n >= N returns NULL
 *
 * glibc's own allocator stays underneath (__libc_calloc, __libc_malloc).
 */
#include <errno.h>
#include <stdlib.h>

void *__libc_calloc(size_t n, size_t size);
void *__libc_malloc(size_t n);

/* The limit in the environment variable `name`; 0: none. */
static size_t limit(const char *name)
{
	const char *v = getenv(name);
	return v ? strtoul(v, NULL, 10) : 0;
}

void *calloc(size_t n, size_t size)
{
	size_t lim = limit("TESSERA_FAIL_CALLOC8");
	if (size == 8 && lim && n >= lim) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *malloc(size_t n)
{
	size_t lim = limit("TESSERA_FAIL_MALLOC");
	if (lim && n >= lim) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}
