#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real (dig, curl, ...).
# Idempotent: installs only what is missing. Needs root (uses sudo when not root).
set -euo pipefail

packages=(bind9-dnsutils curl pdns-server pdns-backend-sqlite3 bind9 knot knot-dnsutils)
# Knot's zone checker (kzonecheck) for exported and transferred zones (test/helpers/zone-check.ts).
packages+=(knot-dnssecutils)
# Real DynDNS2 clients for test/e2e/clients.test.ts (run once in the foreground, never as daemons).
packages+=(ddclient inadyn wget)
# Anchors of bench/authoritative.ts (npm run bench:dns): NSD and the dnsperf load generator.
# NSD is also a secondary in test/e2e/hidden-primary.test.ts.
packages+=(nsd dnsperf)
# A real reverse proxy in front of dynzone for test/e2e/reverse-proxy.test.ts (run in the
# foreground by the test on a free port; its packaged service is not used).
packages+=(nginx)
# Tools the tests call that the base image normally has: systemd-analyze, openssl, logger.
packages+=(systemd openssl bsdutils)
# fail2ban-regex and fail2ban-client check the shipped filter and jail (deploy/fail2ban/).
packages+=(fail2ban)
# Store dialects (src/store/dialects/): the tests start their own PostgreSQL and MariaDB
# servers in temp dirs on free loopback ports (test/helpers/postgres.ts, mariadb.ts).
packages+=(postgresql mariadb-server)
# Headless browser for the web UI tests (test/e2e/web.test.ts, via playwright-core).
packages+=(chromium)

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
# Their packages enable and start system services (PostgreSQL on 5432, MariaDB on 3306,
# nginx on 80) that the tests never use: the ones installed now are stopped and disabled.
for pair in postgresql:postgresql mariadb-server:mariadb nginx:nginx fail2ban:fail2ban; do
  if [[ " ${missing[*]} " == *" ${pair%%:*} "* ]] && command -v systemctl >/dev/null &&
    systemctl is-enabled --quiet "${pair#*:}" 2>/dev/null; then
    $SUDO systemctl disable --now "${pair#*:}" || true
  fi
done
