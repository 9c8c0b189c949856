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
	SPoint kept = {.keep = (unsigned char)sh->o->keep};
	for (int d = 0; d < NDIMS; d++) {
		sh->indexes[d] = 0;
		for (int t = 0; t < NTENSORS; t++)
			if (!(spoint_kept(c, &kept, t) && (c->wmask[t] >> d & 1)))
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

/* The digits of index x's loops in a block of a buffer of level Lb (in
 * one PE when perpe) as runs g (coefficients k); *mp gets the blocks,
 * *most the largest factor.  Their number. */
static int block_gens(Worker *w, const struct SIdx *x, int Lb, int perpe,
                      SGen *g, long *k, long *mp, long *most)
{
	const SCtx *c = w->sh->c;
	const SPoint *p = &w->p;
	int n = 0;
	*mp = *most = 1;
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
				*most = f > *most ? f : *most;
			}
			stride *= f;
		}
		*mp *= c->ext[d] / U;
	}
	return n;
}

static long window_values(Worker *w, const struct SIdx *x, int perpe,
                          int known);

/* The words of t that every block of its buffer of level Lb takes in
 * all, over the loops that index t (in one PE when perpe; otherwise
 * across the PEs): a refill's words are refill_blocks() of these.
 * `kept`: the least words a buffer of t that keeps its overlap fetches
 * over the layer whatever the order, each word it uses once (a window
 * position's values in each PE along it); its refills may fetch far
 * less than whole blocks: one that slides the window fetches only the
 * values it adds, and the same block may come back as a loop that does
 * not index t steps (docs/search.md, "Keeping the overlap"; slide_cost
 * for more). */
static long block_words(Worker *w, int t, int Lb, int perpe, int known,
                        int kept)
{
	const SCtx *c = w->sh->c;
	long total = 1;
	for (int r = 0; r < c->nidx[t]; r++) {
		const struct SIdx *x = &c->idx[t][r];
		if (x->nd == 1) {
			total *= c->ext[x->dim[0]];
			continue;
		}
		if (kept) {
			total *= window_values(w, x, perpe, known);
			for (int i = 0; perpe && i < x->nd; i++)
				total *= spatial_of(w, x->dim[i]);
			continue;
		}
		SGen g[NDIMS * (MAX_LEVELS + 1)];
		long k[NDIMS * (MAX_LEVELS + 1)], mp, most;
		int n = block_gens(w, x, Lb, perpe, g, k, &mp, &most);
		/* unknown inner factors make the strides unknown: the block has
		 * at least as many values as its largest run */
		long ss = known ? sset_size(&w->sc, g, k, n) : most;
		for (int q = 0; !known && q < n; q++)
			ss = g[q].count > ss ? g[q].count : ss;
		total *= mp * ss;
	}
	return total;
}

/* The values of window position x over the layer: across the PEs, all
 * of them; in one PE (perpe), with the strides known, those of its
 * loops' digits but the unrolled one (its stride: the per-PE levels'
 * factors), else at least the values of any one of its loops there. */
static long window_values(Worker *w, const struct SIdx *x, int perpe,
                          int known)
{
	const SCtx *c = w->sh->c;
	SGen g[2 * NDIMS];
	long k[2 * NDIMS], most = 1;
	int n = 0;
	for (int i = 0; i < x->nd; i++) {
		int d = x->dim[i];
		long S = perpe ? spatial_of(w, d) : 1, e = c->ext[d];
		long lo = S > 1 && c->npe ? w->inner[c->npe - 1][d] : 1;
		most = e / S > most ? e / S : most;
		if (lo > 1 || S == 1)
			g[n] = (SGen){1, S == 1 ? e : lo}, k[n++] = x->coef[i];
		if (S > 1 && e / (lo * S) > 1)
			g[n] = (SGen){lo * S, e / (lo * S)}, k[n++] = x->coef[i];
	}
	return known || !perpe ? sset_size(&w->sc, g, k, n) : most;
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
	r->blk = block_words(w, t, Lb, r->view, known, 0);
	r->blk_pe = r->hops ? block_words(w, t, Lb, 1, known, 0) : r->blk;
	r->kept = spoint_kept(c, &w->p, t);
	r->kblk = r->kblk_pe = 0;
	for (int s = 0; s < 2; s++)   /* slide_cost makes them when asked */
		for (int d = 0; d < NDIMS; d++)
			r->kstep[s][d][0] = r->kstep[s][d][1] =
				r->kept && known && (c->wmask[t] >> d & 1) &&
				(s || Lb < c->npe) ? -2 : -1;
	if (!r->kept)
		return;
	r->kblk = block_words(w, t, Lb, r->view, known, 1);
	r->kblk_pe = r->hops ? block_words(w, t, Lb, 1, known, 1) : r->kblk;
}

/* Whether a refill of t's buffer whose refill point is in level Ls may
 * be a step of a loop of t's window: a window's loop there has (or may
 * get, widened) a factor above 1.  A buffer that keeps its overlap then
 * may fetch less than whole blocks; else every refill moves an index of
 * one loop, by a block or more, and fetches a whole block. */
