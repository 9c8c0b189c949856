/* jitload.c - finds and loads the LLVM JIT plugin for `tessera run`
 * (and, plugin_open, the MPI plugin for a search under mpirun).
 *
 * LLVM is linked into a separate shared object, libtessera-jit.so, so
 * that the commands that never compile code (check, ir, and later model
 * and search) start in a few milliseconds instead of paying for loading
 * and initializing LLVM.  The plugin calls back into this executable
 * (buf_get, tensor_linear...), which exports its symbols (-rdynamic).
 */
#include "../ir/tessera.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TESSERA_BUILD_DIR
#define TESSERA_BUILD_DIR "build"
#endif

#include <time.h>

typedef int (*JitFn)(const LoopNest *, Buf *, char *, size_t, JitTimes *);

/* A plugin of this build: $env when set, else `file` in the build
 * directory beside the executable (or beside it, or ../lib/tessera);
 * `what` names it in a message. */
void *plugin_open(const char *file, const char *env, const char *what,
                  char *err, size_t errlen)
{
	const char *set = getenv(env);
	if (set && *set) {
		void *h = dlopen(set, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			snprintf(err, errlen, "cannot load %s %s: %s", what, set,
			         dlerror());
		return h;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		snprintf(err, errlen, "cannot find the tessera executable");
		return NULL;
	}
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	*slash = 0;
	static const char *const where[] = {TESSERA_BUILD_DIR, ".",
	                                    "../lib/tessera"};
	char path[PATH_MAX + 64];
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
		snprintf(path, sizeof path, "%s/%s/%s", exe, where[i], file);
		if (access(path, R_OK) == 0) {
			void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
			if (!h)
				snprintf(err, errlen, "cannot load %s %s: %s", what, path,
				         dlerror());
			return h;
		}
	}
	snprintf(err, errlen, "cannot find %s in %s/%s (run make, or set %s)",
	         file, exe, TESSERA_BUILD_DIR, env);
	return NULL;
}

int jit_run(const LoopNest *ln, Buf *bufs, char *err, size_t errlen,
            JitTimes *times)
{
	static JitFn fn;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*times = (JitTimes){0};
	if (!fn) {
		void *h = plugin_open("libtessera-jit.so", "TESSERA_JIT", "the JIT",
		                      err, errlen);
		if (!h)
			return -1;
		fn = (JitFn)(uintptr_t)dlsym(h, "jit_plugin_run");
		if (!fn) {
			snprintf(err, errlen, "the JIT plugin has no jit_plugin_run");
			return -1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	times->load = (double)(t1.tv_sec - t0.tv_sec) +
	              (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	return fn(ln, bufs, err, errlen, times);
}
