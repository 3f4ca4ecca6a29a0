#!/usr/bin/env bash
# Builds a ZTS libphp (embed SAPI, shared) from Debian's own PHP source package and installs it
# into a per-machine cache keyed by PHP version and configure flags.
# Prints the install prefix (the PHP home) as its last line on stdout.
#
#   PHP_VERSION=8.4 build-libphp.sh      the PHP line: 8.4 (the default) or 8.2
#
# The source is Debian's own package for the line (php-source.sh pins and checks it).
# EPHPM_CACHE_DIR overrides the cache root (default: ~/.cache/ephpm).
# EPHPM_PHP_PGO: 1 (default) builds profile-guided with the profile shipped in native/pgo when it
# was made for this very build, and trains a new one otherwise; train always trains one (what
# native/pgo/refresh-profile.sh does); 0 builds without a profile (Laravel 4-7 % slower).
set -euo pipefail

cache_root="${EPHPM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ephpm}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"
pgo="${EPHPM_PHP_PGO:-1}"

say() { echo "[libphp] $*" >&2; }
elapsed() { printf '%dm%02ds' $((SECONDS / 60)) $((SECONDS % 60)); }
die() { echo "[libphp] ERROR: $*" >&2; exit 1; }
[[ "$pgo" == [01] || "$pgo" == train ]] || die "EPHPM_PHP_PGO must be 0, 1 or train, not '$pgo'"
php_line="${PHP_VERSION:-8.4}"
source "$here/php-source.sh"

# --disable-cli: with a program SAPI beside the shared embed SAPI, PHP's configure keeps libtool's
# static objects on, and every file is compiled twice. Nothing here runs the CLI binary.
configure_flags=(
  --enable-embed=shared
  --disable-cli
  --enable-zts
  --disable-zend-signals
  --enable-zend-max-execution-timers
  --disable-cgi --disable-phpdbg
  --enable-opcache
  --with-config-file-scan-dir=no
  --enable-bcmath --enable-calendar --enable-exif --enable-ftp --enable-sockets
  --enable-mbstring --enable-intl=no
  --with-curl --with-openssl --with-zlib --with-sodium --with-password-argon2
  --with-zip
  --with-iconv --enable-posix
  --with-pdo-sqlite --with-sqlite3
  --with-pdo-mysql=mysqlnd --with-mysqli=mysqlnd
  --with-pdo-pgsql
)
# A shared library pays for symbol interposition on every call between its own functions;
# nothing interposes libphp's, so they are bound inside the library, as in a php binary.
# No -g: debug information costs a quarter of the compile time (twice, with the profile-guided
# build) and changes no code; the symbol table still names every function for perf and gdb.
compile_flags="-O2 -fno-semantic-interposition"
link_flags="-Wl,-Bsymbolic-functions"
build_deps=(
  build-essential dpkg-dev pkg-config re2c bison autoconf
  libxml2-dev libsqlite3-dev libonig-dev libssl-dev zlib1g-dev
  libcurl4-openssl-dev libsodium-dev libargon2-dev libpq-dev libzip-dev
)

# Profile-guided optimisation: an instrumented build runs a training set, one fresh PHP request per
# script as classic mode serves an app, and the final build is laid out and inlined for the paths
# it took; code the training never ran is compiled as without a profile. The training set is PHP's
# own Zend/bench.php and the request cycle of the sample Laravel app (every page and API route it
# answers to a GET, on Laravel 10 as Debian 13 packages it, with the Composer class-map autoloader
# the app's build writes): routing, middleware, sessions, Blade, Eloquent on SQLite, JSON. A Laravel
# request costs 4-7 % less CPU, a plain CPU loop the same.
pgo_app="$here/../webapp-sample/laravel"
pgo_routes=(/ /api/hello /api/notes /api/worker /notes /upload /events /download /worker /session/me)
pgo_rounds=60
# Extensions the training never reaches in a request (only their module startup runs): a profile of
# zeros has nothing to tell the compiler about their files, so they are compiled once, uninstrumented,
# and kept for the optimised build. That saves a tenth of the build.
pgo_untrained_exts=(bcmath calendar ctype curl dom exif fileinfo ftp iconv libxml mysqli mysqlnd pdo_mysql pdo_pgsql
  posix simplexml sockets sodium sqlite3 xml xmlreader xmlwriter zip zlib)
