/* ihalves.c - an input's buffer filled from a global buffer and marked
 * double_buffer() (a per-PE register file, or a global buffer filled
 * from another), built as two halves so that its refills do not stop
 * the array: the steps (or the fills of the buffers it feeds) read one
 * half while a background walk of its engine fetches the next block
 * from the parent into the other (docs/hardware.md).
 *
 * Each time the buffer's block changes (and as the layer
 * starts) a background is due; it starts in the first cycle the
 * sequencer runs the steps again and fetches the block after the
 * current one, if there is one and the parent keeps its block until
 * then (else it is idle at once).  At that block's refill the halves
 * swap in the cycle the sequencer sees it, once the background is done;
 * a refill at which the parent changes too is filled by the job, into
 * the steps' half, as for any buffer.  The background reads the
 * parent's port 0 (or, lanes served at once, the lanes' ports), which
 * no other job uses while it runs, and sends its words to the PEs on a
 * path of its own (ibv, ibt, ibh: valid, lane and address, half), or,
 * a global buffer, writes them by its port 0, which only its own fill
 * job writes (gmem.c puts them in the half ibh names); so only an event
 * that refills the buffer, or ends the layer, waits for it.  The
 * inputs' and the weights' buffers may both be built so.
 *
 * Assumes the sequencer's st, start, nlast, chg<k>, evok (seq.c), the
 * controller's counters and the buffer's engine (engine.c), whose
 * counters move with the background too.
 */
#include "emit.h"

/* Buffer k is built as two halves: an input's buffer marked
 * double_buffer() and filled from a global buffer, per PE (its
 * innermost) or shared (a global buffer filled from another). */
int ihalves_built(const Hw *hw, int k)
{
	const HwBuf *B = &hw->buf[k];
	return B->t != T_OUT && (!B->per_pe || hw->inner[B->t] == k) &&
	       B->b->double_buffered && B->parent >= 0 && is_gb(hw, B->parent);
}

void ihalves_plan(Out *o)
{
	o->nih = 0;
	for (int k = 0; k < o->hw->nbuf; k++) {
		o->ih[k] = ihalves_built(o->hw, k);
		o->nih += o->ih[k];
	}
}

/* The registers and wires the sequencer reads, declared before it. */
void emit_ihalves_decl(Out *o)
{
	for (int k = 0; k < o->hw->nbuf; k++) {
		if (!o->ih[k])
			continue;
		P(o, "\n\t// ---- %s's two halves in every PE (engine %d) ----\n"
		  "\treg ic%d;  // the half the steps read\n"
		  "\treg ib%d;  // the background fetches the next block into the "
		  "other\n\treg ip%d;  // a background is due (the block changed)\n"
		  "\twire ifetch%d;  // the one due will fetch a block\n"
		  "\twire iidle%d = !ib%d && !(ip%d && ifetch%d);\n"
		  "\twire igo%d, ishal%d;\n",
		  o->ln->layer->t[o->hw->buf[k].t].name, k, k, k, k, k, k, k, k,
		  k, k, k);
	}
}

/* The block after the current one (emit_next_block), whether the
 * background will fetch it, and the block it fetches (pt, and ob, what
 * the engine reads for its parts outside the block). */
static void emit_target(Out *o, int k)
{
	const Hw *hw = o->hw;
	emit_next_block(o, k, 0);
	P(o, "\tassign ifetch%d = !tl%d && !tdeep%d;\n", k, k, k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, &hw->buf[k], j))
			P(o, "\treg [%d:0] pt%d_%d;  // the block fetched\n"
			  "\twire [31:0] ob%d_%dx = ib%d ? {%d'd0, pt%d_%d} : c%dx;\n",
			  hw->part[j].width - 1, k, j, k, j, k, 32 - hw->part[j].width,
			  k, j, j);
}

/* Buffer k's halves: the background's control and its path to the PEs
 * (beside the jobs' rsp_*: the words either brings, for tensor t). */
