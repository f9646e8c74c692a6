#!/bin/sh
# One entry point for a fresh Debian 12 machine (run as root):
#   scripts/quickstart.sh demo   install what is missing, build, run the demo
#   scripts/quickstart.sh test   install what is missing, build, run every test
# Builds go to build/ (gcc); the tests also use build-clang/, build-fuzz/,
# build-asan/ and build-nodebug/. Every build but the fuzz one has the decode
# path (-Ddecode=enabled: decoder services and the softvpu firmware, which
# decodes with libavcodec), so a missing library fails the set-up instead of
# silently leaving the decode suite out.
set -eu

cd "$(dirname "$0")/.."

PACKAGES="meson ninja-build pkg-config gcc g++ clang clang-format libc6-dev
protobuf-c-compiler libprotobuf-c-dev libnanomsg-dev libsodium-dev
libcmocka-dev libyaml-dev nettle-dev valgrind python3 procps systemd
libdbus-1-dev dbus gnuplot-nox libavcodec-dev libavutil-dev ffmpeg
python3-dev python3-numpy python3-pytest
libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools
gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
gstreamer1.0-libav"

install_missing() {
	missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "quickstart: installing$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: need root to install packages (or install them yourself):$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
}

setup() { # DIR [meson options...]
	dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@"
	fi
}

cmd=${1:-}
case "$cmd" in
demo)
	install_missing
	setup build -Ddecode=enabled -Dgst=enabled
	ninja -C build
	exec ./scripts/demo.sh build
	;;
test)
	install_missing
	start=$(date +%s)
	setup build -Ddecode=enabled -Dgst=enabled
	ninja -C build
	meson test -C build --print-errorlogs --num-processes 2
	# The suites that talk to a daemon, again on the unix transport.
	meson test -C build --setup unix --print-errorlogs --num-processes 2 \
		--suite rpc --suite conformance --suite tools --suite decode --suite hostile \
		--suite servicemanager --suite python --suite halcf --suite gst
	t1=$(date +%s)
	# clang: the warning check of everything, then the libFuzzer targets
	# (a build of their own: fuzz builds instrument every library), run briefly.
	CC=clang setup build-clang -Ddecode=enabled -Dgst=enabled
	ninja -C build-clang
	# No decode path in the fuzz build: neither target reaches the decoder
	# services (fuzz_dispatch drives the three IAVBuffer objects in process)
	# and only the two targets are built.
	CC=clang setup build-fuzz -Dfuzz=true -Ddecode=disabled
	ninja -C build-fuzz tests/codegen/fuzz_parser tests/fuzz/fuzz_dispatch
	for f in tests/codegen/fuzz_parser tests/fuzz/fuzz_dispatch; do
		work=$(mktemp -d /tmp/avbuffer-fuzz.XXXXXX)
		mkdir "$work/corpus"
		echo "quickstart: fuzzing $f for ${FUZZ_SECONDS:-30}s"
		if ! "build-fuzz/$f" -max_total_time="${FUZZ_SECONDS:-30}" \
			-artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1; then
			tail -n 40 "$work/log"
			echo "quickstart: $f found a failure; input kept in $work" >&2
			exit 1
		fi
		grep -E 'DONE +cov|^Done [0-9]+ runs' "$work/log" || true
		rm -rf "$work"
	done
	t2=$(date +%s)
	setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Ddecode=enabled
	ninja -C build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --num-processes 2
	t3=$(date +%s)
	# The whole conformance suite under valgrind memcheck.
	./scripts/valgrind-tests.sh build '*'
	t4=$(date +%s)
	# The debug API switched off: those methods must raise
	# EX_UNSUPPORTED_OPERATION, and everything else must still conform.
	setup build-nodebug -Ddebug_api=false -Ddecode=enabled
	ninja -C build-nodebug
	meson test -C build-nodebug --print-errorlogs --num-processes 2 \
		--suite conformance --suite server --suite tools --suite decode
	t5=$(date +%s)
	echo "quickstart: gcc build+tests $((t1 - start))s, clang build+fuzz $((t2 - t1))s," \
		"asan+ubsan build+tests $((t3 - t2))s, valgrind $((t4 - t3))s," \
		"debug API off $((t5 - t4))s"
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
