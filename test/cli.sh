# test/cli.sh - command-line behaviour; sourced by test/run.sh, which
# provides T, OUT, ok and bad.

# expect NAME STATUS PATTERN -- COMMAND...: the command exits with STATUS
# and its output (stdout and stderr) matches the grep pattern.
expect() {
	name=$1 status=$2 pattern=$3
	shift 4
	"$@" >$OUT/cli.out 2>&1
	rc=$?
	if [ $rc -ne "$status" ]; then
		bad "cli/$name" "exit $rc, not $status: $(head -3 $OUT/cli.out)"
	elif [ -n "$pattern" ] && ! grep -q -- "$pattern" $OUT/cli.out; then
		bad "cli/$name" "no '$pattern' in: $(head -3 $OUT/cli.out)"
	else
		ok "cli/$name"
	fi
}

Q=examples/quickstart.tsr
expect no_command 2 "no command given" -- $T
expect unknown_command 2 "unknown command 'frob'" -- $T frob $Q
expect unknown_option 2 "unknown option --frob" -- $T run $Q --frob
expect missing_file_arg 2 "run needs a .tsr file" -- $T run
expect bad_seed 2 "needs a non-negative integer" -- $T run $Q --seed x
expect bad_input_syntax 2 "TENSOR=FILE.npy" -- $T run $Q --input I
expect unknown_pass 2 "unknown pass 'frob'" -- $T ir $Q --after frob
expect passes 0 "^schedule" -- $T --passes
expect help 0 "usage: tessera" -- $T --help
expect missing_file 1 "cannot open nonexistent.tsr" -- $T check nonexistent.tsr
expect check_ok 0 "" -- $T check $Q

# --after the last pass prints what plain `ir` prints
last=$($T --passes | tail -1 | cut -d' ' -f1)
$T ir $Q >$OUT/ir1.out 2>&1
$T ir $Q --after $last >$OUT/ir2.out 2>&1
if cmp -s $OUT/ir1.out $OUT/ir2.out; then ok cli/after_last_pass
else bad cli/after_last_pass "outputs differ"; fi

# .npy round trip: saved inputs read back give the same output
rm -rf $OUT/npy
$T run test/cli/small.tsr --seed 5 -o $OUT/npy --save-inputs >$OUT/a.out 2>&1
$T run test/cli/small.tsr --seed 99 --input I=$OUT/npy/I.npy \
	--input W=$OUT/npy/W.npy -o $OUT/npy2 >$OUT/b.out 2>&1
if grep -q checksum $OUT/a.out &&
	[ "$(grep checksum $OUT/a.out)" = "$(grep checksum $OUT/b.out)" ] &&
	cmp -s $OUT/npy/O.npy $OUT/npy2/O.npy; then ok cli/npy_round_trip
else bad cli/npy_round_trip "$(cat $OUT/a.out $OUT/b.out)"; fi
expect npy_shape 1 "shape does not match tensor I" -- \
	$T run test/cli/small.tsr --input I=$OUT/npy/W.npy
expect npy_range 1 "does not fit I's type" -- \
	$T run test/cli/narrow.tsr --input I=$OUT/npy/O.npy
expect npy_not_input 1 "the layer's inputs are I and W" -- \
	$T run test/cli/small.tsr --input O=$OUT/npy/O.npy
expect npy_twice 1 "given twice" -- \
	$T run test/cli/small.tsr --input I=$OUT/npy/I.npy --input I=$OUT/npy/I.npy
expect npy_missing 1 "cannot open" -- \
	$T run test/cli/small.tsr --input I=$OUT/nonexistent.npy
printf 'not a numpy file at all' >$OUT/junk.npy
expect npy_junk 1 "not a .npy file" -- \
	$T run test/cli/small.tsr --input I=$OUT/junk.npy

# -o makes missing parent directories
rm -rf $OUT/deep
expect output_dir_parents 0 "checksum" -- $T run test/cli/small.tsr -o $OUT/deep/a/b
if [ -f $OUT/deep/a/b/O.npy ]; then ok cli/output_dir_written
else bad cli/output_dir_written "no $OUT/deep/a/b/O.npy"; fi

# the loop nest as C compiles cleanly
$T ir $Q --c >$OUT/nest.c 2>&1
if cc -std=c11 -Wall -Wextra -Werror -c $OUT/nest.c -o $OUT/nest.o 2>$OUT/cc.out
then ok cli/emit_c_compiles
else bad cli/emit_c_compiles "$(cat $OUT/cc.out)"; fi

# model: needs an accelerator; its JSON has the contract's keys
expect model_no_accel 1 "no accelerate() loop" -- $T model test/cli/small.tsr
$T model $Q --json >$OUT/model.json 2>&1
missing=""
for key in layer macs pes cycles utilization levels name bytes instances \
	pj_per_access tensors reads writes noc_transfers energy_pj total mac noc \
	pj_per_mac; do
	grep -q "\"$key\":" $OUT/model.json || missing="$missing $key"
done
if [ -z "$missing" ]; then ok cli/model_json_keys
else bad cli/model_json_keys "missing:$missing"; fi
expect model_table 0 "pJ/MAC" -- $T model $Q

# the JIT plugin missing is a tool failure: exit 3
expect jit_missing 3 "cannot load the JIT" -- \
	env TESSERA_JIT=$OUT/no-such-plugin.so $T run test/cli/small.tsr
