/* plan.c - from a lowered loop nest to the hardware plan (hw.h).
 *
 * Everything the RTL computes is a sum of constants times part counters:
 * a buffer's local address, its parent's address, the DRAM address of an
 * element, the guards of edge tiles.  This file works out the constants:
 *
 *  - a buffer's block is laid out by tensor index position; along one
 *    position the parts' strides are packed where the index has gaps
 *    (`2*y` keeps only the rows it uses), so the memory holds the block's
 *    elements, and a window such as `y+fy` keeps its overlap;
 *  - an engine walks a buffer's block part by part (and, for a per-PE
 *    buffer, lane by lane: the PEs that hold different elements); where
 *    two settings reach the same element (a window) it keeps a bit per
 *    word so that each element moves once per refill, as the model
 *    counts.
 *
 * What the RTL does not build yet is refused here, with the reason (and
 * in rules.c, what it refuses whatever the schedule).
 */
#include "hw.h"

#include <stdlib.h>
#include <string.h>

int hw_bits(long v)
{
	int b = 1;
	while (b < 62 && (1L << b) <= v)
		b++;
	return b;
}

static int fail(char *err, size_t n, const char *msg)
{
	snprintf(err, n, "%s", msg);
	return 0;
}

/* Coefficient of part j in index position r of tensor t. */
static long coef(const Hw *hw, int t, int r, int j)
{
	const Part *p = hw->part[j].p;
	return hw->ln->layer->t[t].idx[r].coef[p->dim] * p->stride;
}

typedef struct Term {
	long c, e;
	int j;
} Term;

static int by_coef(const void *a, const void *b)
{
	const Term *x = a, *y = b;
	return (x->c > y->c) - (x->c < y->c);
}

/* Where index position r goes in buffer B's layout: 0 with the others,
 * in the tensor's order; 1 when every part of the block in it is an
 * unrolled loop's (the position only tells PEs apart); 2 when one of
 * them is a lane part that a per-PE child's engine serves at once. */
static int lane_position(const Hw *hw, const HwBuf *B, int kb, int r)
{
	int any = 0, served = 0;
	for (int j = 0; j < hw->np; j++)
		if (B->inb[j] && coef(hw, B->t, r, j)) {
			if (!hw->part[j].spatial)
				return 0;
			any = 1;
			for (int k = 0; k < hw->nbuf; k++)
				served |= kb >= 0 && hw->buf[k].parent == kb &&
				          hw->buf[k].par[j];
		}
	return any + served;
}

/* Lays out the block of buffer B (hw->buf[kb], or kb < 0 for a block
 * of no buffer): acoef and words.  Positions that only
 * tell PEs apart go outermost (lane_position), so that each PE's (each
 * lane's) words are a run of their own and the buffer can be built as a
 * bank per lane (gbuf.c); the others keep the tensor's order, last
 * fastest. */
static void layout(Hw *hw, HwBuf *B, int kb)
{
	const Tensor *T = &hw->ln->layer->t[B->t];
	long stride = 1;
	memset(B->acoef, 0, sizeof B->acoef);
	B->box = 1;
	for (int pos = 0; pos < 4 * T->rank; pos++) {
		int r = T->rank - 1 - pos % T->rank;
		int place = r == B->kslide - 1 ? 3   /* kept: its slide outermost */
		                               : lane_position(hw, B, kb, r);
		if (place != pos / T->rank)
			continue;
		Term term[HW_MAXP];
		int n = 0;
		for (int j = 0; j < hw->np; j++)
			if (B->inb[j] && coef(hw, B->t, r, j))
				term[n++] = (Term){coef(hw, B->t, r, j),
				                   hw->part[j].p->extent, j};
		qsort(term, (size_t)n, sizeof *term, by_coef);
		long orig = 1, packed = 1, cp[HW_MAXP];
		int squeezed = 0, identity = 0;
		for (int i = 0; i < n && !identity; i++) {
			if (term[i].c >= orig) {     /* no overlap: pack */
				cp[i] = packed;
				squeezed |= packed != term[i].c;
				orig += term[i].c * (term[i].e - 1);
				packed *= term[i].e;
			} else if (squeezed) {
				identity = 1;            /* overlap after packing */
			} else {
				cp[i] = term[i].c;
				orig += term[i].c * (term[i].e - 1);
				packed = orig;
			}
		}
		if (identity) {
			packed = 1;
			for (int i = 0; i < n; i++) {
				cp[i] = term[i].c;
				packed += term[i].c * (term[i].e - 1);
			}
		}
		for (int i = 0; i < n; i++)
			B->acoef[term[i].j] += cp[i] * stride;
		B->box &= !squeezed && !identity;
		B->span[r] = packed;
		B->lstride[r] = stride;
		stride *= packed;
	}
	B->words = stride;
	B->aw = hw_bits(stride - 1);
}

