/* modules.c - the modules tessera_top instantiates: the behavioural
 * SRAM (black-boxed by synthesis), a lane's adder and the PE with its
 * register files.  Each is written once and parameterized, so that
 * synthesis maps it once.
 */
#include "emit.h"

static void emit_sram(Out *o)
{
	P(o, "// A behavioural SRAM with synchronous read: NR read and NW write "
	  "ports.\nmodule tessera_sram #(\n"
	  "\tparameter integer W = 16, D = 16, AW = 4, NR = 1, NW = 1\n) (\n"
	  "\tinput wire clk,\n"
	  "\tinput wire [NR-1:0] re,\n\tinput wire [NR*AW-1:0] raddr,\n"
	  "\toutput reg [NR*W-1:0] rdata,\n"
	  "\tinput wire [NW-1:0] we,\n\tinput wire [NW*AW-1:0] waddr,\n"
	  "\tinput wire [NW*W-1:0] wdata\n);\n"
	  "\treg [W-1:0] mem [0:D-1];\n\tinteger i;\n"
	  "\talways @(posedge clk) begin\n"
	  "\t\tfor (i = 0; i < NR; i = i + 1)\n"
	  "\t\t\tif (re[i]) rdata[i*W +: W] <= mem[raddr[i*AW +: AW]];\n"
	  "\t\tfor (i = 0; i < NW; i = i + 1)\n"
	  "\t\t\tif (we[i]) mem[waddr[i*AW +: AW]] <= wdata[i*W +: W];\n"
	  "\tend\n`ifndef SYNTHESIS\n"
	  "\t// the words written, whatever the port: the top reads it as its\n"
	  "\t// buffer's fills and updates (simulation only)\n"
	  "\treg [63:0] k_w = 64'd0;\n"
	  "\talways @(posedge clk) if (|we) k_w <= k_w + $countones(we);\n"
	  "`endif\nendmodule\n\n");
}

/* The PE's product, cut or sign-extended to the accumulator's width.
 * The operands are multiplied at their own widths (one bit more for an
 * unsigned one beside a signed one), never widened first: the low bits
 * of a product do not depend on how the operands were widened, and a
 * 16 x 16 multiplier is a quarter of a 32 x 32 one. */
static void emit_mul(Out *o)
{
	const Hw *hw = o->hw;
	const Tensor *T = o->ln->layer->t;
	int sa = T[T_A].type.is_signed, sb = T[T_B].type.is_signed;
	int wo = hw->bits[T_OUT];
	if (!sa && !sb) {
		P(o, "\twire [%d:0] mul = x_a * x_b;  // unsigned\n", wo - 1);
		return;
	}
	for (int t = T_A; t <= T_B; t++) {
		int w = hw->bits[t], sg = T[t].type.is_signed;
		const char *n = tname(t);
		if (sg)
			P(o, "\twire signed [%d:0] %ss = x_%s;\n", w - 1, n, n);
		else
			P(o, "\twire signed [%d:0] %ss = {1'b0, x_%s};\n", w, n, n);
	}
	P(o, "\twire signed [%d:0] mul = as * bs;  // signed\n", wo - 1);
}

/* The sum along one accumulation chain: the words of the lane's PEs
 * whose mask bits are set, added as a balanced binary tree (N padded to
 * a power of two with zeros): log2 N adders deep instead of N - 1, the
 * same sum (two's complement addition is associative).  16 words of 32
 * bits between registers: 6.2 ns as a tree, 12.0 ns as a chain, and a
 * carry-save tree with one final adder only 5.9 ns (OSU 0.18 um, as
 * `tessera synth` maps it): the last adder's carry is most of it.  A
 * module of its own, so that synthesis maps it once for all the lanes. */
