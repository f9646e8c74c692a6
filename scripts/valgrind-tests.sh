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

echo "valgrind-tests: cases $*"
exec "$harness" \
	--servicemanager "$build/servicemanager/servicemanager" \
	--avbufferd "$build/server/avbufferd" \
	--profile "$src/tests/conformance/profile.yaml" \
	--waiter "$suite" \
	--wrapper "$vg" \
	--time-scale 10 --timeout 1500 \
	-- "$suite" --profile %PROFILE% --fresh --same-build \
	--time-scale 10 "$@"
