#!/usr/bin/env bash
# Fetches Laravel 10 as Debian 13 (trixie) packages it: php-laravel-framework and every pure-PHP
# library it depends on (architecture all; they install on no Debian 12 system, so they are only
# unpacked). One per-machine cache, filled once with apt's own tools and a sources list of its own,
# which leaves the system's apt alone. Prints the directory of the PHP tree (what the packages put in
# /usr/share/php) as its last line on stdout.
#
#   laravel-framework.sh                 fills the cache, prints the tree
#   laravel-framework.sh --into DIR      and copies the tree into DIR (an app's vendor/debian), as a
#                                        deployed Laravel app carries its framework in vendor/
#
# EPHPM_CACHE_DIR overrides the cache root (default: ~/.cache/ephpm).
set -euo pipefail

into=""
case "${1:-}" in
  --into) into="${2:?--into needs a directory}" ;;
  "") ;;
  *) echo "usage: laravel-framework.sh [--into DIR]" >&2; exit 2 ;;
esac
cache_root="${EPHPM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ephpm}"
suite=trixie
say() { echo "[laravel] $*" >&2; }
die() { echo "[laravel] ERROR: $*" >&2; exit 1; }
for tool in apt-get apt-cache dpkg-deb; do command -v "$tool" >/dev/null || die "$tool is missing (a Debian system is needed)"; done

apt_dir="$cache_root/apt-$suite"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources"
touch "$apt_dir/status"
cat >"$apt_dir/sources/$suite.sources" <<SOURCES
Types: deb
URIs: ${EPHPM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
cat >"$apt_dir/apt.conf" <<CONF
Dir::Etc::sourcelist "/dev/null";
Dir::Etc::sourceparts "$apt_dir/sources";
Dir::Etc::preferencesparts "/dev/null";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
CONF
apt_() { APT_CONFIG="$apt_dir/apt.conf" "$@"; }

if [ ! -f "$apt_dir/lists/.updated" ] || [ -n "$(find "$apt_dir/lists/.updated" -mtime +7)" ]; then
  say "reading Debian $suite's package index"
  apt_ apt-get update -q >&2 || die "apt-get update of Debian $suite's index failed"
  touch "$apt_dir/lists/.updated"
fi
version="$(apt_ apt-cache show --no-all-versions php-laravel-framework | awk '/^Version:/ && !found { found = $2 } END { print found }')"
[ -n "$version" ] || die "Debian $suite has no php-laravel-framework"
safe_version="$(printf '%s' "$version" | tr -c 'A-Za-z0-9.\n' '_')"
root="$cache_root/laravel-$safe_version"
tree="$root/usr/share/php"

copy_into() { # DIR: a copy of the tree, replaced only when it was copied from another one
  [ -n "$1" ] || return 0
  local stamp
  stamp="$version $(stat -c %Y "$root/.complete")"
  [ "$(cat "$1/.debian-version" 2>/dev/null)" = "$stamp" ] && return 0
  say "copying Laravel $version into $1"
  rm -rf "$1" "$1.part" && mkdir -p "$(dirname "$1")"
  cp -a "$tree" "$1.part" && echo "$stamp" >"$1.part/.debian-version" && mv "$1.part" "$1" \
    || die "could not copy the tree into $1"
}

if [ -f "$root/.complete" ]; then
  say "cached: Laravel $version in $root"
  copy_into "$into"
  echo "$tree"
  exit 0
fi

# The pure-PHP packages of the dependency closure; PHP itself and its extensions (php-cli,
# php-mbstring, ...) are what ePHPm's libphp provides.
candidates=()
while read -r package; do
  case "$package" in php-common|php-cli|php-json|php-mbstring|php-xml|php-intl|php-uuid|php-curl|php-sqlite3) ;; php-*) candidates+=("$package") ;; esac
done < <(apt_ apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
           --no-enhances php-laravel-framework | grep -E '^[a-z0-9]' | sort -u)
mapfile -t packages < <(apt_ apt-cache show --no-all-versions "${candidates[@]}" 2>/dev/null \
  | awk '/^Package:/ { name = $2 } /^Architecture: all$/ { print name }' | sort -u)
[ "${#packages[@]}" -gt 20 ] || die "the dependency closure of php-laravel-framework looks wrong: ${packages[*]}"

say "downloading Laravel $version and ${#packages[@]} packages it depends on from Debian $suite"
debs="$cache_root/src/laravel-$safe_version"
rm -rf "$debs" "$root.part"
mkdir -p "$debs" "$root.part"
(cd "$debs" && apt_ apt-get download -q "${packages[@]}" >&2) || die "apt-get download failed"
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$root.part" || die "could not unpack $deb"; done
# Debian's per-package autoloaders require each other by absolute /usr/share/php paths, which on a
# Debian 12 system hold other versions or nothing: make them relative to the file (dirname(__DIR__, n)
# is the tree), so that the tree and every copy of it load only themselves.
(cd "$root.part/usr/share/php" && find . -name 'autoload*.php' -print0 | while IFS= read -r -d '' file; do
  depth=$(( $(tr -cd / <<<"$file" | wc -c) - 1 ))
  if [ "$depth" -gt 0 ]; then
    sed -i "s#'/usr/share/php/#dirname(__DIR__, $depth).'/#g" "$file"
  else
    sed -i "s#'/usr/share/php/#__DIR__.'/#g" "$file"
  fi
done) || die "could not rewrite the autoloaders' paths"
! grep -rq --include='autoload*.php' "/usr/share/php/" "$root.part/usr/share/php" \
  || die "an autoloader still names /usr/share/php: $(grep -rl --include='autoload*.php' /usr/share/php/ "$root.part/usr/share/php" | head -3)"
rm -rf "$root" && mv "$root.part" "$root" && rm -rf "$debs"
touch "$root/.complete"
say "Laravel $version: $tree"
copy_into "$into"
echo "$tree"
