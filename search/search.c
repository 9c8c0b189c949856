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
#include "worker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	return clock_seconds();
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

/* The point w->p, of model m, numbered seq in the job's enumeration;
 * 1 when the backend refused it (a twin of its orders may be built). */
static int offer(Worker *w, const Model *m, double cost, long seq)
{
	const SOpts *o = w->sh->o;
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
		return 1;
	}
	if (m->utilization < o->min_util ||
	    (o->max_cycles && m->cycles > o->max_cycles))
		return 0;
	if (!better(cost, m->e_total, w->job, seq, w))
		return 0;
	if (o->buildable) {
		Model full;
		int ok = 0;
		char err[256];
		if (!spoint_relower(w->sh->c, &w->p, &full, &ok, err, sizeof err) ||
		    !ok)
			return 1;
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
	return 0;
}

/* The candidate orders of one blocking's levels.  Orders of a level
 * that act alike (order_key) are twins: one, the first, stands for
 * them all and is evaluated; the others are passed over, unless the
 * search is exhaustive or checking (then each is evaluated and must
 * equal it), or the backend refuses it (then its twins are tried in
 * turn, as the enumeration would have reached them).  Each point keeps
 * its number in the whole enumeration, so ties go as they did when
 * every point was evaluated. */
typedef struct Leaf {
	signed char ords[MAX_LEVELS][S_MAXORDERS][NDIMS];
	int nord[MAX_LEVELS];
	int rep[MAX_LEVELS][S_MAXORDERS];  /* the first of each's twins */
	long stride[MAX_LEVELS];           /* of its digit in the numbering */
	long seq0;
	int k[MAX_LEVELS];                 /* the orders being evaluated */
	int twins;                         /* pass twins over */
} Leaf;

static long leaf_seq(const Worker *w, const Leaf *lf, const int *k)
{
	long seq = lf->seq0;
	for (int L = 0; L < w->sh->c->nl; L++)
		seq += k[L] * lf->stride[L];
	return seq;
}

static void set_orders(Worker *w, const Leaf *lf, const int *k)
{
	for (int L = 0; L < w->sh->c->nl; L++)
		memcpy(w->p.order[L], lf->ords[L][k[L]], NDIMS);
}

/* Offer the twins of the point lf->k (the first of its class) in the
 * enumeration's order from level L on, while the backend refuses
 * them; 1 when every one so far was refused. */
static int offer_twins(Worker *w, const Leaf *lf, int *k, int L,
                       const Model *m, double cost)
{
	const SCtx *c = w->sh->c;
	if (L == c->nl) {
		set_orders(w, lf, k);
		return offer(w, m, cost, leaf_seq(w, lf, k));
	}
	int first = k[L], refused = 1;
	for (int i = first; refused && i < lf->nord[L]; i++)
		if (lf->rep[L][i] == first) {
			k[L] = i;
			refused = offer_twins(w, lf, k, L + 1, m, cost);
		}
	k[L] = first;
	return refused;
}

static void check_bounds(Worker *w, const Model *m)
{
	const SCtx *c = w->sh->c;
	for (int q = 0; q < c->nl * (NDIMS + 1); q++)
		if (w->lbp[q / (NDIMS + 1)][q % (NDIMS + 1)] >
		    m->e_total * (1 + 1e-9)) {
			size_t len;
			char *text = spoint_text(c, &w->p, &len);
			INTERNAL("the bound at level %d, loop %d is %.17g, above the "
			         "energy %.17g of\n%s", q / (NDIMS + 1), q % (NDIMS + 1),
			         w->lbp[q / (NDIMS + 1)][q % (NDIMS + 1)], m->e_total,
			         text);
		}
	for (int q = 0; q < c->nl * (NDIMS + 1); q++)
		if (w->lbc[q / (NDIMS + 1)][q % (NDIMS + 1)] * (1 - 1e-9) - 1e-6 >
		    (double)m->cycles) {
			size_t len;
			char *text = spoint_text(c, &w->p, &len);
			INTERNAL("the cycles bound at level %d, loop %d is %.17g, above "
			         "the %ld cycles of\n%s", q / (NDIMS + 1),
			         q % (NDIMS + 1), w->lbc[q / (NDIMS + 1)][q % (NDIMS + 1)],
			         m->cycles, text);
		}
}

