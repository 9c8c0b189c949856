/* hier.c - the memory hierarchy search (`tessera search --hierarchy`):
 * at the file's PE array (so at the same peak throughput) and DRAM,
 * choose the number of per-PE register-file levels (one or two), their
 * sizes, and the size of the global buffer, together with the schedule.
 *
 * Each candidate hierarchy takes its energy per access from the energy
 * table by size (the file's table, or the Interstellar one), and is
 * searched by the blocking search with the best energy found so far as
 * its starting bound, so that hierarchies that cannot win are cut early.
 * Candidates are visited in a fixed order and ties keep the first, so
 * the answer is deterministic.
 */
#include "search.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void hier_default(HierOpts *h)
{
	memset(h, 0, sizeof *h);
	for (int i = 0; i < 7; i++)
		h->pe_sizes[h->npe++] = 8L << i;        /* 8 B .. 512 B */
	for (int i = 0; i < 5; i++)
		h->sh_sizes[h->nsh++] = 32768L << i;    /* 32 KB .. 512 KB */
	h->max_pe_levels = 2;
	h->refine = 4;
	h->exhaustive = 1; /* one layer: exact; --refine K: the heuristic */
}

static int size_list(const char *v, long *out, int *n)
{
	*n = 0;
	const char *s = v;
	while (*s && *n < HIER_MAXSIZES) {
		char *end;
		errno = 0;
		long x = strtol(s, &end, 10);
		if (end == s || errno || x <= 0 || *s < '0' || *s > '9' ||
		    x > (1L << 40))
			return 0;
		if (!strncmp(end, "KB", 2) || !strncmp(end, "K", 1)) {
			if (x > (1L << 30))
				return 0;   /* at most 1 TB, as an arch's level */
			x *= 1024;
			end += end[1] == 'B' ? 2 : 1;
		} else if (*end == 'B') {
			end++;
		}
		out[(*n)++] = x;
		if (*end != ',' && *end)
			return 0;
		s = *end ? end + 1 : end;
	}
	return *n > 0 && !*s;
}

static _Noreturn void hier_usage(const char *opt, const char *v)
{
	char msg[256];
	snprintf(msg, sizeof msg, "%s takes %s, not '%%s'", opt,
	         !strcmp(opt, "--pe-levels") ? "1 or 2"
	                                     : "sizes such as 16,128 or 64KB,128KB "
	                                       "(1 B to 1 TB each)");
	die_usage(msg, v);
}

/* The hierarchy options; 1 when argv[*i] was one. */
int hier_option(HierOpts *h, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	int pe = !strcmp(a, "--pe-sizes"), sh = !strcmp(a, "--shared-sizes");
	int lv = !strcmp(a, "--pe-levels"), mp = !strcmp(a, "--max-pe-bytes");
	int ms = !strcmp(a, "--max-shared-bytes");
	if (!strcmp(a, "--hier-exhaustive")) {
		h->exhaustive = 1;
		return 1;
	}
	int rf = !strcmp(a, "--refine");
	if (!pe && !sh && !lv && !mp && !ms && !rf)
		return 0;
	if (*i + 1 >= argc)
		die_usage("option %s needs a value", a);
	if (rf) {
		h->exhaustive = 0;
		h->refine = (int)arg_uint(a, argv[++*i], 0, HIER_MAXCAND);
		return 1;
	}
	const char *v = argv[++*i];
	long one[HIER_MAXSIZES];
	int n;
	if (pe && !size_list(v, h->pe_sizes, &h->npe))
		hier_usage(a, v);
	if (sh && !size_list(v, h->sh_sizes, &h->nsh))
		hier_usage(a, v);
	if (lv && (strcmp(v, "1") && strcmp(v, "2")))
		hier_usage(a, v);
	if (lv)
		h->max_pe_levels = atoi(v);
	if ((mp || ms) && (!size_list(v, one, &n) || n != 1))
		hier_usage(a, v);
	if (mp)
		h->max_pe_bytes = one[0];
	if (ms)
		h->max_shared_bytes = one[0];
	return 1;
}


/* A level given a candidate's size costs what the energy table gives
 * for it: the figures the file gives its own size (pj, per action,
 * leakage) do not carry over. */
static void level_priced_by_size(Level *L)
{
	L->nacts = 0;
	memset(L->act_given, 0, sizeof L->act_given);
	L->leak_pj = 0;
}
/* The architecture of one candidate: the base's array, DRAM, hop and MAC
 * energy and energy tables; per-PE levels of sizes s0 (< s1), a global
 * buffer of size g; energies from the table by size.  Per-PE level i
 * holds what the base's per-PE level i holds (its holds clause; the
 * base's outermost per-PE level's when it has fewer); the global
 * buffer, outermost on chip, what the base's outermost on-chip level
 * holds. */
