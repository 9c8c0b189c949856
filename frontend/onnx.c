/* onnx.c - reads an ONNX model with protobuf-c (the code protoc-c makes
 * at build time from Debian's onnx.proto) into an OxGraph: nodes with
 * their attributes, and a table of every tensor name with its declared
 * shape and, for small integer tensors, its contents.  The rest of the
 * importer never sees protobuf-c's types.
 *
 * A file protobuf-c cannot decode is an error, as is anything the rest
 * relies on and the format does not promise: a shape of over
 * OX_MAX_RANK dims, a negative or absurd dim, an initializer whose data
 * does not match its dims.  Weights are not read: only integer tensors
 * of up to OX_MAX_VALUES elements (shapes, axes, indices) are kept.
 */
#include "onnx.h"
#include "onnx.pb-c.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int ox_fail(OxGraph *g, const char *fmt, ...)
{
	if (g->err[0])
		return 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->err, sizeof g->err, fmt, ap);
	va_end(ap);
	return 0;
}

long ox_elems(const OxShape *s)
{
	long n = 1;
	for (int i = 0; i < s->rank; i++)
		n *= s->dim[i] < 0 ? 1 : s->dim[i];
	return n;
}

/* "1x3x224x224" ("scalar" for rank 0, "?" for a symbolic dim). */
int ox_shape_str(char *buf, size_t n, const OxShape *s)
{
	size_t used = 0;
	if (!s->rank)
		return snprintf(buf, n, "scalar");
	buf[0] = 0;
	for (int i = 0; i < s->rank && used < n; i++) {
		if (s->dim[i] < 0)
			used += (size_t)snprintf(buf + used, n - used, "%s?",
			                         i ? "x" : "");
		else
			used += (size_t)snprintf(buf + used, n - used, "%s%ld",
			                         i ? "x" : "", s->dim[i]);
	}
	return (int)used;
}

static size_t hash_name(const char *s)
{
	return (size_t)fnv1a(s, strlen(s));
}

/* The value named `name`; created (unknown) if `create`, else NULL. */
OxValue *ox_value(OxGraph *g, const char *name, int create)
{
	size_t i = hash_name(name) & (g->cap - 1);
	for (; g->table[i]; i = (i + 1) & (g->cap - 1))
		if (!strcmp(g->table[i]->name, name))
			return g->table[i];
	if (!create)
		return NULL;
	OxValue *v = arena_alloc(g->a, sizeof *v);
	v->name = arena_strndup(g->a, name, strlen(name));
	v->nvals = -1;
	g->table[i] = v;
	return v;
}

const OxAttr *ox_attr(const OxNode *n, const char *name)
{
	for (int i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return &n->attrs[i];
	return NULL;
}

long ox_attr_int(const OxNode *n, const char *name, long dflt)
{
	const OxAttr *at = ox_attr(n, name);
	return at && at->type == OX_INT ? at->i : dflt;
}

/* A type's tensor shape as a declared shape; 0 after an error. */
static int read_type(OxGraph *g, const char *what, const Onnx__TypeProto *tp,
                     OxValue *v)
{
	if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
	    !tp->tensor_type || !tp->tensor_type->shape)
		return 1;  /* no shape given: nothing declared */
	const Onnx__TensorShapeProto *sp = tp->tensor_type->shape;
	if (sp->n_dim > OX_MAX_RANK)
		return ox_fail(g, "%s '%s' has %zu dims (at most %d are taken)",
		               what, v->name, sp->n_dim, OX_MAX_RANK);
	OxShape s = {.rank = (int)sp->n_dim};
	for (size_t i = 0; i < sp->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = sp->dim[i];
		s.dim[i] = -1;
		if (d && d->value_case ==
		    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			if (d->dim_value < 0 || d->dim_value > OX_MAX_DIM)
				return ox_fail(g, "%s '%s' has dim %zu of %lld (dims "
				               "go from 0 to 2^31)", what, v->name, i,
				               (long long)d->dim_value);
			s.dim[i] = (long)d->dim_value;
		} else if (i == 0 && d && d->value_case ==
		           ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM)
			v->param0 = arena_strndup(g->a, d->dim_param,
			                          strlen(d->dim_param));
	}
	v->declared = 1;
	v->decl = s;
	return 1;
}

/* Integer contents of a tensor proto, when it is small and integral;
 * 0 after an error (data that does not match the dims). */
