#!/usr/bin/env bash
# OPcache enables itself only for SAPI names it knows (accel_find_sapi in
# ext/opcache/ZendAccelerator.c). Teach it ours, "ephpm".
set -euo pipefail
f="$1/ext/opcache/ZendAccelerator.c"
grep -q '"ephpm"' "$f" && exit 0
sed -i 's/^\(\s*\)"fuzzer",$/&\n\1"ephpm",/' "$f"
grep -q '"ephpm"' "$f" || { echo "[libphp] ERROR: could not patch accel_find_sapi in $f" >&2; exit 1; }
