# test/search.sh - `tessera search`; sourced by test/run.sh after
# test/cli.sh (it uses T, OUT, ok, bad and expect).
#
#   - the search's evaluator equals the model on random points of the
#     space (--selfcheck re-reads every written schedule);
#   - branch and bound finds the exhaustive optimum of the same space,
#     and its bound is checked against every point (TESSERA_CHECK_BOUND);
#   - the written schedule passes check, and `tessera model` gives the
#     energy the search reported;
#   - the answer does not depend on the number of threads;
#   - a winning schedule restricted to what the RTL builds simulates bit
#     for bit (`tessera sim` exits 0);
#   - bad options and unsearchable schedules are errors.

ST=test/search/tiny.tsr
json_num() { # KEY FILE: the first number after "KEY": in FILE
	sed -n "s/.*\"$1\": *\([0-9.e+-]*\).*/\1/p" "$2" | head -1
}

for f in examples/quickstart.tsr examples/depthwise_int8.tsr examples/fc.tsr \
	test/search/fourlevel.tsr test/search/holds.tsr \
	test/search/holds_outermost.tsr test/search/actions.tsr; do
	n=$(basename ${f%.tsr})
	if $T search $f --selfcheck 200 --seed 3 >$OUT/sc.out 2>&1 &&
		grep -q " 0 differ" $OUT/sc.out; then ok "search/selfcheck_$n"
	else bad "search/selfcheck_$n" "$(cat $OUT/sc.out)"; fi
done

# --keep-overlap: every buffer of an input with a sliding window keeps
# its overlap (search/kept.c counts it in closed form; the self-checks
# above draw it on half their points).  On tiny's K|C the bound, checked
# at every point of an exhaustive search (which also evaluates every
# twin order and compares it), finds the exhaustive optimum evaluating
# fewer points, for energy and cycles; and the optimum keeping the
# overlap spends less than the one refilling whole blocks
$T search $ST --dataflow 'K|C' --no-bypass --quiet --json >$OUT/kp.json 2>&1
for q in energy cycles; do
	$T search $ST --dataflow 'K|C' --no-bypass --keep-overlap --objective $q \
		--quiet --json >$OUT/kb_$q.json 2>&1
	TESSERA_CHECK_BOUND=1 $T search $ST --dataflow 'K|C' --no-bypass \
		--keep-overlap --exhaustive --objective $q --quiet --json \
		>$OUT/kx_$q.json 2>&1
	a=$(json_num pj_per_mac $OUT/kb_$q.json) b=$(json_num pj_per_mac $OUT/kx_$q.json)
	ca=$(json_num cycles $OUT/kb_$q.json) cb=$(json_num cycles $OUT/kx_$q.json)
	ea=$(json_num evaluated $OUT/kb_$q.json) eb=$(json_num evaluated $OUT/kx_$q.json)
	p=$(json_num pj_per_mac $OUT/kp.json)
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ -n "$ca" ] && [ "$ca" = "$cb" ] &&
		[ -n "$ea" ] && [ -n "$eb" ] && [ "$ea" -lt "$eb" ] &&
		{ [ $q = cycles ] || awk "BEGIN { exit !($a < $p) }"; }; then
		ok search/keep_overlap_bound_exhaustive_$q
	else bad search/keep_overlap_bound_exhaustive_$q "bound: $a pJ/MAC, $ca cycles ($ea evaluated), exhaustive: $b, $cb ($eb); whole blocks: $p; $(tail -3 $OUT/kx_$q.json)"; fi
done
# keeping the overlap, a level's candidate orders come with each run of
# loops that index the same tensors reversed too (which of y and x
# slides innermost): more schedules in the same space of blockings
cp=$($T search $ST --dataflow 'K|C' --no-bypass --count --quiet 2>&1 |
	sed -n 's/^\([0-9]*\) schedules in the space.*/\1/p')
ck=$($T search $ST --dataflow 'K|C' --no-bypass --count --quiet \
	--keep-overlap 2>&1 | sed -n 's/^\([0-9]*\) schedules in the space.*/\1/p')
if [ -n "$cp" ] && [ -n "$ck" ] && [ "$ck" -gt "$cp" ]; then
	ok search/keep_overlap_orders
else bad search/keep_overlap_orders "whole blocks: $cp schedules, keeping the overlap: $ck"; fi
# two register files and a window across the PEs (K|Y), every bound
# checked at every point evaluated
if TESSERA_CHECK_BOUND=1 $T search test/search/fourlevel.tsr --quiet \
	--keep-overlap --dataflow 'K|Y' >$OUT/kb4x.out 2>&1 &&
	grep -q '^best:' $OUT/kb4x.out; then
	ok search/keep_overlap_bound_checked_two_register_files
else bad search/keep_overlap_bound_checked_two_register_files "$(head -3 $OUT/kb4x.out)"; fi
# a file that keeps its overlap (test/model/keep_overlap.tsr) searched
# keeping it: no note that it is not searched, and the best is the
# file's own figure (a 1-PE layer whose blocks the file already keeps
# best), below the best refilling whole blocks
$T search test/model/keep_overlap.tsr --keep-overlap --quiet >$OUT/kf.out 2>&1
$T search test/model/keep_overlap.tsr --quiet >$OUT/kw.out 2>&1
kf=$(sed -n 's/^best: \([0-9.]*\) pJ.*/\1/p' $OUT/kf.out)
ff=$(sed -n "s/^the file's schedule: \([0-9.]*\) pJ.*/\1/p" $OUT/kf.out)
kw=$(sed -n 's/^best: \([0-9.]*\) pJ.*/\1/p' $OUT/kw.out)
if ! grep -q 'is not searched' $OUT/kf.out && grep -q 'is not searched' $OUT/kw.out &&
	[ -n "$kf" ] && [ "$kf" = "$ff" ] && [ -n "$kw" ] &&
	awk "BEGIN { exit !($kf < $kw) }"; then
	ok search/keep_overlap_file
else bad search/keep_overlap_file "kept $kf (file $ff), whole $kw; $(head -3 $OUT/kf.out)"; fi
# the schedule it writes keeps the overlap: the model of it has the
# search's figures, and fewer of the input's global-buffer reads than the
# same schedule refilled whole; the hardware built from it keeps it too,
# every count equal to the model's and the output verified
KQ=$OUT/keep_qs.tsr
$T search examples/quickstart.tsr --keep-overlap --buildable --quiet --json \
	-o $KQ >$OUT/kq.json 2>&1
sed 's/\.keep_overlap()//' $KQ >$OUT/keep_qs_whole.tsr 2>/dev/null
$T model $KQ --json >$OUT/kqm.json 2>&1
gb_i_reads() { # FILE.tsr: the model's global-buffer reads of I
	$T model "$1" 2>&1 | awk '$1 == "GB" { gb = 1 } $1 == "DRAM" { gb = 0 }
		gb && NF >= 6 && $(NF-4) == "I" { print $(NF-3) }'
}
kr=$(gb_i_reads $KQ) wr=$(gb_i_reads $OUT/keep_qs_whole.tsr)
a=$(json_num pj_per_mac $OUT/kq.json) b=$(json_num pj_per_mac $OUT/kqm.json)
if grep -q 'I.in(RF).*keep_overlap()' $KQ && [ -n "$a" ] && [ "$a" = "$b" ] &&
	[ -n "$kr" ] && [ -n "$wr" ] && [ "$kr" -lt "$wr" ] &&
	$T sim $KQ >$OUT/kqs.out 2>&1 && grep -q '^verified: yes' $OUT/kqs.out; then
	ok search/keep_overlap_written_built
else bad search/keep_overlap_written_built "search $a pJ/MAC, model $b; GB reads of I $kr kept, $wr whole; $(grep keep_overlap $KQ); $(tail -3 $OUT/kqs.out)"; fi

