# test/report.sh - the HTML report of --html DIR (sourced by test/run.sh
# after test/cli.sh, which provide T, OUT, ok and bad).
#
# The page's source is checked by test/page.py, its rendering by a real
# browser: Debian's Chromium, headless (make installs it; without it
# the browser tests fail, they are not skipped), and its screenshot by
# test/png.py.  test/netsim/tinynet.tsr under test/netsim/df.tsr: tiny,
# twin and wide map, big does not.
#   report/model_page     model --network --html: exit 1 as without it
#                         (big does not map), the same stdout, the page
#                         in DIR/index.html; a table row for every layer,
#                         and a row in both energy charts; big's row and
#                         chart rows marked
#   report/self_contained no reference outside the page, tags balanced,
#                         every chart well-formed XML (test/page.py)
#   report/long_name      a layer name of 61 characters: shortened to
#                         40 with an ellipsis in the charts, whole in
#                         their tooltips and in the table
#   report/checker_fails  page.py rejects a page with an <img src=>, an
#                         unescaped name in a chart, and a missing mark
#   report/escaped        a dataflow file named x<y&z'q.tsr: escaped in
#                         the page, never raw
#   report/browser        Chromium loads the page: no console message,
#                         its DOM has the page's tables and charts, and
#                         the screenshot is not blank (colours, ink, and
#                         bars in the first series' colour)
#   report/blank_detected the screenshot check rejects a blank page
#   report/compare        AlexNet under three dataflows: 8 rows in each
#                         table, the comparison section and its charts;
#                         under all of examples/taxonomy, whose dataflows
#                         map no layer in common, no table of zeros
#   report/sim_page       sim --network --html: the cycles chart (model
#                         against RTL) and the energy charts, a row in
#                         each for every layer, big marked; rendered
#   report/study_dataflows  study dataflows --html, tinynet under df.tsr
#                         and nk.tsr (which maps none of it): a table row
#                         and a chart row for every layer, nk's cells
#                         "not mapped", each chart row saying so; the
#                         Markdown and SVG as without --html; rendered
#                         by Chromium
#   report/study_hierarchy  study hierarchy --html of test/report/
#                         pair.tsr: the network's section, its layers
#   report/search_page    search --network --html: tinynet within 700
#                         cycles (wide and big have no schedule: exit
#                         1, marked), and test/report/pair.tsr with
#                         --hierarchy (its charts too; the same stdout
#                         but for the seconds taken);
#                         rendered by Chromium
#   report/errors         --html without --network (model, search), a
#                         DIR that cannot be made or written; synth
#                         --network refuses --html
# About a minute (the sim's two designs are built once, into the
# simulation cache, build/sim, as the other tests' designs).

R=$OUT/report
rm -rf $R
mkdir -p $R
NET=test/netsim/tinynet.tsr
DF=test/netsim/df.tsr

# render NAME FILE WIDTH HEIGHT: Chromium's screenshot of FILE (at half
# scale, to keep the check fast) in $R/NAME.png, the DOM it built in
# $R/NAME.dom, its log in $R/NAME.log; its exit status
render() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --user-data-dir=$R/chrome --enable-logging=stderr \
		--v=0 --force-device-scale-factor=0.5 --window-size=$3,$4 \
		--dump-dom --screenshot=$R/$1.png "file://$(realpath "$2")" \
		>$R/$1.dom 2>$R/$1.log
}
# dom_problems NAME FILE: what of FILE's tables, charts and sections the
# DOM of render NAME lacks
dom_problems() {
	for tag in "<table" "<svg" "<h2" "<tr"; do
		[ "$(grep -o "$tag" $R/$1.dom | wc -l)" -eq \
		  "$(grep -o "$tag" "$2" | wc -l)" ] || echo "the DOM has not the page's $tag"
	done
}
# shot_problems NAME: what is wrong with the screenshot $R/NAME.png and
# Chromium's log (nothing: all is well)
shot_problems() {
	[ -s $R/$1.png ] || { echo "no screenshot"; return; }
	set -- $1 $(python3 test/png.py stats $R/$1.png 4e79a7)
	[ "${4:-0}" -ge 50 ] || echo "only ${4:-0} colours"
	[ "${5:-0}" -ge 20 ] || echo "only ${5:-0} per mille inked"
	[ "${6:-0}" -ge 200 ] || echo "${6:-0} pixels of bars"
	grep "CONSOLE" $R/$1.log
}
# layer_line FILE LAYER: page.py's line for the layer
layer_line() { python3 test/page.py "$1" "$2" | grep "^$2 "; }

