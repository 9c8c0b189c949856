/* search.c - the blocking / dataflow search over canonical schedules
 * (docs/search.md).
 *
 * The space: for each allowed dataflow (the loops unrolled onto the
 * array dimensions) and spatial factors, and each choice of which
 * tensors skip the inner on-chip levels, every divisor blocking of every
 * loop over the levels, innermost level first, that fits each level's
 * capacity, and for each blocking the candidate loop orders of every
 * level (space.c).  Capacity prunes exactly: a level's blocks depend
 * only on the factors inside it and grow with each factor.
 *
 * Branch and bound makes it fast and stays exact: after each level, a
 * lower bound on the energy of any completion (every term of the model
 * that can only grow as the outer levels are chosen) is compared with
 * the best point found so far, and the subtree is skipped when it cannot
 * win.  The bound at a buffer boundary: the innermost loop outside it
 * indexes some tensors, and those are refilled at every step of all the
 * loops outside (known products); only the others can be stationary.
 * `--exhaustive` turns the bound off and evaluates every point.
 *
 * Work is split into jobs (one per dataflow, spatial factors and buffer
 * choice), taken by the threads in turn.  Ties are broken by the job and
 * the order of enumeration, and no point whose cost equals the best is
 * ever pruned, so the answer is the same for any number of threads.
 */
#include "search.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAXDIV = 512 };


typedef struct Shared {
	const SCtx *c;
	const SOpts *o;
	Job *jobs;
	int njobs;
	atomic_int next, done;
	_Atomic double best;           /* best cost so far, for pruning */
	_Atomic double best_e;         /* its energy (written first) */
	atomic_long evaluated, pruned;
	int ndiv[NDIMS];
	long div[NDIMS][MAXDIV];       /* divisors of each extent */
	double dram_min[NTENSORS];     /* energy of fetching each element once */
	pthread_mutex_t mu;
	double best_pjmac;             /* for the progress line */
	SPoint bestp;                  /* the best so far and its model, */
	Model bestm;                   /* for SOpts.improved */
	long bver;                     /* how often it changed */
} Shared;

typedef struct Worker {
	Shared *sh;
	SScratch sc;
	SPoint p;
	long rem[NDIMS];
	double base;                   /* energy every point of the job pays */
	long compute;                  /* compute cycles of the job */
	int job;
	long seq;
	int found;
	SPoint best;
	Model bm;
	double bcost, benergy;
	int bjob;
	long bseq;
	long evaluated, pruned;
	double lbp[MAX_LEVELS][NDIMS + 1]; /* bounds on the path (checking) */
	struct BCache {                /* a buffer level's refill bounds */
		int job;                   /* valid for this job (-1: none) */
		int known;                 /* the `known` they were made with */
		long f[MAX_LEVELS][NDIMS]; /* the factors they depend on */
		double cf[NTENSORS], cm[NTENSORS];
	} bc[MAX_LEVELS];
	int check_bound;
	int count_only;                /* --count: the size of the space */
} Worker;

static double now(void)
{
	return clock_seconds();
}

static int per_pe(const SCtx *c, int L)
{
	return c->arch->level[L].per_pe;
}

static double pj(const SCtx *c, int L, int t)
{
	return c->arch->level[L].pj * c->bits[t] / 16.0;
}

static double hop(const SCtx *c, int t)
{
	return c->arch->hop_pj * c->bits[t] / 16.0;
}

/* ---- capacity ---- */

/* Words of the largest block of t in level L: its digits are the lowest
 * ones of each loop (levels up to L, and the unrolled piece when L is
 * shared), one run from stride 1. */
static long level_block(const Worker *w, int t, int L)
{
	const SCtx *c = w->sh->c;
	long P[NDIMS];
	for (int d = 0; d < NDIMS; d++) {
		P[d] = 1;
		for (int q = 0; q <= L; q++)
			P[d] *= w->p.f[q][d];
		for (int a = 0; !per_pe(c, L) && a < c->arch->ndims; a++)
			if (w->p.sdim[a] == d)
				P[d] *= w->p.sf[a];
	}
	return sctx_words(c, (SScratch *)&w->sc, t, P);
}

