/* emit.c - the accelerator as Verilog, from the hardware plan.
 *
 * The Verilog is one file with every module.  modules.c writes the
 * ones tessera_top instantiates (tessera_sram, a behavioural SRAM, one
 * per shared buffer or bank, black-boxed by synthesis; tessera_sum, a
 * lane's adder; tessera_pe, a MAC with the register files the schedule
 * gives it); gbuf.c the global buffers' memories; this file the rest of
 * tessera_top: the controller (one counter per temporal loop part, in
 * nest order, cut at edge tiles by the guards), an engine per buffer
 * that fills and drains it, the PE array with its buses, and the DRAM
 * port.
 * The controller runs one step of the temporal loops per cycle (all PEs
 * at once, operands read in the first pipeline stage and the MAC in the
 * second).  When a step changes some buffer's block it stops, drains the
 * outputs inner to outer, moves its counters and refills outer to inner
 * (docs/hardware.md).  Counters of every access, behind `ifndef
 * SYNTHESIS`, are printed when the layer is done.
 */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

/* ---- names of part values in the different contexts ---- */

enum { V_CUR, V_NEXT, V_ENG, V_ENGNEXT, V_LANE, V_PRE, V_PRENEXT };

typedef struct Namer {
	int mode, k;        /* k: engine's buffer */
	int temporal_only;  /* spatial parts read as 0 */
	int par;            /* the engine's parallel lane parts are S<j> */
} Namer;

/* The signal holding part j's value, or NULL when it is 0. */
static const char *val(const Out *o, Namer n, int j, char *s, size_t len)
{
	const HwPart *P = &o->hw->part[j];
	if (n.mode == V_ENG || n.mode == V_ENGNEXT) {
		if (o->hw->buf[n.k].eng[j]) {
			if (P->spatial && n.temporal_only)
				return NULL;
			snprintf(s, len, n.mode == V_ENG ? "e%d_%dx" : "f%d_%d", n.k, j);
			return s;
		}
		if (n.par && o->hw->buf[n.k].par[j]) {
			snprintf(s, len, "S%d", j);
			return s;
		}
		n.mode = o->pre[n.k] ? V_PRE : V_CUR;
	}
	if (n.mode == V_PRE || n.mode == V_PRENEXT) {
		/* a prefetching engine's block: its refill parts from the
		 * shadow counters, every part inside it at 0 */
		if (!refill_part(o->hw, &o->hw->buf[n.k], j))
			return NULL;
		snprintf(s, len, n.mode == V_PRE ? "pc%d_%dx" : "pn%d_%d", n.k, j);
		return s;
	}
	if (P->spatial) {
		if (n.mode == V_LANE) {
			snprintf(s, len, "S%d", j);
			return s;
		}
		return NULL;
	}
	if (n.mode == V_NEXT)
		snprintf(s, len, "n%d", j);
	else
		snprintf(s, len, "c%dx", j);
	return s;
}

/* sum of coef[j] * value(j) plus base, as a 32-bit expression */
static void sum(Out *o, Namer n, const long *coef, long base)
{
	int any = 0;
	char s[32];
	if (base) {
		P(o, "32'd%ld", base);
		any = 1;
	}
	for (int j = 0; j < o->hw->np; j++) {
		if (!coef[j])
			continue;
		const char *v = val(o, n, j, s, sizeof s);
		if (!v)
			continue;
		P(o, "%s%s", any ? " + " : "", v);
		if (coef[j] != 1)
			P(o, " * 32'd%ld", coef[j]);
		any = 1;
	}
	if (!any)
		P(o, "32'd0");
}

static int guard_used(const Out *o, Namer n, int g)
{
	if (o->ln->guard[g].trivial)
		return 0;
	long c[HW_MAXP];
	char s[32];
	guard_coefs(o->hw, g, c);
	for (int j = 0; j < o->hw->np; j++)
		if (c[j] && val(o, n, j, s, sizeof s))
			return 1;
	return 0;
}

/* All guards hold for the values named by n: "(1'b1 && ...)". */
static void guards_ok(Out *o, Namer n)
{
	P(o, "(1'b1");
	for (int g = 0; g < o->ln->nguards; g++) {
		if (!guard_used(o, n, g))
			continue;
		long c[HW_MAXP];
		guard_coefs(o->hw, g, c);
		P(o, " && (");
		sum(o, n, c, 0);
		P(o, " < 32'd%ld)", o->ln->guard[g].limit);
	}
	P(o, ")");
}

/* ---- the odometer: counters of parts `use`, fastest first ---- */

static void odometer(Out *o, const unsigned char *use, Namer cur, Namer next,
                     const char *last, int sj, long step)
{
	const Hw *hw = o->hw;
	int js[HW_MAXP], n = 0;
	char a[32], b[32];
	for (int j = 0; j < hw->np; j++)
		if (use[j])
			js[n++] = j;
	if (n == 0) {   /* nothing to count: one setting */
		P(o, "\twire %s = 1'b1;\n", last);
		return;
	}
	P(o, "\treg %s;\n\talways @* begin\n", last);
	for (int i = 0; i < n; i++)
		P(o, "\t\t%s = %s;\n", val(o, next, js[i], a, sizeof a),
		  val(o, cur, js[i], b, sizeof b));
	P(o, "\t\t%s = 1'b%d;\n", last, n == 0);
	for (int i = 0; i < n; i++) {
		const char *nx = val(o, next, js[i], a, sizeof a);
		long st = js[i] == sj ? step : 1;   /* part sj steps by `step` */
		P(o, "%*s%s = %s + 32'd%ld;\n", i + 2, "", nx,
		  val(o, cur, js[i], b, sizeof b), st);
		P(o, "%*sif (%s %s 32'd%ld || !", i + 2, "", nx, st > 1 ? ">=" : "==",
		  hw->part[js[i]].p->extent);
		guards_ok(o, next);
		P(o, ") begin\n%*s%s = 32'd0;\n", i + 3, "", nx);
	}
	if (n)
		P(o, "%*s%s = 1'b1;\n", n + 2, "", last);
	for (int i = n - 1; i >= 0; i--)
		P(o, "%*send\n", i + 2, "");
	P(o, "\tend\n");
}

/* ---- small helpers ---- */

/* expr, w bits wide, zero-extended to `to` bits */
static void zext(Out *o, const char *expr, int w, int to)
{
	if (w >= to)
		P(o, "%s", expr);
	else
		P(o, "{%d'd0, %s}", to - w, expr);
}

/* PE index of lane u and rest r of tensor t (constant function). */
static void pe_of(Out *o, int t)
{
	const Hw *hw = o->hw;
	P(o, "\tfunction automatic [31:0] pe_%s(input [31:0] u, input [31:0] r);"
	  "\n\t\tpe_%s = 32'd0", tname(t), tname(t));
	long rest = 1;
	for (int j = 0; j < hw->np; j++) {
		const HwPart *p = &hw->part[j];
		if (!p->spatial)
			continue;
		if (hw->index[t][j])
			P(o, " + ((u / 32'd%ld) %% 32'd%ld) * 32'd%ld", hw->lmult[t][j],
			  p->p->extent, p->sdiv);
		else {
			P(o, " + ((r / 32'd%ld) %% 32'd%ld) * 32'd%ld", rest,
			  p->p->extent, p->sdiv);
			rest *= p->p->extent;
		}
	}
	P(o, ";\n\tendfunction\n");
}

/* ---- the top ---- */

static const char *S_NAMES = "S_IDLE = 3'd0, S_JOB = 3'd1, S_STEP = 3'd2, "
                             "S_FLUSH = 3'd3, S_DONE = 3'd4";

static int is_gb(const Hw *hw, int k)
{
	return !hw->buf[k].per_pe;
}

/* A per-PE engine walking the settings of a window across PEs fills
 * each lane at its first setting only: the others count as fetched. */
static void emit_canon(Out *o, int k)
{
	const Hw *hw = o->hw;
	int t = hw->buf[k].t;
	long n = hw->ntuples[t], radix = 1;
	P(o, "\tlocalparam [%ld:0] CANON%d = %ld'b", n - 1, k, n);
	for (long s = n - 1; s >= 0; s--)
		P(o, "%d", hw->canon[t][s]);
	P(o, ";  // a lane's first setting\n\twire [31:0] e%d_tu = 32'd0", k);
	for (int j = 0; j < hw->np; j++)
		if (hw->part[j].spatial && hw->index[t][j]) {
			ASSERT(hw->buf[k].eng[j]);
			P(o, " + e%d_%dx * 32'd%ld", k, j, radix);
			radix *= hw->part[j].p->extent;
		}
	P(o, ";\n\twire skip%d = !CANON%d[e%d_tu[%d:0]];\n", k, k, k,
	  hw_bits(n - 1) - 1);
}

