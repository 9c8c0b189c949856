# test/hw.sh - the generated hardware (sourced by test/run.sh).
#
#   test/hw/NAME.tsr      `tessera sim` must verify the output bit for bit
#                         and find every count equal to the model's and
#                         its cycles within 0.98 to 1.05 of the model's
#                         (timing_*.tsr: equal to the model's); a
#                         first line "# expect-unsupported: TEXT" instead
#                         wants `tessera verilog` to refuse with TEXT
#   examples, model cases the small ones (model cycles up to 200,000)
#                         that the backend builds, the same
#   random schedules      build/schedgen layers and schedules, the first
#                         TESSERA_HW_RANDOM (default 12) that accelerate
#                         and that the backend builds: CPU reference,
#                         model and simulation must all agree; and the
#                         first TESSERA_HW_RANDOM_PAD (default 4) whose
#                         `schedgen --pad` file has padding tiles, the
#                         same
#   refusals              a case the backend does not build counts as
#                         refused only on exit 1 with the refusal
#                         message; any other failure of `tessera verilog`
#                         fails the test
#   DRAM slots            dram_slots.tsr reads 4 words a cycle, and its
#                         global buffer fills take under half the cycles
#                         of the same design with a bandwidth of 1; it
#                         writes 4, and its output drains do the same
#   double buffering      prefetch.tsr's input fills stall under half as
#                         long as dram_slots.tsr's (the same design
#                         without double_buffer()); prefetch_unbanked.tsr
#                         prefetches into one memory;
#                         timing_prefetch_window_gb.tsr prefetches a
#                         walk that repeats words; timing_ghalves*.tsr:
#                         the output's global buffer's two halves, its
#                         drains and returns in the background;
#                         timing_ihalves_*:
#                         an input register file's two halves, or a
#                         second-level global buffer's, the same
#   split lanes           lanes_split.tsr fills 16 PEs' register files
#                         a cycle (9 cycles a refill of 128 words)
#   drain register        drain_forward.tsr's lanes of 16 PEs are
#                         summed through a register (tessera_sum_q), its
#                         banks forward the word being written; the
#                         quickstart's lanes of 4 have no register
#   shared lanes          fxfy_neuflow's lanes register their products
#                         and their tree (flush 3 cycles), 4x4/k_1d's
#                         their products (no tree, flush 2)
#   window staircase      window_stair.tsr fills a 10-word window of 24
#                         settings in 11 cycles a refill, and
#                         window_stair_strided.tsr 17 words in 18
#   cycles by state       the quickstart's --json: its cycles by state
#                         add up to its cycles, steps to compute cycles
#   clean RTL             verilator --lint-only -Wall, Icarus and yosys
#                         accept a generated design
# Designs are built once and kept in build/sim (the build cache).

# hw_buildable FILE [TESSERA]: 0 when `tessera verilog` builds FILE, 1
# when it refuses it as the backend does (exit 1 and "cannot build this
# schedule yet", or no accelerator to build, on stderr), 2 on anything
# else, a crash or an abort
# (what happened in $OUT/v.err)
hw_buildable() {
	${2:-$T} verilog "$1" >/dev/null 2>$OUT/v.err
	rc=$?
	[ $rc -eq 0 ] && return 0
	if [ $rc -eq 1 ] && grep -q "error: the Verilog backend cannot build this schedule yet: \|error: the schedule has no accelerate() loop: it describes no accelerator to build" $OUT/v.err
	then return 1; fi
	echo "verilog: exit $rc" >>$OUT/v.err
	return 2
}

