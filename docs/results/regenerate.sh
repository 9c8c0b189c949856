#!/bin/sh
# docs/results/regenerate.sh - remakes every table and chart in this
# directory with the tool itself (run from the repository root after
# make).  Each .md file also names the command that made it.
#
#   THREADS=N    threads per search (default 2)
#   SKIP_DATAFLOWS=1   leave out the dataflow studies
set -e
T=${TESSERA:-./tessera}
D=docs/results
TH=${THREADS:-2}
# The dataflows of examples/taxonomy/, each with its best blocking, on
# the AlexNet and VGG-16 convolutions.  ck_replicated is left out: its
# C+Y|K maps none of AlexNet conv3 to conv5 (Y=13 is prime, and 13 rows
# leave no room for C on 16), which would leave those layers out of the
# whole-network comparison (given to the study, it is searched: 37 s).
[ "${SKIP_DATAFLOWS:-0}" = 1 ] ||
$T study dataflows examples/networks/alexnet.tsr examples/networks/vgg16.tsr \
	examples/taxonomy/ck_tpu.tsr examples/taxonomy/xy_shidiannao.tsr \
	examples/taxonomy/fyy_eyeriss.tsr examples/taxonomy/fxfy_neuflow.tsr \
	examples/taxonomy/nk.tsr examples/taxonomy/k_1d.tsr \
	-o $D --threads $TH --quiet
# The same dataflows on the ResNet-50 convolutions (docs/networks.md).
[ "${SKIP_DATAFLOWS:-0}" = 1 ] ||
$T study dataflows examples/networks/resnet50.tsr \
	examples/taxonomy/ck_tpu.tsr examples/taxonomy/xy_shidiannao.tsr \
	examples/taxonomy/fyy_eyeriss.tsr examples/taxonomy/fxfy_neuflow.tsr \
	examples/taxonomy/nk.tsr examples/taxonomy/k_1d.tsr \
	-o $D --name resnet50 --threads $TH --quiet
# The baseline (16x16 C|K, 512 B register file, 128 KB global buffer)
# against one memory hierarchy per network at constant throughput
# (29 minutes on 2 threads, 3 of them AlexNet's, most of the rest
# VGG-16's).
$T study hierarchy examples/networks/alexnet.tsr examples/networks/vgg16.tsr \
	examples/networks/lstm500.tsr examples/networks/lstm1000.tsr \
	examples/networks/mlp_s.tsr examples/networks/mlp_l.tsr \
	examples/taxonomy/ck_tpu.tsr -o $D --threads $TH --quiet
