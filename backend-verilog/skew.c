/* skew.c - systolic() as written (docs/systolic.md).
 *
 * Each unrolled loop along whose array dimension a tensor that it does
 * not index moves systolically (`T.systolic(v)`) is skewed: the PE at
 * step s along it works s cycles after the PE at 0, and a PE's delay,
 * DP, is the sum over the skewed loops (on a dimension of two loops, the
 * outer's step is the inner skewed loop's PEs).  Everything a PE takes
 * from the top reaches it through a line of registers, one a cycle,
 * tapped at DP (skewline.c): an operand that does not move with a loop
 * passes one register a step along it, as the directive says, and a PE
 * does exactly what it did unskewed, DP cycles later.  The output:
 *  - kept in a shared buffer: summed along a skewed loop PE to PE
 *    through a register a place (one adder between registers); each
 *    lane's sum waits until the lane that ends last has its own, and is
 *    added into the buffer D cycles later than without the skew (D the
 *    largest delay): the lanes' pipeline (o->lq) is D cycles deeper, so
 *    the flush before a drain and the model's cycles (timing.c) take D
 *    more;
 *  - kept per PE, drained a lane to a port: each PE's word, read as it
 *    sees the drain, is added PE to PE along the chain, and each lane
 *    writes its sum as its last place has it, at most D + 1 cycles
 *    after the drain's issue; a drain job ends once every sum is in
 *    (seq.c's opipe, timing.c).
 *
 * Refused (skew_refusal), with the reason: a systolic() where the array
 * cannot be skewed (unskewable: an output kept per PE drained a lane at
 * a time, or not into a global buffer, or summed by a tree beside the
 * chain, or moved by a skewed loop whose lanes drain one after another,
 * or whose halves' returns could read a sum still on its way; a shared
 * output without lanes of its own); an output systolic() along two
 * loops that both sum it, or along the outer of two skewed loops on its
 * dimension.
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

/* A PE's delay grows by this much a step of skewed part j: the steps
 * of the skewed parts inside it on its array dimension (of smaller sdiv:
 * a replicated or fused loop's inner part). */
long skew_step(const Hw *hw, int j)
{
	long m = 1;
	for (int i = 0; i < hw->np; i++)
		if (moves_systolic(hw, i) && part_dim(hw, i) == part_dim(hw, j) &&
		    hw->part[i].sdiv < hw->part[j].sdiv)
			m *= hw->part[i].p->extent;
	return m;
}

/* The largest delay of a PE were the array skewed. */
static long depth_of(const Hw *hw)
{
	long D = 0;
	for (int j = 0; j < hw->np; j++)
		if (moves_systolic(hw, j))
			D += (hw->part[j].p->extent - 1) * skew_step(hw, j);
	return D;
}

long skew_depth(const Hw *hw)
{
	return hw->skewed ? depth_of(hw) : 0;
}

/* A per-PE output's PEs, were the array skewed, register the word they
 * drain (and whether it is one of the block's) before the chain adds
 * it, a cycle more: where their register file holds more than two
 * words, whose select would come before the chain's adder in one cycle
 * (FY|Y's 56 words took it from 7.61 to 9.08 ns). */
int skew_drain_q(const Hw *hw)
{
	int k = hw->inner[T_OUT];
	const HwBuf *B = &hw->buf[k];
	return B->per_pe && (B->words << (halves_buffer(hw) == k)) > 2;
}

/* A per-PE output's halves (halves.c) return the partial sums of the
 * block after next while the drains of the blocks before are still
 * on their way to the parent (D + 1 cycles): 1 when no return can read
 * a word so late, its element last drained at least (R - 2) blocks
 * before, R the blocks before an element recurs (the product of the
 * output's loops from the refill loop out to the first reduction loop
 * inside the parent's block; none: no return), each at least `steps`
 * long (edge tiles counted as one). */
