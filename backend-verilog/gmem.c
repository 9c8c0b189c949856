/* gmem.c - the global buffers' memories as gbuf.c plans them: one
 * SRAM with a port for the engines (port 0), one for each lane and, a
 * buffer filled or drained several words a cycle, one for each slot; or
 * banks, one per lane; two halves for a double-buffered buffer
 * (docs/hardware.md).
 */
#include "emit.h"

#include <string.h>

/* The slot of a bank d banks past a group's first (the wire named d):
 * slot (the wire named s) d / m, when there is one (has): G slots. */
static void slot_of(Out *o, const char *d, int G, long m, const char *s,
                    const char *has)
{
	if (m == 1)
		P(o, "\t\twire [31:0] %s = %s;\n\t\twire %s = %s < 32'd%d;\n", s,
		  d, has, d, G);
	else {   /* d equal to q m for slot q: compared with each, not
	            divided (yosys builds a 32-bit divider per bank) */
		P(o, "\t\twire [%d:0] %s_q = {", G - 1, s);
		for (int q = G - 1; q >= 0; q--)
			P(o, "%s%s == 32'd%ld", q < G - 1 ? ", " : "", d, q * m);
		P(o, "};\n\t\twire %s = |%s_q;\n\t\twire [31:0] %s = {%d'd0", has,
		  s, s, 32 - hw_bits(G - 1));
		for (int b = hw_bits(G - 1) - 1; b >= 0; b--) {
			P(o, ", 1'b0");
			for (int q = 0; q < G; q++)
				if (q >> b & 1)
					P(o, " | %s_q[%d]", s, q);
		}
		P(o, "};\n");
	}
}

/* An answer's G slots in a bank: which hold a word (psv) and the words
 * (psd, slot q at q * the DRAM word's width). */
static void slot_words(Out *o, int G)
{
	P(o, "\t\twire [%d:0] psv = {", G - 1);
	if (G > 1)
		P(o, "mem_xvalid[%d:0], ", G - 2);
	P(o, "1'b1};\n\t\twire [%d:0] psd = {", G * o->hw->dw - 1);
	if (G > 1)
		P(o, "mem_xdata[%d:0], ", (G - 1) * o->hw->dw - 1);
	P(o, "mem_rdata};\n");
}

/* A bank written by its lane a cycle after the lane's sum starts
 * (plan_dreg): a read, by port 0 (re0, r0: its enable and address as
 * the bank has them) or by the lane's port, of the word being written
 * this cycle gets that word (the memory would give the old one), so the
 * words read are those of a bank written when the sum starts. The lane's
 * port needs it (a partial sum returned just after its drain:
 * test/hw/drain_forward); port 0's reads, a job's, came at least two
 * cycles after a drain's last write in every design tried, and its
 * compare is there for a schedule whose jobs would meet sooner. */
static void emit_forward(Out *o, int k, const char *g, int law,
                         const char *re0, const char *r0)
{
	int w = o->hw->bits[o->hw->buf[k].t];
	P(o, "\t\t// a read of the word the lane writes this cycle gets it\n"
	  "\t\treg [%d:0] fqd;  // that word\n\t\treg fq0, fq1;  // port 0, "
	  "the lane's port read it\n\t\twire lw = g%d_we%s[b%d];\n"
	  "\t\twire [%d:0] lwa = wa[%d:0];\n\t\talways @(posedge clk) begin\n"
	  "\t\t\tfqd <= g%d_wd%s[b%d*%d +: %d];\n"
	  "\t\t\tfq0 <= (%s) && lw && (%s[%d:0]) == lwa;\n"
	  "\t\t\tfq1 <= g%d_re%s[b%d] && lw && ra[%d:0] == lwa;\n\t\tend\n"
	  "\t\tassign rd = {fq1 ? fqd : rdm[%d:%d], fq0 ? fqd : rdm[%d:0]};\n",
	  w - 1, k, g, k, law - 1, law - 1, k, g, k, w, w, re0, r0, law - 1, k,
	  g, k, law - 1, 2 * w - 1, w, w - 1);
}

/* Whether buffer k's memory holds its words twice, and the conditions
 * under which an access is in the upper half: rs, the lanes' ports'
 * (and, es equal to it, every read); es, port 0's and the slots'
 * reads; wz, port 0's and the slots' writes, in the upper half when
 * false.  A prefetched buffer's steps read half hh and its prefetch
 * writes the other; an input's halves filled on chip (ihalves.c) are
 * read in half ic and written in the steps' half by its job, in the
 * other (ibh) by its background; the output's global buffer's
 * (ghalves.c) are read and written in half ogc by the steps and the
 * buffers inside it, read by its engine in half ogeh, and written by
 * its returns in the other. */