# ... which counts nothing else as a refusal: stand-ins that print the
# message but abort, or exit 1 without it
mkdir -p $OUT/standin
printf '#!/bin/sh\necho "x.tsr: error: the Verilog backend cannot build this schedule yet: y" >&2\nexit %s\n' 134 >$OUT/standin/abort
printf '#!/bin/sh\necho "x.tsr: error: the Verilog backend cannot build this schedule yet: y" >&2\nexit 1\n' >$OUT/standin/refuse
printf '#!/bin/sh\necho "x.tsr:1:1: error: something else" >&2\nexit 1\n' >$OUT/standin/other
chmod +x $OUT/standin/*
hw_buildable x $OUT/standin/abort; a=$?
hw_buildable x $OUT/standin/refuse; r=$?
hw_buildable x $OUT/standin/other; o=$?
if [ $a -eq 2 ] && [ $r -eq 1 ] && [ $o -eq 2 ]; then ok hw/refusal_only_exit_1
else bad hw/refusal_only_exit_1 "abort $a, refusal $r, other error $o"; fi

hw_sim() { # FILE -> ok, or the reason
	$T sim "$1" >$OUT/sim.out 2>$OUT/sim.err
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "exit status $rc"; cat $OUT/sim.err; return 1
	fi
	grep -q "every count equals the model's" $OUT/sim.err ||
		{ cat $OUT/sim.err; return 1; }
	grep -q "^verified: yes" $OUT/sim.out || { echo "not verified"; return 1; }
	grep -q "^cycles by state: *hardware *model" $OUT/sim.out ||
		{ echo "no cycles by state beside the model's"; return 1; }
	# docs/model.md: the simulated cycles within 0.98 to 1.05 times the
	# model's (sim exits 4 otherwise: checked above), and said so
	grep -q "^sim: .* times the model's .*: within \[0.98, 1.05\]" \
		$OUT/sim.err || { grep "^sim: .*cycles" $OUT/sim.err; return 1; }
}

for f in test/hw/*.tsr examples/quickstart.tsr examples/depthwise_int8.tsr \
	test/model/*.tsr; do
	name=hw/$(basename ${f%.tsr})
	want=$(sed -n '1s/^# expect-unsupported: //p' "$f")
	if [ -n "$want" ]; then
		$T verilog "$f" >/dev/null 2>$OUT/v.err
		rc=$?
		if [ $rc -eq 1 ] && grep -q "cannot build this schedule yet: .*$want" \
			$OUT/v.err; then ok "$name"
		else bad "$name" "exit $rc: $(cat $OUT/v.err)"; fi
		continue
	fi
	case $f in test/model/*)   # the small ones the backend builds
		hw_buildable "$f"
		case $? in
		1) continue ;;
		2) bad "$name" "$(cat $OUT/v.err)"; continue ;;
		esac
		cyc=$($T model "$f" --json | sed -n 's/.*"cycles": \([0-9]*\).*/\1/p')
		[ "${cyc:-0}" -le 200000 ] || continue ;;
	esac
	if r=$(hw_sim "$f" 2>&1); then
		# a timing case: the model's cycles equal the hardware's
		case $name in hw/timing_*)
			if ! grep -q "^sim: \([0-9]*\) cycles, [0-9.]* times the model's \1:" \
				$OUT/sim.err; then
				bad "$name" "$(grep '^sim: .*cycles' $OUT/sim.err)"; continue
			fi ;;
		esac
		ok "$name"
	else bad "$name" "$r"; fi
done

# hw_random NAME FILE KEPT: a random design, simulated as hw/NAME when
# the backend builds it (status 0), kept as KEPT when it fails; status 1
# when the backend refuses it, or fails to build it (a failure)
hw_random() {
	hw_buildable $2
	case $? in
	1) return 1 ;;
	2) cp $2 $3; bad "$1" "$(cat $OUT/v.err) (kept as $3)"; return 1 ;;
	esac
	if r=$(hw_sim $2 2>&1); then ok "$1"
	else cp $2 $3; bad "$1" "$r (kept as $3)"; fi
	return 0
}

