/* kept.c - a buffer that keeps its sliding window's overlap
 * (keep_overlap(); docs/hardware.md, "Keeping the overlap").
 *
 * The block is laid out with the index position it slides along, p,
 * outermost, so that a word of position value i_p is at local address
 * i_p * L + a (a < L) and the block's W = S * L words hold S values of
 * p.  The memory is addressed modulo W from an offset, ko: a word at
 * local address a of the current block is at (a + ko) mod W.  At each
 * refill the engine compares the block's origin with the last one's:
 * where only p moved, by d with |d| < S, the words of both blocks stay
 * where they are (ko moves by d * L) and only the |d| values of p that
 * are new are fetched (the last ones, or the first where d < 0); else
 * the whole block is.  A global buffer's box walk covers those values
 * alone (under an edge tile that cuts p, from the last block's values
 * of p, kz, and this one's); a register file's walk goes through its
 * settings as before and skips the kept words (kk), tested against
 * the last block's values of each index an edge tile cuts.  Every PE's
 * block slides alike (no edge tile on the unrolled loops that index
 * the tensor), so one offset serves them all.  The fetched words are those the model counts
 * (ir/overlap.c), so every count stays equal.
 *
 * plan: which position slides (hw_kept_plan), what is refused;
 * emit: the origin registers, the walk's range or kept words and the
 * offset (emit_kept_decl, emit_kept_regs), and the read addresses of
 * the memory and the PEs' register files (kept_addr).
 */
#include "emit.h"

#include <stdarg.h>
#include <string.h>

static long kcoef(const Hw *hw, int t, int r, int j)
{
	const Part *p = hw->part[j].p;
	return hw->ln->layer->t[t].idx[r].coef[p->dim] * p->stride;
}

/* 0, and in err buffer B's refusal: why (a printf format) after the
 * directive and its line. */
static int refuse(const Hw *hw, const HwBuf *B, char *err, size_t n,
                  const char *why, ...)
{
	const LoopNest *ln = hw->ln;
	int at = snprintf(err, n, "%s.in(%s).keep_overlap() (line %d): ",
	                  ln->layer->t[B->t].name,
	                  ln->arch->level[B->b->level].name, B->b->loc.line);
	if (at >= 0 && (size_t)at < n) {
		va_list ap;
		va_start(ap, why);
		vsnprintf(err + at, n - (size_t)at, why, ap);
		va_end(ap);
	}
	return 0;
}

/* Edge tiles cut index position r of B's block (it holds more than a
 * value of it). */
static int cut_index(const HwBuf *B, int r)
{
	return B->pcut[r] && B->span[r] > 1;
}

/* The parts outside B's block that move its origin: temporal, at or
 * outside the loop it is computed at. */
static int outside(const Hw *hw, const HwBuf *B, int j)
{
	return !hw->part[j].spatial && hw->part[j].loop <= B->b->at;
}

/* Parts outside B's block move index position r of its tensor. */
static int moves(const Hw *hw, const HwBuf *B, int r)
{
	for (int j = 0; j < hw->np; j++)
		if (outside(hw, B, j) && kcoef(hw, B->t, r, j))
			return 1;
	return 0;
}

/* Index position r of B's block is laid out by its values: each part
 * of the block in it steps its local address by its coefficient times
 * the position's stride, and moves no other position. */
static int plain(const Hw *hw, const HwBuf *B, int r)
{
	const Tensor *T = &hw->ln->layer->t[B->t];
	for (int j = 0; j < hw->np; j++) {
		if (!B->inb[j] || !kcoef(hw, B->t, r, j))
			continue;
		if (B->acoef[j] != kcoef(hw, B->t, r, j) * B->lstride[r])
			return 0;
		for (int q = 0; q < T->rank; q++)
			if (q != r && kcoef(hw, B->t, q, j))
				return 0;
	}
	return 1;
}