static int returns_clear(const Hw *hw, int k, long L)
{
	const LoopNest *ln = hw->ln;
	const HwBuf *B = &hw->buf[k], *P = &hw->buf[B->parent];
	int rf = B->b->refill, pf = P->b->refill;
	long R = 1, steps = 1;
	for (int i = rf + 1; i < ln->nloops; i++)
		if (ln->loop[i].kind != LOOP_SPATIAL)
			steps *= ln->loop[i].edge ? 1 : ln->loop[i].extent;
	for (int i = rf; i > pf && i >= 0; i--) {
		const Loop *l = &ln->loop[i];
		if (l->kind == LOOP_SPATIAL)
			continue;
		if (!loop_indexes(ln, T_OUT, i))
			return R > 2 &&
			       (R - 2) * steps >= L + B->words * B->lanes / B->npar;
		R *= l->edge ? 1 : l->extent;
	}
	return 1;   /* no reduction inside the parent's block: no return */
}

/* Why the array could not be skewed, or NULL: it could.  A shared
 * output must be added into a global buffer by lanes of its own; one
 * kept per PE must drain its lanes at once (one port each), each with
 * one delay (the skewed loops that move it are those served at once),
 * into a global buffer, its sums going PE to PE along one loop alone
 * (no tree beside), its halves' returns unable to overtake its drains. */
static const char *unskewable(const Hw *hw)
{
	int k = hw->inner[T_OUT];
	const HwBuf *B = &hw->buf[k];
	if (!B->per_pe)
		return step_lanes(hw, k) && is_gb(hw, k) ? NULL
		       : "its output is not added into a global buffer by lanes "
		         "of its own";
	if (B->npar < 2)
		return "its output's register files drain one lane at a time";
	if (!is_gb(hw, B->parent) || B->b->refill < 0)
		return "its output's register files do not drain into a global "
		       "buffer";
	for (int j = 0; j < hw->np; j++) {
		if (!hw->part[j].spatial)
			continue;
		if (moves_systolic(hw, j) && hw->index[T_OUT][j] && !B->par[j])
			return "the lanes of a skewed loop would drain one after "
			       "another";
		if (hw->red[j] && !moves_systolic(hw, j))
			return "a tree also sums its output, along another array "
			       "dimension";
	}
	if (!returns_clear(hw, k, depth_of(hw) + 1 + skew_drain_q(hw)))
		return "a partial sum coming back could be read before the sum "
		       "drained into its word had reached it";
	return NULL;
}

int hw_skewed(const Hw *hw)
{
	if (unskewable(hw))
		return 0;
	for (int j = 0; j < hw->np; j++)
		if (moves_systolic(hw, j))
			return 1;
	return 0;
}

/* The systolic() directives of a design that moves some tensor
 * systolically ("O.systolic(ci), I.systolic(ki)") in buf; 0: none. */
static int systolic_dirs(const Hw *hw, char *buf, size_t n)
{
	size_t at = 0;
	buf[0] = 0;
	for (int j = 0; j < hw->np; j++)
		for (int t = 0; t < NTENSORS && moves_systolic(hw, j); t++)
			if (hw->ln->systolic[t][part_dim(hw, j)] && !hw->index[t][j] &&
			    at < n)
				at += (size_t)snprintf(buf + at, n - at, "%s%s.systolic(%s)",
				                       at ? ", " : "",
				                       hw->ln->layer->t[t].name,
				                       hw->ln->loop[hw->part[j].loop].name);
	return buf[0] != 0;
}

