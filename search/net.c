/* net.c - search over a whole network: the best schedule of every layer
 * on one architecture (`tessera search FILE --network NET`), and one
 * memory hierarchy for all the layers of a network, chosen for the
 * network's total cost at constant throughput (with --hierarchy).
 *
 * A network's energy (cycles) is the sum over its layers of each
 * layer's best schedule's energy (cycles) times its `repeat`; its cost
 * is the objective's: energy, cycles, or their product.  The hierarchy
 * search ranks the candidate hierarchies by that cost with every tensor
 * in every level (fast),
 * then searches the best `refine` of them again with bypassing, as the
 * heuristic for one layer does (search/hier.c).  In that refinement
 * each layer must run at most as many cycles as its best schedule on
 * the file's architecture; the ranking leaves the cycles free (net_hier
 * says why).
 */
#include "search.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* --progress-file: where a network's search is, written after each
 * layer of the baseline and each candidate of the hierarchy (a layer's
 * own search writes its line only past 30 s, which most never reach).
 * `what` gets the same, ending "; the next: ", for the searches below
 * to put before their own line. */
static void net_note(const SOpts *so, char *what, size_t n, double t0,
                     const char *fmt, ...)
{
	if (!so->progress_file)
		return;
	char stage[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(stage, sizeof stage, fmt, ap);
	va_end(ap);
	int k = snprintf(what, n, "%s%s, %.0f s", so->progress_what ?
	                 so->progress_what : "", stage, clock_seconds() - t0);
	whole_note(so->progress_file, "%s\n", what);
	if (k >= 0 && (size_t)k < n)
		snprintf(what + k, n - (size_t)k, "; the next: ");
}

/* Every layer's best on arch `a`; returns the number found.  max_cycles,
 * when given, bounds each layer (one entry per layer). */
int net_search(const Network *net, const Arch *a, const SOpts *so,
               const long *max_cycles, NetBest *out)
{
	int found = 0;
	double t0 = clock_seconds();
	char what[512] = "";
	SOpts o = *so;
	o.progress = 0;
	o.progress_what = what;
	net_note(so, what, sizeof what, t0, "layers: 0 of %d searched",
	         net->nlayers);
	for (int i = 0; i < net->nlayers; i++) {
		SCtx c;
		if (max_cycles)
			o.max_cycles = max_cycles[i];
		sctx_init(&c, &net->layer[i].layer, a);
		out[i].found = search_run(&c, &o, &out[i].r);
		found += out[i].found;
		net_note(so, what, sizeof what, t0, "layers: %d of %d searched",
		         i + 1, net->nlayers);
	}
	return found;
}

/* Whether the Verilog backend builds layer nl's best b on arch a. */
int net_layer_builds(const NetLayer *nl, const Arch *a, const NetBest *b)
{
	SCtx c;
	Model m;
	int ok = 0;
	char err[256];
	sctx_init(&c, &nl->layer, a);
	return spoint_relower(&c, &b->r.best, &m, &ok, err, sizeof err) && ok;
}

/* The network's energy, cycles and MACs over the layers found, each
 * `repeat` times. */
void net_total(const Network *net, const NetBest *b, NetSum *s)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < net->nlayers; i++) {
		double rep = (double)net->layer[i].repeat;
		s->macs_all += (double)net->layer[i].layer.macs * rep;
		if (!b[i].found) {
			s->missing++;
			continue;
		}
		s->energy += b[i].r.m.e_total * rep;
		s->cycles += (double)b[i].r.m.cycles * rep;
		s->macs += (double)b[i].r.m.macs * rep;
		s->evaluated += b[i].r.evaluated;
		s->seconds += b[i].r.seconds;
	}
	s->pj_per_mac = s->macs > 0 ? s->energy / s->macs : NAN;
}

/* The K-th smallest of the first n totals (INFINITY while fewer than K
 * are finite). */
