#!/bin/sh
# Runs the main job from a build directory: the service manager, avbufferd
# and the media-pipeline demo, in a private socket directory, then stops
# the daemons cleanly.  Usage: scripts/demo.sh [BUILD_DIR] [FRAMES]
#
# Part 1 moves FRAMES synthetic audio and video frames through the pipeline.
# Part 2, when the build has the decode path (-Ddecode, softvpu firmware)
# and ffmpeg is installed, makes a 4 s 1280x720 H.264 stream with ffmpeg and
# sends it through the same pipeline into avbufferd's video decoder 0
# (secure), checking every decoded frame against ffmpeg's own decode; then
# again with --sink: the decoder queues every secure frame into video sink 0
# on AV clock 0 without mapping it, and the sink's MD5s are checked against
# ffmpeg's framemd5, and the heaps' use against what it was before.
set -eu
build=${1:-build}
frames=${2:-600}
dir=$(mktemp -d /tmp/avbuffer-demo.XXXXXX)
export AVB_SOCKET_DIR="$dir"
sm= avbd=
firmware=$build/vendor/avb-softvpu
# The firmware avbufferd starts for its decoders (before it registers).
[ -x "$firmware" ] && export AVB_SOFTVPU_FIRMWARE="$firmware"
# The secure heap's copier process, which avbufferd starts too.
[ -x "$build/vendor/avb-heap-copier" ] && export AVB_HEAP_COPIER="$build/vendor/avb-heap-copier"
cleanup() {
	[ -n "$avbd" ] && kill -TERM "$avbd" 2>/dev/null && wait "$avbd" 2>/dev/null || true
	[ -n "$sm" ] && kill -TERM "$sm" 2>/dev/null && wait "$sm" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

echo "== starting servicemanager and avbufferd in $dir"
# The shipped registration policy, given to this uid (it names root).
sed "s/user:root/user:$(id -u)/" config/service_contexts >"$dir/service_contexts"
"$build/servicemanager/servicemanager" --policy "$dir/service_contexts" --log-level info &
sm=$!
"$build/server/avbufferd" --profile config/avbuffer.yaml --log-level info &
avbd=$!
i=0
until "$build/tools/avbufctl" services 2>/dev/null | grep -q AVBuffer; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "avbufferd did not register" >&2; exit 1; }
	sleep 0.1
done
"$build/tools/avbufctl" services
echo
"$build/tools/avbufctl" heaps
echo
echo "== 1. media pipeline: app-source -> cdm -> decoder, $frames audio and $frames video frames"
"$build/examples/avbuffer-pipeline" --frames "$frames"
echo
"$build/tools/avbufctl" pools
"$build/tools/avbufctl" heaps
echo
if [ ! -x "$firmware" ]; then
	echo "== 2. skipped: $build has no decode path (meson setup -Ddecode=enabled)"
	echo "demo: ok"
	exit 0
fi
if ! command -v ffmpeg >/dev/null 2>&1; then
	echo "== 2. skipped: ffmpeg is not installed (Debian: ffmpeg)"
	echo "demo: ok"
	exit 0
fi
stream=$dir/testsrc-720p.h264
echo "== 2. a real stream: ffmpeg encodes 4 s of 1280x720 test pattern (H.264, 100 frames)"
ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=size=1280x720:rate=25 -frames:v 100 \
	-pix_fmt yuv420p -c:v libx264 -g 25 -bf 0 "$stream"
# ffmpeg's own decode of it, one SHA-1 per frame, to check every frame against
ffmpeg -nostdin -loglevel error -y -i "$stream" -pix_fmt yuv420p -f framehash -hash SHA160 \
	"$dir/testsrc-720p.sha1"