static int halves_of(const Out *o, int k, char *rs, char *es, char *wz,
                     size_t n)
{
	if (o->pre[k]) {
		snprintf(rs, n, "hh%d", k);
		snprintf(es, n, "hh%d", k);
		snprintf(wz, n, "hh%d", k);
		return 1;
	}
	if (o->ih[k] && !o->hw->buf[k].per_pe) {
		snprintf(rs, n, "ic%d", k);
		snprintf(es, n, "ic%d", k);
		snprintf(wz, n, "(ibv%d ? !ibh%d : !ic%d)", k, k, k);
		return 1;
	}
	if (o->og == k) {
		snprintf(rs, n, "ogc");
		snprintf(es, n, "ogeh");
		snprintf(wz, n, "ogc");
		return 1;
	}
	return 0;
}

/* The banks of a shared buffer (bank_plan): port 0 goes to the bank its
 * address falls in (its read data come back from the bank read last),
 * lane i's port to bank i, addresses made local. */
static void emit_banks(Out *o, int k, long nb, long sz)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int w = hw->bits[B->t], aw = B->aw, out = B->t == T_OUT;
	const char *g = step_lanes(hw, k) ? "l" : "p";
	long last = B->words - (nb - 1) * sz;   /* the last bank's words */
	int bw = hw_bits(nb - 1), law = hw_bits((last > sz ? last : sz) - 1);
	P(o, "\t// banked by lane: bank i holds words [i*%ld, (i+1)*%ld)\n"
	  "\tfunction automatic [%d:0] bank%d(input [%d:0] a);\n"
	  "\t\tinteger i;\n\t\tbegin\n\t\t\tbank%d = %d'd0;\n"
	  "\t\t\tfor (i = 1; i < %ld; i = i + 1)\n"
	  "\t\t\t\tif ({%d'd0, a} >= i * 32'd%ld) bank%d = i[%d:0];\n"
	  "\t\tend\n\tendfunction\n", sz, sz, bw - 1, k, aw - 1, k, bw, nb,
	  32 - aw, sz, k, bw - 1);
	P(o, "\twire [%d:0] g%d_rb = bank%d(g%d_ra0), g%d_wb = bank%d(g%d_wa0);\n"
	  "\treg [%d:0] g%d_rbq;  // the bank port 0 read last\n"
	  "\talways @(posedge clk) if (g%d_re0) g%d_rbq <= g%d_rb;\n"
	  "\twire [%d:0] g%d_b0 [0:%ld];  // every bank's port 0 read data\n"
	  "\tassign g%d_rd[%d:0] = g%d_b0[g%d_rbq];\n",
	  bw - 1, k, k, k, k, k, k, bw - 1, k, k, k, k, w - 1, k, nb - 1,
	  k, w - 1, k, k);
	if (out && o->pf[k].slots && o->pf[k].wide)
		P(o, "\twire [%ld:0] g%d_sbrd;  // every bank's drain slots' words\n",
		  nb * o->pf[k].slots * w - 1, k);
	if (o->og == k && !o->pf[k].slots)   /* the background's port */
		P(o, "\treg [%d:0] g%d_obq;  // the bank it read last\n"
		  "\talways @(posedge clk) if (ogr) g%d_obq <= bank%d(e%d_la[%d:0]);\n"
		  "\twire [%d:0] g%d_ob [0:%ld];  // every bank's word for it\n"
		  "\twire [%d:0] g%d_ord = g%d_ob[g%d_obq];\n", bw - 1, k, k, k, k,
		  aw - 1, w - 1, k, nb - 1, w - 1, k, k, k);
	P(o, "\tgenvar b%d;\n\tgenerate for (b%d = 0; b%d < %ld; b%d = b%d + 1) "
	  "begin : bank%d_\n\t\tlocalparam [%d:0] BI = b%d;\n"
	  "\t\tlocalparam [%d:0] BASE = b%d * %ld;\n"
	  "\t\twire [%d:0] ra = g%d_ra%s[b%d*%d +: %d] - BASE;\n"
	  "\t\twire [%d:0] r0 = g%d_ra0 - BASE;\n"
	  "\t\twire [%d:0] w0 = g%d_wa0 - BASE;\n"
	  "\t\twire [%d:0] rd;\n", k, k, k, nb, k, k, k, bw - 1, k, aw - 1, k,
	  sz, aw - 1, k, g, k, aw, aw, aw - 1, k, aw - 1, k, 2 * w - 1);
	if (out)
		P(o, "\t\twire [%d:0] wa = g%d_wa%s[b%d*%d +: %d] - BASE;\n", aw - 1,
		  k, g, k, aw, aw);
	char rs[48], wz[48], es[48];
	int G = o->pf[k].slots, pre = halves_of(o, k, rs, es, wz, sizeof rs);
	int inb = G && o->pf[k].wide;   /* the slots in one bank */
	long m = o->pf[k].bstride, ls = o->pf[k].lstride;
	if (inb) {   /* the group's bank (the tag names it) takes every
	                slot, a port each, ls words apart */
		P(o, "\t\t// a fill's %d slots, words %ld apart, in the bank of the "
		  "tag's address\n\t\twire ph = ra%d && bank%d(mem_rtag[%d:0]) == "
		  "BI;\n\t\twire [%d:0] ta = mem_rtag[%d:0] - BASE;\n",
		  G, ls, k, k, aw - 1, aw - 1, aw - 1);
		slot_words(o, G);
		if (out)
			P(o, "\t\twire psr = g%d_sd && e%d_bc == {%d'd0, BI};  // a "
			  "drain's slots here\n\t\twire [%d:0] sa = e%d_la[%d:0] - BASE;\n"
			  "\t\twire [%d:0] srd;\n", k, k, 32 - bw, aw - 1, k, aw - 1,
			  G * w - 1);
	} else if (G) {   /* the slots are banks first, first + m, ... (the tag
	                     names the first): this bank's slot PS, if it has
	                     one */
		P(o, "\t\t// a fill's slot for this bank: the slot's word at the "
		  "tag's address\n\t\twire [31:0] PD = {%d'd0, BI} - {8'd0, "
		  "mem_rtag[55:32]};\n", 32 - bw);
		slot_of(o, "PD", G, m, "PS", "PH");
		slot_words(o, G);
		P(o, "\t\twire pw = ra%d", k);
		P(o, " && PH && psv[PS[%d:0]];\n", hw_bits(G - 1) - 1);
		if (out) {
			P(o, "\t\t// a drain's slot for this bank: in the engine's "
			  "group\n\t\twire [31:0] PE = {%d'd0, BI} - e%d_bc;\n",
			  32 - bw, k);
			slot_of(o, "PE", G, m, "PR", "PRH");
			P(o, "\t\twire psr = g%d_sd && PRH;\n", k);
		}
	}
	/* double-buffered: two halves, the steps read one (rh), the
	 * prefetch or the halves' background writes the other (wh) */
	int aw2 = law + pre;
	char rh[16] = "", wh[16] = "", eh[16] = "";
	if (pre) {
		P(o, "\t\tlocalparam [%d:0] BD = b%d == %ld ? %d'd%ld : %d'd%ld;\n"
		  "\t\twire [%d:0] rh = %s ? BD : %d'd0, wh = %s ? %d'd0 : BD;\n",
		  law, k, nb - 1, aw2, last, aw2, sz, law, rs, aw2, wz, aw2);
		snprintf(rh, sizeof rh, "} + rh");
		snprintf(wh, sizeof wh, "} + wh");
		snprintf(eh, sizeof eh, "} + rh");
		if (strcmp(es, rs)) {   /* the engine's reads in a half of their
		                           own */
			P(o, "\t\twire [%d:0] eh = %s ? BD : %d'd0;\n", law, es, aw2);
			snprintf(eh, sizeof eh, "} + eh");
		}
	}
	const char *ob = pre ? "{1'b0, " : "";   /* opens what rh, wh close */
	/* port 0's halves: the engine's reads and the fill's writes; the
	 * steps' where the output's global buffer's background has ports of
	 * its own (a buffer inside it may use port 0) */
	const char *p0r = eh, *p0w = wh;
	int own = o->og == k && !G;   /* the background's read and write port,
	                                 a word a cycle */
	if (o->og == k && (inb || own))
		p0r = p0w = rh;
	if (own)   /* the word its background reads, the answers it writes */
		P(o, "\t\twire [%d:0] rbg = e%d_la[%d:0] - BASE, "
		  "wbg = mem_rtag[%d:0] - BASE;\n\t\twire [%d:0] rdbg;\n",
		  aw - 1, k, aw - 1, aw - 1, w - 1);
	/* port 0: the engines', at the bank its address falls in; an
	 * output's slots share it (never prefetched): a drain's read (psr),
	 * a fill's write (pw) */
	char re0[64], r0[64], we0[64], w0[64], wd0[64];
	snprintf(re0, sizeof re0, "g%d_re0 && g%d_rb == BI", k, k);
	snprintf(r0, sizeof r0, "r0");
	snprintf(we0, sizeof we0, "g%d_we0 && g%d_wb == BI", k, k);
	snprintf(w0, sizeof w0, "w0[%d:0]", law - 1);
	snprintf(wd0, sizeof wd0, "g%d_wd0", k);
	if (out && G && !inb) {
		snprintf(re0, sizeof re0, "(g%d_re0 && g%d_rb == BI) || psr", k, k);
		snprintf(r0, sizeof r0, "psr ? e%d_bl[%d:0] : r0", k, law - 1);
		snprintf(we0, sizeof we0, "(g%d_we0 && g%d_wb == BI) || pw", k, k);
		snprintf(w0, sizeof w0, "pw ? mem_rtag[%d:0] : w0[%d:0]", law - 1,
		         law - 1);
		snprintf(wd0, sizeof wd0, "pw ? psd[PS[%d:0]*%d +: %d] : g%d_wd0",
		         hw_bits(G - 1) - 1, hw->dw, w, k);
	}
	int R = inb && out ? G : 0;   /* a drain's slots' read ports */
	int fw = o->lfwd[k];   /* the lanes' writes forwarded */
	if (fw)
		P(o, "\t\twire [%d:0] rdm;  // as the memory reads\n", 2 * w - 1);
	P(o, "\t\ttessera_sram #(.W(%d), .D(b%d == %ld ? %ld : %ld), .AW(%d), "
	  ".NR(%d), .NW(%d)) m (\n\t\t\t.clk(clk),\n\t\t\t.re({", w, k,
	  nb - 1, last << pre, sz << pre, aw2, 2 + R + own,
	  (out ? 2 : 1) + (inb ? G - !out : 0) + own);
	if (R)
		P(o, "{%d{psr}} & e%d_sv, ", G, k);
	if (own)
		P(o, "ogr && bank%d(e%d_la[%d:0]) == BI, ", k, k, aw - 1);
	P(o, "g%d_re%s[b%d], %s}),\n\t\t\t.raddr({", k, g, k, re0);
	for (int q = R - 1; q >= 0; q--)
		P(o, "%ssa[%d:0] + %d'd%ld%s, ", ob, law - 1, law, q * ls, eh);
	if (own)
		P(o, "%srbg[%d:0]%s, ", ob, law - 1, eh);
	P(o, "%sra[%d:0]%s, %s%s[%d:0]%s}),\n\t\t\t.rdata(%s),\n", ob, law - 1,
	  rh, ob, r0, law - 1, p0r,
	  R ? "{srd, rd}" : own ? "{rdbg, rd}" : fw ? "rdm" : "rd");
	if (inb) {   /* the slots' write ports, then (an output) the others */
		P(o, "\t\t\t.we({{%d{ph}} & psv", G);
		if (out)
			P(o, ", g%d_we%s[b%d], %s", k, g, k, we0);
		P(o, "}),\n\t\t\t.waddr({");
		for (int q = G - 1; q >= 0; q--)
			P(o, "%s%sta[%d:0] + %d'd%ld%s", q < G - 1 ? ", " : "", ob,
			  law - 1, law, q * ls, wh);
		if (out)
			P(o, ", %swa[%d:0]%s, %s%s%s", ob, law - 1, rh, ob, w0, p0w);
		P(o, "}),\n\t\t\t.wdata({");
		for (int q = G - 1; q >= 0; q--)
			P(o, "%spsd[%d +: %d]", q < G - 1 ? ", " : "", q * hw->dw, w);
		if (out)
			P(o, ", g%d_wd%s[b%d*%d +: %d], %s", k, g, k, w, w, wd0);
		P(o, "}));\n");
		if (R)
			P(o, "\t\tassign g%d_sbrd[b%d*%d +: %d] = srd;\n", k, k, R * w,
			  R * w);
	} else if (own)   /* its answers by a port of their own */
		P(o, "\t\t\t.we({ra%d && bank%d(mem_rtag[%d:0]) == BI, "
		  "g%d_we%s[b%d], %s}),\n"
		  "\t\t\t.waddr({%swbg[%d:0]%s, %swa[%d:0]%s, %s%s%s}),\n"
		  "\t\t\t.wdata({mem_rdata[%d:0], g%d_wd%s[b%d*%d +: %d], %s}));\n"
		  "\t\tassign g%d_ob[b%d] = rdbg;\n", k, k, aw - 1, k, g, k, we0,
		  ob, law - 1, wh, ob, law - 1, rh, ob, w0, p0w, w - 1, k, g, k, w, w,
		  wd0, k, k);
	else if (out)
		P(o, "\t\t\t.we({g%d_we%s[b%d], %s}),\n"
		  "\t\t\t.waddr({%swa[%d:0]%s, %s%s%s}),\n"
		  "\t\t\t.wdata({g%d_wd%s[b%d*%d +: %d], %s}));\n", k, g, k, we0,
		  ob, law - 1, rh, ob, w0, wh, k, g, k, w, w, wd0);
	else if (G)   /* only the fill writes, a word per bank */
		P(o, "\t\t\t.we(pw),\n\t\t\t.waddr(%smem_rtag[%d:0]%s),\n"
		  "\t\t\t.wdata(psd[PS[%d:0]*%d +: %d]));\n", ob, law - 1, wh,
		  hw_bits(G - 1) - 1, hw->dw, w);
	else
		P(o, "\t\t\t.we(%s),\n\t\t\t.waddr(%s%s%s),\n\t\t\t.wdata(%s));\n",
		  we0, ob, w0, wh, wd0);
	if (fw)
		emit_forward(o, k, g, law, re0, r0);
	P(o, "\t\tassign g%d_b0[b%d] = rd[%d:0];\n"
	  "\t\tassign g%d_rd[(b%d+1)*%d +: %d] = rd[%d +: %d];\n"
	  "\tend endgenerate\n", k, k, w - 1, k, k, w, w, w, w);
	char bc[16] = "dp_bc";   /* the group read's first bank */
	if (out && G && o->og == k) {   /* its background's, or the job's */
		P(o, "\twire [31:0] g%d_sbc = ogv ? ogbc : dp_bc;\n", k);
		snprintf(bc, sizeof bc, "g%d_sbc", k);
	}
	if (out && inb)   /* what the slots of the bank drained read */
		P(o, "\twire [%d:0] g%d_sdd = g%d_sbrd[%s * %d +: %d];\n",
		  G * w - 1, k, k, bc, G * w, G * w);
	else if (out && G)   /* what a drain's slots read last cycle (port 0) */
		/* each slot's bank by its number: a mux of nb words (as a
		   shift of the banks' words yosys 0.23 takes minutes to map
		   when there are many banks; by 32 bits, hours) */
		P(o, "\treg [%d:0] g%d_sdd;  // slot q: bank dp_bc + %ld q's word\n"
		  "\treg [%d:0] g%d_sx;  // its bank, where there is one\n"
		  "\tinteger g%d_si;\n\talways @* begin\n\t\tg%d_sdd = %d'd0;\n"
		  "\t\tg%d_sx = %d'd0;\n"
		  "\t\tfor (g%d_si = 0; g%d_si < %d; g%d_si = g%d_si + 1)\n"
		  "\t\t\tif (%s + g%d_si * %ld < 32'd%ld) begin\n"
		  "\t\t\t\tg%d_sx = %s[%d:0] + g%d_si[%d:0] * %d'd%ld;\n"
		  "\t\t\t\tg%d_sdd[g%d_si * %d +: %d] = "
		  "g%d_b0[g%d_sx];\n\t\t\tend\n\tend\n", G * w - 1,
		  k, m, bw - 1, k, k, k, G * w, k, bw, k, k, G, k, k, bc, k, m, nb,
		  k, bc, bw - 1, k, bw - 1, bw, m & ((1L << bw) - 1), k, k, w, w, k,
		  k);
}