if [ -x build/schedgen ]; then
	found=0
	seed=1
	while [ $found -lt "${TESSERA_HW_RANDOM:-12}" ] && [ $seed -le $((30 * ${TESSERA_HW_RANDOM:-12} + 100)) ]; do
		build/schedgen $seed >$OUT/hwrand.tsr
		hw_random hw/random/$seed $OUT/hwrand.tsr $OUT/hwrand-fail-$seed.tsr &&
			found=$((found + 1))
		seed=$((seed + 1))
	done
	# padding tiles: the first TESSERA_HW_RANDOM_PAD (default 4) seeds
	# whose `schedgen --pad` file has some and that the backend builds
	found=0
	seed=1
	while [ $found -lt "${TESSERA_HW_RANDOM_PAD:-4}" ] && [ $seed -le 400 ]; do
		build/schedgen --pad $seed >$OUT/hwpad.tsr
		$T ir $OUT/hwpad.tsr 2>/dev/null | grep -q "(padding tiles" &&
			hw_random hw/random_pad/$seed $OUT/hwpad.tsr \
				$OUT/hwpad-fail-$seed.tsr && found=$((found + 1))
		seed=$((seed + 1))
	done
	# kept windows: the first TESSERA_HW_RANDOM_KEEP (default 4) seeds
	# whose `schedgen --keep` file builds a buffer that keeps its
	# overlap, once the keep_overlap() the backend refuses by level
	# (second-level buffers') and the kept buffers' double_buffer() are
	# dropped
	found=0
	seed=1
	while [ $found -lt "${TESSERA_HW_RANDOM_KEEP:-4}" ] && [ $seed -le 400 ]; do
		build/schedgen --keep $seed | sed -e '/in(L2)/s/\.keep_overlap()//' \
			-e '/keep_overlap/s/\.double_buffer()//' >$OUT/hwkeep.tsr
		$T verilog $OUT/hwkeep.tsr 2>/dev/null |
			grep -q "keep_overlap: the block slides" &&
			hw_random hw/random_keep/$seed $OUT/hwkeep.tsr \
				$OUT/hwkeep-fail-$seed.tsr && found=$((found + 1))
		seed=$((seed + 1))
	done
fi

gbjobs() { # FILE fill|drain TENSORS: the sim report's cycles filling
	# (draining) those tensors' global buffers
	$T sim "$1" 2>/dev/null |
		awk -v k="$2" -v t="$3" '$0 ~ "^  " k " " t "@GB" { s += $3 } END { print s + 0 }'
}
fills() { gbjobs "$1" fill "$2"; }

# DRAM read slots: test/hw/dram_slots.tsr's DRAM moves 4 words a cycle,
# so its design reads 4 (3 slots besides the request's own word); with a
# bandwidth of 1 it reads one, and its fills take more cycles.
rm -rf $OUT/slots
if $T verilog test/hw/dram_slots.tsr -o $OUT/slots >/dev/null 2>$OUT/v.err &&
	grep -q 'output reg \[2:0\] mem_xreq' $OUT/slots/tessera_top.v; then
	sed 's/bandwidth 4/bandwidth 1/' test/hw/dram_slots.tsr >$OUT/slots1.tsr
	f4=$(fills test/hw/dram_slots.tsr '[IW]') f1=$(fills $OUT/slots1.tsr '[IW]')
	if [ "$f4" -gt 0 ] && [ "$f1" -gt $((2 * f4)) ] &&
		$T verilog $OUT/slots1.tsr -o $OUT/slots1 >/dev/null 2>&1 &&
		! grep -q mem_xreq $OUT/slots1/tessera_top.v; then ok hw/dram_slots/bandwidth
	else bad hw/dram_slots/bandwidth "fill cycles: $f4 with 4 words a cycle, $f1 with 1"; fi
else
	bad hw/dram_slots/bandwidth "no read slots: $(cat $OUT/v.err)"
fi

