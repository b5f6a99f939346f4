/**
 * Lockouts in the database (table `lockouts`, migration 0008): the `LockoutStore` core's
 * `Lockouts` uses, and the admin side's `listLockouts` / `liftLockout` (CLI, API, web UI).
 * Portable Kysely only: insert-or-update is a find then an insert or update by id.
 */
import type { Kysely, Selectable } from 'kysely'
import type { LockoutRecord, LockoutStore } from '../core/auth/lockout.ts'
import type {
  LockoutAdminStore,
  LockoutEntry,
  LockoutView,
} from '../core/accounts/lockout-admin.ts'
import type { Database, LockoutsTable } from './schema.ts'

export type { LockoutView } from '../core/accounts/lockout-admin.ts'

/** Kysely-backed lockout state, for the credential gate and for administration. */
export class SqlLockoutStore implements LockoutStore, LockoutAdminStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async find(subject: string, source: string): Promise<LockoutRecord | undefined> {
    const row = await this.#db
      .selectFrom('lockouts')
      .selectAll()
      .where('subject', '=', subject)
      .where('source', '=', source)
      .executeTakeFirst()
    return row && toRecord(row)
  }

  async save(record: LockoutRecord): Promise<void> {
    const values = {
      failures: record.failures,
      level: record.level,
      locked_until: record.lockedUntil,
      last_failure_at: record.lastFailureAt,
    }
    if (record.id !== undefined) {
      await this.#db.updateTable('lockouts').set(values).where('id', '=', record.id).execute()
      return
    }
    try {
      await this.#db
        .insertInto('lockouts')
        .values({ subject: record.subject, source: record.source, ...values })
        .execute()
    } catch (e) {
      // Two first failures at once: the other insert won the unique pair; update that row.
      const found = await this.find(record.subject, record.source)
      if (found?.id === undefined) throw e
      await this.#db.updateTable('lockouts').set(values).where('id', '=', found.id).execute()
    }
  }

  async remove(id: number): Promise<void> {
    await this.#db.deleteFrom('lockouts').where('id', '=', id).execute()
  }

  lockouts(now: Date, lockedOnly: boolean): Promise<LockoutEntry[]> {
    return listLockouts(this.#db, now, { lockedOnly })
  }

  async removeLockout(id: number): Promise<boolean> {
    const r = await this.#db.deleteFrom('lockouts').where('id', '=', id).executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  }

  liftLockouts(subject: string | readonly string[], source?: string): Promise<number> {
    return liftLockout(this.#db, subject, source)
  }
}

/** Every pair with failures or a lock, locked ones first, newest failure first. */
export async function listLockouts(
  db: Kysely<Database>,
  now: Date,
  options: { readonly lockedOnly?: boolean } = {},
): Promise<LockoutEntry[]> {
  const rows = await db.selectFrom('lockouts').selectAll().execute()
  const at = now.toISOString()
  return rows
    .map((r) => ({
      id: r.id,
      ...view(r),
      locked: r.locked_until !== null && r.locked_until > at,
    }))
    .filter((v) => options.lockedOnly !== true || v.locked)
    .sort(
      (a, b) =>
        Number(b.locked) - Number(a.locked) || b.lastFailureAt.localeCompare(a.lastFailureAt),
    )
}

/**
 * Lifts the locks (and forgets the failures) of a subject as stored (`user:<name>`, `token`,
 * `unknown:<keyed hash>`), or of any of `subject`'s forms when a list is given (see
 * `liftSubjects`); only from one source when given. Returns how many pairs were lifted.
 */
export async function liftLockout(
  db: Kysely<Database>,
  subject: string | readonly string[],
  source?: string,
): Promise<number> {
  const keys = typeof subject === 'string' ? liftSubjectsAsStored(subject) : subject
  if (keys.length === 0) return 0
  let q = db.deleteFrom('lockouts').where('subject', 'in', keys)
  if (source !== undefined) q = q.where('source', '=', source)
  const r = await q.executeTakeFirst()
  return Number(r.numDeletedRows)
}

// Without the pepper a bare name can only mean a user's name.
function liftSubjectsAsStored(subject: string): string[] {
  const stored = subject === 'token' || /^(user|unknown):/.test(subject)
  return [stored ? subject : `user:${subject}`]
}

/** Forgets pairs whose lock ended and whose last failure is older than `before`. */
export async function sweepLockouts(db: Kysely<Database>, before: Date): Promise<number> {
  const at = before.toISOString()
  const r = await db
    .deleteFrom('lockouts')
    .where('last_failure_at', '<', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

function toRecord(r: Selectable<LockoutsTable>): LockoutRecord {
  return { id: r.id, ...view(r) }
}

function view(r: Selectable<LockoutsTable>): Omit<LockoutView, 'locked'> {
  return {
    subject: r.subject,
    source: r.source,
    failures: r.failures,
    level: r.level,
    lockedUntil: r.locked_until,
    lastFailureAt: r.last_failure_at,
  }
}
