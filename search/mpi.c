/* mpi.c - the MPI plugin, libtessera-mpi.so: the few collectives a
 * search spread over ranks needs (search/cluster.c loads it).
 *
 * It is the only code linked with OpenMPI, so that a tessera started
 * without mpirun never loads MPI (a process start stays a few
 * milliseconds).  Only the thread that started the search calls it
 * (MPI_THREAD_FUNNELED); every rank calls the same collectives in the
 * same order.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static MPI_Request gather_req = MPI_REQUEST_NULL;

int tmpi_init(int *rank, int *size, char *err, size_t errlen)
{
	int provided;
	if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) !=
	    MPI_SUCCESS) {
		snprintf(err, errlen, "MPI_Init_thread failed");
		return 0;
	}
	if (provided < MPI_THREAD_FUNNELED) {
		snprintf(err, errlen, "this MPI gives no thread support (%d)",
		         provided);
		return 0;
	}
	MPI_Comm_rank(MPI_COMM_WORLD, rank);
	MPI_Comm_size(MPI_COMM_WORLD, size);
	return 1;
}

/* Every rank's n doubles into out (n x size), without waiting:
 * tmpi_gather_test says when they are in. */
void tmpi_gather_start(const double *in, int n, double *out)
{
	MPI_Iallgather(in, n, MPI_DOUBLE, out, n, MPI_DOUBLE, MPI_COMM_WORLD,
	               &gather_req);
}

int tmpi_gather_test(void)
{
	int flag = 0;
	MPI_Test(&gather_req, &flag, MPI_STATUS_IGNORE);
	return flag;
}

void tmpi_allgather(const void *in, int bytes, void *out)
{
	MPI_Allgather(in, bytes, MPI_BYTE, out, bytes, MPI_BYTE,
	              MPI_COMM_WORLD);
}

void tmpi_bcast(void *buf, int bytes, int root)
{
	MPI_Bcast(buf, bytes, MPI_BYTE, root, MPI_COMM_WORLD);
}

void tmpi_finalize(void)
{
	MPI_Finalize();
}
