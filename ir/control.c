/* control.c - pass "control": what the controller sequences.  Each
 * temporal loop is counted by the controller of the level it runs at
 * (schedule pass); each buffer is refilled when the innermost loop
 * outside it that indexes its tensor steps, and stays while only loops
 * that do not index it move (the block is stationary).  That loop is the
 * buffer's refill point; -1 means the block is filled once.  A loop of
 * one iteration never steps, so it is never a refill point.
 */
#include "tessera.h"

#include <string.h>

/* The refill point of a buffer of tensor t inside loop `at`. */
static int refill_point(const LoopNest *ln, int t, int at)
{
	int j = -1;
	for (int i = 0; i <= at && i < ln->nloops; i++)
		if (ln->loop[i].kind != LOOP_SPATIAL && ln->loop[i].extent > 1 &&
		    loop_indexes(ln, t, i))
			j = i;
	return j;
}

void mark_events(const LoopNest *ln, int t, int at, unsigned char *mark)
{
	memset(mark, 0, MAX_LOOPS);
	int j = refill_point(ln, t, at);
	for (int i = 0; i <= j; i++)
		mark[i] = ln->loop[i].kind != LOOP_SPATIAL;
}

void mark_temporal(const LoopNest *ln, unsigned char *mark)
{
	for (int i = 0; i < ln->nloops; i++)
		mark[i] = ln->loop[i].kind != LOOP_SPATIAL;
}

void mark_spatial(const LoopNest *ln, unsigned char *mark)
{
	for (int i = 0; i < ln->nloops; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL)
			mark[i] = 1;
}

int control_build(Diag *d, const Program *p, LoopNest *ln)
{
	(void)d;
	(void)p;
	for (int k = 0; k < ln->nbufs; k++)
		ln->buf[k].refill = refill_point(ln, ln->buf[k].tensor,
		                                 ln->buf[k].at);
	return 1;
}
