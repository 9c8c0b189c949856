# test/taxonomy.sh - the dataflow taxonomy (sourced by test/run.sh, which
# provides T, OUT, ok and bad).
#
# Every schedule in examples/taxonomy/ is simulated on its own layer (a
# real layer, at a reduced batch where needed): `tessera sim --json` must
# report "verified": true and every count equal to the model's.  The
# dataflows the Verilog backend cannot build yet are listed in
# TAXONOMY_REFUSED with the backend's reason; the test holds them to that
# refusal, so it fails the day the backend builds them and the list must
# be emptied.  Each dataflow is also applied to AlexNet with
# `tessera model --network`, which must print a row for every layer.

TAXONOMY_REFUSED="
"

# Accepted by the backend but broken there today (reported to the lead):
# the generated design fails its Verilator build with this message.  The
# test holds it to that failure, so it fails the day it builds.
TAXONOMY_BROKEN="
"

broken_reason() { # FILE -> the listed message, or nothing
	printf '%s\n' "$TAXONOMY_BROKEN" | sed -n "s|^$(basename "$1"):||p"
}

refused_reason() { # FILE -> the listed reason, or nothing
	printf '%s\n' "$TAXONOMY_REFUSED" | sed -n "s|^$(basename "$1"):||p"
}

for f in examples/taxonomy/*.tsr; do
	name=taxonomy/$(basename ${f%.tsr})
	want=$(refused_reason "$f")
	if [ -n "$want" ]; then
		$T sim "$f" --json >$OUT/tax.json 2>$OUT/tax.err
		rc=$?
		if [ $rc -eq 1 ] && grep -qF "cannot build this schedule yet: $want" \
			$OUT/tax.err; then ok "$name/still-refused"
		else bad "$name/still-refused" "exit $rc (the backend may build it now: empty its line in TAXONOMY_REFUSED): $(head -3 $OUT/tax.err)"; fi
	elif [ -n "$(broken_reason "$f")" ]; then
		$T sim "$f" --json >$OUT/tax.json 2>$OUT/tax.err
		rc=$?
		log=$(sed -n 's/.*Verilator build failed; see \(.*\)$/\1/p' $OUT/tax.err)
		if [ $rc -eq 3 ] && [ -n "$log" ] &&
			grep -qF "$(broken_reason "$f")" "$log"; then ok "$name/still-broken"
		else bad "$name/still-broken" "exit $rc (it may work now: empty its line in TAXONOMY_BROKEN): $(tail -3 $OUT/tax.err)"; fi
	else
		$T sim "$f" --json >$OUT/tax.json 2>$OUT/tax.err
		rc=$?
		if [ $rc -ne 0 ]; then bad "$name/sim" "exit $rc: $(tail -5 $OUT/tax.err)"
		elif ! grep -q '"verified": true' $OUT/tax.json; then
			bad "$name/sim" "not verified"
		elif ! grep -q "every count equals the model's" $OUT/tax.err; then
			bad "$name/sim" "$(cat $OUT/tax.err)"
		else ok "$name/sim"; fi
	fi
	# over AlexNet: a row per layer, mapped or not, and the totals
	$T model --network examples/networks/alexnet.tsr "$f" >$OUT/tax.net 2>&1
	rc=$?
	rows=$(grep -cE '^(conv[1-5]|fc[1-3]) ' $OUT/tax.net)
	if [ $rc -le 1 ] && [ "$rows" -eq 8 ] &&
		grep -qE '^(total|mapped) ' $OUT/tax.net; then ok "$name/alexnet"
	else bad "$name/alexnet" "exit $rc, $rows rows: $(head -5 $OUT/tax.net)"; fi
done
