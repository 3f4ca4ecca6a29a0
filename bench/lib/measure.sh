#!/usr/bin/env bash
# Runs wrk against one server and appends one row to the results file ($RESULTS, tab-separated):
#   table workers case server round connections rps p50_us p99_us errors rss_kib

# Prints "rps p50_us p99_us errors requests" for one wrk run.
wrk_run() { # url connections duration_s
  local url=$1 conns=$2 duration=$3 threads=${BENCH_WRK_THREADS:-1} out line
  [ "$threads" -gt "$conns" ] && threads=$conns
  local header=()
  [ -z "${BENCH_WRK_HEADER:-}" ] || header=(-H "$BENCH_WRK_HEADER")
  out=$(wrk -t "$threads" -c "$conns" -d "${duration}s" --timeout 10s "${header[@]}" -s "$BENCH_HOME/conf/wrk-report.lua" "$url" 2>&1) || true
  line=$(grep '^RESULT ' <<<"$out" | tail -n 1)
  if [ -z "$line" ]; then
    log "wrk failed against $url: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"
    echo "0 0 0 1 0"
    return
  fi
  # RESULT requests duration_us p50 p99 errors non2xx
  awk '{ printf "%.1f %d %d %d %d\n", $2 / ($3 / 1e6), $4, $5, $6 + $7, $2 }' <<<"$line"
}

BENCH_CLK_TCK=$(getconf CLK_TCK)

