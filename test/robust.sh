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
# The designs are test/hw/k_only.tsr (8 PEs, a build of a few seconds).

K=test/hw/k_only.tsr
KA=$(pwd)/$K
TA=$(cd "$(dirname "$T")" && pwd)/$(basename "$T")   # T from anywhere
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

# Verilator not installed: said so with its package; nothing left in the
# cache
expect hw/verilator_missing 3 "verilator not found (install Debian's verilator package)" -- \
	env PATH=/nonexistent TESSERA_SIM_CACHE="$RB/nocache" $T sim $K
if [ -z "$(ls -A "$RB/nocache" 2>/dev/null)" ]; then ok hw/verilator_missing_no_litter
else bad hw/verilator_missing_no_litter "$(ls -A "$RB/nocache")"; fi
