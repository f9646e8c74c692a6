#!/bin/sh
# The interfaces in idl/ must stay compatible with the newest frozen version
# (idl/api/avbuffer-v2.api; v1 held our own decoder interfaces, replaced in
# v2 by the published RDK ones): methods, fields and enumerators may only be
# added at the end. To freeze a new version after a compatible change:
#   aidlc -I idl --dumpapi idl/api/avbuffer-vN.api $(find idl/com idl/avb -name '*.aidl')
# Usage: frozen-api.sh AIDLC FROZEN IDL_ROOT FILE.aidl...
set -eu
aidlc=$1 frozen=$2 root=$3
shift 3
now=$(mktemp /tmp/avbuffer-api.XXXXXX)
trap 'rm -f "$now"' EXIT
"$aidlc" -I "$root" --dumpapi "$now" "$@"
"$aidlc" --checkapi "$frozen" "$now"
echo "idl/ is compatible with $(basename "$frozen")"