int hw_kept_plan(const Hw *hw, HwBuf *B, int cuts, char *err,
                 size_t errlen)
{
	const LoopNest *ln = hw->ln;
	const Tensor *T = &ln->layer->t[B->t];
	if (!B->per_pe && B->parent >= 0)
		return refuse(hw, B, err, errlen, "the backend keeps the overlap "
		              "of a global buffer filled from DRAM, not yet of one "
		              "filled from another buffer (the model counts it "
		              "kept)");
	if (B->b->double_buffered)
		return refuse(hw, B, err, errlen, "the backend does not keep the "
		              "overlap of a double-buffered block yet");
	if (!B->per_pe && !B->box)
		return refuse(hw, B, err, errlen, "its block is not walked index "
		              "by index (an index has gaps, such as a stride's, or "
		              "its layout holds words the block does not use), and "
		              "the backend keeps the overlap only of a block so "
		              "walked");
	for (int g = 0; g < ln->nguards; g++) {
		long c[HW_MAXP];
		if (ln->guard[g].trivial)
			continue;
		guard_coefs(hw, g, c);
		for (int j = 0; j < hw->np; j++) {
			if (!c[j] || !hw->index[B->t][j])
				continue;
			if (ln->guard[g].padded)
				return refuse(hw, B, err, errlen, "padding tiles cut the "
				              "loops that index it, and the backend keeps "
				              "the overlap under edge tiles only");
			if (B->per_pe && hw->part[j].spatial)
				return refuse(hw, B, err, errlen, "edge tiles of an "
				              "unrolled loop that indexes it leave some PEs "
				              "without work, whose blocks then slide "
				              "differently from the others'");
			if (B->per_pe && !cuts)
				return refuse(hw, B, err, errlen, "edge tiles cut its "
				              "block, and the backend keeps the overlap of "
				              "a cut block whose loops' values stay an "
				              "interval an index");
		}
	}
	for (int r = 0; r < T->rank; r++)
		if (B->per_pe && cut_index(B, r) && !plain(hw, B, r))
			return refuse(hw, B, err, errlen, "edge tiles cut index %d of "
			              "its block, which its layout packs (a stride's "
			              "gaps), and the backend keeps the overlap of a cut "
			              "index laid out by its values", r);
	/* each refill point: part j steps, the outside parts inside it wrap
	 * to 0 from their last values (an edge tile may cut them: anywhere
	 * from 0 up); where the blocks may overlap, at most one position may
	 * move, and one alone over all refill points */
	int slide = -1, repeat = 0;
	for (int j = 0; j < hw->np; j++) {
		if (!outside(hw, B, j) || hw->part[j].loop > B->b->refill ||
		    hw->part[j].p->extent < 2)
			continue;   /* not a refill point */
		int overlap = 1, moved = 0, r0 = -1;
		for (int r = 0; r < T->rank; r++) {
			long lo = kcoef(hw, B->t, r, j), hi = lo;   /* its move */
			for (int i = 0; i < j; i++) {   /* parts inside j (part 0
			                                   varies fastest) */
				long w = outside(hw, B, i) ? kcoef(hw, B->t, r, i) *
				                             (hw->part[i].p->extent - 1) : 0;
				lo -= w;
				hi -= hw_part_uncut(hw, i) ? w : 0;   /* or cut short */
			}
			overlap &= lo < B->span[r] && hi > -B->span[r];
			if (lo || hi) {
				moved++;
				r0 = r;
			}
		}
		repeat |= overlap && !moved;   /* the same block again */
		if (!overlap || !moved)
			continue;
		if (moved > 1 || (slide >= 0 && slide != r0))
			return refuse(hw, B, err, errlen, "its refills move the block "
			              "along more than one index while the blocks "
			              "overlap (as %s steps), and the backend keeps the "
			              "overlap along one index only",
			              ln->loop[hw->part[j].loop].name);
		slide = r0;
	}
	if (slide >= 0 && !plain(hw, B, slide))
		return refuse(hw, B, err, errlen, "its layout packs the index it "
		              "slides along, %d (a stride's gaps), and the backend "
		              "keeps the overlap of an index laid out by its values",
		              slide);
	if (slide < 0 && repeat) {   /* no slide, but a refill keeps the
		                            whole block: the outermost position
		                            (a global buffer's cut one) stands
		                            for it (it never moves while the
		                            blocks overlap) */
		slide = 0;
		for (int r = 0; r < T->rank; r++)
			if (B->box && B->cut ? cut_index(B, r)
			                     : B->lstride[r] > B->lstride[slide])
				slide = r;
	}
	for (int r = 0; r < T->rank; r++)   /* a box walk's range: p's */
		if (B->box && B->cut && cut_index(B, r) && r != slide)
			return refuse(hw, B, err, errlen, "edge tiles cut index %d of "
			              "its block, not the index it slides along, and the "
			              "backend keeps the overlap of a global buffer cut "
			              "along that index alone", r);
	B->kslide = slide + 1;
	return 1;
}

