/* space.c - the search space: divisors, the candidate loop orders of a
 * level, random points, and the self-check that holds the fast
 * evaluator equal to the full model on random points of the space.
 */
#include "search.h"

#include <stdlib.h>
#include <string.h>

int divisors(long n, long *out, int max)
{
	int k = 0;
	for (long i = 1; i * i <= n; i++)
		if (n % i == 0) {
			if (k < max)
				out[k++] = i;
			if (i != n / i && k < max)
				out[k++] = n / i;
		}
	/* sort ascending */
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
			long t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return k;
}

/* Orders o, and when `keep` the same with each run of loops that index
 * the same tensors reversed, into orders[] (n of them) unless there. */
static int add_order(signed char orders[][NDIMS], int n, const signed char *o,
                     const int *key, int keep)
{
	signed char v[2][NDIMS];
	memcpy(v[0], o, NDIMS);
	memcpy(v[1], o, NDIMS);
	for (int i = 0; keep && i < NDIMS;) {
		int j = i;
		while (j + 1 < NDIMS && key[o[j + 1]] == key[o[i]])
			j++;
		for (int k = i; key[o[i]] < 8 && k <= j; k++)
			v[1][k] = o[j - (k - i)];
		i = j + 1;
	}
	for (int q = 0; q < 1 + keep; q++) {
		int dup = 0;
		for (int m = 0; m < n && !dup; m++)
			dup = !memcmp(orders[m], v[q], NDIMS);
		if (!dup)
			memcpy(orders[n++], v[q], NDIMS);
	}
	return n;
}

/* Candidate orders of one level.  A level's order matters only through
 * the refill points of the buffers just inside it: for each tensor, the
 * loops inside the innermost loop that indexes it stay stationary.
 * Putting first the loops that do not index tensor t (and, among them,
 * those that do not index the next tensor of a priority list) gives t
 * the most reuse possible; every priority list of the three tensors
 * gives one order, and equal ones are merged.  Loops of factor 1 play no
 * part and keep their canonical place.  Loops that index the same
 * tensors keep their canonical order among themselves; where buffers
 * keep their overlap (`keep`) that order matters (which of y and x
 * slides innermost), and each order comes with those runs reversed too. */