# DRAM write slots: the same design drains its outputs' global buffer
# (banked by lane as well) 4 words a cycle, in under half the cycles it
# takes with a bandwidth of 1.
if grep -q 'output reg \[95:0\] mem_xwdata' $OUT/slots/tessera_top.v 2>/dev/null; then
	d4=$(gbjobs test/hw/dram_slots.tsr drain O) d1=$(gbjobs $OUT/slots1.tsr drain O)
	if [ "$d4" -gt 0 ] && [ "$d1" -gt $((2 * d4)) ]; then ok hw/dram_slots/writes
	else bad hw/dram_slots/writes "drain cycles: $d4 with 4 words a cycle, $d1 with 1"; fi
else
	bad hw/dram_slots/writes "no write slots in $OUT/slots/tessera_top.v"
fi

# Several words a cycle through a port a slot: test/hw/gb_slots_one_memory
# drains its outputs' global buffer (one memory) 8 words a cycle, 25
# apart, and fills its weights' 8 a cycle, 9 apart; test/hw/
# gb_slots_in_bank fills its inputs' and weights' (a bank per lane) 8
# words a cycle into one bank.  With a DRAM bandwidth of 1 each takes
# more than 4 times as many cycles, and at most 8 times (the slots'
# most).
slots_vs_one() { # NAME FILE fill|drain TENSORS PATTERN...
	n=$1 f=$2 k=$3 t=$4
	shift 4
	rm -rf $OUT/gs
	$T verilog "$f" -o $OUT/gs >/dev/null 2>$OUT/v.err
	miss=
	for p in "$@"; do grep -q "$p" $OUT/gs/tessera_top.v || miss="$miss '$p'"; done
	sed 's/bandwidth 8/bandwidth 1/' "$f" >$OUT/gs1.tsr
	c8=$(gbjobs "$f" $k "$t") c1=$(gbjobs $OUT/gs1.tsr $k "$t")
	if [ -z "$miss" ] && [ "$c8" -gt 0 ] && [ "$c1" -gt $((4 * c8)) ] &&
		[ "$c1" -le $((8 * c8)) ]; then ok "$n"
	else bad "$n" "$k $t cycles: $c8 at 8 words a cycle, $c1 at 1; missing:$miss"; fi
}
slots_vs_one hw/gb_slots/drain_one_memory test/hw/gb_slots_one_memory.tsr \
	drain O 'drained 8 words a cycle, 25 apart, a read port each'
slots_vs_one hw/gb_slots/fill_prime_stride test/hw/gb_slots_one_memory.tsr \
	fill W 'filled 8 words a cycle, 9 apart, a write port each'
slots_vs_one hw/gb_slots/fill_in_bank test/hw/gb_slots_in_bank.tsr \
	fill '[IW]' "a fill's 8 slots, words 1 apart, in the bank"

# Sliding windows kept (keep_overlap()): a buffer fills the new words
# alone, as counted by hand in the files (the simulation's counts, which
# equal the model's): timing_keep_overlap_gb.tsr's global buffer 80,
# timing_keep_overlap_back.tsr's 140, timing_keep_overlap_slots.tsr's
# (4 words a cycle) 80, timing_keep_overlap_gb_edge.tsr's (under an edge
# tile) 80, timing_keep_overlap_rf.tsr's register file 10,
# timing_keep_overlap_rf_edge.tsr's (under an edge tile) 9; the same
# designs refilled whole 180, 360, 180, 100, 24 and 13.
level_fills() { # FILE LEVEL: the simulation's fills of I at LEVEL
	$T sim --json "$1" 2>/dev/null |
		awk -v l="\"name\": \"$2\"" 'index($0, l) { g = 1; next } g { print; exit }' |
		sed -n 's/.*"I": { "reads": [0-9]*, "writes": [0-9]*, "fills": \([0-9]*\).*/\1/p'
}
kept_fills() { # NAME FILE LEVEL KEPT WHOLE
	sed 's/\.keep_overlap()//' "$2" >$OUT/whole.tsr
	k=$(level_fills "$2" $3) w=$(level_fills $OUT/whole.tsr $3)
	if [ "$k" = "$4" ] && [ "$w" = "$5" ]; then ok "$1"
	else bad "$1" "I@$3 fills: ${k:-none} kept (want $4), ${w:-none} whole (want $5)"; fi
}
kept_fills hw/keep_overlap/fills test/hw/timing_keep_overlap_gb.tsr GB 80 180
kept_fills hw/keep_overlap/fills_back test/hw/timing_keep_overlap_back.tsr GB 140 360
kept_fills hw/keep_overlap/fills_slots test/hw/timing_keep_overlap_slots.tsr GB 80 180
kept_fills hw/keep_overlap/fills_gb_edge test/hw/timing_keep_overlap_gb_edge.tsr GB 80 100
kept_fills hw/keep_overlap/fills_rf test/hw/timing_keep_overlap_rf.tsr RF 10 24
kept_fills hw/keep_overlap/fills_rf_edge test/hw/timing_keep_overlap_rf_edge.tsr RF 9 13

