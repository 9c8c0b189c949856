/* eval.c - the model's counts for a canonical schedule (search.h), fast
 * enough for the search's inner loop.
 *
 * ir/count.c counts any nest by grouping each layer loop's settings.  In
 * a canonical nest every factor divides, so every group of a loop has
 * the same shape and each count is a product: a count marks a prefix of
 * the temporal loops (the loops up to a buffer's refill point; all of
 * them for the MAC's own accesses), plus the unrolled loops when PEs are
 * counted apart.  A loop that does not index the tensor contributes its
 * marked factors (one event each); one that does contributes its extent
 * (each value once per group, over all groups); a sliding-window index
 * such as y*s+fy contributes its marked factors times the size of the sum
 * set of the unmarked digits, each a run of consecutive digits (an
 * arithmetic progression), counted by ir/sumset.c (closed forms, or a
 * bitmap when the progressions leave gaps that overlap).  Cycles and energy then
 * follow ir/model.c line by line (same operations, same order), so the
 * figures are equal to model_eval's to the last bit; the search's tests
 * hold them equal on random points (`tessera search --selfcheck`).
 */
#include "search.h"

#include <stdlib.h>
#include <string.h>

void sctx_init(SCtx *c, const Layer *l, const Arch *a)
{
	memset(c, 0, sizeof *c);
	c->layer = l;
	c->arch = a;
	c->nl = a->nlevels;
	while (c->npe < c->nl && a->level[c->npe].per_pe)
		c->npe++;
	for (int d = 0; d < NDIMS; d++) {
		c->used[d] = l->extent[d] > 0;
		c->ext[d] = c->used[d] ? l->extent[d] : 1;
	}
	for (int t = 0; t < NTENSORS; t++) {
		const Tensor *T = &l->t[t];
		c->nidx[t] = T->rank;
		c->bits[t] = T->type.bits;
		for (int r = 0; r < T->rank; r++) {
			struct SIdx *x = &c->idx[t][r];
			x->limit = T->shape[r];
			for (int d = 0; d < NDIMS; d++)
				if (T->idx[r].coef[d]) {
					long k = T->idx[r].coef[d];
					x->dim[x->nd] = d;
					x->coef[x->nd++] = k < 0 ? -k : k;
					c->mask[t] |= 1u << d;
				}
			for (int i = 0; x->nd > 1 && i < x->nd; i++)
				c->wmask[t] |= 1u << x->dim[i];
		}
	}
	c->out_elems = layer_elements(l, T_OUT);
	c->macs = l->macs;
	c->pes = arch_pes(a);
}

/* What the canonical form cannot express. */
int sctx_check(const SCtx *c, char *err, size_t errlen)
{
	if (c->nl < 2 || !c->arch->level[c->nl - 1].offchip) {
		snprintf(err, errlen, "the architecture needs an on-chip level and "
		         "DRAM");
		return 0;
	}
	for (int L = c->npe; L < c->nl - 1; L++)
		if (c->arch->level[L].per_pe) {
			snprintf(err, errlen, "per-PE levels must come before shared "
			         "ones");
			return 0;
		}
	return 1;
}

void spoint_nest(const SCtx *c, const SPoint *p, SNest *s)
{
	int pos[MAX_LEVELS + 1][NDIMS];
	s->n = 0;
	for (int L = c->nl - 1; L >= 0; L--) {
		s->at[L] = s->n - 1;
		for (int k = NDIMS - 1; k >= 0; k--) {
			int d = p->order[L][k];
			pos[L][d] = -1;
			if (p->f[L][d] > 1) {
				s->dim[s->n] = (signed char)d;
				s->f[s->n] = p->f[L][d];
				pos[L][d] = s->n++;
			}
		}
	}
	s->ntemp = s->n;
	s->spatial_first = s->n;
	int spos[NDIMS];
	long *sfac = s->sfac;
	for (int d = 0; d < NDIMS; d++)
		spos[d] = -1, sfac[d] = 1;
	for (int a = 0; a < c->arch->ndims; a++)
		for (int r = 0; r < 2; r++) {
			int d = r ? p->rdim[a] : p->sdim[a];
			long f = r ? p->rf[a] : p->sf[a];
			if (d < 0 || f <= 1)
				continue;
			s->dim[s->n] = (signed char)d;
			s->f[s->n] = f;
			spos[d] = s->n++;
			sfac[d] = f;
		}
	/* digits lowest first: per-PE levels, the unrolled piece, the rest */
	for (int d = 0; d < NDIMS; d++) {
		long stride = 1;
		int n = 0;
		for (int q = 0; q <= c->nl; q++) {
			int L = q < c->npe ? q : q - 1;
			long f = q == c->npe ? sfac[d] : p->f[L][d];
			int ps = q == c->npe ? spos[d] : pos[L][d];
			if (f <= 1)
				continue;
			s->dpos[d][n] = ps;
			s->dfac[d][n] = f;
			s->dstr[d][n++] = stride;
			stride *= f;
		}
		s->ndig[d] = n;
	}
}