static void emit_one(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int p = B->parent, w = hw->bits[B->t];
	const char *n = tname(B->t);
	P(o, "\tassign igo%d = ip%d && (%s || st == S_WAIT);\n"
	  "\tassign ishal%d = chg%d && !chg%d && !nlast;  // the halves swap\n",
	  k, k, step_states(o), k, k, p);
	emit_target(o, k);
	P(o, "\talways @(posedge clk) begin\n\t\tif (rst) begin\n"
	  "\t\t\tic%d <= 1'b0;\n\t\t\tib%d <= 1'b0;\n\t\t\tip%d <= 1'b0;\n"
	  "\t\tend else if (st == S_IDLE && start) begin\n"
	  "\t\t\tip%d <= 1'b1;  // after the first fills\n"
	  "\t\tend else if (evok && chg%d && !nlast) begin\n"
	  "\t\t\tip%d <= 1'b1;\n\t\t\tif (ishal%d) ic%d <= !ic%d;\n"
	  "\t\tend else if (igo%d) begin\n\t\t\tip%d <= 1'b0;\n"
	  "\t\t\tib%d <= ifetch%d;\n", k, k, k, k, k, k, k, k, k, k, k, k, k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, B, j))
			P(o, "\t\t\tpt%d_%d <= tn%d_%d[%d:0];\n", k, j, k, j,
			  hw->part[j].width - 1);
	P(o, "\t\tend else if (ib%d && f%d_last) begin\n\t\t\tib%d <= 1'b0;\n"
	  "\t\tend\n\tend\n", k, k, k);
	P(o, "\treg ibv%d, ibh%d;  // a word the background read last cycle, "
	  "its half\n\treg [63:0] ibt%d;  // its tag (fill_tag)\n"
	  "\talways @(posedge clk) begin\n\t\tibv%d <= ib%d && fi%d;\n"
	  "\t\tibh%d <= !ic%d;\n\t\tibt%d <= %s;\n\tend\n",
	  k, k, k, k, k, k, k, k, k, fill_tag(o, k));
	if (!B->per_pe)   /* a global buffer: the word is written by port 0
	                     (ihalves_mux) into the half its writer names
	                     (gmem.c) */
		return;
	P(o, "\twire ifv_%s = fwall_%s || ibv%d;  // a word for the PEs: the "
	  "job's or the background's\n"
	  "\twire [63:0] ift_%s = ibv%d ? ibt%d : rsp_tag;\n"
	  "\twire ifh_%s = ibv%d ? ibh%d : ic%d;  // the job fills the steps' "
	  "half\n", n, n, k, n, k, k, n, k, k, k);
	if (B->npar == 1)
		P(o, "\twire [%d:0] ifd_%s = ibv%d ? g%d_rd[%d:0] : rsp_data[%d:0];\n",
		  w - 1, n, k, p, w - 1, w - 1);
}

void emit_ihalves(Out *o)
{
	for (int k = 0; k < o->hw->nbuf; k++)
		if (o->ih[k])
			emit_one(o, k);
}

/* What the backgrounds drive (after the jobs' mux): the parent's port
 * 0, a lane at a time (the lanes' own ports: emit_par); a global
 * buffer's port 0, the word read the cycle before. */
void ihalves_mux(Out *o)
{
	const Hw *hw = o->hw;
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		int p = B->parent;
		if (!o->ih[k] || B->npar > 1)
			continue;
		P(o, "\t\tif (ib%d && fi%d) begin  // the halves' background\n"
		  "\t\t\tg%d_re0 = 1'b1;\n\t\t\tg%d_ra0 = e%d_pa[%d:0];\n\t\tend\n",
		  k, k, p, p, k, hw->buf[p].aw - 1);
		if (!B->per_pe)
			P(o, "\t\tif (ibv%d) begin  // its word, into the other half\n"
			  "\t\t\tg%d_we0 = 1'b1;\n\t\t\tg%d_wa0 = ibt%d[%d:0];\n"
			  "\t\t\tg%d_wd0 = g%d_rd[%d:0];\n\t\tend\n", k, k, k, k,
			  B->aw - 1, k, p, hw->bits[B->t] - 1);
	}
}

/* Input t's ports of PE p (inside the array's generate block): the
 * steps read their half (ic), a fill writes the word the job or the
 * background brings into its half; interleaved, {word, half}. */
void ihalves_pe(Out *o, int t)
{
	const Hw *hw = o->hw;
	int k = hw->inner[t], w = hw->bits[t];
	const HwBuf *B = &hw->buf[k];
	const char *n = tname(t);
	fan_late(o, 0);   /* the PE registers its read address itself */
	if (B->words == 1)
		P(o, ",\n\t\t\t.ra_%s(%s)", n, fan_net(o, 1, "ic%d", k));
	else
		P(o, ",\n\t\t\t.ra_%s(%s)", n,
		  fan_net(o, B->aw + 1, "{ra_%s[%d:0], ic%d}", n, B->aw - 1, k));
	fan_late(o, 1);
	char tag[16];
	snprintf(tag, sizeof tag, "ift_%s", n);
	P(o, ", .fw_%s(%s && LANE_%s == %s", n, pe_net(o, 1, "ifv_%s", n), n,
	  pe_lane_no(o, k, tag, 32));
	fill_guards_pe(o, tag);
	if (B->npar > 1)
		P(o, " && %s", pe_pok(o, k));
	if (B->words == 1)
		P(o, "),\n\t\t\t.fa_%s(%s)", n, fan_net(o, 1, "ifh_%s", n));
	else
		P(o, "),\n\t\t\t.fa_%s(%s)", n,
		  fan_net(o, B->aw + 1, "{ift_%s[%d:0], ifh_%s}", n, B->aw - 1, n));
	if (B->npar > 1)
		P(o, ", .fd_%s(%s)", n, pe_par(o, k));
	else
		P(o, ", .fd_%s(%s)", n, fan_net(o, w, "ifd_%s", n));
}