static int read_ints(OxGraph *g, const Onnx__TensorProto *t, OxValue *v,
                     long n)
{
	int ty = t->has_data_type ? t->data_type : 0;
	if (ty != ONNX__TENSOR_PROTO__DATA_TYPE__INT64 &&
	    ty != ONNX__TENSOR_PROTO__DATA_TYPE__INT32)
		return 1;
	if (t->has_data_location &&
	    t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
		v->external = 1;
		return 1;
	}
	if (n > OX_MAX_VALUES)
		return 1;
	long *vals = arena_alloc(g->a, sizeof *vals * (size_t)(n + 1));
	size_t width = ty == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ? 8 : 4;
	if (t->has_raw_data && t->raw_data.len) {
		if (t->raw_data.len != (size_t)n * width)
			return ox_fail(g, "tensor '%s' holds %zu bytes, not the %ld "
			               "its dims give", v->name, t->raw_data.len,
			               n * (long)width);
		for (long i = 0; i < n; i++) {  /* little-endian, as ONNX says */
			uint64_t u = 0;
			for (size_t b = 0; b < width; b++)
				u |= (uint64_t)t->raw_data.data[(size_t)i * width + b]
				     << (8 * b);
			vals[i] = width == 8 ? (long)(int64_t)u : (long)(int32_t)u;
		}
	} else if (width == 8 && (long)t->n_int64_data == n) {
		for (long i = 0; i < n; i++)
			vals[i] = (long)t->int64_data[i];
	} else if (width == 4 && (long)t->n_int32_data == n) {
		for (long i = 0; i < n; i++)
			vals[i] = (long)t->int32_data[i];
	} else {
		return ox_fail(g, "tensor '%s' holds %zu values, not the %ld its "
		               "dims give", v->name, width == 8 ? t->n_int64_data
		               : t->n_int32_data, n);
	}
	v->nvals = (int)n;
	v->vals = vals;
	return 1;
}

/* A tensor proto (an initializer or an attribute's) into v: its shape,
 * known, and its contents if small and integral. */
static int read_tensor(OxGraph *g, const Onnx__TensorProto *t, OxValue *v)
{
	if (t->n_dims > OX_MAX_RANK)
		return ox_fail(g, "tensor '%s' has %zu dims (at most %d are taken)",
		               v->name, t->n_dims, OX_MAX_RANK);
	OxShape s = {.rank = (int)t->n_dims};
	long n = 1;
	for (size_t i = 0; i < t->n_dims; i++) {
		if (t->dims[i] < 0 || t->dims[i] > OX_MAX_DIM ||
		    (t->dims[i] && n > OX_MAX_ELEMS / t->dims[i]))
			return ox_fail(g, "tensor '%s' has dims beyond 2^31 each or "
			               "2^50 in all (dim %zu is %lld)", v->name, i,
			               (long long)t->dims[i]);
		s.dim[i] = (long)t->dims[i];
		n *= s.dim[i];
	}
	v->known = 1;
	v->shape = s;
	v->init = 1;
	v->made = 1;
	return read_ints(g, t, v, n);
}

static const char *dup(OxGraph *g, const char *s)
{
	return arena_strndup(g->a, s ? s : "", s ? strlen(s) : 0);
}

static int read_attr(OxGraph *g, const Onnx__AttributeProto *p, OxAttr *at)
{
	at->name = dup(g, p->name);
	int ty = p->has_type ? (int)p->type : 0;
	switch (ty) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
		at->type = OX_INT;
		at->i = (long)p->i;
		return 1;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
		at->type = OX_FLOAT;
		at->f = p->f;
		return 1;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
		if (p->n_ints > OX_MAX_VALUES)
			return ox_fail(g, "attribute %s has %zu integers", at->name,
			               p->n_ints);
		at->type = OX_INTS;
		at->nints = (int)p->n_ints;
		at->ints = arena_alloc(g->a, sizeof(long) * (p->n_ints + 1));
		for (size_t i = 0; i < p->n_ints; i++)
			at->ints[i] = (long)p->ints[i];
		return 1;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
	{
		const char *str = p->s.data ? (const char *)p->s.data : "";
		at->type = OX_STRING;
		at->s = arena_strndup(g->a, str, p->s.data ? strnlen(str, p->s.len)
		                                           : 0);
		return 1;
	}
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR:
		if (!p->t)
			break;
		at->type = OX_TENSOR;
		at->t = arena_alloc(g->a, sizeof *at->t);
		at->t->name = at->name;
		at->t->nvals = -1;
		return read_tensor(g, p->t, at->t);
	default:
		break;
	}
	at->type = OX_OTHER;
	return 1;
}

/* Declared shapes of inputs, outputs and value infos. */
static int read_infos(OxGraph *g, Onnx__ValueInfoProto **vi, size_t n,
                      const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (!vi[i]->name || !vi[i]->name[0])
			return ox_fail(g, "%s %zu has no name", what, i);
		if (!read_type(g, what, vi[i]->type, ox_value(g, vi[i]->name, 1)))
			return 0;
	}
	return 1;
}