# Double buffering: test/hw/prefetch.tsr is dram_slots.tsr with its
# global buffers double-buffered; its inputs' next blocks are fetched
# while the steps run, so filling them stalls the array under half as
# long.
p=$(fills test/hw/prefetch.tsr I) s=$(fills test/hw/dram_slots.tsr I)
rm -rf $OUT/pre
if [ "$p" -gt 0 ] && [ $((2 * p)) -lt "$s" ] &&
	$T verilog test/hw/prefetch.tsr -o $OUT/pre >/dev/null 2>&1 &&
	grep -q 'reg pr[0-9]*_run;' $OUT/pre/tessera_top.v; then ok hw/prefetch/overlap
else bad hw/prefetch/overlap "input fill cycles: $p double-buffered, $s not"; fi
# ... and a global buffer that is one memory, not banks
rm -rf $OUT/pre
if $T verilog test/hw/prefetch_unbanked.tsr -o $OUT/pre >/dev/null 2>&1 &&
	grep -q 'reg pr[0-9]*_run;' $OUT/pre/tessera_top.v &&
	! grep -q 'banked by lane' $OUT/pre/tessera_top.v; then
	ok hw/prefetch/unbanked
else bad hw/prefetch/unbanked "no prefetching engine, or banks"; fi

# A prefetch whose walk repeats words: timing_prefetch_window_gb.tsr's
# inputs' global buffer is built with a prefetching engine that moves at
# a repeat (`reg pgo`), and its fills stop the array for fewer cycles
# than the same design's without double_buffer().
rm -rf $OUT/pw
sed 's/\.double_buffer()//' test/hw/timing_prefetch_window_gb.tsr >$OUT/pw1.tsr
d=$($T sim test/hw/timing_prefetch_window_gb.tsr 2>/dev/null | awk '$1 == "fill" && $2 == "I@GB" { print $3 }')
s=$($T sim $OUT/pw1.tsr 2>/dev/null | awk '$1 == "fill" && $2 == "I@GB" { print $3 }')
if $T verilog test/hw/timing_prefetch_window_gb.tsr -o $OUT/pw >/dev/null 2>&1 &&
	grep -q 'reg pgo[0-9]*, prep' $OUT/pw/tessera_top.v &&
	[ "${d:-0}" -gt 0 ] && [ "${d:-0}" -lt "${s:-0}" ]; then
	ok hw/prefetch/repeats
else bad hw/prefetch/repeats "I@GB fill cycles: ${d:-none} prefetched, ${s:-none} not"; fi

