/* cluster.c - a search spread over the ranks of an MPI job
 * (docs/scaling.md).
 *
 * Started by mpirun (or a batch system's launcher), `tessera search`
 * and `tessera study` load the MPI plugin (search/mpi.c, built as
 * libtessera-mpi.so) and learn their rank; started alone, they never
 * load it and are rank 0 of 1.  Every rank reads the same input and
 * runs the same searches; each search's jobs are dealt out among the
 * ranks (search.c), which share the best cost found so far and at the
 * end agree on the answer, so that every rank goes on with the same
 * result.  Only rank 0 writes: the others' standard output and error
 * go to /dev/null.
 */
#include "search.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static int rank_, size_ = 1;
static void (*gather_start)(const double *, int, double *);
static int (*gather_test)(void);
static void (*allgather)(const void *, int, void *);
static void (*bcast)(void *, int, int);
static void (*finalize)(void);

/* Launched as a rank of an MPI job: OpenMPI's mpirun, or a PMIx or PMI
 * launcher (srun). */
static int launched(void)
{
	return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") ||
	       getenv("PMI_SIZE");
}

/* Symbol `name` of the plugin; NULL (and a message) when it has none. */
static void *sym(void *h, const char *name, char *err, size_t errlen)
{
	void *f = dlsym(h, name);
	if (!f)
		snprintf(err, errlen, "the MPI plugin has no %s (an older build? "
		         "run make)", name);
	return f;
}

static void end(void)
{
	fflush(stdout);
	finalize();
}

int cluster_start(char *err, size_t errlen)
{
	if (!launched() || finalize)   /* alone, or started already */
		return 1;
	void *h = plugin_open("libtessera-mpi.so", "TESSERA_MPI",
	                      "the MPI plugin", err, errlen);
	if (!h)
		return 0;
	void *fi = sym(h, "tmpi_init", err, errlen);
	void *fs = sym(h, "tmpi_gather_start", err, errlen);
	void *ft = sym(h, "tmpi_gather_test", err, errlen);
	void *fa = sym(h, "tmpi_allgather", err, errlen);
	void *fb = sym(h, "tmpi_bcast", err, errlen);
	void *ff = sym(h, "tmpi_finalize", err, errlen);
	if (!fi || !fs || !ft || !fa || !fb || !ff)
		return 0;
	int (*init)(int *, int *, char *, size_t) =
	    (int (*)(int *, int *, char *, size_t))(uintptr_t)fi;
	gather_start = (void (*)(const double *, int, double *))(uintptr_t)fs;
	gather_test = (int (*)(void))(uintptr_t)ft;
	allgather = (void (*)(const void *, int, void *))(uintptr_t)fa;
	bcast = (void (*)(void *, int, int))(uintptr_t)fb;
	if (!init(&rank_, &size_, err, errlen))
		return 0;
	finalize = (void (*)(void))(uintptr_t)ff;
	atexit(end);
	if (rank_ > 0) {   /* rank 0 alone writes */
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	return 1;
}

int cluster_rank(void)
{
	return rank_;
}

int cluster_size(void)
{
	return size_;
}

void cluster_gather_start(const double *in, int n, double *out)
{
	gather_start(in, n, out);
}

int cluster_gather_test(void)
{
	return gather_test();
}

void cluster_allgather(const void *in, int bytes, void *out)
{
	allgather(in, bytes, out);
}

void cluster_bcast(void *buf, int bytes, int root)
{
	bcast(buf, bytes, root);
}
