#!/bin/sh
# docs/results/keep_overlap.sh - what keeping a sliding window's overlap
# (keep_overlap(), docs/dsl.md) does to the input traffic of AlexNet's
# and VGG-16's convolutions under the dataflows of examples/taxonomy/:
# each dataflow file as written (its own blocking, applied to every
# layer by `tessera model --network`), and each layer's best schedule
# under it (`tessera search --network`), each modelled as it is and with
# every input buffer marked keep_overlap(), and each layer's best
# schedule when the search keeps the overlap (`tessera search --network
# --keep-overlap`).  Run from the repository root after make; writes
# docs/results/keep_overlap.md (about 15 min on 2 threads: the searches
# keeping the overlap prune less).  Called by regenerate.sh.
set -e
T=${TESSERA:-./tessera}
D=docs/results
TH=${THREADS:-2}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
DFS="ck_tpu xy_shidiannao fyy_eyeriss fxfy_neuflow nk k_1d"
NETS="alexnet vgg16"
keep() {   # FILE -> the same with every input buffer keeping its overlap
	sed '/^ *I\.in(/ s/compute_at([^)]*)/&.keep_overlap()/' "$1"
}
# per layer of a `model --json` or `model --network --json`: the fills
# of I summed over the on-chip levels, I's reads of DRAM, pJ/MAC
figures() {
	awk -v one="$1" '
	one != "" && !l { l = one }
	/"kind":/ { l = $0; sub(/.*"layer": "/, "", l); sub(/".*/, "", l) }
	/"name":/ { lv = $0; sub(/.*"name": "/, "", lv); sub(/".*/, "", lv) }
	/"tensors":/ { s = $0; sub(/.*"I": \{ "reads": /, "", s)
		r = s + 0; sub(/^[0-9]+, "writes": [0-9]+, "fills": /, "", s)
		if (lv == "DRAM") dram[l] = r; else fills[l] += s + 0 }
	/^ *"pj_per_mac":/ { pj[l] = $2 + 0; order[n++] = l }
	END { for (i = 0; i < n; i++) printf "%s %d %d %.6f\n", order[i],
		fills[order[i]], dram[order[i]], pj[order[i]] }'
}
for net in $NETS; do
	N=examples/networks/$net.tsr
	for df in $DFS; do
		# as written; exit 1: some layer does not map (not in the JSON)
		F=examples/taxonomy/$df.tsr
		keep $F >$W/kept.tsr
		$T model --network $N $F --json 2>/dev/null | figures >$W/a ||
			[ $? -eq 1 ]
		$T model --network $N $W/kept.tsr --json 2>/dev/null |
			figures >$W/b || [ $? -eq 1 ]
		sort $W/a >$W/as
		sort $W/b >$W/bs
		join $W/as $W/bs | sed "s/^\([^ ]*\)/written $net \1 $df/" \
			>>$W/rows
		# best schedules; exit 1: some layer has none (no file)
		$T search --network $N $F -o $W/$net.$df --quiet --threads $TH \
			>/dev/null || [ $? -eq 1 ]
		for f in $W/$net.$df/conv*.tsr; do
			[ -e "$f" ] || continue
			l=$(basename ${f%.tsr})
			keep $f >$W/kept.tsr
			echo "best $net $l $df $($T model $f --json | figures $l |
				cut -d' ' -f2-) $($T model $W/kept.tsr --json |
				figures $l | cut -d' ' -f2-)" >>$W/rows
		done
		# best schedules of the search that keeps the overlap, against
		# those refilled whole
		$T search --network $N $F --keep-overlap -o $W/$net.$df.k --quiet \
			--threads $TH >/dev/null || [ $? -eq 1 ]
		for f in $W/$net.$df.k/conv*.tsr; do
			l=$(basename ${f%.tsr})
			[ -e "$f" ] && [ -e $W/$net.$df/$l.tsr ] || continue
			echo "search $net $l $df $($T model $W/$net.$df/$l.tsr --json |
				figures $l | cut -d' ' -f2-) $($T model $f --json |
				figures $l | cut -d' ' -f2-)" >>$W/rows
		done
	done
