#!/bin/sh
# Runs every avbuffer benchmark (bench/) and writes the results:
#
#   scripts/bench.sh [--quick] [--build DIR] [--out DIR]
#
#   --build DIR  build directory (default build-bench, configured here with
#                --buildtype=release -Dwerror=false -Dtests=false when missing:
#                a measurement must not fail on a new warning of an optimised
#                build; the normal build keeps -Werror), then built with ninja
#   --out DIR    where bench.txt (the full table), bench.csv and bench.png go
#                (default DIR/bench-results under the build directory)
#   --quick      fewer iterations: a smoke run of a few seconds, not a result
#
# Needs gnuplot (Debian: gnuplot-nox) for the chart, and dbus-daemon plus
# libdbus-1-dev for the D-Bus contender; the decode benchmark needs the decode
# path (libavcodec-dev, libavutil-dev) and ffmpeg. The decode and the fast
# message queue (fmq) benchmarks are not in the chart.
# See bench/README.md.
set -eu

cd "$(dirname "$0")/.."

build="build-bench"
out=
quick=
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=--quick ;;
	--build) build=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] || out=$build/bench-results

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" --buildtype=release -Dwerror=false -Dtests=false
fi
ninja -C "$build" || echo "bench.sh: the build failed: running what was built" >&2
mkdir -p "$out"
csv=$out/bench.csv
txt=$out/bench.txt
rm -f "$csv"

{
	echo "avbuffer benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')${quick:+ (QUICK: smoke run, not a result)}"
	echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
		"$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
	buildtype=$(python3 -c 'import json, sys
print(next(o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == "buildtype"))' \
		"$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo '?')
	echo "build: $build ($buildtype), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(
		git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
} >"$txt"
cat "$txt"

# Order: the in-process parts first, then everything that needs avbufferd.
for b in rpc scale alloc datapath copyload e2e fmq decode python; do
	exe=$build/bench/avb-bench-$b
	if [ ! -x "$exe" ]; then
		echo "bench.sh: $exe was not built: skipped" | tee -a "$txt" >&2
		continue
	fi
	AVB_TRANSPORT=nanomsg "$exe" --csv "$csv" $quick | tee -a "$txt"
	# The RPC, scaling and end-to-end parts again with avbufferd on the unix
	# transport (sections rpc_unix, scale_unix, e2e_unix; bench/README.md).
	case $b in rpc | scale | e2e)
		AVB_TRANSPORT=unix "$exe" --csv "$csv" $quick | tee -a "$txt" ;;
	esac
done
# The runtime's own check (bench/rpc_floor.c): avb_binder_transact against bare nanomsg.
if [ -x "$build/bench/avb-bench-rpc-floor" ]; then
	printf '\n== 1b. RPC runtime floor (bench/rpc_floor.c) ==\n' | tee -a "$txt"
	"$build/bench/avb-bench-rpc-floor" ${quick:+2000} | tee -a "$txt"
fi

echo | tee -a "$txt"
echo "== Targets (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)) ==" | tee -a "$txt"
grep -h '^  target' "$txt" | sed 's/^  target //' >"$out/targets.txt" || true
tee -a "$txt" <"$out/targets.txt"
rm -f "$out/targets.txt"

# ---- the chart ---------------------------------------------------------------
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "bench.sh: gnuplot not installed (Debian: gnuplot-nox): no chart" >&2
	exit 0
