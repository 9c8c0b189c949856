/* kept.c - the words a buffer that keeps its overlap fetches
 * (keep_overlap(), --keep-overlap), in closed form for a canonical nest.
 *
 * ir/overlap.c lists blocks: each instance (a PE of a per-PE level, else
 * the array as one) fetches at refill e the words of its block B(e) not
 * in B(e-1), and a word fetched for several PEs is read from the parent
 * once.  In a canonical nest every factor divides and no loop indexes
 * two index positions of a tensor, so a block is a product over the
 * index positions r of sets A_r (the sum set of the digits inside the
 * buffer), the same set in every PE moved by the unrolled digits' values
 * (the set O_r of offsets), and every refill at which loop i steps (the
 * loops inside it up to the refill point wrapping) moves every block by
 * the same M_r along each position.  So, with U_r = A_r + O_r and
 * D_r = (A_r \ (A_r - M_r)) + O_r (the words some PE lacks along r):
 *
 *   each PE's words   |A| - |A & (A - M)|, with |A| = prod |A_r| and
 *                     |A & (A - M)| = prod |A_r & (A_r - M_r)|,
 *   once a word       prod |U_r| - prod (|U_r| - |D_r|)
 *
 * (a word is fetched once unless every PE holding it along each position
 * already held it, and those conditions are independent per position).
 * The first refill fetches whole blocks; loop i's kind happens
 * f_0 ... f_(i-1) (f_i - 1) times.  The sets are bitmaps, built with
 * each coefficient's magnitude: a set built with a negative coefficient
 * is a translate of it, which changes no size and no overlap.
 */
#include "search.h"

#include <stdlib.h>
#include <string.h>

enum { KMAXG = NDIMS * (MAX_LEVELS + 1) };

typedef struct KIdx {
	long step[KMAXG], cnt[KMAXG];   /* the digits inside: A's generators */
	int ng;
	long ostep[KMAXG], ocnt[KMAXG]; /* the unrolled digits: O's */
	int no;
	long n;                         /* A's bitmap length */
	unsigned char *a;               /* A */
	long size, usize;               /* |A|, |U| */
} KIdx;

/* The thread's bitmap buffer, at least `need` bytes. */
static unsigned char *room(SScratch *sc, long need)
{
	if (need > sc->kcap) {
		long cap = sc->kcap ? sc->kcap : 4096;
		while (cap < need)
			cap *= 2;
		unsigned char *b = realloc(sc->kb, (size_t)cap);
		if (!b)
			die_oom("for the search's kept windows");
		sc->kb = b;
		sc->kcap = cap;
	}
	return sc->kb;
}

/* dst = src + {0, step, ..., (cnt - 1) step}; its length. */
static long dilate(unsigned char *dst, const unsigned char *src, long n,
                   long step, long cnt)
{
	long m = n + step * (cnt - 1);
	memset(dst, 0, (size_t)m);
	for (long v = 0; v < n; v++)
		if (src[v])
			for (long u = 0; u < cnt; u++)
				dst[v + u * step] = 1;
	return m;
}

static long ones(const unsigned char *b, long n)
{
	long k = 0;
	for (long v = 0; v < n; v++)
		k += b[v];
	return k;
}

/* The length of the bitmap of set b (length n) plus O's generators. */
static long olen(const KIdx *x, long n)
{
	for (int g = 0; g < x->no; g++)
		n += x->ostep[g] * (x->ocnt[g] - 1);
	return n;
}

/* |b + O| for the set b of length n, in the scratch t1, t2 (olen's). */
static long plus_offsets(const KIdx *x, const unsigned char *b, long n,
                         unsigned char *t1, unsigned char *t2)
{
	if (!x->no)
		return ones(b, n);
	const unsigned char *src = b;
	unsigned char *dst = t1;
	for (int g = 0; g < x->no; g++) {
		n = dilate(dst, src, n, x->ostep[g], x->ocnt[g]);
		src = dst;
		dst = dst == t1 ? t2 : t1;
	}
	return ones(src, n);
}

/* The digits of position r: those inside the buffer into A, the
 * unrolled ones into O when perpe (else into A: one instance). */
static void digits(const SCtx *c, const SNest *s, int t, int r, int j,
                   int perpe, KIdx *x)
{
	const struct SIdx *ix = &c->idx[t][r];
	x->ng = x->no = 0;
	x->n = 1;
	for (int i = 0; i < ix->nd; i++) {
		int d = ix->dim[i];
		for (int k = 0; k < s->ndig[d]; k++) {
			int pos = s->dpos[d][k];
			long step = ix->coef[i] * s->dstr[d][k], cnt = s->dfac[d][k];
			if (pos <= j)
				continue;   /* outside: it moves the block */
			if (pos >= s->spatial_first && perpe) {
				x->ostep[x->no] = step;
				x->ocnt[x->no++] = cnt;
			} else {
				x->step[x->ng] = step;
				x->cnt[x->ng++] = cnt;
				x->n += step * (cnt - 1);
			}
		}
	}
}

