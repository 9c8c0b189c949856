/* array.c - the PE array: a generate block of tessera_pe, each PE with
 * its spatial parts' values (S<j>), its guards and its connections to
 * the operands' buses; and, for operands and partial sums kept in a
 * shared buffer, one read port a lane (an output's lane sums its PEs'
 * products and writes back a cycle later).  Assumes the step stage's
 * signals and the PEs' buses (stb, fb, pv, lv_*, ra_*, rsp_*, fwall_*,
 * dcall: port.c; sta, first_a: seq.c), the engines' (e<k>_ln, e<k>_la,
 * eg<k>_<g>, pok<k>: engine.c) and the memories' ports (gmem.c).
 */
#include "emit.h"

#include <stdlib.h>

/* Step stage A for operands and partial sums kept in a shared buffer:
 * one read port a lane. */
void emit_lanes(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int w = hw->bits[B->t], aw = B->aw;
	long lanes = step_lanes(hw, k);
	const char *n = tname(B->t);
	int E = B->t == T_OUT ? o->lq : 0;   /* the add's cycles after stage B */
	int sk = E && o->skd;   /* skewed: skew.c adds */
	if (sk)
		skew_lanes_head(o);
	else if (E)   /* stage A's read and the first-block flag as the lanes'
	            add needs them, E cycles on (the PEs' valid bits come
	            with their products: ppv) */
		P(o, "\treg sq, fq%s;  // sta, fb, %d cycle%s on\n"
		  "\talways @(posedge clk) begin\n%s"
		  "\t\tsq <= %s;\n\t\tfq <= %s;\n\tend\n",
		  E > 1 ? ", sq1, fq1" : "", E, E > 1 ? "s" : "",
		  E > 1 ? "\t\tsq1 <= sta;\n\t\tfq1 <= fb;\n" : "",
		  E > 1 ? "sq1" : "sta", E > 1 ? "fq1" : "fb");
	P(o, "\tgenvar u%d;\n\tgenerate for (u%d = 0; u%d < %ld; u%d = u%d + 1) "
	  "begin : lane%d\n", k, k, k, lanes, k, k, k);
	int col = hw->collapsed[B->t];
	/* lane numbers are element offsets: with strides, some have no PE
	 * (the lane of a PE of the next setting is further on) */
	char *has = calloc((size_t)lanes, 1);
	if (!has)
		INTERNAL("out of memory");
	int gaps = 0;
	for (long pe = 0; pe < hw->npe; pe++)
		has[lane_of(hw, B->t, pe)] = 1;
	for (long u = 0; u < lanes; u++)
		gaps += !has[u];
	if (gaps && !col) {
		P(o, "\t\tlocalparam [%ld:0] HASPE = %ld'b", lanes - 1, lanes);
		for (long u = lanes - 1; u >= 0; u--)
			P(o, "%d", has[u]);
		P(o, ";  // the lanes some PE has\n");
	}
	free(has);
	if (col)
		P(o, "\t\tlocalparam [31:0] RP = lrep_%s(u%d);\n", n, k);
	for (int j = 0; j < hw->np; j++)
		if (hw->part[j].spatial && hw->index[B->t][j] && col)
			P(o, "\t\tlocalparam [31:0] S%d = (RP / 32'd%ld) %% 32'd%ld;\n",
			  j, hw->part[j].sdiv, hw->part[j].p->extent);
		else if (hw->part[j].spatial && hw->index[B->t][j])
			P(o, "\t\tlocalparam [31:0] S%d = (u%d / 32'd%ld) %% 32'd%ld;\n",
			  j, k, hw->lmult[B->t][j], hw->part[j].p->extent);
	P(o, "\t\twire [31:0] a = ");
	sum(o, (Namer){V_LANE, 0, 0, 0}, B->acoef, 0);
	P(o, ";\n");
	if (E && !sk) {   /* the partial sum read E cycles later, for the add;
	              the lane's valid bit from the PEs' registered ones */
		char lv[96];
		if (col)
			snprintf(lv, sizeof lv, "|(ppv & lmask_%s(u%d))", n, k);
		else if (gaps)
			snprintf(lv, sizeof lv, "HASPE[u%d] && ppv[pe_%s(u%d, 32'd0)]",
			         k, n, k);
		else
			snprintf(lv, sizeof lv, "ppv[pe_%s(u%d, 32'd0)]", n, k);
		if (E > 1)
			P(o, "\t\treg [%d:0] ar, a1;  // a, 2 cycles on\n"
			  "\t\treg lvd;  // lv_%s[u%d], the same\n"
			  "\t\talways @(posedge clk) begin\n\t\t\ta1 <= a[%d:0];\n"
			  "\t\t\tar <= a1;\n\t\t\tlvd <= %s;\n\t\tend\n", aw - 1, n,
			  k, aw - 1, lv);
		else
			P(o, "\t\treg [%d:0] ar;  // a, a cycle on\n"
			  "\t\talways @(posedge clk) ar <= a[%d:0];\n"
			  "\t\twire lvd = %s;  // lv_%s[u%d], the same\n", aw - 1, aw - 1,
			  lv, n, k);
		P(o, "\t\tassign g%d_rel[u%d] = sq;\n"
		  "\t\tassign g%d_ral[u%d*%d +: %d] = ar;\n", k, k, k, k, aw, aw);
	} else if (!sk)
		P(o, "\t\tassign g%d_rel[u%d] = sta;\n"
		  "\t\tassign g%d_ral[u%d*%d +: %d] = a[%d:0];\n", k, k, k, k, aw,
		  aw, aw - 1);
	if (col)   /* read when any of the lane's PEs works */
		P(o, "\t\tassign lv_%s[u%d] = |(pv & lmask_%s(u%d));\n", n, k, n,
		  k);
	else if (gaps)
		P(o, "\t\tassign lv_%s[u%d] = HASPE[u%d] && pv[pe_%s(u%d, 32'd0)];\n",
		  n, k, k, n, k);
	else
		P(o, "\t\tassign lv_%s[u%d] = pv[pe_%s(u%d, 32'd0)];\n", n, k, n,
		  k);
	if (sk)
		skew_lane(o, k, hw->npe / lanes);
	else if (B->t == T_OUT) {
		long nr = hw->npe / lanes;
		P(o, "\t\treg [%d:0] wab;\n\t\treg fw;\n\t\treg [%d:0] fwd;\n"
		  "\t\twire [%d:0] s;  // the lane's products, summed\n"
		  "\t\twire [%ld:0] m;\n\t\twire [%ld:0] d;\n\t\tgenvar r;\n"
		  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : in\n"
		  "\t\t\tassign m[r] = %s[pe_o(u%d, r)];\n"
		  "\t\t\tassign d[r*%d +: %d] = pprod[pe_o(u%d, r)];\n\t\tend\n",
		  aw - 1, w - 1, w - 1, nr - 1, nr * w - 1, nr, E ? "ppv" : "pv", k, w,
		  w, k);
		emit_lane_tree(o, k, nr, "m");
		/* stage A's read and address, fb and the lane's valid bit, E
		   cycles on */
		char sa[8] = "sta", ar[32], fb[8] = "fb", lv[32];
		snprintf(ar, sizeof ar, "a[%d:0]", aw - 1);
		snprintf(lv, sizeof lv, "lv_o[u%d]", k);
		if (E) {
			snprintf(sa, sizeof sa, "sq");
			snprintf(ar, sizeof ar, "ar");
			snprintf(fb, sizeof fb, "fq");
			snprintf(lv, sizeof lv, "lvd");
		}
		P(o, "\t\twire [%d:0] old = %s ? %d'd0 : fw ? fwd : "
		  "g%d_rd[(u%d+1)*%d +: %d];\n\t\twire [%d:0] nw = old + s;\n",
		  w - 1, fb, w, k, k, w, w, w - 1);
		P(o, "\t\tassign g%d_wel[u%d] = %s;\n"
		  "\t\tassign g%d_wal[u%d*%d +: %d] = wab;\n"
		  "\t\tassign g%d_wdl[u%d*%d +: %d] = nw;\n", k, k, lv, k, k, aw,
		  aw, k, k, w, w);
		P(o, "\t\talways @(posedge clk) begin\n"
		  "\t\t\tif (%s) wab <= %s;\n"
		  "\t\t\tfw <= %s && %s && %s == wab;\n"
		  "\t\t\tfwd <= nw;\n\t\tend\n", sa, ar, sa, lv, ar);
	}
	P(o, "\tend endgenerate\n");
}

