#!/usr/bin/env bash
# Trains a new profile for the profile-guided libphp build of one PHP line and ships it in this
# directory (profile-<line>.tar.xz and profile-<line>.key). Run it after changing anything the build's key covers: the
# PHP version, the configure or compiler flags, the patches, the compiler, or the training set
# (train.c, the routes, the sample app's composer.json). Until then the build trains its own
# profile on every new machine, which doubles its time, and says so.
#
#   PHP_VERSION=8.4 refresh-profile.sh      (8.4 or 8.2, as build-libphp.sh takes it)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

line="${PHP_VERSION:-8.4}"
EPHPM_CACHE_DIR="$scratch" EPHPM_PHP_PGO=train PHP_VERSION="$line" bash "$here/../../build-libphp.sh" >/dev/null
profile=("$scratch"/src/*/pgo-profile.tar.xz)
[ -f "${profile[0]}" ] || { echo "the build left no profile under $scratch/src" >&2; exit 1; }
cp "${profile[0]}" "$here/profile-$line.tar.xz"
cp "$(dirname "${profile[0]}")/pgo-profile.key" "$here/profile-$line.key"
echo "shipped the PHP $line profile for key $(cat "$here/profile-$line.key"): $here/profile-$line.tar.xz"
