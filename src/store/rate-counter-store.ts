/**
 * Shared rate-limit counts in the database (table `rate_counters`, migration 0012): the
 * `CounterStore` of core's `SharedWindowCounters`. Adding is one upsert-increment per batch
 * (`ON CONFLICT … DO UPDATE` on SQLite and PostgreSQL, `ON DUPLICATE KEY UPDATE` on MariaDB),
 * so two instances adding to one row at once both count; the batches of one sync run in one
 * transaction (all or none, so a failed sync can be retried without counting twice), rows
 * sorted so concurrent syncs lock rows in the same order.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Clock } from '../core/ports.ts'
import {
  sharesCounters,
  SharedWindowCounters,
  type CounterCell,
  type CounterStore,
  type SharedMode,
  type SyncStep,
} from '../core/rate-limit/rate-limit-shared.ts'
import type { Database } from './schema.ts'
import { sqlDialect } from './sql-dialect.ts'

/** Rows per statement: far below every dialect's parameter limit. */
const BATCH = 500
/** The key column's width; longer keys are stored as their SHA-256. */
const MAX_KEY = 300

/** The config keys that decide whether and how counters are shared. */
export interface SharedCounterSettings {
  readonly database: { readonly backend: string }
  readonly rate_limit: {
    readonly enabled: boolean
    readonly shared: SharedMode
    readonly sync_ms: number
    readonly max_entries: number
  }
}

/**
 * Counters shared through `db`, syncing every `rate_limit.sync_ms` (stop them with `close`),
 * or undefined when rate limits are off or not shared (each instance then counts alone).
 */
export function startSharedCounters(
  s: SharedCounterSettings,
  db: Kysely<Database>,
  clock: Clock,
  onError: (step: SyncStep, error: unknown, failuresInARow: number) => void,
): SharedWindowCounters | undefined {
  const r = s.rate_limit
  if (!r.enabled || !sharesCounters(r.shared, s.database.backend)) return undefined
  const counters = new SharedWindowCounters({
    store: new SqlCounterStore(db),
    clock,
    maxEntries: r.max_entries,
    onError,
  })
  counters.start(r.sync_ms)
  return counters
}

/** `CounterStore` over the `rate_counters` table. */
export class SqlCounterStore implements CounterStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async add(cells: readonly CounterCell[]): Promise<void> {
    const rows = merge(cells)
    if (rows.length === 0) return
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += BATCH) await upsert(trx, rows.slice(i, i + BATCH))
    })
  }

  async read(keys: readonly string[], since: number): Promise<CounterCell[]> {
    const byStored = new Map(keys.map((k) => [storedKey(k), k]))
    const stored = [...byStored.keys()]
    const out: CounterCell[] = []
    for (let i = 0; i < stored.length; i += BATCH) {
      const rows = await this.#db
        .selectFrom('rate_counters')
        .selectAll()
        .where('counter_key', 'in', stored.slice(i, i + BATCH))
        .where('window_start', '>=', since)
        .execute()
      for (const r of rows) {
        const key = byStored.get(r.counter_key) ?? r.counter_key
        out.push({ key, windowMs: r.window_ms, start: Number(r.window_start), hits: r.hits })
      }
    }
    return out
  }

  async prune(nowMs: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('rate_counters')
      .where(sql<boolean>`window_start + 2 * window_ms <= ${nowMs}`)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}

interface Row {
  counter_key: string
  window_ms: number
  window_start: number
  hits: number
}

// One row per (key, window), in key order: a statement may not touch a row twice.
function merge(cells: readonly CounterCell[]): Row[] {
  const rows = new Map<string, Row>()
  for (const c of cells) {
    const counter_key = storedKey(c.key)
    const id = `${counter_key} ${String(c.windowMs)} ${String(c.start)}`
    const row = rows.get(id)
    if (row === undefined) {
      rows.set(id, { counter_key, window_ms: c.windowMs, window_start: c.start, hits: c.hits })
    } else row.hits += c.hits
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r)
}

async function upsert(trx: Transaction<Database>, rows: readonly Row[]): Promise<void> {
  const insert = trx.insertInto('rate_counters').values(rows)
  if (sqlDialect(trx) === 'mariadb') {
    await insert.onDuplicateKeyUpdate({ hits: sql<number>`hits + VALUES(hits)` }).execute()
    return
  }
  await insert
    .onConflict((oc) =>
      oc
        .columns(['counter_key', 'window_ms', 'window_start'])
        .doUpdateSet((eb) => ({ hits: eb('rate_counters.hits', '+', eb.ref('excluded.hits')) })),
    )
    .execute()
}

// Keys are user names, addresses and host names, which fit; anything longer still counts.
function storedKey(key: string): string {
  if (key.length <= MAX_KEY) return key
  return `sha256:${createHash('sha256').update(key).digest('hex')}`
}
