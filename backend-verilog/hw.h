/* hw.h - the hardware plan: what the generated accelerator needs to know
 * about a lowered loop nest, in terms of loop *parts* (a fused loop is
 * counted part by part, so every address and guard is a sum of constants
 * times counters).  plan.c derives it and refuses what the RTL cannot
 * build yet; emit.c and the files it calls (README.md) write the
 * Verilog from it.
 */
#ifndef TESSERA_HW_H
#define TESSERA_HW_H

#include "../ir/tessera.h"

enum { HW_MAXP = MAX_LOOPS * MAX_PARTS, HW_MAXTUPLES = 4096 };

typedef struct HwPart {
	const Part *p;
	int loop;
	int spatial;
	long sdiv;          /* spatial: PE index = sum of value * sdiv */
	int width;          /* bits of its counter (holds 0..extent) */
} HwPart;

/* A coordinate of a box walk: one index position, or several that run
 * on from each other both in the buffer and in DRAM (each but the
 * outermost whole in the block). */
typedef struct HwBoxCoord {
	int r;              /* its (outermost) index position */
	int cut;            /* its words vary with edge tiles (one position) */
	long span;          /* its words in a full block */
	long lstride;       /* local address step */
	long dstride;       /* DRAM address step */
} HwBoxCoord;

/* One on-chip buffer and the engine that fills and drains it. */
typedef struct HwBuf {
	const Buffer *b;
	int t, h;           /* tensor, place in its holder chain */
	int per_pe;
	int parent;         /* index into Hw.buf of the parent; -1: DRAM */
	int plevel;         /* the parent's level */
	unsigned char inb[HW_MAXP];   /* parts of the block (address) */
	unsigned char eng[HW_MAXP];   /* parts its engine counts through */
	unsigned char stair[HW_MAXP]; /* 1 + part b where engine part j and
	                                 b (outer) are a window's two terms
	                                 (x+fx, s*x+fx): once b moves, j
	                                 walks only its last stairq[j]
	                                 values, so each word of the window
	                                 comes once (0: none) */
	long stairq[HW_MAXP];         /* b's coefficient over j's */
	unsigned char mark[HW_MAXP];  /* parts whose change refills it */
	unsigned char ret[HW_MAXP];   /* output: a nonzero value means the
	                                 partial sums come back */
	long acoef[HW_MAXP];          /* local address coefficients */
	long words;         /* words the RTL memory holds (one instance) */
	int aw;             /* address bits */
	int dedup;          /* block settings can repeat an element */
	long lanes;         /* per-PE: lanes of the tensor (1: shared) */
	unsigned char par[HW_MAXP];   /* per-PE, filled from a shared
	                                 buffer: lane parts served at once,
	                                 one parent port each */
	long npar;          /* lanes served at once (1: one at a time) */
	long pmult[HW_MAXP];          /* parallel lane index weights */
	int box;            /* the engine walks the block's words directly:
	                       every index position is a plain interval and
	                       every word is in the block (a window walked
	                       without its repeats) */
	long span[MAX_RANK], lstride[MAX_RANK]; /* per index position */
	int cut;            /* box walk under edge tiles: each position's
	                       words are worked out at every refill from
	                       the values of its loops the block holds */
	long dvals[NDIMS];  /* cut: values of each layer loop in a full
	                       block (0: none of its parts is in it) */
	unsigned char dcut[NDIMS];    /* cut: an edge tile can cut the loop */
	unsigned char pcut[MAX_RANK]; /* cut: and so the position's words */
	int nbx;            /* box: the walk's coordinates, innermost first */
	HwBoxCoord bx[MAX_RANK];
	int kslide;         /* keep_overlap(): 1 + the index position its
	                       block slides along while consecutive blocks
	                       overlap, laid out outermost and addressed
	                       modulo the block (kept.c); 0: none */
} HwBuf;

typedef struct Hw {
	const LoopNest *ln;
	int np;
	HwPart part[HW_MAXP];
	Part split[HW_MAXP];             /* the pieces of spatial parts split
	                                    so that a per-PE fill serves
	                                    HW_PORTS of their lanes at once */
	long npe;                        /* PEs built (the used slots) */
	int nbuf;
	HwBuf buf[MAX_BUFFERS];          /* in ln->buf order */
	int inner[NTENSORS];             /* innermost buffer of each tensor */
	int index[NTENSORS][HW_MAXP];    /* the part moves the tensor */
	long lmult[NTENSORS][HW_MAXP];   /* lane index weight (spatial parts) */
	long nlanes[NTENSORS];           /* lane numbers of each tensor */
	int collapsed[NTENSORS];         /* PEs of different settings of the
	                                    tensor's spatial parts share a
	                                    lane (a window across PEs) */
	long ntuples[NTENSORS];          /* settings of those parts */
	unsigned char canon[NTENSORS][HW_MAXTUPLES]; /* collapsed: the setting
	                                    is its lane's first */
	long lin[NTENSORS][HW_MAXP];     /* DRAM word address coefficient */
	long dbase[NTENSORS];            /* DRAM word address at all zero */
	long dram_words;
	int red[HW_MAXP];                /* the part does not move the output */
	int tree[HW_MAXP];               /* and a reduction tree sums across
	                                    it (no systolic()) */
	int fresh;                       /* a per-PE output some of whose PEs
	                                    start their own partial sums: a
	                                    spatial part in tree[] */
	int skewed;                      /* systolic() built as written: the
	                                    array skewed (skew.c, set once
	                                    planned) */
	int bits[NTENSORS];
	int dw;                          /* DRAM word bits */
	int padded;                      /* pad() leaves padding tiles: the
	                                    controller idles through their
	                                    steps (seq.c) */
} Hw;