/* A chain's first PE's lane of a port read as late as the PE takes it
 * (Out.rlate): the net itself; the other PEs take nothing. */
static const char *ret_sel(int w, const char *vec, const char *at)
{
	static char ring[4][160];
	static int i;
	char *r = ring[i++ % 4];
	if (w == 1)
		snprintf(r, 160, "(CH0 ? %s[%s] : 1'd0)", vec, at);
	else
		snprintf(r, 160, "(CH0 ? %s[%s +: %d] : %d'd0)", vec, at, w, w);
	return r;
}

/* What a PE of buffer k's lane PAR takes of its parallel ports: the
 * port's bit "read last cycle" and the parent's word on it. */
const char *pe_pok(Out *o, int k)
{
	const HwBuf *B = &o->hw->buf[k];
	char vec[16], at[16];
	snprintf(vec, sizeof vec, "pok%d", k);
	snprintf(at, sizeof at, "PAR_%s", tname(B->t));
	if (ret_late_at(o, k))   /* read as late as taken */
		return ret_sel(1, vec, at);
	return pe_sel(o, 1, vec, 0, B->npar, at, at, 2, k);
}

const char *pe_par(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int w = hw->bits[B->t];
	long sl = 1 + step_lanes(hw, B->parent);
	char vec[16], at[48], idx[16];
	snprintf(vec, sizeof vec, "g%d_rd", B->parent);
	snprintf(at, sizeof at, "(%ld+PAR_%s)*%d", sl, tname(B->t), w);
	snprintf(idx, sizeof idx, "PAR_%s", tname(B->t));
	if (ret_late_at(o, k))   /* read as late as taken */
		return ret_sel(w, vec, at);
	return pe_sel(o, w, vec, sl, B->npar, at, idx, 2, k);
}

