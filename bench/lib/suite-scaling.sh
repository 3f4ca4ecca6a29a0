#!/usr/bin/env bash
# How cost grows with load: plain hello at several concurrencies and worker counts. A worker count
# the plain suite also runs is measured at the end of that suite, on its servers (see suite-plain.sh);
# the others start their own servers here. The 1-worker servers also serve the transport table's
# HTTP runs (suite-transport.sh).

SCALING_SERVERS=(nginx-fpm jetty-fcgi ephpm-worker ephpm-classic)

scaling_includes() { # workers
  [[ " $BENCH_SCALING_WORKERS " == *" $1 "* ]]
}

# One row group of the table, on servers that are up and warm.
scaling_cells() { # workers
  local w=$1 c name idx=0
  log "scaling: hello, $w workers, connections $BENCH_SCALING_CONNECTIONS"
  for c in $BENCH_SCALING_CONNECTIONS; do
    for name in $(balanced_order "$idx" "${SCALING_SERVERS[@]}"); do
      measure scaling "$w" hello "$name" /hello.php 1 "$c" "$BENCH_DURATION"
    done
    idx=$((idx + 1))
  done
  # the transport table's HTTP half runs on 1-worker servers like these, warm by now
  if [ "$w" = 1 ] && has_suite transport; then transport_cells; fi
}

suite_scaling() {
  local w name
  for w in $BENCH_SCALING_WORKERS; do
    has_suite plain && [[ " $BENCH_WORKERS " == *" $w "* ]] && continue
    start_nginx_fpm nginx-fpm "$PLAIN_APP/public" "=404" "$w"
    start_jetty_fcgi jetty-fcgi "$PLAIN_APP/public" '$path' "$w"
    start_ephpm ephpm-worker "$PLAIN_APP" worker "$w" --worker-script worker.php
    start_ephpm ephpm-classic "$PLAIN_APP" classic "$w"
    for name in "${SCALING_SERVERS[@]}"; do await_server "$name" /hello.php; done
    for name in "${SCALING_SERVERS[@]}"; do warm_up "$name" "$BENCH_WARMUP" /hello.php; done
    scaling_cells "$w"
    stop_all_servers
  done
}
