/* engine.c - an engine per buffer, which fills it (and drains an
 * output): the counters that walk its block (part by part, or index
 * position by position for a box walk) and the addresses they give
 * (local, lane, parent's or DRAM), the slots of a buffer filled a word
 * per bank, a double-buffered buffer's prefetch (shadow counters of the
 * next block), the lanes a per-PE buffer's engine serves at once, and
 * the engine's registers: reset as its job starts, stepped as it
 * fetches or drains.  Assumes the controller's counters and the
 * sequencer's st, job, jinit, ij, jcommit, jend (seq.c), the PEs' drain
 * buses (dcall, pinl, pdt, pdv: port.c) and the ports of the parent's
 * memory (gmem.c); the job mux (seq.c) puts its addresses on the DRAM
 * request or the parent's port.
 */
#include "emit.h"

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

/* Slots G-1 down to 1 of buffer k, comma-separated: (addr) each one's
 * DRAM address when the first's is v, or whether each holds a word:
 * the engine's coordinate plus the slot is below its values (a box cut
 * by an edge tile: its words at this refill) and, a part, passes the
 * guards. */
void slot_terms(Out *o, int k, const char *v, int addr)
{
	const HwBuf *B = &o->hw->buf[k];
	int c = o->pf[k].coord;
	for (int q = o->pf[k].slots - 1; q > 0; q--) {
		if (addr)
			P(o, "%s + 32'd%ld", v, q * o->pf[k].dstride);
		else if (B->box && B->bx[c].cut)
			P(o, "e%d_cv + 32'd%d < e%d_n%d", k, q, k, B->bx[c].r);
		else
			P(o, "e%d_cv + 32'd%d < 32'd%ld", k, q, o->pf[k].ext);
		if (!addr && !B->box)   /* a part's slot must pass its guards */
			for (int g = 0; g < o->ln->nguards; g++) {
				long gc[HW_MAXP];
				guard_coefs(o->hw, g, gc);
				if (o->ln->guard[g].trivial || !gc[c])
					continue;
				P(o, " && ");
				sum(o, (Namer){V_ENG, k, 0, 0}, gc, q * gc[c]);
				P(o, " < 32'd%ld", o->ln->guard[g].limit);
			}
		P(o, "%s", q > 1 ? ", " : "");
	}
}

/* A buffer filled (drained) several words a cycle (pfill_plan): its
 * coordinate's value (cv), which slots hold a word (sv), the first
 * slot's bank (bc: the banks' coordinates, each times the banks its
 * step moves) and the address inside every bank (bl: the others), and
 * each slot's DRAM address (xa). */
static void emit_slots(Out *o, int k)
{
	int G = o->pf[k].slots;
	if (!G)
		return;
	const HwBuf *B = &o->hw->buf[k];
	long sz = o->pf[k].size;
	char pa[16];
	snprintf(pa, sizeof pa, "e%d_pa", k);
	P(o, "\t// %d words a cycle: slot s at coordinate %d's value + s\n"
	  "\twire [31:0] e%d_cv = %s%d_%s%dx;\n\twire [%d:0] e%d_sv = {", G,
	  o->pf[k].coord, k, "e", k, B->box ? "q" : "", o->pf[k].coord, G - 1, k);
	slot_terms(o, k, NULL, 0);
	P(o, ", 1'b1};  // slots that hold a word\n\twire [31:0] e%d_bc = 32'd0", k);
	if (sz && o->pf[k].wide)   /* the slots in one bank: its address's */
		P(o, " + {%d'd0, bank%d(e%d_la[%d:0])}",
		  32 - hw_bits(o->pf[k].nb - 1), k, k, B->aw - 1);
	int n = B->box ? B->nbx : o->hw->np;
	for (int i = 0; sz && !o->pf[k].wide && i < n; i++) {
		long step = B->box ? B->bx[i].lstride : B->acoef[i];
		if (step && step % sz == 0)
			P(o, " + e%d_%s%dx * 32'd%ld", k, B->box ? "q" : "", i, step / sz);
	}
	P(o, ";  // the first slot's bank\n\twire [31:0] e%d_bl = 32'd0", k);
	for (int i = 0; sz && i < n; i++) {
		long step = B->box ? B->bx[i].lstride : B->acoef[i];
		if (step && step % sz)
			P(o, " + e%d_%s%dx * 32'd%ld", k, B->box ? "q" : "", i, step);
	}
	P(o, ";  // the address in every bank\n\twire [%d:0] e%d_xa = {",
	  (G - 1) * 32 - 1, k);
	slot_terms(o, k, pa, 1);
	P(o, "};  // slots 1.. DRAM addresses\n");
}

