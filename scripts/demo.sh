#!/bin/sh
# Runs the main job from a build directory: the service manager, avbufferd
# and the media-pipeline demo, in a private socket directory, then stops
# the daemons cleanly.  Usage: scripts/demo.sh [BUILD_DIR] [FRAMES]
set -eu
build=${1:-build}
frames=${2:-600}
dir=$(mktemp -d /tmp/avbuffer-demo.XXXXXX)
export AVB_SOCKET_DIR="$dir"
sm= avbd=
cleanup() {
	[ -n "$avbd" ] && kill -TERM "$avbd" 2>/dev/null && wait "$avbd" 2>/dev/null || true
	[ -n "$sm" ] && kill -TERM "$sm" 2>/dev/null && wait "$sm" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

echo "== starting servicemanager and avbufferd in $dir"
"$build/servicemanager/servicemanager" --log-level info &
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
echo "== media pipeline: app-source -> cdm -> decoder, $frames audio and $frames video frames"
"$build/examples/avbuffer-pipeline" --frames "$frames"
echo
"$build/tools/avbufctl" pools
"$build/tools/avbufctl" heaps