/* For lanes shared by PEs of different settings: each lane's first PE
 * (its settings give the lane's addresses) and the mask of its PEs
 * (constant functions; a lane number no PE has gets an empty mask). */
static void lane_tables(Out *o, int t)
{
	const Hw *hw = o->hw;
	const char *n = tname(t);
	P(o, "\tfunction automatic [31:0] lrep_%s(input [31:0] u);\n"
	  "\t\tcase (u)\n", n);
	for (long u = 0; u < hw->nlanes[t]; u++)
		for (long pe = 0; pe < hw->npe; pe++)
			if (lane_of(hw, t, pe) == u) {
				P(o, "\t\t32'd%ld: lrep_%s = 32'd%ld;\n", u, n, pe);
				break;
			}
	P(o, "\t\tdefault: lrep_%s = 32'd0;\n\t\tendcase\n\tendfunction\n"
	  "\tfunction automatic [%ld:0] lmask_%s(input [31:0] u);\n"
	  "\t\tcase (u)\n", n, hw->npe - 1, n);
	for (long u = 0; u < hw->nlanes[t]; u++) {
		P(o, "\t\t32'd%ld: lmask_%s = %ld'b", u, n, hw->npe);
		for (long pe = hw->npe - 1; pe >= 0; pe--)
			P(o, "%d", lane_of(hw, t, pe) == u);
		P(o, ";\n");
	}
	P(o, "\t\tdefault: lmask_%s = %ld'd0;\n\t\tendcase\n\tendfunction\n",
	  n, hw->npe);
}

static void guard_terms(Out *o, int g, const char *base)
{
	long c[HW_MAXP];
	guard_coefs(o->hw, g, c);
	P(o, "(%s", base);
	for (int j = 0; j < o->hw->np; j++)
		if (c[j] && o->hw->part[j].spatial)
			P(o, " + S%d * 32'd%ld", j, c[j]);
	P(o, " < 32'd%ld)", o->ln->guard[g].limit);
}

static int guard_spatial(const Out *o, int g)
{
	long c[HW_MAXP];
	if (o->ln->guard[g].trivial)
		return 0;
	guard_coefs(o->hw, g, c);
	for (int j = 0; j < o->hw->np; j++)
		if (c[j] && o->hw->part[j].spatial)
			return 1;
	return 0;
}

/* " && (PRE<g> + spatial terms < limit)" for every guard that involves
 * spatial parts: PRE<g> holds its temporal terms. */
static void spatial_guards(Out *o, const char *pre)
{
	for (int g = 0; g < o->ln->nguards; g++)
		if (guard_spatial(o, g)) {
			char base[24];
			snprintf(base, sizeof base, "%s%d", pre, g);
			P(o, " && ");
			guard_terms(o, g, base);
		}
}

static void emit_ports(Out *o)
{
	const Hw *hw = o->hw;
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
	P(o, "\t// Addresses are computed in 32 bits and sliced to each memory's\n"
	  "\t// width: their high bits are unused by design.\n"
	  "\t/* verilator lint_off UNUSEDSIGNAL */\n");
	P(o, "\tlocalparam [2:0] %s;\n\tlocalparam integer NPE = %ld;\n",
	  S_NAMES, hw->npe);
}

static void emit_controller(Out *o)
{
	const Hw *hw = o->hw;
	unsigned char use[HW_MAXP];
	P(o, "\n\t// ---- controller: one counter per temporal loop part ----\n");
	for (int j = 0; j < hw->np; j++) {
		const HwPart *p = &hw->part[j];
		use[j] = temporal(hw, j);
		if (!use[j])
			continue;
		P(o, "\treg [%d:0] c%d;      // %s of loop %s, extent %ld\n",
		  p->width - 1, j, p->p->name, o->ln->loop[p->loop].name,
		  p->p->extent);
		P(o, "\twire [31:0] c%dx = {%d'd0, c%d};\n", j, 32 - p->width, j);
		P(o, "\treg [31:0] n%d, nx%d;\n", j, j);
	}
	odometer(o, use, (Namer){V_CUR, 0, 0, 0}, (Namer){V_NEXT, 0, 0, 0}, "nlast",
	         -1, 1);
	for (int k = 0; k < hw->nbuf; k++) {
		P(o, "\twire chg%d = 1'b0", k);
		for (int j = 0; j < hw->np; j++)
			if (hw->buf[k].mark[j])
				P(o, " || n%d != c%dx", j, j);
		P(o, ";\n");
	}
	P(o, "\twire first_a = 1'b1");
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j) && hw->red[j])
			P(o, " && c%dx == 32'd0", j);
	P(o, ";  // no reduction loop has moved: no partial sum yet\n");
}

/* Slots G-1 down to 1 of buffer k, comma-separated: whether each holds
 * a bank when the group's first bank is v (v + slot is below the banks),
 * or (addr) each one's DRAM address when the first's is v. */
static void slot_terms(Out *o, int k, const char *v, int addr)
{
	for (int q = o->pf[k].slots - 1; q > 0; q--) {
		if (addr)
			P(o, "%s + 32'd%ld", v, q * o->pf[k].dstride);
		else
			P(o, "%s < 32'd%ld", v, o->pf[k].nb - q);
		P(o, "%s", q > 1 ? ", " : "");
	}
}

/* A buffer filled a word per bank (pfill_plan): which slots hold a bank,
 * the address inside every bank, and each slot's DRAM address. */
static void emit_slots(Out *o, int k)
{
	int G = o->pf[k].slots;
	if (!G)
		return;
	char cv[32], bc[16], pa[16];
	snprintf(cv, sizeof cv, o->hw->buf[k].box ? "e%d_q%dx" : "e%d_%dx", k,
	         o->pf[k].coord);
	snprintf(bc, sizeof bc, "e%d_bc", k);
	snprintf(pa, sizeof pa, "e%d_pa", k);
	P(o, "\t// filled a word per bank: slot s fetches bank e%d_bc + s\n"
	  "\twire [31:0] e%d_bc = %s;\n\twire [%d:0] e%d_sv = {", k, k, cv,
	  G - 1, k);
	slot_terms(o, k, bc, 0);
	/* the address inside a bank: the local address without the bank
	 * coordinate's term */
	const HwBuf *B = &o->hw->buf[k];
	P(o, ", 1'b1};  // slots that hold a bank\n\twire [31:0] e%d_bl = 32'd0", k);
	if (B->box) {
		for (int r = 0; r < o->ln->layer->t[B->t].rank; r++)
			if (B->span[r] > 1 && r != o->pf[k].coord)
				P(o, " + e%d_q%dx * 32'd%ld", k, r, B->lstride[r]);
	} else {
		for (int j = 0; j < o->hw->np; j++)
			if (B->acoef[j] && j != o->pf[k].coord)
				P(o, " + e%d_%dx * 32'd%ld", k, j, B->acoef[j]);
	}
	P(o, ";  // in every bank\n\twire [%d:0] e%d_xa = {", (G - 1) * 32 - 1, k);
	slot_terms(o, k, pa, 1);
	P(o, "};  // slots 1.. DRAM addresses\n");
}

/* An engine that walks its block's words one index position at a time
 * (a window fetched without its repeats): counters q<r>, last position
 * fastest; the block's first element is where every part inside the
 * buffer is 0, which the controller's counters are at a refill. */
