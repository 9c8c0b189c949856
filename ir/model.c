/* model.c - the analytical model: what the accelerator a schedule
 * describes costs, counted exactly (docs/model.md has the rules; the
 * simulated hardware counts the same events).
 *
 * Every tensor lives in a chain of buffers (innermost first) ending in
 * DRAM.  A refill of an inner buffer is reads of its parent and fills
 * of the buffer (one per instance that receives a word); a drain of
 * output partial sums is updates of its parent, and the sums that come
 * back are reads of the parent and fills of the buffer.  The MAC reads
 * its operands and reads-and-updates its partial sum at the tensor's
 * innermost level; the first contribution to an output element reads
 * nothing, so at every output level reads = updates - |O|.  Words read
 * from a shared level go once to every PE that needs them; a per-PE
 * level serves its own PE.
 */
#include "tessera.h"

#include <string.h>

static int per_pe(const LoopNest *ln, int level)
{
	return ln->arch->level[level].per_pe;
}

/* Energy of one access to tensor t's words at a level: the table's
 * figure is for 16-bit words and scales with the word's width. */
static double level_pj(const Arch *a, const Layer *l, int level, int t)
{
	return a->level[level].pj * l->t[t].type.bits / 16.0;
}

double model_act_pj(const Arch *a, const Layer *l, int level, int t,
                    int action)
{
	const Level *L = &a->level[level];
	if (action == ACT_FILL && a->fills_free)
		return 0;
	double pj = L->act_given[action][t] ? L->act_pj[action][t] : L->pj;
	return pj * l->t[t].type.bits / 16.0;
}

const char *const hop_kind_name[HOP_KINDS] = {"neighbour", "bus", "global"};

/* A hop moves one word of tensor t, at its kind's figure or hop_pj: the
 * figure is for 16 bits. */
double model_hop_kind_pj(const Arch *a, const Layer *l, int kind, int t)
{
	double pj = a->hop_given[kind] ? a->hop_kind_pj[kind] : a->hop_pj;
	return pj * l->t[t].type.bits / 16.0;
}

/* A multiplier's energy grows with the product of its operand widths;
 * the table's figure is for 16 x 16 bits. */
static double mac_pj(const Arch *a, const Layer *l)
{
	return a->mac_pj * l->t[T_A].type.bits * l->t[T_B].type.bits / 256.0;
}

double model_pj(const LoopNest *ln, int level, int t)
{
	return level_pj(ln->arch, ln->layer, level, t);
}

double model_hop_pj(const LoopNest *ln, const Model *m, int t)
{
	return model_hop_kind_pj(ln->arch, ln->layer, m->hop_kind[t], t);
}

double model_mac_pj(const LoopNest *ln)
{
	return mac_pj(ln->arch, ln->layer);
}

/* The level each holder of tensor t sits in, DRAM last. */
static int holder_level(const LoopNest *ln, int t, int h)
{
	if (h == ln->nholders[t])
		return ln->arch->nlevels - 1;
	return ln->buf[ln->holder[t][h]].level;
}

/* The loops whose settings are the events of tensor t's h-th buffer (its
 * refills; h = -1: every step), plus the spatial loops when each PE is
 * counted apart (per_pe_view) rather than the array as a whole. */
static void mark_view(const LoopNest *ln, int t, int h, int per_pe_view,
                      unsigned char *mark)
{
	memset(mark, 0, MAX_LOOPS);
	if (h < 0)
		mark_temporal(ln, mark);
	else
		mark_events(ln, t, ln->buf[ln->holder[t][h]].at, mark);
	if (per_pe_view)
		mark_spatial(ln, mark);
}

static long words(Counter *c, const LoopNest *ln, int t, int h,
                  int per_pe_view)
{
	unsigned char mark[MAX_LOOPS];
	mark_view(ln, t, h, per_pe_view, mark);
	return count_words(c, t, mark);
}

static long refills(Counter *c, const LoopNest *ln, int t, int h)
{
	unsigned char mark[MAX_LOOPS];
	mark_view(ln, t, h, 0, mark);
	return count_events(c, mark);
}

