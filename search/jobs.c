/* jobs.c - the search's jobs (docs/search.md): one for each dataflow
 * (the loops unrolled onto the array dimensions), its spatial factors,
 * and each choice of the inner on-chip levels that every tensor skips
 * (always those that do not hold it: a level's holds clause),
 * in the order the threads take them (more PEs first); and the DRAM
 * energy no point of the space can go below.
 */
#include "search.h"

#include "../backend-verilog/hw.h"
#include "../runtime/proc.h"

#include <stdlib.h>
#include <string.h>

enum { MAXDIV = 512 };

void sopts_default(SOpts *o)
{
	memset(o, 0, sizeof *o);
	o->obj = OBJ_ENERGY;
	o->bypass = 1;
	memset(o->rdf, -1, sizeof o->rdf);
	o->threads = proc_cores();
}

/* The spatial factors of loop d on array dimension a: divisors of its
 * extent that fit, 2 or more (1 is the dataflow without it). */
static int spatial_factors(const SCtx *c, const SOpts *o, int d, int a,
                           long *out)
{
	long dv[MAXDIV];
	int n = divisors(c->ext[d], dv, MAXDIV), k = 0;
	for (int i = 0; i < n; i++)
		if (dv[i] > 1 && dv[i] <= c->arch->dim[a] &&
		    (!o->fix_pe[d] || o->fix_pe[d] == dv[i]))
			out[k++] = dv[i];
	return k;
}

/* 1 when the Verilog backend builds every tensor's buffers in the levels
 * job j keeps it in (backend-verilog/rules.c, hw_chain_refusal): no
 * point of the job is built otherwise, whatever its blocking. */
static int job_builds(const SCtx *c, const Job *j)
{
	for (int t = 0; t < NTENSORS; t++) {
		int lv[MAX_LEVELS], n = 0;
		for (int L = 0; L < c->nl - 1; L++)
			if (j->buf[t][L])
				lv[n++] = L;
		if (hw_chain_refusal(c->arch, lv, n))
			return 0;
	}
	return 1;
}

/* The jobs being made: grown as needed. */
typedef struct Jobs {
	Job *v;
	int n, cap;
	int check;                      /* TESSERA_CHECK_BUILDABLE */
} Jobs;

/* The spatial factors of dataflow (sdim, rdim) on array dimension a:
 * the first loop's, and for each the second's (1 without one), their
 * product within the dimension, into *f and *g (allocated; free
 * them).  Returns how many pairs. */
static int dim_factors(const SCtx *c, const SOpts *o, int a, int d, int r,
                       long **f, long **g)
{
	long fd[MAXDIV], fr[MAXDIV];
	int nd = 1, nr = 1, k = 0;
	fd[0] = fr[0] = 1;
	if (d >= 0)
		nd = spatial_factors(c, o, d, a, fd);
	if (d >= 0 && r >= 0)
		nr = spatial_factors(c, o, r, a, fr);
	*f = malloc(sizeof **f * (size_t)(nd * nr + 1));
	*g = malloc(sizeof **g * (size_t)(nd * nr + 1));
	if (!*f || !*g)
		die_oom("for the search's jobs");
	for (int i = 0; i < nd; i++)
		for (int j = 0; j < nr; j++)
			if (d < 0 || fd[i] * fr[j] <= c->arch->dim[a]) {
				(*f)[k] = fd[i];
				(*g)[k++] = fr[j];
			}
	return k;
}

