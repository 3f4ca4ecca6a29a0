#!/usr/bin/env bash
# Shared tables from PHP: a get and a set of a row of the Octane cache's layout on the app's shared
# Ephpm\Table (what Octane::table() and Cache::store('octane') use under ePHPm), at several thread
# counts, beside the same operations on a PHP array of each thread's own (Octane's per-worker store
# without Swoole). In-process: PHP threads of one table space, no HTTP (java/TableDriver.java).

suite_tables() {
  log "shared tables: get and set from PHP, threads $BENCH_TABLE_THREADS"
  local out
  # shellcheck disable=SC2086
  out=$("$JAVA" -cp "$EPHPM_JAR" "$BENCH_HOME/java/TableDriver.java" "$BENCH_HOME/apps/tables/table-ops.php" \
    "$BENCH_DURATION" $BENCH_TABLE_THREADS 2>"$WORK/tables.log") || true
  grep '^RESULT ' <<<"$out" | cut -d' ' -f2- >"$WORK/tables.txt"
  [ -s "$WORK/tables.txt" ] || { log "the table driver failed: $(tail -n 5 "$WORK/tables.log")"; return; }
  while read -r store threads ops get50 get99 set50 set99 timer; do
    log "  $store, $threads threads: $ops ops/s, get p50 $get50 ns p99 $get99 ns, set p50 $set50 ns p99 $set99 ns (timer $timer ns)"
  done <"$WORK/tables.txt"
}