/* The worker's evaluations into the shared count, which the progress
 * line shows: at the end of each job, and every 65,536 within one (a
 * job can take minutes). */
static void publish(Worker *w)
{
	atomic_fetch_add(&w->sh->evaluated, w->evaluated - w->published);
	w->published = w->evaluated;
}

static void evaluate(Worker *w, Model *m)
{
	SNest s;
	spoint_nest(w->sh->c, &w->p, &s);
	spoint_eval(w->sh->c, &w->p, &s, &w->sc, m);
	if (!(++w->evaluated & 0xffff))
		publish(w);
}

/* Checking: the point with its array dimensions swapped (the same point
 * of the job's mirror, jobs.c) must have the same figures. */
static void check_mirror(Worker *w, const Model *m)
{
	SPoint *p = &w->p, keep = *p;
	for (int a = 0; a < 2; a++) {
		p->sdim[a] = keep.sdim[1 - a];
		p->sf[a] = keep.sf[1 - a];
		p->rdim[a] = keep.rdim[1 - a];
		p->rf[a] = keep.rf[1 - a];
	}
	Model r;
	evaluate(w, &r);
	*p = keep;
	if (memcmp(m, &r, sizeof r)) {
		size_t len;
		char *text = spoint_text(w->sh->c, p, &len);
		INTERNAL("the point with its array dimensions swapped has other "
		         "figures than\n%s\n(energy %.17g against %.17g, cycles %ld "
		         "against %ld)", text, r.e_total, m->e_total, r.cycles,
		         m->cycles);
	}
}

static void orders_rec(Worker *w, Leaf *lf, int L)
{
	const SCtx *c = w->sh->c;
	if (L < c->nl) {
		for (int k = 0; k < lf->nord[L]; k++)
			if (lf->rep[L][k] == k || !lf->twins || w->check_bound) {
				lf->k[L] = k;
				orders_rec(w, lf, L + 1);
			}
		return;
	}
	Model m;
	set_orders(w, lf, lf->k);
	evaluate(w, &m);
	if (w->check_bound)
		check_bounds(w, &m);
	if (w->check_bound && w->sh->jobs[w->job].mirror >= 0)
		check_mirror(w, &m);
	int first[MAX_LEVELS], twin = 0;
	for (int q = 0; q < c->nl; q++) {
		first[q] = lf->twins ? lf->rep[q][lf->k[q]] : lf->k[q];
		twin |= first[q] != lf->k[q];
	}
	if (twin) {   /* checking: it must equal the first of its twins */
		Model r;
		set_orders(w, lf, first);
		evaluate(w, &r);
		if (memcmp(&m, &r, sizeof m)) {
			size_t len;
			char *text = spoint_text(c, &w->p, &len);
			INTERNAL("a twin of the orders of\n%s\nhas other figures "
			         "(energy %.17g against %.17g)", text, m.e_total,
			         r.e_total);
		}
		return;
	}
	double cost = spoint_cost(w->sh->o->obj, &m);
	if (w->sh->o->buildable || w->sh->jobs[w->job].unbuildable)
		offer_twins(w, lf, lf->k, 0, &m, cost);
	else
		offer(w, &m, cost, leaf_seq(w, lf, lf->k));
}

/* Every candidate order of the levels outside the innermost (the
 * innermost level's order never matters: its loops are inside every
 * buffer). */
static void leaf(Worker *w)
{
	const SCtx *c = w->sh->c;
	Leaf lf;
	lf.twins = !w->sh->o->exhaustive;
	long total = 1;
	for (int L = c->nl - 1; L >= 0; L--) {
		int n = lf.nord[L] = L == 0
		        ? (memcpy(lf.ords[0][0], w->p.order[0], NDIMS), 1)
		        : level_orders(c, w->p.f[L], w->p.keep, lf.ords[L]);
		uint64_t key[S_MAXORDERS];
		for (int k = 0; k < n; k++) {
			key[k] = order_key(c, &w->p, L, lf.ords[L][k]);
			lf.rep[L][k] = k;
			for (int i = 0; i < k && lf.rep[L][k] == k; i++)
				if (key[i] == key[k])
					lf.rep[L][k] = i;
		}
		lf.stride[L] = total;
		total *= n;
	}
	lf.seq0 = w->seq;
	w->seq += total;
	if (w->count_only)
		w->evaluated += total;
	else
		orders_rec(w, &lf, 0);
}

