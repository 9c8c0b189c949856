/* gbuf.c - the plan of the global buffers' memories: one SRAM, or
 * banks (one per lane) when each lane's port stays in its own run of
 * words (bank_plan); which buffers filled from DRAM (an output: and
 * drained) move up to the DRAM's bandwidth a cycle, a word per bank or
 * through a port a slot; which double-buffered buffers filled from
 * DRAM prefetch into two halves, one fetched while the steps read the
 * other; where the lanes' adder trees have a register
 * (docs/hardware.md).  gmem.c writes the memories, engine.c the
 * engines and seq.c the sequencer that use them.
 */
#include "emit.h"

#include <string.h>

/* A shared buffer whose lane ports each stay in their own run of
 * words is built as banks, one per lane: bank i holds words
 * [i*size, (i+1)*size) (the last one the rest), its lane's port and a
 * port the engine shares with the other banks.  Returns the number of
 * banks (0: one memory with every port) and the bank size.  Lane i's
 * words start at its constant offset and reach at most the sum of the
 * largest values of the parts that move its address. */
long bank_plan(const Hw *hw, int k, long *size)
{
	const HwBuf *B = &hw->buf[k];
	long lanes = step_lanes(hw, k), pl = par_ports(hw, k);
	if (!((lanes > 1 && !pl) || (pl > 1 && !lanes)) ||
	    lanes + pl > HW_MAXTUPLES)
		return 0;   /* no lanes, or two groups of them */
	long n = lanes ? lanes : pl, var = 0, lo[HW_MAXTUPLES] = {0};
	int c = lanes ? -1 : par_child(hw, k);
	const long *coef = B->acoef;
	for (int j = 0; j < hw->np; j++) {
		if (!coef[j])
			continue;
		int moves = lanes ? temporal(hw, j)
		                  : !hw->buf[c].par[j] &&
		                    (hw->buf[c].eng[j] || temporal(hw, j));
		if (coef[j] < 0)
			return 0;
		if (moves)
			var += (hw->part[j].p->extent - 1) * coef[j];
	}
	for (long u = 0; u < n; u++) {
		long rp = -1;
		if (lanes && hw->collapsed[B->t])
			for (long pe = 0; pe < hw->npe && rp < 0; pe++)
				if (lane_of(hw, B->t, pe) == u)
					rp = pe;
		lo[u] = 0;
		for (int j = 0; j < hw->np; j++) {
			const HwPart *q = &hw->part[j];
			long sv;
			if (lanes && q->spatial && hw->index[B->t][j])
				sv = rp >= 0 ? rp / q->sdiv % q->p->extent
				             : u / hw->lmult[B->t][j] % q->p->extent;
			else if (!lanes && hw->buf[c].par[j])
				sv = u / hw->buf[c].pmult[j] % q->p->extent;
			else
				continue;
			lo[u] += sv * coef[j];
		}
	}
	long sz = lo[1] - lo[0];
	if (lo[0] != 0 || sz <= var || sz < 1)
		return 0;
	for (long u = 0; u < n; u++)
		if (lo[u] != u * sz)
			return 0;
	if ((n - 1) * sz >= B->words)
		return 0;
	*size = sz;
	return n;
}

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a < 0 ? -a : a;
}

/* Whether every run of u words from a multiple of u (the words of
 * coordinate i's groups of slots, or of all its values) falls in one
 * bank of sz: u divides sz and the other coordinates' steps. */
static int in_bank(const Hw *hw, const HwBuf *B, int i, long u, long sz)
{
	if (sz % u)
		return 0;
	for (int j = 0; j < (B->box ? B->nbx : hw->np); j++) {
		long step = B->box ? B->bx[j].lstride : B->acoef[j];
		if (j != i && step % u)
			return 0;
	}
	return 1;
}