static void add_jobs(const SCtx *c, const SOpts *o, Jobs *js,
                     const signed char *sdim, const signed char *rdim)
{
	int nd = c->arch->ndims;
	for (int d = 0; d < NDIMS; d++) {
		int on = 0;
		for (int a = 0; a < nd; a++)
			on |= sdim[a] == d || rdim[a] == d;
		if (o->fix_pe[d] > 1 && !on)
			return; /* a fixed spatial factor needs the loop unrolled */
	}
	long *f0, *g0, *f1, *g1;
	int n0 = dim_factors(c, o, 0, sdim[0], rdim[0], &f0, &g0);
	int n1 = dim_factors(c, o, 1, nd > 1 ? sdim[1] : -1,
	                     nd > 1 ? rdim[1] : -1, &f1, &g1);
	int inner = c->nl - 2; /* levels that may be skipped: 0 .. inner-1 */
	/* bit t * inner + L of a mask: tensor t skips level L; the levels
	 * that do not hold it (a holds clause) it always skips, with
	 * --no-bypass too */
	int skip = 0;
	for (int t = 0; t < NTENSORS; t++)
		for (int L = 0; L < inner; L++)
			if (!arch_holds(c->arch, L, t))
				skip |= 1 << (t * inner + L);
	int m0 = o->bypass ? 0 : skip;
	int m1 = o->bypass ? 1 << (NTENSORS * inner) : skip + 1;
	for (int i = 0; i < n0; i++)
		for (int j = 0; j < n1; j++) {
			double pes = (double)f0[i] * (double)g0[i] * (double)f1[j] *
			             (double)g1[j];
			if (pes / (double)c->pes < o->min_util)
				continue;
			/* no schedule runs faster than its compute steps */
			if (o->max_cycles &&
			    (double)c->macs / pes > (double)o->max_cycles)
				continue;
			for (int m = m0; m < m1; m++) {
				if ((m & skip) != skip)
					continue;
				if (js->n == js->cap) {
					js->cap = js->cap ? 2 * js->cap : 1024;
					js->v = realloc(js->v, (size_t)js->cap * sizeof(Job));
					if (!js->v)
						INTERNAL("out of memory");
				}
				Job *jb = &js->v[js->n++];
				memset(jb, 0, sizeof *jb);
				jb->sdim[0] = sdim[0];
				jb->sdim[1] = nd > 1 ? sdim[1] : -1;
				jb->sf[0] = sdim[0] >= 0 ? f0[i] : 1;
				jb->sf[1] = jb->sdim[1] >= 0 ? f1[j] : 1;
				jb->rdim[0] = g0[i] > 1 ? rdim[0] : -1;
				jb->rdim[1] = nd > 1 && g1[j] > 1 ? rdim[1] : -1;
				jb->rf[0] = g0[i];
				jb->rf[1] = nd > 1 ? g1[j] : 1;
				jb->seq = js->n - 1;
				for (int t = 0; t < NTENSORS; t++)   /* the outermost
				                                        level: as it holds */
					for (int L = 0; L < c->nl - 1; L++)
						jb->buf[t][L] = L >= inner ? arch_holds(c->arch, L, t)
						              : !(m >> (t * inner + L) & 1);
				/* --buildable: levels the backend does not build are
				 * not searched; with `check` they are, and every point
				 * they give must be refused */
				jb->unbuildable = o->buildable && !job_builds(c, jb);
				if (jb->unbuildable && !js->check)
					js->n--;
			}
		}
	free(f0);
	free(g0);
	free(f1);
	free(g1);
}

static double job_pes(const Job *j)
{
	return (double)j->sf[0] * (double)j->sf[1] * (double)j->rf[0] *
	       (double)j->rf[1];
}

/* Jobs that use more PEs first: a good point found early prunes more;
 * among equals, in the order made.  Jobs with a second loop on a
 * dimension (--replicate) come after all the others. */