/* Checks below list every setting of some parts, over a full tile, up
 * to this many. */
enum { LIST_MAX = 1 << 22 };

/* The parts marked in `use` (into js) and their number of settings, or
 * -1 when there are more than LIST_MAX. */
static long list_parts(const Hw *hw, const unsigned char *use, int *js,
                       int *n)
{
	long settings = 1;
	*n = 0;
	for (int j = 0; j < hw->np; j++)
		if (use[j]) {
			js[(*n)++] = j;
			settings *= hw->part[j].p->extent;
			if (settings > LIST_MAX)
				return -1;
		}
	return settings;
}

/* The sum of coef times each part's value at setting s of parts js
 * (the first part varies fastest). */
static long at_setting(const Hw *hw, const int *js, int n, long s,
                       const long *coef)
{
	long sum = 0;
	for (int i = 0; i < n; i++) {
		long e = hw->part[js[i]].p->extent;
		sum += (s % e) * coef[js[i]];
		s /= e;
	}
	return sum;
}

/* How many distinct addresses the settings of the block's parts reach,
 * and how many settings there are; -1 when there are too many to list,
 * -2 when the block's words do not fit in memory. */
static long distinct(const Hw *hw, const HwBuf *B, long *settings)
{
	int js[HW_MAXP], n;
	*settings = list_parts(hw, B->inb, js, &n);
	if (*settings < 0)
		return -1;
	unsigned char *seen = calloc((size_t)B->words, 1);
	if (!seen)
		return -2;
	long count = 0;
	for (long s = 0; s < *settings; s++)
		count += !seen[at_setting(hw, js, n, s, B->acoef)]++;
	free(seen);
	return count;
}

/* Whether every guard on the block's parts is trivial (no edge tiles
 * inside the block). */
static int block_full(const Hw *hw, const HwBuf *B)
{
	for (int j = 0; j < hw->np; j++) {
		const Part *p = hw->part[j].p;
		if (B->inb[j])
			for (int k = 0; k < p->nguards; k++)
				if (!hw->ln->guard[p->guard[k]].trivial)
					return 0;
	}
	return 1;
}

/* Whether guard g binds and holds one of the block's parts. */
static int guard_in_block(const Hw *hw, const HwBuf *B, int g)
{
	if (hw->ln->guard[g].trivial)
		return 0;
	for (int j = 0; j < hw->np; j++) {
		const Part *p = hw->part[j].p;
		for (int k = 0; B->inb[j] && k < p->nguards; k++)
			if (p->guard[k] == g)
				return 1;
	}
	return 0;
}

/* Whether layer loop d's values in the block are cut by an edge tile. */
static int dim_cut(const Hw *hw, const HwBuf *B, int d)
{
	for (int g = 0; g < hw->ln->nguards; g++)
		if (guard_in_block(hw, B, g))
			for (int j = 0; j < hw->np; j++)
				if (B->inb[j] && hw->part[j].p->dim == d)
					for (int k = 0; k < hw->part[j].p->nguards; k++)
						if (hw->part[j].p->guard[k] == g)
							return 1;
	return 0;
}

/* The box walk (a window fetched by index position) under edge tiles:
 * at every refill, each layer loop's values in the block are an
 * interval cut by its guards, and each position's words an interval
 * too.  That holds when the block's parts of every loop are its lowest
 * digits (strides 1, e1, e1*e2, ...: the values 0 .. n-1), when every
 * guard holds them at those strides (so the cut is min(n, what the
 * guard leaves)), and when a position's loops, smallest coefficient
 * first, leave no gap whatever the cut (a cut loop counts as one
 * value).  Sets B->dvals. */
