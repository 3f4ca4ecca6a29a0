#!/usr/bin/env bash
# The cluster (--cluster hazelcast): three launchers on loopback share a table. How long a write on
# one takes to be read on another (convergence), and what a cluster-wide atomic incr costs against
# the same incr on a launcher without a cluster (java/ClusterDriver.java).

suite_cluster() {
  if [ ! -f "$WORK/ephpm-cluster.jar" ]; then
    log "cluster: no ephpm-cluster.jar beside the launcher; skipped"
    return
  fi
  log "cluster: three launchers with --cluster hazelcast, one without"
  local app="$BENCH_HOME/apps/cluster" name="bench-$$-$RANDOM" members="" ports=() i
  for i in 0 1 2; do
    alloc_port; ports[i]=$PORT
    members+="${members:+,}127.0.0.1:${ports[i]}"
  done
  for i in 0 1 2; do
    start_ephpm "cluster-$i" "$app" classic 2 --cluster hazelcast --cluster-name "$name" --cluster-members "$members" \
      --cluster-port "${ports[i]}" --cluster-address 127.0.0.1
  done
  start_ephpm cluster-off "$app" classic 2
  for i in 0 1 2; do await_server "cluster-$i" "/?op=get"; done
  await_server cluster-off "/?op=get"
  local out
  out=$("$JAVA" "$BENCH_HOME/java/ClusterDriver.java" "$BENCH_DURATION" "${SRV_URL[cluster-0]}" "${SRV_URL[cluster-1]}" \
    "${SRV_URL[cluster-2]}" "${SRV_URL[cluster-off]}" 2>"$WORK/cluster.log") || true
  for i in 0 1 2; do stop_server "cluster-$i"; done
  stop_server cluster-off
  grep '^RESULT ' <<<"$out" | cut -d' ' -f2- >"$WORK/cluster.txt"
  [ -s "$WORK/cluster.txt" ] || { log "the cluster driver failed: $(tail -n 5 "$WORK/cluster.log")"; return; }
  while read -r line; do log "  $line"; done <"$WORK/cluster.txt"
}