/* A wide fill's write ports (wide_plan): slot q writes the word of
 * DRAM read slot q (0: the request's own) at the tag's address + q, in
 * the half the prefetch writes (wh) when double-buffered. */
static void emit_wide(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int G = o->pf[k].slots, w = hw->bits[B->t];
	int pre = o->pre[k] || o->og == k;   /* into the half g<k>_wh names */
	int aw = B->aw + pre, dw = hw->dw;
	P(o, "\t// filled %d words a cycle, %ld apart, a write port each\n"
	  "\twire [%d:0] g%d_swe = {%d{", G, o->pf[k].lstride, G - 1, k, G);
	P(o, "ra%d", k);
	P(o, "}} & {mem_xvalid[%d:0], 1'b1};\n\twire [%d:0] g%d_swa = {", G - 2,
	  G * aw - 1, k);
	for (int q = G - 1; q >= 0; q--) {
		long a = q * o->pf[k].lstride;
		if (B->kslide) {   /* the tag holds slot 0's place: slot q's
		                      is a words on, modulo the block */
			char e[32], d[32];
			snprintf(e, sizeof e, "mem_rtag[%d:0]", B->aw - 1);
			snprintf(d, sizeof d, "%d'd%ld", B->aw, a);
			P(o, "kr%d(%s, %s)", k, e, d);
		} else if (pre)
			P(o, "{1'b0, mem_rtag[%d:0] + %d'd%ld} + g%d_wh", B->aw - 1,
			  B->aw, a, k);
		else
			P(o, "mem_rtag[%d:0] + %d'd%ld", B->aw - 1, B->aw, a);
		P(o, "%s", q ? ", " : "};\n");
	}
	P(o, "\twire [%d:0] g%d_swx = {mem_xdata, mem_rdata};  // slot q at q*%d\n"
	  "\twire [%d:0] g%d_swd = {", o->dslots * dw - 1, k, dw, G * w - 1, k);
	for (int q = G - 1; q >= 0; q--)
		P(o, "g%d_swx[%d:%d]%s", k, q * dw + w - 1, q * dw, q ? ", " : "};\n");
}

