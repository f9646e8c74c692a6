#!/bin/sh
# GStreamer pipelines with the sink elements through avbufferd (suite gst), against fresh daemons
# the conformance harness started. Usage: sinks.sh FFMPEG AVBUFCTL CASE
#   decode   filesrc ! mpegaudioparse ! avbaudiodec ! filesink: every sample
#            equals ffmpeg's decode of the same MP2 (bit-exact codec)
#   sink     ... ! avbaudiodec ! avbaudiosink, then secure=true: the sink's
#            per-frame MD5s (avbufctl sink audio-sink-0) equal ffmpeg's
#            framemd5, frame by frame; both heaps' bytesUsed back to start
#   video-sink  filesrc ! qtdemux ! h264parse ! avbvideodec ! avbvideosink of
#            an MP4 (320x240, 50 frames), then secure=true: video-sink-0's
#            MD5s equal ffmpeg's framemd5; heaps back to start
#   stop     the sink pipeline stopped mid-stream (a 4 s stream, SIGINT
#            after 1 s): heaps back to their start
#   tunnel   avbvideodec tunnelled=true ! identity ! avbvideosink, and the
#            audio counterpart: the HAL's sinks' MD5s equal ffmpeg's framemd5,
#            the pipeline ends with EOS (exit 0), and no buffer passes the
#            identity between decoder and sink (only control flows)
#   seek     SEEK_TEST (sink_seek_test.c): a flushing seek to 1 s while the
#            MP4 plays into avbvideosink; then the sink presented a prefix of
#            the stream followed by frames 25..49, with ffmpeg's MD5s
#   aac-nostall  AAC in MP4 into a buffering filesink: no stall, PCM equal to
#            ffmpeg's decode (but for the padded last frame the segment clips)
#   aac      AAC in MP4: qtdemux ! avbaudiodec ! filesink equals ffmpeg's
#            decode sample for sample; into avbaudiosink, the MD5s are ffmpeg's
# GST_PLUGIN_PATH names the build's plugin (meson sets it).
set -eu
ffmpeg=$1 avbufctl=$2 case=$3
seek_test=${4:-}
dir=$(mktemp -d /tmp/avb-gst-audio.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i sine=frequency=440:sample_rate=48000:duration=4 \
	-ac 2 -c:a mp2 -b:a 192k "$dir/a.mp2"
"$ffmpeg" -nostdin -loglevel error -y -i "$dir/a.mp2" -f s16le -acodec pcm_s16le "$dir/ref.pcm"
"$ffmpeg" -nostdin -loglevel error -y -i "$dir/a.mp2" -f framemd5 -acodec pcm_s16le "$dir/ref.md5"
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 50 \
	-pix_fmt yuv420p -c:v libx264 -g 25 -bf 0 "$dir/v.mp4"
"$ffmpeg" -nostdin -loglevel error -y -i "$dir/v.mp4" -pix_fmt yuv420p -f framemd5 "$dir/v.md5"
heaps() { "$avbufctl" heaps | awk '$1 == "non-secure" || $1 == "secure" { printf "%s ", $2 }'; }
before=$(heaps)

check_sink() { # what sink $2 presented equals ffmpeg's framemd5 $3
	"$avbufctl" --json sink "$2" >"$dir/sink.json"
	/usr/bin/python3 - "$dir/sink.json" "$3" "$1" <<'PY' || exit 1
import json, sys
frames = json.load(open(sys.argv[1]))
ref = [l.split(",")[-1].strip() for l in open(sys.argv[2]) if l[0] != "#"]
if frames and not frames[0]["md5"]:
    print("  %s: %d frames presented (no MD5s: debug_api=false)" % (sys.argv[3], len(frames)))
    sys.exit(0 if len(frames) == len(ref) else 1)
same = sum(f["md5"] == r for f, r in zip(frames, ref))
print("  %s: %d frames presented, %d of %d equal ffmpeg's framemd5"
      % (sys.argv[3], len(frames), same, len(ref)))
sys.exit(0 if same == len(ref) == len(frames) else 1)
PY
}

case $case in
decode)
	gst-launch-1.0 -q filesrc location="$dir/a.mp2" ! mpegaudioparse ! avbaudiodec ! \
		filesink location="$dir/out.pcm" || fail "the pipeline failed"
	cmp "$dir/out.pcm" "$dir/ref.pcm" || fail "the PCM differs from ffmpeg's decode"
	echo "  $(($(wc -c <"$dir/out.pcm") / 4)) stereo samples, equal to ffmpeg's decode"
	;;
sink)
	for secure in false true; do
		gst-launch-1.0 -q filesrc location="$dir/a.mp2" ! mpegaudioparse ! \
			avbaudiodec secure=$secure ! avbaudiosink ||
			fail "the sink pipeline failed (secure=$secure)"
		check_sink "secure=$secure" audio-sink-0 "$dir/ref.md5" || fail "the sink's MD5s differ (secure=$secure)"
	done
	;;
video-sink)
	for secure in false true; do
		gst-launch-1.0 -q filesrc location="$dir/v.mp4" ! qtdemux ! h264parse ! \
			avbvideodec secure=$secure ! avbvideosink ||
			fail "the video sink pipeline failed (secure=$secure)"
		check_sink "video, secure=$secure" video-sink-0 "$dir/v.md5" || fail "the sink's MD5s differ"
	done
	;;
