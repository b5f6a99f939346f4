/**
 * Publisher leases in the database: one row per zone saying which instance pushes it to its
 * backend, until when, and under which epoch. Every step is a conditional UPDATE whose
 * affected-row count says whether it won, so two instances racing for a zone cannot both win
 * on SQLite, PostgreSQL or MariaDB alike (no locks, no upserts, no RETURNING). Times are ISO
 * strings compared as text: instances' clocks must agree to well under a lease (NTP).
 */
import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.ts'

/** A lease as held: by whom, under which epoch. */
export interface HeldLease {
  readonly zone: string
  readonly epoch: number
}

/** The lease operations the keeper needs (a fake in unit tests, SQL in the server). */
export interface LeaseStore {
  /**
   * Takes the zone's lease when it is free, expired or already ours; the epoch when won.
   * `force`: whoever holds it (the caller holds the zone's session lock, so the holder's
   * database session is gone: lease.ts).
   */
  acquire(
    zone: string,
    holder: string,
    now: Date,
    until: Date,
    force?: boolean,
  ): Promise<number | undefined>
  /** Extends our lease; false when someone else took it meanwhile. */
  renew(zone: string, holder: string, epoch: number, until: Date): Promise<boolean>
  /** Lets the lease expire now, so another instance takes over without waiting. */
  release(zone: string, holder: string, epoch: number): Promise<void>
  /** Records the serial the holder made live; false when no longer the holder. */
  recordPublished(zone: string, holder: string, epoch: number, serial: number): Promise<boolean>
  /** The serial the zone's holder last made live, if any. */
  publishedSerial(zone: string): Promise<number | undefined>
}

// Earlier than any real time: a released or new row is free for anyone.
const NEVER = new Date(0).toISOString()

/** `LeaseStore` over the `publisher_leases` table. */
export class SqlLeaseStore implements LeaseStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async acquire(
    zone: string,
    holder: string,
    now: Date,
    until: Date,
    force = false,
  ): Promise<number | undefined> {
    await this.#ensureRow(zone, now)
    const r = await this.#db
      .updateTable('publisher_leases')
      .set((eb) => ({
        holder,
        // bigint column: typed as the driver may return it (a string on PostgreSQL).
        epoch: eb('epoch', '+', 1) as unknown as number,
        acquired_at: now.toISOString(),
        expires_at: until.toISOString(),
      }))
      .where('zone', '=', zone)
      .where((eb) =>
        force
          ? eb('zone', '=', zone)
          : eb.or([eb('expires_at', '<=', now.toISOString()), eb('holder', '=', holder)]),
      )
      .executeTakeFirst()
    if (r.numUpdatedRows === 0n) return undefined
    const row = await this.#db
      .selectFrom('publisher_leases')
      .select('epoch')
      .where('zone', '=', zone)
      .where('holder', '=', holder)
      .executeTakeFirst()
    return row === undefined ? undefined : Number(row.epoch)
  }

  async renew(zone: string, holder: string, epoch: number, until: Date): Promise<boolean> {
    const r = await this.#mine(zone, holder, epoch, { expires_at: until.toISOString() })
    return r
  }

  async release(zone: string, holder: string, epoch: number): Promise<void> {
    await this.#mine(zone, holder, epoch, { expires_at: NEVER })
  }

  recordPublished(zone: string, holder: string, epoch: number, serial: number): Promise<boolean> {
    return this.#mine(zone, holder, epoch, { published_serial: serial })
  }

  async publishedSerial(zone: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('publisher_leases')
      .select('published_serial')
      .where('zone', '=', zone)
      .executeTakeFirst()
    return row?.published_serial == null ? undefined : Number(row.published_serial)
  }

  async #mine(
    zone: string,
    holder: string,
    epoch: number,
    set: { expires_at?: string; published_serial?: number },
  ): Promise<boolean> {
    const r = await this.#db
      .updateTable('publisher_leases')
      .set(set)
      .where('zone', '=', zone)
      .where('holder', '=', holder)
      .where('epoch', '=', epoch)
      .executeTakeFirst()
    return r.numUpdatedRows > 0n
  }

  // The row is made on first use (zones come and go with the config). Two instances may
  // insert at once: the loser's primary-key violation is harmless, the row exists either way.
  async #ensureRow(zone: string, now: Date): Promise<void> {
    const row = await this.#db
      .selectFrom('publisher_leases')
      .select('zone')
      .where('zone', '=', zone)
      .executeTakeFirst()
    if (row !== undefined) return
    try {
      await this.#db
        .insertInto('publisher_leases')
        .values({ zone, holder: '', epoch: 0, acquired_at: now.toISOString(), expires_at: NEVER })
        .execute()
    } catch (e) {
      const again = await this.#db
        .selectFrom('publisher_leases')
        .select('zone')
        .where('zone', '=', zone)
        .executeTakeFirst()
      if (again === undefined) throw e
    }
  }
}
