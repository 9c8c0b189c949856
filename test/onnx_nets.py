#!/usr/bin/python3
"""test/onnx_nets.py DIR: writes whole networks as ONNX graphs with the
textbook shapes, for test/import.sh, with Debian's python3-onnx
(onnx.helper only):

  resnet50.onnx    ResNet-50 v1.5 (stride on each stage's first 3x3),
                   224x224, batch left open ('N')
  vgg16.onnx       VGG-16 (configuration D), batch 16, flattened by a
                   Reshape to the constant [16, 25088]
  mobilenetv2.onnx MobileNet-v2 (width 1.0, 224x224), batch 1
  bert_layer.onnx  one BERT-base encoder layer: sequence 128, hidden 768,
                   12 heads, feed-forward 3072; batch left open ('B');
                   one head split by a constant Reshape, one by the
                   Shape -> Gather -> Unsqueeze -> Concat chain PyTorch
                   exports

The graphs declare the shapes of their inputs and outputs only (the
importer infers the rest), and their weights are initializers with dims
but their data stored outside the model (data_location EXTERNAL), as
large models do: the importer reads no weights, and the files stay small.
"""
import os
import sys

from onnx import TensorProto, helper


class Net:
    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.inits = []
        self.n = 0

    def fresh(self, what):
        self.n += 1
        return "%s_%d" % (what, self.n)

    def weight(self, dims, dtype=TensorProto.FLOAT):
        t = TensorProto()
        t.name = self.fresh("w")
        t.dims.extend(dims)
        t.data_type = dtype
        t.data_location = TensorProto.EXTERNAL
        e = t.external_data.add()
        e.key, e.value = "location", self.name + ".weights"
        self.inits.append(t)
        return t.name

    def const(self, values):
        t = helper.make_tensor(self.fresh("c"), TensorProto.INT64,
                               [len(values)], values)
        self.inits.append(t)
        return t.name

    def op(self, op, inputs, nout=1, name=None, **attrs):
        outs = [self.fresh(op.lower()) for _ in range(nout)]
        self.nodes.append(helper.make_node(op, inputs, outs,
                                           name=name or self.fresh(op),
                                           **attrs))
        return outs[0] if nout == 1 else outs

    def conv(self, x, cin, cout, k, stride=1, group=1, name=None):
        w = self.weight([cout, cin // group, k, k])
        p = k // 2
        return self.op("Conv", [x, w], name=name, kernel_shape=[k, k],
                       strides=[stride, stride], pads=[p, p, p, p],
                       group=group)

    def bn(self, x, c):
        ws = [self.weight([c]) for _ in range(4)]
        return self.op("BatchNormalization", [x] + ws)

    def save(self, path, inputs, outputs, opset=13):
        g = helper.make_graph(self.nodes, self.name, inputs, outputs,
                              self.inits)
        m = helper.make_model(g, producer_name="tessera-test",
                              opset_imports=[helper.make_opsetid("", opset)])
        with open(path, "wb") as f:
            f.write(m.SerializeToString())


def resnet50(path):
    t = Net("resnet50")
    x = t.conv("input", 3, 64, 7, 2, name="conv1")
    x = t.op("Relu", [t.bn(x, 64)])
    x = t.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2],
             pads=[1, 1, 1, 1])
    cin = 64
    for stage, (width, blocks, stride) in enumerate(
            [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]):
        for b in range(blocks):
            s = stride if b == 0 else 1
            pre = "res%d%s" % (stage + 2, "abcdef"[b])
            y = t.op("Relu", [t.bn(t.conv(x, cin, width, 1,
                                          name=pre + "_1"), width)])
            y = t.op("Relu", [t.bn(t.conv(y, width, width, 3, s,
                                          name=pre + "_2"), width)])
            y = t.bn(t.conv(y, width, 4 * width, 1, name=pre + "_3"),
                     4 * width)
            short = x
            if b == 0:
                short = t.bn(t.conv(x, cin, 4 * width, 1, s,
                                    name=pre + "_proj"), 4 * width)
            x = t.op("Relu", [t.op("Add", [y, short])])
            cin = 4 * width
    x = t.op("GlobalAveragePool", [x])
    x = t.op("Flatten", [x], axis=1)
    x = t.op("Gemm", [x, t.weight([1000, 2048]), t.weight([1000])],
             name="fc", transB=1)
    t.nodes[-1].output[0] = "logits"
    t.save(path, [helper.make_tensor_value_info(
        "input", TensorProto.FLOAT, ["N", 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["N", 1000])])


def vgg16(path):
    t = Net("vgg16")
    x, cin = "input", 3
    for stage, (width, convs) in enumerate(
            [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]):
        for c in range(convs):
            x = t.op("Relu", [t.conv(x, cin, width, 3,
                                     name="conv%d_%d" % (stage + 1, c + 1))])
            cin = width
        x = t.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = t.op("Reshape", [x, t.const([16, 25088])])
    for i, (k, c) in enumerate([(4096, 25088), (4096, 4096), (1000, 4096)]):
        x = t.op("Gemm", [x, t.weight([k, c]), t.weight([k])],
                 name="fc%d" % (i + 6), transB=1)
        if i < 2:
            x = t.op("Dropout", [t.op("Relu", [x])])
    t.save(path, [helper.make_tensor_value_info(
        "input", TensorProto.FLOAT, [16, 3, 224, 224])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [16, 1000])])


