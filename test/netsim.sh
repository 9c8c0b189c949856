# test/netsim.sh - `sim --network` and `synth --network` (sourced by
# test/run.sh after test/cli.sh, which provide T, OUT, ok, bad, expect
# and signal_when).
#
# test/netsim/tinynet.tsr under test/netsim/df.tsr (2x2 PEs): tiny and
# twin share a design, wide has its own, big does not map.  In a cache
# of its own (two designs, built two at a time, ~10 s):
#   netsim/rows           a row per layer: the three that ran verified,
#                         big "not mapped" with the dataflow's message,
#                         exit 1 (a layer did not map)
#   netsim/one_build      the cache holds two builds, the report says
#                         two built now, d1 serves tiny and twin
#   netsim/as_single      tiny's RTL and model cycles equal those of
#                         `tessera sim df.tsr` (the same layer), which
#                         finds d1 built (the same Verilog)
#   netsim/json           --json parses; each layer's cycles, ratio,
#                         energy and verdict equal the table's; the
#                         totals are the sums of the layers that ran
#   netsim/cached         a second run builds nothing; --jobs 1 prints
#                         the same report
#   netsim/all_mapped     without big: exit 0, "total" row
#   netsim/mismatch       a simulator whose MAC count is off by one
#                         (planted in the cache): exit 4, those layers
#                         "NO (counts)", the other verified
#   netsim/no_build, no_run   a failing verilator: "build failed" rows,
#                         exit 3; no JIT: "not run" rows, exit 3
#   netsim/two_dataflows  df.tsr and df64.tsr (big maps there): totals
#                         compared over the three layers both ran, and
#                         model --network's over the layers both map;
#                         big named as left out, not mapped by df.tsr
#   netsim/interrupt_...  SIGTERM while the two designs build: exit 143,
#                         nothing left running or on disk
#   netsim/errors         missing and malformed files, options that do
#                         not go with --network
#   netsim/synth          synth --network of two k_only-shaped layers
#                         and a convolution it does not map: one design,
#                         its area, period, bare MAC's period and
#                         throughput those of `tessera synth
#                         test/hw/k_only.tsr`, its MAC/s = MACs /
#                         (cycles x period); ~15 s
# About 45 s in all.

NS=$OUT/netsim
rm -rf $NS
mkdir -p $NS
NET=test/netsim/tinynet.tsr
DF=test/netsim/df.tsr

# jget FILE EXPR: a python3 expression over the JSON object j
jget() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
# row FILE LAYER FIELD: field FIELD (1: name) of the layer's table row
row() { awk -v l="$2" -v f="$3" '$1 == l && NF > 5 { print $f; exit }' "$1"; }

TESSERA_SIM_CACHE=$NS/cache $T sim --network $NET $DF >$NS/a.out 2>$NS/a.err
rc=$?
r=""
[ $rc -eq 1 ] || r="exit $rc, not 1"
for l in tiny twin wide; do
	grep -qE "^$l .* yes$" $NS/a.out || r="$r; $l not verified"
done
grep -q "^  big: not mapped: test/netsim/df.tsr:[0-9]*:[0-9]*: error: W.in(RF) needs 50 B" $NS/a.out ||
	r="$r; big's reason missing"
grep -qE "^big .* not mapped \(below\)" $NS/a.out || r="$r; no row for big"
grep -q "^ran  *3 " $NS/a.out || r="$r; no totals over 3 layers"
if [ -z "$r" ]; then ok netsim/rows; else bad netsim/rows "$r
$(cat $NS/a.out $NS/a.err)"; fi

