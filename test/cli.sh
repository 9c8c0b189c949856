# test/cli.sh - command-line behaviour; sourced by test/run.sh, which
# provides T, OUT, ok and bad.

# expect NAME STATUS PATTERN -- COMMAND...: the command exits with STATUS
# and its output (stdout and stderr) matches the grep pattern.  The test
# is cli/NAME, or NAME itself when it names its group (synth/NAME).
expect() {
	name=$1 status=$2 pattern=$3
	shift 4
	case $name in */*) ;; *) name=cli/$name ;; esac
	"$@" >$OUT/cli.out 2>&1
	rc=$?
	if [ $rc -ne "$status" ]; then
		bad "$name" "exit $rc, not $status: $(head -3 $OUT/cli.out)"
	elif [ -n "$pattern" ] && ! grep -q -- "$pattern" $OUT/cli.out; then
		bad "$name" "no '$pattern' in: $(head -3 $OUT/cli.out)"
	else
		ok "$name"
	fi
}

Q=examples/quickstart.tsr
expect no_command 2 "no command given" -- $T
expect unknown_command 2 "unknown command 'frob'" -- $T frob $Q
expect unknown_option 2 "unknown option --frob" -- $T run $Q --frob
expect missing_file_arg 2 "run needs a .tsr file" -- $T run
expect bad_seed 2 "takes a decimal whole number" -- $T run $Q --seed x
# numbers on the command line: decimal only, none empty, none out of
# range (--threads 4294967297 ran one thread, --seed '' was 0, 010 was 8)
expect seed_empty 2 "not ''" -- $T run $Q --seed ''
run_seed() { $T run $Q --seed "$1" 2>/dev/null; }
if [ "$(run_seed 010)" = "$(run_seed 10)" ] && [ "$(run_seed 010)" != "$(run_seed 8)" ]
then ok cli/seed_decimal; else bad cli/seed_decimal "--seed 010 is not 10"; fi
expect seed_too_large 2 "from 0 to 18446744073709551615" -- \
	$T run $Q --seed 18446744073709551616
expect search_threads_out_of_range 2 "from 1 to 256, not '4294967297'" -- \
	$T search $Q --threads 4294967297
expect study_threads_out_of_range 2 "from 1 to 256, not '4294967297'" -- \
	$T study dataflows --threads 4294967297
expect search_min_util_nan 2 "from 0 to 1, not 'nan'" -- $T search $Q --min-util nan
expect search_max_cycles_zero 2 "from 1 to" -- $T search $Q --max-cycles 0
expect search_refine_range 2 "from 0 to 1024" -- $T search $Q --refine 5000
expect synth_node_hex 2 "not '0x10'" -- $T synth $Q --node 0x10
# an option the command does not take is an error, not ignored
expect option_not_taken 2 "check takes no option --seed" -- $T check $Q --seed 5
expect bad_input_syntax 2 "TENSOR=FILE.npy" -- $T run $Q --input I
expect unknown_pass 2 "unknown pass 'frob'" -- $T ir $Q --after frob
expect passes 0 "^schedule" -- $T --passes
expect help 0 "usage: tessera" -- $T --help
# every command has its own help, on stdout, exit 0 (search, study and
# synth said "unknown option --help"; sim and model printed the global)
for c in check ir model run verilog sim synth import search study; do
	if $T $c --help >$OUT/help.out 2>$OUT/help.err &&
		grep -q "^usage: tessera $c " $OUT/help.out && [ ! -s $OUT/help.err ]
	then ok cli/help_$c
	else bad cli/help_$c "$(head -3 $OUT/help.out $OUT/help.err)"; fi
done
# each lists every option the command takes: opts.c's table, and the
# options search/ parses
help_lists() { # COMMAND OPTION...: the options missing from its help
	c=$1
	shift
	$T $c --help >$OUT/help.out 2>&1
	for o in "$@"; do grep -q -- "$o\b" $OUT/help.out || echo "$c $o"; done
}
missing=$(for c in check ir model run verilog sim synth import; do
	help_lists $c $(grep -o '{"-[-a-z]*", [01], "[a-z ]*"}' opts.c | tr -d '{}",' |
		awk -v c=$c '{ for (i = 3; i <= NF; i++) if ($i == c) print $1 }')
done
help_lists search $(grep -oh '"--*[a-z-]*"' search/cli.c search/hier.c | tr -d '"' | sort -u)
help_lists study $(grep -oh '"--*[a-z-]*"' search/study.c search/hier.c | tr -d '"' | sort -u))
if [ -z "$missing" ]; then ok cli/help_lists_every_option
else bad cli/help_lists_every_option "missing: $missing"; fi
expect help_global_lists_study 0 "--all-layers" -- $T --help
expect missing_file 1 "cannot open nonexistent.tsr" -- $T check nonexistent.tsr
# a file that starts with a UTF-8 byte order mark reads as without it
expect utf8_bom 0 "" -- $T check test/cli/utf8_bom.tsr
expect check_ok 0 "" -- $T check $Q
# check prints one line for a layer, as for a network: name, MACs, PEs
# used and buffers
expect check_layer_summary 0 \
	"^layer quickstart: 1179648 MACs on 4x4 PEs (16 used); buffers W.in(RF) 18 B per PE, O.in(RF) 4 B per PE, I.in(GB) 12800 B, O.in(GB) 1024 B, W.in(GB) 4608 B$" -- \
	$T check $Q
expect check_layer_no_accelerator 0 \
	"^layer small: 24 MACs, no accelerator (no accelerate() loop)$" -- \
	$T check test/cli/small.tsr

# A window over two loops of 2^20 values (W(k+c)): its sum set is sized
# in closed form, not by enumerating 2^40 sums (hours); timeout makes a
# regression fail instead of hang.
expect huge_window_check 0 "" -- timeout 20 $T check test/cli/huge_window.tsr
expect huge_window_model 0 '"W": { "reads": 2097151,' -- \
	timeout 20 $T model test/cli/huge_window.tsr --json

# the README's listing of the quickstart is the file (from its layer on),
# so that copied as printed it gives the cycles the README states
awk '/^A small example, `examples\/quickstart.tsr`/ { f = 1; next }
	f && /^```$/ { if (body) exit; body = 1; next }
	body { print }' README.md >$OUT/readme_q.tsr
sed -n '/^layer quickstart/,$p' $Q >$OUT/file_q.tsr
if cmp -s $OUT/readme_q.tsr $OUT/file_q.tsr &&
	grep -q "reports $($T model $Q | sed -n 's/^cycles \([0-9]*\) .*/\1/p' |
		sed 's/\(...\)$/,\1/') cycles" README.md
