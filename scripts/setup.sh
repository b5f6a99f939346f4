#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real (dig, curl, ...).
# Idempotent: installs only what is missing. Needs root (uses sudo when not root).
set -euo pipefail

packages=(bind9-dnsutils curl pdns-server pdns-backend-sqlite3 bind9 knot knot-dnsutils)
# Real DynDNS2 clients for test/e2e/clients.test.ts (run once in the foreground, never as daemons).
packages+=(ddclient inadyn wget)
# Anchors of bench/authoritative.ts (npm run bench:dns): NSD and the dnsperf load generator.
packages+=(nsd dnsperf)
# Tools the tests call that the base image normally has: systemd-analyze, openssl, logger.
packages+=(systemd openssl bsdutils)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all Debian packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
# ddclient's debconf defaults enable and start a daemon (web IP discovery, an empty no-ip
# config); these answers make its postinst start nothing: it only runs on a PPP connect.
printf '%s\n' 'ddclient ddclient/method select Network interface' \
  'ddclient ddclient/run_mode select On PPP connect' | $SUDO debconf-set-selections
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