static void count_input(Counter *c, const LoopNest *ln, int t, Model *m)
{
	int inner = holder_level(ln, t, 0);
	m->reads[inner][t] += words(c, ln, t, -1, per_pe(ln, inner));
	if (!per_pe(ln, inner))
		m->hops[t] += words(c, ln, t, -1, 1);
	for (int h = 0; h < ln->nholders[t]; h++) {
		int lv = ln->buf[ln->holder[t][h]].level;
		int parent = holder_level(ln, t, h + 1);
		const Buffer *b = &ln->buf[ln->holder[t][h]];
		long w, into;
		/* a shared parent's word goes to every PE that needs it: a fill
		 * and a hop in each */
		int spread = per_pe(ln, lv) && !per_pe(ln, parent);
		if (b->keep_overlap) {
			long each, uni;
			count_kept(ln, t, b->at, per_pe(ln, lv), counter_brute(c),
			           &each, &uni);
			w = per_pe(ln, parent) ? each : uni;
			into = each;
		} else {
			w = words(c, ln, t, h, per_pe(ln, parent));
			into = spread ? words(c, ln, t, h, 1) : w;
		}
		m->reads[parent][t] += w;
		m->fills[lv][t] += into;
		m->xfer_words[t][h] = w;
		m->xfer_events[t][h] = refills(c, ln, t, h);
		if (spread)
			m->hops[t] += into;
	}
}

/* The words of the output that start from zero in a PE, past the
 * first contribution to each element: where a reduction tree sums it
 * across PEs, each PE off the tree's first position keeps its own
 * partial sums, begun afresh in every block of the outermost per-PE
 * buffer (whose drain goes through the tree).  One per such PE (the
 * first along every accumulation chain), element and block: the words
 * with the tree's array dimensions told apart, less those without. */
static long tree_starts(Counter *c, const LoopNest *ln)
{
	int H = -1;
	for (int h = 0; h < ln->nholders[T_OUT] && per_pe(ln, holder_level(
	                    ln, T_OUT, h)); h++)
		H = h;
	int tree = 0;
	for (int d = 0; d < ln->arch->ndims; d++)
		tree |= (ln->net[T_OUT][d] == NET_TREE) << d;
	if (H < 0 || !tree)
		return 0;
	unsigned char mark[MAX_LOOPS];
	mark_view(ln, T_OUT, H, 0, mark);
	long uni = count_words(c, T_OUT, mark);
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL &&
		    (tree >> ln->loop[i].array_dim & 1))
			mark[i] = 1;
	return count_words(c, T_OUT, mark) - uni;
}

/* Partial sums of the output: written into a level as they arrive,
 * read back for every later contribution.  A per-PE level keeps them per
 * PE: along accumulation chains, or each PE its own for a tree. */
static void count_output(Counter *c, const LoopNest *ln, Model *m)
{
	const int t = T_OUT;
	long elems = layer_elements(ln->layer, t);
	int inner = holder_level(ln, t, 0);
	long w = words(c, ln, t, -1, per_pe(ln, inner));
	long z = tree_starts(c, ln);   /* 0 unless inner is per PE */
	m->updates[inner][t] += w;
	m->reads[inner][t] += w - elems - z;
	if (!per_pe(ln, inner))
		m->hops[t] += words(c, ln, t, -1, 1) + (w - elems);
	for (int h = 0; h < ln->nholders[t]; h++) {
		int lv = ln->buf[ln->holder[t][h]].level;
		int parent = holder_level(ln, t, h + 1);
		w = words(c, ln, t, h, per_pe(ln, parent));
		long back = w - elems - (per_pe(ln, parent) ? z : 0);
		m->updates[parent][t] += w;
		m->reads[parent][t] += back;
		m->fills[lv][t] += back;   /* each to one PE: the chain's first */
		m->xfer_words[t][h] = w + back;
		m->xfer_events[t][h] = refills(c, ln, t, h);
		if (per_pe(ln, lv) && !per_pe(ln, parent))
			m->hops[t] += words(c, ln, t, h, 1) + back;
	}
}

/* Cycles the transfers of a buffer take at its parent level P: each
 * refill moves its words at the parent's bandwidth (at least one cycle)
 * and waits the parent's latency.  For a per-PE parent every PE moves
 * its own share at once.  An on-chip parent that states no bandwidth
 * moves what the backend builds: an engine per buffer, a word a cycle
 * (in every PE at once from a per-PE level), or from a shared level
 * into per-PE buffers a word for each of up to ONCHIP_LANES lanes (PEs
 * that hold different words; a word sent to several PEs, counted once
 * at the parent, goes to them at once). */
