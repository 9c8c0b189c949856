/* netreport.c - the figures of one dataflow over a whole network
 * (network_eval) as a table or as JSON: per layer energy, pJ/MAC,
 * cycles and utilization, the totals, and for every layer that did not
 * map, why.  A layer's own full report is report_json's, nested.  The
 * same for `sim --network` (the hardware's figures, and its checks)
 * and `synth --network` (each design's area and clock): netcmd.c.
 * Several dataflows are compared over the layers every one of them
 * maps (or ran), and the layers that leaves out are named with the
 * dataflows that did not map or run them.
 */
#include "netsim.h"

#include <string.h>

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
		        "energy uJ", "pJ/MAC", "cycles", "util", "layers");
	fprintf(f, "%-40s %15.3f %8.3f %15ld %5.1f%% %d/%d\n", dataflow,
	        tot->energy / 1e6, tot->pj_per_mac, tot->cycles,
	        100 * tot->utilization, nlayers - tot->unmapped, nlayers);
}

static void json_total(FILE *f, const NetTotal *tot);

/* One dataflow's totals in model --network's "compared" object. */
void netreport_total_json(FILE *f, const char *dataflow,
                          const NetTotal *tot, int first)
{
	fputs(first ? "\n    { \"dataflow\": " : ",\n    { \"dataflow\": ", f);
	jesc(f, dataflow);
	fputs(", \"total\": ", f);
	json_total(f, tot);
	fputs(" }", f);
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

/* ---- sim --network and synth --network ---- */

/* A design's name: d1, d2, ... */
static const char *dname(int j, char *s, size_t n)
{
	snprintf(s, n, "d%d", j + 1);
	return s;
}

/* What became of a layer that did not run, in a word or two. */
static const char *left_word(int state)
{
	return state == RUN_NOT_MAPPED ? "not mapped"
	     : state == RUN_REFUSED ? "not built by the backend"
	     : state == RUN_NO_BUILD ? "build failed" : "not run";
}

/* The status of a layer in the JSON. */
static const char *status_word(const NetRun *r)
{
	return r->state == RUN_RAN ? (r->rc ? "failed" : "verified")
	     : r->state == RUN_NOT_MAPPED ? "not mapped"
	     : r->state == RUN_REFUSED ? "refused"
	     : r->state == RUN_NO_BUILD ? "build failed" : "not run";
}

/* "yes", or NO with the checks that failed. */
static void verdict(char *s, size_t n, const SimCheck *c)
{
	if (c->verified && !c->diffs && c->cycles_ok) {
		snprintf(s, n, "yes");
		return;
	}
	snprintf(s, n, "NO (%s%s%s%s%s)", c->verified ? "" : "output",
	         !c->verified && (c->diffs || !c->cycles_ok) ? ", " : "",
	         c->diffs ? "counts" : "", c->diffs && !c->cycles_ok ? ", " : "",
	         c->cycles_ok ? "" : "cycles");
}

void netsim_table(FILE *f, const NetSim *ns, const NetDataflow *d)
{
	const Network *net = ns->net;
	const NetSimTotal *t = &d->tot;
	char arr[64], ds[16], v[64];
	array_text(arr, sizeof arr, &d->p->arch);
	fprintf(f, "network %s under %s (%s PEs, arch %s): each layer "
	        "simulated with Verilator and checked\n\n", net->name, d->file,
	        arr, d->p->arch.name ? d->p->arch.name : "baseline");
	fprintf(f, "%-10s %6s %14s %-6s %13s %13s %9s %6s %12s %8s  %s\n",
	        "layer", "repeat", "MACs", "design", "model cycles",
	        "RTL cycles", "RTL/model", "util", "energy uJ", "pJ/MAC",
	        "verified");
	for (int i = 0; i < net->nlayers; i++) {
		const NetRun *r = &d->run[i];
		const NetLayer *nl = &net->layer[i];
		fprintf(f, "%-10s %6ld %14ld %-6s ", nl->name, nl->repeat,
		        nl->layer.macs, r->design < 0 ? "-"
		        : dname(r->design, ds, sizeof ds));
		if (r->state != RUN_RAN) {
			fprintf(f, "%13s   %s (below)\n", "-", left_word(r->state));
			continue;
		}
		const SimCheck *c = &r->c;
		verdict(v, sizeof v, c);
		fprintf(f, "%13ld %13ld %9.4f %5.1f%% %12.3f %8.3f  %s\n",
		        c->ht.cycles, c->m.cycles, c->ratio, 100 * c->m.utilization,
		        c->m.e_total / 1e6, c->m.pj_per_mac, v);
	}
	int left = net->nlayers - t->entries;
	fprintf(f, "%-10s %6ld %14ld %-6s %13ld %13ld %9.4f %5.1f%% %12.3f "
	        "%8.3f  %d of %d\n", left ? "ran" : "total", t->layers, t->macs,
	        "", t->model_cycles, t->cycles, t->model_cycles ?
	        (double)t->cycles / (double)t->model_cycles : 0,
	        100 * t->utilization, t->energy / 1e6, t->pj_per_mac,
	        t->verified, t->entries);
	fprintf(f, "(totals: the %d layers that ran, each `repeat` times; "
	        "verified: the output equals the CPU's bit for bit, every "
	        "count the model's, the cycles within [%.2f, %.2f] of its)\n",
	        t->entries, SIM_CYCLES_LO, SIM_CYCLES_HI);
	if (left) {
		fprintf(f, "\n%d of %d layers did not run; the totals leave them "
		        "out (%ld of %ld MACs ran):\n", left, net->nlayers, t->macs,
		        d->model.macs_all);
		for (int i = 0; i < net->nlayers; i++)
			if (d->run[i].state != RUN_RAN)
				fprintf(f, "  %s: %s: %s\n", net->layer[i].name,
				        left_word(d->run[i].state), d->run[i].why);
	}
}

/* A layer's figures as the hardware measured them, and its checks. */
static void run_json(FILE *f, const NetRun *r)
{
	const SimCheck *c = &r->c;
	int pass = c->verified && !c->diffs && c->cycles_ok;
	fprintf(f, ", \"model_cycles\": %ld, \"cycles\": %ld, \"ratio\": %.6f, "
	        "\"utilization\": %.6f, \"energy_pj\": %.4f, \"pj_per_mac\": "
	        "%.6f,\n    \"verified\": %s, \"bit_exact\": %s, "
	        "\"counts_equal\": %s, \"count_diffs\": %d, \"cycles_within\": "
	        "%s,\n    \"sim\": ", c->ht.cycles, c->m.cycles, c->ratio,
	        c->m.utilization, c->m.e_total, c->m.pj_per_mac,
	        pass ? "true" : "false", c->verified ? "true" : "false",
	        c->diffs ? "false" : "true", c->diffs,
	        c->cycles_ok ? "true" : "false");
	report_json(f, r->hw->ln, &c->m, c->verified);
	fputs("  }", f);
}

static void simtotal_json(FILE *f, const NetSimTotal *t, int nlayers,
                          long macs_all)
{
	fprintf(f, "{ \"ran\": %d, \"verified\": %d, \"left_out\": %d, "
	        "\"layers\": %ld, \"macs\": %ld, \"macs_all\": %ld, "
	        "\"cycles\": %ld, \"model_cycles\": %ld, \"utilization\": %.6f, "
	        "\"energy_pj\": %.4f, \"mac_energy_pj\": %.4f, "
	        "\"pj_per_mac\": %.6f }", t->entries, t->verified,
	        nlayers - t->entries, t->layers, t->macs, macs_all, t->cycles,
	        t->model_cycles, t->utilization, t->energy, t->e_mac,
	        t->pj_per_mac);
}

void netsim_json(FILE *f, const NetSim *ns, const NetDataflow *d)
{
	const Network *net = ns->net;
	char ds[16];
	fputs("{ \"dataflow\": ", f);
	jesc(f, d->file);
	fprintf(f, ", \"arch\": ");
	jesc(f, d->p->arch.name ? d->p->arch.name : "baseline");
	fprintf(f, ", \"pes\": %ld, \"complete\": %s,\n  \"total\": ",
	        arch_pes(&d->p->arch), d->tot.verified == net->nlayers
	        ? "true" : "false");
	simtotal_json(f, &d->tot, net->nlayers, d->model.macs_all);
	fputs(",\n  \"layers\": [\n", f);
	for (int i = 0; i < net->nlayers; i++) {
		const NetRun *r = &d->run[i];
		const NetLayer *nl = &net->layer[i];
		fputs("  { \"layer\": ", f);
		jesc(f, nl->name);
		fprintf(f, ", \"kind\": \"%s\", \"repeat\": %ld, \"macs\": %ld, "
		        "\"status\": \"%s\", \"design\": ", kind_name(nl->kind),
		        nl->repeat, nl->layer.macs, status_word(r));
		if (r->design < 0)
			fputs("null", f);
		else
			jesc(f, dname(r->design, ds, sizeof ds));
		if (r->state == RUN_RAN) {
			run_json(f, r);
		} else {
			fputs(", \"error\": ", f);
			jesc(f, r->why);
			fputs(" }", f);
		}
		fprintf(f, "%s\n", i + 1 < net->nlayers ? "," : "");
	}
	fputs("  ] }", f);
}

/* The layers that use design j: "a, b" (each with its dataflow file
 * when there are several), or (json) a JSON array of names. */
static void users(FILE *f, const NetSim *ns, int j, int json)
{
	int n = 0;
	for (int k = 0; k < ns->ndf; k++)
		for (int i = 0; ns->df[k].ok && i < ns->net->nlayers; i++) {
			if (ns->df[k].run[i].design != j)
				continue;
			fputs(n++ ? ", " : json ? "[" : "", f);
			if (json) {
				jesc(f, ns->net->layer[i].name);
			} else {
				fputs(ns->net->layer[i].name, f);
				if (ns->ndf > 1)
					fprintf(f, " (%s)", ns->df[k].file);
			}
		}
	if (json)
		fputs(n ? "]" : "[]", f);
}

void netsim_designs(FILE *f, const NetSim *ns, int json)
{
	int built = 0, found = 0;
	char ds[16];
	for (int j = 0; j < ns->nd; j++) {
		built += ns->d[j].b.ok && ns->d[j].b.built;
		found += ns->d[j].b.ok && !ns->d[j].b.built;
	}
	if (json)
		fprintf(f, "\"designs\": [");
	else
		fprintf(f, "designs: %d distinct, %d built now, %d found built, "
		        "%d failed to build\n", ns->nd, built, found,
		        ns->nd - built - found);
	for (int j = 0; j < ns->nd; j++) {
		const NetBuild *b = &ns->d[j].b;
		if (json) {
			fprintf(f, "%s\n  { \"design\": \"%s\", \"dataflow\": ",
			        j ? "," : "", dname(j, ds, sizeof ds));
			jesc(f, ns->df[ns->d[j].df].file);
			fputs(", \"layers\": ", f);
			users(f, ns, j, 1);
			fprintf(f, ", \"built\": %s, \"ok\": %s, \"build_seconds\": "
			        "%.3f", b->built ? "true" : "false",
			        b->ok ? "true" : "false", b->seconds);
			if (!b->ok) {
				fputs(", \"error\": ", f);
				jesc(f, b->err);
			}
			fputs(" }", f);
			continue;
		}
		fprintf(f, "  %-4s ", dname(j, ds, sizeof ds));
		users(f, ns, j, 0);
		if (b->ok)
			fprintf(f, ": %s in %.1f s\n", b->built ? "built" : "found built",
			        b->seconds);
		else
			fprintf(f, ": the build failed: %s\n", b->err);
	}
	if (json)
		fputs(" ]", f);
}

/* Dataflow d's runs that ran (and are marked in mask, when given),
 * each counted `repeat` times. */
void netsim_total(const NetSim *ns, const NetDataflow *d,
                  const unsigned char *mask, NetSimTotal *t)
{
	*t = (NetSimTotal){0};
	for (int i = 0; i < ns->net->nlayers; i++) {
		const NetRun *r = &d->run[i];
		long rep = ns->net->layer[i].repeat;
		if (r->state != RUN_RAN || (mask && !mask[i]))
			continue;
		const Model *m = &r->c.m;
		t->entries++;
		t->verified += r->rc == 0;
		t->layers += rep;
		t->macs += m->macs * rep;
		t->cycles += m->cycles * rep;
		t->model_cycles += r->c.ht.cycles * rep;
		t->energy += m->e_total * rep;
		t->e_mac += m->e_mac * rep;
		t->pes = m->pes;
	}
	t->pj_per_mac = t->macs ? t->energy / (double)t->macs : 0;
	t->utilization = t->cycles && t->pes
	                 ? (double)t->macs / ((double)t->pes *
	                                      (double)t->cycles) : 0;
}


/* The layers a comparison of several dataflows leaves out (those not
 * marked in common), each with the dataflows that did not map it (ran
 * 0) or did not run it (ran 1, with what became of it): as lines after
 * " (M of M' MACs); N left out:", or as the JSON array "left_out". */
void netreport_left_out(FILE *f, const NetSim *ns,
                        const unsigned char *common, int ran, int json)
{
	const Network *net = ns->net;
	int n = 0;
	long macs = 0, all = 0;
	for (int i = 0; i < net->nlayers; i++) {
		long m = net->layer[i].layer.macs * net->layer[i].repeat;
		n += !common[i];
		all += m;
		macs += common[i] ? m : 0;
	}
	if (json)
		fputs(", \"left_out\": [", f);
	else
		fprintf(f, " (%ld of %ld MACs); %d left out%s\n", macs, all, n,
		        n ? ":" : "");
	for (int i = 0, m = 0; i < net->nlayers; i++) {
		if (common[i])
			continue;
		if (json) {
			fputs(m++ ? ",\n    { \"layer\": " : "\n    { \"layer\": ", f);
			jesc(f, net->layer[i].name);
			fputs(", \"by\": [", f);
		} else {
			fprintf(f, "  %s:", net->layer[i].name);
		}
		const char *prev = NULL;   /* the text's last word */
		for (int k = 0, b = 0; k < ns->ndf; k++) {
			const NetDataflow *d = &ns->df[k];
			if (!d->ok || (ran ? d->run[i].state == RUN_RAN
			                   : d->res[i].mapped))
				continue;
			const char *w = ran ? left_word(d->run[i].state) : "not mapped";
			if (json) {
				fputs(b++ ? ", { \"dataflow\": " : "{ \"dataflow\": ", f);
				jesc(f, d->file);
				fprintf(f, ", \"status\": \"%s\" }", ran
				        ? status_word(&d->run[i]) : w);
			} else if (prev && !strcmp(prev, w)) {
				fprintf(f, ", %s", d->file);
			} else {
				fprintf(f, "%s %s under %s", prev ? ";" : "", w, d->file);
				prev = w;
			}
		}
		fputs(json ? "] }" : "\n", f);
	}
	if (json)
		fputs(n ? " ]" : "]", f);
}

void netsim_common(FILE *f, const NetSim *ns, int json)
{
	const Network *net = ns->net;
	if (json)
		fprintf(f, ",\n\"compared\": { \"layers\": %d, \"names\": [",
		        ns->ncommon);
	else
		fprintf(f, "\nnetwork %s: each dataflow's totals over the %d of %d "
		        "layers every dataflow ran", net->name, ns->ncommon,
		        net->nlayers);
	for (int i = 0, n = 0; json && i < net->nlayers; i++)
		if (ns->common[i]) {
			fputs(n++ ? ", " : "", f);
			jesc(f, net->layer[i].name);
		}
	if (json)
		fputs("]", f);
	netreport_left_out(f, ns, ns->common, 1, json);
	if (json)
		fputs(",\n  \"dataflows\": [", f);
	else
		fprintf(f, "%-40s %15s %8s %15s %6s %s\n", "dataflow", "energy uJ",
		        "pJ/MAC", "RTL cycles", "util", "verified");
	for (int k = 0, n = 0; k < ns->ndf; k++) {
		const NetDataflow *d = &ns->df[k];
		if (!d->ok)
			continue;
		NetSimTotal t;
		netsim_total(ns, d, ns->common, &t);
		if (json) {
			fputs(n++ ? ",\n    { \"dataflow\": " : "\n    { \"dataflow\": ",
			      f);
			jesc(f, d->file);
			fputs(", \"total\": ", f);
			simtotal_json(f, &t, net->nlayers, d->model.macs_all);
			fputs(" }", f);
		} else {
			fprintf(f, "%-40s %15.3f %8.3f %15ld %5.1f%% %d/%d\n", d->file,
			        t.energy / 1e6, t.pj_per_mac, t.cycles,
			        100 * t.utilization, t.verified, t.entries);
		}
	}
	if (json)
		fputs(" ] }", f);
}

/* The layers of every dataflow that have no design, and why. */
static void left_out(FILE *f, const NetSim *ns, int json)
{
	int n = 0;
	for (int k = 0; k < ns->ndf; k++)
		for (int i = 0; ns->df[k].ok && i < ns->net->nlayers; i++) {
			const NetRun *r = &ns->df[k].run[i];
			if (r->design >= 0)
				continue;
			if (json) {
				fputs(n++ ? ",\n  { \"dataflow\": " : "\n  { \"dataflow\": ",
				      f);
				jesc(f, ns->df[k].file);
				fputs(", \"layer\": ", f);
				jesc(f, ns->net->layer[i].name);
				fprintf(f, ", \"status\": \"%s\", \"error\": ",
				        status_word(r));
				jesc(f, r->why);
				fputs(" }", f);
			} else {
				if (!n++)
					fprintf(f, "\nlayers without a design:\n");
				fprintf(f, "  %s", ns->net->layer[i].name);
				if (ns->ndf > 1)
					fprintf(f, " (%s)", ns->df[k].file);
				fprintf(f, ": %s: %s\n", left_word(r->state), r->why);
			}
		}
}

void netsynth_table(FILE *f, const NetSim *ns)
{
	char ds[16];
	const char *lib = "";
	for (int j = 0; j < ns->nd && !*lib; j++)
		if (ns->d[j].s->rc == SYNTH_OK)
			lib = ns->d[j].s->r.libname;
	fprintf(f, "network %s: %d distinct designs, synthesized (yosys to "
	        "%s, OpenSTA)\n\n%-6s %5s %14s %12s %14s %14s %10s %9s %7s "
	        "%6s %7s %8s  %s\n", ns->net->name, ns->nd,
	        *lib ? lib : "the liberty", "design", "PEs", "area um2",
	        "NAND2 eq", "logic um2", "SRAM um2", "period ns", "MHz",
	        "MAC ns", "/MAC", "util", "GMAC/s", "layers");
	for (int j = 0; j < ns->nd; j++) {
		const NetDesign *d = &ns->d[j];
		const NetSynth *s = d->s;
		const SynthResult *r = &s->r;
		const Model *m = &ns->df[d->df].res[d->layer].m;
		fprintf(f, "%-6s ", dname(j, ds, sizeof ds));
		if (s->rc != SYNTH_OK)
			fprintf(f, "%5s %14s   synthesis failed (below)  ", "-", "-");
		else
			fprintf(f, "%5ld %14.1f %12.1f %14.1f %14.1f %10.3f %9.2f "
			        "%7.3f %6.2f %7.4f %8.4f  ", r->npe, r->total,
			        r->nand2_area > 0 ? r->total / r->nand2_area : 0,
			        r->logic, r->sram_area, r->period_ns,
			        r->period_ns > 0 ? 1e3 / r->period_ns : 0,
			        r->mac_period_ns, r->mac_period_ns > 0 ? r->period_ns /
			        r->mac_period_ns : 0, m->utilization,
			        synth_macs_per_second(r, m) / 1e9);
		users(f, ns, j, 0);
		fputc('\n', f);
	}
	for (int j = 0; j < ns->nd; j++)
		if (ns->d[j].s->rc != SYNTH_OK)
			fprintf(f, "  %s: %s\n", dname(j, ds, sizeof ds),
			        ns->d[j].s->err);
	fprintf(f, "(area: logic mapped to the liberty's cells, SRAMs by the "
	        "model of docs/synthesis.md; period: OpenSTA's critical path;\n"
	        " MAC ns: a bare MAC's between registers, mapped and timed the "
	        "same way, /MAC the period over it;\n util: the model's "
	        "utilization of the design's first layer; GMAC/s: its MACs /\n"
	        " (its model cycles x the period))\n");
	left_out(f, ns, 0);
}

void netsynth_json(FILE *f, const NetSim *ns)
{
	char ds[16];
	fprintf(f, "{ \"network\": \"%s\", \"layers\": %d, \"dataflows\": [",
	        ns->net->name, ns->net->nlayers);
	for (int k = 0, n = 0; k < ns->ndf; k++)
		if (ns->df[k].ok) {
			fputs(n++ ? ", " : "", f);
			jesc(f, ns->df[k].file);
		}
	fputs("],\n\"designs\": [", f);
	for (int j = 0; j < ns->nd; j++) {
		const NetDesign *d = &ns->d[j];
		const SynthResult *r = &d->s->r;
		const Model *m = &ns->df[d->df].res[d->layer].m;
		fprintf(f, "%s\n  { \"design\": \"%s\", \"dataflow\": ", j ? "," : "",
		        dname(j, ds, sizeof ds));
		jesc(f, ns->df[d->df].file);
		fputs(", \"layers\": ", f);
		users(f, ns, j, 1);
		if (d->s->rc != SYNTH_OK) {
			fputs(", \"ok\": false, \"error\": ", f);
			jesc(f, d->s->err);
			fputs(" }", f);
			continue;
		}
		fprintf(f, ", \"ok\": true, \"pes\": %ld, \"area_um2\": %.3f, "
		        "\"nand2\": %.3f, \"logic_um2\": %.3f, \"sram_um2\": %.3f, "
		        "\"period_ns\": %.4f, \"mhz\": %.4f,\n    "
		        "\"mac_ref_period_ns\": %.4f, \"period_over_mac_ref\": %.6f, "
		        "\"utilization\": %.6f, \"utilization_source\": \"model\", "
		        "\"macs_per_second\": %.6e,\n    \"synth\": ", r->npe,
		        r->total, r->nand2_area > 0 ? r->total / r->nand2_area : 0,
		        r->logic, r->sram_area, r->period_ns,
		        r->period_ns > 0 ? 1e3 / r->period_ns : 0, r->mac_period_ns,
		        r->mac_period_ns > 0 ? r->period_ns / r->mac_period_ns : 0,
		        m->utilization, synth_macs_per_second(r, m));
		synth_report_json(f, d->hw, r, m);
		fputs("  }", f);
	}
	fputs(" ],\n\"left_out\": [", f);
	left_out(f, ns, 1);
	fputs(" ] }\n", f);
}
