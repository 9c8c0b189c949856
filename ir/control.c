/* control.c - pass "control": what the controller sequences.  Each
 * temporal loop is counted by the controller of the level it runs at
 * (schedule pass); each buffer is refilled when the innermost loop
 * outside it that indexes its tensor steps, and stays while only loops
 * that do not index it move (the block is stationary).  That loop is the
 * buffer's refill point; -1 means the block is filled once.
 */
#include "tessera.h"

#include <string.h>

void mark_events(const LoopNest *ln, int t, int at, unsigned char *mark)
{
	memset(mark, 0, MAX_LOOPS);
	int j = -1;
	for (int i = 0; i <= at && i < ln->nloops; i++)
		if (ln->loop[i].kind != LOOP_SPATIAL && loop_indexes(ln, t, i))
			j = i;
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
	for (int k = 0; k < ln->nbufs; k++) {
		Buffer *b = &ln->buf[k];
		b->refill = -1;
		for (int i = 0; i <= b->at; i++)
			if (ln->loop[i].kind != LOOP_SPATIAL &&
			    loop_indexes(ln, b->tensor, i))
				b->refill = i;
	}
	return 1;
}