def mobilenetv2(path):
    t = Net("mobilenetv2")
    relu6 = lambda v: t.op("Clip", [v], min=0.0, max=6.0)
    x = relu6(t.bn(t.conv("input", 3, 32, 3, 2, name="conv0"), 32))
    cin = 32
    for ex, cout, n, stride in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2),
                                (6, 64, 4, 2), (6, 96, 3, 1),
                                (6, 160, 3, 2), (6, 320, 1, 1)]:
        for b in range(n):
            s = stride if b == 0 else 1
            hid = cin * ex
            y = x
            if ex != 1:
                y = relu6(t.bn(t.conv(y, cin, hid, 1), hid))
            y = relu6(t.bn(t.conv(y, hid, hid, 3, s, group=hid), hid))
            y = t.bn(t.conv(y, hid, cout, 1), cout)
            x = t.op("Add", [x, y]) if s == 1 and cin == cout else y
            cin = cout
    x = relu6(t.bn(t.conv(x, 320, 1280, 1, name="conv_last"), 1280))
    x = t.op("ReduceMean", [x], axes=[2, 3], keepdims=0)
    x = t.op("Gemm", [x, t.weight([1000, 1280]), t.weight([1000])],
             name="classifier", transB=1)
    t.save(path, [helper.make_tensor_value_info(
        "input", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 1000])])


def bert_layer(path):
    t = Net("bert_layer")
    S, H, A, D, F = 128, 768, 12, 64, 3072

    def linear(x, cin, cout, name):
        return t.op("Add", [t.op("MatMul", [x, t.weight([cin, cout])],
                                 name=name), t.weight([cout])])

    def heads(x, perm, dynamic):
        if dynamic:  # [B, S, 12, 64] from the input's own shape
            shape = t.op("Shape", ["hidden"])
            dims = []
            for i in (0, 1):  # scalar Gathers, Unsqueezed (opset 13 form)
                index = helper.make_tensor(t.fresh("i"), TensorProto.INT64,
                                           [], [i])
                t.inits.append(index)
                dims.append(t.op("Unsqueeze", [t.op("Gather", [
                    shape, index.name]), t.const([0])]))
            target = t.op("Concat", dims + [t.const([A, D])], axis=0)
        else:
            target = t.const([0, 0, A, D])
        return t.op("Transpose", [t.op("Reshape", [x, target])], perm=perm)

    q = heads(linear("hidden", H, H, "query"), [0, 2, 1, 3], False)
    k = heads(linear("hidden", H, H, "key"), [0, 2, 3, 1], False)
    v = heads(linear("hidden", H, H, "value"), [0, 2, 1, 3], True)
    scores = t.op("MatMul", [q, k], name="scores")
    scale = helper.make_tensor(t.fresh("scale"), TensorProto.FLOAT, [], [8.0])
    t.inits.append(scale)
    scores = t.op("Add", [t.op("Div", [scores, scale.name]), "mask"])
    probs = t.op("Softmax", [scores], axis=-1)
    ctx = t.op("MatMul", [probs, v], name="context")
    ctx = t.op("Reshape", [t.op("Transpose", [ctx], perm=[0, 2, 1, 3]),
                           t.const([0, 0, H])])
    x = t.op("Add", [linear(ctx, H, H, "attention_output"), "hidden"])
    x = t.op("LayerNormalization", [x, t.weight([H]), t.weight([H])],
             axis=-1)
    y = linear(x, H, F, "intermediate")
    half = helper.make_tensor(t.fresh("half"), TensorProto.FLOAT, [], [0.5])
    root2 = helper.make_tensor(t.fresh("r2"), TensorProto.FLOAT, [], [1.4142])
    one = helper.make_tensor(t.fresh("one"), TensorProto.FLOAT, [], [1.0])
    t.inits.extend([half, root2, one])
    erf = t.op("Erf", [t.op("Div", [y, root2.name])])
    y = t.op("Mul", [t.op("Mul", [y, half.name]),
                     t.op("Add", [erf, one.name])])  # GELU
    y = t.op("Add", [linear(y, F, H, "output"), x])
    y = t.op("LayerNormalization", [y, t.weight([H]), t.weight([H])],
             axis=-1)
    t.save(path, [helper.make_tensor_value_info("hidden", TensorProto.FLOAT,
                                                ["B", S, H]),
                  helper.make_tensor_value_info("mask", TensorProto.FLOAT,
                                                ["B", 1, 1, S])],
           [helper.make_tensor_value_info(y, TensorProto.FLOAT,
                                          ["B", S, H])], opset=17)


