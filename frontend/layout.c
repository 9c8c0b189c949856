/* layout.c - the output shapes of the ONNX operators that move or
 * select data without computing on it (Reshape, Flatten, Transpose,
 * Concat, Squeeze, Unsqueeze, Gather, Slice, Split, Pad, Expand, Tile,
 * DepthToSpace), of reductions, and of the operators that compute
 * shapes (Shape, Size, Constant, ConstantOfShape, Range), whose integer
 * contents are carried so that a Reshape fed by a Shape -> Gather ->
 * Concat chain gets its target.  Rules from the ONNX operator
 * specification, each opset's form (an attribute or an input).
 */
#include "onnx.h"

#include <string.h>

typedef int (*Rule)(OxGraph *g, OxNode *n);

/* Input i's contents as a shape (each dim checked); 0 after an error. */
static int shape_from(OxGraph *g, const OxNode *n, const long *v, int cnt,
                      OxShape *s)
{
	if (cnt > OX_MAX_RANK)
		return ox_fail(g, "%s asks for %d dims (at most %d are taken)",
		               n->op, cnt, OX_MAX_RANK);
	s->rank = cnt;
	for (int i = 0; i < cnt; i++)
		s->dim[i] = v[i];
	return 1;
}

/* Output 0 shaped r, with the contents of input 0 if they are known
 * (a reshaped shape vector keeps its values). */
static int out_keeping_values(OxGraph *g, OxNode *n, const OxShape *r)
{
	int cnt;
	const long *v = ox_in_vals(n, 0, &cnt);
	if (!ox_set_out(g, n, 0, r))
		return 0;
	if (v)
		ox_set_vals(g, n, 0, v, cnt);
	return 1;
}

static int op_reshape(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	const long *v;
	int cnt;
	if (!x || ox_ints_of(g, n, "shape", 1, &v, &cnt) <= 0)
		return x ? ox_fail(g, "Reshape without a target shape") : 0;
	OxShape r;
	if (!shape_from(g, n, v, cnt, &r))
		return 0;
	/* a target written into the model for its own batch follows
	 * --batch (docs/networks.md) */
	if (g->batch_from && r.rank && r.dim[0] == g->batch_from &&
	    (n->nin < 2 || !n->in[1] || n->in[1]->init))
		r.dim[0] = g->batch_to;
	int allowzero = ox_attr_int(n, "allowzero", 0) != 0, minus = -1;
	long known = 1, total = ox_elems(x);
	for (int i = 0; i < r.rank; i++) {
		if (r.dim[i] == 0 && !allowzero) {
			if (i >= x->rank)
				return ox_fail(g, "Reshape copies dim %d of a tensor of "
				               "rank %d", i, x->rank);
			r.dim[i] = x->dim[i];
		}
		if (r.dim[i] == -1 && minus < 0)
			minus = i;
		else if (r.dim[i] < 0)
			return ox_fail(g, "Reshape to a dim of %ld", r.dim[i]);
		else
			known *= r.dim[i] ? r.dim[i] : 1;
	}
	if (minus >= 0)
		r.dim[minus] = known ? total / known : 0;
	if (ox_elems(&r) != total) {
		char a[96], b[96];
		ox_shape_str(a, sizeof a, x);
		ox_shape_str(b, sizeof b, &r);
		return ox_fail(g, "Reshape of %s (%ld elements) to %s", a, total, b);
	}
	return out_keeping_values(g, n, &r);
}

static int op_flatten(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	long a = ox_attr_int(n, "axis", 1);
	if (a < -x->rank || a > x->rank)
		return ox_fail(g, "Flatten's axis %ld outside rank %d", a, x->rank);
	int ax = (int)(a < 0 ? a + x->rank : a);
	OxShape r = {.rank = 2, .dim = {1, 1}};
	for (int i = 0; i < x->rank; i++)
		r.dim[i >= ax] *= x->dim[i];
	return ox_set_out(g, n, 0, &r);
}

static int op_transpose(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	const OxAttr *p = ox_attr(n, "perm");
	OxShape r = {.rank = x->rank};
	int seen = 0;
	if (p && (p->type != OX_INTS || p->nints != x->rank))
		return ox_fail(g, "Transpose's perm does not have %d entries",
		               x->rank);
	for (int i = 0; i < x->rank; i++) {
		long a = p ? p->ints[i] : x->rank - 1 - i;
		if (a < 0 || a >= x->rank || (seen >> a & 1))
			return ox_fail(g, "Transpose's perm is not a permutation");
		seen |= 1 << a;
		r.dim[i] = x->dim[a];
	}
	return ox_set_out(g, n, 0, &r);
}

