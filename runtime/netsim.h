/* netsim.h - a network's layers under one or more dataflows, built,
 * simulated and checked, or synthesized, one design per distinct
 * accelerator (netcmd.c runs it; runtime/netreport.c reports it).
 */
#ifndef TESSERA_NETSIM_H
#define TESSERA_NETSIM_H

#include "sim.h"
#include "synth.h"

/* What became of a layer under a dataflow. */
enum {
	RUN_NOT_MAPPED,   /* the dataflow does not apply to it */
	RUN_REFUSED,      /* the Verilog backend does not build it */
	RUN_NO_BUILD,     /* its design's build failed */
	RUN_NO_RUN,       /* it could not be simulated (a tool, memory) */
	RUN_RAN,          /* simulated and judged: rc and c say how */
	RUN_PLANNED       /* a design, not simulated (synth --network) */
};

/* A design's build, as its process reports it. */
typedef struct NetBuild {
	int ok, built;          /* built or found; built now */
	double seconds;
	char exe[3400];         /* the simulator */
	char err[1024];
} NetBuild;

/* A design's synthesis, as its process reports it. */
typedef struct NetSynth {
	int rc;                 /* SYNTH_OK or what synth_run said */
	SynthResult r;
	char err[4400];
} NetSynth;

/* A distinct design: layers whose Verilog is the same but for the
 * layer's name in its header comment share it. */
typedef struct NetDesign {
	int df, layer;          /* the first layer that uses it: the build
	                           is of its Verilog */
	const Hw *hw;
	uint64_t hash;          /* of the Verilog without the name */
	char *text;             /* that Verilog (malloc'd) */
	size_t len;
	int users;              /* layers that use it */
	NetBuild b;
	NetSynth *s;            /* synth --network */
} NetDesign;

/* A layer under a dataflow. */
typedef struct NetRun {
	int state;              /* RUN_ */
	const char *why;        /* not mapped, refused, no build, no run */
	const Hw *hw;
	int design;             /* index into NetSim.d; -1: none */
	int rc;                 /* sim_check's (RUN_RAN) */
	SimCheck c;
} NetRun;

/* Sums over some layers of a dataflow, each `repeat` times. */
typedef struct NetSimTotal {
	int entries, verified;  /* layers summed, of them verified */
	long layers;            /* with repeats */
	long macs, cycles, model_cycles, pes;
	double energy, e_mac, pj_per_mac, utilization;
} NetSimTotal;

/* One dataflow file over the network. */
typedef struct NetDataflow {
	const char *file;
	int ok;                 /* it loaded (else its error was said) */
	Program *p;
	LoopNest *ln;
	NetResult *res;         /* network_eval's, one per layer */
	NetTotal model;         /* and its totals */
	NetRun *run;            /* one per layer */
	NetSimTotal tot;        /* over the layers that ran */
} NetDataflow;

typedef struct NetSim {
	const Network *net;
	int ndf;
	NetDataflow *df;
	int nd;
	NetDesign *d;
	int jobs;               /* processes at once */
	SynthOpts so;           /* synth --network */
	unsigned char *common;  /* per layer: ran (or mapped) under every
	                           loaded dataflow */
	int ncommon;
} NetSim;

/* netreport.c: sums dataflow d's runs that ran, and (mask, when not
 * NULL) whose layer is marked in it. */
void netsim_total(const NetSim *ns, const NetDataflow *d,
                  const unsigned char *mask, NetSimTotal *t);

/* netreport.c */
void netreport_total_json(FILE *f, const char *dataflow,
                          const NetTotal *tot, int first);
void netsim_table(FILE *f, const NetSim *ns, const NetDataflow *d);
void netsim_json(FILE *f, const NetSim *ns, const NetDataflow *d);
void netsim_designs(FILE *f, const NetSim *ns, int json);
void netsim_common(FILE *f, const NetSim *ns, int json);
void netreport_left_out(FILE *f, const NetSim *ns,
                        const unsigned char *common, int ran, int json);
void netsynth_table(FILE *f, const NetSim *ns);
void netsynth_json(FILE *f, const NetSim *ns);

/* netpage.c: the HTML page of model --network (sim 0: cmp holds each
 * dataflow's totals over the layers marked in ns->common) or of sim
 * --network (sim 1), into f; cmd is the command line (NULL: none). */
void netpage_write(FILE *f, const NetSim *ns, int sim, const NetTotal *cmp,
                   const char *cmd);

#endif
