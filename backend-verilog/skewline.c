/* skewline.c - the lines of registers a skewed array's PEs take their
 * nets from (skew.c, docs/systolic.md).
 *
 * Each net a PE takes from the top gets a line: its entry 0 is the net,
 * and entry j the same j cycles on, a register each; PE p takes entry
 * DP, its own delay, or DP + 1 for what an unskewed PE registers itself
 * as it comes (a skewed PE's register is the line's).  A net of lanes (a
 * global buffer's read ports, a port each of the lanes a fill serves at
 * once) has a line a lane, as long as the largest delay of the PEs that
 * take that lane (but a per-PE output's returns, whose ports read as
 * late as their PEs take the words: skew_ret_late).  So no register is
 * kept that no PE reads, and the PEs of one delay share each register.
 * The nets are gathered while the PE block is written (fan.c), and the
 * lines written before it, each lane's registers a tessera_line (its
 * one-bit lines cleared by rst), with the count of their bits in a
 * comment (synthesis counts the lines' flops itself, and the test holds
 * the two equal).
 */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

enum { SK_MAX = 128 };

typedef struct SkNet {
	char net[96];   /* the net, or the vector of lanes */
	int w;          /* bits a lane */
	long base, nl;  /* lane 0 is the vector's lane `base`; lanes */
	long *m;        /* per lane: the largest delay a PE takes it at */
} SkNet;

struct Skew {
	int n;
	SkNet net[SK_MAX];
};

/* PE p's delay: the sum over the skewed parts of its step along each. */
static long pe_delay(const Hw *hw, long p)
{
	long d = 0;
	for (int j = 0; j < hw->np; j++)
		if (skew_part(hw, j))
			d += (p / hw->part[j].sdiv) % hw->part[j].p->extent *
			     skew_step(hw, j);
	return d;
}

/* The lane PE p takes (kind: 0 one lane, 1 shared tensor `which`'s
 * LANE, 2 buffer `which`'s PAR), as array.c's localparams give it. */
static long pe_lane(const Hw *hw, long p, int kind, int which)
{
	if (kind == 1)
		return lane_of(hw, which, p);
	long u = 0;
	for (int j = 0; kind == 2 && j < hw->np; j++) {
		const HwPart *q = &hw->part[j];
		if (q->spatial && hw->buf[which].par[j])
			u += (p / q->sdiv) % q->p->extent * hw->buf[which].pmult[j];
	}
	return u;
}

/* PE p is first along the output's chains (array.c's CH0). */
static int pe_ch0(const Hw *hw, long p)
{
	for (int j = 0; j < hw->np; j++)
		if (hw->part[j].spatial && hw->red[j] &&
		    (p / hw->part[j].sdiv) % hw->part[j].p->extent)
			return 0;
	return 1;
}

void skew_begin(Out *o)
{
	o->sk = calloc(1, sizeof *o->sk);
	if (!o->sk)
		INTERNAL("out of memory");
}

const char *skew_take(Out *o, int w, const char *vec, long base, long nl,
                      const char *idx, int kind, int which, int ch0, int late)
{
	static char ring[32][160];   /* (a caller may hold several) */
	static int at;
	struct Skew *s = o->sk;
	const Hw *hw = o->hw;
	int i = 0;
	while (i < s->n && !(strcmp(s->net[i].net, vec) == 0 &&
	                     s->net[i].base == base))
		i++;
	if (i == s->n) {
		ASSERT(s->n < SK_MAX && strlen(vec) < sizeof s->net[i].net);
		SkNet *N = &s->net[s->n++];
		strcpy(N->net, vec);
		N->w = w;
		N->base = base;
		N->nl = nl;
		N->m = calloc((size_t)nl, sizeof *N->m);
		if (!N->m)
			INTERNAL("out of memory");
	}
	SkNet *N = &s->net[i];
	ASSERT(N->w == w && N->nl == nl);
	for (long p = 0; p < hw->npe; p++) {
		if (ch0 && !pe_ch0(hw, p))
			continue;
		long u = pe_lane(hw, p, kind, which), d = pe_delay(hw, p) + late;
		ASSERT(u >= 0 && u < nl);
		if (d > N->m[u])
			N->m[u] = d;
	}
	char *r = ring[at++ % 32], e[128];
	const char *dp = ch0 ? (late ? "(CH0 ? DP + 1 : 0)" : "(CH0 ? DP : 0)")
	                 : late ? "DP + 1" : "DP";   /* (in range for all) */
	if (nl == 1)
		snprintf(e, sizeof e, "fk%d[%s]", i, dp);
	else
		snprintf(e, sizeof e, "fk%d[fb%d(%s) + %s]", i, i, idx, dp);
	if (ch0)   /* the other PEs take nothing: no load on the line */
		snprintf(r, 160, "(CH0 ? %s : %d'd0)", e, w);
	else
		snprintf(r, 160, "%s", e);
	return r;
}

