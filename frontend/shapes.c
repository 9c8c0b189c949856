/* shapes.c - the output shapes of ONNX operators from their inputs',
 * by the rules of the ONNX operator specification, for the operators
 * that sit between MAC layers: element-wise and broadcasting ones,
 * normalizations, pooling, the MAC operators themselves, and the shape
 * operators (Reshape, Flatten, Transpose, Concat, Squeeze, Unsqueeze,
 * Gather, Slice, Split, Pad, Expand, Tile, reductions...).
 *
 * Shape arithmetic inside a model (Shape -> Gather -> Concat ->
 * Reshape) is followed by carrying the contents of small integer
 * tensors (OxValue.vals) through the operators that compute shapes.
 * An operator not listed here returns -1: the importer then takes the
 * output shapes the model declares, or stops with an error.
 */
#include "onnx.h"

#include <string.h>

/* The known shape of input i, or NULL (left out, or not known). */
const OxShape *ox_in_shape(const OxNode *n, int i)
{
	return i < n->nin && n->in[i] && n->in[i]->known ? &n->in[i]->shape
	                                                 : NULL;
}

/* Input i's integer contents (NULL if not known); *cnt their number. */
const long *ox_in_vals(const OxNode *n, int i, int *cnt)
{
	if (i >= n->nin || !n->in[i] || n->in[i]->nvals < 0)
		return NULL;
	*cnt = n->in[i]->nvals;
	return n->in[i]->vals;
}

/* Needs input i's shape: the shape, or NULL after an error. */
const OxShape *ox_need(OxGraph *g, const OxNode *n, int i)
{
	const OxShape *s = ox_in_shape(n, i);
	if (!s)
		ox_fail(g, "%s needs input %d, whose shape is not known", n->op,
		        i + 1);
	return s;
}

/* Sets output k's shape after checking it is sane. */
int ox_set_out(OxGraph *g, OxNode *n, int k, const OxShape *s)
{
	if (k >= n->nout || !n->out[k])
		return 1;
	long e = 1;
	for (int i = 0; i < s->rank; i++) {
		if (s->dim[i] < 0 || s->dim[i] > OX_MAX_DIM ||
		    (s->dim[i] && e > OX_MAX_ELEMS / s->dim[i]))
			return ox_fail(g, "output '%s' would have dim %d of %ld "
			               "(dims go from 0 to 2^31, 2^50 elements in "
			               "all)", n->out[k]->name, i, s->dim[i]);
		e *= s->dim[i];
	}
	n->out[k]->known = 1;
	n->out[k]->shape = *s;
	return 1;
}

void ox_set_vals(OxGraph *g, OxNode *n, int k, const long *v, long cnt)
{
	if (k >= n->nout || !n->out[k] || cnt > OX_MAX_VALUES || cnt < 0)
		return;
	long *c = arena_alloc(g->a, sizeof *c * (size_t)(cnt + 1));
	memcpy(c, v, sizeof *c * (size_t)cnt);
	n->out[k]->vals = c;
	n->out[k]->nvals = (int)cnt;
}

/* A list of integers from attribute `attr` (older opsets) or from input
 * `input` (newer ones): 1 found, 0 neither given, -1 given as an input
 * whose contents are not known (an error set). */
int ox_ints_of(OxGraph *g, const OxNode *n, const char *attr, int input,
                   const long **v, int *cnt)
{
	const OxAttr *at = attr ? ox_attr(n, attr) : NULL;
	if (at && at->type == OX_INTS) {
		*v = at->ints;
		*cnt = at->nints;
		return 1;
	}
	if (input < 0 || input >= n->nin || !n->in[input])
		return 0;
	*v = ox_in_vals(n, input, cnt);
	if (*v)
		return 1;
	ox_fail(g, "%s's input %d ('%s') must be known before running the "
	        "model (a constant or a shape computation)", n->op, input + 1,
	        n->in[input]->name);
	return -1;
}

/* An axis in [-rank, rank) as [0, rank); -1 after an error. */
int ox_axis(OxGraph *g, long a, int rank)
{
	if (a < -rank || a >= rank) {
		ox_fail(g, "axis %ld is outside a tensor of rank %d", a, rank);
		return -1;
	}
	return (int)(a < 0 ? a + rank : a);
}

/* Numpy broadcasting of a and b into r; 0 after an error. */
int ox_broadcast(OxGraph *g, const OxShape *a, const OxShape *b,
                     OxShape *r)
{
	OxShape t = {.rank = a->rank > b->rank ? a->rank : b->rank};
	for (int i = 0; i < t.rank; i++) {
		int ia = i - (t.rank - a->rank), ib = i - (t.rank - b->rank);
		long da = ia >= 0 ? a->dim[ia] : 1, db = ib >= 0 ? b->dim[ib] : 1;
		if (da != db && da != 1 && db != 1) {
			char sa[96], sb[96];
			ox_shape_str(sa, sizeof sa, a);
			ox_shape_str(sb, sizeof sb, b);
			return ox_fail(g, "shapes %s and %s do not broadcast", sa, sb);
		}
		t.dim[i] = da == 1 ? db : da;
	}
	*r = t;  /* r may be a or b */
	return 1;
}