# With energies per action (a fill dearer than a read, a tensor's own
# figures, leakage) the bound still stays below every point, and the
# search with it finds the exhaustive optimum evaluating fewer points
# (test/search/actions.tsr)
$T search test/search/actions.tsr --dataflow 'Y|K' --quiet --json >$OUT/ab.json 2>&1
TESSERA_CHECK_BOUND=1 $T search test/search/actions.tsr --dataflow 'Y|K' \
	--exhaustive --quiet --json >$OUT/ax.json 2>&1
a=$(json_num pj_per_mac $OUT/ab.json) b=$(json_num pj_per_mac $OUT/ax.json)
ea=$(json_num evaluated $OUT/ab.json) eb=$(json_num evaluated $OUT/ax.json)
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$ea" -lt "$eb" ]; then
	ok search/bound_actions_exhaustive
else bad search/bound_actions_exhaustive "bound: $a pJ/MAC ($ea evaluated), exhaustive: $b ($eb); $(tail -3 $OUT/ax.json)"; fi

$T search $ST --dataflow 'K|C' --no-bypass --quiet --json >$OUT/bb.json 2>&1
TESSERA_CHECK_BOUND=1 $T search $ST --dataflow 'K|C' --no-bypass --exhaustive \
	--quiet --json >$OUT/ex.json 2>&1
a=$(json_num pj_per_mac $OUT/bb.json) b=$(json_num pj_per_mac $OUT/ex.json)
ea=$(json_num evaluated $OUT/bb.json) eb=$(json_num evaluated $OUT/ex.json)
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$ea" -lt "$eb" ]; then
	ok search/bound_finds_exhaustive_optimum
else bad search/bound_finds_exhaustive_optimum "bound: $a pJ/MAC ($ea evaluated), exhaustive: $b ($eb); $(tail -3 $OUT/ex.json)"; fi

# replication (a second loop sharing an array dimension, C+Y|K): the
# bound checked at every point of an exhaustive search of that dataflow,
# for energy and for cycles, finds the same answer evaluating fewer
for q in "energy" "cycles"; do
	TESSERA_CHECK_BOUND=1 $T search $ST --dataflow 'C+Y|K' --exhaustive \
		--objective $q --quiet --json >$OUT/rx_$q.json 2>&1
	$T search $ST --dataflow 'C+Y|K' --objective $q --threads 1 --quiet \
		--json >$OUT/rb_$q.json 2>&1
	a=$(json_num pj_per_mac $OUT/rb_$q.json) b=$(json_num pj_per_mac $OUT/rx_$q.json)
	ca=$(json_num cycles $OUT/rb_$q.json) cb=$(json_num cycles $OUT/rx_$q.json)
	ea=$(json_num evaluated $OUT/rb_$q.json) eb=$(json_num evaluated $OUT/rx_$q.json)
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ -n "$ca" ] && [ "$ca" = "$cb" ] &&
		[ -n "$ea" ] && [ -n "$eb" ] && [ "$ea" -lt "$eb" ] &&
		grep -q '"dataflow": "C+Y|K"' $OUT/rb_$q.json; then
		ok search/replicate_bound_exhaustive_$q
	else bad search/replicate_bound_exhaustive_$q "bound: $a pJ/MAC, $ca cycles ($ea evaluated), exhaustive: $b, $cb ($eb); $(tail -3 $OUT/rx_$q.json)"; fi
done

# ... searched when the dataflow is free with --replicate: AlexNet conv1
# (C=3) on 16x16 PEs runs in fewer cycles with a loop beside another
# (K|Y+X, 16 x 2*8 PEs: 496,955 cycles) than with one loop a dimension
# (K|Y, 16 x 14: 557,939), the search without --replicate; the written
# schedule says replicate() and models as the search said (the search
# ranks by the generic cycles: docs/search.md)
CR=examples/taxonomy/ck_replicated.tsr
$T search $CR --dataflow any --objective cycles --replicate --quiet --json \
	-o $OUT/rw.tsr >$OUT/rw.json 2>&1
$T search $CR --dataflow any --objective cycles --quiet --json \
	-o $OUT/rn.tsr >$OUT/rn.json 2>&1
$T model $OUT/rw.tsr --json >$OUT/rwm.json 2>&1
a=$(json_num cycles $OUT/rw.json) b=$(json_num cycles $OUT/rn.json)
m=$(json_num generic_cycles $OUT/rwm.json)
if [ "$a" = 496955 ] && [ "$b" = 557939 ] && [ "$m" = "$a" ] &&
	grep -q '"dataflow": "K|Y+X"' $OUT/rw.json &&
	grep -q 'replicate(x_pe, 1)' $OUT/rw.tsr &&
	! grep -q replicate $OUT/rn.tsr; then
	ok search/replicate_free_dataflow
