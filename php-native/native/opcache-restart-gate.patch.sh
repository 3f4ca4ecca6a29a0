#!/usr/bin/env bash
# OPcache restarts its shared memory (opcache_reset(), or a full cache) at the start of a request
# when accel_is_inactive says no one uses it. It asks with fcntl(F_GETLK), which never reports the
# locks of the calling process: inside one JVM it always says "inactive" while other PHP threads
# run cached code, and the restart frees it under them. Let the SAPI, which knows every PHP thread,
# decide (ephpm_opcache_may_restart), and tell it when a restart is pending
# (ephpm_opcache_restart_pending, set by OPcache once its shared memory is up). Both live in libphp:
# OPcache is a module of its own (opcache.so) that the SAPI does not link.
# accel_is_inactive answers SUCCESS/FAILURE up to PHP 8.3 and true/false from 8.4.
set -euo pipefail
extensions="$1/Zend/zend_extensions.c"
accel="$1/ext/opcache/ZendAccelerator.c"
grep -q 'ephpm_opcache_may_restart' "$extensions" && grep -q 'ephpm_opcache_may_restart' "$accel" && exit 0
cat >>"$extensions" <<'C'

/* ePHPm: set by the SAPI; false while another thread runs PHP code, so OPcache must not restart now */
ZEND_API bool (*ephpm_opcache_may_restart)(void) = NULL;
/* ePHPm: set by OPcache; true while a restart of its shared memory is pending */
ZEND_API bool (*ephpm_opcache_restart_pending)(void) = NULL;
C
perl -0pi -e '
  s~(static inline (int|bool) accel_is_inactive\(void\)\n\{\n)~"extern ZEND_API bool (*ephpm_opcache_may_restart)(void);\nextern ZEND_API bool (*ephpm_opcache_restart_pending)(void);\n\nstatic bool accel_restart_pending(void)\n{\n\treturn ZCSG(restart_pending);\n}\n\n$1\tif (ephpm_opcache_may_restart && !ephpm_opcache_may_restart()) {\n\t\treturn " . ($2 eq "int" ? "FAILURE" : "false") . ";\n\t}\n"~e;
  s~(\t\t/\* remember the last restart time in the process memory \*/\n\t\tZCG\(last_restart_time\) = ZCSG\(last_restart_time\);\n)~$1\t\tephpm_opcache_restart_pending = accel_restart_pending;\n~;
' "$accel"
[ "$(grep -o 'ephpm_opcache_may_restart' "$accel" | wc -l)" = 3 ] && [ "$(grep -c 'ephpm_opcache_restart_pending = accel_restart_pending' "$accel")" = 1 ] \
  || { echo "[libphp] ERROR: could not patch accel_is_inactive and accel_post_startup in $accel" >&2; exit 1; }
