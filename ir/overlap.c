/* overlap.c - the words a buffer that keeps its overlap fetches
 * (keep_overlap(), docs/model.md "Sliding windows").
 *
 * Such a buffer keeps, at a refill, the words its new block shares with
 * the block it held, and fetches only the others.  Each instance (a PE
 * of a per-PE level; else the array as one) keeps its own: its words
 * fetched at refill e are B(e) \ B(e-1), its blocks at that refill and
 * the one before (empty where it had no work then).  A refill that
 * brings the same word into several PEs reads it from the parent once.
 *
 * Where no guard binds (no edge or padding tile anywhere), every block
 * is its first one moved, and every refill at which the same event loop
 * steps (the loops inside it wrapping) moves it by the same amount: one
 * refill of each kind is counted, times how often it happens.  Otherwise
 * every refill is walked (buffers.c bounds the work).  Each block is
 * listed by walking the loops that index the tensor (a loop that does
 * not only has to allow one iteration).
 */
#include "tessera.h"

#include <stdlib.h>
#include <string.h>

typedef struct Ov {
	const LoopNest *ln;
	int t;
	unsigned char fixed[MAX_LOOPS];  /* event loops, and the instances' */
	long ctr[MAX_LOOPS], gpart[MAX_GUARDS], dimval[NDIMS];
	long lin[NDIMS], base;
	long ninst;
	int ninstl, instl[MAX_LOOPS];    /* the loops telling instances apart */
	long *cur, ncur, curcap;         /* the block being listed */
	long **prev, *nprev, *prevcap;   /* each instance's last block, sorted */
	long *ustamp, stamp;             /* words fetched at this refill */
	long each, uni;                  /* this refill's fetched words */
} Ov;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom("counting the words a buffer keeps (keep_overlap)");
	return p;
}

static void add_parts(Ov *o, int i, long c, int sign)
{
	const Loop *l = &o->ln->loop[i];
	long div = 1;
	for (int p = 0; p < l->nparts; p++) {
		const Part *pt = &l->part[p];
		long v = (c / div) % pt->extent;
		div *= pt->extent;
		o->dimval[pt->dim] += sign * v * pt->stride;
		for (int k = 0; k < pt->nguards; k++)
			o->gpart[pt->guard[k]] += sign * v * pt->gstride[k];
	}
}

/* Lists the elements the valid iterations with the fixed loops at their
 * counters touch (with repeats). */
