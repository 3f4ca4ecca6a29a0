#!/usr/bin/env bash
# Octane::concurrently()'s runtime cost: PHP caller threads hand empty tasks to task worker threads
# with \Ephpm\Worker\run_tasks() and wait for them. In-process, no HTTP, no Laravel
# (java/TaskDriver.java); Laravel's own part of a round trip (serializing the closure, Octane's
# sandboxed handleTask()) comes on top.

suite_tasks() {
  log "tasks: run_tasks() round trips, $BENCH_TASK_WORKERS task workers"
  local out
  out=$("$JAVA" -cp "$EPHPM_JAR" "$BENCH_HOME/java/TaskDriver.java" "$BENCH_HOME/apps/tasks" \
    "$BENCH_DURATION" "$BENCH_TASK_WORKERS" 2>"$WORK/tasks.log") || true
  grep '^RESULT ' <<<"$out" | cut -d' ' -f2- >"$WORK/tasks.txt"
  [ -s "$WORK/tasks.txt" ] || { log "the task driver failed: $(tail -n 5 "$WORK/tasks.log")"; return; }
  while read -r tasks callers workers calls p50 p99 timer; do
    log "  $tasks tasks a call, $callers callers, $workers task workers: $calls calls/s, p50 $p50 ns, p99 $p99 ns"
  done <"$WORK/tasks.txt"
}
