/* synth.c - `tessera synth`: area and timing of the generated accelerator.
 *
 * One yosys run maps a bare MAC of the layer's widths (the reference the
 * overheads are measured against), then the design: SRAMs black-boxed,
 * hierarchy kept, so each module is mapped once however many times it
 * is instantiated.  A second yosys maps that MAC again, between
 * registers, for its period (runtime/synthsta.c).  `stat -json` gives
 * each module's cells, priced here with the liberty's areas; the SRAMs'
 * parameters (width, words, ports) come from the mapped netlist and
 * their area from the model in liberty.c.  OpenSTA then times the
 * netlist (synthsta.c), each SRAM configuration being a cell of a
 * generated liberty (srams.lib) whose read data leave the clock edge
 * after the SRAM access time.  docs/synthesis.md has the choices and
 * their reasons.
 *
 * Assumes the modules of backend-verilog/emit.c: tessera_top (the top,
 * clock `clk`), tessera_pe, tessera_sram* (parameters W, D, NR, NW) and
 * optionally tessera_array; any other module is reported by name.
 */
#include "synth.h"
#include "proc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char DEFAULT_LIBERTY[] =
	"/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

/* ---- the inputs of yosys ---- */

/* The yosys script: the bare MAC for area, then the design. */
static void write_script(FILE *f, const char *verilog, const LibCell *buf)
{
	const char *lib = "liberty.lib";
	fprintf(f, "# tessera synth: the reference MAC, then the design\n"
	        "read_verilog -sv mac_ref.v\nsynth -top tessera_mac_ref\n"
	        "dfflibmap -liberty %s\nabc -liberty %s\nopt_clean -purge\n"
	        "tee -q -o mac_stat.json stat -json\ndesign -reset\n\n",
	        lib, lib);
	fprintf(f, "# read_verilog defines SYNTHESIS: the counters drop out\n"
	        "read_verilog -sv tessera_top.v\n");
	/* every SRAM module is a black box: the model prices it */
	for (const char *p = verilog; (p = strstr(p, "\nmodule tessera_sram"));) {
		p += 8;
		size_t n = strcspn(p, " \t\n#(");
		fprintf(f, "blackbox %.*s\n", (int)n, p);
	}
	fprintf(f, "hierarchy -check -top tessera_top\n"
	        "# no flatten: each module is mapped once\n"
	        "synth -top tessera_top\n"
	        "dfflibmap -liberty %s\n", lib);
	synth_write_abc(f, buf);
	fprintf(f, "opt_clean -purge\n\n"
	        "# a netlist OpenSTA reads: bits apart, no assigns\n");
	synth_write_netlist(f, buf, "netlist.v");
	/* after insbuf: the buffers it puts in the assigns (tessera_fan's
	 * are all it has) are part of the area */
	fprintf(f, "tee -q -o stat.json stat -json\n"
	        "tee -q -o stat.txt stat -liberty %s\n", lib);
}


/* ---- the netlist: SRAM instances, renamed for OpenSTA ---- */

/* A Verilog number: 4, 32'sd4, 32'sb100, 32'h1f. */
static long vnum(const char *s)
{
	const char *q = strchr(s, '\'');
	if (!q)
		return strtol(s, NULL, 10);
	q++;
	if (*q == 's' || *q == 'S')
		q++;
	int base = *q == 'b' || *q == 'B' ? 2 : *q == 'h' || *q == 'H' ? 16
	           : *q == 'o' || *q == 'O' ? 8 : 10;
	return strtol(q + 1, NULL, base);
}

static const char *strip_bs(const char *s)
{
	return *s == '\\' ? s + 1 : s;
}

/* Finds the SRAM instances of `net`, fills r->sram, and writes the
 * netlist with each instance's type named after its configuration. 0 on
 * a netlist it cannot read (message in err). */