static void emit_box(Out *o, int k)
{
	const HwBuf *B = &o->hw->buf[k];
	const Tensor *T = &o->ln->layer->t[B->t];
	long rowstride[MAX_RANK], rs = 1;
	for (int r = T->rank - 1; r >= 0; r--) {
		rowstride[r] = rs;
		rs *= T->shape[r];
	}
	for (int r = 0; r < T->rank; r++)
		if (B->span[r] > 1) {
			int w = hw_bits(B->span[r]);
			P(o, "\treg [%d:0] e%d_q%d;\n\twire [31:0] e%d_q%dx = {%d'd0, e%d_q%d};"
			  "\n\treg [31:0] f%d_q%d;\n", w - 1, k, r, k, r, 32 - w, k, r, k, r);
		}
	P(o, "\treg f%d_last;\n\talways @* begin\n", k);
	for (int r = 0; r < T->rank; r++)
		if (B->span[r] > 1)
			P(o, "\t\tf%d_q%d = e%d_q%dx;\n", k, r, k, r);
	int moving = 0;
	for (int r = 0; r < T->rank; r++)
		moving += B->span[r] > 1;
	P(o, "\t\tf%d_last = 1'b%d;\n", k, moving == 0);
	int depth = 0;
	for (int r = T->rank - 1; r >= 0; r--) {
		if (B->span[r] <= 1)
			continue;
		long st = o->pf[k].slots && o->pf[k].coord == r ? o->pf[k].slots : 1;
		P(o, "%*sf%d_q%d = e%d_q%dx + 32'd%ld;\n%*sif (f%d_q%d %s 32'd%ld) "
		  "begin\n%*sf%d_q%d = 32'd0;\n", depth + 2, "", k, r, k, r, st,
		  depth + 2, "", k, r, st > 1 ? ">=" : "==", B->span[r], depth + 3, "",
		  k, r);
		depth++;
	}
	if (depth) {
		P(o, "%*sf%d_last = 1'b1;\n", depth + 2, "", k);
		for (int i = depth - 1; i >= 0; i--)
			P(o, "%*send\n", i + 2, "");
	}
	P(o, "\tend\n");
	P(o, "\twire [31:0] e%d_la = 32'd0", k);
	for (int r = 0; r < T->rank; r++)
		if (B->span[r] > 1)
			P(o, " + e%d_q%dx * 32'd%ld", k, r, B->lstride[r]);
	P(o, ";  // local address\n\twire [31:0] e%d_ln = 32'd0;\n"
	  "\twire [31:0] e%d_pa = ", k, k);
	sum(o, (Namer){o->pre[k] ? V_PRE : V_CUR, k, 0, 0}, o->hw->lin[B->t],
	    o->hw->dbase[B->t]);
	for (int r = 0; r < T->rank; r++)
		if (B->span[r] > 1)
			P(o, " + e%d_q%dx * 32'd%ld", k, r, rowstride[r]);
	P(o, ";  // DRAM address\n\twire dup%d = 1'b0;\n", k);
	emit_slots(o, k);
}

/* A double-buffered buffer's prefetch (plan_pre): shadow counters of
 * its refill parts hold the block being fetched into the other half
 * (pc), with the odometer that gives the block after it (pn, pl%d: it
 * is the last).  Its engine runs while the steps do, on DRAM cycles no
 * job uses; its responses carry the buffer in the tag's top byte. */
static void emit_shadow(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	unsigned char use[HW_MAXP];
	P(o, "\t// prefetch: the next block into the other half\n");
	for (int j = 0; j < hw->np; j++) {
		use[j] = refill_part(hw, B, j);
		if (use[j])
			P(o, "\treg [%d:0] pc%d_%d;\n\twire [31:0] pc%d_%dx = {%d'd0, "
			  "pc%d_%d};\n\treg [31:0] pn%d_%d;\n", hw->part[j].width - 1, k,
			  j, k, j, 32 - hw->part[j].width, k, j, k, j);
	}
	char last[16];
	snprintf(last, sizeof last, "pl%d", k);
	odometer(o, use, (Namer){V_PRE, k, 0, 0}, (Namer){V_PRENEXT, k, 0, 0},
	         last, -1, 1);
	P(o, "\treg pr%d_run;  // issuing the block's reads\n"
	  "\treg [31:0] po%d;  // its reads in flight\n"
	  "\treg pfi%d;  // one issued this cycle\n"
	  "\treg hh%d;  // the half the steps read\n"
	  "\twire pr%d_rsp = mem_rvalid && mem_rtag[63:56] == 8'd%d;\n"
	  "\twire e%d_run = pr%d_run || po%d != 32'd0;\n", k, k, k, k, k, k + 1,
	  k, k, k);
}

static void emit_engine(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	const Level *L = &o->ln->arch->level[B->b->level];
	P(o, "\n\t// ---- engine %d: %s @%s (%ld words%s) ----\n", k,
	  o->ln->layer->t[B->t].name, L->name, B->words,
	  B->per_pe ? " in every PE" : "");
	for (int j = 0; j < hw->np; j++)
		if (B->eng[j]) {
			int w = hw->part[j].width;
			P(o, "\treg [%d:0] e%d_%d;\n\twire [31:0] e%d_%dx = {%d'd0, e%d_%d};"
			  "\n\treg [31:0] f%d_%d;\n", w - 1, k, j, k, j, 32 - w, k, j, k, j);
		}
	if (o->pre[k])
		emit_shadow(o, k);
	else
		P(o, "\treg e%d_run;\n", k);
	if (B->box) {
		emit_box(o, k);
		return;
	}
	char last[32];
	snprintf(last, sizeof last, "f%d_last", k);
	odometer(o, B->eng, (Namer){V_ENG, k, 0, 0}, (Namer){V_ENGNEXT, k, 0, 0}, last,
	         o->pf[k].slots ? o->pf[k].coord : -1, o->pf[k].slots);
	P(o, "\twire [31:0] e%d_la = ", k);
	sum(o, (Namer){V_ENG, k, 0, 0}, B->acoef, 0);
	P(o, ";  // local address\n\twire [31:0] e%d_ln = ", k);
	long lm[HW_MAXP] = {0};
	if (B->per_pe)
		for (int j = 0; j < hw->np; j++)
			lm[j] = hw->part[j].spatial ? hw->lmult[B->t][j] : 0;
	sum(o, (Namer){V_ENG, k, 0, 0}, lm, 0);
	P(o, ";  // lane\n\twire [31:0] e%d_pa = ", k);
	if (B->parent < 0)
		sum(o, (Namer){V_ENG, k, 0, 0}, hw->lin[B->t], hw->dbase[B->t]);
	else
		sum(o, (Namer){V_ENG, k, 0, 0}, hw->buf[B->parent].acoef, 0);
	P(o, ";  // %s address\n", B->parent < 0 ? "DRAM" : "parent");
	emit_slots(o, k);
	if (B->per_pe && B->t != T_OUT)
		for (int g = 0; g < o->ln->nguards; g++)
			if (guard_spatial(o, g)) {
				long c[HW_MAXP];
				guard_coefs(hw, g, c);
				P(o, "\twire [31:0] eg%d_%d = ", k, g);
				sum(o, (Namer){V_ENG, k, 1, 0}, c, 0);
				P(o, ";\n");
			}
	if (B->dedup) {
		P(o, "\treg [%ld:0] sn%d;  // words already fetched this refill\n",
		  B->lanes * B->words - 1, k);
		P(o, "\twire dup%d = sn%d[e%d_ln * 32'd%ld + e%d_la];\n", k, k, k,
		  B->words, k);
	} else {
		P(o, "\twire dup%d = 1'b0;\n", k);
	}
	if (B->per_pe && hw->collapsed[B->t])
		emit_canon(o, k);
}

/* The lanes a per-PE buffer's engine serves at once: one port of the
 * parent each, for fills, returns and (outputs) drains. */
