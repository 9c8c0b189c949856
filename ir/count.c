/* count.c - exact counting over the iteration space of a loop nest, the
 * primitive under the analytical model (docs/model.md).
 *
 * Guards bind one layer loop each, so the valid iterations are a product
 * over the layer's loops.  For loop d, the valid settings of the counters
 * that step d are exactly extent(d), one per value of d.  When their
 * extents multiply to that ("full": no edge tile cuts them), every
 * combination is valid and nothing needs listing; otherwise they are
 * enumerated once (the enumeration asserts their number).  A count then marks
 * some loops of the nest: a setting of the marked loops is one "event"
 * (a refill, a step, a PE), and the question is how many distinct
 * elements of a tensor the unmarked loops touch in each event, summed
 * over events.  Settings of d are grouped by their marked counters; a
 * tensor index that uses one loop touches as many values as the group
 * has, one that uses several (y*s+fy) touches their sum set.  Its size
 * depends only on the groups' shapes (their values moved to start at 0),
 * and the groups of a loop have few shapes (a full loop's are all one:
 * the sum of a progression for each run of its unmarked counters), so
 * each combination of shapes is counted once, by ir/sumset.c (closed
 * forms, else a bitmap), and weighed by how many groups have it: never
 * sum by sum (K x C sums for W(k+c)).  Tensor indices must use disjoint
 * loops (checked in ir/interconnect.c), which makes the total a product
 * over indices.
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
	/* 32 bits hold every value: extents are at most 2^24 (ir/buffers.c),
	 * and the tables are the model's largest memory */
	int32_t *cnt;               /* n * nparts counters */
	int32_t *val;               /* the loop's value in each setting */
	int32_t *gid;               /* scratch: group of each setting */
	int32_t *order, *start;     /* scratch: settings sorted by group */
	int full;                   /* every combination of the counters is
	                               valid (their extents multiply to n):
	                               groups and shapes follow from the
	                               extents, and nothing is listed */
	uint64_t grouped;           /* marked counters of the last grouping */
	long ngroups;               /* its groups (0: none yet) */
} DimCfg;

/* The values one group of a layer loop takes, moved to start at 0 (a
 * sum set's size does not change when a set moves): pieces in the
 * loop's pool, one for an arithmetic progression. */
typedef struct Shape {
	long n;              /* values */
	long span;           /* the largest */
	long npieces, first; /* pieces pool[first .. first + npieces) */
	uint64_t hash;       /* of n, the pieces: finds equal shapes */
	long mult;           /* groups of this shape */
} Shape;

/* The distinct shapes of a layer loop's groups, with a hash index. */
typedef struct ShapeSet {
	Shape *shape;        /* n distinct shapes (room for cap) */
	long n, cap;
	SumPiece *pool;      /* their pieces (npool used, room for poolcap) */
	long npool, poolcap;
	long *slot;          /* hash index: shape number + 1, 0 empty */
	long nslots;         /* a power of two, at least twice n */
	uint64_t grouped;    /* the grouping they are of (DimCfg.grouped) */
	int valid;           /* computed for that grouping */
} ShapeSet;

struct Counter {
	const LoopNest *ln;
	DimCfg dim[NDIMS];
	long *key;                  /* scratch, size max n */
	int32_t *map;               /* scratch for key -> group */
	long mapcap;
	ShapeSet shapes[NDIMS];     /* each loop's group shapes */
	SumScratch sums;            /* bitmaps for irregular sum sets */
	int brute;                  /* count by walking every iteration */
};

static long quick_groups(const Counter *c, int d, const unsigned char *mark);

/* The counter's tables grow with the layer's extents: running out of
 * memory for them is the user's sizes, not a bug. */
