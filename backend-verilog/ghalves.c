/* ghalves.c - the output's global buffer marked double_buffer(), built
 * as two halves so that its refills do not stop the array for the
 * partial sums' trip to DRAM and back: the steps (and the register
 * files inside it) use one half while a background walk of its engine
 * drains the block just finished from the other to DRAM and then
 * returns into it the partial sums of the block after the next one
 * (docs/hardware.md).
 *
 * At a refill of the buffer (not the layer's last event), once its
 * background is idle, its drain job takes one cycle: the halves swap
 * and the background starts; its fill job takes one, its partial sums
 * being in already.  The background reads a group of words (a word, or
 * the slots' words) in one cycle and writes it to DRAM on a DRAM cycle
 * no job and no prefetch before it uses, reading the next group in the
 * same cycle; the memory's read register holds a group until it is
 * written.  Its reads of the partial sums go out on the DRAM cycles
 * after its last write, and their answers are written into its half.
 * The background has ports of its own, a read and a write port, or
 * the slots' ports where the DRAM moves several words a cycle into one
 * memory or bank (gmem.c), and port 0 is the steps' half's, which the
 * buffers inside may use.  Where the slots are a word per bank, through
 * the banks' port 0, the background uses port 0: the memory is banked
 * only for lanes that reach it through ports of their own (the steps',
 * or a register file's served lanes at once), so no buffer inside uses
 * port 0 then.  After the last step the jobs
 * drain the steps' half as for any buffer.
 *
 * Assumes the sequencer's st, jinit, ij, ending, nx<j> (seq.c), the
 * controller's counters and the buffer's engine (engine.c), whose
 * counters move with the background too.
 */
#include "emit.h"

/* Why output buffer k, shared and marked double_buffer(), is not built
 * as two halves; NULL: it is. */
const char *ghalves_refusal(const Hw *hw, int k)
{
	const HwBuf *B = &hw->buf[k];
	if (B->parent >= 0)
		return "an output's global buffer filled from another on-chip "
		       "buffer is built as one buffer, drained and refilled "
		       "between the steps";
	if (B->box)
		return "its walk is by index position (a box walk), which its "
		       "background does not make";
	if (blocks_share(hw, k))
		return "two of its blocks in a row can hold the same element (a "
		       "reduction in or inside its refill loop, or an edge tile "
		       "cutting the loop that moves it to one value), so the "
		       "partial sums of the next block cannot be fetched while the "
		       "current one accumulates";
	return NULL;
}

/* The output's global buffer built as two halves, or -1. */
int ghalves_buffer(const Hw *hw)
{
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		if (B->t == T_OUT && !B->per_pe && B->b->double_buffered &&
		    B->b->refill >= 0 && !ghalves_refusal(hw, k))
			return k;
	}
	return -1;
}

/* The registers and wires the sequencer and the job mux read, declared
 * before them. */
void emit_ghalves_decl(Out *o)
{
	int k = o->og, G = o->pf[k].slots;
	P(o, "\n\t// ---- the output's global buffer in two halves (engine %d) "
	  "----\n\treg ogc;  // the half the steps and the buffers inside it "
	  "use\n\treg ogd, ogt;  // the background: draining the other half; "
	  "returning partial sums into it\n"
	  "\treg ogv;  // a group it read waits for the DRAM\n"
	  "\treg ogn;  // it returns the partial sums of the block after next\n"
	  "\treg [31:0] oga, oo;  // the group's DRAM address; its reads in "
	  "flight\n\treg ogw, ogr, ofi;  // this cycle: the group written, "
	  "a group read, a return read\n"
	  "\twire ogidle = !ogd && !ogt && !ogv && oo == 32'd0;\n"
	  "\twire ogeh = ogd ? !ogc : ogc;  // the half port 0 and the slots "
	  "read\n", k);
	if (G)
		P(o, "\treg [31:0] ogbc;  // the group's first bank\n"
		  "\treg [%d:0] ogsv;  // its slots that hold a word\n", G - 1);
}