if [ "$pgo" != 0 ]; then
  [ -f "$pgo_app/public/index.php" ] || die "the PGO training app is missing: $pgo_app (EPHPM_PHP_PGO=0 builds without it)"
  # An instrumented ifunc resolver runs before the library is relocated and crashes the loader:
  # the build picks its SSE/AVX variants through function pointers instead.
  export ax_cv_have_func_attribute_ifunc=no
fi

# The profile shipped with the project (native/pgo/refresh-profile.sh writes it): the counts of
# the training run, one *.gcda file an object, and the key of the build it was made for.
shipped_profile="$here/native/pgo/profile-$php_line.tar.xz"
shipped_profile_key="$here/native/pgo/profile-$php_line.key"

source "$here/../scripts/apt-install.sh"
install_build_deps() { # [PACKAGE...] beyond build_deps
  ephpm_apt_install "${build_deps[@]}" "$@" || die "could not install the build dependencies"
}
# The compiler is part of the key (a profile only fits the compiler that made it): install it first.
command -v cc >/dev/null || install_build_deps

# Small source patches, each a script that checks it applied (native/*.patch.sh). PHP 8.3 and later
# guard the C stack themselves (zend.max_allowed_stack_size), which the call-stack guard adds to 8.2.
patches=("$here/native/opcache-sapi.patch.sh")
[ "$php_line" != 8.2 ] || patches+=("$here/native/call-stack-guard.patch.sh")
patches+=("$here/native/ini-get-folding.patch.sh" "$here/native/opcache-restart-gate.patch.sh")
# The key covers everything that changes the binary: version, flags, the compiler, the patches, the
# training set.
key_input="$version ${configure_flags[*]} $compile_flags $link_flags $(cat "${patches[@]}" | sha256sum | cut -c1-16)"
key_input+=" $(cc --version | head -n 1) relative-source-paths linked-with-link-flags"
if [ "$pgo" != 0 ]; then
  key_input+=" pgo $pgo_rounds ${pgo_routes[*]} untrained ${pgo_untrained_exts[*]} $(cat "$here/native/pgo/train.c" "$pgo_app/composer.json" | sha256sum | cut -c1-16)"
fi
key="$(printf '%s' "$key_input" | sha256sum | cut -c1-12)"
prefix="$cache_root/php-$safe_version-zts-$key"

if [ -f "$prefix/.complete" ]; then
  say "cached build: $prefix"
  echo "$prefix"
  exit 0
fi

# Train (an instrumented build and a training run, half the build time) unless the shipped profile
# was made for exactly this build.
train_profile=0
if [ "$pgo" = train ]; then
  train_profile=1
elif [ "$pgo" = 1 ]; then
  shipped_key="$(cat "$shipped_profile_key" 2>/dev/null || echo none)"
  if [ ! -f "$shipped_profile" ]; then
    say "no shipped profile ($shipped_profile): training one"
    train_profile=1
  elif [ "$shipped_key" != "$key" ]; then
    say "the shipped profile was made for another build (key $shipped_key, this one is $key): training one; native/pgo/refresh-profile.sh ships a new one"
    train_profile=1
  fi
fi
if [ "$train_profile" = 1 ]; then install_build_deps composer; else install_build_deps; fi

work="$cache_root/src/$safe_version"
srcdir="$work/php-src"
command -v curl >/dev/null || install_build_deps curl
unpack_php_source "$work" "$srcdir"
for patch in "${patches[@]}"; do bash "$patch" "$srcdir"; done

