#!/bin/sh
# Make the decode tests' streams and reference hashes with Debian's ffmpeg,
# once per build directory (several tests may ask at once: flock).
# Usage: gen-streams.sh FFMPEG OUTDIR
set -eu
ffmpeg=$1 out=$2
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
gen lp160 160x120 1000 0 # more frame events than a listener's oneway queue holds
for s in v320 v720; do
        "$ffmpeg" -nostdin -loglevel error -y -i "$out/$s.h264" -pix_fmt yuv420p \
                -f framehash -hash SHA160 "$out/$s.sha1"
done
"$ffmpeg" -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1" \
        -ac 2 -c:a mp2 -b:a 192k "$out/a.mp2"
"$ffmpeg" -nostdin -loglevel error -y -i "$out/a.mp2" -c:a pcm_s16le -f framemd5 "$out/a.md5"
# the published decoder HALs' additions (decode_hal.c): a resolution change
# (320x240, then 640x480 from an IDR with new parameter sets; the reference is
# the two parts' framemd5 in turn, which is ffmpeg's -autoscale 0 decode of
# the whole), and p320 remuxed into MP4 (avcC, length-prefixed samples)
gen rc1 320x240 20
gen rc2 640x480 20
cat "$out/rc1.h264" "$out/rc2.h264" > "$out/rc.h264"
cat "$out/rc1.md5" "$out/rc2.md5" > "$out/rc.md5"
"$ffmpeg" -nostdin -loglevel error -y -framerate 25 -i "$out/p320.h264" -c copy "$out/p320.mp4"
touch "$stamp"