/* The output's global buffer in two halves (ghalves.c), one memory:
 * the lanes' ports in the steps' half (g<k>_rh), port 0's and the drain
 * slots' reads in the engine's (g<k>_eh), port 0's and the fill slots'
 * writes, the returns', in the other (g<k>_wh). */
static void emit_gb_ghalves(Out *o, int k, int G)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int w = hw->bits[B->t], aw = B->aw, R = o->pf[k].slots;
	long lanes = step_lanes(hw, k), pl = par_ports(hw, k);
	long nr = 1 + lanes + pl, nw = 1 + lanes + pl, W = B->words;
	static const char *const grp[2] = {"l", "p"};
	long cnt[2] = {lanes, pl};
	P(o, "\twire [%d:0] g%d_rh = ogc ? %d'd%ld : %d'd0;\n"
	  "\twire [%d:0] g%d_eh = ogeh ? %d'd%ld : %d'd0;\n"
	  "\twire [%d:0] g%d_wh = ogc ? %d'd0 : %d'd%ld;\n", aw, k, aw + 1, W,
	  aw + 1, aw, k, aw + 1, W, aw + 1, aw, k, aw + 1, aw + 1, W);
	if (G)
		emit_wide(o, k);
	if (R) {
		P(o, "\t// drained %d words a cycle, %ld apart, a read port each\n"
		  "\twire [%d:0] g%d_sre = {%d{g%d_sd}} & e%d_sv;\n"
		  "\twire [%d:0] g%d_sra = {", R, o->pf[k].lstride, R - 1, k, R, k,
		  k, R * (aw + 1) - 1, k);
		for (int q = R - 1; q >= 0; q--)
			P(o, "{1'b0, e%d_la[%d:0] + %d'd%ld} + g%d_eh%s", k, aw - 1, aw,
			  q * o->pf[k].lstride, k, q ? ", " : "};\n");
		P(o, "\twire [%d:0] g%d_sdd;  // slot q's word, read last cycle\n",
		  R * w - 1, k);
	}
	int own = !G;   /* the background's read and write port, a word a
	                   cycle (else its slots') */
	if (own)
		P(o, "\twire [%d:0] g%d_ord;  // the word its background read\n",
		  w - 1, k);
	P(o, "\ttessera_sram #(.W(%d), .D(%ld), .AW(%d), .NR(%ld), .NW(%ld)) "
	  "gb%d (\n\t\t.clk(clk),\n\t\t.re({", w, 2 * W, aw + 1,
	  nr + R + own, nw + G + own, k);
	if (R)
		P(o, "g%d_sre, ", k);
	if (own)
		P(o, "ogr, ");
	for (int i = 1; i >= 0; i--)
		if (cnt[i])
			P(o, "g%d_re%s, ", k, grp[i]);
	P(o, "g%d_re0}),\n\t\t.raddr({", k);
	if (R)
		P(o, "g%d_sra, ", k);
	if (own)
		P(o, "{1'b0, e%d_la[%d:0]} + g%d_eh, ", k, aw - 1, k);
	for (int i = 1; i >= 0; i--)
		for (long q = cnt[i] - 1; q >= 0; q--)
			P(o, "{1'b0, g%d_ra%s[%ld +: %d]} + g%d_rh, ", k, grp[i], q * aw,
			  aw, k);
	/* port 0: the steps' half (a buffer inside it may use it) */
	P(o, "{1'b0, g%d_ra0} + g%d_rh}),\n\t\t.rdata(", k, k);
	if (R)
		P(o, "{g%d_sdd, g%d_rd}),\n\t\t.we({", k, k);
	else
		P(o, "{g%d_ord, g%d_rd}),\n\t\t.we({", k, k);
	if (G)
		P(o, "g%d_swe, ", k);
	if (own)
		P(o, "ra%d, ", k);
	for (int i = 1; i >= 0; i--)
		if (cnt[i])
			P(o, "g%d_we%s, ", k, grp[i]);
	P(o, "g%d_we0}),\n\t\t.waddr({", k);
	if (G)
		P(o, "g%d_swa, ", k);
	if (own)
		P(o, "{1'b0, mem_rtag[%d:0]} + g%d_wh, ", aw - 1, k);
	for (int i = 1; i >= 0; i--)
		for (long q = cnt[i] - 1; q >= 0; q--)
			P(o, "{1'b0, g%d_wa%s[%ld +: %d]} + g%d_rh, ", k, grp[i], q * aw,
			  aw, k);
	P(o, "{1'b0, g%d_wa0} + g%d_rh}),\n\t\t.wdata({", k, k);
	if (G)
		P(o, "g%d_swd, ", k);
	if (own)
		P(o, "mem_rdata[%d:0], ", w - 1);
	for (int i = 1; i >= 0; i--)
		if (cnt[i])
			P(o, "g%d_wd%s, ", k, grp[i]);
	P(o, "g%d_wd0}));\n", k);
}

