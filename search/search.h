/* search.h - the schedule search (`tessera search`): its canonical
 * schedule form, the fast evaluator specialised to it, the writer that
 * turns a point into a .tsr schedule, and the searches over blockings,
 * dataflows and memory hierarchies (docs/search.md).
 *
 * A point of the space is a *canonical* schedule: every layer loop is
 * split into one piece per memory level (its blocking factor there) and
 * at most one spatial piece (unrolled onto an array dimension); the
 * pieces with factor 1 are left out.  Factors divide the loop's extent
 * (no edge tiles).  The value of a loop is a mixed-radix number whose
 * digits, lowest first, are its per-PE levels (innermost first), its
 * spatial piece, its shared levels, DRAM.  In the nest, the pieces of
 * each level are together, outermost level first, in an order chosen per
 * level; the unrolled loops are innermost.  A tensor's buffer in level L
 * sits just inside the loops of the levels outside L.
 */
#ifndef TESSERA_SEARCH_H
#define TESSERA_SEARCH_H

#include "../ir/tessera.h"

enum {
	S_MAXLOOPS = NDIMS * (MAX_LEVELS + 1), /* pieces of a canonical nest */
	S_MAXORDERS = 12,     /* candidate loop orders per level */
};

typedef enum { OBJ_ENERGY, OBJ_CYCLES, OBJ_EDP } Objective;

/* What the search needs of a layer and an architecture, read once. */
typedef struct SCtx {
	const Layer *layer;
	const Arch *arch;
	int nl;                   /* levels, the last off-chip */
	int npe;                  /* per-PE levels (the first npe) */
	long ext[NDIMS];          /* extents; 1 for loops the layer lacks */
	int used[NDIMS];          /* the layer has the loop */
	unsigned mask[NTENSORS];  /* bit d: loop d indexes the tensor */
	int nidx[NTENSORS];
	struct SIdx {
		int nd;               /* loops in this index */
		int dim[NDIMS];
		long coef[NDIMS];
		long limit;           /* the index's extent (tensor shape) */
	} idx[NTENSORS][MAX_RANK];
	unsigned wmask[NTENSORS]; /* bit d: loop d is in an index of two or
	                             more loops (a sliding window: y*s+fy) */
	long out_elems;           /* elements of the output */
	long macs, pes;
	int bits[NTENSORS];
} SCtx;

/* One point: factors, unrolls, loop orders and buffer placement. */
typedef struct SPoint {
	signed char sdim[MAX_ARRAY_DIMS]; /* loop on each array dim; -1 none */
	long sf[MAX_ARRAY_DIMS];          /* its spatial factor */
	signed char rdim[MAX_ARRAY_DIMS]; /* a second loop sharing the dim
	                                     (replicate); -1 none */
	long rf[MAX_ARRAY_DIMS];          /* its spatial factor; none unless
	                                     2 or more (a zeroed point has
	                                     none) */
	long f[MAX_LEVELS][NDIMS];        /* temporal factor per level */
	signed char order[MAX_LEVELS][NDIMS]; /* loops per level, innermost
	                                     first (a permutation of all) */
	unsigned char buf[NTENSORS][MAX_LEVELS]; /* buffered in this on-chip
	                                     level; the outermost unless
	                                     its holds leave the tensor out */
	unsigned char dbl;                /* 1: every buffer double-buffered;
	                                     2: those the backend builds so
	                                     (spoint_dbl) */
	unsigned char keep;               /* 1: every buffer of an input with
	                                     a window keeps its overlap
	                                     (spoint_kept) */
} SPoint;

/* The spatial factor of loop d in p (1: not unrolled). */
static inline long spoint_spatial(const SPoint *p, int ndims, int d)
{
	for (int a = 0; a < ndims; a++) {
		if (p->sdim[a] == d)
			return p->sf[a];
		if (p->rdim[a] == d && p->rf[a] > 1)
			return p->rf[a];
	}
	return 1;
}

/* The PEs p works on. */
static inline long spoint_pes(const SPoint *p, int ndims)
{
	long n = 1;
	for (int a = 0; a < ndims; a++)
		n *= (p->sdim[a] >= 0 ? p->sf[a] : 1) * (p->rf[a] > 1 ? p->rf[a] : 1);
	return n;
}

/* The nest a point describes, as the evaluator walks it. */
typedef struct SNest {
	int n, ntemp;             /* loops; temporal loops (the first ntemp) */
	signed char dim[S_MAXLOOPS];
	long f[S_MAXLOOPS];
	int at[MAX_LEVELS];       /* buffer in level L sits inside loop at[L]
	                             (-1: outside every loop) */
	/* per loop, its digits lowest first: nest position, factor, stride */
	int ndig[NDIMS];
	int dpos[NDIMS][MAX_LEVELS + 1];
	long dfac[NDIMS][MAX_LEVELS + 1], dstr[NDIMS][MAX_LEVELS + 1];
	int spatial_first;        /* nest position of the first unrolled loop */
	long sfac[NDIMS];         /* each loop's spatial factor (1: none) */
} SNest;

