#!/bin/sh
# Make the decode tests' streams and reference hashes with Debian's ffmpeg,
# once per build directory (several tests may ask at once: flock).
# Usage: gen-streams.sh FFMPEG OUTDIR (ffprobe and python3 beside them)
#
# Streams for the VPU-level tests (tests/vendor/test_softvpu.c), which the
# decode proofs of the published HALs (decode_hal.c) use too:
#   rc.h264       320x240 (BT.709, limited range, SAR 1:1, 25 fps) then
#                 176x120 (coded 176x128: cropped; SMPTE 170M, full range,
#                 SAR 12:11, 30 fps), Annex B concatenation; references
#                 rc_a.md5 then rc_b.md5 (both in rc.md5), ffprobe's view of
#                 each in rc_?.probe
#   m320.mp4      H.264 in MP4; m320.avcc is its avcC record and m320.samples
#                 its samples (length-prefixed NAL units), taken out by
#                 extract-samples.py; reference m320.md5, m320.probe
#   a.aac         AAC in ADTS; a_raw.asc + a_raw.samples the same access
#                 units without ADTS and their AudioSpecificConfig; aac.md5
#   ud.h264       carries SEI user data: libx264's user_data_unregistered
#                 (its settings, on the first IDR) and an A/53 caption SEI we
#                 put in front of it (ud.cc: the bytes the VPU must give back)
set -eu
ffmpeg=$1 out=$2
ffprobe=$(dirname "$ffmpeg")/ffprobe
[ -x "$ffprobe" ] || ffprobe=ffprobe
here=$(dirname "$0")
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
# the stamp changes with this script, so a new stream is never missing
stamp="$out/done-$(cksum < "$0" | cut -d" " -f1)"
[ -f "$stamp" ] && exit 0
gen() { # name size frames [B-frames]
        "$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "testsrc=size=$2:rate=25" \
                -frames:v "$3" -pix_fmt yuv420p -c:v libx264 -g 25 -bf "${4:-2}" "$out/$1.h264"
        "$ffmpeg" -nostdin -loglevel error -y -i "$out/$1.h264" -pix_fmt yuv420p \
                -f framemd5 "$out/$1.md5"
}
gen v320 320x240 50
# long enough that the frames the firmware can hold are a small part of it
gen l320 320x240 250
gen v720 1280x720 30
gen one720 1280x720 1
gen p320 320x240 50 0 # no B-frames: decode order is presentation order (paced sinks)
"$ffmpeg" -nostdin -loglevel error -y -i "$out/p320.h264" -f yuv4mpegpipe "$out/p320.y4m"
gen lp160 160x120 1000 0 # more frame events than a listener's oneway queue holds
for s in v320 v720; do
        "$ffmpeg" -nostdin -loglevel error -y -i "$out/$s.h264" -pix_fmt yuv420p \
                -f framehash -hash SHA160 "$out/$s.sha1"
done
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1" \
        -ac 2 -c:a mp2 -b:a 192k "$out/a.mp2"
"$ffmpeg" -nostdin -loglevel error -y -i "$out/a.mp2" -c:a pcm_s16le -f framemd5 "$out/a.md5"
"$ffmpeg" -nostdin -loglevel error -y -i "$out/a.mp2" -f s16le "$out/a.s16" # asink-wav
# av.h264 + av.mp2: one 10 s programme (25 fps picture, 440 Hz sound) on one
# timeline, as two elementary streams (the A/V sync proof, audio_sink_test.c)
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -t 10 -i "testsrc=size=320x240:rate=25" \
        -f lavfi -t 10 -i "sine=frequency=440:sample_rate=48000" \
        -map 0:v -pix_fmt yuv420p -c:v libx264 -g 25 -bf 0 "$out/av.h264" \
        -map 1:a -ac 2 -c:a mp2 -b:a 192k "$out/av.mp2"
"$ffmpeg" -nostdin -loglevel error -y -i "$out/av.h264" -pix_fmt yuv420p -f framemd5 "$out/av.md5"
"$ffmpeg" -nostdin -loglevel error -y -i "$out/av.mp2" -c:a pcm_s16le -f framemd5 "$out/ava.md5"
probe() { # file out
        "$ffprobe" -v error -select_streams v:0 -show_entries \
                stream=width,height,coded_width,coded_height,sample_aspect_ratio,r_frame_rate,bits_per_raw_sample,field_order,color_range,color_space,color_transfer,color_primaries \
                -of default=nw=1 "$1" > "$2"
}
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "testsrc=size=320x240:rate=25" -frames:v 30 \
        -pix_fmt yuv420p -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
        -c:v libx264 -g 25 -bf 2 "$out/rc_a.h264"
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "testsrc=size=176x120:rate=30" -frames:v 20 \
        -vf setsar=12/11 -pix_fmt yuv420p -color_primaries smpte170m -color_trc smpte170m \
        -colorspace smpte170m -color_range pc -c:v libx264 -g 25 -bf 2 "$out/rc_b.h264"
for p in rc_a rc_b; do
        # no -pix_fmt: a full-range stream decodes to yuvj420p, the same bytes
        "$ffmpeg" -nostdin -loglevel error -y -i "$out/$p.h264" -f framemd5 "$out/$p.md5"
        probe "$out/$p.h264" "$out/$p.probe"
done
cat "$out/rc_a.h264" "$out/rc_b.h264" > "$out/rc.h264"
cat "$out/rc_a.md5" "$out/rc_b.md5" > "$out/rc.md5" # decode_hal.c's reference
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "testsrc=size=320x240:rate=25" -frames:v 50 \
        -pix_fmt yuv420p -c:v libx264 -g 25 -bf 2 -f mp4 "$out/m320.mp4"
"$ffmpeg" -nostdin -loglevel error -y -i "$out/m320.mp4" -pix_fmt yuv420p -f framemd5 "$out/m320.md5"
probe "$out/m320.mp4" "$out/m320.probe"
python3 "$here/extract-samples.py" mp4 "$out/m320.mp4" "$out/m320"
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1" \
        -ac 2 -c:a aac -b:a 128k -f adts "$out/a.aac"
"$ffmpeg" -nostdin -loglevel error -y -i "$out/a.aac" -c:a pcm_s16le -f framemd5 "$out/aac.md5"
python3 "$here/extract-samples.py" adts "$out/a.aac" "$out/a_raw"
# SEI (type 6), user_data_registered_itu_t_t35 (4), 17 bytes: USA, ATSC,
# 'GA94', cc_data with two triplets; then the rbsp stop bit
printf '\000\000\000\001\006\004\021\265\000\061GA94\003\102\377\374\224\054\374\200\200\377\200' \
        > "$out/ud.h264"
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "testsrc=size=160x120:rate=25" -frames:v 10 \
        -pix_fmt yuv420p -c:v libx264 -g 25 -bf 0 -f h264 - >> "$out/ud.h264"
printf 'GA94\003\102\377\374\224\054\374\200\200\377' > "$out/ud.cc"
touch "$stamp"