static int op_concat(OxGraph *g, OxNode *n)
{
	const OxShape *first = NULL;
	OxShape r = {0};
	int ax = -1;
	long vals[OX_MAX_VALUES];
	long nv = 0;
	int all_vals = 1;
	for (int i = 0; i < n->nin; i++) {
		if (!n->in[i])
			continue;
		const OxShape *s = ox_need(g, n, i);
		if (!s)
			return 0;
		if (!first) {
			first = s;
			r = *s;
			ax = ox_axis(g, ox_attr_int(n, "axis", 0), s->rank);
			if (ax < 0)
				return 0;
			r.dim[ax] = 0;
		}
		if (s->rank != r.rank)
			return ox_fail(g, "Concat of ranks %d and %d", r.rank, s->rank);
		for (int d = 0; d < r.rank; d++)
			if (d != ax && s->dim[d] != r.dim[d])
				return ox_fail(g, "Concat's inputs differ in dim %d", d);
		r.dim[ax] += s->dim[ax];
		int c;
		const long *v = ox_in_vals(n, i, &c);
		if (v && r.rank == 1 && nv + c <= OX_MAX_VALUES) {
			memcpy(vals + nv, v, sizeof *v * (size_t)c);
			nv += c;
		} else {
			all_vals = 0;
		}
	}
	if (!first)
		return ox_fail(g, "Concat has no inputs");
	if (!ox_set_out(g, n, 0, &r))
		return 0;
	if (all_vals)
		ox_set_vals(g, n, 0, vals, nv);
	return 1;
}

static int op_squeeze(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	const long *axes;
	int na, st = ox_ints_of(g, n, "axes", 1, &axes, &na);
	if (st < 0)
		return 0;
	int unsq = n->op[0] == 'U';
	if (unsq && !st)
		return ox_fail(g, "Unsqueeze without axes");
	OxShape r = {.rank = unsq ? x->rank + na : 0};
	unsigned mark = 0;
	if (r.rank > OX_MAX_RANK)
		return ox_fail(g, "Unsqueeze to rank %d", r.rank);
	for (int i = 0; i < (st ? na : 0); i++) {
		int a = ox_axis(g, axes[i], unsq ? r.rank : x->rank);
		if (a < 0)
			return 0;
		if (!unsq && x->dim[a] != 1)
			return ox_fail(g, "Squeeze of dim %d, which is %ld", a,
			               x->dim[a]);
		mark |= 1u << a;
	}
	if (unsq) {
		for (int i = 0, k = 0; i < r.rank; i++)
			r.dim[i] = mark >> i & 1 ? 1 : x->dim[k++];
	} else {
		for (int i = 0; i < x->rank; i++)
			if (st ? !(mark >> i & 1) : x->dim[i] != 1)
				r.dim[r.rank++] = x->dim[i];
	}
	return out_keeping_values(g, n, &r);
}

static int op_gather(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0), *ix = x ? ox_need(g, n, 1) : NULL;
	if (!ix)
		return 0;
	if (!x->rank)
		return ox_fail(g, "Gather from a scalar");
	int ax = ox_axis(g, ox_attr_int(n, "axis", 0), x->rank);
	if (ax < 0)
		return 0;
	OxShape r = {.rank = x->rank - 1 + ix->rank};
	if (r.rank > OX_MAX_RANK)
		return ox_fail(g, "Gather to rank %d", r.rank);
	int k = 0;
	for (int i = 0; i < ax; i++)
		r.dim[k++] = x->dim[i];
	for (int i = 0; i < ix->rank; i++)
		r.dim[k++] = ix->dim[i];
	for (int i = ax + 1; i < x->rank; i++)
		r.dim[k++] = x->dim[i];
	if (!ox_set_out(g, n, 0, &r))
		return 0;
	int cx, ci;
	const long *xv = ox_in_vals(n, 0, &cx), *iv = ox_in_vals(n, 1, &ci);
	if (xv && iv && x->rank == 1) {  /* picking dims of a shape */
		long out[OX_MAX_VALUES];
		for (int i = 0; i < ci; i++) {
			long j = iv[i] < 0 ? iv[i] + cx : iv[i];
			if (j < 0 || j >= cx)
				return ox_fail(g, "Gather index %ld outside %d values",
				               iv[i], cx);
			out[i] = xv[j];
		}
		ox_set_vals(g, n, 0, out, ci);
	}
	return 1;
}