static void emit_par(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int p = B->parent, aw = hw->buf[p].aw, w = hw->bits[B->t];
	/* PE r of lane v: the lane fixes the parallel parts, r the others */
	P(o, "\tfunction automatic [31:0] ppe_%d(input [31:0] v, input [31:0] r);"
	  "\n\t\tppe_%d = 32'd0", k, k);
	long rest = 1;
	for (int j = 0; j < hw->np; j++) {
		const HwPart *q = &hw->part[j];
		if (!q->spatial)
			continue;
		P(o, " + ((%s / 32'd%ld) %% 32'd%ld) * 32'd%ld", B->par[j] ? "v" : "r",
		  B->par[j] ? B->pmult[j] : rest, q->p->extent, q->sdiv);
		if (!B->par[j])
			rest *= q->p->extent;
	}
	P(o, ";\n\tendfunction\n\treg [%ld:0] pok%d;  // lanes read last cycle\n"
	  "\talways @(posedge clk) pok%d <= g%d_rep;\n", B->npar - 1, k, k, p);
	if (B->t == T_OUT)
		P(o, "`ifndef SYNTHESIS\n\twire [%ld:0] pcnt%d;\n"
		  "\treg [63:0] pcs%d;  // PEs drained\n"
		  "\tinteger pq%d;\n\talways @* begin\n\t\tpcs%d = 64'd0;\n"
		  "\t\tfor (pq%d = 0; pq%d < %ld; pq%d = pq%d + 1)\n"
		  "\t\t\tpcs%d = pcs%d + {32'd0, pcnt%d[pq%d*32 +: 32]};\n\tend\n"
		  "`endif\n",
		  B->npar * 32 - 1, k, k, k, k, k, k, B->npar, k, k, k, k, k, k);
	P(o, "\tgenvar v%d;\n\tgenerate for (v%d = 0; v%d < %ld; v%d = v%d + 1) "
	  "begin : par%d\n", k, k, k, B->npar, k, k, k);
	for (int j = 0; j < hw->np; j++)
		if (B->par[j])
			P(o, "\t\tlocalparam [31:0] S%d = (v%d / 32'd%ld) %% 32'd%ld;\n",
			  j, k, B->pmult[j], hw->part[j].p->extent);
	P(o, "\t\twire ok = ");
	guards_ok(o, (Namer){V_ENG, k, 0, 1});
	P(o, ";\n\t\twire [31:0] pa = e%d_pa", k);
	for (int j = 0; j < hw->np; j++)
		if (B->par[j] && hw->buf[p].acoef[j])
			P(o, " + S%d * 32'd%ld", j, hw->buf[p].acoef[j]);
	P(o, ";\n\t\tassign g%d_rep[v%d] = fi%d && ok;\n"
	  "\t\tassign g%d_rap[v%d*%d +: %d] = pa[%d:0];\n", p, k, k, p, k, aw, aw,
	  aw - 1);
	long nr = hw->npe / B->npar;   /* PEs of a lane */
	if (B->t == T_OUT)
		P(o, "\t\twire [%d:0] s;  // this lane's partial sums, summed\n"
		  "\t\twire [%ld:0] m;\n\t\twire [%ld:0] d;\n\t\tgenvar r;\n"
		  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : in\n"
		  "\t\t\tassign m[r] = dcall && pinl[ppe_%d(v%d, r)] && "
		  "pdt[ppe_%d(v%d, r)];\n"
		  "\t\t\tassign d[r*%d +: %d] = pdv[ppe_%d(v%d, r)];\n\t\tend\n"
		  "\t\ttessera_sum #(.N(%ld), .W(%d)) sum (.m(m), .d(d), .s(s));\n"
		  "\t\tassign g%d_wep[v%d] = di%d && |m;\n"
		  "\t\tassign g%d_wap[v%d*%d +: %d] = pa[%d:0];\n"
		  "\t\tassign g%d_wdp[v%d*%d +: %d] = s;\n"
		  "`ifndef SYNTHESIS\n\t\treg [31:0] cnt;  // PEs drained\n"
		  "\t\tinteger q;\n\t\talways @* begin\n\t\t\tcnt = 32'd0;\n"
		  "\t\t\tfor (q = 0; q < %ld; q = q + 1) cnt = cnt + {31'd0, m[q]};\n"
		  "\t\tend\n\t\tassign pcnt%d[v%d*32 +: 32] = cnt;\n`endif\n",
		  w - 1, nr - 1, nr * w - 1, nr, k, k, k, k, w, w, k, k, nr, w,
		  p, k, k, p, k, aw, aw, aw - 1, p, k, w, w, nr, k, k);
	P(o, "\tend endgenerate\n");
}

/* Step stage A for operands and partial sums kept in a shared buffer:
 * one read port a lane. */
static void emit_lanes(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int w = hw->bits[B->t], aw = B->aw;
	long lanes = step_lanes(hw, k);
	const char *n = tname(B->t);
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
	P(o, ";\n\t\tassign g%d_rel[u%d] = sta;\n"
	  "\t\tassign g%d_ral[u%d*%d +: %d] = a[%d:0];\n", k, k, k, k, aw, aw,
	  aw - 1);
	if (col)   /* read when any of the lane's PEs works */
		P(o, "\t\tassign lv_%s[u%d] = |(pv & lmask_%s(u%d));\n", n, k, n,
		  k);
	else if (gaps)
		P(o, "\t\tassign lv_%s[u%d] = HASPE[u%d] && pv[pe_%s(u%d, 32'd0)];\n",
		  n, k, k, n, k);
	else
		P(o, "\t\tassign lv_%s[u%d] = pv[pe_%s(u%d, 32'd0)];\n", n, k, n,
		  k);
	if (B->t == T_OUT) {
		long nr = hw->npe / lanes;
		P(o, "\t\treg [%d:0] wab;\n\t\treg fw;\n\t\treg [%d:0] fwd;\n"
		  "\t\twire [%d:0] s;  // the lane's products, summed\n"
		  "\t\twire [%ld:0] m;\n\t\twire [%ld:0] d;\n\t\tgenvar r;\n"
		  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : in\n"
		  "\t\t\tassign m[r] = pv[pe_o(u%d, r)];\n"
		  "\t\t\tassign d[r*%d +: %d] = pprod[pe_o(u%d, r)];\n\t\tend\n"
		  "\t\ttessera_sum #(.N(%ld), .W(%d)) sum (.m(m), .d(d), .s(s));\n",
		  aw - 1, w - 1, w - 1, nr - 1, nr * w - 1, nr, k, w, w, k, nr, w);
		P(o, "\t\twire [%d:0] old = fb ? %d'd0 : fw ? fwd : "
		  "g%d_rd[(u%d+1)*%d +: %d];\n\t\twire [%d:0] nw = old + s;\n",
		  w - 1, w, k, k, w, w, w - 1);
		P(o, "\t\tassign g%d_wel[u%d] = lv_o[u%d];\n"
		  "\t\tassign g%d_wal[u%d*%d +: %d] = wab;\n"
		  "\t\tassign g%d_wdl[u%d*%d +: %d] = nw;\n", k, k, k, k, k, aw, aw,
		  k, k, w, w);
		P(o, "\t\talways @(posedge clk) begin\n"
		  "\t\t\tif (sta) wab <= a[%d:0];\n"
		  "\t\t\tfw <= sta && lv_o[u%d] && a[%d:0] == wab;\n"
		  "\t\t\tfwd <= nw;\n\t\tend\n", aw - 1, k, aw - 1);
	}
	P(o, "\tend endgenerate\n");
}

static void emit_array(Out *o)
{
	const Hw *hw = o->hw;
	const HwBuf *O = &hw->buf[hw->inner[T_OUT]];
	P(o, "\n\t// ---- the PE array: %ld PEs ----\n\tgenvar p;\n"
	  "\tgenerate for (p = 0; p < NPE; p = p + 1) begin : pe\n", hw->npe);
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
	P(o, ";\n\t\tassign pv[p] = stb && ok;\n\t\tassign pch0[p] = CH0;\n");
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
	P(o, "\t\ttessera_pe u (\n\t\t\t.clk(clk)");
	if (O->per_pe)
		P(o, ", .va(sta && oka), .firsta(first_a && CH0)");
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		const char *n = tname(t);
		int w = hw->bits[t];
		if (!B->per_pe) {
			if (t == T_OUT)
				P(o, ",\n\t\t\t.prod(pprod[p])");
			else if (hw->nlanes[t] == 1)
				P(o, ",\n\t\t\t.x_%s(g%d_rd[%d +: %d])", n, hw->inner[t], w, w);
			else
				P(o, ",\n\t\t\t.x_%s(g%d_rd[(LANE_%s+1)*%d +: %d])", n,
				  hw->inner[t], n, w, w);
			continue;
		}
		P(o, ",\n\t\t\t.ra_%s(ra_%s[%d:0]), .fw_%s(fwall_%s && LANE_%s == "
		  "rsp_tag[63:32]%s", n, n, B->aw - 1, n, n, n,
		  t == T_OUT ? " && CH0" : "");
		if (B->npar > 1)
			P(o, " && pok%d[PAR_%s]),\n\t\t\t.fa_%s(rsp_tag[%d:0]), "
			  ".fd_%s(g%d_rd[(%ld+PAR_%s)*%d +: %d])", hw->inner[t], n, n,
			  B->aw - 1, n, B->parent, 1 + step_lanes(hw, B->parent), n, w, w);
		else
			P(o, "),\n\t\t\t.fa_%s(rsp_tag[%d:0]), .fd_%s(rsp_data[%d:0])",
			  n, B->aw - 1, n, w - 1);
		if (t == T_OUT)
			P(o, ",\n\t\t\t.clr_o(clro), .da_o(e%d_la[%d:0]), "
			  ".dc_o(dcall && pinl[p]),\n\t\t\t.dv_o(pdv[p]), "
			  ".dt_o(pdt[p])", hw->inner[T_OUT], B->aw - 1);
	}
	P(o, "\n\t\t);\n\tend endgenerate\n");
}

/* The jobs: drains of the outputs inner to outer, then refills outer to
 * inner. */