# The output's global buffer's halves: timing_ghalves_returns.tsr's is
# built with two halves (`reg ogc`), and its drains and fills stop the
# array for under half the cycles of the same design without
# double_buffer() (its last drain and a cycle each at its refills).
rm -rf $OUT/og
sed 's/\.double_buffer()//' test/hw/timing_ghalves_returns.tsr >$OUT/og1.tsr
ogb() { # FILE: its O@GB drain and fill cycles
	$T sim "$1" 2>/dev/null |
		awk '$2 == "O@GB" { s += $3 } END { print s + 0 }'
}
d=$(ogb test/hw/timing_ghalves_returns.tsr)
s=$(ogb $OUT/og1.tsr)
if $T verilog test/hw/timing_ghalves_returns.tsr -o $OUT/og >/dev/null 2>&1 &&
	grep -q 'reg ogc;' $OUT/og/tessera_top.v &&
	[ "$d" -gt 0 ] && [ $((2 * d)) -lt "$s" ]; then
	ok hw/ghalves/overlap
else bad hw/ghalves/overlap "O@GB cycles: $d double-buffered, $s not"; fi

# Input buffers' halves: test/hw/timing_ihalves_w.tsr's weights'
# register files, and timing_ihalves_window.tsr's inputs' and
# weights', are double-buffered and built with two halves (`reg ic`,
# one each); so are timing_ihalves_gb.tsr's inputs' and weights'
# second-level global buffers (L2, filled from the global buffer), and
# timing_ihalves_gb_rf.tsr's with the register files inside them. Their
# fills stop the array under half as long as in the same designs
# without double_buffer(), and not never (the first fill, and a refill
# the parent shares, are filled by the job).
ihalves() { # NAME FILE TENSOR@LEVEL HALVES
	rm -rf $OUT/ih
	sed 's/\.double_buffer()//' "$2" >$OUT/ih1.tsr
	d=$($T sim "$2" 2>/dev/null | awk -v t="$3" '$1 == "fill" && $2 == t { print $3 }')
	s=$($T sim $OUT/ih1.tsr 2>/dev/null | awk -v t="$3" '$1 == "fill" && $2 == t { print $3 }')
	$T verilog "$2" -o $OUT/ih >/dev/null 2>&1
	n=$(grep -c 'reg ic[0-9]*;' $OUT/ih/tessera_top.v 2>/dev/null)
	if [ "${d:-0}" -gt 0 ] && [ $((2 * ${d:-0})) -lt "${s:-0}" ] &&
		[ "$n" = "$4" ]; then ok "$1"
	else bad "$1" "$3 fill cycles: ${d:-none} double-buffered, ${s:-none} not; halves built: $n, not $4"; fi
}
ihalves hw/ihalves/weights test/hw/timing_ihalves_w.tsr W@RF 1
ihalves hw/ihalves/window_inputs test/hw/timing_ihalves_window.tsr I@RF 2
ihalves hw/ihalves/window_weights test/hw/timing_ihalves_window.tsr W@RF 2
ihalves hw/ihalves/gb_from_gb test/hw/timing_ihalves_gb.tsr I@L2 2
ihalves hw/ihalves/gb_from_gb_rf test/hw/timing_ihalves_gb_rf.tsr I@L2 4

# Lanes split: test/hw/lanes_split.tsr's 32 PEs each take 4 weights at
# a refill, 16 PEs at once: 8 cycles and one to end, where 32 PEs one at
# a time would take 129 (and more than 16 at once does not exist).
r=$($T sim test/hw/lanes_split.tsr 2>/dev/null |
	awk '$1 == "fill" && $2 == "W@RF" { print $3 / $6 }')
if [ "$r" = 9 ]; then ok hw/lanes_split/sixteen_at_once
else bad hw/lanes_split/sixteen_at_once "W@RF fill: '$r' cycles a refill, not 9"; fi

