/* walk.c - the model's counts a second, independent way
 * (`tessera model --walk`): step through time as the hardware will (the
 * temporal loops in order, and at each step every PE, in lockstep), keep
 * the actual contents of every buffer
 * (one copy per PE in a per-PE level), and count each access as it
 * happens, by the rules of docs/model.md:
 *
 *  - a buffer's contents are dropped when its refill point steps (its
 *    event loops change); an element is fetched from the parent the first
 *    time it is needed after that, so a block costs its distinct
 *    elements; one marked keep_overlap() keeps those it held in the
 *    block before (its parent's block has them too);
 *  - a shared parent serves all PEs with one read per element per refill
 *    (a hop for each PE it reaches); a per-PE parent serves its own PE;
 *  - the MAC reads its operands (and reads, unless it is the element's
 *    first contribution, and writes its partial sum) at the innermost
 *    level, once per PE at a per-PE level, once per step at a shared one;
 *  - an output buffer writes its partial sums to its parent when its
 *    block changes and gets them back, when they exist, the first time it
 *    needs them again; where a reduction tree sums it across PEs, a PE
 *    off the tree's first position (first along every chain) starts from
 *    zero each time its outermost per-PE buffer's block changes.
 *
 * Nothing here uses ir/count.c, so the tests can hold model_eval and
 * model_walk equal.  It walks every MAC: for small layers only.
 */
#include "tessera.h"

#include <stdlib.h>
#include <string.h>

typedef struct Hold {
	int level, per_pe;
	int parent_level, parent_per_pe, parent_dram;
	long epoch;                 /* refills so far, minus one */
	int keep;                   /* keep_overlap(): keeps what it held */
	long *stamp;                /* epoch each (PE,) element was filled in */
	long *ustamp;               /* epoch each element reached any PE */
	unsigned char mark[MAX_LOOPS]; /* the event loops */
	long key[MAX_LOOPS];
	int have_key, changed;
	long perpe, uni;            /* output entries filled this epoch */
} Hold;

typedef struct Walk {
	const LoopNest *ln;
	Model *m;
	Hold hold[NTENSORS][MAX_LEVELS];
	long elems[NTENSORS], lin[NTENSORS][NDIMS], base[NTENSORS];
	long pes;
	long ctr[MAX_LOOPS], gpart[MAX_GUARDS], dimval[NDIMS];
	long step;                  /* steps so far, minus one */
	long *stepstamp[NTENSORS];  /* step each element was last read in */
	unsigned char *contributed;
	unsigned char *fresh;       /* per PE: starts its own sums (tree) */
	int tree_h;                 /* the outermost per-PE output holder,
	                               with a tree; else -1 */
	long leaves;
} Walk;

static long *stamps(long n)
{
	long *p = malloc(sizeof(long) * (size_t)(n ? n : 1));
	if (!p)
		die_oom("for the event walk (--walk)");
	for (long i = 0; i < n; i++)
		p[i] = -1;
	return p;
}

static void fetch_input(Walk *w, int t, int h, long pe, long e)
{
	Hold *H = &w->hold[t][h];
	long slot = H->per_pe ? pe * w->elems[t] + e : e;
	if (H->stamp[slot] == H->epoch)
		return;
	int kept = H->keep && H->stamp[slot] == H->epoch - 1 && H->epoch > 0;
	H->stamp[slot] = H->epoch;
	if (kept) {
		/* held since the last block: the parent's block has it too */
		if (!H->parent_dram)
			fetch_input(w, t, h + 1, pe, e);
		return;
	}
	w->m->fills[H->level][t]++;     /* written into this instance */
	if (H->per_pe && !H->parent_per_pe) {
		w->m->hops[t]++;            /* delivered to this PE */
		if (H->ustamp[e] == H->epoch)
			return;                 /* already read for another PE */
		H->ustamp[e] = H->epoch;
	}
	if (!H->parent_dram)
		fetch_input(w, t, h + 1, pe, e);
	w->m->reads[H->parent_level][t]++;
	w->m->xfer_words[t][h]++;
}

