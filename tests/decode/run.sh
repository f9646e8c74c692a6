#!/bin/sh
# One decode case: make the streams (once), then run the case against fresh
# servers. Usage: run.sh GEN FFMPEG STREAMS HARNESS [HARNESS ARGS...] -- TEST CASE
set -eu
gen=$1 ffmpeg=$2 streams=$3
shift 3
"$gen" "$ffmpeg" "$streams"
exec "$@" "$streams"