static int box_cuts(const Hw *hw, HwBuf *B)
{
	const Tensor *T = &hw->ln->layer->t[B->t];
	for (int d = 0; d < NDIMS; d++) {
		long next = 1, low = 1;
		unsigned char used[HW_MAXP] = {0};
		B->dvals[d] = 0;
		for (int found = 1; found;) {   /* the digits, lowest first */
			found = 0;
			for (int j = 0; j < hw->np; j++) {
				const Part *p = hw->part[j].p;
				if (B->inb[j] && !used[j] && p->dim == d &&
				    p->stride == next) {
					next *= p->extent;
					used[j] = found = 1;
				}
			}
		}
		for (int j = 0; j < hw->np; j++) {
			const Part *p = hw->part[j].p;
			if (p->dim != d)
				continue;
			if (B->inb[j]) {
				if (!used[j])
					return 0;   /* not among the lowest digits */
				low = 0;
				for (int k = 0; k < p->nguards; k++)
					if (!hw->ln->guard[p->guard[k]].trivial &&
					    p->gstride[k] != p->stride)
						return 0;
			} else if (p->stride < next) {
				return 0;
			}
		}
		B->dvals[d] = low ? 0 : next;
	}
	for (int r = 0; r < T->rank; r++) {
		long reach = 1, done = 0;   /* values 0 .. reach-1 are covered */
		for (;;) {   /* the loops by coefficient, smallest first */
			int best = -1;
			for (int d = 0; d < NDIMS; d++) {
				long a = T->idx[r].coef[d];
				if (B->dvals[d] && a > done &&
				    (best < 0 || a < T->idx[r].coef[best]))
					best = d;
			}
			if (best < 0)
				break;
			long a = T->idx[r].coef[best];
			for (int d = 0; d < NDIMS; d++) {
				if (!B->dvals[d] || T->idx[r].coef[d] != a)
					continue;
				if (a > reach)
					return 0;
				B->dcut[d] = (unsigned char)dim_cut(hw, B, d);
				B->pcut[r] |= B->dcut[d];
				if (!B->dcut[d])
					reach += a * (B->dvals[d] - 1);
			}
			done = a;
		}
	}
	return 1;
}

/* The box walk's coordinates (HwBuf.bx): the block's positions by
 * local stride, innermost first; a position joins the coordinate inside
 * it (the one before it in the layout) when neither is cut and the
 * inner one's words are whole rows of the tensor, so that the DRAM
 * address runs on from one to the other as the local address does; a
 * position that tells PEs apart stays alone (it may pick a bank). */
static void box_coords(const Hw *hw, HwBuf *B, int kb)
{
	const Tensor *T = &hw->ln->layer->t[B->t];
	long rowstride[MAX_RANK], rs = 1;
	for (int r = T->rank - 1; r >= 0; r--) {
		rowstride[r] = rs;
		rs *= T->shape[r];
	}
	B->nbx = 0;
	for (long st = 1; st < B->words;) {
		int r = 0;
		while (r < T->rank && !(B->lstride[r] == st && B->span[r] > 1))
			r++;
		ASSERT(r < T->rank);
		int cut = B->cut && B->pcut[r];
		if (B->nbx) {
			HwBoxCoord *in = &B->bx[B->nbx - 1];
			if (!in->cut && !cut && !lane_position(hw, B, kb, r) &&
			    in->span * in->dstride == rowstride[r]) {
				in->span *= B->span[r];
				in->r = r;
				st = in->lstride * in->span;
				continue;
			}
		}
		B->bx[B->nbx].r = r;
		B->bx[B->nbx].cut = cut;
		B->bx[B->nbx].span = B->span[r];
		B->bx[B->nbx].lstride = B->lstride[r];
		B->bx[B->nbx++].dstride = rowstride[r];
		st = B->lstride[r] * B->span[r];
	}
}