/* The background's control: the swap, the blocks it drains and
 * prepares (ob<k>_<j>x, what the engine reads for its refill parts),
 * its state. */
void emit_ghalves(Out *o)
{
	const Hw *hw = o->hw;
	int k = o->og, jd = job_of(o, k, 1);
	const HwBuf *B = &hw->buf[k];
	P(o, "\twire ogswap = jinit && ij == 8'd%d && !ending;  // its drain "
	  "job: the halves swap\n", jd);
	emit_next_block(o, k, 2);
	P(o, "\twire tret%d = 1'b0", k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, B, j) && B->ret[j])
			P(o, " || tn%d_%d != 32'd0", k, j);
	P(o, ";  // its partial sums come back\n");
	emit_bg_block(o, k, "ogd", "ogt");
	P(o, "\talways @(posedge clk) begin\n\t\tif (rst) begin\n"
	  "\t\t\togc <= 1'b0;\n\t\t\togd <= 1'b0;\n\t\t\togt <= 1'b0;\n"
	  "\t\t\togv <= 1'b0;\n\t\t\too <= 32'd0;\n\t\tend else begin\n"
	  "\t\t\too <= oo + {31'd0, ofi} - {31'd0, ra%d};\n"
	  "\t\t\tif (ogswap) begin\n\t\t\t\togc <= !ogc;\n\t\t\t\togd <= 1'b1;\n"
	  "\t\t\t\togn <= !tl%d && tret%d;\n", k, k, k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, B, j))
			P(o, "\t\t\t\tds%d_%d <= c%d;\n\t\t\t\tpt%d_%d <= tn%d_%d[%d:0];\n",
			  k, j, j, k, j, k, j, hw->part[j].width - 1);
	P(o, "\t\t\tend\n\t\t\tif (ogr) ogv <= 1'b1;\n"
	  "\t\t\telse if (ogw) ogv <= 1'b0;\n"
	  "\t\t\tif (ogr && f%d_last) begin  // the last group read\n"
	  "\t\t\t\togd <= 1'b0;\n\t\t\t\togt <= ogn;\n\t\t\tend\n"
	  "\t\t\tif (ofi && f%d_last) ogt <= 1'b0;\n\t\tend\n"
	  "\t\tif (ogr) begin\n\t\t\toga <= e%d_pa;\n", k, k, k);
	if (o->pf[k].slots)
		P(o, "\t\t\togbc <= e%d_bc;\n\t\t\togsv <= e%d_sv;\n", k, k);
	P(o, "\t\tend\n\tend\n");
}

/* What the background drives, in the job mux after the jobs and the
 * prefetches before it (held: the repeats of those that hold the DRAM's
 * cycle): its group's DRAM write, the next group's read, its returns'
 * reads. */
void ghalves_mux(Out *o, const char *held)
{
	const Hw *hw = o->hw;
	int k = o->og, G = o->pf[k].slots, w = hw->bits[T_OUT];
	P(o, "\t\tif (ogv && !rq_v%s) begin  // the group read: to DRAM\n"
	  "\t\t\togw = 1'b1;\n", held);
	char e[48];
	snprintf(e, sizeof e, "g%d_%s[%d:0]", k, G ? "sdd" : "ord", w - 1);
	dram_write_group(o, k, "oga", "ogsv", e);
	P(o, "\t\tend\n\t\tif (ogd && (!ogv || ogw)) begin  // the next group\n"
	  "\t\t\togr = 1'b1;\n");
	if (G)
		P(o, "\t\t\tg%d_sd = 1'b1;\n", k);
	P(o, "\t\tend else if (ogt && !ogv && !rq_v%s) begin  // a return's "
	  "read\n\t\t\tofi = 1'b1;\n", held);
	emit_fetch(o, k, k + 1, "\t\t\t");
	P(o, "\t\tend\n");
}
