/* onnx.h - `tessera import`: an ONNX model's MAC layers as a network
 * file (docs/networks.md).  Four files, private to each other:
 *   frontend/onnx.c    the model, read with protobuf-c, as an OxGraph
 *                      (the only file that sees protobuf-c's types)
 *   frontend/shapes.c  the output shapes of each operator, from its
 *   frontend/layout.c  inputs' (and the small integer tensors' values)
 *   frontend/import.c  the walk over the nodes, the MAC layers, and the
 *                      network file written and read back
 * main.c calls onnx_import only.
 */
#ifndef TESSERA_ONNX_H
#define TESSERA_ONNX_H

#include "../ir/tessera.h"

enum {
	OX_MAX_RANK = 8,       /* most dims of a tensor we follow */
	OX_MAX_VALUES = 4096,  /* integer tensors up to this size are kept */
};
#define OX_MAX_DIM (1L << 31)        /* largest dim taken */
#define OX_MAX_ELEMS (1L << 50)      /* most elements of one tensor */

/* A shape; in declared shapes a dim < 0 is symbolic (a dim_param or
 * nothing given). */
typedef struct OxShape {
	int rank;
	long dim[OX_MAX_RANK];
} OxShape;

/* One tensor of the graph (an input, an initializer or a node's output)
 * and what is known of it. */
typedef struct OxValue {
	const char *name;
	int known;          /* `shape` is known (inferred or given) */
	OxShape shape;
	int declared;       /* a value info (input, output, value_info) gave */
	OxShape decl;       /* this shape */
	const char *param0; /* the name of decl's symbolic dim 0, if any */
	int nvals;          /* >= 0: the integer contents are known */
	long *vals;         /* nvals of them, row-major */
	int init;           /* an initializer or a Constant: a weight */
	int external;       /* its data lies outside the model file */
	int made;           /* a graph input, an initializer or the output
	                       of a node read so far */
} OxValue;

enum { OX_INT, OX_INTS, OX_FLOAT, OX_STRING, OX_TENSOR, OX_OTHER };

typedef struct OxAttr {
	const char *name;
	int type;           /* OX_INT, ... */
	long i;             /* OX_INT */
	double f;           /* OX_FLOAT */
	long *ints;         /* OX_INTS: nints of them */
	int nints;
	const char *s;      /* OX_STRING, NUL-ended (cut at a NUL) */
	OxValue *t;         /* OX_TENSOR: its shape and integer values */
} OxAttr;

typedef struct OxNode {
	int index;          /* in the graph's node list, from 0 */
	const char *op, *name, *domain;
	int nin, nout;
	OxValue **in;       /* NULL: an optional input left out ("") */
	OxValue **out;
	int nattrs;
	OxAttr *attrs;
} OxNode;

typedef struct OxGraph {
	const char *path;   /* the model file, for messages */
	const char *name;   /* the graph's name ("" if none) */
	const char *producer;
	long opset;         /* of the default domain; 0 if not given */
	int nnodes;
	OxNode *node;
	int ninputs;        /* graph inputs that are not initializers */
	OxValue **inputs;
	int noutputs;
	OxValue **outputs;
	OxValue **table;    /* every value by name (open addressing) */
	size_t cap;
	Arena *a;
	long batch_from;    /* --batch replaced the inputs' fixed batch of */
	long batch_to;      /* this with this (both 0 if not) */
	char err[512];      /* the first error, without the location */
} OxGraph;

/* onnx.c: reads the model at path; 0 after an error in g->err. */
int ox_read(Arena *a, const char *path, OxGraph *g);
OxValue *ox_value(OxGraph *g, const char *name, int create);
const OxAttr *ox_attr(const OxNode *n, const char *name);
long ox_attr_int(const OxNode *n, const char *name, long dflt);
int ox_fail(OxGraph *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
long ox_elems(const OxShape *s);
int ox_shape_str(char *buf, size_t n, const OxShape *s);

/* shapes.c: sets the outputs' shapes (and small integer contents) of
 * node n from its inputs: 1; 0 after an error (g->err); -1 when the
 * operator is not one it knows.  layout.c does the same for the
 * operators that move data without computing (Reshape, Transpose,
 * Gather, Slice...) and for shape computations; shapes.c asks it. */
int ox_infer(OxGraph *g, OxNode *n);
int ox_layout(OxGraph *g, OxNode *n);

/* The window of a Conv or pooling node: kernel, strides, dilations,
 * pads (auto_pad applied) and output size, per spatial dim. */
typedef struct OxWindow {
	int nsp;            /* spatial dims: 1 to 3 */
	long k[3], s[3], d[3], pb[3], pe[3], out[3];
	long group;         /* Conv's group attribute (1 if none) */
} OxWindow;
int ox_window(OxGraph *g, const OxNode *n, const OxShape *x,
              const OxShape *w, OxWindow *c);
int ox_matmul_shape(OxGraph *g, const OxShape *a, const OxShape *b,
                    OxShape *r);

/* shapes.c's helpers, shared with layout.c: an input's shape or
 * contents if known (NULL otherwise); ox_need fails when not known;
 * ox_set_out sets an output's shape after checking its dims; ox_ints_of
 * reads a list from an attribute (older opsets) or an input (newer):
 * 1 found, 0 neither, -1 an input whose contents are not known. */
const OxShape *ox_in_shape(const OxNode *n, int i);
const long *ox_in_vals(const OxNode *n, int i, int *cnt);
const OxShape *ox_need(OxGraph *g, const OxNode *n, int i);
int ox_set_out(OxGraph *g, OxNode *n, int k, const OxShape *s);
void ox_set_vals(OxGraph *g, OxNode *n, int k, const long *v, long cnt);
int ox_ints_of(OxGraph *g, const OxNode *n, const char *attr, int input,
               const long **v, int *cnt);
int ox_axis(OxGraph *g, long a, int rank);   /* in [0, rank); -1: error */
int ox_broadcast(OxGraph *g, const OxShape *a, const OxShape *b,
                 OxShape *r);

/* import.c: `tessera import`; the exit status. */
int onnx_import(const char *path, const char *out, long batch);

#endif