/* The lane number of buffer k's lanes in bits lo + 31 .. lo of net (a
 * fill's tag, an engine's lane), as a PE compares it with its LANE:
 * skewed, only the bits a lane number has go down the lines. */
const char *pe_lane_no(Out *o, int k, const char *net, int lo)
{
	static char ring[4][96];
	static int i;
	char *r = ring[i++ % 4];
	int lb = hw_bits(o->hw->buf[k].lanes - 1);
	if (!o->skd)
		snprintf(r, 96, "%s[%d:%d]", net, lo + 31, lo);
	else if (lb >= 32)
		snprintf(r, 96, "%s", pe_net(o, 32, "%s[%d:%d]", net, lo + 31, lo));
	else
		snprintf(r, 96, "{%d'd0, %s}", 32 - lb,
		         pe_net(o, lb, "%s[%d:%d]", net, lo + lb - 1, lo));
	return r;
}

void emit_array(Out *o)
{
	const Hw *hw = o->hw;
	const HwBuf *O = &hw->buf[hw->inner[T_OUT]];
	fan_begin(o);
	P(o, "\n\t// ---- the PE array: %ld PEs ----\n\tgenvar p;\n"
	  "\tgenerate for (p = 0; p < NPE; p = p + 1) begin : pe\n", hw->npe);
	fan_pe(o);
	for (int j = 0; j < hw->np; j++)
		if (hw->part[j].spatial)
			P(o, "\t\tlocalparam [31:0] S%d = (p / 32'd%ld) %% 32'd%ld;  // %s\n",
			  j, hw->part[j].sdiv, hw->part[j].p->extent, hw->part[j].p->name);
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		if (!B->per_pe && (t == T_OUT || hw->nlanes[t] == 1))
			continue;   /* not needed: the lane's port is wired below */
		/* a per-PE buffer's lane as its engine walks it (the lanes served
		 * at once apart); PAR: which of those */
		P(o, "\t\tlocalparam [31:0] LANE_%s = 32'd0", tname(t));
		for (int j = 0; j < hw->np; j++)
			if (hw->part[j].spatial && hw->index[t][j] && !B->par[j])
				P(o, " + S%d * 32'd%ld", j, hw->lmult[t][j]);
		P(o, ";\n");
		if (B->npar > 1) {
			P(o, "\t\tlocalparam [31:0] PAR_%s = 32'd0", tname(t));
			for (int j = 0; j < hw->np; j++)
				if (B->par[j])
					P(o, " + S%d * 32'd%ld", j, B->pmult[j]);
			P(o, ";\n");
		}
	}
	P(o, "\t\tlocalparam CH0 = 1'b1");
	for (int j = 0; j < hw->np; j++)
		if (hw->part[j].spatial && hw->red[j])
			P(o, " && S%d == 32'd0", j);
	P(o, ";  // first of its accumulation chain\n\t\twire ok = 1'b1");
	spatial_guards(o, "sgb");
	if (O->per_pe) {   /* the same, a cycle early, for the PE's register */
		P(o, ";\n\t\twire oka = 1'b1");
		spatial_guards(o, "sga");
	}
	if (O->per_pe && o->skd) {   /* as the PE sees it, DP cycles late
	                                (registered: a cycle more) */
		P(o, ";\n\t\twire okak = 1'b1");
		fan_late(o, 1);
		spatial_guards_pe(o, "sga");
		fan_late(o, 0);
	}
	if (o->skd && !O->per_pe) {   /* the same as the PE sees it, DP
	                                 cycles late, for its product's
	                                 valid bit */
		P(o, ";\n\t\twire okk = 1'b1");
		spatial_guards_pe(o, "sgb");
	}
	P(o, ";\n\t\tassign pv[p] = stb && ok;\n\t\tassign pch0[p] = CH0;\n");
	if (hw->fresh) {   /* first along the chains, not along the tree */
		P(o, "`ifndef SYNTHESIS\n\t\tassign pfr[p] = 1'b1");
		for (int j = 0; j < hw->np; j++)
			if (hw->part[j].spatial && hw->red[j] && !hw->tree[j])
				P(o, " && S%d == 32'd0", j);
		P(o, " && !(1'b1");
		for (int j = 0; j < hw->np; j++)
			if (hw->tree[j])
				P(o, " && S%d == 32'd0", j);
		P(o, ");  // starts its own partial sums\n`endif\n");
	}
	for (int t = 0; t < NTENSORS; t++) {
		int k = hw->inner[t];
		if (!hw->buf[k].per_pe || t == T_OUT)
			continue;
		P(o, "\t\tassign rcv_%s[p] = LANE_%s == e%d_ln", tname(t), tname(t), k);
		char pre[16];
		snprintf(pre, sizeof pre, "eg%d_", k);
		spatial_guards(o, pre);
		P(o, ";\n");
	}
	if (O->per_pe)
		P(o, "\t\tassign pinl[p] = LANE_o == e%d_ln;\n", hw->inner[T_OUT]);
	if (O->per_pe && o->skd) {   /* the same, and the drain's select, DP
	                                cycles late (skew.c) */
		char ln[16];
		snprintf(ln, sizeof ln, "e%d_ln", hw->inner[T_OUT]);
		P(o, "\t\twire pinlk = LANE_o == %s;\n"
		  "\t\tassign pdc[p] = %s && pinlk;\n",
		  pe_lane_no(o, hw->inner[T_OUT], ln, 0), fan_net(o, 1, "dcall"));
	}
	P(o, "\t\ttessera_pe %su (\n\t\t\t.clk(clk)",
	  pe_headed(hw) ? "#(.HEAD(CH0)) " : "");
	if (O->per_pe) {
		fan_late(o, 1);   /* registered in the PE (skewed: the line's) */
		P(o, ", .va(%s && %s)", fan_net(o, 1, "sta"), o->skd ? "okak" : "oka");
		P(o, ", .firsta(%s && CH0)", fan_net(o, 1, "first_a"));
		fan_late(o, 0);
	}
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		const char *n = tname(t);
		int w = hw->bits[t];
		if (!B->per_pe) {
			if (t == T_OUT)
				P(o, ",\n\t\t\t.prod(pprod[p])%s%s%s", o->lq ? ", .vb(" : "",
				  o->lq ? fan_net(o, 1, "stb") : "",
				  !o->lq ? "" : o->skd ? " && okk), .vq(ppv[p])"
				  : " && ok), .vq(ppv[p])");
			else if (hw->nlanes[t] == 1)
				P(o, ",\n\t\t\t.x_%s(%s)", n,
				  fan_net(o, w, "g%d_rd[%d +: %d]", hw->inner[t], w, w));
			else {
				char vec[16], at[48], idx[16];
				snprintf(vec, sizeof vec, "g%d_rd", hw->inner[t]);
				snprintf(at, sizeof at, "(LANE_%s+1)*%d", n, w);
				snprintf(idx, sizeof idx, "LANE_%s", n);
				P(o, ",\n\t\t\t.x_%s(%s)", n, pe_sel(o, w, vec, 1,
				  hw->nlanes[t], at, idx, 1, t));
			}
			continue;
		}
		if (t == T_OUT && o->oh >= 0) {
			emit_pe_halves(o);
			continue;
		}
		fan_late(o, 1);   /* registered in the PE (skewed: the line's) */
		if (o->ih[hw->inner[t]]) {
			ihalves_pe(o, t);
			fan_late(o, 0);
			continue;
		}
		fan_late(o, 0);   /* the PE registers its read address itself */
		P(o, ",\n\t\t\t.ra_%s(%s)", n,
		  fan_net(o, B->aw, "ra_%s[%d:0]", n, B->aw - 1));
		fan_late(o, 1);
		fan_ch0(o, t == T_OUT);   /* partial sums come back to CH0 */
		P(o, ", .fw_%s(%s && LANE_%s == %s%s", n,
		  pe_net(o, 1, "fwall_%s", n), n,
		  pe_lane_no(o, hw->inner[t], "rsp_tag", 32),
		  t == T_OUT ? " && CH0" : "");
		if (t != T_OUT)
			fill_guards_pe(o, "rsp_tag");
		if (B->npar > 1) {
			P(o, " && %s),\n\t\t\t.fa_%s(%s), ", pe_pok(o, hw->inner[t]), n,
			  fan_net(o, B->aw, "rsp_tag[%d:0]", B->aw - 1));
			P(o, ".fd_%s(%s)", n, pe_par(o, hw->inner[t]));
		} else {
			P(o, "),\n\t\t\t.fa_%s(%s)", n,
			  fan_net(o, B->aw, "rsp_tag[%d:0]", B->aw - 1));
			P(o, ", .fd_%s(%s)", n, fan_net(o, w, "rsp_data[%d:0]", w - 1));
		}
		fan_ch0(o, 0);
		if (t != T_OUT)
			fan_late(o, 0);
		if (t == T_OUT) {
			P(o, ",\n\t\t\t.clr_o(%s)", fan_net(o, 1, "clro"));
			fan_late(o, 0);
			P(o, ", .da_o(%s)", fan_net(o, B->aw, "e%d_la[%d:0]",
			                             hw->inner[T_OUT], B->aw - 1));
			if (o->skd)
				P(o, ", .dc_o(pdc[p]),\n\t\t\t.dv_o(pdv[p]), "
				  ".dt_o(pdt[p])");
			else
				P(o, ", .dc_o(%s && pinl[p]),\n\t\t\t.dv_o(pdv[p]), "
				  ".dt_o(pdt[p])", fan_net(o, 1, "dcall"));
		}
	}
	if (hw->fresh)   /* the counters' alone */
		P(o, "\n`ifndef SYNTHESIS\n\t\t\t, .tc_o(ptc[p])\n`endif");
	for (int t = 0; t < NTENSORS; t++)   /* the counters' alone */
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, "\n`ifndef SYNTHESIS\n\t\t\t, .fc_%s(pfc_%s[p])\n`endif",
			  tname(t), tname(t));
	P(o, "\n\t\t);\n\tend endgenerate\n");
	fan_end(o);
}
