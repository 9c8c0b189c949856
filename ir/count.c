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
	int edge;                   /* some guard of this loop binds */
} DimCfg;

struct Counter {
	const LoopNest *ln;
	DimCfg dim[NDIMS];
	long *key;                  /* scratch, size max n */
	long *map;                  /* scratch for key -> group */
	long mapcap;
	unsigned char *bits;        /* scratch bitmap for sum sets */
	long bitcap;
	long *cur, *nxt;            /* scratch value lists for sum sets */
	long listcap;
	int brute;                  /* count by walking every iteration */
};

static long brute(const LoopNest *ln, int t, const unsigned char *mark,
                  int what);
static long quick_groups(const Counter *c, int d, const unsigned char *mark);

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
		for (int q = 0; q < dc->nparts; q++)
			dc->edge |= ln->loop[dc->loop[q]].edge;
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
	free(c->cur);
	free(c->nxt);
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
	long quick = quick_groups(c, d, mark);
	if (quick == 1 || quick == dc->n) { /* one group, or one each */
		for (long k = 0; k < dc->n; k++)
			dc->order[k] = k;
		for (long g = 0; g <= quick; g++)
			dc->start[g] = quick == 1 ? (g ? dc->n : 0) : g;
		return quick;
	}
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
	if (cap > limit)
		cap = limit; /* the bitmap keeps at most `limit` values */
	if (cap + 1 > c->listcap) {
		free(c->cur);
		free(c->nxt);
		c->listcap = cap + 1;
		c->cur = xcalloc((size_t)c->listcap, sizeof(long));
		c->nxt = xcalloc((size_t)c->listcap, sizeof(long));
	}
	long *cur = c->cur, *nxt = c->nxt, ncur = 1;
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

/* The number of groups of layer loop d without forming them, when that
 * is cheap: no marked counter (one group), every counter marked (one
 * setting each), or no edge tiles (every combination of the marked
 * counters is valid).  -1 otherwise. */
static long quick_groups(const Counter *c, int d, const unsigned char *mark)
{
	const DimCfg *dc = &c->dim[d];
	int marked = 0;
	long prod = 1;
	for (int q = 0; q < dc->nparts; q++)
		if (mark[dc->loop[q]]) {
			marked++;
			prod *= c->ln->loop[dc->loop[q]].part[dc->part[q]].extent;
		}
	if (marked == 0)
		return 1;
	if (marked == dc->nparts)
		return dc->n;
	return dc->edge ? -1 : prod;
}

static long tally(Counter *c, int t, const unsigned char *mark, int want_max)
{
	const LoopNest *ln = c->ln;
	const Tensor *ten = &ln->layer->t[t];
	long ngroups[NDIMS] = {0}, total = 1;
	for (int d = 0; d < NDIMS; d++) {
		if (!ln->layer->extent[d])
			continue;
		int used = 0, shared = 0;
		for (int r = 0; r < ten->rank; r++) {
			int n = 0;
			for (int e = 0; e < NDIMS; e++)
				n += ten->idx[r].coef[e] != 0;
			used |= ten->idx[r].coef[d] != 0;
			shared |= ten->idx[r].coef[d] != 0 && n > 1;
		}
		if (used && (shared || want_max)) {
			ngroups[d] = group(c, d, mark); /* the groups themselves */
		} else if (!used && !want_max) {
			long q = quick_groups(c, d, mark);
			total *= q >= 0 ? q : group(c, d, mark);
		}
	}
	for (int r = 0; r < ten->rank; r++)
		total *= index_total(c, &ten->idx[r], ten->shape[r], ngroups,
		                     want_max);
	return total;
}

long count_words(Counter *c, int t, const unsigned char *mark)
{
	return c->brute ? brute(c->ln, t, mark, 0) : tally(c, t, mark, 0);
}

long count_max_block(Counter *c, int t, const unsigned char *mark)
{
	return c->brute ? brute(c->ln, t, mark, 1) : tally(c, t, mark, 1);
}

