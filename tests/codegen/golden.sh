#!/bin/sh
# Golden tests of aidlc's emitters.
#
#   golden.sh check  AIDLC   regenerate tests/codegen/idl into a temporary
#                            directory and diff it against golden/ (fails
#                            with the diff when they differ)
#   golden.sh update AIDLC   replace golden/ with what AIDLC generates now
#
# Review the diff of an update like code: it is what every user of the
# generated code will see.
set -eu

if [ $# -ne 2 ] || { [ "$1" != check ] && [ "$1" != update ]; }; then
        echo "usage: $0 check|update AIDLC" >&2
        exit 2
fi
mode=$1
aidlc=$2
case $aidlc in
/*) ;;
*) aidlc=$(pwd)/$aidlc ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

files=$(cd "$here/idl" && find . -name '*.aidl' | LC_ALL=C sort)
# shellcheck disable=SC2086
# test.rt imports android.hardware.common from the project's idl/
(cd "$here/idl" && "$aidlc" -I . -I "$here/../../idl" -o "$tmp/out" $files)

case $mode in
update)
        rm -rf "$golden"
        mkdir -p "$golden"
        cp "$tmp"/out/* "$golden"/
        echo "golden files updated in $golden"
        ;;
check)
        if ! diff -ru "$golden" "$tmp/out"; then
                echo "generated code differs from $golden (run: $0 update $aidlc)" >&2
                exit 1
        fi
        ;;
esac
