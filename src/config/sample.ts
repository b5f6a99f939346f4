/**
 * The sample dynzone.toml that `dynzone init` writes: every key with its default and one
 * line on what it does. A test checks that it parses to exactly the defaults and names
 * every key of the schema, so it cannot drift.
 */

/** A commented dynzone.toml listing every key at its default value. */
export function sampleConfigToml(): string {
  return SAMPLE
}

const SAMPLE = `# dynzone.toml: every key at its default value.
# Any key can be overridden by an environment variable DYNZONE_<KEY PATH> (for example
# DYNZONE_HTTP_PORT=8080, DYNZONE_LOG_LEVEL=debug), and environment by command-line flags
# (--set http.port=8080). Zones can only be set in this file.

# Directory for the SQLite database and the generated pepper. Relative paths in this file
# (here and below) are relative to this file's folder.
data_dir = "./data"

[http]
# Address the HTTP update/API server listens on ("0.0.0.0" or "::" for all interfaces).
listen = "127.0.0.1"
# TCP port of the HTTP server (0 = any free port).
port = 8245
# Reverse proxies (CIDR ranges or addresses) whose proxy_header is believed. A proxy on this
# host must be listed too ("127.0.0.1"), or every client looks like the host itself.
trusted_proxies = []
# The one header that names the client behind a trusted proxy: "X-Forwarded-For" (walked
# from the right through trusted proxies), "X-Real-IP" or "Forwarded" (RFC 7239 for=).
proxy_header = "X-Forwarded-For"

[https]
# Also serve HTTPS (TLS 1.2+); plain HTTP keeps running for routers that only speak HTTP.
enabled = false
# Address the HTTPS server listens on.
listen = "127.0.0.1"
# TCP port of the HTTPS server.
port = 8443
# Certificate chain (PEM, e.g. Let's Encrypt fullchain.pem); reloaded on SIGHUP and on change.
cert = ""
# Private key (PEM, e.g. privkey.pem).
key = ""

[dns]
# Run the built-in authoritative DNS server.
enabled = true
# Address the DNS server listens on (UDP and TCP).
listen = "127.0.0.1"
# Port of the DNS server; 53 needs privileges, hence 5353 by default.
port = 5353
# Clients (CIDR ranges or addresses) allowed to transfer zones (AXFR/IXFR); [] = nobody.
allow_transfer = []
# Secondaries sent a NOTIFY after every change ("192.0.2.1", "192.0.2.1:5301", "[2001:db8::1]:53").
notify = []
# TSIG keys (names from [[dns.update_keys]]) allowed to transfer zones, from any address.
allow_transfer_keys = []
# Processes answering UDP queries on the same port: 0 = the main process answers them all;
# "auto" = one per core. Each keeps a copy of the zones; rrl budgets are per process.
workers = 0

# Response-rate limiting of UDP answers, against reflection: answers per second per client
# /24 (IPv4) or /56 (IPv6); over it every slip-th answer is truncated (TC=1), the rest dropped.
[dns.rrl]
# Off turns the limiter off entirely.
enabled = true
# Answers per second per client prefix before limiting starts.
responses_per_second = 200
# Every slip-th limited answer is sent truncated (TC=1) so real resolvers retry over TCP; 0 drops all.
slip = 2
# Clients never limited (CIDR ranges); loopback cannot be spoofed from outside.
exempt = ["127.0.0.0/8", "::1/128"]

# TSIG keys for RFC 2136 UPDATE (nsupdate -k, certbot-dns-rfc2136, lego, acme.sh dns_nsupdate)
# and signed transfers; each grants names and record types, like BIND's update-policy.
# [[dns.update_keys]]
# Key name, as in the key file and the client's config.
# name = "acme-key"
# hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512.
# algorithm = "hmac-sha256"
# The base64 secret; or secret_file, or key_file (a BIND key file from tsig-keygen).
# secret = ""
# secret_file = "/run/secrets/acme-key"
# key_file = "/etc/dynzone/acme.key"
# [[dns.update_keys.grant]]
# A name, a pattern ("*" is one label), or unused for self/selfsub.
# name = "_acme-challenge.*.dyn.example.com"
# name, subdomain, wildcard, self or selfsub; default wildcard when name has "*", else name.
# match = "wildcard"
# Record types (A, AAAA, CNAME, MX, TXT, SRV, CAA, NS, PTR, SSHFP, TLSA, SVCB, HTTPS, DS); [] = all of them.
# types = ["TXT"]

[database]
# Database backend: "sqlite", "postgres" (PostgreSQL) or "mariadb" (MariaDB/MySQL).
backend = "sqlite"
# Database file for sqlite; "" means <data_dir>/dynzone.sqlite.
path = ""
# postgres/mariadb: a URL (a secret; url_file reads it from a file), or the fields below.
url = ""
# url_file = "/run/secrets/dynzone_database_url"
# Server host.
host = "127.0.0.1"
# Server port; 0 means the backend's default (5432 or 3306).
port = 0
# Database name (on MariaDB created with COLLATE utf8mb4_bin).
name = "dynzone"
# Database user.
user = "dynzone"
# Password ("" = none), or read it from a file:
password = ""
# password_file = "/run/secrets/dynzone_database_password"
# Server connections per process.
pool_size = 10

[security]
# Server secret keying token hashes; "" means generate one into <data_dir>/pepper on first start.
pepper = ""
# Or read the pepper from a file (contents trimmed), e.g. a Docker or Kubernetes secret:
# pepper_file = "/run/secrets/dynzone_pepper"
# How long a verified account password is cached for basic auth, in seconds (0 = never).
password_cache_seconds = 900
# Bad credentials from one address (IPv6: its /64) for one user name, or bare tokens, before
# that pair is locked out; 0 = no lockouts. Other addresses stay unaffected.
lockout_threshold = 5
# First lock, in seconds; each further failure after a lock doubles it.
lockout_base_seconds = 60
# Longest lock, in seconds.
lockout_max_seconds = 3600
# A pair without failures for this long starts over at the threshold, in seconds.
lockout_reset_seconds = 86400
# Client addresses (CIDR ranges) never locked out and never counted, e.g. your own network.
# None by default: behind a reverse proxy on this host every client would look like loopback.
lockout_allow = []

[cluster]
# This instance's name in the publisher lease table; "" means <hostname>:<http.port>.
# Instances sharing one database must have different names.
instance_id = ""
# Seconds a zone's publisher lease lasts without renewal; another instance takes over after it.
lease_seconds = 15

[log]
# One of fatal, error, warn, info, debug, trace, silent.
level = "info"
# Where logs go: stdout (journald under systemd), file, or syslog.
target = "stdout"
# Log file path, for target = "file".
file = ""
# Rotate the log file at this size (500k, 10m, 1g).
file_max_size = "10m"
# Rotated log files kept.
file_keep = 5
# For target = "syslog": "" = the local syslog (/dev/log), or host:port over UDP.
syslog_server = ""
# json: one JSON object a line (for journald, collectors); pretty: time LEVEL msg key=value,
# for a person at a terminal (target = "stdout" only).
format = "json"
# One line per HTTP request (route pattern, status, duration; never the URL), like log_requests.
requests = false

[demo]
# A demo user (with a printed password), host and token, created on first start only on the
# embedded defaults (no config file naming [[zones]]): never with this file, which names its
# zones. Off here so that nothing suggests otherwise.
enabled = false

[web]
# Who must have a second factor (TOTP or a passkey) to use the web UI: "none", "admins" or "everyone".
# Those it covers who have none are sent to set one up after login and can do nothing else.
require_second_factor = "none"
# The address browsers open the web UI at (what they show in the address bar, also behind a
# reverse proxy: the proxy's address and path prefix), e.g. "https://dyn.example.org".
# Passkeys are bound to its host name and invitation mails link to it. Empty: passkeys are
# off and invitations show their link to the administrator instead of mailing it.
public_url = ""
# Hours an invitation link stays valid.
invitation_hours = 72

[audit]
# Days the audit trail (logins, admin changes, API writes, tokens; see dynzone audit) is kept in
# the database. Its log lines ("msg":"audit") follow the log's own rotation.
retention_days = 90

[records]
# Static record values (MX, SRV, names below the host, ...) one host's owner may hold through the
# API and the web UI (see dynzone record); admins are not limited.
max_per_host = 100

[metrics]
# Serve Prometheus metrics on /metrics.
enabled = true
# Client addresses allowed to read /metrics (others get 403).
allow = ["127.0.0.0/8", "::1/128"]

[update]
# How long an update waits for DNS to be published before answering with a server error, in ms.
answer_deadline_ms = 3000
# Most hosts one update request may name.
max_hosts = 20
# How long an ACME TXT value (_acme-challenge) lives after it was last set, in seconds.
txt_ttl_seconds = 3600
# Tokens, accounts, hosts and lockout states kept in memory, per kind; 0 reads the database
# every time. Changes by anyone (CLI, API, other instances) are seen on the next request.
cache_entries = 100000
# How often the last-seen marks of pings that change nothing are written, together, in ms;
# 0 writes them with each ping. A crash loses at most this long of marks, never an address.
seen_flush_ms = 1000
# Private, loopback, link-local, CGNAT, ULA, documentation addresses in updates: "public"
# refuses them, "any" accepts them, "auto" refuses them in public zones only (zones not under
# .test, .example, .invalid, .localhost, .local, .internal, .lan, .home.arpa, example.com/net/org).
address_policy = "auto"
# Zones that refuse special-use addresses whatever address_policy says.
address_policy_public = []
# Zones that accept every address whatever address_policy says.
address_policy_any = []

[rate_limit]
# Limit requests per client address, account and host; over budget the client gets "abuse"
# (or its dialect's equivalent) with Retry-After. Server errors never count.
enabled = true
# Window for successful requests, in seconds.
good_window_seconds = 3600
# Successful requests per window per client address and per account.
good_max = 720
# Successful updates per window per host.
host_good_max = 240
# Window for failed requests (bad credentials, unknown hosts, refused input), in seconds.
bad_window_seconds = 900
# Failed requests per window per client address and per account.
bad_max = 30
# Bad passwords per bad window for one account name from all addresses together; over it,
# addresses that never logged in as that account are refused until the window passes.
account_bad_max = 100
# How often idle counters are dropped, in seconds.
cleanup_interval_seconds = 300
# Most counters kept in memory; the least recently used go first.
max_entries = 100000
# Client addresses (CIDR ranges) no budget applies to; none by default (see lockout_allow).
exempt = []
# Share the counters between instances through the database: "auto" (on PostgreSQL and
# MariaDB, off on SQLite), "on" or "off".
shared = "auto"
# How often shared counters are synced, in milliseconds: several instances together may pass
# a budget by what they accept within about this long.
sync_ms = 1000

[expiry]
# How often hosts whose expiry TTL passed lose their stale records (host add --expiry-ttl), in seconds.
interval_seconds = 60

[notify]
# Failed logins for one user or host within the window that make a digest mail/webhook.
auth_failure_threshold = 5
# Length of an authentication-failure digest window, in seconds (one digest per window).
auth_failure_window_seconds = 3600

[notify.smtp]
# SMTP server for notification mails to the owners' email addresses; "" = no mail.
host = ""
# SMTP port: 587 for STARTTLS, 465 for TLS, 25 for none.
port = 587
# "starttls" (required, not opportunistic), "tls" (implicit TLS) or "none".
security = "starttls"
# SMTP login; "" = no authentication.
username = ""
# SMTP password.
password = ""
# Or read it from a file (contents trimmed):
# password_file = "/run/secrets/smtp_password"
# Sender address of the mails.
from = "dynzone@localhost"
# Verify the server's TLS certificate (turn off only for a self-signed test server).
tls_verify = true
# Give up on one mail after this long, in ms.
timeout_ms = 15000

[notify.templates]
# Per event (changed, expired, auth_failures, lockout): subject, body, or body read from a file;
# "" = the built-in text. Variables are written {{ name }}; see src/notifications/README.md.
changed_subject = ""
# Body of the change mail.
changed_body = ""
# Or the body from a file.
changed_body_file = ""
# Subject of the expiry mail.
expired_subject = ""
# Body of the expiry mail.
expired_body = ""
# Or the body from a file.
expired_body_file = ""
# Subject of the failed-login digest.
auth_failures_subject = ""
# Body of the failed-login digest.
auth_failures_body = ""
# Or the body from a file.
auth_failures_body_file = ""
# Subject of the lockout mail (a user name locked out at one address after bad credentials).
lockout_subject = ""
# Body of the lockout mail.
lockout_body = ""
# Or the body from a file.
lockout_body_file = ""
# Subject of the warning that a host publishes temporary (privacy) IPv6 addresses (once per host).
temporary_ipv6_subject = ""
# Body of that warning.
temporary_ipv6_body = ""
# Or the body from a file.
temporary_ipv6_body_file = ""

# Webhooks: a signed JSON POST per event (see src/notifications/README.md for verifying it).
# [[notify.webhooks]]
# url = "https://hooks.example.org/dynzone"
# secret = "..."
# secret_file = "/run/secrets/webhook_secret"
# events = ["changed", "expired", "auth-failures", "lockout"]
# timeout_ms = 5000
# max_attempts = 5

[dialects.sftdyn]
# Path prefix of sftdyn secret URLs (GET <prefix>/<key>); every other route wins over it.
prefix = "/"

[dialects.duckdns]
# Zone that DuckDNS "domains" labels live in; default: the first zone.
# zone = "dyn.example.test"

# DynDNS2 endpoints with their parameter names (ddns-service style); with none, dynzone serves
# /nic/update, /v3/update and /update with the names below. An empty list disables a field.
# [[endpoints]]
# path = "/nic/update"
# hostname = ["hostname"]
# myip = ["myip"]
# myipv4 = ["ipv4", "ip4", "ip"]
# myipv6 = ["myipv6", "myip6", "ipv6", "ip6"]
# ipv6prefix = ["ipv6prefix", "ip6lanprefix"]
# username = ["username", "user"]
# password = ["password", "pass", "token"]
# offline = ["offline"]
# system = ["system"]

# One [[zones]] table per zone dynzone serves; with none, the demo zone below is served.
[[zones]]
# Zone apex (an IDN is stored in punycode).
name = "dyn.example.test"
# Where the zone is published: "builtin" = dynzone's own authoritative server.
backend = "builtin"
# TTL of host records, in seconds (1..604800).
ttl = 60
# Name servers of the zone (NS records); default ["ns1.<name>"].
ns = ["ns1.dyn.example.test"]
# SOA contact mailbox with "@" written as "."; default "hostmaster.<name>".
soa_rname = "hostmaster.dyn.example.test"
# SOA timers, in seconds.
refresh = 3600
retry = 600
expire = 1209600
minimum = 60
# SOA serial scheme: "unixtime", "date" (YYYYMMDDnn) or "increment"; serials always increase.
serial_scheme = "unixtime"
# Addresses of in-zone name servers (served as A/AAAA and glue); each name must be one of ns.
# An in-zone name server without one gets a warning at start.
# One table per name server (default: none, except this demo's). The demo's name server is
# the built-in server on loopback; a real zone lists its public addresses here.
[[zones.ns_addresses]]
# The name server (one of ns).
name = "ns1.dyn.example.test"
# Its addresses, e.g. ["203.0.113.53", "2001:db8::53"].
addresses = ["127.0.0.1"]
# Settings of an API backend go in a [zones.<backend>] table; see src/backends/<backend>/README.md.
# backend = "rfc2136": RFC 2136 UPDATE with TSIG into a primary (BIND, Knot, ...).
# [zones.rfc2136]
# server = "127.0.0.1"
# port = 53
# key_file = "/etc/bind/dynzone.key"
# key_name = "dynzone"
# algorithm = "hmac-sha256"
# secret = "..."
# secret_file = "/run/secrets/dynzone_tsig"
# timeout_ms = 5000
# tcp = false
# backend = "nsupdate": runs BIND's nsupdate per change set (-l or -k key_file).
# [zones.nsupdate]
# server = "127.0.0.1"
# port = 53
# key_file = "/etc/dynzone/dynzone.key"
# local = false
# nsupdate = "nsupdate"
# timeout_ms = 10000
# tcp = false
# backend = "powerdns": the PowerDNS Authoritative HTTP API.
# [zones.powerdns]
# api_url = "http://127.0.0.1:8081"
# api_key = "..."
# api_key_file = "/run/secrets/pdns_api_key"
# server_id = "localhost"
# create_zone = true
# backend = "cloudflare": the Cloudflare API v4.
# [zones.cloudflare]
# api_token = "..."
# api_token_file = "/run/secrets/cloudflare_token"
# zone_id = ""
# proxied = false
# api_url = "https://api.cloudflare.com/client/v4"
# backend = "route53": Amazon Route 53 (AWS SDK v3).
# [zones.route53]
# hosted_zone_id = "Z1D633PJN98FT9"
# access_key_id = "..."
# access_key_id_file = "/run/secrets/aws_access_key_id"
# secret_access_key = "..."
# secret_access_key_file = "/run/secrets/aws_secret_access_key"
# region = "us-east-1"
# endpoint = ""
# wait_for_sync = false
# backend = "digitalocean": the DigitalOcean API v2.
# [zones.digitalocean]
# token = "..."
# token_file = "/run/secrets/digitalocean_token"
# api_url = "https://api.digitalocean.com/v2"
# backend = "hetzner": the Hetzner DNS API v1.
# [zones.hetzner]
# api_token = "..."
# api_token_file = "/run/secrets/hetzner_dns_token"
# zone_id = ""
# api_url = "https://dns.hetzner.com/api/v1"
# backend = "rackspace": Rackspace Cloud DNS v1.0 (Identity v2.0 API key auth).
# [zones.rackspace]
# username = "..."
# api_key = "..."
# api_key_file = "/run/secrets/rackspace_api_key"
# identity_url = "https://identity.api.rackspacecloud.com"
# dns_url = ""
`
