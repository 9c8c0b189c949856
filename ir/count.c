/* count.c - exact counting over the iteration space of a loop nest, the
 * primitive under the analytical model (docs/model.md).
 *
 * Guards bind one layer loop each, so the valid iterations are a product
 * over the layer's loops: for loop d, the valid settings of the counters
 * that step d are enumerated once (there are exactly extent(d) of them,
 * one per value of d; the enumeration asserts it).  A count then marks
 * some loops of the nest: a setting of the marked loops is one "event"
 * (a refill, a step, a PE), and the question is how many distinct
 * elements of a tensor the unmarked loops touch in each event, summed
 * over events.  Settings of d are grouped by their marked counters; a
 * tensor index that uses one loop touches as many values as the group
 * has, one that uses several (y*s+fy) touches their sum set, counted on
 * a bitmap.  Tensor indices must use disjoint loops (checked in
 * ir/interconnect.c), which makes the total a product over indices.
 */
#include "tessera.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DIM_PARTS = MAX_LOOPS };

typedef struct DimCfg {
	int nparts;                 /* counters stepping this layer loop */
	int loop[MAX_DIM_PARTS];    /* their loops, outermost first */
	int part[MAX_DIM_PARTS];
	long n;                     /* valid settings: the loop's extent */
	long *cnt;                  /* n * nparts counters */
	long *val;                  /* the loop's value in each setting */
	long *gid;                  /* scratch: group of each setting */
	long *order, *start;        /* scratch: settings sorted by group */
} DimCfg;

struct Counter {
	const LoopNest *ln;
	DimCfg dim[NDIMS];
	long *key;                  /* scratch, size max n */
	long *map;                  /* scratch for key -> group */
	long mapcap;
	unsigned char *bits;        /* scratch bitmap for sum sets */
	long bitcap;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		INTERNAL("out of memory");
	return p;
}

/* Enumerates the valid settings of layer loop d's counters in nest
 * order, cutting each at the bound its guards give. */
static void enumerate(const LoopNest *ln, DimCfg *dc, int q, long *ctr,
                      long *gpart, long value)
{
	if (q == dc->nparts) {
		ASSERT(dc->n < ln->layer->extent[ln->loop[dc->loop[0]]
		                                 .part[dc->part[0]].dim]);
		memcpy(dc->cnt + dc->n * dc->nparts, ctr,
		       sizeof(long) * (size_t)dc->nparts);
		dc->val[dc->n++] = value;
		return;
	}
	const Loop *l = &ln->loop[dc->loop[q]];
	const Part *p = &l->part[dc->part[q]];
	long bound = l->nparts > 1 ? p->extent : loop_bound(ln, dc->loop[q],
	                                                    gpart);
	for (long c = 0; c < bound; c++) {
		for (int k = 0; k < p->nguards; k++)
			gpart[p->guard[k]] += c * p->gstride[k];
		ctr[q] = c;
		enumerate(ln, dc, q + 1, ctr, gpart, value + c * p->stride);
		for (int k = 0; k < p->nguards; k++)
			gpart[p->guard[k]] -= c * p->gstride[k];
	}
}

Counter *counter_new(const LoopNest *ln)
{
	Counter *c = xcalloc(1, sizeof *c);
	c->ln = ln;
	long maxn = 1;
	for (int d = 0; d < NDIMS; d++) {
		long e = ln->layer->extent[d];
		if (!e)
			continue;
		DimCfg *dc = &c->dim[d];
		for (int i = 0; i < ln->nloops; i++)
			for (int p = 0; p < ln->loop[i].nparts; p++)
				if (ln->loop[i].part[p].dim == d) {
					dc->loop[dc->nparts] = i;
					dc->part[dc->nparts++] = p;
				}
		dc->cnt = xcalloc((size_t)(e * dc->nparts), sizeof(long));
		dc->val = xcalloc((size_t)e, sizeof(long));
		dc->gid = xcalloc((size_t)e, sizeof(long));
		dc->order = xcalloc((size_t)e, sizeof(long));
		dc->start = xcalloc((size_t)e + 1, sizeof(long));
		long ctr[MAX_DIM_PARTS], gpart[MAX_GUARDS] = {0};
		enumerate(ln, dc, 0, ctr, gpart, 0);
		ASSERT(dc->n == e);
		if (e > maxn)
			maxn = e;
	}
	c->key = xcalloc((size_t)maxn, sizeof(long));
	return c;
}