static int op_shape(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	long st = ox_attr_int(n, "start", 0), en = ox_attr_int(n, "end",
	                                                        x->rank);
	st = st < 0 ? st + x->rank : st;
	en = en < 0 ? en + x->rank : en;
	st = st < 0 ? 0 : st > x->rank ? x->rank : st;
	en = en < st ? st : en > x->rank ? x->rank : en;
	OxShape r = {.rank = 1, .dim = {en - st}};
	if (!ox_set_out(g, n, 0, &r))
		return 0;
	ox_set_vals(g, n, 0, x->dim + st, en - st);
	return 1;
}

static int op_size(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	OxShape r = {.rank = 0};
	if (!x || !ox_set_out(g, n, 0, &r))
		return 0;
	long e = ox_elems(x);
	ox_set_vals(g, n, 0, &e, 1);
	return 1;
}

static int op_constant(OxGraph *g, OxNode *n)
{
	for (int i = 0; i < n->nattrs; i++) {
		const OxAttr *at = &n->attrs[i];
		OxShape r = {.rank = 1, .dim = {1}};
		if (at->type == OX_TENSOR && !strcmp(at->name, "value")) {
			if (!ox_set_out(g, n, 0, &at->t->shape))
				return 0;
			if (at->t->nvals >= 0)
				ox_set_vals(g, n, 0, at->t->vals, at->t->nvals);
		} else if (!strcmp(at->name, "value_int") ||
		           !strcmp(at->name, "value_float")) {
			r.rank = 0;
			if (!ox_set_out(g, n, 0, &r))
				return 0;
			if (at->type == OX_INT)
				ox_set_vals(g, n, 0, &at->i, 1);
		} else if (!strcmp(at->name, "value_ints") && at->type == OX_INTS) {
			r.dim[0] = at->nints;
			if (!ox_set_out(g, n, 0, &r))
				return 0;
			ox_set_vals(g, n, 0, at->ints, at->nints);
		} else {
			continue;
		}
		if (n->nout && n->out[0])
			n->out[0]->init = 1;
		return 1;
	}
	return -1;  /* sparse or string constants: the declared shape */
}

static int op_constant_of_shape(OxGraph *g, OxNode *n)
{
	int c;
	const long *v = ox_in_vals(n, 0, &c);
	OxShape r;
	if (!v)
		return ox_fail(g, "ConstantOfShape of a shape not known before "
		               "running the model");
	if (!shape_from(g, n, v, c, &r) || !ox_set_out(g, n, 0, &r))
		return 0;
	const OxAttr *at = ox_attr(n, "value");
	long fill = at && at->type == OX_TENSOR && at->t->nvals == 1
	            ? at->t->vals[0] : 0;
	long e = ox_elems(&r);
	if ((!at || (at->type == OX_TENSOR && at->t->nvals == 1)) &&
	    e <= OX_MAX_VALUES) {
		long out[OX_MAX_VALUES];
		for (long i = 0; i < e; i++)
			out[i] = fill;
		ox_set_vals(g, n, 0, out, e);
	}
	return 1;
}

/* Slice: starts, ends, axes, steps as attributes (opset < 10) or
 * inputs 1 to 4. */
static int op_slice(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	const long *st, *en, *ax = NULL, *sp = NULL;
	int ns, ne, na = 0, np = 0;
	if (ox_ints_of(g, n, "starts", 1, &st, &ns) <= 0 ||
	    ox_ints_of(g, n, "ends", 2, &en, &ne) <= 0)
		return g->err[0] ? 0 : ox_fail(g, "Slice without starts or ends");
	if (ox_ints_of(g, n, "axes", 3, &ax, &na) < 0 ||
	    ox_ints_of(g, n, NULL, 4, &sp, &np) < 0)
		return 0;
	if (ns != ne || (ax && na != ns) || (sp && np != ns) || ns > x->rank)
		return ox_fail(g, "Slice's starts, ends, axes and steps differ in "
		               "length");
	OxShape r = *x;
	long lo0 = 0, step0 = 1;
	for (int i = 0; i < ns; i++) {
		int a = ox_axis(g, ax ? ax[i] : i, x->rank);
		if (a < 0)
			return 0;
		long d = x->dim[a], step = sp ? sp[i] : 1;
		if (!step)
			return ox_fail(g, "Slice with a step of 0");
		long lo = st[i] < 0 ? st[i] + d : st[i];
		long hi = en[i] < 0 ? en[i] + d : en[i];
		if (step > 0) {
			lo = lo < 0 ? 0 : lo > d ? d : lo;
			hi = hi < 0 ? 0 : hi > d ? d : hi;
			r.dim[a] = hi > lo ? (hi - lo + step - 1) / step : 0;
		} else {
			lo = lo < 0 ? -1 : lo > d - 1 ? d - 1 : lo;
			hi = hi < -1 ? -1 : hi > d - 1 ? d - 1 : hi;
			r.dim[a] = lo > hi ? (lo - hi - step - 1) / -step : 0;
		}
		lo0 = lo;
		step0 = step;
	}
	if (!ox_set_out(g, n, 0, &r))
		return 0;
	int c;
	const long *v = ox_in_vals(n, 0, &c);
	if (v && x->rank == 1) {
		long out[OX_MAX_VALUES];
		for (long i = 0; i < r.dim[0]; i++)
			out[i] = v[lo0 + i * step0];
		ox_set_vals(g, n, 0, out, r.dim[0]);
	}
	return 1;
}

