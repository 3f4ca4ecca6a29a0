#!/usr/bin/env bash
# Static files, no PHP: nginx serving them itself, the plain Jetty distribution with its core
# ResourceHandler, ePHPm's launcher (which answers them at Jetty's core, by OctaneServlet's
# routing; with --baseline, the other build's launcher too), and one Tomcat serving them with its
# DefaultServlet directly and through an ePHPm webapp (OctaneServlet routing, then calling
# Tomcat's DefaultServlet in place). Cases: a 5-byte file, a 100 KB file, and a conditional
# request for the 100 KB file
# that each server answers with a 304.

STATIC_CASES="small=/static.txt 100k=/static-100k.bin 304=/static-100k.bin"

suite_static() {
  local docroot="$PLAIN_APP/public" name status last_modified
  log "static files"
  head -c 102400 /dev/urandom >"$docroot/static-100k.bin"
  start_nginx_static nginx-static "$docroot"
  start_jetty_resources jetty-resources "$docroot"
  start_ephpm ephpm-static "$PLAIN_APP" classic 2
  start_tomcat_static "$docroot" static.txt static-100k.bin
  local servers=(nginx-static jetty-resources ephpm-static tomcat-default ephpm-tomcat)
  if has_baseline; then
    start_ephpm_baseline ephpm-static "$PLAIN_APP" classic 2
    servers+=(ephpm-static-baseline)
  fi
  for name in "${servers[@]}"; do await_server "$name" /static.txt; done
  # nginx compares If-Modified-Since with Last-Modified exactly (its default), as Jetty does first
  last_modified=$(curl -fsSI "${SRV_URL[nginx-static]}/static-100k.bin" | tr -d '\r' | sed -n 's/^[Ll]ast-[Mm]odified: //p')
  CASE_HEADER[304]="If-Modified-Since: $last_modified"
  for name in "${servers[@]}"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "${CASE_HEADER[304]}" "${SRV_URL[$name]}/static-100k.bin")
    [ "$status" = 304 ] || die "$name answered $status, not 304, to ${CASE_HEADER[304]}"
  done
  for name in "${servers[@]}"; do warm_up "$name" "$BENCH_WARMUP" /static.txt /static-100k.bin; done
  run_cases static - "$BENCH_DURATION" "$STATIC_CASES" "${servers[@]}"
  unset 'CASE_HEADER[304]'
  stop_all_servers
}
