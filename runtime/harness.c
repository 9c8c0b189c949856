/* harness.c - runs a generated accelerator under Verilator (plain C; the
 * model is reached through backend-verilog/shim.cpp).
 *
 *   harness DRAM.bin OUT.bin LATENCY EXPECTED_CYCLES MAX_CYCLES [VCD]
 *
 * DRAM.bin holds the DRAM's words, 8 bytes each (little-endian, the low
 * bits meaningful).  The harness is the DRAM: it takes one request a
 * cycle from the design, writes at once, and answers reads in order
 * LATENCY cycles later with the request's tag.  A read is one word, or
 * with read slots (SimIO.xreq) up to SIM_SLOTS words at addresses of
 * their own, answered together; a write with slots writes them too.  When
 * the design says done it writes the DRAM back to OUT.bin and prints
 * "tessera-sim cycles N seconds S"; the design itself prints its access
 * counters.  On a terminal, a progress line shows cycles done of
 * EXPECTED_CYCLES, the cycles a second measured, and the time left at
 * that rate (or, past EXPECTED_CYCLES, that it is).
 * Exit: simio.h's HARNESS_ codes.
 */
#include "simio.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct Pending {
	uint64_t ready, data, tag;
	uint32_t xmask;                 /* read slots 1.. */
	uint64_t xdata[SIM_SLOTS - 1];
} Pending;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The DRAM image of path into *w, its words into *n; HARNESS_OK, or
 * the exit status after saying what failed. */
static int load(const char *path, uint64_t **w, long *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "harness: cannot read %s\n", path);
		return HARNESS_FAILED;
	}
	fseek(f, 0, SEEK_END);
	long bytes = ftell(f);
	fseek(f, 0, SEEK_SET);
	*n = bytes / 8;
	*w = malloc((size_t)(*n ? *n : 1) * 8);
	int rc = HARNESS_OK;
	if (!*w) {
		fprintf(stderr, "harness: out of memory for the DRAM image (%ld "
		        "words)\n", *n);
		rc = HARNESS_NOMEM;
	} else if (fread(*w, 8, (size_t)*n, f) != (size_t)*n) {
		fprintf(stderr, "harness: cannot read %s\n", path);
		rc = HARNESS_FAILED;
	}
	fclose(f);
	return rc;
}

/* The progress line: cycles done of the expected count (the model's),
 * the rate measured so far, and the time left at that rate; once the
 * run goes past the expected count, that instead. */