# CPU time (ms) a server's JIT compiler threads have used so far; 0 for a server not in a JVM.
jit_cpu_ms() { # name
  local pid=${SRV_JVM[$1]:-} task comm ticks total=0
  [ -n "$pid" ] || { echo 0; return; }
  for task in /proc/"$pid"/task/*; do
    read -r comm <"$task/comm" 2>/dev/null || continue
    case $comm in "C1 CompilerThre"* | "C2 CompilerThre"*) ;; *) continue ;; esac
    # the fields after the command name, which may hold spaces: utime and stime are the 12th and 13th
    ticks=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$task/stat" 2>/dev/null) || continue
    total=$((total + ticks))
  done
  echo $((total * 1000 / BENCH_CLK_TCK))
}

# True when the JIT used under 3 % of one core over a stretch of load: it has compiled what the load
# runs. At Laravel's few hundred requests a second, HotSpot compiles the request path for about 30 s,
# with up to a fifth of a core, taken from the PHP threads beside it, while the rate already looks
# steady; measured then, a JVM server read a p99 of 1.2-1.4x its p50, where nginx + php-fpm reads
# 1.05x. It stays quiet after that.
jit_settled() { # jit_ms wall_ms
  [ $(($1 * 100)) -lt $((3 * $2)) ]
}

jit_share() { # jit_ms wall_ms
  awk -v j="$1" -v w="$2" 'BEGIN { printf "%.1f %%", 100 * j / w }'
}

# Warms a server up (JIT, OPcache, worker boot) at the concurrency the tables measure: two passes
# over the paths, for the given seconds in all but at least 1 s per path and pass. A JVM compiles
# what the first pass ran while the second runs, and each wrk run opens its connections anew, as
# every measured run does; after a single pass, a JVM's first measured round read a p99 up to twice
# its later rounds'. (At these rates its JIT is not quiet after two passes, nor after four; more
# passes did not lift its first measured round: lead_in, below, does.)
warm_up() { # name seconds path...
  local name=$1 seconds=$2; shift 2
  [ "$seconds" = 0 ] && return 0
  local pass path each=$((seconds / (2 * $#)))
  [ "$each" -ge 1 ] || each=1
  for pass in 1 2; do
    for path in "$@"; do wrk_run "${SRV_URL[$name]}$path" "$BENCH_CONNECTIONS" "$each" >/dev/null; done
  done
}

# Warms servers up until each is steady, in rounds of 2 s on each path, for at least min and at most
# max seconds per server. A server in a JVM is steady when its JIT has settled (above): its rate
# looks steady long before. Any other server is steady when the first path's rate moves by under
# 3 % from one round to the next. A JVM at a few hundred requests a second takes far longer to
# compile its hot paths than php-fpm takes to fill OPcache; a fixed time either cuts one short or
# wastes the other's.
#
# The servers take their rounds in turn, so each sits idle while the others run, as it will between
# its measured runs: a JVM's first load after an idle spell takes paths its JIT has not compiled
# yet, and warmed without pauses it compiled them during its measured runs instead, which raised
# its p99 (bench README).
warm_up_until_steady() { # min_seconds max_seconds "path..." server...
  local min=$1 max=$2 paths=$3; shift 3
  [ "$max" = 0 ] && return 0
  local -A spent=() previous=()
  local pending=("$@") waiting path_list name path rate first jit npaths
  read -ra path_list <<<"$paths"
  npaths=${#path_list[@]}
  while [ ${#pending[@]} -gt 0 ]; do
    waiting=()
    for name in "${pending[@]}"; do
      first=""
      jit=$(jit_cpu_ms "$name")
      for path in "${path_list[@]}"; do
        rate=$(wrk_run "${SRV_URL[$name]}$path" "$BENCH_CONNECTIONS" 2 | cut -d" " -f1)
        [ -n "$first" ] || first=$rate
      done
      jit=$(($(jit_cpu_ms "$name") - jit))
      spent[$name]=$((${spent[$name]:-0} + 2 * npaths))
      if [ "${spent[$name]}" -lt "$max" ] && ! warmed_up "$name" "${spent[$name]}" "$min" "$first" "${previous[$name]:-0}" "$jit" $((2000 * npaths)); then
        previous[$name]=$first
        waiting+=("$name")
        continue
      fi
      log "  warm-up $name: ${spent[$name]} s (last rate ${first} req/s$([ -z "${SRV_JVM[$name]:-}" ] || echo ", JIT $(jit_share "$jit" $((2000 * npaths))) of a core"))"
    done
    pending=("${waiting[@]}")
  done
}

# True when a server has been warmed for at least min seconds and is steady (see above).
warmed_up() { # name spent_s min_s rate previous_rate jit_ms wall_ms
  local name=$1 spent=$2 min=$3 rate=$4 previous=$5 jit=$6 wall=$7
  [ "$spent" -ge "$min" ] || return 1
  if [ -n "${SRV_JVM[$name]:-}" ]; then
    jit_settled "$jit" "$wall"
  else
    awk -v a="$rate" -v b="$previous" 'BEGIN { exit !(b > 0 && (a - b) / b < 0.03 && (b - a) / b < 0.03) }'
  fi
}

# Waits until the machine is quiet: at most 10 % of its CPU busy over 50 ms, for 3 s at most (1 s in
# a smoke run). A JVM keeps compiling (and collecting) for up to a second after a run ends, on the
# cores the next server's run needs; measured at once, the first round of a case read a p99 up to
# 1.5x its later rounds', whichever server came next.
await_quiet() {
  local tries a b c d e f g h A B C D E F G H busy max=$((${BENCH_QUIET_MAX_S:-3} * 20))
  for ((tries = 0; tries < max; tries++)); do
    read -r _ a b c d e f g h _ </proc/stat
    sleep 0.05
    read -r _ A B C D E F G H _ </proc/stat
    busy=$(((A + B + C + F + G + H) - (a + b + c + f + g + h)))
    [ $((busy * 10)) -le $((busy + (D + E) - (d + e))) ] && return 0
  done
  log "  the machine stayed busy for $((max / 20)) s before this run (another process?); measuring anyway"
}

# One measured cell: wrk on a quiet machine, then the RSS of the server's processes, appended to
# $RESULTS.
measure() { # table workers case name path round connections duration
  local table=$1 workers=$2 case=$3 name=$4 path=$5 round=$6 conns=$7 duration=$8 result rss jit
  await_quiet
  jit=$(jit_cpu_ms "$name")
  result=$(wrk_run "${SRV_URL[$name]}$path" "$conns" "$duration")
  jit=$(($(jit_cpu_ms "$name") - jit))
  rss=$(server_rss_kib "$name")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$table" "$workers" "$case" "$name" "$round" "$conns" \
    "$(cut -d" " -f1-4 <<<"$result" | tr " " "\t")" "$rss" >>"$RESULTS"
  log "  $(printf '%-8s w=%s c=%-3s %-14s %-16s r%s: %s req/s p50 %s us p99 %s us err %s (%s requests) rss %s MiB' \
    "$table" "$workers" "$conns" "$case" "$name" "$round" $result $((rss / 1024)))$([ -z "${SRV_JVM[$name]:-}" ] || echo ", JIT ${jit} ms")"
}

# Prints the items in the k-th order of a carryover-balanced (Williams) design: over n orders
# (2n when n is odd) every server is in every position once and runs right after every other
# server equally often. A rotation never changes which server runs right before which, so any
# effect one run leaves on the next falls on the same server every time: with a rotation, php-fpm
# always ran right after the octane server, and while the sample app shared one provider manifest
# between the modes, it read 8-10 % low there.
balanced_order() { # k item...
  local k=$1; shift
  local n=$# items=("$@") i step row=()
  local base=$((k % n))
  for ((i = 0; i < n; i++)); do
    # the Williams sequence 0, 1, n-1, 2, n-2, ...
    if ((i == 0)); then step=0; elif ((i % 2)); then step=$(((i + 1) / 2)); else step=$((n - i / 2)); fi
    row+=("${items[$(((base + step) % n))]}")
  done
  if (((k / n) % 2)); then
    for ((i = n - 1; i >= 0; i--)); do printf '%s\n' "${row[$i]}"; done
  else
    printf '%s\n' "${row[@]}"
  fi
}

# Measures every case on every server, ROUNDS times; the order of the servers changes from case to
# case and round to round (balanced_order), so no server always runs first or after the same one.
run_cases() { # table workers seconds "case=path ..." server...
  local table=$1 workers=$2 seconds=$3 cases=$4; shift 4
  local round idx=0 spec name path
  local -A led_in=()
  for ((round = 1; round <= BENCH_ROUNDS; round++)); do
    for spec in $cases; do
      BENCH_WRK_HEADER=${CASE_HEADER[${spec%%=*}]:-}
      for name in $(balanced_order "$idx" "$@"); do
        path=${SRV_PATH[$name]:-${spec#*=}}
        [ -n "${SRV_ONLY_CASE[$name]:-}" ] && [ "${SRV_ONLY_CASE[$name]}" != "${spec%%=*}" ] && continue
        if [ -z "${led_in[$name]:-}" ]; then lead_in "$name" "$path"; led_in[$name]=1; fi
        measure "$table" "$workers" "${spec%%=*}" "$name" "$path" "$round" "$BENCH_CONNECTIONS" "$seconds"
      done
      idx=$((idx + 1))
    done
  done
  BENCH_WRK_HEADER=""
}
# SRV_PATH[server]: the path a server is measured on instead of the case's; SRV_ONLY_CASE[server]:
# the one case it takes part in; CASE_HEADER[case]: a request header every request of the case sends.
declare -gA SRV_PATH=() SRV_ONLY_CASE=() CASE_HEADER=()

# One unmeasured run of 1 s, after a pause, before a server's first measured run in a table. Every
# measured run starts after a pause (await_quiet), and a warm-up's continuous load never takes the
# paths the first run after a pause takes (new connections on idle selectors, idle threads): a JVM
# then deoptimised about a hundred methods and spent 0.5-0.9 s of C2 in its first measured run,
# which read 10-30 % below its later rounds. Another warm-up pass did not help when the server
# then sat idle while the others warmed up.
lead_in() { # name path [connections]
  await_quiet
  wrk_run "${SRV_URL[$1]}$2" "${3:-$BENCH_CONNECTIONS}" 1 >/dev/null
}

# Records each server's effective PHP and OPcache settings (the report checks they match).
record_opcache() { # path server...
  local path=$1 name; shift
  for name in "$@"; do
    curl -fsS --max-time 10 "${SRV_URL[$name]}$path" >"$WORK/opcache-$name.json" 2>/dev/null || echo '{}' >"$WORK/opcache-$name.json"
  done
}
