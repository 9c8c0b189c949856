/* names.c - the expressions the other files write: the signal holding
 * a loop part's value in each context (Namer: the controller's
 * counters, an engine's, a prefetch's shadow counters, a lane's
 * constants), sums of parts times constants, the guards of edge tiles,
 * the odometer that steps a set of counters, and the constant functions
 * from a lane to its PEs.  The odometer declares its `last` flag and the
 * functions themselves; every other signal named is declared by the
 * caller (seq.c the controller's c<j> and n<j>, engine.c an engine's
 * e<k>_<j> and f<k>_<j>, the generate blocks their S<j>).
 */
#include "emit.h"

/* ---- names of part values in the different contexts ---- */

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
		if ((o->oh == n.k || o->ih[n.k] || o->og == n.k) && !P->spatial) {
			/* the halves' engine works on the block it drains or
			 * prepares (halves.c): its refill parts from there, and
			 * the loops between them and the block at 0, as at a
			 * refill (the steps may be in another block) */
			if (!refill_part(o->hw, &o->hw->buf[n.k], j))
				return NULL;
			snprintf(s, len, "ob%d_%dx", n.k, j);
			return s;
		}
		n.mode = o->pre[n.k] ? V_PRE : V_CUR;
	}
	if (n.mode == V_HX || n.mode == V_HN) {
		if (!refill_part(o->hw, &o->hw->buf[n.k], j))
			return NULL;
		snprintf(s, len, n.mode == V_HX ? "tx%d_%dx" : "tn%d_%d", n.k, j);
		return s;
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
void sum(Out *o, Namer n, const long *coef, long base)
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
void guards_ok(Out *o, Namer n)
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

void odometer(Out *o, const unsigned char *use, Namer cur, Namer next,
              const char *last, int sj, long step, const unsigned char *stair,
              const long *stairq)
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
	for (int i = 0; stair && i < n; i++)   /* once a window's outer term
	                                          moves, its inner one starts
	                                          at its last q values */
		if (stair[js[i]]) {
			const char *nx = val(o, next, js[i], a, sizeof a);
			P(o, "\t\tif (%s != 32'd0 && %s == 32'd0) ",
			  val(o, next, stair[js[i]] - 1, b, sizeof b), nx);
			P(o, "%s = 32'd%ld;\n", nx,
			  hw->part[js[i]].p->extent - stairq[js[i]]);
		}
	P(o, "\tend\n");
}

/* ---- small helpers ---- */

/* expr, w bits wide, zero-extended to `to` bits */
void zext(Out *o, const char *expr, int w, int to)
{
	if (w >= to)
		P(o, "%s", expr);
	else
		P(o, "{%d'd0, %s}", to - w, expr);
}

/* PE index of lane u and rest r of tensor t (constant function). */
void pe_of(Out *o, int t)
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

/* For lanes shared by PEs of different settings: each lane's first PE
 * (its settings give the lane's addresses) and the mask of its PEs
 * (constant functions; a lane number no PE has gets an empty mask). */
void lane_tables(Out *o, int t)
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

int guard_spatial(const Out *o, int g)
{
	return hw_guard_spatial(o->hw, g);
}

/* The same for a PE's fill of a register file: the guards' temporal parts
 * from the request's tag (hw_fill_guard_at), as the PE takes it. */
void fill_guards_pe(Out *o, const char *tag)
{
	for (int g = 0; g < o->ln->nguards; g++) {
		int at = hw_fill_guard_at(o->hw, g);
		if (at < 0)
			continue;
		int b = hw_bits(o->ln->guard[g].limit);
		char base[128];
		snprintf(base, sizeof base, "{%d'd0, %s}", 32 - b,
		         pe_net(o, b, "%s[%d:%d]", tag, at + b - 1, at));
		P(o, " && ");
		guard_terms(o, g, base);
	}
}

/* The same with PRE<g> as a PE takes it (pe_net: DP cycles late where
 * the array is skewed). */
void spatial_guards_pe(Out *o, const char *pre)
{
	for (int g = 0; g < o->ln->nguards; g++)
		if (guard_spatial(o, g)) {
			const char *base = pe_net(o, 32, "%s%d", pre, g);
			P(o, " && ");
			guard_terms(o, g, base);
		}
}

/* " && (PRE<g> + spatial terms < limit)" for every guard that involves
 * spatial parts: PRE<g> holds its temporal terms. */
void spatial_guards(Out *o, const char *pre)
{
	for (int g = 0; g < o->ln->nguards; g++)
		if (guard_spatial(o, g)) {
			char base[24];
			snprintf(base, sizeof base, "%s%d", pre, g);
			P(o, " && ");
			guard_terms(o, g, base);
		}
}

const char *fill_tag(Out *o, int k)
{
	static char r[512];
	const HwBuf *B = &o->hw->buf[k];
	int end = B->per_pe && B->t != T_OUT ? hw_fill_guard_end(o->hw)
	                                     : HW_FILL_GUARD_AT;
	if (end == HW_FILL_GUARD_AT) {
		snprintf(r, sizeof r, "{e%d_ln, e%d_la}", k, k);
		return r;
	}
	size_t n = (size_t)snprintf(r, sizeof r, "{e%d_ln", k);
	if (end < HW_FILL_GUARD_END)
		n += (size_t)snprintf(r + n, sizeof r - n, ", %d'd0",
		                      HW_FILL_GUARD_END - end);
	for (int g = o->ln->nguards - 1; g >= 0; g--)
		if (hw_fill_guard_at(o->hw, g) >= 0 && n < sizeof r)
			n += (size_t)snprintf(r + n, sizeof r - n, ", fg%d_%d", k, g);
	ASSERT(n < sizeof r);
	snprintf(r + n, sizeof r - n, ", e%d_la[%d:0]}", k, HW_FILL_GUARD_AT - 1);
	return r;
}