builds=$(ls -d $NS/cache/*/ 2>/dev/null | wc -l)
if [ "$builds" -eq 2 ] &&
	grep -q "^designs: 2 distinct, 2 built now, 0 found built" $NS/a.out &&
	grep -q "^  d1   tiny, twin: built" $NS/a.out &&
	grep -q "^  d2   wide: built" $NS/a.out &&
	[ "$(row $NS/a.out tiny 4)" = d1 ] && [ "$(row $NS/a.out twin 4)" = d1 ] &&
	[ "$(row $NS/a.out wide 4)" = d2 ]
then ok netsim/one_build
else bad netsim/one_build "$builds builds: $(grep -A3 '^designs' $NS/a.out)"; fi

TESSERA_SIM_CACHE=$NS/cache $T sim $DF >$NS/s.out 2>$NS/s.err
rtl=$(sed -n 's/^sim: \([0-9]*\) cycles, [0-9.]* times the model.s \([0-9]*\):.*/\1 \2/p' $NS/s.err)
if grep -q "reused the build" $NS/s.err &&
	[ "$rtl" = "$(row $NS/a.out tiny 6) $(row $NS/a.out tiny 5)" ]
then ok netsim/as_single
else bad netsim/as_single "sim: '$rtl'; row: $(grep '^tiny ' $NS/a.out); $(cat $NS/s.err)"; fi

TESSERA_SIM_CACHE=$NS/cache $T sim --network $NET $DF --json >$NS/a.json 2>$NS/j.err
rc=$?
cat >$NS/check.py <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
rows = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) > 10 and f[0] in ("tiny", "twin", "wide"):
        rows[f[0]] = f
d = j["dataflows"][0]
bad = []
ran = [l for l in d["layers"] if l["status"] == "verified"]
if [l["layer"] for l in ran] != ["tiny", "twin", "wide"]:
    bad.append("verified: %s" % [l["layer"] for l in ran])
for l in ran:
    f = rows.get(l["layer"])
    if not f or [int(f[4]), int(f[5]), f[6], f[8], f[9], f[10]] != [
            l["model_cycles"], l["cycles"], "%.4f" % l["ratio"],
            "%.3f" % (l["energy_pj"] / 1e6), "%.3f" % l["pj_per_mac"],
            "yes" if l["verified"] else "NO"]:
        bad.append("%s: table %s, json %s" % (l["layer"], f, l))
    if l["sim"]["cycles"] != l["cycles"] or not l["sim"]["verified"]:
        bad.append("%s: nested sim report differs" % l["layer"])
t = d["total"]
for k, key in (("macs", "macs"), ("cycles", "cycles"),
               ("model_cycles", "model_cycles")):
    s = sum(l[key] * l["repeat"] for l in ran)
    if t[k] != s:
        bad.append("total %s %s != sum %s" % (k, t[k], s))
e = sum(l["energy_pj"] * l["repeat"] for l in ran)
if abs(t["energy_pj"] - e) > 1e-3 * e:
    bad.append("total energy %s != sum %s" % (t["energy_pj"], e))
if abs(t["pj_per_mac"] - e / t["macs"]) > 1e-6 * t["pj_per_mac"]:
    bad.append("pJ/MAC is not energy over MACs")
if (t["ran"], t["verified"], t["left_out"]) != (3, 3, 1):
    bad.append("ran/verified/left out: %s" % t)
big = d["layers"][3]
if big["status"] != "not mapped" or "W.in(RF) needs 50 B" not in big["error"]:
    bad.append("big: %s" % big)
ds = {x["design"]: x["layers"] for x in j["designs"]}
if ds != {"d1": ["tiny", "twin"], "d2": ["wide"]}:
    bad.append("designs %s" % ds)
print("; ".join(bad))
PY
if [ $rc -eq 1 ] && r=$(python3 $NS/check.py $NS/a.json $NS/a.out 2>&1) && [ -z "$r" ]
then ok netsim/json; else bad netsim/json "exit $rc: $r"; fi

