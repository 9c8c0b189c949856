/* emit.h - what the Verilog writer's files share: the Out struct, small
 * functions of the plan, and each file's entry points (README.md lists
 * the files; emit.c calls them in order).  Internal to backend-verilog/.
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
	struct OutSlots {   /* per buffer: filled (an output: and drained)
	                       `slots` words a cycle, a word per bank, or
	                       (wide) through a port a slot */
		int slots;      /* words a cycle (0: one) */
		int wide;       /* the slots' words in one memory (or, banks,
		                   the group's bank), a write port (an output:
		                   and a read port) each, lstride words apart */
		int coord;      /* the engine's bank coordinate: a part, or (box
		                   walks) an index position */
		long nb, size;  /* banks, words a bank (one memory: 0, 0) */
		long ext;       /* the coordinate's values (its slots end there) */
		long bstride;   /* banks from one slot's word to the next */
		long lstride;   /* wide: words of the memory from one slot's word
		                   to the next (prime to `slots`: each slot in
		                   its own bank of `slots` interleaved ones) */
		long dstride;   /* DRAM words from one slot's word to the next */
	} pf[MAX_BUFFERS];
	int pre[MAX_BUFFERS]; /* double-buffered: the next block is fetched
	                         into the other half while the steps run */
	int npre;
	int oh;             /* the per-PE output buffer built as two halves
	                       (halves.c), or -1 */
	int og;             /* the output's global buffer built as two halves
	                       (ghalves.c), or -1 */
	unsigned char ih[MAX_BUFFERS]; /* the input buffers filled on chip
	                       built as two halves (ihalves.c) */
	int nih;
	unsigned char dreg[MAX_BUFFERS]; /* a per-PE output whose lanes' adder
	                       trees have a register this many levels below
	                       their roots (0: none): each sum is written a
	                       cycle after its words are read (gbuf.c) */
	unsigned char lfwd[MAX_BUFFERS]; /* a global buffer so written by its
	                       child's lanes: a read of the word being written
	                       gets the word written */
	int lq;             /* a shared output's lanes add a step's products
	                       into it this many cycles after stage B (the
	                       products registered, and a register in the
	                       lanes' trees: gbuf.c); 0: in stage B */
	int ldreg;          /* their trees' register: levels below the root
	                       (0: none) */
	struct Skew *sk;    /* its lines, while the array is written */
	int skd;            /* the array is skewed (skew.c): the largest
	                       delay of a PE, in cycles (0: not skewed) */
	int sdq;            /* and its per-PE output's PEs register the word
	                       they drain before the chain adds it: a cycle
	                       more (skew_drain_q) */
	struct Fan *fan;    /* the array's broadcast nets, while it is
	                       written (fan.c) */
	int fanned;         /* the array has fans: tessera_fan is written */
	int chained;        /* its chains: tessera_chain is written (skew.c) */
	int lined;          /* its lines: tessera_line is written (skewline.c) */
	long *rlate;        /* per port of a skewed per-PE output's parent:
	                       the cycles its reads are put off, so that the
	                       words come back as the chains' first PEs take
	                       them (skew_ret_late), or NULL */
	long rbits;         /* the bits of those reads' registers */
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

/* Buffer k is filled from DRAM by its jobs (not a prefetch) and another
 * buffer is filled from it: that one waits for its answers. */
