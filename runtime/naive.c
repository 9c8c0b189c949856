/* naive.c - the layer computed the obvious way: seven nested loops over
 * the layer's extents, ignoring the schedule.  It is the independent
 * reference the tests hold the JIT and the hardware against, so it must
 * stay too simple to be wrong.
 */
#include "../ir/tessera.h"

#include <stdlib.h>

/* Flat row-major offset of tensor t at the loop values v. */
static long offset(const Tensor *t, const long *v)
{
	long off = 0;
	for (int r = 0; r < t->rank; r++) {
		long i = t->idx[r].offset;
		for (int d = 0; d < NDIMS; d++)
			i += t->idx[r].coef[d] * v[d];
		off = off * t->shape[r] + i;
	}
	return off;
}

/* Offsets are affine in the loop values, so offset(v) = base + sum of
 * delta[d] * v[d]; both come from offset() itself. */
static void deltas(const Tensor *t, long *base, long *delta)
{
	long v[NDIMS] = {0};
	*base = offset(t, v);
	for (int d = 0; d < NDIMS; d++) {
		v[d] = 1;
		delta[d] = offset(t, v) - *base;
		v[d] = 0;
	}
}

void naive_run(const Layer *l, Buf *bufs)
{
	long n = bufs[T_OUT].count;
	uint64_t *acc = calloc((size_t)n, sizeof *acc);
	if (!acc)
		die_oom("for the naive reference's sums");
	long ext[NDIMS], v[NDIMS], base[NTENSORS], delta[NTENSORS][NDIMS];
	for (int t = 0; t < NTENSORS; t++)
		deltas(&l->t[t], &base[t], delta[t]);
	for (int d = 0; d < NDIMS; d++)
		ext[d] = l->extent[d] ? l->extent[d] : 1;
	for (v[0] = 0; v[0] < ext[0]; v[0]++)
	for (v[1] = 0; v[1] < ext[1]; v[1]++)
	for (v[2] = 0; v[2] < ext[2]; v[2]++)
	for (v[3] = 0; v[3] < ext[3]; v[3]++)
	for (v[4] = 0; v[4] < ext[4]; v[4]++)
	for (v[5] = 0; v[5] < ext[5]; v[5]++)
	for (v[6] = 0; v[6] < ext[6]; v[6]++) {
		long off[NTENSORS];
		for (int t = 0; t < NTENSORS; t++) {
			off[t] = base[t];
			for (int d = 0; d < NDIMS; d++)
				off[t] += delta[t][d] * v[d];
		}
		long a = buf_get(&bufs[T_A], off[T_A]);
		long b = buf_get(&bufs[T_B], off[T_B]);
		acc[off[T_OUT]] += (uint64_t)a * (uint64_t)b;
	}
	for (long i = 0; i < n; i++)
		buf_set(&bufs[T_OUT], i, (long)acc[i]);
	free(acc);
}
