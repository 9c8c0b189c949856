/* emit.h - what the Verilog writer's files share (emit.c writes the
 * top, modules.c the modules it instantiates).  Internal to
 * backend-verilog/.
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
	int first_drain, first_fill;  /* the first job of each kind */
	int dslots;         /* DRAM read slots a cycle (pfill_plan) */
	struct {            /* per buffer: filled a word per bank a cycle */
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

/* tessera_sram, tessera_sum and tessera_pe */
void emit_modules(Out *o);

#endif
