/* report.c - the figures of the model (and of the simulated hardware)
 * as a readable table or as JSON, in the form docs/model.md states:
 * accesses per tensor per level, reads, fills and updates apart (the
 * JSON's "writes" is fills + updates), in words of each tensor's type,
 * totals over instances.
 * A level's pj_per_access is its figure for a 16-bit word; each tensor
 * entry's "pj" is what one access of that tensor's word costs.
 */
#include "../ir/tessera.h"

static long instances(const LoopNest *ln, int lv)
{
	return ln->arch->level[lv].per_pe ? arch_pes(ln->arch) : 1;
}

static void size_text(char *s, size_t n, const Level *L)
{
	if (L->offchip)
		snprintf(s, n, "off-chip");
	else if (L->bytes % 1024 == 0)
		snprintf(s, n, "%ld KB", L->bytes / 1024);
	else
		snprintf(s, n, "%ld B", L->bytes);
}

void report_table(FILE *f, const LoopNest *ln, const Model *m)
{
	const Arch *a = ln->arch;
	const Layer *l = ln->layer;
	fprintf(f, "layer %s: %ld MACs on %ld", l->name, m->macs, a->dim[0]);
	if (a->ndims > 1)
		fprintf(f, "x%ld", a->dim[1]);
	fprintf(f, " PEs (%ld used)\n", m->pes_used);
	fprintf(f, "cycles %ld = %ld compute + %ld stalls; utilization "
	        "%.1f%%\n", m->cycles, m->compute_cycles, m->stall_cycles,
	        100.0 * m->utilization);
	if (m->idle_cycles > 0)
		fprintf(f, "  (%ld of the compute cycles idle on padding tiles)\n",
		        m->idle_cycles);
	if (m->hw_cycles > 0)
		fprintf(f, "  (the timing of the hardware tessera builds; the "
		        "generic rules give %ld)\n", m->generic_cycles);
	else if (m->hw_cycles < 0)
		fprintf(f, "  (the generic rules: too many blocks to time the "
		        "hardware here; `tessera sim` times it)\n");
	fputc('\n', f);
	fprintf(f, "%-6s %-12s %7s  %-6s %14s %12s %14s %16s\n", "level",
	        "size", "pJ/acc", "tensor", "reads", "fills", "updates",
	        "energy pJ");
	for (int lv = 0; lv < a->nlevels; lv++) {
		const Level *L = &a->level[lv];
		char sz[48], size[64];
		size_text(sz, sizeof sz, L);
		if (L->per_pe)
			snprintf(size, sizeof size, "%s x%ld", sz, instances(ln, lv));
		else
			snprintf(size, sizeof size, "%s", sz);
		int first = 1;
		for (int t = 0; t < NTENSORS; t++) {
			if (!m->reads[lv][t] && !m->fills[lv][t] && !m->updates[lv][t])
				continue;
			fprintf(f, "%-6s %-12s %7.4g  %-6s %14ld %12ld %14ld %16.2f\n",
			        first ? L->name : "", first ? size : "",
			        model_act_pj(a, l, lv, t, ACT_READ), l->t[t].name,
			        m->reads[lv][t], m->fills[lv][t], m->updates[lv][t],
			        m->e_level_tensor[lv][t]);
			first = 0;
			double fp = model_act_pj(a, l, lv, t, ACT_FILL),
			       up = model_act_pj(a, l, lv, t, ACT_UPDATE),
			       rp = model_act_pj(a, l, lv, t, ACT_READ);
			if ((fp != rp && !a->fills_free) || up != rp)
				fprintf(f, "%-6s %-12s %7s  %-6s (pJ: read %.4g, fill %.4g, "
				        "update %.4g)\n", "", "", "", "", rp, fp, up);
		}
		if (m->e_leak[lv] > 0)
			fprintf(f, "%-6s %-12s %7.4g  %-6s %14s %12s %14s %16.2f\n", "",
			        "", L->leak_pj, "leak", "", "", "", m->e_leak[lv]);
		if (!first)
			fprintf(f, "%-6s %-12s %7s  %-6s %14s %12s %14s %16.2f\n", "",
			        "", "", "all", "", "", "", m->e_level[lv]);
	}
	for (int t = 0; t < NTENSORS; t++)
		fprintf(f, "%-6s %-12s %7.4g  %-6s %14ld %12s %14s %16.2f  %s\n",
		        t ? "" : "NoC", t ? "" : "hops", model_hop_pj(ln, m, t),
		        l->t[t].name, m->hops[t], "", "",
		        (double)m->hops[t] * model_hop_pj(ln, m, t),
		        hop_kind_name[m->hop_kind[t]]);
	fprintf(f, "%-6s %-12s %7.4g  %-6s %14ld %12s %14s %16.2f\n", "MAC", "",
	        model_mac_pj(ln), "", m->macs, "", "", m->e_mac);
	fprintf(f, "\nenergy %.2f pJ, %.4f pJ/MAC (%.4f without MACs%s); by "
	        "tensor:", m->e_total, m->pj_per_mac,
	        (m->e_total - m->e_mac) / (double)m->macs,
	        a->fills_free ? "; fills free" : "");
	for (int t = 0; t < NTENSORS; t++)
		fprintf(f, " %s %.2f", l->t[t].name,
		        m->e_tensor[t] + (double)m->hops[t] * model_hop_pj(ln, m, t));
	fputc('\n', f);
}

