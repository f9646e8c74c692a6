#!/bin/sh
# Runs the conformance suite with avbufferd, the service manager and the
# suite itself (and every helper process it starts) under valgrind memcheck,
# against fresh servers on a private socket directory.
#
#   scripts/valgrind-tests.sh BUILD_DIR [CASE-PATTERN...]
#
# Fails on any memcheck error or definite leak in any of those processes
# (valgrind exits 99, which the harness reports), on any failing case, and
# when a server does not exit 0 on SIGTERM. Valgrind is slow, so by default
# a subset runs that still touches every method, both heaps, the helper
# library, listeners, several client processes, a client killed with -9 and
# a server restart; name patterns to run others ('*' for all).
#
# When the build has the decode path (tests/decode), the decode cases run
# afterwards: avbufferd under valgrind, while two processes run natively:
# the softvpu firmware (avb-softvpu, a child of avbufferd that only runs
# libavcodec) and the decode client. The client links libavcodec, whose
# dependency libhwy runs an instruction at load time that valgrind 3.19
# does not know (SIGILL), so it is started through env and skipped.
# The v4l2-fake cases run the test-only avbufferd-fake-v4l2 (the v4l2
# backend on the fake decoder of tests/vendor) under valgrind instead.
# AVB_VALGRIND_DECODE="CASE..." names other decode cases;
# AVB_VALGRIND_DECODE=none runs none.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [CASE-PATTERN...]" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
shift
src=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind-tests: valgrind is not installed" >&2
	exit 1
fi
suite=$build/tests/conformance/avbuffer-conformance
harness=$build/tests/conformance/avbuffer-test-harness
for f in "$suite" "$harness" "$build/servicemanager/servicemanager" "$build/server/avbufferd"; do
	if [ ! -x "$f" ]; then
		echo "valgrind-tests: $f is missing (build $build first)" >&2
		exit 1
	fi
done

if [ $# -eq 0 ]; then
	set -- 'HAL.AVBUF.*' 'interface.*' 'createPool.null-listener-null-pointer' \
		'createPool.secure-unconfigured-illegal-state' 'destroyPool.*' 'alloc.*' \
		'trimSize.*' 'notifyWhenSpaceAvailable.fires-when-room-appears' \
		'notifyWhenSpaceAvailable.right-pool-listener' 'fragmentation.spec-table' \
		'calculateSHA1.*' 'pipeline.secure-audio-video' 'clients.buffer-crosses-processes' \
		'clients.death-reclaims-pools' 'server-death.*'
fi

vg="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
vg="$vg --show-leak-kinds=definite --trace-children=yes --child-silent-after-fork=yes"
vg="$vg --track-fds=no --num-callers=30"

# The secure heap's copier process runs natively, like the firmware: it is
# a memcpy loop, and valgrind's own system calls would break its seccomp filter.
export AVB_HEAP_COPIER="$build/vendor/avb-heap-copier"
echo "valgrind-tests: cases $*"
"$harness" \
	--servicemanager "$build/servicemanager/servicemanager" \
	--avbufferd "$build/server/avbufferd" \
	--profile "$src/tests/conformance/profile.yaml" \
	--waiter "$suite" \
	--wrapper "$vg --trace-children-skip=*avb-softvpu*,*avb-heap-copier*" \
	--time-scale 10 --timeout 1500 \
	-- "$suite" --profile %PROFILE% --fresh --same-build \
	--time-scale 10 "$@"

# ---- the decode path ----------------------------------------------------------
decode=$build/tests/decode/avb-decode-test
firmware=$build/vendor/avb-softvpu
if [ ! -x "$decode" ] || [ ! -x "$firmware" ] || [ "${AVB_VALGRIND_DECODE:-}" = none ]; then
	echo "valgrind-tests: no decode path in $build: decode cases skipped"
	exit 0
fi
# Every decode case (the list: tests/decode/meson.build): about 40 s in all
# on the 2-core machine.
# Not here: decode-sink-clock and decode-avsync, which measure presentation
# times against the AV clock (memcheck slows avbufferd tens of times, so a
# frame would be late by valgrind, not by the sink); both run in the gcc and
# ASan builds.
cases=${AVB_VALGRIND_DECODE:-"md5-320 md5-720 secure states backpressure flush corrupt
kill-firmware stall-firmware kill-client audio-mp2 concurrent pipeline speed tunnelled stopped-client
resolution-change eos avcc user-data properties stale-controller
sink sink-secure sink-tunnelled sink-discard sink-kill sink-stale sink-y4m
asink asink-secure asink-kill
v4l2-fake v4l2-fake-dmabuf"}
streams=$build/tests/decode/streams
"$src/tests/decode/gen-streams.sh" "$(command -v ffmpeg)" "$streams"
export AVB_SOFTVPU_FIRMWARE="$firmware" AVB_PIPELINE_EXE="$build/examples/avbuffer-pipeline"
for c in $cases; do
	echo "valgrind-tests: decode case $c"
	avbd=$build/server/avbufferd profile=$src/tests/decode/profile.yaml
	client=$decode extra=""
	case $c in
	v4l2-fake*)
		avbd=$build/tests/decode/avbufferd-fake-v4l2
		profile=$src/tests/decode/profile-$c.yaml
		;;
	sink-y4m) client=$build/tests/decode/avb-sink-test extra=%PROFILE% ;;
	sink*) client=$build/tests/decode/avb-sink-test ;;
	asink*) client=$build/tests/decode/avb-audio-sink-test ;;
	esac
	"$harness" \
		--servicemanager "$build/servicemanager/servicemanager" \
		--avbufferd "$avbd" \
		--profile "$profile" \
		--waiter "$suite" \
		--wrapper "$vg --trace-children-skip=*avb-softvpu*,*avb-heap-copier*,*avb-decode-test*,*avb-sink-test*,*avb-audio-sink-test*" \
		--timeout 300 \
		-- env "$client" "$c" $extra "$streams"
done
echo "valgrind-tests: decode cases ok"
