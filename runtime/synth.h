/* synth.h - area and timing of the generated accelerator: yosys maps it
 * to a standard-cell liberty (runtime/synth.c), OpenSTA times the mapped
 * netlist, and the SRAMs, black-boxed in synthesis, are priced by the
 * model of runtime/liberty.c (docs/synthesis.md).
 */
#ifndef TESSERA_SYNTH_H
#define TESSERA_SYNTH_H

#include "../backend-verilog/hw.h"

/* ---- liberty.c: reading a liberty file, the SRAM model ---- */

typedef struct LibCell {
	char name[64];
	double area;           /* in the library's area unit (µm² by custom) */
	int nin, nout;         /* pins by direction */
	char in0[32];          /* the first input pin */
	char out0[32];         /* the first output pin */
	char fn[128];          /* the first output's function, spaces removed */
	double in0_cap;        /* the first input's capacitance (0: not given) */
	int seq;               /* a flip-flop or a latch (an ff or latch group) */
} LibCell;

typedef struct Liberty {
	char name[128];        /* library (NAME) */
	char time_unit[32];    /* as written, e.g. "1ns" */
	double ns;             /* one time unit in ns */
	int ncell;
	LibCell *cell;         /* malloc'd; liberty_free releases it */
} Liberty;

/* 1, or 0 with a message when the file cannot be read or holds no cell
 * with an area. */
int liberty_read(const char *path, Liberty *lib, char *err, size_t errlen);
void liberty_free(Liberty *lib);
const LibCell *liberty_cell(const Liberty *lib, const char *name);
const LibCell *liberty_nand2(const Liberty *lib); /* NULL: none */
const LibCell *liberty_buffer(const Liberty *lib); /* NULL: none */

/* The SRAM area model (docs/synthesis.md): a CACTI bit cell grown by its
 * ports, folded near square, cut into mats of at most 256 x 256 cells,
 * each with decoder and column strips per port. */
typedef struct SramShape {
	long rows, cols, mux;      /* array rows and columns, column mux */
	long mats;                 /* subarrays, each with its periphery */
	double cell_w, cell_h;     /* one bit cell, µm */
	double w, h;               /* one mat with its periphery, µm */
	double macro;              /* the SRAM macro, µm² */
	double cells_area;         /* its bit cells alone, µm² */
	double flops;              /* the same memory as flip-flops and
	                              multiplexers of the liberty, µm² (0:
	                              the liberty lacks DFF or MUX2 cells) */
	int as_flops;              /* flops are the smaller: area = flops */
	double area;               /* the smaller of the two, µm² */
} SramShape;
void sram_model(long width, long words, long nr, long nw, double node_nm,
                const Liberty *lib, SramShape *s);

/* ---- synth.c: the flow ---- */

typedef struct SynthOpts {
	const char *liberty;   /* NULL: the default OSU 0.18 µm library */
	const char *outdir;    /* keep the netlist, scripts and logs here;
	                          NULL: a temporary directory, removed after
	                          a success */
	double node_nm;        /* feature size of the SRAM model (0: 180) */
	double sram_access_ns; /* SRAM clock-to-read-data time in STA */
} SynthOpts;

/* SYNTH_MAXSRAM: a 16x16 design banks a global buffer by lane, up to
 * 256 banks each (taxonomy/k_1d: 258 SRAMs) */
enum { SYNTH_MAXMOD = 32, SYNTH_MAXSRAM = 1024 };

typedef struct SynthModule {
	char name[96];
	long instances;        /* in the whole hierarchy */
	int versions;          /* its versions (parameters) in the row */
	long cells;            /* its own cells, submodules as one each (a
	                          row of versions: the mean of an instance) */
	double own;            /* area of its own standard cells, µm² */
	double total;          /* with its submodules and SRAMs, µm² */
} SynthModule;

typedef struct SynthSram {
	char name[96], module[96];
	long width, words, aw, nr, nw;  /* its parameters */
	SramShape shape;
} SynthSram;

