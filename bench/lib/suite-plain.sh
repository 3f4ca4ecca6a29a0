#!/usr/bin/env bash
# The plain-PHP cases (hello, JSON, SQLite, CPU loop) on nginx + php-fpm, Jetty's FastCGI proxy +
# php-fpm, ePHPm worker mode and ePHPm classic mode, plus Jetty's own static-file rate on the very
# Jetty that serves ePHPm worker mode.

PLAIN_CASES="hello=/hello.php json=/json.php sqlite=/sqlite.php cpu=/cpu.php"

suite_plain() { # workers
  local w=$1 name
  log "plain PHP cases, $w workers"
  start_nginx_fpm nginx-fpm "$PLAIN_APP/public" "=404" "$w"
  start_jetty_fcgi jetty-fcgi "$PLAIN_APP/public" '$path' "$w"
  start_ephpm ephpm-worker "$PLAIN_APP" worker "$w" --worker-script worker.php
  start_ephpm ephpm-classic "$PLAIN_APP" classic "$w"
  local servers=(nginx-fpm jetty-fcgi ephpm-worker ephpm-classic)
  if has_baseline; then
    start_ephpm_baseline ephpm-worker "$PLAIN_APP" worker "$w" --worker-script worker.php
    start_ephpm_baseline ephpm-classic "$PLAIN_APP" classic "$w"
    servers+=(ephpm-worker-baseline ephpm-classic-baseline)
  fi
  for name in "${servers[@]}"; do await_server "$name" /hello.php; done
  record_opcache /opcache.php "${servers[@]}"
  for name in "${servers[@]}"; do warm_up "$name" "$BENCH_WARMUP" /hello.php /json.php /sqlite.php /cpu.php; done
  serve_jetty_static
  SRV_PATH[jetty-static]=/static.txt
  SRV_ONLY_CASE[jetty-static]=hello
  run_cases main "$w" "$BENCH_DURATION" "$PLAIN_CASES" "${servers[@]}" jetty-static
  unset "SRV_PIDS[jetty-static]"
  # the scaling table's row for this worker count, on the same servers, already warm
  has_suite scaling && scaling_includes "$w" && scaling_cells "$w"
  stop_all_servers
}