/* ---- element-wise ---- */

static int op_same(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x || !ox_set_out(g, n, 0, x))
		return 0;
	if (!strcmp(n->op, "Dropout"))  /* its mask */
		ox_set_out(g, n, 1, x);
	int c;
	const long *v = ox_in_vals(n, 0, &c);
	if (v && (!strcmp(n->op, "Identity") || !strcmp(n->op, "Cast") ||
	          !strcmp(n->op, "CastLike")))
		ox_set_vals(g, n, 0, v, c);
	if (v && !strcmp(n->op, "Neg") && c <= OX_MAX_VALUES) {
		long r[OX_MAX_VALUES];
		for (int i = 0; i < c; i++)
			r[i] = -v[i];
		ox_set_vals(g, n, 0, r, c);
	}
	return 1;
}

/* Integer arithmetic on small tensors, as shape computations do it. */
static long arith(const char *op, long a, long b, long c)
{
	if (!strcmp(op, "Add"))
		return a + b;
	if (!strcmp(op, "Sub"))
		return a - b;
	if (!strcmp(op, "Mul"))
		return a * b;
	if (!strcmp(op, "Div"))
		return b ? a / b : 0;
	if (!strcmp(op, "Max"))
		return a > b ? a : b;
	if (!strcmp(op, "Min"))
		return a < b ? a : b;
	if (!strcmp(op, "Equal"))
		return a == b;
	return a ? b : c;  /* Where(cond, a, b) as (a, b, c) */
}

static int op_broadcast(OxGraph *g, OxNode *n)
{
	OxShape r = {0};
	int any = 0;
	for (int i = 0; i < n->nin; i++) {
		if (!n->in[i])
			continue;
		const OxShape *s = ox_need(g, n, i);
		if (!s || (any && !ox_broadcast(g, &r, s, &r)))
			return 0;
		if (!any)
			r = *s;
		any = 1;
	}
	if (!any)
		return ox_fail(g, "%s has no inputs", n->op);
	if (!ox_set_out(g, n, 0, &r))
		return 0;
	/* contents: only where every input is a scalar or a vector as long
	 * as the result, which is what shape computations use */
	static const char *const arith_ops[] = {"Add", "Sub", "Mul", "Div",
	                                        "Max", "Min", "Equal", "Where"};
	int arith_op = 0;
	for (size_t i = 0; i < sizeof arith_ops / sizeof *arith_ops; i++)
		arith_op |= !strcmp(n->op, arith_ops[i]);
	long len = ox_elems(&r);
	if (!arith_op || r.rank > 1 || len > OX_MAX_VALUES || n->nin > 3)
		return 1;
	const long *v[3];
	int c[3];
	for (int i = 0; i < n->nin; i++)
		if (!(v[i] = ox_in_vals(n, i, &c[i])) || (c[i] != 1 && c[i] != len))
			return 1;
	long out[OX_MAX_VALUES];
	for (long e = 0; e < len; e++) {
		long x[3] = {0, 0, 0};
		for (int i = 0; i < n->nin; i++)
			x[i] = v[i][c[i] == 1 ? 0 : e];
		out[e] = arith(n->op, x[0], x[1], x[2]);
	}
	ox_set_vals(g, n, 0, out, len);
	return 1;
}

/* ---- windows: convolution and pooling ---- */

/* Kernel, strides, dilations and pads of a Conv or pooling node over
 * input x (kernel from W's dims if kshape is given). */
