/* bound.c - the search's lower bounds (docs/search.md): on the energy
 * of every completion of a partial blocking, and the energy every point
 * of a job pays.  search.c prunes with them; TESSERA_CHECK_BOUND checks
 * them against every point.
 */
#include "worker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Each action's energy per level and tensor, each tensor's least hop
 * energy and the tensors each loop indexes, looked up once per search
 * rather than at every bound. */
void bound_energies(Shared *sh)
{
	const SCtx *c = sh->c;
	for (int L = 0; L < c->nl; L++)
		for (int t = 0; t < NTENSORS; t++)
			for (int a = 0; a < NACTIONS; a++)
				sh->act_pj[L][t][a] = model_act_pj(c->arch, c->layer, L, t, a);
	for (int t = 0; t < NTENSORS; t++) {
		double least = model_hop_kind_pj(c->arch, c->layer, 0, t);
		for (int k = 1; k < HOP_KINDS; k++) {
			double e = model_hop_kind_pj(c->arch, c->layer, k, t);
			least = e < least ? e : least;
		}
		sh->hop_pj[t] = least;
	}
	for (int d = 0; d < NDIMS; d++) {
		sh->indexes[d] = 0;
		for (int t = 0; t < NTENSORS; t++)
			sh->indexes[d] |= (unsigned char)((c->mask[t] >> d & 1) << t);
	}
}

/* What an action of t costs at level L (as ir/model.c charges it). */
static double pj(const Worker *w, int L, int t, int action)
{
	return w->sh->act_pj[L][t][action];
}

/* The least a hop of t costs, whatever its kind. */
static double hop(const Worker *w, int t)
{
	return w->sh->hop_pj[t];
}

/* How many blocks of t (in one PE when perpe; otherwise one block across
 * the PEs) are refilled by the loops that do not index t: with the loops
 * of the levels up to Lout inside the refill point, as many as the rest
 * can make (full: every loop outside steps; otherwise none does). */
static long refill_blocks(const Worker *w, int t, int Lout, int perpe,
                          int full)
{
	const SCtx *c = w->sh->c;
	long total = 1;
	for (int d = 0; d < NDIMS; d++) {
		if (!c->used[d] || (c->mask[t] >> d & 1))
			continue;
		long S = spatial_of(w, d);
		if (!full) {
			total *= perpe ? S : 1;
			continue;
		}
		long U = w->inner[Lout][d];
		if (!perpe)
			U *= S; /* the unrolled loops: one block across the PEs */
		total *= c->ext[d] / U;
	}
	return total;
}

/* Each loop's factors multiplied up to each level (refill_blocks' U),
 * made once per bound: the factors do not change while it is made. */
static void inner_factors(Worker *w)
{
	const SCtx *c = w->sh->c;
	for (int d = 0; d < NDIMS; d++) {
		long U = 1;
		for (int q = 0; q < c->nl; q++)
			w->inner[q][d] = U *= w->p.f[q][d];
	}
}

/* The words of t that every block of its buffer of level Lb takes in
 * all, over the loops that index t (in one PE when perpe; otherwise
 * across the PEs): a refill's words are refill_blocks() of these. */
static long block_words(Worker *w, int t, int Lb, int perpe, int known)
{
	const SCtx *c = w->sh->c;
	const SPoint *p = &w->p;
	long total = 1;
	for (int r = 0; r < c->nidx[t]; r++) {
		const struct SIdx *x = &c->idx[t][r];
		if (x->nd == 1) {
			total *= c->ext[x->dim[0]];
			continue;
		}
		SGen g[NDIMS * (MAX_LEVELS + 1)];
		long k[NDIMS * (MAX_LEVELS + 1)], mp = 1, most = 1;
		int n = 0;
		for (int i = 0; i < x->nd; i++) {
			int d = x->dim[i], first = n;
			long stride = 1, U = 1;
			for (int q = 0; q <= c->nl; q++) {
				int L = q < c->npe ? q : q - 1;
				int sp = q == c->npe;
				long f = sp ? spatial_of(w, d) : p->f[L][d];
				int un = sp ? !perpe : L <= Lb;
				if (f > 1 && un) {
					SGen *last = n > first ? &g[n - 1] : NULL;
					if (last && last->stride * last->count == stride)
						last->count *= f;
					else
						g[n] = (SGen){stride, f}, k[n++] = x->coef[i];
					U *= f;
					most = f > most ? f : most;
				}
				stride *= f;
			}
			mp *= c->ext[d] / U;
		}
		/* unknown inner factors make the strides unknown: the block has
		 * at least as many values as its largest run */
		long ss = known ? sset_size(&w->sc, g, k, n) : most;
		for (int q = 0; !known && q < n; q++)
			ss = g[q].count > ss ? g[q].count : ss;
		total *= mp * ss;
	}
	return total;
}