then ok cli/readme_quickstart_listing
else bad cli/readme_quickstart_listing "$(diff $OUT/readme_q.tsr $OUT/file_q.tsr | head)"; fi

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
expect npy_shape 1 "W.npy has shape (3, 4); tensor I needs (2, 4)" -- \
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
# a file without a schedule points at the search, which writes one
expect model_no_schedule_search 1 "has no schedule.*tessera search test/cli/small.tsr -o BEST.tsr" -- \
	$T model test/cli/small.tsr
expect sim_no_schedule_search 1 "no accelerator to simulate.*tessera search" -- \
	$T sim test/cli/small.tsr
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

# Out of memory for a tensor is the layer's sizes, a user error: exit 1
# with a message, in sim as in run (not under ASan, whose shadow memory
# needs an unlimited address space).
if [ -z "$ASAN_OPTIONS" ]; then
	expect sim_out_of_memory 1 "out of memory for tensor W" -- \
		sh -c "ulimit -v 200000 && exec $T sim test/cli/sim_oom.tsr"
fi
# A .tsr file is read up to 16 MiB, not to the end of a device
expect check_dev_zero 1 "larger than 16 MiB" -- $T check /dev/zero

# verilog refuses a register wider than the widest constant Verilator
# takes (65536 bits), with a message, instead of writing a design whose
# build fails
expect verilog_dedup_too_wide 1 "532512 bits.*none wider than 65536" -- \
	$T verilog test/cli/wide_dedup.tsr
