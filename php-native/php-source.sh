# Debian's PHP source package for one PHP line: sourced by build-libphp.sh and by the benchmark's
# php-fpm build, so that both build the same source. Each line is pinned to one Debian source package
# (8.4 from Debian 13, 8.2 from Debian 12), fetched from Debian's archive and checked against the
# SHA-256 of its .dsc, which in turn holds the checksums of the tarballs that dpkg-source verifies.
#
# Needs: php_line (8.4 | 8.2), say, die. Sets: version, source_package, safe_version.
# EPHPM_DEBIAN_MIRROR names another Debian mirror (default: deb.debian.org).

case "$php_line" in
  8.4) version=8.4.24-1~deb13u1 dsc_sha256=fd84ce153abc1af23514100a25d04acd3c728f5c4b5c30c3e1a0788ef9c780eb ;;
  8.2) version=8.2.32-1~deb12u1 dsc_sha256=2dd58aea6324c0d6bd3da32bb1b6e2c10a9cf201c2587a7f6dd1acff7cef52fe ;;
  *) die "PHP_VERSION must be 8.4 or 8.2, not '$php_line'" ;;
esac
source_package="php$php_line"
safe_version="$(printf '%s' "$version" | tr -c 'A-Za-z0-9.\n' '_')"

# Downloads the source package into WORK once (the .dsc checked against the pinned SHA-256, the
# tarballs against the .dsc) and unpacks it, with Debian's patches, into SRCDIR.
unpack_php_source() { # WORK SRCDIR
  local work="$1" srcdir="$2" dsc="${source_package}_$version.dsc" file
  local pool="${EPHPM_DEBIAN_MIRROR:-http://deb.debian.org/debian}/pool/main/p/$source_package"
  mkdir -p "$work"
  if ! echo "$dsc_sha256  $work/$dsc" | sha256sum --check --status 2>/dev/null; then
    command -v curl >/dev/null || die "curl is missing"
    say "downloading Debian source package $source_package $version"
    curl -fsSL --retry 3 -o "$work/$dsc.part" "$pool/$dsc" && mv "$work/$dsc.part" "$work/$dsc" \
      || die "could not download $pool/$dsc (EPHPM_DEBIAN_MIRROR names another Debian mirror)"
    echo "$dsc_sha256  $work/$dsc" | sha256sum --check --status \
      || die "$dsc does not have the SHA-256 this script pins ($dsc_sha256): refusing to build it"
    for file in $(awk '/^Checksums-Sha256:/ { in_list = 1; next } /^[^ ]/ { in_list = 0 } in_list { print $3 }' "$work/$dsc"); do
      [ -f "$work/$file" ] && continue
      curl -fsSL --retry 3 -o "$work/$file.part" "$pool/$file" && mv "$work/$file.part" "$work/$file" \
        || die "could not download $pool/$file"
    done
  fi
  rm -rf "$srcdir"
  say "unpacking source"
  dpkg-source --no-check -x "$work/$dsc" "$srcdir" >&2 || die "dpkg-source -x failed (a tarball that does not match $dsc?)"
}
