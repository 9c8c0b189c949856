/* synthreport.c - the report of `tessera synth` (runtime/synth.c): areas
 * by module, the SRAMs as the model prices them, the critical path and
 * the bare MAC's, and the throughput at that clock with the model's
 * cycles, as a table or as JSON (docs/synthesis.md).
 */
#include "synth.h"

#include <stdlib.h>
#include <string.h>

static double nand2(const SynthResult *r, double a)
{
	return r->nand2_area > 0 ? a / r->nand2_area : 0;
}

static void area_row(FILE *f, const SynthResult *r, const char *what,
                     double a)
{
	fprintf(f, "%-30s %14.1f %12.1f %6.1f%%\n", what, a, nand2(r, a),
	        r->total > 0 ? 100 * a / r->total : 0);
}

double synth_macs_per_second(const SynthResult *r, const Model *m)
{
	double t = (double)m->cycles * r->period_ns * 1e-9;
	return t > 0 ? (double)m->macs / t : 0;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static double mhz(double ns)
{
	return ns > 0 ? 1e3 / ns : 0;
}

/* Where the cycles, and so the utilization, come from: the model's,
 * with what they are the timing of, or (--sim) the simulated RTL's. */
static const char *cycles_of(const SynthResult *r, const Model *m)
{
	return r->simulated ? "rtl" : m->hw_cycles > 0 ? "hardware" : "generic";
}

static void timing_text(FILE *f, const SynthResult *r, const Model *m)
{
	fprintf(f, "critical path %.3f ns, setup included: %.1f MHz\n"
	        "  from %s\n  to   %s\n  (SRAM read data %.3f ns after the "
	        "clock edge)\n", r->period_ns, mhz(r->period_ns), r->from, r->to,
	        r->sram_access_ns);
	fprintf(f, "bare MAC between registers (tessera_mac_ref, mapped and "
	        "timed as the design): %.3f ns, %.1f MHz;\n  the design's period "
	        "is %.2fx it\n  from %s\n  to   %s\n", r->mac_period_ns,
	        mhz(r->mac_period_ns), ratio(r->period_ns, r->mac_period_ns),
	        r->mac_from, r->mac_to);
	double tp = synth_macs_per_second(r, m);
	fprintf(f, "throughput %.4g GMAC/s = %ld PEs x utilization %.4f (%s) "
	        "x %.1f MHz\n  = %ld MACs / (%ld cycles x %.3f ns); "
	        "at full utilization %.4g GMAC/s\n", tp / 1e9, m->pes,
	        m->utilization, r->simulated ? "the RTL simulated, verified"
	        : m->hw_cycles > 0 ? "model, the hardware's timing"
	        : "model, the generic rules' timing", mhz(r->period_ns),
	        m->macs, m->cycles, r->period_ns,
	        (double)m->pes * mhz(r->period_ns) / 1e3);
}

void synth_report(FILE *f, const Hw *hw, const SynthResult *r,
                  const Model *m)
{
	const Layer *l = hw->ln->layer;
	fprintf(f, "layer %s: %ld PEs, liberty %s", l->name, r->npe,
	        r->libname);
	if (r->nand2[0])
		fprintf(f, " (NAND2 equivalent: %s, %.2f um2)", r->nand2,
		        r->nand2_area);
	fprintf(f, "\n\n%-27s %9s %8s %14s %14s %12s\n", "module",
	        "instances", "cells", "um2 each", "um2 all", "NAND2 eq all");
	for (int i = 0; i < r->nmod; i++) {
		const SynthModule *mo = &r->mod[i];
		fprintf(f, "%-27s %9ld %8ld %14.1f %14.1f %12.1f\n", mo->name,
		        mo->instances, mo->cells, mo->total,
		        mo->total * (double)mo->instances,
		        nand2(r, mo->total * (double)mo->instances));
	}
	if (r->nsram) {
		fprintf(f, "\n%-20s %6s %7s %7s %-16s %12s %12s %s\n",
		        "buffer (model)", "width", "words", "ports", "SRAM array",
		        "SRAM um2", "flops um2", "kept");
		for (int i = 0; i < r->nsram; i++) {
			const SynthSram *s = &r->sram[i];
			char ports[32], arr[48];
			snprintf(ports, sizeof ports, "%ldR %ldW", s->nr, s->nw);
			snprintf(arr, sizeof arr, "%ldx%ld mux %ld", s->shape.rows,
			         s->shape.cols, s->shape.mux);
			fprintf(f, "%-20s %6ld %7ld %7s %-16s %12.1f %12.1f %s\n",
			        s->name, s->width, s->words, ports, arr, s->shape.macro,
			        s->shape.flops, s->shape.as_flops ? "flops" : "SRAM");
		}
	}
	fprintf(f, "\n%-30s %14s %12s %7s\n", "area", "um2", "NAND2 eq",
	        "share");
	char what[64];
	if (r->pe_versions > 1)
		snprintf(what, sizeof what, "PE (the mean of %d versions)",
		         r->pe_versions);
	else
		snprintf(what, sizeof what, "PE (one)");
	fprintf(f, "%-30s %14.1f %12.1f\n", what, r->pe, nand2(r, r->pe));
	snprintf(what, sizeof what, "PEs (%ld)", r->npe);
	area_row(f, r, what, r->pes);
	if (r->has_array) {
		area_row(f, r, "array (PEs and interconnect)", r->array);
		area_row(f, r, "  interconnect", r->array - r->pes);
	}
	area_row(f, r, "controller (top's own cells)", r->controller);
	if (r->other != 0)
		area_row(f, r, "other modules", r->other);
	if (r->skew_bits) {   /* a systolic array's lines, of the others */
		snprintf(what, sizeof what, "  skew registers (%ld bits)",
		         r->skew_bits);
		area_row(f, r, what, r->skew_area);
	}
	area_row(f, r, "logic", r->logic);
	snprintf(what, sizeof what, "buffers (model, %g nm)", r->node_nm);
	area_row(f, r, what, r->sram_area);
	area_row(f, r, "total", r->total);
	double macs = r->mac * (double)r->npe;
	fprintf(f, "\nMAC alone (%s x %s -> %s, reference): %.1f um2; one PE "
	        "is %.2f MACs\n", l->t[T_A].name, l->t[T_B].name,
	        l->t[T_OUT].name, r->mac, r->mac > 0 ? r->pe / r->mac : 0);
	if (macs > 0)
		fprintf(f, "overhead over the %ld MACs alone: logic %.2fx, logic "
		        "and SRAM %.2fx (the MACs are %.1f%% of the logic)\n",
		        r->npe, (r->logic - macs) / macs, (r->total - macs) / macs,
		        100 * macs / r->logic);
	timing_text(f, r, m);
	fprintf(f, "energy (model): %.4f pJ/MAC\n", m->pj_per_mac);
}

/* A JSON string value: quotes and backslashes escaped, control
 * characters (a path may hold a newline) as \u00XX. */
static void jesc(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
		else
			fprintf(f, "\\u%04x", (unsigned)*s);
	}
	fputc('"', f);
}

