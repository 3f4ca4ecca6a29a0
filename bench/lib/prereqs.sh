#!/usr/bin/env bash
# Makes sure everything the harness needs is here, installing what is missing:
#   Debian packages (wrk, nginx, php8.2-cli, ...), the ZTS libphp build of PHP_VERSION (8.4 or
#   8.2), php-fpm of the same version (Debian 12's php8.2-fpm, or 8.4 built NTS from the same
#   Debian source as libphp: lib/build-php-fpm.sh), ephpm-server.jar, and the jetty-home
#   distribution (from Maven Central, unpacked into a cache directory).
# Exits with status 3 when a prerequisite cannot be installed (the smoke test skips on that).

BENCH_JETTY_VERSION=${BENCH_JETTY_VERSION:-12.0.16}
# the Tomcat the end-to-end tests run on
BENCH_TOMCAT_VERSION=${BENCH_TOMCAT_VERSION:-$(sed -n 's:.*<tomcat.version>\(.*\)</tomcat.version>.*:\1:p' "$REPO/pom.xml")}
# The launcher under test: EPHPM_JAR, or the one the project's build makes.
LAUNCHER_JAR=${EPHPM_JAR:-$REPO/jetty-module/target/ephpm-server.jar}
BENCH_PACKAGES=(curl unzip wrk nginx php8.2-cli php8.2-sqlite3 php8.2-mbstring php8.2-xml composer)

# Debian 12's own php-fpm serves PHP 8.2, and a smoke run: that proves the harness, not the
# comparison, and needs no build of php-fpm.
uses_packaged_fpm() {
  [ "${PHP_VERSION:-8.4}" = 8.2 ] || [ "${SMOKE:-0}" = 1 ]
}

source "$REPO/scripts/apt-install.sh"

ensure_prerequisites() {
  if [ "${BENCH_INSTALL:-1}" = 1 ]; then
    command -v dpkg-query >/dev/null || { log "not a Debian system: cannot install ${BENCH_PACKAGES[*]}"; exit 3; }
    local packages=("${BENCH_PACKAGES[@]}")
    if uses_packaged_fpm; then packages+=(php8.2-fpm); fi
    ephpm_apt_install "${packages[@]}" || { log "could not install ${packages[*]} with apt"; exit 3; }
  fi
  local tool
  for tool in wrk nginx php curl; do
    command -v "$tool" >/dev/null || { log "missing: $tool"; exit 3; }
  done
  if uses_packaged_fpm; then
    FPM_BIN=$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm8.2 2>/dev/null || true)
  else
    log "php-fpm ${PHP_VERSION:-8.4}: building or reusing the cached NTS build (the first build takes several minutes)"
    FPM_BIN="$(bash "$BENCH_HOME/lib/build-php-fpm.sh" | tail -n 1)/sbin/php-fpm" || { log "could not build php-fpm"; exit 3; }
  fi
  [ -x "$FPM_BIN" ] || { log "missing: php-fpm ${PHP_VERSION:-8.4}"; exit 3; }
  JAVA=${JAVA:-$(command -v java || true)}
  [ -x "$JAVA" ] || { log "missing: java"; exit 3; }
}

# The ZTS libphp: EPHPM_PHP_HOME, else the project's cached build (built once if needed).
ensure_libphp() {
  if [ -z "${EPHPM_PHP_HOME:-}" ]; then
    log "libphp: building or reusing the cached ZTS build (the first build takes several minutes)"
    EPHPM_PHP_HOME=$(bash "$REPO/php-native/build-libphp.sh" | tail -n 1)
  fi
  [ -f "$EPHPM_PHP_HOME/lib/libphp.so" ] || die "no libphp.so under EPHPM_PHP_HOME=$EPHPM_PHP_HOME"
  export EPHPM_PHP_HOME
}

# True when the embedded launcher must be built: it is missing, or --build was given.
launcher_needs_build() {
  [ "${BENCH_BUILD:-0}" = 1 ] || [ ! -f "$LAUNCHER_JAR" ]
}

