#!/usr/bin/env bash
# Starts and stops the servers under test. Each start_* registers a server under a name:
#   SRV_URL[name]   its base URL on loopback
#   SRV_PIDS[name]  the pids whose process trees are the server (for RSS and for stopping)
#   SRV_JVM[name]   the pid of its JVM, for a server that runs in one (the warm-up watches its JIT)
# Needs: BENCH_HOME (bench/), WORK (scratch directory), EPHPM_JAR, JETTY_HOME, JAVA.

declare -gA SRV_URL=() SRV_PIDS=() SRV_JVM=()

fill_template() { # template output NAME=VALUE...
  local template=$1 out=$2; shift 2
  local args=() kv
  for kv in "$@"; do args+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  sed "${args[@]}" "$template" >"$out"
}

# php-fpm with its own pool of N static workers; sets FPM_PID to the master's pid.
start_fpm() { # dir workers
  local dir=$1 workers=$2 user_lines="" root_flag=()
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then user_lines=$'user = root\ngroup = root'; root_flag=(-R); fi
  fill_template "$BENCH_HOME/conf/php-fpm.conf.in" "$dir/php-fpm.conf" DIR="$dir" WORKERS="$workers"
  # sed cannot put a newline through the template; do the user lines apart
  awk -v u="$user_lines" '{ if ($0 == "@USER_LINES@") print u; else print }' "$dir/php-fpm.conf" >"$dir/php-fpm.conf.tmp"
  mv "$dir/php-fpm.conf.tmp" "$dir/php-fpm.conf"
  "$FPM_BIN" "${root_flag[@]}" -y "$dir/php-fpm.conf" -c "$BENCH_HOME/conf/php.ini" >"$dir/php-fpm.out" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -S "$dir/php-fpm.sock" ] && break; sleep 0.1; done
  [ -S "$dir/php-fpm.sock" ] || { cat "$dir/php-fpm.out" "$dir/php-fpm.log" >&2 2>/dev/null; die "php-fpm did not start ($dir)"; }
  FPM_PID=$pid
}

# nginx + its own php-fpm pool. fallback: "=404" for plain scripts, "/index.php?$query_string" for a front controller.
start_nginx_fpm() { # name docroot fallback workers
  local name=$1 docroot=$2 fallback=$3 workers=$4
  local dir="$WORK/$name" port fpm user_line=""
  mkdir -p "$dir/tmp"
  start_fpm "$dir/fpm" "$workers"; fpm=$FPM_PID
  alloc_port; port=$PORT
  [ "$(id -u)" = 0 ] && user_line="user root;"
  fill_template "$BENCH_HOME/conf/nginx.conf.in" "$dir/nginx.conf" DIR="$dir" PORT="$port" DOCROOT="$docroot" \
    FALLBACK="$fallback" FPM_SOCKET="$dir/fpm/php-fpm.sock" USER_LINE="$user_line"
  nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log" >"$dir/nginx.out" 2>&1 &
  SRV_PIDS[$name]="$! $fpm"
  SRV_URL[$name]="http://127.0.0.1:$port"
}

# Jetty 12 distribution, fcgi-proxy module, in front of its own php-fpm pool (capped connections).
start_jetty_fcgi() { # name docroot try-path workers
  local name=$1 docroot=$2 try_path=$3 workers=$4
  local dir="$WORK/$name" port fpm
  mkdir -p "$dir/base/etc"
  start_fpm "$dir/fpm" "$workers"; fpm=$FPM_PID
  alloc_port; port=$PORT
  (cd "$dir/base" && "$JAVA" -jar "$JETTY_HOME/start.jar" --add-modules=http,fcgi-proxy >"$dir/add-modules.out" 2>&1) \
    || { cat "$dir/add-modules.out" >&2; die "jetty --add-modules failed"; }
  fill_template "$BENCH_HOME/conf/jetty-fcgi.xml.in" "$dir/base/etc/php-fcgi.xml" DOCROOT="$docroot" \
    TRY_PATH="$try_path" FPM_SOCKET="$dir/fpm/php-fpm.sock" WORKERS="$workers"
  (cd "$dir/base" && exec "$JAVA" $BENCH_JVM_OPTS -jar "$JETTY_HOME/start.jar" jetty.http.host=127.0.0.1 jetty.http.port="$port" jetty.http.acceptQueueSize=1024 \
    etc/php-fcgi.xml >"$dir/jetty.out" 2>&1) &
  SRV_PIDS[$name]="$! $fpm"
  SRV_JVM[$name]=$!
  SRV_URL[$name]="http://127.0.0.1:$port"
}

