# test/synth.sh - `tessera synth` (sourced by test/run.sh, which provides
# T, OUT, ok and bad).
#
#   synth/k_only          the 8-PE test/hw/k_only.tsr through yosys and
#                         OpenSTA with the default liberty: positive areas,
#                         8 PEs, the PEs' area = 8 x one PE's, the logic
#                         equal to yosys' own hierarchical total, total =
#                         logic + SRAM, a PE larger than the bare MAC, a
#                         positive clock period, no simulation counters
#   synth/liberty-option  the same with the liberty given by --liberty:
#                         the same areas
#   synth/no_shell_...    --liberty and -o under a directory named with
#                         quotes, $, backquotes and a newline: the same areas
#   synth/errors          a missing or unreadable liberty, or -o naming a
#                         file: exit 1, the message names that path; yosys
#                         not installed: exit 3, said so; yosys or OpenSTA
#                         failing (stand-ins on PATH): exit 3 and the
#                         message names the log
#   synth/interrupt_...   SIGTERM while yosys runs: exit 143, nothing of
#                         the run left
#   synth/throughput      k_only's JSON: the throughput's MACs, cycles and
#                         utilization those of `tessera model --json`,
#                         macs_per_second = MACs / (cycles x period) =
#                         PEs x utilization x clock, "model" its source
#   synth/mac_ref_period  k_only's JSON: the bare MAC's period positive,
#                         from a flip-flop to the MAC's accumulator (its
#                         operands registered), the ratio period / it
#   synth/fanned_array    test/hw/fan_ck.tsr, 64 PEs whose drain sums 8
#                         words a lane: its period between the bare MAC's
#                         and 1.3 times it (the drain's select and valid
#                         bit each on one gate for all 64 PEs, and the
#                         lane's words added in a chain, made it 2.01x),
#                         through 8 tessera_fan groups; the bare MAC's
#                         path's ends named by their registers (rb[0],
#                         mac/acc[31]), not yosys' anonymous _N_, and the
#                         design's named so or by an anonymous instance
#                         alone; with --sim --seed 7,
#                         the throughput's cycles and utilization those of
#                         `tessera sim --seed 7 --json`, "sim" its source
#   synth/padding_tiles   test/model/padding_tiles.tsr: its period between
#                         0.9 and 1.3 times the bare MAC's (the padded
#                         steps' places are not on the critical path)
#   synth/systolic_long_chain  test/hw/systolic_long_chain.tsr, partial
#                         sums PE to PE down a column of 16 into the
#                         global buffer: with --sim, its period in
#                         [0.9, 1.3] x the bare MAC's, skew registers and
#                         a tessera_chain in the report
#   synth/many_srams      test/hw/many_banks.tsr, 32 PEs in a row whose
#                         weight and output buffers have a bank each per
#                         PE: all 65 SRAMs in the report (synth stopped at
#                         64), 32 of them the output's 2-read 2-write
#                         banks; its drain reads its banks by number (a
#                         shift of all their words took yosys minutes on
#                         256 banks)
#   synth/sim-fails...    --sim with a stand-in Verilator that fails: exit
#                         3, sim's message, and no yosys run
#   synth/seed-without-sim, synth/sim-with-network   usage errors
#   synth/quickstart_...  examples/quickstart.tsr, the text report: the
#                         bare MAC's period below the design's and equal
#                         to k_only's (the same widths), the throughput
#                         line = MACs / (cycles x period)
#   synth/skew_registers  the quickstart's (systolic) skew registers: the
#                         flops yosys maps in its lines (tessera_line)
#                         equal the bits its Verilog states; their area
#                         from 96 um2 each (OSU's DFFPOSX1) to 1.5 times
#                         that (the one-bit lines' reset), the module
#                         table's tessera_line row the same; none for
#                         k_only
#   synth/pe_versions     the quickstart's PE in two versions (HEAD: the
#                         PEs first along its output's chains, which take
#                         partial sums back, and the others): a module row
#                         each, their instances the 16 PEs, their areas
#                         summed the PEs' row and its mean the one PE's,
#                         the others smaller (the returns' logic left
#                         out); k_only, without a chain, one version
#   synth/path_named      the quickstart's path's ends named in RTL: by the
#                         register, or "the register of" the signal it
#                         takes, not yosys' anonymous _N_ alone
#   synth/mac-sta-fails   OpenSTA failing on the bare MAC alone: exit 3,
#                         the message names mac_sta.log
#   synth/mac-yosys-fails the same for yosys on the bare MAC (mac.ys):
#                         mac_yosys.log
# About 195 s: the seven real runs take ~15 s each (quickstart ~20 s,
# systolic_long_chain ~20 s, fan_ck ~35 s, many_banks ~35 s).

