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
 * row-stationary designs): that is marked as diagonal sharing.  The
 * hardware template keeps partial sums inside PEs only along accumulation
 * chains, so an output buffered per PE and summed by a tree cannot be
 * built.
 */
#include "tessera.h"

#include <stdlib.h>

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

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Whether the PEs along the array dimensions in `dims` (a bit set) all
 * touch different elements of tensor t, for the same temporal loops:
 * lists the element offset of every setting of their unrolled loops. */
static int injective(const LoopNest *ln, int t, int dims)
{
	long lin[NDIMS], base, n = 1;
	tensor_linear(&ln->layer->t[t], lin, &base);
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL &&
		    (dims >> ln->loop[i].array_dim & 1))
			n *= ln->loop[i].extent;
	long *off = calloc((size_t)n, sizeof *off);
	if (!off)
		INTERNAL("out of memory");
	for (long k = 0; k < n; k++) {
		long rest = k;
		for (int i = ln->nloops - 1; i >= 0; i--) {
			const Loop *l = &ln->loop[i];
			if (l->kind != LOOP_SPATIAL || !(dims >> l->array_dim & 1))
				continue;
			long c = rest % l->extent, div = 1;
			rest /= l->extent;
			for (int p = 0; p < l->nparts; p++) {
				long v = c / div % l->part[p].extent;
				div *= l->part[p].extent;
				off[k] += lin[l->part[p].dim] * l->part[p].stride * v;
			}
		}
	}
	qsort(off, (size_t)n, sizeof *off, cmp_long);
	int distinct = 1;
	for (long k = 1; k < n && distinct; k++)
		distinct = off[k] != off[k - 1];
	free(off);
	return distinct;
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
	if (idx == n && injective(ln, t, 1 << dim))
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
	for (int t = 0; t < NTENSORS; t++) {
		for (int dim = 0; dim < MAX_ARRAY_DIMS; dim++)
			ln->net[t][dim] = dim < ln->arch->ndims ? kind(ln, t, dim)
			                                        : NET_NONE;
		ln->diagonal[t] = ln->arch->ndims == 2 &&
		                  ln->net[t][0] == NET_UNICAST &&
		                  ln->net[t][1] == NET_UNICAST &&
		                  !injective(ln, t, 3);
	}
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
			int shared = 0;
			for (int lv = 0; lv < ln->arch->nlevels - 1; lv++)
				shared |= !ln->arch->level[lv].per_pe;
			diag_error(d, b->loc, "%s%s.in(%s) keeps partial sums in each "
			           "PE, but %s is summed across array dimension %d by a "
			           "reduction tree; write %s.systolic(%s) for an "
			           "accumulation chain through the PEs%s",
			           b->implicit ? "the implicit buffer " : "",
			           p->layer.t[T_OUT].name,
			           ln->arch->level[b->level].name,
			           p->layer.t[T_OUT].name, dim, p->layer.t[T_OUT].name,
			           v, shared ? ", or buffer it in a shared level" : "");
			return 0;
		}
	}
	return d->nerrors == errors;
}