static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die_oom("counting the model's accesses");
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
		for (int k = 0; k < dc->nparts; k++)
			dc->cnt[dc->n * dc->nparts + k] = (int32_t)ctr[k];
		dc->val[dc->n++] = (int32_t)value;
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
		ASSERT(e < INT32_MAX);
		long prod = 1;
		for (int q = 0; q < dc->nparts; q++) {
			long x = ln->loop[dc->loop[q]].part[dc->part[q]].extent;
			prod = prod > (1L << 40) / x ? (1L << 40) : prod * x;
		}
		dc->full = prod == e;
		dc->n = e;
		if (dc->full)
			continue;
		dc->n = 0;
		dc->cnt = xcalloc((size_t)(e * dc->nparts), sizeof(int32_t));
		dc->val = xcalloc((size_t)e, sizeof(int32_t));
		dc->gid = xcalloc((size_t)e, sizeof(int32_t));
		dc->order = xcalloc((size_t)e, sizeof(int32_t));
		dc->start = xcalloc((size_t)e + 1, sizeof(int32_t));
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
	for (int d = 0; d < NDIMS; d++) {
		free(c->shapes[d].shape);
		free(c->shapes[d].pool);
		free(c->shapes[d].slot);
	}
	sumscratch_free(&c->sums);
	free(c);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Group numbers of the settings from their keys (in c->key) through a
 * table of every possible key: when there are few more keys than
 * settings. */
static long groups_by_map(Counter *c, DimCfg *dc, long space)
{
	if (space > c->mapcap) {
		free(c->map);
		c->mapcap = space;
		c->map = xcalloc((size_t)space, sizeof(int32_t));
	}
	long ng = 0;
	for (long k = 0; k < dc->n; k++)
		c->map[c->key[k]] = -1;
	for (long k = 0; k < dc->n; k++) {
		if (c->map[c->key[k]] < 0)
			c->map[c->key[k]] = (int32_t)ng++;
		dc->gid[k] = c->map[c->key[k]];
	}
	return ng;
}

typedef struct KeyAt {
	long key, at;
} KeyAt;

static int cmp_keyat(const void *a, const void *b)
{
	const KeyAt *x = a, *y = b;
	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return (x->at > y->at) - (x->at < y->at);
}

/* The same by sorting the keys: when the possible keys are many more
 * than the settings (edge tiles leave most of them unused). */
static long groups_by_sort(Counter *c, DimCfg *dc)
{
	KeyAt *ka = malloc(sizeof *ka * (size_t)dc->n);
	if (!ka)
		die_oom("counting the model's accesses");
	for (long k = 0; k < dc->n; k++)
		ka[k] = (KeyAt){c->key[k], k};
	qsort(ka, (size_t)dc->n, sizeof *ka, cmp_keyat);
	long ng = 0;
	for (long k = 0; k < dc->n; k++) {
		if (k == 0 || ka[k].key != ka[k - 1].key)
			ng++;
		dc->gid[ka[k].at] = (int32_t)(ng - 1);
	}
	free(ka);
	return ng;
}

/* Groups the settings of layer loop d by their marked counters; returns
 * the number of groups and leaves the settings sorted by group in
 * order[], group g spanning order[start[g] .. start[g+1]). */