static int sram_pass(const char *net, FILE *out, SynthResult *r, char *err,
                     size_t errlen)
{
	char module[96] = "";
	const char *p = net;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p + 1) : strlen(p);
		const char *t = p;
		while (*t == ' ')
			t++;
		if (!strncmp(p, "module ", 7)) {
			size_t k = strcspn(p + 7, "( ;\n");
			snprintf(module, sizeof module, "%.*s", (int)k, p + 7);
		}
		if (strncmp(t, "tessera_sram", 12) || !strstr(t, "#(") ||
		    strstr(t, "#(") > t + strcspn(t, "\n")) {
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		/* tessera_sram #(\n .W(...),\n ... ) NAME ( */
		const char *close = strstr(t, "\n  ) ");
		if (!close || r->nsram == SYNTH_MAXSRAM) {
			if (close)
				snprintf(err, errlen, "more than %d SRAM instances in "
				         "the netlist: the most synth reports",
				         SYNTH_MAXSRAM);
			else
				snprintf(err, errlen, "unreadable SRAM instances in the "
				         "netlist");
			return 0;
		}
		SynthSram *s = &r->sram[r->nsram++];
		memset(s, 0, sizeof *s);
		s->width = s->words = s->nr = s->nw = s->aw = -1;
		for (const char *q = strstr(t, "#(") + 2; q < close;) {
			q = strchr(q, '.');
			if (!q || q > close)
				break;
			char key[32];
			size_t k = strcspn(q + 1, "(");
			snprintf(key, sizeof key, "%.*s", (int)k, q + 1);
			long v = vnum(q + 2 + k);
			if (!strcmp(key, "W")) s->width = v;
			else if (!strcmp(key, "D")) s->words = v;
			else if (!strcmp(key, "NR")) s->nr = v;
			else if (!strcmp(key, "NW")) s->nw = v;
			else if (!strcmp(key, "AW")) s->aw = v;
			q += 1 + k;
		}
		const char *name = close + 5;
		size_t k = strcspn(name, " (\n");
		snprintf(s->name, sizeof s->name, "%s", strip_bs(name));
		s->name[strcspn(s->name, " ")] = 0;
		snprintf(s->module, sizeof s->module, "%s", strip_bs(module));
		if (s->width <= 0 || s->words <= 0 || s->nr < 0 || s->nw < 0 ||
		    s->aw <= 0) {
			snprintf(err, errlen, "SRAM %s lacks its W, D, AW, NR or NW "
			         "parameter in the netlist", s->name);
			return 0;
		}
		fprintf(out, "  tessera_sram_w%ld_d%ld_r%ld_w%ld %.*s (",
		        s->width, s->words, s->nr, s->nw, (int)k, name);
		p = name + k;
		while (*p == ' ')
			p++;
		if (*p == '(')
			p++;
	}
	return 1;
}

/* ---- the SRAMs' liberty, for OpenSTA ---- */

static void lib_bus(FILE *f, const char *pin, long n, int out, double t)
{
	fprintf(f, "    bus (%s) {\n      bus_type : tsr_bus%ld;\n"
	        "      direction : %s;\n", pin, n, out ? "output" : "input");
	if (out)
		fprintf(f, "      timing () {\n        related_pin : \"clk\";\n"
		        "        timing_type : rising_edge;\n"
		        "        cell_rise (scalar) { values (\"%.4f\"); }\n"
		        "        cell_fall (scalar) { values (\"%.4f\"); }\n"
		        "        rise_transition (scalar) { values (\"0.1\"); }\n"
		        "        fall_transition (scalar) { values (\"0.1\"); }\n"
		        "      }\n", t, t);
	else
		fprintf(f, "      capacitance : 0.01;\n      timing () {\n"
		        "        related_pin : \"clk\";\n"
		        "        timing_type : setup_rising;\n"
		        "        rise_constraint (scalar) { values (\"0.0\"); }\n"
		        "        fall_constraint (scalar) { values (\"0.0\"); }\n"
		        "      }\n");
	fprintf(f, "    }\n");
}

static int same_config(const SynthSram *a, const SynthSram *b)
{
	return a->width == b->width && a->words == b->words && a->nr == b->nr &&
	       a->nw == b->nw;
}

