/* overlap.c - the words a buffer that keeps its overlap fetches
 * (keep_overlap(), docs/model.md "Keeping the overlap").
 *
 * Such a buffer keeps, at a refill, the words its new block shares with
 * the block it held, and fetches only the others.  Each instance (a PE
 * of a per-PE level; else the array as one) keeps its own: its words
 * fetched at refill e are B(e) \ B(e-1), its blocks at that refill and
 * the one before (empty where it had no work then).  A refill that
 * brings the same word into several PEs reads it from the parent once.
 *
 * Where no guard binds (no edge or padding tile anywhere), every block
 * is its first one moved, and every refill at which the same digit of
 * the event loops steps (the digits inside it wrapping) moves it by the
 * same amount: one refill of each kind is listed, and weighed by how
 * often it happens (refill_kinds).  Where guards bind, every refill is
 * visited, and the kinds are told apart by what the guards leave before
 * and after it as well (memo_refills; buffers.c bounds the work).
 * --brute lists every refill (every_refill).  A block is listed by
 * walking the loops that index the tensor (a loop that does not only
 * has to allow one iteration).
 */
#include "tessera.h"

#include <stdlib.h>
#include <string.h>

typedef struct Ov {
	const LoopNest *ln;
	int t;
	unsigned char fixed[MAX_LOOPS];  /* event loops, and the instances' */
	unsigned char ev[MAX_LOOPS];     /* the event loops */
	long ctr[MAX_LOOPS], gpart[MAX_GUARDS], dimval[NDIMS];
	long lin[NDIMS], base;
	long ninst;
	int ninstl, instl[MAX_LOOPS];    /* the loops telling instances apart */
	long *cur, ncur, curcap;         /* the block being listed */
	long **prev, *nprev, *prevcap;   /* each instance's last block, sorted */
	long *fresh, nfresh, freshcap;   /* words fetched at this refill,
	                                    an instance's each */
	long each, uni;                  /* this refill's fetched words */
} Ov;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom("counting the words a buffer keeps (keep_overlap)");
	return p;
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
		loop_move(o->ln, i, c, 1, o->dimval, o->gpart);
		list_block(o, i + 1);
		loop_move(o->ln, i, c, -1, o->dimval, o->gpart);
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

/* 1 when some instance has work at the event loops' counters. */
static int any_work(Ov *o)
{
	for (long k = 0; k < o->ninst; k++) {
		block_of(o, k);
		if (o->ncur)
			return 1;
	}
	return 0;
}

/* One refill at the event loops' counters: each instance's block
 * against its last one.  Returns 0 when no instance has work (no
 * refill happens: the blocks stay). */
static int refill(Ov *o)
{
	if (!any_work(o))
		return 0;
	o->nfresh = 0;
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
			if (o->nfresh == o->freshcap) {
				o->freshcap = o->freshcap ? 2 * o->freshcap : 256;
				o->fresh = xrealloc(o->fresh, sizeof(long) *
				                    (size_t)o->freshcap);
			}
			o->fresh[o->nfresh++] = e;
		}
		if (o->prevcap[k] < o->ncur) {
			o->prevcap[k] = o->ncur;
			o->prev[k] = xrealloc(o->prev[k], sizeof(long) *
			                      (size_t)o->ncur);
		}
		memcpy(o->prev[k], o->cur, sizeof(long) * (size_t)o->ncur);
		o->nprev[k] = o->ncur;
	}
	/* a word fetched for several instances is read once */
	qsort(o->fresh, (size_t)o->nfresh, sizeof(long), cmp_long);
	o->each = o->nfresh;
	o->uni = 0;
	for (long q = 0; q < o->nfresh; q++)
		o->uni += !q || o->fresh[q] != o->fresh[q - 1];
	return 1;
}

/* The event loops' next setting in time order, outermost loop slowest;
 * 0 (every counter back at 0) after the last. */
static int next_setting(Ov *o, const int *evl, int nev)
{
	int j = nev - 1;
	while (j >= 0 && ++o->ctr[evl[j]] == o->ln->loop[evl[j]].extent)
		o->ctr[evl[j--]] = 0;
	return j >= 0;
}