static long form_groups(Counter *c, int d, const unsigned char *mark)
{
	DimCfg *dc = &c->dim[d];
	const LoopNest *ln = c->ln;
	long quick = quick_groups(c, d, mark);
	if (quick == 1 || quick == dc->n) { /* one group, or one each */
		for (long k = 0; k < dc->n; k++)
			dc->order[k] = (int32_t)k;
		for (long g = 0; g <= quick; g++)
			dc->start[g] = (int32_t)(quick == 1 ? (g ? dc->n : 0) : g);
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
	long ng = space <= 4 * dc->n + 4096 ? groups_by_map(c, dc, space)
	                                    : groups_by_sort(c, dc);
	/* counting sort by group */
	memset(dc->start, 0, sizeof(int32_t) * (size_t)(ng + 1));
	for (long k = 0; k < dc->n; k++)
		dc->start[dc->gid[k] + 1]++;
	for (long g = 0; g < ng; g++)
		dc->start[g + 1] += dc->start[g];
	for (long k = 0; k < dc->n; k++)
		dc->order[dc->start[dc->gid[k]]++] = (int32_t)k;
	for (long g = ng; g > 0; g--)
		dc->start[g] = dc->start[g - 1];
	dc->start[0] = 0;
	return ng;
}

static void *grow(void *p, long *cap, long need, size_t size)
{
	if (need <= *cap)
		return p;
	long n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	p = realloc(p, size * (size_t)n);
	if (!p)
		die_oom("counting the model's accesses");
	*cap = n;
	return p;
}

static uint64_t mix(uint64_t h, long v)
{
	return (h ^ (uint64_t)v) * 0x100000001b3ULL;
}

static int same_shape(const ShapeSet *ss, const Shape *a, const Shape *b)
{
	return a->hash == b->hash && a->n == b->n && a->span == b->span &&
	       a->npieces == b->npieces &&
	       !memcmp(ss->pool + a->first, ss->pool + b->first,
	               sizeof(SumPiece) * (size_t)a->npieces);
}

/* Adds shape `sh` (its pieces at the pool's end) `mult` times: to an
 * equal shape already there (dropping the new pieces), or as a new one. */
static void add_shape(ShapeSet *ss, Shape sh, long mult)
{
	if (2 * (ss->n + 1) > ss->nslots) { /* rebuild the index, larger */
		free(ss->slot);
		ss->nslots = ss->nslots ? 2 * ss->nslots : 64;
		ss->slot = calloc((size_t)ss->nslots, sizeof(long));
		if (!ss->slot)
			die_oom("counting the model's accesses");
		for (long k = 0; k < ss->n; k++) {
			long h = (long)(ss->shape[k].hash & (uint64_t)(ss->nslots - 1));
			while (ss->slot[h])
				h = (h + 1) & (ss->nslots - 1);
			ss->slot[h] = k + 1;
		}
	}
	long h = (long)(sh.hash & (uint64_t)(ss->nslots - 1));
	for (; ss->slot[h]; h = (h + 1) & (ss->nslots - 1)) {
		Shape *old = &ss->shape[ss->slot[h] - 1];
		if (same_shape(ss, old, &sh)) {
			old->mult += mult;
			ss->npool = sh.first;
			return;
		}
	}
	ss->shape = grow(ss->shape, &ss->cap, ss->n + 1, sizeof(Shape));
	sh.mult = mult;
	ss->shape[ss->n++] = sh;
	ss->slot[h] = ss->n;
}

/* The shape of group g of layer loop d: one progression when its values
 * are evenly spaced (the usual case: a block of a split loop), else its
 * sorted values cut into maximal progressions (an edge tile leaving
 * gaps). */
static Shape group_shape(Counter *c, int d, long g, ShapeSet *ss)
{
	const DimCfg *dc = &c->dim[d];
	long lo = dc->start[g], hi = dc->start[g + 1], n = hi - lo;
	long min = dc->val[dc->order[lo]], max = min;
	for (long s = lo; s < hi; s++) {
		long v = dc->val[dc->order[s]];
		min = v < min ? v : min;
		max = v > max ? v : max;
	}
	Shape sh = {.n = n, .span = max - min, .first = ss->npool};
	long step = n > 1 && (max - min) % (n - 1) == 0 ? (max - min) / (n - 1)
	                                                 : n > 1 ? 0 : 1;
	for (long s = lo; s < hi && step; s++)
		if ((dc->val[dc->order[s]] - min) % step)
			step = 0;
	if (step) { /* n distinct values on n places: all of them */
		ss->pool = grow(ss->pool, &ss->poolcap, ss->npool + 1,
		                sizeof(SumPiece));
		ss->pool[ss->npool++] = (SumPiece){0, step, n};
		sh.npieces = 1;
		sh.hash = mix(mix(mix(0xcbf29ce484222325ULL, n), step), 1);
		return sh;
	}
	long *v = c->key;  /* free between groupings */
	for (long s = lo; s < hi; s++)
		v[s - lo] = dc->val[dc->order[s]] - min;
	qsort(v, (size_t)n, sizeof(long), cmp_long);
	sh.hash = mix(0xcbf29ce484222325ULL, n);
	for (long i = 0; i < n;) {
		long st = i + 1 < n ? v[i + 1] - v[i] : 1, j = i + 1;
		while (j < n && v[j] - v[j - 1] == st)
			j++;
		ss->pool = grow(ss->pool, &ss->poolcap, ss->npool + 1,
		                sizeof(SumPiece));
		ss->pool[ss->npool++] = (SumPiece){v[i], st, j - i};
		sh.hash = mix(mix(mix(sh.hash, v[i]), st), j - i);
		sh.npieces++;
		i = j;
	}
	return sh;
}

/* The distinct shapes of layer loop d's ngroups groups (formed by
 * group()), each with how many groups have it. */
static void shapes(Counter *c, int d, long ngroups, ShapeSet *ss)
{
	const DimCfg *dc = &c->dim[d];
	if (ss->valid && ss->grouped == dc->grouped)
		return;
	ss->valid = 1;
	ss->grouped = dc->grouped;
	ss->n = 0;
	ss->npool = 0;
	if (ss->slot)
		memset(ss->slot, 0, sizeof(long) * (size_t)ss->nslots);
	if (ngroups == dc->n) {          /* one value each */
		ss->pool = grow(ss->pool, &ss->poolcap, 1, sizeof(SumPiece));
		ss->pool[ss->npool++] = (SumPiece){0, 1, 1};
		add_shape(ss, (Shape){.n = 1, .npieces = 1}, ngroups);
	} else {
		for (long g = 0; g < ngroups; g++)
			add_shape(ss, group_shape(c, d, g, ss), 1);
	}
}

/* group() remembers its last grouping of each loop: the counts of one
 * model ask for the same groups many times, and forming them walks every
 * value of the loop. */
static long group(Counter *c, int d, const unsigned char *mark)
{
	DimCfg *dc = &c->dim[d];
	uint64_t m = 0;
	for (int q = 0; q < dc->nparts; q++)
		if (mark[dc->loop[q]])
			m |= (uint64_t)1 << q;
	if (dc->ngroups && dc->grouped == m)
		return dc->ngroups;
	/* a full loop's groups are every setting of its marked counters */
	dc->ngroups = dc->full ? quick_groups(c, d, mark)
	                       : form_groups(c, d, mark);
	dc->grouped = m;
	return dc->ngroups;
}

/* A full loop's values in one group: the sum of one progression for
 * each run of unmarked counters (strides s, s*e, ... make one), from
 * its last grouping; returns their number. */
static int full_shape(const Counter *c, int d, SumPiece *prog)
{
	const DimCfg *dc = &c->dim[d];
	const LoopNest *ln = c->ln;
	int n = 0;
	for (int q = 0; q < dc->nparts; q++) {
		const Part *p = &ln->loop[dc->loop[q]].part[dc->part[q]];
		if (dc->grouped >> q & 1 || p->extent == 1)
			continue;
		prog[n++] = (SumPiece){0, p->stride, p->extent};
	}
	for (int i = 1; i < n; i++)   /* by stride */
		for (int j = i; j > 0 && prog[j].step < prog[j - 1].step; j--) {
			SumPiece t = prog[j];
			prog[j] = prog[j - 1];
			prog[j - 1] = t;
		}
	int m = 0;
	for (int i = 0; i < n; i++)
		if (m && prog[m - 1].step * prog[m - 1].n == prog[i].step)
			prog[m - 1].n *= prog[i].n;
		else
			prog[m++] = prog[i];
	return m;
}

/* Distinct values of index `a` in one group of each of its loops, for
 * every combination of the loops' distinct group shapes: their sum (each
 * times the groups that have it) or their largest. */
static long shape_total(Counter *c, const Affine *a, const int *dims,
                        int nd, const long *ngroups, int want_max)
{
	SumTerm term[SUMSET_MAXTERMS];
	SumPiece prog[NDIMS][MAX_DIM_PARTS];
	int nfixed = 0;
	long fixed_weight = 1;
	for (int i = 0; i < nd; i++) /* full loops: one shape, its runs */
		if (c->dim[dims[i]].full) {
			int n = full_shape(c, dims[i], prog[i]);
			for (int j = 0; j < n; j++)
				term[nfixed++] = (SumTerm){a->coef[dims[i]],
				    prog[i][j].step * (prog[i][j].n - 1), 1, &prog[i][j]};
			fixed_weight *= ngroups[dims[i]];
		}
	long k[NDIMS] = {0}, total = 0;
	for (;;) {
		int nt = nfixed;
		long weight = fixed_weight;
		for (int i = 0; i < nd; i++) {
			if (c->dim[dims[i]].full)
				continue;
			const ShapeSet *ss = &c->shapes[dims[i]];
			const Shape *sh = &ss->shape[k[i]];
			term[nt++] = (SumTerm){a->coef[dims[i]], sh->span, sh->npieces,
			                       ss->pool + sh->first};
			weight *= sh->mult;
		}
		long n = sumset_size(&c->sums, term, nt);
		if (n < 0)
			die_oom("counting the model's accesses");
		total = want_max ? (n > total ? n : total) : total + weight * n;
		int i = 0;
		while (i < nd && (c->dim[dims[i]].full ||
		                  ++k[i] == c->shapes[dims[i]].n))
			k[i++] = 0;
		if (i == nd)
			break;
	}
	return total;
}

/* Over all groups of the index's loops: the sum (or the largest) of the
 * number of distinct values. */
static long index_total(Counter *c, const Affine *a, const long *ngroups,
                        int want_max)
{
	int dims[NDIMS], nd = 0;
	for (int d = 0; d < NDIMS; d++)
		if (a->coef[d])
			dims[nd++] = d;
	if (nd == 0)
		return 1;
	if (nd == 1 && !want_max)
		return c->dim[dims[0]].n; /* an affine map of one loop is 1:1 */
	if (nd == 1 && c->dim[dims[0]].full)   /* every group alike */
		return c->dim[dims[0]].n / ngroups[dims[0]];
	if (nd == 1) {
		const DimCfg *dc = &c->dim[dims[0]];
		long most = 0;
		for (long g = 0; g < ngroups[dims[0]]; g++)
			if (dc->start[g + 1] - dc->start[g] > most)
				most = dc->start[g + 1] - dc->start[g];
		return most;
	}
	for (int i = 0; i < nd; i++)
		if (!c->dim[dims[i]].full)
			shapes(c, dims[i], ngroups[dims[i]], &c->shapes[dims[i]]);
	return shape_total(c, a, dims, nd, ngroups, want_max);
}

/* The number of groups of layer loop d without forming them, when that
 * is cheap: no marked counter (one group), every counter marked (one
 * setting each), or a full loop (every combination of the marked
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
	return dc->full ? prod : -1;
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
		total *= index_total(c, &ten->idx[r], ngroups, want_max);
	return total;
}

long count_words(Counter *c, int t, const unsigned char *mark)
{
	return c->brute ? count_brute(c->ln, t, mark, 0) : tally(c, t, mark, 0);
}

long count_max_block(Counter *c, int t, const unsigned char *mark)
{
	return c->brute ? count_brute(c->ln, t, mark, 1) : tally(c, t, mark, 1);
}

long count_events(Counter *c, const unsigned char *mark)
{
	if (c->brute)
		return count_brute(c->ln, 0, mark, 2);
	long total = 1;
	for (int d = 0; d < NDIMS; d++)
		if (c->ln->layer->extent[d])
			total *= group(c, d, mark);
	return total;
}

/* The settings of the marked parts of layer loop d in nest order, each
 * cut at its trip count in time (loop_trips: padding cuts none), the
 * other parts at 0. */
static long dim_steps(const LoopNest *ln, int d, const unsigned char *mark,
                      int i, long *gpart)
{
	while (i < ln->nloops && !(mark[i] && ln->loop[i].part[0].dim == d &&
	                           ln->loop[i].nparts == 1))
		i++;
	if (i == ln->nloops)
		return 1;
	const Part *p = &ln->loop[i].part[0];
	long bound = loop_trips(ln, i, gpart), n = 0;
	for (long c = 0; c < bound; c++) {
		for (int k = 0; k < p->nguards; k++)
			gpart[p->guard[k]] += c * p->gstride[k];
		n += dim_steps(ln, d, mark, i + 1, gpart);
		for (int k = 0; k < p->nguards; k++)
			gpart[p->guard[k]] -= c * p->gstride[k];
	}
	return n;
}

long count_steps(Counter *c, const unsigned char *mark)
{
	const LoopNest *ln = c->ln;
	if (!nest_padded(ln))
		return count_events(c, mark);
	if (c->brute)
		return count_brute(ln, 0, mark, 3);
	long total = 1;
	for (int d = 0; d < NDIMS; d++) {
		if (!ln->layer->extent[d])
			continue;
		if (!ln->guard[d].padded || ln->guard[d].trivial) {
			total *= group(c, d, mark);
			continue;
		}
		/* no fused loop holds a part of d: padding that binds
		 * refuses the fuse (edges.c) */
		long gpart[MAX_GUARDS] = {0};
		total *= dim_steps(ln, d, mark, 0, gpart);
	}
	return total;
}

void counter_set_brute(Counter *c, int on)
{
	c->brute = on;
}

int counter_brute(const Counter *c)
{
	return c->brute;
}