static void list_block(Ov *o, int i)
{
	const LoopNest *ln = o->ln;
	if (i == ln->nloops) {
		long e = o->base;
		for (int d = 0; d < NDIMS; d++)
			e += o->lin[d] * o->dimval[d];
		if (o->ncur == o->curcap) {
			o->curcap = o->curcap ? 2 * o->curcap : 256;
			o->cur = xrealloc(o->cur, sizeof(long) * (size_t)o->curcap);
		}
		o->cur[o->ncur++] = e;
		return;
	}
	long bound = loop_bound(ln, i, o->gpart);
	long lo = 0, hi = bound;
	if (o->fixed[i]) {
		if (o->ctr[i] >= bound)
			return;
		lo = o->ctr[i];
		hi = lo + 1;
	} else if (!loop_indexes(ln, o->t, i)) {
		hi = bound > 0;
	}
	for (long c = lo; c < hi; c++) {
		add_parts(o, i, c, 1);
		list_block(o, i + 1);
		add_parts(o, i, c, -1);
	}
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Instance k's block, sorted and without repeats, in o->cur. */
static void block_of(Ov *o, long k)
{
	for (int j = o->ninstl - 1; j >= 0; j--) {
		int i = o->instl[j];
		o->ctr[i] = k % o->ln->loop[i].extent;
		k /= o->ln->loop[i].extent;
	}
	o->ncur = 0;
	list_block(o, 0);
	qsort(o->cur, (size_t)o->ncur, sizeof(long), cmp_long);
	long n = 0;
	for (long k2 = 0; k2 < o->ncur; k2++)
		if (!n || o->cur[k2] != o->cur[n - 1])
			o->cur[n++] = o->cur[k2];
	o->ncur = n;
}

/* One refill at the event loops' counters: each instance's block
 * against its last one.  Returns 0 when no instance has work (no
 * refill happens: the blocks stay). */
static int refill(Ov *o)
{
	long any = 0;
	for (long k = 0; k < o->ninst && !any; k++) {
		block_of(o, k);
		any = o->ncur;
	}
	if (!any)
		return 0;
	o->stamp++;
	o->each = o->uni = 0;
	for (long k = 0; k < o->ninst; k++) {
		block_of(o, k);
		const long *p = o->prev[k];
		long np = o->nprev[k], j = 0;
		for (long q = 0; q < o->ncur; q++) {
			long e = o->cur[q];
			while (j < np && p[j] < e)
				j++;
			if (j < np && p[j] == e)
				continue;
			o->each++;
			if (o->ustamp[e] != o->stamp) {
				o->ustamp[e] = o->stamp;
				o->uni++;
			}
		}
		if (o->prevcap[k] < o->ncur) {
			o->prevcap[k] = o->ncur;
			o->prev[k] = xrealloc(o->prev[k], sizeof(long) *
			                      (size_t)o->ncur);
		}
		memcpy(o->prev[k], o->cur, sizeof(long) * (size_t)o->ncur);
		o->nprev[k] = o->ncur;
	}
	return 1;
}

/* Every refill, in time order: the event loops' settings, outermost
 * loop slowest. */
static void every_refill(Ov *o, const int *evl, int nev, long *each,
                         long *uni)
{
	for (int j = 0; j < nev; j++)
		o->ctr[evl[j]] = 0;
	for (;;) {
		if (refill(o)) {
			*each += o->each;
			*uni += o->uni;
		}
		int j = nev - 1;
		while (j >= 0 && ++o->ctr[evl[j]] == o->ln->loop[evl[j]].extent)
			o->ctr[evl[j--]] = 0;
		if (j < 0)
			return;
	}
}

/* The event loops' counters from their digits: one digit per part of
 * each (a fused loop's parts are digits of its counter). */
typedef struct Digits {
	int n;
	int loop[MAX_LOOPS * MAX_PARTS];
	long ext[MAX_LOOPS * MAX_PARTS], mul[MAX_LOOPS * MAX_PARTS];
	long val[MAX_LOOPS * MAX_PARTS];
} Digits;

static void set_digits(Ov *o, const Digits *g)
{
	for (int j = 0; j < g->n; j++)
		o->ctr[g->loop[j]] = 0;
	for (int j = 0; j < g->n; j++)
		o->ctr[g->loop[j]] += g->val[j] * g->mul[j];
}

/* Every tile full: the first refill, then one of each kind, counted as
 * often as it happens (digit j steps with the digits inside it at their
 * last values, wrapping to 0): each moves every block alike. */
static void refill_kinds(Ov *o, const int *evl, int nev, long *each,
                         long *uni)
{
	const LoopNest *ln = o->ln;
	Digits g = {0};
	for (int j = 0; j < nev; j++) {   /* slowest digit first */
		const Loop *l = &ln->loop[evl[j]];
		for (int p = l->nparts - 1; p >= 0; p--) {
			long mul = 1;
			for (int q = 0; q < p; q++)
				mul *= l->part[q].extent;
			g.loop[g.n] = evl[j];
			g.ext[g.n] = l->part[p].extent;
			g.mul[g.n++] = mul;
		}
	}
	set_digits(o, &g);
	refill(o);
	*each += o->each;
	*uni += o->uni;
	long outer = 1;
	for (int j = 0; j < g.n; j++) {
		if (g.ext[j] > 1) {
			for (int q = 0; q < g.n; q++)
				g.val[q] = q > j ? g.ext[q] - 1 : 0;
			set_digits(o, &g);
			refill(o);
			for (int q = j; q < g.n; q++)
				g.val[q] = q == j;
			set_digits(o, &g);
			refill(o);
			long times = outer * (g.ext[j] - 1);
			*each += times * o->each;
			*uni += times * o->uni;
		}
		outer *= g.ext[j];
	}
}

static long sat_mul(long a, long b)
{
	return a > (1L << 62) / (b ? b : 1) ? 1L << 62 : a * b;
}

static int binds(const LoopNest *ln)
{
	for (int g = 0; g < ln->nguards; g++)
		if (!ln->guard[g].trivial)
			return 1;
	return 0;
}

/* Iterations count_kept visits for buffer b (without brute), saturating
 * at 2^62: the refills it walks, times the instances, times the
 * settings of the loops that list a block. */
long kept_work(const LoopNest *ln, const Buffer *b, int per_pe_view)
{
	unsigned char ev[MAX_LOOPS];
	mark_events(ln, b->tensor, b->at, ev);
	long refills = 1, per = 1;
	int nev = 0;
	for (int i = 0; i < ln->nloops; i++) {
		long ext = ln->loop[i].extent;
		int spatial = ln->loop[i].kind == LOOP_SPATIAL;
		if (ev[i]) {
			refills = sat_mul(refills, ext);
			nev += ln->loop[i].nparts;
		} else if ((spatial && per_pe_view) ||
		           loop_indexes(ln, b->tensor, i)) {
			per = sat_mul(per, ext);
		}
	}
	if (!binds(ln))
		refills = 2 * nev + 1;
	return sat_mul(refills, per);
}

void count_kept(const LoopNest *ln, int t, int at, int per_pe_view,
                int brute, long *each, long *uni)
{
	Ov o = {.ln = ln, .t = t, .ninst = 1};
	unsigned char ev[MAX_LOOPS];
	mark_events(ln, t, at, ev);
	int evl[MAX_LOOPS], nev = 0;
	for (int i = 0; i < ln->nloops; i++) {
		o.fixed[i] = ev[i];
		if (ev[i])
			evl[nev++] = i;
		if (per_pe_view && ln->loop[i].kind == LOOP_SPATIAL) {
			o.fixed[i] = 1;
			o.instl[o.ninstl++] = i;
			o.ninst *= ln->loop[i].extent;
		}
	}
	tensor_linear(&ln->layer->t[t], o.lin, &o.base);
	o.ustamp = xrealloc(NULL, sizeof(long) *
	                    (size_t)layer_elements(ln->layer, t));
	for (long e = 0; e < layer_elements(ln->layer, t); e++)
		o.ustamp[e] = -1;
	o.prev = xrealloc(NULL, sizeof(long *) * (size_t)o.ninst);
	o.nprev = xrealloc(NULL, sizeof(long) * (size_t)o.ninst);
	o.prevcap = xrealloc(NULL, sizeof(long) * (size_t)o.ninst);
	for (long k = 0; k < o.ninst; k++) {
		o.prev[k] = NULL;
		o.nprev[k] = o.prevcap[k] = 0;
	}
	*each = *uni = 0;
	if (brute || binds(ln))
		every_refill(&o, evl, nev, each, uni);
	else
		refill_kinds(&o, evl, nev, each, uni);
	for (long k = 0; k < o.ninst; k++)
		free(o.prev[k]);
	free(o.prev);
	free(o.nprev);
	free(o.prevcap);
	free(o.ustamp);
	free(o.cur);
}
