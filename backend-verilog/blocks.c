/* blocks.c - the layer's blocks in order, as the controller goes
 * through them (the settings of the loops up to the innermost refill
 * point, with the guards of edge tiles: which buffers change at each,
 * and its steps), and an engine's walk at a refill (its cycles, and
 * the words it reads), for the hardware's timing (timing.c).
 */
#include "blocks.h"

#include <string.h>

/* ---- the blocks in order ---- */

static int event_loop(const LoopNest *ln, int l, int R)
{
	return l <= R && ln->loop[l].kind != LOOP_SPATIAL;
}

/* Loop l's share of the guards at counter value v (+1 adds, -1 takes). */
static void guard_share(const LoopNest *ln, int l, long v, long sign,
                        long *gpart)
{
	const Loop *L = &ln->loop[l];
	long div = 1;
	for (int p = 0; p < L->nparts; p++) {
		const Part *pt = &L->part[p];
		if (!pt->nguards) {
			div *= pt->extent;
			continue;
		}
		long x = (v / div) % pt->extent;
		div *= pt->extent;
		for (int g = 0; g < pt->nguards; g++)
			gpart[pt->guard[g]] += sign * x * pt->gstride[g];
	}
}

/* The steps of the temporal loops from l in, the guards' sums so far
 * in gpart. */
static double inner_steps(const LoopNest *ln, int l, long *gpart, long *work)
{
	while (l < ln->nloops && ln->loop[l].kind == LOOP_SPATIAL)
		l++;
	if (l == ln->nloops)
		return 1;
	long b = loop_bound(ln, l, gpart);
	double n = 0;
	*work += b;
	for (long v = 0; v < b; v++) {
		guard_share(ln, l, v, 1, gpart);
		n += inner_steps(ln, l + 1, gpart, work);
		guard_share(ln, l, v, -1, gpart);
	}
	return n;
}

void blocks_init(Blocks *bl, const Hw *hw, long *work)
{
	const LoopNest *ln = hw->ln;
	memset(bl, 0, sizeof *bl);
	bl->hw = hw;
	bl->work = work;
	bl->R = -1;
	for (int k = 0; k < hw->nbuf; k++)
		if (ln->buf[k].refill > bl->R)
			bl->R = ln->buf[k].refill;
	bl->full_steps = 1;
	for (int l = bl->R + 1; l < ln->nloops; l++) {
		bl->edge_inside |= ln->loop[l].kind != LOOP_SPATIAL &&
		                   ln->loop[l].edge;
		if (ln->loop[l].kind != LOOP_SPATIAL)
			bl->full_steps *= (double)ln->loop[l].extent;
	}
}

/* The odometer over the loops up to R: the innermost loop that can
 * step does; 0 after the last. */
static int advance(Blocks *bl)
{
	const LoopNest *ln = bl->hw->ln;
	for (int l = bl->R; l >= 0; l--) {
		if (!event_loop(ln, l, bl->R))
			continue;
		guard_share(ln, l, bl->ctr[l], -1, bl->gpart);
		if (bl->ctr[l] + 1 < loop_bound(ln, l, bl->gpart)) {
			bl->ctr[l]++;
			guard_share(ln, l, bl->ctr[l], 1, bl->gpart);
			bl->lo = l;   /* it and the loops inside it moved */
			return 1;
		}
		bl->ctr[l] = 0;
	}
	return 0;
}

/* Padding tiles (hw->padded): the odometer's place among the blocks of
 * the full trip counts (no edge tile cuts a temporal loop there). */
static double block_place(const Blocks *bl)
{
	const LoopNest *ln = bl->hw->ln;
	double v = 0;
	for (int l = 0; l <= bl->R; l++)
		if (event_loop(ln, l, bl->R))
			v = v * (double)ln->loop[l].extent + (double)bl->ctr[l];
	return v;
}

/* The steps of the odometer's block: with padding tiles, of a full
 * block (the idle steps too). */
static double block_steps(Blocks *bl)
{
	const LoopNest *ln = bl->hw->ln;
	if (bl->edge_inside && !bl->hw->padded)
		return inner_steps(ln, bl->R + 1, bl->gpart, bl->work);
	return bl->full_steps;
}

/* The next block into *b; 0 after the last.  With padding tiles its
 * steps take in the idle ones up to the next block (or the end): the
 * controller idles through them after its last step (seq.c). */
