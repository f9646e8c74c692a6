#!/bin/sh
# Compiles what aidlc generates the way a project that includes it would:
# every .proto through protoc-c, every generated C file with each compiler
# (gcc and clang when present) under -std=c11 -Wall -Wextra -Werror and no
# feature macros, so generated code relies on nothing beyond C11 and the
# runtime's headers.
#
#   gen-compile.sh AIDLC PROTOC_C SRCROOT BUILDROOT OUTDIR IDLROOT FILE...
#
# IDLROOT may list several import roots, separated by ':'.
# SRCROOT/include and SRCROOT/stubs give <avbuffer/...> and avb_wire.proto,
# BUILDROOT/stubs avb_wire.pb-c.h. Prints the counts; exits 1 if anything
# failed (the failures are printed first).
set -u

if [ $# -lt 7 ]; then
        echo "usage: $0 AIDLC PROTOC_C SRCROOT BUILDROOT OUTDIR IDLROOT FILE..." >&2
        exit 2
fi
aidlc=$1 protoc=$2 src=$3 build=$4 out=$5 root=$6
shift 6
mkdir -p "$out"
status=0

roots=""
for r in $(echo "$root" | tr ':' ' '); do
        roots="$roots -I $r"
done
# shellcheck disable=SC2086
if ! "$aidlc" $roots -o "$out" "$@" >"$out/aidlc.log" 2>&1; then
        cat "$out/aidlc.log"
        echo "aidlc: refused the $# files (see above)"
        exit 1
fi
echo "aidlc: accepted $# files"

protos=0 protos_ok=0
for p in "$out"/*.proto; do
        protos=$((protos + 1))
        if protoc_out=$("$protoc" --proto_path="$out" --proto_path="$src/stubs" \
                --proto_path="$build/idl" --c_out="$out" \
                "$p" 2>&1) && [ -z "$protoc_out" ]; then
                protos_ok=$((protos_ok + 1))
        else
                echo "protoc-c: $p: $protoc_out"
                status=1
        fi
done
echo "protoc-c: $protos_ok of $protos protos accepted"

pbc_flags=$(pkg-config --cflags libprotobuf-c 2>/dev/null || true)
for cc in gcc clang; do
        command -v "$cc" >/dev/null 2>&1 || continue
        n=0 ok=0
        for c in "$out"/*.c; do
                case $c in *.pb-c.c) continue ;; esac
                n=$((n + 1))
                # shellcheck disable=SC2086
                if "$cc" -std=c11 -Wall -Wextra -Werror -c -o /dev/null $pbc_flags \
                        -I "$src/include" -I "$build/stubs" -I "$build/idl" -I "$out" "$c" 2>"$out/cc.log"; then
                        ok=$((ok + 1))
                else
                        head -20 "$out/cc.log"
                        status=1
                fi
        done
        echo "$cc -std=c11: $ok of $n generated C files compile"
done
exit $status
