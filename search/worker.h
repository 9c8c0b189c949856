/* worker.h - what the search's files share inside it (search.c runs
 * the workers over the jobs; bound.c gives them their lower bounds):
 * the state the workers share and each worker's own.
 */
#ifndef TESSERA_SEARCH_WORKER_H
#define TESSERA_SEARCH_WORKER_H

#include "search.h"

#include <pthread.h>
#include <stdatomic.h>

enum { MAXDIV = 512, RANKS_QUEUE = 1024 };


typedef struct Shared {
	const SCtx *c;
	const SOpts *o;
	Job *jobs;
	int njobs;
	atomic_int next, done;         /* jobs taken, finished (this rank's) */
	int rank, size, nthreads;      /* of an MPI job (ranks.c) */
	int queue[RANKS_QUEUE];        /* the jobs dealt to this rank, */
	atomic_int qput, qtake;        /* put by ranks_round, taken by workers */
	atomic_int dealt;              /* every job is dealt to some rank */
	_Atomic double best;           /* best cost so far, for pruning */
	_Atomic double best_e;         /* its energy (written first) */
	atomic_long evaluated, pruned;
	int skip_mirrors;              /* jobs whose mirror is searched */
	int ndiv[NDIMS];
	long div[NDIMS][MAXDIV];       /* divisors of each extent */
	double dram_min[NTENSORS];     /* energy of fetching each element once */
	double act_pj[MAX_LEVELS][NTENSORS][NACTIONS]; /* bound.c's look-ups: */
	double hop_pj[NTENSORS];       /* each action's energy, least hop's */
	unsigned char indexes[NDIMS];  /* the tensors each loop indexes (bits),
	                                  but not as a loop of the window of
	                                  a tensor that keeps its overlap
	                                  (--keep-overlap): its refills need
	                                  not fetch whole blocks (bound.c) */
	pthread_mutex_t mu;
	double best_pjmac;             /* for the progress line */
	SPoint bestp;                  /* the best so far and its model, */
	Model bestm;                   /* for SOpts.improved */
	long bver;                     /* how often it changed */
} Shared;

/* bound.c: a refill of a tensor's buffer: its parent level Lp, whether
 * the parent counts per PE (view), whether the words hop from a shared
 * parent to per-PE buffers, and the words of a block in each view (across
 * the PEs as the parent sees them, in one PE). */
struct Refill {
	int Lp, view, hops;
	int kept;          /* it keeps its overlap */
	long blk, blk_pe;
	long kblk, kblk_pe; /* kept: the least words it fetches in all */
	double kstep[2][NDIMS][2]; /* kept, strides known: the words a step of
	                       each window loop in a per-PE or shared level
	                       fetches, in every PE and a word once (bound.c's
	                       slide_words; -1: not known) */
};

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
	long published;                /* of evaluated, in Shared's count */
	double lbp[MAX_LEVELS][NDIMS + 1]; /* bounds on the path (checking): */
	double lbc[MAX_LEVELS][NDIMS + 1]; /* energy, cycles */
	struct BCache {                /* a buffer level's refill bounds */
		int job;                   /* valid for this job (-1: none) */
		int known;                 /* the `known` they were made with */
		long f[MAX_LEVELS][NDIMS]; /* the factors they depend on */
		double cf[NTENSORS], cm[NTENSORS];
		struct Refill r[NTENSORS]; /* the refills they were made of */
	} bc[MAX_LEVELS];
	struct PCache {                /* a buffer's refill-point bound */
		int job, known, Ls;        /* Ls: the level that refills it */
		long f[MAX_LEVELS][NDIMS]; /* the factors it depends on */
		double cost;
	} pc[MAX_LEVELS][NTENSORS];
	int check_bound;
	int count_only;                /* --count: the size of the space */
	long spf[NDIMS];               /* the job's spatial factor per loop */
	long inner[MAX_LEVELS][NDIMS]; /* bound.c: factors up to each level */
	/* the largest factor each loop not chosen yet at level L can take
	 * there, as an index into div[] (capacity.c's level_caps; bound.c
	 * widens the loops to them): at the partial point (L, part) */
	int capi[MAX_LEVELS][NDIMS + 1][NDIMS];
} Worker;

static inline int per_pe(const SCtx *c, int L)
{
	return c->arch->level[L].per_pe;
}

/* The spatial factor of loop d in the job being searched. */
static inline long spatial_of(const Worker *w, int d)
{
	return w->spf[d];
}

/* ranks.c: the ranks of an MPI job.  A round of their exchange (each
 * rank's best cost, its energy, whether it has jobs left and how many
 * more it wants) deals out jobs and shares the bound. */
typedef struct Ranks {
	double in[4];                  /* this rank's, while a round is out */
	double *all;                   /* every rank's: size x 4 */
	int out;                       /* a round is out */
	int next;                      /* the next job to deal (all agree) */
	int took;                      /* this rank's jobs taken by then */
} Ranks;
int ranks_round(Shared *sh, Ranks *rk); /* 1: every job is done */
int ranks_take(Shared *sh);       /* a worker's next job, -1: none left */
/* the best of the ranks' bests, on every rank; counts summed */
void ranks_answer(Shared *sh, const Worker *b, SResult *r);

/* capacity.c: a level's largest blocks (extents P, and each tensor's
 * bytes at them); whether it fits with loop e's extent multiplied by f
 * (and the extents and bytes then); whether it fits now; the caps of
 * the loops from `part` on (w->capi[L][part]), from from[] down */
void level_extents(const Worker *w, int L, long P[NDIMS]);
void level_bytes(const Worker *w, int L, const long *P,
                 long bytes[NTENSORS]);
int fits_with(const Worker *w, int L, const long *P,
              const long bytes[NTENSORS], int e, long f,
              long Q[NDIMS], long qbytes[NTENSORS]);
int level_fits(const Worker *w, int L);
void level_caps(Worker *w, int L, int part, const int *from,
                const long *P, const long bytes[NTENSORS]);

/* bound.c: a lower bound on the energy of every completion of the
 * levels up to L whose loops from `part` on are not chosen at level L;
 * the energy every point of the worker's job pays */
double lower_bound(Worker *w, int L, int part, double limit);
double cycles_bound(Worker *w, int L, int part);
double job_base(Worker *w);
void bound_energies(Shared *sh);

#endif