expect verilog_touched_too_wide 1 "O.in(RF) (line 10) keeps a bit for each word" -- \
	$T verilog test/cli/wide_touched.tsr

# a report that cannot be written (a full disk) is exit 1 with a
# message, not exit 0
if [ -w /dev/full ]; then
	expect stdout_full_model 1 "cannot write standard output" -- \
		sh -c "$T model $Q >/dev/full"
	expect stdout_full_help 1 "cannot write standard output" -- \
		sh -c "$T search --help >/dev/full"
fi

# the JIT plugin missing is a tool failure: exit 3
expect jit_missing 3 "cannot load the JIT" -- \
	env TESSERA_JIT=$OUT/no-such-plugin.so $T run test/cli/small.tsr

# ---- networks and model --network ----
NET=test/cli/net_small.tsr
CK=examples/taxonomy/ck_tpu.tsr
expect net_check 0 "network alexnet: 8 layers" -- \
	$T check examples/networks/alexnet.tsr
for f in examples/networks/*.tsr; do
	expect "net_check_$(basename ${f%.tsr})" 0 "^network " -- $T check $f
done
expect net_file_as_layer 1 "is a network file" -- \
	$T model examples/networks/alexnet.tsr
# a network file given as a layer says which commands read one
expect net_file_to_verilog 1 "network files go to check, --network of model, sim and synth, search --network and study" -- \
	$T verilog examples/networks/alexnet.tsr
expect net_file_to_search 1 "search takes a layer file" -- \
	$T search examples/networks/alexnet.tsr
expect net_not_network 1 "is not a network file" -- \
	$T model --network $Q $CK
expect net_needs_model 2 "run takes no option --network" -- \
	$T run --network $NET $CK
expect net_no_brute 2 "not --brute" -- $T model --network $NET $CK --brute
expect net_two_files_without_network 2 "unexpected argument" -- \
	$T model $CK $Q
expect net_table 0 "^total  *4  *791040 " -- $T model --network $NET $CK
expect net_notes 0 "O is indexed by ci here: O.systolic dropped" -- \
	$T model --network $NET $CK
expect net_pad_dropped 0 "fc1: pad(k, 12) dropped" -- \
	$T model --network examples/networks/mlp_s.tsr test/cli/net_pad.tsr
expect pad_ir 0 "where k = 4\*ko + ki < 10 (padding tiles: idle steps beyond)" -- \
	$T ir test/model/padding_tiles.tsr
expect pad_idle 0 "^  (126 of the compute cycles idle on padding tiles)" -- \
	$T model test/model/padding_tiles.tsr
expect pad_equal_extent 0 "where k = 4\*ko + ki < 10 (edge tiles)" -- \
	$T ir test/cli/pad_equal.tsr
expect pad_ir_loop 0 "for co \[3\] padded @RF" -- \
	$T ir test/model/padding_tiles.tsr
expect keep_overlap_ir 0 "buffer I @RF keep-overlap: 3 words, 6 B, refilled as xi steps" -- \
	$T ir test/model/keep_overlap.tsr
expect keep_overlap_sim 0 "^verified: yes" -- \
	$T sim test/model/keep_overlap.tsr
expect keep_overlap_sim_refused 1 "I.in(RF).keep_overlap() (line 15): edge tiles of an unrolled loop that indexes it" -- \
	$T sim test/hw/keep_overlap_refused_pe_edge.tsr
expect keep_overlap_search 0 "I.in(GB).keep_overlap() is not searched" -- \
	$T search test/model/keep_overlap.tsr --quiet
expect net_dataflow_error 1 "test/errors/split_factor_zero.tsr:" -- \
	$T model --network $NET test/errors/split_factor_zero.tsr
# A layer that does not map: reported with its reason, the rest still
# modelled, exit 1.
expect net_unmapped 1 "conv1: examples/taxonomy/k_1d.tsr:17:26: error: W.in(RF) needs 726 B" -- \
	$T model --network examples/networks/alexnet.tsr examples/taxonomy/k_1d.tsr
expect net_unmapped_rest 1 "^fc1  *fc  *1  *603979776  *[0-9]" -- \
	$T model --network examples/networks/alexnet.tsr examples/taxonomy/k_1d.tsr
# dilation= spaces the filter's taps: a 3x3 filter at dilation 2 over an
# 8x8 output reads a 12x12 input per channel (4 channels: 576 words from
# DRAM), at dilation 1 a 10x10 one (400)
dram_i_reads() { # NET: I's DRAM reads of the network's one layer
	$T model --network "$1" $CK --json 2>&1 | awk '/"name": "DRAM"/ { d = 1 }
		d && /"I": \{ "reads":/ { sub(/.*"I": \{ "reads": /, ""); sub(/,.*/, ""); print; exit }'
}
for d in 1 2; do
	printf 'network n {\n  a: conv N=1 K=4 C=4 Y=8 X=8 FY=3 FX=3 dilation=%s\n}\n' $d \
		>$OUT/net_dilation$d.tsr
