#!/bin/sh
# docs/results/regenerate.sh - remakes every table and chart in this
# directory with the tool itself (run from the repository root after
# make; several minutes on two cores).  Each .md file also names the
# command that made it.
set -e
T=${TESSERA:-./tessera}
D=docs/results
# The dataflows of examples/taxonomy/ (ck_replicated is left out: the
# search does not unroll two loops onto one array dimension), each with
# its best blocking, on the AlexNet and VGG-16 convolutions.
$T study dataflows examples/networks/alexnet.tsr examples/networks/vgg16.tsr \
	examples/taxonomy/ck_tpu.tsr examples/taxonomy/xy_shidiannao.tsr \
	examples/taxonomy/fyy_eyeriss.tsr examples/taxonomy/fxfy_neuflow.tsr \
	examples/taxonomy/nk.tsr examples/taxonomy/k_1d.tsr \
	-o $D --threads 2 --quiet
# The baseline (16x16 C|K, 512 B register file, 128 KB global buffer)
# against one memory hierarchy per network at constant throughput.
$T study hierarchy examples/networks/alexnet.tsr examples/networks/vgg16.tsr \
	examples/networks/lstm500.tsr examples/networks/lstm1000.tsr \
	examples/networks/mlp_s.tsr examples/networks/mlp_l.tsr \
	examples/taxonomy/ck_tpu.tsr -o $D --threads 2 --quiet
# The artifact's own case: AlexNet conv3 at batch 16, C|K, baseline
# against its 4-level hierarchy, and against the hierarchy Tessera finds.
{
	echo "# AlexNet conv3, batch 16, C|K: the artifact's case"
	echo
	echo "Made by docs/results/regenerate.sh:"
	echo
	echo '```'
	for f in alexnet_conv3_b16 alexnet_conv3_b16_4level; do
		echo "tessera search examples/paper/$f.tsr --dataflow 'K|C'"
	done
	echo "tessera search examples/paper/alexnet_conv3_b16.tsr --dataflow 'K|C' --hierarchy"
	echo '```'
	echo
	echo "| architecture | pJ/MAC | cycles | artifact pJ/MAC |"
	echo "|---|---|---|---|"
	for f in alexnet_conv3_b16:5.51 alexnet_conv3_b16_4level:1.46; do
		n=${f%:*} art=${f#*:}
		$T search examples/paper/$n.tsr --dataflow 'K|C' --quiet --threads 2 |
			awk -v n="$n" -v a="$art" '/^best:/ { printf "| %s | %s | %s | %s |\n", n, $2, $4, a }'
	done
	$T search examples/paper/alexnet_conv3_b16.tsr --dataflow 'K|C' --quiet \
		--threads 2 --hierarchy |
		awk '/^hierarchy:/ { sub(/^hierarchy: /, ""); h = $0 }
		     /^best:/ { printf "| searched: %s | %s | %s | - |\n", h, $2, $4 }'
} >$D/artifact_conv3.md
echo "wrote $D/artifact_conv3.md"
