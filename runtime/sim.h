/* sim.h - building and running the generated accelerator (runtime/sim.c). */
#ifndef TESSERA_SIM_H
#define TESSERA_SIM_H

#include "../backend-verilog/hw.h"

typedef struct SimOpts {
	const char *vcd;          /* write a waveform here (NULL: none) */
	long expected_cycles;     /* for the progress line */
	long max_cycles;          /* give up after these */
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

/* Where the cycles went (r->c), as a table or (json) as the
 * "cycles_by_state" member of the report's object. */
void sim_cycles_report(FILE *f, const Hw *hw, const SimResult *r,
                       const HwTime *t, int json);
/* The simulated cycles must be within these times the model's. */
#define SIM_CYCLES_LO 0.98
#define SIM_CYCLES_HI 1.05
/* Whether r's cycles are within those bounds of t's. */
int sim_cycles_within(const SimResult *r, const HwTime *t);

#endif
