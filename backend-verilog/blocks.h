/* blocks.h - what the hardware's timing (timing.c) takes from
 * blocks.c: the layer's blocks in order, as the controller goes through
 * them, and the cycles and reads of an engine's walk at a refill.
 * Internal to backend-verilog/.
 */
#ifndef TESSERA_BLOCKS_H
#define TESSERA_BLOCKS_H

#include "emit.h"

/* One block: the buffers that change as it starts (all at the first),
 * the outputs whose partial sums come back into it, its steps. */
typedef struct Block {
	unsigned char in[MAX_BUFFERS], ret[MAX_BUFFERS];
	long val[HW_MAXP];      /* the temporal parts' values (the loops up
	                           to the innermost refill point) */
	double steps;
	int first, valid;
} Block;

typedef struct Blocks {
	const Hw *hw;
	int R;                  /* the innermost refill point (-1: none) */
	int started, ended;
	long ctr[MAX_LOOPS];    /* counters of the loops up to R: the next
	                           block's once blocks_next returns */
	long gpart[MAX_GUARDS]; /* their share of each guard's sum */
	long val[HW_MAXP];      /* the temporal parts' values */
	int lo;                 /* the outermost loop the last step moved */
	int nret[MAX_BUFFERS];  /* the parts a buffer's partial sums come
	                           back at that are not 0 */
	int edge_inside;        /* a loop inside R can be cut short */
	double full_steps;      /* a block's steps when none is cut */
	long *work;             /* timing's cost so far (Walks.work) */
} Blocks;

/* What the walks need of the guards: each part's coefficient in each. */
typedef struct Walks {
	const Out *o;
	long gc[MAX_GUARDS][HW_MAXP];
	long work;              /* its cost: a unit a setting a walk lists,
	                           eight a block and a walk */
	double same[MAX_BUFFERS];   /* a walk no edge tile changes, once
	                               worked out (0: not yet, or it varies) */
	unsigned char kv[MAX_BUFFERS];    /* a kept buffer holds a block */
	long korg[MAX_BUFFERS][MAX_RANK]; /* and its origin (kept.c), */
	long kz[MAX_BUFFERS];             /* its values of the slide */
} Walks;

/* The blocks of hw in order (work: the cost so far, Walks.work). */
void blocks_init(Blocks *bl, const Hw *hw, long *work);
/* The next block into *b; 0 after the last. */
int blocks_next(Blocks *bl, Block *b);
/* The cycles buffer k's engine walks at a refill whose counters are val. */
double walk_at(Walks *wk, int k, const long *val);
/* The words a walk of shared buffer k's engine reads there (each local
 * address once; seen[] the marks), *last the setting of its last read. */
double walk_reads(Walks *wk, int k, const long *val, unsigned *seen,
                  unsigned mark, double *last);

#endif