typedef struct SynthResult {
	char liberty[4096];
	char libname[128];
	char dir[4096];        /* netlist and logs (kept with -o) */
	char work[4096];       /* where the tools run: a temporary directory,
	                          moved into dir with -o */
	char nand2[64];        /* the NAND2 unit's cell ("" if none) */
	double nand2_area;
	int nmod;
	SynthModule mod[SYNTH_MAXMOD];  /* top first */
	int nsram;
	SynthSram sram[SYNTH_MAXSRAM];
	long npe;
	int pe_versions;       /* the PE's versions (its HEAD parameter) */
	double pe, pes;        /* one PE (the mean of the versions); all */
	int has_array;         /* a tessera_array module exists */
	double array;          /* the array (its PEs included), or pes */
	double controller;     /* tessera_top's own cells */
	double other;          /* other modules outside the array */
	long skew_bits;        /* a skewed array's lines' flops (tessera_line) */
	double skew_area;      /* and their area, µm² */
	double sram_area, logic, total;
	double mac;            /* one bare MAC of the same widths */
	double period_ns;      /* critical path (setup included) */
	char from[256], to[256];
	double mac_period_ns;  /* that MAC's, between registers, mapped and
	                          timed as the design is */
	char mac_from[256], mac_to[256];
	double sram_access_ns, node_nm;
	double yosys_s, sta_s, mac_yosys_s, mac_sta_s;
	int simulated;         /* the throughput's cycles are a simulation's
	                          of the design, verified (synth --sim), not
	                          the model's */
} SynthResult;

enum { SYNTH_OK = 0, SYNTH_USER = 1, SYNTH_TOOL = 3 };

/* Synthesizes and times the design; SYNTH_OK, or SYNTH_USER /
 * SYNTH_TOOL with a message (a tool's message names its log). */
int synth_run(const Hw *hw, const SynthOpts *o, SynthResult *r, char *err,
              size_t errlen);

/* ---- synthstat.c: the areas ---- */

/* Reads r->work/stat.json and mac_stat.json (yosys' `stat -json`) and
 * prices them with lib: the MAC, the modules (top first), the PE, the
 * array, the controller, the other modules, the logic and the total,
 * the SRAMs (read from the netlist before) with the model's areas; 0
 * with a message when a file is missing or a cell is not in lib. */
int synth_areas(SynthResult *r, const Liberty *lib, char *err,
                size_t errlen);

/* ---- synthsta.c: the timing, and the flow's shared parts ---- */

/* Runs a tool in `dir` with its output in dir/log; its exit status or a
 * PROC_ code (runtime/proc.h).  Its scripts name files in dir only, the
 * liberty as the link liberty.lib: no path is ever quoted.  Its own
 * temporary files (yosys' for ABC) go into dir too, so that removing
 * dir removes them, after an interrupt as well. */
int synth_tool_run(const char *dir, char *const argv[], const char *log);
/* A tool that failed: the message, naming its log in the directory the
 * user sees; SYNTH_TOOL. */
int synth_tool_fail(const SynthResult *r, const char *name, const char *pkg,
                    int st, const char *log, char *err, size_t errlen);
/* mac_ref.v: tessera_mac_ref, a bare multiply-accumulate of the layer's
 * operand and output widths (the exact product, extended or cut to the
 * output, and the accumulator register).  mac_timed.v: it with its
 * operands registered, for its register-to-register period. */
void synth_write_mac(FILE *f, const Hw *hw);
void synth_write_mac_timed(FILE *f, const Hw *hw);
/* Lines of synth.ys: the design's abc command; the steps that make a
 * netlist OpenSTA reads. */
void synth_write_abc(FILE *f, const LibCell *buf);
void synth_write_netlist(FILE *f, const LibCell *buf, const char *out);
/* Maps the timed MAC into mac_netlist.v with a yosys of its own
 * (mac.ys, mac_yosys.log): SYNTH_OK, or as synth_run. */
int synth_mac_yosys(SynthResult *r, const LibCell *buf, char *err,
                    size_t errlen);
/* Times the design (sta.log) and then the timed MAC (mac_sta.log) into
 * r; 0 and a message naming the log of the one that failed. */
int synth_sta(SynthResult *r, const Liberty *lib, char *err, size_t errlen);

/* ---- synthreport.c: the report ---- */

/* The model's figures the report sets beside synthesis: its cycles and
 * utilization make the throughput at the synthesized clock. */
void synth_report(FILE *f, const Hw *hw, const SynthResult *r,
                  const Model *m);
void synth_report_json(FILE *f, const Hw *hw, const SynthResult *r,
                       const Model *m);
/* MACs per second: the layer's MACs / (its cycles x the period); 0 when
 * either is unknown. */
double synth_macs_per_second(const SynthResult *r, const Model *m);

#endif