$T model --network $NET $DF >$R/plain.out 2>/dev/null
$T model --network $NET $DF --html $R/m >$R/m.out 2>$R/m.err
rc=$?
r=""
[ $rc -eq 1 ] || r="exit $rc, not 1"
cmp -s $R/plain.out $R/m.out || r="$r; stdout differs with --html"
grep -q "^wrote $R/m/index.html" $R/m.err || r="$r; no 'wrote' line"
for l in tiny twin wide; do
	[ "$(layer_line $R/m/index.html $l)" = "$l rows=1 charts=2 marked=0" ] ||
		r="$r; $(layer_line $R/m/index.html $l)"
done
[ "$(layer_line $R/m/index.html big)" = "big rows=1 charts=2 marked=3" ] ||
	r="$r; $(layer_line $R/m/index.html big)"
grep -q "W.in(RF) needs 50 B" $R/m/index.html || r="$r; big's reason missing"
if [ -z "$r" ]; then ok report/model_page
else bad report/model_page "$r
$(cat $R/m.err)"; fi

if p=$(python3 test/page.py $R/m/index.html); then ok report/self_contained
else bad report/self_contained "$p"; fi

# a name longer than a chart's labels: shortened there, whole in the
# tooltip and the table
long=a_very_long_layer_name_that_goes_on_and_on_and_on_for_a_while
printf 'network longnames {\n  %s: conv N=1 K=4 C=4 Y=3 X=3 FY=3 FX=3\n  short: conv N=1 K=8 C=4 Y=3 X=3 FY=3 FX=3\n}\n' $long >$R/long.tsr
$T model --network $R/long.tsr $DF --html $R/long >/dev/null 2>&1
if [ "$(layer_line $R/long/index.html $long)" = "$long rows=1 charts=2 marked=0" ] &&
	[ "$(grep -c "<title>$long</title>a_very_long_layer_name_that_goes_on_and…</text>" $R/long/index.html)" -eq 2 ]
then ok report/long_name
else bad report/long_name "$(layer_line $R/long/index.html $long); $(grep -o "<title>$long</title>[^<]*" $R/long/index.html | head -2)"; fi

# the checks of page.py can fail
r=""
sed 's#<h1>#<img src="x.png"><h1>#' $R/m/index.html >$R/img.html
python3 test/page.py $R/img.html >/dev/null && r="an <img src> passed"
sed 's#<title>tiny</title>#<title>a<b</title>#' $R/m/index.html >$R/raw.html
python3 test/page.py $R/raw.html >/dev/null && r="$r; a raw < in a chart passed"
sed 's#font-style="italic">not mapped#>not mapped#' $R/m/index.html >$R/nomark.html
[ "$(layer_line $R/nomark.html big)" = "big rows=1 charts=2 marked=3" ] &&
	r="$r; an unmarked chart row passed"
if [ -z "$r" ]; then ok report/checker_fails; else bad report/checker_fails "$r"; fi

odd="$R/x<y&z'q.tsr"
cp $DF "$odd"
$T model --network $NET "$odd" --html $R/odd >/dev/null 2>$R/odd.err
if grep -q "x&lt;y&amp;z&#39;q.tsr" $R/odd/index.html &&
	! grep -q "x<y" $R/odd/index.html &&
	python3 test/page.py $R/odd/index.html >/dev/null
then ok report/escaped
else bad report/escaped "$(grep -o '.\{20\}x.y.z.q.tsr' $R/odd/index.html | head -3)"; fi

r=""
if ! command -v chromium >/dev/null; then
	r="chromium is not installed (make installs it)"
else
	render model $R/m/index.html 1200 2600 || r="chromium exit $?"
	r="$r$(shot_problems model | tr '\n' ';')"
	r="$r$(dom_problems model $R/m/index.html | tr '\n' ';')"
	grep -q "<title>Network tinynet" $R/model.dom || r="$r; no title in the DOM"
fi
if [ -z "$r" ]; then ok report/browser; else bad report/browser "$r"; fi

printf '<!DOCTYPE html>\n<html><head><title>blank</title></head><body></body></html>\n' >$R/blank.html
render blank $R/blank.html 600 400
if [ -n "$(shot_problems blank)" ]; then ok report/blank_detected
else bad report/blank_detected "a blank page passed the screenshot check"; fi

$T model --network examples/networks/alexnet.tsr examples/taxonomy/ck_tpu.tsr \
	examples/taxonomy/fyy_eyeriss.tsr examples/taxonomy/xy_shidiannao.tsr \
	--html $R/a >/dev/null 2>$R/a.err