# A lane's adder tree with a register: test/hw/drain_forward.tsr's 16
# PEs a lane are summed through tessera_sum_q (its simulation above is
# right only if its banks forward the word being written); the
# quickstart's 4 a lane through the plain tree
rm -rf $OUT/dq $OUT/dq4
$T verilog test/hw/drain_forward.tsr -o $OUT/dq >/dev/null 2>&1
$T verilog examples/quickstart.tsr -o $OUT/dq4 >/dev/null 2>&1
n=$(grep -c 'tessera_sum_q #(.N(16), .W(32), .D(1)) sum (.clk(clk)' $OUT/dq/tessera_top.v 2>/dev/null)
f=$(grep -c 'assign rd = {fq1 ? fqd' $OUT/dq/tessera_top.v 2>/dev/null)
q=$(grep -c 'tessera_sum_q' $OUT/dq4/tessera_top.v 2>/dev/null)
if [ "$n" = 1 ] && [ "$f" = 1 ] && [ "$q" = 0 ]; then ok hw/drain_forward/registered
else bad hw/drain_forward/registered "lanes through tessera_sum_q: $n (not 1), banks forwarding: $f (not 1), in the quickstart: $q (not 0)"; fi

# A shared output's lanes pipelined: FX|FY's 25 PEs a lane register
# their products and sum them through tessera_sum_q, 2 cycles before
# the add, so the flush before a drain is 1 + 2 cycles; the 4x4 K
# array's lanes of one PE have no tree, 1 + 1 (their cycles are checked
# against the model with the other designs)
rm -rf $OUT/lq $OUT/lq1
$T verilog examples/taxonomy/fxfy_neuflow.tsr -o $OUT/lq >/dev/null 2>&1
$T verilog examples/taxonomy/4x4/k_1d.tsr -o $OUT/lq1 >/dev/null 2>&1
r=
grep -q 'tessera_sum_q #(.N(25), .W(32), .D(2)) sum (.clk(clk)' $OUT/lq/tessera_top.v 2>/dev/null ||
	r="FX|FY: no registered tree;"
for d in lq lq1; do
	grep -q 'prodq <= mul;' $OUT/$d/tessera_top.v 2>/dev/null ||
		r="$r $d: products not registered;"
done
grep -q "wire flend = fl == 2'd2;" $OUT/lq/tessera_top.v 2>/dev/null || r="$r FX|FY's flush not 3 cycles;"
grep -q "wire flend = fl == 2'd1;" $OUT/lq1/tessera_top.v 2>/dev/null || r="$r 4x4 K's flush not 2 cycles;"
grep -q 'tessera_sum' $OUT/lq1/tessera_top.v 2>/dev/null && r="$r 4x4 K has a tree;"
if [ -z "$r" ]; then ok hw/shared_lanes/pipelined; else bad hw/shared_lanes/pipelined "$r"; fi

# A window's two terms walked as a staircase: test/hw/window_stair.tsr's
# input register files take 10 words of 24 settings a refill, in 10
# cycles and one to end (not 25, nor fewer than its words).
r=$($T sim test/hw/window_stair.tsr 2>/dev/null |
	awk '$1 == "fill" && $2 == "I@RF" { print $3 / $6 }')
if [ "$r" = 11 ]; then ok hw/window_stair/each_word_once
else bad hw/window_stair/each_word_once "I@RF: '$r' cycles a refill, not 11"
fi
# ... and at stride 2 (2*x+fx): 17 words of 24 settings, in 18 cycles
r=$($T sim test/hw/window_stair_strided.tsr 2>/dev/null |
	awk '$1 == "fill" && $2 == "I@RF" { print $3 / $6 }')
if [ "$r" = 18 ]; then ok hw/window_stair/strided
else bad hw/window_stair/strided "I@RF: '$r' cycles a refill, not 18"; fi

# The JSON of a simulation: valid, and its cycles by state (steps, the
# flush after them, every job, the end) add up to its cycles; a job has
# cycles exactly when it ran; the model's column adds up to the model's
# cycles (each job's figure rounded), and the check it states holds.
if command -v python3 >/dev/null 2>&1; then
	if $T sim examples/quickstart.tsr --json >$OUT/sim.json 2>$OUT/sim.err &&
		r=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["cycles_by_state"]