int skew_part(const Hw *hw, int j)
{
	return moves_systolic(hw, j) && hw->skewed;
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
	char d[160];
	const char *no = unskewable(hw);
	if (no && systolic_dirs(hw, d, sizeof d)) {
		snprintf(why, n, "%s: the backend cannot build it as written, PE to "
		         "PE through registers, here: %s; leave systolic() out to "
		         "build a broadcast bus (a reduction tree for the output), "
		         "which the model then counts", d, no);
		return why;
	}
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
	if (c >= 0) {   /* place r adds its products to the sum of those
	                   before (tessera_chain) */
		P(o, "\t\twire [%ld:0] cd;\n\t\twire [%ld:0] cm;\n\t\twire ca;\n"
		  "\t\tgenvar r;\n\t\tfor (r = 0; r < %ld; r = r + 1) begin : pl\n",
		  q * w - 1, q - 1, q);
		if (q < nr)
			P(o, "\t\t\tassign cd[r*%d +: %d] = cs[r];\n"
			  "\t\t\tassign cm[r] = 1'b1;\n", w, w);
		else
			P(o, "\t\t\tassign cd[r*%d +: %d] = ppv[pe_o(u%d, r)] ? "
			  "pprod[pe_o(u%d, r)] : %d'd0;\n"
			  "\t\t\tassign cm[r] = ppv[pe_o(u%d, r)];\n", w, w, k, k, w, k);
		P(o, "\t\tend\n\t\ttessera_chain #(.Q(%ld), .W(%d)) chn (.clk(clk), "
		  ".d(cd), .m(cm), .s(s), .a(ca));\n", q, w);
		o->chained = 1;
	}
	else {
		P(o, "\t\twire [%ld:0] m;\n\t\twire [%ld:0] d;\n\t\tgenvar r;\n"
		  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : in\n"
		  "\t\t\tassign m[r] = ppv[pe_o(u%d, r)];\n"
		  "\t\t\tassign d[r*%d +: %d] = pprod[pe_o(u%d, r)];\n\t\tend\n",
		  nr - 1, nr * w - 1, nr, k, w, w, k);
		emit_lane_tree(o, k, nr, "m");
	}
	if (c < 0)   /* a tree: whether any PE worked is the lane's valid */
		P(o, "\t\twire ca = 1'b1;\n");
	P(o, "\t\twire [%d:0] sk;  // s and ca, DL cycles on\n"
	  "\t\twire ak;\n"
	  "\t\tif (DL == 0) begin : nod\n\t\t\tassign sk = s;\n"
	  "\t\t\tassign ak = ca;\n"
	  "\t\tend else begin : del\n\t\t\treg [%d:0] q [1:DL];\n"
	  "\t\t\tinteger j;\n\t\t\talways @(posedge clk) begin\n"
	  "\t\t\t\tq[1] <= {ca, s};\n"
	  "\t\t\t\tfor (j = 2; j <= DL; j = j + 1) q[j] <= q[j-1];\n"
	  "\t\t\tend\n\t\t\tassign sk = q[DL][%d:0];\n"
	  "\t\t\tassign ak = q[DL][%d];\n\t\tend\n", w - 1, w, w - 1, w);
	P(o, "\t\treg [%d:0] wab;\n\t\treg fw;\n\t\treg [%d:0] fwd;\n"
	  "\t\twire [%d:0] old = fq ? %d'd0 : fw ? fwd : "
	  "g%d_rd[(u%d+1)*%d +: %d];\n\t\twire [%d:0] nw = old + sk;\n"
	  "\t\tassign g%d_wel[u%d] = lvd && ak;\n"
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
	  "\talways @(posedge clk) begin\n"
	  "\t\tsqd <= rst ? %d'd0 : {sqd[%d:1], sta};\n"
	  "\t\tfqd <= {fqd[%d:1], fb};\n\tend\n"
	  "\twire sq = sqd[%d], fq = fqd[%d];\n", E, E, E - 1, E - 1, E, E);
}


/* Before a skewed per-PE output's lanes (emit_par): the drain's issue
 * and address, L = D + 1 cycles on (D + 2 where the PEs register the
 * word they drain), as its sums reach the parent, and
 * whether a sum is still on its way (opipe: the sequencer's drain job
 * ends when none is, seq.c). */
