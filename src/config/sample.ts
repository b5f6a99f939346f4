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

# Directory for the SQLite database and the generated pepper; relative to the working directory.
data_dir = "./data"

[http]
# Address the HTTP update/API server listens on ("0.0.0.0" or "::" for all interfaces).
listen = "127.0.0.1"
# TCP port of the HTTP server (0 = any free port).
port = 8245
# Reverse proxies (CIDR ranges or addresses) whose X-Forwarded-For / Forwarded headers are trusted.
trusted_proxies = []

[dns]
# Run the built-in authoritative DNS server.
enabled = true
# Address the DNS server listens on (UDP and TCP).
listen = "127.0.0.1"
# Port of the DNS server; 53 needs privileges, hence 5353 by default.
port = 5353

[database]
# Database backend; "sqlite" for now.
backend = "sqlite"
# Database file; "" means <data_dir>/dynzone.sqlite.
path = ""

[security]
# Server secret keying token hashes; "" means generate one into <data_dir>/pepper on first start.
pepper = ""
# Or read the pepper from a file (contents trimmed), e.g. a Docker or Kubernetes secret:
# pepper_file = "/run/secrets/dynzone_pepper"
# How long a verified account password is cached for basic auth, in seconds (0 = never).
password_cache_seconds = 900

[log]
# One of fatal, error, warn, info, debug, trace, silent.
level = "info"

[demo]
# Create a demo user, host and token on first start.
enabled = true

[update]
# How long an update waits for DNS to be published before answering with a server error, in ms.
answer_deadline_ms = 3000
# Most hosts one update request may name.
max_hosts = 20

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
`