double model_xfer_bw(const Arch *a, int parent, int level, double pes_used,
                     double lanes)
{
	const Level *P = &a->level[parent];
	if (P->bandwidth || P->offchip)
		return (double)P->bandwidth * (P->per_pe ? pes_used : 1);
	return P->per_pe ? pes_used
	     : !a->level[level].per_pe ? 1
	     : lanes < ONCHIP_LANES ? lanes : ONCHIP_LANES;
}

static double transfer_cycles(const Arch *a, const XferChain *ch,
                              const Model *m, int t, int h)
{
	const Level *P = &a->level[ch->parent[h]];
	double words = (double)m->xfer_words[t][h];
	double events = (double)m->xfer_events[t][h];
	double bw = model_xfer_bw(a, ch->parent[h], ch->level[h],
	                          (double)m->pes_used, (double)ch->lanes);
	double move = bw > 0 ? words / bw : 0;
	if (bw > 0 && move < events)
		move = events;
	return move + events * (double)P->latency;
}

/* Compute steps plus what the transfers add (docs/model.md):
 *  - a buffer that is not double-buffered stalls the array for all of
 *    its transfers;
 *  - a double-buffered one stalls for its first refill (nothing to
 *    overlap it with) and for whatever the others take beyond the
 *    compute time;
 *  - no level can move more words than its bandwidth allows, whoever
 *    asks: the run takes at least (reads + updates) / bandwidth cycles
 *    of every level with a bandwidth (its fills are its parent's reads,
 *    charged to the parent's).
 * Needs the counts, compute_cycles and pes_used in m; the search's
 * evaluator (search/eval.c) calls it with chains of its own. */
void model_time(const Arch *a, const XferChain ch[NTENSORS], Model *m)
{
	double compute = (double)m->compute_cycles, stall = 0;
	for (int t = 0; t < NTENSORS; t++)
		for (int h = 0; h < ch[t].n; h++) {
			double cyc = transfer_cycles(a, &ch[t], m, t, h);
			double events = (double)m->xfer_events[t][h];
			if (!ch[t].dbl[h]) {
				stall += cyc;
			} else if (events > 0) {
				double first = cyc / events, rest = cyc - first;
				stall += first + (rest > compute ? rest - compute : 0);
			}
		}
	double total = compute + stall;
	for (int lv = 0; lv < a->nlevels; lv++) {
		const Level *L = &a->level[lv];
		if (L->bandwidth <= 0)
			continue;
		double words = 0;
		for (int t = 0; t < NTENSORS; t++)
			words += (double)(m->reads[lv][t] + m->updates[lv][t]);
		double busy = words / ((double)L->bandwidth *
		                       (L->per_pe ? (double)m->pes_used : 1));
		if (busy > total)
			total = busy;
	}
	const double cap = 4e18; /* cycles stay within a long */
	if (total > cap)
		total = cap;
	m->cycles = (long)(total + 0.999999);
	if (m->cycles < m->compute_cycles)
		m->cycles = m->compute_cycles;
	m->stall_cycles = m->cycles - m->compute_cycles;
}

/* Stalls, utilization and energy from the counts and m->cycles, whoever
 * measured them (the model, the search's evaluator, or the simulated
 * hardware).  Every read, fill and update costs the level's energy for
 * that action (model_act_pj); fills cost nothing under `fills free`;
 * a level that leaks costs its leakage every cycle in every instance. */