/* The words of coordinate i of box buffer k at this refill: a
 * constant, or (edge tiles cut it) the wire emit_cut_spans writes. */
static void box_span(const Out *o, int k, int i, char *s, size_t n)
{
	const HwBuf *B = &o->hw->buf[k];
	if (B->bx[i].cut)
		snprintf(s, n, "e%d_n%d", k, B->bx[i].r);
	else
		snprintf(s, n, "32'd%ld", B->bx[i].span);
}

/* A box walk under edge tiles (plan.c, box_cuts): each cut layer loop's
 * values in this block, the least of its full count and what each of
 * its guards leaves (the guard's limit less its terms outside the
 * block, at the refill's counters), then each cut position's words. */
void emit_cut_spans(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	const Tensor *T = &o->ln->layer->t[B->t];
	Namer at = {o->pre[k] ? V_PRE : V_CUR, k, 0, 0};
	for (int d = 0; d < NDIMS; d++) {
		if (!B->dcut[d])
			continue;
		P(o, "\treg [31:0] e%d_v%d;  // values of %s in this block\n"
		  "\talways @* begin\n\t\te%d_v%d = 32'd%ld;\n", k, d, dim_lower[d],
		  k, d, B->dvals[d]);
		for (int g = 0; g < o->ln->nguards; g++) {
			long c[HW_MAXP];
			int binds = 0;
			guard_coefs(hw, g, c);
			for (int j = 0; j < hw->np; j++)
				binds |= c[j] && B->inb[j] && hw->part[j].p->dim == d;
			if (!binds || o->ln->guard[g].trivial)
				continue;
			long out[HW_MAXP];
			for (int j = 0; j < hw->np; j++)
				out[j] = B->inb[j] ? 0 : c[j];
			P(o, "\t\tif (32'd%ld - (", o->ln->guard[g].limit);
			sum(o, at, out, 0);
			P(o, ") < e%d_v%d)\n\t\t\te%d_v%d = 32'd%ld - (", k, d, k, d,
			  o->ln->guard[g].limit);
			sum(o, at, out, 0);
			P(o, ");\n");
		}
		P(o, "\tend\n");
	}
	for (int r = 0; r < T->rank; r++) {
		if (!B->pcut[r] || B->span[r] <= 1)
			continue;
		P(o, "\twire [31:0] e%d_n%d = 32'd1", k, r);
		for (int d = 0; d < NDIMS; d++) {
			long a = T->idx[r].coef[d];
			if (!a || !B->dvals[d])
				continue;
			if (B->dcut[d])
				P(o, " + (e%d_v%d - 32'd1) * 32'd%ld", k, d, a);
			else
				P(o, " + 32'd%ld", a * (B->dvals[d] - 1));
		}
		P(o, ";  // its words at this refill\n");
	}
}

/* An engine that walks its block's words one index position at a time
 * (or several that run on in the buffer and in DRAM: HwBuf.bx), without
 * the repeats of a window: counters q<i>, the innermost coordinate
 * fastest; the block's first element is where every part inside the
 * buffer is 0, which the controller's counters are at a refill. */