cd "$srcdir"
log="$work/build.log"
: > "$log"
say "configure (log: $log)"
[ -x ./configure ] || ./buildconf --force >>"$log" 2>&1
CFLAGS="$compile_flags" LDFLAGS="$link_flags" ./configure --prefix="$prefix" "${configure_flags[@]}" >>"$log" 2>&1 \
  || { tail -30 "$log" >&2; die "configure failed"; }
# Every file is compiled by a path relative to the source tree, whose own path differs from machine
# to machine: GCC keys a profile's functions by their source paths too, and a profile made in
# another directory built other code (0.6 % more instructions on a Laravel request) than the same
# profile in its own directory.
tree="$(pwd | sed 's/[][\.*^$#]/\\&/g')"
sed -i -e "/--mode=compile/ s#$tree/##g" -e "/^INCLUDES = / s#-I$tree/#-I#g; /^INCLUDES = / s#-I\$(top_[a-z]*dir)/#-I#g" \
  -e 's#^DEFS = .*#DEFS = -Iinclude -Imain -I.#' Makefile
! grep -- "--mode=compile" Makefile | grep -qF "$(pwd)" || die "a compile rule still names $(pwd)"
# PHP's configure takes LDFLAGS for its own tests but leaves them out of the Makefile, whose link
# rules use them: they go in here, for every make below, and the link is checked after install.
grep -q '^LDFLAGS *=' Makefile && die "PHP's Makefile sets LDFLAGS itself now: merge the link flags into it"
sed -i "1i LDFLAGS = $link_flags" Makefile