void skew_par_head(Out *o, int k)
{
	int L = o->skd + 1 + o->sdq;
	P(o, "\treg [%d:1] did%d;  // di%d, i cycles on\n"
	  "\treg [31:0] ped%d [1:%d];  // e%d_pa, the same\n\tinteger pdi%d;\n"
	  "\talways @(posedge clk) begin\n"
	  "\t\tdid%d <= rst ? %d'd0 : {did%d[%d:1], di%d};\n"
	  "\t\tped%d[1] <= e%d_pa;\n"
	  "\t\tfor (pdi%d = 2; pdi%d <= %d; pdi%d = pdi%d + 1)\n"
	  "\t\t\tped%d[pdi%d] <= ped%d[pdi%d-1];\n\tend\n"
	  "\twire opipe = |did%d || di%d;  // a sum on its way\n",
	  L, k, k, k, L, k, k, k, L, k, L - 1, k, k, k, k, k, L, k, k, k, k, k,
	  k, k, k);
}

/* Lane v<k> of a skewed per-PE output drains (inside emit_par's
 * generate block): place q of the chain adds the word of its PE in the
 * lane being drained, as that PE sees the drain (pdc; where the PE
 * registers its word, sdq, a cycle later, its pdt then the drain's
 * select and the word's touched bit registered), to the sum of the
 * places before it, a register a place; the lane writes its sum through
 * its own port as the last place has it, DS cycles after the drain's
 * issue (did, ped), at most L = D + 1 + sdq. */
void skew_par_drain(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int p = B->parent, aw = hw->buf[p].aw, w = hw->bits[T_OUT];
	int c = skew_chain(hw);
	long nr = hw->npe / B->npar, q = c >= 0 ? hw->part[c].p->extent : 1;
	long rc = 1;   /* ppe's r: the parts not served at once, in order */
	for (int j = 0; j < c; j++)
		if (hw->part[j].spatial && !B->par[j])
			rc *= hw->part[j].p->extent;
	char dc[48] = "";   /* (registered with the word: in pdt) */
	if (!o->sdq)
		snprintf(dc, sizeof dc, "pdc[ppe_%d(v%d, r)] && ", k, k);
	P(o, "\t\twire [%ld:0] md;\n\t\tgenvar r;\n"
	  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : in\n"
	  "\t\t\tassign md[r] = %spdt[ppe_%d(v%d, r)];\n"
	  "\t\tend\n", nr - 1, nr, dc, k, k);
	if (q < nr)   /* the words of each place summed first */
		P(o, "\t\treg [%d:0] cs [0:%ld];  // the words of each place, as "
		  "drained\n\t\treg [%ld:0] ca;  // and whether any\n"
		  "\t\tinteger h;\n\t\talways @* begin\n"
		  "\t\t\tfor (h = 0; h < %ld; h = h + 1) begin\n"
		  "\t\t\t\tcs[h] = %d'd0;\n\t\t\t\tca[h] = 1'b0;\n\t\t\tend\n"
		  "\t\t\tfor (h = 0; h < %ld; h = h + 1)\n\t\t\t\tif (md[h]) begin\n"
		  "\t\t\t\t\tcs[(h / %ld) %% %ld] = cs[(h / %ld) %% %ld] + "
		  "pdv[ppe_%d(v%d, h)];\n"
		  "\t\t\t\t\tca[(h / %ld) %% %ld] = 1'b1;\n\t\t\t\tend\n\t\tend\n",
		  w - 1, q - 1, q - 1, q, w, nr, rc, q, rc, q, k, k, rc, q);
	/* place r adds its word to the sum of those before (tessera_chain) */
	P(o, "\t\twire [%ld:0] cd;\n\t\twire [%ld:0] cm;\n"
	  "\t\twire [%d:0] chs;\n\t\twire cha;  // the sum, and whether any\n"
	  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : pl\n", q * w - 1, q - 1,
	  w - 1, q);
	if (q < nr)
		P(o, "\t\t\tassign cd[r*%d +: %d] = cs[r];\n"
		  "\t\t\tassign cm[r] = ca[r];\n", w, w);
	else {   /* a PE a place, r the place: its word masked.  The drain's
	            select (pdc) is the same at every place of a sum the lane
	            writes (cm, cha), and what the chain carries between those
	            sums is not written, so the mask is the word's touched bit
	            alone; with the words in two halves, none (a drain clears
	            the word with its touched bit: one not touched is 0,
	            halves.c).  Where the PE registers the word (sdq), md is
	            its registered touched bit and select. */
		char m[48] = "", z[16] = "";
		if (o->sdq)
			snprintf(m, sizeof m, "md[r] ? ");
		else if (o->oh != k)
			snprintf(m, sizeof m, "pdt[ppe_%d(v%d, r)] ? ", k, k);
		if (*m)
			snprintf(z, sizeof z, " : %d'd0", w);
		P(o, "\t\t\tassign cd[r*%d +: %d] = %spdv[ppe_%d(v%d, r)]%s;\n"
		  "\t\t\tassign cm[r] = md[r];\n", w, w, m, k, k, z);
	}
	P(o, "\t\tend\n\t\ttessera_chain #(.Q(%ld), .W(%d)) chn (.clk(clk), "
	  ".d(cd), .m(cm), .s(chs), .a(cha));\n", q, w);
	o->chained = 1;
	/* the lane's last place adds its word DS - 1 cycles after the
	 * drain's issue, DS its delay and the chain's register: the lane
	 * writes then, through its own port */
	P(o, "\t\tlocalparam integer DS = 32'd%ld", q + o->sdq);
	for (int j = 0; j < hw->np; j++)
		if (skew_part(hw, j) && hw->index[T_OUT][j])
			P(o, " + S%d * 32'd%ld", j, skew_step(hw, j));
	P(o, ";  // when the lane's sum is written, after the issue\n");
	P(o, "\t\twire [31:0] pad = ped%d[DS]", k);
	for (int j = 0; j < hw->np; j++)
		if (B->par[j] && hw->buf[p].acoef[j])
			P(o, " + S%d * 32'd%ld", j, hw->buf[p].acoef[j]);
	P(o, ";  // pa, DS cycles on\n"
	  "\t\tassign g%d_wep[v%d] = did%d[DS] && cha;\n"
	  "\t\tassign g%d_wap[v%d*%d +: %d] = pad[%d:0];\n"
	  "\t\tassign g%d_wdp[v%d*%d +: %d] = chs;\n",
	  p, k, k, p, k, aw, aw, aw - 1, p, k, w, w);
}

