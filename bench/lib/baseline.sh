#!/usr/bin/env bash
# Another build of ePHPm measured beside this one (--baseline DIR, a checkout of another commit):
# its ePHPm servers join the plain and Laravel tables as "<server>-baseline", in the same
# interleaved order as every other server, so that what a change does to a ratio is measured on one
# host in one session. Runs from different sessions differ by more than most changes do (the host's
# speed moved 1.7x between two days here).

has_baseline() { [ -n "${BENCH_BASELINE:-}" ]; }

# The baseline's libphp (its own build-libphp.sh, cached like this checkout's) and its launcher
# (built with that libphp when the checkout has none).
ensure_baseline() {
  has_baseline || return 0
  [ -f "$BENCH_BASELINE/php-native/build-libphp.sh" ] || die "--baseline $BENCH_BASELINE is not a checkout of ePHPm"
  BENCH_BASELINE=$(cd "$BENCH_BASELINE" && pwd)
  log "baseline: libphp of $BENCH_BASELINE (building or reusing its cached build)"
  BASELINE_PHP_HOME=$(bash "$BENCH_BASELINE/php-native/build-libphp.sh" | tail -n 1)
  [ -f "$BASELINE_PHP_HOME/lib/libphp.so" ] || die "the baseline's libphp build failed"
  local jar="$BENCH_BASELINE/jetty-module/target/ephpm-server.jar"
  if [ ! -f "$jar" ]; then
    log "baseline: building its launcher (log: $WORK/baseline-build.log)"
    (cd "$BENCH_BASELINE" && mvn -B -ntp -DskipTests -Dephpm.php.home="$BASELINE_PHP_HOME" -pl jetty-module -am package) \
      >"$WORK/baseline-build.log" 2>&1 || die "the baseline's launcher did not build; see $WORK/baseline-build.log"
  fi
  cp "$jar" "$WORK/ephpm-server-baseline.jar"
  BASELINE_JAR=$WORK/ephpm-server-baseline.jar
  echo "baseline=$(git -C "$BENCH_BASELINE" rev-parse --short HEAD 2>/dev/null || echo unknown)" >>"$WORK/machine.txt"
}

# start_ephpm for the baseline: NAME-baseline, its jar and its libphp.
start_ephpm_baseline() { # name app mode workers [launcher args...]
  local name=$1; shift
  EPHPM_JAR=$BASELINE_JAR EPHPM_PHP_HOME=$BASELINE_PHP_HOME start_ephpm "$name-baseline" "$@"
}
