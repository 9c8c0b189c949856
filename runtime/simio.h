/* simio.h - what the plain-C harness and the C++ shim around the
 * Verilator model pass each clock cycle (backend-verilog/shim.cpp). */
#ifndef TESSERA_SIMIO_H
#define TESSERA_SIMIO_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct SimIO {
	/* to the design */
	int rst, start, rvalid;
	uint64_t rdata, rtag;
	/* from the design */
	int done, req, we;
	uint64_t addr, wdata, tag;
} SimIO;

typedef struct Sim Sim;
Sim *sim_new(const char *vcd);   /* vcd: a file name, used with tracing */
void sim_cycle(Sim *s, SimIO *io);
void sim_free(Sim *s);

#ifdef __cplusplus
}
#endif
#endif
