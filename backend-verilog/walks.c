/* walks.c - how engines walk what the plan gives them: a spatial loop
 * of more lanes than a per-PE fill serves at once is built as two
 * pieces (hw_lane_piece), so that a fill's cycles follow its words
 * rather than its lanes (docs/hardware.md, "How a layer runs").
 */
#include "hw.h"

/* A spatial part of more lanes than a per-PE fill serves at once
 * (HW_PORTS) whose tensor's per-PE buffer is filled from a shared one
 * is built as two: f lanes, served at once, and the rest walked in turn.
 * f: the largest divisor of its extent up to HW_PORTS (0: not split). */
long hw_lane_piece(const LoopNest *ln, const Part *p)
{
	const Arch *A = ln->arch;
	if (p->extent <= HW_PORTS)
		return 0;
	int fed = 0;
	for (int t = 0; t < NTENSORS && !fed; t++) {
		const Tensor *T = &ln->layer->t[t];
		if (ln->nholders[t] < 2 ||
		    !A->level[ln->buf[ln->holder[t][0]].level].per_pe ||
		    A->level[ln->buf[ln->holder[t][1]].level].per_pe)
			continue;
		for (int r = 0; r < T->rank; r++)
			fed |= T->idx[r].coef[p->dim] != 0;
	}
	for (long f = HW_PORTS; fed && f > 1; f--)
		if (p->extent % f == 0)
			return f;
	return 0;
}