static double kth_total(const double *tot, int n, int K)
{
	double top[HIER_MAXCAND];
	int m = 0;
	K = K < HIER_MAXCAND ? K : HIER_MAXCAND;
	for (int i = 0; i < n; i++) {
		if (!isfinite(tot[i]))
			continue;
		int j;
		if (m < K) {
			j = m++;
		} else {
			if (tot[i] >= top[K - 1])
				continue;
			j = K - 1;
		}
		for (; j > 0 && top[j - 1] > tot[i]; j--)
			top[j] = top[j - 1];
		top[j] = tot[i];
	}
	return m == K ? top[K - 1] : INFINITY;
}

/* The network's layers, larger MACs x repeat first (ties in file
 * order), in order[] (nlayers entries). */
static void by_size(const Network *net, int *order)
{
	for (int i = 0; i < net->nlayers; i++) {
		long w = net->layer[i].layer.macs * net->layer[i].repeat;
		int j = i;
		for (; j > 0 && net->layer[order[j - 1]].layer.macs *
		                    net->layer[order[j - 1]].repeat < w; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* A network's totals (each layer `repeat` times) and its cost under
 * objective o: energy, cycles (ties broken by energy: net_better) or
 * their product. */
typedef struct NetCost {
	double e, c;
} NetCost;

static double net_cost(Objective o, NetCost t)
{
	return o == OBJ_CYCLES ? t.c : o == OBJ_EDP ? t.e * t.c : t.e;
}

/* Whether totals x cost less than y under o. */
static int net_better(Objective o, NetCost x, NetCost y)
{
	double a = net_cost(o, x), b = net_cost(o, y);
	return a < b || (o == OBJ_CYCLES && a == b && x.e < y.e);
}

/* The network's cost on arch a under options q (q->obj), or INFINITY
 * when a layer has no schedule within maxc (when given) or once the
 * cost is past `limit`.  The layers go in `order` (by_size: the largest
 * first).  Energy and cycles only grow with each layer, so the cost of
 * the layers so far bounds the network's: for energy and cycles what is
 * left of `limit` is each layer search's starting bound, so hopeless
 * candidates stop early, and that bound prunes only what costs more, so
 * a candidate within `limit` has every layer's own best; for energy x
 * delay the product of the sums so far stops it.  The totals go to
 * *tot, each layer's result to out[], when given. */
static double net_eval(const Network *net, const int *order,
                       const Arch *a, const SOpts *q, const long *maxc,
                       double limit, NetBest *out, NetCost *tot)
{
	int n = net->nlayers;
	Objective obj = q->obj;
	NetCost sum = {0, 0};
	for (int k = 0; k < n; k++) {
		const NetLayer *nl = &net->layer[order[k]];
		double rep = (double)nl->repeat;
		SOpts o = *q;
		o.max_cycles = maxc ? maxc[order[k]] : 0;
		if (isfinite(limit) && obj == OBJ_ENERGY)
			o.incumbent = o.incumbent_e = (limit - sum.e) / rep;
		if (isfinite(limit) && obj == OBJ_CYCLES) {
			/* the cycles left, any energy: a tie is broken below */
			o.incumbent = (limit - sum.c) / rep;
			o.incumbent_e = INFINITY;
		}
		if (isfinite(limit) && obj != OBJ_EDP && o.incumbent <= 0)
			return INFINITY;
		SCtx c;
		NetBest b = {0};
		sctx_init(&c, &nl->layer, a);
		b.found = search_run(&c, &o, &b.r);
		if (!b.found || (o.incumbent > 0 && b.r.cost > o.incumbent))
			return INFINITY;
		sum.e += b.r.m.e_total * rep;
		sum.c += (double)b.r.m.cycles * rep;
		if (net_cost(obj, sum) > limit)
			return INFINITY;
		if (out)
			out[order[k]] = b;
	}
	if (tot)
		*tot = sum;
	return net_cost(obj, sum);
}

/* The candidate of least ranking cost not refined yet (-1: none). */
static int next_ranked(const double *tot, int n)
{
	int k = -1;
	for (int j = 0; j < n; j++)
		if (isfinite(tot[j]) && tot[j] >= 0 && (k < 0 || tot[j] < tot[k]))
			k = j;
	return k;
}

/* One hierarchy for the whole network (see the header).  base[] holds
 * each layer's best on the file's architecture (its cycles bound the
 * layer); the winner's per-layer results go to out[], its architecture
 * to *arch.
 *
 * The ranking searches each candidate without bypassing and without the
 * cycles bound: without bypassing every tensor moves through every
 * level, which on most candidates takes more cycles than the baseline's
 * best with it, so a bound there would rank the few that keep up rather
 * than those that spend least.  The refinement then searches the
 * `refine` best with bypassing within the baseline's cycles, and goes on
 * down the ranking while none of them maps every layer, the candidates
 * the ranking cut ranked in full once the others are done. */
int net_hier(const Network *net, const Arch *a, const HierOpts *h,
             const SOpts *so, const NetBest *base, Arch *arch, NetBest *out,
             int *ncand)
{
	HierResult *cands = calloc(1, sizeof *cands);
	NetBest *tmp = calloc((size_t)net->nlayers, sizeof *tmp);
	long *maxc = calloc((size_t)net->nlayers, sizeof *maxc);
	int *order = calloc((size_t)net->nlayers, sizeof *order);
	double *tot = calloc(HIER_MAXCAND, sizeof *tot);
	if (!cands || !tmp || !maxc || !order || !tot)
		die_oom("for the network's results");
	by_size(net, order);
	for (int i = 0; i < net->nlayers; i++)
		maxc[i] = base[i].found ? base[i].r.m.cycles : 0;
	hier_candidates(a, h, cands);
	double t0 = clock_seconds();
	char what[512] = "";
	SOpts quick = *so;
	quick.bypass = 0;
	quick.progress = 0;
	quick.progress_what = what;
	net_note(so, what, sizeof what, t0, "hierarchy: 0 of %d candidates "
	         "ranked", cands->ncand);
	/* without bypassing the ranking is the whole search: bounded too */
	const long *rank_maxc = so->bypass ? NULL : maxc;
	int best = -1, K = so->bypass && h->refine > 0 ? h->refine : 1;
	NetCost best_t = {INFINITY, INFINITY};
	for (int k = 0; k < cands->ncand; k++) {
		tot[k] = net_eval(net, order, &cands->cand[k].arch, &quick,
		                  rank_maxc, kth_total(tot, k, K), NULL, NULL);
		if (so->progress)
			fprintf(stderr, "\r\033[Knetwork hierarchy: %d of %d candidates",
			        k + 1, cands->ncand);
		net_note(so, what, sizeof what, t0, "hierarchy: %d of %d "
		         "candidates ranked", k + 1, cands->ncand);
	}
	/* the best `refine` totals, searched again over the whole space, the
	 * best so far each one's bound */
	SOpts full = *so;
	full.progress = 0;
	full.progress_what = what;
	int refined = 0;
	int reranked = 0;
	for (int pass = 0; pass < K || best < 0; pass++) {
		int k = next_ranked(tot, cands->ncand);
		if (k < 0 && best < 0 && !reranked) {
			/* every candidate the ranking kept failed: those it cut
			 * (past the K-th best, or with a layer it cannot map) are
			 * ranked in full, and the refinement goes on down them */
			reranked = 1;
			for (int j = 0; j < cands->ncand; j++)
				if (!isfinite(tot[j]))
					tot[j] = net_eval(net, order, &cands->cand[j].arch,
					                  &quick, rank_maxc, INFINITY, NULL,
					                  NULL);
			k = next_ranked(tot, cands->ncand);
		}
		if (k < 0)
			break;
		tot[k] = -1; /* done */
		NetCost t;
		if (isfinite(net_eval(net, order, &cands->cand[k].arch, &full,
		                      maxc, net_cost(so->obj, best_t), tmp, &t)) &&
		    net_better(so->obj, t, best_t)) {
			best_t = t;
			best = k;
			*arch = cands->cand[k].arch;
			memcpy(out, tmp, sizeof *out * (size_t)net->nlayers);
		}
		net_note(so, what, sizeof what, t0, "hierarchy: %d of %d candidates "
		         "ranked, %d refined", cands->ncand, cands->ncand, ++refined);
	}
	if (so->progress)
		fprintf(stderr, "\r\033[K");
	*ncand = cands->ncand;
	free(cands);
	free(tmp);
	free(maxc);
	free(order);
	free(tot);
	return best >= 0;
}