static void plan_jobs(Out *o)
{
	const LoopNest *ln = o->ln;
	for (int h = 0; h < ln->nholders[T_OUT]; h++) {
		o->job_buf[o->njobs] = ln->holder[T_OUT][h];
		o->job_drain[o->njobs++] = 1;
	}
	o->first_fill = o->njobs;
	for (int h = MAX_LEVELS - 1; h >= 0; h--)
		for (int t = 0; t < NTENSORS; t++)
			if (h < ln->nholders[t]) {
				o->job_buf[o->njobs] = ln->holder[t][h];
				o->job_drain[o->njobs++] = 0;
			}
}

static int job_of(const Out *o, int k, int drain)
{
	for (int i = 0; i < o->njobs; i++)
		if (o->job_buf[i] == k && o->job_drain[i] == drain)
			return i;
	return -1;
}

static void emit_fsm(Out *o)
{
	const Hw *hw = o->hw;
	P(o, "\n\t// ---- sequencing: steps, and between them the jobs ----\n"
	  "\treg [2:0] st;\n\treg [7:0] job;\n\treg jst;      // the job has "
	  "started\n\treg [%d:0] pend;  // buffers whose block changes\n"
	  "\treg ending;\n\treg jp, jrun;\n"
	  "\twire jlast;  // a drain of the PEs walks its last setting\n",
	  hw->nbuf - 1);
	P(o, "\tlocalparam [%d:0] OBUFS = %d'b", hw->nbuf - 1, hw->nbuf);
	for (int k = hw->nbuf - 1; k >= 0; k--)
		P(o, "%d", hw->buf[k].t == T_OUT);
	P(o, ";\n\twire [%d:0] chg = {", hw->nbuf - 1);
	for (int k = hw->nbuf - 1; k >= 0; k--)
		P(o, "chg%d%s", k, k ? ", " : "");
	P(o, "};\n\talways @* begin\n\t\tjp = 1'b0;\n\t\tjrun = 1'b0;\n"
	  "\t\tcase (job)\n");
	for (int i = 0; i < o->njobs; i++)
		P(o, "\t\t8'd%d: begin jp = pend[%d]; jrun = e%d_run; end  // %s %s\n",
		  i, o->job_buf[i], o->job_buf[i], o->job_drain[i] ? "drain" : "fill",
		  o->ln->layer->t[hw->buf[o->job_buf[i]].t].name);
	/* a job may end in the cycle its last answer comes back: the answer
	 * is written by the job's own case below, before the job changes;
	 * a drain's DRAM write after its read (dp_v) still needs the job */
	P(o, "\t\tdefault: ;\n\t\tendcase\n\tend\n"
	  "\t// answers still to come besides this cycle's\n"
	  "\twire jbusy = outst != {31'd0, %s} || dp_v;\n"
	  "\twire sta = st == S_STEP;  // step stage A: addresses, reads\n",
	  o->npre ? "mrv" : "mem_rvalid");
	/* the first pending job in [from, to), or 255 */
	P(o, "\tfunction automatic [7:0] nxt(input [7:0] from, input [7:0] to,\n"
	  "\t\t\tinput [%d:0] pd);\n\t\tinteger i;\n\t\tbegin\n"
	  "\t\t\tnxt = 8'd255;\n\t\t\tfor (i = %d; i >= 0; i = i - 1)\n"
	  "\t\t\t\tif (i[7:0] >= from && i[7:0] < to && pd[jbuf(i[7:0])]) "
	  "nxt = i[7:0];\n\t\tend\n\tendfunction\n", hw->nbuf - 1,
	  o->njobs - 1);
	int bw = hw_bits(hw->nbuf - 1);
	P(o, "\tfunction automatic [%d:0] jbuf(input [7:0] j);\n"
	  "\t\tcase (j)\n", bw - 1);
	for (int i = 0; i < o->njobs; i++)
		P(o, "\t\t8'd%d: jbuf = %d'd%d;\n", i, bw, o->job_buf[i]);
	P(o, "\t\tdefault: jbuf = %d'd0;\n\t\tendcase\n\tendfunction\n", bw);
	/* When a job ends (or the flush after a step), the next one: the
	 * next pending drain, else (after the drains) the counters commit
	 * and the first pending fill follows, or the layer ends.  The job
	 * chosen starts in the same cycle (its engine's counters reset), so
	 * no cycle is lost between jobs, even where the counters commit: an
	 * engine reads them only from the cycle after it starts, and ret%d,
	 * read as it starts, looks at their new values then. */
	P(o, "\twire jend = st == S_FLUSH || (st == S_JOB && jst && "
	  "(!jrun || jlast) && !jbusy);\n\twire [7:0] jfrom = st == S_FLUSH ? 8'd0 : job + 8'd1;\n"
	  "\twire [7:0] jd = jfrom < 8'd%d ? nxt(jfrom, 8'd%d, pend) : 8'd255;\n"
	  "\twire [7:0] jf = nxt(jfrom < 8'd%d ? 8'd%d : jfrom, 8'd%d, pend);\n"
	  "\twire jcommit = jend && jd == 8'd255 && jfrom <= 8'd%d;\n"
	  "\twire jnow = jend && (jd != 8'd255 || (!(jcommit && ending) && "
	  "jf != 8'd255));\n"
	  "\twire jinit = jnow || (st == S_JOB && jp && !jst);\n"
	  "\twire [7:0] ij = jnow ? (jd != 8'd255 ? jd : jf) : job;  "
	  "// the job starting\n",
	  o->first_fill, o->first_fill, o->first_fill, o->first_fill, o->njobs,
	  o->first_fill);
	P(o, "\ttask to_next;\n\t\tbegin\n\t\t\tjst <= jnow;\n"
	  "\t\t\tif (jd != 8'd255) job <= jd;\n"
	  "\t\t\telse if (jcommit && ending) st <= S_DONE;\n"
	  "\t\t\telse begin\n\t\t\t\tif (jcommit) begin\n");
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			P(o, "\t\t\t\t\tc%d <= nx%d[%d:0];\n", j, j, hw->part[j].width - 1);
	P(o, "\t\t\t\tend\n\t\t\t\tif (jf != 8'd255) job <= jf;\n"
	  "\t\t\t\telse st <= S_STEP;\n\t\t\tend\n\t\tend\n\tendtask\n");
	P(o, "\talways @(posedge clk) begin\n\t\tif (rst) begin\n"
	  "\t\t\tst <= S_IDLE;\n\t\t\tdone <= 1'b0;\n\t\t\tjob <= 8'd0;\n"
	  "\t\t\tjst <= 1'b0;\n\t\tend else case (st)\n"
	  "\t\tS_IDLE: if (start) begin\n");
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			P(o, "\t\t\tc%d <= %d'd0;\n", j, hw->part[j].width);
	P(o, "\t\t\tpend <= {%d{1'b1}};\n\t\t\tending <= 1'b0;\n"
	  "\t\t\tjob <= 8'd%d;\n\t\t\tjst <= 1'b0;\n\t\t\tst <= S_JOB;\n"
	  "\t\tend\n", hw->nbuf, o->first_fill);
	P(o, "\t\tS_JOB: if (!jst) jst <= 1'b1;\n"
	  "\t\t\telse if (jend) to_next;\n"
	  "\t\tS_STEP: if (nlast) begin\n\t\t\tending <= 1'b1;\n"
	  "\t\t\tpend <= OBUFS;\n\t\t\tst <= S_FLUSH;\n"
	  "\t\tend else if (chg != %d'd0) begin\n\t\t\tpend <= chg;\n",
	  hw->nbuf);
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			P(o, "\t\t\tnx%d <= n%d;\n", j, j);
	P(o, "\t\t\tst <= S_FLUSH;\n\t\tend else begin\n");
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			P(o, "\t\t\tc%d <= n%d[%d:0];\n", j, j, hw->part[j].width - 1);
	P(o, "\t\tend\n\t\tS_FLUSH: begin\n\t\t\tst <= S_JOB;\n"
	  "\t\t\tto_next;\n\t\tend\n"
	  "\t\tS_DONE: if (!mem_req) done <= 1'b1;\n"
	  "\t\tdefault: st <= S_IDLE;\n\t\tendcase\n\tend\n");
}

/* Whether a refill of output buffer k brings partial sums back: not on
 * the first block of the reduction.  Read as the job starts, which may
 * be the cycle the counters commit: then their new values count. */