int hw_kept_check(const Hw *hw, char *err, size_t errlen)
{
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		long sz;
		if (!B->kslide || B->per_pe)
			continue;
		if (bank_plan(hw, k, &sz))
			return refuse(hw, B, err, errlen, "it is built as a bank a "
			              "lane, and the backend keeps the overlap only in "
			              "one memory");
		if (hw_kept_slots_refused(hw, k))
			return refuse(hw, B, err, errlen, "its parent's bandwidth "
			              "fills it a word per bank a cycle, and the backend "
			              "keeps the overlap in one memory");
	}
	return 1;
}

/* Buffer k's outermost box coordinate walks kn values from kl (the
 * new values of the sliding position, or all of them); its local
 * address is rotated by the new offset. Declared before the walk. */
void emit_kept_decl(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	const Tensor *T = &o->ln->layer->t[B->t];
	int p = B->kslide - 1;
	long S = B->span[p], L = B->lstride[p], W = B->words;
	long m = B->box && B->nbx ? L / B->bx[B->nbx - 1].lstride : 1;
	P(o, "\t// keep_overlap: the block slides along index %d (%ld values, "
	  "%ld words apart), addressed modulo %ld words from offset ko%d\n"
	  "\treg kv%d;  // a block is held\n\treg [31:0] ko%d;\n", p, S, L, W,
	  k, k, k);
	for (int r = 0; r < T->rank; r++) {
		long c[HW_MAXP] = {0};
		if (!moves(hw, B, r))
			continue;
		for (int j = 0; j < hw->np; j++)
			if (outside(hw, B, j))
				c[j] = kcoef(hw, B->t, r, j);
		P(o, "\treg [31:0] kg%d_%d;  // index %d's origin, last block\n"
		  "\twire [31:0] kn%d_%d = ", k, r, r, k, r);
		sum(o, (Namer){V_CUR, k, 0, 0}, c, 0);
		P(o, ";  // and this one's\n");
	}
	if (moves(hw, B, p))
		P(o, "\twire [31:0] kd%d = kn%d_%d - kg%d_%d;  // the slide\n", k, k,
		  p, k, p);
	else   /* it stands for the block, which never slides */
		P(o, "\twire [31:0] kd%d = 32'd0;\n", k);
	P(o, "\twire [31:0] ka%d = kd%d[31] ? 32'd0 - kd%d : kd%d;\n"
	  "\twire kp%d = kv%d && ka%d < 32'd%ld", k, k, k, k, k, k, k, S);
	for (int r = 0; r < T->rank; r++) {
		if (moves(hw, B, r) && r != p)
			P(o, " && kn%d_%d == kg%d_%d", k, r, k, r);
	}
	P(o, ";  // it keeps words\n");
	if (B->box && B->nbx && B->bx[B->nbx - 1].cut)   /* the walk's range:
	       p's values past the last block's (sliding on), or before them
	       and, where the block grew past them, after (sliding back);
	       this block's values of p are e<k>_n<p>, the last's kz */
		P(o, "\treg [31:0] kz%d;  // the last block's values of index "
		  "%d\n\twire [31:0] kl%d = kp%d && !kd%d[31] && kz%d > ka%d ? "
		  "kz%d - ka%d : 32'd0;  // the first\n"
		  "\twire [31:0] kf%d = ka%d < e%d_n%d ? ka%d : e%d_n%d;\n"
		  "\twire [31:0] kt%d = kz%d + ka%d;\n"
		  "\twire [31:0] kw%d = !kp%d ? e%d_n%d : !kd%d[31] ? (e%d_n%d > kl%d "
		  "? e%d_n%d - kl%d : 32'd0) : kf%d + (e%d_n%d > kt%d ? e%d_n%d - "
		  "kt%d : 32'd0);  // values walked\n"
		  "\twire [31:0] kb%d = kp%d && kd%d[31] ? kf%d : 32'hffffffff;\n"
		  "\twire [31:0] kj%d = kt%d - kf%d;  // from the kb-th on, kj "
		  "values on\n", k, p, k, k, k, k, k, k, k,
		  k, k, k, p, k, k, p,
		  k, k, k,
		  k, k, k, p, k, k, p, k, k, p, k, k, k, p, k, k, p, k,
		  k, k, k, k,
		  k, k, k);
	else if (B->box)   /* the walk's range */
		P(o, "\twire [31:0] kw%d = kp%d ? ka%d * 32'd%ld : 32'd%ld;  // "
		  "values walked\n\twire [31:0] kl%d = kp%d && !kd%d[31] ? (32'd%ld "
		  "- ka%d) * 32'd%ld : 32'd0;  // the first\n", k, k, k, m, S * m, k,
		  k, k, S, k, m);
	else {   /* a walk of parts: its settings all, the kept words not
	            fetched: each index's value in the block (ki_r) in the
	            last block, whose values of an index edge tiles cut are
	            kz_r (this block's e<k>_n<r>) */
		int cut = 0;
		for (int r = 0; r < T->rank; r++)
			cut |= cut_index(B, r);
		if (cut)
			emit_cut_spans(o, k);
		for (int r = 0; r < T->rank; r++) {
			if (r != p && !cut_index(B, r))
				continue;
			long c[HW_MAXP] = {0};
			for (int j = 0; j < hw->np; j++)
				if (B->inb[j])
					c[j] = kcoef(hw, B->t, r, j);
			P(o, "\twire [31:0] ki%d_%d = ", k, r);
			sum(o, (Namer){V_ENG, k, 0, 0}, c, 0);
			P(o, ";\n");
			if (cut_index(B, r))
				P(o, "\treg [31:0] kz%d_%d;  // index %d's values, last "
				  "block\n", k, r, r);
		}
		char so[32];
		if (cut_index(B, p))
			snprintf(so, sizeof so, "kz%d_%d", k, p);
		else
			snprintf(so, sizeof so, "32'd%ld", S);
		P(o, "\twire kk%d = kp%d && (kd%d[31] ? ki%d_%d >= ka%d && ki%d_%d - "
		  "ka%d < %s : ki%d_%d + ka%d < %s)", k, k, k, k, p, k, k, p, k, so,
		  k, p, k, so);
		for (int r = 0; r < T->rank; r++)
			if (r != p && cut_index(B, r))
				P(o, " && ki%d_%d < kz%d_%d", k, r, k, r);
		P(o, ";  // a word kept\n");
	}
	P(o, "\twire [31:0] ks%d = !kp%d ? ko%d : kd%d[31] ? ko%d + 32'd%ld - "
	  "ka%d * 32'd%ld : ko%d + ka%d * 32'd%ld;\n"
	  "\twire [31:0] kq%d = ks%d >= 32'd%ld ? ks%d - 32'd%ld : ks%d;  "
	  "// the new offset\n", k, k, k, k, k, W, k, L, k, k, L, k, k, W, k, W,
	  k);
}