int blocks_next(Blocks *bl, Block *b)
{
	const Hw *hw = bl->hw;
	const LoopNest *ln = hw->ln;
	memset(b->in, 0, sizeof b->in);
	memset(b->ret, 0, sizeof b->ret);
	b->first = 0;
	*bl->work += 8;
	if (!bl->started) {
		bl->started = 1;
		b->first = 1;
		memset(b->in, 1, sizeof b->in);
	} else if (bl->ended) {
		b->valid = 0;
		return 0;
	}
	/* only the parts of the loops the last step moved change */
	for (int j = 0; j < hw->np; j++) {
		const HwPart *P = &hw->part[j];
		if (P->spatial || P->loop < bl->lo ||
		    !event_loop(ln, P->loop, bl->R))
			continue;
		const Loop *L = &ln->loop[P->loop];
		long div = 1;
		for (const Part *q = L->part; q < P->p; q++)
			div *= q->extent;
		long v = (bl->ctr[P->loop] / div) % P->p->extent;
		if (v == bl->val[j])
			continue;
		for (int k = 0; k < hw->nbuf; k++) {
			b->in[k] |= hw->buf[k].mark[j];
			if (hw->buf[k].ret[j])
				bl->nret[k] += (v != 0) - (bl->val[j] != 0);
		}
		bl->val[j] = v;
	}
	for (int k = 0; k < hw->nbuf; k++)
		b->ret[k] = bl->nret[k] > 0;
	memcpy(b->val, bl->val, sizeof b->val[0] * (size_t)hw->np);
	b->steps = block_steps(bl);
	double place = hw->padded ? block_place(bl) : 0;
	bl->ended = !advance(bl);
	if (hw->padded) {   /* to the next block, or to the end */
		double next = 1;
		if (bl->ended)
			for (int l = 0; l <= bl->R; l++)
				next *= event_loop(ln, l, bl->R) ? (double)ln->loop[l].extent
				                                 : 1;
		else
			next = block_place(bl);
		b->steps *= next - place;
	}
	b->valid = 1;
	return 1;
}

/* ---- a job's walk at one refill ---- */

/* The settings of buffer k's engine parts from i on that its guards
 * leave (gsum: their sums so far), the bank coordinate G at a time. */
static double walk_rest(Walks *wk, int k, const int *E, int ne, int i,
                        const unsigned char *rel, long *gsum)
{
	if (i == ne)
		return 1;
	const Out *o = wk->o;
	const LoopNest *ln = o->hw->ln;
	int j = E[i];
	long G = o->pf[k].slots && o->pf[k].coord == j ? o->pf[k].slots : 1;
	double n = 0;
	for (long v = 0; v < o->hw->part[j].p->extent; v += G) {
		wk->work++;
		int ok = 1;
		for (int g = 0; g < ln->nguards && ok; g++)
			ok = !rel[g] || gsum[g] + wk->gc[g][j] * v < ln->guard[g].limit;
		if (!ok)
			break;   /* the guards only grow with the counters */
		for (int g = 0; g < ln->nguards; g++)
			gsum[g] += wk->gc[g][j] * v;
		n += walk_rest(wk, k, E, ne, i + 1, rel, gsum);
		for (int g = 0; g < ln->nguards; g++)
			gsum[g] -= wk->gc[g][j] * v;
	}
	return n;
}

/* The words of each coordinate of box buffer k's walk at a refill of
 * counters val (parts inside the buffer at 0) into n: edge tiles cut
 * some, each cut loop's values in the block the least of its full
 * count and what each of its guards leaves. */
static void box_words(const Walks *wk, int k, const long *val, long *n)
{
	const Hw *hw = wk->o->hw;
	const LoopNest *ln = hw->ln;
	const HwBuf *B = &hw->buf[k];
	const Tensor *T = &ln->layer->t[B->t];
	long v[NDIMS];
	for (int d = 0; d < NDIMS; d++) {
		v[d] = B->dvals[d];
		for (int g = 0; B->cut && B->dcut[d] && g < ln->nguards; g++) {
			int binds = 0;
			long out = 0;
			for (int j = 0; j < hw->np; j++) {
				binds |= wk->gc[g][j] && B->inb[j] &&
				         hw->part[j].p->dim == d;
				out += B->inb[j] ? 0 : wk->gc[g][j] * val[j];
			}
			if (binds && !ln->guard[g].trivial &&
			    ln->guard[g].limit - out < v[d])
				v[d] = ln->guard[g].limit - out;
		}
	}
	for (int i = 0; i < B->nbx; i++) {
		n[i] = B->bx[i].span;
		if (B->bx[i].cut) {
			n[i] = 1;
			for (int d = 0; d < NDIMS; d++)
				if (B->dvals[d])
					n[i] += T->idx[B->bx[i].r].coef[d] * (v[d] - 1);
		}
	}
}

