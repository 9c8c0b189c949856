/* sim.h - building and running the generated accelerator (runtime/sim.c). */
#ifndef TESSERA_SIM_H
#define TESSERA_SIM_H

#include "../backend-verilog/hw.h"

typedef struct SimOpts {
	const char *vcd;          /* write a waveform here (NULL: none) */
	long expected_cycles;     /* for the progress line */
	long max_cycles;          /* give up after these */
} SimOpts;

typedef struct SimResult {
	Model m;                  /* counts and cycles the design measured */
	int counted;              /* access lines read */
	double seconds;           /* simulated run, wall clock (harness) */
	double build_seconds;
	int built;                /* 1: built now; 0: reused */
} SimResult;

/* Runs the layer on bufs (inputs in, the design's output out).  0 with
 * a message when the tools or the design fail. */
int sim_run(const Hw *hw, Buf *bufs, const SimOpts *o, SimResult *r,
            char *err, size_t errlen);

#endif