/* The DRAM moves `bandwidth` words a cycle, and so does a global buffer
 * filled (an output: and drained) from DRAM when its engine's walk has
 * a coordinate whose step moves to another bank, `bstride` banks on
 * (built as banks: bank_plan), or else `lstride` words on, a step prime
 * to the slots: the engine then moves the words of `slots` settings of
 * that coordinate a cycle, at DRAM addresses `dstride` apart, the slots
 * past its last value or outside the guards idle (never a kept
 * buffer's outermost coordinate, which walks the new values alone).
 * In the second case (wide) the memory, or in a banked buffer the bank
 * that holds the group's words (in_bank), has a write port (an output:
 * and a read port) a slot, as `slots` interleaved banks would take them
 * (word a in bank a mod slots: a step prime to the slots puts each slot
 * in a bank of its own).  The coordinate is the one that moves the most words a
 * cycle (its values over the cycles they take), a move between banks
 * when two tie (then the fewest banks apart).  Returns the slots (0: a
 * word a cycle). */
static int pfill_plan(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	struct OutSlots *f = &o->pf[k];
	memset(f, 0, sizeof *f);
	if (B->per_pe || B->parent >= 0 || B->dedup)
		return 0;
	long sz = 0, nb = bank_plan(hw, k, &sz);
	long bw = o->ln->arch->level[B->plevel].bandwidth;
	long cap = bw < HW_PORTS ? bw : HW_PORTS;
	if (cap < 2)
		return 0;   /* a word a cycle, or no bound (0) */
	int n = B->box ? B->nbx : hw->np;
	long best = 1, rest = 0, ibest = 1;
	double rate = 1, irate = 1;   /* words a cycle: the best bank
	                                 coordinate's, the best other's */
	struct OutSlots in = {0};
	for (int i = 0; i < n; i++) {
		long step = B->box ? B->bx[i].lstride : B->acoef[i];
		long ext = B->box ? B->bx[i].span : hw->part[i].p->extent;
		if (!step || (B->kslide && i == n - 1))
			continue;   /* (kept: its outermost walks a range) */
		if (!B->box && (!B->eng[i] || step < 0))
			return 0;   /* the address moves outside the walk */
		long g = ext < cap ? ext : cap;
		long m = nb && step % sz == 0 ? step / sz : 0;
		double r = (double)ext / (double)((ext + g - 1) / g);
		long ds = B->box ? B->bx[i].dstride : hw->lin[B->t][i];
		if (!m) {
			rest += (ext - 1) * step;
			if (gcd(step, g) == 1 && r > irate &&
			    (!nb || in_bank(hw, B, i, g * step, sz) ||
			     in_bank(hw, B, i, ext * step, sz))) {
				ibest = g;
				irate = r;
				in = (struct OutSlots){.coord = i, .ext = ext, .lstride = step,
				                       .dstride = ds, .wide = 1};
			}
		} else if (r > rate || (r == rate && g == best && m < f->bstride)) {
			best = g;
			rate = r;
			f->coord = i;
			f->ext = ext;
			f->bstride = m;
			f->dstride = ds;
		}
	}
	if (irate > rate) {   /* (every group's words in one bank) */
		*f = in;
		best = ibest;
	} else if (nb && rest >= sz) {
		return 0;
	}
	if (best < 2)
		return 0;
	f->nb = nb;
	f->size = nb ? sz : 0;
	f->slots = (int)best;
	return f->slots;
}

static void plan_pfill(Out *o)
{
	o->dslots = 1;
	o->wslots = 0;
	for (int k = 0; k < o->hw->nbuf; k++) {
		int G = pfill_plan(o, k);
		o->pf[k].slots = G;
		if (G > o->dslots)
			o->dslots = G;
		if (o->hw->buf[k].t == T_OUT && G > o->wslots)
			o->wslots = G;
	}
}

/* double_buffer() of a global buffer filled from DRAM (an input): its
 * next block is fetched while the steps run (where its walk repeats a
 * word, the repeat reads nothing).  Its DRAM address must come from its
 * walk and its refill parts alone (at a refill, every part inside the
 * block is 0), or, when it is refilled, from parts of one value (0).
 * (A buffer filled once has no next block: unless its walk gives its
 * whole DRAM address, when its one block is fetched from the layer's
 * start, it is built as one buffer, which its job fills sooner than a
 * prefetch would.) */
