#!/bin/sh
# avbufctl against a live avbufferd (started by avbuffer-test-harness):
# every command, --json output that parses, and clear errors with the
# documented exit codes. Usage: test-avbufctl.sh AVBUFCTL DEBUG_API(true|false)
set -eu
ctl=$1
debug_api=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
expect_exit() { # CODE CMD...: runs CMD, checks its exit status
	want=$1; shift
	set +e; "$@" >/tmp/avbufctl.$$ 2>&1; got=$?; set -e
	[ "$got" -eq "$want" ] || { cat /tmp/avbufctl.$$ >&2; fail "'$*' exited $got, want $want"; }
}

# heaps: two rows, and the JSON agrees with the profile (16,000,000 bytes each).
"$ctl" heaps | grep -q '^non-secure' || fail "heaps has no non-secure row"
[ "$("$ctl" --json heaps | json 'd[0]["bytesTotal"]')" = 16000000 ] || fail "heaps --json"
"$ctl" services | grep -q '^AVBuffer ' || fail "services does not list AVBuffer"

# No pool yet: an empty pool list.
[ "$("$ctl" --json pools | json 'len(d)')" = 0 ] || fail "pools should be empty"

expect_exit 2 "$ctl" alloc 0
expect_exit 2 "$ctl" alloc x 10
expect_exit 2 "$ctl" alloc 200 10
expect_exit 1 "$ctl" alloc 5 100          # no such pool: EX_ILLEGAL_ARGUMENT
grep -q "EX_ILLEGAL_ARGUMENT" /tmp/avbufctl.$$ || fail "alloc on a missing pool must name the exception"
expect_exit 1 "$ctl" free 12345678901     # forged handle: false
expect_exit 1 "$ctl" isvalid -1
grep -q invalid /tmp/avbufctl.$$ || fail "isvalid -1 should print invalid"
expect_exit 1 "$ctl" trim 12345678901 10
expect_exit 1 "$ctl" sha1 12345678901
expect_exit 2 "$ctl" nonsense
expect_exit 2 "$ctl" heaps extra
expect_exit 1 "$ctl" --service NoSuchService heaps
grep -q "not registered" /tmp/avbufctl.$$ || fail "unknown service message"

