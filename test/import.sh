# test/import.sh - `tessera import` (ONNX); sourced by test/run.sh after
# test/cli.sh (it uses T, OUT, ok, bad and expect).
#
#   - Debian's libonnx-testdata, models nobody here wrote: PyTorch's
#     converted Conv (1-D, 2-D, strided, padded, dilated, grouped,
#     depthwise, with a multiplier) and Linear modules, and the node
#     tests of Conv, ConvInteger, QLinearConv, Gemm, MatMul and their
#     integer forms: every entry's kind and extents must be those
#     test/onnx_check.py derives from the model's own shapes (its test
#     outputs, ONNX's shape inference), and every node must be listed;
#   - whole networks that test/onnx_nets.py writes with onnx.helper
#     (ResNet-50, VGG-16, MobileNet-v2, a BERT-base encoder layer): the
#     same check, every shape between the MAC layers against ONNX's
#     shape inference, the textbook layer counts and shapes, and
#     ResNet-50 and VGG-16 against examples/networks/ both ways;
#   - the checks themselves fail on a wrong extent, a wrong comment and
#     a dropped node;
#   - malformed and unsupported models are errors naming the file and
#     the node, exit 1; truncated and bit-flipped models never crash.
#
# PY: Debian's Python, which has python3-onnx (a python3 earlier on
# PATH, pyenv's, may not).
PY=${TESSERA_PYTHON:-/usr/bin/python3}
TD=/usr/share/libonnx-testdata/data
IO=$OUT/import
mkdir -p $IO

if ! $PY -c 'import onnx' 2>/dev/null || [ ! -d $TD ]; then
	bad import/setup "$PY cannot import onnx, or $TD is missing (make installs python3-onnx and libonnx-testdata)"
fi

# ---- models nobody here wrote ----
pairs=""
for d in $TD/pytorch-converted/test_Conv1d* $TD/pytorch-converted/test_Conv2d* \
	$TD/pytorch-converted/test_Linear* $TD/node/test_*conv* $TD/node/test_gemm* \
	$TD/node/test_matmul* $TD/node/test_qlinear* \
	$TD/pytorch-operator/test_operator_conv $TD/pytorch-operator/test_operator_mm \
	$TD/pytorch-operator/test_operator_addmm; do
	n=$(basename $d)
	case $n in *convtranspose*) continue ;; esac
	if $T import $d/model.onnx -o $IO/$n.tsr >$IO/imp.out 2>&1; then
		pairs="$pairs $d/model.onnx $IO/$n.tsr"
	else
		bad "import/$n" "$(cat $IO/imp.out)"
	fi
done
# one Python run checks them all: "ok MODEL: ..." or "bad MODEL: ..."
$PY test/onnx_check.py check $pairs >$IO/check.out 2>&1
while read -r word model rest; do
	n=$(basename $(dirname $model))
	case $word in
	ok) ok "import/$n" ;;
	*) bad "import/$n" "$word $model $rest" ;;
	esac
done <$IO/check.out
[ "$(grep -c '^ok ' $IO/check.out)" -ge 50 ] && ok import/testdata_count ||
	bad import/testdata_count "$(grep -c '^ok ' $IO/check.out) models checked, not 50 or more"

# ---- whole networks, written at test time ----
if $PY test/onnx_nets.py $IO >$IO/nets.out 2>&1; then ok import/nets_written
else bad import/nets_written "$(cat $IO/nets.out)"; fi
expect import/batch_needed 1 "resnet50.onnx: error: input 'input' has a batch dim of no fixed size ('N'); give --batch N" -- \
	$T import $IO/resnet50.onnx
for n in resnet50 mobilenetv2 bert_layer; do
	expect import/net_$n 0 "network $n: " -- \
		$T import $IO/$n.onnx --batch 16 -o $IO/$n.tsr
done
expect import/net_vgg16 0 "network vgg16: 16 MAC layers" -- \
	$T import $IO/vgg16.onnx -o $IO/vgg16.tsr
if r=$($PY test/onnx_check.py check --batch 16 $IO/resnet50.onnx $IO/resnet50.tsr \
	$IO/mobilenetv2.onnx $IO/mobilenetv2.tsr $IO/bert_layer.onnx \
	$IO/bert_layer.tsr 2>&1) && r=$($PY test/onnx_check.py check \
	$IO/vgg16.onnx $IO/vgg16.tsr 2>&1); then ok import/nets_shapes
else bad import/nets_shapes "$r"; fi

