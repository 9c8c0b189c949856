# test/mpi.sh - a search spread over the ranks of an MPI job
# (search/cluster.c); sourced by test/run.sh after test/search.sh (it
# uses T, OUT, ok, bad and json_num).
#
#   - `mpirun -np 2 tessera search` (and `study`) gives the answer one
#     process gives (a layer, a network, a hierarchy, a study), printed
#     once, and says it ran on 2 ranks;
#   - a rank that cannot load the MPI plugin says so and exits 1.

# mpirun refuses root unless told (CI runs as root)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN="mpirun --oversubscribe -np 2"

# The answer, without what depends on the run: the statistics line, the
# network's count of schedules evaluated and its seconds.
answer() {
	grep -v '^search .* schedules evaluated' "$1" |
		sed 's/([0-9]* schedules evaluated in [0-9.]* s)//'
}

# NAME ARGS...: `search ARGS` alone and on two ranks, one thread each
mpi_same() {
	name=$1
	shift
	$T search "$@" --threads 1 >$OUT/m1.out 2>$OUT/m1.err
	r1=$?
	$MPIRUN $T search "$@" --threads 1 >$OUT/m2.out 2>$OUT/m2.err
	r2=$?
	answer $OUT/m1.out >$OUT/m1.ans
	answer $OUT/m2.out >$OUT/m2.ans
	if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ -s $OUT/m1.ans ] &&
		cmp -s $OUT/m1.ans $OUT/m2.ans; then ok "mpi/$name"
	else bad "mpi/$name" "exit $r1 alone, $r2 on 2 ranks; $(diff $OUT/m1.ans $OUT/m2.ans | head -5; tail -3 $OUT/m2.err)"; fi
}

mpi_same layer examples/alexnet_conv2.tsr
mpi_same network examples/quickstart.tsr --network examples/networks/alexnet.tsr
mpi_same hierarchy test/search/tiny.tsr --hierarchy --pe-sizes 64,256 \
	--shared-sizes 4096,65536

# the two ranks ran it (else the same answer proves nothing), and the
# result was printed once
$MPIRUN $T search examples/alexnet_conv2.tsr --threads 1 --json \
	>$OUT/m3.json 2>&1
n=$(json_num ranks $OUT/m3.json)
b=$(grep -c '"best":' $OUT/m3.json)
if [ "$n" = 2 ] && [ "$b" = 1 ]; then ok mpi/two_ranks_printed_once
else bad mpi/two_ranks_printed_once "ranks '$n', $b answers: $(head -3 $OUT/m3.json)"; fi
n=$($T search examples/alexnet_conv2.tsr --threads 1 --json 2>/dev/null |
	sed -n 's/.*"ranks": \([0-9]*\).*/\1/p')
if [ "$n" = 1 ]; then ok mpi/one_process_one_rank
else bad mpi/one_process_one_rank "ranks '$n'"; fi

# launched as a rank (the launcher's variable set) without the plugin
OMPI_COMM_WORLD_SIZE=1 TESSERA_MPI=$OUT/none.so $T search test/search/tiny.tsr \
	>/dev/null 2>$OUT/m4.err
r=$?
if [ $r -eq 1 ] && grep -q "cannot load the MPI plugin $OUT/none.so" $OUT/m4.err
then ok mpi/plugin_missing
else bad mpi/plugin_missing "exit $r: $(cat $OUT/m4.err)"; fi

# a study: the same table and chart
rm -rf $OUT/st1 $OUT/st2
STF="test/search/tinynet.tsr examples/taxonomy/ck_tpu.tsr examples/taxonomy/nk.tsr"
# shellcheck disable=SC2086
$T study dataflows $STF -o $OUT/st1 --threads 1 --quiet >/dev/null 2>&1
# shellcheck disable=SC2086
$MPIRUN $T study dataflows $STF -o $OUT/st2 --threads 1 --quiet >/dev/null 2>&1
if [ -s $OUT/st1/dataflows.md ] &&
	[ "$(grep -v '^tessera study' $OUT/st1/dataflows.md)" = \
	  "$(grep -v '^tessera study' $OUT/st2/dataflows.md)" ] &&
	cmp -s $OUT/st1/dataflows.svg $OUT/st2/dataflows.svg; then ok mpi/study
else bad mpi/study "$(diff $OUT/st1/dataflows.md $OUT/st2/dataflows.md | head -5)"; fi
# ... and a layer one dataflow cannot map (spreadnet's fc under X|Y: a
# search of no jobs, whose threads waited forever for a job on ranks)
rm -rf $OUT/st3 $OUT/st4
STF2="test/search/spreadnet.tsr examples/taxonomy/ck_tpu.tsr examples/taxonomy/xy_shidiannao.tsr --all-layers"
# shellcheck disable=SC2086
$T study dataflows $STF2 -o $OUT/st3 --threads 1 --quiet >/dev/null 2>&1
# shellcheck disable=SC2086
timeout 120 $MPIRUN $T study dataflows $STF2 -o $OUT/st4 --threads 1 --quiet \
	>$OUT/st4.out 2>&1
r=$?
if [ $r = 0 ] && grep -q 'only C|K' $OUT/st3/dataflows.md &&
	[ "$(grep -v '^tessera study' $OUT/st3/dataflows.md)" = \
	  "$(grep -v '^tessera study' $OUT/st4/dataflows.md)" ]
then ok mpi/study_unmapped_layer
else bad mpi/study_unmapped_layer "exit $r (124: it hung): $(tail -3 $OUT/st4.out)"; fi
# ... rank 0 alone writes the table and chart (also the partial ones,
# after each layer) and the progress file: rank 1, started in a
# directory of its own with the same relative -o and --progress-file,
# leaves it empty
rm -rf $OUT/mr0 $OUT/mr1
mkdir -p $OUT/mr0 $OUT/mr1
case $T in /*) TA=$T ;; *) TA=$PWD/$T ;; esac
STF="$PWD/test/search/spreadnet.tsr $PWD/examples/taxonomy/ck_tpu.tsr $PWD/examples/taxonomy/xy_shidiannao.tsr"
SARGS="-o st --threads 1 --quiet --progress-file prog"
# shellcheck disable=SC2086
mpirun --oversubscribe -np 1 -wdir $OUT/mr0 $TA study dataflows $STF $SARGS : \
	-np 1 -wdir $OUT/mr1 $TA study dataflows $STF $SARGS >$OUT/mr.out 2>&1
r=$?
if [ $r -eq 0 ] && grep -q '^| spreadnet b | [0-9]' $OUT/mr0/st/dataflows.md &&
	grep -q '^study: done$' $OUT/mr0/prog && [ -z "$(ls -A $OUT/mr1)" ]
then ok mpi/study_rank0_alone_writes
else bad mpi/study_rank0_alone_writes "exit $r; rank 1 wrote: $(ls -A $OUT/mr1); $(tail -3 $OUT/mr.out)"; fi
