#!/usr/bin/env bash
# Memory: RSS with N booted Laravel workers, and RSS growth across many requests.

# RSS of each Laravel server with N workers, every worker booted and warm.
suite_memory_boot() {
  local n name
  for n in $BENCH_MEMORY_WORKERS; do
    log "memory: Laravel with $n booted workers"
    start_laravel_servers "$n"
    for name in "${LARAVEL_SERVERS[@]}"; do
      # enough concurrency that every worker serves (and, in octane mode, boots the app)
      wrk_run "${SRV_URL[$name]}/api/hello" $((n * 4)) 1 >/dev/null
      printf 'memory-boot\t%s\tlaravel-hello\t%s\t1\t%s\t0\t0\t0\t0\t%s\n' "$n" "$name" "$n" "$(server_rss_kib "$name")" >>"$RESULTS"
    done
    stop_all_servers
  done
}

# RSS of a long-lived worker server as it serves BENCH_GROWTH_REQUESTS requests, sampled in steps.
growth_run() { # name path
  local name=$1 path=$2 served=0 step target=$BENCH_GROWTH_REQUESTS out rps seconds
  # warm up and estimate the rate first (not counted), then run wrk in steps of about a fifth of the total
  out=$(wrk_run "${SRV_URL[$name]}$path" 16 2); rps=${out%% *}
  printf 'memory-growth\t2\t%s\t%s\t0\t16\t%s\t0\t0\t0\t%s\n' "$path" "$name" "$rps" "$(server_rss_kib "$name")" >>"$RESULTS"
  step=$((target / 5))
  while [ "$served" -lt "$target" ]; do
    seconds=$(awk -v s="$step" -v r="$rps" 'BEGIN { t = s / (r > 1 ? r : 1); printf "%d", (t < 1 ? 1 : t + 0.5) }')
    out=$(wrk_run "${SRV_URL[$name]}$path" 16 "$seconds")
    rps=${out%% *}
    served=$((served + $(cut -d" " -f5 <<<"$out")))
    printf 'memory-growth\t2\t%s\t%s\t%s\t16\t%s\t0\t0\t0\t%s\n' "$path" "$name" "$served" "$rps" "$(server_rss_kib "$name")" >>"$RESULTS"
    log "  growth $name $path: $served requests, RSS $(($(server_rss_kib "$name") / 1024)) MiB"
  done
}

suite_memory_growth() {
  log "memory: RSS growth across $BENCH_GROWTH_REQUESTS requests (2 workers, no rotation)"
  start_ephpm ephpm-worker "$PLAIN_APP" worker 2 --worker-script worker.php
  start_nginx_fpm nginx-fpm "$PLAIN_APP/public" "=404" 2
  await_server ephpm-worker /hello.php; await_server nginx-fpm /hello.php
  growth_run ephpm-worker /hello.php
  growth_run nginx-fpm /hello.php
  stop_all_servers
  if octane_available; then
    EPHPM_OCTANE_PATH=$BENCH_OCTANE_PATH start_ephpm ephpm-octane "$LARAVEL_APP" octane 2 --max-requests 0
    await_server ephpm-octane /api/hello
    growth_run ephpm-octane /api/hello
    stop_all_servers
  fi
}
