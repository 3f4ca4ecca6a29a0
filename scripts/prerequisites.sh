#!/usr/bin/env bash
# Installs, with apt, the tools the build and the tests need and this machine lacks.
# Sourced by run-tests and run-sample.
set -euo pipefail

ephpm_apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  echo "[ephpm] installing with apt: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q >/dev/null || { echo "[ephpm] ERROR: apt-get update failed" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "[ephpm] ERROR: apt-get install failed: ${missing[*]}" >&2; return 1; }
}

command -v javac >/dev/null 2>&1 || ephpm_apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null 2>&1 || ephpm_apt_install maven
ephpm_apt_install ca-certificates curl php8.2-cli phpunit composer php8.2-sqlite3 php8.2-mbstring php8.2-xml