s = c["steps"] + c["flush"] + c["end"] + sum(j["cycles"] for j in c["jobs"])
kinds = sorted(set(j["job"] for j in c["jobs"]))
runs = all((j["runs"] > 0) == (j["cycles"] > 0) for j in c["jobs"])
m = c["model"]["steps"] + c["model"]["flush"] + c["model"]["end"] + sum(j["model_cycles"] for j in c["jobs"])
ok = s == d["cycles"] and c["steps"] == d["compute_cycles"] and kinds == ["drain", "fill"] and runs
ok = ok and abs(m - d["model_cycles"]) <= len(c["jobs"]) and d["cycle_check"]["within"]
print("ok" if ok else "sum %d, cycles %d, steps %d, compute %d, kinds %s, runs %s, model %d of %d" %
      (s, d["cycles"], c["steps"], d["compute_cycles"], kinds, runs, m, d["model_cycles"]))
' $OUT/sim.json 2>&1) && [ "$r" = ok ]; then ok hw/cycles_by_state
	else bad hw/cycles_by_state "${r:-$(cat $OUT/sim.err)}"; fi
fi

# Clean RTL: lint, Icarus and yosys on designs of every kind.
for f in examples/quickstart.tsr test/hw/fxfy_tree.tsr test/hw/k_only.tsr \
	test/hw/dram_slots.tsr test/hw/prefetch.tsr \
	test/hw/timing_ihalves_window.tsr test/hw/per_pe_tree.tsr \
	test/hw/timing_ihalves_gb_rf.tsr test/hw/timing_ghalves_returns.tsr \
	test/hw/timing_systolic_tpu.tsr test/hw/timing_systolic_place_tree.tsr \
	test/hw/timing_systolic_per_pe.tsr; do
	name=hw/rtl/$(basename ${f%.tsr})
	rm -rf $OUT/rtl
	if ! $T verilog "$f" -o $OUT/rtl 2>$OUT/v.err; then
		bad "$name" "$(cat $OUT/v.err)"; continue
	fi
	v=$OUT/rtl/tessera_top.v
	if ! l=$(verilator --lint-only -Wall $v --top-module tessera_top 2>&1) ||
		[ -n "$l" ]; then bad "$name/lint" "$l"
	else ok "$name/lint"; fi
	if l=$(iverilog -g2012 -o $OUT/rtl/a.out $v 2>&1) && [ -z "$l" ]; then
		ok "$name/icarus"
	else bad "$name/icarus" "$l"; fi
	# yosys: the whole flow on the smallest design (bigger ones take minutes
	# until synthesis keeps the PE hierarchy)
	case $f in *k_only*)
		if l=$(yosys -q -p "read_verilog -sv $v; synth -top tessera_top" 2>&1)
		then ok "$name/yosys"; else bad "$name/yosys" "$l"; fi ;;
	esac
done

# A second sim of a design already built reuses the build.
$T sim test/hw/k_only.tsr >/dev/null 2>$OUT/sim.err
if grep -q "reused the build" $OUT/sim.err; then ok "hw/build-reuse"
else bad "hw/build-reuse" "$(cat $OUT/sim.err)"; fi

# A waveform on request.
rm -f $OUT/k.vcd
if $T sim test/hw/k_only.tsr --trace $OUT/k.vcd >/dev/null 2>$OUT/sim.err &&
	grep -q '\$enddefinitions' $OUT/k.vcd 2>/dev/null; then ok "hw/trace"
else bad "hw/trace" "$(cat $OUT/sim.err)"; fi

# Outputs written as .npy, equal to the CPU's.
rm -rf $OUT/simnpy $OUT/runnpy
if $T sim test/hw/nk.tsr -o $OUT/simnpy >/dev/null 2>&1 &&
	$T run test/hw/nk.tsr -o $OUT/runnpy >/dev/null 2>&1 &&
	cmp -s $OUT/simnpy/O.npy $OUT/runnpy/O.npy; then ok "hw/npy"
else bad "hw/npy" "sim -o output differs from run -o"; fi
