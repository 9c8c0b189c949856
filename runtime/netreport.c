/* netreport.c - the figures of one dataflow over a whole network
 * (network_eval) as a table or as JSON: per layer energy, pJ/MAC,
 * cycles and utilization, the totals, and for every layer that did not
 * map, why.  A layer's own full report is report_json's, nested.
 */
#include "../ir/tessera.h"

/* A JSON string with the escapes messages can need. */
static void jesc(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *kind_name(int k)
{
	return k == SHAPE_CONV ? "conv" : k == SHAPE_DEPTHWISE ? "depthwise"
	                                                       : "fc";
}

static void array_text(char *s, size_t n, const Arch *a)
{
	if (a->ndims > 1)
		snprintf(s, n, "%ldx%ld", a->dim[0], a->dim[1]);
	else
		snprintf(s, n, "%ld", a->dim[0]);
}

void netreport_table(FILE *f, const Network *net, const char *dataflow,
                     const Arch *arch, const NetResult *res,
                     const NetTotal *tot)
{
	char arr[64];
	array_text(arr, sizeof arr, arch);
	fprintf(f, "network %s under %s (%s PEs, arch %s)\n\n", net->name,
	        dataflow, arr, arch->name ? arch->name : "baseline");
	fprintf(f, "%-10s %-9s %6s %15s %13s %6s %15s %8s\n", "layer", "kind",
	        "repeat", "MACs", "cycles", "util", "energy uJ", "pJ/MAC");
	for (int i = 0; i < net->nlayers; i++) {
		const NetResult *r = &res[i];
		const NetLayer *nl = &net->layer[i];
		fprintf(f, "%-10s %-9s %6ld %15ld ", nl->name, kind_name(nl->kind),
		        nl->repeat, nl->layer.macs);
		if (!r->mapped)
			fprintf(f, "%13s   not mapped (below)\n", "-");
		else
			fprintf(f, "%13ld %5.1f%% %15.3f %8.3f%s\n", r->m.cycles,
			        100 * r->m.utilization, r->m.e_total / 1e6,
			        r->m.pj_per_mac, r->notes && *r->notes ? "  *" : "");
	}
	fprintf(f, "%-10s %-9s %6ld %15ld %13ld %5.1f%% %15.3f %8.3f\n",
	        tot->unmapped ? "mapped" : "total", "", tot->layers, tot->macs,
	        tot->cycles, 100 * tot->utilization, tot->energy / 1e6,
	        tot->pj_per_mac);
	fprintf(f, "(totals count each layer `repeat` times; energy %.3f uJ "
	        "without MACs, %.4f pJ/MAC)\n", (tot->energy - tot->e_mac) / 1e6,
	        tot->macs ? (tot->energy - tot->e_mac) / (double)tot->macs : 0);
	int timed = 0, mapped = 0;
	for (int i = 0; i < net->nlayers; i++) {
		mapped += res[i].mapped;
		timed += res[i].mapped && res[i].m.hw_cycles > 0;
	}
	fprintf(f, "(cycles: the timing of the hardware tessera builds for %d of "
	        "the %d mapped layers, the generic rules for the others: "
	        "docs/model.md)\n", timed, mapped);
	if (tot->unmapped) {
		fprintf(f, "\n%d of %d layers did not map; the totals above leave "
		        "them out (%ld of %ld MACs):\n", tot->unmapped, net->nlayers,
		        tot->macs, tot->macs_all);
		for (int i = 0; i < net->nlayers; i++)
			if (!res[i].mapped)
				fprintf(f, "  %s: %s\n", net->layer[i].name, res[i].error);
	}
	int any = 0;
	for (int i = 0; i < net->nlayers; i++)
		if (res[i].mapped && res[i].notes && *res[i].notes) {
			if (!any++)
				fprintf(f, "\n* the dataflow adapted to the layer:\n");
			fprintf(f, "  %s: %s\n", net->layer[i].name, res[i].notes);
		}
}

/* One line of the comparison of several dataflows. */
void netreport_summary(FILE *f, const char *dataflow, const NetTotal *tot,
                       int nlayers, int header)
{
	if (header)
		fprintf(f, "%-40s %15s %8s %15s %6s %s\n", "dataflow",
		        "energy uJ", "pJ/MAC", "cycles", "util", "mapped");
	fprintf(f, "%-40s %15.3f %8.3f %15ld %5.1f%% %d/%d\n", dataflow,
	        tot->energy / 1e6, tot->pj_per_mac, tot->cycles,
	        100 * tot->utilization, nlayers - tot->unmapped, nlayers);
}

static void json_total(FILE *f, const NetTotal *tot)
{
	fprintf(f, "{ \"layers\": %ld, \"not_mapped\": %d, \"macs\": %ld, "
	        "\"macs_mapped\": %ld, \"cycles\": %ld, \"utilization\": %.6f, "
	        "\"energy_pj\": %.4f, \"mac_energy_pj\": %.4f, "
	        "\"pj_per_mac\": %.6f }", tot->layers, tot->unmapped,
	        tot->macs_all, tot->macs, tot->cycles, tot->utilization,
	        tot->energy, tot->e_mac, tot->pj_per_mac);
}

/* One dataflow's object of the "dataflows" array. */
void netreport_json(FILE *f, const Network *net, const char *dataflow,
                    const Arch *arch, const NetResult *res,
                    const NetTotal *tot)
{
	fputs("{ \"dataflow\": ", f);
	jesc(f, dataflow);
	fprintf(f, ", \"arch\": ");
	jesc(f, arch->name ? arch->name : "baseline");
	fprintf(f, ", \"pes\": %ld, \"complete\": %s,\n  \"total\": ",
	        arch_pes(arch), tot->unmapped ? "false" : "true");
	json_total(f, tot);
	fputs(",\n  \"layers\": [\n", f);
	for (int i = 0; i < net->nlayers; i++) {
		const NetResult *r = &res[i];
		const NetLayer *nl = &net->layer[i];
		fputs("  { \"layer\": ", f);
		jesc(f, nl->name);
		fprintf(f, ", \"kind\": \"%s\", \"repeat\": %ld, \"macs\": %ld, "
		        "\"mapped\": %s", kind_name(nl->kind), nl->repeat,
		        nl->layer.macs, r->mapped ? "true" : "false");
		if (!r->mapped) {
			fputs(", \"error\": ", f);
			jesc(f, r->error);
			fputs(" }", f);
		} else {
			fprintf(f, ", \"cycles\": %ld, \"utilization\": %.6f, "
			        "\"energy_pj\": %.4f, \"pj_per_mac\": %.6f, \"notes\": ",
			        r->m.cycles, r->m.utilization, r->m.e_total,
			        r->m.pj_per_mac);
			jesc(f, r->notes);
			fputs(",\n    \"model\": ", f);
			report_json(f, r->ln, &r->m, -1);
			fputs("  }", f);
		}
		fprintf(f, "%s\n", i + 1 < net->nlayers ? "," : "");
	}
	fputs("  ] }", f);
}