else bad search/replicate_free_dataflow "with: $a cycles (model $m), without: $b; $(grep -o '"dataflow": "[^"]*"' $OUT/rw.json $OUT/rn.json)"; fi

# ... with an output held per PE, summed along a chain (systolic) on the
# dimension C shares with Y: the searched schedule builds and simulates
# bit for bit, its counts and cycles the model's
$T search examples/quickstart.tsr --dataflow 'C+Y|K' --buildable --quiet \
	-o $OUT/rq.tsr >$OUT/rq.out 2>&1
if grep -q 'replicate(y_pe, 0)' $OUT/rq.tsr && grep -q 'O.in(RF)' $OUT/rq.tsr &&
	grep -q 'O.systolic(c_pe)' $OUT/rq.tsr &&
	$T sim $OUT/rq.tsr >$OUT/rqs.out 2>&1; then
	ok search/replicate_simulates
else bad search/replicate_simulates "$(tail -3 $OUT/rq.out $OUT/rqs.out)"; fi

# the file's own dataflow may replicate: its pair named in loop order
if $T search test/search/replicate.tsr --quiet >$OUT/rf.out 2>&1 &&
	grep -q 'dataflow C+Y|- (3\*2 x 1 PEs)' $OUT/rf.out; then
	ok search/replicate_file_dataflow
else bad search/replicate_file_dataflow "$(head -6 $OUT/rf.out)"; fi

# two register-file levels: every bound, and every kept refill bound,
# checked (an internal error otherwise)
if TESSERA_CHECK_BOUND=1 $T search test/search/fourlevel.tsr --quiet \
	--threads 1 >$OUT/cb4.out 2>&1 && grep -q '^best:' $OUT/cb4.out; then
	ok search/bound_checked_two_register_files
else bad search/bound_checked_two_register_files "$(tail -3 $OUT/cb4.out)"; fi

# a job whose mirror (the two array dimensions' loops and factors
# swapped) comes earlier is skipped on a 4 x 3 array: the same answer,
# point for point, as the checking search, which searches every mirror
# and compares each of its points with the mirror's (an internal error
# if they differ); on a square array the mirrors are never made
$T search test/search/fourlevel.tsr --quiet --threads 1 --json \
	>$OUT/mir.json 2>&1
TESSERA_CHECK_BOUND=1 $T search test/search/fourlevel.tsr --quiet \
	--threads 1 --json >$OUT/mirc.json 2>&1
$T search test/search/actions.tsr --quiet --threads 1 --json \
	>$OUT/mirsq.json 2>&1
m=$(json_num mirrored $OUT/mir.json) mc=$(json_num mirrored $OUT/mirc.json)
msq=$(json_num mirrored $OUT/mirsq.json)
for f in mir mirc; do   # the best point and its dataflow
	sed -n '2s/.*"dataflow"//p; 3,$p' $OUT/$f.json >$OUT/$f.best
done
if [ "${m:-0}" -gt 0 ] && [ "$mc" = 0 ] && [ "$msq" = 0 ] &&
	d=$(diff $OUT/mir.best $OUT/mirc.best); then
	ok search/mirror_jobs_skipped
else bad search/mirror_jobs_skipped "mirrored $m, checking $mc, square $msq; $d; $(head -3 $OUT/mirc.json)"; fi

# ... and at every point of an exhaustive search on K|Y, whose window
# (2*y+fy, y across the PEs) overlaps: a factor of the last register
# file not chosen yet may still go to a shared level, outside the PEs,
# so the unrolled y's stride is not known there (the bound that took it
# as known was above points' energy)
if TESSERA_CHECK_BOUND=1 $T search test/search/fourlevel.tsr --quiet \
	--dataflow 'K|Y' --exhaustive >$OUT/cb4x.out 2>&1 &&
	grep -q '^best:' $OUT/cb4x.out; then
	ok search/bound_checked_exhaustive_window_two_register_files
else bad search/bound_checked_exhaustive_window_two_register_files "$(head -3 $OUT/cb4x.out)"; fi

# three scratchpads holding a tensor each: the refill-point bound does
# most of the pruning there.  Checked at every point of an exhaustive
# search on Y|C (which also evaluates every twin order), its answer
# equals the bound's, and the bound, on one thread, evaluates less than
# a fiftieth of it (1/98; without the refill-point terms 1/28); checking,
# the bounded search also evaluates every twin order and compares it
# with the one that stands for it (an internal error if they differ)
SP=test/search/scratchpads.tsr
TESSERA_CHECK_BOUND=1 $T search $SP --quiet --dataflow 'Y|C' --exhaustive \
	--json >$OUT/spx.json 2>&1
TESSERA_CHECK_BOUND=1 $T search $SP --quiet --dataflow 'Y|C' --json \
	--threads 1 >$OUT/spb.json 2>&1
a=$(json_num pj_per_mac $OUT/spb.json) b=$(json_num pj_per_mac $OUT/spx.json)
ea=$(json_num evaluated $OUT/spb.json) eb=$(json_num evaluated $OUT/spx.json)
if [ -n "$a" ] && [ "$a" = "$b" ] && [ -n "$ea" ] && [ -n "$eb" ] &&
	[ $((ea * 50)) -lt "$eb" ]; then
	ok search/bound_refill_point_scratchpads_exhaustive
else bad search/bound_refill_point_scratchpads_exhaustive "bound: $a pJ/MAC ($ea evaluated), exhaustive: $b ($eb); $(tail -3 $OUT/spx.json)"; fi

# the cycles bound (compute, and each buffer's least words at its
# parent's bandwidth): checked at every point of an exhaustive search
# for the fewest cycles, and for the least energy within --max-cycles,
# on fourlevel's K|Y; the bounded searches find the same answers and
# evaluate less than a twentieth of the points (without the cycles
# bound: 77% and 40%)
for q in "cycles --objective cycles" "maxc --max-cycles 2000"; do
	set -- $q
	n=$1
	shift
	TESSERA_CHECK_BOUND=1 $T search test/search/fourlevel.tsr --quiet \
		--dataflow 'K|Y' --exhaustive --json "$@" >$OUT/cx_$n.json 2>&1
	$T search test/search/fourlevel.tsr --quiet --dataflow 'K|Y' --json \
		--threads 1 "$@" >$OUT/cb_$n.json 2>&1
	a=$(json_num pj_per_mac $OUT/cb_$n.json) b=$(json_num pj_per_mac $OUT/cx_$n.json)
	ca=$(json_num cycles $OUT/cb_$n.json) cb=$(json_num cycles $OUT/cx_$n.json)
	ea=$(json_num evaluated $OUT/cb_$n.json) eb=$(json_num evaluated $OUT/cx_$n.json)
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ -n "$ca" ] && [ "$ca" = "$cb" ] &&
		[ -n "$ea" ] && [ -n "$eb" ] && [ $((ea * 20)) -lt "$eb" ]; then
		ok search/bound_cycles_$n
	else bad search/bound_cycles_$n "bound: $a pJ/MAC, $ca cycles ($ea evaluated), exhaustive: $b, $cb ($eb); $(tail -3 $OUT/cx_$n.json)"; fi
done

# the whole space (any dataflow, bypass) with the bound checked at every
# point the bound lets through
if TESSERA_CHECK_BOUND=1 $T search $ST --quiet -o $OUT/best.tsr >$OUT/s.out 2>&1 &&
	$T check $OUT/best.tsr >/dev/null 2>&1 &&
	$T model $OUT/best.tsr --json >$OUT/bm.json 2>&1 &&
	[ "$(sed -n 's/^best: \([0-9.]*\) pJ.*/\1/p' $OUT/s.out)" = \
	  "$(printf '%.4f' "$(json_num pj_per_mac $OUT/bm.json)")" ]; then
	ok search/written_schedule_models_the_same
else bad search/written_schedule_models_the_same "$(head -5 $OUT/s.out; head -3 $OUT/bm.json)"; fi

# energies are written in the shortest form that reads back the same
# double: 0.035, not 0.035000000000000003
if grep -q '^  hop_pj 0.035$' $OUT/best.tsr && grep -q '^  mac_pj 0.075$' $OUT/best.tsr &&
	grep -q 'level RF per_pe size [0-9]* B pj 0.06$' $OUT/best.tsr; then
	ok search/written_pj_shortest
else bad search/written_pj_shortest "$(grep pj $OUT/best.tsr)"; fi

$T search examples/alexnet_conv2.tsr --quiet --threads 1 -o $OUT/t1.tsr >/dev/null 2>&1
$T search examples/alexnet_conv2.tsr --quiet --threads 2 -o $OUT/t2.tsr >/dev/null 2>&1
if [ -s $OUT/t1.tsr ] && cmp -s $OUT/t1.tsr $OUT/t2.tsr; then
	ok search/same_answer_on_any_threads
else bad search/same_answer_on_any_threads "$(diff $OUT/t1.tsr $OUT/t2.tsr | head)"; fi

# stopped_early FILES CMD...: runs the search CMD in the background until
# one of FILES (a path or a pattern) is headed "while it ran, the best
# so far" (30 s at most), stops it, and prints that file (nothing if
# none came)
stopped_early() {
	w=$1
	shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	n=0 f=
	while [ $n -lt 120 ] && [ -z "$f" ]; do
		sleep 0.25
		n=$((n + 1))
		f=$(grep -l '^# written by tessera search while it ran, the best so far' \
			$w 2>/dev/null | head -1)
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "$f"
}

# -o while the search runs: an exhaustive search of AlexNet conv2
# (about 20 s) writes its best so far within seconds, a schedule that
# `tessera check` accepts, and it is there when the search is stopped;
# a search that ends writes its answer over it
rm -f $OUT/part.tsr
f=$(stopped_early $OUT/part.tsr $T search examples/alexnet_conv2.tsr \
	--exhaustive --quiet -o $OUT/part.tsr)
if [ -n "$f" ] && $T check "$f" >/dev/null 2>&1; then ok search/best_so_far_written
else bad search/best_so_far_written "'$f': $(head -1 $OUT/part.tsr 2>&1)"; fi
if head -1 $OUT/t1.tsr | grep -q '^# written by tessera search (objective'; then
	ok search/answer_over_best_so_far
else bad search/answer_over_best_so_far "$(head -1 $OUT/t1.tsr)"; fi

# ... and --network -o DIR: each layer's best so far in DIR/LAYER.tsr as
# the search goes (VGG-16 on a 16x16 array takes about 20 s; stopped
# after the first such file, it leaves a schedule tessera check accepts);
# a finished search leaves every layer's answer (AlexNet)
rm -rf $OUT/npart $OUT/nfull
nf=$(stopped_early "$OUT/npart/*.tsr" $T search examples/alexnet_conv3.tsr \
	--network examples/networks/vgg16.tsr --quiet -o $OUT/npart)
$T search examples/quickstart.tsr --network examples/networks/alexnet.tsr \
	--quiet -o $OUT/nfull >/dev/null 2>&1