static void emit_sum(Out *o)
{
	P(o, "// A lane's partial sums added: the words whose mask bit is set,\n"
	  "// as a balanced tree of adders (t[0] the root, t[P-1+i] word i).\n"
	  "module tessera_sum #(\n\tparameter integer N = 1, W = 32\n) (\n"
	  "\tinput wire [N-1:0] m,\n\tinput wire [N*W-1:0] d,\n"
	  "\toutput reg [W-1:0] s\n);\n"
	  "\tlocalparam integer P = N > 1 ? 1 << $clog2(N) : 1;\n"
	  "\treg [W-1:0] t [0:2*P-2];\n\tinteger i;\n\talways @* begin\n"
	  "\t\tfor (i = 0; i < P; i = i + 1)\n"
	  "\t\t\tt[P-1+i] = i < N && m[i] ? d[i*W +: W] : {W{1'b0}};\n"
	  "\t\tfor (i = P - 2; i >= 0; i = i - 1)\n"
	  "\t\t\tt[i] = t[2*i+1] + t[2*i+2];\n\t\ts = t[0];\n\tend\n"
	  "endmodule\n\n");
}

/* The adder tree of buffer k's lanes (an output's: engine.c drains a
 * per-PE one through it, array.c sums a shared one's products): 0 none
 * (a shared output's lanes of one PE), 1 tessera_sum, 2 tessera_sum_q
 * (a register, plan_dreg and plan_lanes in gbuf.c). */
int lane_tree(const Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	if (o->skd && (B->per_pe || skew_chain(hw) >= 0))   /* skew.c: PE
	                                                       to PE */
		return 0;
	if (B->per_pe)
		return o->dreg[k] ? 2 : 1;
	if (o->ldreg)
		return 2;
	return hw->npe > step_lanes(hw, k) ? 1 : 0;
}

/* Lane u's sum s of its words d, masked by m (declared by the caller),
 * through buffer k's lane tree. */
void emit_lane_tree(Out *o, int k, long n, const char *m)
{
	int w = o->hw->bits[T_OUT], t = lane_tree(o, k);
	int D = o->hw->buf[k].per_pe ? o->dreg[k] : o->ldreg;
	if (t == 2)
		P(o, "\t\ttessera_sum_q #(.N(%ld), .W(%d), .D(%d)) sum (.clk(clk), "
		  ".m(%s), .d(d), .s(s));\n", n, w, D, m);
	else if (t == 1)
		P(o, "\t\ttessera_sum #(.N(%ld), .W(%d)) sum (.m(%s), .d(d), "
		  ".s(s));\n", n, w, m);
	else   /* in the top: synthesis sees all its loads of the valid bit */
		P(o, "\t\tassign s = %s[0] ? d : %d'd0;\n", m, w);
}

/* Whether tessera_sum (q: tessera_sum_q) is instantiated: by an
 * output's lanes (lane_tree), or by a per-PE output's drain one lane at
 * a time (port.c). */
static int uses_sum(const Out *o, int q)
{
	const Hw *hw = o->hw;
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		if (B->t != T_OUT)
			continue;
		int lanes = B->per_pe ? B->npar > 1
		                      : step_lanes(hw, k) && is_gb(hw, k);
		if (lanes && lane_tree(o, k) == 1 + q)
			return 1;
		if (!q && B->per_pe && B->npar == 1)
			return 1;
	}
	return 0;
}

/* The same tree with a register across it D levels below the root
 * (plan_dreg in gbuf.c): the sum comes a cycle after its words, and
 * neither half of the tree is longer than the bare MAC.  Written only
 * where a design uses it. */