static void read_operand(Walk *w, int t, long pe, long e)
{
	const Hold *H = &w->hold[t][0];
	int lv = w->ln->arch->nlevels - 1;   /* no on-chip buffer: DRAM */
	if (w->ln->nholders[t]) {
		fetch_input(w, t, 0, pe, e);
		lv = H->level;
		if (H->per_pe) {
			w->m->reads[lv][t]++;
			return;
		}
	}
	w->m->hops[t]++;
	if (w->stepstamp[t][e] != w->step) {
		w->stepstamp[t][e] = w->step;
		w->m->reads[lv][t]++;
	}
}

/* The output element's first need in holder h this epoch: the partial
 * sum comes back from the parent if there is one (zero: this PE has none
 * of its own to get back from a per-PE parent). */
static void touch_output(Walk *w, int h, long pe, long e, int zero)
{
	Hold *H = &w->hold[T_OUT][h];
	long slot = H->per_pe ? pe * w->elems[T_OUT] + e : e;
	if (H->stamp[slot] == H->epoch)
		return;
	H->stamp[slot] = H->epoch;
	H->perpe++;
	int first = H->ustamp[e] != H->epoch;
	if (first) {
		H->ustamp[e] = H->epoch;
		H->uni++;
	}
	if (!H->parent_per_pe && !first)
		return; /* the chain's first PE already got it */
	if (!H->parent_dram)
		touch_output(w, h + 1, pe, e, zero);
	if (w->contributed[e] && !(zero && H->parent_per_pe)) {
		w->m->reads[H->parent_level][T_OUT]++;
		w->m->fills[H->level][T_OUT]++;
		w->m->xfer_words[T_OUT][h]++;
		if (H->per_pe && !H->parent_per_pe)
			w->m->hops[T_OUT]++;
	}
}

static void drain_output(Walk *w, int h)
{
	Hold *H = &w->hold[T_OUT][h];
	long words = H->parent_per_pe ? H->perpe : H->uni;
	w->m->updates[H->parent_level][T_OUT] += words;
	w->m->xfer_words[T_OUT][h] += words;
	if (H->per_pe && !H->parent_per_pe)
		w->m->hops[T_OUT] += H->perpe;
	H->perpe = H->uni = 0;
}

static void accumulate(Walk *w, long pe, long e)
{
	const Hold *H = &w->hold[T_OUT][0];
	int zero = 0, held = w->ln->nholders[T_OUT] > 0;
	int lv = held ? H->level : w->ln->arch->nlevels - 1;   /* or DRAM */
	if (w->tree_h >= 0 && w->fresh[pe]) {
		const Hold *T = &w->hold[T_OUT][w->tree_h];
		zero = T->stamp[pe * w->elems[T_OUT] + e] != T->epoch;
	}
	if (held)
		touch_output(w, 0, pe, e, zero);
	if (held && H->per_pe) {
		w->m->reads[lv][T_OUT] += w->contributed[e] && !zero;
		w->m->updates[lv][T_OUT]++;
	} else {
		w->m->hops[T_OUT]++; /* the product into the reduction */
		if (w->stepstamp[T_OUT][e] != w->step) {
			w->stepstamp[T_OUT][e] = w->step;
			w->m->reads[lv][T_OUT] += w->contributed[e];
			w->m->hops[T_OUT] += w->contributed[e];
			w->m->updates[lv][T_OUT]++;
		}
	}
	w->contributed[e] = 1;
}

/* A new step starts (the temporal loops moved and some PE has work):
 * refills due now, output drains inner to outer, then every changed
 * buffer starts a new epoch. */