void counter_free(Counter *c)
{
	if (!c)
		return;
	for (int d = 0; d < NDIMS; d++) {
		free(c->dim[d].cnt);
		free(c->dim[d].val);
		free(c->dim[d].gid);
		free(c->dim[d].order);
		free(c->dim[d].start);
	}
	free(c->key);
	free(c->map);
	free(c->bits);
	free(c);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Groups the settings of layer loop d by their marked counters; returns
 * the number of groups and leaves the settings sorted by group in
 * order[], group g spanning order[start[g] .. start[g+1]). */
static long group(Counter *c, int d, const unsigned char *mark)
{
	DimCfg *dc = &c->dim[d];
	const LoopNest *ln = c->ln;
	long space = 1;
	for (int q = 0; q < dc->nparts; q++)
		if (mark[dc->loop[q]]) {
			const Part *p = &ln->loop[dc->loop[q]].part[dc->part[q]];
			space = space > (1L << 40) / p->extent ? (1L << 40)
			                                        : space * p->extent;
		}
	for (long k = 0; k < dc->n; k++) {
		long key = 0;
		for (int q = 0; q < dc->nparts; q++)
			if (mark[dc->loop[q]]) {
				const Part *p = &ln->loop[dc->loop[q]].part[dc->part[q]];
				key = key * p->extent + dc->cnt[k * dc->nparts + q];
			}
		c->key[k] = key;
	}
	long ng = 0;
	if (space <= 4 * dc->n + 4096) {
		if (space > c->mapcap) {
			free(c->map);
			c->mapcap = space;
			c->map = xcalloc((size_t)space, sizeof(long));
		}
		for (long k = 0; k < dc->n; k++)
			c->map[c->key[k]] = -1;
		for (long k = 0; k < dc->n; k++) {
			if (c->map[c->key[k]] < 0)
				c->map[c->key[k]] = ng++;
			dc->gid[k] = c->map[c->key[k]];
		}
	} else {
		memcpy(dc->order, c->key, sizeof(long) * (size_t)dc->n);
		qsort(dc->order, (size_t)dc->n, sizeof(long), cmp_long);
		for (long k = 0; k < dc->n; k++) {
			long lo = 0, hi = dc->n - 1;
			while (lo < hi) { /* first index holding the key */
				long mid = (lo + hi) / 2;
				if (dc->order[mid] < c->key[k])
					lo = mid + 1;
				else
					hi = mid;
			}
			dc->gid[k] = lo;
		}
		/* renumber to 0..ng-1 */
		for (long k = 0; k < dc->n; k++)
			dc->start[k] = -1;
		for (long k = 0; k < dc->n; k++) {
			if (dc->start[dc->gid[k]] < 0)
				dc->start[dc->gid[k]] = ng++;
		}
		for (long k = 0; k < dc->n; k++)
			dc->gid[k] = dc->start[dc->gid[k]];
	}
	/* counting sort by group */
	memset(dc->start, 0, sizeof(long) * (size_t)(ng + 1));
	for (long k = 0; k < dc->n; k++)
		dc->start[dc->gid[k] + 1]++;
	for (long g = 0; g < ng; g++)
		dc->start[g + 1] += dc->start[g];
	for (long k = 0; k < dc->n; k++)
		c->key[dc->start[dc->gid[k]]++] = k;
	for (long g = ng; g > 0; g--)
		dc->start[g] = dc->start[g - 1];
	dc->start[0] = 0;
	memcpy(dc->order, c->key, sizeof(long) * (size_t)dc->n);
	return ng;
}

/* Distinct values of index r over one group of each of its loops. */
static long sumset(Counter *c, const Affine *a, long limit, const int *dims,
                   int nd, const long *g)
{
	if (limit > c->bitcap) {
		free(c->bits);
		c->bitcap = limit;
		c->bits = xcalloc((size_t)limit, 1);
	}
	/* values reachable so far, as a list; the bitmap dedupes */
	long cap = 1;
	for (int i = 0; i < nd; i++) {
		const DimCfg *dc = &c->dim[dims[i]];
		cap *= dc->start[g[i] + 1] - dc->start[g[i]];
	}
	long *cur = xcalloc((size_t)cap + 1, sizeof(long)), ncur = 1;
	long *nxt = xcalloc((size_t)cap + 1, sizeof(long));
	cur[0] = a->offset;
	for (int i = 0; i < nd; i++) {
		const DimCfg *dc = &c->dim[dims[i]];
		long nn = 0, coef = a->coef[dims[i]];
		for (long u = 0; u < ncur; u++)
			for (long s = dc->start[g[i]]; s < dc->start[g[i] + 1]; s++) {
				long v = cur[u] + coef * dc->val[dc->order[s]];
				ASSERT(v >= 0 && v < limit);
				if (!c->bits[v]) {
					c->bits[v] = 1;
					nxt[nn++] = v;
				}
			}
		for (long u = 0; u < nn; u++)
			c->bits[nxt[u]] = 0;
		long *t = cur;
		cur = nxt;
		nxt = t;
		ncur = nn;
	}
	free(cur);
	free(nxt);
	return ncur;
}

/* Over all groups of the index's loops: the sum (or the largest) of the
 * number of distinct values. */
static long index_total(Counter *c, const Affine *a, long limit,
                        const long *ngroups, int want_max)
{
	int dims[NDIMS], nd = 0;
	for (int d = 0; d < NDIMS; d++)
		if (a->coef[d])
			dims[nd++] = d;
	if (nd == 0)
		return 1;
	if (nd == 1 && !want_max)
		return c->dim[dims[0]].n; /* an affine map of one loop is 1:1 */
	long g[NDIMS] = {0}, total = 0;
	for (;;) {
		long n = nd == 1 ? c->dim[dims[0]].start[g[0] + 1] -
		                   c->dim[dims[0]].start[g[0]]
		                 : sumset(c, a, limit, dims, nd, g);
		total = want_max ? (n > total ? n : total) : total + n;
		int i = 0;
		while (i < nd && ++g[i] == ngroups[dims[i]])
			g[i++] = 0;
		if (i == nd)
			break;
	}
	return total;
}

static long tally(Counter *c, int t, const unsigned char *mark, int want_max)
{
	const LoopNest *ln = c->ln;
	const Tensor *ten = &ln->layer->t[t];
	long ngroups[NDIMS] = {0}, total = 1;
	for (int d = 0; d < NDIMS; d++) {
		if (!ln->layer->extent[d])
			continue;
		int used = 0;
		for (int r = 0; r < ten->rank; r++)
			used |= ten->idx[r].coef[d] != 0;
		ngroups[d] = group(c, d, mark);
		if (!used && !want_max)
			total *= ngroups[d];
	}
	for (int r = 0; r < ten->rank; r++)
		total *= index_total(c, &ten->idx[r], ten->shape[r], ngroups,
		                     want_max);
	return total;
}

long count_words(Counter *c, int t, const unsigned char *mark)
{
	return tally(c, t, mark, 0);
}

long count_max_block(Counter *c, int t, const unsigned char *mark)
{
	return tally(c, t, mark, 1);
}

long count_events(Counter *c, const unsigned char *mark)
{
	long total = 1;
	for (int d = 0; d < NDIMS; d++)
		if (c->ln->layer->extent[d])
			total *= group(c, d, mark);
	return total;
}
