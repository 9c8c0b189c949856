# test/taxonomy.sh - the dataflow taxonomy (sourced by test/run.sh after
# test/hw.sh, which provide T, OUT, ok, bad and hw_sim).
#
# Every schedule in examples/taxonomy/ is simulated on its own layer (a
# real layer, at a reduced batch where needed): the output must verify
# bit for bit and every count must equal the model's (hw_sim).  Each
# dataflow is also applied to AlexNet with `tessera model --network`,
# which must print a row for every layer.

for f in examples/taxonomy/*.tsr; do
	name=taxonomy/$(basename ${f%.tsr})
	if r=$(hw_sim "$f" 2>&1); then ok "$name/sim"; else bad "$name/sim" "$r"; fi
	# over AlexNet: a row per layer, mapped or not, and the totals
	$T model --network examples/networks/alexnet.tsr "$f" >$OUT/tax.net 2>&1
	rc=$?
	rows=$(grep -cE '^(conv[1-5]|fc[1-3]) ' $OUT/tax.net)
	if [ $rc -le 1 ] && [ "$rows" -eq 8 ] &&
		grep -qE '^(total|mapped) ' $OUT/tax.net; then ok "$name/alexnet"
	else bad "$name/alexnet" "exit $rc, $rows rows: $(head -5 $OUT/tax.net)"; fi
done
