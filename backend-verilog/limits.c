/* limits.c - what the hardware plan refuses once its buffers are laid
 * out (hw_plan calls these): a constant wider than Verilator takes, a
 * register file's fill tag without room for its guards, padding tiles
 * beside a temporal loop's edge tiles; and the fill tag's layout of the
 * guards of edge tiles on unrolled loops (hw.h).
 */
#include "hw.h"

#include <string.h>

static int fail(char *err, size_t n, const char *msg)
{
	snprintf(err, n, "%s", msg);
	return 0;
}

/* Verilator 5.006 stops at a constant wider than 65536 bits ("Width of
 * number exceeds implementation limit"), and the RTL clears some
 * registers with a constant as wide as they are: a buffer's bits of
 * words already fetched this refill (lanes x words), a per-PE output's
 * bits of words touched, and the map of a shared buffer's lanes that
 * have a PE.  A design that would need one wider is refused here, not
 * written for the simulator's build to fail on. */
enum { HW_MAX_CONST_BITS = 65536 };

int hw_too_wide(const Hw *hw, char *err, size_t errlen)
{
	const LoopNest *ln = hw->ln;
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		const char *t = ln->layer->t[B->t].name;
		const char *lv = ln->arch->level[B->b->level].name;
		long bits = 0;
		const char *what = "", *fix = "refill it at an inner loop so its "
		                              "block is smaller";
		if (B->dedup) {
			bits = B->lanes * B->words;
			what = "a bit for each word of each lane, to fetch a word once "
			       "per refill";
		} else if (B->per_pe && B->t == T_OUT) {
			bits = B->words;
			what = "a bit for each word, to drain only the words written";
		}
		if (!bits && !B->per_pe && hw->inner[B->t] == k) {
			bits = hw->nlanes[B->t];
			what = "a bit for each lane of PEs it serves";
			fix = "unroll fewer iterations";
		}
		if (bits > HW_MAX_CONST_BITS) {
			snprintf(err, errlen, "%s%s.in(%s) (line %d) keeps %s: %ld bits, "
			         "cleared by a constant as wide, and Verilator takes "
			         "none wider than %d bits; %s", B->b->implicit ? "the "
			         "implicit buffer " : "", t, lv, B->b->loc.line, what,
			         bits, HW_MAX_CONST_BITS, fix);
			return 0;
		}
	}
	return 1;
}

/* A register file's fill carries the guards' parts in its tag
 * (hw_fill_guard_at): they must fit, and so must its local address. */
int hw_fill_guards_fit(const Hw *hw, char *err, size_t errlen)
{
	int end = hw_fill_guard_end(hw);
	if (end == HW_FILL_GUARD_AT)
		return 1;
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		if (t == T_OUT || !B->per_pe)
			continue;
		if (end > HW_FILL_GUARD_END || B->aw > HW_FILL_GUARD_AT)
			return fail(err, errlen, "edge tiles on the unrolled loops "
			            "whose bounds, with a register file's address, need "
			            "more than 32 bits in a fill's tag");
	}
	return 1;
}

/* Padding tiles (pad()): the controller steps as for edge tiles and
 * idles, after each step, for the padded steps before the next one,
 * which it counts from the full trip counts (seq.c).  So no temporal
 * loop may be cut by a split's edge tile as well. */
int hw_padding_plan(const LoopNest *ln, Hw *hw, char *err,
                        size_t errlen)
{
	if (!nest_padded(ln))
		return 1;
	int pad = 0;
	while (!ln->guard[pad].padded || ln->guard[pad].trivial)
		pad++;
	for (int i = 0; i < ln->nloops; i++) {
		const Loop *l = &ln->loop[i];
		if (l->kind == LOOP_SPATIAL || !l->edge || loop_edge_padded(ln, i))
			continue;
		for (int k = 0; k < l->part[0].nguards; k++) {
			const Guard *g = &ln->guard[l->part[0].guard[k]];
			if (g->padded || g->trivial)
				continue;
			snprintf(err, errlen, "padding tiles (pad at line %d) beside "
			         "edge tiles of a temporal loop, %s (the split of %s "
			         "at line %d does not divide): the controller counts "
			         "the padded steps from full trip counts; pad %s to "
			         "a multiple of its tiles too", ln->guard[pad].pad_loc.line,
			         l->name, g->var, g->uneven_loc.line,
			         dim_lower[l->part[0].dim]);
			return 0;
		}
	}
	hw->padded = 1;
	return 1;
}

int hw_guard_spatial(const Hw *hw, int g)
{
	long c[HW_MAXP];
	if (hw->ln->guard[g].trivial)
		return 0;
	guard_coefs(hw, g, c);
	for (int j = 0; j < hw->np; j++)
		if (c[j] && hw->part[j].spatial)
			return 1;
	return 0;
}

int hw_fill_guard_end(const Hw *hw)
{
	int end = HW_FILL_GUARD_AT;
	for (int g = 0; g < hw->ln->nguards; g++)
		if (hw_guard_spatial(hw, g))
			end = hw_fill_guard_at(hw, g) + hw_bits(hw->ln->guard[g].limit);
	return end;
}

int hw_fill_guard_at(const Hw *hw, int g)
{
	if (!hw_guard_spatial(hw, g))
		return -1;
	int at = HW_FILL_GUARD_AT;
	for (int i = 0; i < g; i++)
		if (hw_guard_spatial(hw, i))
			at += hw_bits(hw->ln->guard[i].limit);
	return at;
}