/* Scratch of one evaluating thread (bitmaps for irregular windows). */
typedef struct SScratch {
	SumScratch sums;
	unsigned char *kb;        /* search/kept.c's bitmaps */
	long kcap;
} SScratch;

/* A run of consecutive digits of a loop: values stride * [0, count). */
typedef struct SGen {
	long stride, count;
} SGen;
long sset_size(SScratch *sc, const SGen *g, const long *k, int n);
/* The words of tensor t that loops of extents ext[d] (each from 0)
 * touch: the product of the values of its index positions. */
long sctx_words(const SCtx *c, SScratch *sc, int t, const long *ext);

void sctx_init(SCtx *c, const Layer *l, const Arch *a);
int sctx_check(const SCtx *c, char *err, size_t errlen);
void spoint_nest(const SCtx *c, const SPoint *p, SNest *s);
/* 1 when every buffer fits its level (bytes per level in `used`). */
int spoint_fits(const SCtx *c, const SPoint *p, const SNest *s,
                SScratch *sc, long used[MAX_LEVELS]);
/* The model's figures for the point, exactly as model_eval gives them
 * for the schedule spoint_write writes. */
void spoint_eval(const SCtx *c, const SPoint *p, const SNest *s,
                 SScratch *sc, Model *m);
double spoint_cost(Objective o, const Model *m);
void sscratch_free(SScratch *sc);

/* search/write.c: the point as a .tsr file (layer, schedule, arch). */
void spoint_write(FILE *f, const SCtx *c, const SPoint *p, const char *note);
char *spoint_text(const SCtx *c, const SPoint *p, size_t *len);
/* Lowers the written text again: 1 and the model's figures (and the
 * hardware plan's verdict in *buildable, when not NULL), or 0 and a
 * message. */
/* Whether point p double-buffers tensor t's buffer in level L: every
 * buffer when p->dbl is 1; when 2 (--double-buffer --buildable), an
 * input's, the buffers the backend builds double-buffered (an output's
 * register file has two halves unmarked, and its global buffers are
 * built as one). */
static inline int spoint_dbl(const SCtx *c, const SPoint *p, int t, int L)
{
	(void)c;
	(void)L;
	return p->dbl != 2 ? p->dbl : t != T_OUT;
}
/* Whether the transfers of t's buffer in level L overlap compute, as
 * model_time times them: double-buffered, or the tensor's innermost
 * buffer (`innermost`) an output register file, which has two halves
 * as built. */
static inline int spoint_overlapped(const SCtx *c, const SPoint *p, int t,
                                    int L, int innermost)
{
	return spoint_dbl(c, p, t, L) ||
	       (t == T_OUT && innermost && c->arch->level[L].per_pe);
}
/* Whether point p's buffers of tensor t keep their overlap
 * (keep_overlap(), --keep-overlap): an input's with a sliding window. */
static inline int spoint_kept(const SCtx *c, const SPoint *p, int t)
{
	return p->keep && t != T_OUT && c->wmask[t];
}
/* search/kept.c: the words a buffer of tensor t that keeps its overlap
 * fetches, its refill point loop j of nest s (-1: none), as
 * ir/overlap.c's count_kept counts them: each PE's (when perpe) summed
 * in *each, once a word in *uni. */
void kept_words(const SCtx *c, const SNest *s, SScratch *sc, int t, int j,
                int perpe, long *each, long *uni);
/* The values a slide by M adds to a window's block A (the sum set of
 * the na runs a, coefficients ka) in *mine, and (a PE's block being A
 * moved by each of the offsets of the sum set of runs o) in any PE, a
 * value once, in *any: search/kept.c, for the search's bound. */
void kept_slide(SScratch *sc, const SGen *a, const long *ka, int na,
                const SGen *o, const long *ko, int no, long M, long *mine,
                long *any);
int spoint_relower(const SCtx *c, const SPoint *p, Model *m, int *buildable,
                   char *err, size_t errlen);
/* The same, keeping the lowered nest in arena a (NULL after an error). */
LoopNest *spoint_lower(Arena *a, const SCtx *c, const SPoint *p, char *err,
                       size_t errlen);

