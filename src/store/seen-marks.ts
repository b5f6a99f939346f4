/**
 * Write-behind of "last seen" marks. A router that pings every minute with an unchanged
 * address changes nothing in DNS; what it leaves is when and from where it was last seen
 * (`hosts.last_seen_at`, `last_client_ip`, `last_dialect`) and which of the host's address
 * families it refreshed (`records.updated_at`, which the expiry job counts from). Writing
 * those in a transaction per ping cost more than the rest of the request, so they are held
 * here and written together, in one transaction, every `flushMs` (and at shutdown, and before
 * the expiry job looks at them).
 *
 * What a crash can lose is at most one interval of marks, never an address: changed records
 * are still committed before the client hears `good`. A mark never moves a time backwards, so
 * a late flush cannot undo a newer mark written by a commit or another instance.
 */
import type { Kysely, Transaction } from 'kysely'
import { statement } from './compiled.ts'
import type { AddressType, UpdateContext } from '../core/ports.ts'
import type { Database } from './schema.ts'

interface Mark {
  readonly at: string
  readonly clientIp: string
  readonly dialect: string
  readonly families: ReadonlySet<AddressType>
}

/** Pending marks per host, flushed together. */
export class SeenMarks {
  readonly #db: Kysely<Database>
  readonly #onError: (e: unknown) => void
  #pending = new Map<number, Mark>()
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> = Promise.resolve()

  constructor(db: Kysely<Database>, onError: (e: unknown) => void) {
    this.#db = db
    this.#onError = onError
  }

  /** How many hosts have a mark waiting. */
  get pending(): number {
    return this.#pending.size
  }

  /** Notes that `hostId` was seen, refreshing `families`. */
  note(hostId: number, context: UpdateContext, families: readonly AddressType[]): void {
    const before = this.#pending.get(hostId)
    const merged = new Set(families)
    if (before !== undefined) for (const f of before.families) merged.add(f)
    this.#pending.set(hostId, {
      at: context.at,
      clientIp: context.clientIp,
      dialect: context.dialect,
      families: merged,
    })
  }

  /** Drops a host's waiting mark (a commit just wrote a newer one). */
  drop(hostId: number): void {
    this.#pending.delete(hostId)
  }

  /** Flushes every `ms` until `stop`. */
  start(ms: number): void {
    this.#timer = setInterval(() => {
      this.flush().catch(this.#onError)
    }, ms)
    this.#timer.unref()
  }

  /** Stops the timer and writes what is waiting. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.flush()
  }

  /** Writes every waiting mark in one transaction; marks noted meanwhile wait for the next. */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#write())
    this.#flushing = run.catch(() => undefined)
    return run
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return
    const batch = this.#pending
    this.#pending = new Map()
    try {
      await this.#db.transaction().execute(async (trx) => {
        for (const [hostId, mark] of batch) await writeMark(trx, hostId, mark)
      })
    } catch (e) {
      // Kept for the next flush, unless a newer mark for the host came in meanwhile.
      for (const [hostId, mark] of batch) {
        if (!this.#pending.has(hostId)) this.#pending.set(hostId, mark)
      }
      throw e
    }
  }
}

const markHost = statement(['at', 'ip', 'dialect', 'host'], (db, m) =>
  db
    .updateTable('hosts')
    .set({ last_seen_at: m.at, last_client_ip: m.ip, last_dialect: m.dialect })
    .where('id', '=', m.host)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', m.at)])),
)

const markFamily = statement(['at', 'host', 'type'], (db, m) =>
  db
    .updateTable('records')
    .set({ updated_at: m.at })
    .where('host_id', '=', m.host)
    .where('type', '=', m.type)
    .where('updated_at', '<', m.at),
)

/**
 * Writes one host's mark (also used inside the update transaction for the hosts it commits):
 * last seen, and the refreshed families' `updated_at`, neither moved backwards.
 */
export async function writeMark(
  trx: Transaction<Database>,
  hostId: number,
  mark: {
    readonly at: string
    readonly clientIp: string
    readonly dialect: string
    readonly families: Iterable<AddressType>
  },
): Promise<void> {
  await markHost(trx, { at: mark.at, ip: mark.clientIp, dialect: mark.dialect, host: hostId })
  for (const type of mark.families) await markFamily(trx, { at: mark.at, host: hostId, type })
}