done
r1=$(dram_i_reads $OUT/net_dilation1.tsr) r2=$(dram_i_reads $OUT/net_dilation2.tsr)
if [ "$r1" = 400 ] && [ "$r2" = 576 ]; then ok cli/net_dilation
else bad cli/net_dilation "I's DRAM reads: $r1 at dilation 1 (want 400), $r2 at 2 (want 576)"; fi
expect net_compare 0 "^examples/taxonomy/nk.tsr  *[0-9.]*  *[0-9.]*  *[0-9]*  *[0-9.]*% 3/3" -- \
	$T model --network $NET $CK examples/taxonomy/nk.tsr
# ... a layer that one dataflow does not map (big's 5x5 filter does not
# fit test/netsim/df.tsr's register file) is left out of every
# dataflow's compared totals, named with the dataflow that does not map
# it; C|K's compared energy is the sum of its own tiny, twin and wide
# (each once), not its own total, which has big too; df.tsr's own
# total (`mapped`) counts the 3 layers it sums, not the network's 4
NS4=test/netsim/tinynet.tsr
$T model --network $NS4 test/netsim/df.tsr $CK >$OUT/cmp.out 2>&1
$T model --network $NS4 test/netsim/df.tsr $CK --json >$OUT/cmp.json 2>$OUT/cmp.err
r=$(python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
c, ck = j['compared'], j['dataflows'][1]
bad = []
if c['layers'] != 3 or c['names'] != ['tiny', 'twin', 'wide']:
    bad.append('layers %s %s' % (c['layers'], c['names']))
if c['left_out'] != [{'layer': 'big', 'by': [{'dataflow': 'test/netsim/df.tsr', 'status': 'not mapped'}]}]:
    bad.append('left_out %s' % c['left_out'])
e = sum(l['energy_pj'] for l in ck['layers'] if l['layer'] != 'big')
t = c['dataflows'][1]['total']
if abs(t['energy_pj'] - e) > 0.01 or t['not_mapped'] != 1 or t['layers'] != 3:
    bad.append('C|K compared %s, its three layers %s' % (t, e))
if abs(ck['total']['energy_pj'] - e) < 1: bad.append('own total has no big')
own = j['dataflows'][0]['total']
if (own['layers'], own['not_mapped'], own['macs_mapped']) != (3, 1, 5184):
    bad.append('df.tsr own total %s' % own)
print('; '.join(bad))" $OUT/cmp.json 2>&1)
if [ -z "$r" ] &&
	grep -q "^network tinynet: each dataflow's totals over the 3 of 4 layers every dataflow maps (5184 of 8784 MACs); 1 left out:$" $OUT/cmp.out &&
	grep -q "^  big: not mapped under test/netsim/df.tsr$" $OUT/cmp.out &&
	grep -q "^mapped  *3  *5184 " $OUT/cmp.out
then ok cli/net_compare_leaves_out_unmapped
else bad cli/net_compare_leaves_out_unmapped "$r; $(tail -6 $OUT/cmp.out)"; fi

# An on-chip level with a stated bandwidth or latency is not what the
# RTL builds: verilog refuses it, naming the level and its line.
expect verilog_onchip_bandwidth 1 "level GB (line 16) states a bandwidth" -- \
	$T verilog test/model/port_bound.tsr
printf 'layer l {\n  K=4 C=8\n  O(k) += I(c) * W(k,c)\n}\nschedule {\n  O.reorder(k, c).unroll(k).accelerate(c)\n}\narch a {\n  pe_array 4\n  level GB size 1 KB latency 2\n  level DRAM offchip\n}\n' >$OUT/onchip_latency.tsr
expect verilog_onchip_latency 1 "level GB (line 10) states a latency" -- \
	$T verilog $OUT/onchip_latency.tsr

# A layer whose hardware has too many blocks to time in `model`: the
# generic rules' cycles, said so; one that has few: the hardware's.
expect model_many_blocks 0 "too many blocks to time the hardware" -- \
	$T model test/cli/model_many_blocks.tsr
expect model_many_blocks_json 0 '"cycles_of": "generic"' -- \
	$T model test/cli/model_many_blocks.tsr --json
expect model_few_blocks_json 0 '"cycles_of": "hardware"' -- \
	$T model examples/quickstart.tsr --json

# The model of a retargeted layer equals the model of the same schedule
# written by hand for that layer (the retargeting rules of docs/model.md).
net_model_of() { # LAYER: its nested model report, without the layer name
	awk -v want="\"layer\": \"$1\"," '
		index($0, want) && !inmodel { found = 1 }
		found && /"model": \{/ { inmodel = 1; next }
		inmodel && /^}$/ { exit }
		inmodel && !/^  "layer": / { print }' $OUT/net.json
}
$T model --network $NET $CK --json >$OUT/net.json 2>&1
for l in fc dw; do
	net_model_of $l >$OUT/net.$l
	$T model test/cli/net_${l}_by_hand.tsr --json 2>&1 |
		sed '1d; /^  "layer": /d; $d' >$OUT/hand.$l
	if [ -s $OUT/hand.$l ] && d=$(diff $OUT/hand.$l $OUT/net.$l); then
		ok "cli/net_retarget_$l"
	else bad "cli/net_retarget_$l" "$d"; fi
done
# conv fits the dataflow as written: equal to ck_tpu's schedule on it
sed -n '/^schedule {/,$p' $CK >$OUT/ck_sched.tsr
printf 'layer conv {\n  N=1 K=20 C=24 Y=10 X=9 FY=3 FX=3\n  O(n,k,y,x) += I(n,c,y+fy,x+fx) * W(k,c,fy,fx)\n}\n' |
	cat - $OUT/ck_sched.tsr >$OUT/net_conv.tsr
net_model_of conv >$OUT/net.conv
$T model $OUT/net_conv.tsr --json 2>&1 | sed '1d; /^  "layer": /d; $d' >$OUT/hand.conv
if [ -s $OUT/hand.conv ] && d=$(diff $OUT/hand.conv $OUT/net.conv); then
	ok "cli/net_retarget_conv"
else bad "cli/net_retarget_conv" "$d"; fi
# totals: energy and MACs are the sums over layers times repeat
tot=$(awk '
	/"layer": "conv",/ { r = 2 } /"layer": "fc",/ { r = 1 } /"layer": "dw",/ { r = 1 }
	/^  \{ "layer": / && match($0, /"energy_pj": [0-9.]*/) {
		e += r * substr($0, RSTART + 13, RLENGTH - 13) }
	/"total": \{/ && match($0, /"energy_pj": [0-9.]*/) {
		t = substr($0, RSTART + 13, RLENGTH - 13) }
	END { d = e - t; if (d < 0) d = -d; print (e > 0 && d < 0.01 * (1 + t / 1e6)) ? "ok" : "sum " e " total " t }' $OUT/net.json)
if [ "$tot" = ok ]; then ok cli/net_totals; else bad cli/net_totals "$tot"; fi
if command -v python3 >/dev/null 2>&1; then
	if python3 -m json.tool $OUT/net.json >/dev/null 2>$OUT/json.err; then
		ok cli/net_json_valid
	else bad cli/net_json_valid "$(cat $OUT/json.err)"; fi
fi

# holds: the quickstart with its register file declared to hold what its
# schedule keeps there (W and O) models exactly as without the clause,
# and `tessera ir` prints the clause on the arch line
sed 's/^\(  level RF .*pj 0.12\)$/\1 holds W, O/' $Q >$OUT/qholds.tsr
$T model $Q --json >$OUT/qh0.json 2>&1
$T model $OUT/qholds.tsr --json >$OUT/qh1.json 2>&1
if grep -q ' holds W, O$' $OUT/qholds.tsr && grep -q '"pj_per_mac"' $OUT/qh0.json &&
	cmp -s $OUT/qh0.json $OUT/qh1.json &&
	$T ir $OUT/qholds.tsr | grep -q '^arch small: .*; RF 64 B per PE 0.12 pJ holds O, W; GB '
then ok cli/holds_models_the_same
else bad cli/holds_models_the_same "$(diff $OUT/qh0.json $OUT/qh1.json | head -5; $T ir $OUT/qholds.tsr 2>&1 | sed -n 4p)"; fi

# fills free: the quickstart as the Interstellar artifact counts it (a
# fill costs nothing) costs exactly the fills' energy less, every fill at
# its level's energy per access, and says so (`tessera ir`, the JSON)
sed '/^arch/,$s/^}/  fills free\n}/' $Q >$OUT/qfree.tsr
$T model $Q --json >$OUT/qf0.json 2>&1
$T model $OUT/qfree.tsr --json >$OUT/qf1.json 2>&1
fe=$(awk '{ s = $0
	while (match(s, /"fills": [0-9]+, "updates": [0-9]+, "pj": [0-9.e+-]+, "pj_read": [0-9.e+-]+, "pj_fill": [0-9.e+-]+/)) {
		n = split(substr(s, RSTART, RLENGTH), a, /[": ,]+/)
		e += a[3] * a[11]; s = substr(s, RSTART + RLENGTH) } }
	END { printf "%.4f", e }' $OUT/qf0.json)
d=$(awk 'FNR == 1 { f++ } /"energy_pj":/ { sub(/.*"total": /, ""); t[f] = $0 + 0 }
	END { printf "%.4f", t[1] - t[2] }' $OUT/qf0.json $OUT/qf1.json)
if [ "$fe" = "$d" ] && [ "$fe" != 0.0000 ] && grep -q '"fills_charged": true' $OUT/qf0.json &&
	grep -q '"fills_charged": false' $OUT/qf1.json &&
	$T ir $OUT/qfree.tsr | grep -q '^arch small: .*; fills free$' &&
	$T model $OUT/qfree.tsr | grep -q '(.* without MACs; fills free)'
then ok cli/fills_free
else bad cli/fills_free "fills' energy $fe, the difference $d: $(grep fills_charged $OUT/qf0.json $OUT/qf1.json)"; fi
expect fills_bad_word 1 "qfills.tsr:.*expected charged or free" -- \
	sh -c "sed '/^arch/,\$s/^}/  fills maybe\n}/' $Q >$OUT/qfills.tsr && $T check $OUT/qfills.tsr"

# energies per action: each given once per level and tensor, for a
# tensor of the layer; "leak" names a line of the energy report
A=test/model/actions.tsr
expect action_twice 1 "actions.tsr:.*fill_pj is given twice for level RF" -- \
	sh -c "sed 's/fill_pj 2/fill_pj 2 fill_pj 3/' $A >$OUT/actions.tsr && $T check $OUT/actions.tsr"
expect action_tensor_unknown 1 "actions.tsr:.*unknown tensor Q" -- \
	sh -c "sed 's/read_pj W/read_pj Q/' $A >$OUT/actions.tsr && $T check $OUT/actions.tsr"
expect level_named_leak 1 "'leak' names a line of the energy report" -- \
	sh -c "sed 's/level GB size/level leak size/' $A >$OUT/actions.tsr && $T check $OUT/actions.tsr"
expect action_ir 0 "RF 64 B per PE 0.5 pJ fill 2 pJ read W 0.25 pJ leak 0.01 pJ; GB 4096 B 10 pJ update 30 pJ;" -- $T ir $A