# the textbook figures: layers, and MACs per image (4.09 G, 15.47 G,
# 300.8 M; the BERT layer 931.1 M per sequence of 128), batch 16
net_line() { # NET MACS LAYERS RUNS: `check` says it
	$T check $IO/$1.tsr 2>&1 | grep -qx "network $1: $3 layers ($4 with repeats), $2 MACs" ||
		{ $T check $IO/$1.tsr 2>&1; return 1; }
}
for f in "resnet50 65426948096 54 54" "vgg16 247524229120 16 16" \
	"mobilenetv2 4812388352 53 53" "bert_layer 14898167808 8 390"; do
	set -- $f
	if r=$(net_line $1 $2 $3 $4); then ok import/figures_$1
	else bad import/figures_$1 "$r (want $3 layers, $4 with repeats, $2 MACs)"; fi
done
# attention: Q x K^T and scores x V per sequence and head (16 x 12)
expect import/bert_scores 0 "^  scores: fc N=128 K=128 C=64 repeat=192 " -- cat $IO/bert_layer.tsr
expect import/bert_context 0 "^  context: fc N=128 K=64 C=128 repeat=192 " -- cat $IO/bert_layer.tsr
expect import/bert_ffn 0 "^  intermediate: fc N=2048 K=3072 C=768 " -- cat $IO/bert_layer.tsr
expect import/mobilenet_depthwise 0 "depthwise N=16 C=960 Y=7 X=7 FY=3 FX=3 " -- cat $IO/mobilenetv2.tsr
# ResNet-50 and VGG-16 equal examples/networks/ where both list a shape,
# and run each as many times; the differences are the artifact's shapes
# that the files keep (their comments say so): ResNet-50's 2a reduction
# at 112x112 and 4a projection at 28x28 stride 1, VGG-16's conv12 at 7x7
if r=$($PY test/onnx_check.py compare $IO/resnet50.tsr examples/networks/resnet50.tsr \
	--only-imported "conv N=16 K=64 C=64 Y=56 X=56 FY=1 FX=1" \
	--only-imported "conv N=16 K=1024 C=512 Y=14 X=14 FY=1 FX=1 stride=2" \
	--only-example "conv N=16 K=64 C=64 Y=112 X=112 FY=1 FX=1" \
	--only-example "conv N=16 K=1024 C=512 Y=28 X=28 FY=1 FX=1" 2>&1)
then ok import/resnet50_as_example; else bad import/resnet50_as_example "$r"; fi
if r=$($PY test/onnx_check.py compare $IO/vgg16.tsr examples/networks/vgg16.tsr \
	--only-example "conv N=16 K=512 C=512 Y=7 X=7 FY=3 FX=3" \
	--count-differs "conv N=16 K=512 C=512 Y=14 X=14 FY=3 FX=3" 2>&1)
then ok import/vgg16_as_example; else bad import/vgg16_as_example "$r"; fi
# --batch replaces a batch written into a Reshape's constant target
expect import/vgg16_batch 0 "^  fc6: fc N=4 K=4096 C=25088 " -- \
	sh -c "$T import $IO/vgg16.onnx --batch 4 && $T import $IO/vgg16.onnx --batch 4 | grep -q 'conv1_1: conv N=4 '"

# ---- the checks fail when they should ----
sed 's/^\(  conv1: conv N=16 K=\)64/\165/' $IO/resnet50.tsr >$IO/wrong_k.tsr
sed "s/^\(  # Relu #[0-9]* '[^']*': 16x\)64x/\163x/" $IO/resnet50.tsr >$IO/wrong_comment.tsr
sed '/# MaxPool /d' $IO/resnet50.tsr >$IO/dropped.tsr
for f in wrong_k wrong_comment dropped; do
	if cmp -s $IO/$f.tsr $IO/resnet50.tsr; then bad import/checker_$f "the file did not change"
	elif $PY test/onnx_check.py check --batch 16 $IO/resnet50.onnx $IO/$f.tsr >$IO/c.out 2>&1
	then bad import/checker_$f "the check passed: $(cat $IO/c.out)"
	else ok import/checker_$f; fi
done
if $PY test/onnx_check.py compare $IO/resnet50.tsr examples/networks/resnet50.tsr >$IO/c.out 2>&1 ||
	$PY test/onnx_check.py compare $IO/vgg16.tsr examples/networks/vgg16.tsr \
		--only-example "conv N=16 K=512 C=512 Y=7 X=7 FY=3 FX=3" >$IO/c.out 2>&1
then bad import/compare_can_fail "$(cat $IO/c.out)"; else ok import/compare_can_fail; fi

