// shim.cpp - the only C++: wraps the Verilator model of tessera_top in
// four extern "C" functions for the plain-C harness (runtime/harness.c).
// Compiled per design with TESSERA_DSLOTS (the DRAM words the design reads
// a cycle: hw_dram_slots), TESSERA_WSLOTS (the words it writes, 0 when
// its writes have no slots) and TESSERA_DW (the DRAM word's bits).
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

#if TESSERA_DSLOTS > 1
// n bits (at most 64) at bit lo of a port: a plain integer, or a
// Verilator wide value (32-bit words) when the port is wider than 64.
static uint64_t get_bits(uint64_t v, int lo, int n)
{
	return (v >> lo) & (n >= 64 ? ~0ull : (1ull << n) - 1);
}
template <std::size_t N>
static uint64_t get_bits(const VlWide<N> &v, int lo, int n)
{
	if (n == 32 && lo % 32 == 0)   /* a whole word: an address */
		return v[lo / 32];
	uint64_t r = 0;
	for (int i = 0; i < n; i++)
		r |= (uint64_t)((v[(lo + i) / 32] >> ((lo + i) % 32)) & 1u) << i;
	return r;
}
template <typename T>
static void set_bits(T &v, int lo, int n, uint64_t x)
{
	uint64_t m = (n >= 64 ? ~0ull : (1ull << n) - 1) << lo;
	v = (T)(((uint64_t)v & ~m) | ((x << lo) & m));
}
template <std::size_t N>
static void set_bits(VlWide<N> &v, int lo, int n, uint64_t x)
{
	if (n == 32 && lo % 32 == 0) {   /* a whole word */
		v[lo / 32] = (EData)x;
		return;
	}
	for (int i = 0; i < n; i++) {
		EData b = 1u << ((lo + i) % 32);
		EData &w = v[(lo + i) / 32];
		w = (x >> i) & 1 ? (w | b) : (w & ~b);
	}
}
#endif

// One clock cycle: inputs from io, then the outputs the design drives.
extern "C" void sim_cycle(Sim *s, SimIO *io)
{
	Vtessera_top *t = s->top;
	t->rst = io->rst;
	t->start = io->start;
	t->mem_rvalid = io->rvalid;
	t->mem_rdata = io->rdata;
	t->mem_rtag = io->rtag;
#if TESSERA_DSLOTS > 1
	t->mem_xvalid = io->xvalid;
	if (io->xvalid)
		for (int q = 0; q < TESSERA_DSLOTS - 1; q++)
			set_bits(t->mem_xdata, q * TESSERA_DW, TESSERA_DW, io->xdata[q]);
#endif
	edge(s, 0);
	edge(s, 1);
	io->done = t->done;
	io->req = t->mem_req;
	io->we = t->mem_we;
	io->addr = t->mem_addr;
	io->wdata = t->mem_wdata;
	io->tag = t->mem_tag;
#if TESSERA_DSLOTS > 1
	io->xreq = io->req ? t->mem_xreq : 0;   /* a write has slots only
	                                           with TESSERA_WSLOTS */
	for (int q = 0; q < TESSERA_DSLOTS - 1; q++)
		if (io->xreq >> q & 1)
			io->xaddr[q] = get_bits(t->mem_xaddr, q * 32, 32);
#if TESSERA_WSLOTS > 1
	if (io->we)
		for (int q = 0; q < TESSERA_WSLOTS - 1; q++)
			if (io->xreq >> q & 1)
				io->xwdata[q] = get_bits(t->mem_xwdata, q * TESSERA_DW,
				                         TESSERA_DW);
#endif
#else
	io->xreq = 0;
#endif
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
