/* dbuf.c - which double_buffer() marks the backend builds, and the
 * refusal of the others (docs/hardware.md, "Double buffering"):
 *
 *  - an input's global buffer filled from DRAM (gbuf.c: its next block
 *    is prefetched);
 *  - an input's buffer filled from a global buffer, per PE or shared
 *    (ihalves.c);
 *  - the output's register file (halves.c), which has two halves
 *    whether marked or not, unless two of its blocks in a row can hold
 *    the same element;
 *  - the output's global buffer filled from DRAM (ghalves.c), unless two
 *    of its blocks in a row can hold the same element or its walk is a
 *    box walk.
 *
 * (A register file is always filled from a global buffer: the plan
 * refuses one filled from DRAM whether marked or not.)
 *
 * Any other buffer so marked would be built as one buffer, filled
 * between the steps: a feature accepted and built as something else,
 * so the plan refuses it and says which of the above it is not.
 */
#include "emit.h"

/* Why buffer k, marked double_buffer(), is not built so; NULL: it is. */
static const char *why_single(const Hw *hw, int k)
{
	const HwBuf *B = &hw->buf[k];
	if (B->t == T_OUT && !B->per_pe)   /* ghalves.c */
		return ghalves_refusal(hw, k);
	if (B->t == T_OUT)   /* filled from a global buffer (plan.c) */
		return halves_buffer(hw) == k
		       ? NULL
		       : "two of this output register file's blocks in a row can "
		         "hold the same element (a reduction in or inside its "
		         "refill loop, or an edge tile cutting the loop that moves "
		         "it to one value), so the partial sums of the next block "
		         "cannot be fetched while the current one accumulates";
	if (B->per_pe || B->parent >= 0) {   /* filled from a global buffer:
	                                        the halves */
		ASSERT(ihalves_built(hw, k));
		return NULL;
	}
	return gbuf_prefetches(hw, k)
	       ? NULL
	       : "its DRAM address moves with a loop that neither lies in its "
	         "block nor refills it, so its next block cannot be fetched "
	         "ahead";
}

int hw_double_refusal(const Hw *hw, char *err, size_t errlen)
{
	const LoopNest *ln = hw->ln;
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		/* filled once, it has no next block to fetch ahead */
		const char *why = B->b->double_buffered && B->b->refill >= 0
		                  ? why_single(hw, k) : NULL;
		if (!why)
			continue;
		snprintf(err, errlen, "%s.in(%s).double_buffer() (line %d): %s; "
		         "the backend builds double_buffer() on an input's buffer "
		         "filled from DRAM or from a global buffer and on the "
		         "output's buffers: remove it here to build the rest",
		         ln->layer->t[B->t].name,
		         ln->arch->level[B->b->level].name, B->b->loc.line, why);
		return 1;
	}
	return 0;
}