# nginx serving a directory's files itself, no PHP.
start_nginx_static() { # name docroot
  local name=$1 docroot=$2
  local dir="$WORK/$name" port user_line=""
  mkdir -p "$dir/tmp"
  alloc_port; port=$PORT
  [ "$(id -u)" = 0 ] && user_line="user root;"
  fill_template "$BENCH_HOME/conf/nginx-static.conf.in" "$dir/nginx.conf" DIR="$dir" PORT="$port" DOCROOT="$docroot" \
    USER_LINE="$user_line"
  nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log" >"$dir/nginx.out" 2>&1 &
  SRV_PIDS[$name]="$!"
  SRV_URL[$name]="http://127.0.0.1:$port"
}

# The plain Jetty 12 distribution serving a directory with a core ResourceHandler, no PHP.
start_jetty_resources() { # name docroot
  local name=$1 docroot=$2
  local dir="$WORK/$name" port
  mkdir -p "$dir/base/etc"
  alloc_port; port=$PORT
  (cd "$dir/base" && "$JAVA" -jar "$JETTY_HOME/start.jar" --add-modules=http >"$dir/add-modules.out" 2>&1) \
    || { cat "$dir/add-modules.out" >&2; die "jetty --add-modules failed"; }
  fill_template "$BENCH_HOME/conf/jetty-static.xml.in" "$dir/base/etc/static.xml" DOCROOT="$docroot"
  (cd "$dir/base" && exec "$JAVA" $BENCH_JVM_OPTS -jar "$JETTY_HOME/start.jar" jetty.http.host=127.0.0.1 jetty.http.port="$port" jetty.http.acceptQueueSize=1024 \
    etc/static.xml >"$dir/jetty.out" 2>&1) &
  SRV_PIDS[$name]="$!"
  SRV_JVM[$name]=$!
  SRV_URL[$name]="http://127.0.0.1:$port"
}

