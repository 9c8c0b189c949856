/* simio.h - what the plain-C harness and the C++ shim around the
 * Verilator model pass each clock cycle (backend-verilog/shim.cpp). */
#ifndef TESSERA_SIMIO_H
#define TESSERA_SIMIO_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { SIM_SLOTS = 16 };   /* DRAM words a request moves, at most */

/* The harness's exit status: done; a bad command line; the design
 * misbehaved or did not finish; memory does not hold the DRAM image
 * or the reads in flight. */
enum { HARNESS_OK = 0, HARNESS_USAGE = 2, HARNESS_FAILED = 3,
       HARNESS_NOMEM = 4 };

typedef struct SimIO {
	/* to the design */
	int rst, start, rvalid;
	uint64_t rdata, rtag;
	uint32_t xvalid;                 /* read slots 1..: bit s-1 for slot s */
	uint64_t xdata[SIM_SLOTS - 1];
	/* from the design */
	int done, req, we;
	uint64_t addr, wdata, tag;
	uint32_t xreq;                   /* more words read or written with
	                                    the request: bit s-1 for slot s */
	uint64_t xaddr[SIM_SLOTS - 1];
	uint64_t xwdata[SIM_SLOTS - 1];  /* a write's slots' words */
} SimIO;

typedef struct Sim Sim;
Sim *sim_new(const char *vcd);   /* vcd: a file name, used with tracing */
void sim_cycle(Sim *s, SimIO *io);
void sim_free(Sim *s);

#ifdef __cplusplus
}
#endif
#endif