void model_energy(const Arch *a, const Layer *l, Model *m)
{
	m->stall_cycles = m->cycles - m->compute_cycles;
	m->utilization = (double)m->macs / ((double)m->pes * (double)m->cycles);
	m->e_total = 0;
	for (int t = 0; t < NTENSORS; t++)
		m->e_tensor[t] = 0;
	for (int lv = 0; lv < a->nlevels; lv++) {
		m->e_level[lv] = 0;
		for (int t = 0; t < NTENSORS; t++) {
			double e =
			    (double)m->reads[lv][t] * model_act_pj(a, l, lv, t, ACT_READ) +
			    (double)m->fills[lv][t] * model_act_pj(a, l, lv, t, ACT_FILL) +
			    (double)m->updates[lv][t] *
			        model_act_pj(a, l, lv, t, ACT_UPDATE);
			m->e_level_tensor[lv][t] = e;
			m->e_level[lv] += e;
			m->e_tensor[t] += e;
		}
		/* leakage: every instance, every cycle */
		m->e_leak[lv] = a->level[lv].leak_pj * (double)m->cycles *
		                (a->level[lv].per_pe ? (double)m->pes : 1.0);
		m->e_level[lv] += m->e_leak[lv];
		m->e_total += m->e_level[lv];
	}
	m->noc = 0;
	m->e_noc = 0;
	for (int t = 0; t < NTENSORS; t++) {
		m->noc += m->hops[t];
		m->e_noc += (double)m->hops[t] *
		            model_hop_kind_pj(a, l, m->hop_kind[t], t);
	}
	m->e_mac = (double)m->macs * mac_pj(a, l);
	m->e_total += m->e_noc + m->e_mac;
	m->pj_per_mac = m->e_total / (double)m->macs;
}

/* How tensor t's hops move: from a neighbour where it moves PE to PE
 * along some array dimension (systolic(), a chain); over a bus where
 * PEs share it (an input: two PEs take the same word in a step; the
 * output: a reduction tree); else each word to its own PE. */
static int hop_kind(Counter *c, const LoopNest *ln, int t)
{
	int tree = 0;
	for (int d = 0; d < ln->arch->ndims; d++) {
		NetKind k = ln->net[t][d];
		if (k == NET_SYSTOLIC || k == NET_CHAIN)
			return HOP_NEIGHBOUR;
		tree |= k == NET_TREE;
	}
	if (t == T_OUT)
		return tree ? HOP_BUS : HOP_GLOBAL;
	return words(c, ln, t, -1, 1) == words(c, ln, t, -1, 0) ? HOP_GLOBAL
	                                                       : HOP_BUS;
}

/* Evaluates the model on a lowered nest; 0 when the nest has no
 * accelerator (no accelerate()). */
int model_eval(const LoopNest *ln, Model *m, int brute)
{
	memset(m, 0, sizeof *m);
	if (ln->accel < 0)
		return 0;
	Counter *c = counter_new(ln);
	counter_set_brute(c, brute);
	m->macs = ln->layer->macs;
	m->pes = arch_pes(ln->arch);
	m->pes_used = ln->pes_used;
	count_input(c, ln, T_A, m);
	count_input(c, ln, T_B, m);
	count_output(c, ln, m);
	unsigned char mark[MAX_LOOPS] = {0};
	mark_temporal(ln, mark);
	m->compute_cycles = count_steps(c, mark);
	if (nest_padded(ln))
		m->idle_cycles = m->compute_cycles - count_events(c, mark);
	counter_free(c);
	model_finish(ln, m);
	return 1;
}

/* Cycles, utilization and energy from the counts (shared with the event
 * walk of ir/walk.c). */
void model_finish(const LoopNest *ln, Model *m)
{
	XferChain ch[NTENSORS];
	for (int t = 0; t < NTENSORS; t++) {
		const Tensor *T = &ln->layer->t[t];
		ch[t].lanes = 1;
		for (int l = 0; l < ln->nloops; l++) {
			const Loop *L = &ln->loop[l];
			int idx = 0;
			for (int p = 0; p < L->nparts; p++)
				for (int r = 0; r < T->rank; r++)
					idx |= T->idx[r].coef[L->part[p].dim] != 0;
			if (L->kind == LOOP_SPATIAL && idx)
				ch[t].lanes *= L->extent;
		}
		ch[t].n = ln->nholders[t];
		for (int h = 0; h < ch[t].n; h++) {
			ch[t].parent[h] = holder_level(ln, t, h + 1);
			ch[t].level[h] = holder_level(ln, t, h);
			/* an output register file has two halves as built */
			ch[t].dbl[h] = ln->buf[ln->holder[t][h]].double_buffered ||
			               (t == T_OUT && h == 0 && per_pe(ln, ch[t].level[h]));
		}
	}
	model_time(ln->arch, ch, m);
	Counter *c = counter_new(ln);
	for (int t = 0; t < NTENSORS; t++)
		m->hop_kind[t] = hop_kind(c, ln, t);
	counter_free(c);
	model_account(ln, m);
}

void model_account(const LoopNest *ln, Model *m)
{
	model_energy(ln->arch, ln->layer, m);
}