void emit_gb(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	int w = hw->bits[B->t], aw = B->aw, out = B->t == T_OUT;
	long lanes = step_lanes(hw, k), pl = par_ports(hw, k);
	long nr = 1 + lanes + pl, nw = 1 + (out ? lanes + pl : 0);
	P(o, "\treg g%d_re0, g%d_we0;\n\treg [%d:0] g%d_ra0, g%d_wa0;\n"
	  "\treg [%d:0] g%d_wd0;\n", k, k, aw - 1, k, k, w - 1, k);
	P(o, "\twire [%ld:0] g%d_rd;\n", nr * w - 1, k);
	if (o->pf[k].slots && out)
		P(o, "\treg g%d_sd;  // a drain reads a word per bank\n", k);
	static const char *const grp[2] = {"l", "p"};
	long cnt[2] = {lanes, pl};
	for (int i = 0; i < 2; i++) {
		if (!cnt[i])
			continue;
		P(o, "\twire [%ld:0] g%d_re%s;\n\twire [%ld:0] g%d_ra%s;\n",
		  cnt[i] - 1, k, grp[i], cnt[i] * aw - 1, k, grp[i]);
		if (out)
			P(o, "\twire [%ld:0] g%d_we%s;\n\twire [%ld:0] g%d_wa%s;\n"
			  "\twire [%ld:0] g%d_wd%s;\n", cnt[i] - 1, k, grp[i],
			  cnt[i] * aw - 1, k, grp[i], cnt[i] * w - 1, k, grp[i]);
	}
	long bsize, nb = bank_plan(hw, k, &bsize);
	if (nb) {
		emit_banks(o, k, nb, bsize);
		return;
	}
	int G = o->pf[k].wide ? o->pf[k].slots : 0;
	char rs[48], wz[48], es[48];
	if (o->og == k) {
		emit_gb_ghalves(o, k, G);
		return;
	}
	if (halves_of(o, k, rs, es, wz, sizeof rs)) {   /* two halves: the
	                      steps read one, the prefetch (or background)
	                      writes the other */
		P(o, "\twire [%d:0] g%d_rh = %s ? %d'd%ld : %d'd0;\n"
		  "\twire [%d:0] g%d_wh = %s ? %d'd0 : %d'd%ld;\n", aw, k, rs,
		  aw + 1, B->words, aw + 1, aw, k, wz, aw + 1, aw + 1, B->words);
		if (G)
			emit_wide(o, k);
		P(o, "\ttessera_sram #(.W(%d), .D(%ld), .AW(%d), .NR(%ld), .NW(%d)) "
		  "gb%d (\n\t\t.clk(clk),\n\t\t.re({", w, 2 * B->words, aw + 1,
		  nr, 1 + G, k);
		for (int i = 1; i >= 0; i--)
			if (cnt[i])
				P(o, "g%d_re%s, ", k, grp[i]);
		P(o, "g%d_re0}),\n\t\t.raddr({", k);
		for (int i = 1; i >= 0; i--)
			for (long q = cnt[i] - 1; q >= 0; q--)
				P(o, "{1'b0, g%d_ra%s[%ld +: %d]} + g%d_rh, ", k, grp[i],
				  q * aw, aw, k);
		const char *sp = G ? "g%d_sw%c, " : "";
		P(o, "{1'b0, g%d_ra0} + g%d_rh}),\n\t\t.rdata(g%d_rd),\n\t\t.we({", k,
		  k, k);
		P(o, sp, k, 'e');
		P(o, "g%d_we0}),\n\t\t.waddr({", k);
		P(o, sp, k, 'a');
		P(o, "{1'b0, g%d_wa0} + g%d_wh}),\n\t\t.wdata({", k, k);
		P(o, sp, k, 'd');
		P(o, "g%d_wd0}));\n", k);
		return;
	}
	if (G)
		emit_wide(o, k);
	int R = G && out ? G : 0;   /* a drain's slots: a read port each */
	if (R) {
		P(o, "\t// drained %d words a cycle, %ld apart, a read port each\n"
		  "\twire [%d:0] g%d_sre = {%d{g%d_sd}} & e%d_sv;\n"
		  "\twire [%d:0] g%d_sra = {", R, o->pf[k].lstride, R - 1, k, R, k,
		  k, R * aw - 1, k);
		for (int q = R - 1; q >= 0; q--)
			P(o, "e%d_la[%d:0] + %d'd%ld%s", k, aw - 1, aw,
			  q * o->pf[k].lstride, q ? ", " : "};\n");
		P(o, "\twire [%d:0] g%d_sdd;  // slot q's word, read last cycle\n",
		  R * w - 1, k);
	}
	P(o, "\ttessera_sram #(.W(%d), .D(%ld), .AW(%d), .NR(%ld), .NW(%ld)) "
	  "gb%d (\n\t\t.clk(clk),\n", w, B->words, aw, nr + R, nw + G, k);
	const char *port[5][2] = {{"re", "re"}, {"raddr", "ra"}, {"we", "we"},
	                          {"waddr", "wa"}, {"wdata", "wd"}};
	for (int q = 0; q < 5; q++) {
		int wr = q >= 2;
		if (q == 1 && B->kslide) {   /* kept: each read at the word's
		                                place (its writes come so) */
			ASSERT(!R);
			P(o, "\t\t.raddr({");
			for (int i = 1; i >= 0; i--)
				for (long u = cnt[i] - 1; u >= 0; u--) {
					char e[48];
					snprintf(e, sizeof e, "g%d_ra%s[%ld +: %d]", k, grp[i],
					         u * aw, aw);
					kept_addr(o, k, e);
					P(o, ", ");
				}
			char e0[24];
			snprintf(e0, sizeof e0, "g%d_ra0", k);
			kept_addr(o, k, e0);
			P(o, "}),\n\t\t.rdata(g%d_rd),\n", k);
			continue;
		}
		P(o, "\t\t.%s({", port[q][0]);
		if (G && wr)
			P(o, "g%d_sw%c, ", k, port[q][1][1]);
		if (R && !wr)
			P(o, "g%d_sr%c, ", k, port[q][1][1]);
		for (int i = 1; i >= 0; i--)
			if (cnt[i] && (!wr || out))
				P(o, "g%d_%s%s, ", k, port[q][1], grp[i]);
		P(o, "g%d_%s0})%s\n", k, port[q][1], q == 4 ? ");" : ",");
		if (q == 1 && R)
			P(o, "\t\t.rdata({g%d_sdd, g%d_rd}),\n", k, k);
		else if (q == 1)
			P(o, "\t\t.rdata(g%d_rd),\n", k);
	}
}
