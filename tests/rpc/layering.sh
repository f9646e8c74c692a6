#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails when the runtime's files call each other in a circle: every call
# from one object of the library to a function defined in another is an
# edge, and tsort refuses a graph with a loop. Usage: layering.sh LIBRARY.a
set -eu

lib=$1
edges=$(nm -A "$lib" | awk '
        { split($1, f, ":"); obj = f[2] }
        $(NF-1) == "T" { def[$NF] = obj; next }
        $(NF-1) == "U" { n++; uobj[n] = obj; usym[n] = $NF }
        END {
                for (i = 1; i <= n; i++)
                        if ((usym[i] in def) && def[usym[i]] != uobj[i])
                                print uobj[i], def[usym[i]], usym[i]
        }' | sort -u)
if ! printf '%s\n' "$edges" | awk '{ print $1, $2 }' | tsort >/dev/null 2>"${TMPDIR:-/tmp}/layering.$$"; then
        echo "circular calls between the runtime's files:" >&2
        grep -v '^tsort: input contains a loop' "${TMPDIR:-/tmp}/layering.$$" | sed 's/^tsort: /  /' >&2
        echo "calls along them:" >&2
        loop=$(sed -n 's/^tsort: //p' "${TMPDIR:-/tmp}/layering.$$" | grep -v 'input contains' | tr '\n' ' ')
        printf '%s\n' "$edges" | awk -v loop=" $loop " 'index(loop, " " $1 " ") && index(loop, " " $2 " ")' | sed 's/^/  /' >&2
        rm -f "${TMPDIR:-/tmp}/layering.$$"
        exit 1
fi
rm -f "${TMPDIR:-/tmp}/layering.$$"
echo "no circular calls"