/* The refill of t's buffer in level Lb (worker.h's struct Refill). */
static void refill_of(Worker *w, int t, int Lb, int known, struct Refill *r)
{
	const SCtx *c = w->sh->c;
	r->Lp = c->nl - 1;
	for (int L = c->nl - 2; L > Lb; L--)
		if (w->p.buf[t][L])
			r->Lp = L;
	r->view = per_pe(c, r->Lp);
	r->hops = per_pe(c, Lb) && !r->view;
	r->blk = block_words(w, t, Lb, r->view, known);
	r->blk_pe = r->hops ? block_words(w, t, Lb, 1, known) : r->blk;
}

/* The energy of refilling t's buffer in level Lb from its parent, the
 * loops of the levels up to Lout inside its refill point: the parent's
 * reads (and updates), the hops, and the buffer's fills. */
static double bound_cost(Worker *w, int t, int Lb, int Lout, int full,
                         const struct Refill *r)
{
	const SCtx *c = w->sh->c;
	double words = (double)(refill_blocks(w, t, Lout, r->view, full) *
	                        r->blk);
	double e, elems = (double)c->out_elems;
	e = words * pj(w, r->Lp, t, t == T_OUT ? ACT_UPDATE : ACT_READ);
	if (t == T_OUT)
		e += (words - elems) * pj(w, r->Lp, t, ACT_READ);
	double fills = t == T_OUT ? words - elems : words;
	if (r->hops) {
		double wpe = (double)(refill_blocks(w, t, Lout, 1, full) *
		                      r->blk_pe);
		e += (t == T_OUT ? wpe + words - elems : wpe) * hop(w, t);
		if (t != T_OUT)
			fills = wpe;   /* one in every PE that receives the word */
	}
	e += fills * pj(w, Lb, t, ACT_FILL);
	return e;
}

/* The refill bounds of the buffers of level Lb, every loop outside
 * stepping (cf) or none (cm).  They depend on the factors of the levels
 * up to Lb, and of every per-PE level when the parent is shared (the
 * unrolled digit's stride), so while the search chooses the factors of a
 * level outside those they stay the same: they are kept per level and
 * made again only when a factor they depend on has changed (and at one
 * partial point, cycles_bound's are lower_bound's). */