static void emit_box(Out *o, int k)
{
	const HwBuf *B = &o->hw->buf[k];
	int kc = B->kslide ? B->nbx - 1 : -1;   /* kept: the coordinate
	                   that walks kw values from kl (kept.c) */
	if (B->kslide) {   /* (a cut block's words first: kept.c reads them) */
		if (B->cut)
			emit_cut_spans(o, k);
		emit_kept_fn(o, k);
		emit_kept_decl(o, k);
	}
	for (int i = 0; i < B->nbx; i++) {
		int w = hw_bits(B->bx[i].span);
		P(o, "\treg [%d:0] e%d_q%d;\n\twire [31:0] e%d_q%d%s = {%d'd0, "
		  "e%d_q%d};\n\treg [31:0] f%d_q%d;\n", w - 1, k, i, k, i,
		  i == kc ? "r" : "x", 32 - w, k, i, k, i);
		if (i == kc && B->bx[i].cut)   /* its count, and the value it
		                                  stands for: from the kb-th
		                                  on, kj values on (kept.c) */
			P(o, "\twire [31:0] e%d_q%dx = kl%d + e%d_q%dr + (e%d_q%dr >= "
			  "kb%d ? kj%d : 32'd0);\n", k, i, k, k, i, k, i, k, k);
		else if (i == kc)   /* its count, and the value it stands for */
			P(o, "\twire [31:0] e%d_q%dx = kl%d + e%d_q%dr;\n", k, i, k, k,
			  i);
	}
	if (B->cut && !B->kslide)
		emit_cut_spans(o, k);
	P(o, "\treg f%d_last;\n\talways @* begin\n", k);
	for (int i = 0; i < B->nbx; i++)
		P(o, "\t\tf%d_q%d = e%d_q%d%c;\n", k, i, k, i, i == kc ? 'r' : 'x');
	if (B->kslide && B->nbx)   /* nothing new: the walk is its first
	                              cycle */
		P(o, "\t\tf%d_last = kw%d == 32'd0;\n", k, k);
	else
		P(o, "\t\tf%d_last = 1'b%d;\n", k, B->nbx == 0);
	for (int i = 0; i < B->nbx; i++) {
		long st = o->pf[k].slots && o->pf[k].coord == i ? o->pf[k].slots : 1;
		char bound[32];
		box_span(o, k, i, bound, sizeof bound);
		if (i == kc)
			snprintf(bound, sizeof bound, "kw%d", k);
		P(o, "%*sf%d_q%d = e%d_q%d%c + 32'd%ld;\n%*sif (f%d_q%d %s %s) "
		  "begin\n%*sf%d_q%d = 32'd0;\n", i + 2, "", k, i, k, i,
		  i == kc ? 'r' : 'x', st, i + 2, "", k, i,
		  st > 1 || B->bx[i].cut || i == kc ? ">=" : "==", bound, i + 3,
		  "", k, i);
	}
	if (B->nbx) {
		P(o, "%*sf%d_last = 1'b1;\n", B->nbx + 2, "", k);
		for (int i = B->nbx - 1; i >= 0; i--)
			P(o, "%*send\n", i + 2, "");
	}
	P(o, "\tend\n");
	P(o, "\twire [31:0] e%d_l%c = 32'd0", k, B->kslide ? 'u' : 'a');
	for (int i = 0; i < B->nbx; i++)
		P(o, " + e%d_q%dx * 32'd%ld", k, i, B->bx[i].lstride);
	P(o, ";  // local address\n");
	if (B->kslide)   /* the word's place: at the new offset */
		P(o, "\twire [31:0] e%d_la = {%d'd0, kr%d(e%d_lu[%d:0], kq%d[%d:0])};\n",
		  k, 32 - B->aw, k, k, B->aw - 1, k, B->aw - 1);
	P(o, "\twire [31:0] e%d_ln = 32'd0;\n\twire [31:0] e%d_pa = ", k, k);
	sum(o, (Namer){o->pre[k] ? V_PRE : V_CUR, k, 0, 0}, o->hw->lin[B->t],
	    o->hw->dbase[B->t]);
	for (int i = 0; i < B->nbx; i++)
		P(o, " + e%d_q%dx * 32'd%ld", k, i, B->bx[i].dstride);
	if (B->kslide)   /* no word is new: nothing fetched */
		P(o, ";  // DRAM address\n\twire dup%d = kw%d == 32'd0;\n", k, k);
	else
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
	         last, -1, 1, NULL, NULL);
	P(o, "\treg pr%d_run;  // issuing the block's reads\n"
	  "\treg [31:0] po%d;  // its reads in flight\n"
	  "\treg pfi%d;  // one issued this cycle\n"
	  "\treg hh%d;  // the half the steps read\n"
	  "\twire e%d_run = pr%d_run || po%d != 32'd0;\n", k, k, k, k, k, k, k);
	if (B->dedup)   /* its walk repeats words: it moves at a repeat too,
	                   and holds the DRAM's cycle (prefetches after it
	                   wait for the next one) */
		P(o, "\treg pgo%d, prep%d;  // the walk moves this cycle, at a "
		  "repeat\n", k, k);
}