if [ -n "$nf" ] && $T check "$nf" >/dev/null 2>&1 &&
	[ "$(grep -l '^# written by tessera search --network' $OUT/nfull/*.tsr | wc -l)" = 8 ] &&
	! ls $OUT/nfull/*.part >/dev/null 2>&1; then
	ok search/network_best_so_far_written
else bad search/network_best_so_far_written "'$nf'; $(head -qn1 $OUT/nfull/*.tsr 2>&1 | sort | uniq -c)"; fi

# --threads: the cores this process may use, by default
th=$($T search $ST --json 2>/dev/null | sed -n 's/.*"threads": \([0-9]*\).*/\1/p')
if [ "$th" = "$(nproc)" ]; then ok search/threads_default_cores
else bad search/threads_default_cores "threads $th, cores $(nproc)"; fi

$T search examples/alexnet_conv2.tsr --quiet --min-util 0.85 \
	--json >$OUT/cy.json 2>&1
u=$(json_num utilization $OUT/cy.json)
if [ -n "$u" ] && awk -v u="$u" 'BEGIN { exit !(u >= 0.85) }'; then
	ok search/min_utilization
else bad search/min_utilization "utilization '$u': $(head -3 $OUT/cy.json)"; fi

$T search $ST --quiet --fix 'k@pe=4' --fix 'c@GB=2' -o $OUT/fix.tsr >/dev/null 2>&1
$T ir $OUT/fix.tsr >$OUT/fix.ir 2>&1
if grep -q 'spatial k_pe \[4\]' $OUT/fix.ir && grep -q 'for c_gb \[2\]' $OUT/fix.ir
then ok search/fixed_factors
else bad search/fixed_factors "$(sed -n '/schedule/,/}/p' $OUT/fix.tsr)"; fi

if $T search $ST --quiet --buildable --json -o $OUT/hw.tsr >$OUT/hw.json 2>&1 &&
	$T sim $OUT/hw.tsr >$OUT/hwsim.out 2>&1; then
	ok search/winner_simulates_bit_exact
else bad search/winner_simulates_bit_exact "$(tail -5 $OUT/hwsim.out)"; fi
# the hardware cycles the search reports for its winner are the model's
# that sim held the simulation to
hc=$(json_num hardware_cycles $OUT/hw.json)
mc=$(sed -n "s/.* times the model's \([0-9]*\): within.*/\1/p" $OUT/hwsim.out)
if [ -n "$hc" ] && [ "$hc" = "$mc" ]; then ok search/winner_hardware_cycles
else bad search/winner_hardware_cycles "search '$hc', sim's model '$mc'"; fi
# the generic rules charge transfers at the ports the backend builds:
# the best by energy x delay, and by cycles, of the quickstart and of
# AlexNet conv3 runs in the hardware within [0.98, 1.05] of the cycles
# the search ranked it by (when they charged nothing on chip, the
# quickstart's: 125,126 against 77,448)
for f in examples/quickstart.tsr examples/alexnet_conv3.tsr; do
	for obj in edp cycles; do
		n=$(basename ${f%.tsr})
		[ $obj = edp ] || n=$n/$obj
		$T search $f --buildable --objective $obj --quiet --json >$OUT/edp.json 2>&1
		gc=$(json_num cycles $OUT/edp.json) hc=$(json_num hardware_cycles $OUT/edp.json)
		if [ -n "$gc" ] && [ -n "$hc" ] && awk -v h="$hc" -v g="$gc" \
			'BEGIN { exit !(h >= 0.98 * g && h <= 1.05 * g) }'
		then ok search/winner_generic_near_hardware/$n
		else bad search/winner_generic_near_hardware/$n "search $gc cycles, hardware $hc"; fi
	done
done
expect search_hardware_cycles_line 0 "in the hardware tessera builds: [0-9]* cycles" -- \
	$T search $ST --quiet --buildable
# --double-buffer marks every buffer; with --buildable, those the backend
# builds double-buffered (inputs' buffers), and the winner simulates
$T search $ST --quiet --double-buffer -o $OUT/dball.tsr >/dev/null 2>&1
$T search $ST --quiet --double-buffer --buildable -o $OUT/dbb.tsr >/dev/null 2>&1
if grep -q 'O.in(GB).*double_buffer' $OUT/dball.tsr &&
	! grep -q 'O.in(.*double_buffer' $OUT/dbb.tsr &&
	grep -q 'I.in(GB).*double_buffer' $OUT/dbb.tsr &&
	grep -q 'I.in(RF).*double_buffer' $OUT/dbb.tsr &&
	$T sim $OUT/dbb.tsr >$OUT/dbbsim.out 2>&1
then ok search/double_buffer_buildable
else bad search/double_buffer_buildable "$(grep 'in(' $OUT/dball.tsr $OUT/dbb.tsr; tail -3 $OUT/dbbsim.out)"; fi
# with two shared levels, an input's second-level buffer (filled from
# the global buffer) is double-buffered too, and the winner simulates
$T search test/hw/timing_ihalves_gb.tsr --quiet --double-buffer --buildable \
	-o $OUT/dbl2.tsr >/dev/null 2>&1
if grep -q 'I.in(L2).*double_buffer' $OUT/dbl2.tsr &&
	! grep -q 'O.in(.*double_buffer' $OUT/dbl2.tsr &&
	$T sim $OUT/dbl2.tsr >$OUT/dbl2sim.out 2>&1
then ok search/double_buffer_buildable_two_shared_levels
else bad search/double_buffer_buildable_two_shared_levels "$(grep 'in(' $OUT/dbl2.tsr; tail -3 $OUT/dbl2sim.out)"; fi
# the backend's refusal of a schedule the search wrote names --buildable;
# the same schedule without the search's first line does not
sed 1d $OUT/dball.tsr >$OUT/dbhand.tsr
$T verilog $OUT/dball.tsr -o $OUT/dbv >$OUT/dbv.out 2>&1; r1=$?
$T verilog $OUT/dbhand.tsr -o $OUT/dbv >$OUT/dbh.out 2>&1; r2=$?
if [ $r1 = 1 ] && [ $r2 = 1 ] && grep -q 'search with --buildable' $OUT/dbv.out &&
	! grep -q 'buildable' $OUT/dbh.out
then ok search/refusal_names_buildable
else bad search/refusal_names_buildable "exit $r1, $r2: $(cat $OUT/dbv.out $OUT/dbh.out)"; fi

expect search_no_file 2 "search needs a .tsr file" -- $T search
expect search_bad_objective 2 "energy, cycles or edp" -- $T search $ST --objective x
expect search_bad_dataflow 2 "loops such as C|K" -- $T search $ST --dataflow 'Q|K'
expect search_bad_fix 2 "LOOP@LEVEL=FACTOR" -- $T search $ST --fix k=4
expect search_fix_divides 2 "must divide" -- $T search $ST --fix k@GB=3
expect search_fix_level 2 "no level named 'L9'" -- $T search $ST --fix k@L9=2
expect search_bad_util 2 "from 0 to 1" -- $T search $ST --min-util 2
expect search_bad_threads 2 "1 to 256" -- $T search $ST --threads 0
expect search_replicate_three 1 "replicate_three.tsr:10:35: error: search takes at most two" -- \
	$T search test/search/replicate_three.tsr
expect search_dataflow_twice 2 "shares a dimension with itself" -- \
	$T search $ST --dataflow 'C+C|K'
expect search_dataflow_both_dims 2 "a loop on both array dimensions" -- \
	$T search $ST --dataflow 'C+Y|Y'
expect search_dataflow_empty_second 2 "loops such as C|K, K or C+Y|K" -- \
	$T search $ST --dataflow 'C+|K'
expect search_impossible 1 "no schedule satisfies" -- \
	$T search $ST --quiet --dataflow 'K|C' --fix k@pe=2 --min-util 0.9
expect search_syntax 1 "nonexistent.tsr" -- $T search nonexistent.tsr