static int op_split(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	int ax = ox_axis(g, ox_attr_int(n, "axis", 0), x->rank);
	const long *parts;
	int np, st = ax < 0 ? -1 : ox_ints_of(g, n, "split", 1, &parts, &np);
	if (st < 0)
		return 0;
	if (st && np != n->nout)
		return ox_fail(g, "Split into %d parts for %d outputs", np,
		               n->nout);
	long sum = 0, each = n->nout ? (x->dim[ax] + n->nout - 1) / n->nout : 0;
	for (int k = 0; k < n->nout; k++) {
		OxShape r = *x;
		r.dim[ax] = st ? parts[k]
		            : (k + 1) * each <= x->dim[ax] ? each
		            : x->dim[ax] - k * each > 0 ? x->dim[ax] - k * each : 0;
		sum += r.dim[ax];
		if (!ox_set_out(g, n, k, &r))
			return 0;
	}
	if (sum != x->dim[ax])
		return ox_fail(g, "Split's parts add up to %ld, not %ld", sum,
		               x->dim[ax]);
	return 1;
}

/* Expand (to a shape) and Tile (by repeats). */
static int op_expand_tile(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	int c;
	const long *v = ox_in_vals(n, 1, &c);
	if (!x)
		return 0;
	if (!v)
		return ox_fail(g, "%s's second input is not known before running "
		               "the model", n->op);
	OxShape t, r;
	if (!shape_from(g, n, v, c, &t))
		return 0;
	if (n->op[0] == 'E')
		return ox_broadcast(g, x, &t, &r) && ox_set_out(g, n, 0, &r);
	if (c != x->rank)
		return ox_fail(g, "Tile with %d repeats of a tensor of rank %d", c,
		               x->rank);
	r = *x;
	for (int i = 0; i < r.rank; i++) {
		if (t.dim[i] < 0 || (t.dim[i] && r.dim[i] > OX_MAX_DIM / t.dim[i]))
			return ox_fail(g, "Tile repeats dim %d %ld times", i, t.dim[i]);
		r.dim[i] *= t.dim[i];
	}
	return ox_set_out(g, n, 0, &r);
}

static int op_pad(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	const long *p;
	int np;
	if (!x || ox_ints_of(g, n, "pads", 1, &p, &np) <= 0)
		return x && !g->err[0] ? ox_fail(g, "Pad without pads") : 0;
	if (np != 2 * x->rank)
		return ox_fail(g, "Pad with %d pads for rank %d", np, x->rank);
	OxShape r = *x;
	for (int i = 0; i < x->rank; i++) {
		r.dim[i] += p[i] + p[x->rank + i];
		if (r.dim[i] < 0 || p[i] > OX_MAX_DIM || p[x->rank + i] > OX_MAX_DIM)
			return ox_fail(g, "Pad leaves dim %d at %ld", i, r.dim[i]);
	}
	return ox_set_out(g, n, 0, &r);
}