/* The chain of a lane (skew_lane, skew_par_drain): place i adds its word
 * d[i] to the sum of the places before, a register a place, and carries
 * whether any place had one (m); s and a are the last place's.  A module
 * of its own, mapped once for all the lanes.  Written after the top. */
void emit_chain_module(Out *o)
{
	P(o, "// A chain of Q places: place i adds d[i] to the sum of those "
	  "before it,\n// a register a place (one adder between registers).\n"
	  "module tessera_chain #(\n\tparameter integer Q = 1, W = 32\n) (\n"
	  "\tinput wire clk,\n\tinput wire [Q*W-1:0] d,\n"
	  "\tinput wire [Q-1:0] m,\n\toutput wire [W-1:0] s,\n"
	  "\toutput wire a\n);\n\treg [W-1:0] ch [0:Q-1];\n\treg [Q-1:0] an;\n"
	  "\tinteger i;\n\talways @(posedge clk) begin\n"
	  "\t\tch[0] <= d[W-1:0];\n\t\tan[0] <= m[0];\n"
	  "\t\tfor (i = 1; i < Q; i = i + 1) begin\n"
	  "\t\t\tch[i] <= ch[i-1] + d[i*W +: W];\n"
	  "\t\t\tan[i] <= an[i-1] || m[i];\n\t\tend\n\tend\n"
	  "\tassign s = ch[Q-1];\n\tassign a = an[Q-1];\nendmodule\n\n");
}