/* Position k's set A into k->a (its bitmap, k->n long), through tmp. */
static void build_set(KIdx *k, unsigned char *tmp)
{
	long n = 1;
	k->a[0] = 1;
	for (int g = 0; g < k->ng; g++) {
		n = dilate(tmp, k->a, n, k->step[g], k->cnt[g]);
		memcpy(k->a, tmp, (size_t)n);
	}
}

/* The values of A that a slide by M keeps (v and v + M in A): their
 * number; the others, new after it, into `fresh`. */
static long slide(const KIdx *k, long M, unsigned char *fresh)
{
	long both = 0;
	for (long v = 0; v < k->n; v++) {
		long u = v + M;
		int held = k->a[v] && u >= 0 && u < k->n && k->a[u];
		both += held;
		fresh[v] = (unsigned char)(k->a[v] && !held);
	}
	return both;
}

void kept_words(const SCtx *c, const SNest *s, SScratch *sc, int t, int j,
                int perpe, long *each, long *uni)
{
	const Tensor *T = &c->layer->t[t];
	int rank = c->nidx[t];
	KIdx x[MAX_RANK];
	long need = 0, most = 1;
	for (int r = 0; r < rank; r++) {
		digits(c, s, t, r, j, perpe, &x[r]);
		need += x[r].n;
		long m = olen(&x[r], x[r].n);
		most = m > most ? m : most;
	}
	unsigned char *b = room(sc, need + 3 * most);
	unsigned char *t0 = b + need, *t1 = t0 + most, *t2 = t1 + most;
	long ninst = 1;
	for (int i = s->spatial_first; perpe && i < s->n; i++)
		ninst *= s->f[i];
	/* each position's A, |A| and |U| */
	long whole = 1, uwhole = 1;
	for (int r = 0, at = 0; r < rank; at += (int)x[r++].n) {
		KIdx *k = &x[r];
		k->a = b + at;
		build_set(k, t0);
		k->size = ones(k->a, k->n);
		k->usize = plus_offsets(k, k->a, k->n, t1, t2);
		whole *= k->size;
		uwhole *= k->usize;
	}
	*each = ninst * whole;
	*uni = uwhole;
	/* each loop's stride in its loop's digits */
	long lstr[S_MAXLOOPS] = {0};
	for (int d = 0; d < NDIMS; d++)
		for (int k = 0; k < s->ndig[d]; k++)
			lstr[s->dpos[d][k]] = s->dstr[d][k];
	long before = 1;   /* f_0 ... f_(i-1) */
	for (int i = 0; i <= j; before *= s->f[i++]) {
		long m[NDIMS] = {0};
		m[s->dim[i]] += lstr[i];
		for (int q = i + 1; q <= j; q++)
			m[s->dim[q]] -= lstr[q] * (s->f[q] - 1);
		long kept = 1, ukept = 1;
		int moved = 0;
		for (int r = 0; r < rank; r++) {
			KIdx *k = &x[r];
			long M = 0;
			for (int d = 0; d < NDIMS; d++)
				M += T->idx[r].coef[d] * m[d];
			if (!M) {
				kept *= k->size;
				ukept *= k->usize;
				continue;
			}
			moved = 1;
			kept *= slide(k, M, t0);
			ukept *= k->usize - plus_offsets(k, t0, k->n, t1, t2);
		}
		if (!moved)
			continue;
		long times = before * (s->f[i] - 1);
		*each += times * ninst * (whole - kept);
		*uni += times * (uwhole - ukept);
	}
}

void kept_slide(SScratch *sc, const SGen *a, const long *ka, int na,
                const SGen *o, const long *ko, int no, long M, long *mine,
                long *any)
{
	KIdx x = {.n = 1};
	for (int i = 0; i < na; i++) {
		x.step[x.ng] = (ka[i] < 0 ? -ka[i] : ka[i]) * a[i].stride;
		x.cnt[x.ng] = a[i].count;
		x.n += x.step[x.ng] * (x.cnt[x.ng] - 1);
		x.ng++;
	}
	for (int i = 0; i < no; i++) {
		x.ostep[x.no] = (ko[i] < 0 ? -ko[i] : ko[i]) * o[i].stride;
		x.ocnt[x.no++] = o[i].count;
	}
	long m = olen(&x, x.n);
	x.a = room(sc, x.n + 3 * m);
	unsigned char *t0 = x.a + x.n, *t1 = t0 + m, *t2 = t1 + m;
	build_set(&x, t0);
	long size = ones(x.a, x.n);
	*mine = size - slide(&x, M, t0);
	*any = plus_offsets(&x, t0, x.n, t1, t2);
}
