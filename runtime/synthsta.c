/* synthsta.c - the timing of `tessera synth` (runtime/synth.c): the
 * bare MAC the flow maps (tessera_mac_ref), and OpenSTA on the mapped
 * design and on that MAC.
 *
 * The MAC is mapped twice.  For the area comparison ("bare MACs"), in
 * the design's yosys run (synth.ys), alone and for area.  For its
 * period, by a yosys of its own (mac.ys), between registers: its
 * operands registered in tessera_mac_timed, its accumulator its own
 * register, mapped with the same dfflibmap, the same `abc -constr -D`
 * and the same netlist steps as the design, and timed with the same
 * clock and constraints.  So the design's period can be put beside the
 * period of the one thing every PE must do in a cycle
 * (docs/synthesis.md, "Timing").
 */
#include "synth.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

static const double STA_PERIOD = 1000; /* ns: long enough for any path */
/* ABC's delay target when it buffers and sizes (ps): it trades area for
 * speed only on paths longer than this (docs/synthesis.md). */
enum { ABC_DELAY_PS = 5000 };

int synth_tool_run(const char *dir, char *const argv[], const char *log)
{
	ProcOpts po = {.dir = dir, .out = log, .err_to_out = 1, .tmpdir = dir};
	return proc_run(argv, &po);
}

int synth_tool_fail(const SynthResult *r, const char *name, const char *pkg,
                    int st, const char *log, char *err, size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", r->dir, log);
	proc_explain(st, name, pkg, path, err, errlen);
	return SYNTH_TOOL;
}

/* ---- the bare MAC ---- */

void synth_write_mac(FILE *f, const Hw *hw)
{
	const Layer *l = hw->ln->layer;
	int a = hw->bits[T_A], b = hw->bits[T_B], o = hw->bits[T_OUT];
	int sa = l->t[T_A].type.is_signed, sb = l->t[T_B].type.is_signed;
	int s = sa || sb, pw = a + b + (sa != sb);
	fprintf(f, "// the reference MAC of tessera synth: %s%d x %s%d -> %s%d\n",
	        sa ? "i" : "u", a, sb ? "i" : "u", b,
	        l->t[T_OUT].type.is_signed ? "i" : "u", o);
	fprintf(f, "module tessera_mac_ref (\n\tinput wire clk,\n"
	        "\tinput wire [%d:0] a,\n\tinput wire [%d:0] b,\n"
	        "\toutput reg [%d:0] acc\n);\n", a - 1, b - 1, o - 1);
	if (s)
		fprintf(f, "\twire signed [%d:0] p = %s * %s;\n", pw - 1,
		        sa ? "$signed(a)" : "$signed({1'b0, a})",
		        sb ? "$signed(b)" : "$signed({1'b0, b})");
	else
		fprintf(f, "\twire [%d:0] p = a * b;\n", pw - 1);
	fprintf(f, "\twire [%d:0] px = p;\n", o - 1);
	fprintf(f, "\talways @(posedge clk) acc <= acc + px;\nendmodule\n");
}

void synth_write_mac_timed(FILE *f, const Hw *hw)
{
	int a = hw->bits[T_A], b = hw->bits[T_B], o = hw->bits[T_OUT];
	fprintf(f, "// tessera synth: the reference MAC between registers, "
	        "for its period\nmodule tessera_mac_timed (\n"
	        "\tinput wire clk,\n\tinput wire [%d:0] a,\n"
	        "\tinput wire [%d:0] b,\n\toutput wire [%d:0] acc\n);\n"
	        "\treg [%d:0] ra;\n\treg [%d:0] rb;\n"
	        "\talways @(posedge clk) begin\n\t\tra <= a;\n\t\trb <= b;\n"
	        "\tend\n\ttessera_mac_ref mac (.clk(clk), .a(ra), .b(rb), "
	        ".acc(acc));\nendmodule\n", a - 1, b - 1, o - 1, a - 1, b - 1);
}

void synth_write_abc(FILE *f, const LibCell *buf)
{
	const char *lib = "liberty.lib";
	if (buf && buf->in0_cap > 0)   /* abc.constr: see synth.c's flow() */
		fprintf(f, "# a net's loads as one buffer input each: ABC buffers "
		        "and sizes\nabc -liberty %s -constr abc.constr -D %d\n", lib,
		        ABC_DELAY_PS);
	else
		fprintf(f, "abc -liberty %s\n", lib);
}

/* The netlist steps after mapping, for OpenSTA: bits apart, no assigns. */
void synth_write_netlist(FILE *f, const LibCell *buf, const char *out)
{
	fprintf(f, "setundef -zero\nsplitnets -ports\nopt_clean -purge\n");
	if (buf)
		fprintf(f, "insbuf -buf %s %s %s\n", buf->name, buf->in0,
		        buf->out0);
	fprintf(f, "write_verilog -noattr -noexpr -nohex -nodec %s\n", out);
}