/* A skewed per-PE output's returns: the chains' first PEs take the
 * partial sums its parent's port v reads at one delay each, DP + 1 (a
 * cycle late: the PE does not register them).  Then port v's reads are
 * put off by as many cycles (emit_par), and the words go to the PEs
 * with no line: the request (an enable and an address) waits in
 * registers rather than the word, and no read moves past a write of
 * its word (the chains write a lane's sums DS cycles after its reads,
 * the global buffer is drained or refilled only once they have).  The
 * delay of each port (malloc'd), or NULL: not such an output, or a
 * port whose PEs take its words at more than one delay. */
long *skew_ret_late(const Hw *hw)
{
	int k = hw->inner[T_OUT];
	const HwBuf *B = &hw->buf[k];
	if (!B->per_pe || B->npar < 2)
		return NULL;
	long *d = calloc((size_t)B->npar, sizeof *d);
	if (!d)
		INTERNAL("out of memory");
	for (long p = 0; p < hw->npe; p++) {
		if (!pe_ch0(hw, p))
			continue;
		long u = pe_lane(hw, p, 2, k), dd = pe_delay(hw, p) + 1;
		ASSERT(u >= 0 && u < B->npar);
		if (d[u] && d[u] != dd) {
			free(d);
			return NULL;
		}
		d[u] = dd;
	}
	for (long u = 0; u < B->npar; u++)
		if (!d[u]) {
			free(d);
			return NULL;
		}
	return d;
}

/* The lines, before the PE block that takes from them: fk<i>, lane u's
 * from entry fb<i>(u) on (the net itself), entry j of it j cycles on,
 * the registers of a lane a tessera_line. */
