/* halves.c - the per-PE output buffer built as two halves, so that a
 * refill of it does not stop the array: the steps accumulate into one
 * half while the background drains the other (the block just finished)
 * and then returns into it the partial sums of the block after the next
 * one, so that it is ready when the steps come to it (docs/hardware.md).
 *
 * A refill of the halves alone (the parent keeps its block) swaps them
 * in the cycle the sequencer sees it, once the background is idle.
 * When the parent changes too (its partial sums move) or the layer
 * ends, both halves are drained by the jobs as before: the background's
 * half first, then the steps' half by the drain job, and the fill job
 * returns the next block's partial sums into the steps' half.
 *
 * Assumes the sequencer's signals (st, chg, pend, nlast, jend, jd, jf,
 * jcommit, hstep: seq.c), the controller's counters and the engine of
 * the buffer (engine.c), whose counters move with the background too.
 */
#include "emit.h"

#include <stdlib.h>

/* 1 when an edge tile can leave part p a single value: some setting of
 * the other parts that one of its guards weighs (in every loop of the
 * nest, the PEs' included) brings the guard's sum within p's stride of
 * its limit, so that p can only be 0 there. */
static int cut_part(const Hw *hw, const Part *p)
{
	const LoopNest *ln = hw->ln;
	for (int i = 0; i < p->nguards; i++) {
		const Guard *G = &ln->guard[p->guard[i]];
		if (G->trivial)
			continue;
		long lim = G->limit, s = p->gstride[i];
		if (lim <= s)
			return 1;
		/* the sums the other parts reach below the limit */
		unsigned char *reach = calloc((size_t)lim, 1);
		if (!reach)
			return 1;   /* unknown: as if it could */
		reach[0] = 1;
		for (int l = 0; l < ln->nloops; l++)
			for (int q = 0; q < ln->loop[l].nparts; q++) {
				const Part *o = &ln->loop[l].part[q];
				long os = 0;
				for (int m = 0; o != p && m < o->nguards; m++)
					if (o->guard[m] == p->guard[i])
						os = o->gstride[m];
				if (!os)
					continue;
				/* r reached now when one of r, r - os, ...,
				 * r - (extent - 1) os was: a window along each
				 * residue of os, bit 1 the new value */
				for (long c0 = 0; c0 < os && c0 < lim; c0++) {
					long in = 0;   /* base sums in the window */
					for (long r = c0; r < lim; r += os) {
						in += reach[r] & 1;
						long out = r - o->extent * os;
						if (out >= 0)
							in -= reach[out] & 1;
						if (in)
							reach[r] |= 2;
					}
				}
				for (long r = 0; r < lim; r++)
					reach[r] = reach[r] >> 1;
			}
		int one = 0;
		for (long r = lim - s; r < lim && !one; r++)
			one = reach[r];
		free(reach);
		if (one)
			return 1;
	}
	return 0;
}

/* Whether two blocks in a row of output buffer k can hold the same
 * element: the fastest part that refills it does not move the output (a
 * reduction fused into, or inside, its refill loop), or the parts
 * faster than such a reduction may all be cut to one value by edge
 * tiles. Halves whose background returns the partial sums of the block
 * after the next while the steps still accumulate the next one would
 * return a sum the steps have not finished (schedgen seeds 317, 749,
 * 1456). */
int blocks_share(const Hw *hw, int k)
{
	const HwBuf *B = &hw->buf[k];
	for (int j = 0; j < hw->np; j++) {   /* fastest first */
		if (!refill_part(hw, B, j) || hw->part[j].p->extent < 2)
			continue;
		if (hw->red[j])
			return 1;
		if (!cut_part(hw, hw->part[j].p))
			return 0;   /* it moves the output at every refill */
	}
	return 0;
}

/* The per-PE output buffer built as two halves, or -1: the output's
 * innermost buffer when it is per PE, unless two of its blocks in a row
 * can hold the same element (blocks_share). Such a buffer is drained
 * and refilled by the jobs. */
int halves_buffer(const Hw *hw)
{
	int k = hw->inner[T_OUT];
	return hw->buf[k].per_pe && !blocks_share(hw, k) ? k : -1;
}

/* The registers and wires the sequencer reads, declared before it. */
void emit_halves_decl(Out *o)
{
	int k = o->oh;
	P(o, "\n\t// ---- the output's two halves in every PE (engine %d) ----\n"
	  "\treg hc;  // the half the steps accumulate into\n"
	  "\treg hbd, hbt;  // the other half: being drained; partial sums "
	  "being returned into it\n"
	  "\treg hbs;  // the background's first cycle (the last step ends)\n"
	  "\treg ot_v, ot_v2, ot_h;  // a return word read last cycle, and "
	  "the cycle after\n\treg [63:0] ot_tag;\n"
	  "\twire hidle = !hbd && !hbt && !ot_v && !ot_v2;\n"
	  "\twire hba = (hbd || hbt) && !hbs;  // the background walks\n"
	  "\treg eh%d;  // the half engine %d works on: hbd || hbt ? !hc : hc\n"
	  "\twire hshal, hgo_swap, hgo_sync;\n", k, k, k);
}