static void make_arch(Arch *a, const Arch *base, int npe, long s0, long s1,
                      long g)
{
	*a = *base;
	a->name = "searched";
	int k = 0, bpe = -1, bsh = -1;
	for (int i = 0; i < base->nlevels; i++) {
		if (base->level[i].per_pe && bpe < 0)
			bpe = i;
		if (!base->level[i].per_pe && !base->level[i].offchip && bsh < 0)
			bsh = i;
	}
	static const char *const rf1[] = {"RF"}, *const rf2[] = {"RF0", "RF1"};
	for (int i = 0; i < npe; i++) {
		Level L = bpe >= 0 ? base->level[bpe] : (Level){0};
		L.name = npe == 1 ? rf1[0] : rf2[i];
		L.per_pe = 1;
		L.offchip = 0;
		L.bytes = i == 0 ? s0 : s1;
		L.pj = arch_table_pj(base, 1, 0, L.bytes);
		L.pj_given = 0;
		level_priced_by_size(&L);
		/* the holds of the base's per-PE level in the same place, or of
		 * its outermost one when it has fewer */
		for (int b = bpe; b >= 0 && b < base->nlevels &&
		     base->level[b].per_pe && b - bpe <= i; b++) {
			L.nholds = base->level[b].nholds;
			L.holds = base->level[b].holds;
		}
		a->level[k++] = L;
	}
	Level G = bsh >= 0 ? base->level[bsh] : (Level){0};
	G.name = "GB";
	G.per_pe = G.offchip = 0;
	G.bytes = g;
	G.pj = arch_table_pj(base, 0, 0, g);
	G.pj_given = 0;
	level_priced_by_size(&G);
	const Level *bo = &base->level[base->nlevels - 2];
	G.nholds = bo->per_pe ? 0 : bo->nholds;
	G.holds = bo->per_pe ? 0 : bo->holds;
	a->level[k++] = G;
	a->level[k++] = base->level[base->nlevels - 1];
	a->nlevels = k;
}

/* Searches candidate k with options o, from the best so far when
 * `bound` (else for the candidate's own best, to rank it). */
static void try_cand(const Layer *l, HierResult *r, int k, SOpts o,
                     int bound)
{
	HierCand *c = &r->cand[k];
	SCtx ctx;
	sctx_init(&ctx, l, &c->arch);
	o.incumbent = bound && r->found ? r->res.cost : 0;
	o.incumbent_e = bound && r->found ? r->res.m.e_total : 0;
	SResult res;
	int found = search_run(&ctx, &o, &res);
	r->evaluated += res.evaluated;
	r->pruned += res.pruned;
	/* above the bound it started from, a point is not the candidate's
	 * best: only that the candidate cannot win */
	found = found && (!o.incumbent || res.cost <= o.incumbent);
	c->refined |= o.bypass;
	if (!c->found && !found)
		c->why = o.buildable && !res.jobs
		         ? "the Verilog backend builds none of its schedules"
		         : o.incumbent ? "cannot beat the best so far"
		                       : "no schedule meets the constraints";
	if (found && (!c->found || res.cost < c->res.cost)) {
		c->found = 1;
		c->res = res;
	}
	if (found && (!r->found || res.cost < r->res.cost ||
	              (res.cost == r->res.cost && k < r->best))) {
		r->found = 1;
		r->best = k;
		r->res = res;
	}
}

/* The best hierarchy so far to so->improved, when it changed since it
 * was last told (r->told: the cost and candidate told). */
static void tell_best(const Layer *l, const SOpts *so, HierResult *r)
{
	if (!so->improved || !r->found ||
	    (r->told_k == r->best + 1 && r->told_cost == r->res.cost))
		return;
	r->told_k = r->best + 1;
	r->told_cost = r->res.cost;
	SCtx ctx;
	sctx_init(&ctx, l, &r->cand[r->best].arch);
	so->improved(&ctx, &r->res.best, &r->res.m, so->improved_arg);
}

void hier_candidates(const Arch *base, const HierOpts *h, HierResult *r)
{
	for (int npe = 1; npe <= h->max_pe_levels; npe++)
		for (int i = 0; i < h->npe; i++)
			for (int j = npe == 1 ? i : i + 1; j < (npe == 1 ? i + 1 : h->npe);
			     j++)
				for (int g = 0; g < h->nsh; g++) {
					long s0 = h->pe_sizes[i], s1 = npe == 2 ? h->pe_sizes[j] : 0;
					if (h->max_pe_bytes && s0 + s1 > h->max_pe_bytes)
						continue;
					if (h->max_shared_bytes &&
					    h->sh_sizes[g] > h->max_shared_bytes)
						continue;
					if (r->ncand == HIER_MAXCAND)
						return;
					make_arch(&r->cand[r->ncand++].arch, base, npe, s0, s1,
					          h->sh_sizes[g]);
				}
}

