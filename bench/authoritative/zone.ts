/**
 * The benchmark zone, written three ways from one generator so every server serves the same
 * data: an RFC 1035 zone file (NSD, Knot), dynzone's SQLite database (hosts and records rows
 * inserted in one transaction, as a bulk import would) and a dnsperf query file.
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import Database from 'better-sqlite3'

/** The apex every server serves. */
export const BENCH_ZONE = 'bench.example.test'
/** Serial of the zone-file copies (dynzone keeps its own). */
const SERIAL = 2026112201
const TTL = 60

/** Label of host `i` (0-based). */
export function hostLabel(i: number): string {
  return `h${String(i)}`
}

/** The A address of host `i`: unique for up to 2^24 hosts. */
export function hostAddress(i: number): string {
  return `10.${String((i >> 16) & 255)}.${String((i >> 8) & 255)}.${String(i & 255)}`
}

// Streams in chunks: a million lines as one string would double the generator's memory.
async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path)
  const CHUNK = 10_000
  for (let start = 0; start < count; start += CHUNK) {
    let text = ''
    for (let i = start; i < Math.min(count, start + CHUNK); i++) text += line(i)
    if (!out.write(text)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
}

/** Writes the zone file: SOA, NS with glue, and `hosts` A records. */
export async function writeZoneFile(path: string, hosts: number): Promise<void> {
  const head =
    `$ORIGIN ${BENCH_ZONE}.\n$TTL ${String(TTL)}\n` +
    `@ IN SOA ns1 hostmaster ${String(SERIAL)} 3600 600 1209600 60\n` +
    `@ IN NS ns1\nns1 IN A 127.0.0.1\n`
  await writeLines(path, hosts + 1, (i) =>
    i === 0 ? head : `${hostLabel(i - 1)} IN A ${hostAddress(i - 1)}\n`,
  )
}

/**
 * A dnsperf input file of `count` random existing names (`name A` per line); dnsperf loops
 * over it, so 100,000 lines are enough to defeat any one-entry cache.
 */
export async function writeQueryFile(path: string, hosts: number, count: number): Promise<void> {
  await writeLines(
    path,
    count,
    () => `${hostLabel(Math.floor(Math.random() * hosts))}.${BENCH_ZONE} A\n`,
  )
}

/**
 * Fills dynzone's (already migrated) database with one owner and `hosts` hosts, one A record
 * each, in a single transaction; bumps the zone serial so a running server would follow.
 */
export function fillDatabase(path: string, hosts: number): void {
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    const now = new Date().toISOString()
    const zone = db.prepare('SELECT id FROM zones WHERE name = ?').get(BENCH_ZONE) as
      { id: number } | undefined
    if (zone === undefined) throw new Error(`zone ${BENCH_ZONE} missing: run db migrate first`)
    const fill = db.transaction(() => {
      const user = db
        .prepare(
          'INSERT INTO users (name, email, password_hash, is_admin, created_at) VALUES (?, NULL, NULL, 0, ?)',
        )
        .run('bench', now)
      const host = db.prepare(
        'INSERT INTO hosts (zone_id, label, owner_id, dns_ttl, expiry_ttl, created_at) VALUES (?, ?, ?, NULL, 0, ?)',
      )
      const record = db.prepare(
        "INSERT INTO records (host_id, type, value, updated_at) VALUES (?, 'A', ?, ?)",
      )
      for (let i = 0; i < hosts; i++) {
        const h = host.run(zone.id, hostLabel(i), user.lastInsertRowid, now)
        record.run(h.lastInsertRowid, hostAddress(i), now)
      }
      db.prepare('UPDATE zones SET serial = serial + 1 WHERE id = ?').run(zone.id)
    })
    fill()
  } finally {
    db.close()
  }
}
