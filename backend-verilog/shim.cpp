// shim.cpp - the only C++: wraps the Verilator model of tessera_top in
// four extern "C" functions for the plain-C harness (runtime/harness.c).
#include "Vtessera_top.h"
#include "verilated.h"
#ifdef TESSERA_TRACE
#include "verilated_vcd_c.h"
#endif
#include "simio.h"

struct Sim {
	VerilatedContext ctx;
	Vtessera_top *top;
#ifdef TESSERA_TRACE
	VerilatedVcdC *vcd;
#endif
	uint64_t time;
};

extern "C" Sim *sim_new(const char *vcd)
{
	Sim *s = new Sim;
	s->time = 0;
	s->top = new Vtessera_top(&s->ctx);
#ifdef TESSERA_TRACE
	s->ctx.traceEverOn(true);
	s->vcd = new VerilatedVcdC;
	s->top->trace(s->vcd, 99);
	s->vcd->open(vcd);
#else
	(void)vcd;
#endif
	return s;
}

static void edge(Sim *s, int clk)
{
	s->top->clk = clk;
	s->top->eval();
#ifdef TESSERA_TRACE
	s->vcd->dump(s->time);
#endif
	s->time++;
}

// One clock cycle: inputs from io, then the outputs the design drives.
extern "C" void sim_cycle(Sim *s, SimIO *io)
{
	Vtessera_top *t = s->top;
	t->rst = io->rst;
	t->start = io->start;
	t->mem_rvalid = io->rvalid;
	t->mem_rdata = io->rdata;
	t->mem_rtag = io->rtag;
	edge(s, 0);
	edge(s, 1);
	io->done = t->done;
	io->req = t->mem_req;
	io->we = t->mem_we;
	io->addr = t->mem_addr;
	io->wdata = t->mem_wdata;
	io->tag = t->mem_tag;
}

extern "C" void sim_free(Sim *s)
{
	s->top->final();
#ifdef TESSERA_TRACE
	s->vcd->close();
	delete s->vcd;
#endif
	delete s->top;
	delete s;
}
