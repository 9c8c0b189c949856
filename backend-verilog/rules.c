/* rules.c - what the RTL builds whatever the schedule (hw.h): the
 * layer's output, the on-chip levels' timing, and where each tensor's
 * buffers may sit.  hw_plan refuses by these, and the search prunes with
 * them (--buildable) before it lowers a point.
 */
#include "hw.h"

#include <stdio.h>

/* The output's element must fix every loop that moves it, so that its
 * first contribution is where all the other loops are 0. */
static int output_plain(const Layer *l)
{
	const Tensor *O = &l->t[T_OUT];
	for (int d = 0; d < NDIMS; d++) {
		int uses = 0, alone = 1;
		for (int r = 0; r < O->rank; r++)
			if (O->idx[r].coef[d]) {
				uses++;
				for (int e = 0; e < NDIMS; e++)
					if (e != d && O->idx[r].coef[e])
						alone = 0;
			}
		if (uses > 1 || (uses && !alone))
			return 0;
	}
	return 1;
}

/* Holder h of a tensor kept in levels lv[0..n-1] (inner to outer, DRAM
 * left out) as the RTL builds it: NULL, or why not. */
const char *hw_holder_refusal(const Arch *A, const int *lv, int n, int h)
{
	int per_pe = A->level[lv[h]].per_pe;
	int parent = A->level[h + 1 < n ? lv[h + 1] : A->nlevels - 1].per_pe;
	if (per_pe && (h > 0 || parent))
		return "a per-PE buffer that is not the tensor's innermost, or "
		       "whose parent is per-PE (two register-file levels)";
	if (per_pe && h + 1 >= n)   /* DRAM's answers are a shared buffer's */
		return "a per-PE buffer filled from DRAM (no shared level "
		       "between them): the RTL fills register files from a "
		       "global buffer";
	if (!per_pe && parent)
		return "a shared buffer filled from a per-PE level";
	return NULL;
}

const char *hw_chain_refusal(const Arch *A, const int *lv, int n)
{
	if (n == 0)
		return "a tensor kept in no on-chip buffer (the outermost on-chip "
		       "level's holds leave it out): the RTL reads operands and "
		       "partial sums from an on-chip buffer, not from DRAM";
	for (int h = 0; h < n; h++) {
		const char *why = hw_holder_refusal(A, lv, n, h);
		if (why)
			return why;
	}
	return NULL;
}

int hw_plan_design(const Layer *L, const Arch *arch, char *err,
                   size_t errlen)
{
	if (!output_plain(L))
	{
		snprintf(err, errlen, "the output's indices must each be one loop "
		         "alone");
		return 0;
	}
	for (int lv = 0; lv < arch->nlevels; lv++) {
		const Level *A = &arch->level[lv];
		if (A->offchip || (!A->bandwidth && !A->latency))
			continue;
		snprintf(err, errlen, "level %s (line %d) states a %s: the RTL "
		         "builds an on-chip level with a port for every lane and "
		         "engine and a read of one cycle, which the model then "
		         "times; remove `bandwidth` and `latency` from on-chip "
		         "levels to build it", A->name, A->loc.line,
		         A->bandwidth ? "bandwidth" : "latency");
		return 0;
	}
	return 1;
}