int ox_window(OxGraph *g, const OxNode *n, const OxShape *x,
              const OxShape *w, OxWindow *c)
{
	*c = (OxWindow){.nsp = x->rank - 2, .group = 1};
	if (c->nsp < 1 || c->nsp > 3)
		return ox_fail(g, "%s input of rank %d (not 3 to 5)", n->op, x->rank);
	const OxAttr *k = ox_attr(n, "kernel_shape");
	const OxAttr *s = ox_attr(n, "strides"), *d = ox_attr(n, "dilations");
	const OxAttr *p = ox_attr(n, "pads");
	for (int i = 0; i < c->nsp; i++) {
		c->k[i] = k && k->type == OX_INTS && k->nints == c->nsp ? k->ints[i]
		          : w && w->rank == x->rank ? w->dim[2 + i] : -1;
		c->s[i] = s && s->type == OX_INTS && s->nints == c->nsp
		          ? s->ints[i] : 1;
		c->d[i] = d && d->type == OX_INTS && d->nints == c->nsp
		          ? d->ints[i] : 1;
		c->pb[i] = p && p->type == OX_INTS && p->nints == 2 * c->nsp
		           ? p->ints[i] : 0;
		c->pe[i] = p && p->type == OX_INTS && p->nints == 2 * c->nsp
		           ? p->ints[c->nsp + i] : 0;
		if (c->k[i] < 1 || c->s[i] < 1 || c->d[i] < 1 || c->pb[i] < 0 ||
		    c->pe[i] < 0 || c->k[i] > OX_MAX_DIM || c->s[i] > OX_MAX_DIM ||
		    c->d[i] > OX_MAX_DIM || c->pb[i] > OX_MAX_DIM ||
		    c->pe[i] > OX_MAX_DIM)
			return ox_fail(g, "%s has a kernel, stride, dilation or pad "
			               "out of range (or none of kernel_shape and a "
			               "weight's shape) in spatial dim %d", n->op, i);
	}
	c->group = ox_attr_int(n, "group", 1);
	const OxAttr *ap = ox_attr(n, "auto_pad");
	const char *mode = ap && ap->type == OX_STRING ? ap->s : "NOTSET";
	int ceil_mode = ox_attr_int(n, "ceil_mode", 0) != 0;
	for (int i = 0; i < c->nsp; i++) {
		long in = x->dim[2 + i], span = c->d[i] * (c->k[i] - 1) + 1;
		if (!strcmp(mode, "SAME_UPPER") || !strcmp(mode, "SAME_LOWER")) {
			c->out[i] = (in + c->s[i] - 1) / c->s[i];
			long pad = (c->out[i] - 1) * c->s[i] + span - in;
			pad = pad < 0 ? 0 : pad;
			c->pb[i] = mode[5] == 'U' ? pad / 2 : pad - pad / 2;
			c->pe[i] = pad - c->pb[i];
			continue;
		}
		if (!strcmp(mode, "VALID"))
			c->pb[i] = c->pe[i] = 0;
		else if (strcmp(mode, "NOTSET"))
			return ox_fail(g, "unknown auto_pad '%s'", mode);
		long room = in + c->pb[i] + c->pe[i] - span;
		if (room < 0)
			return ox_fail(g, "%s's window (%ld wide with dilation) is "
			               "larger than its padded input (%ld) in spatial "
			               "dim %d", n->op, span, in + c->pb[i] + c->pe[i],
			               i);
		c->out[i] = (ceil_mode ? (room + c->s[i] - 1) / c->s[i]
		             : room / c->s[i]) + 1;
	}
	return 1;
}

static int op_conv(OxGraph *g, OxNode *n)
{
	int wi = !strcmp(n->op, "QLinearConv") ? 3 : 1;
	const OxShape *x = ox_need(g, n, 0), *w = x ? ox_need(g, n, wi) : NULL;
	OxWindow c;
	if (!w || !ox_window(g, n, x, w, &c))
		return 0;
	if (w->rank != x->rank || c.group < 1 || x->dim[1] != w->dim[1] * c.group
	    || w->dim[0] % c.group)
	{
		char xs[96], ws[96];
		ox_shape_str(xs, sizeof xs, x);
		ox_shape_str(ws, sizeof ws, w);
		return ox_fail(g, "weight '%s' (%s) does not fit input '%s' (%s) "
		               "with group %ld", n->in[wi]->name, ws,
		               n->in[0]->name, xs, c.group);
	}
	for (int i = 0; i < c.nsp; i++)
		if (c.k[i] != w->dim[2 + i])
			return ox_fail(g, "kernel_shape %ld in spatial dim %d, but "
			               "weight '%s' is %ld wide there", c.k[i], i,
			               n->in[wi]->name, w->dim[2 + i]);
	OxShape r = {.rank = x->rank};
	r.dim[0] = x->dim[0];
	r.dim[1] = w->dim[0];
	for (int i = 0; i < c.nsp; i++)
		r.dim[2 + i] = c.out[i];
	return ox_set_out(g, n, 0, &r);
}

static int op_pool(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	OxShape r = *x;
	if (strncmp(n->op, "Global", 6)) {
		OxWindow c;
		if (!ox_window(g, n, x, NULL, &c))
			return 0;
		for (int i = 0; i < c.nsp; i++)
			r.dim[2 + i] = c.out[i];
	} else {
		for (int i = 2; i < r.rank; i++)
			r.dim[i] = 1;
	}
	return ox_set_out(g, n, 0, &r) && ox_set_out(g, n, 1, &r);
}

/* ---- matrix products ---- */

