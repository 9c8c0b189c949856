/* brute.c - the counts of ir/count.c by walking every iteration.
 *
 * For testing count.c's grouping (`tessera model --brute`): visit each
 * valid iteration of the nest in order, and collect the distinct pairs
 * (setting of the marked loops, element of the tensor).  Their number is
 * count_words; the distinct settings, count_events (count_steps: with
 * the loops cut as time cuts them, padding's idle steps included); the
 * most pairs with one setting, count_max_block.  Slow: for small layers
 * only.
 */
#include "tessera.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct Pair {
	uint64_t key, elem;
} Pair;

typedef struct Walk {
	const LoopNest *ln;
	int t;
	const unsigned char *mark;
	int time;           /* cut the loops as time does (loop_trips) */
	long ctr[MAX_LOOPS];
	long gpart[MAX_GUARDS];
	long dimval[NDIMS];
	Pair *pairs;
	long n, cap;
} Walk;

static void walk(Walk *w, int i)
{
	const LoopNest *ln = w->ln;
	if (i == ln->nloops) {
		uint64_t key = 0, elem = 0;
		for (int k = 0; k < ln->nloops; k++)
			if (w->mark[k])
				key = key * (uint64_t)ln->loop[k].extent +
				      (uint64_t)w->ctr[k];
		const Tensor *t = &ln->layer->t[w->t < 0 ? 0 : w->t];
		for (int r = 0; w->t >= 0 && r < t->rank; r++) {
			long v = t->idx[r].offset;
			for (int d = 0; d < NDIMS; d++)
				v += t->idx[r].coef[d] * w->dimval[d];
			elem = elem * (uint64_t)t->shape[r] + (uint64_t)v;
		}
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 4096;
			w->pairs = realloc(w->pairs, sizeof(Pair) * (size_t)w->cap);
			if (!w->pairs)
				die_oom("counting by walking every iteration (--brute)");
		}
		w->pairs[w->n++] = (Pair){key, elem};
		return;
	}
	long bound = w->time ? loop_trips(ln, i, w->gpart)
	                     : loop_bound(ln, i, w->gpart);
	for (long c = 0; c < bound; c++) {
		w->ctr[i] = c;
		loop_move(ln, i, c, 1, w->dimval, w->gpart);
		walk(w, i + 1);
		loop_move(ln, i, c, -1, w->dimval, w->gpart);
	}
}

static int cmp_pair(const void *a, const void *b)
{
	const Pair *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->elem > y->elem) - (x->elem < y->elem);
}

/* what: 0 distinct pairs, 1 largest block, 2 distinct settings, 3
 * distinct settings in time (padding's idle steps too). */
long count_brute(const LoopNest *ln, int t, const unsigned char *mark,
                 int what)
{
	Walk w = {.ln = ln, .t = what >= 2 ? -1 : t, .mark = mark,
	          .time = what == 3};
	walk(&w, 0);
	qsort(w.pairs, (size_t)w.n, sizeof(Pair), cmp_pair);
	long distinct = 0, keys = 0, best = 0, run = 0;
	for (long k = 0; k < w.n; k++) {
		int newkey = k == 0 || w.pairs[k].key != w.pairs[k - 1].key;
		int newpair = newkey || w.pairs[k].elem != w.pairs[k - 1].elem;
		if (newkey) {
			keys++;
			run = 0;
		}
		if (newpair) {
			distinct++;
			if (++run > best)
				best = run;
		}
	}
	free(w.pairs);
	return what == 0 ? distinct : what == 1 ? best : keys;
}