done
for net in $NETS; do
	sed -n "s/^ *\(conv[0-9]*\):.*/$net \1/p" examples/networks/$net.tsr
done >$W/layers
table() {   # KIND
	printf '| layer |'
	for df in $DFS; do printf ' %s |' $df; done
	printf '\n|---|'
	for df in $DFS; do printf -- '---|'; done
	echo
	awk -v kind=$1 -v dfs="$DFS" '
	function pct(a, b) { return b ? sprintf("%.1f%%", 100 * a / b) : "-" }
	FILENAME != ARGV[1] { order[n++] = $1 " " $2; next }
	$1 == kind { key = $2 " " $3
	  cell[key, $4] = pct($8, $5) " / " pct($9, $6) " / " \
		sprintf("%.3f → %.3f", $7, $10)
	  F[$2] += $5; FK[$2] += $8; R[$2] += $6; RK[$2] += $9 }
	END { m = split(dfs, d, " ")
		for (i = 0; i < n; i++) {
			printf "| %s |", order[i]
			for (j = 1; j <= m; j++) {
				c = "-"
				if ((order[i], d[j]) in cell) c = cell[order[i], d[j]]
				printf " %s |", c }
			printf "\n" }
		printf "\nOver the cells above: AlexNet, input fills %s of those " \
			"refilled whole and I'\''s DRAM reads %s; VGG-16, %s and %s.\n",
			pct(FK["alexnet"], F["alexnet"]), pct(RK["alexnet"], R["alexnet"]),
			pct(FK["vgg16"], F["vgg16"]), pct(RK["vgg16"], R["vgg16"]) }' \
		$W/rows $W/layers $W/rows
}
{
	echo "# Keeping a sliding window's overlap: input traffic"
	echo
	echo "Made by \`docs/results/keep_overlap.sh\`. Each schedule is modelled as it is"
	echo "(every block refilled whole) and again with every input buffer marked"
	echo "\`keep_overlap()\` (docs/model.md, \"Keeping the overlap\"). Each cell: the input"
	echo "words fetched into on-chip buffers (the fills of I summed over the on-chip"
	echo "levels; a word written into four PEs counts four) with the overlap kept, as a"
	echo "share of those refilled whole; the same for I's reads of DRAM; then pJ/MAC"
	echo "refilled whole → kept. \`-\`: the dataflow file does not map the layer."
	echo
	echo "## The dataflows as written"
	echo
	echo "Each file of examples/taxonomy/ with its own blocking, applied to every layer"
	echo "(\`tessera model --network NET DF.tsr\`; several of them do not fit VGG-16's"
	echo "larger layers in their buffers)."
	echo
	table written
	echo
	echo "## Each layer's best schedule under each dataflow"
	echo
	echo "\`tessera search --network NET DF.tsr -o DIR\`: the blocking of least energy"
	echo "with every block refilled whole, as the search evaluates it (it does not place"
	echo "\`keep_overlap()\`). Its blockings already avoid most refetched halos (a"
	echo "window's block is a run of whole rows refilled where the window does not"
	echo "slide), so keeping the overlap changes them less; the search that knows the kept"
	echo "overlap blocks differently (next)."
	echo
	table best
	echo
	echo "## Each layer's best schedule when the search keeps the overlap"
	echo
	echo "\`tessera search --network NET DF.tsr --keep-overlap\`: every input buffer with"
	echo "a sliding window keeps its overlap, and the search counts it (docs/search.md)."
	echo "Each cell: that best schedule's input fills and I's DRAM reads as a share of"
	echo "those of the best schedule refilled whole (the table before, as found), then"
	echo "pJ/MAC of the best refilled whole → the best keeping the overlap. The"
	echo "search blocks for it: its best may give the input a register file that the"
	echo "best refilled whole bypasses (many more fills, each at a register file's"
	echo "cost, the window sliding through it) and read the global buffer far less"
	echo "(AlexNet conv2 under C|K: I's global-buffer reads 6.9% of the other's, its"
	echo "DRAM reads 64.6%, 7.101 → 6.733 pJ/MAC)."
	echo
	table search
} >$D/keep_overlap.md