/* Reduce* (axes), ArgMax and ArgMin (axis); keepdims. */
static int op_reduce(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	if (!x)
		return 0;
	int keep = ox_attr_int(n, "keepdims", 1) != 0;
	unsigned mark = 0;
	if (!strncmp(n->op, "Arg", 3)) {
		int a = ox_axis(g, ox_attr_int(n, "axis", 0), x->rank);
		if (a < 0)
			return 0;
		mark = 1u << a;
	} else {
		const long *ax;
		int na, st = ox_ints_of(g, n, "axes", 1, &ax, &na);
		if (st < 0)
			return 0;
		if ((!st || !na) && ox_attr_int(n, "noop_with_empty_axes", 0))
			return ox_set_out(g, n, 0, x);
		for (int i = 0; i < (st ? na : 0); i++) {
			int a = ox_axis(g, ax[i], x->rank);
			if (a < 0)
				return 0;
			mark |= 1u << a;
		}
		if (!st || !na)
			mark = (1u << x->rank) - 1;
	}
	OxShape r = {0};
	for (int i = 0; i < x->rank; i++)
		if (!(mark >> i & 1))
			r.dim[r.rank++] = x->dim[i];
		else if (keep)
			r.dim[r.rank++] = 1;
	return ox_set_out(g, n, 0, &r);
}

static int op_range(OxGraph *g, OxNode *n)
{
	int c0, c1, c2;
	const long *s = ox_in_vals(n, 0, &c0), *l = ox_in_vals(n, 1, &c1);
	const long *d = ox_in_vals(n, 2, &c2);
	if (!s || !l || !d || c0 != 1 || c1 != 1 || c2 != 1 || !d[0])
		return ox_fail(g, "Range of bounds not known before running the "
		               "model");
	long cnt = (l[0] - s[0] + d[0] + (d[0] > 0 ? -1 : 1)) / d[0];
	cnt = cnt < 0 ? 0 : cnt;
	OxShape r = {.rank = 1, .dim = {cnt}};
	if (!ox_set_out(g, n, 0, &r))
		return 0;
	if (cnt <= OX_MAX_VALUES) {
		long out[OX_MAX_VALUES];
		for (long i = 0; i < cnt; i++)
			out[i] = s[0] + i * d[0];
		ox_set_vals(g, n, 0, out, cnt);
	}
	return 1;
}

static int op_depth_space(OxGraph *g, OxNode *n)
{
	const OxShape *x = ox_need(g, n, 0);
	long b = ox_attr_int(n, "blocksize", 0);
	if (!x)
		return 0;
	if (x->rank != 4 || b < 1 || b > 1 << 16)
		return ox_fail(g, "%s of rank %d with blocksize %ld", n->op,
		               x->rank, b);
	OxShape r = *x;
	if (n->op[0] == 'D') {
		if (x->dim[1] % (b * b))
			return ox_fail(g, "DepthToSpace of %ld channels by %ld",
			               x->dim[1], b);
		r.dim[1] /= b * b;
		r.dim[2] *= b;
		r.dim[3] *= b;
	} else {
		if (x->dim[2] % b || x->dim[3] % b)
			return ox_fail(g, "SpaceToDepth of %ldx%ld by %ld", x->dim[2],
			               x->dim[3], b);
		r.dim[1] *= b * b;
		r.dim[2] /= b;
		r.dim[3] /= b;
	}
	return ox_set_out(g, n, 0, &r);
}

static const struct {
	const char *op;
	Rule rule;
} rules[] = {
	{"Reshape", op_reshape}, {"Flatten", op_flatten},
	{"Transpose", op_transpose}, {"Concat", op_concat},
	{"Squeeze", op_squeeze}, {"Unsqueeze", op_squeeze},
	{"Gather", op_gather}, {"Shape", op_shape}, {"Size", op_size},
	{"Constant", op_constant}, {"ConstantOfShape", op_constant_of_shape},
	{"Slice", op_slice}, {"Split", op_split}, {"Expand", op_expand_tile},
	{"Tile", op_expand_tile}, {"Pad", op_pad}, {"Range", op_range},
	{"ReduceMean", op_reduce}, {"ReduceSum", op_reduce},
	{"ReduceMax", op_reduce}, {"ReduceMin", op_reduce},
	{"ReduceProd", op_reduce}, {"ReduceL1", op_reduce},
	{"ReduceL2", op_reduce}, {"ReduceLogSum", op_reduce},
	{"ReduceLogSumExp", op_reduce}, {"ReduceSumSquare", op_reduce},
	{"ArgMax", op_reduce}, {"ArgMin", op_reduce},
	{"DepthToSpace", op_depth_space}, {"SpaceToDepth", op_depth_space},
};

int ox_layout(OxGraph *g, OxNode *n)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (!strcmp(rules[i].op, n->op))
			return rules[i].rule(g, n);
	return -1;
}