TESSERA_SIM_CACHE=$NS/cache $T sim --network $NET $DF >$NS/b.out 2>$NS/b.err
TESSERA_SIM_CACHE=$NS/cache $T sim --network $NET $DF --jobs 1 >$NS/c.out 2>$NS/c.err
if grep -q "^designs: 2 distinct, 0 built now, 2 found built" $NS/b.out &&
	[ "$(ls -d $NS/cache/*/ | wc -l)" -eq 2 ] &&
	grep -q "(1 at a time)" $NS/c.err &&
	diff $NS/b.out $NS/c.out | grep -v "found built in" | grep -q '^[<>]' -; [ $? -eq 1 ]
then ok netsim/cached
else bad netsim/cached "$(diff $NS/b.out $NS/c.out; cat $NS/b.err)"; fi

grep -v '^ *big:' $NET >$NS/mapped.tsr
TESSERA_SIM_CACHE=$NS/cache $T sim --network $NS/mapped.tsr $DF >$NS/m.out 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "^total  *3 .* 3 of 3$" $NS/m.out
then ok netsim/all_mapped; else bad netsim/all_mapped "exit $rc: $(cat $NS/m.out)"; fi

# A simulator that counts one MAC too many, planted in a copy of the
# cache as d1's (with the stamp the cache checks): its layers fail
# their counts, exit 4; wide still verifies.
cp -r $NS/cache $NS/bent
d1=$(grep -l "^//   layer tiny:" $NS/bent/*/tessera_top.v | head -1)
d1=${d1%/tessera_top.v}
mv $d1/sim $d1/sim.real
printf '#!/bin/sh\n"$(dirname "$0")/sim.real" "$@" | sed "s/^tessera-count macs \\([0-9]*\\)/tessera-count macs 1\\1/"\n' >$d1/sim
chmod +x $d1/sim
python3 -c "
import sys
b = open(sys.argv[1] + '/sim', 'rb').read()
h = 0xcbf29ce484222325
for c in b:
    h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
open(sys.argv[1] + '/stamp', 'w').write('sim %d bytes, fnv1a %016x\n' % (len(b), h))" $d1
TESSERA_SIM_CACHE=$NS/bent $T sim --network $NET $DF >$NS/x.out 2>$NS/x.err
rc=$?
if [ $rc -eq 4 ] && grep -qE "^tiny .* NO \(counts\)$" $NS/x.out &&
	grep -qE "^twin .* NO \(counts\)$" $NS/x.out &&
	grep -qE "^wide .* yes$" $NS/x.out && grep -q "^ran .* 1 of 3$" $NS/x.out &&
	grep -q "tiny: MACs: hardware 11296, model 1296" $NS/x.err
then ok netsim/mismatch
else bad netsim/mismatch "exit $rc: $(cat $NS/x.out $NS/x.err)"; fi

mkdir -p $NS/bin
printf '#!/bin/sh\necho "stand-in verilator fails" >&2\nexit 1\n' >$NS/bin/verilator
chmod +x $NS/bin/verilator
env PATH="$(pwd)/$NS/bin:$PATH" TESSERA_SIM_CACHE=$NS/nobuild \
	$T sim --network $NET $DF >$NS/n.out 2>$NS/n.err
rc=$?
if [ $rc -eq 3 ] && [ "$(grep -cE '^(tiny|twin|wide) .* build failed \(below\)$' $NS/n.out)" -eq 3 ] &&
	grep -q "^  tiny: build failed: the Verilator build (verilator) failed (exit status 1); see " $NS/n.out &&
	grep -q "^designs: 2 distinct, 0 built now, 0 found built, 2 failed" $NS/n.out
then ok netsim/no_build; else bad netsim/no_build "exit $rc: $(cat $NS/n.out $NS/n.err)"; fi
env TESSERA_JIT=$NS/no-such-plugin.so TESSERA_SIM_CACHE=$NS/cache \
	$T sim --network $NET $DF >$NS/r.out 2>$NS/r.err
rc=$?
if [ $rc -eq 3 ] && [ "$(grep -cE '^(tiny|twin|wide) .* not run \(below\)$' $NS/r.out)" -eq 3 ] &&
	grep -q "^  wide: not run: .*no-such-plugin.so" $NS/r.out
then ok netsim/no_run; else bad netsim/no_run "exit $rc: $(cat $NS/r.out $NS/r.err)"; fi

# Two dataflows: df64 has a register file of 64 B, where big maps.
sed 's/size 32 B /size 64 B /' $DF >$NS/df64.tsr
TESSERA_SIM_CACHE=$NS/cache $T sim --network $NET $DF $NS/df64.tsr --json \
	>$NS/t.json 2>$NS/t.err
rc=$?
r=$(python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
c = j['compared']
bad = []
if c['names'] != ['tiny', 'twin', 'wide']: bad.append('names %s' % c['names'])
if c['left_out'] != [{'layer': 'big', 'by': [{'dataflow': 'test/netsim/df.tsr', 'status': 'not mapped'}]}]:
    bad.append('left_out %s' % c['left_out'])
t = [d['total'] for d in c['dataflows']]
if len(t) != 2 or t[0]['macs'] != t[1]['macs'] or t[0]['macs'] != 5184:
    bad.append('MACs compared %s' % [x['macs'] for x in t])
own = [d['total']['macs'] for d in j['dataflows']]
if own != [5184, 8784]: bad.append('own totals %s' % own)
print('; '.join(bad))" $NS/t.json 2>&1)
# model --network: each line of the comparison has the energy of
# df.tsr's own total over its three mapped layers, not df64's over four
$T model --network $NET $DF $NS/df64.tsr >$NS/mc.out 2>&1
own=$(awk '$1 == "mapped" || $1 == "total" { print $6 }' $NS/mc.out)
cmp=$(awk '/ 3\/4$/ { print $2 }' $NS/mc.out)
TESSERA_SIM_CACHE=$NS/cache $T sim --network $NET $DF $NS/df64.tsr \
	>$NS/t.out 2>$NS/t.err
if [ $rc -eq 1 ] && [ -z "$r" ] &&
	grep -q "each dataflow's totals over the 3 of 4 layers every dataflow ran (5184 of 8784 MACs); 1 left out:$" $NS/t.out &&
	grep -q "^  big: not mapped under test/netsim/df.tsr$" $NS/t.out &&
	grep -q "the 3 of 4 layers every dataflow maps (5184 of 8784 MACs); 1 left out:$" $NS/mc.out &&
	[ "$(echo $own)" != "$(echo $cmp)" ] &&
	[ "$(echo $cmp)" = "$(echo $own | cut -d' ' -f1) $(echo $own | cut -d' ' -f1)" ]
then ok netsim/two_dataflows
else bad netsim/two_dataflows "exit $rc: $r; own $own; compared $cmp"; fi

# SIGTERM while both designs build: 143, said once, no process of its
# session, no build or temporary directory left
rm -rf $NS/int.tmp $NS/int.cache
mkdir -p $NS/int.tmp
TMPDIR=$NS/int.tmp TESSERA_SIM_CACHE=$NS/int.cache setsid $T sim \
	--network $NET $DF --jobs 2 >$NS/int.out 2>$NS/int.err &
pid=$!
signal_when TERM '[ "$(ls -d $NS/int.cache/*.*/obj 2>/dev/null | wc -l)" -ge 2 ]' $pid
rc=$?
left=$(ps -e -o sid=,pid=,comm= | awk -v s=$pid '$1 == s'
	ls $NS/int.cache | grep '\.[0-9]*$'; ls $NS/int.tmp)