/* 1 and a filled plan, or 0 with a message when the RTL cannot build
 * this schedule yet. */
int hw_plan(const LoopNest *ln, Hw *hw, char *err, size_t errlen);
/* rules.c: what hw_plan refuses whatever the schedule: 1, or 0 with
 * the message (the output's indices, on-chip levels that state a port);
 * and, for
 * a tensor kept in levels lv[0..n-1] (inner to outer, DRAM left out),
 * whether the RTL builds its buffer h there (NULL) or why not. The
 * search prunes with both (--buildable). */
int hw_plan_design(const Layer *L, const Arch *arch, char *err,
                   size_t errlen);
const char *hw_holder_refusal(const Arch *A, const int *lv, int n, int h);
/* The same for all of them (and none: no on-chip buffer). */
const char *hw_chain_refusal(const Arch *A, const int *lv, int n);
/* walks.c: whether no edge tile can cut part j (its guards trivial). */
int hw_part_uncut(const Hw *hw, int j);
/* walks.c, for the plan: the lanes of spatial part p that a per-PE fill
 * serves at once when it has more than HW_PORTS (0: p is not split);
 * buffer B's staircases (HwBuf.stair, stairq). */
long hw_lane_piece(const LoopNest *ln, const Part *p);
void hw_plan_stairs(const Hw *hw, HwBuf *B);
void hw_emit(FILE *f, const Hw *hw);
char *hw_verilog(const Hw *hw, size_t *len);   /* malloc'd */
int hw_bits(long v);   /* bits to hold 0..v (at least 1) */
/* DRAM words the design reads in one cycle: the width of its DRAM port
 * (gbuf.c; 1 unless a buffer is filled a word per bank); *writes, the
 * words it writes (0: the port has no write slots) */
int hw_dram_slots(const Hw *hw, int *writes);
/* Where the design's cycles go (timing.c), as it counts them: steps,
 * the cycle after a step that starts drains, each job (a buffer's fill
 * or drain: job_buf, job_drain in the sequencer's order), the wait for
 * the last DRAM writes. */
typedef struct HwTime {
	double step, flush, end;
	int njobs;
	int job_buf[2 * MAX_BUFFERS], job_drain[2 * MAX_BUFFERS];
	double job[2 * MAX_BUFFERS], runs[2 * MAX_BUFFERS];
	long cycles;        /* their sum */
} HwTime;
/* 0 (and *t zero) when working them out would cost more than `budget`
 * units (a unit for each setting a walk lists, eight for each block and
 * each walk; 0: no bound); else 1. */
int hw_timing(const Hw *hw, HwTime *t, long budget);
/* The budget of a quick answer (`model`, `search`): under a second. */
enum { HW_TIMING_QUICK = 1 << 25 };
/* The cycles of the hardware the backend builds for ln (hw_plan, then
 * hw_timing within budget): -1 where it does not build it, -2 where
 * timing it would cost more than budget. */
long hw_cycles_of(const LoopNest *ln, long budget);

/* kept.c: whether the RTL keeps buffer B's overlap (keep_overlap()):
 * 1, B->kslide set, or 0 and why in err (cuts: a register file's
 * positions stay intervals under edge tiles, B->dvals, dcut and pcut
 * set: plan.c, box_cuts); and once every buffer is
 * planned, 0 and why where a kept global buffer is built as banks or
 * filled a word per bank a cycle (gbuf.c: hw_kept_slots_refused). */
int hw_kept_plan(const Hw *hw, HwBuf *B, int cuts, char *err,
                 size_t errlen);
int hw_kept_check(const Hw *hw, char *err, size_t errlen);
int hw_kept_slots_refused(const Hw *hw, int k);
/* limits.c: 0 and why in err where the laid-out plan needs a constant
 * wider than Verilator takes, or a register file's fill tag with no
 * room for its guards; where pad() leaves padding tiles, hw->padded
 * set, or 0 and why beside a temporal loop's edge tiles. */
int hw_too_wide(const Hw *hw, char *err, size_t errlen);
int hw_fill_guards_fit(const Hw *hw, char *err, size_t errlen);
int hw_padding_plan(const LoopNest *ln, Hw *hw, char *err, size_t errlen);
/* dbuf.c: 1 (and why in err) when a buffer marked double_buffer()
 * would be built as one buffer. */
int hw_double_refusal(const Hw *hw, char *err, size_t errlen);
/* skew.c: whether systolic() is built as written (a shared output with
 * lanes, and an array dimension a tensor moves along systolically; what
 * hw_plan keeps in hw->skewed), and why a design is refused: a
 * systolic() it cannot build as written, or a form of the skew it does
 * not build (NULL: built; why holds n bytes). */
int hw_skewed(const Hw *hw);
const char *skew_refusal(const Hw *hw, char *why, size_t n);

enum { HW_PORTS = ONCHIP_LANES }; /* most lanes an engine serves at once
                                     (the model charges so) */

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
/* Guard g involves spatial parts (and is not trivial). */
int hw_guard_spatial(const Hw *hw, int g);
/* Where an edge tile leaves some PEs of a lane idle, a register file's
 * fill writes only the PEs that need the word: the temporal part of each
 * spatial guard, held at the guard's limit, travels with the request in
 * the tag's bits 16 to 31 (the local address below them, the lane
 * above).  The bit where guard g's starts (its width: the limit's bits),
 * or -1 where g is not spatial; HW_FILL_GUARD_END where they end. */
enum { HW_FILL_GUARD_AT = 16, HW_FILL_GUARD_END = 32 };
int hw_fill_guard_at(const Hw *hw, int g);
int hw_fill_guard_end(const Hw *hw);

#endif