static void refill_bounds(Worker *w, int Lb, int known,
                          double *cf, double *cm, struct Refill *r)
{
	const SCtx *c = w->sh->c;
	int D = Lb < c->npe - 1 ? c->npe - 1 : Lb;
	struct BCache *b = &w->bc[Lb];
	size_t sz = sizeof b->f[0] * (size_t)(D + 1);
	int hit = b->job == w->job && b->known == known &&
	          !memcmp(b->f, w->p.f, sz);
	if (hit && !w->check_bound) {
		memcpy(cf, b->cf, sizeof b->cf);
		memcpy(cm, b->cm, sizeof b->cm);
		memcpy(r, b->r, sizeof b->r);
		return;
	}
	for (int t = 0; t < NTENSORS; t++) {
		cf[t] = cm[t] = 0;   /* a tensor without a buffer here */
		if (w->p.buf[t][Lb]) {
			refill_of(w, t, Lb, known, &r[t]);
			cf[t] = bound_cost(w, t, Lb, Lb, 1, &r[t]);
			cm[t] = bound_cost(w, t, Lb, Lb, 0, &r[t]);
		}
	}
	/* TESSERA_CHECK_BOUND: a kept bound must be the one made afresh */
	for (int t = 0; hit && t < NTENSORS; t++)
		if (cf[t] != b->cf[t] || cm[t] != b->cm[t])
			INTERNAL("level %d's kept refill bound of tensor %d is %.17g "
			         "(%.17g), made afresh %.17g (%.17g)", Lb, t, b->cf[t],
			         b->cm[t], cf[t], cm[t]);
	b->job = w->job;
	b->known = known;
	memcpy(b->f, w->p.f, sz);
	memcpy(b->cf, cf, sizeof b->cf);
	memcpy(b->cm, cm, sizeof b->cm);
	memcpy(b->r, r, sizeof b->r);
}

/* Whether the strides of every loop's digits are known at a partial
 * point (levels up to L chosen, at L the loops before `part`): once
 * every per-PE level is chosen (docs/search.md, "Branch and bound"). */
static int strides_known(const SCtx *c, int L, int part)
{
	return L > c->npe - 1 || (L == c->npe - 1 && part == NDIMS);
}

/* The loops of level L not chosen yet (from `part` on) take there the
 * largest factor any completion can give them (the level still fitting:
 * capacity.c's level_caps), the old factors kept in saved[]: blocks only
 * grow, so the words refilled only shrink.  The caller puts them back. */
static void widen(Worker *w, int L, int part, long saved[NDIMS])
{
	for (int d = part; d < NDIMS; d++) {
		saved[d] = w->p.f[L][d];
		w->p.f[L][d] *= w->sh->div[d][w->capi[L][part][d]];
	}
}

static void unwiden(Worker *w, int L, int part, const long saved[NDIMS])
{
	for (int d = part; d < NDIMS; d++)
		w->p.f[L][d] = saved[d];
}

/* The level of the first loop outside t's buffer in level Lb that
 * indexes t, among the chosen ones (up to L, from `part` on not yet at
 * L); -1 when none is. */
static int refill_level(const Worker *w, int t, int Lb, int L, int part)
{
	const SCtx *c = w->sh->c;
	for (int q = Lb + 1; q <= L && q < c->nl; q++)
		for (int d = 0; d < (q == L ? part : NDIMS); d++)
			if (w->p.f[q][d] > 1 && (c->mask[t] >> d & 1))
				return q;
	return -1;
}

/* The refills of t's buffer in level Lb when the level that refills it
 * is among those chosen (up to L, of which the loops from `part` on are
 * not chosen yet): the first level outside Lb with a loop that indexes
 * t.  Its loops that do not index t can all be inside the refill point,
 * those of the levels between are, and everything outside it steps: the
 * least refilling of any order.  0 when that level is not known yet. */
static double refill_point_bound(Worker *w, int t, int Lb, int L, int part,
                                 int known, const struct Refill *r)
{
	const SCtx *c = w->sh->c;
	int Ls = refill_level(w, t, Lb, L, part);
	if (Ls < 0)
		return 0;
	/* it depends on the factors up to Ls, and of every per-PE level
	 * when the parent is shared (as refill_bounds' do): kept while
	 * those stay the same */
	int D = Ls < c->npe - 1 ? c->npe - 1 : Ls;
	struct PCache *k = &w->pc[Lb][t];
	size_t sz = sizeof k->f[0] * (size_t)(D + 1);
	int hit = k->job == w->job && k->known == known &&
	          k->Ls == Ls && !memcmp(k->f, w->p.f, sz);
	if (hit && !w->check_bound)
		return k->cost;
	double cost = bound_cost(w, t, Lb, Ls, 1, r);
	if (hit && cost != k->cost)   /* TESSERA_CHECK_BOUND */
		INTERNAL("level %d's kept refill-point bound of tensor %d is "
		         "%.17g, made afresh %.17g", Lb, t, k->cost, cost);
	k->job = w->job;
	k->known = known;
	k->Ls = Ls;
	memcpy(k->f, w->p.f, sz);
	k->cost = cost;
	return cost;
}