static void emit_sum_q(Out *o)
{
	P(o, "// The same with the 2^D nodes D levels below the root registered:\n"
	  "// the sum of the words of one cycle comes the next cycle.\n"
	  "module tessera_sum_q #(\n\tparameter integer N = 2, W = 32, D = 1\n"
	  ") (\n\tinput wire clk,\n\tinput wire [N-1:0] m,\n"
	  "\tinput wire [N*W-1:0] d,\n\toutput reg [W-1:0] s\n);\n"
	  "\tlocalparam integer P = 1 << $clog2(N), Q = 1 << D;\n"
	  "\treg [W-1:0] t [0:2*P-2];  // up to the registered level\n"
	  "\treg [W-1:0] q [0:Q-1];  // that level, registered\n"
	  "\treg [W-1:0] u [0:2*Q-2];  // the rest of the tree\n"
	  "\tinteger i;\n\talways @* begin\n"
	  "\t\tfor (i = 0; i < P; i = i + 1)\n"
	  "\t\t\tt[P-1+i] = i < N && m[i] ? d[i*W +: W] : {W{1'b0}};\n"
	  "\t\tfor (i = P - 2; i >= 0; i = i - 1)\n"
	  "\t\t\tt[i] = i >= Q - 1 ? t[2*i+1] + t[2*i+2] : {W{1'b0}};\n"
	  "\tend\n\talways @(posedge clk)\n"
	  "\t\tfor (i = 0; i < Q; i = i + 1) q[i] <= t[Q-1+i];\n"
	  "\talways @* begin\n\t\tfor (i = 0; i < Q; i = i + 1)\n"
	  "\t\t\tu[Q-1+i] = q[i];\n"
	  "\t\tfor (i = Q - 2; i >= 0; i = i - 1)\n"
	  "\t\t\tu[i] = u[2*i+1] + u[2*i+2];\n\t\ts = u[0];\n\tend\n"
	  "endmodule\n\n");
}

/* One PE.  It registers what the array sends it (the step's valid bit,
 * first flag and register-file addresses, and the fill bus) in its own
 * flip-flops: each input pin then loads one flip-flop, so synthesis sees
 * the true fan-out of the array's broadcast nets and buffers them, and
 * the copies, one per PE, are not merged.  The step's inputs are those
 * of stage A (the PE's registers are stage B); a fill word is written a
 * cycle after it arrives, which the sequencer's gap between the last
 * fill and the first step covers. */