static int may_slide(const Worker *w, int t, int Ls)
{
	const SCtx *c = w->sh->c;
	if (Ls < 0)
		return 1;
	for (int d = 0; d < NDIMS; d++)
		if ((c->wmask[t] >> d & 1) && w->p.f[Ls][d] > 1)
			return 1;
	return 0;
}

/* The energy of refilling t's buffer in level Lb from its parent, the
 * loops of the levels up to Lout inside its refill point: the parent's
 * reads (and updates), the hops, and the buffer's fills.  `slide`: the
 * buffer may keep its overlap (its refill point maybe a loop of its
 * window): its least words in all (block_words' kept). */
static double bound_cost(Worker *w, int t, int Lb, int Lout, int full,
                         const struct Refill *r, int slide)
{
	const SCtx *c = w->sh->c;
	slide &= r->kept;
	long blk = slide ? r->kblk : r->blk;
	long blk_pe = slide ? r->kblk_pe : r->blk_pe;
	full &= !slide;
	double words = (double)(refill_blocks(w, t, Lout, r->view, full) * blk);
	double e, elems = (double)c->out_elems;
	e = words * pj(w, r->Lp, t, t == T_OUT ? ACT_UPDATE : ACT_READ);
	if (t == T_OUT)
		e += (words - elems) * pj(w, r->Lp, t, ACT_READ);
	double fills = t == T_OUT ? words - elems : words;
	if (r->hops) {
		double wpe = (double)(refill_blocks(w, t, Lout, 1, full) * blk_pe);
		e += (t == T_OUT ? wpe + words - elems : wpe) * hop(w, t);
		if (t != T_OUT)
			fills = wpe;   /* one in every PE that receives the word */
	}
	e += fills * pj(w, Lb, t, ACT_FILL);
	return e;
}

/* The words a step of window loop d outside t's buffer in level Lb
 * fetches when the buffer keeps its overlap (the strides known): the
 * step slides each block by the loop's stride, the per-PE levels'
 * factors and the level's, and the unrolled factor when the loop is in
 * a shared level (`shared`); it fetches the values that adds
 * (kept_slide), in every PE (each) and a word once (uni). */
static void slide_words(Worker *w, int t, int Lb, int d, int shared,
                        double *each, double *uni)
{
	const SCtx *c = w->sh->c;
	long pes = 1;
	int at = -1;
	for (int i = 0; i < c->nidx[t]; i++)
		for (int k = 0; c->idx[t][i].nd > 1 && k < c->idx[t][i].nd; k++)
			at = c->idx[t][i].dim[k] == d ? i : at;
	for (int e = 0; e < NDIMS; e++)
		pes *= spatial_of(w, e);
	int perpe = per_pe(c, Lb);
	const struct SIdx *x = &c->idx[t][at];
	long M = 0;
	for (int k = 0; k < x->nd; k++)
		if (x->dim[k] == d)
			M = x->coef[k] * w->inner[Lb][d] * (shared ? spatial_of(w, d) : 1);
	SGen a[NDIMS * (MAX_LEVELS + 1)], o[NDIMS] = {{0, 0}};
	long ka[NDIMS * (MAX_LEVELS + 1)], ko[NDIMS] = {0}, mp, most, mine, any;
	int na = block_gens(w, x, Lb, perpe, a, ka, &mp, &most), no = 0;
	for (int k = 0; perpe && k < x->nd; k++) {
		long S = spatial_of(w, x->dim[k]);
		if (S > 1) {
			o[no] = (SGen){w->inner[c->npe - 1][x->dim[k]], S};
			ko[no++] = x->coef[k];
		}
	}
	kept_slide(&w->sc, a, ka, na, o, ko, no, M, &mine, &any);
	*each = (double)mine * (double)(perpe ? pes : 1);
	*uni = (double)any;
	for (int i = 0; i < c->nidx[t]; i++) {   /* the other positions */
		if (i == at)
			continue;
		int n = block_gens(w, &c->idx[t][i], Lb, perpe, a, ka, &mp, &most);
		*each *= (double)sset_size(&w->sc, a, ka, n);
		if (perpe)
			n = block_gens(w, &c->idx[t][i], Lb, 0, a, ka, &mp, &most);
		*uni *= (double)sset_size(&w->sc, a, ka, n);
	}
}

/* The least energy of refilling t's buffer in level Lb that keeps its
 * overlap when its refill point is window loop d, of factor f (at
 * least 2), in a per-PE or a shared level (`shared`; the loops of the
 * levels between that index t of factor 1), with at most `inside`
 * iterations of loops that do not index t between it and the buffer:
 * each of its steps fetches slide_words' (r->kstep, made at the first
 * call and kept with the level's refill bounds), the other refills at
 * least nothing.  0 where that is not known (d in no window of t). */
