#!/usr/bin/env bash
# Compiles libephpm (the C SAPI shim) against the ZTS libphp build and records where that
# build lives, so the runtime finds it without configuration. Include paths are spelled out
# because php-config of a build from Debian's patched source names placeholder directories.
#
#   build-shim.sh OUTPUT_CLASSES_DIR [PHP_HOME]
#
# Without PHP_HOME (or EPHPM_PHP_HOME) the cached libphp build is used, built first if needed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
php_home="${2:-${EPHPM_PHP_HOME:-}}"
if [ -z "$php_home" ]; then
  php_home="$(bash "$here/build-libphp.sh" | tail -n 1)"
fi
inc="$php_home/include/php"
[ -f "$inc/main/php_config.h" ] || { echo "[shim] ERROR: $php_home is not a PHP build with headers (no include/php/main/php_config.h)" >&2; exit 1; }
grep -q '#define ZTS 1' "$php_home/include/php/main/php_config.h" \
  || { echo "[shim] ERROR: $php_home is not a thread-safe (ZTS) PHP build" >&2; exit 1; }

arch_dir="$out/io/ephpm/php/native/linux-$(uname -m | sed 's/x86_64/x86-64/;s/aarch64/aarch64/')"
mkdir -p "$arch_dir"
lib="$arch_dir/libephpm.so"
# the PHP build the library was compiled against: another one (PHP_VERSION=8.2 after 8.4) rebuilds it
built_against="$(dirname "$out")/libephpm.php-home"
if [ ! -f "$lib" ] || [ "$(cat "$built_against" 2>/dev/null)" != "$php_home" ] \
  || [ -n "$(find "$here/native" "$here/build-shim.sh" -newer "$lib" -type f)" ] || [ "$php_home/.complete" -nt "$lib" ]; then
  echo "[shim] compiling libephpm against $php_home" >&2
  # libphp is not linked here: the runtime loads it first with RTLD_GLOBAL, and the
  # extensions PHP loads (opcache.so) need its symbols global as well.
  # initial-exec TLS: the per-thread context is read on every SAPI callback, without __tls_get_addr
  gcc -O2 -g -fPIC -shared -std=gnu11 -ftls-model=initial-exec -Wall -Wno-unused-parameter -Wno-unused-function -Werror=implicit-function-declaration \
    -I"$inc" -I"$inc/main" -I"$inc/TSRM" -I"$inc/Zend" -I"$inc/ext" -I"$inc/ext/date/lib" \
    -o "$lib" "$here/native/ephpm.c" "$here/native/ephpm_table.c" -lpthread -ldl
  echo "$php_home" >"$built_against"
fi
{
  echo "php.home=$php_home"
  echo "php.version=$(sed -n 's/^#define PHP_VERSION "\(.*\)"/\1/p' "$inc/main/php_version.h")"
  echo "zend.module.api=$(sed -n 's/^#define ZEND_MODULE_API_NO \([0-9]*\).*/\1/p' "$inc/Zend/zend_modules.h")"
} > "$out/io/ephpm/php/ephpm-build.properties"