fi
dat=$(mktemp -d)
trap 'rm -rf "$dat"' EXIT
# pick SECTION METRIC [CONTENDER-REGEX]: "contender value" lines, in CSV order
pick() {
	awk -F, -v s="$1" -v m="$2" -v c="${3:-.}" '$1 == s && $3 == m && $2 ~ c { print $2, $4 }' "$csv"
}
pick rpc median_us >"$dat/rpc_med"
pick rpc p99_us >"$dat/rpc_p99"
join "$dat/rpc_med" "$dat/rpc_p99" 2>/dev/null >"$dat/rpc" || true
pick scale calls_per_s >"$dat/scale_rate"
pick scale server_cpu_pct >"$dat/scale_cpu"
join "$dat/scale_rate" "$dat/scale_cpu" 2>/dev/null | sort -n >"$dat/scale" || true
for m in p5_pct median_pct; do pick alloc_util "$m" >"$dat/util_$m"; done
join "$dat/util_p5_pct" "$dat/util_median_pct" 2>/dev/null >"$dat/util" || true
pick alloc_speed pair_median_ns >"$dat/speed"
pick datapath gb_per_s >"$dat/gbs"
{
	pick e2e client_cpu_us_per_frame | sed 's/^pipeline/pipeline_processes/'
	pick e2e server_cpu_us_per_frame | sed 's/^pipeline/avbufferd/'
} >"$dat/e2e"

# a panel with no data gets a placeholder instead of failing the whole plot
panel() { # FILE PLOT-COMMAND TITLE
	if [ -s "$1" ]; then
		printf 'set title "%s"\n%s\n' "$3" "$2"
	else
		printf 'set title "%s"\nset label 1 "not run" at graph 0.5, 0.5 center\n' "$3"
		printf 'plot [1:2] [0:1] NaN notitle\nunset label 1\n'
	fi
}
{
	cat <<EOF
set terminal pngcairo size 1500,950 font "sans,9" noenhanced
set output "$out/bench.png"
set datafile separator " "
set multiplot layout 2,3 title "avbuffer benchmarks ($(head -n 1 "$txt" | sed 's/^avbuffer benchmarks, //'))"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set key top left
set xtics rotate by -30 noenhanced
set logscale y
set ylabel "round trip, us (log)"
EOF
	panel "$dat/rpc" "plot '$dat/rpc' using 2:xtic(1) title 'median', '' using 3 title 'p99'" \
		"1. RPC round trip (64 B)"
	cat <<EOF
unset logscale y
set style data linespoints
set key bottom left
unset xtics
set xtics nomirror
set logscale x 2
set ylabel "calls/s"
set y2label "server CPU, % of a core"
set y2tics
set yrange [0:*]
set y2range [0:*]
EOF
	panel "$dat/scale" "plot '$dat/scale' using 1:2 title 'calls/s' lw 2, '' using 1:3 axes x1y2 title 'server CPU %' lw 2" \
		"2. Scaling: isValid, N client processes"
	cat <<EOF
unset logscale x
unset y2tics
unset y2label
set yrange [*:*]
set style data histograms
set xtics rotate by -30 noenhanced
set ylabel "% of pool live at first OOM"
set yrange [60:100]
set key default
set key below horizontal
EOF
	panel "$dat/util" "plot '$dat/util' using 2:xtic(1) title 'p5', '' using 3 title 'median', 95 with lines dt 2 lc rgb 'red' title 'target 95%'" \
		"3b. Utilisation at first OUT_OF_MEMORY"
	cat <<EOF
set yrange [0:*]
set key default
set key inside top left
set ylabel "ns per alloc+free pair"
EOF
	panel "$dat/speed" "plot '$dat/speed' using 2:xtic(1) title 'median'" "3a. Allocator, in process"
	printf 'set logscale y\nset yrange [*:*]\nset ylabel "GB/s (log)"\n'
	panel "$dat/gbs" "plot '$dat/gbs' using 2:xtic(1) title 'GB/s'" "4. Data path: filling a frame"
	printf 'unset logscale y\nset yrange [0:*]\nset ylabel "CPU us per frame"\n'
	panel "$dat/e2e" "plot '$dat/e2e' using 2:xtic(1) title 'CPU us/frame'" "5. Pipeline end to end"
	echo "unset multiplot"
} >"$dat/plot.gp"
gnuplot "$dat/plot.gp"
echo "results: $txt, $csv, $out/bench.png"
