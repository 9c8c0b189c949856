/* counters.c - counters of every access, MAC and hop, and of cycles by
 * state and by job, behind `ifndef SYNTHESIS`: printed as
 * "tessera-count ..." lines when the layer is done, which the
 * simulator compares with the model (runtime/sim.c).  Assumes the step
 * stage's signals (stb, pv, lv_*, fb: port.c), the engines' (fi, di,
 * e<k>_sv: engine.c) and the sequencer's (st, job, jinit, ij: seq.c).
 * Fills are counted where they land: a PE's by its register file's
 * fill write (fc_<t>, modules.c), a global buffer's as the words its
 * memories write (each tessera_sram's k_w) less its updates.
 */
#include "emit.h"

/* The words written into tensor t's buffer in level lv from its parent,
 * as a Verilog expression, into e. */
static void fills_of(Out *o, int lv, int t, char *e, size_t n)
{
	const Hw *hw = o->hw;
	snprintf(e, n, "64'd0");
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		if (B->t != t || B->b->level != lv)
			continue;
		if (B->per_pe) {
			if (k != hw->inner[t])
				INTERNAL("a per-PE buffer of %s inside another", tname(t));
			snprintf(e, n, "k_fl%d_%s", lv, tname(t));
			return;
		}
		long sz, nb = bank_plan(hw, k, &sz);
		size_t u = (size_t)snprintf(e, n, "(");
		if (!nb)
			u += (size_t)snprintf(e + u, n - u, "gb%d.k_w", k);
		for (long b = 0; b < nb && u < n; b++)
			u += (size_t)snprintf(e + u, n - u, "%sbank%d_[%ld].m.k_w",
			                      b ? " + " : "", k, b);
		if (u >= n || (size_t)snprintf(e + u, n - u, " - k_wr%d_%s)", lv,
		                                 tname(t)) >= n - u)
			INTERNAL("the fills of %s's %ld banks", tname(t), nb);
		return;
	}
}