echo "   $(wc -c <"$stream") bytes; the decoders:"
"$build/tools/avbufctl" services | grep -i decoder || true
echo "== app-source -> cdm (into secure buffers) -> video decoder 0 of avbufferd (secure, softvpu)"
"$build/examples/avbuffer-pipeline" --stream "$stream" --sha1 "$dir/testsrc-720p.sha1"
echo
"$build/tools/avbufctl" pools
"$build/tools/avbufctl" heaps
echo
# What video-sink-0 presented against ffmpeg's framemd5 of the stream.
check_sink() {
	"$build/tools/avbufctl" --json sink video-sink-0 >"$dir/sink.json"
	python3 - "$dir/sink.json" "$dir/testsrc-720p.md5" <<'PY'
import json, sys
frames = json.load(open(sys.argv[1]))
ref = [l.split(",")[-1].strip() for l in open(sys.argv[2]) if l[0] != "#"]
last = frames[-1] if frames else {"presented_ns": 0}
print("sink: %d frames presented in %.2f s (the stream's frame rate)"
      % (len(frames), last["presented_ns"] / 1e9))
if not frames or len(frames) != len(ref):
    sys.exit("sink: %d frames for ffmpeg's %d" % (len(frames), len(ref)))
if not frames[0]["md5"]:
    print("sink: no checksums in this build (debug_api=false)")
else:
    same = sum(f["md5"] == r for f, r in zip(frames, ref))
    print("sink: %d of %d frames have ffmpeg's MD5 (framemd5 of the same stream)" % (same, len(ref)))
    if same != len(ref):
        sys.exit(1)
PY
}
ffmpeg -nostdin -loglevel error -y -i "$stream" -pix_fmt yuv420p -f framemd5 \
	"$dir/testsrc-720p.md5"
echo "== the same, --sink: the decoder queues every secure frame into video sink 0 on AV clock 0"
# The client never maps a frame: the sink (vendor code) presents each at its
# time on the clock and records its MD5, which avbufctl sink reads.
"$build/tools/avbufctl" --json heaps >"$dir/heaps-before.json"
"$build/examples/avbuffer-pipeline" --stream "$stream" --sink
check_sink
"$build/tools/avbufctl" --json heaps >"$dir/heaps-after.json"
if cmp -s "$dir/heaps-before.json" "$dir/heaps-after.json"; then
	echo "heaps: bytes used back to their start ($(cat "$dir/heaps-after.json"))"
else
	echo "heaps: before $(cat "$dir/heaps-before.json"), after $(cat "$dir/heaps-after.json")" >&2
	exit 1
fi
echo
echo "== 3. tunnelled mode: the media link video-decoder-0 -> video-sink-0 enabled"
# Frames now go to the vendor's stand-in sink, which presents them at 25 fps
# by their timestamps and records an MD5 of each (docs/decode.md).
"$build/tools/avbufctl" link video-decoder-0:3 video-sink-0:0 on
"$build/tools/avbufctl" graph | grep -A1 'pad3: Source' | grep -- '-> "video-sink-0"'
"$build/examples/avbuffer-pipeline" --stream "$stream" --sha1 "$dir/testsrc-720p.sha1"
"$build/tools/avbufctl" link video-decoder-0:3 video-sink-0:0 off
check_sink
"$build/tools/avbufctl" heaps
echo
if [ ! -e "$build/gst/libgstavbuffer.so" ] || ! command -v gst-launch-1.0 >/dev/null 2>&1; then
	echo "== 4. skipped: no GStreamer plugin in $build (meson setup -Dgst=enabled)"
	echo "demo: ok"
	exit 0
fi
echo "== 4. GStreamer: the stream in an MP4, through avbuffer's elements (secure decoder, HAL sink)"
# Debian's own demuxer and parser; avbvideodec and avbvideosink pass AV
# buffer handles, the frames stay in the secure heap, the Video Sink HAL
# presents them by an AV clock and records their MD5s (docs/gstreamer.md).
ffmpeg -nostdin -loglevel error -y -i "$stream" -c copy "$dir/testsrc-720p.mp4"
export GST_PLUGIN_PATH="$build/gst" GST_REGISTRY_1_0="$dir/gst-registry.bin"
echo "   gst-launch-1.0 filesrc location=testsrc-720p.mp4 ! qtdemux ! h264parse ! avbvideodec secure=true ! avbvideosink"
gst-launch-1.0 -q filesrc location="$dir/testsrc-720p.mp4" ! qtdemux ! h264parse ! \
	avbvideodec secure=true ! avbvideosink
check_sink
"$build/tools/avbufctl" heaps
echo "demo: ok"
