# counts.awk - flattens `tessera model --json` into lines
#   LEVEL TENSOR READS UPDATES     one per level and tensor
#   fills LEVEL TENSOR FILLS       one per level and tensor (the JSON's
#                                  writes are fills + updates)
#   noc TENSOR HOPS                one per tensor
#   energy NAME PJ                 total, mac, noc, each level (its
#                                  leakage included), leak
#   macs, pes_used, cycles, generic_cycles, compute_cycles,
#   idle_cycles N                  the headline figures
/"name":/ {
	match($0, /"name": "[^"]*"/)
	level = substr($0, RSTART + 9, RLENGTH - 10)
}
/"tensors":/ {
	s = $0
	while (match(s, /"[A-Za-z_][A-Za-z0-9_]*": \{ "reads": -?[0-9]+, "writes": -?[0-9]+, "fills": -?[0-9]+, "updates": -?[0-9]+/)) {
		m = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		n = split(m, a, /[": {},]+/)
		if (a[6] != a[8] + a[10])
			print "writes", level, a[2], "not fills + updates"
		print level, a[2], a[4], a[10]
		print "fills", level, a[2], a[8]
	}
}
/"energy_pj":/ {
	s = $0
	sub(/.*"energy_pj": \{ /, "", s)
	while (match(s, /"[A-Za-z_][A-Za-z0-9_]*": -?[0-9.]+/)) {
		m = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		split(m, a, /[": ]+/)
		print "energy", a[2], a[3]
	}
}
/"noc_by_tensor":/ {
	s = $0
	while (match(s, /"[A-Za-z_][A-Za-z0-9_]*": [0-9]+/)) {
		m = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		split(m, a, /[": ]+/)
		if (a[2] != "noc_by_tensor")
			print "noc", a[2], a[3]
	}
}
/^  "(cycles|generic_cycles|macs|compute_cycles|idle_cycles|pes_used)":/ {
	gsub(/[",:]/, "")
	print $1, $2
}