# One Tomcat with two contexts over copies of the same files (their times kept): /default, served by
# Tomcat's own DefaultServlet (no web.xml of its own), and /ephpm, a webapp whose web.xml maps
# OctaneServlet at / (OctaneServlet routes, then calls its own instance of Tomcat's DefaultServlet
# with the request as Tomcat made it).
# Registers tomcat-default and ephpm-tomcat, one process.
start_tomcat_static() { # docroot files...
  local docroot=$1; shift
  local dir="$WORK/tomcat-default" lib="$REPO/jetty-module/target/classes/ephpm/jetty-base/lib/ephpm" port pid file
  ls "$lib"/ephpm-servlet-*.jar >/dev/null 2>&1 || die "no ePHPm servlet jars in $lib: build the launcher (bench/run --build)"
  mkdir -p "$dir"/conf/Catalina/localhost "$dir"/logs "$dir"/temp "$dir"/webapps "$dir"/work "$dir/default" "$dir/ephpm/WEB-INF/lib"
  find "$TOMCAT_HOME/conf" -maxdepth 1 -type f -exec cp {} "$dir/conf/" \;
  alloc_port; port=$PORT
  sed -i -e 's|<Server port="8005"|<Server port="-1"|' \
    -e "s|<Connector port=\"8080\"|<Connector port=\"$port\" address=\"127.0.0.1\" acceptCount=\"1024\"|" "$dir/conf/server.xml"
  # no access log, as nginx runs here (access_log off)
  sed -i '/<Valve className="org.apache.catalina.valves.AccessLogValve"/,/\/>/d' "$dir/conf/server.xml"
  grep -q "port=\"$port\"" "$dir/conf/server.xml" || die "unexpected server.xml in $TOMCAT_HOME"
  for file in "$@"; do cp -p "$docroot/$file" "$dir/default/"; cp -p "$docroot/$file" "$dir/ephpm/"; done
  cp "$lib"/*.jar "$dir/ephpm/WEB-INF/lib/"
  rm -f "$dir/ephpm/WEB-INF/lib"/ephpm-jetty-module-*.jar
  cp "$BENCH_HOME/conf/tomcat-ephpm-web.xml" "$dir/ephpm/WEB-INF/web.xml"
  echo "<Context docBase=\"$dir/default\"/>" >"$dir/conf/Catalina/localhost/default.xml"
  echo "<Context docBase=\"$dir/ephpm\"/>" >"$dir/conf/Catalina/localhost/ephpm.xml"
  CATALINA_HOME="$TOMCAT_HOME" CATALINA_BASE="$dir" JRE_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")" \
    CATALINA_OPTS="$BENCH_JVM_OPTS -Dephpm.php.home=$EPHPM_PHP_HOME" sh "$TOMCAT_HOME/bin/catalina.sh" run >"$dir/tomcat.out" 2>&1 &
  pid=$!
  ln -sfn "$dir" "$WORK/ephpm-tomcat" # where await_server looks for a server's logs
  SRV_PIDS[tomcat-default]=$pid SRV_JVM[tomcat-default]=$pid SRV_URL[tomcat-default]="http://127.0.0.1:$port/default"
  SRV_PIDS[ephpm-tomcat]=$pid SRV_JVM[ephpm-tomcat]=$pid SRV_URL[ephpm-tomcat]="http://127.0.0.1:$port/ephpm"
}

# ePHPm's embedded launcher (Jetty 12 + OctaneServlet). Extra arguments go to the launcher.
start_ephpm() { # name app mode workers [launcher args...]
  local name=$1 app=$2 mode=$3 workers=$4; shift 4
  local dir="$WORK/$name" port
  mkdir -p "$dir"
  alloc_port; port=$PORT
  "$JAVA" $BENCH_JVM_OPTS -jar "$EPHPM_JAR" --app "$app" --host 127.0.0.1 --port "$port" --mode "$mode" \
    --workers "$workers" "$@" >"$dir/ephpm.out" 2>&1 &
  SRV_PIDS[$name]="$!"
  SRV_JVM[$name]=$!
  SRV_URL[$name]="http://127.0.0.1:$port"
}

# Jetty's static file, served by the ePHPm worker-mode Jetty (started and warm already): the same
# process under a second name, warmed briefly on its one path. Unset SRV_PIDS[jetty-static] before
# stopping servers, so that the process is not stopped twice.
serve_jetty_static() {
  SRV_URL[jetty-static]=${SRV_URL[ephpm-worker]}
  SRV_PIDS[jetty-static]=${SRV_PIDS[ephpm-worker]}
  warm_up jetty-static "$((BENCH_WARMUP < 2 ? BENCH_WARMUP : 2))" /static.txt
}

# Waits for a server to answer PATH; dies with its logs if it does not.
await_server() { # name path
  local name=$1 path=$2
  local i pid
  for ((i = 0; i < 450; i++)); do
    curl -fsS -o /dev/null --max-time 5 "${SRV_URL[$name]}$path" 2>/dev/null && return 0
    for pid in ${SRV_PIDS[$name]}; do [ -d "/proc/$pid" ] || break 2; done
    sleep 0.2
  done
  log "$name did not answer ${SRV_URL[$name]}$path; its logs:"
  tail -n 30 "$WORK/$name"/*.out "$WORK/$name"/*.log "$WORK/$name"/fpm/*.log 2>/dev/null >&2 || true
  die "$name did not start"
}

stop_server() { # name
  local name=$1
  [ -n "${SRV_PIDS[$name]:-}" ] || return 0
  # shellcheck disable=SC2086
  stop_pids ${SRV_PIDS[$name]}
  unset "SRV_PIDS[$name]" "SRV_URL[$name]" "SRV_JVM[$name]"
}

stop_all_servers() {
  local name
  for name in "${!SRV_PIDS[@]}"; do stop_server "$name"; done
}

server_rss_kib() { # name
  # shellcheck disable=SC2086
  rss_kib ${SRV_PIDS[$1]}
}