/* Kept buffer k's walk at its refill of counters val (kept.c): the
 * values of its slide that are new, where only it moved and by less
 * than the block (those past the last block's, or before it and, where
 * the block grew past it under an edge tile, after it), else the whole
 * block; it keeps the block's origin and its values of the slide for
 * its next refill. */
static double kept_walk(Walks *wk, int k, const long *val)
{
	const Hw *hw = wk->o->hw;
	const HwBuf *B = &hw->buf[k];
	const Tensor *T = &hw->ln->layer->t[B->t];
	int p = B->kslide - 1, same = 1;
	long org[MAX_RANK];
	for (int r = 0; r < T->rank; r++) {
		org[r] = 0;
		for (int j = 0; j < hw->np; j++) {
			const Part *q = hw->part[j].p;
			if (!hw->part[j].spatial && hw->part[j].loop <= B->b->at)
				org[r] += T->idx[r].coef[q->dim] * q->stride * val[j];
		}
		same &= r == p || org[r] == wk->korg[k][r];
	}
	long d = org[p] - wk->korg[k][p], a = d < 0 ? -d : d;
	/* the outermost coordinate's values walked (p's are m of them: p
	 * alone, s of them, where cut), each the inner coordinates' cycles
	 * (G words a cycle on one) */
	long G = wk->o->pf[k].slots, n[MAX_RANK], m = 1, s = B->span[p];
	box_words(wk, k, val, n);
	double w = 1;
	for (int i = 0; i + 1 < B->nbx; i++)
		w *= G && i == wk->o->pf[k].coord ? (double)((n[i] + G - 1) / G)
		                                   : (double)n[i];
	if (B->nbx) {
		m = B->lstride[p] / B->bx[B->nbx - 1].lstride;
		s = n[B->nbx - 1] / m;
	}
	long z = wk->kz[k], vals = s;
	if (wk->kv[k] && same && a < B->span[p]) {
		if (d >= 0)
			vals = s - (z > d ? z - d : 0);
		else
			vals = (a < s ? a : s) + (s > z + a ? s - z - a : 0);
		if (vals < 0)
			vals = 0;
	}
	w *= (double)(vals * m);
	wk->kz[k] = s;
	wk->kv[k] = 1;
	memcpy(wk->korg[k], org, sizeof org);
	return w;
}

/* The cycles buffer k's engine walks at a refill whose counters are
 * val (parts inside the buffer at 0): a box walk, the words of each
 * coordinate (edge tiles cut some: each cut loop's values in the block
 * are the least of its full count and what each of its guards leaves);
 * a walk of parts, their settings the guards leave.  The bank
 * coordinate moves G words a cycle. */
