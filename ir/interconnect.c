/* interconnect.c - pass "interconnect": how each tensor crosses each PE
 * array dimension, read from the index expressions and systolic().
 *
 * Along a dimension where every PE needs different elements, the tensor
 * is unicast.  Where none of its unrolled loops index the tensor, an
 * input is shared by all (broadcast bus, or PE-to-PE forwarding with
 * systolic()) and the output is summed across the PEs (reduction tree,
 * or accumulation chain with systolic()).  Otherwise some PEs share
 * elements (replication, or a sliding window such as y+fy with both loops
 * unrolled): an input is multicast.  Which PEs share is found by listing
 * the element each PE setting touches.  PEs in different rows and
 * columns can share too (a window across both dimensions, as in
 * row-stationary designs): that is marked as diagonal sharing.  An
 * output buffered per PE is summed across the PEs as its buffer drains,
 * along a chain or by a tree (each PE then keeps partial sums of its
 * own: docs/model.md).
 */
#include "tessera.h"

const char *const net_name[] = {
#define X(e, s) s,
	NET_KINDS(X)
#undef X
};

/* The hardware template gives each tensor index its own loops. */
static void disjoint_indices(Diag *d, const Layer *l)
{
	for (int t = 0; t < NTENSORS; t++)
		for (int dim = 0; dim < NDIMS; dim++) {
			int uses = 0;
			for (int r = 0; r < l->t[t].rank; r++)
				uses += l->t[t].idx[r].coef[dim] != 0;
			if (uses > 1)
				diag_error(d, l->t[t].loc, "tensor %s uses loop %s in %d "
				           "indices; the hardware template needs each loop "
				           "in at most one index of a tensor", l->t[t].name,
				           dim_lower[dim], uses);
		}
}

/* Whether PEs along the array dimensions in `dims` (a bit set) never
 * touch the same element of tensor t in the same step: the distinct
 * elements per step and PE of those dimensions must number as many as
 * per step alone.  Exact, edge tiles included (it is the model's own
 * count). */
static int injective(Counter *c, const LoopNest *ln, int t, int dims)
{
	unsigned char with[MAX_LOOPS] = {0}, without[MAX_LOOPS] = {0};
	mark_temporal(ln, with);
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL)
			with[i] = 1;
	for (int i = 0; i < ln->nloops; i++)
		without[i] = with[i] && !(ln->loop[i].kind == LOOP_SPATIAL &&
		                          (dims >> ln->loop[i].array_dim & 1));
	return count_words(c, t, with) == count_words(c, t, without);
}

static NetKind kind(Counter *c, const LoopNest *ln, int t, int dim)
{
	int n = 0, idx = 0;
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL && ln->loop[i].array_dim == dim) {
			n++;
			idx += loop_indexes(ln, t, i);
		}
	if (n == 0)
		return NET_NONE;
	if (idx == n && injective(c, ln, t, 1 << dim))
		return NET_UNICAST;
	if (t == T_OUT)
		return ln->systolic[t][dim] ? NET_CHAIN : NET_TREE;
	if (ln->systolic[t][dim])
		return NET_SYSTOLIC;
	return idx ? NET_MULTICAST : NET_BROADCAST;
}

int interconnect_infer(Diag *d, const Program *p, LoopNest *ln)
{
	int errors = d->nerrors;
	if (ln->accel < 0)
		return 1; /* no accelerator to connect */
	disjoint_indices(d, &p->layer);
	Counter *c = counter_new(ln);
	for (int t = 0; t < NTENSORS; t++) {
		for (int dim = 0; dim < MAX_ARRAY_DIMS; dim++)
			ln->net[t][dim] = dim < ln->arch->ndims ? kind(c, ln, t, dim)
			                                        : NET_NONE;
		ln->diagonal[t] = ln->arch->ndims == 2 &&
		                  ln->net[t][0] == NET_UNICAST &&
		                  ln->net[t][1] == NET_UNICAST &&
		                  !injective(c, ln, t, 3);
	}
	counter_free(c);
	return d->nerrors == errors;
}