if [ $rc -eq 143 ] && [ "$(grep -c '^tessera: interrupted$' $NS/int.err)" -eq 1 ] &&
	[ -z "$left" ]
then ok netsim/interrupt_cleans_up
else bad netsim/interrupt_cleans_up "exit $rc, left: $left; $(cat $NS/int.err)"; fi

expect netsim/missing_network 1 "no-such.tsr" -- $T sim --network $NS/no-such.tsr $DF
printf 'network n {\n  a: conv N=1 K=0 C=4\n}\n' >$NS/badnet.tsr
expect netsim/bad_network 1 "badnet.tsr:2:" -- $T sim --network $NS/badnet.tsr $DF
expect netsim/missing_dataflow 1 "no-such-df.tsr" -- $T sim --network $NET $NS/no-such-df.tsr
expect netsim/jobs_alone 2 "--jobs goes with --network" -- $T sim $DF --jobs 2
expect netsim/jobs_zero 2 "from 1 to 256" -- $T sim --network $NET $DF --jobs 0
expect netsim/trace 2 "--trace goes with one layer" -- $T sim --network $NET $DF --trace x.vcd
expect netsim/unknown_option 2 "unknown option --frob" -- $T sim --network $NET $DF --frob

# synth --network: two layers of test/hw/k_only.tsr's shape (one
# design) and a convolution its fully connected dataflow does not map.
printf 'network fcnet {\n  fc: fc N=2 K=16 C=12\n  fc2: fc N=2 K=16 C=12\n  conv: conv N=1 K=4 C=4 Y=3 X=3 FY=3 FX=3\n}\n' >$NS/fcnet.tsr
$T synth --network $NS/fcnet.tsr test/hw/k_only.tsr --json >$NS/y.json 2>$NS/y.err
rc=$?
kj=$OUT/synth/k.json
[ -s $kj ] || { kj=$NS/k.json; $T synth test/hw/k_only.tsr --json >$kj 2>/dev/null; }
r=$(python3 -c "
import json, sys
j = json.load(open(sys.argv[1])); k = json.load(open(sys.argv[2]))
bad = []
d = j['designs']
if len(d) != 1 or d[0]['layers'] != ['fc', 'fc2']: bad.append('designs %s' % d)
elif d[0]['area_um2'] != round(k['area']['total']['um2'], 3) or \
     d[0]['period_ns'] != round(k['critical_path']['period_ns'], 4):
    bad.append('area %s period %s, single %s %s' % (d[0]['area_um2'],
        d[0]['period_ns'], k['area']['total']['um2'],
        k['critical_path']['period_ns']))
elif d[0]['mac_ref_period_ns'] != round(k['mac_ref_period_ns'], 4) or \
     not 0 < d[0]['mac_ref_period_ns'] < 1000 or \
     abs(d[0]['period_over_mac_ref'] - d[0]['period_ns'] /
         d[0]['mac_ref_period_ns']) > 1e-4 * d[0]['period_over_mac_ref']:
    bad.append('MAC period %s, ratio %s, single %s' % (
        d[0]['mac_ref_period_ns'], d[0]['period_over_mac_ref'],
        k['mac_ref_period_ns']))
else:
    t = d[0]['synth']['throughput']
    want = t['macs'] / (t['cycles'] * d[0]['period_ns'] * 1e-9)
    if abs(d[0]['macs_per_second'] - want) > 1e-4 * want or \
       d[0]['macs_per_second'] != k['throughput']['macs_per_second'] or \
       d[0]['utilization_source'] != 'model' or \
       d[0]['utilization'] != k['throughput']['utilization']:
        bad.append('MAC/s %s, MACs / (cycles x period) %s, single %s' % (
            d[0]['macs_per_second'], want,
            k['throughput']['macs_per_second']))
lo = j['left_out']
if [(x['layer'], x['status']) for x in lo] != [('conv', 'not mapped')]:
    bad.append('left out %s' % lo)
print('; '.join(bad))" $NS/y.json $kj 2>&1)
if [ $rc -eq 1 ] && [ -z "$r" ]; then ok netsim/synth
else bad netsim/synth "exit $rc: $r $(tail -3 $NS/y.err)"; fi