double walk_at(Walks *wk, int k, const long *val)
{
	wk->work += 8;   /* its own cost, beside the settings it lists */
	if (wk->o->hw->buf[k].kslide && wk->o->hw->buf[k].box)
		return kept_walk(wk, k, val);
	if (wk->same[k] > 0)
		return wk->same[k];
	const Out *o = wk->o;
	const Hw *hw = o->hw;
	const LoopNest *ln = hw->ln;
	const HwBuf *B = &hw->buf[k];
	long G = o->pf[k].slots;
	if (B->box) {
		long n[MAX_RANK];
		box_words(wk, k, val, n);
		double w = 1;
		for (int i = 0; i < B->nbx; i++)
			w *= G && i == o->pf[k].coord ? (double)((n[i] + G - 1) / G)
			                               : (double)n[i];
		if (!B->cut)
			wk->same[k] = w;
		return w;
	}
	int E[HW_MAXP], ne = 0;
	unsigned char rel[MAX_GUARDS] = {0}, pair[HW_MAXP] = {0};
	long gsum[MAX_GUARDS] = {0};
	double stairs = 1;   /* a window's two terms, never cut, walked as a
	                        staircase: A + (B - 1) q settings */
	for (int j = 0; j < hw->np; j++)
		if (B->stair[j]) {
			int b = B->stair[j] - 1;
			pair[j] = pair[b] = 1;
			stairs *= (double)hw->part[j].p->extent +
			          (double)(hw->part[b].p->extent - 1) *
			          (double)B->stairq[j];
		}
	for (int j = 0; j < hw->np; j++)
		if (B->eng[j] && !pair[j])
			E[ne++] = j;
	for (int g = 0; g < ln->nguards; g++) {
		for (int i = 0; i < ne; i++)
			rel[g] |= wk->gc[g][E[i]] != 0 && !ln->guard[g].trivial;
		for (int j = 0; rel[g] && j < hw->np; j++)
			if (!B->eng[j])
				gsum[g] += wk->gc[g][j] * val[j];
	}
	double w = stairs * walk_rest(wk, k, E, ne, 0, rel, gsum);
	int varies = 0;
	for (int g = 0; g < ln->nguards; g++)
		varies |= rel[g];
	if (!varies)
		wk->same[k] = w;
	return w;
}

/* The words a walk of shared buffer k's engine reads at a refill whose
 * counters are val: its settings as walk_at goes through them (the
 * window's staircases included, outer parts first), each local address
 * once; seen[] holds the mark of the walk that last read each word. */
typedef struct Reads {
	Walks *wk;
	const HwBuf *B;
	int E[HW_MAXP], ne;
	unsigned char rel[MAX_GUARDS];
	long gsum[MAX_GUARDS], v[HW_MAXP];
	unsigned *seen, mark;
	double n;
	double pos, last;   /* settings so far; the last that read a word */
} Reads;

static void reads_rest(Reads *rd, int i, long la)
{
	if (i == rd->ne) {
		if (rd->seen[la] != rd->mark) {
			rd->seen[la] = rd->mark;
			rd->n += 1;
			rd->last = rd->pos;
		}
		rd->pos += 1;
		return;
	}
	const LoopNest *ln = rd->wk->o->hw->ln;
	const HwBuf *B = rd->B;
	int j = rd->E[i];
	long e = rd->wk->o->hw->part[j].p->extent, lo = 0;
	if (B->stair[j] && rd->v[B->stair[j] - 1] != 0)
		lo = e - B->stairq[j];
	for (long v = lo; v < e; v++) {
		int ok = 1;
		for (int g = 0; g < ln->nguards && ok; g++)
			ok = !rd->rel[g] || rd->gsum[g] + rd->wk->gc[g][j] * v <
			                    ln->guard[g].limit;
		if (!ok)
			break;   /* the guards only grow with the counters */
		rd->wk->work++;
		for (int g = 0; g < ln->nguards; g++)
			rd->gsum[g] += rd->wk->gc[g][j] * v;
		rd->v[j] = v;
		reads_rest(rd, i + 1, la + B->acoef[j] * v);
		for (int g = 0; g < ln->nguards; g++)
			rd->gsum[g] -= rd->wk->gc[g][j] * v;
	}
	rd->v[j] = 0;
}

double walk_reads(Walks *wk, int k, const long *val, unsigned *seen,
                         unsigned mark, double *last)
{
	const Hw *hw = wk->o->hw;
	const LoopNest *ln = hw->ln;
	Reads rd = {.wk = wk, .B = &hw->buf[k], .seen = seen, .mark = mark};
	for (int j = hw->np - 1; j >= 0; j--)   /* outer first: a staircase's
	                                           outer term, then its inner */
		if (rd.B->eng[j])
			rd.E[rd.ne++] = j;
	for (int g = 0; g < ln->nguards; g++) {
		for (int i = 0; i < rd.ne; i++)
			rd.rel[g] |= wk->gc[g][rd.E[i]] != 0 &&
			             !ln->guard[g].trivial;
		for (int j = 0; rd.rel[g] && j < hw->np; j++)
			if (!rd.B->eng[j])
				rd.gsum[g] += wk->gc[g][j] * val[j];
	}
	reads_rest(&rd, 0, 0);
	*last = rd.last;
	return rd.n;
}
