/* netprint.c - `tessera search --network`'s report: each layer's best
 * on the file's architecture (and, with --hierarchy, on the hierarchy
 * chosen for the network), whether the Verilog backend builds it, and
 * the network's totals, as a table or as JSON (search/cli.c runs the
 * searches).
 */
#include "search.h"

static void net_row(const NetLayer *nl, const Arch *a, const NetBest *b)
{
	if (!b->found) {
		printf(" %10s %12s %9s %4s", "-", "-", "-", "-");
		return;
	}
	printf(" %10.4f %12ld %8.1f%% %4s", b->r.m.pj_per_mac, b->r.m.cycles,
	       100 * b->r.m.utilization, net_layer_builds(nl, a, b) ? "yes" : "no");
}

static void net_json_layer(const Network *net, int i, const Arch *a,
                           const NetBest *b, const char *key)
{
	printf("\"%s\": ", key);
	if (!b[i].found) {
		printf("null");
		return;
	}
	printf("{ \"pj_per_mac\": %.6f, \"energy_pj\": %.4f, \"cycles\": %ld, "
	       "\"utilization\": %.6f, \"builds\": %s, \"evaluated\": %ld, "
	       "\"seconds\": %.3f }", b[i].r.m.pj_per_mac, b[i].r.m.e_total,
	       b[i].r.m.cycles, b[i].r.m.utilization,
	       net_layer_builds(&net->layer[i], a, &b[i]) ? "true" : "false",
	       b[i].r.evaluated, b[i].r.seconds);
}

/* The network's layers and totals as JSON; opt (NULL: none) are the
 * results on the chosen hierarchy (harch). */
void net_print_json(const Network *net, const Arch *arch,
                    const NetBest *base, const NetSum *sb,
                    const Arch *harch, const NetBest *opt,
                    const NetSum *so, const char *hdesc, int ncand)
{
	printf("{ \"network\": \"%s\", \"layers\": [\n", net->name);
	for (int i = 0; i < net->nlayers; i++) {
		printf("  { \"name\": \"%s\", \"macs\": %ld, \"repeat\": %ld, ",
		       net->layer[i].name, net->layer[i].layer.macs,
		       net->layer[i].repeat);
		net_json_layer(net, i, arch, base, "best");
		if (opt) {
			printf(", ");
			net_json_layer(net, i, harch, opt, "hierarchy");
		}
		printf(" }%s\n", i + 1 < net->nlayers ? "," : "");
	}
	printf("], \"total\": { \"energy_pj\": %.4f, \"pj_per_mac\": %.6f, "
	       "\"cycles\": %.0f, \"missing\": %d, \"evaluated\": %ld, "
	       "\"seconds\": %.3f }", sb->energy, sb->pj_per_mac, sb->cycles,
	       sb->missing, sb->evaluated, sb->seconds);
	if (opt)
		printf(",\n  \"hierarchy\": { \"levels\": \"%s\", "
		       "\"candidates\": %d, \"energy_pj\": %.4f, "
		       "\"pj_per_mac\": %.6f, \"cycles\": %.0f }", hdesc, ncand,
		       so->energy, so->pj_per_mac, so->cycles);
	printf(" }\n");
}

/* The same as a table (RTL: whether the Verilog backend builds it). */
void net_print_table(const Network *net, const Arch *arch,
                     const NetBest *base, const NetSum *sb,
                     const Arch *harch, const NetBest *opt,
                     const NetSum *so, const char *hdesc, int ncand)
{
	printf("network %s, each layer's best schedule (energy):\n",
	       net->name);
	printf("%-10s %14s %6s %10s %12s %9s %4s", "layer", "MACs", "repeat",
	       "pJ/MAC", "cycles", "util", "RTL");
	if (opt)
		printf(" %10s %12s %9s %4s %7s", "pJ/MAC", "cycles", "util", "RTL",
		       "gain");
	putchar('\n');
	for (int i = 0; i < net->nlayers; i++) {
		const NetLayer *nl = &net->layer[i];
		printf("%-10s %14ld %6ld", nl->name, nl->layer.macs, nl->repeat);
		net_row(nl, arch, &base[i]);
		if (opt) {
			net_row(nl, harch, &opt[i]);
			if (base[i].found && opt[i].found)
				printf(" %6.2fx", base[i].r.m.e_total / opt[i].r.m.e_total);
		}
		putchar('\n');
	}
	printf("total: %.4f pJ/MAC, %.4g pJ, %.4g cycles (%ld schedules "
	       "evaluated in %.2f s)%s\n", sb->pj_per_mac, sb->energy,
	       sb->cycles, sb->evaluated, sb->seconds,
	       sb->missing ? "; layers without a schedule: -" : "");
	if (opt)
		printf("hierarchy %s (of %d): %.4f pJ/MAC, %.4g cycles; %.2fx "
		       "less energy\n", hdesc, ncand, so->pj_per_mac, so->cycles,
		       sb->energy / so->energy);
}