/* The search's options and constraints. */
typedef struct SOpts {
	Objective obj;
	int ndf;                        /* allowed dataflows (0: any) */
	signed char df[64][MAX_ARRAY_DIMS]; /* loop per array dim, -1 none */
	signed char rdf[64][MAX_ARRAY_DIMS]; /* a second (replicated) loop on
	                                   the dim, -1 none */
	int replicate;                  /* a free dataflow may put a second
	                                   loop on a dimension (--replicate) */
	long fix[MAX_LEVELS][NDIMS];    /* a fixed factor per level (0: free) */
	long fix_pe[NDIMS];             /* a fixed spatial factor (0: free) */
	double min_util;                /* least utilization of the result */
	long max_cycles;                /* most cycles of the result (0: any) */
	int bypass;                     /* tensors may skip inner levels */
	int dbl;                        /* double-buffer every buffer */
	int keep;                       /* keep the overlap of every window
	                                   buffer (--keep-overlap) */
	int buildable;                  /* only schedules the RTL builds */
	int exhaustive;                 /* no bound: evaluate every point */
	int threads;
	int progress;                   /* a progress line on stderr */
	const char *progress_file;      /* progress written there every 30 s */
	const char *progress_what;      /* put before that line (a study: the
	                                   layer searched), or NULL */
	int count_only;                 /* count the points, evaluate none */
	double incumbent, incumbent_e;  /* a cost (and its energy) known to be
	                                   reachable: prune above it (0: none) */
	/* called by the thread that started the search whenever the best
	 * so far improves (seen every 250 ms; the final answer may differ
	 * in ties; --hierarchy: a candidate at a time), with the context it
	 * is a point of and improved_arg */
	void (*improved)(const SCtx *c, const SPoint *p, const Model *m,
	                 void *arg);
	void *improved_arg;
} SOpts;

typedef struct SResult {
	int found;
	SPoint best;
	Model m;
	double cost;
	long evaluated, pruned;
	int jobs;
	int mirrored;                   /* of them, skipped for their mirror */
	double seconds;
} SResult;

void sopts_default(SOpts *o);
int search_run(const SCtx *c, const SOpts *o, SResult *r);

/* search/jobs.c: the jobs of a search, each a dataflow, its spatial
 * factors and the levels each tensor is kept in (buf[t][L]) */
typedef struct Job {
	signed char sdim[MAX_ARRAY_DIMS];
	long sf[MAX_ARRAY_DIMS];
	signed char rdim[MAX_ARRAY_DIMS];   /* as in SPoint */
	long rf[MAX_ARRAY_DIMS];
	unsigned char buf[NTENSORS][MAX_LEVELS];
	unsigned char unbuildable;      /* the backend builds none of it */
	int seq;                        /* made seq-th (ties keep that order) */
	int mirror;                     /* an earlier job, its array dimensions
	                                   swapped (every point costs the same
	                                   there), or -1 */
} Job;
Job *search_jobs(const SCtx *c, const SOpts *o, int *njobs);
/* each tensor's elements fetched from DRAM once (the output's written
 * once), in pJ: out[NTENSORS] */
void search_dram_min(const SCtx *c, double *out);

/* search/hier.c: the memory hierarchy search */
enum { HIER_MAXSIZES = 16, HIER_MAXCAND = 1024 };
typedef struct HierOpts {
	long pe_sizes[HIER_MAXSIZES];   /* candidate per-PE level sizes */
	int npe;
	long sh_sizes[HIER_MAXSIZES];   /* candidate global buffer sizes */
	int nsh;
	int max_pe_levels;              /* 1 or 2 register-file levels */
	long max_pe_bytes;              /* bound on per-PE storage (0: none) */
	long max_shared_bytes;          /* bound on the global buffer */
	int refine;                     /* best candidates searched again with
	                                   bypassing */
	int exhaustive;                 /* every candidate with bypassing
	                                   (one layer's default; --refine K
	                                   turns it off) */
} HierOpts;

typedef struct HierCand {
	Arch arch;
	int found;                      /* res is its best (in the space
	                                   searched) */
	int refined;                    /* searched with bypassing */
	const char *why;                /* why not found */
	SResult res;
} HierCand;

typedef struct HierResult {
	int found, best, ncand;
	HierCand cand[HIER_MAXCAND];
	SResult res;
	long evaluated, pruned;           /* over every candidate's searches */
	double seconds;
	int told_k;                     /* the best last told to improved()
	                                   (its candidate + 1, 0: none) */
	double told_cost;
} HierResult;

void hier_default(HierOpts *h);
int hier_option(HierOpts *h, int argc, char **argv, int *i);
int hier_run(const Layer *l, const Arch *base, const HierOpts *h,
             const SOpts *so, HierResult *r);