static int prune(Worker *w, int L, int part)
{
	const SOpts *o = w->sh->o;
	const SCtx *c = w->sh->c;
	if (w->check_bound) {
		w->lbp[L][part] = lower_bound(w, L, part, INFINITY);
		w->lbc[L][part] = cycles_bound(w, L, part);
	}
	if (o->exhaustive)
		return 0;
	double best = atomic_load(&w->sh->best);
	/* the most cycles a point may take (--max-cycles, --min-util) */
	double most = o->max_cycles ? (double)o->max_cycles : INFINITY;
	if (o->min_util > 0)
		most = fmin(most, floor((double)c->macs / ((double)c->pes *
		                        o->min_util) * (1 + 1e-6)) + 1);
	/* the least whole cycles of any completion: the model's cycles are
	 * its total rounded up, which can be 1e-6 below it */
	double cyc = (double)w->compute;
	if (isfinite(most) || (o->obj != OBJ_ENERGY && isfinite(best)))
		cyc = fmax(cyc, ceil(cycles_bound(w, L, part) * (1 - 1e-9) - 1e-6));
	int cut = cyc > most;
	if (!cut && isfinite(best)) {
		if (o->obj == OBJ_CYCLES) {
			/* at the best cycles, energy breaks the tie */
			double be = atomic_load(&w->sh->best_e) * (1 + 1e-9);
			cut = cyc > best * (1 + 1e-9) ||
			      (cyc == best && lower_bound(w, L, part, be) > be);
		} else {
			/* the bound stops adding once it is past the best */
			double scale = o->obj == OBJ_EDP ? cyc : 1;
			double lb = lower_bound(w, L, part, best * (1 + 1e-9) / scale);
			cut = lb * scale > best * (1 + 1e-9);
		}
	}
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
	if (d == 0 && any) {
		/* every factor taken by the levels inside: none is tried here,
		 * so the loop below never checks the level's blocks (the whole
		 * of what is inside), which must fit too */
		int left = 0;
		for (int e = 0; e < NDIMS; e++)
			left |= c->used[e] && w->rem[e] > 1;
		if (!left && !level_fits(w, L))
			return;
	}
	if (d == 0)   /* no factor chosen at L: every one may fit */
		for (int e = 0; e < NDIMS; e++)
			w->capi[L][0][e] = w->sh->ndiv[e] - 1;
	p->f[L][d] = 1;
	w->lbp[L][d + 1] = w->lbc[L][d + 1] = -INFINITY;
	if (!c->used[d] || !any || w->rem[d] == 1) {
		memcpy(w->capi[L][d + 1], w->capi[L][d], sizeof w->capi[L][d]);
		/* a level no tensor is buffered in would only repeat the orders
		 * of the level outside it */
		if (!o->fix[L][d] || o->fix[L][d] == 1)
			level_rec(w, L, d + 1);
		return;
	}
	const Shared *sh = w->sh;
	/* the caps of the loops after d: a larger factor of d only makes
	 * them smaller, so each is found from the one before */
	const int *from = w->capi[L][d];
	long P[NDIMS], bytes[NTENSORS];   /* the level's blocks, d at 1 */
	level_extents(w, L, P);
	level_bytes(w, L, P, bytes);
	for (int i = 0; i < sh->ndiv[d]; i++) {
		long f = sh->div[d][i];
		if (f > w->rem[d])
			break;
		if (w->rem[d] % f || (o->fix[L][d] && o->fix[L][d] != f))
			continue;
		p->f[L][d] = f;
		w->rem[d] /= f;
		long Q[NDIMS], qbytes[NTENSORS];
		int fits = fits_with(w, L, P, bytes, d, f, Q, qbytes);
		if (fits && d + 1 < NDIMS) {
			level_caps(w, L, d + 1, from, Q, qbytes);
			from = w->capi[L][d + 1];
		}
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
	memcpy(p->rdim, job->rdim, sizeof p->rdim);
	memcpy(p->rf, job->rf, sizeof p->rf);
	memcpy(p->buf, job->buf, sizeof p->buf);
	p->dbl = (unsigned char)(w->sh->o->dbl ? 1 + w->sh->o->buildable : 0);
	p->keep = (unsigned char)w->sh->o->keep;
	for (int L = 0; L < c->nl; L++)
		for (int d = 0; d < NDIMS; d++) {
			p->f[L][d] = 1;
			p->order[L][d] = (signed char)d;
		}
	w->compute = 1;
	for (int d = 0; d < NDIMS; d++) {
		w->spf[d] = spoint_spatial(p, c->arch->ndims, d);
		w->rem[d] = c->ext[d] / spatial_of(w, d);
		w->compute *= w->rem[d];
	}
	w->job = j;
	w->seq = 0;
	for (int L = 0; L < MAX_LEVELS; L++) {
		w->bc[L].job = -1;
		for (int t = 0; t < NTENSORS; t++)
			w->pc[L][t].job = -1;
	}
	w->base = job_base(w);
	level_rec(w, 0, 0);
}

static void *worker_main(void *arg)
{
	Worker *w = arg;
	Shared *sh = w->sh;
	for (;;) {
		/* the ranks of an MPI job take the jobs dealt to theirs */
		int j = sh->size > 1 ? ranks_take(sh) : atomic_fetch_add(&sh->next, 1);
		if (j < 0 || j >= sh->njobs)
			break;
		long e0 = w->evaluated, p0 = w->pruned;
		if (sh->jobs[j].mirror < 0 || !sh->skip_mirrors)
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
		publish(w);
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
	bound_energies(&sh);
	sh.jobs = search_jobs(c, o, &sh.njobs);
	int check = getenv("TESSERA_CHECK_BOUND") != NULL;
	/* checking searches each mirror and compares it point by point */
	sh.skip_mirrors = !o->exhaustive && !o->count_only && !check;
	int nt = o->threads > 0 ? o->threads : 1;
	sh.rank = cluster_rank();
	sh.size = cluster_size();
	sh.nthreads = nt;
	Worker *w = calloc((size_t)nt, sizeof *w);
	pthread_t *th = calloc((size_t)nt, sizeof *th);
	if (!w || !th)
		INTERNAL("out of memory");
	for (int i = 0; i < nt; i++) {
		w[i].sh = &sh;
		w[i].check_bound = check;
		w[i].count_only = o->count_only;
		if (pthread_create(&th[i], NULL, worker_main, &w[i]))
			INTERNAL("cannot start a thread");
	}
	double last = t0, tick = t0;
	long seen = 0;   /* the version of the best passed to o->improved */
	Ranks rk = {0};
	while (sh.size > 1 ? !ranks_round(&sh, &rk)
	                   : (o->progress || o->progress_file || o->improved) &&
	                     atomic_load(&sh.done) < sh.njobs) {
		/* a look every 5 ms whether the search is done (a short one
		 * must not wait; on ranks, every 1 ms, to deal jobs), the
		 * rest every 250 ms */
		struct timespec ts = {0, sh.size > 1 ? 1000 * 1000 : 5000 * 1000};
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
			whole_note(o->progress_file, "%s%.0f s: %ld evaluated, jobs %d "
			           "of %d\n", o->progress_what ? o->progress_what : "",
			           now() - t0, atomic_load(&sh.evaluated),
			           atomic_load(&sh.done), sh.njobs);
		}
	}
	free(rk.all);
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
	if (sh.size > 1)
		ranks_answer(&sh, b, r);
	r->jobs = sh.njobs;
	r->mirrored = 0;
	for (int j = 0; sh.skip_mirrors && j < sh.njobs; j++)
		r->mirrored += sh.jobs[j].mirror >= 0;
	r->seconds = now() - t0;
	for (int i = 0; i < nt; i++)
		sscratch_free(&w[i].sc);
	free(w);
	free(th);
	free(sh.jobs);
	pthread_mutex_destroy(&sh.mu);
	return r->found;
}
