#!/usr/bin/env bash
# The sample Laravel app's hello (/api/hello) and database (/api/notes) routes on nginx + php-fpm,
# Jetty's FastCGI proxy + php-fpm, ePHPm classic mode and, when laravel/octane is available
# (EPHPM_OCTANE_PATH), ePHPm octane mode.

LARAVEL_CASES="laravel-hello=/api/hello laravel-db=/api/notes"

start_laravel_servers() { # workers [extra launcher args for octane]
  local w=$1; shift
  start_nginx_fpm nginx-fpm "$LARAVEL_APP/public" '/index.php?$query_string' "$w"
  start_jetty_fcgi jetty-fcgi "$LARAVEL_APP/public" /index.php "$w"
  start_ephpm ephpm-classic "$LARAVEL_APP" classic "$w"
  LARAVEL_SERVERS=(nginx-fpm jetty-fcgi ephpm-classic)
  if has_baseline; then
    start_ephpm_baseline ephpm-classic "$LARAVEL_APP" classic "$w"
    LARAVEL_SERVERS+=(ephpm-classic-baseline)
  fi
  if octane_available; then
    EPHPM_OCTANE_PATH=$BENCH_OCTANE_PATH start_ephpm ephpm-octane "$LARAVEL_APP" octane "$w" "$@"
    LARAVEL_SERVERS+=(ephpm-octane)
    if has_baseline; then
      EPHPM_OCTANE_PATH=$BENCH_OCTANE_PATH start_ephpm_baseline ephpm-octane "$LARAVEL_APP" octane "$w" "$@"
      LARAVEL_SERVERS+=(ephpm-octane-baseline)
    fi
  fi
  local name
  # the first request creates and migrates the database: one server, one request, first
  await_server nginx-fpm /api/notes
  seed_laravel_notes
  for name in "${LARAVEL_SERVERS[@]}"; do await_server "$name" /api/hello; done
}

suite_laravel() { # workers
  local w=$1
  log "Laravel cases, $w workers$(octane_available || echo ' (no laravel/octane: octane mode skipped)')"
  start_laravel_servers "$w"
  warm_up_until_steady $((BENCH_LARAVEL_WARMUP < 8 ? BENCH_LARAVEL_WARMUP : 8)) "$BENCH_LARAVEL_WARMUP" "/api/hello /api/notes" \
    "${LARAVEL_SERVERS[@]}"
  run_cases main "$w" "$BENCH_LARAVEL_DURATION" "$LARAVEL_CASES" "${LARAVEL_SERVERS[@]}"
  stop_all_servers
}