int gbuf_prefetches(const Hw *hw, int k)
{
	const HwBuf *B = &hw->buf[k];
	int ok = B->b->double_buffered && !B->per_pe && B->parent < 0 &&
	         B->t != T_OUT;
	for (int j = 0; ok && j < hw->np; j++)
		if (hw->lin[B->t][j] && !B->eng[j] && !refill_part(hw, B, j) &&
		    !(B->box && B->inb[j]) &&
		    (hw->part[j].p->extent > 1 || B->b->refill < 0))
			ok = 0;
	return ok;
}

static void plan_pre(Out *o)
{
	for (int k = 0; k < o->hw->nbuf; k++) {
		o->pre[k] = gbuf_prefetches(o->hw, k);
		o->npre += o->pre[k];
	}
}

/* Where a lane's adder tree over n words has its register: levels below
 * the root, 3 levels above the words, in a tree of more than 8 (0: no
 * register). The drained word's select and four levels took 7.05 ns on
 * AlexNet conv3, where the bare MAC takes 5.73 ns; the select and three
 * levels take 6.45 ns, and the level above them under 3
 * (docs/synthesis.md). One register only: over 64 words, the tree above
 * it is as long as the MAC. */
static int tree_register(long n)
{
	int levels = n > 1 ? hw_bits(n - 1) : 0;
	return levels >= 4 ? levels - 3 : 0;
}

/* A per-PE output drained by lanes into banks has a register in each
 * lane's adder tree where it has one (tree_register). The sum is written
 * a cycle later, so each bank hands a read of the word being written
 * the word written (emit_forward). Not where a drain's slots share a
 * bank (their read ports would need it too). */
static void plan_dreg(Out *o)
{
	const Hw *hw = o->hw;
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		long sz;
		int p = B->parent;
		if (B->t != T_OUT || !B->per_pe || B->npar < 2 || !is_gb(hw, p) ||
		    o->skd ||   /* skewed: its chain's registers (skew.c) */
		    o->pre[p] || o->og == p || (o->pf[p].slots && o->pf[p].wide) ||
		    !bank_plan(hw, p, &sz))
			continue;
		int D = tree_register(hw->npe / B->npar);
		if (!D)
			continue;
		o->dreg[k] = (unsigned char)D;
		o->lfwd[p] = 1;
	}
}

/* A shared output's lanes (array.c) add the products of their PEs into
 * it. The PE's multiply and the lane's adder before the add took 9.05
 * ns on FX|FY's 25 PEs and 7.14 on a 4x4 K array, where the bare MAC
 * takes 5.73: the products are registered in the PEs, and the lanes' trees
 * have their register (tree_register). The add, its read of the partial
 * sum and its write move that many cycles later (o->lq), and so does the
 * flush after the last step (seq.c, timing.c). */
static void plan_lanes(Out *o)
{
	const Hw *hw = o->hw;
	int k = hw->inner[T_OUT];
	if (hw->buf[k].per_pe || !step_lanes(hw, k) || !is_gb(hw, k))
		return;
	o->ldreg = tree_register(hw->npe / step_lanes(hw, k));
	o->lq = o->ldreg ? 2 : 1;
	if (!o->skd)
		return;
	/* skewed (skew.c): D cycles more, and a chain a register a PE */
	if (skew_chain(hw) >= 0) {
		o->ldreg = 0;
		o->lq = 2;
	}
	o->lq += o->skd;
}

void gbuf_plan(Out *o)
{
	o->skd = (int)skew_depth(o->hw);
	o->sdq = o->skd && skew_drain_q(o->hw);
	o->rlate = o->skd ? skew_ret_late(o->hw) : NULL;
	plan_lanes(o);
	plan_pfill(o);
	plan_pre(o);
	plan_dreg(o);
}

int hw_kept_slots_refused(const Hw *hw, int k)
{
	Out o = {.hw = hw, .ln = hw->ln, .oh = -1, .og = -1};
	return pfill_plan(&o, k) && !o.pf[k].wide;
}

int hw_dram_slots(const Hw *hw, int *writes)
{
	Out o = {.hw = hw, .ln = hw->ln, .oh = -1, .og = -1};
	plan_pfill(&o);
	*writes = o.wslots;
	return o.dslots;
}
