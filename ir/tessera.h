/* tessera.h - the one shared header of the Tessera compiler.
 *
 * Declares the source locations and diagnostics, the arena, the layer /
 * schedule / architecture data the frontend produces, the loop IR the
 * schedule is applied into, and the entry points of every module.
 * Assumes a C11 compiler and 64-bit longs (checked below).
 */
#ifndef TESSERA_H
#define TESSERA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

_Static_assert(sizeof(long) == 8, "tessera assumes LP64");

enum {
	MAX_RANK = 8,     /* most index positions of one tensor */
	MAX_LOOPS = 48,   /* most loops in one nest after splitting */
	MAX_PARTS = 4,    /* most loops fused into one */
	MAX_LEVELS = 8,   /* most memory levels in one architecture */
	MAX_BUFFERS = 32, /* most buffer directives in one schedule */
	MAX_ARRAY_DIMS = 2,
	MAX_ERRORS = 20,  /* a compilation stops collecting errors here */
};

/* ---- util.c: arena, source text, diagnostics ---- */

typedef struct Arena Arena;
Arena *arena_new(void);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t n); /* zeroed, 16-byte aligned */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One source file held in memory; locations point into it. */
typedef struct Source {
	const char *name; /* as given on the command line */
	const char *text; /* NUL-terminated contents */
	size_t len;
} Source;

typedef struct Loc {
	const Source *src; /* NULL for built-in entities */
	int line, col;     /* 1-based */
} Loc;

/* Collects user errors; each is printed at once as
 * "file:line:col: error: msg", the source line and a caret. */
typedef struct Diag {
	FILE *out;   /* where messages go (NULL: count only, as in fuzzing) */
	int nerrors;
} Diag;

