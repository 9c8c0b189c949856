/* main.c - the `tessera` command: reads a .tsr file, runs the frontend
 * and the lowering pipeline, and hands the result to the subcommand.
 *
 * Exit status: 0 success; 1 an error in the user's file or inputs;
 * 2 a usage error; 3 an external tool failed; 4 the simulated hardware's
 * output or counts differ from the reference, or its cycles fall under
 * the model's bound; an internal error aborts.
 */
#include "ir/tessera.h"
#include "backend-verilog/hw.h"
#include "runtime/sim.h"
#include "runtime/synth.h"
#include "search/search.h"
#include "frontend/onnx.h"
#include "cmds.h"
#include "help.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* tessera check on a network file: its layers, checked. */
static int check_network(Arena *a, const char *path)
{
	Network net;
	if (!network_read(a, path, &net))
		return EXIT_USER;
	long macs = 0, runs = 0;
	for (int i = 0; i < net.nlayers; i++) {
		macs += net.layer[i].layer.macs * net.layer[i].repeat;
		runs += net.layer[i].repeat;
	}
	printf("network %s: %d layers (%ld with repeats), %ld MACs\n", net.name,
	       net.nlayers, runs, macs);
	return 0;
}

/* Whether the file's first word is `network` (0 if it cannot be read:
 * the normal path reports that). */
static int is_network_file(Arena *a, const char *path)
{
	char err[512];
	Source *src = source_read(a, path, err, sizeof err);
	return src && source_is_network(src);
}

/* Reads, parses and lowers the file; 0 after a user error. */
int cmd_compile(Arena *a, const Opts *o, Program *p, LoopNest *ln)
{
	Source *src = source_load(a, o->file);
	if (!src)
		return 0;
	if (source_is_network(src)) {
		if (!strcmp(o->cmd, "model") || !strcmp(o->cmd, "sim") ||
		    !strcmp(o->cmd, "synth"))
			fprintf(stderr, "tessera: %s is a network file; give it with "
			        "--network NET.tsr and a dataflow file\n", o->file);
		else
			fprintf(stderr, "tessera: %s is a network file; %s takes a "
			        "layer file (network files go to check, --network "
			        "of model, sim and synth, search --network and "
			        "study)\n", o->file,
			        o->cmd);
		return 0;
	}
	return program_load(a, src, p, ln, o->after);
}

static void print_shape(FILE *f, const Tensor *t)
{
	fprintf(f, "%s %c%d", t->name, t->type.is_signed ? 'i' : 'u',
	        t->type.bits);
	for (int r = 0; r < t->rank; r++)
		fprintf(f, "%c%ld", r ? ',' : '[', t->shape[r]);
	fputc(']', f);
}

/* Inputs from --input files or the seeded generator. */
static int load_inputs(const Opts *o, const Layer *l, Buf *bufs)
{
	char err[512];
	for (int k = 0; k < o->ninputs; k++) {
		int t = -1;
		for (int u = T_A; u <= T_B; u++)
			if (!strcmp(l->t[u].name, o->input_names[k]))
				t = u;
		if (t < 0) {
			fprintf(stderr, "tessera: --input %s: the layer's inputs are %s "
			        "and %s\n", o->input_names[k], l->t[T_A].name,
			        l->t[T_B].name);
			return 0;
		}
		if (bufs[t].data) {
			fprintf(stderr, "tessera: --input %s is given twice\n",
			        l->t[t].name);
			return 0;
		}
		if (!npy_read(o->inputs[k], &l->t[t], &bufs[t], err, sizeof err)) {
			fprintf(stderr, "tessera: %s\n", err);
			return 0;
		}
	}
	for (int t = 0; t < NTENSORS; t++) {
		if (bufs[t].data)
			continue;
		if (!buf_alloc(&bufs[t], &l->t[t])) {
			fprintf(stderr, "tessera: out of memory for tensor %s\n",
			        l->t[t].name);
			return 0;
		}
		if (t != T_OUT)
			buf_random(&bufs[t], o->seed, t);
	}
	return 1;
}

