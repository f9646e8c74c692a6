#!/bin/sh
# Checks aidlc against the published RDK HAL interface set (a checkout of
# github.com/rdkcentral/rdk-halif-aidl, never copied into this tree), as
# issue 10 asks:
#   - every .aidl of every component's current/ tree, in one aidlc run (and
#     file by file, to count the files accepted);
#   - every generated .proto through protoc-c, every generated C file with gcc
#     and clang under -std=c11 -Wall -Wextra -Werror (gen-compile.sh);
#   - the versioning example's frozen versions through --dumpapi/--checkapi,
#     each version against the next, ending with current/;
#   - the packages avbuffer implements (com.rdk.hal, its avbuffer,
#     videodecoder, audiodecoder, and the sinks and clock avclock, audiosink,
#     videosink): --dumpapi of idl/ equals --dumpapi of
#     the published current/ files.
#
#   rdk-check.sh AIDLC PROTOC_C SRCROOT BUILDROOT RDKDIR [WORKDIR]
#
# Not part of CI (the files cannot be in this tree); run it by hand, e.g.
#   tests/codegen/rdk-check.sh build/codegen/aidlc protoc-c $PWD $PWD/build \
#           /path/to/rdk-halif-aidl
# An empty RDKDIR skips (exit 77). Prints counts; exits 1 when anything is
# refused.
set -u

