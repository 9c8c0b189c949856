/* ranks.c - one search over the ranks of an MPI job (docs/scaling.md;
 * cluster.c talks to MPI).
 *
 * The thread that started the search runs rounds of an exchange: every
 * rank sends its best cost, that cost's energy, whether it still has
 * jobs dealt to it and not finished, and how many more jobs it wants
 * (enough to keep each of its threads one job ahead).  Every rank gets
 * the same round back, so every rank deals the next jobs the same way,
 * in rank order, from a count they all keep alike: no rank serves the
 * others.  The best of the round's costs bounds every rank's pruning as
 * an incumbent does (no point whose cost equals it is pruned), so the
 * answer is the one a single process gives.  The search ends in the
 * first round, after the last job was dealt, in which no rank has jobs
 * left; then the ranks agree on the best of their bests.
 */
#include "worker.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

static void share_bound(Shared *sh, const double *all)
{
	double c = INFINITY, e = INFINITY;
	for (int r = 0; r < sh->size; r++)
		if (all[4 * r] < c || (all[4 * r] == c && all[4 * r + 1] < e)) {
			c = all[4 * r];
			e = all[4 * r + 1];
		}
	pthread_mutex_lock(&sh->mu);
	double cur = atomic_load(&sh->best);
	if (c < cur) {   /* the energy first, as offer() writes them */
		atomic_store(&sh->best_e, e);
		atomic_store(&sh->best, c);
	} else if (c == cur && e < atomic_load(&sh->best_e)) {
		atomic_store(&sh->best_e, e);
	}
	pthread_mutex_unlock(&sh->mu);
}

/* The jobs the round asks for, dealt in rank order; this rank's into
 * its queue. */
static void deal(Shared *sh, Ranks *rk)
{
	for (int r = 0; r < sh->size; r++)
		for (int k = 0; k < (int)rk->all[4 * r + 3] && rk->next < sh->njobs;
		     k++, rk->next++)
			if (r == sh->rank) {
				int q = atomic_load(&sh->qput);
				sh->queue[q % RANKS_QUEUE] = rk->next;
				atomic_store(&sh->qput, q + 1);
			}
	if (rk->next >= sh->njobs)
		atomic_store(&sh->dealt, 1);
}

int ranks_round(Shared *sh, Ranks *rk)
{
	if (!rk->all) {
		rk->all = calloc((size_t)sh->size * 4, sizeof *rk->all);
		if (!rk->all)
			INTERNAL("out of memory");
	}
	if (!rk->out) {
		pthread_mutex_lock(&sh->mu);
		rk->in[0] = atomic_load(&sh->best);
		rk->in[1] = atomic_load(&sh->best_e);
		pthread_mutex_unlock(&sh->mu);
		int put = atomic_load(&sh->qput), take = atomic_load(&sh->qtake);
		int queued = put - take;
		/* enough for the threads and for twice the jobs they took since
		 * the last round: short jobs must not wait for a round */
		int ahead = sh->nthreads + 1 + 2 * (take - rk->took);
		if (ahead > RANKS_QUEUE / 2)
			ahead = RANKS_QUEUE / 2;
		rk->took = take;
		rk->in[2] = atomic_load(&sh->done) < put;
		rk->in[3] = rk->next < sh->njobs && queued < ahead ? ahead - queued : 0;
		cluster_gather_start(rk->in, 4, rk->all);
		rk->out = 1;
	}
	if (!cluster_gather_test())
		return 0;
	rk->out = 0;
	share_bound(sh, rk->all);
	if (rk->next < sh->njobs) {   /* jobs dealt now are not done */
		deal(sh, rk);
		return 0;
	}
	/* a space of no jobs deals none: its threads must still stop */
	atomic_store(&sh->dealt, 1);
	for (int r = 0; r < sh->size; r++)
		if (rk->all[4 * r + 2])
			return 0;
	return 1;
}

int ranks_take(Shared *sh)
{
	for (;;) {
		int t = atomic_load(&sh->qtake);
		if (t < atomic_load(&sh->qput)) {
			if (atomic_compare_exchange_weak(&sh->qtake, &t, t + 1))
				return sh->queue[t % RANKS_QUEUE];
			continue;
		}
		if (atomic_load(&sh->dealt) && t >= atomic_load(&sh->qput))
			return -1;
		struct timespec ts = {0, 50 * 1000};   /* the next round */
		nanosleep(&ts, NULL);
	}
}

void ranks_answer(Shared *sh, const Worker *b, SResult *r)
{
	double mine[4] = {b != NULL, b ? b->bcost : 0, b ? b->benergy : 0,
	                  b ? b->bjob : 0};
	double ev[2] = {(double)r->evaluated, (double)r->pruned};
	double *all = calloc((size_t)sh->size, sizeof mine);
	double *evs = calloc((size_t)sh->size, sizeof ev);
	if (!all || !evs)
		INTERNAL("out of memory");
	cluster_allgather(mine, (int)sizeof mine, all);
	cluster_allgather(ev, (int)sizeof ev, evs);
	int win = -1;   /* cost, energy, then job, as better() orders them */
	r->evaluated = r->pruned = 0;
	for (int q = 0; q < sh->size; q++) {
		r->evaluated += (long)evs[2 * q];
		r->pruned += (long)evs[2 * q + 1];
		const double *k = all + 4 * q;
		if (!k[0])
			continue;
		const double *w = win < 0 ? NULL : all + 4 * win;
		if (!w || k[1] < w[1] ||
		    (k[1] == w[1] && (k[2] < w[2] || (k[2] == w[2] && k[3] < w[3]))))
			win = q;
	}
	r->found = win >= 0;
	if (r->found) {   /* sent by the rank that has it */
		cluster_bcast(&r->best, (int)sizeof r->best, win);
		cluster_bcast(&r->m, (int)sizeof r->m, win);
		cluster_bcast(&r->cost, (int)sizeof r->cost, win);
	}
	free(all);
	free(evs);
}
