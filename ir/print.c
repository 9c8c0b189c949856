/* print.c - the loop IR as text: the debug dump of `tessera ir` and the
 * golden format of the tests, so its output must stay stable.
 *
 *   layer, tensors, arch        header lines
 *   where k = 16*ko + ki < 384  how each layer loop is rebuilt
 *   for ko [24] @DRAM accelerate
 *     buffer I @GB              staged inside the loop above
 *     spatial ki [16] dim 0     unrolled onto the PE array
 *       O(n,k,y,x) += ...       the statement, innermost
 */
#include "tessera.h"

#include <string.h>

static void print_type(FILE *f, ElemType t)
{
	fprintf(f, "%c%d", t.is_signed ? 'i' : 'u', t.bits);
}

static void print_affine(FILE *f, const Affine *a)
{
	int first = 1;
	for (int d = 0; d < NDIMS; d++) {
		if (!a->coef[d])
			continue;
		if (!first)
			fputc('+', f);
		if (a->coef[d] != 1)
			fprintf(f, "%ld*", a->coef[d]);
		fputs(dim_lower[d], f);
		first = 0;
	}
	if (a->offset || first)
		fprintf(f, first ? "%ld" : "+%ld", a->offset);
}

static void print_ref(FILE *f, const Tensor *t)
{
	fprintf(f, "%s(", t->name);
	for (int r = 0; r < t->rank; r++) {
		if (r)
			fputc(',', f);
		print_affine(f, &t->idx[r]);
	}
	fputc(')', f);
}

void layer_print_stmt(FILE *f, const Layer *l)
{
	print_ref(f, &l->t[T_OUT]);
	fputs(" += ", f);
	print_ref(f, &l->t[T_A]);
	fputs(" * ", f);
	print_ref(f, &l->t[T_B]);
}

static void print_header(FILE *f, const LoopNest *ln)
{
	const Layer *l = ln->layer;
	fprintf(f, "layer %s: ", l->name);
	layer_print_stmt(f, l);
	fputs("\n ", f);
	for (int d = 0; d < NDIMS; d++)
		if (l->extent[d])
			fprintf(f, " %s=%ld", dim_upper[d], l->extent[d]);
	fprintf(f, "  (%ld MACs)\n ", l->macs);
	for (int t = 0; t < NTENSORS; t++) {
		fprintf(f, " %s ", l->t[t].name);
		print_type(f, l->t[t].type);
		for (int r = 0; r < l->t[t].rank; r++)
			fprintf(f, "%c%ld", r ? ',' : '[', l->t[t].shape[r]);
		fputc(']', f);
	}
	const Arch *a = ln->arch;
	fprintf(f, "\narch %s: %ld", a->name, a->dim[0]);
	if (a->ndims > 1)
		fprintf(f, "x%ld", a->dim[1]);
	fputs(" PEs", f);
	for (int i = 0; i < a->nlevels; i++) {
		const Level *lv = &a->level[i];
		fprintf(f, "; %s ", lv->name);
		if (lv->offchip)
			fputs("off-chip", f);
		else
			fprintf(f, "%ld B%s", lv->bytes, lv->per_pe ? " per PE" : "");
		fprintf(f, " %.4g pJ", lv->pj);
		for (int t = 0, n = 0; t < NTENSORS && lv->nholds; t++)
			if (arch_holds(a, i, t))
				fprintf(f, "%s %s", n++ ? "," : " holds",
				        ln->layer->t[t].name);
		static const char *const act[NACTIONS] = {"read", "fill", "update"};
		for (int k = 0; k < lv->nacts; k++)
			fprintf(f, " %s%s%s %.4g pJ", act[lv->act[k].action],
			        lv->act[k].tname ? " " : "",
			        lv->act[k].tname ? lv->act[k].tname : "", lv->act[k].pj);
		if (lv->leak_pj)
			fprintf(f, " leak %.4g pJ", lv->leak_pj);
	}
	if (a->fills_free)
		fputs("; fills free", f);
	fputc('\n', f);
}

/* "where x = 4*xo + xi < 10": the parts of each guard, largest stride
 * first. */