void sscratch_free(SScratch *sc)
{
	sumscratch_free(&sc->sums);
	free(sc->kb);
	sc->kb = NULL;
	sc->kcap = 0;
}

typedef SGen Gen;

static int marked(const SNest *s, int i, int j, int perpe)
{
	return i <= j || (i >= s->spatial_first && perpe);
}

/* The loop's marked factors, and its unmarked digits as runs. */
static long split_digits(const SNest *s, int d, int j, int perpe, Gen *g,
                         int *ng)
{
	long mp = 1;
	*ng = 0;
	for (int k = 0; k < s->ndig[d]; k++) {
		if (marked(s, s->dpos[d][k], j, perpe)) {
			mp *= s->dfac[d][k];
			continue;
		}
		Gen *last = *ng ? &g[*ng - 1] : NULL;
		if (last && last->stride * last->count == s->dstr[d][k])
			last->count *= s->dfac[d][k];
		else
			g[(*ng)++] = (Gen){s->dstr[d][k], s->dfac[d][k]};
	}
	return mp;
}

/* |{sum of k_i * g_i.stride * [0, g_i.count)}|, exactly (ir/sumset.c:
 * closed forms, else a bitmap of the range). */
long sset_size(SScratch *sc, const SGen *g, const long *k, int n)
{
	if (n == 0)
		return 1;
	if (n == 1)
		return g[0].count;
	if (n == 2) /* the usual window, y*s+fy: in the search's inner loop */
		return sumset_pair(k[0] * g[0].stride, g[0].count,
		                   k[1] * g[1].stride, g[1].count);
	SumTerm t[SUMSET_MAXTERMS];
	SumPiece p[SUMSET_MAXTERMS];
	ASSERT(n <= SUMSET_MAXTERMS);
	for (int i = 0; i < n; i++) {
		p[i] = (SumPiece){0, g[i].stride, g[i].count};
		t[i] = (SumTerm){k[i], g[i].stride * (g[i].count - 1), 1, &p[i]};
	}
	long size = sumset_size(&sc->sums, t, n);
	if (size < 0)
		die_oom("for the search's window sizes");
	return size;
}

/* Distinct values of index x over the unmarked digits of its loops (a
 * block); *mp gets the product of their marked factors (the blocks). */
static long index_block(const SNest *s, const struct SIdx *x, int j,
                        int perpe, SScratch *sc, long *mp)
{
	Gen g[NDIMS * (MAX_LEVELS + 1)], one[MAX_LEVELS + 1];
	long k[NDIMS * (MAX_LEVELS + 1)];
	int n = 0, ng;
	*mp = 1;
	for (int i = 0; i < x->nd; i++) {
		*mp *= split_digits(s, x->dim[i], j, perpe, one, &ng);
		for (int q = 0; q < ng; q++) {
			g[n] = one[q];
			k[n++] = x->coef[i];
		}
	}
	return sset_size(sc, g, k, n);
}

long sctx_words(const SCtx *c, SScratch *sc, int t, const long *ext)
{
	long total = 1;
	for (int r = 0; r < c->nidx[t]; r++) {
		const struct SIdx *x = &c->idx[t][r];
		SGen g[NDIMS];
		long k[NDIMS];
		int n = 0;
		for (int i = 0; i < x->nd; i++)
			if (ext[x->dim[i]] > 1) {
				g[n] = (SGen){1, ext[x->dim[i]]};
				k[n++] = x->coef[i];
			}
		total *= sset_size(sc, g, k, n);
	}
	return total;
}