static void emit_pe(Out *o)
{
	const Hw *hw = o->hw;
	int wo = hw->bits[T_OUT];
	const HwBuf *O = &hw->buf[hw->inner[T_OUT]];
	int half = o->oh >= 0;   /* the output's words twice: two halves */
	int head = pe_headed(hw);
	P(o, "// One PE: a %d x %d -> %d bit multiply-accumulate and its "
	  "register files.\n", hw->bits[T_A], hw->bits[T_B], wo);
	if (head)
		P(o, "// HEAD: first along its output's chains, the only PEs that "
		  "take partial\n// sums back (fw_o); the others are built without "
		  "that logic.\nmodule tessera_pe #(\n\tparameter [0:0] HEAD = 1'b1\n"
		  ") (\n\tinput wire clk");
	else
		P(o, "module tessera_pe (\n\tinput wire clk");
	if (O->per_pe)
		P(o, ",\n\t// stage A: it computes next cycle, the first term of its "
		  "sum\n\tinput wire va,\n\tinput wire firsta");
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		int w = hw->bits[t], aw = (t == T_OUT && half) ||
		                             o->ih[hw->inner[t]] ? half_aw(B) : B->aw;
		const char *n = tname(t);
		if (!B->per_pe) {
			if (t == T_OUT)
				P(o, ",\n\toutput wire [%d:0] prod%s", wo - 1, o->lq ?
				  ",\n\t// its valid bit (stage B), and the same with prod\n"
				  "\tinput wire vb,\n\toutput wire vq" : "");
			else
				P(o, ",\n\tinput wire [%d:0] x_%s", w - 1, n);
			continue;
		}
		P(o, ",\n\tinput wire [%d:0] ra_%s,\n\tinput wire fw_%s,\n"
		  "\tinput wire [%d:0] fa_%s,\n\tinput wire [%d:0] fd_%s",
		  aw - 1, n, n, aw - 1, n, w - 1, n);
		if (t == T_OUT)
			P(o, ",\n\tinput wire clr_o,\n\tinput wire [%d:0] da_o,\n"
			  "\tinput wire dc_o,\n\toutput wire [%d:0] dv_o,\n"
			  "\toutput wire dt_o", aw - 1, w - 1);
	}
	if (hw->fresh)   /* the counters' alone */
		P(o, "\n`ifndef SYNTHESIS\n\t// stage B: its partial sum is one of "
		  "this block's\n\t, output wire tc_o\n`endif");
	for (int t = 0; t < NTENSORS; t++)   /* the counters' alone */
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, "\n`ifndef SYNTHESIS\n\t// a fill writes a word of %s here "
			  "this cycle\n\t, output wire fc_%s\n`endif", tname(t), tname(t));
	P(o, "\n);\n\t/* verilator no_inline_module */\n");
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		int w = hw->bits[t], aw = (t == T_OUT && half) ||
		                             o->ih[hw->inner[t]] ? half_aw(B) : B->aw;
		const char *n = tname(t);
		if (!B->per_pe)
			continue;
		const char *hd = t == T_OUT && head ? "HEAD && " : "";
		if (o->skd)   /* registered already: the skew's line (skew.c),
		                 but for the read address, which starts the
		                 multiply-accumulate's path */
			P(o, "\treg [%d:0] rb_%s;\n\talways @(posedge clk) rb_%s <= "
			  "ra_%s;\n\twire [%d:0] fab_%s = fa_%s;\n"
			  "\twire [%d:0] fdb_%s = fd_%s;\n\twire fwb_%s = %sfw_%s;\n",
			  aw - 1, n, n, n, aw - 1, n, n, w - 1, n, n, n, hd, n);
		else
			P(o, "\treg [%d:0] rb_%s, fab_%s;\n\treg [%d:0] fdb_%s;\n"
			  "\treg fwb_%s;\n\talways @(posedge clk) begin\n"
			  "\t\trb_%s <= ra_%s;\n\t\tfwb_%s <= %sfw_%s;\n"
			  "\t\tfab_%s <= fa_%s;\n\t\tfdb_%s <= fd_%s;\n\tend\n",
			  aw - 1, n, n, w - 1, n, n, n, n, n, hd, n, n, n, n, n);
		if (t == T_OUT)
			continue;
		P(o, "`ifndef SYNTHESIS\n\tassign fc_%s = fwb_%s;\n`endif\n", n, n);
		P(o, "\treg [%d:0] rf_%s [0:%ld];\n\twire [%d:0] x_%s = rf_%s[rb_%s];"
		  "\n\talways @(posedge clk)\n\t\tif (fwb_%s) rf_%s[fab_%s] <= fdb_%s;\n",
		  w - 1, n, (B->words << o->ih[hw->inner[t]]) - 1, w - 1, n, n, n, n,
		  n, n, n);
	}
	emit_mul(o);
	if (!O->per_pe) {
		if (o->lq)   /* a cycle for the multiply, the next for the sum;
		                the valid bit registered here, one flip-flop a PE
		                (in the top, yosys merges them into one for all) */
			P(o, "\treg [%d:0] prodq;\n\treg vqr;\n"
			  "\talways @(posedge clk) begin\n\t\tprodq <= mul;\n"
			  "\t\tvqr <= vb;\n\tend\n\tassign vq = vqr;\n"
			  "\tassign prod = prodq;  // summed in the global buffer\n"
			  "endmodule\n\n", wo - 1);
		else
			P(o, "\tassign prod = mul;  // summed in the global buffer\n"
			  "endmodule\n\n");
		return;
	}
	if (o->skd)   /* registered already: the skew's line (skew.c) */
		P(o, "\twire v = va, first = firsta, clrb = clr_o;\n");
	else
		P(o, "\treg v, first, clrb;\n\talways @(posedge clk) begin\n"
		  "\t\tv <= va;\n\t\tfirst <= firsta;\n\t\tclrb <= clr_o;\n"
		  "\tend\n");
	P(o, "`ifndef SYNTHESIS\n\tassign fc_o = fwb_o && !clrb;  // as written "
	  "below\n`endif\n");
	long words = O->words << half;
	char dq[200];
	if (o->sdq)   /* the drained word registered before the chain's add,
	                 with the drain's select (skew.c) */
		snprintf(dq, sizeof dq, "\treg [%d:0] dvq;\n\treg dtq;\n"
		         "\talways @(posedge clk) begin\n\t\tdvq <= rf_o[da_o];\n"
		         "\t\tdtq <= dc_o && tch[da_o];\n\tend\n"
		         "\tassign dv_o = dvq;\n\tassign dt_o = dtq;\n", wo - 1);
	else
		snprintf(dq, sizeof dq, "\tassign dv_o = rf_o[da_o];\n"
		         "\tassign dt_o = tch[da_o];\n");
	P(o, "\treg [%d:0] rf_o [0:%ld];\n\treg [%ld:0] tch;\n"
	  "\twire [%d:0] psum = first ? %d'd0 : rf_o[rb_o];\n%s%s"
	  "\tinteger i;\n\talways @(posedge clk) begin\n"
	  "\t\tif (clrb) begin\n\t\t\ttch <= %ld'd0;\n"
	  "\t\t\tfor (i = 0; i <= %ld; i = i + 1) rf_o[i] <= %d'd0;\n",
	  wo - 1, words - 1, words - 1, wo - 1, wo, dq,
	  hw->fresh ? "`ifndef SYNTHESIS\n\tassign tc_o = tch[rb_o];\n`endif\n"
	            : "", words, words - 1, wo);
	if (half)   /* the steps write one half, a fill or a drain the other
	               (a write port each); a drained word is cleared */
		P(o, "\t\tend else begin\n\t\t\tif (v) begin\n"
		  "\t\t\t\trf_o[rb_o] <= psum + mul;\n\t\t\t\ttch[rb_o] <= 1'b1;\n"
		  "\t\t\tend\n\t\t\tif (fwb_o) begin\n"
		  "\t\t\t\trf_o[fab_o] <= fdb_o;\n\t\t\t\ttch[fab_o] <= 1'b1;\n"
		  "\t\t\tend else if (dc_o) begin\n\t\t\t\ttch[da_o] <= 1'b0;\n"
		  "\t\t\t\trf_o[da_o] <= %d'd0;\n\t\t\tend\n\t\tend\n"
		  "\tend\nendmodule\n\n", wo);
	else
		P(o, "\t\tend else if (fwb_o) begin\n\t\t\trf_o[fab_o] <= fdb_o;\n"
		  "\t\t\ttch[fab_o] <= 1'b1;\n\t\tend else if (v) begin\n"
		  "\t\t\trf_o[rb_o] <= psum + mul;\n\t\t\ttch[rb_o] <= 1'b1;\n"
		  "\t\tend else if (dc_o) begin\n\t\t\ttch[da_o] <= 1'b0;\n\t\tend\n"
		  "\tend\nendmodule\n\n");
}

/* A per-PE output summed along an array dimension (a chain): only the
 * PEs first along it (array.c's CH0) take partial sums back, so the PE
 * has a parameter, HEAD, that leaves the fill's logic out of the others
 * (synthesis maps each version once). */
int pe_headed(const Hw *hw)
{
	if (!hw->buf[hw->inner[T_OUT]].per_pe)
		return 0;
	for (int j = 0; j < hw->np; j++)
		if (hw->part[j].spatial && hw->red[j])
			return 1;
	return 0;
}

void emit_modules(Out *o)
{
	emit_sram(o);
	if (uses_sum(o, 0))
		emit_sum(o);
	if (uses_sum(o, 1))
		emit_sum_q(o);
	emit_pe(o);
}