# The embedded launcher, built with Maven when it needs to be.
ensure_launcher() {
  if launcher_needs_build; then
    log "building ephpm-server.jar (mvn package, tests skipped)"
    (cd "$REPO" && mvn -B -ntp -q -N install && mvn -B -ntp -q -Dephpm.php.home="$EPHPM_PHP_HOME" -DskipTests \
      -pl jetty-module -am install) >&2 || die "the build failed"
  fi
  [ -f "$LAUNCHER_JAR" ] || die "no launcher at $LAUNCHER_JAR"
  # Run from a copy: a rebuild of the working tree during the run must not change the server under test.
  cp "$LAUNCHER_JAR" "$WORK/ephpm-server.jar"
  EPHPM_JAR="$WORK/ephpm-server.jar"
  # the cluster engine, beside the launcher where its manifest finds it (the cluster suite)
  [ ! -f "$(dirname "$LAUNCHER_JAR")/ephpm-cluster.jar" ] || cp "$(dirname "$LAUNCHER_JAR")/ephpm-cluster.jar" "$WORK/ephpm-cluster.jar"
}

# Fetches what the launcher's build needs from Maven Central (plugins and dependencies) by running
# that build with nothing compiled and no tests, in a scratch copy of the sources: on a fresh
# machine the downloads then overlap the libphp build, which does not use Maven. Best effort: the
# real build fetches whatever is still missing.
prefetch_launcher_build() {
  launcher_needs_build || return 0
  local copy="$WORK/prefetch"
  mkdir -p "$copy"
  tar -C "$REPO" --exclude=./.git --exclude=target --exclude=./bench/out -cf - . | tar -C "$copy" -xf -
  log "fetching the launcher build's Maven plugins and dependencies (while libphp builds)"
  (cd "$copy" && mvn -B -ntp -q -N install && mvn -B -ntp -q -Dmaven.main.skip -Dmaven.test.skip=true -DskipTests \
    -Dexec.skip=true -pl jetty-module -am package) >"$WORK/prefetch.log" 2>&1 \
    || log "prefetching the launcher build's dependencies failed; the build will fetch them (log: $WORK/prefetch.log)"
  rm -rf "$copy"
}

# jetty-home from Maven Central, unpacked once into the cache directory.
ensure_jetty_home() {
  local cache=${BENCH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ephpm-bench}
  JETTY_HOME=${JETTY_HOME:-$cache/jetty-home-$BENCH_JETTY_VERSION}
  [ -f "$JETTY_HOME/start.jar" ] && return 0
  mkdir -p "$cache"
  log "fetching org.eclipse.jetty:jetty-home:$BENCH_JETTY_VERSION:zip from Maven Central"
  (cd "$REPO" && mvn -B -ntp -q -N dependency:copy -Dartifact="org.eclipse.jetty:jetty-home:$BENCH_JETTY_VERSION:zip" \
    -DoutputDirectory="$cache") >&2 || { log "could not fetch jetty-home"; exit 3; }
  (cd "$cache" && unzip -q -o "jetty-home-$BENCH_JETTY_VERSION.zip" && rm -f "jetty-home-$BENCH_JETTY_VERSION.zip")
  [ -f "$JETTY_HOME/start.jar" ] || die "jetty-home did not unpack to $JETTY_HOME"
}

# Tomcat from Maven Central, unpacked once into the cache directory (the static-file table).
ensure_tomcat_home() {
  local cache=${BENCH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ephpm-bench}
  TOMCAT_HOME=${TOMCAT_HOME:-$cache/apache-tomcat-$BENCH_TOMCAT_VERSION}
  [ -f "$TOMCAT_HOME/bin/catalina.sh" ] && return 0
  mkdir -p "$cache"
  log "fetching org.apache.tomcat:tomcat:$BENCH_TOMCAT_VERSION:zip from Maven Central"
  (cd "$REPO" && mvn -B -ntp -q -N dependency:copy -Dartifact="org.apache.tomcat:tomcat:$BENCH_TOMCAT_VERSION:zip" \
    -DoutputDirectory="$cache") >&2 || { log "could not fetch Tomcat"; exit 3; }
  (cd "$cache" && unzip -q -o "tomcat-$BENCH_TOMCAT_VERSION.zip" && rm -f "tomcat-$BENCH_TOMCAT_VERSION.zip")
  [ -f "$TOMCAT_HOME/bin/catalina.sh" ] || die "Tomcat did not unpack to $TOMCAT_HOME"
}

# laravel/octane for octane mode: a checkout named by EPHPM_OCTANE_PATH (never fetched by the harness).
octane_available() {
  [ -n "${BENCH_OCTANE_PATH:-}" ] && [ -f "$BENCH_OCTANE_PATH/src/Worker.php" ]
}
