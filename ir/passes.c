/* passes.c - the lowering pipeline as one list.  Each pass has one entry
 * point in its own file; the verifier runs after every pass, and
 * `tessera ir --after NAME` stops the pipeline there and prints the IR.
 */
#include "tessera.h"

#include <string.h>

const Pass passes[] = {
	{"schedule", "apply the schedule: loops, unrolling, buffers",
	 schedule_apply},
	{"spatial", "place unrolled loops on the PE array", spatial_map},
	{"buffers", "add implicit buffers, size them, check capacities",
	 buffers_place},
	{"interconnect", "infer each tensor's network per array dimension",
	 interconnect_infer},
	{"control", "find each buffer's refill point", control_build},
};
const int npasses = sizeof passes / sizeof passes[0];

/* Runs the passes up to and including `stop_after` (NULL: all).
 * Returns 0 after a user error. */
int lower(Diag *d, const Program *p, LoopNest *ln, const char *stop_after)
{
	for (int i = 0; i < npasses; i++) {
		if (!passes[i].run(d, p, ln))
			return 0;
		loopnest_verify(ln);
		if (stop_after && !strcmp(stop_after, passes[i].name))
			break;
	}
	return 1;
}