/* count_words of ir/count.c for a canonical nest: temporal loops 0..j
 * marked, and the unrolled ones when perpe. */
static long words(const SCtx *c, const SNest *s, int t, int j, int perpe,
                  SScratch *sc)
{
	long total = 1;
	for (int d = 0; d < NDIMS; d++) {
		if (!c->used[d] || (c->mask[t] >> d & 1))
			continue;
		Gen g[MAX_LEVELS + 1];
		int ng;
		total *= split_digits(s, d, j, perpe, g, &ng);
	}
	for (int r = 0; r < c->nidx[t]; r++) {
		const struct SIdx *x = &c->idx[t][r];
		if (x->nd == 1) {
			total *= c->ext[x->dim[0]];
		} else if (x->nd > 1) {
			long mp, n = index_block(s, x, j, perpe, sc, &mp);
			total *= mp * n;
		}
	}
	return total;
}

/* The largest block of tensor t in a buffer of level L (count_max_block
 * with the loops outside the buffer marked). */
static long block_words(const SCtx *c, const SNest *s, int t, int L,
                        SScratch *sc)
{
	int perpe = c->arch->level[L].per_pe;
	long total = 1, mp;
	for (int r = 0; r < c->nidx[t]; r++)
		total *= index_block(s, &c->idx[t][r], s->at[L], perpe, sc, &mp);
	return total;
}

static long events(const SNest *s, int j)
{
	long e = 1;
	for (int i = 0; i <= j; i++)
		e *= s->f[i];
	return e;
}

/* The innermost loop outside a buffer of level L that indexes t. */
static int refill_point(const SCtx *c, const SNest *s, int t, int L)
{
	for (int i = s->at[L]; i >= 0; i--)
		if (c->mask[t] >> s->dim[i] & 1)
			return i;
	return -1;
}

static long bytes_of(long words, int bits)
{
	return (words * bits + 7) / 8;
}

int spoint_fits(const SCtx *c, const SPoint *p, const SNest *s,
                SScratch *sc, long used[MAX_LEVELS])
{
	int ok = 1;
	for (int L = 0; L < c->nl - 1; L++) {
		used[L] = 0;
		for (int t = 0; t < NTENSORS; t++)
			if (p->buf[t][L])
				used[L] += bytes_of(block_words(c, s, t, L, sc), c->bits[t]) *
				           (spoint_dbl(c, p, t, L) ? 2 : 1);
		if (used[L] > c->arch->level[L].bytes)
			ok = 0;
	}
	return ok;
}

/* ---- the model, as ir/model.c computes it ---- */

typedef struct Chain {
	int n;                 /* buffers of the tensor */
	int level[MAX_LEVELS + 1]; /* their levels, then DRAM */
} Chain;

static void chains(const SCtx *c, const SPoint *p, Chain *ch)
{
	for (int t = 0; t < NTENSORS; t++) {
		ch[t].n = 0;
		for (int L = 0; L < c->nl - 1; L++)
			if (p->buf[t][L])
				ch[t].level[ch[t].n++] = L;
		ch[t].level[ch[t].n] = c->nl - 1;
	}
}

static int per_pe(const SCtx *c, int L)
{
	return c->arch->level[L].per_pe;
}

/* An input's hops go over a bus where two PEs take the same word in a
 * step (ir/model.c's hop_kind): surely where an unrolled loop does not
 * index it, else where the step's words with the PEs told apart (wpe)
 * outnumber those without (counted here unless the inner level is
 * shared, where w is that count already). */
static int input_hop_kind(const SCtx *c, const SNest *s, int t, int jall,
                          long wpe, long w, int inner, SScratch *sc)
{
	for (int d = 0; d < NDIMS; d++)
		if (s->sfac[d] > 1 && !(c->mask[t] >> d & 1))
			return HOP_BUS;
	long shared = per_pe(c, inner) ? words(c, s, t, jall, 0, sc) : w;
	return wpe == shared ? HOP_GLOBAL : HOP_BUS;
}