static void emit_ret(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	P(o, "\twire ret%d = jcommit ? (1'b0", k);
	for (int j = 0; j < hw->np; j++)
		if (B->ret[j])
			P(o, " || nx%d[%d:0] != %d'd0", j, hw->part[j].width - 1,
			  hw->part[j].width);
	P(o, ") : (1'b0");
	for (int j = 0; j < hw->np; j++)
		if (B->ret[j])
			P(o, " || c%dx != 32'd0", j);
	P(o, ");  // partial sums come back\n");
}

/* The engines' sequential state: counters, running, fetched bits. */
/* The engine's counters: reset to the block's first word (0), or moved
 * to the next (f). */
static void engine_step(Out *o, int k, int reset, const char *ind)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	for (int j = 0; j < hw->np; j++)
		if (B->eng[j]) {
			if (reset)
				P(o, "%se%d_%d <= %d'd0;\n", ind, k, j, hw->part[j].width);
			else
				P(o, "%se%d_%d <= f%d_%d[%d:0];\n", ind, k, j, k, j,
				  hw->part[j].width - 1);
		}
	for (int r = 0; B->box && r < o->ln->layer->t[B->t].rank; r++)
		if (B->span[r] > 1) {
			if (reset)
				P(o, "%se%d_q%d <= %d'd0;\n", ind, k, r, hw_bits(B->span[r]));
			else
				P(o, "%se%d_q%d <= f%d_q%d[%d:0];\n", ind, k, r, k, r,
				  hw_bits(B->span[r]) - 1);
		}
}

/* A prefetching engine: it starts on the first block with the layer,
 * and at each of its refills (its job: wait until the block is in, then
 * swap the halves) on the block after. */
static void emit_prefetch_regs(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int jf = job_of(o, k, 0);
	P(o, "\twire act%d = 1'b0;\n\twire fi%d = pfi%d;  // fetch\n"
	  "\talways @(posedge clk) begin\n\t\tif (rst) begin\n"
	  "\t\t\tpr%d_run <= 1'b0;\n\t\t\tpo%d <= 32'd0;\n\t\tend else begin\n"
	  "\t\t\tpo%d <= po%d + {31'd0, pfi%d} - {31'd0, pr%d_rsp};\n"
	  "\t\t\tif (st == S_IDLE && start) begin  // the first block\n",
	  k, k, k, k, k, k, k, k, k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, B, j))
			P(o, "\t\t\t\tpc%d_%d <= %d'd0;\n", k, j, hw->part[j].width);
	engine_step(o, k, 1, "\t\t\t\t");
	P(o, "\t\t\t\tpr%d_run <= 1'b1;\n\t\t\t\thh%d <= 1'b1;\n"
	  "\t\t\tend else if (st == S_JOB && jend && job == 8'd%d) begin  // swap, fetch the "
	  "next\n\t\t\t\thh%d <= !hh%d;\n", k, k, jf, k, k);
	for (int j = 0; j < hw->np; j++)
		if (refill_part(hw, B, j))
			P(o, "\t\t\t\tpc%d_%d <= pn%d_%d[%d:0];\n", k, j, k, j,
			  hw->part[j].width - 1);
	engine_step(o, k, 1, "\t\t\t\t");
	P(o, "\t\t\t\tpr%d_run <= !pl%d;\n\t\t\tend else if (pfi%d) begin\n",
	  k, k, k);
	engine_step(o, k, 0, "\t\t\t\t");
	P(o, "\t\t\t\tif (f%d_last) pr%d_run <= 1'b0;\n\t\t\tend\n\t\tend\n"
	  "\tend\n", k, k);
}

static void emit_engine_regs(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int jf = job_of(o, k, 0), jd = job_of(o, k, 1);
	if (o->pre[k]) {
		emit_prefetch_regs(o, k);
		return;
	}
	P(o, "\twire act%d = st == S_JOB && jst && e%d_run && (job == 8'd%d",
	  k, k, jf);
	if (jd >= 0)
		P(o, " || job == 8'd%d", jd);
	char skip[32] = "";
	if (B->per_pe && hw->collapsed[B->t])   /* not its lane's first */
		snprintf(skip, sizeof skip, " && !skip%d", k);
	P(o, ");\n\twire fi%d = act%d && job == 8'd%d && !dup%d%s;  // fetch\n",
	  k, k, jf, k, skip);
	if (jd >= 0) {
		P(o, "\twire di%d = act%d && job == 8'd%d && ", k, k, jd);
		if (B->per_pe && B->npar > 1)
			P(o, "1'b1;  // drain: every lane at once\n");
		else if (B->per_pe)
			P(o, "dany;  // drain\n");
		else   /* the walk skips the words the guards leave out: every
		          word it visits was written this refill */
			P(o, "1'b1;  // drain\n");
	}
	if (B->t == T_OUT)
		emit_ret(o, k);
	P(o, "\talways @(posedge clk) begin\n"
	  "\t\tif (jinit && (ij == 8'd%d", jf);
	if (jd >= 0)
		P(o, " || ij == 8'd%d", jd);
	P(o, ")) begin\n");
	engine_step(o, k, 1, "\t\t\t");
	if (B->t == T_OUT)
		P(o, "\t\t\te%d_run <= ij != 8'd%d || ret%d;\n", k, jf, k);
	else
		P(o, "\t\t\te%d_run <= 1'b1;\n", k);
	P(o, "\t\tend else if (act%d) begin\n", k);
	engine_step(o, k, 0, "\t\t\t");
	P(o, "\t\t\tif (f%d_last) e%d_run <= 1'b0;\n\t\tend\n", k, k);
	if (B->dedup)
		P(o, "\t\tif (jinit && ij == 8'd%d) sn%d <= %ld'd0;\n"
		  "\t\telse if (fi%d) sn%d[e%d_ln * 32'd%ld + e%d_la] <= 1'b1;\n",
		  jf, k, B->lanes * B->words, k, k, k, B->words, k);
	P(o, "\tend\n");
}

/* A drain of per-PE buffers writes its parent in the cycle it walks a
 * setting (no answer to wait for), so it ends with its last setting. */
static void emit_jlast(Out *o)
{
	P(o, "\tassign jlast = 1'b0");
	for (int i = 0; i < o->njobs; i++) {
		int k = o->job_buf[i];
		if (o->job_drain[i] && o->hw->buf[k].per_pe)
			P(o, " || (job == 8'd%d && act%d && f%d_last)", i, k, k);
	}
	P(o, ";\n");
}

/* A DRAM write of `data` (w bits) at e<k>_pa, or at `addr` when k < 0. */
static void dram_write(Out *o, const char *addr, int k, const char *data,
                       int w)
{
	P(o, "\t\t\t\trq_v = 1'b1;\n\t\t\t\trq_we = 1'b1;\n\t\t\t\trq_addr = ");
	if (k >= 0)
		P(o, "%s%d_pa", addr, k);
	else
		P(o, "%s", addr);
	P(o, ";\n\t\t\t\trq_data = ");
	zext(o, data, w, o->hw->dw);
	P(o, ";\n");
}

/* A DRAM read of engine k's word, and of its slots' when it fills a
 * word per bank.  The tag's top byte is `id`: 0 for a job's read, the
 * buffer + 1 for a prefetch, whose answers bypass the jobs. */
static void emit_fetch(Out *o, int k, int id, const char *in)
{
	int G = o->pf[k].slots;
	P(o, "%srq_v = 1'b1;\n%srq_addr = e%d_pa;\n", in, in, k);
	if (G)
		P(o, "%srq_tag = {8'd%d, e%d_bc[23:0], e%d_bl};  // first bank, "
		  "address in it\n%srq_xv[%d:0] = e%d_sv[%d:1];\n"
		  "%srq_xaddr[%d:0] = e%d_xa;\n", in, id, k, k, in, G - 2, k, G - 1,
		  in, (G - 1) * 32 - 1, k);
	else if (id)
		P(o, "%srq_tag = {8'd%d, 24'd0, e%d_la};\n", in, id, k);
	else
		P(o, "%srq_tag = {e%d_ln, e%d_la};\n", in, k, k);
}

/* What the active job drives this cycle: the ports of the shared
 * buffers, the DRAM request, the PEs' fill and drain buses. */