rc=$?
r=""
[ $rc -eq 0 ] || r="exit $rc"
for l in conv1 conv2 conv3 conv4 conv5 fc1 fc2 fc3; do
	[ "$(layer_line $R/a/index.html $l)" = "$l rows=3 charts=8 marked=0" ] ||
		r="$r; $(layer_line $R/a/index.html $l)"
done
grep -q "<h2>Dataflow comparison</h2>" $R/a/index.html || r="$r; no comparison"
grep -q "Energy per MAC of each layer, each dataflow" $R/a/index.html ||
	r="$r; no per-layer comparison chart"
python3 test/page.py $R/a/index.html >/dev/null || r="$r; page.py: $(python3 test/page.py $R/a/index.html | head -3)"
# under every dataflow of examples/taxonomy no layer maps under all
$T model --network examples/networks/alexnet.tsr examples/taxonomy/*.tsr \
	--html $R/a7 >/dev/null 2>&1
grep -q "No layer is mapped by every dataflow" $R/a7/index.html &&
	! grep -q "energy / least" $R/a7/index.html ||
	r="$r; no layer in common, yet a table of totals"
if [ -z "$r" ]; then ok report/compare; else bad report/compare "$r"; fi

$T sim --network $NET $DF --html $R/s \
	>$R/s.out 2>$R/s.err
rc=$?
r=""
[ $rc -eq 1 ] || r="exit $rc, not 1"
for l in tiny twin wide; do
	[ "$(layer_line $R/s/index.html $l)" = "$l rows=1 charts=3 marked=0" ] ||
		r="$r; $(layer_line $R/s/index.html $l)"
done
[ "$(layer_line $R/s/index.html big)" = "big rows=1 charts=3 marked=4" ] ||
	r="$r; $(layer_line $R/s/index.html big)"
grep -q "Cycles, model against RTL, each layer" $R/s/index.html ||
	r="$r; no cycles chart"
grep -q "<td class=\"yes\">yes</td>" $R/s/index.html || r="$r; no verified row"
python3 test/page.py $R/s/index.html >/dev/null || r="$r; page.py failed"
if command -v chromium >/dev/null; then
	render sim $R/s/index.html 1200 2600 || r="$r; chromium exit $?"
	r="$r$(shot_problems sim | tr '\n' ';')"
	r="$r$(dom_problems sim $R/s/index.html | tr '\n' ';')"
else
	r="$r; chromium is not installed"
fi
if [ -z "$r" ]; then ok report/sim_page; else bad report/sim_page "$r
$(tail -3 $R/s.err)"; fi

# study dataflows: N|K (nk.tsr) maps no layer of tinynet
$T study dataflows $NET $DF examples/taxonomy/nk.tsr -o $R/st0 --quiet \
	--threads 1 >/dev/null 2>&1
$T study dataflows $NET $DF examples/taxonomy/nk.tsr -o $R/st --quiet \
	--threads 1 --html $R/st/page >/dev/null 2>$R/st.err
rc=$?
r=""
[ $rc -eq 0 ] || r="exit $rc"
for l in tiny twin wide big; do
	[ "$(layer_line $R/st/page/index.html "tinynet $l")" = \
	  "tinynet $l rows=1 charts=1 marked=0" ] ||
		r="$r; $(layer_line $R/st/page/index.html "tinynet $l")"
done
[ "$(grep -o '<td class="no">not mapped</td>' $R/st/page/index.html | wc -l)" -eq 4 ] ||
	r="$r; not 4 cells 'not mapped'"
[ "$(grep -o '>not mapped under 1 of 2<' $R/st/page/index.html | wc -l)" -eq 4 ] ||
	r="$r; not 4 chart rows 'not mapped under 1 of 2'"
grep -v "^tessera study" $R/st0/dataflows.md >$R/st0.md
grep -v "^tessera study" $R/st/dataflows.md >$R/st.md
cmp -s $R/st0.md $R/st.md && cmp -s $R/st0/dataflows.svg $R/st/dataflows.svg ||
	r="$r; the Markdown or the SVG differ with --html"
python3 test/page.py $R/st/page/index.html >/dev/null || r="$r; page.py failed"
render study $R/st/page/index.html 1100 800 || r="$r; chromium exit $?"
r="$r$(shot_problems study | tr '\n' ';')"
r="$r$(dom_problems study $R/st/page/index.html | tr '\n' ';')"
if [ -z "$r" ]; then ok report/study_dataflows; else bad report/study_dataflows "$r
$(cat $R/st.err)"; fi

$T study hierarchy test/report/pair.tsr $DF -o $R/sh --quiet --threads 1 \
	--html $R/sh >/dev/null 2>$R/sh.err
rc=$?
r=""
[ $rc -eq 0 ] || r="exit $rc"
for l in tiny wide; do
	[ "$(layer_line $R/sh/index.html $l)" = "$l rows=1 charts=1 marked=0" ] ||
		r="$r; $(layer_line $R/sh/index.html $l)"
done
grep -q "<h2>pair</h2>" $R/sh/index.html &&
	grep -q "The hierarchy chosen (of [0-9]*)" $R/sh/index.html ||
	r="$r; no section for the network"
python3 test/page.py $R/sh/index.html >/dev/null || r="$r; page.py failed"
if [ -z "$r" ]; then ok report/study_hierarchy; else bad report/study_hierarchy "$r
$(cat $R/sh.err)"; fi

# search --network: wide and big have no schedule within 700 cycles
$T search $DF --network $NET --max-cycles 700 --quiet --threads 1 \
	--html $R/se >$R/se.out 2>$R/se.err
rc=$?
r=""
[ $rc -eq 1 ] || r="exit $rc, not 1"
for l in tiny twin; do
	[ "$(layer_line $R/se/index.html $l)" = "$l rows=1 charts=2 marked=0" ] ||
		r="$r; $(layer_line $R/se/index.html $l)"
done
for l in wide big; do
	[ "$(layer_line $R/se/index.html $l)" = "$l rows=1 charts=2 marked=3" ] ||
		r="$r; $(layer_line $R/se/index.html $l)"
done
python3 test/page.py $R/se/index.html >/dev/null || r="$r; page.py failed"
$T search $DF --network test/report/pair.tsr --hierarchy --quiet --threads 1 \
	>$R/sh0.out 2>/dev/null
$T search $DF --network test/report/pair.tsr --hierarchy --quiet --threads 1 \
	--html $R/seh >$R/seh.out 2>$R/seh.err
# the same but for the seconds the search took
sed -i 's/ in [0-9.]* s)/)/' $R/sh0.out $R/seh.out
cmp -s $R/sh0.out $R/seh.out || r="$r; stdout differs with --html"
for l in tiny wide; do
	[ "$(layer_line $R/seh/index.html $l)" = "$l rows=1 charts=5 marked=0" ] ||
		r="$r; $(layer_line $R/seh/index.html $l)"
done
grep -q "The hierarchy chosen for the whole network (of [0-9]*)" \
	$R/seh/index.html || r="$r; no hierarchy"
python3 test/page.py $R/seh/index.html >/dev/null || r="$r; page.py failed (hierarchy)"
render search $R/seh/index.html 1100 1900 || r="$r; chromium exit $?"
r="$r$(shot_problems search | tr '\n' ';')"
r="$r$(dom_problems search $R/seh/index.html | tr '\n' ';')"
if [ -z "$r" ]; then ok report/search_page; else bad report/search_page "$r
$(cat $R/se.err $R/seh.err)"; fi

r=""
$T model $DF --html $R/e1 >$R/e.out 2>&1
[ $? -eq 2 ] && grep -q "html goes with --network" $R/e.out ||
	r="without --network: $(cat $R/e.out)"
[ -e $R/e1 ] && r="$r; without --network, $R/e1 was made"
: >$R/afile
$T model --network $NET $DF --html $R/afile/sub >$R/e.out 2>&1
[ $? -eq 1 ] && grep -q "cannot create $R/afile/sub" $R/e.out ||
	r="$r; DIR under a file: $(cat $R/e.out)"
mkdir -p $R/e2/index.html
$T model --network $NET $DF --html $R/e2 >$R/e.out 2>&1
[ $? -eq 1 ] && grep -q "cannot write the HTML report $R/e2/index.html" $R/e.out ||
	r="$r; index.html a directory: $(cat $R/e.out)"
$T synth --network $NET $DF --html $R/e3 >$R/e.out 2>&1
[ $? -eq 2 ] && grep -q "synth takes no option --html" $R/e.out ||
	r="$r; synth: $(cat $R/e.out)"
$T search $DF --html $R/e4 >$R/e.out 2>&1
[ $? -eq 2 ] && grep -q "html goes with --network" $R/e.out ||
	r="$r; search without --network: $(cat $R/e.out)"
[ -e $R/e3 ] || [ -e $R/e4 ] && r="$r; a refused --html made its DIR"
if [ -z "$r" ]; then ok report/errors; else bad report/errors "$r"; fi