/* Its registers, in the engine's always block: cleared as the layer
 * starts; the origins and the offset of the block fetched, as its
 * walk ends. */
void emit_kept_regs(Out *o, int k)
{
	const Hw *hw = o->hw;
	const HwBuf *B = &hw->buf[k];
	const Tensor *T = &o->ln->layer->t[B->t];
	P(o, "\t\tif (rst || st == S_IDLE && start) begin\n"
	  "\t\t\tkv%d <= 1'b0;\n\t\t\tko%d <= 32'd0;\n"
	  "\t\tend else if (act%d && f%d_last) begin\n\t\t\tkv%d <= 1'b1;\n"
	  "\t\t\tko%d <= kq%d;\n", k, k, k, k, k, k, k);
	for (int r = 0; r < T->rank; r++) {
		if (moves(hw, B, r))
			P(o, "\t\t\tkg%d_%d <= kn%d_%d;\n", k, r, k, r);
		if (!B->box && cut_index(B, r))
			P(o, "\t\t\tkz%d_%d <= e%d_n%d;\n", k, r, k, r);
	}
	if (B->box && B->nbx && B->bx[B->nbx - 1].cut)
		P(o, "\t\t\tkz%d <= e%d_n%d;\n", k, k, B->kslide - 1);
	P(o, "\t\tend\n");
}

/* A read address of kept buffer k's memory (expression e, its address
 * bits): the word's place, e plus the offset modulo the block. */
void kept_addr(Out *o, int k, const char *e)
{
	const HwBuf *B = &o->hw->buf[k];
	P(o, "kr%d(%s, ko%d[%d:0])", k, e, k, B->aw - 1);
}

/* The function kept_addr calls. */
void emit_kept_fn(Out *o, int k)
{
	const HwBuf *B = &o->hw->buf[k];
	int aw = B->aw;
	P(o, "\tfunction automatic [%d:0] kr%d(input [%d:0] a, input [%d:0] "
	  "off);\n\t\treg [%d:0] s, u;\n\t\tbegin\n\t\t\ts = {1'b0, a} + "
	  "{1'b0, off};\n\t\t\tu = s - %d'd%ld;\n\t\t\tkr%d = s >= %d'd%ld ? "
	  "u[%d:0] : s[%d:0];\n\t\tend\n\tendfunction\n", aw - 1, k, aw - 1,
	  aw - 1, aw, aw + 1, B->words, k, aw + 1, B->words, aw - 1, aw - 1);
}
