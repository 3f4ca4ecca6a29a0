#!/usr/bin/env bash
# How cost grows with load: plain hello at several concurrencies and worker counts.

suite_scaling() {
  local w c name round=1
  for w in $BENCH_SCALING_WORKERS; do
    log "scaling: hello, $w workers, connections $BENCH_SCALING_CONNECTIONS"
    start_nginx_fpm nginx-fpm "$PLAIN_APP/public" "=404" "$w"
    start_jetty_fcgi jetty-fcgi "$PLAIN_APP/public" '$path' "$w"
    start_ephpm ephpm-worker "$PLAIN_APP" worker "$w" --worker-script worker.php
    start_ephpm ephpm-classic "$PLAIN_APP" classic "$w"
    local servers=(nginx-fpm jetty-fcgi ephpm-worker ephpm-classic)
    for name in "${servers[@]}"; do await_server "$name" /hello.php; done
    for name in "${servers[@]}"; do warm_up "$name" "$BENCH_WARMUP" /hello.php; done
    local idx=0
    for c in $BENCH_SCALING_CONNECTIONS; do
      for name in $(rotate "$idx" "${servers[@]}"); do
        measure scaling "$w" hello "$name" /hello.php "$round" "$c" "$BENCH_DURATION"
      done
      idx=$((idx + 1))
    done
    stop_all_servers
  done
}