typedef struct Reach {
	long elem, lane;
} Reach;

static int by_elem(const void *a, const void *b)
{
	const Reach *x = a, *y = b;
	if (x->elem != y->elem)
		return (x->elem > y->elem) - (x->elem < y->elem);
	return (x->lane > y->lane) - (x->lane < y->lane);
}

/* Whether PEs of different lanes need the same element of a per-PE
 * block during one refill (a window across PEs: x+fx with fx unrolled
 * and x inside the block).  Checked over a full tile. */
static int lanes_share(const Hw *hw, const HwBuf *B)
{
	if (B->lanes <= 1)
		return 0;
	unsigned char use[HW_MAXP];
	for (int j = 0; j < hw->np; j++)
		use[j] = B->eng[j] || B->par[j];
	int js[HW_MAXP], n;
	long total = list_parts(hw, use, js, &n);
	if (total < 0)
		return 1;
	Reach *r = malloc(sizeof *r * (size_t)total);
	if (!r)
		die_oom("planning the hardware");
	for (long s = 0; s < total; s++)
		r[s] = (Reach){at_setting(hw, js, n, s, hw->lin[B->t]),
		               at_setting(hw, js, n, s, hw->lmult[B->t])};
	qsort(r, (size_t)total, sizeof *r, by_elem);
	int share = 0;
	for (long s = 1; s < total && !share; s++)
		share = r[s].elem == r[s - 1].elem && r[s].lane != r[s - 1].lane;
	free(r);
	return share;
}

/* The lanes of tensor t: PEs that need the same elements share a lane,
 * so a word goes to all of them at once (replication, broadcast) and is
 * read once.  The lane number is the tensor's spatial parts laid out as
 * a block is (layout()), which is equal exactly where the element
 * offsets are: a window across PEs (y+fy with both loops unrolled, on
 * one array dimension or on a diagonal of two) gives y+fy lanes, not
 * y*fy.  Where lanes collapse so, the engines that walk the spatial
 * settings fill a lane only at its first setting (canon). */
static int plan_lanes(Hw *hw, int t, char *err, size_t errlen)
{
	HwBuf s;
	memset(&s, 0, sizeof s);
	s.t = t;
	for (int j = 0; j < hw->np; j++)
		s.inb[j] = hw->part[j].spatial && hw->index[t][j];
	layout(hw, &s, -1);
	for (int j = 0; j < hw->np; j++)
		hw->lmult[t][j] = s.inb[j] ? s.acoef[j] : 0;
	hw->nlanes[t] = s.words;
	long settings, lanes = distinct(hw, &s, &settings);
	if (lanes == -2)
		return fail(err, errlen, "out of memory listing the PEs' lanes");
	ASSERT(lanes > 0);
	hw->ntuples[t] = settings;
	hw->collapsed[t] = lanes < settings;
	if (!hw->collapsed[t])
		return 1;
	if (settings > HW_MAXTUPLES)
		return fail(err, errlen, "a window across more than 4096 PE "
		            "settings");
	/* a per-PE engine fills a lane at its first setting, which an edge
	 * tile could cut off while other PEs of the lane work (lanes read
	 * from a shared buffer at every step have no such choice) */
	const LoopNest *ln = hw->ln;
	int inner_per_pe = ln->nholders[t] > 0 &&
	    ln->arch->level[ln->buf[ln->holder[t][0]].level].per_pe;
	if (inner_per_pe && !block_full(hw, &s))
		return fail(err, errlen, "edge tiles on the unrolled loops of a "
		            "window across PEs whose words are kept per PE");
	int js[HW_MAXP], n;
	list_parts(hw, s.inb, js, &n);
	unsigned char *seen = calloc((size_t)s.words, 1);
	if (!seen)
		return fail(err, errlen, "out of memory listing the PEs' lanes");
	for (long k = 0; k < settings; k++)
		hw->canon[t][k] = !seen[at_setting(hw, js, n, k, s.acoef)]++;
	free(seen);
	return 1;
}

