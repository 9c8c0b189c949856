/* sim.h - building and running the generated accelerator (runtime/sim.c). */
#ifndef TESSERA_SIM_H
#define TESSERA_SIM_H

#include "../backend-verilog/hw.h"

typedef struct SimOpts {
	const char *vcd;          /* write a waveform here (NULL: none) */
	long expected_cycles;     /* for the progress line */
	long max_cycles;          /* give up after these */
	const char *exe;          /* a simulator sim_build made for this
	                             design (NULL: build it, or reuse it) */
} SimOpts;

/* Where the design's cycles went, from its own counters: steps, the
 * cycle after a step that starts jobs, each job of the sequencer (a
 * buffer's fill or drain), and the wait for the last DRAM write. */
typedef struct SimCycles {
	long step, flush, end;
	int njobs;
	struct {
		int buf, drain;       /* the hardware plan's buffer; 1: drain */
		long cycles, runs;    /* its cycles, and how often it ran */
	} job[2 * MAX_BUFFERS];
} SimCycles;

typedef struct SimResult {
	Model m;                  /* counts and cycles the design measured */
	SimCycles c;              /* and where the cycles went */
	int counted;              /* access lines read */
	double seconds;           /* simulated run, wall clock (harness) */
	double build_seconds;
	int built;                /* 1: built now; 0: reused */
} SimResult;

enum { SIM_OK = 0, SIM_USER = 1, SIM_TOOL = 3 };

/* Runs the layer on bufs (inputs in, the design's output out).  SIM_OK;
 * SIM_USER with a message when the layer's sizes are more than memory
 * holds; SIM_TOOL with one when the tools or the design fail.  An
 * interrupt ends tessera (runtime/proc.h). */
int sim_run(const Hw *hw, Buf *bufs, const SimOpts *o, SimResult *r,
            char *err, size_t errlen);

/* Builds the simulator of hw (no waveform), or finds it built in the
 * cache: its path into exe, *built 1 when it was built now, the time
 * taken; 0 with a message when the build fails. */
int sim_build(const Hw *hw, char *exe, size_t exelen, double *seconds,
              int *built, char *err, size_t errlen);

/* Where the cycles went (r->c), as a table or (json) as the
 * "cycles_by_state" member of the report's object. */
void sim_cycles_report(FILE *f, const Hw *hw, const SimResult *r,
                       const HwTime *t, int json);
/* The simulated cycles must be within these times the model's. */
#define SIM_CYCLES_LO 0.98
#define SIM_CYCLES_HI 1.05
/* Whether r's cycles are within those bounds of t's. */
int sim_cycles_within(const SimResult *r, const HwTime *t);

/* ---- simcheck.c: one layer simulated and checked ---- */

typedef struct SimCheck {
	int ran;                  /* the simulation ran to its end */
	SimResult r;              /* what it measured */
	Model m;                  /* its counts and cycles, with energy */
	Model mod;                /* the model's counts */
	HwTime ht;                /* the model's timing of this hardware */
	int verified;             /* the output equals the CPU's, bit for bit */
	int diffs;                /* counts that differ from the model's */
	double ratio;             /* the cycles over the model's */
	int cycles_ok;            /* ratio within SIM_CYCLES_LO..HI */
} SimCheck;

/* Runs the layer on the CPU and on the hardware (bufs: the inputs in,
 * the hardware's output out) and judges the run into c (plain data).
 * 0 when every check passed; EXIT_MISMATCH when the run ended but a
 * check failed (each count that differs is a line on stderr, after
 * `who` when not NULL); EXIT_USER or EXIT_TOOL with a message when it
 * could not run.  opts' cycle bounds are set here. */
int sim_check(const LoopNest *ln, const Hw *hw, Buf *bufs,
              const SimOpts *opts, const char *who, SimCheck *c,
              char *err, size_t errlen);

#endif