void emit_engine(Out *o, int k)
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
	if (!B->per_pe && B->parent < 0)   /* its answers, by the tag's top byte */
		P(o, "\twire ra%d = mem_rvalid && mem_rtag[63:56] == 8'd%d;\n", k,
		  k + 1);
	if (dram_parent(o, k))
		P(o, "\treg [31:0] ou%d;  // its job's reads in flight\n", k);
	if (o->pre[k])
		emit_shadow(o, k);
	else
		P(o, "\treg e%d_run;\n", k);
	if (o->og == k)   /* its background's state, which the datapath and
	                     the sequencer read */
		emit_ghalves_decl(o);
	if (B->box) {
		emit_box(o, k);
		return;
	}
	if (B->kslide) {
		emit_kept_fn(o, k);
		emit_kept_decl(o, k);
	}
	char last[32];
	snprintf(last, sizeof last, "f%d_last", k);
	odometer(o, B->eng, (Namer){V_ENG, k, 0, 0}, (Namer){V_ENGNEXT, k, 0, 0}, last,
	         o->pf[k].slots ? o->pf[k].coord : -1, o->pf[k].slots, B->stair,
	         B->stairq);
	P(o, "\twire [31:0] e%d_l%c = ", k, B->kslide ? 'u' : 'a');
	sum(o, (Namer){V_ENG, k, 0, 0}, B->acoef, 0);
	P(o, ";  // local address\n");
	if (B->kslide)   /* the word's place: at the new offset */
		P(o, "\twire [31:0] e%d_la = {%d'd0, kr%d(e%d_lu[%d:0], kq%d[%d:0])};\n",
		  k, 32 - B->aw, k, k, B->aw - 1, k, B->aw - 1);
	P(o, "\twire [31:0] e%d_ln = ", k);
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
				long lim = o->ln->guard[g].limit;
				int b = hw_bits(lim);
				P(o, ";\n\twire [%d:0] fg%d_%d = eg%d_%d >= 32'd%ld ? %d'd%ld "
				  ": eg%d_%d[%d:0];  // as the fill's tag carries it\n",
				  b - 1, k, g, k, g, lim, b, lim, k, g, b - 1);
			}
	if (B->dedup) {
		P(o, "\treg [%ld:0] sn%d;  // words already fetched this refill\n",
		  B->lanes * B->words - 1, k);
		P(o, "\twire dup%d = sn%d[e%d_ln * 32'd%ld + e%d_la]", k, k, k,
		  B->words, k);
	} else {
		P(o, "\twire dup%d = 1'b0", k);
	}
	if (B->kslide)   /* a word the last block held */
		P(o, " || kk%d", k);
	P(o, ";\n");
	if (B->per_pe && hw->collapsed[B->t])
		emit_canon(o, k);
}

/* Lane v's drain (inside emit_par's generate block): the words of its
 * PEs summed through the lane tree and written into the parent's port;
 * with a register in the tree, the write a cycle later with its sum.
 * m: the lane's PEs drained; md, the words summed: the same but for
 * dcall, which every write of the sum has (di), so that the adder does
 * not wait for the sequencer's decode. */
static void emit_par_drain(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int p = B->parent, aw = hw->buf[p].aw, w = hw->bits[B->t];
	long nr = hw->npe / B->npar;   /* PEs of a lane */
	P(o, "\t\twire [%d:0] s;  // this lane's partial sums, summed\n"
	  "\t\twire [%ld:0] m, md;\n\t\twire [%ld:0] d;\n\t\tgenvar r;\n"
	  "\t\tfor (r = 0; r < %ld; r = r + 1) begin : in\n"
	  "\t\t\tassign md[r] = pinl[ppe_%d(v%d, r)] && "
	  "pdt[ppe_%d(v%d, r)];\n\t\t\tassign m[r] = dcall && md[r];\n"
	  "\t\t\tassign d[r*%d +: %d] = pdv[ppe_%d(v%d, r)];\n\t\tend\n",
	  w - 1, nr - 1, nr * w - 1, nr, k, k, k, k, w, w, k, k);
	emit_lane_tree(o, k, nr, "md");
	if (o->dreg[k])   /* the sum comes a cycle later: so does its write */
		P(o, "\t\treg wq;  // the sum's write, as s comes\n"
		  "\t\treg [%d:0] waq;\n\t\talways @(posedge clk) begin\n"
		  "\t\t\twq <= !rst && di%d && |m;\n\t\t\twaq <= pa[%d:0];\n"
		  "\t\tend\n\t\tassign g%d_wep[v%d] = wq;\n"
		  "\t\tassign g%d_wap[v%d*%d +: %d] = waq;\n", aw - 1, k, aw - 1, p,
		  k, p, k, aw, aw);
	else
		P(o, "\t\tassign g%d_wep[v%d] = di%d && |m;\n"
		  "\t\tassign g%d_wap[v%d*%d +: %d] = pa[%d:0];\n", p, k, k, p, k,
		  aw, aw, aw - 1);
	P(o, "\t\tassign g%d_wdp[v%d*%d +: %d] = s;\n"
	  "`ifndef SYNTHESIS\n\t\treg [31:0] cnt;  // PEs drained\n"
	  "\t\tinteger q;\n\t\talways @* begin\n\t\t\tcnt = 32'd0;\n"
	  "\t\t\tfor (q = 0; q < %ld; q = q + 1) cnt = cnt + {31'd0, m[q]};\n"
	  "\t\tend\n\t\tassign pcnt%d[v%d*32 +: 32] = cnt;\n`endif\n",
	  p, k, w, w, nr, k, k);
}

