/* import.c - `tessera import MODEL.onnx [-o NET.tsr] [--batch N]`: the
 * model's MAC layers as a network file (docs/networks.md).
 *
 * The nodes are walked in the model's order (ONNX keeps them sorted):
 * each node's output shapes are inferred from its inputs' (shapes.c,
 * layout.c), checked against the shapes the model declares, and a MAC
 * node (Conv, Gemm, MatMul and their integer forms) becomes an entry:
 *   Conv, group 1         conv  N K C Y X FY FX stride= dilation=
 *   Conv, group = C_in    depthwise ... (repeat = channel multiplier)
 *   Conv, other groups    conv with K/group, C/group, repeat = group
 *   Gemm                  fc N=M K=N C=K
 *   MatMul                fc; shared B: the batch dims join N; B with
 *                         batch dims of its own: repeat = their product
 * Every other node is a comment with its output shapes and element
 * count.  The text is read back by network_parse before it is written,
 * and its MACs must equal the nodes' (an internal error otherwise).
 */
#include "onnx.h"

#include <stdlib.h>
#include <string.h>

typedef struct Imp {
	OxGraph g;
	FILE *f;             /* the network's entries and comments */
	const char **names;  /* entry names used so far */
	int nlayers, nothers;
	long macs;           /* the nodes' MACs, to check the text against */
	long elems;          /* elements the other operators output */
} Imp;

/* MAC operators whose shapes the network format cannot hold yet: an
 * error, since leaving them out would undercount the network. */
static const char *const unmapped_macs[] = {
	"ConvTranspose", "LSTM", "GRU", "RNN", "Einsum", "DeformConv",
	"Attention", "MultiHeadAttention",
};
static const char *const control_flow[] = {"If", "Loop", "Scan"};

static int in_list(const char *const *l, size_t n, const char *op)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i], op))
			return 1;
	return 0;
}

/* A name from the model as printable ASCII, at most 60 bytes. */
static void clean(char *buf, size_t n, const char *s)
{
	size_t k = 0;
	for (; *s && k + 1 < n && k < 60; s++)
		buf[k++] = *s >= 32 && *s < 127 ? *s : '?';
	buf[k] = 0;
}

/* A message that quotes the model's names, on one line of printable
 * ASCII whatever bytes the names hold. */
static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s >= 32 && *s < 127 ? *s : '?', f);
	fputc('\n', f);
}

/* An entry name for node n: its name as an identifier (or the operator
 * and its index), made unique. */