/* Every refill, in time order. */
static void every_refill(Ov *o, const int *evl, int nev, long *each,
                         long *uni)
{
	for (int j = 0; j < nev; j++)
		o->ctr[evl[j]] = 0;
	do {
		if (refill(o)) {
			*each += o->each;
			*uni += o->uni;
		}
	} while (next_setting(o, evl, nev));
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

/* Where guards bind, a block is its instance's first-refill shape
 * moved, cut by each binding guard g at what the event loops leave of
 * its limit: the residual limit - (their parts' sum), clipped to
 * [0, 1 + what the other parts can add] (beyond it nothing is cut).  So
 * the words a refill fetches depend only on the residuals before and
 * after it and on how far the event loops moved each layer loop: every
 * refill is visited, and each such key is listed once (a memo). */
typedef struct Memo {
	int klen;
	long *keys;          /* n keys of klen */
	long (*val)[2];      /* each, uni */
	long n, cap;
	long *slot;          /* hash index: entry + 1, 0 empty */
	long nslots;
} Memo;

static uint64_t key_hash(const long *k, int n)
{
	uint64_t h = 1469598103934665603u;
	for (int i = 0; i < n; i++)
		h = (h ^ (uint64_t)k[i]) * 1099511628211u;
	return h;
}

/* Entry of key k, or -1 (then *at is where it goes). */
static long memo_find(const Memo *m, const long *k, long *at)
{
	*at = 0;
	if (!m->nslots)
		return -1;
	long s = (long)(key_hash(k, m->klen) & (uint64_t)(m->nslots - 1));
	while (m->slot[s]) {
		long e = m->slot[s] - 1;
		if (!memcmp(m->keys + e * m->klen, k, sizeof(long) *
		            (size_t)m->klen))
			return e;
		s = (s + 1) & (m->nslots - 1);
	}
	*at = s;
	return -1;
}

static void memo_add(Memo *m, const long *k, long each, long uni)
{
	if (2 * (m->n + 1) > m->nslots) {
		long ns = m->nslots ? 2 * m->nslots : 64;
		free(m->slot);
		m->slot = calloc((size_t)ns, sizeof(long));
		if (!m->slot)
			die_oom("counting the words a buffer keeps (keep_overlap)");
		m->nslots = ns;
		for (long e = 0; e < m->n; e++) {
			long at = 0;
			memo_find(m, m->keys + e * m->klen, &at);
			m->slot[at] = e + 1;
		}
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->keys = xrealloc(m->keys, sizeof(long) * (size_t)(m->cap *
		                                                    m->klen));
		m->val = xrealloc(m->val, sizeof(long[2]) * (size_t)m->cap);
	}
	long at = 0;
	memo_find(m, k, &at);
	memcpy(m->keys + m->n * m->klen, k, sizeof(long) * (size_t)m->klen);
	m->val[m->n][0] = each;
	m->val[m->n][1] = uni;
	m->slot[at] = ++m->n;
}

static void memo_free(Memo *m)
{
	free(m->keys);
	free(m->val);
	free(m->slot);
}

/* The residuals of the binding guards at the event loops' counters,
 * and how far those move each layer loop. */
static void event_state(const Ov *o, const int *evl, int nev,
                        const int *bg, int nbg, const long *reach,
                        long *res, long *dims)
{
	const LoopNest *ln = o->ln;
	long gp[MAX_GUARDS] = {0};
	for (int d = 0; d < NDIMS; d++)
		dims[d] = 0;
	for (int j = 0; j < nev; j++)
		loop_move(ln, evl[j], o->ctr[evl[j]], 1, dims, gp);
	for (int q = 0; q < nbg; q++) {
		long r = ln->guard[bg[q]].limit - gp[bg[q]];
		res[q] = r < 0 ? 0 : r > reach[q] + 1 ? reach[q] + 1 : r;
	}
}

/* Every refill visited, each kind of refill listed once. */
static void memo_refills(Ov *o, const int *evl, int nev, long *each,
                         long *uni)
{
	const LoopNest *ln = o->ln;
	int bg[MAX_GUARDS], nbg = 0;
	long reach[MAX_GUARDS];
	for (int g = 0; g < ln->nguards; g++) {
		if (ln->guard[g].trivial)
			continue;
		long r = 0;
		for (int i = 0; i < ln->nloops; i++)
			for (int p = 0; p < ln->loop[i].nparts && !o->ev[i]; p++) {
				const Part *pt = &ln->loop[i].part[p];
				for (int k = 0; k < pt->nguards; k++)
					if (pt->guard[k] == g)
						r += pt->gstride[k] * (pt->extent - 1);
			}
		reach[nbg] = r;
		bg[nbg++] = g;
	}
	Memo m = {.klen = 1 + NDIMS + 2 * nbg}, busy = {.klen = nbg};
	long key[1 + NDIMS + 2 * MAX_GUARDS], at = 0;
	long res[MAX_GUARDS], pres[MAX_GUARDS] = {0};
	long dims[NDIMS], pdims[NDIMS] = {0};
	long ctr[MAX_LOOPS], pctr[MAX_LOOPS] = {0};
	int have_prev = 0;
	for (int j = 0; j < nev; j++)
		o->ctr[evl[j]] = 0;
	do {
		event_state(o, evl, nev, bg, nbg, reach, res, dims);
		long e = memo_find(&busy, res, &at);
		if (e < 0) {
			memo_add(&busy, res, any_work(o), 0);
			e = busy.n - 1;
		}
		if (busy.val[e][0]) {
			key[0] = have_prev;
			for (int d = 0; d < NDIMS; d++)
				key[1 + d] = have_prev ? dims[d] - pdims[d] : 0;
			for (int q = 0; q < nbg; q++) {
				key[1 + NDIMS + q] = have_prev ? pres[q] : 0;
				key[1 + NDIMS + nbg + q] = res[q];
			}
			e = memo_find(&m, key, &at);
			if (e < 0) {   /* list the blocks before and after */
				for (int j = 0; j < nev; j++)
					ctr[j] = o->ctr[evl[j]];
				for (long k = 0; k < o->ninst; k++)
					o->nprev[k] = 0;
				if (have_prev) {
					for (int j = 0; j < nev; j++)
						o->ctr[evl[j]] = pctr[j];
					refill(o);
					for (int j = 0; j < nev; j++)
						o->ctr[evl[j]] = ctr[j];
				}
				refill(o);
				memo_add(&m, key, o->each, o->uni);
				e = m.n - 1;
			}
			*each += m.val[e][0];
			*uni += m.val[e][1];
			have_prev = 1;
			memcpy(pres, res, sizeof(long) * (size_t)nbg);
			memcpy(pdims, dims, sizeof dims);
			for (int j = 0; j < nev; j++)
				pctr[j] = o->ctr[evl[j]];
		}
	} while (next_setting(o, evl, nev));
	memo_free(&m);
	memo_free(&busy);
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

/* The work of count_kept for buffer b (without brute), saturating at
 * 2^62: the refills it visits where guards bind, and the iterations
 * that list a block of every instance, for the first refill and two of
 * each kind (where guards bind, each kind's edge variants add a few). */
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
	long lists = sat_mul(2 * nev + 1, per);
	return binds(ln) ? refills + lists : lists;
}

void count_kept(const LoopNest *ln, int t, int at, int per_pe_view,
                int brute, long *each, long *uni)
{
	Ov o = {.ln = ln, .t = t, .ninst = 1};
	mark_events(ln, t, at, o.ev);
	int evl[MAX_LOOPS], nev = 0;
	for (int i = 0; i < ln->nloops; i++) {
		o.fixed[i] = o.ev[i];
		if (o.ev[i])
			evl[nev++] = i;
		if (per_pe_view && ln->loop[i].kind == LOOP_SPATIAL) {
			o.fixed[i] = 1;
			o.instl[o.ninstl++] = i;
			o.ninst *= ln->loop[i].extent;
		}
	}
	tensor_linear(&ln->layer->t[t], o.lin, &o.base);
	o.prev = xrealloc(NULL, sizeof(long *) * (size_t)o.ninst);
	o.nprev = xrealloc(NULL, sizeof(long) * (size_t)o.ninst);
	o.prevcap = xrealloc(NULL, sizeof(long) * (size_t)o.ninst);
	for (long k = 0; k < o.ninst; k++) {
		o.prev[k] = NULL;
		o.nprev[k] = o.prevcap[k] = 0;
	}
	*each = *uni = 0;
	if (brute)
		every_refill(&o, evl, nev, each, uni);
	else if (binds(ln))
		memo_refills(&o, evl, nev, each, uni);
	else
		refill_kinds(&o, evl, nev, each, uni);
	for (long k = 0; k < o.ninst; k++)
		free(o.prev[k]);
	free(o.prev);
	free(o.nprev);
	free(o.prevcap);
	free(o.fresh);
	free(o.cur);
}
