/* search_bench.c - the search's evaluator against the full model on the
 * same schedules: `search-bench FILE.tsr [N]` draws N random canonical
 * schedules of the file's layer that fit its architecture (default 200),
 * lowers each once, then times model_eval on the lowered nests and the
 * search's evaluator (search/eval.c) on the points, and checks that both
 * give the same energy.  Prints microseconds per evaluation each way and
 * evaluations per second per core; then the same for the same schedules
 * with every window buffer keeping its overlap (--keep-overlap).
 */
#include "../search/search.h"

#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: search-bench FILE.tsr [N]\n");
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 200;
	char err[4096];
	Arena *a = arena_new();
	Source *src = source_load(a, argv[1]);
	Program *p = arena_alloc(a, sizeof *p);
	LoopNest *ln0 = arena_alloc(a, sizeof *ln0);
	if (!src || !program_load(a, src, p, ln0, NULL))
		return 1;
	SCtx c;
	sctx_init(&c, &p->layer, &p->arch);
	SPoint *pts = calloc((size_t)n, sizeof *pts);
	LoopNest **lns = calloc((size_t)n, sizeof *lns);
	SScratch sc = {0};
	uint64_t seed = 1;
	long used[MAX_LEVELS];
	int same = 1;
	/* the schedules refilled whole, then the same keeping the overlap of
	 * every window buffer (--keep-overlap) */
	for (int keep = 0; keep < 2; keep++) {
		for (int k = 0; k < n;) {
			SNest s;
			if (!keep)
				spoint_random(&c, &seed, &pts[k]);
			pts[k].keep = (unsigned char)keep;
			spoint_nest(&c, &pts[k], &s);
			if (!keep && !spoint_fits(&c, &pts[k], &s, &sc, used))
				continue;
			lns[k] = spoint_lower(a, &c, &pts[k], err, sizeof err);
			if (!lns[k]) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			k++;
		}
		int reps = keep ? 1 : 20;   /* the model lists a kept buffer's
		                               blocks: far slower */
		Model m;
		double t0 = clock_seconds();
		for (int r = 0; r < reps; r++)
			for (int k = 0; k < n; k++)
				model_eval(lns[k], &m, 0);
		double full = (clock_seconds() - t0) / (reps * n);
		int freps = keep ? 50 : reps * 50;
		t0 = clock_seconds();
		for (int r = 0; r < freps; r++)
			for (int k = 0; k < n; k++) {
				SNest s;
				spoint_nest(&c, &pts[k], &s);
				spoint_eval(&c, &pts[k], &s, &sc, &m);
			}
		double fast = (clock_seconds() - t0) / (freps * n);
		int eq = 1;
		for (int k = 0; k < n; k++) {
			SNest s;
			Model f;
			model_eval(lns[k], &m, 0);
			spoint_nest(&c, &pts[k], &s);
			spoint_eval(&c, &pts[k], &s, &sc, &f);
			eq &= m.e_total == f.e_total && m.cycles == f.cycles;
		}
		same &= eq;
		printf("%smodel_eval %.2f us, search evaluator %.3f us per schedule "
		       "(%d schedules); %.0f vs %.0f per second per core, %.0fx; "
		       "energies %s\n", keep ? "keeping the overlap: " : "",
		       full * 1e6, fast * 1e6, n, 1 / full, 1 / fast, full / fast,
		       eq ? "equal" : "DIFFER");
	}
	sscratch_free(&sc);
	arena_free(a);
	return same ? 0 : 1;
}
