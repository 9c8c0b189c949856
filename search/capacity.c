/* capacity.c - what fits a level: the search's capacity checks, and
 * the largest factor each loop not chosen yet can still take there,
 * which the bounds widen it to (docs/search.md, "The search").
 */
#include "worker.h"

#include <string.h>

/* The extents of the largest blocks of level L: the lowest digits of
 * each loop (levels up to L, and the unrolled piece when L is shared),
 * one run from stride 1. */
void level_extents(const Worker *w, int L, long P[NDIMS])
{
	const SCtx *c = w->sh->c;
	for (int d = 0; d < NDIMS; d++) {
		P[d] = 1;
		for (int q = 0; q <= L; q++)
			P[d] *= w->p.f[q][d];
		if (!per_pe(c, L))
			P[d] *= spatial_of(w, d);
	}
}

/* The bytes t's largest block takes in level L at extents P (both
 * copies when double-buffered; 0 when t is not kept there). */
static long tensor_bytes(const Worker *w, int L, int t, const long *P)
{
	const SCtx *c = w->sh->c;
	if (!w->p.buf[t][L])
		return 0;
	return (sctx_words(c, (SScratch *)&w->sc, t, P) * c->bits[t] + 7) / 8 *
	       (spoint_dbl(c, &w->p, t, L) ? 2 : 1);
}

/* The bytes of each tensor's largest block in level L, at extents P. */
void level_bytes(const Worker *w, int L, const long *P,
                 long bytes[NTENSORS])
{
	for (int t = 0; t < NTENSORS; t++)
		bytes[t] = tensor_bytes(w, L, t, P);
}

/* Whether level L fits with loop e's extent P[e] multiplied by f, the
 * rest as in P; bytes[] are those at P, of which only the tensors e
 * indexes change.  Q and qbytes: the extents and bytes with f. */
int fits_with(const Worker *w, int L, const long *P,
              const long bytes[NTENSORS], int e, long f,
              long Q[NDIMS], long qbytes[NTENSORS])
{
	const SCtx *c = w->sh->c;
	long used = 0;
	memcpy(Q, P, sizeof(long) * NDIMS);
	Q[e] *= f;
	for (int t = 0; t < NTENSORS; t++) {
		qbytes[t] = c->mask[t] >> e & 1 ? tensor_bytes(w, L, t, Q)
		                                 : bytes[t];
		used += qbytes[t];
	}
	return used <= c->arch->level[L].bytes;
}

/* Whether the largest blocks of the tensors kept in level L fit it. */
int level_fits(const Worker *w, int L)
{
	long P[NDIMS], bytes[NTENSORS], used = 0;
	level_extents(w, L, P);
	level_bytes(w, L, P, bytes);
	for (int t = 0; t < NTENSORS; t++)
		used += bytes[t];
	return used <= w->sh->c->arch->level[L].bytes;
}

/* The largest factor of what remains of loop e that level L still fits
 * with (extents P, bytes), from the divisor of index i down: its index. */
static int cap_from(const Worker *w, int L, const long *P,
                    const long bytes[NTENSORS], int e, int i)
{
	const Shared *sh = w->sh;
	long Q[NDIMS], qbytes[NTENSORS];
	for (; i > 0; i--) {
		long f = sh->div[e][i];
		if (f <= w->rem[e] && w->rem[e] % f == 0 &&
		    fits_with(w, L, P, bytes, e, f, Q, qbytes))
			break;
	}
	return i;
}

/* The largest factor each loop not chosen yet at level L (from `part`
 * on) can take there, the level still fitting with the others at 1:
 * that of every completion is at most this (blocks only grow), so the
 * bounds widen the loops to these rather than to all that remains
 * (docs/search.md, "Branch and bound").  As indexes into div[], found
 * from from[] down: the factors above those did not fit at a point
 * whose blocks were no larger (with TESSERA_CHECK_BOUND, each is also
 * found from the largest divisor and must be the same).  P and bytes:
 * the level's blocks now. */
void level_caps(Worker *w, int L, int part, const int *from,
                const long *P, const long bytes[NTENSORS])
{
	int *ci = w->capi[L][part];
	for (int e = part; e < NDIMS; e++) {
		ci[e] = cap_from(w, L, P, bytes, e, from[e]);
		int afresh = w->check_bound ?
		             cap_from(w, L, P, bytes, e, w->sh->ndiv[e] - 1) : ci[e];
		if (afresh != ci[e])
			INTERNAL("level %d's cap of loop %d is %ld, found afresh %ld",
			         L, e, w->sh->div[e][ci[e]], w->sh->div[e][afresh]);
	}
}
