# test/robust.sh - the external tools' runs: no shell, paths of any
# bytes (sourced by test/run.sh, which provides T, OUT, ok and bad; the
# `expect` of test/cli.sh).
#
#   no shell              a trace path written as shell code runs no
#                         code; `sim -o`, `--trace`, TESSERA_SIM_CACHE and
#                         the checkout itself under a directory whose name
#                         holds a space, quotes, $, backquotes and a
#                         newline; Verilator missing: named with its
#                         Debian package
#   build cache           a cached simulator cut short is rebuilt; two
#                         runs of one new design build it once
#   interrupts            SIGTERM during a build, SIGINT during a run:
#                         exit 143 or 130, "interrupted", no process, build
#                         directory or temporary directory left
#   out of memory         for the DRAM image, in tessera or the harness:
#                         exit 1 and its size (test/failalloc.c)
#   progress              on a terminal only: the build's step, the run's
#                         cycles, rate and time left or overrun
# The designs are test/hw/k_only.tsr (8 PEs, a build of a few seconds).

K=test/hw/k_only.tsr
KA=$(pwd)/$K
TA=$(cd "$(dirname "$T")" && pwd)/$(basename "$T")   # T from anywhere
case ${TESSERA_JIT:-/} in /*) ;; *) TESSERA_JIT=$(pwd)/$TESSERA_JIT ;; esac
RB=$(pwd)/$OUT/robust
rm -rf "$RB"
mkdir -p "$RB"
# a directory name a shell would choke on
W=$(printf '%s/we ird'"'"'q"d$x`b`\nnl' "$RB")
mkdir -p "$W"

# sim_ok ERR OUT: the simulation verified and agreed with the model
sim_ok() {
	grep -q "^verified: yes" "$2" && grep -q "every count equals" "$1"
}

# --trace written as shell code: the trace gets that name, nothing runs
mkdir -p "$RB/inj"
inj="x'; touch owned; echo '"
if (cd "$RB/inj" && "$TA" sim "$KA" --trace "$inj" \
	>"$RB/inj.out" 2>"$RB/inj.err") && sim_ok "$RB/inj.err" "$RB/inj.out" &&
	grep -q '\$enddefinitions' "$RB/inj/$inj" && [ ! -e "$RB/inj/owned" ] &&
	[ ! -e owned ]; then ok cli/no_shell_trace_quote
else bad cli/no_shell_trace_quote "$(ls "$RB/inj"; cat "$RB/inj.err")"; fi

# -o, --trace and the build cache under that name: one new build
if TESSERA_SIM_CACHE="$W/cache" $T sim $K --trace "$W/k.vcd" -o "$W/o" \
	>"$RB/w.out" 2>"$RB/w.err" && sim_ok "$RB/w.err" "$RB/w.out" &&
	grep -q "^sim: built" "$RB/w.err" &&
	grep -q '\$enddefinitions' "$W/k.vcd" && [ -f "$W/o/O.npy" ]; then
	ok hw/no_shell_weird_paths
else bad hw/no_shell_weird_paths "$(cat "$RB/w.err")"; fi

# the checkout under that name: the binary, its build and sources there
# (links to this tree's), its build cache in it
C="$W/checkout"
mkdir -p "$C/build"
cp "$TA" "$C/tessera"
for x in build/vlt build/libtessera-jit.so runtime backend-verilog; do
	ln -s "$(pwd)/$x" "$C/$x"
done
if env -u TESSERA_HOME -u TESSERA_JIT -u TESSERA_SIM_CACHE "$C/tessera" \
	sim $K >"$RB/c.out" 2>"$RB/c.err" && sim_ok "$RB/c.err" "$RB/c.out" &&
	grep -q "^sim: built" "$RB/c.err" && [ -n "$(ls "$C/build/sim")" ]; then
	ok hw/no_shell_weird_checkout
else bad hw/no_shell_weird_checkout "$(cat "$RB/c.err")"; fi

# Verilator not installed: said so with its package; no build directory
# left in the cache (the key's lock file stays)
expect hw/verilator_missing 3 "verilator not found (install Debian's verilator package)" -- \
	env PATH=/nonexistent TESSERA_SIM_CACHE="$RB/nocache" $T sim $K
left=$(ls -A "$RB/nocache" 2>/dev/null | grep -v '\.lock$')
if [ -z "$left" ]; then ok hw/verilator_missing_no_litter
else bad hw/verilator_missing_no_litter "$left"; fi

# A damaged build is rebuilt: a cached simulator cut to half its size
# does not match the stamp written after it; the next run rebuilds it
# and verifies.
rm -rf "$RB/cache"
if TESSERA_SIM_CACHE="$RB/cache" $T sim $K >/dev/null 2>&1; then
	exe=$(ls "$RB"/cache/*/sim)
	size=$(wc -c <"$exe")
	head -c $((size / 2)) "$exe" >"$RB/half" && cat "$RB/half" >"$exe"
	if TESSERA_SIM_CACHE="$RB/cache" $T sim $K >"$RB/t.out" 2>"$RB/t.err" &&
		sim_ok "$RB/t.err" "$RB/t.out" && grep -q "does not verify" "$RB/t.err" &&
		grep -q "^sim: built" "$RB/t.err" && [ "$(wc -c <"$exe")" -eq "$size" ]
	then ok hw/cache_truncated_rebuilds
	else bad hw/cache_truncated_rebuilds "$(cat "$RB/t.err")"; fi