/* mac.ys, run by a yosys of its own: in the design's run, the cells and
 * nets yosys numbers across it would be named after the design's, and
 * ABC's mapping of the MAC, which follows the names, would change with
 * the design (5.72 ns and 5.88 ns for the same MAC). */
static int write_mac_script(const char *path, const LibCell *buf)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return 0;
	fprintf(f, "# tessera synth: the reference MAC between registers, "
	        "mapped as the design is\n# (synth.ys), for OpenSTA\n"
	        "read_verilog -sv mac_ref.v\nread_verilog -sv mac_timed.v\n"
	        "hierarchy -check -top tessera_mac_timed\n"
	        "synth -top tessera_mac_timed\ndfflibmap -liberty liberty.lib\n");
	synth_write_abc(f, buf);
	fprintf(f, "opt_clean -purge\n");
	synth_write_netlist(f, buf, "mac_netlist.v");
	return fclose(f) == 0;
}

int synth_mac_yosys(SynthResult *r, const LibCell *buf, char *err,
                    size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/mac.ys", r->work);
	if (!write_mac_script(path, buf)) {
		snprintf(err, errlen, "cannot write %s", path);
		return SYNTH_USER;
	}
	double t0 = clock_seconds();
	char *const argv[] = {"yosys", "-q", "-l", "mac_yosys.log", "-s",
	                      "mac.ys", NULL};
	int st = synth_tool_run(r->work, argv, "mac_yosys.out");
	r->mac_yosys_s = clock_seconds() - t0;
	if (st != 0)
		return synth_tool_fail(r, "yosys", "yosys", st, "mac_yosys.log",
		                       err, errlen);
	return SYNTH_OK;
}

/* ---- OpenSTA ---- */

/* After the report, the RTL names of the worst path's ends, a line
 * "tessera-end startpoint|endpoint NAME" each: a cell with one output
 * (a flip-flop) by the net on that output, which yosys names after the
 * register; any other (an SRAM's port) by its pin.  A flip-flop's D
 * net too ("tessera-end startpoint-d NAME"): where yosys kept no name
 * on the register (opt_clean -purge), the signal it registers may
 * have one.  In a catch: a port of the top has no cell, and the names
 * are a nicety, not the period. */
static const char STA_NAMES[] =
	"if {[catch {\n"
	"  set pe [lindex [find_timing_paths -path_delay max] 0]\n"
	"  foreach end {startpoint endpoint} {\n"
	"    set pin [get_property $pe $end]\n"
	"    set outs [get_pins -of_objects [get_cells -of_objects $pin] "
	"-filter \"direction == output\"]\n"
	"    if {[llength $outs] == 1} {\n"
	"      set n [get_full_name [get_nets -of_objects [lindex $outs 0]]]\n"
	"      foreach p [get_pins -of_objects [get_cells -of_objects $pin] "
	"-filter \"direction == input\"] {\n"
	"        if {[string match */D [get_full_name $p]]} {\n"
	"          puts \"tessera-end $end-d [get_full_name [get_nets "
	"-of_objects $p]]\"\n"
	"        }\n"
	"      }\n"
	"    } else {\n"
	"      set n [get_full_name $pin]\n"
	"    }\n"
	"    puts \"tessera-end $end $n\"\n"
	"  }\n"
	"}]} { puts \"tessera-end none\" }\n";

/* An anonymous name: its last component (past '/') is yosys' _N_, with
 * or without a bit index. */
static int anonymous(const char *s, size_t n)
{
	const char *b = s;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			b = s + i + 1;
	size_t k = (size_t)(s + n - b);
	if (k && b[k - 1] == ']') {   /* a bit: the name before it */
		while (k && b[k - 1] != '[')
			k--;
		if (k)
			k--;
	}
	if (k < 3 || b[0] != '_' || b[k - 1] != '_')
		return 0;
	for (size_t i = 1; i + 1 < k; i++)
		if (b[i] < '0' || b[i] > '9')
			return 0;
	return 1;
}

/* The name on the tessera-end line of `text` for `end` ("startpoint",
 * "endpoint-d"...), its length into *n; NULL where there is none or it
 * is anonymous. */
static const char *end_name(const char *text, const char *end, size_t *n)
{
	char key[64];
	snprintf(key, sizeof key, "\ntessera-end %s ", end);
	const char *q = strstr(text, key);
	if (!q)
		return NULL;
	q += strlen(key);
	*n = strcspn(q, "\r\n");
	return *n && !anonymous(q, *n) ? q : NULL;
}