def small(path, nodes, x_dims, y_dims=None, inits=(), y="y"):
    """A model of a few nodes over input x, for the error tests."""
    g = helper.make_graph(
        nodes, "small", [helper.make_tensor_value_info(
            "x", TensorProto.FLOAT, x_dims)],
        [helper.make_tensor_value_info(y, TensorProto.FLOAT, y_dims)],
        list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def bad_models(out):
    """Models the importer must refuse (or, for unknown_declared, take
    the declared shape of), each named after what is wrong, and one it
    must read (reshape_open_batch)."""
    w = helper.make_tensor("w", TensorProto.FLOAT, [8, 4, 3, 3],
                           [0.0] * 288)
    conv = helper.make_node("Conv", ["x", "w"], ["c"], name="conv1")
    frob = helper.make_node("Frobnicate", ["c"], ["y"], name="mystery")
    p = lambda n: os.path.join(out, n + ".onnx")
    small(p("unknown_op"), [conv, frob], [1, 4, 8, 8], None, [w])
    small(p("unknown_declared"), [conv, frob], [1, 4, 8, 8], [1, 8, 6, 6],
          [w])
    small(p("declared_differs"), [conv], [1, 4, 8, 8], [1, 8, 5, 5], [w],
          y="c")
    small(p("channels_differ"), [conv], [1, 3, 8, 8], None, [w], y="c")
    small(p("absurd_dim"), [conv], [1, 4, 1 << 40, 8], None, [w], y="c")
    small(p("symbolic_dim"), [conv], [1, 4, "H", 8], None, [w], y="c")
    small(p("batch_open"), [conv], ["N", 4, 8, 8], None, [w], y="c")
    rect = helper.make_node("Conv", ["x", "w"], ["c"], name="rect",
                            strides=[1, 2])
    small(p("strides_differ"), [rect], [1, 4, 8, 8], None, [w], y="c")
    late = helper.make_node("Relu", ["d"], ["y"], name="early")
    small(p("not_sorted"), [late, helper.make_node("Relu", ["x"], ["d"])],
          [1, 4], None)
    # not an error: a constant Reshape target [-1, 256] with the batch
    # left open (-1 is not the model's batch)
    flat = helper.make_tensor("flat", TensorProto.INT64, [2], [-1, 256])
    fcw = helper.make_tensor("fcw", TensorProto.FLOAT, [10, 256],
                             [0.0] * 2560)
    small(p("reshape_open_batch"), [
        helper.make_node("Reshape", ["x", "flat"], ["r"]),
        helper.make_node("Gemm", ["r", "fcw"], ["y"], transB=1)],
        ["N", 4, 8, 8], ["N", 10], [flat, fcw])
    g = helper.make_graph([conv], "noshape", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, None)], [helper.make_tensor_value_info(
            "c", TensorProto.FLOAT, None)], [w])
    with open(p("input_no_shape"), "wb") as f:
        f.write(helper.make_model(g).SerializeToString())


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for build in (resnet50, vgg16, mobilenetv2, bert_layer):
        build(os.path.join(out, build.__name__ + ".onnx"))
    os.makedirs(os.path.join(out, "bad"), exist_ok=True)
    bad_models(os.path.join(out, "bad"))
