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

static void add_jobs(const SCtx *c, const SOpts *o, int check, Job *jobs,
                     int *njobs, const signed char *sdim)
{
	for (int d = 0; d < NDIMS; d++)
		if (o->fix_pe[d] > 1 && sdim[0] != d &&
		    !(c->arch->ndims > 1 && sdim[1] == d))
			return; /* a fixed spatial factor needs the loop unrolled */
	long f0[MAXDIV], f1[MAXDIV] = {1};
	int n0 = 1, n1 = 1;
	f0[0] = 1;
	if (sdim[0] >= 0)
		n0 = spatial_factors(c, o, sdim[0], 0, f0);
	if (c->arch->ndims > 1 && sdim[1] >= 0)
		n1 = spatial_factors(c, o, sdim[1], 1, f1);
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
			double used = (double)f0[i] * (double)f1[j] / (double)c->pes;
			if (used < o->min_util)
				continue;
			/* no schedule runs faster than its compute steps */
			if (o->max_cycles &&
			    (double)c->macs / ((double)f0[i] * (double)f1[j]) >
			    (double)o->max_cycles)
				continue;
			for (int m = m0; m < m1; m++) {
				if ((m & skip) != skip)
					continue;
				if (*njobs == MAXJOBS)
					return;
				Job *jb = &jobs[(*njobs)++];
				memset(jb, 0, sizeof *jb);
				jb->sdim[0] = sdim[0];
				jb->sdim[1] = c->arch->ndims > 1 ? sdim[1] : -1;
				jb->sf[0] = sdim[0] >= 0 ? f0[i] : 1;
				jb->sf[1] = jb->sdim[1] >= 0 ? f1[j] : 1;
				for (int t = 0; t < NTENSORS; t++)   /* the outermost
				                                        level: as it holds */
					for (int L = 0; L < c->nl - 1; L++)
						jb->buf[t][L] = L >= inner ? arch_holds(c->arch, L, t)
						              : !(m >> (t * inner + L) & 1);
				/* --buildable: levels the backend does not build are
				 * not searched; with `check` they are, and every point
				 * they give must be refused */
				jb->unbuildable = o->buildable && !job_builds(c, jb);
				if (jb->unbuildable && !check)
					(*njobs)--;
			}
		}
}

static double job_pes(const Job *j)
{
	return (double)j->sf[0] * (double)j->sf[1];
}

/* Jobs that use more PEs first: a good point found early prunes more. */
static int cmp_job(const void *a, const void *b)
{
	double x = job_pes(a), y = job_pes(b);
	return (x < y) - (x > y);
}

Job *search_jobs(const SCtx *c, const SOpts *o, int *njobs)
{
	Job *jobs = calloc(MAXJOBS, sizeof(Job));
	if (!jobs)
		INTERNAL("out of memory");
	*njobs = 0;
	char why[512];
	if (o->buildable && !hw_plan_design(c->layer, c->arch, why, sizeof why))
		return jobs;   /* the backend builds no schedule of it */
	int check = getenv("TESSERA_CHECK_BUILDABLE") != NULL;
	if (o->ndf) {
		for (int k = 0; k < o->ndf; k++)
			add_jobs(c, o, check, jobs, njobs, o->df[k]);
	} else {
		int square = c->arch->ndims < 2 || c->arch->dim[0] == c->arch->dim[1];
		for (int d0 = -1; d0 < NDIMS; d0++)
			for (int d1 = -1; d1 < (c->arch->ndims > 1 ? NDIMS : 0); d1++) {
				if ((d0 >= 0 && c->ext[d0] < 2) || (d1 >= 0 && c->ext[d1] < 2))
					continue;
				if (d0 >= 0 && d0 == d1)
					continue;
				/* on a square array A|B and B|A cost the same */
				if (square && d1 >= 0 && (d0 < 0 || d0 > d1))
					continue;
				signed char df[MAX_ARRAY_DIMS] = {(signed char)d0,
				                                  (signed char)d1};
				add_jobs(c, o, check, jobs, njobs, df);
			}
	}
	/* a stable order: qsort is not stable, so sort by (pes, index) */
	for (int i = 1; i < *njobs; i++)
		for (int j = i; j > 0 && cmp_job(&jobs[j - 1], &jobs[j]) > 0; j--) {
			Job t = jobs[j];
			jobs[j] = jobs[j - 1];
			jobs[j - 1] = t;
		}
	return jobs;
}

/* Each tensor's elements fetched from DRAM once (written once for the
 * output): no schedule does better. */
void search_dram_min(const SCtx *c, double *out)
{
	SScratch sc = {0};
	for (int t = 0; t < NTENSORS; t++)
		out[t] = (double)sctx_words(c, &sc, t, c->ext) *
		         (c->arch->level[c->nl - 1].pj * c->bits[t] / 16.0);
	sscratch_free(&sc);
}