long count_events(Counter *c, const unsigned char *mark)
{
	if (c->brute)
		return brute(c->ln, 0, mark, 2);
	long total = 1;
	for (int d = 0; d < NDIMS; d++)
		if (c->ln->layer->extent[d])
			total *= group(c, d, mark);
	return total;
}

/* ---- brute force: the same counts by walking every iteration ----
 *
 * For testing the grouping above (`tessera model --brute`): visit each
 * valid iteration of the nest in order, and collect the distinct pairs
 * (setting of the marked loops, element of the tensor).  Their number is
 * count_words; the distinct settings, count_events; the most pairs with
 * one setting, count_max_block.  Slow: for small layers only.
 */

typedef struct Pair {
	uint64_t key, elem;
} Pair;

typedef struct Walk {
	const LoopNest *ln;
	int t;
	const unsigned char *mark;
	long ctr[MAX_LOOPS];
	long gpart[MAX_GUARDS];
	long dimval[NDIMS];
	Pair *pairs;
	long n, cap;
} Walk;

static void walk(Walk *w, int i)
{
	const LoopNest *ln = w->ln;
	if (i == ln->nloops) {
		uint64_t key = 0, elem = 0;
		for (int k = 0; k < ln->nloops; k++)
			if (w->mark[k])
				key = key * (uint64_t)ln->loop[k].extent +
				      (uint64_t)w->ctr[k];
		const Tensor *t = &ln->layer->t[w->t < 0 ? 0 : w->t];
		for (int r = 0; w->t >= 0 && r < t->rank; r++) {
			long v = t->idx[r].offset;
			for (int d = 0; d < NDIMS; d++)
				v += t->idx[r].coef[d] * w->dimval[d];
			elem = elem * (uint64_t)t->shape[r] + (uint64_t)v;
		}
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 4096;
			w->pairs = realloc(w->pairs, sizeof(Pair) * (size_t)w->cap);
			if (!w->pairs)
				INTERNAL("out of memory");
		}
		w->pairs[w->n++] = (Pair){key, elem};
		return;
	}
	const Loop *l = &ln->loop[i];
	long bound = loop_bound(ln, i, w->gpart);
	for (long c = 0; c < bound; c++) {
		long div = 1;
		w->ctr[i] = c;
		for (int p = 0; p < l->nparts; p++) {
			const Part *pt = &l->part[p];
			long v = (c / div) % pt->extent;
			div *= pt->extent;
			w->dimval[pt->dim] += v * pt->stride;
			for (int k = 0; k < pt->nguards; k++)
				w->gpart[pt->guard[k]] += v * pt->gstride[k];
		}
		walk(w, i + 1);
		div = 1;
		for (int p = 0; p < l->nparts; p++) {
			const Part *pt = &l->part[p];
			long v = (c / div) % pt->extent;
			div *= pt->extent;
			w->dimval[pt->dim] -= v * pt->stride;
			for (int k = 0; k < pt->nguards; k++)
				w->gpart[pt->guard[k]] -= v * pt->gstride[k];
		}
	}
}

static int cmp_pair(const void *a, const void *b)
{
	const Pair *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->elem > y->elem) - (x->elem < y->elem);
}

/* what: 0 distinct pairs, 1 largest block, 2 distinct settings. */
static long brute(const LoopNest *ln, int t, const unsigned char *mark,
                  int what)
{
	Walk w = {.ln = ln, .t = what == 2 ? -1 : t, .mark = mark};
	walk(&w, 0);
	qsort(w.pairs, (size_t)w.n, sizeof(Pair), cmp_pair);
	long distinct = 0, keys = 0, best = 0, run = 0;
	for (long k = 0; k < w.n; k++) {
		int newkey = k == 0 || w.pairs[k].key != w.pairs[k - 1].key;
		int newpair = newkey || w.pairs[k].elem != w.pairs[k - 1].elem;
		if (newkey) {
			keys++;
			run = 0;
		}
		if (newpair) {
			distinct++;
			if (++run > best)
				best = run;
		}
	}
	free(w.pairs);
	return what == 0 ? distinct : what == 1 ? best : keys;
}

void counter_set_brute(Counter *c, int on)
{
	c->brute = on;
}