/* The block after the one halves k start on (tx<k>_<j>x: at a swap
 * the controller's next block when `swap` is 1, else its block; 2: its
 * next block, as the event's drains run), for the output's halves here,
 * an input's (ihalves.c) and the output's global buffer's (ghalves.c):
 * the odometer of the buffer's refill parts (tn<k>_<j>), whether that
 * block exists (tl<k>: not), and whether the parent's block changes on
 * the way (tdeep<k>: then the jobs fill it; never for DRAM), the line
 * left open after tdeep's comment. */
void emit_next_block(Out *o, int k, int swap)
{
	const Hw *hw = o->hw;
	int p = hw->buf[k].parent;
	const HwBuf *B = &hw->buf[k];
	unsigned char use[HW_MAXP];
	for (int j = 0; j < hw->np; j++) {
		use[j] = refill_part(hw, B, j);
		if (use[j] && swap == 2)
			P(o, "\twire [31:0] tx%d_%dx = nx%d;\n\treg [31:0] tn%d_%d;\n", k,
			  j, j, k, j);
		else if (use[j] && swap)
			P(o, "\twire [31:0] tx%d_%dx = hgo_swap ? n%d : jcommit ? nx%d : "
			  "c%dx;\n\treg [31:0] tn%d_%d;\n", k, j, j, j, j, k, j);
		else if (use[j])
			P(o, "\twire [31:0] tx%d_%dx = c%dx;\n\treg [31:0] tn%d_%d;\n", k,
			  j, j, k, j);
	}
	char last[16];
	snprintf(last, sizeof last, "tl%d", k);
	odometer(o, use, (Namer){V_HX, k, 0, 0}, (Namer){V_HN, k, 0, 0}, last,
	         -1, 1, NULL, NULL);
	P(o, "\twire tdeep%d = 1'b0", k);
	for (int j = 0; p >= 0 && j < hw->np; j++)
		if (use[j] && refill_part(hw, &hw->buf[p], j))
			P(o, " || tn%d_%d != tx%d_%dx", k, j, k, j);
	P(o, ";  // the parent's block changes\n");
}

/* Buffer k's refill parts as a background works on them (ob<k>_<j>x,
 * which its engine reads): the block drained while `dr` holds
 * (ds<k>_<j>), the block prepared while `rt` does (pt<k>_<j>), else
 * the controller's. */
void emit_bg_block(Out *o, int k, const char *dr, const char *rt)
{
	const Hw *hw = o->hw;
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, &hw->buf[k], j))
			P(o, "\treg [%d:0] ds%d_%d, pt%d_%d;  // the block drained, "
			  "the block prepared\n\twire [31:0] ob%d_%dx = %s ? {%d'd0, "
			  "ds%d_%d} : %s ? {%d'd0, pt%d_%d} : c%dx;\n",
			  hw->part[j].width - 1, k, j, k, j, k, j, dr,
			  32 - hw->part[j].width, k, j, rt, 32 - hw->part[j].width, k,
			  j, j);
}

/* ... and whether the output's partial sums come back into it. */
static void emit_target(Out *o)
{
	const Hw *hw = o->hw;
	int k = o->oh;
	emit_next_block(o, k, 1);
	P(o, "\twire tret%d = 1'b0", k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, &hw->buf[k], j) && hw->buf[k].ret[j])
			P(o, " || tn%d_%d != 32'd0", k, j);
	P(o, ";  // its partial sums come back\n");
}

