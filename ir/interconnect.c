/* interconnect.c - pass "interconnect": how each tensor crosses each PE
 * array dimension, read from the index expressions and systolic().
 *
 * Along a dimension whose unrolled loops all index a tensor, each PE
 * needs its own elements (unicast); when none do, an input is shared
 * (broadcast bus, or PE-to-PE forwarding with systolic()) and the output
 * is summed across the PEs (reduction tree, or accumulation chain with
 * systolic()); when some do (replication), an input is multicast to
 * groups of PEs.  The hardware template keeps partial sums inside PEs only
 * along accumulation chains, so an output buffered per PE and summed by a
 * tree cannot be built.
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

static NetKind kind(const LoopNest *ln, int t, int dim)
{
	int n = 0, idx = 0;
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL && ln->loop[i].array_dim == dim) {
			n++;
			idx += loop_indexes(ln, t, i);
		}
	if (n == 0)
		return NET_NONE;
	if (idx == n)
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
	for (int t = 0; t < NTENSORS; t++)
		for (int dim = 0; dim < MAX_ARRAY_DIMS; dim++)
			ln->net[t][dim] = dim < ln->arch->ndims ? kind(ln, t, dim)
			                                        : NET_NONE;
	for (int h = 0; h < ln->nholders[T_OUT]; h++) {
		const Buffer *b = &ln->buf[ln->holder[T_OUT][h]];
		if (!ln->arch->level[b->level].per_pe)
			continue;
		for (int dim = 0; dim < ln->arch->ndims; dim++) {
			if (ln->net[T_OUT][dim] != NET_TREE)
				continue;
			const char *v = "";
			for (int i = 0; i < ln->nloops; i++)
				if (ln->loop[i].kind == LOOP_SPATIAL &&
				    ln->loop[i].array_dim == dim &&
				    !loop_indexes(ln, T_OUT, i))
					v = ln->loop[i].name;
			diag_error(d, b->loc, "%s.in(%s) keeps partial sums in each PE, "
			           "but %s is summed across array dimension %d by a "
			           "reduction tree; write %s.systolic(%s) for an "
			           "accumulation chain through the PEs, or buffer %s "
			           "in a shared level", p->layer.t[T_OUT].name,
			           ln->arch->level[b->level].name,
			           p->layer.t[T_OUT].name, dim, p->layer.t[T_OUT].name,
			           v, p->layer.t[T_OUT].name);
			return 0;
		}
	}
	return d->nerrors == errors;
}
