/* spatial.c - pass "spatial": where each iteration of the unrolled loops
 * sits on the PE array.  Along one array dimension, the loops unrolled
 * onto it (several when replicated) form a mixed-radix PE index, the
 * innermost loop varying fastest; pe_stride is each loop's weight in it.
 * The schedule pass has already checked that they fit.
 */
#include "tessera.h"

int spatial_map(Diag *d, const Program *p, LoopNest *ln)
{
	(void)d;
	(void)p;
	ln->pes_used = 1;
	for (int dim = 0; dim < ln->arch->ndims; dim++) {
		long stride = 1;
		for (int i = ln->nloops - 1; i >= 0; i--) {
			Loop *l = &ln->loop[i];
			if (l->kind != LOOP_SPATIAL || l->array_dim != dim)
				continue;
			l->pe_stride = stride;
			stride *= l->extent;
		}
		ASSERT(stride <= ln->arch->dim[dim]);
		ln->pes_used *= stride;
	}
	return 1;
}