static void emit_job_mux(Out *o)
{
	const Hw *hw = o->hw;
	P(o, "\talways @* begin\n\t\trq_v = 1'b0;\n\t\trq_we = 1'b0;\n"
	  "\t\trq_addr = 32'd0;\n\t\trq_data = %d'd0;\n\t\trq_tag = 64'd0;\n"
	  "\t\tgp_go = 1'b0;\n\t\tgp_tn = 64'd0;\n\t\tgp_data = %d'd0;\n"
	  "\t\tdp_go = 1'b0;\n\t\tdp_an = 32'd0;\n\t\tclro = 1'b0;\n"
	  "\t\tdcall = 1'b0;\n", hw->dw, hw->dw);
	if (o->dslots > 1)
		P(o, "\t\trq_xv = %d'd0;\n\t\trq_xaddr = %d'd0;\n", o->dslots - 1,
		  (o->dslots - 1) * 32);
	if (o->wslots)
		P(o, "\t\trq_xwd = %d'd0;\n\t\tdp_bcn = 32'd0;\n",
		  (o->wslots - 1) * hw->dw);
	for (int k = 0; k < hw->nbuf; k++)
		if (o->pre[k])
			P(o, "\t\tpfi%d = 1'b0;\n", k);
		else if (o->pf[k].slots)
			P(o, "\t\tg%d_pf = 1'b0;\n", k);
	for (int k = 0; k < hw->nbuf; k++)
		if (o->pf[k].slots && hw->buf[k].t == T_OUT)
			P(o, "\t\tg%d_sd = 1'b0;\n", k);
	for (int t = 0; t < NTENSORS; t++)
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, "\t\tfwall_%s = 1'b0;\n", tname(t));
	for (int k = 0; k < hw->nbuf; k++) {
		if (!is_gb(hw, k))
			continue;
		P(o, "\t\tg%d_re0 = 1'b0;\n\t\tg%d_ra0 = %d'd0;\n\t\tg%d_we0 = 1'b0;\n"
		  "\t\tg%d_wa0 = %d'd0;\n\t\tg%d_wd0 = %d'd0;\n", k, k, hw->buf[k].aw,
		  k, k, hw->buf[k].aw, k, hw->bits[hw->buf[k].t]);
	}
	P(o, "\t\tcase (job)\n");
	for (int i = 0; i < o->njobs; i++) {
		int k = o->job_buf[i];
		const HwBuf *B = &hw->buf[k];
		int p = B->parent, w = hw->bits[B->t];
		const char *n = tname(B->t);
		P(o, "\t\t8'd%d: begin\n", i);
		if (o->pre[k]) {
			P(o, "\t\t\t// prefetched: the job waits for the block, "
			  "then the halves swap\n");
		} else if (!o->job_drain[i]) {
			/* fill: fetch from the parent, write what comes back */
			P(o, "\t\t\tif (fi%d) begin\n", k);
			if (B->npar > 1)
				P(o, "\t\t\t\tgp_go = 1'b1;  // every lane's port reads\n"
				  "\t\t\t\tgp_tn = {e%d_ln, e%d_la};\n", k, k);
			else if (p < 0)
				emit_fetch(o, k, 0, "\t\t\t\t");
			else
				P(o, "\t\t\t\tg%d_re0 = 1'b1;\n\t\t\t\tg%d_ra0 = e%d_pa[%d:0];\n"
				  "\t\t\t\tgp_go = 1'b1;\n\t\t\t\tgp_tn = {e%d_ln, e%d_la};\n",
				  p, p, k, hw->buf[p].aw - 1, k, k);
			P(o, "\t\t\tend\n");
			if (p >= 0 && B->npar == 1) {
				char e[48];
				snprintf(e, sizeof e, "g%d_rd[%d:0]", p, w - 1);
				P(o, "\t\t\tgp_data = ");
				zext(o, e, w, hw->dw);
				P(o, ";\n");
			}
			if (B->per_pe)
				P(o, "\t\t\tfwall_%s = rsp_v;\n", n);
			else if (o->pf[k].slots) {
				P(o, "\t\t\tg%d_pf = 1'b1;  // the banks take the slots\n", k);
			} else {
				P(o, "\t\t\tg%d_we0 = rsp_v;\n\t\t\tg%d_wa0 = rsp_tag[%d:0];\n"
				  "\t\t\tg%d_wd0 = rsp_data[%d:0];\n", k, k, B->aw - 1, k, w - 1);
			}
		} else if (B->per_pe) {
			/* drain the PEs' partial sums, summed along the chains */
			P(o, "\t\t\tdcall = act%d;\n\t\t\tif (di%d) begin\n", k, k);
			if (B->npar > 1)
				P(o, "\t\t\t\t// every lane writes its own port (par%d)\n", k);
			else if (p < 0)
				dram_write(o, "e", k, "dsum", w);
			else
				P(o, "\t\t\t\tg%d_we0 = 1'b1;\n\t\t\t\tg%d_wa0 = e%d_pa[%d:0];\n"
				  "\t\t\t\tg%d_wd0 = dsum[%d:0];\n", p, p, k, hw->buf[p].aw - 1,
				  p, w - 1);
			P(o, "\t\t\tend\n");
		} else {
			/* drain a shared buffer: read it, write the parent next
			 * cycle; a word of each bank of a group to DRAM when it
			 * drains a word per bank (then p < 0) */
			int G = o->pf[k].slots;
			char e[48];
			snprintf(e, sizeof e, "g%d_%s[%d:0]", k, G ? "sdd" : "rd", w - 1);
			P(o, "\t\t\tif (di%d) begin\n", k);
			if (G)
				P(o, "\t\t\t\tg%d_sd = 1'b1;  // the group's banks read\n"
				  "\t\t\t\tdp_bcn = e%d_bc;\n", k, k);
			else
				P(o, "\t\t\t\tg%d_re0 = 1'b1;\n\t\t\t\tg%d_ra0 = e%d_la[%d:0];\n",
				  k, k, k, B->aw - 1);
			P(o, "\t\t\t\tdp_go = 1'b1;\n\t\t\t\tdp_an = e%d_pa;\n\t\t\tend\n"
			  "\t\t\tif (dp_v) begin\n", k);
			if (p < 0)
				dram_write(o, "dp_a", -1, e, w);
			else
				P(o, "\t\t\t\tg%d_we0 = 1'b1;\n\t\t\t\tg%d_wa0 = dp_a[%d:0];\n"
				  "\t\t\t\tg%d_wd0 = g%d_rd[%d:0];\n", p, p, hw->buf[p].aw - 1,
				  p, k, w - 1);
			if (G) {   /* the slots: from the group read last cycle */
				P(o, "\t\t\t\trq_xv[%d:0] = {", G - 2);
				slot_terms(o, k, "dp_bc", 0);
				P(o, "};\n\t\t\t\trq_xaddr[%d:0] = {", (G - 1) * 32 - 1);
				slot_terms(o, k, "dp_a", 1);
				P(o, "};\n");
				for (int q = 1; q < G; q++) {
					snprintf(e, sizeof e, "g%d_sdd[%d:%d]", k, (q + 1) * w - 1,
					         q * w);
					P(o, "\t\t\t\trq_xwd[%d:%d] = ", q * hw->dw - 1,
					  (q - 1) * hw->dw);
					zext(o, e, w, hw->dw);
					P(o, ";\n");
				}
			}
			P(o, "\t\t\tend\n");
		}
		P(o, "\t\tend\n");
	}
	P(o, "\t\tdefault: ;\n\t\tendcase\n");
	for (int k = 0; k < hw->nbuf; k++) {
		if (!o->pre[k])
			continue;
		const HwBuf *B = &hw->buf[k];
		P(o, "\t\tif (pr%d_run && !rq_v) begin  // a free DRAM cycle: "
		  "prefetch\n\t\t\tpfi%d = 1'b1;\n", k, k);
		emit_fetch(o, k, k + 1, "\t\t\t");
		P(o, "\t\tend\n");
		if (!o->pf[k].slots)   /* its answer: written at the tag's address */
			P(o, "\t\tif (pr%d_rsp) begin\n\t\t\tg%d_we0 = 1'b1;\n"
			  "\t\t\tg%d_wa0 = mem_rtag[%d:0];\n"
			  "\t\t\tg%d_wd0 = mem_rdata[%d:0];\n\t\tend\n", k, k, k,
			  B->aw - 1, k, hw->bits[B->t] - 1);
	}
	for (int i = 0; i < o->njobs; i++) {
		const HwBuf *B = &hw->buf[o->job_buf[i]];
		if (!o->job_drain[i] && B->per_pe && B->t == T_OUT)
			P(o, "\t\tclro = jinit && ij == 8'd%d;  // the PEs' partial "
			  "sums cleared as their refill starts\n", i);
	}
	P(o, "\tend\n");
}

