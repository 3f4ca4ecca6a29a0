#!/usr/bin/env bash
# OPcache's optimizer replaces ini_get('x') with x's value at compile time when x is a
# PHP_INI_SYSTEM setting, and caches the result for every thread. ePHPm applies php.ini overrides
# per thread (as php_admin_value does per php-fpm pool), so one thread's value would reach all
# (php-src GH-8699, which php-fpm pools share). Keep ini_get() a run-time call.
set -euo pipefail
f="$1/Zend/Optimizer/zend_optimizer.c"
grep -q 'ePHPm: ini_get' "$f" && exit 0
perl -0pi -e 's~(\tif \(zend_string_equals_literal\(name, "ini_get"\)\) \{\n)~$1\t\t/* ePHPm: ini_get() values differ between threads (per-thread php.ini overrides) */\n\t\treturn FAILURE;\n~' "$f"
grep -q 'ePHPm: ini_get' "$f" || { echo "[libphp] ERROR: could not patch ini_get folding in $f" >&2; exit 1; }