static void events(Walk *w)
{
	const LoopNest *ln = w->ln;
	w->step++;
	for (int t = 0; t < NTENSORS; t++)
		for (int h = 0; h < ln->nholders[t]; h++) {
			Hold *H = &w->hold[t][h];
			H->changed = !H->have_key;
			for (int i = 0; i < ln->nloops; i++)
				if (H->mark[i] && H->key[i] != w->ctr[i]) {
					H->changed = 1;
					H->key[i] = w->ctr[i];
				}
			H->have_key = 1;
		}
	for (int h = 0; h < ln->nholders[T_OUT]; h++)
		if (w->hold[T_OUT][h].changed && w->hold[T_OUT][h].epoch >= 0)
			drain_output(w, h);
	for (int t = 0; t < NTENSORS; t++)
		for (int h = 0; h < ln->nholders[t]; h++)
			if (w->hold[t][h].changed) {
				w->hold[t][h].epoch++;
				w->m->xfer_events[t][h]++;
			}
}

static void leaf(Walk *w, long pe)
{
	w->leaves++;
	long e[NTENSORS];
	for (int t = 0; t < NTENSORS; t++) {
		e[t] = w->base[t];
		for (int d = 0; d < NDIMS; d++)
			e[t] += w->lin[t][d] * w->dimval[d];
	}
	read_operand(w, T_A, pe, e[T_A]);
	read_operand(w, T_B, pe, e[T_B]);
	accumulate(w, pe, e[T_OUT]);
}

/* Adds (sign 1) or removes (sign -1) loop i's counter c. */
static void move(Walk *w, int i, long c, int sign)
{
	loop_move(w->ln, i, c, sign, w->dimval, w->gpart);
}

/* The guards hold (time: all but padding's, whose steps run idle). */
static int valid(const Walk *w, int time)
{
	for (int g = 0; g < w->ln->nguards; g++)
		if (w->gpart[g] >= w->ln->guard[g].limit &&
		    !(time && w->ln->guard[g].padded))
			return 0;
	return 1;
}

/* One step of the temporal loops: every PE, in PE order; a setting runs
 * when all guards hold (which is what the nest's bounds allow).  A step
 * where none does but for padding is idle: it takes its cycle, no
 * more. */
static void step(Walk *w)
{
	const LoopNest *ln = w->ln;
	int sp[MAX_LOOPS], ns = 0;
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL)
			sp[ns++] = i;
	int started = 0, idle = 0;
	for (long pe = 0; pe < w->pes; pe++) {
		long rest = pe;
		for (int k = ns - 1; k >= 0; k--) {
			w->ctr[sp[k]] = rest % ln->loop[sp[k]].extent;
			rest /= ln->loop[sp[k]].extent;
			move(w, sp[k], w->ctr[sp[k]], 1);
		}
		if (valid(w, 0)) {
			if (!started)
				events(w);
			started = 1;
			leaf(w, pe);
		} else if (valid(w, 1)) {
			idle = 1;
		}
		for (int k = 0; k < ns; k++)
			move(w, sp[k], w->ctr[sp[k]], -1);
	}
	if (idle && !started) {
		w->step++;
		w->m->idle_cycles++;
	}
}

/* The temporal loops in nest order, each over its full extent: time. */
static void timeline(Walk *w, int i)
{
	const LoopNest *ln = w->ln;
	if (i == ln->nloops) {
		step(w);
		return;
	}
	if (ln->loop[i].kind == LOOP_SPATIAL) {
		timeline(w, i + 1);
		return;
	}
	for (long c = 0; c < ln->loop[i].extent; c++) {
		w->ctr[i] = c;
		move(w, i, c, 1);
		timeline(w, i + 1);
		move(w, i, c, -1);
	}
}

/* The PEs that start their own partial sums: where the output's
 * outermost per-PE buffer drains through a reduction tree, those first
 * along every accumulation chain and not first along the tree (a loop
 * that does not index the output at other than 0). */