static int save(const Opts *o, const Layer *l, const Buf *bufs)
{
	char err[512];
	if (make_dirs(o->outdir)) {
		fprintf(stderr, "tessera: cannot create %s: %s\n", o->outdir,
		        strerror(errno));
		return 0;
	}
	for (int t = 0; t < NTENSORS; t++) {
		if (t != T_OUT && !o->save_inputs)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.npy", o->outdir, l->t[t].name);
		if (!npy_write(path, &bufs[t], err, sizeof err)) {
			fprintf(stderr, "tessera: %s\n", err);
			return 0;
		}
	}
	return 1;
}

static int cmd_run(const Opts *o, const LoopNest *ln)
{
	const Layer *l = ln->layer;
	Buf bufs[NTENSORS] = {0};
	int ok = load_inputs(o, l, bufs), rc = ok ? 0 : EXIT_USER;
	double t0 = clock_seconds();
	JitTimes jt = {0};
	char err[512];
	if (ok && o->naive) {
		naive_run(l, bufs);
	} else if (ok && jit_run(ln, bufs, err, sizeof err, &jt) != 1) {
		fprintf(stderr, "tessera: %s\n", err);
		ok = 0;
		rc = EXIT_TOOL;
	}
	double total = clock_seconds() - t0;
	if (ok) {
		print_shape(stdout, &l->t[T_OUT]);
		printf(" checksum %016llx\n",
		       (unsigned long long)buf_checksum(&bufs[T_OUT]));
		if (o->naive)
			fprintf(stderr, "naive: %ld MACs in %.3f s\n", l->macs, total);
		else
			fprintf(stderr, "jit: %ld MACs, kernel %.4f s, compile %.4f s, "
			        "load %.4f s\n", l->macs, jt.kernel, jt.compile,
			        jt.load);
	}
	if (ok && o->outdir && !save(o, l, bufs))
		rc = EXIT_USER;
	for (int t = 0; t < NTENSORS; t++)
		buf_free(&bufs[t]);
	return rc;
}

/* When the backend builds the schedule, the model's cycles are those of
 * its hardware (backend-verilog/timing.c), which `tessera sim` checks;
 * otherwise those of the generic rules.  So that `model` stays quick,
 * timing stops past `budget` units of work (hw_timing); past that,
 * the generic rules, and it says so. */
static void timed_cycles(const LoopNest *ln, Model *m, long budget)
{
	long c = hw_cycles_of(ln, budget);
	if (c < 0) {   /* not built: the generic rules; too long: say so */
		if (c == -2)
			m->hw_cycles = -1;
		return;
	}
	m->generic_cycles = m->cycles;
	m->hw_cycles = 1;
	m->cycles = c;
	model_account(ln, m);   /* stalls, utilization, leakage */
}

/* One layer: a fraction of a second at most. */
static void hardware_cycles(const LoopNest *ln, Model *m)
{
	timed_cycles(ln, m, HW_TIMING_QUICK);
}

/* A layer of a network, of which there are many: an eighth of that. */
void cmd_network_cycles(const LoopNest *ln, Model *m)
{
	timed_cycles(ln, m, HW_TIMING_QUICK / 8);
}

static int cmd_model(const Opts *o, const LoopNest *ln)
{
	Model m;
	char err[256];
	int r = o->walk ? model_walk(ln, &m, err, sizeof err)
	                : model_eval(ln, &m, o->brute);
	if (r < 0) {
		fprintf(stderr, "%s: error: %s\n", o->file, err);
		return EXIT_USER;
	}
	if (!r) {
		fprintf(stderr, "%s: error: the schedule has no accelerate() loop, "
		        "so it describes no accelerator to model\n", o->file);
		return EXIT_USER;
	}
	hardware_cycles(ln, &m);
	if (o->json)
		report_json(stdout, ln, &m, -1);
	else
		report_table(stdout, ln, &m);
	return 0;
}