static int write_sram_lib(const char *path, const SynthResult *r)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return 0;
	fprintf(f, "/* tessera synth: the SRAM configurations of the design, "
	        "area from the\n   SRAM model, read data %.3f ns after the "
	        "clock (docs/synthesis.md) */\nlibrary (tessera_srams) {\n"
	        "  delay_model : table_lookup;\n  time_unit : \"1ns\";\n"
	        "  voltage_unit : \"1V\";\n  current_unit : \"1uA\";\n"
	        "  capacitive_load_unit (1,pf);\n"
	        "  pulling_resistance_unit : \"1kohm\";\n"
	        "  leakage_power_unit : \"1nW\";\n", r->sram_access_ns);
	static const char *th[] = {"input_threshold_pct", "output_threshold_pct"};
	for (int i = 0; i < 2; i++)
		fprintf(f, "  %s_rise : 50;\n  %s_fall : 50;\n", th[i], th[i]);
	fprintf(f, "  slew_lower_threshold_pct_rise : 20;\n"
	        "  slew_upper_threshold_pct_rise : 80;\n"
	        "  slew_lower_threshold_pct_fall : 20;\n"
	        "  slew_upper_threshold_pct_fall : 80;\n");
	/* one bus type per width used */
	long widths[6 * SYNTH_MAXSRAM];
	int nw = 0;
	for (int i = 0; i < r->nsram; i++) {
		const SynthSram *s = &r->sram[i];
		long aw = s->aw;
		long w[6] = {s->nr, s->nr * aw, s->nr * s->width, s->nw,
		             s->nw * aw, s->nw * s->width};
		for (int k = 0; k < 6; k++) {
			int seen = w[k] <= 0;
			for (int j = 0; j < nw && !seen; j++)
				seen = widths[j] == w[k];
			if (!seen)
				widths[nw++] = w[k];
		}
	}
	for (int j = 0; j < nw; j++)
		fprintf(f, "  type (tsr_bus%ld) { base_type : array; data_type : "
		        "bit; bit_width : %ld; bit_from : %ld; bit_to : 0; "
		        "downto : true; }\n", widths[j], widths[j], widths[j] - 1);
	for (int i = 0; i < r->nsram; i++) {
		const SynthSram *s = &r->sram[i];
		int dup = 0;
		for (int j = 0; j < i && !dup; j++)
			dup = same_config(s, &r->sram[j]);
		if (dup)
			continue;
		long aw = s->aw;
		fprintf(f, "  cell (tessera_sram_w%ld_d%ld_r%ld_w%ld) {\n"
		        "    area : %.3f;\n    dont_use : true;\n"
		        "    pin (clk) { direction : input; clock : true; "
		        "capacitance : 0.01; }\n", s->width, s->words, s->nr, s->nw,
		        s->shape.area);
		if (s->nr) {
			lib_bus(f, "re", s->nr, 0, 0);
			lib_bus(f, "raddr", s->nr * aw, 0, 0);
			lib_bus(f, "rdata", s->nr * s->width, 1, r->sram_access_ns);
		}
		if (s->nw) {
			lib_bus(f, "we", s->nw, 0, 0);
			lib_bus(f, "waddr", s->nw * aw, 0, 0);
			lib_bus(f, "wdata", s->nw * s->width, 0, 0);
		}
		fprintf(f, "  }\n");
	}
	fprintf(f, "}\n");
	return fclose(f) == 0;
}


/* ---- the flow ---- */

/* dir made with its parents, or there already as a directory; 0 and
 * errno when not. */
static int make_dir(const char *dir)
{
	struct stat st;
	if (make_dirs(dir) || stat(dir, &st))
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return 0;
	}
	return 1;
}

/* yosys and OpenSTA read the liberty through DIR/liberty.lib, a link
 * to it, unless that is the liberty itself. */
