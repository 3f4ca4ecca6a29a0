#!/usr/bin/env bash
# Small helpers shared by the harness: logging, ports, waiting for a server, RSS of a process tree.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Sets PORT to a free TCP port on 127.0.0.1 that this run has not handed out yet.
BENCH_NEXT_PORT=${BENCH_PORT_BASE:-18100}
alloc_port() {
  while (echo >"/dev/tcp/127.0.0.1/$BENCH_NEXT_PORT") 2>/dev/null; do BENCH_NEXT_PORT=$((BENCH_NEXT_PORT + 1)); done
  PORT=$BENCH_NEXT_PORT
  BENCH_NEXT_PORT=$((BENCH_NEXT_PORT + 1))
}

# Waits until URL answers with a 2xx status, up to $2 seconds (default 60).
wait_http() {
  local url=$1 timeout=${2:-60} i
  for ((i = 0; i < timeout * 5; i++)); do
    curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# Every descendant of the given pids, and the pids themselves.
pid_tree() {
  local pid child
  for pid in "$@"; do
    [ -d "/proc/$pid" ] || continue
    echo "$pid"
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do pid_tree "$child"; done
  done
}

# Resident set size in KiB of the given pids and all their descendants (fpm workers, nginx workers).
rss_kib() {
  local total=0 pid kib
  for pid in $(pid_tree "$@" | sort -u); do
    kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

# Stops processes we started (by pid), politely then firmly.
stop_pids() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "$@"; do [ -d "/proc/$pid" ] && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.1
  done
  for pid in "$@"; do kill -9 "$pid" 2>/dev/null || true; done
}

# The 1/5/15-minute load averages, for the report's machine note.
machine_load() { cut -d' ' -f1-3 /proc/loadavg; }

# Milliseconds a fixed PHP loop takes on one core (the median of three). A virtual machine's host
# can slow it by half for minutes on end without any steal time showing in the guest; the report
# prints this before and after the run, so that a table measured on a slowed host can be told apart.
host_speed_ms() {
  local i
  for i in 1 2 3; do
    php -n -r '$t = hrtime(true); $x = 0; for ($i = 0; $i < 20000000; $i++) { $x += $i % 7; } echo intdiv(hrtime(true) - $t, 1000000), "\n";'
  done | sort -n | sed -n 2p
}