/* A lower bound on the energy of every completion of the levels up to L
 * (L = nl-1: the point itself, orders aside), of which the loops from
 * `part` on are not yet chosen at level L: for those, the bound takes the
 * whole remaining factor inside level L (blocks only shrink the words
 * refilled as they grow) and lets any loop be the one outside.  Once the
 * sum passes `limit` it is returned as it is: a lower bound still. */
double lower_bound(Worker *w, int L, int part, double limit)
{
	const SCtx *c = w->sh->c;
	SPoint *p = &w->p;
	double lb = w->base;
	/* DRAM's share, for each tensor whose refill from DRAM (that of its
	 * outermost on-chip buffer) is outside the levels bounded below; a
	 * tensor in no on-chip level has its DRAM reads in the job's base */
	for (int t = 0; t < NTENSORS; t++) {
		int Lo = -1;
		for (int q = 0; q < c->nl - 1; q++)
			if (p->buf[t][q])
				Lo = q;
		if (Lo > L)
			lb += w->sh->dram_min[t];
	}
	int known = strides_known(c, L, part);
	long saved[NDIMS];
	widen(w, L, part, saved);
	inner_factors(w);
	/* every term is at least 0: past `limit`, the rest cannot matter
	 * (the innermost levels' terms, mostly kept, come first) */
	for (int Lb = 0; Lb <= L && Lb < c->nl - 1 && lb <= limit; Lb++) {
		int any = 0;
		for (int t = 0; t < NTENSORS; t++)
			any |= p->buf[t][Lb];
		if (!any)
			continue;
		/* the loops that can be innermost outside the buffer */
		unsigned cand = 0;
		for (int q = Lb + 1; q <= L && !cand && part == NDIMS; q++)
			for (int d = 0; d < NDIMS; d++)
				if (p->f[q][d] > 1)
					cand |= 1u << d;
		/* or else, the loops with factors outside Lb (those of level L
		 * not chosen yet taken as 1: inner[] has them widened) */
		if (!cand && (L < c->nl - 1 || part < NDIMS))
			for (int d = 0; d < NDIMS; d++) {
				long in = Lb < L || d < part ? w->inner[Lb][d]
				          : Lb ? w->inner[Lb - 1][d] : 1;
				if (c->ext[d] > spatial_of(w, d) * in)
					cand |= 1u << d;
			}
		double cf[NTENSORS], cm[NTENSORS], best = INFINITY;
		struct Refill r[NTENSORS];   /* those of the buffers at Lb */
		refill_bounds(w, Lb, known, cf, cm, r);
		if (!cand)
			memcpy(cm, cf, sizeof cm);
		for (int t = 0; cand && t < NTENSORS; t++)
			if (p->buf[t][Lb])
				cm[t] = fmax(cm[t], refill_point_bound(w, t, Lb, L, part,
				                                       known, &r[t]));
		/* the loops that index the same tensors give the same sum: one
		 * sum for each such set among the candidates */
		unsigned sets = cand ? 0 : 1u << ((1u << NTENSORS) - 1);
		for (int d = 0; d < NDIMS; d++)
			if (cand >> d & 1)
				sets |= 1u << w->sh->indexes[d];
		for (unsigned m = 0; m < 1u << NTENSORS; m++) {
			if (!(sets >> m & 1))
				continue;
			double s = 0;
			for (int t = 0; t < NTENSORS; t++)
				s += m >> t & 1 ? cf[t] : cm[t];
			best = s < best ? s : best;
		}
		lb += best;
	}
	unwiden(w, L, part, saved);
	return lb;
}

/* A lower bound on the cycles of every completion of the same partial
 * point as lower_bound's: the job's compute cycles, and the stalls of
 * each buffer chosen that is not double-buffered, whose transfers stall
 * the array (docs/model.md): at least its least words (as the energy
 * bound takes them, a tensor at a time) at its parent's bandwidth.
 * Latencies, double-buffered buffers and the levels' own bandwidth
 * limits can only add. */