static void json_area(FILE *f, const SynthResult *r, const char *key,
                      double a, int last)
{
	fprintf(f, "    \"%s\": { \"um2\": %.3f, \"nand2\": %.3f }%s\n", key, a,
	        nand2(r, a), last ? "" : ",");
}

void synth_report_json(FILE *f, const Hw *hw, const SynthResult *r,
                       const Model *m)
{
	const Layer *l = hw->ln->layer;
	fprintf(f, "{\n  \"layer\": \"%s\",\n  \"pes\": %ld,\n"
	        "  \"liberty\": ", l->name, r->npe);
	jesc(f, r->liberty);
	fprintf(f, ",\n  \"library\": ");
	jesc(f, r->libname);
	fprintf(f, ",\n  \"nand2_cell\": \"%s\",\n  \"nand2_um2\": %.4f,\n"
	        "  \"modules\": [\n", r->nand2, r->nand2_area);
	for (int i = 0; i < r->nmod; i++) {
		const SynthModule *mo = &r->mod[i];
		fprintf(f, "    { \"name\": \"%s\", \"versions\": %d, \"instances\": "
		        "%ld, \"cells\": %ld, \"own_um2\": %.3f, \"um2\": %.3f, "
		        "\"nand2\": %.3f }%s\n", mo->name, mo->versions, mo->instances,
		        mo->cells, mo->own, mo->total, nand2(r, mo->total),
		        i + 1 < r->nmod ? "," : "");
	}
	fprintf(f, "  ],\n  \"srams\": [\n");
	for (int i = 0; i < r->nsram; i++) {
		const SynthSram *s = &r->sram[i];
		fprintf(f, "    { \"name\": \"%s\", \"module\": \"%s\", \"width\": "
		        "%ld, \"words\": %ld, \"read_ports\": %ld, \"write_ports\": "
		        "%ld, \"rows\": %ld, \"columns\": %ld, \"sram_um2\": %.3f, "
		        "\"flops_um2\": %.3f, \"as\": \"%s\", \"um2\": %.3f }%s\n",
		        s->name, s->module, s->width, s->words, s->nr, s->nw,
		        s->shape.rows, s->shape.cols, s->shape.macro, s->shape.flops,
		        s->shape.as_flops ? "flops" : "sram", s->shape.area,
		        i + 1 < r->nsram ? "," : "");
	}
	fprintf(f, "  ],\n  \"area\": {\n");
	json_area(f, r, "pe", r->pe, 0);
	json_area(f, r, "pes", r->pes, 0);
	json_area(f, r, "array", r->array, 0);
	json_area(f, r, "interconnect", r->array - r->pes, 0);
	json_area(f, r, "controller", r->controller, 0);
	json_area(f, r, "other", r->other, 0);
	fprintf(f, "    \"skew_bits\": %ld,\n", r->skew_bits);
	json_area(f, r, "skew", r->skew_area, 0);
	json_area(f, r, "logic", r->logic, 0);
	json_area(f, r, "sram", r->sram_area, 0);
	json_area(f, r, "total", r->total, 0);
	json_area(f, r, "mac", r->mac, 1);
	double macs = r->mac * (double)r->npe;
	fprintf(f, "  },\n  \"has_array_module\": %s,\n"
	        "  \"sram_node_nm\": %g,\n"
	        "  \"logic_overhead_over_macs\": %.6f,\n"
	        "  \"critical_path\": { \"period_ns\": %.4f, \"mhz\": %.4f, "
	        "\"from\": ", r->has_array ? "true" : "false", r->node_nm,
	        macs > 0 ? (r->logic - macs) / macs : 0, r->period_ns,
	        mhz(r->period_ns));
	jesc(f, r->from);
	fprintf(f, ", \"to\": ");
	jesc(f, r->to);
	fprintf(f, ", \"sram_access_ns\": %.4f },\n"
	        "  \"mac_ref_period_ns\": %.4f,\n  \"mac_ref_mhz\": %.4f,\n"
	        "  \"mac_ref_from\": ", r->sram_access_ns, r->mac_period_ns,
	        mhz(r->mac_period_ns));
	jesc(f, r->mac_from);
	fprintf(f, ",\n  \"mac_ref_to\": ");
	jesc(f, r->mac_to);
	fprintf(f, ",\n  \"period_over_mac_ref\": %.6f,\n"
	        "  \"throughput\": {\n    \"macs\": %ld,\n    \"cycles\": %ld,\n"
	        "    \"cycles_of\": \"%s\",\n    \"pes\": %ld,\n"
	        "    \"utilization\": %.6f,\n"
	        "    \"utilization_source\": \"%s\",\n"
	        "    \"clock_mhz\": %.4f,\n    \"macs_per_second\": %.6e,\n"
	        "    \"peak_macs_per_second\": %.6e\n  },\n",
	        ratio(r->period_ns, r->mac_period_ns), m->macs, m->cycles,
	        cycles_of(r, m), m->pes, m->utilization,
	        r->simulated ? "sim" : "model", mhz(r->period_ns),
	        synth_macs_per_second(r, m),
	        (double)m->pes * mhz(r->period_ns) * 1e6);
	fprintf(f, "  \"seconds\": { \"yosys\": %.3f, \"sta\": %.3f, "
	        "\"mac_yosys\": %.3f, \"mac_sta\": %.3f },\n"
	        "  \"pj_per_mac\": %.6f\n}\n", r->yosys_s, r->sta_s,
	        r->mac_yosys_s, r->mac_sta_s, m->pj_per_mac);
}
