#!/bin/sh
# Installs the build into a scratch root, builds tests/install/client.c
# against the installed pkg-config files the way a pipeline element's
# author would, and runs it: with no service manager it must say so and
# exit 3; with the installed daemons running it must read heap metrics.
# Usage: test-install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
root=$(mktemp -d /tmp/avbuffer-install.XXXXXX)
sock=$(mktemp -d /tmp/avbuffer-install-sock.XXXXXX)
pids=
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$root" "$sock"
}
trap cleanup EXIT

meson install -C "$build" --destdir "$root" --no-rebuild >/dev/null
prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
pcdir=$(find "$root$prefix" -name avbufferhelper.pc -printf '%h\n' | head -n1)
[ -n "$pcdir" ] || { echo "avbufferhelper.pc was not installed" >&2; exit 1; }
for f in include/avbuffer/rpc.h include/avbuffer/helper.h include/avbuffer/helper.hpp; do
	[ -f "$root$prefix/$f" ] || { echo "missing $prefix/$f" >&2; exit 1; }
done
test -f "$root$prefix/lib/systemd/system/hal-av_buffer.service"
find "$root" -name avbuffer.yaml | grep -q .
find "$root" -name service_contexts | grep -q .

# The units must pass systemd-analyze verify; their paths are rewritten into
# the scratch root so the binaries they start are found.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$root/units"
	for u in hal-av_buffer.service avbuffer-servicemanager.service; do
		sed "s#$prefix/#$root$prefix/#g" "$root$prefix/lib/systemd/system/$u" >"$root/units/$u"
	done
	(cd "$root/units" && systemd-analyze verify ./avbuffer-servicemanager.service \
		./hal-av_buffer.service)
	grep -q '^Requires=avbuffer-servicemanager.service' "$root/units/hal-av_buffer.service"
	echo "systemd-analyze verify: units ok"
else
	echo "systemd-analyze not available: units not verified"
fi

export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$root"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$root/client" "$src/tests/install/client.c" \
	$(pkg-config --cflags --libs avbufferhelper)
# shellcheck disable=SC2046
c++ -std=c++17 -Wall -Wextra -Werror -o "$root/client-cxx" "$src/tests/install/client.cpp" \
	$(pkg-config --cflags --libs avbufferhelper)
libdir=$(dirname "$pcdir")
export LD_LIBRARY_PATH="$libdir" AVB_SOCKET_DIR="$sock"

rc=0
"$root/client" || rc=$?
[ "$rc" -eq 3 ] || { echo "client without a service manager exited $rc, want 3" >&2; exit 1; }

# The installed policy lets root register avbufferd's names; this uid's own one:
sed "s/user:root/user:$(id -u)/" "$src/config/service_contexts" >"$root/service_contexts"
"$root$prefix/sbin/servicemanager" --policy "$root/service_contexts" & pids="$pids $!"
"$root$prefix/sbin/avbufferd" & pids="$pids $!"
i=0
until "$root/client" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "installed client never reached the installed service" >&2; exit 1; }
	sleep 0.1
done
"$root/client"
"$root/client-cxx"

# The Python module, where Debian's interpreter looks under this prefix.
if [ -x /usr/bin/python3 ] && ls "$build"/python/avbuffer*.so >/dev/null 2>&1; then
	pydir=$(/usr/bin/python3 -c 'import sys, sysconfig
p = sys.argv[1]
print("/usr/lib/python3/dist-packages" if p == "/usr" else
      "%s/lib/python%s/dist-packages" % (p, sysconfig.get_python_version()))' "$prefix")
	/usr/bin/python3 -c 'import sys; assert sys.argv[1] in sys.path, sys.path' "$pydir" ||
		[ "$prefix" != /usr/local ] || { echo "$pydir is not on the path" >&2; exit 1; }
	ls "$root$pydir"/avbuffer*.so >/dev/null ||
		{ echo "the avbuffer module is not in $pydir" >&2; exit 1; }
	PYTHONPATH="$root$pydir" /usr/bin/python3 -c 'import avbuffer
with avbuffer.connect() as s:
    print("installed python module: heap", s.heap_metrics())'
fi