static void progress(long cycle, double expected, double rate)
{
	if (expected <= 0) {
		fprintf(stderr, "\rsim: %.2f M cycles, %.2f M cycles/s   ",
		        cycle / 1e6, rate / 1e6);
	} else if (cycle <= expected) {
		double left = (expected - cycle) / rate;
		char t[32];
		if (left < 1)
			snprintf(t, sizeof t, "under 1 s");
		else if (left < 120)
			snprintf(t, sizeof t, "~%.0f s", left);
		else
			snprintf(t, sizeof t, "~%.0f min", left / 60);
		fprintf(stderr, "\rsim: %.2f M of %.2f M cycles, %.2f M cycles/s, "
		        "%s left   ", cycle / 1e6, expected / 1e6, rate / 1e6, t);
	} else {
		fprintf(stderr, "\rsim: %.2f M cycles, past the model's %.2f M, "
		        "%.2f M cycles/s   ", cycle / 1e6, expected / 1e6, rate / 1e6);
	}
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: harness DRAM.bin OUT.bin LATENCY "
		        "EXPECTED_CYCLES MAX_CYCLES [VCD]\n");
		return HARNESS_USAGE;
	}
	long nwords;
	uint64_t *mem;
	int rc = load(argv[1], &mem, &nwords);
	if (rc)
		return rc;
	long latency = atol(argv[3]);
	double expected = atof(argv[4]);
	long max_cycles = atol(argv[5]);
	if (latency < 1)
		latency = 1;
	long cap = latency + 4;
	Pending *q = malloc(sizeof *q * (size_t)cap);
	if (!q) {
		fprintf(stderr, "harness: out of memory for %ld reads in flight\n",
		        cap);
		free(mem);
		return HARNESS_NOMEM;
	}
	long qh = 0, qn = 0;
	Sim *s = sim_new(argc > 6 ? argv[6] : "");
	SimIO io;
	memset(&io, 0, sizeof io);
	/* tessera runs the harness in a process group of its own: not the
	 * terminal's, which would stop it for writing the progress line
	 * under `stty tostop` */
	signal(SIGTTOU, SIG_IGN);
	int tty = isatty(2), shown = 0;
	double t0 = now(), last = t0;
	long cycle = 0;
	for (; cycle < max_cycles; cycle++) {
		io.rst = cycle < 2;
		io.start = cycle == 2;
		io.rvalid = 0;
		io.xvalid = 0;
		if (qn && q[qh].ready <= (uint64_t)cycle) {
			io.rvalid = 1;
			io.rdata = q[qh].data;
			io.rtag = q[qh].tag;
			io.xvalid = q[qh].xmask;
			for (int k = 0; k < SIM_SLOTS - 1; k++)
				if (q[qh].xmask >> k & 1)
					io.xdata[k] = q[qh].xdata[k];
			qh = (qh + 1) % cap;
			qn--;
		}
		sim_cycle(s, &io);
		if (io.req) {
			uint64_t a = io.addr;   /* the first address out of range */
			int oob = a >= (uint64_t)nwords;
			for (int k = 0; k < SIM_SLOTS - 1 && !oob; k++)
				if (io.xreq >> k & 1 && io.xaddr[k] >= (uint64_t)nwords) {
					a = io.xaddr[k];
					oob = 1;
				}
			if (oob) {
				fprintf(stderr, "harness: cycle %ld: the design addressed "
				        "DRAM word %llu of %ld\n", cycle,
				        (unsigned long long)a, nwords);
				rc = HARNESS_FAILED;
				break;
			}
			if (io.we) {
				mem[io.addr] = io.wdata;
				for (int k = 0; k < SIM_SLOTS - 1; k++)
					if (io.xreq >> k & 1)
						mem[io.xaddr[k]] = io.xwdata[k];
			} else {
				if (qn == cap) {
					fprintf(stderr, "harness: cycle %ld: more reads in "
					        "flight than the latency allows\n", cycle);
					rc = HARNESS_FAILED;
					break;
				}
				Pending *p = &q[(qh + qn) % cap];
				p->ready = (uint64_t)(cycle + latency);
				p->data = mem[io.addr];
				p->tag = io.tag;
				p->xmask = io.xreq;
				for (int k = 0; k < SIM_SLOTS - 1; k++)
					if (io.xreq >> k & 1)
						p->xdata[k] = mem[io.xaddr[k]];
				qn++;
			}
		}
		if (io.done && cycle > 2)
			break;
		if (tty && (cycle & 0x3fff) == 0 && cycle) {
			double t = now();
			if (t - last > 0.5) {
				progress(cycle, expected, (double)cycle / (t - t0));
				last = t;
				shown = 1;
			}
		}
	}
	double secs = now() - t0;
	if (shown)
		fprintf(stderr, "\r%72s\r", "");
	sim_free(s);
	if (!rc && !io.done) {
		fprintf(stderr, "harness: the design did not finish in %ld cycles\n",
		        max_cycles);
		rc = HARNESS_FAILED;
	}
	if (!rc) {
		FILE *f = fopen(argv[2], "wb");
		if (!f || fwrite(mem, 8, (size_t)nwords, f) != (size_t)nwords) {
			fprintf(stderr, "harness: cannot write %s\n", argv[2]);
			rc = HARNESS_FAILED;
		}
		if (f)
			fclose(f);
		printf("tessera-sim cycles %ld seconds %.6f\n", cycle - 2, secs);
	}
	free(q);
	free(mem);
	return rc;
}