if [ $# -lt 5 ]; then
        echo "usage: $0 AIDLC PROTOC_C SRCROOT BUILDROOT RDKDIR [WORKDIR]" >&2
        exit 2
fi
aidlc=$1 protoc=$2 src=$3 build=$4 rdk=$5
if [ -z "$rdk" ]; then
        echo "RDK_HALIF_AIDL is not set: skipped"
        exit 77
fi
work=${6:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
status=0

# android.hardware.common (NativeHandle, fmq.MQDescriptor, ...) is not in the
# RDK tree: the RDK files import it from AOSP, ours is in idl/android (alone
# on the path: idl/com/rdk would stand beside the RDK's own com.rdk.hal).
mkdir -p "$work/common"
ln -s "$src/idl/android" "$work/common/android"
roots="-I $work/common"
for d in "$rdk"/*/current; do
        [ -d "$d" ] && roots="$roots -I $d"
done
colon_roots=$(echo $roots | sed 's/-I //g; s/ /:/g')
files=$(find "$rdk"/*/current -name '*.aidl' | LC_ALL=C sort)
total=$(echo "$files" | wc -l)

# File by file: how many are accepted on their own (imports resolved).
ok=0
for f in $files; do
        # shellcheck disable=SC2086
        if "$aidlc" $roots -o "$work/one" "$f" >"$work/one.log" 2>&1; then
                ok=$((ok + 1))
        else
                { grep -m1 " error: " "$work/one.log" || sed -n 1p "$work/one.log"; } \
                        >>"$work/refused.log"
        fi
done
echo "aidlc: $ok of $total current/ files accepted one by one"
if [ -s "$work/refused.log" ]; then
        echo "first diagnostics of refused files (by frequency of message):"
        sed 's/^[^ ]*: //' "$work/refused.log" | sort | uniq -c | sort -rn | head -15
        status=1
fi

# One run over every file, then protoc-c and the compilers.
# shellcheck disable=SC2086
if "$aidlc" $roots -o "$work/all" $files >"$work/all.log" 2>&1; then
        echo "aidlc: all $total files accepted in one run"
        # shellcheck disable=SC2086
        # with the android.hardware.common types they import, generated too
        common=$(find -L "$work/common" -name '*.aidl' | LC_ALL=C sort)
        # shellcheck disable=SC2086
        "$here/gen-compile.sh" "$aidlc" "$protoc" "$src" "$build" "$work/gen" "$colon_roots" \
                $files $common >"$work/gen.log" 2>&1 || status=1
        grep -v '^aidlc: accepted' "$work/gen.log"
else
        echo "aidlc: the one run over all $total files failed:"
        head -5 "$work/all.log"
        status=1
        # Still count protos and C files, component by component.
        for d in "$rdk"/*/current; do
                cf=$(find "$d" -name '*.aidl')
                [ -n "$cf" ] || continue
                # shellcheck disable=SC2086
                "$here/gen-compile.sh" "$aidlc" "$protoc" "$src" "$build" \
                        "$work/comp/$(basename "$(dirname "$d")")" "$colon_roots" $cf 2>&1 |
                        grep -E '^(protoc-c|gcc|clang).*: [0-9]+ of' >>"$work/counts.log"
        done
        if [ -s "$work/counts.log" ]; then
                awk '{split($0, p, ": "); split(p[2], q, " "); ok[p[1]] += q[1];
                      n[p[1]] += q[3]} END {for (k in ok) print k ": " ok[k] " of " n[k] \
                      " (components aidlc accepts whole)"}' "$work/counts.log" | sort
        fi
fi

# The versioning example: each frozen version against the next, then current.
ex=$rdk/examples/aidl_versioning/stable/versioned_aidl
checked=0 passed=0
if [ -d "$ex" ]; then
        for m in "$ex"/*/; do
                prev=""
                for v in $(cd "$m" && ls | grep -E '^[0-9]+$' | sort -n) current; do
                        vf=$(find "$m$v" -name '*.aidl' | LC_ALL=C sort)
                        # The modules name each other's types fully qualified:
                        # the others' current/ trees resolve them.
                        others=""
                        for o in "$ex"/*/current; do
                                [ "$o" = "${m}current" ] || others="$others -I $o"
                        done
                        # shellcheck disable=SC2086
                        if ! "$aidlc" -I "$m$v" $others --dumpapi "$work/api-$(basename "$m")-$v" \
                                $vf >"$work/dump.log" 2>&1; then
                                echo "dumpapi $(basename "$m")/$v:"
                                head -3 "$work/dump.log"
                                status=1
                                prev=""
                                continue
                        fi
                        if [ -n "$prev" ]; then
                                checked=$((checked + 1))
                                if "$aidlc" --checkapi "$prev" "$work/api-$(basename "$m")-$v" \
                                        >"$work/check.log" 2>&1; then
                                        passed=$((passed + 1))
                                else
                                        echo "checkapi $(basename "$m") -> $v:"
                                        head -3 "$work/check.log"
                                        status=1
                                fi
                        fi
                        prev=$work/api-$(basename "$m")-$v
                done
        done
fi
echo "checkapi: $passed of $checked version steps of the versioning example compatible"

# The published packages avbuffer serves: the same canonical API, type for type.
same=0 differ=0
for c in common avbuffer videodecoder audiodecoder avclock audiosink videosink; do
        pub=$(find "$rdk/$c/current" -name '*.aidl' | LC_ALL=C sort)
        pkg=$(echo "$pub" | head -1 | sed "s|^$rdk/$c/current/||; s|/[^/]*\.aidl$||")
        ours=$(find "$src/idl/$pkg" -maxdepth 1 -name '*.aidl' | LC_ALL=C sort)
        # shellcheck disable=SC2086
        if "$aidlc" $roots --dumpapi "$work/pub-$c.api" $pub >"$work/pubdump.log" 2>&1 &&
                "$aidlc" -I "$src/idl" --dumpapi "$work/our-$c.api" $ours \
                        >"$work/ourdump.log" 2>&1 &&
                cmp -s "$work/pub-$c.api" "$work/our-$c.api"; then
                same=$((same + 1))
        else
                differ=$((differ + 1))
                echo "published API of $pkg differs from idl/$pkg:"
                cat "$work/pubdump.log" "$work/ourdump.log" | head -3
                diff "$work/pub-$c.api" "$work/our-$c.api" | head -10
                status=1
        fi
done
echo "published API: $same of $((same + differ)) packages avbuffer serves equal to idl/"
exit $status