void skew_end(Out *o)
{
	struct Skew *s = o->sk;
	long bits = o->rbits;   /* the returns' reads put off (emit_par) */
	for (int i = 0; i < s->n; i++)
		for (long u = 0; u < s->net[i].nl; u++)
			bits += s->net[i].m[u] * s->net[i].w;
	if (s->n)
		P(o, "\n\t// ---- the nets the PEs take, fk<i>[j] j cycles on, a "
		  "register a cycle\n\t// (tessera_line): a PE takes them as many "
		  "cycles late as its delay\n\t// (skew registers: %ld bits) ----\n",
		  bits);
	o->lined |= bits > 0;
	for (int i = 0; i < s->n; i++) {
		SkNet *N = &s->net[i];
		long tot = 0;
		for (long u = 0; u < N->nl; u++)
			tot += 1 + N->m[u];
		P(o, "\twire [%d:0] fk%d [0:%ld];  // %s\n", N->w - 1, i, tot - 1,
		  N->net);
		if (N->nl == 1) {
			P(o, "\tassign fk%d[0] = %s;\n", i, N->net);
			if (N->m[0])
				P(o, "\twire [%ld:0] fq%d;\n\ttessera_line #(.W(%d), .N(%ld), "
				  ".R(%d)) fl%d (.clk(clk), .rst(rst), .d(fk%d[0]), "
				  ".q(fq%d));\n"
				  "\tgenvar fj%d;\n\tgenerate for (fj%d = 1; fj%d <= %ld; "
				  "fj%d = fj%d + 1) begin : fe%d\n"
				  "\t\tassign fk%d[fj%d] = fq%d[(fj%d-1)*%d +: %d];\n"
				  "\tend endgenerate\n", N->m[0] * N->w - 1, i, N->w,
				  N->m[0], N->w == 1, i, i, i, i, i, i, N->m[0], i, i, i, i,
				  i, i, i, N->w, N->w);
			continue;
		}
		/* lane u's first entry, and its delays */
		P(o, "\tfunction automatic [31:0] fb%d(input [31:0] u);\n"
		  "\t\tcase (u)\n", i);
		long b = 0;
		for (long u = 0; u < N->nl; u++) {
			P(o, "\t\t32'd%ld: fb%d = 32'd%ld;\n", u, i, b);
			b += 1 + N->m[u];
		}
		P(o, "\t\tdefault: fb%d = 32'd0;\n\t\tendcase\n\tendfunction\n"
		  "\tfunction automatic [31:0] fm%d(input [31:0] u);\n\t\tcase (u)\n",
		  i, i);
		for (long u = 0; u < N->nl; u++)
			P(o, "\t\t32'd%ld: fm%d = 32'd%ld;\n", u, i, N->m[u]);
		P(o, "\t\tdefault: fm%d = 32'd0;\n\t\tendcase\n\tendfunction\n"
		  "\tgenvar fu%d, fj%d;\n\tgenerate for (fu%d = 0; fu%d < %ld; "
		  "fu%d = fu%d + 1) begin : fl%d\n"
		  "\t\tlocalparam integer B = fb%d(fu%d), M = fm%d(fu%d);\n"
		  "\t\tassign fk%d[B] = %s[(%ld+fu%d)*%d +: %d];\n"
		  "\t\tif (M > 0) begin : d\n\t\t\twire [M*%d-1:0] q;\n"
		  "\t\t\ttessera_line #(.W(%d), .N(M), .R(%d)) l (.clk(clk), "
		  ".rst(rst), .d(fk%d[B]), .q(q));\n"
		  "\t\t\tfor (fj%d = 1; fj%d <= M; fj%d = fj%d + 1) begin : e\n"
		  "\t\t\t\tassign fk%d[B + fj%d] = q[(fj%d-1)*%d +: %d];\n"
		  "\t\t\tend\n\t\tend\n\tend endgenerate\n",
		  i, i, i, i, i, N->nl, i, i, i, i, i, i, i,
		  i, N->net, N->base, i, N->w, N->w, N->w, N->w, N->w == 1, i,
		  i, i, i, i, i, i, i, N->w, N->w);
	}
	for (int i = 0; i < s->n; i++)
		free(s->net[i].m);
	free(s);
	o->sk = NULL;
}

/* A line of N registers of W bits: q's entry j - 1 is d j cycles on;
 * with R, cleared by rst (the lines of 1 bit, the PEs' enables and
 * valid bits: known once rst has been held, however long the line). */
void emit_line_module(Out *o)
{
	P(o, "// A line of N registers of W bits: q[(j-1)*W +: W] is d, j cycles "
	  "on;\n// with R, rst clears them.\nmodule tessera_line #(\n"
	  "\tparameter integer W = 1, N = 1, R = 0\n) (\n"
	  "\tinput wire clk,\n\tinput wire rst,\n\tinput wire [W-1:0] d,\n"
	  "\toutput reg [N*W-1:0] q\n);\n\tgenerate if (N == 1) begin : one\n"
	  "\t\talways @(posedge clk) q <= R != 0 && rst ? {W{1'b0}} : d;\n"
	  "\tend else begin : more\n"
	  "\t\talways @(posedge clk)\n\t\t\tq <= R != 0 && rst ? {N*W{1'b0}} "
	  ": {q[(N-1)*W-1:0], d};\n\tend endgenerate\nendmodule\n\n");
}
