#!/bin/sh
# avbufctl as a caller the profile does not trust (tests/tools/
# profile-untrusted.yaml): reading the media graph is allowed; changing a
# link or a pad format, or draining a sink's records, is EX_SECURITY and
# changes nothing. Usage: test-avbufctl-untrusted.sh AVBUFCTL
set -eu
ctl=$1
out=/tmp/avbufctl-untrusted.$$
fail() { cat "$out" >&2 2>/dev/null || true; echo "FAIL: $*" >&2; exit 1; }
refused() { # CMD...: exit 1 with EX_SECURITY
	set +e; "$ctl" "$@" >"$out" 2>&1; got=$?; set -e
	[ "$got" -eq 1 ] || fail "'$*' exited $got, want 1"
	grep -q "EX_SECURITY" "$out" || fail "'$*' should be refused with EX_SECURITY"
}
"$ctl" graph >"$out" || fail "graph (read-only) should be allowed"
grep -q -- '-> "video-sink-0":0 \[\]' "$out" || fail "graph: the tunnel link should be disabled"
refused link video-decoder-0:3 video-sink-0:0 on
refused format video-sink-0:0 NV12
refused sink video-sink-0
"$ctl" graph >"$out" || fail "graph"
grep -q -- '-> "video-sink-0":0 \[\]' "$out" || fail "a refused link change changed the link"
grep -q 'fmt:NV12' "$out" && fail "a refused format change changed the pad"
rm -f "$out"
echo "avbufctl (untrusted): all checks passed"