/* dst (256 bytes): OpenSTA's "INSTANCE (what it is)" of a path's end
 * as "NAME (INSTANCE, what it is)", NAME from the tessera-end lines of
 * `text`: the register's, or else "the register of D" (the signal it
 * registers), when one is not anonymous. */
static void name_end(char *dst, const char *sta_line, const char *text,
                     const char *end)
{
	char dkey[64];
	snprintf(dkey, sizeof dkey, "%s-d", end);
	size_t n = 0, inst = strcspn(sta_line, " ");
	const char *q = end_name(text, end, &n), *pre = "";
	if (!q && (q = end_name(text, dkey, &n)) != NULL)
		pre = "the register of ";
	if (!q || !sta_line[inst]) {
		snprintf(dst, 256, "%s", sta_line);
		return;
	}
	const char *what = sta_line + inst + 1;
	if (*what == '(')
		what++;
	snprintf(dst, 256, "%s%.*s (%.*s, %s", pre, (int)n, q, (int)inst,
	         sta_line, what);
}

/* Times `top` of `netlist` with the script and log NAME.tcl and
 * NAME.log: the period (setup included) and the path's ends into
 * period, from and to (256 bytes each), its seconds into *secs; 0 and
 * a message naming the log when OpenSTA fails. */
static int sta(SynthResult *r, const Liberty *lib, const char *name,
               const char *netlist, const char *top, int srams,
               double *period, char *from, char *to, double *secs,
               char *err, size_t errlen)
{
	char path[4200], tcl[64], log[64];
	snprintf(tcl, sizeof tcl, "%s.tcl", name);
	snprintf(log, sizeof log, "%s.log", name);
	snprintf(path, sizeof path, "%s/%s", r->work, tcl);
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s", path);
		return 0;
	}
	fprintf(f, "# tessera synth: the critical path of the mapped netlist\n"
	        "read_liberty liberty.lib\n");
	if (srams)
		fprintf(f, "read_liberty srams.lib\n");
	fprintf(f, "read_verilog %s\nlink_design %s\n"
	        "create_clock -name clk -period %g [get_ports clk]\n"
	        "set_input_delay 0 -clock clk [delete_from_list [all_inputs] "
	        "[get_ports clk]]\n"
	        "set_output_delay 0 -clock clk [all_outputs]\n"
	        "report_checks -path_delay max -digits 4\n%s", netlist, top,
	        STA_PERIOD / lib->ns, STA_NAMES);
	fclose(f);
	double t0 = clock_seconds();
	char *const argv[] = {"sta", "-no_init", "-exit", tcl, NULL};
	int st = synth_tool_run(r->work, argv, log);
	*secs = clock_seconds() - t0;
	if (st < 0) {
		synth_tool_fail(r, "OpenSTA (sta)", "opensta", st, log, err,
		                errlen);
		return 0;
	}
	snprintf(path, sizeof path, "%s/%s", r->work, log);
	char *text = file_read(path, NULL);
	const char *e = text ? strstr(text, "Error") : NULL;
	const char *sl = text ? strstr(text, " slack (") : NULL;
	if (st != 0 || !text || e || !sl) {
		snprintf(err, errlen, "OpenSTA failed (exit status %d%s); see "
		         "%s/%s", st, e ? ", errors in its log" : !sl ?
		         ", no timed path" : "", r->dir, log);
		free(text);
		return 0;
	}
	const char *b = sl;
	while (b > text && b[-1] != '\n')
		b--;
	double slack = atof(b);
	*period = (STA_PERIOD / lib->ns - slack) * lib->ns;
	static const char *key[2] = {"Startpoint: ", "Endpoint: "};
	static const char *end[2] = {"startpoint", "endpoint"};
	char *dst[2] = {from, to};
	for (int k = 0; k < 2; k++) {
		const char *q = strstr(text, key[k]);
		if (q) {
			q += strlen(key[k]);
			char line[256];
			snprintf(line, sizeof line, "%.*s", (int)strcspn(q, "\n"), q);
			name_end(dst[k], line, text, end[k]);
		}
	}
	free(text);
	return 1;
}

int synth_sta(SynthResult *r, const Liberty *lib, char *err, size_t errlen)
{
	/* the design first: its log is the one a failure names */
	if (!sta(r, lib, "sta", "sta_netlist.v", "tessera_top", r->nsram > 0,
	         &r->period_ns, r->from, r->to, &r->sta_s, err, errlen))
		return 0;
	return sta(r, lib, "mac_sta", "mac_netlist.v", "tessera_mac_timed", 0,
	           &r->mac_period_ns, r->mac_from, r->mac_to, &r->mac_sta_s,
	           err, errlen);
}