static int read_node(OxGraph *g, const Onnx__NodeProto *p, OxNode *n)
{
	n->op = dup(g, p->op_type);
	n->name = dup(g, p->name);
	n->domain = dup(g, p->domain);
	n->nin = (int)p->n_input;
	n->nout = (int)p->n_output;
	n->in = arena_alloc(g->a, sizeof *n->in * (p->n_input + 1));
	n->out = arena_alloc(g->a, sizeof *n->out * (p->n_output + 1));
	for (size_t i = 0; i < p->n_input; i++)
		if (p->input[i] && p->input[i][0]) {
			n->in[i] = ox_value(g, p->input[i], 0);
			if (!n->in[i] || !n->in[i]->made)
				return ox_fail(g, "input '%s' is made by no earlier node "
				               "and is no graph input or initializer",
				               p->input[i]);
		}
	for (size_t i = 0; i < p->n_output; i++)
		if (p->output[i] && p->output[i][0]) {
			OxValue *v = ox_value(g, p->output[i], 1);
			if (v->made)
				return ox_fail(g, "output '%s' is made twice", v->name);
			v->made = 1;
			n->out[i] = v;
		}
	n->nattrs = (int)p->n_attribute;
	n->attrs = arena_alloc(g->a, sizeof *n->attrs * (p->n_attribute + 1));
	for (size_t i = 0; i < p->n_attribute; i++)
		if (!read_attr(g, p->attribute[i], &n->attrs[i]))
			return 0;
	return 1;
}

static int read_graph(OxGraph *g, const Onnx__ModelProto *m)
{
	const Onnx__GraphProto *gp = m->graph;
	if (!gp)
		return ox_fail(g, "the model has no graph");
	g->name = dup(g, gp->name);
	g->producer = dup(g, m->producer_name);
	for (size_t i = 0; i < m->n_opset_import; i++)
		if (m->opset_import[i] && (!m->opset_import[i]->domain ||
		                           !m->opset_import[i]->domain[0] ||
		                           !strcmp(m->opset_import[i]->domain,
		                                   "ai.onnx")))
			g->opset = (long)m->opset_import[i]->version;
	size_t names = gp->n_input + gp->n_output + gp->n_value_info +
	               gp->n_initializer + 16;
	for (size_t i = 0; i < gp->n_node; i++)
		names += gp->node[i]->n_output;
	g->cap = 64;
	while (g->cap < 2 * names)
		g->cap *= 2;
	g->table = arena_alloc(g->a, sizeof *g->table * g->cap);
	if (!read_infos(g, gp->input, gp->n_input, "input") ||
	    !read_infos(g, gp->output, gp->n_output, "output") ||
	    !read_infos(g, gp->value_info, gp->n_value_info, "value info"))
		return 0;
	for (size_t i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *t = gp->initializer[i];
		if (!t->name || !t->name[0])
			return ox_fail(g, "initializer %zu has no name", i);
		if (!read_tensor(g, t, ox_value(g, t->name, 1)))
			return 0;
	}
	g->inputs = arena_alloc(g->a, sizeof *g->inputs * (gp->n_input + 1));
	for (size_t i = 0; i < gp->n_input; i++) {
		OxValue *v = ox_value(g, gp->input[i]->name, 0);
		if (!v->init)
			g->inputs[g->ninputs++] = v;
		v->made = 1;
	}
	g->nnodes = (int)gp->n_node;
	g->node = arena_alloc(g->a, sizeof *g->node * (gp->n_node + 1));
	for (size_t i = 0; i < gp->n_node; i++) {
		g->node[i].index = (int)i;
		if (!read_node(g, gp->node[i], &g->node[i])) {
			char msg[sizeof g->err];
			snprintf(msg, sizeof msg, "%s", g->err);
			g->err[0] = 0;
			return ox_fail(g, "node %zu '%s' (%s): %s", i,
			               g->node[i].name ? g->node[i].name : "",
			               g->node[i].op ? g->node[i].op : "?", msg);
		}
	}
	g->outputs = arena_alloc(g->a, sizeof *g->outputs * (gp->n_output + 1));
	for (size_t i = 0; i < gp->n_output; i++)
		g->outputs[g->noutputs++] = ox_value(g, gp->output[i]->name, 0);
	return 1;
}

int ox_read(Arena *a, const char *path, OxGraph *g)
{
	*g = (OxGraph){.path = path, .a = a};
	size_t len = 0;
	char *data = file_read(path, &len);
	if (!data)
		return ox_fail(g, "cannot read it: %s", strerror(errno));
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len,
	                                                (const uint8_t *)data);
	free(data);
	if (!m)
		return ox_fail(g, "not an ONNX model: protobuf-c cannot decode it "
		               "as a ModelProto (a truncated or damaged file?)");
	int ok = read_graph(g, m);
	onnx__model_proto__free_unpacked(m, NULL);
	return ok;
}
