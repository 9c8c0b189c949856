/* verify.c - consistency checks on the loop IR, run after every pass.
 * A failure is a bug in Tessera, never in the user's file, so it is an
 * internal error.
 */
#include "tessera.h"

#include <string.h>

static void verify_loops(const LoopNest *ln)
{
	const Layer *ly = ln->layer;
	long reach[NDIMS] = {0};
	ASSERT(ln->nloops > 0 && ln->nloops <= MAX_LOOPS);
	for (int i = 0; i < ln->nloops; i++) {
		const Loop *l = &ln->loop[i];
		long ext = 1;
		ASSERT(l->nparts >= 1 && l->nparts <= MAX_PARTS);
		for (int p = 0; p < l->nparts; p++) {
			const Part *pt = &l->part[p];
			ASSERT(pt->dim >= 0 && pt->dim < NDIMS && ly->extent[pt->dim]);
			ASSERT(pt->stride >= 1 && pt->extent >= 1);
			ASSERT(pt->nguards >= 1 && pt->guard[0] == pt->dim);
			for (int k = 0; k < pt->nguards; k++)
				ASSERT(pt->guard[k] >= 0 && pt->guard[k] < ln->nguards &&
				       pt->gstride[k] >= 1);
			reach[pt->dim] += pt->stride * (pt->extent - 1);
			ext *= pt->extent;
		}
		ASSERT(ext == l->extent);
		for (int j = 0; j < i; j++)
			ASSERT(strcmp(ln->loop[j].name, l->name) != 0);
		if (l->kind == LOOP_SPATIAL)
			ASSERT(l->array_dim >= 0 && l->array_dim < ln->arch->ndims &&
			       i > ln->accel && l->level == -1);
		else if (ln->accel >= 0)
			ASSERT(l->kind == LOOP_TEMPORAL && l->level >= 0 &&
			       l->level < ln->arch->nlevels);
		else
			ASSERT(l->kind == LOOP_SERIAL && l->level == -1);
	}
	for (int d = 0; d < NDIMS; d++)
		ASSERT(!ly->extent[d] || reach[d] + 1 >= ly->extent[d]);
}

static void verify_array(const LoopNest *ln)
{
	for (int d = 0; d < ln->arch->ndims; d++) {
		long used = 1;
		int any = 0;
		for (int i = 0; i < ln->nloops; i++)
			if (ln->loop[i].kind == LOOP_SPATIAL &&
			    ln->loop[i].array_dim == d) {
				used *= ln->loop[i].extent;
				any = 1;
			}
		ASSERT(used <= ln->arch->dim[d]);
		ASSERT(ln->array_used[d] == (any ? used : 0));
	}
}

static void verify_buffers(const LoopNest *ln)
{
	ASSERT(ln->nbufs <= MAX_BUFFERS);
	for (int k = 0; k < ln->nbufs; k++) {
		const Buffer *b = &ln->buf[k];
		ASSERT(b->tensor >= 0 && b->tensor < NTENSORS);
		ASSERT(b->level >= 0 && b->level < ln->arch->nlevels - 1);
		ASSERT(b->at >= ln->accel && b->at < ln->nloops && ln->accel >= 0);
	}
}

void loopnest_verify(const LoopNest *ln)
{
	verify_loops(ln);
	verify_array(ln);
	verify_buffers(ln);
}