# networks: every layer searched, totals weighted by repeat
TN=test/search/tinynet.tsr
if $T search $ST --network $TN --dataflow 'K|C' --quiet --json -o $OUT/netbest \
	>$OUT/net.json 2>&1 && grep -q '"total"' $OUT/net.json &&
	$T check $OUT/netbest/conv.tsr >/dev/null 2>&1 &&
	$T check $OUT/netbest/fc.tsr >/dev/null 2>&1; then
	ok search/network
else bad search/network "$(head -5 $OUT/net.json)"; fi
# ... each layer says whether the Verilog backend builds its schedule,
# and says it truly: `tessera verilog` agrees on each written layer
rm -rf $OUT/netrtl
$T search $ST --network $TN --quiet -o $OUT/netrtl >$OUT/netrtl.out 2>&1
says() { awk -v l="$1" '$1 == l { print $NF }' $OUT/netrtl.out; }
agrees=1
for l in conv fc; do
	if $T verilog $OUT/netrtl/$l.tsr -o $OUT/netrtl/v >/dev/null 2>&1
	then want=yes; else want=no; fi
	[ "$(says $l)" = "$want" ] || agrees=0
done
if [ $agrees = 1 ] && [ "$(says conv)" = no ] &&
	$T search $ST --network $TN --quiet --buildable >$OUT/netrtlb.out 2>&1 &&
	[ "$(awk '$1 == "conv" || $1 == "fc" { print $NF }' $OUT/netrtlb.out | tr '\n' ' ')" = "yes yes " ]
then ok search/network_says_builds
else bad search/network_says_builds "$(cat $OUT/netrtl.out $OUT/netrtlb.out)"; fi
expect search_network_unmapped 1 "layers without a schedule" -- \
	$T search $ST --network $TN --dataflow 'Y|X' --quiet
expect search_network_not_net 1 "is not a network file" -- \
	$T search $ST --network $ST --quiet

# the hierarchy search: no worse than the file's architecture, no slower
$T search $ST --hierarchy --pe-sizes 8,16,32 --shared-sizes 2KB,4KB \
	--dataflow 'K|C' --quiet --json -o $OUT/hier.tsr >$OUT/hier.json 2>&1
$T search $ST --dataflow 'K|C' --quiet --json >$OUT/flat.json 2>&1
hp=$(json_num pj_per_mac $OUT/hier.json) fp=$(json_num pj_per_mac $OUT/flat.json)
hc=$(json_num cycles $OUT/hier.json) fc=$(json_num cycles $OUT/flat.json)
if [ -n "$hp" ] && awk -v a="$hp" -v b="$fp" 'BEGIN { exit !(a <= b) }' &&
	[ "$hc" -le "$fc" ] && $T model $OUT/hier.tsr >/dev/null 2>&1; then
	ok search/hierarchy
else bad search/hierarchy "hierarchy $hp pJ/MAC $hc cycles, flat $fp $fc"; fi
# one layer's hierarchy search is exact: never above the heuristic
$T search $ST --hierarchy --pe-sizes 8,16,32 --shared-sizes 2KB,4KB \
	--dataflow 'K|C' --quiet --json --refine 1 >$OUT/hier1.json 2>&1
rp=$(json_num pj_per_mac $OUT/hier1.json)
if [ -n "$hp" ] && [ -n "$rp" ] && awk -v a="$hp" -v b="$rp" 'BEGIN { exit !(a <= b) }'
then ok search/hierarchy_exact_not_above_heuristic
else bad search/hierarchy_exact_not_above_heuristic "exact $hp pJ/MAC, --refine 1 $rp"; fi
expect search_bad_sizes 2 "sizes such as" -- $T search $ST --hierarchy --pe-sizes x
# ... over a network, no candidate that keeps every layer as fast as on
# the file's architecture (a 64 B buffer): said, exit 1 (it printed the
# baseline alone and exited 0)
expect search_network_no_hierarchy 1 "none of the 1 candidate hierarchies maps every layer of tinynet" -- \
	$T search $ST --network $TN --dataflow 'K|C' --hierarchy --pe-sizes 8 \
	--shared-sizes 64B --quiet
# ... ranked without bounding the cycles: on test/search/net_hier.tsr's
# layer every candidate's best without bypassing is slower than the
# baseline's, and ranking within those cycles found none; with three
# candidates, all refined, the network of that one layer gets the exact
# one-layer hierarchy search's answer, below the baseline's energy and
# no slower
NH="test/search/net_hier.tsr --pe-sizes 16,128 --shared-sizes 128KB --quiet --threads 1 --json"
$T search $NH --network test/search/net_hier_net.tsr --hierarchy >$OUT/nh.json 2>&1
nrc=$?
$T search $NH --hierarchy >$OUT/nh1.json 2>&1
# ... --progress-file: where the network's search is, after each layer
# and candidate (it was written only by a layer's search past 30 s: a
# network of short layers left no file)
rm -f $OUT/nhp.prog
$T search $NH --network test/search/net_hier_net.tsr --hierarchy \
	--progress-file $OUT/nhp.prog >/dev/null 2>&1
if grep -qx "hierarchy: 3 of 3 candidates ranked, 3 refined, [0-9]* s" $OUT/nhp.prog
then ok search/network_hierarchy_progress_file
else bad search/network_hierarchy_progress_file "$(cat $OUT/nhp.prog 2>&1)"; fi
grep '"levels"' $OUT/nh.json >$OUT/nh.line
grep '"total"' $OUT/nh.json >$OUT/nh.base
np=$(json_num pj_per_mac $OUT/nh.line) nc=$(json_num cycles $OUT/nh.line)
bp=$(json_num pj_per_mac $OUT/nh.base) bc=$(json_num cycles $OUT/nh.base)
ep=$(sed -n 's/^  "pj_per_mac": *//p' $OUT/nh1.json)
if [ $nrc = 0 ] && [ -n "$np" ] && [ "$np" = "$ep" ] &&
	awk -v a="$np" -v b="$bp" 'BEGIN { exit !(a < b) }' && [ "$nc" -le "$bc" ] &&
	grep -q '"levels": "RF0 16 B + RF1 128 B + GB 128 KB"' $OUT/nh.line
then ok search/network_hierarchy_ranked_free
else bad search/network_hierarchy_ranked_free "exit $nrc; network $np pJ/MAC $nc cycles, one layer $ep, baseline $bp $bc: $(head -c 600 $OUT/nh.json)"; fi
# ... for the fewest cycles, the network's hierarchy chosen by its
# cycles (ties by energy): the one-layer network gets the exact
# one-layer search's cycles and energy (before: exit 1, none of the 3
# candidates mapped)
$T search $NH --network test/search/net_hier_net.tsr --hierarchy \
	--objective cycles >$OUT/nhc.json 2>&1
nrc=$?
$T search $NH --hierarchy --objective cycles >$OUT/nhc1.json 2>&1
grep '"levels"' $OUT/nhc.json >$OUT/nhc.line
np=$(json_num pj_per_mac $OUT/nhc.line) nc=$(json_num cycles $OUT/nhc.line)
ep=$(sed -n 's/^  "pj_per_mac": *//p' $OUT/nhc1.json)
ec=$(sed -n 's/^  "cycles": *\([0-9]*\).*/\1/p' $OUT/nhc1.json)
if [ $nrc = 0 ] && [ -n "$np" ] && [ "$np" = "$ep" ] && [ -n "$nc" ] &&
	[ "$nc" = "$ec" ]
then ok search/network_hierarchy_cycles
else bad search/network_hierarchy_cycles "exit $nrc; network $np pJ/MAC $nc cycles, one layer $ep $ec: $(head -c 600 $OUT/nhc.json)"; fi

