/**
 * Reading the cache epochs (migration 0011): one small query answers "has anything the caches
 * hold changed since?" for every request of an event-loop turn. The query is compiled once;
 * requests that arrive in the same turn share one reading, which is forgotten at the end of
 * the turn (`setImmediate`), so a change made by anyone else is seen by the next request
 * that starts after it committed, at the cost of one indexed read per turn. A statement this
 * process sends that may write (local-writes.ts) ends the sharing at once.
 */
import { sql, type CompiledQuery, type Kysely, type Transaction } from 'kysely'
import { statement } from './compiled.ts'
import { localWrites } from './local-writes.ts'
import type { Database } from './schema.ts'

/** The counters' values (as strings: a `bigint` column arrives as a string from pg). */
export interface Epochs {
  readonly data: string
  readonly lockouts: string
}

/** The epochs, read at most once per event-loop turn. */
export class EpochProbe {
  readonly #db: Kysely<Database>
  readonly #query: CompiledQuery<{ name: string; value: number | string }>
  #turn: Promise<Epochs> | undefined
  /** `localWrites()` when `#turn` was read. */
  #writes = 0

  constructor(db: Kysely<Database>) {
    this.#db = db
    this.#query = db.selectFrom('cache_epochs').select(['name', 'value']).compile()
  }

  /** The epochs as of this turn. */
  read(): Promise<Epochs> {
    if (this.#turn !== undefined && this.#writes === localWrites()) return this.#turn
    this.#writes = localWrites()
    const reading = this.#db.executeQuery(this.#query).then((r) => toEpochs(r.rows))
    this.#turn = reading
    const forget = (): void => {
      if (this.#turn === reading) this.#turn = undefined
    }
    setImmediate(forget)
    reading.catch(forget)
    return reading
  }
}

/**
 * The `data` epoch inside a write transaction, read by rewriting it unchanged: a write takes
 * SQLite's write lock first, so the readings at a transaction's start and end differ by its
 * own writes alone (a plain read would start a snapshot another process could overtake).
 * Only used on SQLite: on PostgreSQL and MariaDB other transactions commit in between.
 */
export async function dataEpochIn(trx: Transaction<Database>): Promise<string> {
  const { rows } = await touchData(trx, {})
  return String(rows[0]?.value ?? '')
}

const touchData = statement([], (db) =>
  db
    .updateTable('cache_epochs')
    .set({ value: sql<number>`value` })
    .where('name', '=', 'data')
    .returning('value'),
)

function toEpochs(rows: readonly { name: string; value: number | string }[]): Epochs {
  const of = (name: string): string => String(rows.find((r) => r.name === name)?.value ?? '')
  return { data: of('data'), lockouts: of('lockouts') }
}