/* A JSON string: names here are identifiers, so no escaping is needed
 * beyond the quotes. */
static void jstr(FILE *f, const char *key, const char *s)
{
	fprintf(f, "\"%s\": \"%s\"", key, s);
}

void report_json(FILE *f, const LoopNest *ln, const Model *m, int verified)
{
	report_json_open(f, ln, m, verified);
	fputs("\n}\n", f);
}

void report_json_open(FILE *f, const LoopNest *ln, const Model *m,
                      int verified)
{
	const Arch *a = ln->arch;
	const Layer *l = ln->layer;
	fputs("{\n  ", f);
	jstr(f, "layer", l->name);
	fprintf(f, ",\n  \"macs\": %ld,\n  \"pes\": %ld,\n  \"pes_used\": %ld,\n"
	        "  \"cycles\": %ld,\n  \"compute_cycles\": %ld,\n"
	        "  \"idle_cycles\": %ld,\n"
	        "  \"stall_cycles\": %ld,\n  \"utilization\": %.6f,\n",
	        m->macs, m->pes, m->pes_used, m->cycles, m->compute_cycles,
	        m->idle_cycles, m->stall_cycles, m->utilization);
	fprintf(f, "  \"cycles_of\": \"%s\",\n  \"generic_cycles\": %ld,\n",
	        m->hw_cycles > 0 ? "hardware" : "generic",
	        m->hw_cycles > 0 ? m->generic_cycles : m->cycles);
	fputs("  \"levels\": [\n", f);
	for (int lv = 0; lv < a->nlevels; lv++) {
		const Level *L = &a->level[lv];
		fprintf(f, "    { \"name\": \"%s\", \"bytes\": %ld, \"instances\": "
		        "%ld, \"pj_per_access\": %.6g, \"leak_pj\": %.6g,\n"
		        "      \"tensors\": { ", L->name, L->bytes, instances(ln, lv),
		        L->pj, L->leak_pj);
		for (int t = 0; t < NTENSORS; t++)
			fprintf(f, "%s\"%s\": { \"reads\": %ld, \"writes\": %ld, "
			        "\"fills\": %ld, \"updates\": %ld, \"pj\": %.6g, "
			        "\"pj_read\": %.6g, \"pj_fill\": %.6g, \"pj_update\": %.6g }",
			        t ? ", " : "", l->t[t].name, m->reads[lv][t],
			        m->fills[lv][t] + m->updates[lv][t], m->fills[lv][t],
			        m->updates[lv][t], model_pj(ln, lv, t),
			        model_act_pj(a, l, lv, t, ACT_READ),
			        model_act_pj(a, l, lv, t, ACT_FILL),
			        model_act_pj(a, l, lv, t, ACT_UPDATE));
		fprintf(f, " } }%s\n", lv + 1 < a->nlevels ? "," : "");
	}
	fprintf(f, "  ],\n  \"noc_transfers\": %ld,\n  \"noc_by_tensor\": { ",
	        m->noc);
	for (int t = 0; t < NTENSORS; t++)
		fprintf(f, "%s\"%s\": %ld", t ? ", " : "", l->t[t].name, m->hops[t]);
	fputs(" },\n  \"hop_kind_by_tensor\": { ", f);
	for (int t = 0; t < NTENSORS; t++)
		fprintf(f, "%s\"%s\": \"%s\"", t ? ", " : "", l->t[t].name,
		        hop_kind_name[m->hop_kind[t]]);
	fprintf(f, " },\n  \"energy_pj\": { \"total\": %.4f, \"mac\": %.4f, "
	        "\"noc\": %.4f", m->e_total, m->e_mac, m->e_noc);
	double leak = 0;
	for (int lv = 0; lv < a->nlevels; lv++) {
		fprintf(f, ", \"%s\": %.4f", a->level[lv].name, m->e_level[lv]);
		leak += m->e_leak[lv];
	}
	fprintf(f, ", \"leak\": %.4f", leak);
	fputs(" },\n  \"energy_by_tensor_pj\": { ", f);
	for (int t = 0; t < NTENSORS; t++)
		fprintf(f, "%s\"%s\": %.4f", t ? ", " : "", l->t[t].name,
		        m->e_tensor[t] + (double)m->hops[t] * model_hop_pj(ln, m, t));
	fprintf(f, " },\n  \"fills_charged\": %s,\n  \"pj_per_mac\": %.6f",
	        a->fills_free ? "false" : "true", m->pj_per_mac);
	if (verified >= 0)
		fprintf(f, ",\n  \"verified\": %s", verified ? "true" : "false");
}