# ... and for the least energy x delay, by the product of the network's
# energy and cycles, each refined candidate cut by the best product so
# far (every candidate after the first refined one was cut before, and
# after the first 4 ranked: RF 32 B + GB 512 KB, 5.2695 pJ/MAC before
# fills were charged); no better than the exact one-layer search (RF0
# 16 B + RF1 128 B + GB 512 KB, 4.692677 pJ/MAC at 519,657 cycles before
# fills were charged), which ranks every candidate with bypassing.
# 5.356740 pJ/MAC with fills charged; with `fills free` in the file's
# arch, 5.250836 as before
NE="test/search/net_hier.tsr --pe-sizes 16,32,64,128,256 --shared-sizes 16KB,512KB --objective edp --quiet --json"
$T search $NE --network test/search/net_hier_net.tsr --hierarchy \
	>$OUT/nhe.json 2>&1
$T search $NE --hierarchy >$OUT/nhe1.json 2>&1
grep '"levels"' $OUT/nhe.json >$OUT/nhe.line
np=$(json_num pj_per_mac $OUT/nhe.line) nc=$(json_num cycles $OUT/nhe.line)
ep=$(sed -n 's/^  "pj_per_mac": *//p' $OUT/nhe1.json)
ec=$(sed -n 's/^  "cycles": *\([0-9]*\).*/\1/p' $OUT/nhe1.json)
if grep -q '"levels": "RF0 64 B + RF1 256 B + GB 512 KB"' $OUT/nhe.line &&
	[ "$np" = 5.356740 ] && [ "$nc" = 519658 ] && [ -n "$ep" ] &&
	awk -v a="$np" -v b="$nc" -v x="$ep" -v y="$ec" \
		'BEGIN { exit !(a * b >= x * y) }'
then ok search/network_hierarchy_edp
else bad search/network_hierarchy_edp "network $np pJ/MAC $nc cycles, one layer $ep $ec: $(head -c 600 $OUT/nhe.line)"; fi

# --refine 0 with a network: no candidate would be refined (it searched
# one all the same): a usage error, for search and study
expect search_network_refine_zero 2 "refine 0: a network's hierarchy" -- \
	$T search $ST --network $TN --hierarchy --refine 0
expect study_refine_zero 2 "refine 0: a network's hierarchy" -- \
	$T study hierarchy $TN $ST -o $OUT/rz --refine 0

# ... and when every candidate the ranking kept fails the baseline's
# cycles, those it cut are ranked in full and refined in turn: with
# --refine 1 for the least energy x delay over 12 candidates, the 3 kept
# all fail (before: "none of the 12 candidate hierarchies maps", exit 1,
# where --refine 40 finds one); 6.999010 pJ/MAC with fills charged
# (6.849483 with `fills free`, as before they were)
$T search test/search/net_hier.tsr --network test/search/net_hier_net.tsr \
	--hierarchy --pe-sizes 8,32,64 --shared-sizes 64KB,1024KB --objective edp \
	--refine 1 --quiet --json >$OUT/nhr.json 2>&1
nrc=$?
grep '"levels"' $OUT/nhr.json >$OUT/nhr.line
np=$(json_num pj_per_mac $OUT/nhr.line) nc=$(json_num cycles $OUT/nhr.line)
if [ $nrc = 0 ] && grep -q '"levels": "RF 64 B + GB 1024 KB"' $OUT/nhr.line &&
	[ "$np" = 6.999010 ] && [ "$nc" = 510698 ]
then ok search/network_hierarchy_refine_past_cut
else bad search/network_hierarchy_refine_past_cut "exit $nrc; $np pJ/MAC $nc cycles: $(head -c 600 $OUT/nhr.json)"; fi

# ... every layer counts, however many: 300 copies of a layer choose
# what the layer repeated 300 times does, with the same energy and
# cycles (layers past the 256th were left out of the total)
{ echo "network many {"; i=1; while [ $i -le 300 ]; do
	echo "  l$i: fc N=4 K=16 C=8"; i=$((i + 1)); done; echo "}"; } >$OUT/many.tsr
printf 'network one {\n  l1: fc N=4 K=16 C=8 repeat=300\n}\n' >$OUT/one.tsr
for n in many one; do
	$T search $ST --network $OUT/$n.tsr --hierarchy --pe-sizes 8,16 \
		--shared-sizes 2KB --quiet --threads 1 2>&1 | grep '^hierarchy' >$OUT/$n.hier
done
if [ -s $OUT/many.hier ] && cmp -s $OUT/many.hier $OUT/one.hier
then ok search/network_hierarchy_every_layer
else bad search/network_hierarchy_every_layer "300 layers: $(cat $OUT/many.hier); one x 300: $(cat $OUT/one.hier)"; fi

# a level whose every factor the levels inside took still has blocks
# that must fit: for the fewest cycles on net_hier.tsr the search put
# every loop in the register file, the output bypassing it, and wrote
# O.in(GB) needing 802,816 B of 128 KB (an internal error)
if $T search test/search/net_hier.tsr --objective cycles --quiet \
	-o $OUT/lf.tsr >$OUT/lf.out 2>&1 && $T check $OUT/lf.tsr >/dev/null 2>&1
then ok search/level_fits_without_factors
else bad search/level_fits_without_factors "$(head -4 $OUT/lf.out)"; fi
# ... its -o holds the best hierarchy so far, a candidate at a time (the
# quickstart's search takes about a minute; stopped after its first
# write, it leaves a file tessera check accepts), and at the end the
# answer
rm -f $OUT/hpart.tsr
hf=$(stopped_early $OUT/hpart.tsr $T search examples/quickstart.tsr \
	--hierarchy --quiet -o $OUT/hpart.tsr)
if [ -n "$hf" ] && $T check "$hf" >/dev/null 2>&1 &&
	head -1 $OUT/hier.tsr | grep -q '^# written by tessera search --hierarchy ('; then
	ok search/hierarchy_best_so_far_written
else bad search/hierarchy_best_so_far_written "'$hf': $(head -1 $OUT/hpart.tsr 2>&1); at the end: $(head -1 $OUT/hier.tsr)"; fi

# --buildable leaves out the levels the backend does not build (a tensor in
# two register files): fewer points, the same best, and every point of
# those levels refused (TESSERA_CHECK_BUILDABLE evaluates them; an
# internal error otherwise)
B2=test/search/two_rf.tsr
$T search $B2 --buildable --quiet --json >$OUT/b2.json 2>&1
TESSERA_CHECK_BUILDABLE=1 $T search $B2 --buildable --quiet --json \
	>$OUT/b2c.json 2>&1
a=$(json_num pj_per_mac $OUT/b2.json) b=$(json_num pj_per_mac $OUT/b2c.json)
ea=$(json_num evaluated $OUT/b2.json) eb=$(json_num evaluated $OUT/b2c.json)
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$ea" -lt "$eb" ]; then
	ok search/buildable_prunes_levels
else bad search/buildable_prunes_levels "pruned: $a pJ/MAC ($ea evaluated), checked: $b ($eb); $(tail -3 $OUT/b2c.json)"; fi
# ... and on a hierarchy of two register files it returns one that builds
if $T search $B2 --hierarchy --pe-sizes 16,64 --shared-sizes 16KB \
	--buildable --quiet -o $OUT/b2h.tsr >$OUT/b2h.out 2>&1 &&
	grep -q "RF0 16 B + RF1 64 B" $OUT/b2h.out &&
	$T verilog $OUT/b2h.tsr -o $OUT/b2hv >/dev/null 2>&1; then
	ok search/buildable_hierarchy_builds
else bad search/buildable_hierarchy_builds "$(head -8 $OUT/b2h.out)"; fi
# an architecture the backend builds no schedule of is refused at once
sed 's/level GB size 16 KB/level GB size 16 KB bandwidth 4/' $B2 >$OUT/b2bw.tsr
expect search/buildable_port 1 "builds no schedule of this layer on this architecture: level GB (line 19) states a bandwidth" -- \
	$T search $OUT/b2bw.tsr --buildable

