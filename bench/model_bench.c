/* model_bench.c - times one evaluation of the analytical model in
 * process: `model-bench FILE.tsr [N]` parses and lowers the file once,
 * then evaluates the model N times (default 2000) and prints the mean
 * microseconds per evaluation.  The search uses its own evaluator,
 * equal to this one (bench/search_bench.c compares the two).
 */
#include "../ir/tessera.h"

#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: model-bench FILE.tsr [N]\n");
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 2000;
	Arena *a = arena_new();
	Source *src = source_load(a, argv[1]);
	Program *p = arena_alloc(a, sizeof *p);
	LoopNest *ln = arena_alloc(a, sizeof *ln);
	if (!src || !program_load(a, src, p, ln, NULL))
		return 1;
	Model m;
	double sink = 0, t0 = clock_seconds();
	for (int i = 0; i < n; i++) {
		if (!model_eval(ln, &m, 0))
			return 1;
		sink += m.pj_per_mac;
	}
	double us = (clock_seconds() - t0) / n * 1e6;
	printf("%.2f us per model evaluation (%d runs; %.4f pJ/MAC)\n", us, n,
	       sink / n);
	arena_free(a);
	return 0;
}