void diag_error(Diag *d, Loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_note(Diag *d, Loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void die_internal(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define INTERNAL(...) die_internal(__FILE__, __LINE__, __VA_ARGS__)
#define ASSERT(c) ((c) ? (void)0 : INTERNAL("assertion failed: %s", #c))

Source *source_read(Arena *a, const char *path, char *err, size_t errlen);
int utf8_char(const char *s, size_t n);       /* bytes of one, 0: none */
void fput_escaped(FILE *f, const char *s, size_t n); /* non-UTF-8 as \xNN */

uint64_t fnv1a(const void *data, size_t n);  /* FNV-1a, 64-bit */
double clock_seconds(void);                   /* monotonic */
int make_dirs(const char *dir);               /* mkdir -p; -1 and errno */
char *file_read(const char *path, size_t *len); /* malloc'd, NUL-ended */
int file_write(const char *path, const void *data, size_t n);
void remove_tree(const char *dir);            /* rm -rf, warns on failure */

/* Exit status of every command (docs/ir.md): a user error in the input,
 * a bad command line, an external tool failing, simulated outputs or
 * counts differing. */
enum { EXIT_USER = 1, EXIT_USAGE = 2, EXIT_TOOL = 3, EXIT_MISMATCH = 4 };
_Noreturn void die_usage(const char *fmt, const char *arg);
/* Numbers given on the command line, checked (a usage error otherwise). */
uint64_t arg_uint(const char *opt, const char *v, uint64_t lo, uint64_t hi);
double arg_real(const char *opt, const char *v, double lo, double hi);
/* Memory for something the user's sizes decide ran out: a message
 * naming it and exit status 1 (a user error, not a bug). */
_Noreturn void die_oom(const char *what);
Source *source_from_text(Arena *a, const char *name, const char *text,
                         size_t len);

/* ---- the layer ---- */

/* The seven loops of a convolution, in the canonical order of the
 * printed layer header. */
#define DIMS(X) X(N, "n") X(K, "k") X(C, "c") X(Y, "y") X(X, "x") \
	X(FY, "fy") X(FX, "fx")
typedef enum {
#define X(up, low) DIM_##up,
	DIMS(X)
#undef X
	NDIMS
} DimId;
extern const char *const dim_upper[NDIMS]; /* "N", "K", ... */
extern const char *const dim_lower[NDIMS]; /* "n", "k", ... */

/* An element type: a two's complement or unsigned integer of `bits`. */
typedef struct ElemType {
	int bits;
	int is_signed;
} ElemType;
int elem_container_bytes(ElemType t); /* 1, 2, 4 or 8 */

/* One index position: sum over dims of coef[d] * d, plus offset. */
typedef struct Affine {
	long coef[NDIMS];
	long offset;
	Loc loc;
} Affine;

enum { T_OUT, T_A, T_B, NTENSORS }; /* O += A * B */

typedef struct Tensor {
	const char *name;
	Loc loc;          /* first mention */
	ElemType type;
	int rank;
	Affine idx[MAX_RANK];
	long shape[MAX_RANK];
} Tensor;

typedef struct Layer {
	const char *name;
	Loc loc;
	long extent[NDIMS];     /* 0 when the layer does not use the loop */
	Loc extent_loc[NDIMS];
	Tensor t[NTENSORS];     /* output, first operand, second operand */
	long macs;              /* product of the used extents */
} Layer;

/* ---- the architecture ---- */

/* How a word reaches a PE (docs/model.md, "Energy"): from a neighbour
 * (systolic(), an accumulation chain), over a bus that PEs share
 * (broadcast, multicast, a reduction tree), or on its own from the
 * edge of the array (unicast). */
enum { HOP_NEIGHBOUR, HOP_BUS, HOP_GLOBAL, HOP_KINDS };
extern const char *const hop_kind_name[HOP_KINDS];

/* What an access of a level does (Timeloop's read, fill and update). */
enum { ACT_READ, ACT_FILL, ACT_UPDATE, NACTIONS };

typedef struct Level {
	const char *name;
	Loc loc;
	int per_pe;        /* one instance in every PE (register file) */
	int offchip;       /* DRAM: unbounded, where tensors live */
	long bytes;        /* capacity of one instance; 0 for DRAM */
	double pj;         /* energy of one 16-bit access */
	int pj_given;      /* 1: set by the user; 2: the built-in baseline's
	                      figure, replaced when the file gives a table;
	                      0: from the table by size */
	long bandwidth;    /* words per cycle to the level inside (0: off
	                      chip unbounded, on chip what the backend
	                      builds: ir/model.c, transfer_cycles) */
	long latency;      /* cycles from request to first word */
	/* `holds` (docs/dsl.md): the tensors the level may hold, the rest
	 * bypass it (Timeloop's keep/bypass).  nholds 0: no clause, every
	 * tensor.  The names are resolved to `holds` (bit t: tensor t) once
	 * the layer is known (arch_holds_resolve). */
	int nholds;
	const char *holds_name[NTENSORS];
	Loc holds_name_loc[NTENSORS];
	Loc holds_loc;     /* the word `holds` */
	unsigned holds;
	/* Energies per action (docs/dsl.md): `read_pj`, `fill_pj`,
	 * `update_pj`, each for every tensor or for one by name (resolved
	 * with the holds clause); an action without its own figure costs
	 * `pj`.  `leak_pj`: each instance's energy per cycle. */
	int nacts;
	struct LevelAct {
		int action;          /* ACT_READ, ACT_FILL, ACT_UPDATE */
		const char *tname;   /* NULL: every tensor */
		Loc loc;
		double pj;
	} act[NACTIONS * (NTENSORS + 1)];
	double act_pj[NACTIONS][NTENSORS];  /* resolved (arch_holds_resolve) */
	unsigned char act_given[NACTIONS][NTENSORS];
	double leak_pj;
} Level;

/* Energy per 16-bit access by memory size, for one kind of memory
 * (register file, SRAM, DRAM); looked up with log-log interpolation. */
enum { MAX_TABLE = 16, MEM_PER_PE = 0, MEM_SHARED, MEM_OFFCHIP, MEM_KINDS };
typedef struct EnergyTable {
	int n;
	long bytes[MAX_TABLE];   /* increasing */
	double pj[MAX_TABLE];
} EnergyTable;

typedef struct Arch {
	const char *name;
	Loc loc;
	int ndims;                  /* 1 or 2 */
	long dim[MAX_ARRAY_DIMS];   /* PEs along each array dimension */
	int nlevels;
	Level level[MAX_LEVELS];    /* innermost first; the last is off-chip */
	double hop_pj;              /* one PE-to-PE transfer */
	double mac_pj;              /* one multiply-accumulate */
	EnergyTable table[MEM_KINDS]; /* for levels without their own pj */
	/* `hop_pj neighbour|bus|global PJ`: a hop's energy by how the word
	 * reaches the PE (HOP_*: model_hop_kind); 0 in hop_given: hop_pj */
	double hop_kind_pj[HOP_KINDS];
	unsigned char hop_given[HOP_KINDS];
	int fills_free;             /* `fills free`: a fill costs no energy,
	                               as the Interstellar artifact counts
	                               (0: it costs an access, as a read) */
} Arch;

void arch_default(Arch *a);
void arch_default_tables(Arch *a);
double arch_table_pj(const Arch *a, int per_pe, int offchip, long bytes);
int arch_find_level(const Arch *a, const char *name);
/* Whether level L of a may hold tensor t (no holds clause: every one). */
int arch_holds(const Arch *a, int L, int t);
long arch_pes(const Arch *a);

/* ---- the schedule, as written ---- */

/* Schedule directives: name, whether its receiver is the output's loop
 * nest (1) or any tensor (0). */
#define DIRECTIVES(X) \
	X(SPLIT, "split", 1) X(TILE, "tile", 1) X(REORDER, "reorder", 1) \
	X(FUSE, "fuse", 1) X(UNROLL, "unroll", 1) X(REPLICATE, "replicate", 1) \
	X(ACCELERATE, "accelerate", 1) X(IN, "in", 0) \
	X(COMPUTE_AT, "compute_at", 0) X(DOUBLE_BUFFER, "double_buffer", 0) \
	X(SYSTOLIC, "systolic", 0) X(PAD, "pad", 1) \
	X(KEEP_OVERLAP, "keep_overlap", 0)
typedef enum {
#define X(e, s, o) DIR_##e,
	DIRECTIVES(X)
#undef X
	NDIRECTIVES
} DirKind;
extern const char *const directive_name[NDIRECTIVES];

/* One argument: a name or an integer, with where it was written. */
typedef struct Arg {
	const char *name; /* NULL for an integer */
	long value;
	Loc loc;
} Arg;

typedef struct Directive {
	DirKind kind;
	Loc loc;            /* the directive's name */
	const char *recv;   /* receiver tensor */
	Loc recv_loc;
	int nargs;
	Arg *args;
	struct Directive *chain; /* in/compute_at/double_buffer: the rest */
} Directive;

typedef struct Schedule {
	int ndirs;
	Directive **dirs;  /* in source order */
	Loc loc;
	int present;       /* a schedule block was written */
} Schedule;

/* A whole .tsr file. */
typedef struct Program {
	Layer layer;
	Schedule sched;
	Arch arch;
	int has_layer, has_arch;
} Program;

/* ---- frontend ---- */

int parse_program(Arena *a, Diag *d, const Source *src, Program *p);

/* ---- networks (frontend/parse.c) ----
 *
 * A network file holds the layer shapes of one DNN, and nothing else:
 *
 *   network alexnet {
 *     conv1: conv N=16 K=96 C=3 Y=56 X=56 FY=11 FX=11 stride=4
 *     dw2:   depthwise N=16 C=64 Y=56 X=56 FY=3 FX=3 stride=2
 *     fc1:   fc N=16 K=4096 C=9216
 *     res3:  conv N=16 K=128 C=128 Y=28 X=28 FY=3 FX=3 repeat=3
 *   }
 *
 * network_parse reads one into `net`, checks every entry by the rules of
 * a layer block (docs/dsl.md), and returns 1, or 0 after reporting every
 * error at file:line:col through `d`.  Each entry becomes a complete
 * Layer with the statement of its kind, tensors named O, I and W (output
 * += input * weight), default types i16 x i16 -> i32:
 *   conv       O(n,k,y,x) += I(n,c,y*s+fy*d,x*s+fx*d) * W(k,c,fy,fx)
 *   depthwise  O(n,c,y,x) += I(n,c,y*s+fy*d,x*s+fx*d) * W(c,fy,fx)
 *   fc         O(n,k)     += I(n,c)                   * W(k,c)
 * (s: `stride`, d: `dilation`, both 1 unless given).
 * Every extent of the kind must be given (1x1 filters as FY=1 FX=1);
 * `repeat` (default 1) is how many times the network runs the layer, a
 * weight for totals.  All memory comes from the arena `a`.
 * source_is_network tells whether a file's first word is `network`.
 */
enum { SHAPE_CONV, SHAPE_DEPTHWISE, SHAPE_FC, NSHAPE_KINDS };

typedef struct NetLayer {
	const char *name;  /* the entry's name, unique in the network */
	Loc loc;           /* where the entry starts */
	int kind;          /* SHAPE_CONV, SHAPE_DEPTHWISE or SHAPE_FC */
	long stride;       /* 1 unless given */
	long dilation;     /* 1 unless given: the filter's taps' spacing */
	long repeat;       /* times the network runs this layer */
	Layer layer;       /* the resolved layer (named after the entry) */
} NetLayer;

typedef struct Network {
	const char *name;
	Loc loc;
	int nlayers;
	NetLayer *layer;   /* in file order */
} Network;

int network_parse(Arena *a, Diag *d, const Source *src, Network *net);
int source_is_network(const Source *src);

/* ---- the loop IR ---- */

enum { MAX_GUARDS = 32, MAX_PART_GUARDS = 6 };
/* the largest extent of a layer loop (padded too) the model handles */
enum { MODEL_MAX_EXTENT = 1 << 24 };

/* One counter of a loop: it steps dimension `dim` by `stride`, and
 * weighs `gstride[i]` in guard `guard[i]`. */
typedef struct Part {
	const char *name;  /* the loop it was made as (kept through fuse) */
	int dim;
	long stride;
	long extent;
	int nguards;
	int guard[MAX_PART_GUARDS];
	long gstride[MAX_PART_GUARDS];
} Part;

/* A bound that the loops of one split variable must respect: the sum of
 * its parts' counters times their guard strides stays below `limit`.
 * Guard d < NDIMS is the layer's loop d itself; the others come from
 * splits of split loops whose factor does not divide. */
typedef struct Guard {
	const char *var;   /* the variable it bounds */
	long limit;
	int trivial;       /* never binds: every tile is full */
	Loc uneven_loc;    /* the first split of it that does not divide */
	int padded;        /* pad(): the tiles cover more than `limit`, and
	                      the steps beyond it run idle (they take time
	                      but no iteration); cuts no trip count in time */
	Loc pad_loc;
} Guard;

#define LOOP_KINDS(X) X(SERIAL, "for") X(TEMPORAL, "for") X(SPATIAL, "spatial")
typedef enum {
#define X(e, s) LOOP_##e,
	LOOP_KINDS(X)
#undef X
} LoopKind;
extern const char *const loop_kind_name[];

typedef struct Loop {
	const char *name;
	Loc loc;           /* where the loop was made (layer or split/fuse) */
	LoopKind kind;
	int nparts;        /* >1 for a fused loop; part 0 varies fastest */
	Part part[MAX_PARTS];
	long extent;       /* trip count of a full tile */
	int edge;          /* the trip count can be cut short at the edge */
	int level;         /* memory level it runs at; -1 serial/spatial */
	int array_dim;     /* spatial: the PE array dimension */
	int replicated;    /* spatial: shares its dimension with another */
	long pe_stride;    /* spatial: PE index step along its dimension */
	Loc unroll_loc;
} Loop;

/* A tensor staged in a memory level, refilled inside loop `at`. */
typedef struct Buffer {
	int tensor;        /* T_OUT, T_A or T_B */
	int level;
	int at;            /* index of the loop it sits in; -1 outermost */
	int double_buffered;
	int keep_overlap;  /* keep_overlap(): a refill fetches only the words
	                      the previous block did not hold */
	Loc loc;
	int implicit;      /* added by the buffers pass, not written */
	long words;        /* largest block, per instance (buffers pass) */
	long bytes;        /* its storage, doubled when double-buffered */
	int refill;        /* innermost loop whose step changes the block;
	                      -1: filled once; REFILL_UNKNOWN before the
	                      control pass */
} Buffer;

enum { REFILL_UNKNOWN = -2 };

/* How a tensor crosses one PE array dimension (interconnect pass). */
#define NET_KINDS(X) X(NONE, "-") X(UNICAST, "unicast") \
	X(BROADCAST, "broadcast") X(MULTICAST, "multicast") \
	X(SYSTOLIC, "systolic") X(TREE, "reduction tree") \
	X(CHAIN, "accumulation chain")
typedef enum {
#define X(e, s) NET_##e,
	NET_KINDS(X)
#undef X
} NetKind;
extern const char *const net_name[];

typedef struct LoopNest {
	const Layer *layer;
	const Arch *arch;
	int nloops;
	Loop loop[MAX_LOOPS];   /* outermost first */
	int accel;              /* loop index of accelerate(); -1 none */
	Loc accel_loc;
	int nbufs;
	Buffer buf[MAX_BUFFERS];
	int systolic[NTENSORS][MAX_ARRAY_DIMS];
	int nguards;
	Guard guard[MAX_GUARDS];
	/* set by the lowering passes */
	long pes_used;                        /* spatial: active PE slots */
	int holder[NTENSORS][MAX_LEVELS];     /* buffers: each tensor's
	                                         buffers, innermost first */
	int nholders[NTENSORS];
	NetKind net[NTENSORS][MAX_ARRAY_DIMS]; /* interconnect */
	int diagonal[NTENSORS];  /* PEs on different rows and columns share
	                            elements (a sliding window across both
	                            dimensions: row-stationary) */
	long array_used[MAX_ARRAY_DIMS]; /* PEs used along each dimension */
} LoopNest;

int schedule_apply(Diag *d, const Program *p, LoopNest *ln);
int spatial_map(Diag *d, const Program *p, LoopNest *ln);
int buffers_place(Diag *d, const Program *p, LoopNest *ln);
int interconnect_infer(Diag *d, const Program *p, LoopNest *ln);
int control_build(Diag *d, const Program *p, LoopNest *ln);
int loop_indexes(const LoopNest *ln, int t, int i);
void tensor_linear(const Tensor *t, long lin[NDIMS], long *base);
long layer_elements(const Layer *l, int t);

/* ---- model.c: the analytical model ---- */

typedef struct Model {
	long macs;
	long pes;                 /* PEs of the array */
	long pes_used;            /* PE slots the unrolled loops occupy */
	long compute_cycles;      /* temporal steps of the nest */
	long idle_cycles;         /* of them, steps idle on padding tiles */
	long stall_cycles;        /* refills that compute could not hide */
	long cycles;
	long generic_cycles;      /* hw_cycles: what the generic rules of
	                             model_time give (docs/model.md) */
	int hw_cycles;            /* 1: cycles are the timing of the
	                             hardware the backend builds (backend-
	                             verilog/timing.c), not those rules;
	                             -1: it builds it, but has too many
	                             blocks to time in `model` */
	double utilization;       /* macs / (pes * cycles) */
	/* Accesses of each level by tensor (docs/model.md): reads; fills,
	 * words written in from the parent level, into each instance that
	 * receives them; updates, partial sums written in from below (the
	 * MAC, or a drain of an inner buffer).  "writes" in the reports is
	 * fills + updates. */
	long reads[MAX_LEVELS][NTENSORS];
	long fills[MAX_LEVELS][NTENSORS];
	long updates[MAX_LEVELS][NTENSORS];
	long xfer_words[NTENSORS][MAX_LEVELS];  /* per buffer (holder order): */
	long xfer_events[NTENSORS][MAX_LEVELS]; /* words to/from its parent,
	                                            refills */
	long hops[NTENSORS];      /* PE-to-PE and edge-to-PE transfers */
	int hop_kind[NTENSORS];   /* how they move (HOP_*) */
	long noc;
	double e_level[MAX_LEVELS], e_level_tensor[MAX_LEVELS][NTENSORS];
	double e_leak[MAX_LEVELS];  /* leakage, in e_level (not by tensor) */
	double e_tensor[NTENSORS], e_mac, e_noc, e_total, pj_per_mac;
} Model;

int model_eval(const LoopNest *ln, Model *m, int brute);
int model_walk(const LoopNest *ln, Model *m, char *err, size_t errlen);
void model_finish(const LoopNest *ln, Model *m);  /* cycles, then account */
void model_account(const LoopNest *ln, Model *m);
/* Most PEs a shared level's port serves a word each in one cycle, as the
 * backend builds it (an engine's parallel lanes, backend-verilog/hw.h). */
enum { ONCHIP_LANES = 16 };
/* What the timing needs of each tensor's buffer chain, innermost first. */
typedef struct XferChain {
	int n;                          /* buffers of the tensor */
	int parent[MAX_LEVELS];         /* the level each refills from */
	int level[MAX_LEVELS];          /* the level each is in */
	unsigned char dbl[MAX_LEVELS];  /* double-buffered */
	long lanes;                     /* PEs that hold different words of
	                                   the tensor: the extents of the
	                                   unrolled loops that index it */
} XferChain;
void model_time(const Arch *a, const XferChain ch[NTENSORS], Model *m);
/* Words a cycle between a buffer in `level` and its `parent` level, as
 * model_time charges them (0: unbounded DRAM); the search's cycles bound
 * uses it too. */
double model_xfer_bw(const Arch *a, int parent, int level, double pes_used,
                     double lanes);
void model_energy(const Arch *a, const Layer *l, Model *m);
double model_pj(const LoopNest *ln, int level, int t);
/* What one access of an action (ACT_READ, ...) of tensor t's word costs
 * at a level: its own figure or the level's pj, scaled to the word's
 * width; a fill under `fills free` costs nothing. */
double model_act_pj(const Arch *a, const Layer *l, int level, int t,
                    int action);
/* What one hop of tensor t costs (by its kind in m). */
double model_hop_pj(const LoopNest *ln, const Model *m, int t);
double model_hop_kind_pj(const Arch *a, const Layer *l, int kind, int t);
double model_mac_pj(const LoopNest *ln);

/* ---- sumset.c: the size of a sum of sets, exactly ----
 *
 * sumset_size counts the distinct values of coef[0]*x0 + coef[1]*x1 + ...
 * with each x_i in a set given as pieces (arithmetic progressions
 * off + step * [0, n), off >= 0, the largest value `span`).  Closed forms
 * where they exist, else a bitmap of the range in `s` (reused between
 * calls); -1 when that memory cannot be had.
 */
enum { SUMSET_MAXTERMS = 256 };
typedef struct SumPiece {
	long off, step, n;
} SumPiece;
typedef struct SumTerm {
	long coef;               /* > 0 */
	long span;               /* the set's largest value */
	long npieces;
	const SumPiece *piece;
} SumTerm;
typedef struct SumScratch {
	uint64_t *a, *b, *c;     /* three bitmaps of `words` words */
	long words;
} SumScratch;
long sumset_size(SumScratch *s, const SumTerm *t, int n);
void sumscratch_free(SumScratch *s);
/* |p*[0,a) + q*[0,b)| (p, q > 0): the closed form for two progressions. */
long sumset_pair(long p, long a, long q, long b);

/* ---- count.c: exact counting over the iteration space ---- */
typedef struct Counter Counter;
Counter *counter_new(const LoopNest *ln);
void counter_free(Counter *c);
long count_words(Counter *c, int t, const unsigned char *mark);
long count_max_block(Counter *c, int t, const unsigned char *mark);
long count_events(Counter *c, const unsigned char *mark);
/* count_events in time: with padding (pad()), its idle steps too */
long count_steps(Counter *c, const unsigned char *mark);
void counter_set_brute(Counter *c, int on);
int counter_brute(const Counter *c);
/* overlap.c: the words a keep_overlap() buffer of tensor t inside loop
 * `at` fetches, summed over its refills: *each per instance (the PEs
 * when per_pe_view, else the array as one), *uni the distinct words of
 * each refill over the instances.  brute: walk every refill. */
void count_kept(const LoopNest *ln, int t, int at, int per_pe_view,
                int brute, long *each, long *uni);
long kept_work(const LoopNest *ln, const Buffer *b, int per_pe_view);
/* brute.c: the counts by walking every iteration (what: 0 distinct
 * (setting, element) pairs, 1 the largest block, 2 distinct settings,
 * 3 distinct settings in time, padding's idle steps too) */
long count_brute(const LoopNest *ln, int t, const unsigned char *mark,
                 int what);
void mark_events(const LoopNest *ln, int t, int at, unsigned char *mark);
void mark_temporal(const LoopNest *ln, unsigned char *mark);
void mark_spatial(const LoopNest *ln, unsigned char *mark);
void loopnest_print(FILE *f, const LoopNest *ln);
void loopnest_verify(const LoopNest *ln);
/* edges.c: after the directives, which guards bind and which loops can
 * be cut short; errors where a cut would split a fused loop or differ
 * between PEs (fuse_loc: each loop's fuse) */
void schedule_edges(Diag *d, LoopNest *ln, const Loc *fuse_loc);
long loop_bound(const LoopNest *ln, int i, const long *gpartial);
/* Adds (sign 1) or takes away (sign -1) loop i at counter c: each part's
 * value times its stride into dimval (the layer loops' values), times
 * its guard strides into gpart (the guards' sums). */
void loop_move(const LoopNest *ln, int i, long c, int sign, long *dimval,
               long *gpart);
/* The trip count in time: loop_bound but for padding (pad()), whose
 * steps beyond the extent run idle. */
long loop_trips(const LoopNest *ln, int i, const long *gpartial);
/* 1 when only padding can cut loop i (no edge tile of a split does). */
int loop_edge_padded(const LoopNest *ln, int i);
/* 1 when padding leaves some steps idle (a padded guard binds). */
int nest_padded(const LoopNest *ln);
void layer_print_stmt(FILE *f, const Layer *l);

/* The lowering passes, in order; `tessera ir --after NAME` dumps after
 * any of them. */
typedef struct Pass {
	const char *name;
	const char *help;
	int (*run)(Diag *d, const Program *p, LoopNest *ln);
} Pass;
extern const Pass passes[];
extern const int npasses;
int lower(Diag *d, const Program *p, LoopNest *ln, const char *stop_after);

/* The front door of the commands (frontend/load.c): each reports its
 * errors on stderr and returns NULL or 0 after one.  program_load parses
 * a layer file and lowers it through pass `after` (NULL: every pass). */
Source *source_load(Arena *a, const char *path);
int network_load(Arena *a, const Source *src, Network *net);
int program_load(Arena *a, const Source *src, Program *p, LoopNest *ln,
                 const char *after);

/* ---- network.c: one dataflow over every layer of a network ----
 *
 * schedule_retarget rewrites the schedule of a checked program `tp` (the
 * dataflow, written for its own layer; `tln` is its lowered nest) for
 * layer `l`, into `out`: `l` with tp's tensor names and element types,
 * the adapted schedule and tp's arch.  The rules are in docs/model.md
 * ("Applying a dataflow to a network").  What it changed is written to
 * `notes` ("" when nothing); it returns 0 with a file:line:col message in
 * `err` when a placement has no loop left to go to.  `out` still has to
 * be lowered: the normal checks decide whether the layer maps.
 *
 * network_eval does that for every layer of `net`: res[i] (the caller
 * gives net->nlayers of them) holds layer i's model, or why it did not
 * map; `tot` sums the mapped layers, each `repeat` times.  It returns 1
 * when every layer mapped.  Memory comes from `a`.  `timing`, when not
 * NULL, sets each mapped layer's cycles after model_eval (the driver
 * gives the timing of the hardware the backend builds, as `tessera
 * model` reports it for one layer).
 */
int schedule_retarget(Arena *a, const Program *tp, const LoopNest *tln,
                      const Layer *l, Program *out, char *notes,
                      size_t nlen, char *err, size_t elen);

typedef struct NetResult {
	const NetLayer *nl;
	int mapped;         /* lowered and modelled */
	const char *error;  /* why not: the first line of the message */
	const char *notes;  /* how the dataflow was adapted to the layer */
	Program *p;         /* the retargeted program */
	LoopNest *ln;       /* its nest (valid when mapped) */
	Model m;            /* one run of the layer (not times repeat) */
} NetResult;

typedef struct NetTotal {
	long layers;        /* layers summed (the mapped ones), with repeats */
	int unmapped;       /* entries that did not map */
	long macs_all;      /* MACs of the whole network */
	long macs, cycles;  /* of the mapped layers, with repeats */
	double energy, e_mac, pj_per_mac, utilization;
	long pes;
} NetTotal;

int network_eval(Arena *a, const Network *net, const Program *tp,
                 const LoopNest *tln, NetResult *res, NetTotal *tot,
                 void (*timing)(const LoopNest *, Model *));
/* A layer's model added to the totals `rep` times (MACs, cycles,
 * energy, the PEs); then pJ/MAC and utilization from the sums. */
void net_total_add(NetTotal *t, const Model *m, long rep);
void net_total_finish(NetTotal *t);
void netreport_table(FILE *f, const Network *net, const char *dataflow,
                     const Arch *arch, const NetResult *res,
                     const NetTotal *tot);
void netreport_json(FILE *f, const Network *net, const char *dataflow,
                    const Arch *arch, const NetResult *res,
                    const NetTotal *tot);
void netreport_summary(FILE *f, const char *dataflow, const NetTotal *tot,
                       int nlayers, int header);

/* ---- runtime: tensors, the CPU reference ---- */

typedef struct Buf {
	ElemType type;
	int rank;
	long shape[MAX_RANK];
	long count;  /* elements */
	void *data;  /* count * elem_container_bytes(type) bytes */
} Buf;

int buf_alloc(Buf *b, const Tensor *t);
void buf_free(Buf *b);
void buf_random(Buf *b, uint64_t seed, int which);
long buf_get(const Buf *b, long i);
void buf_set(Buf *b, long i, long v);
uint64_t buf_checksum(const Buf *b);
int npy_write(const char *path, const Buf *b, char *err, size_t errlen);
int npy_read(const char *path, const Tensor *t, Buf *b, char *err,
             size_t errlen);

void naive_run(const Layer *l, Buf *bufs);
void report_table(FILE *f, const LoopNest *ln, const Model *m);
void report_json(FILE *f, const LoopNest *ln, const Model *m, int verified);
/* report_json without the object's closing brace, for a caller that adds
 * members of its own */
void report_json_open(FILE *f, const LoopNest *ln, const Model *m,
                      int verified);
/* Seconds spent by the JIT: loading LLVM, compiling, running the kernel. */
typedef struct JitTimes {
	double load, compile, kernel;
} JitTimes;
/* runtime/jitload.c: a plugin of this build (libtessera-*.so), found
 * as $env names it or beside the executable; NULL and a message. */
void *plugin_open(const char *file, const char *env, const char *what,
                  char *err, size_t errlen);
/* 1 on success; 0 after an LLVM failure, -1 when the JIT plugin cannot
 * be loaded (both with a message in err). */
int jit_run(const LoopNest *ln, Buf *bufs, char *err, size_t errlen,
            JitTimes *t);
void emit_c(FILE *f, const LoopNest *ln);

#endif