static int plan_buffers(Hw *hw, char *err, size_t errlen)
{
	const LoopNest *ln = hw->ln;
	const Arch *A = ln->arch;
	hw->nbuf = ln->nbufs;
	for (int t = 0; t < NTENSORS; t++)
		for (int h = 0; h < ln->nholders[t]; h++) {
			int k = ln->holder[t][h];
			HwBuf *B = &hw->buf[k];
			B->b = &ln->buf[k];
			B->t = t;
			B->h = h;
			B->per_pe = A->level[B->b->level].per_pe;
			B->parent = h + 1 < ln->nholders[t] ? ln->holder[t][h + 1] : -1;
			B->plevel = B->parent < 0 ? A->nlevels - 1
			                          : ln->buf[B->parent].level;
			int lv[MAX_LEVELS];
			for (int i = 0; i < ln->nholders[t]; i++)
				lv[i] = ln->buf[ln->holder[t][i]].level;
			const char *why = hw_holder_refusal(A, lv, ln->nholders[t], h);
			if (why)
				return fail(err, errlen, why);
			if (h == 0)
				hw->inner[t] = k;
			unsigned char lm[MAX_LOOPS];
			mark_events(ln, t, B->b->at, lm);
			B->lanes = 1;
			B->npar = 1;
			for (int j = 0; j < hw->np; j++)
				if (B->per_pe && B->parent >= 0 && !hw->collapsed[t] &&
				    hw->part[j].spatial &&
				    hw->index[t][j] &&
				    B->npar * hw->part[j].p->extent <= HW_PORTS) {
					B->par[j] = 1;
					B->pmult[j] = B->npar;
					B->npar *= hw->part[j].p->extent;
				}
			for (int j = 0; j < hw->np; j++) {
				const HwPart *P = &hw->part[j];
				int inside = P->loop > B->b->at;
				B->mark[j] = lm[P->loop];
				B->inb[j] = hw->index[t][j] &&
				            (P->spatial ? !B->per_pe : inside);
				B->eng[j] = B->inb[j] ||
				            (P->spatial && hw->index[t][j] && !B->par[j]);
				B->ret[j] = t == T_OUT && !P->spatial && !inside &&
				            hw->red[j];
			}
			if (B->per_pe)
				B->lanes = hw->nlanes[t];
			layout(hw, B, k);
			long settings, words = distinct(hw, B, &settings);
			if (words == -2)
				return fail(err, errlen, "out of memory laying out a "
				            "buffer's block");
			B->dedup = words < 0 || words < settings;
			/* filled from DRAM with every word of its layout in it (a
			 * window too): walk its words by position, not its settings */
			B->box &= !B->per_pe && t != T_OUT && B->parent < 0 &&
			          words == B->words;
			B->cut = B->box && !block_full(hw, B);
			if (B->cut)
				B->cut = B->box = box_cuts(hw, B);
			if (B->b->keep_overlap) {
				/* a register file's cut positions, as a box
				   walk's (its fill keeps the words in the last) */
				int cuts = !B->per_pe || box_cuts(hw, B);
				if (!hw_kept_plan(hw, B, cuts, err, errlen))
					return 0;
				if (B->kslide) {   /* laid out again, its slide
				                      outermost (the same words) */
					int box = B->box;
					layout(hw, B, k);
					B->box = box;
				}
			}
			if (B->box) {
				B->dedup = 0;
				memset(B->eng, 0, sizeof B->eng);
				box_coords(hw, B, k);
			}
			if (B->dedup)
				hw_plan_stairs(hw, B);
			if (B->per_pe && lanes_share(hw, B))
				return fail(err, errlen, "PEs of different lanes share words "
				            "of a per-PE buffer within one refill (a window "
				            "across PEs): a multicast fill is not built yet");
			if (t == T_OUT && B->dedup)
				return fail(err, errlen, "an output block whose settings "
				            "repeat an element");
		}
	return 1;
}