/* A skewed per-PE output's returns read late (Out.rlate,
 * skew_ret_late): port v's reads put off by frd(v) cycles, the engine's
 * address through one line of registers for every port (rqa, entry i i
 * cycles on) and each port's enable through its own (ret_late, inside
 * emit_par's generate block), each register a tessera_line (the skew's
 * registers). */
static void ret_late_head(Out *o, int k)
{
	const HwBuf *B = &o->hw->buf[k];
	int aw = o->hw->buf[B->parent].aw;
	long n = 0;
	P(o, "\tfunction automatic [31:0] frd%d(input [31:0] v);\n\t\tcase (v)\n",
	  k);
	for (long v = 0; v < B->npar; v++) {
		P(o, "\t\t32'd%ld: frd%d = 32'd%ld;\n", v, k, o->rlate[v]);
		o->rbits += o->rlate[v];
		if (o->rlate[v] > n)
			n = o->rlate[v];
	}
	o->rbits += n * aw;
	o->lined = 1;
	P(o, "\t\tdefault: frd%d = 32'd1;\n\t\tendcase\n\tendfunction\n"
	  "\twire [%d:0] rqa%d [0:%ld];  // e%d_pa, i cycles on: the returns' "
	  "reads put off\n\tassign rqa%d[0] = e%d_pa[%d:0];\n\tgenvar rj%d;\n"
	  "\tgenerate for (rj%d = 1; rj%d <= %ld; rj%d = rj%d + 1) begin : rl%d\n"
	  "\t\ttessera_line #(.W(%d), .N(1), .R(0)) a (.clk(clk), .rst(rst), "
	  ".d(rqa%d[rj%d-1]), .q(rqa%d[rj%d]));\n\tend endgenerate\n",
	  k, aw - 1, k, n, k, k, k, aw - 1, k, k, k, n, k, k, k, aw, k, k, k, k);
}

/* Port v<k>'s enable, its reads put off by RD cycles (ret_late_head). */
static void ret_late(Out *o, int k)
{
	const HwBuf *B = &o->hw->buf[k];
	int p = B->parent, aw = o->hw->buf[p].aw;
	P(o, ";\n\t\twire rqv [0:RD];\n\t\tassign rqv[0] = fi%d && ok;\n"
	  "\t\tgenvar rj;\n\t\tfor (rj = 1; rj <= RD; rj = rj + 1) begin : rl\n"
	  "\t\t\ttessera_line #(.W(1), .N(1), .R(1)) v (.clk(clk), .rst(rst), "
	  ".d(rqv[rj-1]), .q(rqv[rj]));\n\t\tend\n"
	  "\t\tassign g%d_rep[v%d] = rqv[RD];\n"
	  "\t\tassign g%d_rap[v%d*%d +: %d] = pa[%d:0];\n", k, p, k, p, k, aw,
	  aw, aw - 1);
}

/* The lanes a per-PE buffer's engine serves at once: one port of the
 * parent each, for fills, returns and (outputs) drains. */
