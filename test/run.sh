#!/bin/sh
# test/run.sh - the whole suite: prints PASS/FAIL for each test and ends
# with "N passed, N failed"; exits non-zero on any failure.
#
#   test/ir/NAME.tsr      `tessera ir` must print NAME.ir exactly
#                         (a first line "# args: ..." adds options)
#   test/errors/NAME.tsr  `tessera check` must exit 1 and print NAME.err
#                         exactly on stderr
#   test/run/NAME.tsr     the JIT and the naive reference must agree (and
#   examples/NAME.tsr     on the examples; under ASan, an example of over
#                         20 M MACs runs the JIT alone and is compared on
#                         a smaller layer with the same schedule)
#   test/cli.sh           command-line behaviour (usage, .npy files)
#   test/import.sh        tessera import: ONNX models (see that file)
#   one layer, many       8 random schedules of each of 6 random layers
#   schedules             must all give the naive reference's bits
#   test/model/NAME.tsr   `tessera model --json` must contain every line
#                         of NAME.expect (flattened by counts.awk), and
#                         its writes must be fills + updates; with a
#                         line "# check: agrees", --brute and --walk must
#                         give the same JSON
#   random schedules      build/schedgen makes TESSERA_RANDOM (default
#                         150) random layers and schedules, each run by
#                         the JIT and the naive reference, and modelled
#                         three ways: grouping, brute force, event walk
#                         (and again with every input buffer marked
#                         keep_overlap(), half of them padded)
#
#   test/hw.sh            the generated hardware (see that file)
#   test/synth.sh         area and timing with yosys and OpenSTA
#   test/robust.sh        the external tools' runs: no shell, any path
#   test/taxonomy.sh      every dataflow of examples/taxonomy simulated on
#                         its layer, and applied to AlexNet (see that file)
#   test/netsim.sh        sim --network and synth --network (see that file)
#   test/report.sh        the HTML report of --html, rendered by Chromium
#                         (see that file)
#   test/mpi.sh           search and study on two MPI ranks (see that file)
#
# TESSERA names the binary under test (default ./tessera).
T=${TESSERA:-./tessera}
OUT=test/out
mkdir -p $OUT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS $1"; }
# signal_when SIG COND PID: waits (30 s at most) until the shell test
# COND holds or PID has ended, sends it SIG and waits for it: its exit
# status (the interrupt tests of synth.sh and netsim.sh)
signal_when() {
	i=0
	while ! eval "$2" && [ $i -lt 300 ] && kill -0 $3 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -$1 $3
	wait $3
}
bad() {
	fail=$((fail + 1))
	echo "FAIL $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -20 | sed 's/^/    /'
}

for f in test/ir/*.tsr; do
	[ -e "$f" ] || continue
	n=${f%.tsr}
	args=$(sed -n '1s/^# args: //p' "$f")
	$T ir "$f" $args >$OUT/ir.out 2>&1
	if d=$(diff -u "$n.ir" $OUT/ir.out); then ok "ir/$(basename $n)"
	else bad "ir/$(basename $n)" "$d"; fi
done

for f in test/errors/*.tsr; do
	[ -e "$f" ] || continue
	n=${f%.tsr}
	$T check "$f" >$OUT/err.stdout 2>$OUT/err.out
	rc=$?
	if [ $rc -ne 1 ]; then bad "errors/$(basename $n)" "exit status $rc, not 1"
	elif d=$(diff -u "$n.err" $OUT/err.out); then ok "errors/$(basename $n)"
	else bad "errors/$(basename $n)" "$d"; fi
done

# The model counted three ways must agree: by grouping (what the model
# uses), by walking every iteration for each count (--brute), and by
# simulating every buffer's contents step by step (--walk), which shares
# no code with the other two.
model_agrees() {
	$T model "$1" --json >$OUT/m1.json 2>$OUT/m1.err
	rc=$?
	if [ $rc -ne 0 ]; then
		grep -q "no accelerate" $OUT/m1.err && return 0
		cat $OUT/m1.err
		return 1
	fi
	$T model "$1" --json --brute >$OUT/m2.json 2>&1 || { cat $OUT/m2.json; return 1; }
	cmp -s $OUT/m1.json $OUT/m2.json || { diff $OUT/m1.json $OUT/m2.json; return 1; }
	$T model "$1" --json --walk >$OUT/m3.json 2>&1 || { cat $OUT/m3.json; return 1; }
	cmp -s $OUT/m1.json $OUT/m3.json || { echo "walk:"; diff $OUT/m1.json $OUT/m3.json; return 1; }
}

# The model's counts: every line of NAME.expect must be among them.
for f in test/model/*.tsr; do
	[ -e "$f" ] || continue
	n=${f%.tsr}
	if ! $T model "$f" --json >$OUT/model.json 2>$OUT/model.err; then
		bad "model/$(basename $n)" "$(cat $OUT/model.err)"
		continue
	fi
	awk -f test/model/counts.awk $OUT/model.json >$OUT/model.counts
	missing=$(grep -v '^#' "$n.expect" | grep -v '^$' | while read -r line; do
		grep -qxF "$line" $OUT/model.counts || echo "expected: $line"
	done)
	missing="$missing$(grep '^writes ' $OUT/model.counts)"
	if grep -q '^# check: agrees' "$f" && ! r=$(model_agrees "$f" 2>&1); then
		missing="$missing
model, --brute and --walk differ: $r"
	fi
	if [ -z "$missing" ]; then ok "model/$(basename $n)"
	else bad "model/$(basename $n)" "$missing
got:
$(cat $OUT/model.counts)"; fi
done

# The JIT (the schedule) and the naive reference (no schedule) must give
# the same output bits.
same_output() {
	for seed in $2; do
		a=$($T run "$1" --seed $seed 2>$OUT/run.err) ||
			{ cat $OUT/run.err; return 1; }
		b=$($T run "$1" --seed $seed --naive 2>$OUT/run.err) ||
			{ cat $OUT/run.err; return 1; }
		[ -n "$a" ] && [ "$a" = "$b" ] ||
			{ echo "seed $seed: jit '$a' naive '$b'"; return 1; }
	done
}

# Under ASan (`make asan` sets TESSERA_ASAN) the naive reference runs
# about 40 times slower (AlexNet conv2 alone: 7 minutes): a layer of
# over 20 M MACs is run by the JIT alone, and its schedule is compared
# with the naive reference on the layer made smaller (N=1, K and C at
# most 64, Y and X at most 7).
smaller() { # FILE: the layer's extents cut down, the rest as it is
	awk '/^layer/ { inl = 1 } /^}/ { inl = 0 }
	inl && / N=/ {
		line = " "
		for (i = 1; i <= NF; i++) {
			n = split($i, kv, "=")
			v = kv[2] + 0
			if (kv[1] == "N") v = 1
			if ((kv[1] == "K" || kv[1] == "C") && v > 64) v = 64
			if ((kv[1] == "Y" || kv[1] == "X") && v > 7) v = 7
			line = line " " (n == 2 && kv[2] ~ /^[0-9]+$/ ? kv[1] "=" v : $i)
		}
		print line
		next
	}
	{ print }' "$1"
}
big_for_asan() { # FILE: under ASan, more MACs than the naive reference
	# runs in seconds there
	[ -n "$TESSERA_ASAN" ] || return 1
	macs=$($T model "$1" 2>/dev/null | sed -n 's/^layer [^:]*: \([0-9]*\) MACs.*/\1/p')
	[ "${macs:-0}" -gt 20000000 ]
}

