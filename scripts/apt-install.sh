# ephpm_apt_install PACKAGE...: installs with apt those of the Debian packages this machine lacks.
# Sourced by the build scripts, whose stdout is their result: every message goes to stderr. Without
# a terminal, sudo must not ask for a password (a build under Maven would wait for it forever).
ephpm_apt_install() {
  local p missing=() sudo_cmd=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "[ephpm] ERROR: not root and no sudo: install ${missing[*]} first" >&2; return 1; }
    if [ -t 0 ]; then sudo_cmd=(sudo); else sudo_cmd=(sudo -n); fi
  fi
  echo "[ephpm] installing with apt: ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -q >&2 || { echo "[ephpm] ERROR: apt-get update failed" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || { echo "[ephpm] ERROR: apt-get install failed: ${missing[*]}" >&2; return 1; }
}