static inline int dram_parent(const Out *o, int k)
{
	const HwBuf *B = &o->hw->buf[k];
	if (B->per_pe || B->parent >= 0 || o->pre[k] || o->og == k)
		return 0;   /* (the output's global buffer's reads are its
		               background's, in its other half) */
	for (int c = 0; c < o->hw->nbuf; c++)
		if (o->hw->buf[c].parent == k)
			return 1;
	return 0;
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

/* A global buffer: one memory (or its banks) shared by the PEs, not a
 * register file in every PE. */
static inline int is_gb(const Hw *hw, int k)
{
	return !hw->buf[k].per_pe;
}

/* ---- names.c: names of part values in the different contexts ---- */

enum {
	V_CUR,      /* the controller's counters (c<j>x) */
	V_NEXT,     /* the controller's next values (n<j>) */
	V_ENG,      /* engine k's counters (e<k>_<j>x); other parts: its block */
	V_ENGNEXT,  /* engine k's next values (f<k>_<j>) */
	V_LANE,     /* spatial parts as a lane's constants S<j> */
	V_PRE,      /* a prefetch's shadow counters (pc<k>_<j>x) */
	V_PRENEXT,  /* and their next values (pn<k>_<j>) */
	V_HX,       /* the halves' block after which they prepare one (tx<k>_<j>x) */
	V_HN        /* the block they prepare (tn<k>_<j>) */
};

typedef struct Namer {
	int mode, k;        /* k: engine's buffer */
	int temporal_only;  /* spatial parts read as 0 */
	int par;            /* the engine's parallel lane parts are S<j> */
} Namer;

/* sum of coef[j] * value(j) plus base, as a 32-bit expression */
void sum(Out *o, Namer n, const long *coef, long base);
/* All guards hold for the values named by n: "(1'b1 && ...)". */
void guards_ok(Out *o, Namer n);
/* Counters of parts `use`, fastest first: the setting after cur's (one
 * the guards allow) into next, and `last` when cur's is the last (part
 * sj steps by `step`; stair and stairq, when not NULL: HwBuf.stair's
 * walk of a window's terms). */
void odometer(Out *o, const unsigned char *use, Namer cur, Namer next,
              const char *last, int sj, long step, const unsigned char *stair,
              const long *stairq);
/* expr, w bits wide, zero-extended to `to` bits */
void zext(Out *o, const char *expr, int w, int to);
/* pe_<t>(u, r): PE index of lane u and rest r of tensor t */
void pe_of(Out *o, int t);
/* lrep_<t>, lmask_<t>: a lane's first PE and the mask of its PEs */
void lane_tables(Out *o, int t);
/* Guard g involves spatial parts (and is not trivial). */
int guard_spatial(const Out *o, int g);
/* " && (PRE<g> + spatial terms < limit)" for every such guard */
void spatial_guards(Out *o, const char *pre);
void spatial_guards_pe(Out *o, const char *pre);
void fill_guards_pe(Out *o, const char *tag);
/* The tag of a request that fills buffer k from a global buffer: its
 * lane, the guards' parts (hw_fill_guard_at), its local address. */
const char *fill_tag(Out *o, int k);

/* ---- the units of tessera_top ---- */

/* port.c: tessera_top's ports and localparams; step stage B registers,
 * the DRAM request registers and the responses */
void emit_ports(Out *o);
void emit_datapath(Out *o);

/* seq.c: the controller's counters; the jobs (Out.njobs, job_buf,
 * job_drain, first_fill) and job_of, the job filling (drain 0) or
 * draining (1) buffer k, or -1; the state machine; jlast; what the
 * active job drives */
void emit_controller(Out *o);
void plan_jobs(Out *o);
/* "st == S_STEP", or where padding tiles idle after a step, "sdec":
 * the cycle the sequencer decides what follows the step. */
const char *step_decides(const Out *o);
/* "st == S_STEP", or with padding tiles its idle state too. */
const char *step_states(const Out *o);
int job_of(const Out *o, int k, int drain);
void emit_fsm(Out *o);
void emit_jlast(Out *o);
void emit_job_mux(Out *o);
/* In the job mux: a DRAM write of data (w bits) at addr (k >= 0: engine
 * k's address named addr<k>_pa), and engine k's DRAM read (tag id) */
void dram_write(Out *o, const char *addr, int k, const char *data, int w);
void dram_write_group(Out *o, int k, const char *addr, const char *sv,
                      const char *first);   /* and a drained group's
                                               slots */
void emit_fetch(Out *o, int k, int id, const char *in);

/* engine.c: engine k's counters and addresses; its registers; the
 * lanes a per-PE buffer's engine serves at once; slots G-1..1 of
 * buffer k, valid bits (addr 0) or DRAM addresses (1) from group v */
void emit_engine(Out *o, int k);
void emit_engine_regs(Out *o, int k);
void emit_par(Out *o, int k);
void slot_terms(Out *o, int k, const char *v, int addr);
/* engine.c: buffer k's values of each cut index at this refill (e<k>_n<r>),
 * worked out from the counters (a box walk under edge tiles, or a kept
 * register file's) */
void emit_cut_spans(Out *o, int k);

/* kept.c: a kept global buffer's origins, walk range and offset (in
 * emit_box, before its walk), its registers (in the engine's always
 * block), the function that places a word, and a read address through
 * it (expression e) */
void emit_kept_decl(Out *o, int k);
void emit_kept_regs(Out *o, int k);
void emit_kept_fn(Out *o, int k);
void kept_addr(Out *o, int k, const char *e);

/* array.c: a shared buffer's read port a lane; the PE array */
void emit_lanes(Out *o, int k);
void emit_array(Out *o);
const char *pe_pok(Out *o, int k);
const char *pe_par(Out *o, int k);
const char *pe_lane_no(Out *o, int k, const char *net, int lo);

/* fan.c: the nets every PE takes, through a buffer a group of PEs:
 * the PE block is written between fan_begin and fan_end, its first
 * line fan_pe's; fan_net is what a PE pin takes for a broadcast net
 * (printf-style: the net's text), good until fan_end */
void fan_begin(Out *o);
const char *fan_net(Out *o, int w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fan_pe(Out *o);
void fan_end(Out *o);
/* A net (w bits) that a PE pin takes, which the array wires straight to
 * every PE: the net itself, or when skewed the same DP cycles late
 * (good until the next seven calls); and the w bits at offset `at` (an
 * expression of the PE's localparams) of vec, where the PEs take lane
 * idx (kind 1: shared tensor which's LANE, 2: buffer which's PAR) of the nl
 * lanes of w bits from lane base on */
const char *pe_net(Out *o, int w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *pe_sel(Out *o, int w, const char *vec, long base, long nl,
                   const char *at, const char *idx, int kind, int which);
/* the nets taken from now on are for the chains' first PEs alone; are
 * registered by an unskewed PE as they come (skewed, the line's next
 * register is taken instead) */
void fan_ch0(Out *o, int on);
void fan_late(Out *o, int on);
void emit_fan_module(Out *o);
int lane_tree(const Out *o, int k);
void emit_lane_tree(Out *o, int k, long n, const char *m);

/* skew.c: systolic() as written where the output is kept in a shared
 * buffer: the skewed parts, the delay, the chain's part (or -1), a PE's
 * delay as a sum over PE number var, an output lane's sum and add, and
 * the lanes' delayed step signals */
int skew_part(const Hw *hw, int j);
long skew_depth(const Hw *hw);
int skew_drain_q(const Hw *hw);
int skew_chain(const Hw *hw);
void skew_delay(Out *o, const char *var);
void skew_lane(Out *o, int k, long nr);
void skew_lanes_head(Out *o);
void skew_par_head(Out *o, int k);
void skew_par_drain(Out *o, int k);
void emit_chain_module(Out *o);
void emit_line_module(Out *o);
long skew_step(const Hw *hw, int j);
/* skewline.c: the lines of registers of a skewed array's nets (between
 * skew_begin and skew_end, fan.c calls them): what a PE takes */
void skew_begin(Out *o);
const char *skew_take(Out *o, int w, const char *vec, long base, long nl,
                      const char *idx, int kind, int which, int ch0,
                      int late);
void skew_end(Out *o);
long *skew_ret_late(const Hw *hw);

/* counters.c: the simulation-only counters and their report */
void emit_counters(Out *o);

/* The address bits of a per-PE buffer with two halves (an output's,
 * an input's): the halves are interleaved, word a of half h at 2a + h
 * (one word: h alone). */
static inline int half_aw(const HwBuf *B)
{
	return B->words == 1 ? 1 : B->aw + 1;
}

/* halves.c: the per-PE output buffer's two halves (Out.oh) */
int halves_buffer(const Hw *hw); /* the buffer built so, or -1 */
int blocks_share(const Hw *hw, int k); /* two blocks in a row of
                                     output buffer k can hold an element */
void emit_halves_decl(Out *o);   /* what the sequencer reads */
void emit_halves(Out *o);        /* the background and its target */
void emit_pe_halves(Out *o);     /* the output's ports of PE p */
void emit_next_block(Out *o, int k, int swap); /* halves k's next block */
void emit_bg_block(Out *o, int k, const char *dr, const char *rt); /* the
                                     blocks a background works on */

/* ihalves.c: the per-PE input buffers' two halves (Out.ih) */
int ihalves_built(const Hw *hw, int k); /* buffer k is built so */
void ihalves_plan(Out *o);        /* which are built so */
void emit_ihalves_decl(Out *o);   /* what the sequencer reads */
void emit_ihalves(Out *o);        /* the backgrounds, their targets and
                                     fill paths */
void ihalves_mux(Out *o);         /* what the backgrounds drive */
void ihalves_pe(Out *o, int t);   /* tensor t's ports of PE p */

/* ghalves.c: the output's global buffer's two halves (Out.og) */
const char *ghalves_refusal(const Hw *hw, int k); /* why not, or NULL */
int ghalves_buffer(const Hw *hw); /* the buffer built so, or -1 */
void emit_ghalves_decl(Out *o);   /* what the sequencer reads */
void emit_ghalves(Out *o);        /* the swap and the background */
void ghalves_mux(Out *o, const char *held); /* what the background drives */

/* The sequencer has S_WAIT: the steps wait for a background. */
static inline int has_wait(const Out *o)
{
	return o->oh >= 0 || o->nih > 0 || o->og >= 0;
}

/* An event waits (evwait) for the backgrounds of the inputs' halves or
 * the output's global buffer's, and the output's halves' too then. */
static inline int ev_waits(const Out *o)
{
	return o->nih > 0 || o->og >= 0;
}

/* Buffer k's parent's ports read as late as its PEs take the words
 * (Out.rlate) */
static inline int ret_late_at(const Out *o, int k)
{
	return o->rlate && k == o->hw->inner[T_OUT];
}

/* tessera_sram, tessera_sum and tessera_pe (modules.c) */
void emit_modules(Out *o);
int pe_headed(const Hw *hw);   /* the PE has HEAD (modules.c) */

/* gbuf.c: which global buffers take a word per bank and which prefetch
 * (Out.pf, Out.pre, Out.dslots); gmem.c: a global buffer's memory */
int gbuf_prefetches(const Hw *hw, int k); /* buffer k prefetches */
long bank_plan(const Hw *hw, int k, long *size); /* its banks (0: one
                                                  memory), their size */
void gbuf_plan(Out *o);
void emit_gb(Out *o, int k);

#endif
