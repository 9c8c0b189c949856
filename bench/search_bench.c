/* search_bench.c - the search's evaluator against the full model on the
 * same schedules: `search-bench FILE.tsr [N]` draws N random canonical
 * schedules of the file's layer that fit its architecture (default 200),
 * lowers each once, then times model_eval on the lowered nests and the
 * search's evaluator (search/eval.c) on the points, and checks that both
 * give the same energy.  Prints microseconds per evaluation each way and
 * evaluations per second per core.
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
	for (int k = 0; k < n;) {
		SNest s;
		spoint_random(&c, &seed, &pts[k]);
		spoint_nest(&c, &pts[k], &s);
		if (!spoint_fits(&c, &pts[k], &s, &sc, used))
			continue;
		lns[k] = spoint_lower(a, &c, &pts[k], err, sizeof err);
		if (!lns[k]) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		k++;
	}
	int reps = 20;
	Model m;
	double sum_full = 0, sum_fast = 0;
	double t0 = clock_seconds();
	for (int r = 0; r < reps; r++)
		for (int k = 0; k < n; k++) {
			model_eval(lns[k], &m, 0);
			sum_full += m.e_total;
		}
	double full = (clock_seconds() - t0) / (reps * n);
	int freps = reps * 50;
	t0 = clock_seconds();
	for (int r = 0; r < freps; r++)
		for (int k = 0; k < n; k++) {
			SNest s;
			spoint_nest(&c, &pts[k], &s);
			spoint_eval(&c, &pts[k], &s, &sc, &m);
			sum_fast += m.e_total;
		}
	double fast = (clock_seconds() - t0) / (freps * n);
	int same = 1;
	for (int k = 0; k < n; k++) {
		SNest s;
		Model f;
		model_eval(lns[k], &m, 0);
		spoint_nest(&c, &pts[k], &s);
		spoint_eval(&c, &pts[k], &s, &sc, &f);
		same &= m.e_total == f.e_total && m.cycles == f.cycles;
	}
	(void)sum_full;
	(void)sum_fast;
	printf("model_eval %.2f us, search evaluator %.3f us per schedule "
	       "(%d schedules); %.0f vs %.0f per second per core, %.0fx; "
	       "energies %s\n", full * 1e6, fast * 1e6, n, 1 / full, 1 / fast,
	       full / fast, same ? "equal" : "DIFFER");
	sscratch_free(&sc);
	arena_free(a);
	return same ? 0 : 1;
}