static void emit_datapath(Out *o)
{
	const Hw *hw = o->hw;
	int wo = hw->bits[T_OUT];
	P(o, "\n\t// ---- step stage B registers, DRAM port, responses ----\n"
	  "\treg stb, fb;\n\twire [NPE-1:0] pv, pch0;\n");
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
	if (O->per_pe && O->npar == 1)   /* drained one lane at a time */
		P(o, "\twire [%d:0] dsum;  // the drained lane, summed\n"
		  "\twire [NPE-1:0] dm = {NPE{dcall}} & pinl & pdt;\n"
		  "\twire [NPE*%d-1:0] dd;\n\tgenvar q;\n"
		  "\tgenerate for (q = 0; q < NPE; q = q + 1) begin : drained\n"
		  "\t\tassign dd[q*%d +: %d] = pdv[q];\n\tend endgenerate\n"
		  "\ttessera_sum #(.N(NPE), .W(%d)) dsu (.m(dm), .d(dd), .s(dsum));\n"
		  "\twire dany = |dm;\n"
		  "`ifndef SYNTHESIS\n\treg [31:0] dcnt;  // PEs drained\n"
		  "\tinteger dq;\n\talways @* begin\n\t\tdcnt = 32'd0;\n"
		  "\t\tfor (dq = 0; dq < NPE; dq = dq + 1) dcnt = dcnt + {31'd0, dm[dq]};\n"
		  "\tend\n`endif\n", wo - 1, wo, wo, wo, wo);
	else if (!O->per_pe)
		P(o, "\treg clro, dcall;\n\twire [%d:0] pprod [0:NPE-1];\n", wo - 1);
	for (int t = 0; t < NTENSORS; t++) {
		const HwBuf *B = &hw->buf[hw->inner[t]];
		if (!B->per_pe)
			continue;
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
		  "\talways @(posedge clk) begin\n\t\tmem_xwdata <= rq_xwd;\n"
		  "\t\tdp_bc <= dp_bcn;\n\tend\n", (o->wslots - 1) * o->hw->dw - 1);
	const char *mrv = "mem_rvalid";
	if (o->npre) {   /* the jobs' DRAM answers: tag's top byte 0 */
		P(o, "\twire mrv = mem_rvalid && mem_rtag[63:56] == 8'd0;\n");
		mrv = "mrv";
	}
	P(o, "\twire rsp_v = %s || gp_v;\n"
	  "\twire [63:0] rsp_tag = %s ? mem_rtag : gp_tag;\n"
	  "\twire [%d:0] rsp_data = %s ? mem_rdata : gp_data;\n", mrv, mrv,
	  hw->dw - 1, mrv);
	P(o, "\talways @(posedge clk) begin\n\t\tmem_req <= rq_v;\n"
	  "\t\tmem_we <= rq_we;\n\t\tmem_addr <= rq_addr;\n"
	  "\t\tmem_wdata <= rq_data;\n\t\tmem_tag <= rq_tag;\n"
	  "\t\tgp_v <= gp_go;\n\t\tgp_tag <= gp_tn;\n\t\tdp_v <= dp_go;\n"
	  "\t\tdp_a <= dp_an;\n\t\tif (rst) outst <= 32'd0;\n"
	  "\t\telse outst <= outst + {31'd0, rq_v && !rq_we");
	for (int k = 0; k < hw->nbuf; k++)
		if (o->pre[k])
			P(o, " && !pfi%d", k);
	P(o, "} - {31'd0, %s};\n\tend\n", mrv);
}

static void emit_counters(Out *o)
{
	const Hw *hw = o->hw;
	const Arch *A = o->ln->arch;
	P(o, "\n`ifndef SYNTHESIS\n\t// ---- counters of every access, MAC and "
	  "hop (simulation only) ----\n\treg [63:0] k_cyc, k_mac");
	for (int t = 0; t < NTENSORS; t++) {
		P(o, ", k_hop_%s", tname(t));
		for (int lv = 0; lv < A->nlevels; lv++)
			P(o, ", k_rd%d_%s, k_wr%d_%s", lv, tname(t), lv, tname(t));
	}
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
	for (int t = 0; t < NTENSORS; t++) {
		P(o, "\t\t\tk_hop_%s <= 64'd0;\n", tname(t));
		for (int lv = 0; lv < A->nlevels; lv++)
			P(o, "\t\t\tk_rd%d_%s <= 64'd0;\n\t\t\tk_wr%d_%s <= 64'd0;\n",
			  lv, tname(t), lv, tname(t));
	}
	P(o, "\t\tend else begin\n"
	  "\t\t\tif (st != S_IDLE && !done) k_cyc <= k_cyc + 64'd1;\n"
	  "\t\t\tif (st == S_STEP) k_step <= k_step + 64'd1;\n"
	  "\t\t\tif (st == S_FLUSH) k_flush <= k_flush + 64'd1;\n"
	  "\t\t\tif (st == S_DONE && !done) k_end <= k_end + 64'd1;\n"
	  "\t\t\tif (st == S_JOB) k_job[job[%d:0]] <= k_job[job[%d:0]] + 64'd1;\n"
	  "\t\t\tif (jinit) k_jrun[ij[%d:0]] <= k_jrun[ij[%d:0]] + 64'd1;\n"
	  "\t\t\tif (stb) begin\n\t\t\t\tk_mac <= k_mac + $countones(pv);\n",
	  hw_bits(o->njobs - 1) - 1, hw_bits(o->njobs - 1) - 1,
	  hw_bits(o->njobs - 1) - 1, hw_bits(o->njobs - 1) - 1);
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
			  "{NPE{1'b0}}));\n", lv, lv, lv, lv);
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
		P(o, "\t\t\tif (fi%d) begin\n\t\t\t\tk_rd%d_%s <= k_rd%d_%s + %s;\n",
		  k, B->plevel, n, B->plevel, n, rd);
		if (B->per_pe)
			P(o, "\t\t\t\tk_hop_%s <= k_hop_%s + %s;\n", n, n,
			  B->t == T_OUT ? rd : B->t == T_A ? "$countones(rcv_a)"
			                                   : "$countones(rcv_b)");
		P(o, "\t\t\tend\n");
		if (B->t != T_OUT)
			continue;
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
		P(o, "\t\t\t$display(\"tessera-count hops %d %%0d\", k_hop_%s);\n",
		  t, tname(t));
		for (int lv = 0; lv < A->nlevels; lv++)
			P(o, "\t\t\t$display(\"tessera-count access %d %d %%0d %%0d\", "
			  "k_rd%d_%s, k_wr%d_%s);\n", lv, t, lv, tname(t), lv, tname(t));
	}
	P(o, "\t\tend\n\tend\n`endif\n");
}

void hw_emit(FILE *f, const Hw *hw)
{
	Out o = {.f = f, .hw = hw, .ln = hw->ln};
	plan_jobs(&o);
	gbuf_plan(&o);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		INTERNAL("out of memory");
	loopnest_print(m, hw->ln);
	fclose(m);
	P(&o, "// Generated by tessera: an accelerator for this schedule.\n//\n");
	for (char *s = text, *e; *s; s = e + 1) {
		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s) - 1;
		P(&o, "//   %.*s\n", (int)(e - s), s);
	}
	free(text);
	P(&o, "\n`default_nettype none\n// One file holds every module of the design.\n"
	  "/* verilator lint_off DECLFILENAME */\n\n");
	emit_modules(&o);
	emit_ports(&o);
	for (int t = 0; t < NTENSORS; t++) {
		pe_of(&o, t);
		if (hw->collapsed[t] && !hw->buf[hw->inner[t]].per_pe)
			lane_tables(&o, t);
	}
	emit_controller(&o);
	for (int k = 0; k < hw->nbuf; k++)
		emit_engine(&o, k);
	emit_datapath(&o);
	emit_fsm(&o);
	for (int k = 0; k < hw->nbuf; k++) {
		if (is_gb(hw, k))
			emit_gb(&o, k);
		emit_engine_regs(&o, k);
	}
	emit_jlast(&o);
	for (int k = 0; k < hw->nbuf; k++) {
		if (step_lanes(hw, k) && is_gb(hw, k))
			emit_lanes(&o, k);
		if (hw->buf[k].npar > 1)
			emit_par(&o, k);
	}
	emit_job_mux(&o);
	emit_array(&o);
	emit_counters(&o);
	P(&o, "endmodule\n\n`default_nettype wire\n");
}

/* The design's Verilog as one malloc'd string (the caller frees it), for
 * the tools that write it into their own build directories. */
char *hw_verilog(const Hw *hw, size_t *len)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);
	if (!m)
		INTERNAL("out of memory");
	hw_emit(m, hw);
	fclose(m);
	return text;
}