else bad hw/cache_truncated_rebuilds "the first build failed"; fi

# Two runs of one new design at once: one builds it, the other waits for
# that build and reuses it; no build directory is left behind.
rm -rf "$RB/two"
TESSERA_SIM_CACHE="$RB/two" $T sim $K >"$RB/a.out" 2>"$RB/a.err" &
pa=$!
TESSERA_SIM_CACHE="$RB/two" $T sim $K >"$RB/b.out" 2>"$RB/b.err" &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
built=$(cat "$RB/a.err" "$RB/b.err" | grep -c "^sim: built")
reused=$(cat "$RB/a.err" "$RB/b.err" | grep -c "^sim: reused the build")
left=$(ls "$RB/two" | grep -v '^[0-9a-f]*$' | grep -v '^[0-9a-f]*\.lock$')
if [ $ra -eq 0 ] && [ $rb -eq 0 ] && [ "$built" -eq 1 ] && [ "$reused" -eq 1 ] &&
	[ "$(ls "$RB/two" | grep -c '^[0-9a-f]*$')" -eq 1 ] && [ -z "$left" ] &&
	sim_ok "$RB/a.err" "$RB/a.out" && sim_ok "$RB/b.err" "$RB/b.out"; then
	ok hw/cache_one_build_for_two_runs
else bad hw/cache_one_build_for_two_runs "exit $ra and $rb, $built built, $reused reused, left: $left
$(cat "$RB/a.err" "$RB/b.err")"; fi

# Interrupted runs (setsid: tessera leads a session of its own, which
# every process it starts stays in). A layer of 25 M cycles: a build of
# a few seconds, a run of several.
sed 's/N=2 /N=160000 /; s/reorder(ki, c, n, ko)/reorder(ki, c, ko, n)/
	s/O.in(RF).compute_at(O, n)/O.in(RF).compute_at(O, ko)/' $K >"$RB/long.tsr"
# interrupt SIG WHEN: starts `sim` of long.tsr in the background with
# its own TMPDIR and cache, waits until WHEN (a shell test) holds,
# sends SIG; then the exit status, "tessera: interrupted", no process
# of its session, no build or temporary directory left, or what is wrong
interrupt() {
	rm -rf "$RB/int.tmp"
	mkdir -p "$RB/int.tmp"
	TMPDIR="$RB/int.tmp" TESSERA_SIM_CACHE="$RB/int.cache" \
		setsid env --default-signal=INT $T sim "$RB/long.tsr" \
		>"$RB/int.out" 2>"$RB/int.err" &
	pid=$!
	i=0
	while ! eval "$2" && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -$1 $pid
	wait $pid
	echo "exit $?"
	grep -q "^tessera: interrupted$" "$RB/int.err" || cat "$RB/int.err"
	grep "failed" "$RB/int.err"
	ps -e -o sid=,pid=,comm= | awk -v s=$pid '$1 == s { print "left running:", $0 }'
	ls "$RB/int.cache" | grep '\.[0-9]*$' | sed 's/^/left in the cache: /'
	ls "$RB/int.tmp" | sed 's/^/left in TMPDIR: /'
}
# while Verilator builds: SIGTERM, 143
r=$(interrupt TERM 'ls -d "$RB"/int.cache/*.*/obj >/dev/null 2>&1')
if [ "$r" = "exit 143" ]; then ok hw/interrupt_build_cleans_up
else bad hw/interrupt_build_cleans_up "$r"; fi
# while the simulation runs (after a new build): SIGINT, 130
r=$(interrupt INT 'ls "$RB"/int.tmp/*/sim.log >/dev/null 2>&1')
if [ "$r" = "exit 130" ]; then ok hw/interrupt_run_cleans_up
else bad hw/interrupt_run_cleans_up "$r"; fi