void emit_par(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int p = B->parent, aw = hw->buf[p].aw;
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
	if (B->t == T_OUT && !o->skd)   /* (skewed: counters.c counts pdc) */
		P(o, "`ifndef SYNTHESIS\n\twire [%ld:0] pcnt%d;\n"
		  "\treg [63:0] pcs%d;  // PEs drained\n"
		  "\tinteger pq%d;\n\talways @* begin\n\t\tpcs%d = 64'd0;\n"
		  "\t\tfor (pq%d = 0; pq%d < %ld; pq%d = pq%d + 1)\n"
		  "\t\t\tpcs%d = pcs%d + {32'd0, pcnt%d[pq%d*32 +: 32]};\n\tend\n"
		  "`endif\n",
		  B->npar * 32 - 1, k, k, k, k, k, k, B->npar, k, k, k, k, k, k);
	if (B->t == T_OUT && o->skd)
		skew_par_head(o, k);
	if (ret_late_at(o, k))
		ret_late_head(o, k);
	P(o, "\tgenvar v%d;\n\tgenerate for (v%d = 0; v%d < %ld; v%d = v%d + 1) "
	  "begin : par%d\n", k, k, k, B->npar, k, k, k);
	for (int j = 0; j < hw->np; j++)
		if (B->par[j])
			P(o, "\t\tlocalparam [31:0] S%d = (v%d / 32'd%ld) %% 32'd%ld;\n",
			  j, k, B->pmult[j], hw->part[j].p->extent);
	P(o, "\t\twire ok = ");
	guards_ok(o, (Namer){V_ENG, k, 0, 1});
	if (ret_late_at(o, k))   /* its address as late as its read */
		P(o, ";\n\t\tlocalparam integer RD = frd%d(v%d);  // its chains' "
		  "first PEs take the words this late\n\t\twire [31:0] pa = "
		  "{%d'd0, rqa%d[RD]}", k, k, 32 - aw, k);
	else
		P(o, ";\n\t\twire [31:0] pa = e%d_pa", k);
	for (int j = 0; j < hw->np; j++)
		if (B->par[j] && hw->buf[p].acoef[j])
			P(o, " + S%d * 32'd%ld", j, hw->buf[p].acoef[j]);
	if (ret_late_at(o, k))
		ret_late(o, k);
	else
		P(o, ";\n\t\tassign g%d_rep[v%d] = fi%d && ok;\n"
		  "\t\tassign g%d_rap[v%d*%d +: %d] = pa[%d:0];\n", p, k, k, p, k,
		  aw, aw, aw - 1);
	if (B->t == T_OUT && o->skd)
		skew_par_drain(o, k);
	else if (B->t == T_OUT)
		emit_par_drain(o, k);
	P(o, "\tend endgenerate\n");
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
	for (int i = 0; B->box && i < B->nbx; i++) {
		int w = hw_bits(B->bx[i].span);
		if (reset)
			P(o, "%se%d_q%d <= %d'd0;\n", ind, k, i, w);
		else
			P(o, "%se%d_q%d <= f%d_q%d[%d:0];\n", ind, k, i, k, i, w - 1);
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
	  "\t\t\tpo%d <= po%d + {31'd0, pfi%d} - {31'd0, ra%d};\n"
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
	P(o, "\t\t\t\tpr%d_run <= !pl%d;\n\t\t\tend else if (p%s%d) begin\n",
	  k, k, B->dedup ? "go" : "fi", k);
	engine_step(o, k, 0, "\t\t\t\t");
	P(o, "\t\t\t\tif (f%d_last) pr%d_run <= 1'b0;\n\t\t\tend\n\t\tend\n",
	  k, k);
	if (B->dedup)   /* the words of the block fetched so far */
		P(o, "\t\tif (st == S_IDLE && start || st == S_JOB && jend && "
		  "job == 8'd%d) sn%d <= %ld'd0;\n\t\telse if (pfi%d) "
		  "sn%d[e%d_ln * 32'd%ld + e%d_la] <= 1'b1;\n", jf, k,
		  B->lanes * B->words, k, k, k, B->words, k);
	P(o, "\tend\n");
}

void emit_engine_regs(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int jf = job_of(o, k, 0), jd = job_of(o, k, 1);
	if (o->pre[k]) {
		emit_prefetch_regs(o, k);
		return;
	}
	int half = o->oh == k;   /* halves.c: the background walks too */
	int ihalf = o->ih[k];    /* ihalves.c: the same */
	int ghalf = o->og == k;  /* ghalves.c: the same */
	P(o, "\twire jact%d = st == S_JOB && jst && e%d_run && (job == 8'd%d",
	  k, k, jf);
	if (jd >= 0)
		P(o, " || job == 8'd%d", jd);
	P(o, ")");
	if (B->parent >= 0 && dram_parent(o, B->parent))   /* its words are in */
		P(o, " && ou%d == 32'd0", B->parent);
	char bga[16] = "";   /* the background walks */
	if (half)
		snprintf(bga, sizeof bga, " || hba");
	else if (ihalf)
		snprintf(bga, sizeof bga, " || ib%d", k);
	P(o, ";\n\twire act%d = jact%d%s%s;\n", k, k, bga,
	  ghalf ? " || ogr || ofi" : "");
	char skip[32] = "";
	if (B->per_pe && hw->collapsed[B->t])   /* not its lane's first */
		snprintf(skip, sizeof skip, " && !skip%d", k);
	P(o, "\twire fi%d = (jact%d && job == 8'd%d%s) && !dup%d%s;  // fetch\n",
	  k, k, jf, half ? " || hba && !hbd" : bga, k, skip);
	if (half)
		P(o, "\twire dw%d = jact%d && job == 8'd%d || hba && hbd;  "
		  "// the drain walks\n", k, k, jd);
	if (jd >= 0) {
		if (half)
			P(o, "\twire di%d = dw%d && ", k, k);
		else   /* (the output's global buffer's background: ogr) */
			P(o, "\twire di%d = %sact%d && job == 8'd%d && ", k,
			  ghalf ? "j" : "", k, jd);
		if (B->per_pe && B->npar > 1)
			P(o, "1'b1;  // drain: every lane at once\n");
		else if (B->per_pe)
			P(o, "dany;  // drain\n");
		else   /* the walk skips the words the guards leave out: every
		          word it visits was written this refill */
			P(o, "1'b1;  // drain\n");
	}
	if (B->t == T_OUT && !ghalf)   /* its background returns them */
		emit_ret(o, k);
	P(o, "\talways @(posedge clk) begin\n");
	if (ghalf) {   /* the last drain walks; a swap, a fill: a cycle, the
	                  fill leaving the background's counters alone */
		P(o, "\t\tif (jinit && ij == 8'd%d) begin\n", jd);
		engine_step(o, k, 1, "\t\t\t");
		P(o, "\t\t\te%d_run <= ending;\n", k);
	} else {
		P(o, "\t\tif (jinit && (ij == 8'd%d", jf);
		if (jd >= 0)
			P(o, " || ij == 8'd%d", jd);
		P(o, ")) begin\n");
		engine_step(o, k, 1, "\t\t\t");
		if (B->t == T_OUT)
			P(o, "\t\t\te%d_run <= ij != 8'd%d || ret%d;\n", k, jf, k);
		else
			P(o, "\t\t\te%d_run <= 1'b1;\n", k);
	}
	if (half) {   /* the background starts, or goes from drain to return */
		P(o, "\t\tend else if (hgo_swap || hgo_sync || hba && hbd && "
		  "f%d_last) begin\n", k);
		engine_step(o, k, 1, "\t\t\t");
	} else if (ihalf) {   /* the background starts */
		P(o, "\t\tend else if (igo%d) begin\n", k);
		engine_step(o, k, 1, "\t\t\t");
	} else if (ghalf) {   /* it goes from drain to return */
		P(o, "\t\tend else if (ogr && f%d_last) begin\n", k);
		engine_step(o, k, 1, "\t\t\t");
	}
	P(o, "\t\tend else if (act%d) begin\n", k);
	engine_step(o, k, 0, "\t\t\t");
	P(o, "\t\t\tif (f%d_last) e%d_run <= 1'b0;\n\t\tend\n", k, k);
	if (ghalf)   /* its fill: a cycle, the background walking on */
		P(o, "\t\tif (jinit && ij == 8'd%d) e%d_run <= 1'b0;\n", jf, k);
	if (dram_parent(o, k))
		P(o, "\t\tif (rst) ou%d <= 32'd0;\n\t\telse ou%d <= ou%d + {31'd0, "
		  "fi%d} - {31'd0, ra%d};\n", k, k, k, k, k);
	if (B->kslide)
		emit_kept_regs(o, k);
	if (B->dedup) {   /* cleared as a job's walk or the background's starts */
		char bg[16] = "";
		if (ihalf)
			snprintf(bg, sizeof bg, " || igo%d", k);
		P(o, "\t\tif (jinit && ij == 8'd%d%s) sn%d <= %ld'd0;\n"
		  "\t\telse if (fi%d) sn%d[e%d_ln * 32'd%ld + e%d_la] <= 1'b1;\n",
		  jf, bg, k, B->lanes * B->words, k, k, k, B->words, k);
	}
	P(o, "\tend\n");
}
