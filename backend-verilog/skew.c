/* skew.c - systolic() as written, where the output is kept in a shared
 * buffer (docs/hardware.md, "Systolic arrays").
 *
 * An array dimension that some tensor moves along systolically
 * (`T.systolic(v)`) is skewed: the PE at position s along it works s
 * cycles after the PE at 0, and a PE's delay, DP, is the sum of its
 * positions along the skewed dimensions.  Everything a PE takes from the
 * top (the step's addresses and valid bit, a fill's word and address,
 * an operand's lane) reaches it through a line of registers, one a cycle,
 * tapped at DP (fan.c): an operand that does not move with a dimension
 * passes one register a hop along it, as the directive says, and a PE
 * does exactly what it did unskewed, DP cycles later.  An output summed
 * along a skewed dimension is summed PE to PE through a register a PE
 * (one adder between registers); each lane's sum then waits in registers
 * until the lane that ends last has its own (the skew undone), and is
 * added into the buffer D cycles later than without the skew, D the
 * largest delay: the lanes' pipeline (o->lq) is D cycles deeper, so the
 * flush before a drain and the model's cycles (timing.c) take D more.
 *
 * A dimension of two loops (replicated, or a fused loop's parts) is
 * skewed by the PE's position along it, the inner loop's a step each.
 *
 * Not built so yet: an output kept per PE (its drains are still summed
 * as a lane, with systolic() as a bus); an output summed along a skewed
 * dimension but not marked systolic() along it, or along the outer loop
 * of its dimension, or along two loops of the array one of them skewed.
 * The first is built as before; the others are refused (skew_refusal).
 */
#include "emit.h"

/* The array dimension of spatial part j. */
static int part_dim(const Hw *hw, int j)
{
	return hw->ln->loop[hw->part[j].loop].array_dim;
}

/* Part j moves some tensor that does not move with it systolically:
 * a step along it is a register more. */
static int moves_systolic(const Hw *hw, int j)
{
	if (!hw->part[j].spatial || hw->part[j].p->extent < 2)
		return 0;   /* (a loop of one PE delays none) */
	for (int t = 0; t < NTENSORS; t++)
		if (hw->ln->systolic[t][part_dim(hw, j)] && !hw->index[t][j])
			return 1;
	return 0;
}

int hw_skewed(const Hw *hw)
{
	int k = hw->inner[T_OUT];
	if (hw->buf[k].per_pe || !step_lanes(hw, k) || !is_gb(hw, k))
		return 0;
	for (int j = 0; j < hw->np; j++)
		if (moves_systolic(hw, j))
			return 1;
	return 0;
}

int skew_part(const Hw *hw, int j)
{
	return moves_systolic(hw, j) && hw_skewed(hw);
}

/* A PE's delay grows by this much a step of skewed part j: the steps
 * of the skewed parts inside it on its array dimension (of smaller sdiv:
 * a replicated or fused loop's inner part). */
static long skew_step(const Hw *hw, int j)
{
	long m = 1;
	for (int i = 0; i < hw->np; i++)
		if (skew_part(hw, i) && part_dim(hw, i) == part_dim(hw, j) &&
		    hw->part[i].sdiv < hw->part[j].sdiv)
			m *= hw->part[i].p->extent;
	return m;
}

long skew_depth(const Hw *hw)
{
	long D = 0;
	for (int j = 0; j < hw->np; j++)
		if (skew_part(hw, j))
			D += (hw->part[j].p->extent - 1) * skew_step(hw, j);
	return D;
}

/* The spatial part along which the output's lanes sum PE to PE, or -1
 * (their PEs all have one delay, and a tree sums them). */
int skew_chain(const Hw *hw)
{
	for (int j = 0; j < hw->np; j++)
		if (skew_part(hw, j) && hw->red[j])
			return j;
	return -1;
}