static int link_liberty(const SynthResult *r, const char *dir, char *err,
                        size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/liberty.lib", dir);
	char *now = realpath(path, NULL);
	int same = now && !strcmp(now, r->liberty);
	free(now);
	if (same)
		return 1;
	unlink(path);
	if (symlink(r->liberty, path) == 0)
		return 1;
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

static int flow(const Hw *hw, const Liberty *lib, SynthResult *r,
                const char *verilog, size_t vlen, char *err, size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/tessera_top.v", r->work);
	if (!file_write(path, verilog, vlen)) {
		snprintf(err, errlen, "cannot write %s", path);
		return SYNTH_USER;
	}
	if (!link_liberty(r, r->work, err, errlen))
		return SYNTH_USER;
	snprintf(path, sizeof path, "%s/mac_ref.v", r->work);
	FILE *f = fopen(path, "w");
	if (f)
		synth_write_mac(f, hw);
	snprintf(path, sizeof path, "%s/mac_timed.v", r->work);
	FILE *t = fopen(path, "w");
	if (t)
		synth_write_mac_timed(t, hw);
	const LibCell *buf = liberty_buffer(lib);
	snprintf(path, sizeof path, "%s/abc.constr", r->work);
	FILE *c = fopen(path, "w");
	if (c && buf && buf->in0_cap > 0)
		fprintf(c, "set_driving_cell %s\nset_load %g\n", buf->name,
		        buf->in0_cap);
	snprintf(path, sizeof path, "%s/synth.ys", r->work);
	FILE *g = fopen(path, "w");
	if (g)
		write_script(g, verilog, buf);
	int closed = (!f || !fclose(f)) & (!t || !fclose(t)) &
	             (!g || !fclose(g)) & (!c || !fclose(c));
	if (!f || !t || !g || !c || !closed) {
		snprintf(err, errlen, "cannot write into %s", r->work);
		return SYNTH_USER;
	}
	fprintf(stderr, "synth: yosys, log in %s/yosys.log\n", r->work);
	double t0 = clock_seconds();
	char *const argv[] = {"yosys", "-q", "-l", "yosys.log", "-s", "synth.ys",
	                      NULL};
	int st = synth_tool_run(r->work, argv, "yosys.out");
	r->yosys_s = clock_seconds() - t0;
	if (st != 0)
		return synth_tool_fail(r, "yosys", "yosys", st, "yosys.log", err,
		                       errlen);
	if ((st = synth_mac_yosys(r, buf, err, errlen)) != SYNTH_OK)
		return st;
	snprintf(path, sizeof path, "%s/netlist.v", r->work);
	struct stat ns;
	char *net = stat(path, &ns) ? NULL : file_read(path, NULL);
	if (!net && !access(path, R_OK)) {  /* there, but more than memory */
		snprintf(err, errlen, "out of memory for the netlist (%lld MB)",
		         (long long)ns.st_size >> 20);
		return SYNTH_USER;
	}
	if (!net) {
		snprintf(err, errlen, "yosys wrote no netlist.v; see %s/yosys.log",
		         r->dir);
		return SYNTH_TOOL;
	}
	snprintf(path, sizeof path, "%s/sta_netlist.v", r->work);
	FILE *out = fopen(path, "w");
	int ok = out && sram_pass(net, out, r, err, errlen);
	free(net);
	if (out && fclose(out))
		ok = 0;
	if (!ok) {
		if (!out)
			snprintf(err, errlen, "cannot write %s", path);
		return SYNTH_TOOL;
	}
	if (!synth_areas(r, lib, err, errlen))
		return SYNTH_TOOL;
	snprintf(path, sizeof path, "%s/srams.lib", r->work);
	if (r->nsram && !write_sram_lib(path, r)) {
		snprintf(err, errlen, "cannot write %s", path);
		return SYNTH_USER;
	}
	fprintf(stderr, "synth: yosys took %.1f s; OpenSTA, log in %s/sta.log\n",
	        r->yosys_s, r->work);
	return synth_sta(r, lib, err, errlen) ? SYNTH_OK : SYNTH_TOOL;
}

/* With -o: the files of the run, successful (rc) or not, moved from
 * the working directory into the output directory; rc, or SYNTH_USER
 * when they cannot be moved (then they stay where they are). */
static int keep(const SynthResult *r, int rc, char *err, size_t errlen)
{
	char link[4200], why[9000];
	snprintf(link, sizeof link, "%s/liberty.lib", r->work);
	unlink(link);   /* remade below, unless it is the liberty itself */
	int moved = proc_move_files(r->work, r->dir);
	if (!moved)
		snprintf(why, sizeof why, "cannot move the files of %s into %s: "
		         "%s", r->work, r->dir, strerror(errno));
	if (moved && link_liberty(r, r->dir, why, sizeof why)) {
		remove_tree(r->work);
		return rc;
	}
	if (rc != SYNTH_OK)
		return rc;      /* the first failure's message stands */
	snprintf(err, errlen, "%s", why);
	return SYNTH_USER;
}

int synth_run(const Hw *hw, const SynthOpts *o, SynthResult *r, char *err,
              size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->node_nm = o->node_nm > 0 ? o->node_nm : 180;
	r->sram_access_ns = o->sram_access_ns;
	snprintf(r->liberty, sizeof r->liberty, "%s",
	         o->liberty ? o->liberty : DEFAULT_LIBERTY);
	if (access(r->liberty, R_OK) != 0) {
		if (o->liberty)
			snprintf(err, errlen, "cannot read the liberty file %s: %s",
			         r->liberty, strerror(errno));
		else
			snprintf(err, errlen, "the default liberty %s is missing: "
			         "run make (it installs qflow-tech-osu018) or give "
			         "--liberty FILE", r->liberty);
		return SYNTH_USER;
	}
	Liberty lib;
	if (!liberty_read(r->liberty, &lib, err, errlen))
		return SYNTH_USER;
	/* yosys and OpenSTA run in the output directory */
	char *abs = realpath(r->liberty, NULL);
	if (!abs) {
		snprintf(err, errlen, "cannot resolve the liberty file %s: %s",
		         r->liberty, strerror(errno));
		liberty_free(&lib);
		return SYNTH_USER;
	}
	snprintf(r->liberty, sizeof r->liberty, "%s", abs);
	free(abs);
	snprintf(r->libname, sizeof r->libname, "%s", lib.name);
	const LibCell *nand = liberty_nand2(&lib);
	if (nand) {
		snprintf(r->nand2, sizeof r->nand2, "%s", nand->name);
		r->nand2_area = nand->area;
	}
	if (o->outdir) {
		snprintf(r->dir, sizeof r->dir, "%s", o->outdir);
		if (!make_dir(r->dir)) {
			snprintf(err, errlen, "cannot create the output directory "
			         "%s: %s", r->dir, strerror(errno));
			liberty_free(&lib);
			return SYNTH_USER;
		}
	}
	/* the tools run in a directory of a plain name: yosys pastes its
	 * working directory into ABC's scripts */
	if (!proc_mkdtemp(r->work, sizeof r->work, "tessera-synth")) {
		snprintf(err, errlen, "cannot create a temporary directory %s: %s",
		         r->work, strerror(errno));
		liberty_free(&lib);
		return SYNTH_TOOL;
	}
	if (!o->outdir)
		snprintf(r->dir, sizeof r->dir, "%s", r->work);
	size_t len;
	char *text = hw_verilog(hw, &len);
	proc_guard_begin();
	proc_own(r->work);      /* an interrupted run removes it */
	int rc = flow(hw, &lib, r, text, len, err, errlen);
	free(text);
	liberty_free(&lib);
	if (o->outdir)
		rc = keep(r, rc, err, errlen);
	else if (rc == SYNTH_OK)
		remove_tree(r->work);
	proc_disown(r->work);
	proc_guard_end();
	if (rc == SYNTH_OK && !o->outdir)
		r->dir[0] = 0;
	return rc;
}
