#!/bin/sh
# idl/ holds interface files, frozen API dumps and its meson.build only: a
# fuzzer once wrote its corpus there (libFuzzer writes new inputs into the
# first corpus directory it is given), and nothing noticed.
# Usage: idl-tree.sh IDL_DIR
set -eu
stray=$(find "$1" -type f ! -name '*.aidl' ! -name '*.api' ! -name meson.build)
if [ -n "$stray" ]; then
	echo "idl-tree: files that are not IDL in $1:" >&2
	echo "$stray" | head -n 20 >&2
	exit 1
fi
echo "idl-tree: $1 holds IDL only"
