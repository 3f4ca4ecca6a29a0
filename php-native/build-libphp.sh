#!/usr/bin/env bash
# Builds a ZTS libphp (embed SAPI, shared) from Debian's own php8.2 source package
# and installs it into a per-machine cache keyed by PHP version and configure flags.
# Prints the install prefix (the PHP home) as its last line on stdout.
#
#   build-libphp.sh [DEBIAN_VERSION]      default: $EPHPM_PHP_VERSION or 8.2.32-1~deb12u1
#
# EPHPM_CACHE_DIR overrides the cache root (default: ~/.cache/ephpm).
set -euo pipefail

version="${1:-${EPHPM_PHP_VERSION:-8.2.32-1~deb12u1}}"
cache_root="${EPHPM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ephpm}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"

say() { echo "[libphp] $*" >&2; }
die() { echo "[libphp] ERROR: $*" >&2; exit 1; }

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
compile_flags="-g -O2 -fno-semantic-interposition"
link_flags="-Wl,-Bsymbolic-functions"
build_deps=(
  build-essential dpkg-dev pkg-config re2c bison autoconf
  libxml2-dev libsqlite3-dev libonig-dev libssl-dev zlib1g-dev
  libcurl4-openssl-dev libsodium-dev libargon2-dev libpq-dev libzip-dev
)

# Small source patches, each a script that checks it applied (native/*.patch.sh).
patches=("$here/native/opcache-sapi.patch.sh" "$here/native/call-stack-guard.patch.sh" "$here/native/ini-get-folding.patch.sh")
# The key covers everything that changes the binary: version, flags, the patches.
key_input="$version ${configure_flags[*]} $compile_flags $link_flags $(cat "${patches[@]}" | sha256sum | cut -c1-16)"
key="$(printf '%s' "$key_input" | sha256sum | cut -c1-12)"
safe_version="$(printf '%s' "$version" | tr -c 'A-Za-z0-9.\n' '_')"
prefix="$cache_root/php-$safe_version-zts-$key"

if [ -f "$prefix/.complete" ]; then
  say "cached build: $prefix"
  echo "$prefix"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: install these packages first: ${build_deps[*]}"
  sudo_cmd=(sudo)
fi

missing=()
for p in "${build_deps[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing build dependencies: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install of build dependencies failed: ${missing[*]}"
fi

work="$cache_root/src/$safe_version"
mkdir -p "$work"
if ! ls "$work"/php8.2_*.dsc >/dev/null 2>&1; then
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    say "enabling Debian source packages (deb-src)"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/ephpm-deb-src.sources >/dev/null
    "${sudo_cmd[@]}" apt-get update -q >&2 || die "apt-get update (deb-src) failed"
  fi
  say "downloading Debian source package php8.2=$version"
  (cd "$work" && apt-get source --download-only "php8.2=$version" >&2) \
    || die "apt-get source php8.2=$version failed (is that version in the Debian archive's main suite?)"
fi

srcdir="$work/php-src"
rm -rf "$srcdir"
say "unpacking source"
dpkg-source --no-check -x "$(ls "$work"/php8.2_*.dsc | head -1)" "$srcdir" >&2 || die "dpkg-source -x failed"
for patch in "${patches[@]}"; do bash "$patch" "$srcdir"; done

cd "$srcdir"
log="$work/build.log"
: > "$log"
say "configure (log: $log)"
[ -x ./configure ] || ./buildconf --force >>"$log" 2>&1
CFLAGS="$compile_flags" LDFLAGS="$link_flags" ./configure --prefix="$prefix" "${configure_flags[@]}" >>"$log" 2>&1 \
  || { tail -30 "$log" >&2; die "configure failed"; }

say "make -j$jobs (takes several minutes)"
total="$(find . -name '*.c' -path './ext/*' -o -name '*.c' -path './Zend/*' -o -name '*.c' -path './main/*' | wc -l)"
make -j"$jobs" 2>&1 | tee -a "$log" | awk -v total="$total" '
  /-c .*\.c/ { n++; if (n % 50 == 0) { printf "[libphp] compiled %d files (~%d in tree)\n", n, total > "/dev/stderr"; fflush("/dev/stderr") } }
' || true
[ "${PIPESTATUS[0]}" = 0 ] || { tail -40 "$log" >&2; die "make failed"; }
[ -f libs/libphp.so ] || { tail -40 "$log" >&2; die "make did not produce libs/libphp.so"; }

say "installing into $prefix"
make install >>"$log" 2>&1 || { tail -30 "$log" >&2; die "make install failed"; }
touch "$prefix/.complete"
say "done: $prefix"
echo "$prefix"