static int op_gemm(OxGraph *g, OxNode *n)
{
	const OxShape *a = ox_need(g, n, 0), *b = a ? ox_need(g, n, 1) : NULL;
	if (!b)
		return 0;
	if (a->rank != 2 || b->rank != 2)
		return ox_fail(g, "Gemm takes matrices, not ranks %d and %d",
		               a->rank, b->rank);
	int ta = ox_attr_int(n, "transA", 0) != 0;
	int tb = ox_attr_int(n, "transB", 0) != 0;
	if (a->dim[!ta] != b->dim[tb])
		return ox_fail(g, "Gemm's inner dims differ (%ld and %ld)",
		               a->dim[!ta], b->dim[tb]);
	OxShape r = {.rank = 2, .dim = {a->dim[ta], b->dim[!tb]}};
	return ox_set_out(g, n, 0, &r);
}

/* The shapes numpy.matmul gives; 0 after an error. */
int ox_matmul_shape(OxGraph *g, const OxShape *a, const OxShape *b,
                    OxShape *r)
{
	if (!a->rank || !b->rank)
		return ox_fail(g, "MatMul of a scalar");
	OxShape a2 = *a, b2 = *b;
	if (a2.rank == 1) {  /* a vector is a row, dropped after */
		a2 = (OxShape){.rank = 2, .dim = {1, a->dim[0]}};
	}
	if (b2.rank == 1)
		b2 = (OxShape){.rank = 2, .dim = {b->dim[0], 1}};
	if (a2.dim[a2.rank - 1] != b2.dim[b2.rank - 2])
		return ox_fail(g, "MatMul's inner dims differ (%ld and %ld)",
		               a2.dim[a2.rank - 1], b2.dim[b2.rank - 2]);
	OxShape ba = {.rank = a2.rank - 2}, bb = {.rank = b2.rank - 2};
	memcpy(ba.dim, a2.dim, sizeof(long) * (size_t)ba.rank);
	memcpy(bb.dim, b2.dim, sizeof(long) * (size_t)bb.rank);
	if (!ox_broadcast(g, &ba, &bb, r))
		return 0;
	if (a->rank > 1)
		r->dim[r->rank++] = a2.dim[a2.rank - 2];
	if (b->rank > 1)
		r->dim[r->rank++] = b2.dim[b2.rank - 1];
	return 1;
}

static int op_matmul(OxGraph *g, OxNode *n)
{
	int bi = !strcmp(n->op, "QLinearMatMul") ? 3 : 1;
	const OxShape *a = ox_need(g, n, 0), *b = a ? ox_need(g, n, bi) : NULL;
	OxShape r;
	return b && ox_matmul_shape(g, a, b, &r) && ox_set_out(g, n, 0, &r);
}


/* ---- the table ---- */

typedef struct OpRule {
	const char *ops;    /* space-separated operator names */
	int (*infer)(OxGraph *g, OxNode *n);
} OpRule;

static const OpRule rules[] = {
	{"Relu LeakyRelu PRelu Sigmoid Tanh Elu Selu Celu Softplus Softsign "
	 "HardSigmoid HardSwish Mish Gelu ThresholdedRelu Clip Dropout "
	 "Identity Softmax LogSoftmax Hardmax Erf Sqrt Reciprocal Neg Abs Exp "
	 "Log Cast CastLike Floor Ceil Round Sign Not IsNaN IsInf Sin Cos Tan "
	 "Asin Acos Atan Sinh Cosh Asinh Acosh Atanh BatchNormalization "
	 "InstanceNormalization LayerNormalization LpNormalization LRN "
	 "MeanVarianceNormalization QuantizeLinear DequantizeLinear Shrink "
	 "CumSum Trilu", op_same},
	{"Add Sub Mul Div Pow Mod Equal Less LessOrEqual Greater GreaterOrEqual "
	 "And Or Xor Max Min Sum Mean Where BitShift", op_broadcast},
	{"Conv ConvInteger QLinearConv", op_conv},
	{"MaxPool AveragePool LpPool GlobalAveragePool GlobalMaxPool "
	 "GlobalLpPool", op_pool},
	{"Gemm", op_gemm},
	{"MatMul MatMulInteger QLinearMatMul", op_matmul},
};

/* Whether `op` is a word of the space-separated list `ops`. */
static int listed(const char *ops, const char *op)
{
	size_t n = strlen(op);
	for (const char *p = ops; n && (p = strstr(p, op)); p += n)
		if ((p == ops || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

int ox_infer(OxGraph *g, OxNode *n)
{
	if (n->domain[0] && strcmp(n->domain, "ai.onnx"))
		return -1;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (listed(rules[i].ops, n->op))
			return rules[i].infer(g, n);
	return ox_layout(g, n);
}