int level_orders(const SCtx *c, const long *f, int keep,
                 signed char orders[][NDIMS])
{
	static const int prio[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
	                               {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	int n = 0;
	for (int q = 0; q < 6; q++) {
		signed char o[NDIMS];
		int key[NDIMS], k = 0;
		for (int d = 0; d < NDIMS; d++) {
			int ix = 0;
			for (int r = 0; r < 3; r++)
				ix = ix * 2 + (int)(c->mask[prio[q][r]] >> d & 1);
			key[d] = f[d] > 1 ? ix : 8; /* factor 1: last */
			o[k++] = (signed char)d;
		}
		for (int i = 1; i < NDIMS; i++) /* stable sort by key */
			for (int j = i; j > 0 && key[o[j - 1]] > key[o[j]]; j--) {
				signed char t = o[j];
				o[j] = o[j - 1];
				o[j - 1] = t;
			}
		/* orders that give the same stationary runs are the same: compare
		 * the sequence of loops with factor > 1 */
		n = add_order(orders, n, o, key, keep);
	}
	return n;
}

/* What level L's order `ord` changes in a point's figures: a tensor's
 * buffers are refilled at the innermost loop outside them that indexes
 * it, so an order acts only on the tensors whose refill point lies in L
 * (held inside L, with no loop of the levels between indexing them), and
 * on each only through which of L's loops are inside that point
 * (a buffer that keeps its overlap: the whole order, below).  The
 * key holds, for each such tensor, those loops as a mask (8 bits a
 * tensor); two orders of L with equal keys give the same counts, cycles
 * and energy (docs/search.md, "Orders that act alike"). */
uint64_t order_key(const SCtx *c, const SPoint *p, int L,
                   const signed char *ord)
{
	uint64_t key = 0;
	for (int t = 0; t < NTENSORS; t++) {
		int lv = L - 1;
		while (lv >= 0 && !p->buf[t][lv])
			lv--;
		int reached = lv >= 0;
		for (int q = lv + 1; reached && q < L; q++)
			for (int d = 0; d < NDIMS; d++)
				if (p->f[q][d] > 1 && (c->mask[t] >> d & 1))
					reached = 0;
		if (!reached)
			continue;
		unsigned inside = 0;
		for (int k = 0; k < NDIMS; k++) {   /* innermost first */
			int d = ord[k];
			if (p->f[L][d] <= 1)
				continue;
			if (c->mask[t] >> d & 1)
				break;
			inside |= 1u << d;
		}
		key |= (uint64_t)inside << (8 * t);
	}
	/* a buffer inside L that keeps its overlap fetches what each step of
	 * a loop outside it moves the block by, the loops inside that step
	 * wrapping: the whole order counts (its loops of factor > 1, 3 bits
	 * each, above the masks) */
	int kept = 0;
	for (int t = 0; t < NTENSORS; t++)
		for (int lv = 0; lv < L; lv++)
			kept |= p->buf[t][lv] && spoint_kept(c, p, t);
	for (int k = 0, at = 32; kept && k < NDIMS; k++)
		if (p->f[L][ord[k]] > 1) {
			key |= (uint64_t)(ord[k] + 1) << at;
			at += 3;
		}
	return key;
}

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64: deterministic for a seed */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static long pick(uint64_t *s, const long *v, int n)
{
	return v[rng_next(s) % (uint64_t)n];
}

/* Whether loop d is already unrolled on a dimension of p, as the
 * random point is drawn: first on a dimension below a; for a second
 * loop on a (second), first on any dimension or second below a. */
static int unrolled(const SPoint *p, int a, int d, int second)
{
	for (int b = 0; b < MAX_ARRAY_DIMS; b++)
		if ((p->sdim[b] == d && (second || b < a)) ||
		    (second && p->rdim[b] == d && b < a))
			return 1;
	return 0;
}

/* A random point of the whole space (any dataflow, factors, orders,
 * buffers), whether or not it fits the memories. */
void spoint_random(const SCtx *c, uint64_t *seed, SPoint *p)
{
	memset(p, 0, sizeof *p);
	long rest[NDIMS], dv[256];
	for (int d = 0; d < NDIMS; d++)
		rest[d] = c->ext[d];
	for (int a = 0; a < MAX_ARRAY_DIMS; a++) {
		p->sdim[a] = -1;
		p->sf[a] = 1;
		if (a >= c->arch->ndims)
			continue;
		int d = (int)(rng_next(seed) % (NDIMS + 1));
		if (d == NDIMS || !c->used[d] || unrolled(p, a, d, 0))
			continue;
		int n = divisors(rest[d], dv, 256);
		while (n > 1 && dv[n - 1] > c->arch->dim[a])
			n--;
		p->sdim[a] = (signed char)d;
		p->sf[a] = pick(seed, dv, n);
		rest[d] /= p->sf[a];
	}
	/* half the time, a second loop beside each dimension's first where
	 * that leaves room (replicate) */
	for (int a = 0; a < MAX_ARRAY_DIMS; a++) {
		p->rdim[a] = -1;
		p->rf[a] = 1;
		long room = a < c->arch->ndims && p->sdim[a] >= 0 && p->sf[a] > 1
		            ? c->arch->dim[a] / p->sf[a] : 1;
		int d = (int)(rng_next(seed) % (2 * NDIMS));
		if (room < 2 || d >= NDIMS || !c->used[d] || rest[d] < 2 ||
		    unrolled(p, a, d, 1))
			continue;
		int n = divisors(rest[d], dv, 256);
		while (n > 1 && dv[n - 1] > room)
			n--;
		if (n < 2)
			continue;
		p->rdim[a] = (signed char)d;
		p->rf[a] = dv[1 + rng_next(seed) % (uint64_t)(n - 1)];
		rest[d] /= p->rf[a];
	}
	for (int L = 0; L < c->nl; L++)
		for (int d = 0; d < NDIMS; d++) {
			long f = rest[d];
			if (L < c->nl - 1)
				f = pick(seed, dv, divisors(rest[d], dv, 256));
			p->f[L][d] = f;
			rest[d] /= f;
		}
	for (int L = 0; L < c->nl; L++) {
		signed char *o = p->order[L];
		for (int d = 0; d < NDIMS; d++)
			o[d] = (signed char)d;
		for (int d = NDIMS - 1; d > 0; d--) {
			int j = (int)(rng_next(seed) % (uint64_t)(d + 1));
			signed char t = o[d];
			o[d] = o[j];
			o[j] = t;
		}
	}
	for (int t = 0; t < NTENSORS; t++)
		for (int L = 0; L < c->nl - 1; L++)
			p->buf[t][L] = (L == c->nl - 2 || (rng_next(seed) & 1)) &&
			               arch_holds(c->arch, L, t);
	/* one draw: every buffer double-buffered, or those the backend
	 * builds so (--double-buffer --buildable), or none */
	uint64_t r = rng_next(seed), d = r % 8;
	p->dbl = d == 0 ? 1 : d == 1 ? 2 : 0;
	p->keep = (unsigned char)(r >> 3 & 1);   /* the same draw's next bit:
	                                            the points drawn stay */
}

/* The fields of two models that differ, into err; 0 when none. */
static int model_diff(const SCtx *c, const Model *a, const Model *b,
                      char *err, size_t errlen)
{
	size_t n = 0;
	int diffs = 0;
#define CMP(field, fmt)                                                     \
	do {                                                                    \
		if (a->field != b->field && n < errlen) {                           \
			n += (size_t)snprintf(err + n, errlen - n, "  " #field ": " fmt \
			                      " vs " fmt "\n", a->field, b->field);     \
			diffs++;                                                        \
		}                                                                   \
	} while (0)
	CMP(macs, "%ld");
	CMP(pes_used, "%ld");
	CMP(compute_cycles, "%ld");
	CMP(cycles, "%ld");
	CMP(utilization, "%.17g");
	for (int L = 0; L < c->nl; L++)
		for (int t = 0; t < NTENSORS; t++) {
			CMP(reads[L][t], "%ld");
			CMP(fills[L][t], "%ld");
			CMP(updates[L][t], "%ld");
			CMP(e_level_tensor[L][t], "%.17g");
		}
	for (int t = 0; t < NTENSORS; t++) {
		CMP(hops[t], "%ld");
		CMP(e_tensor[t], "%.17g");
		for (int h = 0; h < MAX_LEVELS; h++) {
			CMP(xfer_words[t][h], "%ld");
			CMP(xfer_events[t][h], "%ld");
		}
	}
	CMP(e_noc, "%.17g");
	for (int t = 0; t < NTENSORS; t++)
		CMP(hop_kind[t], "%d");
	CMP(e_mac, "%.17g");
	CMP(e_total, "%.17g");
	CMP(pj_per_mac, "%.17g");
#undef CMP
	return diffs;
}

/* Evaluates n random points both ways: the fast evaluator, and the
 * written schedule re-read and modelled by model_eval; also whether each
 * fits its memories.  Returns the number of points that differ (the
 * first is described in err); *fitting counts those that fit. */
int spoint_selfcheck(const SCtx *c, uint64_t seed, int n, int *fitting,
                     char *err, size_t errlen)
{
	SScratch sc = {0};
	int bad = 0;
	*fitting = 0;
	err[0] = 0;
	for (int i = 0; i < n; i++) {
		SPoint p;
		SNest s;
		Model fast, full;
		long used[MAX_LEVELS];
		char why[4096];
		spoint_random(c, &seed, &p);
		spoint_nest(c, &p, &s);
		int fits = spoint_fits(c, &p, &s, &sc, used);
		spoint_eval(c, &p, &s, &sc, &fast);
		int ok = spoint_relower(c, &p, &full, NULL, why, sizeof why);
		if (ok != fits) {
			if (!bad++)
				snprintf(err, errlen, "point %d: the evaluator says it %s, "
				         "the compiler %s:\n%s", i, fits ? "fits" : "does "
				         "not fit", ok ? "accepts it" : "does not", why);
			continue;
		}
		if (!ok)
			continue;
		(*fitting)++;
		char d[4096];
		if (model_diff(c, &fast, &full, d, sizeof d)) {
			if (!bad++) {
				size_t len;
				char *text = spoint_text(c, &p, &len);
				snprintf(err, errlen, "point %d: evaluator vs model:\n%s%s", i,
				         d, text);
				free(text);
			}
		}
	}
	sscratch_free(&sc);
	return bad;
}