# ---- errors: the file, the node, exit 1 ----
B=$IO/bad
expect import/unknown_op 1 "unknown_op.onnx: error: node 1 'mystery' (Frobnicate): operator Frobnicate is not one the importer knows" -- \
	$T import $B/unknown_op.onnx
expect import/unknown_declared 0 "# Frobnicate #1 'mystery': 1x8x6x6 (288 elements)" -- \
	$T import $B/unknown_declared.onnx
expect import/declared_differs 1 "node 0 'conv1' (Conv): output 'c' is declared 1x8x5x5, but its inputs give 1x8x6x6" -- \
	$T import $B/declared_differs.onnx
expect import/channels_differ 1 "node 0 'conv1' (Conv): weight 'w' (8x4x3x3) does not fit input 'x' (1x3x8x8) with group 1" -- \
	$T import $B/channels_differ.onnx
expect import/absurd_dim 1 "error: input 'x' has dim 2 of 1099511627776" -- \
	$T import $B/absurd_dim.onnx
expect import/symbolic_dim 1 "error: input 'x' has dim 2 of no fixed size" -- \
	$T import $B/symbolic_dim.onnx
expect import/batch_open_given 0 "conv1: conv N=3 K=8" -- \
	$T import $B/batch_open.onnx --batch 3
expect import/reshape_open_batch 0 "gemm_1: fc N=3 K=10 C=256 " -- \
	$T import $B/reshape_open_batch.onnx --batch 3
expect import/strides_differ 1 "node 0 'rect' (Conv): strides 1x2 and dilations 1x1" -- \
	$T import $B/strides_differ.onnx
expect import/not_sorted 1 "node 0 'early' (Relu): input 'd' is made by no earlier node" -- \
	$T import $B/not_sorted.onnx
expect import/input_no_shape 1 "error: input 'x' declares no shape" -- \
	$T import $B/input_no_shape.onnx
expect import/conv3d 1 "node 0 '' (Conv): a 3-D convolution" -- \
	$T import $TD/pytorch-converted/test_Conv3d/model.onnx
expect import/lstm 1 "(LSTM): LSTM multiplies and accumulates, and the importer does not map it" -- \
	$T import $TD/node/test_lstm_batchwise/model.onnx
expect import/no_mac 1 "error: the model has no MAC layer" -- \
	$T import $TD/node/test_relu/model.onnx
expect import/not_onnx 1 "quickstart.tsr: error: not an ONNX model" -- \
	$T import examples/quickstart.tsr
expect import/missing_file 1 "no-such.onnx: error: cannot read it: No such file or directory" -- \
	$T import $IO/no-such.onnx
expect import/needs_model 2 "import needs an ONNX model" -- $T import
expect import/batch_zero 2 "--batch" -- $T import $IO/vgg16.onnx --batch 0
expect import/option_not_taken 2 "import takes no option --json" -- \
	$T import $IO/vgg16.onnx --json
expect import/help 0 "import MODEL.onnx \[-o NET.tsr\] \[--batch N\]" -- \
	$T import --help

# ---- damaged models: an error with the file's name, never a crash ----
# (under `make asan`, also no sanitizer report)
$PY - $IO $IO/resnet50.onnx $IO/bert_layer.onnx \
	$TD/pytorch-converted/test_Conv2d_groups/model.onnx \
	$TD/node/test_gemm_all_attributes/model.onnx <<'EOF'
import random, sys
random.seed(20)
out, k = sys.argv[1], 0
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    for i in range(25):
        cut = data[:random.randrange(len(data))]
        flip = bytearray(data)
        for _ in range(1 + i % 4):
            flip[random.randrange(len(flip))] ^= 1 << random.randrange(8)
        for m in (cut, bytes(flip)):
            open("%s/mutant%d.onnx" % (out, k), "wb").write(m)
            k += 1
EOF
msg=""
for f in $IO/mutant*.onnx; do
	$T import $f >$IO/m.out 2>$IO/m.err
	rc=$?
	if [ $rc -gt 1 ] || { [ $rc = 1 ] && ! { [ "$(wc -l <$IO/m.err)" = 1 ] &&
		grep -q "^$f: error: " $IO/m.err; }; } ||
		grep -q "Sanitizer\|runtime error" $IO/m.err; then
		msg="$f: exit $rc: $(head -3 $IO/m.err)"
		break
	fi
done
n=$(ls $IO/mutant*.onnx | wc -l)
if [ -z "$msg" ] && [ "$n" = 200 ]; then ok import/damaged_models
else bad import/damaged_models "${msg:-$n mutants, not 200}"; fi