void hier_describe(char *s, size_t n, const Arch *a);
void hier_network_usage(const HierOpts *h);

void hier_candidates(const Arch *base, const HierOpts *h, HierResult *r);

/* search/net.c: whole networks */
typedef struct NetBest {
	int found;
	SResult r;
} NetBest;
typedef struct NetSum {
	double energy, cycles, macs, macs_all, pj_per_mac, seconds;
	long evaluated;
	int missing;                    /* layers with no schedule */
} NetSum;
int net_search(const Network *net, const Arch *a, const SOpts *so,
               const long *max_cycles, NetBest *out);
void net_total(const Network *net, const NetBest *b, NetSum *s);
int net_hier(const Network *net, const Arch *a, const HierOpts *h,
             const SOpts *so, const NetBest *base, Arch *arch, NetBest *out,
             int *ncand);
int net_layer_builds(const NetLayer *nl, const Arch *a, const NetBest *b);

/* search/page.c: search --network's HTML page (--html); opt NULL: no
 * hierarchy (else its results on harch, described by hdesc). */
typedef struct NetPage {
	const char *cmd;                /* the command line */
	const char *file;               /* the layer file: arch, dataflow */
	const Network *net;
	const Arch *arch;
	const NetBest *base;
	const NetSum *sb;
	const Arch *harch;
	const NetBest *opt;
	const NetSum *so;
	const char *hdesc;
	int ncand;
} NetPage;
void search_net_page(FILE *f, const NetPage *pg);

/* search/netprint.c: search --network's report; opt (NULL: none) are
 * the results on the chosen hierarchy harch, described by hdesc */
void net_print_json(const Network *net, const Arch *arch,
                    const NetBest *base, const NetSum *sb,
                    const Arch *harch, const NetBest *opt,
                    const NetSum *so, const char *hdesc, int ncand);
void net_print_table(const Network *net, const Arch *arch,
                     const NetBest *base, const NetSum *sb,
                     const Arch *harch, const NetBest *opt,
                     const NetSum *so, const char *hdesc, int ncand);

/* search/dataflow.c: the dataflows ("C|K", "C+Y|K": Y replicated
 * beside C) of --dataflow (a usage error when bad), of a file's unrolled
 * loops (0 and a located error when the search cannot take them), and
 * their names (rdim NULL: none; a point's: its second loops unrolled) */
int search_dim_named(const char *s, size_t n);
void search_parse_dataflows(const char *v, SOpts *o);
int search_file_dataflow(Diag *dg, const LoopNest *ln, SOpts *o);
/* A note on each keep_overlap() of the file (rank 0 alone) unless the
 * search keeps overlaps (keep): it refills every block whole then, and
 * does not carry it into what it writes. */
void search_note_kept(Diag *dg, const LoopNest *ln, int keep);
void search_dataflow_name(char *s, size_t n, const Arch *a,
                          const signed char *sdim, const signed char *rdim);
void search_point_dataflow(char *s, size_t n, const SCtx *c,
                           const SPoint *p);

/* search/study.c */
int study_main(int argc, char **argv);

/* whole.c: a file written as PATH.part and renamed over PATH by
 * whole_close (0: it could not be, said on stderr; the .part removed,
 * also by SIGINT, SIGTERM or SIGHUP); /dev/null on an MPI rank > 0. */
typedef struct Whole {
	FILE *f;
	char path[4096];
	int slot;                       /* its .part's slot, -1: none */
} Whole;
FILE *whole_open(Whole *w, const char *path);
int whole_close(Whole *w);
void whole_drop(Whole *w);        /* the .part removed, PATH left as it is */
/* A short file (the progress line) written whole; failures are silent. */
void whole_note(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* search/space.c */
int divisors(long n, long *out, int max);   /* ascending */
int level_orders(const SCtx *c, const long *f, int keep,
                 signed char orders[][NDIMS]);
uint64_t order_key(const SCtx *c, const SPoint *p, int L,
                   const signed char *ord);
void spoint_random(const SCtx *c, uint64_t *seed, SPoint *p);
int spoint_selfcheck(const SCtx *c, uint64_t seed, int n, int *fitting,
                     char *err, size_t errlen);

/* search/cluster.c: the ranks of an MPI job (rank 0 of 1 without one) */
int cluster_start(char *err, size_t errlen); /* 0: a message */
int cluster_rank(void);
int cluster_size(void);
void cluster_gather_start(const double *in, int n, double *out);
int cluster_gather_test(void);      /* 1: out is in */
void cluster_allgather(const void *in, int bytes, void *out);
void cluster_bcast(void *buf, int bytes, int root);

/* search/cli.c: `tessera search` */
int search_main(int argc, char **argv);

#endif