void emit_counters(Out *o)
{
	const Hw *hw = o->hw;
	const Arch *A = o->ln->arch;
	P(o, "\n`ifndef SYNTHESIS\n\t// ---- counters of every access, MAC and "
	  "hop (simulation only) ----\n\treg [63:0] k_cyc, k_mac");
	for (int t = 0; t < NTENSORS; t++) {
		P(o, ", k_hop_%s", tname(t));
		for (int lv = 0; lv < A->nlevels; lv++)
			P(o, ", k_rd%d_%s, k_wr%d_%s", lv, tname(t), lv, tname(t));
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, ", k_fl%d_%s", hw->buf[hw->inner[t]].b->level, tname(t));
	}
	int hsk = o->skd && hw->buf[hw->inner[T_OUT]].per_pe;
	if (hsk)   /* a skewed output's drained PEs, as each is (skew.c) */
		P(o, ", k_hsk");
	P(o, ";\n\treg [63:0] k_step, k_flush, k_end;  // cycles by state\n"
	  "\treg [63:0] k_job [0:%d];  // cycles by job\n"
	  "\treg [63:0] k_jrun [0:%d];  // runs of each job\n"
	  "\tinteger kj;\n", o->njobs - 1, o->njobs - 1);
	P(o, "\talways @(posedge clk) begin\n\t\tif (rst) begin\n"
	  "\t\t\tk_cyc <= 64'd0;\n\t\t\tk_mac <= 64'd0;\n"
	  "\t\t\tk_step <= 64'd0;\n\t\t\tk_flush <= 64'd0;\n"
	  "\t\t\tk_end <= 64'd0;\n\t\t\tfor (kj = 0; kj < %d; kj = kj + 1) "
	  "begin\n\t\t\t\tk_job[kj] <= 64'd0;\n\t\t\t\tk_jrun[kj] <= 64'd0;\n"
	  "\t\t\tend\n", o->njobs);
	if (hsk)
		P(o, "\t\t\tk_hsk <= 64'd0;\n");
	for (int t = 0; t < NTENSORS; t++) {
		P(o, "\t\t\tk_hop_%s <= 64'd0;\n", tname(t));
		for (int lv = 0; lv < A->nlevels; lv++)
			P(o, "\t\t\tk_rd%d_%s <= 64'd0;\n\t\t\tk_wr%d_%s <= 64'd0;\n",
			  lv, tname(t), lv, tname(t));
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, "\t\t\tk_fl%d_%s <= 64'd0;\n",
			  hw->buf[hw->inner[t]].b->level, tname(t));
	}
	P(o, "\t\tend else begin\n"
	  "\t\t\tif (st != S_IDLE && !done) k_cyc <= k_cyc + 64'd1;\n"
	  "\t\t\tif (%s) k_step <= k_step + 64'd1;\n"
	  "\t\t\tif (st == S_FLUSH) k_flush <= k_flush + 64'd1;\n"
	  "\t\t\tif (st == S_DONE && !done) k_end <= k_end + 64'd1;\n"
	  "\t\t\tif (st == S_JOB) k_job[job[%d:0]] <= k_job[job[%d:0]] + 64'd1;\n"
	  "\t\t\tif (jinit) k_jrun[ij[%d:0]] <= k_jrun[ij[%d:0]] + 64'd1;\n",
	  step_states(o), hw_bits(o->njobs - 1) - 1, hw_bits(o->njobs - 1) - 1,
	  hw_bits(o->njobs - 1) - 1, hw_bits(o->njobs - 1) - 1);
	if (ev_waits(o)) {   /* the inputs' halves: their backgrounds' runs;
	                        a wait under the output's global buffer's
	                        drain while its background is in the way,
	                        else the fill of the first input in the way
	                        (else the output's halves' drain, or the
	                        first input's fill, or the global buffer's
	                        drain) */
		int first = -1, chain = 0;
		for (int k = 0; k < hw->nbuf; k++)
			if (o->ih[k])
				P(o, "\t\t\tif (igo%d && ifetch%d) k_jrun[%d] <= k_jrun[%d] + "
				  "64'd1;\n", k, k, job_of(o, k, 0), job_of(o, k, 0));
		if (o->og >= 0) {
			int jd = job_of(o, o->og, 1);
			P(o, "\t\t\tif (st == S_WAIT && (nlast || chg%d) && !ogidle)\n"
			  "\t\t\t\tk_job[%d] <= k_job[%d] + 64'd1;\n", o->og, jd, jd);
			chain = 1;
		}
		for (int k = 0; k < hw->nbuf; k++) {
			if (!o->ih[k])
				continue;
			int jf = job_of(o, k, 0);
			P(o, "\t\t\t%sif (st == S_WAIT && (nlast || chg%d) && !iidle%d)"
			  "\n\t\t\t\tk_job[%d] <= k_job[%d] + 64'd1;\n",
			  chain ? "else " : "", k, k, jf, jf);
			chain = 1;
			if (first < 0)
				first = jf;
		}
		int jw = o->oh >= 0 ? job_of(o, o->oh, 1)
		       : first >= 0 ? first : job_of(o, o->og, 1);
		P(o, "\t\t\telse if (st == S_WAIT) k_job[%d] <= k_job[%d] + 64'd1;\n",
		  jw, jw);
	}
	if (o->oh >= 0) {   /* the halves: the steps wait for their background
	                       (its drain's share), and its runs */
		int jd = job_of(o, o->oh, 1), jf = job_of(o, o->oh, 0);
		if (!ev_waits(o))
			P(o, "\t\t\tif (st == S_WAIT) k_job[%d] <= k_job[%d] + "
			  "64'd1;\n", jd, jd);
		P(o, "\t\t\tif (hgo_swap) k_jrun[%d] <= k_jrun[%d] + 64'd1;\n"
		  "\t\t\tif ((hgo_swap || hgo_sync) && !tl%d && !tdeep%d && tret%d)\n"
		  "\t\t\t\tk_jrun[%d] <= k_jrun[%d] + 64'd1;\n", jd, jd,
		  o->oh, o->oh, o->oh, jf, jf);
	}
	for (int t = 0; t < NTENSORS; t++)
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, "\t\t\tif (|pfc_%s) k_fl%d_%s <= k_fl%d_%s + "
			  "$countones(pfc_%s);\n", tname(t),
			  hw->buf[hw->inner[t]].b->level, tname(t),
			  hw->buf[hw->inner[t]].b->level, tname(t), tname(t));
	P(o, "\t\t\tif (stb) begin\n\t\t\t\tk_mac <= k_mac + $countones(pv);\n");
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		int lv = B->b->level;
		const char *n = tname(t);
		if (t != T_OUT) {
			if (B->per_pe)
				P(o, "\t\t\t\tk_rd%d_%s <= k_rd%d_%s + $countones(pv);\n",
				  lv, n, lv, n);
			else
				P(o, "\t\t\t\tk_rd%d_%s <= k_rd%d_%s + $countones(lv_%s);\n"
				  "\t\t\t\tk_hop_%s <= k_hop_%s + $countones(pv);\n",
				  lv, n, lv, n, n, n, n);
		} else if (B->per_pe) {
			P(o, "\t\t\t\tk_wr%d_o <= k_wr%d_o + $countones(pv);\n"
			  "\t\t\t\tk_rd%d_o <= k_rd%d_o + $countones(pv & ~(fb ? pch0 : "
			  "{NPE{1'b0}})%s);\n", lv, lv, lv, lv,
			  hw->fresh ? " & ~(pfr & ~ptc)" : "");
		} else {
			P(o, "\t\t\t\tk_wr%d_o <= k_wr%d_o + $countones(lv_o);\n"
			  "\t\t\t\tif (!fb) k_rd%d_o <= k_rd%d_o + $countones(lv_o);\n"
			  "\t\t\t\tk_hop_o <= k_hop_o + $countones(pv) + "
			  "(fb ? 64'd0 : $countones(lv_o));\n", lv, lv, lv, lv);
		}
	}
	P(o, "\t\t\tend\n");
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		const char *n = tname(B->t);
		char rd[32] = "64'd1", wr[32] = "64'd1";
		if (o->pf[k].slots) {
			snprintf(rd, sizeof rd, "$countones(e%d_sv)", k);
			snprintf(wr, sizeof wr, "$countones(e%d_sv)", k);
		}
		if (B->npar > 1) {
			snprintf(rd, sizeof rd, "$countones(g%d_rep)", B->parent);
			snprintf(wr, sizeof wr, "$countones(g%d_wep)", B->parent);
		}
		if (ret_late_at(o, k))   /* reads put off */
			P(o, "\t\t\tbegin\n\t\t\t\tk_rd%d_%s <= k_rd%d_%s + %s;\n",
			  B->plevel, n, B->plevel, n, rd);
		else
			P(o, "\t\t\tif (fi%d) begin\n\t\t\t\tk_rd%d_%s <= k_rd%d_%s + "
			  "%s;\n", k, B->plevel, n, B->plevel, n, rd);
		if (B->per_pe)
			P(o, "\t\t\t\tk_hop_%s <= k_hop_%s + %s;\n", n, n,
			  B->t == T_OUT ? rd : B->t == T_A ? "$countones(rcv_a)"
			                                   : "$countones(rcv_b)");
		P(o, "\t\t\tend\n");
		if (o->og == k)   /* its background's reads and writes */
			P(o, "\t\t\tif (ofi) k_rd%d_o <= k_rd%d_o + %s;\n"
			  "\t\t\tif (ogr) k_wr%d_o <= k_wr%d_o + %s;\n", B->plevel,
			  B->plevel, rd, B->plevel, B->plevel, wr);
		if (B->t != T_OUT)
			continue;
		if (B->per_pe && o->skd) {   /* its sums written L cycles after
		                                the drain, its PEs drained as
		                                each sees it (skew.c) */
			P(o, "\t\t\tk_wr%d_o <= k_wr%d_o + %s;\n"
			  "\t\t\tk_hsk <= k_hsk + $countones(%spdt);\n",
			  B->plevel, B->plevel, wr, o->sdq ? "" : "pdc & ");
			continue;
		}
		if (o->dreg[k])   /* its sums written a cycle after the drain */
			P(o, "\t\t\tk_wr%d_o <= k_wr%d_o + %s;\n\t\t\tif (di%d) begin\n",
			  B->plevel, B->plevel, wr, k);
		else
			P(o, "\t\t\tif (di%d) begin\n\t\t\t\tk_wr%d_o <= k_wr%d_o + %s;\n",
			  k, B->plevel, B->plevel, wr);
		if (B->per_pe && B->npar > 1)
			P(o, "\t\t\t\tk_hop_o <= k_hop_o + pcs%d;\n", k);
		else if (B->per_pe)
			P(o, "\t\t\t\tk_hop_o <= k_hop_o + {32'd0, dcnt};\n");
		P(o, "\t\t\tend\n");
	}
	P(o, "\t\tend\n\t\tif (st == S_DONE && !mem_req && !done) begin\n"
	  "\t\t\t$display(\"tessera-count cycles %%0d\", k_cyc);\n"
	  "\t\t\t$display(\"tessera-count phase %%0d %%0d %%0d\", k_step, "
	  "k_flush, k_end);\n");
	for (int i = 0; i < o->njobs; i++)
		P(o, "\t\t\t$display(\"tessera-count job %d %d %%0d %%0d\", "
		  "k_job[%d], k_jrun[%d]);\n", o->job_buf[i], o->job_drain[i], i, i);
	P(o, "\t\t\t$display(\"tessera-count macs %%0d\", k_mac);\n");
	for (int t = 0; t < NTENSORS; t++) {
		P(o, "\t\t\t$display(\"tessera-count hops %d %%0d\", k_hop_%s%s);\n",
		  t, tname(t), t == T_OUT && hsk ? " + k_hsk" : "");
		for (int lv = 0; lv < A->nlevels; lv++) {
			char fl[16384];
			fills_of(o, lv, t, fl, sizeof fl);
			P(o, "\t\t\t$display(\"tessera-count access %d %d %%0d %%0d "
			  "%%0d\", k_rd%d_%s, %s, k_wr%d_%s);\n", lv, t, lv, tname(t), fl,
			  lv, tname(t));
		}
	}
	P(o, "\t\tend\n\tend\n`endif\n");
}