# The artifact's own case: AlexNet conv3 at batch 16, C|K on all 16x16
# PEs (the artifact's schedule hint), baseline against its 4-level
# hierarchy and against the hierarchy Tessera finds; first with
# Tessera's conventions, then with the artifact's (16-bit partial sums,
# capacities in 16-bit words: examples/paper/*_as_artifact.tsr).
CK="--dataflow C|K --fix c@pe=16 --fix k@pe=16 --quiet --threads $TH --json"
# the figures of one search's JSON as a table row, and its pJ/MAC in $D/.pj
row() { # LABEL ARTIFACT_PJ
	awk -v n="$1" -v a="$2" -v pj="$D/.pj" '
	/"hierarchy":/ { h = $0; sub(/.*"hierarchy": "/, "", h); sub(/".*/, "", h) }
	/"macs":/ { m = $2 + 0 } /"cycles":/ && !c { c = $2 + 0 }
	/"utilization":/ { u = $2 + 0 }
	/"energy_pj":/ { t = $0; sub(/.*"total": /, "", t); x = $0
		sub(/.*"mac": /, "", x); t += 0; x += 0 }
	END { if (!m) exit 1
		if (h != "") n = n ": " h
		printf "| %s | %.4f | %.4f | %d | %.1f%% | %s |\n", n, t / m,
			(t - x) / m, c, 100 * u, a
		printf "%.6f\n", (t - x) / m >>pj }'
}
P=examples/paper
HW="--pe-sizes 16,32,64,128,256,512,1024 --shared-sizes 64KB,128KB,256KB,512KB,1024KB"
HE="energy per_pe 16 B 0.015 1 KB 0.96 energy shared 64 KB 9 1 MB 45.5625"
rm -f $D/.pj
{
	echo "# AlexNet conv3, batch 16, C|K: the artifact's case"
	echo
	echo "Made by docs/results/regenerate.sh (CK = \`--dataflow 'C|K' --fix c@pe=16 --fix k@pe=16\`):"
	echo
	echo '```'
	echo "tessera search $P/alexnet_conv3_b16.tsr CK"
	echo "tessera search $P/alexnet_conv3_b16_4level.tsr CK"
	echo "tessera search $P/alexnet_conv3_b16.tsr CK --hierarchy"
	echo "tessera search $P/alexnet_conv3_b16_as_artifact.tsr CK"
	echo "tessera search $P/alexnet_conv3_b16_4level_as_artifact.tsr CK"
	echo "tessera search $P/alexnet_conv3_b16_as_artifact.tsr CK --hierarchy \\"
	echo "    $HW"
	echo '```'
	echo
	echo "The last search's file gets the artifact's energy table shifted to sizes in"
	echo "words (\`$HE\`: a memory of S 16-bit words costs what the"
	echo "artifact charges for its \"S\"), and its candidates are the artifact's sizes"
	echo "in words."
	echo
	echo "| architecture | pJ/MAC | without MAC energy | cycles | utilization | artifact pJ/MAC |"
	echo "|---|---|---|---|---|---|"
	echo "| *Tessera's conventions: i32 partial sums, sizes in bytes* | | | | | |"
	$T search $P/alexnet_conv3_b16.tsr $CK | row "baseline: RF 512 B, GB 128 KB" 5.51
	$T search $P/alexnet_conv3_b16_4level.tsr $CK |
		row "4-level: RF0 16 B, RF1 128 B, GB 256 KB" 1.46
	$T search $P/alexnet_conv3_b16.tsr $CK --hierarchy | row "searched" -
	echo "| *the artifact's conventions: 16-bit partial sums, sizes in 16-bit words* | | | | | |"
	$T search $P/alexnet_conv3_b16_as_artifact.tsr $CK |
		row "baseline: RF 512 words, GB 128 Kwords" 5.51
	$T search $P/alexnet_conv3_b16_4level_as_artifact.tsr $CK |
		row "4-level: RF0 16 words, RF1 128 words, GB 256 Kwords" 1.46
	sed "/^arch/,\$s/^}/  $HE\n}/" $P/alexnet_conv3_b16_as_artifact.tsr >$D/.hw.tsr
	$T search $D/.hw.tsr $CK --hierarchy $HW | row "searched (sizes in bytes)" -
	rm -f $D/.hw.tsr
	echo
	awk 'NR == 1 { b = $1 } NR == 2 { f = $1 } NR == 3 { h = $1 }
	     NR == 4 { B = $1 } NR == 5 { F = $1 } NR == 6 { H = $1 }
	     END { printf "Without MAC energy, as the artifact counts: baseline over 4-level %.2fx " \
		"with Tessera'"'"'s conventions, %.2fx with the artifact'"'"'s (the artifact: 3.77x); " \
		"baseline over the searched hierarchy %.2fx and %.2fx.\n", b / f, B / F, b / h, B / H }' $D/.pj
	rm -f $D/.pj
	cat <<'EOT'

## Why Tessera's figures differ from the artifact's

Four conventions, none of them a difference in the space searched:

1. **Partial sums are 32-bit in Tessera** (an i32 accumulator, the
   default output type), 16-bit words in the artifact, which has one
   `precision` for everything. An access to a 32-bit word costs twice a
   16-bit one, and outputs are the most accessed tensor (a read and a
   write per MAC in the register file): on the baseline the outputs'
   register-file energy alone is 3.84 pJ/MAC with i32 and 1.92 with i16.
2. **MAC energy** (0.075 pJ/MAC) is a line of Tessera's total; the artifact
   adds none. The table gives both.
3. **Capacities count words in the artifact**: its baseline gives the
   register file "512" and the buffer "131072" and compares them with
   block sizes in elements (`fit_in_level` in its `cost_model.py`), so
   its memories hold twice the bytes Tessera gives a "512 B" register
   file; the energy per access is still the table's for "512". The
   `_as_artifact` files state that.
4. **Fills are charged in Tessera**: a word written into a buffer from
   its parent costs the buffer's energy per access (as Timeloop counts
   it), where the artifact charges a transfer to the outer level alone.
   The `_as_artifact` files say `fills free` (`docs/model.md`).

With the artifact's conventions Tessera's best is *below* the artifact's
figures (baseline 4.77 against 5.51 pJ/MAC, 4-level 1.35 against 1.46),
as expected, because the two count the same mapping differently:

* Weights and outputs are counted alike (the worked case,
  `test/model/worked_case.tsr`, reproduces the artifact's 64/1/1 and
  1151/31/1 accesses per element).
* The artifact over-counts inputs: it charges every element of the padded
  input `FX·FY·K` register-file reads, 3,185,049,600 on this layer
  against 2,392,326,144 uses (one per MAC), +0.32 pJ/MAC at 0.96 pJ.
* Tessera refetches window halos: a register file's block of inputs is
  refilled whole at each step of `y`, so the buffer's input reads are
  2.6x the artifact's on the baseline winner (10.4 against 4 per
  element, +0.05 pJ/MAC at 20 pJ).

Counted by the artifact's formulas (`docs/reference.md`,
which reproduce its worked case to the last digit, 6,998,108.16 pJ), the
baseline winner with the artifact's conventions (DRAM `N4 K4 C8`, buffer
`Y13 N4`, register file `FX3 FY3 X13 C2 K6` on 16x16 PEs; accesses per
element, inputs/outputs/weights: register file 3456/4607/2704, buffer
4/15/4, array 64/128/4, DRAM 4/1/4) costs 5.04 pJ/MAC, still below the
artifact's 5.51. The artifact's C|K hint does not fix the
register-file blocking of C and K (its own conv3 winner blocks K by 6
in the register file), so both searches block `k` and `c` there; what
makes the artifact's best 5.51 rather than 5.04 (a setting of its run
that the reference does not record, such as its utilization threshold
or whether it checks capacities in words or bytes) is not reproduced
here. An earlier version of this page searched a narrower space, with
that blocking fixed to 1, and gave 5.19 and 5.65 pJ/MAC from it; those
figures are withdrawn.
EOT
} >$D/artifact_conv3.md
echo "wrote $D/artifact_conv3.md"
# What keeping a sliding window's overlap does to the input traffic of
# AlexNet's and VGG-16's convolutions under the taxonomy dataflows.
TESSERA=$T THREADS=$TH sh $D/keep_overlap.sh
echo "wrote $D/keep_overlap.md"