SD=$OUT/synth
rm -rf $SD
mkdir -p $SD

# json_num FILE KEY: the first number after "KEY": (nested keys: the
# first occurrence)
json_num() {
	sed -n "s/.*\"$2\": *\([-0-9.e+]*\).*/\1/p" "$1" | head -1
}
# json_area FILE KEY: the um2 of "KEY": { "um2": N, ... } in "area"
json_area() {
	sed -n "s/^ *\"$2\": { \"um2\": *\([-0-9.e+]*\),.*/\1/p" "$1" | head -1
}

synth_sane() { # DIR JSON -> nothing, or what is wrong
	j=$2
	awk -v pe="$(json_area $j pe)" -v pes="$(json_area $j pes)" \
	    -v logic="$(json_area $j logic)" -v sram="$(json_area $j sram)" \
	    -v total="$(json_area $j total)" -v mac="$(json_area $j mac)" \
	    -v ctl="$(json_area $j controller)" -v n="$(json_num $j pes)" \
	    -v period="$(json_num $j period_ns)" \
	    -v yosys="$(sed -n "s/.*Chip area for top module '.tessera_top': *//p" $1/stat.txt)" \
	    'function near(a, b) { return a - b < 1e-6 * b && b - a < 1e-6 * b }
	BEGIN {
		if (!(pe > 0 && pes > 0 && logic > 0 && sram > 0 && total > 0 &&
		      mac > 0 && ctl > 0)) print "an area is not positive"
		if (n != 8) print "pes " n ", not 8"
		if (!near(pes, 8 * pe)) print "PEs " pes " != 8 x PE " pe
		if (!near(logic, yosys)) print "logic " logic " != yosys " yosys
		if (!near(total, logic + sram)) print "total != logic + SRAM"
		if (!(pes + ctl <= logic * 1.000001)) print "PEs + controller > logic"
		if (!(pe > mac)) print "a PE " pe " is not larger than a MAC " mac
		if (!(period > 0 && period < 1000)) print "period " period " ns"
	}'
	[ "$(grep -c '"um2"' $j)" -ge 13 ] || echo "fewer areas than expected"
	# every SRAM of the netlist (banks apart) priced once
	[ "$(grep -c '"read_ports"' $j)" -eq \
		"$(grep -c '^  tessera_sram' $1/netlist.v)" ] ||
		echo "not one priced SRAM per SRAM of the netlist"
	[ "$(grep -c '"read_ports"' $j)" -ge 3 ] || echo "fewer than 3 SRAMs"
	grep -q 'pj_per_mac": [0-9]' $j || echo "no pJ/MAC"
	# SYNTHESIS drops the counters
	grep -q 'k_cyc' $1/netlist.v && echo "the simulation counters were synthesized"
	grep -q 'tessera_pe' $1/sta_netlist.v || echo "the PE hierarchy is gone"
}

if $T synth test/hw/k_only.tsr --json -o $SD/default >$SD/k.json \
	2>$SD/k.err; then
	if r=$(synth_sane $SD/default $SD/k.json) && [ -z "$r" ]; then
		ok "synth/k_only"
	else bad "synth/k_only" "$r"; fi
else
	bad "synth/k_only" "$(cat $SD/k.err)"
fi

