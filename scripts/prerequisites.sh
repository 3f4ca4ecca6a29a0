#!/usr/bin/env bash
# Installs, with apt, the tools the build and the tests need and this machine lacks.
# Sourced by run-tests and run-sample.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

command -v javac >/dev/null 2>&1 || ephpm_apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null 2>&1 || ephpm_apt_install maven
ephpm_apt_install ca-certificates curl python3-prometheus-client php8.2-cli phpunit php-mockery composer php8.2-sqlite3 php8.2-mbstring php8.2-xml