total="$(find . -name '*.c' -path './ext/*' -o -name '*.c' -path './Zend/*' -o -name '*.c' -path './main/*' | wc -l)"
compile_all() { # PROF_FLAGS [TARGET...]: no target builds everything and links libphp
  local flags=$1; shift
  make -j"$jobs" PROF_FLAGS="$flags" "$@" 2>&1 | tee -a "$log" | awk -v total="$total" '
    /-c .*\.c/ { n++; if (n % 50 == 0) { printf "[libphp] compiled %d files (~%d in tree)\n", n, total > "/dev/stderr"; fflush("/dev/stderr") } }
  ' || true
  [ "${PIPESTATUS[0]}" = 0 ] || { tail -40 "$log" >&2; die "make failed"; }
  [ $# -gt 0 ] || [ -f libs/libphp.so ] || { tail -40 "$log" >&2; die "make did not produce libs/libphp.so"; }
}

# Runs the training set on the instrumented build, in the source tree: each object's profile lands
# beside it (*.gcda).
train() {
  local app="$work/pgo-app" ini="$work/pgo-train.ini" trainer="$work/pgo-train" route entries=()
  rm -rf "$app"
  cp -r "$pgo_app" "$app"
  find "$app/storage" -type f ! -name .gitignore -delete
  rm -rf "$app/vendor"
  bash "$here/../scripts/laravel-framework.sh" --into "$app/vendor/debian" >/dev/null \
    || die "could not fetch Laravel for the training app (scripts/laravel-framework.sh)"
  COMPOSER_ALLOW_SUPERUSER=1 composer --no-interaction --working-dir="$app" dump-autoload --optimize >>"$log" 2>&1 \
    || { tail -20 "$log" >&2; die "composer could not write the training app's autoloader (log: $log)"; }
  cat > "$ini" <<EOF
extension_dir = "$srcdir/modules"
zend_extension = opcache.so
opcache.enable = 1
opcache.validate_timestamps = 1
memory_limit = 256M
max_execution_time = 0
include_path = ".:/usr/share/php"
variables_order = "GPCS"
display_errors = stderr
log_errors = Off
EOF
  cc -O1 -D_GNU_SOURCE -I"$srcdir" -I"$srcdir/main" -I"$srcdir/Zend" -I"$srcdir/TSRM" -o "$trainer" \
    "$here/native/pgo/train.c" -L"$srcdir/libs" -lphp -Wl,-rpath,"$srcdir/libs" >>"$log" 2>&1 \
    || { tail -20 "$log" >&2; die "could not build the PGO training driver"; }
  for route in "${pgo_routes[@]}"; do entries+=("$app/public/index.php@$route"); done
  find . -name '*.gcda' -delete
  # two processes, one a core; each merges its counts into the profiles under a file lock as it exits
  "$trainer" "$ini" 1 "$srcdir/Zend/bench.php" >>"$log" 2>&1 &
  local bench=$!
  "$trainer" "$ini" "$pgo_rounds" "${entries[@]}" >>"$log" 2>&1 || { wait "$bench" || true; tail -20 "$log" >&2; die "the PGO training run on the Laravel app failed (log: $log)"; }
  wait "$bench" || { tail -20 "$log" >&2; die "the PGO training run on Zend/bench.php failed (log: $log)"; }
  rm -rf "$app"
}

if [ "$pgo" != 0 ]; then
  stages=$((train_profile ? 3 : 2))
  untrained=()
  for ext in "${pgo_untrained_exts[@]}"; do
    untrained+=($(grep -oE "^ext/$ext/[^:]*\.lo" Makefile || true))
  done
  say "profile-guided build, 1 of $stages: the ${#untrained[@]} files of extensions the training does not reach, once (make -j$jobs)"
  compile_all "" "${untrained[@]}"
  if [ "$train_profile" = 1 ]; then
    say "profile-guided build, 2 of 3: the rest instrumented (at $(elapsed); each stage takes a few minutes)"
    compile_all -fprofile-generate
    say "training: Zend/bench.php and the sample Laravel app's routes, $pgo_rounds rounds (at $(elapsed))"
    train
    find . -name '*.gcda' -print0 | sort -z \
      | tar --null -T - --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - | xz -9 >"$work/pgo-profile.tar.xz" \
      || die "could not archive the profile"
    printf '%s\n' "$key" >"$work/pgo-profile.key"
    say "the profile: $work/pgo-profile.tar.xz (key $key)"
    # prof-clean removes every object; the uninstrumented ones are set aside with their times and put back
    keep="$work/pgo-untrained.tar"
    for lo in "${untrained[@]}"; do
      printf '%s\n' "$lo" "${lo%.lo}.dep" "${lo%.lo}.o" "$(dirname "$lo")/.libs/$(basename "${lo%.lo}").o"
    done | while read -r f; do if [ -e "$f" ]; then echo "$f"; fi; done | tar -cf "$keep" -T - \
      || die "could not set the uninstrumented objects aside"
    make prof-clean >>"$log" 2>&1
    tar -xpf "$keep" && rm -f "$keep" || die "could not restore the uninstrumented objects"
  else
    say "the profile: the shipped one (native/pgo/profile.tar.xz, key $key)"
    tar -xJf "$shipped_profile" || die "could not unpack the shipped profile $shipped_profile"
  fi
  say "profile-guided build, $stages of $stages: optimised with the profile (at $(elapsed))"
  # A function whose control flow differs from the profile's is built without it: reported, not fatal.
  compile_all "-fprofile-use -fprofile-partial-training -Wno-missing-profile -Wno-error=coverage-mismatch"
  mismatched=$(grep -c "does not match its profile data\|source locations for function" "$log" || true)
  [ "$mismatched" = 0 ] || say "warning: the profile does not fit some functions ($mismatched warnings; log: $log)"
  ! nm -D --undefined-only libs/libphp.so modules/*.so | grep -q __gcov \
    || die "an instrumented object reached the optimised build (log: $log)"
else
  say "make -j$jobs (takes several minutes)"
  compile_all ""
fi

say "installing into $prefix"
make install >>"$log" 2>&1 || { tail -30 "$log" >&2; die "make install failed"; }
# With -Bsymbolic-functions the library's calls to its own functions need no PLT entry.
! readelf -rW "$prefix/lib/libphp.so" | grep JUMP_SLOT | grep -qE ' (_emalloc|_efree|zval_ptr_dtor)( |$)' \
  || die "libphp calls its own functions through the PLT: the link flags ($link_flags) did not reach the link"
touch "$prefix/.complete"
say "done in $(elapsed): $prefix"
echo "$prefix"