# holds (docs/dsl.md): test/search/holds.tsr is fourlevel.tsr with R0
# holding W and O, R1 holding I and W.  Unrestricted, the search keeps
# I in R0 (and, with --no-bypass, O in R1); restricted it never does,
# with or without bypassing, every tensor sits in every level that holds
# it with --no-bypass, and each written schedule re-reads with the
# clauses and models the energy the search reported.
holds_kept() { # FILE R0 R1: no I in R0, no O in R1, the clauses written
	$T check "$1" >/dev/null 2>&1 &&
		! grep -q "I\.in($2)" "$1" && ! grep -q "O\.in($3)" "$1" &&
		grep -q "^  level $2 per_pe .* holds O, W$" "$1" &&
		grep -q "^  level $3 per_pe .* holds I, W$" "$1"
}
holds_models() { # OUT FILE: the search's best pJ/MAC is the model's
	$T model "$2" --json >$OUT/hm.json 2>&1 &&
		[ "$(sed -n 's/^best: \([0-9.]*\) pJ.*/\1/p' "$1")" = \
		  "$(printf '%.4f' "$(json_num pj_per_mac $OUT/hm.json)")" ]
}
$T search test/search/fourlevel.tsr --quiet -o $OUT/hf.tsr >/dev/null 2>&1
$T search test/search/fourlevel.tsr --quiet --no-bypass -o $OUT/hfn.tsr >/dev/null 2>&1
if grep -q 'I\.in(R0)' $OUT/hf.tsr && grep -q 'O\.in(R1)' $OUT/hfn.tsr
then ok search/holds_unrestricted_uses_the_levels
else bad search/holds_unrestricted_uses_the_levels "$(grep '\.in(' $OUT/hf.tsr $OUT/hfn.tsr)"; fi
for nb in "" --no-bypass; do
	$T search test/search/holds.tsr --quiet $nb -o $OUT/hh.tsr >$OUT/hh.out 2>&1
	if holds_kept $OUT/hh.tsr R0 R1 && holds_models $OUT/hh.out $OUT/hh.tsr &&
		{ [ -z "$nb" ] || [ "$(grep -c '\.in(R[01])' $OUT/hh.tsr)" = 4 ]; }
	then ok search/holds_honoured$nb
	else bad search/holds_honoured$nb "$(cat $OUT/hh.out | head -3; grep -e '\.in(' -e level $OUT/hh.tsr)"; fi
done
# the outermost on-chip level holding only I and O: W is never placed
# there and the schedule written models what the search reported; on
# the K|Y dataflow, every bound is checked at every point the
# exhaustive search evaluates (an internal error if one is above it),
# and branch and bound finds the exhaustive optimum.  (Counting W's
# DRAM share again where a register file is filled from DRAM puts the
# bound above points' energy: checked, it fails so.)
HO=test/search/holds_outermost.tsr
for nb in "" --no-bypass; do
	$T search $HO --quiet $nb -o $OUT/ho.tsr >$OUT/ho.out 2>&1
	$T search $HO --quiet --dataflow 'K|Y' $nb >$OUT/hob.out 2>&1
	TESSERA_CHECK_BOUND=1 $T search $HO --quiet --dataflow 'K|Y' --exhaustive \
		$nb >$OUT/hox.out 2>&1
	if ! grep -q 'W\.in(GB)' $OUT/ho.tsr && grep -q 'I\.in(GB)' $OUT/ho.tsr &&
		grep -q '^  level GB size .* holds O, I$' $OUT/ho.tsr &&
		holds_models $OUT/ho.out $OUT/ho.tsr &&
		[ -n "$(sed -n 's/^best: //p' $OUT/hob.out)" ] &&
		[ "$(sed -n 's/^best: //p' $OUT/hob.out)" = "$(sed -n 's/^best: //p' $OUT/hox.out)" ]
	then ok search/holds_outermost$nb
	else bad search/holds_outermost$nb "$(cat $OUT/ho.out $OUT/hob.out $OUT/hox.out | head -8; grep -e '\.in(' -e level $OUT/ho.tsr)"; fi
done
sed 's/ bandwidth 4 latency 3//' $HO >$OUT/hob.tsr
expect search/holds_outermost_buildable 1 "--buildable: the Verilog backend builds no placement of the tensors in these levels" -- \
	$T search $OUT/hob.tsr --buildable --quiet
# --hierarchy: candidate register file i holds what the file's per-PE
# level i holds; the global buffer what its outermost on-chip level holds
for nb in "" --no-bypass; do
	$T search test/search/holds.tsr --quiet --hierarchy $nb --pe-sizes 16,64,1K \
		--shared-sizes 64KB -o $OUT/hh.tsr >$OUT/hh.out 2>&1
	if holds_kept $OUT/hh.tsr RF0 RF1 && holds_models $OUT/hh.out $OUT/hh.tsr &&
		grep -q '^  level GB size [0-9]* B pj [0-9.]* bandwidth 4 latency 3$' $OUT/hh.tsr
	then ok search/holds_hierarchy$nb
	else bad search/holds_hierarchy$nb "$(cat $OUT/hh.out | head -3; grep -e '\.in(' -e level $OUT/hh.tsr)"; fi
