#!/usr/bin/env bash
# Transport cost: the same PHP work (plain hello) run in-process by a Java driver that feeds a
# PhpThread directly, against wrk at one connection through Jetty + OctaneServlet. Jetty's static
# file at one connection shows the HTTP floor (loopback TCP, wrk, Jetty) that any servlet pays.

inprocess_run() { # mode path
  local out line
  out=$("$JAVA" -cp "$EPHPM_JAR" "$BENCH_HOME/java/InProcessDriver.java" "$PLAIN_APP" "$1" "$2" \
    "$BENCH_WARMUP" "$BENCH_DURATION" 2>"$WORK/inprocess-$1.log") || true
  line=$(grep '^RESULT ' <<<"$out" | tail -n 1)
  [ -n "$line" ] || { log "in-process driver failed: $(tail -n 5 "$WORK/inprocess-$1.log")"; return; }
  # RESULT requests p50_us p99_us mean_us errors
  awk -v mode="$1" -v path="$2" -v d="$BENCH_DURATION" '{ printf "transport\t1\t%s\tin-process-%s\t1\t1\t%.1f\t%s\t%s\t%s\t0\n", path, mode, $2 / d, $3, $4, $6 }' \
    <<<"$line" >>"$RESULTS"
  log "  in-process $1 $2: p50 $(awk '{print $3}' <<<"$line") us, p99 $(awk '{print $4}' <<<"$line") us"
}

# The HTTP half of the table, on 1-worker servers of the plain app that are up and warm: ePHPm in
# worker and classic mode, Jetty's static file on the worker-mode Jetty, and nginx + php-fpm. Each
# server first gets an unmeasured run at one connection, after a pause: these servers were warmed
# (or measured) at many connections, and a JVM's first run at one connection after a pause took
# paths the JIT had not compiled (see lead_in). Then ROUNDS rounds, each in its own order
# (balanced_order).
TRANSPORT_SERVERS=(ephpm-worker ephpm-classic jetty-static nginx-fpm)
transport_cells() {
  log "transport cost: HTTP through Jetty + OctaneServlet, 1 worker, 1 connection"
  serve_jetty_static
  local name round
  for name in "${TRANSPORT_SERVERS[@]}"; do lead_in "$name" "$(transport_path "$name")" 1; done
  for ((round = 1; round <= BENCH_ROUNDS; round++)); do
    for name in $(balanced_order $((round - 1)) "${TRANSPORT_SERVERS[@]}"); do
      measure transport 1 "$(transport_path "$name")" "$name" "$(transport_path "$name")" "$round" 1 "$BENCH_DURATION"
    done
  done
  unset "SRV_PIDS[jetty-static]"
  TRANSPORT_HTTP_MEASURED=1
}

transport_path() { # server
  if [ "$1" = jetty-static ]; then echo /static.txt; else echo /hello.php; fi
}

# The in-process half; the HTTP half too, on servers of its own, unless the scaling table's
# 1-worker servers already measured it.
suite_transport() {
  log "transport cost: in-process PhpThread, 1 worker"
  inprocess_run worker /hello.php
  inprocess_run classic /hello.php
  [ "${TRANSPORT_HTTP_MEASURED:-0}" = 1 ] && return 0
  start_ephpm ephpm-worker "$PLAIN_APP" worker 1 --worker-script worker.php
  start_ephpm ephpm-classic "$PLAIN_APP" classic 1
  start_nginx_fpm nginx-fpm "$PLAIN_APP/public" "=404" 1
  local name
  for name in ephpm-worker ephpm-classic nginx-fpm; do await_server "$name" /hello.php; done
  for name in ephpm-worker ephpm-classic nginx-fpm; do warm_up "$name" "$BENCH_WARMUP" /hello.php; done
  transport_cells
  stop_all_servers
}
