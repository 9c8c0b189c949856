/* sumset.c - how many distinct values a sum of sets takes, exactly: the
 * size of a sliding window's block (y*s+fy over a block of y and fy), for
 * the model's counts (ir/count.c) and the search's (search/eval.c).
 *
 * Each set is a union of pieces, arithmetic progressions off + step *
 * [0, n), and is scaled by a coefficient.  Enumerating every sum costs
 * the product of the sets' sizes (hours for W(k+c) with K = C = 2^20), so
 * the size is found in closed form where one exists: a single progression
 * per set, then
 *   - one progression: its length;
 *   - two: p*[0,A) + q*[0,B) with gcd(p,q) = h has A*B values less one
 *     for each pair (i >= q/h, j < B - p/h), which repeats (i - q/h,
 *     j + p/h);
 *   - more, taken by increasing step: while the sum so far is an interval
 *     [0, span] and the next step is at most span + 1, the sum stays an
 *     interval; while the next step exceeds the span, the copies do not
 *     meet and the count multiplies.
 * Anything else (sets with gaps that overlap, sets cut by edge tiles) is
 * counted on a bitmap of the sums' range, one bit per value, which every
 * index keeps small (the model's limits, ir/buffers.c): a progression is
 * added by doubling (S | S << step, then that | itself << 2 step, ...),
 * log2(n) passes over the bitmap, not n.
 */
#include "tessera.h"

#include <stdlib.h>
#include <string.h>

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* A progression step * [0, n) of the closed forms (offsets do not change
 * a sum set's size). */
typedef struct Prog {
	long step, n;
} Prog;

static int by_step(const void *a, const void *b)
{
	const Prog *x = a, *y = b;
	return (x->step > y->step) - (x->step < y->step);
}

long sumset_pair(long p, long a, long q, long b)
{
	long h = gcd(p, q), P = p / h, Q = q / h;
	long ra = a > Q ? a - Q : 0, rb = b > P ? b - P : 0;
	return a * b - ra * rb;
}

/* The closed forms of the header for single progressions; -1 when none
 * applies. */
static long closed_form(Prog *p, int n)
{
	if (n == 0)
		return 1;
	if (n == 1)
		return p[0].n;
	if (n == 2)
		return sumset_pair(p[0].step, p[0].n, p[1].step, p[1].n);
	qsort(p, (size_t)n, sizeof *p, by_step);
	long span = 0, count = 1;
	int interval = 1;
	for (int i = 0; i < n; i++) {
		if (interval && p[i].step <= span + 1) {
			span += (p[i].n - 1) * p[i].step;
			count = span + 1;
		} else if (p[i].step > span) {
			count *= p[i].n;
			span += (p[i].n - 1) * p[i].step;
			interval = 0;
		} else {
			return -1;
		}
	}
	return count;
}

/* Words of scratch for `bits` bits; 0 when they cannot be had. */
static int reserve(SumScratch *s, long bits)
{
	long words = bits / 64 + 1;
	if (words <= s->words)
		return 1;
	uint64_t *w[3];
	for (int i = 0; i < 3; i++)
		w[i] = malloc(sizeof(uint64_t) * (size_t)words);
	if (!w[0] || !w[1] || !w[2]) {
		for (int i = 0; i < 3; i++)
			free(w[i]);
		return 0;
	}
	sumscratch_free(s);
	s->a = w[0];
	s->b = w[1];
	s->c = w[2];
	s->words = words;
	return 1;
}

/* dst |= src << k, over n words (bits shifted past the end drop out);
 * dst may be src: the words are visited from the top down. */
static void shift_or(uint64_t *dst, const uint64_t *src, long n, long k)
{
	long q = k / 64;
	int r = (int)(k % 64);
	for (long i = n - 1; i >= q; i--) {
		uint64_t v = src[i - q] << r;
		if (r && i - q - 1 >= 0)
			v |= src[i - q - 1] >> (64 - r);
		dst[i] |= v;
	}
}

/* s |= s << step, s << 2 step, ..., s << (n-1) step: by doubling. */
static void dilate(uint64_t *s, long words, long step, long n)
{
	long w = 1;
	while (2 * w <= n) {
		shift_or(s, s, words, w * step);
		w *= 2;
	}
	if (w < n) /* [0, w) and [n - w, n) cover [0, n) */
		shift_or(s, s, words, (n - w) * step);
}

/* The sum set on a bitmap: S = {0}, then S = union over the pieces of
 * the next term of (S dilated by the piece) << its offset. */
static long on_bitmap(SumScratch *s, const SumTerm *t, int n, long range)
{
	if (!reserve(s, range))
		return -1;
	long words = range / 64 + 1;
	uint64_t *cur = s->a, *nxt = s->b, *tmp = s->c;
	memset(cur, 0, sizeof(uint64_t) * (size_t)words);
	cur[0] = 1;
	int first = 1;
	for (int i = 0; i < n; i++) {
		memset(nxt, 0, sizeof(uint64_t) * (size_t)words);
		for (long k = 0; k < t[i].npieces; k++) {
			const SumPiece *p = &t[i].piece[k];
			long step = p->step * t[i].coef, off = p->off * t[i].coef;
			if (first) {   /* S is {0}: the piece's own values */
				for (long j = 0; j < p->n; j++) {
					long v = off + j * step;
					nxt[v / 64] |= (uint64_t)1 << (v % 64);
				}
				continue;
			}
			memcpy(tmp, cur, sizeof(uint64_t) * (size_t)words);
			dilate(tmp, words, step, p->n);
			shift_or(nxt, tmp, words, off);
		}
		uint64_t *sw = cur;
		cur = nxt;
		nxt = sw;
		first = 0;
	}
	long count = 0;
	for (long k = 0; k < words; k++)
		count += __builtin_popcountll(cur[k]);
	return count;
}

long sumset_size(SumScratch *s, const SumTerm *t, int n)
{
	Prog p[SUMSET_MAXTERMS];
	int np = 0, single = 1;
	long range = 1;
	ASSERT(n <= SUMSET_MAXTERMS);
	for (int i = 0; i < n; i++) {
		ASSERT(t[i].coef > 0 && t[i].npieces > 0);
		range += t[i].coef * t[i].span;
		if (t[i].npieces > 1)
			single = 0;
		else if (t[i].piece[0].n > 1)
			p[np++] = (Prog){t[i].piece[0].step * t[i].coef,
			                 t[i].piece[0].n};
	}
	long count = single ? closed_form(p, np) : -1;
	if (count >= 0)
		return count;
	/* the terms with the most pieces first: each later piece costs a
	 * pass over the bitmap */
	SumTerm order[SUMSET_MAXTERMS];
	memcpy(order, t, sizeof *t * (size_t)n);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && order[j].npieces > order[j - 1].npieces;
		     j--) {
			SumTerm x = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	return on_bitmap(s, order, n, range);
}

void sumscratch_free(SumScratch *s)
{
	free(s->a);
	free(s->b);
	free(s->c);
	memset(s, 0, sizeof *s);
}
