#!/bin/sh
# Every C source and header of the tree laid out as .clang-format says,
# vendor/ included; aidlc's golden outputs are exempt (they are what aidlc
# writes, byte for byte). Usage: scripts/check-format.sh [SOURCE_ROOT]
# Exits 77 (skipped) without clang-format 14, Debian 12's: another version
# lays some lines out otherwise.
set -eu
root=${1:-.}
cd "$root"
if ! command -v clang-format >/dev/null 2>&1; then
	echo "check-format: clang-format is not installed"
	exit 77
fi
case $(clang-format --version) in
*" 14."*) ;;
*)
	echo "check-format: $(clang-format --version) is not version 14"
	exit 77
	;;
esac
if [ -d .git ] && command -v git >/dev/null 2>&1; then
	files=$(git ls-files '*.c' '*.h')
else
	files=$(find . -path './build*' -prune -o -path './.git' -prune -o \
		-name '*.[ch]' -print | sed 's|^\./||')
fi
list=$(printf '%s\n' $files | grep -v '^tests/codegen/golden/')
# One clang-format for all: a process per file costs more than the checking.
if ! out=$(printf '%s\n' "$list" | xargs clang-format --dry-run -Werror 2>&1); then
	printf '%s\n' "$out" | grep -o '^[^:]*\.[ch]:' | sort -u | while read -r f; do
		echo "check-format: ${f%:} differs from .clang-format (clang-format -i ${f%:})"
	done
	echo "check-format: fix with: clang-format -i FILE..."
	exit 1
fi
echo "check-format: $(printf '%s\n' "$list" | wc -l) files as .clang-format says"