done
# --hierarchy --progress-file: where the candidates are, written after
# each (and the heuristic's refined ones), whatever stdout is
for m in searched:6:-- refined:2:'--refine 2'; do
	st=${m%%:*} n=${m#*:} n=${n%%:*} opt=${m##*:}
	[ "$opt" = -- ] && opt=
	rm -f $OUT/hp.prog
	$T search test/search/holds.tsr --quiet --hierarchy $opt --pe-sizes 16,64,1K \
		--shared-sizes 64KB --progress-file $OUT/hp.prog >/dev/null 2>&1
	if grep -qx "hierarchy: $n of $n candidates $st, best [0-9.]* pJ/MAC, [0-9]* s" $OUT/hp.prog
	then ok search/hierarchy_progress_file_$st
	else bad search/hierarchy_progress_file_$st "$(cat $OUT/hp.prog 2>&1)"; fi
done
$T search $HO --quiet --hierarchy --pe-sizes 16,64,1K --shared-sizes 64KB \
	-o $OUT/hoh.tsr >$OUT/hoh.out 2>&1
if grep -q '^  level GB size [0-9]* B pj [0-9.]* bandwidth 4 latency 3 holds O, I$' $OUT/hoh.tsr &&
	! grep -q 'W\.in(GB)' $OUT/hoh.tsr && holds_models $OUT/hoh.out $OUT/hoh.tsr
then ok search/holds_outermost_hierarchy
else bad search/holds_outermost_hierarchy "$(cat $OUT/hoh.out | head -3; grep -e '\.in(' -e level $OUT/hoh.tsr)"; fi

# study: a table and a chart made by the tool
rm -rf $OUT/study
if $T study dataflows $TN examples/taxonomy/ck_tpu.tsr \
	examples/taxonomy/xy_shidiannao.tsr -o $OUT/study --quiet >$OUT/st.out 2>&1 &&
	grep -q '^| tinynet conv |' $OUT/study/dataflows.md &&
	grep -q '<svg' $OUT/study/dataflows.svg &&
	grep -q '<rect' $OUT/study/dataflows.svg; then
	ok search/study_dataflows
else bad search/study_dataflows "$(cat $OUT/st.out)"; fi
# ... its "Made by" line quoted as a shell needs: a file named with a
# space and a quote comes out as one word (it was written bare)
rm -rf $OUT/studyq
cp $TN "$OUT/ti ny'net.tsr"
$T study dataflows "$OUT/ti ny'net.tsr" examples/taxonomy/ck_tpu.tsr \
	-o $OUT/studyq --quiet >$OUT/stq.out 2>&1
if grep -qxF "tessera study dataflows '$OUT/ti ny'\\''net.tsr' examples/taxonomy/ck_tpu.tsr -o $OUT/studyq --quiet" \
	$OUT/studyq/dataflows.md; then ok search/study_made_by_quoted
else bad search/study_made_by_quoted "$(cat $OUT/stq.out; grep -A3 'Made by' $OUT/studyq/dataflows.md)"; fi
# ... a layer that only one dataflow maps (spreadnet's fc c: X|Y has no
# x or y to unroll) has no spread: it is left out of the mean spread,
# counted and named, and the whole network's figures are over the two
# layers both map: each dataflow's energy over the MACs of a and of b
# three times, from the table's pJ/MAC (MACs 9216 and 41472)
rm -rf $OUT/study2
$T study dataflows test/search/spreadnet.tsr examples/taxonomy/ck_tpu.tsr \
	examples/taxonomy/xy_shidiannao.tsr --all-layers -o $OUT/study2 --quiet \
	>$OUT/st2.out 2>&1
S2=$OUT/study2/dataflows.md
r=$(awk -F' *[|] *' '
	$2 == "spreadnet a" { a1 = $3 + 0; a2 = $4 + 0; sa = $5 + 0 }
	$2 == "spreadnet b" { b1 = $3 + 0; b2 = $4 + 0; sb = $5 + 0 }
	$2 == "spreadnet c" { cs = $5 }
	/^Mean spread/ { m = $0; sub(/^Mean spread /, "", m); m += 0 }
	$2 == "spreadnet" && $3 == "2 of 3" { t1 = $4 + 0; t2 = $5 + 0 }
	function off(x, y) { return x - y > 0.002 || y - x > 0.002 }
	END {
		w1 = (a1 * 9216 + 3 * b1 * 41472) / (9216 + 3 * 41472)
		w2 = (a2 * 9216 + 3 * b2 * 41472) / (9216 + 3 * 41472)
		if (!a1 || !b1 || !t1) print "rows missing"
		else if (cs != "-") print "c has a spread: " cs
		else if (off((sa + sb) / 2, m) && off((sa + sb) / 2 - 0.005, m) && off((sa + sb) / 2 + 0.005, m))
			print "mean spread " m ", layers: " sa " " sb
		else if (off(w1, t1) || off(w2, t2))
			print "totals " t1 " " t2 ", sums over a and b " w1 " " w2
	}' $S2)
if [ -z "$r" ] &&
	grep -q "over the 2 layers that two or more dataflows map; 1 of 3 layers left out, which fewer than two dataflows map: spreadnet c (only C|K (ck_tpu))\.$" $S2 &&
	grep -q "^1 of 3 layers left out of these totals, which not every dataflow maps:$" $S2 &&
	grep -q "^\* spreadnet c: not mapped by X|Y (xy_shidiannao)$" $S2
then ok search/study_spread_leaves_out_one_dataflow_layers
else bad search/study_spread_leaves_out_one_dataflow_layers "$r; $(cat $OUT/st2.out; sed -n '/^| layer/,$p' $S2)"; fi
expect study_no_out 2 "needs -o DIR" -- $T study dataflows $TN
expect study_kind 2 "dataflows or hierarchy" -- $T study frob $TN -o $OUT/study

# a study stopped part way (issue 19): its table, rewritten whole after
# each layer, holds the layers done with their figures and the rest
# marked, under a "partial:" line, and no .part is left behind; its
# progress file is written though stderr is not a terminal.  SIGINT too:
# a shell's background job ignores it unless env restores it.
for sig in TERM:143 INT:130; do
	status=${sig#*:} sig=${sig%:*}
	P=$OUT/stp$sig
	rm -rf $P $P.prog
	env --default-signal=INT $T study dataflows examples/networks/alexnet.tsr \
		examples/networks/vgg16.tsr examples/taxonomy/ck_tpu.tsr \
		examples/taxonomy/xy_shidiannao.tsr -o $P --threads 1 --quiet \
		--progress-file $P.prog >$P.out 2>&1 &
	signal_when $sig "grep -qs '^| alexnet conv1 | [0-9]' $P/dataflows.md" $!
	rc=$?
	r=$(awk -F' *[|] *' '
		/^partial: [0-9]+ of [0-9]+ layers done; the study was still running/ {
			done = $0; sub(/^partial: /, "", done); done += 0
			all = $0; sub(/^partial: [0-9]+ of /, "", all); all += 0 }
		/^\| (alexnet|vgg16) / {
			rows++
			if ($3 ~ /^[0-9.]+ \([0-9]+%\)$/ && $4 ~ /^[0-9.]+ \([0-9]+%\)$/ &&
			    $5 ~ /^[0-9.]+x$/) { if (rows != ++figs) print "row " rows " has figures after a pending row" }
			else if ($3 == "…" && $4 == "…" && $5 == "…") pend++
			else print "row " rows " neither done nor pending: " $0 }
		/^Mean spread|^## Whole networks/ { print "summary in a partial table" }
		END {
			if (!done) print "no partial line"
			else if (figs != done || pend != all - done || rows != all || all != 18)
				print "partial " done " of " all ", rows " rows ": " figs " done, " pend " pending"
		}' $P/dataflows.md 2>&1)
	# the table is rewritten as soon as a layer is done, before the
	# progress file names the next one: it holds as many done
	mdone=$(sed -n 's/^partial: \([0-9]*\) of.*/\1/p' $P/dataflows.md)
	pdone=$(sed -n 's/^study: \([0-9]*\) of 18 layers done; .*/\1/p' $P.prog)
	[ "${mdone:-0}" -ge "${pdone:-99}" ] || r="$r; $mdone done in the table, $pdone in the progress file"
	left=$(ls -A $P | grep -v '^dataflows\.\(md\|svg\)$')
	if [ $rc -eq $status ] && [ -z "$r" ] && [ -z "$left" ] &&
		grep -q '<svg' $P/dataflows.svg &&
		grep -qs '^study: [0-9]* of 18 layers done; ' $P.prog
	then ok search/study_stopped_leaves_partial_table_$sig
	else bad search/study_stopped_leaves_partial_table_$sig "exit $rc; $r; left: $left; $(cat $P.out $P.prog)"; fi
done
# ... and a study that ran to the end has no partial line, no pending
# row and no .part
if [ -s $S2 ] && ! grep -q '^partial:\|…' $S2 && [ -z "$(ls -A $OUT/study2 | grep -v '^dataflows\.\(md\|svg\)$')" ]
then ok search/study_complete_not_partial
else bad search/study_complete_not_partial "$(head -5 $S2; ls -A $OUT/study2)"; fi
# ... study hierarchy: rewritten after each network, the networks not
# done yet marked
P=$OUT/sthp
rm -rf $P
$T study hierarchy test/report/pair.tsr examples/networks/alexnet.tsr \
	test/netsim/df.tsr -o $P --threads 1 --quiet >$P.out 2>&1 &
signal_when TERM "grep -qs '^partial:' $P/hierarchy.md" $!
rc=$?
r=$(awk '
	/^partial: 1 of 2 networks done; the study was still running/ { p = 1 }
	/^## / { sec = $2 }
	sec == "pair" && /^\| (tiny|wide) \| [0-9.]+ \| [0-9]+ \| [0-9.]+ \| [0-9]+ \| [0-9.]+x \|$/ { rows++ }
	sec == "alexnet" && /^…$/ { pend = 1 }
	sec == "alexnet" && /^\|/ { print "a pending network has rows" }
	END { if (!p || rows != 2 || !pend) print "partial " p ", pair rows " rows ", alexnet pending " pend }
	' $P/hierarchy.md)
left=$(ls -A $P | grep -v '^hierarchy\.\(md\|svg\)$')
if [ $rc -eq 143 ] && [ -z "$r" ] && [ -z "$left" ] && grep -q '<rect' $P/hierarchy.svg
then ok search/study_hierarchy_stopped_leaves_partial_table
else bad search/study_hierarchy_stopped_leaves_partial_table "exit $rc; $r; left: $left; $(cat $P.out; head -20 $P/hierarchy.md)"; fi