static const char *entry_name(Imp *m, const OxNode *n)
{
	char base[64], name[80];
	size_t k = 0;
	for (const char *s = n->name; *s && k < 40; s++)
		base[k++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		            (*s >= '0' && *s <= '9') || *s == '_' ? *s : '_';
	base[k] = 0;
	if (!k || (base[0] >= '0' && base[0] <= '9')) {
		k = 0;
		for (const char *s = n->op; *s && k < 40; s++)
			base[k++] = *s >= 'A' && *s <= 'Z' ? *s | 32
			            : (*s >= 'a' && *s <= 'z') ||
			              (*s >= '0' && *s <= '9') ? *s : '_';
		snprintf(base + k, sizeof base - k, "_%d", n->index);
	}
	snprintf(name, sizeof name, "%s", base);
	for (int i = 0, dup = 1; i < m->nlayers; i++)
		if (!strcmp(m->names[i], name)) {
			snprintf(name, sizeof name, "%s_%d", base, ++dup);
			i = -1;
		}
	return m->names[m->nlayers++] = arena_strndup(m->g.a, name,
	                                              strlen(name));
}

/* "# Op #i 'name'" and its inputs' and outputs' shapes, as a comment. */
static void describe(Imp *m, const OxNode *n, int weight_at)
{
	char name[64], op[64], s[96];
	clean(name, sizeof name, n->name);
	clean(op, sizeof op, n->op);
	fprintf(m->f, "# %s #%d '%s': ", op, n->index, name);
	for (int i = 0, first = 1; i < n->nin; i++)
		if (n->in[i] && (i == 0 || i == weight_at)) {
			ox_shape_str(s, sizeof s, &n->in[i]->shape);
			fprintf(m->f, "%s%s", first ? "" : " x ", s);
			first = 0;
		}
	ox_shape_str(s, sizeof s, &n->out[0]->shape);
	fprintf(m->f, " -> %s", s);
	if (weight_at > 0 && n->in[weight_at] && !n->in[weight_at]->init)
		fprintf(m->f, " (both operands computed)");
}

/* Checks an entry's extents; 0 after an error. */
static int fits(Imp *m, const long *ext, int n, long repeat)
{
	long macs = repeat;
	if (repeat < 1 || repeat > 1L << 20)
		return ox_fail(&m->g, "it runs %ld times (the network format takes "
		               "repeat= up to 2^20)", repeat);
	for (int i = 0; i < n; i++) {
		if (ext[i] < 1 || ext[i] > OX_MAX_DIM)
			return ox_fail(&m->g, "an extent of %ld (from 1 to 2^31)",
			               ext[i]);
		if (macs > (1L << 50) / ext[i])
			return ox_fail(&m->g, "more than 2^50 MACs");
		macs *= ext[i];
	}
	m->macs += macs;
	return 1;
}

static int conv_entry(Imp *m, const OxNode *n)
{
	int wi = !strcmp(n->op, "QLinearConv") ? 3 : 1;
	const OxShape *x = &n->in[0]->shape, *w = &n->in[wi]->shape;
	const OxShape *o = &n->out[0]->shape;
	OxWindow c;
	if (!ox_window(&m->g, n, x, w, &c))
		return 0;
	if (c.nsp == 3)
		return ox_fail(&m->g, "a 3-D convolution (the network format has "
		               "two spatial dims)");
	int two = c.nsp == 2;
	if (two && (c.s[0] != c.s[1] || c.d[0] != c.d[1]))
		return ox_fail(&m->g, "strides %ldx%ld and dilations %ldx%ld (the "
		               "network format takes one stride and one dilation "
		               "for both dims)", c.s[0], c.s[1], c.d[0], c.d[1]);
	long G = c.group, cg = w->dim[1], kg = w->dim[0] / G;
	long Y = two ? o->dim[2] : 1, X = o->dim[2 + two];
	long FY = two ? c.k[0] : 1, FX = c.k[two];
	int dw = G > 1 && cg == 1;
	long ext[] = {o->dim[0], dw ? 1 : kg, dw ? G : cg, Y, X, FY, FX};
	long repeat = dw ? kg : G;
	if (!fits(m, ext, 7, repeat))
		return 0;
	fprintf(m->f, "  %s: ", entry_name(m, n));
	if (dw)
		fprintf(m->f, "depthwise N=%ld C=%ld", ext[0], ext[2]);
	else
		fprintf(m->f, "conv N=%ld K=%ld C=%ld", ext[0], ext[1], ext[2]);
	fprintf(m->f, " Y=%ld X=%ld FY=%ld FX=%ld", Y, X, FY, FX);
	if (c.s[0] > 1)
		fprintf(m->f, " stride=%ld", c.s[0]);
	if (c.d[0] > 1)
		fprintf(m->f, " dilation=%ld", c.d[0]);
	if (repeat > 1)
		fprintf(m->f, " repeat=%ld", repeat);
	fprintf(m->f, "   ");
	describe(m, n, wi);
	fprintf(m->f, ", pads");
	for (int i = 0; i < c.nsp; i++)
		fprintf(m->f, " %ld", c.pb[i]);
	for (int i = 0; i < c.nsp; i++)
		fprintf(m->f, " %ld", c.pe[i]);
	if (G > 1)
		fprintf(m->f, ", group %ld", G);
	fputc('\n', m->f);
	return 1;
}

/* Gemm and MatMul as fc N=rows K=columns C=the reduction. */
static int fc_entry(Imp *m, const OxNode *n)
{
	int bi = !strcmp(n->op, "QLinearMatMul") ? 3 : 1;
	const OxShape *a = &n->in[0]->shape, *b = &n->in[bi]->shape;
	long rows, cols, red, repeat = 1;
	if (!strcmp(n->op, "Gemm")) {
		int ta = ox_attr_int(n, "transA", 0) != 0;
		int tb = ox_attr_int(n, "transB", 0) != 0;
		rows = a->dim[ta];
		red = a->dim[!ta];
		cols = b->dim[!tb];
	} else {
		OxShape r;
		if (!ox_matmul_shape(&m->g, a, b, &r))
			return 0;
		rows = a->rank > 1 ? a->dim[a->rank - 2] : 1;
		red = a->dim[a->rank - 1];
		cols = b->rank > 1 ? b->dim[b->rank - 1] : 1;
		long batch = ox_elems(&r) / (rows && cols ? rows * cols : 1);
		long bbatch = 1;
		for (int i = 0; i + 2 < b->rank; i++)
			bbatch *= b->dim[i];
		if (bbatch == 1)  /* one B for every row of A: a bigger N */
			rows *= batch;
		else
			repeat = batch;
	}
	long ext[] = {rows, cols, red};
	if (!fits(m, ext, 3, repeat))
		return 0;
	fprintf(m->f, "  %s: fc N=%ld K=%ld C=%ld", entry_name(m, n), rows,
	        cols, red);
	if (repeat > 1)
		fprintf(m->f, " repeat=%ld", repeat);
	fprintf(m->f, "   ");
	describe(m, n, bi);
	fputc('\n', m->f);
	return 1;
}

/* Any other node: a comment with its outputs and their elements. */
static void other_comment(Imp *m, const OxNode *n)
{
	char name[64], op[64], s[96];
	long e = 0;
	clean(name, sizeof name, n->name);
	clean(op, sizeof op, n->op);
	fprintf(m->f, "  # %s #%d '%s': ", op, n->index, name);
	for (int k = 0, first = 1; k < n->nout; k++)
		if (n->out[k] && n->out[k]->known) {
			ox_shape_str(s, sizeof s, &n->out[k]->shape);
			fprintf(m->f, "%s%s", first ? "" : ", ", s);
			e += ox_elems(&n->out[k]->shape);
			first = 0;
		}
	fprintf(m->f, " (%ld elements)\n", e);
	m->nothers++;
	m->elems += e;
}

/* The declared shape where the operator is not known; 0 if none. */
static int declared_outputs(Imp *m, OxNode *n)
{
	for (int k = 0; k < n->nout; k++) {
		OxValue *v = n->out[k];
		if (!v)
			continue;
		int ok = v->declared && !m->g.batch_from;
		for (int i = 0; ok && i < v->decl.rank; i++)
			ok = v->decl.dim[i] >= 0;
		if (!ok)
			return ox_fail(&m->g, "operator %s%s%s is not one the importer "
			               "knows (docs/networks.md), and the model does "
			               "not declare a fixed shape of output '%s'%s",
			               n->domain[0] ? n->domain : "",
			               n->domain[0] ? "." : "", n->op, v->name,
			               m->g.batch_from ? " for --batch" : "");
		if (!ox_set_out(&m->g, n, k, &v->decl))
			return 0;
	}
	return 1;
}

/* Inferred output shapes must equal the declared ones (unless --batch
 * changed the batch, which the declarations do not know of). */
static int check_declared(Imp *m, const OxNode *n)
{
	for (int k = 0; k < n->nout && !m->g.batch_from; k++) {
		const OxValue *v = n->out[k];
		if (!v || !v->declared || !v->known)
			continue;
		int same = v->decl.rank == v->shape.rank;
		for (int i = 0; same && i < v->decl.rank; i++)
			same = v->decl.dim[i] < 0 || v->decl.dim[i] == v->shape.dim[i];
		if (!same) {
			char a[96], b[96];
			ox_shape_str(a, sizeof a, &v->decl);
			ox_shape_str(b, sizeof b, &v->shape);
			return ox_fail(&m->g, "output '%s' is declared %s, but its "
			               "inputs give %s", v->name, a, b);
		}
	}
	return 1;
}

static int is_conv(const char *op)
{
	return !strcmp(op, "Conv") || !strcmp(op, "ConvInteger") ||
	       !strcmp(op, "QLinearConv");
}

static int is_product(const char *op)
{
	return !strcmp(op, "Gemm") || !strcmp(op, "MatMul") ||
	       !strcmp(op, "MatMulInteger") || !strcmp(op, "QLinearMatMul");
}

static int walk_node(Imp *m, OxNode *n)
{
	OxGraph *g = &m->g;
	for (int i = 0; i < n->nin; i++)
		if (n->in[i] && !n->in[i]->known)
			return ox_fail(g, "the shape of input '%s' is not known",
			               n->in[i]->name);
	if (in_list(unmapped_macs, sizeof unmapped_macs / sizeof *unmapped_macs,
	            n->op))
		return ox_fail(g, "%s multiplies and accumulates, and the importer "
		               "does not map it to a layer yet (leaving it out "
		               "would undercount the network)", n->op);
	if (in_list(control_flow, 3, n->op))
		return ox_fail(g, "control flow (%s) is not followed", n->op);
	if (n->domain[0] && strcmp(n->domain, "ai.onnx") &&
	    (strstr(n->op, "Conv") || strstr(n->op, "MatMul") ||
	     strstr(n->op, "Gemm") || strstr(n->op, "Attention")))
		return ox_fail(g, "%s.%s looks like a MAC operator of another "
		               "domain than ONNX's, which the importer does not "
		               "map (leaving it out would undercount the "
		               "network)", n->domain, n->op);
	if (!n->nout || !n->out[0])
		return ox_fail(g, "the node's first output is left out");
	int r = ox_infer(g, n);
	if (r < 0)
		r = declared_outputs(m, n);
	if (!r || !check_declared(m, n))
		return 0;
	int mac = !n->domain[0] || !strcmp(n->domain, "ai.onnx");
	if (mac && is_conv(n->op))
		return conv_entry(m, n);
	if (mac && is_product(n->op))
		return fc_entry(m, n);
	other_comment(m, n);
	return 1;
}

/* Graph inputs: their declared shapes, the batch dim from --batch. */
static int set_inputs(Imp *m, long batch)
{
	OxGraph *g = &m->g;
	for (int i = 0; i < g->ninputs; i++) {
		OxValue *v = g->inputs[i];
		if (!v->declared)
			return ox_fail(g, "input '%s' declares no shape", v->name);
		v->shape = v->decl;
		if (batch && v->decl.rank) {  /* an open batch: no batch_from */
			if (v->decl.dim[0] != batch && v->decl.dim[0] > 0)
				g->batch_from = v->decl.dim[0];
			v->shape.dim[0] = batch;
		}
		for (int k = 0; k < v->shape.rank; k++)
			if (v->shape.dim[k] < 0) {
				if (k == 0)
					return ox_fail(g, "input '%s' has a batch dim of no "
					               "fixed size%s%s%s; give --batch N",
					               v->name, v->param0 ? " ('" : "",
					               v->param0 ? v->param0 : "",
					               v->param0 ? "')" : "");
				return ox_fail(g, "input '%s' has dim %d of no fixed size",
				               v->name, k);
			}
		v->known = 1;
	}
	g->batch_to = g->batch_from ? batch : 0;
	return 1;
}

/* The network's name: the graph's, or the file's, as an identifier. */
static const char *network_name(Imp *m, const char *path)
{
	const char *s = m->g.name[0] ? m->g.name : path;
	if (!m->g.name[0] && strrchr(s, '/'))
		s = strrchr(s, '/') + 1;
	char buf[64];
	size_t k = 0;
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		k = (size_t)snprintf(buf, sizeof buf, "net_");
	for (; *s && *s != '.' && k + 1 < sizeof buf; s++)
		buf[k++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		           (*s >= '0' && *s <= '9') ? *s : '_';
	buf[k] = 0;
	return arena_strndup(m->g.a, buf, k);
}

/* The file's text: a header, then the entries; NULL after an error. */
static char *network_text(Imp *m, const char *path, long batch, char *body)
{
	char file[64], prod[64];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	clean(file, sizeof file, base);
	clean(prod, sizeof prod, m->g.producer);
	long n0 = batch;
	for (int i = 0; !n0 && i < m->g.ninputs; i++)
		n0 = m->g.inputs[i]->shape.rank ? m->g.inputs[i]->shape.dim[0] : 0;
	return arena_printf(m->g.a,
	        "# Imported by `tessera import` from %s (producer '%s', opset "
	        "%ld),\n# batch %ld%s: %d MAC layers, %ld MACs; %d other "
	        "operators, %ld elements out.\n# Each MAC node (Conv, Gemm, "
	        "MatMul) is an entry, the node, its shapes\n# and pads after "
	        "it; every other node is a comment (docs/networks.md).\n"
	        "network %s {\n%s}\n", file, prod, m->g.opset, n0,
	        batch ? " (--batch)" : "", m->nlayers, m->macs, m->nothers,
	        m->elems, network_name(m, path), body);
}

int onnx_import(const char *path, const char *out, long batch)
{
	Arena *a = arena_new();
	Imp m = {0};
	char *body = NULL;
	size_t len = 0;
	int rc = EXIT_USER;
	if (!ox_read(a, path, &m.g) || !set_inputs(&m, batch)) {
		fprintf(stderr, "%s: error: ", path);
		put_clean(stderr, m.g.err);
		goto done;
	}
	m.names = arena_alloc(a, sizeof *m.names * (size_t)(m.g.nnodes + 1));
	m.f = open_memstream(&body, &len);
	if (!m.f)
		INTERNAL("open_memstream failed");
	for (int i = 0; i < m.g.nnodes; i++) {
		OxNode *n = &m.g.node[i];
		if (!walk_node(&m, n)) {
			char name[64], op[64];
			clean(name, sizeof name, n->name);
			clean(op, sizeof op, n->op);
			fprintf(stderr, "%s: error: node %d '%s' (%s): ", path,
			        n->index, name, op);
			put_clean(stderr, m.g.err);
			fclose(m.f);
			goto done;
		}
	}
	fclose(m.f);
	if (!m.nlayers) {
		fprintf(stderr, "%s: error: the model has no MAC layer (Conv, Gemm "
		        "or MatMul)\n", path);
		goto done;
	}
	if (m.nlayers > 4096) {
		fprintf(stderr, "%s: error: %d MAC layers (a network file holds at "
		        "most 4096)\n", path, m.nlayers);
		goto done;
	}
	char *text = network_text(&m, path, batch, body);
	/* read back: what is written must parse, with the nodes' MACs */
	Source *src = source_from_text(a, out ? out : "<import>", text,
	                               strlen(text));
	Diag d = {.out = stderr};
	Network net;
	if (!network_parse(a, &d, src, &net))
		INTERNAL("the imported network does not read back");
	long macs = 0;
	for (int i = 0; i < net.nlayers; i++)
		macs += net.layer[i].layer.macs * net.layer[i].repeat;
	if (macs != m.macs || net.nlayers != m.nlayers)
		INTERNAL("the imported network reads back as %d layers and %ld "
		         "MACs, not %d and %ld", net.nlayers, macs, m.nlayers,
		         m.macs);
	if (!out) {
		fputs(text, stdout);
		rc = 0;
	} else if (!file_write(out, text, strlen(text))) {
		fprintf(stderr, "tessera: cannot write %s\n", out);
	} else {
		printf("%s: network %s: %d MAC layers, %ld MACs; %d other "
		       "operators\n", out, net.name, m.nlayers, m.macs, m.nothers);
		rc = 0;
	}
done:
	free(body);
	arena_free(a);
	return rc;
}
