#!/usr/bin/python3
"""test/onnx_check.py: checks what `tessera import` wrote against the
model itself, with Debian's python3-onnx, sharing no code with the
importer (used by test/import.sh).

  onnx_check.py check [--batch N] MODEL.onnx NET.tsr [MODEL NET]...
      Every node of the model is in NET.tsr exactly once, in order: a MAC
      node (Conv, Gemm, MatMul and their integer forms) as an entry, any
      other as a comment.  Each entry's kind and extents are derived here
      from the shapes of the node's operands and output, as ONNX's own
      shape inference gives them, or, where the model's directory holds
      test data (test_data_set_0/output_*.pb), as the model's real
      outputs are; each comment's shapes must equal those too.  --batch
      N: the inputs' first dim is N before inference.
  onnx_check.py compare IMPORTED.tsr EXAMPLE.tsr [--only-imported S]...
          [--only-example S]...
      The layer shapes (kind, extents, stride, dilation) of both files
      must be the same sets, but for the shapes named (written as
      "conv N=16 K=64 ..."), which must be in one file only; a shape in
      both must run as many times in each (entries times repeat=), but
      for those named by --count-differs S, which must not.
check prints "ok MODEL: ..." or "bad MODEL: what differs" for each
pair; both exit 1 if anything differs.
"""
import os
import re
import sys

import onnx
from onnx import numpy_helper, shape_inference  # noqa: F401

MACS = {"Conv", "ConvInteger", "QLinearConv", "Gemm", "MatMul",
        "MatMulInteger", "QLinearMatMul"}
ENTRY = re.compile(r"^\s*(\w+):\s*(conv|depthwise|fc)\s+([^#]*)#\s*(\w+)"
                   r" #(\d+) ")
COMMENT = re.compile(r"^\s*#\s*(\w+) #(\d+) '.*': (.*) \((\d+) elements\)$")


def parse_net(path):
    entries, comments = [], []
    for line in open(path):
        m = ENTRY.match(line)
        if m:
            items = dict(kv.split("=") for kv in m.group(3).split())
            e = {k: int(v) for k, v in items.items()}
            e.setdefault("stride", 1)
            e.setdefault("dilation", 1)
            e.setdefault("repeat", 1)
            entries.append((int(m.group(5)), m.group(4), m.group(2), e))
            continue
        m = COMMENT.match(line)
        if m:
            shapes = [] if not m.group(3) else [
                [] if s == "scalar" else [int(d) for d in s.split("x")]
                for s in m.group(3).split(", ")]
            comments.append((int(m.group(2)), m.group(1), shapes,
                             int(m.group(4))))
    return entries, comments


def reference_shapes(model_path, batch):
    model = onnx.load(model_path, load_external_data=False)
    if batch:
        inits = {t.name for t in model.graph.initializer}
        for i in list(model.graph.input) + list(model.graph.output):
            if i.name not in inits and i.type.tensor_type.shape.dim:
                i.type.tensor_type.shape.dim[0].dim_value = batch
    # data_prop: through shape computations (Shape -> Gather -> Concat)
    inferred = shape_inference.infer_shapes(model, strict_mode=True,
                                            data_prop=True)
    ref = {}
    for vi in (list(inferred.graph.input) + list(inferred.graph.value_info)
               + list(inferred.graph.output)):
        dims = vi.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            ref[vi.name] = [d.dim_value for d in dims]
    for t in model.graph.initializer:
        ref[t.name] = list(t.dims)
    data = os.path.join(os.path.dirname(model_path), "test_data_set_0")
    for i, out in enumerate(model.graph.output):
        pb = os.path.join(data, "output_%d.pb" % i)
        if os.path.exists(pb) and not batch:
            t = onnx.TensorProto()
            t.ParseFromString(open(pb, "rb").read())
            ref[out.name] = list(t.dims)
    return model, ref


def prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def expected_entry(node, shape):
    """The entry the network format gives node, from reference shapes."""
    q = 3 if node.op_type.startswith("QLinear") else 1
    x, w, y = shape(node.input[0]), shape(node.input[q]), shape(node.output[0])
    if "Conv" in node.op_type:
        g = attr(node, "group", 1)
        s = attr(node, "strides", [1] * (len(x) - 2))
        d = attr(node, "dilations", [1] * (len(x) - 2))
        if len(x) not in (3, 4) or len(set(s)) != 1 or len(set(d)) != 1:
            return None
        assert x[1] == w[1] * g and y[1] == w[0] and y[0] == x[0], node
        two = len(x) == 4
        e = {"N": x[0], "Y": y[2] if two else 1, "X": y[-1],
             "FY": w[2] if two else 1, "FX": w[-1], "stride": s[0],
             "dilation": d[0]}
        if g > 1 and w[1] == 1:
            return "depthwise", dict(e, C=g, repeat=w[0] // g)
        return "conv", dict(e, K=w[0] // g, C=w[1], repeat=g)
    if node.op_type == "Gemm":
        ta, tb = attr(node, "transA", 0), attr(node, "transB", 0)
        assert y == [x[ta], w[1 - tb]], node
        return "fc", {"N": x[ta], "K": w[1 - tb], "C": x[1 - ta],
                      "stride": 1, "dilation": 1, "repeat": 1}
    rows = x[-2] if len(x) > 1 else 1
    cols = w[-1] if len(w) > 1 else 1
    batch = prod(y) // (rows * cols)
    shared = prod(w[:-2]) == 1
    return "fc", {"N": rows * batch if shared else rows, "K": cols,
                  "C": x[-1], "stride": 1, "dilation": 1,
                  "repeat": 1 if shared else batch}


def check(model_path, net_path, batch):
    model, ref = reference_shapes(model_path, batch)
    entries, comments = parse_net(net_path)
    nodes = model.graph.node
    bad = []
    listed = sorted([(i, op) for i, op, _, _ in entries] +
                    [(i, op) for i, op, _, _ in comments])
    want = [(i, n.op_type) for i, n in enumerate(nodes)]
    if listed != want:
        bad.append("nodes listed %s, not the model's %s" % (listed, want))

    def shape(name):
        if name not in ref:
            raise KeyError("no reference shape of '%s'" % name)
        return ref[name]
    shapes_checked = 0
    for i, op, kind, got in entries:
        try:
            exp = expected_entry(nodes[i], shape)
        except KeyError as err:
            bad.append("node %d (%s): %s" % (i, op, err))
            continue
        if exp != (kind, got):
            bad.append("node %d (%s): %s %s, expected %s" % (
                i, op, kind, got, exp))
        shapes_checked += 1
    for i, op, shapes, elems in comments:
        outs = [o for o in nodes[i].output if o]
        known = [ref.get(o) for o in outs]
        if op in MACS:
            bad.append("node %d: MAC operator %s only a comment" % (i, op))
        for k, s in enumerate(shapes):
            if k < len(known) and known[k] is not None:
                shapes_checked += 1
                if s != known[k]:
                    bad.append("node %d (%s): output %d is %s, ONNX says %s"
                               % (i, op, k, s, known[k]))
        if sum(prod(s) for s in shapes) != elems:
            bad.append("node %d (%s): %d elements for shapes %s" % (
                i, op, elems, shapes))
    if not entries:
        bad.append("no entries")
    if bad:
        print("bad %s: %s" % (model_path, "; ".join(bad[:5])))
        return 1
    print("ok %s: %d entries and %d comments, %d shapes checked" % (
        model_path, len(entries), len(comments), shapes_checked))
    return 0


def shape_set(path):
    out = {}
    for line in open(path):
        m = re.match(r"^\s*\w+:\s*(conv|depthwise|fc)\s+([^#]*)", line)
        if not m:
            continue
        items = [kv for kv in m.group(2).split()
                 if not kv.startswith("repeat=")]
        rep = [int(kv[7:]) for kv in m.group(2).split()
               if kv.startswith("repeat=")]
        for d in ("stride=1", "dilation=1"):
            if d in items:
                items.remove(d)
        key = m.group(1) + " " + " ".join(items)
        out[key] = out.get(key, 0) + (rep[0] if rep else 1)
    return out


def compare(imported, example, only_imported, only_example, count_differs):
    a, b = shape_set(imported), shape_set(example)
    bad = []
    for s in sorted(set(a) & set(b)):  # times run, repeat= counted
        if (a[s] != b[s]) != (s in count_differs):
            bad.append("%s: %d times in %s, %d in %s%s" % (
                s, a[s], imported, b[s], example,
                " (expected to differ)" if s in count_differs else ""))
    for s in sorted(set(a) - set(b) - set(only_imported)):
        bad.append("only in %s: %s" % (imported, s))
    for s in sorted(set(b) - set(a) - set(only_example)):
        bad.append("only in %s: %s" % (example, s))
    for s in only_imported:
        if s not in a or s in b:
            bad.append("expected only in %s: %s" % (imported, s))
    for s in only_example:
        if s not in b or s in a:
            bad.append("expected only in %s: %s" % (example, s))
    for x in bad:
        print(x)
    if bad:
        return 1
    print("%s and %s: %d shapes in common" % (imported, example,
                                             len(set(a) & set(b))))
    return 0


def main(argv):
    if argv[1] == "check":
        args, batch = argv[2:], 0
        if args[0] == "--batch":
            batch, args = int(args[1]), args[2:]
        rc = 0
        for model, net in zip(args[0::2], args[1::2]):
            try:
                rc |= check(model, net, batch)
            except Exception as err:  # a model ONNX itself rejects
                print("bad %s: %s" % (model, str(err).splitlines()[0]))
                rc = 1
        return rc
    only = {"--only-imported": [], "--only-example": [],
            "--count-differs": []}
    for opt, val in zip(argv[4::2], argv[5::2]):
        only[opt].append(val)
    return compare(argv[2], argv[3], only["--only-imported"],
                   only["--only-example"], only["--count-differs"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