void emit_halves(Out *o)
{
	const Hw *hw = o->hw;
	int k = o->oh, p = hw->buf[k].parent;
	const HwBuf *B = &hw->buf[k];
	P(o, "\tassign hshal = chg%d && !chg%d && !nlast;  // a refill of the "
	  "halves alone\n", k, p);
	if (ev_waits(o))   /* the event may wait for other backgrounds too */
		P(o, "\tassign hgo_swap = evok && hshal;\n");
	else
		P(o, "\tassign hgo_swap = (%s || st == S_WAIT) && hshal && "
		  "hidle;\n", step_decides(o));
	P(o, "\tassign hgo_sync = hstep && pend[%d];  // its jobs ran\n", k);
	emit_target(o);
	emit_bg_block(o, k, "hbd", "hbt");
	/* the halves' state as next values, so that eh, the half the engine
	 * works on, is a register of its own: it selects the drained word in
	 * every PE, and a gate after the state's flops made it late */
	P(o, "\twire hc_n = rst ? 1'b0 : hgo_swap ? !hc : hc;\n"
	  "\twire hbd_n = rst ? 1'b0 : hgo_swap || hgo_sync ? hgo_swap :\n"
	  "\t             hba && f%d_last && hbd ? 1'b0 : hbd;\n"
	  "\twire hbt_n = rst ? 1'b0 : hgo_swap || hgo_sync ? "
	  "!tl%d && !tdeep%d && tret%d :\n"
	  "\t             hba && f%d_last && !hbd ? 1'b0 : hbt;\n", k, k, k, k,
	  k);
	P(o, "\talways @(posedge clk) begin\n\t\tot_v <= fi%d;\n"
	  "\t\tot_v2 <= ot_v;\n\t\tot_tag <= {e%d_ln, e%d_la};\n"
	  "\t\tot_h <= eh%d;\n\t\thc <= hc_n;\n\t\thbd <= hbd_n;\n"
	  "\t\thbt <= hbt_n;\n\t\teh%d <= hbd_n || hbt_n ? !hc_n : hc_n;\n"
	  "\t\tif (rst) begin\n\t\t\thbs <= 1'b0;\n"
	  "\t\tend else if (hgo_swap || hgo_sync) begin\n\t\t\thbs <= 1'b1;\n",
	  k, k, k, k, k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, B, j))
			P(o, "\t\t\tds%d_%d <= c%d;\n\t\t\tpt%d_%d <= tn%d_%d[%d:0];\n", k,
			  j, j, k, j, k, j, hw->part[j].width - 1);
	P(o, "\t\tend else begin\n\t\t\thbs <= 1'b0;\n\t\tend\n\tend\n");
}

/* The output's ports of PE p (inside the array's generate block): the
 * steps' half on the step address, the engine's half on its fill (from
 * the return path ot_*) and drain addresses. */
void emit_pe_halves(Out *o)
{
	const Hw *hw = o->hw;
	int k = o->oh;
	const HwBuf *B = &hw->buf[k];
	int aw = B->aw, w = hw->bits[T_OUT];
	const char *ra, *fa = NULL, *da;   /* interleaved: {word, half}
	                                      (half_aw) */
	int sk = o->skd != 0;   /* fa: taken for CH0 alone, below */
	if (B->words == 1) {   /* the PE registers ra itself; fa a cycle
	                          late (skewed: the line's register) */
		ra = fan_net(o, 1, "hc");
		fan_late(o, 1);
		if (!sk)
			fa = fan_net(o, 1, "ot_h");
		fan_late(o, 0);
		da = fan_net(o, 1, "eh%d", k);
	} else {
		ra = fan_net(o, aw + 1, "{ra_o[%d:0], hc}", aw - 1);
		fan_late(o, 1);
		if (!sk)
			fa = fan_net(o, aw + 1, "{ot_tag[%d:0], ot_h}", aw - 1);
		fan_late(o, 0);
		da = fan_net(o, aw + 1, "{e%d_la[%d:0], eh%d}", k, aw - 1, k);
	}
	fan_late(o, 1);
	P(o, ",\n\t\t\t.ra_o(%s)", ra);
	fan_ch0(o, 1);   /* partial sums come back to CH0 */
	if (sk && B->words == 1)
		fa = fan_net(o, 1, "ot_h");
	else if (sk)
		fa = fan_net(o, aw + 1, "{ot_tag[%d:0], ot_h}", aw - 1);
	P(o, ", .fw_o(%s && LANE_o == %s && CH0", pe_net(o, 1, "ot_v"),
	  pe_lane_no(o, k, "ot_tag", 32));
	if (B->npar > 1) {   /* this lane's port read last cycle */
		P(o, " && %s),\n\t\t\t.fa_o(%s), ", pe_pok(o, k), fa);
		P(o, ".fd_o(%s)", pe_par(o, k));
	} else
		P(o, "),\n\t\t\t.fa_o(%s), .fd_o(%s)", fa,
		  fan_net(o, w, "g%d_rd[%d:0]", B->parent, w - 1));
	fan_ch0(o, 0);
	P(o, ",\n\t\t\t.clr_o(%s)", fan_net(o, 1, "clro"));
	fan_late(o, 0);
	P(o, ", .da_o(%s)", da);
	if (o->skd)   /* (skew.c) */
		P(o, ", .dc_o(pdc[p]),\n\t\t\t.dv_o(pdv[p]), .dt_o(pdt[p])");
	else
		P(o, ", .dc_o(%s && pinl[p]),\n\t\t\t.dv_o(pdv[p]), .dt_o(pdt[p])",
		  fan_net(o, 1, "dcall"));
}
