#!/bin/sh
# avbvideodec in real pipelines, against the avbufferd the harness started:
#   pipelines.sh FFMPEG WORKDIR CASE
# Streams are made here with ffmpeg (libx264), in MP4 and Matroska; the
# reference is ffmpeg's own decode of the same file as raw I420.
set -eu
ffmpeg=$1 work=$2 case=$3
prog=${4:+$(realpath "$4")} # case live: the test program
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

enc() { # out size frames [extra args]
        out=$1 size=$2 n=$3
        shift 3
        "$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "testsrc=size=$size:rate=25" \
                -frames:v "$n" -pix_fmt yuv420p -c:v libx264 -g 25 -bf 2 "$@" "$out"
}
ref() { # in out [pix_fmt]: ffmpeg's decode as raw frames
        "$ffmpeg" -nostdin -loglevel error -y -i "$1" ${3:+-pix_fmt $3} -f rawvideo "$2"
}
# decode IN with the pipeline between the demuxer and the raw output
decode() { # in demux out [decoder args]
        in=$1 demux=$2 out=$3
        shift 3
        rm -f "$out"
        timeout 120 gst-launch-1.0 -q filesrc location="$in" ! "$demux" ! h264parse ! \
                avbvideodec "$@" ! videoconvert ! video/x-raw,format=I420 ! \
                filesink location="$out" || fail "pipeline on $in ($demux) failed"
}
same() { # got want what
        cmp -s "$1" "$2" || fail "$3: output ($(wc -c < "$1") bytes) differs from ffmpeg's ($(wc -c < "$2") bytes)"
        echo "ok: $3 ($(wc -c < "$1") bytes equal to ffmpeg's)"
}

case $case in
sizes) # two sizes, one of them not a multiple of 16, in MP4 and Matroska
        for s in 320x240 360x200; do
                for c in mp4:qtdemux mkv:matroskademux; do
                        ext=${c%%:*} demux=${c#*:}
                        enc "s$s.$ext" "$s" 50
                        ref "s$s.$ext" "s$s.$ext.yuv" yuv420p
                        decode "s$s.$ext" "$demux" "out-$s.$ext.yuv"
                        same "out-$s.$ext.yuv" "s$s.$ext.yuv" "$s $ext"
                done
        done
        ;;
avc) # qtdemux straight into the decoder: stream-format avc, codec_data parsed by the HAL
        enc avc.mp4 320x240 50
        ref avc.mp4 avc.yuv yuv420p
        rm -f out-avc.yuv
        timeout 120 gst-launch-1.0 -q filesrc location=avc.mp4 ! qtdemux ! \
                video/x-h264,stream-format=avc ! avbvideodec ! videoconvert ! \
                video/x-raw,format=I420 ! filesink location=out-avc.yuv || fail "avc pipeline"
        same out-avc.yuv avc.yuv "avc from MP4"
        ;;
resolution-change) # 320x240 then 176x120 (coded 176x128) in one MP4 stream
        # no B-frames: the raw stream's made-up timestamps are then the real ones
        enc rc_a.h264 320x240 30 -bf 0
        enc rc_b.h264 176x120 20 -bf 0
        cat rc_a.h264 rc_b.h264 > rc.h264
        # (Matroska cannot take the raw stream's missing timestamps; MP4 can)
        "$ffmpeg" -nostdin -loglevel error -y -fflags +genpts -f h264 -framerate 25 -i rc.h264 \
                -c copy rc.mp4
        # each part decoded alone: ffmpeg would scale the second to the first's size
        ref rc_a.h264 rc_a.yuv yuv420p
        ref rc_b.h264 rc_b.yuv yuv420p
        cat rc_a.yuv rc_b.yuv > rc.yuv
        decode rc.mp4 qtdemux out-rc.yuv
        same out-rc.yuv rc.yuv "resolution change"
        ;;
secure-refused) # secure frames cannot go to system memory: refused at negotiation
        enc sec.mp4 320x240 10
        if out=$(timeout 120 gst-launch-1.0 filesrc location=sec.mp4 ! qtdemux ! h264parse ! \
                avbvideodec secure=true ! videoconvert ! video/x-raw,format=I420 ! \
                fakesink 2>&1); then
                fail "a secure decoder linked to system memory ran"
        fi
        echo "$out" | grep -q "not-negotiated\|negotiat" || fail "not refused at negotiation: $out"
        echo "ok: secure decoder to system memory refused at negotiation"
        ;;
live) # the gst-check program: GstHarness, seek and metrics
        enc live.h264 320x240 50
        ref live.h264 live.yuv yuv420p
        enc live.mp4 320x240 50
        CK_FORK=no exec "$prog" live.h264 live.yuv live.mp4
        ;;
inspect)
        gst-inspect-1.0 avbuffer | grep -q avbvideodec || fail "gst-inspect does not list avbvideodec"
        gst-inspect-1.0 avbvideodec | grep -q "memory:AVBuffer" || fail "no memory:AVBuffer caps"
        echo "ok: gst-inspect-1.0 shows avbvideodec"
        ;;
*)
        fail "unknown case $case"
        ;;
esac