for f in test/run/*.tsr examples/*.tsr; do
	[ -e "$f" ] || continue
	case $f in examples/*) seeds=1 ;; *) seeds="1 7" ;; esac
	if big_for_asan "$f"; then
		smaller "$f" >$OUT/smaller.tsr
		if r=$($T run "$f" 2>&1) && r=$(same_output $OUT/smaller.tsr "$seeds" 2>&1)
		then ok "run/$(basename ${f%.tsr})"
		else bad "run/$(basename ${f%.tsr})" "$r"; fi
	elif r=$(same_output "$f" "$seeds" 2>&1); then ok "run/$(basename ${f%.tsr})"
	else bad "run/$(basename ${f%.tsr})" "$r"; fi
	case $f in examples/*)
		if r=$($T model "$f" 2>&1); then ok "model/$(basename ${f%.tsr})"
		else bad "model/$(basename ${f%.tsr})" "$r"; fi ;;
	esac
done

if [ -x build/schedgen ]; then
	i=1
	while [ $i -le "${TESSERA_RANDOM:-150}" ]; do
		build/schedgen $i >$OUT/random.tsr
		if r=$(same_output $OUT/random.tsr 1 2>&1) &&
			r=$(model_agrees $OUT/random.tsr 2>&1); then ok "random/$i"
		else
			cp $OUT/random.tsr $OUT/random-fail-$i.tsr
			bad "random/$i" "$r (kept as $OUT/random-fail-$i.tsr)"
		fi
		# the same file with its input buffers keeping their overlap,
		# padding tiles for edge tiles in every other one: counted alike
		# three ways
		flags="--keep"
		[ $((i % 2)) -eq 0 ] && flags="--pad --keep"
		build/schedgen $flags $i >$OUT/random.tsr
		if r=$(model_agrees $OUT/random.tsr 2>&1); then ok "random/keep/$i"
		else
			cp $OUT/random.tsr $OUT/random-keep-fail-$i.tsr
			bad "random/keep/$i" "$r (kept as $OUT/random-keep-fail-$i.tsr)"
		fi
		i=$((i + 1))
	done
else
	bad "random" "build/schedgen is missing"
fi

# One layer, many schedules: every schedule gives the same output bits.
if [ -x build/schedgen ]; then
	for layer in 3 11 19 27 35 43; do
		build/schedgen 1 $layer >$OUT/same.tsr
		want=$($T run $OUT/same.tsr --naive 2>$OUT/run.err)
		msg=""
		for s in 1 2 3 4 5 6 7 8; do
			build/schedgen $s $layer >$OUT/same.tsr
			got=$($T run $OUT/same.tsr 2>$OUT/run.err)
			[ -n "$want" ] && [ "$got" = "$want" ] || {
				cp $OUT/same.tsr $OUT/same-fail-$layer-$s.tsr
				msg="schedule $s: '$got' vs naive '$want'"
				break
			}
		done
		if [ -z "$msg" ]; then ok "schedules/layer$layer"
		else bad "schedules/layer$layer" "$msg"; fi
	done
fi

if [ -f test/cli.sh ]; then
	. test/cli.sh
fi

if [ -f test/search.sh ]; then
	. test/search.sh
fi

if [ -f test/mpi.sh ]; then
	. test/mpi.sh
fi

if [ -f test/import.sh ]; then
	. test/import.sh
fi

if [ -f test/hw.sh ]; then
	. test/hw.sh
fi

if [ -f test/synth.sh ]; then
	. test/synth.sh
fi

if [ -f test/robust.sh ]; then
	. test/robust.sh
fi

if [ -f test/taxonomy.sh ]; then
	. test/taxonomy.sh
fi

if [ -f test/netsim.sh ]; then
	. test/netsim.sh
fi
if [ -f test/report.sh ]; then
	. test/report.sh
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
