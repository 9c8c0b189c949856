/* help.c - the help of the `tessera` command: each command's synopsis,
 * what it does and every option it takes, in one place.  `tessera --help`
 * prints them all; `tessera COMMAND --help` prints one.
 */
#include "help.h"

#include <string.h>

typedef struct CmdHelp {
	const char *name;
	const char *synopsis;   /* after "tessera " */
	const char *text;       /* what it does and its options, indented */
} CmdHelp;

static const CmdHelp cmds[] = {
	{"check", "check FILE.tsr",
	 "  check FILE          parse and check the layer, schedule and arch,\n"
	 "                      and print one line: the layer, its MACs, the\n"
	 "                      PEs it uses and its buffers (or the layer\n"
	 "                      shapes of a network file)\n"},
	{"ir", "ir FILE.tsr [--after PASS] [--c]",
	 "  ir FILE             print the scheduled loop nest\n"
	 "      --after PASS    stop after lowering pass PASS (see --passes)\n"
	 "      --c             print the loop nest as C instead\n"},
	{"model", "model FILE.tsr [--json] [--brute | --walk]\n"
	 "       tessera model --network NET.tsr FILE.tsr... [--json] "
	 "[--html DIR]",
	 "  model FILE          cycles, accesses per level, energy of the\n"
	 "                      accelerator the schedule describes\n"
	 "      --json          the same as JSON\n"
	 "      --network NET.tsr  apply FILE's schedule and arch (a dataflow)\n"
	 "                      to every layer of network NET: a table per\n"
	 "                      layer and totals; several FILEs compare\n"
	 "                      dataflows over the layers all of them map,\n"
	 "                      naming the others; exit 1 if a layer does\n"
	 "                      not map\n"
	 "      --html DIR      with --network: also write DIR/index.html, one\n"
	 "                      self-contained page: the tables, the energy by\n"
	 "                      level and by tensor of every layer as charts,\n"
	 "                      and the dataflows compared (docs/networks.md)\n"
	 "      --brute         count by walking every iteration (slow; a check)\n"
	 "      --walk          count by simulating every buffer's contents\n"
	 "                      step by step (slow; an independent check)\n"},
	{"run", "run FILE.tsr [--seed N] [--input T=F.npy]... [-o DIR] "
	 "[--save-inputs] [--naive]",
	 "  run FILE            run the layer on the CPU (LLVM JIT)\n"
	 "      --seed N        seed of the pseudo-random inputs (default 1)\n"
	 "      --input T=F.npy take tensor T from a NumPy file\n"
	 "      -o DIR          write the output (and --save-inputs) as .npy\n"
	 "      --save-inputs   also write the inputs used to DIR\n"
	 "      --naive         use the plain C reference, not the schedule\n"},
	{"verilog", "verilog FILE.tsr [-o DIR]",
	 "  verilog FILE        write the accelerator as Verilog\n"
	 "      -o DIR          into DIR/tessera_top.v (default: stdout)\n"},
	{"sim", "sim FILE.tsr [--json] [--trace F.vcd] [--seed N] "
	 "[--input T=F.npy]... [-o DIR]\n"
	 "       tessera sim --network NET.tsr FILE.tsr... [--json] [--jobs N] "
	 "[--seed N] [--html DIR]",
	 "  sim FILE            build it with Verilator, run the layer, check the\n"
	 "                      output against the CPU bit for bit, report the\n"
	 "                      counts the hardware measured\n"
	 "      --json          the report as JSON, with \"verified\"\n"
	 "      --trace F.vcd   write a waveform\n"
	 "      --seed, --input, -o DIR   as for run\n"
	 "      --network NET.tsr  apply FILE's dataflow to every layer of NET,\n"
	 "                      build each distinct design once, simulate and\n"
	 "                      check every layer: a row per layer (cycles of\n"
	 "                      the model and the RTL, utilization, pJ/MAC,\n"
	 "                      verified), totals over the layers that ran,\n"
	 "                      the others with the reason; several FILEs are\n"
	 "                      compared over the layers all of them ran,\n"
	 "                      naming the others\n"
	 "      --html DIR      with --network: also write DIR/index.html, the\n"
	 "                      page of model --network --html with the RTL's\n"
	 "                      figures, and each layer's cycles, model\n"
	 "                      against RTL, as a chart\n"
	 "      --jobs N        builds and runs at once, 1 to 256 (default: the\n"
	 "                      cores this process may use)\n"},
	{"synth", "synth FILE.tsr [--json] [--liberty F.lib] [--node NM] "
	 "[--sram-access NS] [--sim [--seed N] [--input T=F.npy]] [-o DIR]\n"
	 "       tessera synth --network NET.tsr FILE.tsr... [--json] "
	 "[--jobs N] [--liberty F.lib] ...",
	 "  synth FILE          area (by module, SRAMs by model) and critical\n"
	 "                      path: yosys to a standard-cell liberty, then\n"
	 "                      OpenSTA; a bare registered MAC's period beside\n"
	 "                      it; throughput in MAC/s (the model's cycles at\n"
	 "                      that period)\n"
	 "      --liberty F.lib the cells to map to (default: OSU 0.18 um)\n"
	 "      --node NM       feature size of the SRAM model (default 180)\n"
	 "      --sram-access NS  SRAM read data this long after the clock\n"
	 "                      edge in timing (default 0)\n"
	 "      --json          the report as JSON\n"
	 "      --sim           simulate the design first, as sim does, and\n"
	 "                      take the throughput's cycles from the run\n"
	 "                      (it must pass sim's checks); --seed, --input\n"
	 "                      as for sim\n"
	 "      -o DIR          keep the netlist, scripts and logs in DIR\n"
	 "      --network NET.tsr  apply FILE's dataflow to every layer of NET\n"
	 "                      and synthesize each distinct design once: its\n"
	 "                      area, clock period, bare MAC's period,\n"
	 "                      throughput and the layers that use it\n"
	 "      --jobs N        syntheses at once (default: the cores)\n"},
	{"import", "import MODEL.onnx [-o NET.tsr] [--batch N]",
	 "  import MODEL.onnx   the MAC layers of an ONNX model (Conv, Gemm,\n"
	 "                      MatMul) as a network file, with their shapes;\n"
	 "                      every other operator as a comment with its\n"
	 "                      output's elements (docs/networks.md)\n"
	 "      -o NET.tsr      write it to NET.tsr (default: stdout)\n"
	 "      --batch N       the inputs' batch dim is N (needed when the\n"
	 "                      model leaves it open)\n"},
	{"search", "search FILE.tsr [options]",
	 "  search FILE         the schedule of least energy (or cycles, or\n"
	 "                      energy x delay) for the layer on the file's\n"
	 "                      architecture (docs/search.md); the file's\n"
	 "                      unrolled loops, if any, fix the dataflow\n"
	 "      -o BEST.tsr     write the best schedule (layer, schedule, arch);\n"
	 "                      a layer's search (--hierarchy too) rewrites\n"
	 "                      it as the best so far improves\n"
	 "      --json          the report as JSON, with the search's figures\n"
	 "      --objective energy|cycles|edp\n"
	 "      --dataflow A|B[,C|D...]  loops unrolled on array dims 0 and 1\n"
	 "                      ('-' for none; C+Y: Y replicated beside C;\n"
	 "                      'any' lifts the file's)\n"
	 "      --replicate     a free dataflow may also put a second loop\n"
	 "                      beside a dimension's first (replication)\n"
	 "      --fix LOOP@LEVEL=F  a blocking factor (LEVEL 'pe': unrolled)\n"
	 "      --min-util U    least utilization (0 to 1) of the result\n"
	 "      --max-cycles N  most cycles of the result\n"
	 "      --no-bypass     every tensor in every level (that holds it)\n"
	 "      --double-buffer double-buffer every buffer (with --buildable,\n"
	 "                      those the backend builds double-buffered)\n"
	 "      --keep-overlap  every buffer of an input with a sliding window\n"
	 "                      keeps its overlap (keep_overlap())\n"
	 "      --buildable     only schedules the Verilog backend builds\n"
	 "      --exhaustive    evaluate every point (no branch and bound)\n"
	 "      --count         count the points of the space, evaluate none\n"
	 "      --threads N     worker threads, 1 to 256 (default: the cores\n"
	 "                      this process may use)\n"
	 "      --quiet         no progress line\n"
	 "      --progress-file F  the progress line into F every 30 s\n"
	 "      --selfcheck N   compare the search's evaluator with the model\n"
	 "                      on N random schedules, and stop\n"
	 "      --seed N        seed of --selfcheck's schedules (default 1)\n"
	 "      --hierarchy     also choose the memory sizes and levels:\n"
	 "                      --pe-sizes L --shared-sizes L --pe-levels 1|2\n"
	 "                      --max-pe-bytes B --max-shared-bytes B\n"
	 "                      (exact for one layer, --hier-exhaustive;\n"
	 "                      --refine K: rank without bypassing, search\n"
	 "                      the K best again, as networks always do;\n"
	 "                      docs/search.md)\n"
	 "      --network NET.tsr  every layer of a network on FILE's arch\n"
	 "                      and dataflow (-o DIR: one schedule per layer,\n"
	 "                      each layer's best so far as the search goes)\n"
	 "      --html DIR      with --network: also write DIR/index.html, one\n"
	 "                      self-contained page: the table, and each\n"
	 "                      layer's energy by level and by tensor (and\n"
	 "                      against the hierarchy) as charts\n"},
	{"study", "study dataflows|hierarchy NET.tsr... FILE.tsr... -o DIR "
	 "[options]",
	 "  study dataflows|hierarchy FILE... -o DIR\n"
	 "                      the paper's comparisons over several layers:\n"
	 "                      a Markdown table and an SVG chart in DIR,\n"
	 "                      rewritten after each layer (hierarchy: each\n"
	 "                      network) while it runs, marked partial\n"
	 "                      (network files and layer files, told apart\n"
	 "                      by their first word; docs/results/)\n"
	 "      dataflows       every convolution of the networks under each\n"
	 "                      layer file's dataflow and arch, each with its\n"
	 "                      best blocking; each network's pJ/MAC over the\n"
	 "                      layers every dataflow maps\n"
	 "      hierarchy       every layer on the one layer file's dataflow\n"
	 "                      and arch, then on one memory hierarchy chosen\n"
	 "                      per network at the same throughput\n"
	 "      -o DIR          where the table and the chart go (needed)\n"
	 "      --name NAME     their file names, DIR/NAME.md and NAME.svg\n"
	 "                      (default: dataflows or hierarchy)\n"
	 "      --all-layers    every layer, not only the convolutions\n"
	 "      --threads N     worker threads, 1 to 256 (default: the cores\n"
	 "                      this process may use)\n"
	 "      --no-bypass     every tensor in every level (that holds it)\n"
	 "      --replicate     a layer file without unrolled loops (any\n"
	 "                      dataflow) may also replicate, as for search\n"
	 "      --keep-overlap  window buffers keep their overlap, as for\n"
	 "                      search\n"
	 "      --buildable     only schedules the Verilog backend builds\n"
	 "      --quiet         no progress line\n"
	 "      --progress-file F  the progress line into F at each layer and\n"
	 "                      every 30 s within one\n"
	 "      --pe-sizes L --shared-sizes L --pe-levels 1|2\n"
	 "      --max-pe-bytes B --max-shared-bytes B --refine K\n"
	 "      --hier-exhaustive  the hierarchies tried, as for search\n"
	 "      --html DIR      also write DIR/index.html, one self-contained\n"
	 "                      page with the tables and a chart of every layer\n"
	 "                      (docs/networks.md)\n"},
};

static const CmdHelp *find(const char *cmd)
{
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(cmds[i].name, cmd))
			return &cmds[i];
	return NULL;
}

void help_all(FILE *f)
{
	fputs("usage: tessera COMMAND FILE.tsr [options]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fputs(cmds[i].text, f);
	fputs("  --passes            list the lowering passes\n"
	      "  --help              this text\n"
	      "  COMMAND --help      one command's options\n", f);
}

int help_command(FILE *f, const char *cmd)
{
	const CmdHelp *h = find(cmd);
	if (!h)
		return 0;
	fprintf(f, "usage: tessera %s\n\n%s", h->synopsis, h->text);
	return 1;
}