# Pools live as long as their creator: hold-pool keeps one while we poke it.
"$ctl" hold-pool video 0 >/tmp/avbufctl-pool.$$ &
holder=$!
i=0
until [ -s /tmp/avbufctl-pool.$$ ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "pool holder did not start"; sleep 0.05
done
pool=$(cat /tmp/avbufctl-pool.$$)
h=$("$ctl" alloc "$pool" 5000)
[ "$h" -gt 0 ] || fail "alloc printed '$h'"
"$ctl" isvalid "$h" | grep -q '^valid' || fail "fresh handle not valid"
if [ "$debug_api" = true ]; then
	[ "$("$ctl" --json allocs "$pool" | json 'd')" = "[$h]" ] || fail "allocs lists $h"
else
	expect_exit 1 "$ctl" allocs "$pool"
	grep -q EX_UNSUPPORTED_OPERATION /tmp/avbufctl.$$ || fail "allocs without the debug API"
fi
[ "$("$ctl" --json pools | json '[p["bytesUsed"] for p in d if p["pool"]=='"$pool"'][0]')" = 5056 ] ||
	fail "pool bytesUsed after a 5000-byte alloc (64-aligned) should be 5056"
"$ctl" trim "$h" 100
[ "$("$ctl" --json pools | json '[p["bytesUsed"] for p in d if p["pool"]=='"$pool"'][0]')" = 128 ] ||
	fail "pool bytesUsed after trim to 100 should be 128"
h2=$("$ctl" alloc "$pool" 64)
expect_exit 1 "$ctl" trim "$h" 50         # not the last allocation
grep -q EX_ILLEGAL_STATE /tmp/avbufctl.$$ || fail "trim of a non-last buffer must be EX_ILLEGAL_STATE"
if [ "$debug_api" = true ]; then
	sha=$("$ctl" sha1 "$h2")
	[ "${#sha}" -eq 40 ] || fail "sha1 printed '$sha'"
	# 64 zero bytes: the pool memory of a fresh buffer is zeroed.
	[ "$sha" = c8d7d0ef0eedfa82d2ea1aa592845b9a6d4b02b7 ] || fail "sha1 of 64 zero bytes, got $sha"
else
	expect_exit 1 "$ctl" sha1 "$h2"
	grep -q EX_UNSUPPORTED_OPERATION /tmp/avbufctl.$$ || fail "sha1 without the debug API"
fi
"$ctl" free "$h"
"$ctl" free "$h2"
expect_exit 1 "$ctl" free "$h"            # stale
[ "$("$ctl" --json pools | json '[p["bytesUsed"] for p in d if p["pool"]=='"$pool"'][0]')" = 0 ] ||
	fail "pool not empty after frees"
"$ctl" --json watch 1 >/tmp/avbufctl-watch.$$ &
w=$!
# its first metrics come after its SIGINT handler is in place (a background
# job of sh starts with SIGINT ignored until then)
i=0
until grep -q bytesTotal /tmp/avbufctl-watch.$$; do
	i=$((i + 1))
	[ $i -lt 400 ] || { kill -9 "$w"; fail "watch printed no metrics in 20 s"; }
	sleep 0.05
done
kill -INT "$w"
wait "$w" || fail "watch did not exit cleanly on SIGINT"
kill -INT "$holder"
wait "$holder" || fail "hold-pool did not destroy its pool cleanly"
[ "$("$ctl" --json pools | json 'len(d)')" = 0 ] || fail "the held pool outlived hold-pool"
expect_exit 2 "$ctl" hold-pool subtitles 0
expect_exit 1 "$ctl" hold-pool video 99
# graph: the vendor media graph of the profile (IAVBufferControl.describeGraph),
# as text and as Graphviz. The default profile: 5 decoders, 5 sinks, the VPU and
# 3 frame pools (video, secure video, audio); tunnelling is off, so every
# decoder -> sink link is disabled.
g=/tmp/avbufctl-graph.$$
"$ctl" graph >"$g" || fail "graph failed"
grep -q '^Vendor media graph: 14 entities' "$g" || { cat "$g" >&2; fail "graph header"; }
grep -q 'entity [0-9]*: video-decoder-0 (decoder, 4 pads)' "$g" || fail "graph has no video-decoder-0"
grep -q 'entity [0-9]*: vpu (vpu, 12 pads)' "$g" || fail "graph: the VPU should have 4 contexts"
grep -q -- '-> "video-sink-0":0 \[\]' "$g" || fail "graph: the tunnel link should be disabled"
grep -q -- '-> "vpu":1 \[ENABLED\]' "$g" || fail "graph: the video frame pool feeds VPU context 0"
grep -q 'fmt:any bytes:1382400' "$g" || fail "graph: frame pool block size"
"$ctl" graph --dot >"$g" || fail "graph --dot failed"
[ "$(head -n 1 "$g")" = 'digraph avbuffer {' ] || fail "graph --dot header"
[ "$(tail -n 1 "$g")" = '}' ] || fail "graph --dot is not closed"
grep -q 'style=dashed' "$g" && grep -q 'style=bold' "$g" || fail "graph --dot link styles"
if command -v dot >/dev/null 2>&1; then
	dot -Tsvg "$g" >/dev/null || fail "Graphviz refuses the --dot output"
fi
expect_exit 2 "$ctl" graph --svg
expect_exit 2 "$ctl" --json graph
# link / format / sink: media-ctl -l and -V, and the tunnelled-mode sinks.
"$ctl" link video-decoder-0:3 video-sink-0:0 on || fail "link on"
"$ctl" graph | grep -q -- '-> "video-sink-0":0 \[ENABLED\]' || fail "link on did not enable it"
"$ctl" link video-decoder-0:3 video-sink-0:0 off || fail "link off"
"$ctl" graph | grep -q -- '-> "video-sink-0":0 \[\]' || fail "link off did not disable it"
expect_exit 1 "$ctl" link video-decoder-0:1 vpu:0 off   # immutable
expect_exit 1 "$ctl" link video-decoder-0 video-sink-0:0 on
expect_exit 1 "$ctl" link nosuch:0 video-sink-0:0 on
expect_exit 2 "$ctl" link video-decoder-0:3 video-sink-0:0 maybe
expect_exit 2 "$ctl" link video-decoder-0:3
"$ctl" format video-sink-0:0 NV12 1280x720 || fail "format"
"$ctl" graph | grep -q 'fmt:NV12/1280x720' || { "$ctl" graph >&2; fail "format not shown"; }
"$ctl" format video-sink-0:0 NV12 0640x0360 || fail "format with leading zeros"
"$ctl" graph | grep -q 'fmt:NV12/640x360' || fail "leading zeros are decimal"
"$ctl" format video-sink-0:0 any || fail "format any"
expect_exit 2 "$ctl" format video-sink-0:0 NV1
expect_exit 2 "$ctl" format video-sink-0:0 NV12 1280
expect_exit 2 "$ctl" format video-sink-0:0 NV12 -1x2
expect_exit 1 "$ctl" format nosuch:0 NV12
"$ctl" sink video-sink-0 | head -n 1 | grep -q '^PTS_NS' || fail "sink header"
[ "$("$ctl" --json sink video-sink-0)" = '[]' ] || fail "sink --json of an idle sink"
expect_exit 1 "$ctl" sink vpu
expect_exit 1 "$ctl" sink nosuch
rm -f "$g"
rm -f /tmp/avbufctl.$$ /tmp/avbufctl-pool.$$ /tmp/avbufctl-watch.$$
echo "avbufctl: all checks passed"