# Out of memory for the DRAM image (long.tsr's 4.5 M words): a user
# error, exit 1, with its size; no build happens for it. Large
# allocations are made to fail by test/failalloc.c (under ASan, which
# allows no other allocator, by its max_allocation_size_mb).
cc -shared -fPIC -O2 -o "$RB/failalloc.so" test/failalloc.c
if [ -n "$TESSERA_ASAN" ]; then
	expect hw/oom_dram_image 1 "out of memory for the DRAM image (4480192 words, 34 MB)" -- \
		env ASAN_OPTIONS="$ASAN_OPTIONS:allocator_may_return_null=1:max_allocation_size_mb=20" \
		TESSERA_SIM_CACHE="$RB/oom.cache" $T sim "$RB/long.tsr"
else
	expect hw/oom_dram_image 1 "out of memory for the DRAM image (4480192 words, 34 MB)" -- \
		env LD_PRELOAD="$RB/failalloc.so" TESSERA_FAIL_CALLOC8=1000000 \
		TESSERA_SIM_CACHE="$RB/oom.cache" $T sim "$RB/long.tsr"
	# ... and in the harness, which loads the image again (long.tsr is
	# built in int.cache by now); its temporary directory, with nothing
	# to read, is removed
	mkdir -p "$RB/oom.tmp"
	expect hw/oom_harness_dram_image 1 "the simulation is out of memory for the DRAM image (4480192 words" -- \
		env LD_PRELOAD="$RB/failalloc.so" TESSERA_FAIL_MALLOC=30000000 \
		TMPDIR="$RB/oom.tmp" TESSERA_SIM_CACHE="$RB/int.cache" $T sim "$RB/long.tsr"
	if [ -z "$(ls "$RB/oom.tmp")" ]; then ok hw/oom_harness_no_litter
	else bad hw/oom_harness_no_litter "$(ls "$RB/oom.tmp")"; fi
fi
if [ ! -e "$RB/oom.cache" ]; then ok hw/oom_dram_image_before_build
else bad hw/oom_dram_image_before_build "$(ls "$RB/oom.cache")"; fi

# On a terminal (script gives a pseudo-terminal) sim shows the build's
# step and seconds, then cycles done of the model's (the hardware's
# timing: `tessera model`), the rate measured and the time left; off a
# terminal none of it
rm -rf "$RB/tty.cache"
mc=$($T model "$RB/long.tsr" --json | sed -n 's/^  "cycles": \([0-9]*\),/\1/p' |
	awk '{ printf "%.2f", $1 / 1e6 }')
if TESSERA_SIM_CACHE="$RB/tty.cache" script -qefc "\"$TA\" sim \"$RB/long.tsr\"" \
	"$RB/tty.log" >/dev/null 2>&1 &&
	grep -q "sim: building with Verilator (make), [0-9]* s" "$RB/tty.log" &&
	grep -q "sim: [0-9.]* M of $mc M cycles, [0-9.]* M cycles/s, .* left" "$RB/tty.log"; then
	ok hw/progress_on_terminal
else bad hw/progress_on_terminal "$(tr '\r' '\n' <"$RB/tty.log" | tail -8)"; fi
if ! grep -q "$(printf '\r')\|building with\|cycles/s, .* left" "$RB/w.err" "$RB/c.err"
then ok hw/no_progress_off_terminal
else bad hw/no_progress_off_terminal "$(cat -v "$RB/w.err")"; fi
