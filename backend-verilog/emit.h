/* emit.h - what the Verilog writer's files share (emit.c writes the
 * top, gbuf.c its global buffers' memories, modules.c the modules it
 * instantiates).  Internal to backend-verilog/.
 */
#ifndef TESSERA_EMIT_H
#define TESSERA_EMIT_H

#include "hw.h"

#include <stdarg.h>

typedef struct Out {
	FILE *f;            /* where the Verilog goes */
	const Hw *hw;       /* the hardware plan */
	const LoopNest *ln; /* the loop nest it was planned from */
	int njobs;          /* the sequencer's jobs: drains, then fills */
	int job_buf[2 * MAX_BUFFERS], job_drain[2 * MAX_BUFFERS];
	int first_fill;     /* the first fill job (the drains come before) */
	int dslots;         /* DRAM words a request moves, at most (pfill_plan) */
	int wslots;         /* the same for writes: an output drained a word
	                       per bank (0: none is) */
	struct {            /* per buffer: filled (an output: and drained) a
	                       word per bank a cycle */
		int slots;      /* banks served at once (0: a word a cycle) */
		int coord;      /* the engine's bank coordinate: a part, or (box
		                   walks) an index position */
		long nb, size;  /* banks, words a bank */
		long dstride;   /* DRAM words from one bank's word to the next */
	} pf[MAX_BUFFERS];
	int pre[MAX_BUFFERS]; /* double-buffered: the next block is fetched
	                         into the other half while the steps run */
	int npre;
} Out;

static inline void P(Out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void P(Out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

/* the letter of tensor t in signal names */
static inline const char *tname(int t)
{
	static const char *n[] = {"o", "a", "b"};
	return n[t];
}

/* ---- small functions of the plan, for the writer's files ---- */

/* c[j]: part j's coefficient in guard g's sum */
static inline void guard_coefs(const Hw *hw, int g, long *c)
{
	for (int j = 0; j < hw->np; j++) {
		c[j] = 0;
		const Part *p = hw->part[j].p;
		for (int k = 0; k < p->nguards; k++)
			if (p->guard[k] == g)
				c[j] += p->gstride[k];
	}
}

static inline int temporal(const Hw *hw, int j)
{
	return !hw->part[j].spatial;
}

/* Read ports of a shared buffer: the engines' port 0, then a lane each
 * when the PEs read their operands (or partial sums) from it. */
static inline long step_lanes(const Hw *hw, int k)
{
	const HwBuf *B = &hw->buf[k];
	return hw->inner[B->t] == k ? hw->nlanes[B->t] : 0;
}

/* The lane of tensor t that PE pe belongs to. */
static inline long lane_of(const Hw *hw, int t, long pe)
{
	long lane = 0;
	for (int j = 0; j < hw->np; j++)
		if (hw->part[j].spatial)
			lane += (pe / hw->part[j].sdiv) % hw->part[j].p->extent *
			        hw->lmult[t][j];
	return lane;
}

/* Part j counts a refill of buffer B (it moves the block): a
 * prefetching engine keeps a shadow counter of it. */
static inline int refill_part(const Hw *hw, const HwBuf *B, int j)
{
	return B->mark[j] && !hw->part[j].spatial;
}

/* The per-PE buffer served lanes-at-once from shared buffer p, or -1. */
static inline int par_child(const Hw *hw, int p)
{
	for (int k = 0; k < hw->nbuf; k++)
		if (hw->buf[k].parent == p && hw->buf[k].npar > 1)
			return k;
	return -1;
}

static inline long par_ports(const Hw *hw, int p)
{
	int c = par_child(hw, p);
	return c < 0 ? 0 : hw->buf[c].npar;
}

/* tessera_sram, tessera_sum and tessera_pe (modules.c) */
void emit_modules(Out *o);

/* gbuf.c: which global buffers take a word per bank and which prefetch
 * (Out.pf, Out.pre, Out.dslots); a global buffer's memory */
void gbuf_plan(Out *o);
void emit_gb(Out *o, int k);

#endif