static void fresh_pes(Walk *w)
{
	const LoopNest *ln = w->ln;
	w->tree_h = -1;
	for (int h = 0; h < ln->nholders[T_OUT] && w->hold[T_OUT][h].per_pe; h++)
		w->tree_h = h;
	int tree = 0;
	for (int d = 0; d < ln->arch->ndims; d++)
		tree |= ln->net[T_OUT][d] == NET_TREE;
	if (!tree)
		w->tree_h = -1;
	for (long pe = 0; w->tree_h >= 0 && pe < w->pes; pe++) {
		long rest = pe;
		int chain0 = 1, tree0 = 1;
		for (int i = ln->nloops - 1; i >= 0; i--) {
			const Loop *l = &ln->loop[i];
			if (l->kind != LOOP_SPATIAL)
				continue;
			long c = rest % l->extent;
			rest /= l->extent;
			if (c == 0 || loop_indexes(ln, T_OUT, i))
				continue;
			if (ln->net[T_OUT][l->array_dim] == NET_TREE)
				tree0 = 0;
			else
				chain0 = 0;
		}
		w->fresh[pe] = chain0 && !tree0;
	}
}

static void setup(Walk *w)
{
	const LoopNest *ln = w->ln;
	w->pes = 1;
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL)
			w->pes *= ln->loop[i].extent;
	for (int t = 0; t < NTENSORS; t++) {
		w->elems[t] = layer_elements(ln->layer, t);
		tensor_linear(&ln->layer->t[t], w->lin[t], &w->base[t]);
		w->stepstamp[t] = stamps(w->elems[t]);
		for (int h = 0; h < ln->nholders[t]; h++) {
			Hold *H = &w->hold[t][h];
			const Buffer *b = &ln->buf[ln->holder[t][h]];
			H->level = b->level;
			H->per_pe = ln->arch->level[b->level].per_pe;
			H->parent_dram = h + 1 == ln->nholders[t];
			H->parent_level = H->parent_dram
			                  ? ln->arch->nlevels - 1
			                  : ln->buf[ln->holder[t][h + 1]].level;
			H->parent_per_pe = ln->arch->level[H->parent_level].per_pe;
			H->epoch = -1;
			H->keep = b->keep_overlap;
			H->stamp = stamps(H->per_pe ? w->pes * w->elems[t] : w->elems[t]);
			H->ustamp = stamps(w->elems[t]);
			mark_events(ln, t, b->at, H->mark);
		}
	}
	w->contributed = calloc((size_t)w->elems[T_OUT], 1);
	w->fresh = calloc((size_t)w->pes, 1);
	if (!w->contributed || !w->fresh)
		die_oom("for the event walk (--walk)");
	w->step = -1;
	fresh_pes(w);
}

int model_walk(const LoopNest *ln, Model *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	if (ln->accel < 0)
		return 0;
	long pes = 1, most = 0;
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL)
			pes *= ln->loop[i].extent;
	for (int t = 0; t < NTENSORS; t++)
		if (layer_elements(ln->layer, t) > most)
			most = layer_elements(ln->layer, t);
	if (pes * most > (1L << 26) || ln->layer->macs > (1L << 30)) {
		snprintf(err, errlen, "layer %s is too large to walk (at most 2^30 "
		         "MACs and 2^26 PE-elements)", ln->layer->name);
		return -1;
	}
	Walk *w = calloc(1, sizeof *w);
	if (!w)
		die_oom("for the event walk (--walk)");
	w->ln = ln;
	w->m = m;
	setup(w);
	timeline(w, 0);
	for (int h = 0; h < ln->nholders[T_OUT]; h++)
		if (w->hold[T_OUT][h].epoch >= 0)
			drain_output(w, h);
	ASSERT(w->leaves == ln->layer->macs);
	m->macs = ln->layer->macs;
	m->pes = arch_pes(ln->arch);
	m->pes_used = ln->pes_used;
	m->compute_cycles = w->step + 1;
	for (int t = 0; t < NTENSORS; t++) {
		free(w->stepstamp[t]);
		for (int h = 0; h < ln->nholders[t]; h++) {
			free(w->hold[t][h].stamp);
			free(w->hold[t][h].ustamp);
		}
	}
	free(w->contributed);
	free(w->fresh);
	free(w);
	model_finish(ln, m);
	return 1;
}