stop)
	gst-launch-1.0 -q -e filesrc location="$dir/a.mp2" ! mpegaudioparse ! avbaudiodec ! \
		avbaudiosink &
	pid=$!
	sleep 1
	kill -INT $pid
	wait $pid || true
	;;
tunnel)
	gst-launch-1.0 -v filesrc location="$dir/v.mp4" ! qtdemux ! h264parse ! \
		avbvideodec tunnelled=true ! identity name=between silent=false ! avbvideosink \
		>"$dir/launch.log" || fail "the tunnelled video pipeline failed: $(tail -3 "$dir/launch.log")"
	! grep -q "between.*chain" "$dir/launch.log" || fail "buffers passed between decoder and sink"
	check_sink "tunnelled video" video-sink-0 "$dir/v.md5" || fail "the sink's MD5s differ"
	gst-launch-1.0 -v filesrc location="$dir/a.mp2" ! mpegaudioparse ! \
		avbaudiodec tunnelled=true ! identity name=between silent=false ! avbaudiosink \
		>"$dir/launch.log" || fail "the tunnelled audio pipeline failed: $(tail -3 "$dir/launch.log")"
	! grep -q "between.*chain" "$dir/launch.log" || fail "buffers passed between decoder and sink"
	check_sink "tunnelled audio" audio-sink-0 "$dir/ref.md5" || fail "the sink's MD5s differ"
	;;
seek)
	"$seek_test" "$dir/v.mp4" || fail "the seek test failed"
	"$avbufctl" --json sink video-sink-0 >"$dir/sink.json"
	/usr/bin/python3 - "$dir/sink.json" "$dir/v.md5" <<'PY' || fail "the frames presented around the seek differ"
import json, sys
got = [f["md5"] for f in json.load(open(sys.argv[1]))]
ref = [l.split(",")[-1].strip() for l in open(sys.argv[2]) if l[0] != "#"]
k = len(got) - 25  # frames presented before the seek took effect
print("  %d frames presented before the seek, %d after" % (k, len(got) - k))
sys.exit(0 if 0 <= k <= 25 and got == ref[:k] + ref[25:] else 1)
PY
	;;
aac)
	"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 \
		-ac 2 -c:a aac -b:a 128k "$dir/a.m4a"
	"$ffmpeg" -nostdin -loglevel error -y -i "$dir/a.m4a" -f s16le -acodec pcm_s16le "$dir/aac.pcm"
	"$ffmpeg" -nostdin -loglevel error -y -i "$dir/a.m4a" -f framemd5 -acodec pcm_s16le "$dir/aac.md5"
	# filesink's default buffering keeps 64 KiB of buffers: 16 AAC frames of 4 KiB, the
	# whole frame pool, and the decoder waits for a free block for ever (see the report)
	timeout 60 gst-launch-1.0 -q filesrc location="$dir/a.m4a" ! qtdemux ! avbaudiodec ! \
		filesink buffer-mode=unbuffered location="$dir/out.pcm" || fail "the AAC pipeline failed"
	cmp "$dir/out.pcm" "$dir/aac.pcm" ||
		fail "the PCM ($(wc -c <"$dir/out.pcm") bytes) differs from ffmpeg's ($(wc -c <"$dir/aac.pcm") bytes)"
	echo "  $(($(wc -c <"$dir/out.pcm") / 4)) stereo samples, equal to ffmpeg's decode"
	gst-launch-1.0 -q filesrc location="$dir/a.m4a" ! qtdemux ! avbaudiodec ! avbaudiosink ||
		fail "the AAC sink pipeline failed"
	check_sink "AAC" audio-sink-0 "$dir/aac.md5" || fail "the sink's MD5s differ"
	;;
aac-nostall)
	# filesink keeps 64 KiB of buffers by default: 16 AAC frames of 4 KiB, as
	# many as the audio frame pool has. It takes ANY caps, so avbaudiodec
	# gives it plain memory copied out of the blocks, and must not stall.
	"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 \
		-ac 2 -c:a aac -b:a 128k "$dir/a.m4a"
	"$ffmpeg" -nostdin -loglevel error -y -i "$dir/a.m4a" -f s16le -acodec pcm_s16le "$dir/aac.pcm"
	timeout 60 gst-launch-1.0 -q filesrc location="$dir/a.m4a" ! qtdemux ! avbaudiodec ! \
		filesink location="$dir/out.pcm" || fail "the AAC pipeline into a buffering filesink stalled or failed"
	got=$(wc -c <"$dir/out.pcm") want=$(wc -c <"$dir/aac.pcm")
	[ "$got" -ge $((want - 4096)) ] || fail "only $got of ffmpeg's $want bytes of PCM"
	cmp -n "$got" "$dir/out.pcm" "$dir/aac.pcm" || fail "the PCM differs from ffmpeg's decode"
	# the MP4's segment ends at the track's duration: GstAudioDecoder clips the
	# padded last frame, for avdec_aac too (docs/gstreamer.md)
	echo "  $((got / 4)) stereo samples equal to ffmpeg's decode (ffmpeg: $((want / 4)))"
	;;
*) fail "unknown case $case" ;;
esac
i=0
while [ "$(heaps)" != "$before" ]; do # frames the HAL frees after a close come back soon
	i=$((i + 1))
	[ $i -lt 100 ] || fail "heaps used: $(heaps), at the start: $before"
	sleep 0.1
done
echo "  heaps back to their start ($before)"
echo "$case: ok"
