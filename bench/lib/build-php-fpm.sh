#!/usr/bin/env bash
# Builds php-fpm, not thread-safe, for the benchmark's nginx + php-fpm and Jetty FastCGI baselines,
# from the very Debian source package libphp is built from (php-native/php-source.sh), the way
# Debian builds its phpX.Y-fpm: Debian's patches and compiler flags (dpkg-buildflags with the
# package's own additions), no profile, and the extensions the benchmark's apps use built shared,
# as Debian's php-common, php-sqlite3, php-mbstring and php-xml packages ship them, each loaded by an
# ini file in the build's conf.d. Debian 13's binary packages do not install on Debian 12, so the
# PHP 8.4 baseline is built here; for PHP 8.2 the benchmark uses Debian 12's own php8.2-fpm.
# Installed into a per-machine cache keyed by version and flags; prints the prefix (sbin/php-fpm)
# as its last line on stdout.
#
#   PHP_VERSION=8.4 build-php-fpm.sh
set -euo pipefail

cache_root="${EPHPM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ephpm}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"
say() { echo "[php-fpm] $*" >&2; }
die() { echo "[php-fpm] ERROR: $*" >&2; exit 1; }
php_line="${PHP_VERSION:-8.4}"
source "$here/../../php-native/php-source.sh"

build_deps=(build-essential dpkg-dev pkg-config re2c bison autoconf curl
  libxml2-dev libsqlite3-dev libonig-dev libssl-dev zlib1g-dev libsodium-dev libargon2-dev libpcre2-dev libacl1-dev)
source "$here/../../scripts/apt-install.sh"
ephpm_apt_install "${build_deps[@]}" || die "could not install the build dependencies"

# debian/rules: hardening=+all optimize=-lto, then -O2 -Wall -pedantic -fsigned-char
# -fno-strict-aliasing -g appended, and -Wl,--as-needed.
export DEB_BUILD_MAINT_OPTIONS="hardening=+all optimize=-lto"
export DEB_CFLAGS_MAINT_APPEND="-O2 -Wall -pedantic -fsigned-char -fno-strict-aliasing $(getconf LFS_CFLAGS) -DOPENSSL_SUPPRESS_DEPRECATED -g"
export DEB_LDFLAGS_MAINT_APPEND="-Wl,--as-needed"
# dpkg-buildflags maps the directory it runs in out of debug paths (-ffile-prefix-map): the build's
# own, not the caller's, or the key would change with the directory the harness runs from
work="$cache_root/src/$safe_version"
srcdir="$work/php-fpm-src"
mkdir -p "$work"
cflags="$(cd "$work" && dpkg-buildflags --get CFLAGS)"
cppflags="$(cd "$work" && dpkg-buildflags --get CPPFLAGS)"
ldflags="$(cd "$work" && dpkg-buildflags --get LDFLAGS)"
# debian/rules' COMMON_CONFIG and fpm_config, less the Debian file-system layout
configure_flags=(
  --enable-fpm --disable-cli --disable-cgi --disable-phpdbg
  --disable-all --disable-debug --disable-rpath --disable-static --disable-dtrace --with-pic --without-pear
  --enable-filter --with-openssl --with-password-argon2=/usr --with-external-pcre --enable-hash
  --with-libxml --enable-session --with-sodium --with-system-tzdata --with-zlib=/usr --with-fpm-acl
  --enable-opcache=shared
  --enable-ctype=shared --enable-tokenizer=shared --enable-fileinfo=shared --enable-posix=shared
  --enable-calendar=shared --with-iconv=shared --enable-phar=shared
  --enable-pdo=shared --with-pdo-sqlite=shared --with-sqlite3=shared
  --enable-mbstring=shared
  --enable-dom=shared --enable-simplexml=shared --enable-xml=shared --enable-xmlreader=shared --enable-xmlwriter=shared
)
# Debian's load order (the priorities of its conf.d ini files)
extensions=(opcache:zend_extension pdo ctype tokenizer fileinfo posix calendar iconv phar pdo_sqlite sqlite3 mbstring
  xml dom simplexml xmlreader xmlwriter)

key="$(printf '%s' "$version ${configure_flags[*]} $cflags $cppflags $ldflags ${extensions[*]} $(cc --version | head -n 1)" | sha256sum | cut -c1-12)"
prefix="$cache_root/php-fpm-$safe_version-nts-$key"
if [ -f "$prefix/.complete" ]; then
  say "cached build: $prefix"
  echo "$prefix"
  exit 0
fi

unpack_php_source "$work" "$srcdir"
cd "$srcdir"
log="$work/php-fpm-build.log"
: >"$log"
say "configure (log: $log)"
[ -x ./configure ] || ./buildconf --force >>"$log" 2>&1
rm -rf "$prefix"
CFLAGS="$cflags" CPPFLAGS="$cppflags" LDFLAGS="$ldflags" ./configure --prefix="$prefix" \
  --with-config-file-path="$prefix/etc" --with-config-file-scan-dir="$prefix/etc/conf.d" "${configure_flags[@]}" >>"$log" 2>&1 \
  || { tail -30 "$log" >&2; die "configure failed"; }
say "make -j$jobs (takes several minutes)"
make -j"$jobs" >>"$log" 2>&1 || { tail -40 "$log" >&2; die "make failed"; }
make install >>"$log" 2>&1 || { tail -30 "$log" >&2; die "make install failed"; }
mkdir -p "$prefix/etc/conf.d"
priority=10
for extension in "${extensions[@]}"; do
  name="${extension%%:*}" directive=extension
  [ "$name" = "$extension" ] || directive="${extension#*:}"
  echo "$directive=$name.so" >"$prefix/etc/conf.d/$priority-$name.ini"
  priority=$((priority + 1))
done
"$prefix/sbin/php-fpm" -m 2>&1 | grep -qx "pdo_sqlite" || { "$prefix/sbin/php-fpm" -m >&2 || true; die "the build does not load its extensions"; }
rm -rf "$srcdir"
touch "$prefix/.complete"
say "done: $prefix/sbin/php-fpm (PHP $version, NTS)"
echo "$prefix"