/* The plan of the hardware, or a message saying why it cannot be built. */
static Hw *plan(const Opts *o, const LoopNest *ln)
{
	static Hw hw;
	char err[512];
	if (!hw_plan(ln, &hw, err, sizeof err)) {
		/* a schedule the search wrote: say how to have it write one
		 * the backend builds */
		const Source *src = ln->layer->loc.src;
		static const char mark[] = "# written by tessera search";
		int searched = src && !strncmp(src->text, mark, sizeof mark - 1);
		fprintf(stderr, "%s: error: the Verilog backend cannot build this "
		        "schedule yet: %s%s\n", o->file, err,
		        searched ? "\n(tessera search wrote this schedule: search "
		                   "with --buildable to keep to the schedules the "
		                   "backend builds)" : "");
		return NULL;
	}
	return &hw;
}

static int cmd_verilog(const Opts *o, const LoopNest *ln)
{
	Hw *hw = plan(o, ln);
	if (!hw)
		return EXIT_USER;
	if (!o->outdir) {
		hw_emit(stdout, hw);
		return 0;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/tessera_top.v", o->outdir);
	FILE *f = make_dirs(o->outdir) ? NULL : fopen(path, "w");
	if (!f) {
		fprintf(stderr, "tessera: cannot write %s: %s\n", path,
		        strerror(errno));
		return EXIT_USER;
	}
	hw_emit(f, hw);
	if (fclose(f)) {
		fprintf(stderr, "tessera: cannot write %s: %s\n", path,
		        strerror(errno));
		return EXIT_USER;
	}
	fprintf(stderr, "wrote %s\n", path);
	return 0;
}

static int cmd_sim(const Opts *o, const LoopNest *ln)
{
	const Layer *l = ln->layer;
	Hw *hw = plan(o, ln);
	if (!hw)
		return EXIT_USER;
	Buf bufs[NTENSORS] = {0};
	if (!load_inputs(o, l, bufs))
		return EXIT_USER;
	char err[1024];
	SimOpts so = {.vcd = o->vcd};
	static SimCheck c;
	int rc = sim_check(ln, hw, bufs, &so, NULL, &c, err, sizeof err);
	if (!c.ran)
		fprintf(stderr, "tessera: %s\n", err);
	if (c.ran) {
		const SimResult *r = &c.r;
		if (o->json) {
			report_json_open(stdout, ln, &c.m, c.verified);
			sim_cycles_report(stdout, hw, r, &c.ht, 1);
			fputs("\n}\n", stdout);
		} else {
			report_table(stdout, ln, &c.m);
			sim_cycles_report(stdout, hw, r, &c.ht, 0);
			printf("\nverified: %s (%s against the CPU reference, bit for "
			       "bit)\n", c.verified ? "yes" : "NO", l->t[T_OUT].name);
		}
		fprintf(stderr, "sim: %s in %.1f s, ran %ld cycles in %.2f s "
		        "(%.2f M cycles/s); model %ld cycles\n",
		        r->built ? "built" : "reused the build", r->build_seconds,
		        c.m.cycles, r->seconds,
		        r->seconds > 0 ? c.m.cycles / r->seconds / 1e6 : 0,
		        c.ht.cycles);
		if (c.diffs)
			fprintf(stderr, "sim: %d counts differ from the model (above)\n",
			        c.diffs);
		else
			fprintf(stderr, "sim: every count equals the model's\n");
		fprintf(stderr, "sim: %ld cycles, %.3f times the model's %ld: %s "
		        "[%.2f, %.2f]%s\n", c.m.cycles, c.ratio, c.ht.cycles,
		        c.cycles_ok ? "within" : "outside", SIM_CYCLES_LO,
		        SIM_CYCLES_HI, c.cycles_ok ? ""
		        : " (the model column above says where)");
		if (!c.verified)
			fprintf(stderr, "tessera: the hardware's %s differs from the CPU "
			        "reference\n", l->t[T_OUT].name);
		if (o->outdir && !save(o, l, bufs) && !rc)
			rc = EXIT_USER;
	}
	for (int t = 0; t < NTENSORS; t++)
		buf_free(&bufs[t]);
	return rc;
}

/* synth --sim: simulates the design on inputs as `sim` does and, when
 * every check passes (the output bit for bit, the counts, the cycles
 * within the model's bounds), gives m the simulated cycles and their
 * utilization; else sim's exit status, with its messages. */
static int synth_sim(const Opts *o, const LoopNest *ln, const Hw *hw,
                     Model *m)
{
	const Layer *l = ln->layer;
	Buf bufs[NTENSORS] = {0};
	if (!load_inputs(o, l, bufs))
		return EXIT_USER;
	char err[1024];
	SimOpts so = {0};
	static SimCheck c;
	int rc = sim_check(ln, hw, bufs, &so, "synth --sim", &c, err,
	                   sizeof err);
	for (int t = 0; t < NTENSORS; t++)
		buf_free(&bufs[t]);
	if (!c.ran) {
		fprintf(stderr, "tessera: %s\n", err);
		return rc;
	}
	fprintf(stderr, "synth: simulated %ld cycles (the model's %ld), "
	        "output %s the CPU reference's\n", c.m.cycles, c.ht.cycles,
	        c.verified ? "equal to" : "DIFFERENT from");
	if (rc) {
		fprintf(stderr, "tessera: synth --sim: the simulated design failed "
		        "sim's checks:%s%s%s; tessera sim on it says more\n",
		        c.verified ? "" : " its output",
		        c.diffs ? " its counts" : "",
		        c.cycles_ok ? "" : " its cycles");
		return rc;
	}
	m->cycles = c.m.cycles;
	model_account(ln, m);   /* utilization, leakage at those cycles */
	return 0;
}

static int cmd_synth(const Opts *o, const LoopNest *ln)
{
	Hw *hw = plan(o, ln);
	if (!hw)
		return EXIT_USER;
	Model m;
	if (model_eval(ln, &m, 0) != 1)
		INTERNAL("a planned design without a model");
	hardware_cycles(ln, &m);    /* the throughput's cycles: as `model` */
	if (o->sim) {   /* the cycles of the design run, checked as sim does */
		int rc = synth_sim(o, ln, hw, &m);
		if (rc)
			return rc;
	}
	SynthOpts so = {.liberty = o->liberty, .outdir = o->outdir,
	                .node_nm = o->node_nm,
	                .sram_access_ns = o->sram_access_ns};
	static SynthResult r;
	char err[4400];
	int rc = synth_run(hw, &so, &r, err, sizeof err);
	if (rc != SYNTH_OK) {
		fprintf(stderr, "tessera: %s\n", err);
		return rc == SYNTH_USER ? EXIT_USER : EXIT_TOOL;
	}
	r.simulated = o->sim;
	if (o->json)
		synth_report_json(stdout, hw, &r, &m);
	else
		synth_report(stdout, hw, &r, &m);
	fprintf(stderr, "synth: yosys %.1f s, OpenSTA %.1f s; the bare MAC: "
	        "yosys %.1f s, OpenSTA %.1f s%s%s\n", r.yosys_s, r.sta_s,
	        r.mac_yosys_s, r.mac_sta_s,
	        o->outdir ? "; netlist and logs in " : "",
	        o->outdir ? o->outdir : "");
	return 0;
}

/* model, verilog, sim and synth need an accelerator: a file without a
 * schedule (a layer as first written) or without accelerate() has none,
 * and `tessera search` writes a schedule that has one. */
static int no_accelerator(const Opts *o, const Program *p)
{
	const char *verb = !strcmp(o->cmd, "model") ? "model"
	                 : !strcmp(o->cmd, "sim") ? "simulate"
	                 : !strcmp(o->cmd, "synth") ? "synthesize" : "build";
	fprintf(stderr, "%s: error: %s: it describes no accelerator to %s; "
	        "`tessera search %s -o BEST.tsr` writes a schedule that does "
	        "(docs/dsl.md: how to write one)\n", o->file, p->sched.present
	        ? "the schedule has no accelerate() loop"
	        : "the file has no schedule (so no accelerate() loop)", verb,
	        o->file);
	return EXIT_USER;
}

/* tessera check on a layer: one line saying what the file describes,
 * its MACs, PEs and buffers (the checks passed). */
static void check_summary(const LoopNest *ln)
{
	const Layer *l = ln->layer;
	printf("layer %s: %ld MACs", l->name, l->macs);
	if (ln->accel < 0) {
		printf(", no accelerator (no accelerate() loop)\n");
		return;
	}
	const Arch *A = ln->arch;
	printf(" on %ld", A->dim[0]);
	if (A->ndims > 1)
		printf("x%ld", A->dim[1]);
	printf(" PEs (%ld used); buffers", ln->pes_used);
	for (int k = 0; k < ln->nbufs; k++) {
		const Buffer *b = &ln->buf[k];
		printf("%s %s.in(%s) %ld B%s", k ? "," : "", l->t[b->tensor].name,
		       A->level[b->level].name, b->bytes,
		       A->level[b->level].per_pe ? " per PE" : "");
		if (b->implicit)
			printf(" (implicit)");
	}
	putchar('\n');
}

/* Whether an argument after the command asks for help. */
static int wants_help(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

/* A report that could not be written (a full disk, /dev/full) is a
 * failure with a message, not exit 0. */
static int finish_output(int rc)
{
	int failed = fflush(stdout) != 0, err = errno;
	if (!failed && !ferror(stdout))
		return rc;
	fprintf(stderr, "tessera: cannot write standard output%s%s\n",
	        failed ? ": " : "", failed ? strerror(err) : "");
	return rc ? rc : EXIT_USER;
}

static int run_command(int argc, char **argv)
{
	if (argc > 2 && wants_help(argc, argv) && help_command(stdout, argv[1]))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "search"))
		return search_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "study"))
		return study_main(argc - 1, argv + 1);
	Opts o = {0};
	opts_parse(argc, argv, &o);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help_all(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--passes")) {
			for (int k = 0; k < npasses; k++)
				printf("%-12s %s\n", passes[k].name, passes[k].help);
			return 0;
		}
	}
	if (!o.cmd)
		die_usage("no command given%s", "");
	if (!opts_known_command(o.cmd))
		die_usage("unknown command '%s'", o.cmd);
	if (!strcmp(o.cmd, "import")) {
		if (!o.file)
			die_usage("import needs an ONNX model (MODEL.onnx)%s", "");
		return onnx_import(o.file, o.outdir, o.batch);
	}
	if (!o.file)
		die_usage("%s needs a .tsr file", o.cmd);
	if (o.after) {
		int found = 0;
		for (int k = 0; k < npasses; k++)
			found |= !strcmp(passes[k].name, o.after);
		if (!found)
			die_usage("unknown pass '%s' (see tessera --passes)", o.after);
	}
	Arena *a = arena_new();
	Program *p = arena_alloc(a, sizeof *p);
	LoopNest *ln = arena_alloc(a, sizeof *ln);
	if (!strcmp(o.cmd, "check") && is_network_file(a, o.file)) {
		int r = check_network(a, o.file);
		arena_free(a);
		return r;
	}
	if (o.network) {
		int r = netcmd_main(a, &o);
		arena_free(a);
		return r;
	}
	int rc = cmd_compile(a, &o, p, ln) ? 0 : EXIT_USER;
	if (rc == 0 && ln->accel < 0 && strcmp(o.cmd, "ir") &&
	    strcmp(o.cmd, "run") && strcmp(o.cmd, "check"))
		rc = no_accelerator(&o, p);
	if (rc == 0 && !strcmp(o.cmd, "check")) {
		check_summary(ln);
	} else if (rc == 0 && !strcmp(o.cmd, "ir")) {
		if (o.emit_c)
			emit_c(stdout, ln);
		else
			loopnest_print(stdout, ln);
	} else if (rc == 0 && !strcmp(o.cmd, "run")) {
		rc = cmd_run(&o, ln);
	} else if (rc == 0 && !strcmp(o.cmd, "model")) {
		rc = cmd_model(&o, ln);
	} else if (rc == 0 && !strcmp(o.cmd, "sim")) {
		rc = cmd_sim(&o, ln);
	} else if (rc == 0 && !strcmp(o.cmd, "synth")) {
		rc = cmd_synth(&o, ln);
	} else if (rc == 0 && !strcmp(o.cmd, "verilog")) {
		rc = cmd_verilog(&o, ln);
	}
	arena_free(a);
	for (int k = 0; k < o.ninputs; k++)
		free((void *)o.input_names[k]);
	return rc;
}

int main(int argc, char **argv)
{
	return finish_output(run_command(argc, argv));
}