static int level_fits(const Worker *w, int L)
{
	const SCtx *c = w->sh->c;
	long used = 0;
	for (int t = 0; t < NTENSORS; t++)
		if (w->p.buf[t][L])
			used += (level_block(w, t, L) * c->bits[t] + 7) / 8 *
			        (w->p.dbl ? 2 : 1);
	return used <= c->arch->level[L].bytes;
}

/* ---- the lower bound ---- */

static long spatial_of(const SPoint *p, const SCtx *c, int d)
{
	for (int a = 0; a < c->arch->ndims; a++)
		if (p->sdim[a] == d)
			return p->sf[a];
	return 1;
}

/* Words of t refilled into its buffer of level Lb (whose parent is
 * counted per PE when perpe), with the loops of the other tensors'
 * indices marked as much as they can be (full: every loop outside the
 * buffer steps; otherwise none does). */
static long bound_words(Worker *w, int t, int Lb, int perpe, int full,
                        int known)
{
	const SCtx *c = w->sh->c;
	const SPoint *p = &w->p;
	long total = 1;
	for (int d = 0; d < NDIMS; d++) {
		if (!c->used[d] || (c->mask[t] >> d & 1))
			continue;
		long S = spatial_of(p, c, d), U = 1;
		for (int q = 0; q <= Lb; q++)
			U *= p->f[q][d];
		if (!perpe)
			U *= S; /* the unrolled loops: one block across the PEs */
		total *= full ? c->ext[d] / U : (perpe ? S : 1);
	}
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
				long f = sp ? spatial_of(p, c, d) : p->f[L][d];
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

/* The energy of refilling t's buffer in level Lb from its parent. */
static double bound_cost(Worker *w, int t, int Lb, int full, int known)
{
	const SCtx *c = w->sh->c;
	int Lp = c->nl - 1;
	for (int L = c->nl - 2; L > Lb; L--)
		if (w->p.buf[t][L])
			Lp = L;
	int view = per_pe(c, Lp);
	double words = (double)bound_words(w, t, Lb, view, full, known);
	double e, elems = (double)c->out_elems;
	e = t == T_OUT ? (2 * words - elems) * pj(c, Lp, t) : words * pj(c, Lp, t);
	if (per_pe(c, Lb) && !view) {
		double wpe = (double)bound_words(w, t, Lb, 1, full, known);
		e += (t == T_OUT ? wpe + words - elems : wpe) * hop(c, t);
	}
	return e;
}

/* The refill bounds of the buffers of level Lb, every loop outside
 * stepping (cf) or none (cm).  They depend on the factors of the levels
 * up to Lb, and of every per-PE level when the parent is shared (the
 * unrolled digit's stride), so while the search chooses the factors of a
 * level outside those they stay the same: they are kept per level and
 * made again only when a factor they depend on has changed. */
static void refill_bounds(Worker *w, int Lb, int L, int known,
                          double *cf, double *cm)
{
	const SCtx *c = w->sh->c;
	int D = Lb < c->npe - 1 ? c->npe - 1 : Lb;
	struct BCache *b = &w->bc[Lb];
	size_t sz = sizeof b->f[0] * (size_t)(D + 1);
	int hit = D < L && b->job == w->job && b->known == known &&
	          !memcmp(b->f, w->p.f, sz);
	if (hit && !w->check_bound) {
		memcpy(cf, b->cf, sizeof b->cf);
		memcpy(cm, b->cm, sizeof b->cm);
		return;
	}
	for (int t = 0; t < NTENSORS; t++)
		if (w->p.buf[t][Lb]) {
			cf[t] = bound_cost(w, t, Lb, 1, known);
			cm[t] = bound_cost(w, t, Lb, 0, known);
		}
	/* TESSERA_CHECK_BOUND: a kept bound must be the one made afresh */
	for (int t = 0; hit && t < NTENSORS; t++)
		if (cf[t] != b->cf[t] || cm[t] != b->cm[t])
			INTERNAL("level %d's kept refill bound of tensor %d is %.17g "
			         "(%.17g), made afresh %.17g (%.17g)", Lb, t, b->cf[t],
			         b->cm[t], cf[t], cm[t]);
	if (D < L) {
		b->job = w->job;
		b->known = known;
		memcpy(b->f, w->p.f, sz);
		memcpy(b->cf, cf, sizeof b->cf);
		memcpy(b->cm, cm, sizeof b->cm);
	}
}

/* A lower bound on the energy of every completion of the levels up to L
 * (L = nl-1: the point itself, orders aside), of which the loops from
 * `part` on are not yet chosen at level L: for those, the bound takes the
 * whole remaining factor inside level L (blocks only shrink the words
 * refilled as they grow) and lets any loop be the one outside. */
static double lower_bound(Worker *w, int L, int part)
{
	const SCtx *c = w->sh->c;
	SPoint *p = &w->p;
	double lb = w->base;
	int known = L >= c->npe - 1 || (L == c->npe - 1 && part == NDIMS);
	unsigned outer[MAX_LEVELS] = {0}; /* loops with factors outside Lb */
	for (int Lb = 0; Lb <= L && Lb < c->nl - 1; Lb++)
		for (int d = 0; d < NDIMS; d++) {
			long in = spatial_of(p, c, d);
			for (int q = 0; q <= Lb; q++)
				in *= q == L && d >= part ? 1 : p->f[q][d];
			if (c->ext[d] > in)
				outer[Lb] |= 1u << d;
		}
	long saved[NDIMS];
	for (int d = part; d < NDIMS; d++) {
		saved[d] = p->f[L][d];
		p->f[L][d] = p->f[L][d] * w->rem[d];
	}
	for (int Lb = 0; Lb <= L && Lb < c->nl - 1; Lb++) {
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
		if (!cand && (L < c->nl - 1 || part < NDIMS))
			cand = outer[Lb];
		double cf[NTENSORS] = {0}, cm[NTENSORS] = {0}, best = INFINITY;
		refill_bounds(w, Lb, L, known, cf, cm);
		if (!cand)
			memcpy(cm, cf, sizeof cm);
		for (int d = 0; d < NDIMS; d++) {
			if (cand && !(cand >> d & 1))
				continue;
			double s = 0;
			for (int t = 0; t < NTENSORS; t++)
				s += (c->mask[t] >> d & 1) || !cand ? cf[t] : cm[t];
			best = s < best ? s : best;
			if (!cand)
				break;
		}
		lb += best;
	}
	for (int d = part; d < NDIMS; d++)
		p->f[L][d] = saved[d];
	if (L < c->nl - 2)
		for (int t = 0; t < NTENSORS; t++)
			lb += w->sh->dram_min[t];
	return lb;
}

/* Energy every point of the job pays: MACs, and each tensor's accesses
 * at its innermost level (a shared innermost level: at least the largest
 * run of an unrolled window, strides unknown). */
static double job_base(Worker *w)
{
	const SCtx *c = w->sh->c;
	double e = (double)c->macs * (c->arch->mac_pj * c->bits[T_A] *
	                              c->bits[T_B] / 256.0);
	double macs = (double)c->macs, elems = (double)c->out_elems;
	for (int t = 0; t < NTENSORS; t++) {
		int Li = 0;
		while (!w->p.buf[t][Li])
			Li++;
		double wv = macs;
		if (!per_pe(c, Li)) {
			/* distinct words per step across the PEs */
			long n = 1;
			for (int d = 0; d < NDIMS; d++)
				if (c->used[d] && !(c->mask[t] >> d & 1))
					n *= c->ext[d] / spatial_of(&w->p, c, d);
			for (int r = 0; r < c->nidx[t]; r++) {
				const struct SIdx *x = &c->idx[t][r];
				long most = 1, mp = 1;
				for (int i = 0; i < x->nd; i++) {
					long S = spatial_of(&w->p, c, x->dim[i]);
					mp *= c->ext[x->dim[i]] / S;
					most = S > most ? S : most;
				}
				n *= x->nd == 1 ? c->ext[x->dim[0]] : mp * most;
			}
			wv = (double)n;
			e += (t == T_OUT ? macs + wv - elems : macs) * hop(c, t);
		}
		e += (t == T_OUT ? 2 * wv - elems : wv) * pj(c, Li, t);
	}
	return e;
}

/* ---- evaluating a complete blocking ---- */

static int better(double cost, double energy, int job, long seq,
                  const Worker *w)
{
	if (!w->found)
		return 1;
	if (cost != w->bcost)
		return cost < w->bcost;
	if (energy != w->benergy)
		return energy < w->benergy;
	return job < w->bjob || (job == w->bjob && seq < w->bseq);
}

static void offer(Worker *w, const Model *m, double cost)
{
	const SOpts *o = w->sh->o;
	long seq = w->seq++;
	if (w->sh->jobs[w->job].unbuildable) {   /* TESSERA_CHECK_BUILDABLE */
		Model full;
		int ok = 0;
		char err[256];
		if (spoint_relower(w->sh->c, &w->p, &full, &ok, err, sizeof err) &&
		    ok) {
			size_t len;
			char *text = spoint_text(w->sh->c, &w->p, &len);
			INTERNAL("--buildable skips the levels of a schedule the "
			         "backend builds:\n%s", text);
		}
		return;
	}
	if (m->utilization < o->min_util ||
	    (o->max_cycles && m->cycles > o->max_cycles))
		return;
	if (!better(cost, m->e_total, w->job, seq, w))
		return;
	if (o->buildable) {
		Model full;
		int ok = 0;
		char err[256];
		if (!spoint_relower(w->sh->c, &w->p, &full, &ok, err, sizeof err) ||
		    !ok)
			return;
	}
	w->found = 1;
	w->best = w->p;
	w->bm = *m;
	w->bcost = cost;
	w->benergy = m->e_total;
	w->bjob = w->job;
	w->bseq = seq;
	/* the energy first: a reader that sees the new cost sees it too */
	pthread_mutex_lock(&w->sh->mu);
	double cur = atomic_load(&w->sh->best);
	if (cost < cur || (cost == cur && m->e_total < atomic_load(&w->sh->best_e))) {
		atomic_store(&w->sh->best_e, m->e_total);
		atomic_store(&w->sh->best, cost);
		if (w->sh->o->improved) {
			w->sh->bestp = w->p;
			w->sh->bestm = *m;
			w->sh->bver++;
		}
	}
	if (w->sh->best_pjmac <= 0 || m->pj_per_mac < w->sh->best_pjmac)
		w->sh->best_pjmac = m->pj_per_mac;
	pthread_mutex_unlock(&w->sh->mu);
}

static void orders_rec(Worker *w, int L, signed char (*ords)[S_MAXORDERS][NDIMS],
                       const int *nord)
{
	const SCtx *c = w->sh->c;
	if (L == c->nl && w->count_only) {
		w->evaluated++;
		return;
	}
	if (L == c->nl) {
		SNest s;
		Model m;
		spoint_nest(c, &w->p, &s);
		spoint_eval(c, &w->p, &s, &w->sc, &m);
		w->evaluated++;
		for (int q = 0; w->check_bound && q < c->nl * (NDIMS + 1); q++)
			if (w->lbp[q / (NDIMS + 1)][q % (NDIMS + 1)] >
			    m.e_total * (1 + 1e-9)) {
				size_t len;
				char *text = spoint_text(c, &w->p, &len);
				INTERNAL("the bound at level %d, loop %d is %.17g, above the "
				         "energy %.17g of\n%s", q / (NDIMS + 1), q % (NDIMS + 1),
				         w->lbp[q / (NDIMS + 1)][q % (NDIMS + 1)], m.e_total,
				         text);
			}
		offer(w, &m, spoint_cost(w->sh->o->obj, &m));
		return;
	}
	for (int k = 0; k < nord[L]; k++) {
		memcpy(w->p.order[L], ords[L][k], NDIMS);
		orders_rec(w, L + 1, ords, nord);
	}
}

/* Every candidate order of the levels outside the innermost (the
 * innermost level's order never matters: its loops are inside every
 * buffer). */
static void leaf(Worker *w)
{
	const SCtx *c = w->sh->c;
	signed char ords[MAX_LEVELS][S_MAXORDERS][NDIMS];
	int nord[MAX_LEVELS];
	for (int L = 0; L < c->nl; L++)
		nord[L] = L == 0 ? (memcpy(ords[0][0], w->p.order[0], NDIMS), 1)
		                 : level_orders(c, w->p.f[L], ords[L]);
	orders_rec(w, 0, ords, nord);
}

static int prune(Worker *w, int L, int part)
{
	const SOpts *o = w->sh->o;
	if (w->check_bound)
		w->lbp[L][part] = lower_bound(w, L, part);
	if (o->exhaustive)
		return 0;
	double best = atomic_load(&w->sh->best);
	if (!isfinite(best))
		return 0;
	double lb = lower_bound(w, L, part);
	double cost = o->obj == OBJ_ENERGY ? lb
	            : o->obj == OBJ_EDP ? lb * (double)w->compute
	                                : (double)w->compute;
	/* cycles: no point of the job runs faster than its compute cycles;
	 * at the best cycles, energy breaks the tie */
	int cut = cost > best * (1 + 1e-9) ||
	          (o->obj == OBJ_CYCLES && cost == best &&
	           lb > atomic_load(&w->sh->best_e) * (1 + 1e-9));
	if (cut)
		w->pruned++;
	return cut;
}

static void level_rec(Worker *w, int L, int d)
{
	const SCtx *c = w->sh->c;
	const SOpts *o = w->sh->o;
	SPoint *p = &w->p;
	if (L == c->nl - 1) {
		for (int e = 0; e < NDIMS; e++) {
			if (o->fix[L][e] && o->fix[L][e] != w->rem[e])
				return;
			p->f[L][e] = w->rem[e];
		}
		if (!prune(w, L, NDIMS))
			leaf(w);
		return;
	}
	if (d == NDIMS) {
		if (!prune(w, L, NDIMS))
			level_rec(w, L + 1, 0);
		return;
	}
	int any = 0;
	for (int t = 0; t < NTENSORS; t++)
		any |= p->buf[t][L];
	p->f[L][d] = 1;
	w->lbp[L][d + 1] = -INFINITY;
	if (!c->used[d] || !any || w->rem[d] == 1) {
		/* a level no tensor is buffered in would only repeat the orders
		 * of the level outside it */
		if (!o->fix[L][d] || o->fix[L][d] == 1)
			level_rec(w, L, d + 1);
		return;
	}
	const Shared *sh = w->sh;
	for (int i = 0; i < sh->ndiv[d]; i++) {
		long f = sh->div[d][i];
		if (f > w->rem[d])
			break;
		if (w->rem[d] % f || (o->fix[L][d] && o->fix[L][d] != f))
			continue;
		p->f[L][d] = f;
		w->rem[d] /= f;
		int fits = level_fits(w, L);
		/* the bound of the loops chosen so far, where it can cut */
		if (fits && (d + 1 == NDIMS || !prune(w, L, d + 1)))
			level_rec(w, L, d + 1);
		w->rem[d] *= f;
		if (!fits)
			break; /* larger factors make larger blocks */
	}
	p->f[L][d] = 1;
}

static void run_job(Worker *w, int j)
{
	const SCtx *c = w->sh->c;
	const Job *job = &w->sh->jobs[j];
	SPoint *p = &w->p;
	memset(p, 0, sizeof *p);
	memcpy(p->sdim, job->sdim, sizeof p->sdim);
	memcpy(p->sf, job->sf, sizeof p->sf);
	memcpy(p->buf, job->buf, sizeof p->buf);
	p->dbl = (unsigned char)w->sh->o->dbl;
	for (int L = 0; L < c->nl; L++)
		for (int d = 0; d < NDIMS; d++) {
			p->f[L][d] = 1;
			p->order[L][d] = (signed char)d;
		}
	w->compute = 1;
	for (int d = 0; d < NDIMS; d++) {
		w->rem[d] = c->ext[d] / spatial_of(p, c, d);
		w->compute *= w->rem[d];
	}
	w->job = j;
	w->seq = 0;
	for (int L = 0; L < MAX_LEVELS; L++)
		w->bc[L].job = -1;
	w->base = job_base(w);
	level_rec(w, 0, 0);
}

static void *worker_main(void *arg)
{
	Worker *w = arg;
	Shared *sh = w->sh;
	for (;;) {
		int j = atomic_fetch_add(&sh->next, 1);
		if (j >= sh->njobs)
			break;
		long e0 = w->evaluated, p0 = w->pruned;
		run_job(w, j);
		if (getenv("TESSERA_JOB_STATS") && w->evaluated - e0 > 100000) {
			const Job *jb = &sh->jobs[j];
			fprintf(stderr, "job %d sf %ld %ld buf", j, jb->sf[0], jb->sf[1]);
			for (int t = 0; t < NTENSORS; t++)
				for (int L = 0; L < sh->c->nl - 1; L++)
					fprintf(stderr, "%s%d", L ? "" : " ", jb->buf[t][L]);
			fprintf(stderr, ": %ld evaluated, %ld pruned\n", w->evaluated - e0,
			        w->pruned - p0);
		}
		atomic_fetch_add(&sh->evaluated, w->evaluated - e0);
		atomic_fetch_add(&sh->pruned, w->pruned - p0);
		atomic_fetch_add(&sh->done, 1);
	}
	return NULL;
}

static void progress(Shared *sh, double t0, int final)
{
	double el = now() - t0;
	long ev = atomic_load(&sh->evaluated);
	int done = atomic_load(&sh->done);
	double left = done ? el * (sh->njobs - done) / done : 0;
	pthread_mutex_lock(&sh->mu);
	double best = sh->best_pjmac;
	pthread_mutex_unlock(&sh->mu);
	if (final) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	fprintf(stderr, "\r\033[Ksearch: %ld evaluated, best %.4g pJ/MAC, "
	        "%.3g/s, jobs %d/%d, ~%.0f s left", ev, best,
	        el > 0 ? ev / el : 0, done, sh->njobs, left);
}

static int search_space(const SCtx *c, const SOpts *o, SResult *r);

/* The best so far, if it changed since version `seen`, to o->improved
 * (outside the lock: it may write a file); the version now. */
static long tell_improved(Shared *sh, long seen)
{
	SPoint *p = malloc(sizeof *p);
	Model *m = malloc(sizeof *m);
	if (!p || !m)
		INTERNAL("out of memory");
	pthread_mutex_lock(&sh->mu);
	long v = sh->bver;
	if (v != seen) {
		*p = sh->bestp;
		*m = sh->bestm;
	}
	pthread_mutex_unlock(&sh->mu);
	if (v != seen)
		sh->o->improved(sh->c, p, m, sh->o->improved_arg);
	free(p);
	free(m);
	return v;
}

/* With bypassing allowed, the space without it (a part of it, and much
 * smaller) is searched first: its best is a bound the whole search then
 * starts from.  That prunes early and changes nothing in the answer (no
 * point whose cost equals the bound is pruned). */
int search_run(const SCtx *c, const SOpts *o, SResult *r)
{
	if (!o->bypass || o->exhaustive || c->nl < 3)
		return search_space(c, o, r);
	double t0 = now();
	SOpts first = *o;
	first.bypass = 0;
	first.progress = 0;
	SResult r0;
	int found = search_space(c, &first, &r0);
	SOpts all = *o;
	if (found && (!o->incumbent || r0.cost < o->incumbent)) {
		all.incumbent = r0.cost;
		all.incumbent_e = r0.m.e_total;
	}
	int ok = search_space(c, &all, r);
	r->evaluated += r0.evaluated;
	r->pruned += r0.pruned;
	r->seconds = now() - t0;
	return ok;
}

static int search_space(const SCtx *c, const SOpts *o, SResult *r)
{
	Shared sh = {.c = c, .o = o};
	memset(r, 0, sizeof *r);
	double t0 = now();
	atomic_init(&sh.best, o->incumbent > 0 ? o->incumbent : INFINITY);
	atomic_init(&sh.best_e, o->incumbent > 0 ? o->incumbent_e : INFINITY);
	pthread_mutex_init(&sh.mu, NULL);
	for (int d = 0; d < NDIMS; d++)
		sh.ndiv[d] = divisors(c->ext[d], sh.div[d], MAXDIV);
	search_dram_min(c, sh.dram_min);
	sh.jobs = search_jobs(c, o, &sh.njobs);
	int nt = o->threads > 0 ? o->threads : 1;
	Worker *w = calloc((size_t)nt, sizeof *w);
	pthread_t *th = calloc((size_t)nt, sizeof *th);
	if (!w || !th)
		INTERNAL("out of memory");
	for (int i = 0; i < nt; i++) {
		w[i].sh = &sh;
		w[i].check_bound = getenv("TESSERA_CHECK_BOUND") != NULL;
		w[i].count_only = o->count_only;
		if (pthread_create(&th[i], NULL, worker_main, &w[i]))
			INTERNAL("cannot start a thread");
	}
	double last = t0, tick = t0;
	long seen = 0;   /* the version of the best passed to o->improved */
	while ((o->progress || o->progress_file || o->improved) &&
	       atomic_load(&sh.done) < sh.njobs) {
		/* a look every 5 ms whether the search is done (a short one
		 * must not wait), the rest every 250 ms */
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (now() - tick < 0.25)
			continue;
		tick = now();
		if (o->improved)
			seen = tell_improved(&sh, seen);
		if (now() - t0 > 0.5 && o->progress)
			progress(&sh, t0, 0);
		if (o->progress_file && now() - last >= 30) {
			last = now();
			FILE *f = fopen(o->progress_file, "w");
			if (f) {
				fprintf(f, "%.0f s: %ld evaluated, jobs %d of %d\n",
				        now() - t0, atomic_load(&sh.evaluated),
				        atomic_load(&sh.done), sh.njobs);
				fclose(f);
			}
		}
	}
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	if (o->improved)   /* the last improvement too */
		tell_improved(&sh, seen);
	if (o->progress && now() - t0 > 0.5)
		progress(&sh, t0, 1);
	Worker *b = NULL;
	for (int i = 0; i < nt; i++)
		if (w[i].found && (!b || better(w[i].bcost, w[i].benergy, w[i].bjob,
		                                w[i].bseq, b)))
			b = &w[i];
	if (b) {
		r->found = 1;
		r->best = b->best;
		r->m = b->bm;
		r->cost = b->bcost;
	}
	r->evaluated = atomic_load(&sh.evaluated);
	r->pruned = atomic_load(&sh.pruned);
	r->jobs = sh.njobs;
	r->seconds = now() - t0;
	for (int i = 0; i < nt; i++)
		sscratch_free(&w[i].sc);
	free(w);
	free(th);
	free(sh.jobs);
	pthread_mutex_destroy(&sh.mu);
	return r->found;
}