static void print_guards(FILE *f, const LoopNest *ln)
{
	for (int g = 0; g < ln->nguards; g++) {
		if (g < NDIMS && !ln->layer->extent[g])
			continue;
		const Part *parts[MAX_LOOPS * MAX_PARTS];
		long strides[MAX_LOOPS * MAX_PARTS];
		int n = 0;
		for (int i = 0; i < ln->nloops; i++)
			for (int p = 0; p < ln->loop[i].nparts; p++) {
				const Part *pt = &ln->loop[i].part[p];
				for (int k = 0; k < pt->nguards; k++)
					if (pt->guard[k] == g) {
						parts[n] = pt;
						strides[n++] = pt->gstride[k];
					}
			}
		for (int a = 1; a < n; a++)
			for (int b = a; b > 0 && strides[b] > strides[b - 1]; b--) {
				const Part *tp = parts[b];
				long ts = strides[b];
				parts[b] = parts[b - 1];
				strides[b] = strides[b - 1];
				parts[b - 1] = tp;
				strides[b - 1] = ts;
			}
		int padding = ln->guard[g].padded && !ln->guard[g].trivial;
		if (n == 0 || (n == 1 && strides[0] == 1 && !padding &&
		               !strcmp(parts[0]->name, ln->guard[g].var)))
			continue;
		fprintf(f, "where %s = ", ln->guard[g].var);
		for (int k = 0; k < n; k++) {
			if (k)
				fputs(" + ", f);
			if (strides[k] != 1)
				fprintf(f, "%ld*", strides[k]);
			fputs(parts[k]->name, f);
		}
		fprintf(f, " < %ld%s\n", ln->guard[g].limit,
		        ln->guard[g].trivial ? "" : ln->guard[g].padded
		        ? " (padding tiles: idle steps beyond)" : " (edge tiles)");
	}
}

static void indent(FILE *f, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", f);
}

static void print_loop(FILE *f, const LoopNest *ln, int i)
{
	const Loop *l = &ln->loop[i];
	fprintf(f, "%s %s [%ld]", loop_kind_name[l->kind], l->name, l->extent);
	if (l->nparts > 1) {
		fputs(" fuses", f);
		for (int p = 0; p < l->nparts; p++)
			fprintf(f, "%s %s[%ld]", p ? " *" : "", l->part[p].name,
			        l->part[p].extent);
	}
	if (l->edge)
		fputs(loop_edge_padded(ln, i) ? " padded" : " edge", f);
	if (l->kind == LOOP_SPATIAL)
		fprintf(f, " dim %d%s", l->array_dim,
		        l->replicated ? " replicated" : "");
	if (l->kind == LOOP_SPATIAL && l->pe_stride > 1)
		fprintf(f, " pe-stride %ld", l->pe_stride);
	if (l->level >= 0)
		fprintf(f, " @%s", ln->arch->level[l->level].name);
	if (i == ln->accel)
		fputs(" accelerate", f);
	fputc('\n', f);
}

void loopnest_print(FILE *f, const LoopNest *ln)
{
	print_header(f, ln);
	for (int t = 0; t < NTENSORS; t++)
		for (int d = 0; d < MAX_ARRAY_DIMS; d++)
			if (ln->systolic[t][d])
				fprintf(f, "systolic %s along dim %d\n",
				        ln->layer->t[t].name, d);
	for (int t = 0; t < NTENSORS; t++) {
		int any = 0;
		for (int d = 0; d < ln->arch->ndims; d++)
			any |= ln->net[t][d] != NET_NONE;
		if (!any)
			continue;
		fprintf(f, "net %s:", ln->layer->t[t].name);
		for (int d = 0; d < ln->arch->ndims; d++)
			fprintf(f, "%s dim %d %s", d ? "," : "", d,
			        net_name[ln->net[t][d]]);
		fputs(ln->diagonal[t] ? "; shared diagonally\n" : "\n", f);
	}
	print_guards(f, ln);
	for (int i = 0; i < ln->nloops; i++) {
		indent(f, i);
		print_loop(f, ln, i);
		for (int k = 0; k < ln->nbufs; k++) {
			const Buffer *b = &ln->buf[k];
			if (b->at != i)
				continue;
			indent(f, i + 1);
			fprintf(f, "buffer %s @%s%s%s%s", ln->layer->t[b->tensor].name,
			        ln->arch->level[b->level].name,
			        b->double_buffered ? " double" : "",
			        b->keep_overlap ? " keep-overlap" : "",
			        b->implicit ? " implicit" : "");
			if (b->words)
				fprintf(f, ": %ld word%s, %ld B", b->words,
				        b->words == 1 ? "" : "s", b->bytes);
			if (b->refill >= 0)
				fprintf(f, ", refilled as %s steps",
				        ln->loop[b->refill].name);
			else if (b->refill == -1)
				fprintf(f, ", filled once");
			fputc('\n', f);
		}
	}
	indent(f, ln->nloops);
	layer_print_stmt(f, ln->layer);
	fputc('\n', f);
}