static double slide_cost(Worker *w, int t, int Lb, int d, int shared,
                         long f, double inside, struct Refill *r)
{
	const SCtx *c = w->sh->c;
	long out = 1;
	double *k = r->kstep[shared][d];
	if (k[0] == -2) {
		slide_words(w, t, Lb, d, shared, &k[0], &k[1]);
		memcpy(w->bc[Lb].r[t].kstep[shared][d], k, 2 * sizeof *k);
	}
	if (f < 2 || k[0] < 0)
		return 0;
	for (int e = 0; e < NDIMS; e++)
		out *= c->ext[e] / (w->inner[Lb][e] * spatial_of(w, e));
	double steps = (double)out / inside / (double)f * (double)(f - 1);
	double words = steps * r->kstep[shared][d][r->view ? 0 : 1];
	double wpe = steps * r->kstep[shared][d][0];
	double e = words * pj(w, r->Lp, t, ACT_READ);
	if (r->hops)
		e += wpe * hop(w, t);
	return e + (r->hops ? wpe : words) * pj(w, Lb, t, ACT_FILL);
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
			cf[t] = bound_cost(w, t, Lb, Lb, 1, &r[t], 0);
			cm[t] = bound_cost(w, t, Lb, Lb, 0, &r[t], 1);
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
/* The same for a buffer that keeps its overlap, refilled in level Ls
 * by one of its loops there that index t (chosen, or not chosen yet and
 * widened above 1): the least of what each can cost as the refill point.
 * One of another position than a window's refills whole blocks, as for
 * any buffer; one of a window slides them (slide_cost, at least 2 steps
 * in 1: its factor is not always chosen yet; the loops of the levels
 * between and those of Ls that do not index t may be inside it); and
 * each word is fetched once at least. */
static double kept_point_cost(Worker *w, int t, int Lb, int Ls,
                              struct Refill *r)
{
	const SCtx *c = w->sh->c;
	double best = INFINITY, inside = 1;   /* loops not indexing t that
	                                         may be inside the refill
	                                         point */
	for (int d = 0; d < NDIMS; d++)
		if (!(c->mask[t] >> d & 1))
			inside *= (double)(w->inner[Ls][d] / w->inner[Lb][d]);
	for (int d = 0; d < NDIMS; d++) {
		if (!(c->mask[t] >> d & 1) || w->p.f[Ls][d] < 2)
			continue;
		double e = c->wmask[t] >> d & 1
		           ? slide_cost(w, t, Lb, d, Ls >= c->npe, 2, inside, r)
		           : bound_cost(w, t, Lb, Ls, 1, r, 0);
		best = fmin(best, e);
	}
	double least = bound_cost(w, t, Lb, Ls, 0, r, 1);
	return best < INFINITY ? fmax(best, least) : least;
}

static double refill_point_bound(Worker *w, int t, int Lb, int L, int part,
                                 int known, struct Refill *r)
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
	double cost = r->kept && may_slide(w, t, Ls)
	              ? kept_point_cost(w, t, Lb, Ls, r)
	              : bound_cost(w, t, Lb, Ls, 1, r, 0);
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
		int qc = -1;   /* their level, when chosen */
		for (int q = Lb + 1; q <= L && !cand && part == NDIMS; q++)
			for (int d = 0; d < NDIMS; d++)
				if (p->f[q][d] > 1) {
					cand |= 1u << d;
					qc = q;
				}
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
		/* buffers that keep their overlap: a loop of a window innermost
		 * slides it at each step (the strides known; the buffer's level
		 * chosen whole): by its factor in the level chosen, or else by
		 * at least 2 in a level outside (the first with a factor above
		 * 1), per-PE or shared */
		if (w->sh->o->keep && cand && known && (qc >= 0 || Lb < L)) {
			best = INFINITY;
			for (int d = 0; d < NDIMS; d++) {
				if (!(cand >> d & 1))
					continue;
				double s = 0;
				for (int t = 0; t < NTENSORS; t++) {
					double e = cm[t];
					if (w->sh->indexes[d] >> t & 1)
						e = cf[t];
					else if (p->buf[t][Lb] && r[t].kept && qc >= 0)
						e = fmax(e, slide_cost(w, t, Lb, d, qc >= c->npe,
						                       p->f[qc][d], 1, &r[t]));
					else if (p->buf[t][Lb] && r[t].kept && Lb + 1 >= c->npe)
						e = fmax(e, slide_cost(w, t, Lb, d, 1, 2, 1, &r[t]));
					else if (p->buf[t][Lb] && r[t].kept)
						e = fmax(e, fmin(slide_cost(w, t, Lb, d, 0, 2, 1, &r[t]),
						                 slide_cost(w, t, Lb, d, 1, 2, 1,
						                            &r[t])));
					s += e;
				}
				best = s < best ? s : best;
			}
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
			const struct Refill *rf = &r[Lb][t];
			int slide = rf->kept && may_slide(w, t, Ls);
			double W = (double)(refill_blocks(w, t, Ls < 0 ? Lb : Ls,
			                                  rf->view, Ls >= 0 && !slide) *
			                    (slide ? rf->kblk : rf->blk));
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
