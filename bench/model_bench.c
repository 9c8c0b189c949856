/* model_bench.c - times one evaluation of the analytical model in
 * process: `model-bench FILE.tsr [N]` parses and lowers the file once,
 * then evaluates the model N times (default 2000) and prints the mean
 * microseconds per evaluation.  The search (a later stage) calls the
 * model in its inner loop, so this is its cost per schedule.
 */
#include "../ir/tessera.h"

#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: model-bench FILE.tsr [N]\n");
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 2000;
	char err[512];
	Arena *a = arena_new();
	Source *src = source_read(a, argv[1], err, sizeof err);
	if (!src) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	Diag d = {.out = stderr};
	Program *p = arena_alloc(a, sizeof *p);
	LoopNest *ln = arena_alloc(a, sizeof *ln);
	if (!parse_program(a, &d, src, p) || !lower(&d, p, ln, NULL))
		return 1;
	Model m;
	double sink = 0, t0 = now();
	for (int i = 0; i < n; i++) {
		if (!model_eval(ln, &m, 0))
			return 1;
		sink += m.pj_per_mac;
	}
	double us = (now() - t0) / n * 1e6;
	printf("%.2f us per model evaluation (%d runs; %.4f pJ/MAC)\n", us, n,
	       sink / n);
	arena_free(a);
	return 0;
}
