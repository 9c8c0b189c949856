/* port.c - tessera_top's ports (DRAM: one request a cycle, with its
 * read and write slots when buffers move a word per bank) and the
 * registers between the steps and DRAM: step stage B, the drained
 * lane's sum, the register files' addresses, the DRAM request's
 * registers and the responses (DRAM's answers to the jobs and the
 * parent's reads, merged as rsp_*).  What the request holds each cycle
 * is set by the job mux (seq.c).
 */
#include "emit.h"

/* ---- the top ---- */

static const char *S_NAMES = "S_IDLE = 3'd0, S_JOB = 3'd1, S_STEP = 3'd2, "
                             "S_FLUSH = 3'd3, S_DONE = 3'd4";

void emit_ports(Out *o)
{
	const Hw *hw = o->hw;
	P(o, "// Addresses are computed in 32 bits and sliced to each memory's\n"
	  "// width, and the DRAM answer's tag is read by field: their high\n"
	  "// bits are unused by design.\n/* verilator lint_off UNUSEDSIGNAL */\n");
	P(o, "module tessera_top (\n\tinput wire clk,\n\tinput wire rst,\n"
	  "\tinput wire start,      // one pulse runs the whole layer\n"
	  "\toutput reg done,\n"
	  "\t// DRAM: one request a cycle; reads answer in order with the tag\n"
	  "\toutput reg mem_req,\n\toutput reg mem_we,\n"
	  "\toutput reg [31:0] mem_addr,\n\toutput reg [%d:0] mem_wdata,\n"
	  "\toutput reg [63:0] mem_tag,\n\tinput wire mem_rvalid,\n"
	  "\tinput wire [%d:0] mem_rdata,\n\tinput wire [63:0] mem_rtag",
	  hw->dw - 1, hw->dw - 1);
	int G = o->dslots;
	if (G > 1)
		P(o, ",\n\t// read slots 1 to %d: words read with the request, answered "
		  "with it\n\toutput reg [%d:0] mem_xreq,\n"
		  "\toutput reg [%d:0] mem_xaddr,\n\tinput wire [%d:0] mem_xvalid,\n"
		  "\tinput wire [%d:0] mem_xdata", G - 1, G - 2, (G - 1) * 32 - 1, G - 2,
		  (G - 1) * hw->dw - 1);
	if (o->wslots)   /* a write's slots: mem_xreq, mem_xaddr and these */
		P(o, ",\n\t// write slots 1 to %d: words written with the request\n"
		  "\toutput reg [%d:0] mem_xwdata", o->wslots - 1,
		  (o->wslots - 1) * hw->dw - 1);
	P(o, "\n);\n");
	P(o, "\tlocalparam [2:0] %s%s%s;\n\tlocalparam integer NPE = %ld;\n",
	  S_NAMES, has_wait(o) ? ", S_WAIT = 3'd5" : "",
	  hw->padded ? ", S_PAD = 3'd6" : "", hw->npe);
}