# The throughput and the bare MAC's period, from k_only's JSON and
# `tessera model --json` of the same file
$T model test/hw/k_only.tsr --json >$SD/k_model.json 2>&1
r=$(python3 -c "
import json, sys
s = json.load(open(sys.argv[1])); m = json.load(open(sys.argv[2]))
t = s['throughput']; p = s['critical_path']['period_ns']
bad = []
near = lambda a, b, e=1e-4: abs(a - b) <= e * abs(b)
for k in ('macs', 'cycles', 'pes', 'cycles_of'):
    if t[k] != m[k]: bad.append('%s %s, model %s' % (k, t[k], m[k]))
if not near(t['utilization'], m['utilization'], 1e-5):
    bad.append('utilization %s, model %s' % (t['utilization'], m['utilization']))
if t['utilization_source'] != 'model': bad.append('source %s' % t['utilization_source'])
want = t['macs'] / (t['cycles'] * p * 1e-9)
if not (want > 0 and near(t['macs_per_second'], want)):
    bad.append('macs_per_second %s, MACs/(cycles x period) %s' % (t['macs_per_second'], want))
if not near(t['macs_per_second'], t['pes'] * t['utilization'] * t['clock_mhz'] * 1e6):
    bad.append('macs_per_second %s != PEs x utilization x clock' % t['macs_per_second'])
if not near(t['clock_mhz'], 1e3 / p): bad.append('clock %s, period %s' % (t['clock_mhz'], p))
if not near(t['peak_macs_per_second'], t['pes'] * 1e9 / p):
    bad.append('peak %s' % t['peak_macs_per_second'])
print('; '.join(bad))" $SD/k.json $SD/k_model.json 2>&1)
if [ -z "$r" ]; then ok synth/throughput; else bad synth/throughput "$r"; fi
r=$(python3 -c "
import json, sys
s = json.load(open(sys.argv[1])); p = s['critical_path']['period_ns']
mp = s['mac_ref_period_ns']
bad = []
if not 0 < mp < 1000: bad.append('MAC period %s ns' % mp)
elif abs(s['period_over_mac_ref'] - p / mp) > 1e-4 * p / mp:
    bad.append('ratio %s, %s / %s' % (s['period_over_mac_ref'], p, mp))
if 'flip-flop' not in s['mac_ref_from']: bad.append('from %s' % s['mac_ref_from'])
if not s['mac_ref_to'].startswith('mac/') or 'flip-flop' not in s['mac_ref_to']:
    bad.append('to %s' % s['mac_ref_to'])
print('; '.join(bad))" $SD/k.json 2>&1)
grep -q "^module tessera_mac_ref" $SD/default/mac_netlist.v ||
	r="$r; no tessera_mac_ref in mac_netlist.v"
if [ -z "$r" ]; then ok synth/mac_ref_period; else bad synth/mac_ref_period "$r"; fi

# 64 PEs: the nets all of them take go through a buffer a group, and a
# lane's drained words are added as a tree, so the period is the MAC's
# give or take the drain's adder (below it would mean a PE lost its MAC).
# With --sim: the throughput's cycles those of `tessera sim` on the same
# inputs (a seed other than the default)
$T sim test/hw/fan_ck.tsr --seed 7 --json >$SD/fs.json 2>$SD/fs.err
if $T synth test/hw/fan_ck.tsr --sim --seed 7 --json -o $SD/fan >$SD/f.json \
	2>$SD/f.err; then
	r=$(python3 -c "
import json, sys
s = json.load(open(sys.argv[1])); p = s['critical_path']['period_ns']
mp = s['mac_ref_period_ns']
t = s['throughput']; sim = json.load(open(sys.argv[2]))
bad = []
if (t['utilization_source'], t['cycles_of']) != ('sim', 'rtl'):
    bad.append('utilization from %s, cycles of %s' % (t['utilization_source'], t['cycles_of']))
if not sim['verified'] or t['cycles'] != sim['cycles']:
    bad.append('cycles %s, sim %s (verified %s)' % (t['cycles'], sim['cycles'], sim['verified']))
if abs(t['utilization'] - sim['macs'] / (sim['pes'] * sim['cycles'])) > 1e-6:
    bad.append('utilization %s' % t['utilization'])
if not mp <= p <= 1.3 * mp:
    bad.append('period %s ns, %.3f x the bare MAC (%s ns): not in [1, 1.3]' % (p, p / mp, mp))
import re
# a path's end: NAME (INSTANCE, what it is), NAME the register's RTL
# name, or 'the register of NAME', the signal it registers, where
# yosys kept no name on the register; OpenSTA's INSTANCE (what it is)
# alone where neither has one (design-dependent). The bare MAC's ends
# are always its operand and accumulator registers, by their names.
anon = r'(^|/)_[0-9]+_($|\[)'
def named(e, want=None, d=True):
    m = re.match(r'(the register of )?([^ ]+) \(([^ ]+), .*flip-flop', e)
    return m and (d or not m.group(1)) and not re.search(anon, m.group(2)) \
        and re.search(anon, m.group(3)) and (want is None or re.match(want, m.group(2)))
for key, want in (('mac_ref_from', r'r[ab]\[[0-9]+\]$'), ('mac_ref_to', r'mac/acc\[[0-9]+\]$')):
    if not named(s[key], want, False):
        bad.append('%s: %s, not named by its register' % (key, s[key]))
for end in ('from', 'to'):
    e = s['critical_path'][end]
    if not named(e) and not re.match(r'[^ ]*_[0-9]+_ \([^,]*flip-flop', e):
        bad.append('%s: %s, neither named nor an anonymous instance' % (end, e))
print('; '.join(bad))
" $SD/f.json $SD/fs.json 2>&1)
	grep -q "^synth: simulated [0-9]* cycles" $SD/f.err ||
		r="$r; no 'synth: simulated' line"
	n=$(grep -c '^  .*tessera_fan.*\\fan\[[0-9]*\]\.u ' $SD/fan/sta_netlist.v)
	[ "$n" = 8 ] || r="$r; $n tessera_fan instances in the netlist, not 8"
	if [ -z "$r" ]; then ok synth/fanned_array; else bad synth/fanned_array "$r"; fi
else
	bad synth/fanned_array "$(cat $SD/f.err)"
fi

# A systolic chain of 16 places (issue 17): built as written, one adder
# between registers, its period near the bare MAC's whatever the chain's
# length (summed in one cycle, the 16 places made conv3's 15.9 ns);
# simulated and verified (--sim), its lines there
if $T synth test/hw/systolic_long_chain.tsr --sim --json -o $SD/lc \
	>$SD/lc.json 2>$SD/lc.err; then
	r=$(python3 -c "
import json, sys
s = json.load(open(sys.argv[1])); p = s['critical_path']['period_ns']
mp = s['mac_ref_period_ns']; t = s['throughput']
bad = []
if not 0.9 * mp <= p <= 1.3 * mp:
    bad.append('period %s ns, %.3f x the bare MAC (%s ns): not in [0.9, 1.3]' % (p, p / mp, mp))
if t['cycles_of'] != 'rtl':
    bad.append('cycles of %s, not the simulation' % t['cycles_of'])
if not s['area']['skew_bits'] > 0:
    bad.append('no skew registers: not built systolic')
if not any(m['name'].startswith('tessera_chain') for m in s['modules']):
    bad.append('no tessera_chain')
print('; '.join(bad))
" $SD/lc.json 2>&1)
	if [ -z "$r" ]; then ok synth/systolic_long_chain
	else bad synth/systolic_long_chain "$r"; fi
else
	bad synth/systolic_long_chain "$(tail -3 $SD/lc.err)"
fi

# Padding tiles: the controller's places of the steps (seq.c) in the bits
# of the steps in all, not on the critical path: the period near the bare
# MAC's (64-bit places made it 1.55 times it)
if $T synth test/model/padding_tiles.tsr --json >$SD/pt.json 2>$SD/pt.err; then
	r=$(python3 -c "
import json, sys
s = json.load(open(sys.argv[1])); p = s['critical_path']['period_ns']
mp = s['mac_ref_period_ns']
if not 0.9 * mp <= p <= 1.3 * mp:
    print('period %s ns, %.3f x the bare MAC (%s ns): not in [0.9, 1.3]' % (p, p / mp, mp))
" $SD/pt.json 2>&1)
	if [ -z "$r" ]; then ok synth/padding_tiles; else bad synth/padding_tiles "$r"; fi
else
	bad synth/padding_tiles "$(tail -3 $SD/pt.err)"
fi

# More SRAMs than the report used to hold (64): every one listed
if $T synth test/hw/many_banks.tsr --json >$SD/mb.json 2>$SD/mb.err; then
	r=$(python3 -c "
import json, sys
s = json.load(open(sys.argv[1])); m = s['srams']
out = [x for x in m if (x['read_ports'], x['write_ports'], x['words']) == (2, 2, 4)]
bad = []
if len(m) != 65 or len(set(x['name'] for x in m)) != 65:
    bad.append('%d SRAMs (%d names), not 65' % (len(m), len(set(x['name'] for x in m))))
if len(out) != 32:
    bad.append('%d output banks, not 32' % len(out))
print('; '.join(bad))
" $SD/mb.json 2>&1)
	if [ -z "$r" ]; then ok synth/many_srams; else bad synth/many_srams "$r"; fi
else
	bad synth/many_srams "$(cat $SD/mb.err)"
fi

# The quickstart, as text: the bare MAC's period below the design's,
# and the throughput line's figures consistent
if $T synth examples/quickstart.tsr >$SD/q.txt 2>$SD/q.err; then
	r=$(awk -v km="$(json_num $SD/k.json mac_ref_period_ns)" '
	/^critical path / { p = $3 }
	/^bare MAC between registers/ { sub(/.*: /, ""); mp = $1 }
	/^throughput / { g = $2 }
	/^  = [0-9]+ MACs \/ / { macs = $2; cyc = substr($5, 2); pp = $8 }
	END {
		if (!(mp > 0 && p > 0 && mp < p)) print "MAC " mp " ns, design " p " ns"
		# the same widths as k_only: the same MAC, whatever the design
		if (!(mp - km <= 0.0005001 && km - mp <= 0.0005001))
			print "MAC " mp " ns here, " km " ns with k_only"
		if (pp != p) print "throughput period " pp ", critical path " p
		w = macs / (cyc * pp)   # GMAC/s
		if (!(w > 0 && g - w < 1e-3 * w && w - g < 1e-3 * w))
			print g " GMAC/s, " macs " MACs / (" cyc " x " pp " ns) = " w
	}' $SD/q.txt)
	if [ -z "$r" ]; then ok synth/quickstart_mac_and_throughput
	else bad synth/quickstart_mac_and_throughput "$r"; fi
	# its systolic array's skew registers: the flops of its lines as
	# yosys maps them, the bits the Verilog states (two counts, one the
	# generator's, one the netlist's), each the library's DFFPOSX1
	# (96 um2) and the reset of the one-bit lines; k_only, not skewed,
	# has none
	$T verilog examples/quickstart.tsr -o $SD/qv >/dev/null 2>&1
	vb=$(sed -n 's/.*(skew registers: \([0-9]*\) bits).*/\1/p' $SD/qv/tessera_top.v)
	r=$(awk -v vb="${vb:-0}" -v kb="$(json_num $SD/k.json skew_bits)" '
	/^  skew registers \(/ { b = substr($3, 2); a = $5 }
	/^tessera_line \([0-9]+ versions\) / { la = $7 }
	END {
		if (!(vb > 0 && b == vb)) print "report " b " bits, Verilog " vb
		if (!(a >= b * 96 && a <= b * 144)) print a " um2 for " b " bits, not 96 to 144 each"
		if (la != a) print "tessera_line row " la " um2, skew registers " a
		if (kb != "0") print "k_only: " kb " skew bits"
	}' $SD/q.txt)
	if [ -z "$r" ]; then ok synth/skew_registers
	else bad synth/skew_registers "$r"; fi
	# its PE's versions (HEAD) and the PEs' rows
	r=$(awk -v kv="$(grep -c '"name": "tessera_pe' $SD/k.json)" '
	function near(a, b, e) { return a - b <= e && b - a <= e }
	/^layer / { npe = $3 }
	/^tessera_pe \(HEAD=/ { v++; n += $3; all += $6; each[substr($2, 9, 1)] = $5 }
	/^PE \(the mean of 2 versions\) / { pe = $7 }
	/^PEs \([0-9]+\) / { pes = $3 }
	END {
		if (v != 2) print v " versions of tessera_pe, not 2"
		if (!(npe == 16 && n == npe)) print n " PEs in the versions, " npe " in all"
		# (each figure printed to 0.1 um2)
		if (!near(all, pes, 0.1 * v)) print "the versions " all " um2, the PEs " pes
		if (!(pe > 0 && near(pe * npe, pes, 0.05 * npe + 0.05)))
			print "one PE " pe " um2, the PEs " pes
		if (!(each[0] < each[1]))
			print "without the returns " each[0] " um2, with " each[1]
		if (kv != 1) print "k_only: " kv " versions of tessera_pe"
	}' $SD/q.txt)
	if [ -z "$r" ]; then ok synth/pe_versions
	else bad synth/pe_versions "$r"; fi
	# its path's ends named in RTL: a register, or the signal a register
	# takes where yosys left the register itself no name (its PE's read
	# address: "the register of pe[N].u/ra_b[i]")
	r=$(awk '/^critical path / { getline f; getline t
		for (i = 0; i < 2; i++) {
			e = i ? t : f; sub(/^  (from|to) +/, "", e)
			sub(/^the register of /, "", e)
			split(e, w, " ")
			if (w[1] ~ /(^|\/)_[0-9]+_($|\[)/ || w[2] !~ /^\(/)
				print (i ? "to" : "from") ": " e ", not named"
		}
	}' $SD/q.txt)
	if [ -z "$r" ]; then ok synth/path_named
	else bad synth/path_named "$r"; fi
else
	bad synth/quickstart_mac_and_throughput "$(cat $SD/q.err)"
	bad synth/skew_registers "$(cat $SD/q.err)"
	bad synth/pe_versions "$(cat $SD/q.err)"
	bad synth/path_named "$(cat $SD/q.err)"
fi

cp /usr/share/qflow/tech/osu018/osu018_stdcells.lib $SD/my.lib 2>/dev/null
if $T synth test/hw/k_only.tsr --json --liberty $SD/my.lib -o $SD/mine \
	>$SD/mine.json 2>$SD/mine.err &&
	[ "$(grep -A12 '"area"' $SD/mine.json)" = "$(grep -A12 '"area"' $SD/k.json)" ] &&
	grep -q "/my.lib" $SD/mine.json; then
	ok "synth/liberty-option"
else
	bad "synth/liberty-option" "$(cat $SD/mine.err; diff $SD/k.json $SD/mine.json | head)"
fi

# --liberty and -o under a directory whose name holds a space, quotes,
# $, backquotes and a newline: no shell reads them; the same areas
SW=$(printf '%s/we ird'"'"'q"d$x`b`\nnl' "$(pwd)/$SD")
mkdir -p "$SW"
cp /usr/share/qflow/tech/osu018/osu018_stdcells.lib "$SW/my lib.lib" 2>/dev/null
if $T synth test/hw/k_only.tsr --json --liberty "$SW/my lib.lib" \
	-o "$SW/out dir" >$SD/weird.json 2>$SD/weird.err &&
	[ "$(grep -A12 '"area"' $SD/weird.json)" = "$(grep -A12 '"area"' $SD/k.json)" ] &&
	[ -f "$SW/out dir/netlist.v" ] && [ -f "$SW/out dir/sta.log" ]; then
	ok "synth/no_shell_weird_paths"
else
	bad "synth/no_shell_weird_paths" "$(cat $SD/weird.err; diff $SD/k.json $SD/weird.json | head)"
fi

# expect (test/cli.sh) names these synth/NAME
K=test/hw/k_only.tsr
expect synth/missing-liberty 1 "cannot read the liberty file $SD/none.lib" -- \
	$T synth $K --liberty $SD/none.lib
expect synth/not-a-liberty 1 "not a liberty file" -- \
	$T synth $K --liberty $K
expect synth/bad-node 2 "takes a number from 0 to" -- \
	$T synth $K --node x
expect synth/unsupported 1 "cannot build this schedule yet" -- \
	$T synth test/hw/window_in_refill.tsr
mkdir -p $SD/bin
printf '#!/bin/sh\necho "ERROR: stand-in failure" >&2\nexit 2\n' >$SD/bin/yosys
printf '#!/bin/sh\necho "stand-in" \nexit 5\n' >$SD/bin/sta
chmod +x $SD/bin/yosys $SD/bin/sta
expect synth/yosys-fails 3 "yosys failed (exit status 2); see $SD/y/yosys.log" -- \
	env PATH="$(pwd)/$SD/bin:$PATH" $T synth $K -o $SD/y
# --sim whose simulation cannot be built (a stand-in Verilator, a cache of
# its own): sim's error and exit status, and no synthesis run
printf '#!/bin/sh\necho "stand-in" >&2\nexit 1\n' >$SD/bin/verilator
chmod +x $SD/bin/verilator
expect synth/sim-fails 3 "the Verilator build (verilator) failed" -- \
	env PATH="$(pwd)/$SD/bin:$PATH" TESSERA_SIM_CACHE=$(pwd)/$SD/simcache \
	$T synth $K --sim -o $SD/sf
if [ -e $SD/sf/yosys.log ] || [ -e $SD/sf/synth.ys ]; then
	bad synth/sim-fails-no-synth "synthesis ran: $(ls $SD/sf)"
else ok synth/sim-fails-no-synth; fi
rm -f $SD/bin/verilator
expect synth/seed-without-sim 2 "synth takes --input and --seed only with --sim" -- \
	$T synth $K --seed 3
expect synth/sim-with-network 2 "synth --sim goes with one layer, not --network" -- \
	$T synth --network examples/networks/alexnet.tsr $K --sim
# yosys not installed: said so, not a log that does not exist
expect synth/yosys-missing 3 "yosys not found (install Debian's yosys package)" -- \
	env PATH=/nonexistent $T synth $K -o $SD/none
if grep -q "^tessera: .*yosys.log" $OUT/cli.out; then
	bad synth/yosys-missing-no-log "$(cat $OUT/cli.out)"
else ok synth/yosys-missing-no-log; fi
# -o naming a file: the message names it, not the liberty
: >$SD/afile
expect synth/bad-output-dir 1 "cannot create the output directory $SD/afile: Not a directory" -- \
	$T synth $K -o $SD/afile
expect synth/bad-output-dir-quoted 1 "cannot create the output directory $SD/afile/it's: Not a directory" -- \
	$T synth $K -o "$SD/afile/it's"
if grep -q "liberty\|osu018" $OUT/cli.out; then
	bad synth/bad-output-dir-not-liberty "$(cat $OUT/cli.out)"
else ok synth/bad-output-dir-not-liberty; fi
# OpenSTA alone failing: the real yosys, then the stand-in sta
printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v yosys)" >$SD/bin/yosys
expect synth/sta-fails 3 "OpenSTA failed (exit status 5.*see $SD/s/sta.log" -- \
	env PATH="$(pwd)/$SD/bin:$PATH" $T synth $K -o $SD/s
# OpenSTA failing on the bare MAC alone (its script is argument 3)
printf '#!/bin/sh\n[ "$3" = mac_sta.tcl ] && exit 6\nexec %s "$@"\n' \
	"$(command -v sta)" >$SD/bin/sta
expect synth/mac-sta-fails 3 "OpenSTA failed (exit status 6.*see $SD/m/mac_sta.log" -- \
	env PATH="$(pwd)/$SD/bin:$PATH" $T synth $K -o $SD/m
# yosys failing on the bare MAC alone (its script is argument 5)
printf '#!/bin/sh\n[ "$5" = mac.ys ] && exit 7\nexec %s "$@"\n' \
	"$(command -v yosys)" >$SD/bin/yosys
expect synth/mac-yosys-fails 3 "yosys failed (exit status 7); see $SD/my/mac_yosys.log" -- \
	env PATH="$(pwd)/$SD/bin:$PATH" $T synth $K -o $SD/my

# Interrupted while yosys runs (setsid: tessera leads its own session):
# exit 143, "interrupted", no yosys or ABC left, no temporary directory
rm -rf $SD/int.tmp
mkdir -p $SD/int.tmp
TMPDIR="$(pwd)/$SD/int.tmp" setsid $T synth $K >$SD/int.out 2>$SD/int.err &
pid=$!
signal_when TERM 'ls $SD/int.tmp/tessera-synth-*/yosys.log >/dev/null 2>&1' $pid
rc=$?
left=$(ps -e -o sid=,pid=,comm= | awk -v s=$pid '$1 == s'; ls $SD/int.tmp)
if [ $rc -eq 143 ] && grep -q "^tessera: interrupted$" $SD/int.err &&
	[ -z "$left" ]; then ok synth/interrupt_cleans_up
else bad synth/interrupt_cleans_up "exit $rc; left: $left; $(cat $SD/int.err)"; fi