int hw_plan(const LoopNest *ln, Hw *hw, char *err, size_t errlen)
{
	memset(hw, 0, sizeof *hw);
	hw->ln = ln;
	if (ln->accel < 0)
		return fail(err, errlen, "the schedule has no accelerate(): there "
		            "is no accelerator to build");
	const Layer *L = ln->layer;
	if (!hw_plan_design(L, ln->arch, err, errlen))
		return 0;
	if (!hw_padding_plan(ln, hw, err, errlen))
		return 0;
	for (int t = 0; t < NTENSORS; t++)   /* each buffer: plan_buffers */
		if (!ln->nholders[t]) {
			snprintf(err, errlen, "%s: %s", L->t[t].name,
			         hw_chain_refusal(ln->arch, NULL, 0));
			return 0;
		}
	for (int t = 0; t < NTENSORS; t++) {
		hw->bits[t] = L->t[t].type.bits;
		if (hw->bits[t] > hw->dw)
			hw->dw = hw->bits[t];
		for (int r = 0; r < L->t[t].rank; r++)
			for (int d = 0; d < NDIMS; d++)
				if (L->t[t].idx[r].coef[d] < 0)
					return fail(err, errlen, "a negative index coefficient");
	}
	/* parts, PE index weights */
	long pe = 1;
	int nsplit = 0, nparts = 0;
	for (int i = 0; i < ln->nloops; i++)
		nparts += ln->loop[i].nparts;
	for (int i = ln->nloops - 1; i >= 0; i--) {
		const Loop *l = &ln->loop[i];
		if (l->kind == LOOP_SERIAL)
			return fail(err, errlen, "a serial loop inside the accelerator");
		for (int q = 0; q < l->nparts; q++) {
			const Part *pp = &l->part[q];
			long f = l->kind == LOOP_SPATIAL && nparts + nsplit < HW_MAXP
			         ? hw_lane_piece(ln, pp) : 0;
			for (int piece = 0; piece < (f ? 2 : 1); piece++) {
				ASSERT(hw->np < HW_MAXP);
				HwPart *P = &hw->part[hw->np++];
				P->p = pp;
				if (f) {   /* the lanes served at once, then the rest */
					Part *s = &hw->split[nsplit++];
					*s = *pp;
					s->extent = piece ? pp->extent / f : f;
					s->stride = piece ? pp->stride * f : pp->stride;
					for (int g = 0; g < s->nguards; g++)
						s->gstride[g] *= piece ? f : 1;
					P->p = s;
				}
				P->loop = i;
				P->spatial = l->kind == LOOP_SPATIAL;
				P->width = hw_bits(P->p->extent);
				if (P->spatial) {
					P->sdiv = pe;
					pe *= P->p->extent;
				}
			}
		}
	}
	hw->npe = pe;
	long dw = 0;
	for (int t = 0; t < NTENSORS; t++) {
		long lin[NDIMS], base;
		tensor_linear(&L->t[t], lin, &base);
		hw->dbase[t] = dw + base;
		dw += layer_elements(L, t);
		for (int j = 0; j < hw->np; j++) {
			const Part *p = hw->part[j].p;
			hw->lin[t][j] = lin[p->dim] * p->stride;
			for (int r = 0; r < L->t[t].rank; r++)
				hw->index[t][j] |= L->t[t].idx[r].coef[p->dim] != 0;
			if (t == T_OUT)
				hw->red[j] = !hw->index[t][j];
			if (t == T_OUT && hw->red[j] && hw->part[j].spatial) {
				int d = ln->loop[hw->part[j].loop].array_dim;
				hw->tree[j] = ln->net[T_OUT][d] == NET_TREE;
			}
		}
		if (!plan_lanes(hw, t, err, errlen))
			return 0;
	}
	hw->dram_words = dw;
	if (dw >= (1L << 31))
		return fail(err, errlen, "tensors over 2^31 words in DRAM");
	if (!plan_buffers(hw, err, errlen) || !hw_too_wide(hw, err, errlen) ||
	    hw_double_refusal(hw, err, errlen) ||
	    !hw_kept_check(hw, err, errlen))
		return 0;
	hw->skewed = hw_skewed(hw);
	if (skew_refusal(hw, err, errlen))
		return 0;
	for (int j = 0; j < hw->np; j++)
		hw->fresh |= hw->tree[j] && hw->buf[hw->inner[T_OUT]].per_pe;
	return hw_fill_guards_fit(hw, err, errlen);
}