double cycles_bound(Worker *w, int L, int part)
{
	const SCtx *c = w->sh->c;
	SPoint *p = &w->p;
	const Arch *a = c->arch;
	int known = strides_known(c, L, part);
	double pes = (double)spoint_pes(p, a->ndims), stall = 0;
	long saved[NDIMS];
	widen(w, L, part, saved);
	inner_factors(w);
	struct Refill r[MAX_LEVELS][NTENSORS];
	unsigned made = 0;   /* the levels whose refills are in r */
	for (int t = 0; t < NTENSORS; t++) {
		double lanes = 1;
		for (int d = 0; d < NDIMS; d++)
			if (c->mask[t] >> d & 1)
				lanes *= (double)spatial_of(w, d);
		int first = 1;
		for (int Lb = 0; Lb <= L && Lb < c->nl - 1; Lb++) {
			if (!p->buf[t][Lb])
				continue;
			int overlapped = spoint_overlapped(c, p, t, Lb, first);
			first = 0;
			if (overlapped)
				continue;
			int Lp = Lb + 1;
			while (Lp < c->nl - 1 && !p->buf[t][Lp])
				Lp++;
			double bw = model_xfer_bw(a, Lp, Lb, pes, lanes);
			if (bw <= 0)
				continue;
			if (!(made >> Lb & 1)) {
				double cf[NTENSORS], cm[NTENSORS];
				refill_bounds(w, Lb, known, cf, cm, r[Lb]);
				made |= 1u << Lb;
			}
			int Ls = refill_level(w, t, Lb, L, part);
			double W = (double)(refill_blocks(w, t, Ls < 0 ? Lb : Ls,
			                                  r[Lb][t].view, Ls >= 0) *
			                    r[Lb][t].blk);
			stall += (t == T_OUT ? 2 * W - (double)c->out_elems : W) / bw;
		}
	}
	unwiden(w, L, part, saved);
	return (double)w->compute + stall;
}

/* Energy every point of the job pays: MACs, and each tensor's accesses
 * at its innermost level (a shared innermost level: at least the largest
 * run of an unrolled window, strides unknown). */
double job_base(Worker *w)
{
	const SCtx *c = w->sh->c;
	double e = (double)c->macs * (c->arch->mac_pj * c->bits[T_A] *
	                              c->bits[T_B] / 256.0);
	double macs = (double)c->macs, elems = (double)c->out_elems;
	for (int t = 0; t < NTENSORS; t++) {
		int Li = 0;   /* DRAM where no on-chip level holds t */
		while (Li < c->nl - 1 && !w->p.buf[t][Li])
			Li++;
		double wv = macs;
		if (!per_pe(c, Li)) {
			/* distinct words per step across the PEs */
			long n = 1;
			for (int d = 0; d < NDIMS; d++)
				if (c->used[d] && !(c->mask[t] >> d & 1))
					n *= c->ext[d] / spatial_of(w, d);
			for (int r = 0; r < c->nidx[t]; r++) {
				const struct SIdx *x = &c->idx[t][r];
				long most = 1, mp = 1;
				for (int i = 0; i < x->nd; i++) {
					long S = spatial_of(w, x->dim[i]);
					mp *= c->ext[x->dim[i]] / S;
					most = S > most ? S : most;
				}
				n *= x->nd == 1 ? c->ext[x->dim[0]] : mp * most;
			}
			wv = (double)n;
			e += (t == T_OUT ? macs + wv - elems : macs) * hop(w, t);
		}
		if (t == T_OUT)   /* every contribution updates, all but the
		                     first of each element reads */
			e += wv * pj(w, Li, t, ACT_UPDATE) +
			     (wv - elems) * pj(w, Li, t, ACT_READ);
		else
			e += wv * pj(w, Li, t, ACT_READ);
	}
	return e;
}