const char *skew_refusal(const Hw *hw, char *why, size_t n)
{
	int c = skew_chain(hw);
	if (c < 0)
		return NULL;
	const LoopNest *ln = hw->ln;
	const char *o = ln->layer->t[T_OUT].name;
	const char *cn = ln->loop[hw->part[c].loop].name;
	for (int j = 0; j < hw->np; j++)
		if (j != c && skew_part(hw, j) && hw->red[j]) {
			snprintf(why, n, "%s.systolic() along two loops that both sum "
			         "it (%s and %s): the backend sums PE to PE along one "
			         "loop; leave systolic() out along the other to build a "
			         "reduction tree there", o, cn,
			         ln->loop[hw->part[j].loop].name);
			return why;
		}
	if (skew_step(hw, c) != 1) {
		snprintf(why, n, "%s.systolic(%s) where %s is the outer of two "
		         "skewed loops on its array dimension: the backend sums PE "
		         "to PE along the inner one; make %s the inner, or leave "
		         "systolic() out to build a reduction tree", o, cn, cn, cn);
		return why;
	}
	return NULL;
}

/* " + (pos along part j) * step" for each skewed part: PE `var`'s
 * delay (var a PE number). */
void skew_delay(Out *o, const char *var)
{
	const Hw *hw = o->hw;
	P(o, "32'd0");
	for (int j = 0; j < hw->np; j++)
		if (skew_part(hw, j))
			P(o, " + (%s / 32'd%ld) %% 32'd%ld * 32'd%ld", var,
			  hw->part[j].sdiv, hw->part[j].p->extent, skew_step(hw, j));
}

/* PE r of lane u<k>'s product, 0 where it does not work (good until
 * the next two calls) */
static const char *skew_prod(int k, const char *r, int w)
{
	static char ring[2][128];
	static int i;
	char *b = ring[i++ % 2];
	snprintf(b, 128, "(ppv[pe_o(u%d, %s)] ? pprod[pe_o(u%d, %s)] : %d'd0)",
	         k, r, k, r, w);
	return b;
}

/* The lanes' sums of the output's products (inside emit_lanes' generate
 * block for lane u<k>, after its address `a`): summed PE to PE along the
 * chain (one register a PE), or by the lane's tree; s, the lane's sum,
 * DL cycles on, where its last PE's delay and DL make D; added into the
 * buffer as the lanes without a skew do, E = o->lq cycles after stage B
 * (emit_lanes: sq, fq, E cycles on). */