static void count_tensor(const SCtx *c, const SPoint *p, const SNest *s,
                         const Chain *ch, int t, SScratch *sc, Model *m)
{
	int out = t == T_OUT, jall = s->ntemp - 1;
	long elems = c->out_elems;
	int inner = ch->level[0];
	long w = words(c, s, t, jall, per_pe(c, inner), sc);
	/* the words of a step with the PEs told apart, and without */
	long step_pe = per_pe(c, inner) ? w : words(c, s, t, jall, 1, sc);
	if (out) {
		m->updates[inner][t] += w;
		m->reads[inner][t] += w - elems;
	} else {
		m->reads[inner][t] += w;
		m->hop_kind[t] = input_hop_kind(c, s, t, jall, step_pe, w, inner, sc);
	}
	if (!per_pe(c, inner))
		m->hops[t] += step_pe + (out ? w - elems : 0);
	for (int h = 0; h < ch->n; h++) {
		int lv = ch->level[h], parent = ch->level[h + 1];
		int j = refill_point(c, s, t, lv);
		/* into a register file from a shared parent: per PE */
		int spread = per_pe(c, lv) && !per_pe(c, parent);
		long wpe;
		if (spoint_kept(c, p, t)) {
			long each, uni;
			kept_words(c, s, sc, t, j, per_pe(c, lv), &each, &uni);
			w = per_pe(c, parent) ? each : uni;
			wpe = each;
		} else {
			w = words(c, s, t, j, per_pe(c, parent), sc);
			wpe = spread ? words(c, s, t, j, 1, sc) : w;
		}
		if (out) {
			m->updates[parent][t] += w;
			m->reads[parent][t] += w - elems;
			m->fills[lv][t] += w - elems;
			m->xfer_words[t][h] = w + (w - elems);
		} else {
			m->reads[parent][t] += w;
			m->fills[lv][t] += wpe;
			m->xfer_words[t][h] = w;
		}
		m->xfer_events[t][h] = events(s, j);
		if (spread)
			m->hops[t] += wpe + (out ? w - elems : 0);
	}
}

/* How the output's hops move, as ir/model.c's hop_kind has it for the
 * schedule spoint_write writes: along chains where a per-PE level holds
 * it and PEs share its elements (write.c writes systolic() there), else
 * by a tree (the inputs': count_tensor). */
static void hop_kinds(const SCtx *c, const SPoint *p, const SNest *s,
                      Model *m)
{
	int red = 0, perpe = 0;
	for (int d = 0; d < NDIMS; d++)
		red |= s->sfac[d] > 1 && !(c->mask[T_OUT] >> d & 1);
	for (int L = 0; L < c->npe; L++)
		perpe |= p->buf[T_OUT][L];
	m->hop_kind[T_OUT] = !red ? HOP_GLOBAL : perpe ? HOP_NEIGHBOUR : HOP_BUS;
}

void spoint_eval(const SCtx *c, const SPoint *p, const SNest *s,
                 SScratch *sc, Model *m)
{
	memset(m, 0, sizeof *m);
	Chain ch[NTENSORS];
	chains(c, p, ch);
	m->macs = c->macs;
	m->pes = c->pes;
	m->pes_used = 1;
	for (int d = 0; d < NDIMS; d++)
		m->pes_used *= s->sfac[d];
	count_tensor(c, p, s, &ch[T_A], T_A, sc, m);
	count_tensor(c, p, s, &ch[T_B], T_B, sc, m);
	count_tensor(c, p, s, &ch[T_OUT], T_OUT, sc, m);
	hop_kinds(c, p, s, m);
	m->compute_cycles = events(s, s->ntemp - 1);
	XferChain xc[NTENSORS];
	for (int t = 0; t < NTENSORS; t++) {
		xc[t].lanes = 1;
		for (int d = 0; d < NDIMS; d++)
			if (c->mask[t] >> d & 1)
				xc[t].lanes *= s->sfac[d];
		xc[t].n = ch[t].n;
		for (int h = 0; h < ch[t].n; h++) {
			xc[t].parent[h] = ch[t].level[h + 1];
			xc[t].level[h] = ch[t].level[h];
			xc[t].dbl[h] = spoint_overlapped(c, p, t, ch[t].level[h], h == 0);
		}
	}
	model_time(c->arch, xc, m);
	model_energy(c->arch, c->layer, m);
}

double spoint_cost(Objective o, const Model *m)
{
	switch (o) {
	case OBJ_CYCLES:
		return (double)m->cycles;
	case OBJ_EDP:
		return m->e_total * (double)m->cycles;
	default:
		return m->e_total;
	}
}