static int cmp_job(const void *a, const void *b)
{
	const Job *x = a, *y = b;
	int rx = x->rf[0] > 1 || x->rf[1] > 1, ry = y->rf[0] > 1 || y->rf[1] > 1;
	if (rx != ry)
		return rx - ry;
	double px = job_pes(x), py = job_pes(y);
	if (px != py)
		return (px < py) - (px > py);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Jobs told apart by what they search, for mark_mirrors. */
static int cmp_content(const Job *x, const Job *y)
{
	int r = memcmp(x->sdim, y->sdim, sizeof x->sdim);
	if (!r)
		r = memcmp(x->sf, y->sf, sizeof x->sf);
	if (!r)
		r = memcmp(x->rdim, y->rdim, sizeof x->rdim);
	if (!r)
		r = memcmp(x->rf, y->rf, sizeof x->rf);
	if (!r)
		r = memcmp(x->buf, y->buf, sizeof x->buf);
	return r;
}

static int cmp_index(const void *a, const void *b, void *jobs)
{
	const Job *v = jobs;
	return cmp_content(&v[*(const int *)a], &v[*(const int *)b]);
}

/* Each job whose mirror (the loops and factors of the two array
 * dimensions swapped) comes earlier: the model does not tell the array's
 * dimensions apart (only their sizes, which both fit), so every point of
 * the job costs what its mirror point does, and the earlier job wins
 * every tie: the search skips it (docs/search.md; TESSERA_CHECK_BOUND
 * compares the two at every point).  Not under --buildable, whose
 * backend does tell them apart. */
static void mark_mirrors(const SCtx *c, const SOpts *o, Job *v, int n)
{
	for (int i = 0; i < n; i++)
		v[i].mirror = -1;
	if (c->arch->ndims < 2 || o->buildable || n < 2)
		return;
	int *ix = malloc(sizeof *ix * (size_t)n);
	if (!ix)
		die_oom("for the search's jobs");
	for (int i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, (size_t)n, sizeof *ix, cmp_index, v);
	for (int i = 0; i < n; i++) {
		Job m = v[i];
		for (int a = 0; a < 2; a++) {
			m.sdim[a] = v[i].sdim[1 - a];
			m.sf[a] = v[i].sf[1 - a];
			m.rdim[a] = v[i].rdim[1 - a];
			m.rf[a] = v[i].rf[1 - a];
		}
		int lo = 0, hi = n;   /* the first not below m */
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (cmp_content(&v[ix[mid]], &m) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n && !cmp_content(&v[ix[lo]], &m) && ix[lo] < i)
			v[i].mirror = ix[lo];
	}
	free(ix);
}

/* The loops that may share dimension a with its first loop d (none
 * without --dataflow any's replication): -1 (none), then each loop
 * after d (the pair's other order is the same point) that no other
 * dimension takes. */
static int second_loops(const SCtx *c, const SOpts *o, int d,
                        const signed char *taken, int ntaken, signed char *r)
{
	int n = 0;
	r[n++] = -1;
	for (int x = d + 1; o->replicate && d >= 0 && x < NDIMS; x++) {
		int used = c->ext[x] < 2;
		for (int k = 0; k < ntaken; k++)
			used |= taken[k] == x;
		if (!used)
			r[n++] = (signed char)x;
	}
	return n;
}

Job *search_jobs(const SCtx *c, const SOpts *o, int *njobs)
{
	Jobs js = {0};
	*njobs = 0;
	char why[512];
	if (o->buildable && !hw_plan_design(c->layer, c->arch, why, sizeof why))
		return calloc(1, sizeof(Job));   /* the backend builds no schedule */
	js.check = getenv("TESSERA_CHECK_BUILDABLE") != NULL;
	if (o->ndf) {
		for (int k = 0; k < o->ndf; k++)
			add_jobs(c, o, &js, o->df[k], o->rdf[k]);
	} else {
		int two = c->arch->ndims > 1;
		int square = !two || c->arch->dim[0] == c->arch->dim[1];
		for (int d0 = -1; d0 < NDIMS; d0++)
			for (int d1 = -1; d1 < (two ? NDIMS : 0); d1++) {
				if ((d0 >= 0 && c->ext[d0] < 2) || (d1 >= 0 && c->ext[d1] < 2))
					continue;
				if (d0 >= 0 && d0 == d1)
					continue;
				/* on a square array A|B and B|A cost the same */
				if (square && d1 >= 0 && (d0 < 0 || d0 > d1))
					continue;
				signed char r0[NDIMS + 1], r1[NDIMS + 1];
				signed char t0[2] = {(signed char)d0, (signed char)d1};
				int n0 = second_loops(c, o, d0, t0, two ? 2 : 1, r0);
				for (int i = 0; i < n0; i++) {
					signed char t1[3] = {(signed char)d0, (signed char)d1,
					                     r0[i]};
					int n1 = two ? second_loops(c, o, d1, t1, 3, r1) : 1;
					if (!two)
						r1[0] = -1;
					for (int j = 0; j < n1; j++) {
						signed char df[MAX_ARRAY_DIMS] = {(signed char)d0,
						                                  (signed char)d1};
						signed char rd[MAX_ARRAY_DIMS] = {r0[i], r1[j]};
						add_jobs(c, o, &js, df, rd);
					}
				}
			}
	}
	if (js.n > 1)
		qsort(js.v, (size_t)js.n, sizeof(Job), cmp_job);
	mark_mirrors(c, o, js.v, js.n);
	*njobs = js.n;
	return js.v ? js.v : calloc(1, sizeof(Job));
}

/* Each tensor's elements fetched from DRAM once (written once for the
 * output): no schedule does better. */
void search_dram_min(const SCtx *c, double *out)
{
	SScratch sc = {0};
	for (int t = 0; t < NTENSORS; t++)
		out[t] = (double)sctx_words(c, &sc, t, c->ext) *
		         model_act_pj(c->arch, c->layer, c->nl - 1, t,
		                      t == T_OUT ? ACT_UPDATE : ACT_READ);
	sscratch_free(&sc);
}
