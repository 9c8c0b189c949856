/* walks.c - how engines walk what the plan gives them: a spatial loop
 * of more lanes than a per-PE fill serves at once is built as two
 * pieces (hw_lane_piece), and a window's two terms inside a block are
 * walked as a staircase (hw_plan_stairs), so that a fill's cycles
 * follow its words rather than its settings (docs/hardware.md, "How a
 * layer runs": the fills and windows).
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

int hw_part_uncut(const Hw *hw, int j)
{
	const Part *p = hw->part[j].p;
	for (int g = 0; g < p->nguards; g++)
		if (!hw->ln->guard[p->guard[g]].trivial)
			return 0;
	return 1;
}

/* A window's two terms in one index position, both walked by the
 * engine and never cut, the outer one's coefficient q times the inner
 * one's, q under the inner one's extent (x+fx, s*x+fx inside a block):
 * the walk visits the inner one's values with the outer at 0, then the
 * outer's others with the inner at its last q values, so that each
 * position of the window comes once, not once per setting
 * (HwBuf.stair). */
void hw_plan_stairs(const Hw *hw, HwBuf *B)
{
	const Tensor *T = &hw->ln->layer->t[B->t];
	for (int r = 0; r < T->rank; r++) {
		long c[HW_MAXP];   /* each part's coefficient in position r */
		for (int j = 0; j < hw->np; j++) {
			const Part *p = hw->part[j].p;
			c[j] = T->idx[r].coef[p->dim] * p->stride;
		}
		int js[HW_MAXP], n = 0, other = 0;
		for (int j = 0; j < hw->np; j++) {
			if (!c[j])
				continue;
			if (B->eng[j] && (!hw->part[j].spatial || !B->per_pe) &&
			    hw_part_uncut(hw, j))   /* a per-PE buffer's lanes: not its
			                       words */
				js[n++] = j;
			else if (B->eng[j])
				other = 1;
		}
		if (n != 2 || other)
			continue;
		long ci = c[js[0]], co = c[js[1]];
		if (ci > 0 && co % ci == 0 &&
		    co / ci < hw->part[js[0]].p->extent) {
			B->stair[js[0]] = (unsigned char)(js[1] + 1);
			B->stairq[js[0]] = co / ci;
		}
	}
}