/* --progress-file: where the candidates are (the line written after
 * each), and, in `what`, the same before a candidate's own progress
 * line (a search of over 30 s writes one). */
static void hier_note(const SOpts *so, char *what, size_t n, int done,
                      int ncand, const char *stage, const HierResult *r,
                      double t0)
{
	if (!so->progress_file)
		return;
	int k = snprintf(what, n, "%shierarchy: %d of %d candidates %s, best "
	                 "%.4g pJ/MAC, %.0f s", so->progress_what ?
	                 so->progress_what : "", done, ncand, stage,
	                 r->found ? r->res.m.pj_per_mac : 0,
	                 clock_seconds() - t0);
	whole_note(so->progress_file, "%s\n", what);
	if (k >= 0 && (size_t)k < n)
		snprintf(what + k, n - (size_t)k, "; the next: ");
}

/* A network's hierarchy is the best of the candidates refined: --refine
 * 0 (for one layer: the ranking's best) is a usage error there. */
void hier_network_usage(const HierOpts *h)
{
	if (!h->exhaustive && h->refine == 0)
		die_usage("--refine 0: a network's hierarchy is the best of the "
		          "candidates searched again with bypassing, at least "
		          "one%s", "");
}

/* Exact (the default, h->exhaustive): every candidate is searched over
 * the whole space, from the best found so far.  With --refine K, the
 * heuristic: every candidate is searched without bypassing (every tensor
 * in every level, as the artifact does: fast), each for its own best;
 * with bypassing allowed, the K best of them are then searched again
 * over the whole space, from the best found so far (docs/search.md
 * measures both). */
int hier_run(const Layer *l, const Arch *base, const HierOpts *h,
             const SOpts *so, HierResult *r)
{
	memset(r, 0, sizeof *r);
	double t0 = clock_seconds();
	SOpts o = *so;
	o.progress = 0;
	o.improved = NULL;   /* told below, a candidate at a time */
	/* --fix names levels of the file's architecture: not searched here */
	memset(o.fix, 0, sizeof o.fix);
	hier_candidates(base, h, r);
	char what[512] = "";
	hier_note(so, what, sizeof what, 0, r->ncand, "searched", r, t0);
	o.progress_what = what;
	SOpts quick = o;
	quick.bypass = 0;
	for (int k = 0; k < r->ncand; k++) {
		int quick_only = !h->exhaustive && o.bypass;
		/* ranking needs every candidate's own best: no shared bound */
		try_cand(l, r, k, quick_only ? quick : o, !quick_only);
		tell_best(l, so, r);
		hier_note(so, what, sizeof what, k + 1, r->ncand, "searched", r, t0);
		if (so->progress)
			fprintf(stderr, "\r\033[Khierarchy: %d of %d candidates, best "
			        "%.4g pJ/MAC, %.1f s", k + 1, r->ncand,
			        r->found ? r->res.m.pj_per_mac : 0,
			        clock_seconds() - t0);
	}
	if (o.bypass && !h->exhaustive) {
		int order[HIER_MAXCAND], n = 0;
		for (int k = 0; k < r->ncand; k++)
			if (r->cand[k].found)
				order[n++] = k;
		for (int i = 1; i < n; i++) /* by energy, stable */
			for (int j = i; j > 0 && r->cand[order[j - 1]].res.cost >
			                              r->cand[order[j]].res.cost; j--) {
				int t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		int refine = h->refine;
		if (!n) {   /* none meets the constraints without bypassing (the
		               cycles of the file's architecture, say): every
		               candidate is searched with it */
			for (int k = 0; k < r->ncand; k++)
				order[n++] = k;
			refine = n;
		}
		hier_note(so, what, sizeof what, 0, refine < n ? refine : n,
		          "refined", r, t0);
		for (int i = 0; i < n && i < refine; i++) {
			try_cand(l, r, order[i], o, 1);
			tell_best(l, so, r);
			hier_note(so, what, sizeof what, i + 1, refine < n ? refine : n,
			          "refined", r, t0);
		}
	}
	if (so->progress)
		fprintf(stderr, "\r\033[K");
	r->seconds = clock_seconds() - t0;
	return r->found;
}

/* "RF 16 B + RF 128 B + GB 256 KB" */
void hier_describe(char *s, size_t n, const Arch *a)
{
	size_t k = 0;
	s[0] = 0;
	for (int i = 0; i + 1 < a->nlevels && k < n; i++) {
		long b = a->level[i].bytes;
		k += (size_t)snprintf(s + k, n - k, "%s%s %ld %s", i ? " + " : "",
		                      a->level[i].name, b >= 1024 ? b / 1024 : b,
		                      b >= 1024 ? "KB" : "B");
	}
}