void emit_datapath(Out *o)
{
	const Hw *hw = o->hw;
	int wo = hw->bits[T_OUT];
	P(o, "\n\t// ---- step stage B registers, DRAM port, responses ----\n"
	  "\treg stb, fb;\n\twire [NPE-1:0] pv, pch0;\n%s",
	  hw->fresh ? "`ifndef SYNTHESIS\n\twire [NPE-1:0] pfr, ptc;  // PEs that "
	  "start their own sums, and whose sum is begun\n`endif\n" : "");
	for (int t = 0; t < NTENSORS; t++)
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, "`ifndef SYNTHESIS\n\twire [NPE-1:0] pfc_%s;  // PEs whose "
			  "fill writes a word of %s\n`endif\n", tname(t), tname(t));
	for (int g = 0; g < o->ln->nguards; g++)
		if (guard_spatial(o, g))
			P(o, "\treg [31:0] sgb%d;\n\twire [31:0] sga%d;\n", g, g);
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		if (B->per_pe) {
			if (t != T_OUT)
				P(o, "\twire [NPE-1:0] rcv_%s;\n\treg fwall_%s;\n", tname(t),
				  tname(t));
		} else {
			P(o, "\twire [%ld:0] lv_%s;\n", hw->nlanes[t] - 1, tname(t));
		}
	}
	const HwBuf *O = &hw->buf[hw->inner[T_OUT]];
	if (O->per_pe)
		P(o, "\treg fwall_o, clro, dcall;\n\twire [NPE-1:0] pinl, pdt;\n"
		  "\twire [%d:0] pdv [0:NPE-1];  // one word a PE (an array, not a bus)\n",
		  wo - 1);
	if (O->per_pe && o->skd)
		P(o, "\twire [NPE-1:0] pdc;  // each PE's drain select, as it "
		  "sees it\n");
	if (O->per_pe && O->npar == 1)   /* drained one lane at a time */
		P(o, "\twire [%d:0] dsum;  // the drained lane, summed\n"
		  "\twire [NPE-1:0] dm = {NPE{dcall}} & pinl & pdt;\n"
		  "\twire [NPE*%d-1:0] dd;\n\tgenvar q;\n"
		  "\tgenerate for (q = 0; q < NPE; q = q + 1) begin : drained\n"
		  "\t\tassign dd[q*%d +: %d] = pdv[q];\n\tend endgenerate\n"
		  "\t// summed without dcall, which every write of the sum has\n"
		  "\ttessera_sum #(.N(NPE), .W(%d)) dsu (.m(pinl & pdt), .d(dd), "
		  ".s(dsum));\n"
		  "\twire dany = |dm;\n"
		  "`ifndef SYNTHESIS\n\treg [31:0] dcnt;  // PEs drained\n"
		  "\tinteger dq;\n\talways @* begin\n\t\tdcnt = 32'd0;\n"
		  "\t\tfor (dq = 0; dq < NPE; dq = dq + 1) dcnt = dcnt + {31'd0, dm[dq]};\n"
		  "\tend\n`endif\n", wo - 1, wo, wo, wo, wo);
	else if (!O->per_pe)
		P(o, "\treg clro, dcall;\n\twire [%d:0] pprod [0:NPE-1];\n%s", wo - 1,
		  o->lq ? "\twire [NPE-1:0] ppv;  // the PEs' valid bits, registered "
		  "with their products\n" : "");
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		if (!B->per_pe)
			continue;
		int k = hw->inner[t];
		if (B->kslide) {   /* kept: at the word's place (kept.c) */
			P(o, "\twire [31:0] rl_%s = ", tname(t));
			sum(o, (Namer){V_CUR, 0, 0, 0}, B->acoef, 0);
			P(o, ";\n\twire [31:0] ra_%s = {%d'd0, ", tname(t), 32 - B->aw);
			char e[32];
			snprintf(e, sizeof e, "rl_%s[%d:0]", tname(t), B->aw - 1);
			kept_addr(o, k, e);
			P(o, "};  // register file address, all PEs\n");
			continue;
		}
		P(o, "\twire [31:0] ra_%s = ", tname(t));
		sum(o, (Namer){V_CUR, 0, 0, 0}, B->acoef, 0);
		P(o, ";  // register file address, all PEs\n");
	}
	for (int g = 0; g < o->ln->nguards; g++)
		if (guard_spatial(o, g)) {
			long c[HW_MAXP];
			guard_coefs(hw, g, c);
			P(o, "\tassign sga%d = ", g);
			sum(o, (Namer){V_CUR, 0, 0, 0}, c, 0);
			P(o, ";\n");
		}
	P(o, "\talways @(posedge clk) begin\n\t\tstb <= sta;\n"
	  "\t\tfb <= first_a;\n");
	for (int g = 0; g < o->ln->nguards; g++)
		if (guard_spatial(o, g))
			P(o, "\t\tsgb%d <= sga%d;\n", g, g);
	P(o, "\tend\n");
	P(o, "\treg rq_v, rq_we, gp_go, dp_go, gp_v, dp_v;\n"
	  "\treg [31:0] rq_addr, dp_an, dp_a, outst;\n"
	  "\treg [%d:0] rq_data, gp_data;\n\treg [63:0] rq_tag, gp_tn, gp_tag;\n",
	  hw->dw - 1);
	if (o->dslots > 1)
		P(o, "\treg [%d:0] rq_xv;\n\treg [%d:0] rq_xaddr;\n"
		  "\talways @(posedge clk) begin\n\t\tmem_xreq <= rq_xv;\n"
		  "\t\tmem_xaddr <= rq_xaddr;\n\tend\n", o->dslots - 2,
		  (o->dslots - 1) * 32 - 1);
	if (o->wslots)   /* a drain's slots: read in one cycle, written in
	                    the next; dp_bc, the group's first bank, gives
	                    their words, their valid bits and addresses */
		P(o, "\treg [%d:0] rq_xwd;\n\treg [31:0] dp_bcn, dp_bc;\n"
		  "\treg [%d:0] dp_svn, dp_sv;  // the slots that hold a word\n"
		  "\talways @(posedge clk) begin\n\t\tmem_xwdata <= rq_xwd;\n"
		  "\t\tdp_bc <= dp_bcn;\n\t\tdp_sv <= dp_svn;\n\tend\n",
		  (o->wslots - 1) * o->hw->dw - 1, o->wslots - 1);
	/* the jobs' DRAM answers (a prefetch's are not theirs): each names
	 * its buffer in the tag's top byte, and its buffer writes it
	 * whatever job runs then (seq.c), so that the jobs of one refill
	 * send their reads back to back */
	P(o, "\twire mjv = 1'b0");
	for (int k = 0; k < hw->nbuf; k++)
		if (!hw->buf[k].per_pe && hw->buf[k].parent < 0 && !o->pre[k] &&
		    o->og != k)
			P(o, " || ra%d", k);
	P(o, ";\n\twire rsp_v = gp_v;  // an answer from a global buffer\n"
	  "\twire [63:0] rsp_tag = gp_tag;\n\twire [%d:0] rsp_data = gp_data;\n",
	  hw->dw - 1);
	P(o, "\talways @(posedge clk) begin\n\t\tmem_req <= rq_v;\n"
	  "\t\tmem_we <= rq_we;\n\t\tmem_addr <= rq_addr;\n"
	  "\t\tmem_wdata <= rq_data;\n\t\tmem_tag <= rq_tag;\n"
	  "\t\tgp_v <= gp_go;\n\t\tgp_tag <= gp_tn;\n\t\tdp_v <= dp_go;\n"
	  "\t\tdp_a <= dp_an;\n\t\tif (rst) outst <= 32'd0;\n"
	  "\t\telse outst <= outst + {31'd0, rq_v && !rq_we");
	for (int k = 0; k < hw->nbuf; k++)
		if (o->pre[k])
			P(o, " && !pfi%d", k);
	if (o->og >= 0)   /* nor the output's background's */
		P(o, " && !ofi");
	P(o, "} - {31'd0, mjv};\n\tend\n");
}