void skew_lane(Out *o, int k, long nr)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int w = hw->bits[T_OUT], aw = B->aw, E = o->lq, c = skew_chain(hw);
	P(o, "\t\treg [%d:0] ad [1:%d];  // a, i cycles on\n"
	  "\t\treg [%d:1] vd;  // lv_o[u%d], i cycles on\n\t\tinteger i;\n"
	  "\t\talways @(posedge clk) begin\n\t\t\tad[1] <= a[%d:0];\n"
	  "\t\t\tvd <= {vd[%d:1], lv_o[u%d]};\n"
	  "\t\t\tfor (i = 2; i <= %d; i = i + 1) ad[i] <= ad[i-1];\n\t\tend\n"
	  "\t\twire [%d:0] ar = ad[%d];\n\t\twire lvd = vd[%d];\n"
	  "\t\tassign g%d_rel[u%d] = sq;\n"
	  "\t\tassign g%d_ral[u%d*%d +: %d] = ar;\n",
	  aw - 1, E, E, k, aw - 1, E - 1, k, E, aw - 1, E, E, k, k, k, k, aw, aw);
	P(o, "\t\tlocalparam integer DL = %ld - (32'd0", skew_depth(hw));
	for (int j = 0; j < hw->np; j++)
		if (skew_part(hw, j) && hw->index[T_OUT][j])
			P(o, " + S%d * 32'd%ld", j, skew_step(hw, j));
	if (c >= 0)
		P(o, " + 32'd%ld", hw->part[c].p->extent - 1);
	P(o, ");  // the sum waits for the other lanes'\n"
	  "\t\twire [%d:0] s;  // the lane's products, summed\n", w - 1);
	long q = c >= 0 ? hw->part[c].p->extent : 0, rc = 1;
	for (int j = 0; j < c; j++)   /* pe_o's r: the red parts, in order */
		if (hw->part[j].spatial && hw->red[j])
			rc *= hw->part[j].p->extent;
	if (c >= 0 && q < nr)   /* the PEs of a place summed by a tree */
		P(o, "\t\treg [%d:0] cs [0:%ld];  // the products of the PEs at "
		  "each place, summed\n\t\tinteger h;\n\t\talways @* begin\n"
		  "\t\t\tfor (h = 0; h < %ld; h = h + 1) cs[h] = %d'd0;\n"
		  "\t\t\tfor (h = 0; h < %ld; h = h + 1)\n"
		  "\t\t\t\tif (ppv[pe_o(u%d, h)]) cs[(h / %ld) %% %ld] = "
		  "cs[(h / %ld) %% %ld] + pprod[pe_o(u%d, h)];\n\t\tend\n",
		  w - 1, q - 1, q, w, nr, k, rc, q, rc, q, k);
	if (c >= 0)   /* place r adds its products to the sum of those before */
		P(o, "\t\treg [%d:0] ch [0:%ld];  // PE to PE, a register each\n"
		  "\t\talways @(posedge clk) begin\n\t\t\tch[0] <= %s;\n"
		  "\t\t\tfor (i = 1; i < %ld; i = i + 1)\n"
		  "\t\t\t\tch[i] <= ch[i-1] + %s;\n\t\tend\n"
		  "\t\tassign s = ch[%ld];\n", w - 1, q - 1, q < nr ? "cs[0]"
		  : skew_prod(k, "32'd0", w), q, q < nr ? "cs[i]"
		  : skew_prod(k, "i", w), q - 1);
	else {
		P(o, "\t\twire [%ld:0] m;\n\t\twire [%ld:0] d;\n\t\tgenvar r;\n"
		  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : in\n"
		  "\t\t\tassign m[r] = ppv[pe_o(u%d, r)];\n"
		  "\t\t\tassign d[r*%d +: %d] = pprod[pe_o(u%d, r)];\n\t\tend\n",
		  nr - 1, nr * w - 1, nr, k, w, w, k);
		emit_lane_tree(o, k, nr, "m");
	}
	P(o, "\t\twire [%d:0] sk;  // s, DL cycles on\n"
	  "\t\tif (DL == 0) begin : nod\n\t\t\tassign sk = s;\n"
	  "\t\tend else begin : del\n\t\t\treg [%d:0] q [1:DL];\n"
	  "\t\t\tinteger j;\n\t\t\talways @(posedge clk) begin\n"
	  "\t\t\t\tq[1] <= s;\n"
	  "\t\t\t\tfor (j = 2; j <= DL; j = j + 1) q[j] <= q[j-1];\n"
	  "\t\t\tend\n\t\t\tassign sk = q[DL];\n\t\tend\n", w - 1, w - 1);
	P(o, "\t\treg [%d:0] wab;\n\t\treg fw;\n\t\treg [%d:0] fwd;\n"
	  "\t\twire [%d:0] old = fq ? %d'd0 : fw ? fwd : "
	  "g%d_rd[(u%d+1)*%d +: %d];\n\t\twire [%d:0] nw = old + sk;\n"
	  "\t\tassign g%d_wel[u%d] = lvd;\n"
	  "\t\tassign g%d_wal[u%d*%d +: %d] = wab;\n"
	  "\t\tassign g%d_wdl[u%d*%d +: %d] = nw;\n"
	  "\t\talways @(posedge clk) begin\n\t\t\tif (sq) wab <= ar;\n"
	  "\t\t\tfw <= sq && lvd && ar == wab;\n\t\t\tfwd <= nw;\n\t\tend\n",
	  aw - 1, w - 1, w - 1, w, k, k, w, w, w - 1, k, k, k, k, aw, aw, k, k,
	  w, w);
}

/* Before the lanes' generate block: sta and fb, E cycles on. */
void skew_lanes_head(Out *o)
{
	int E = o->lq;
	P(o, "\treg [%d:1] sqd, fqd;  // sta, fb, i cycles on\n"
	  "\talways @(posedge clk) begin\n\t\tsqd <= {sqd[%d:1], sta};\n"
	  "\t\tfqd <= {fqd[%d:1], fb};\n\tend\n"
	  "\twire sq = sqd[%d], fq = fqd[%d];\n", E, E - 1, E - 1, E, E);
}
