/**
 * `dynzone db copy`: every row of one database into another (SQLite to PostgreSQL or MariaDB
 * when one machine is no longer enough), ids kept, tables in dependency order, all in one
 * transaction on the target so a failed copy leaves it as it was. Both sides must be at the
 * latest schema. On PostgreSQL the id sequences are moved past the copied ids. The cluster id
 * moves too: the new database goes on publishing the zones the old one marked as its own.
 */
import type { Kysely, Transaction } from 'kysely'
import { err, ok, type Result } from '../core/result.ts'
import type { Database } from './schema.ts'
import { sqlDialect } from './sql-dialect.ts'

/** Every table, parents before children (the order rows are inserted in). */
export const COPY_ORDER = [
  'users',
  'zones',
  'hosts',
  'records',
  'zone_records',
  'tokens',
  'token_hosts',
  'update_history',
  'update_failures',
  'update_requests',
  'acme_txt',
  'prefix_groups',
  'prefix_group_members',
  'web_sessions',
  'publisher_leases',
  'lockouts',
  'rate_counters',
  'cache_epochs',
  'audit_events',
  'cluster_identity',
  'totp_secrets',
  'recovery_codes',
  'invitations',
  'webauthn_credentials',
] as const satisfies readonly (keyof Database)[]

type Uncopied = Exclude<keyof Database, (typeof COPY_ORDER)[number]>
/** Type-level check: a table added to the schema but not to COPY_ORDER fails to compile. */
export const EVERY_TABLE_COPIED: [Uncopied] extends [never] ? true : Uncopied = true

/** Tables without a generated `id` (no sequence to move). */
const WITHOUT_ID: ReadonlySet<string> = new Set([
  'token_hosts',
  'prefix_group_members',
  'publisher_leases',
  'rate_counters',
  'cache_epochs',
  'cluster_identity',
])

/** Rows per INSERT: far below PostgreSQL's 65535 parameters for the widest table. */
const BATCH = 200

type Rows = Record<string, Record<string, unknown>>

/** Rows copied per table, in copy order. */
export type CopyCounts = readonly { readonly table: string; readonly rows: number }[]

/** Rows copied so far of every row in the source, after each batch. */
export type CopyProgress = (done: number, total: number) => void

/**
 * Copies every row of `source` into `target`; refuses a non-empty target unless `force`.
 * `progress` hears of every batch, against the source's row count taken first.
 */
export async function copyDatabase(
  source: Kysely<Database>,
  target: Kysely<Database>,
  options: { readonly force: boolean; readonly progress?: CopyProgress | undefined },
): Promise<Result<CopyCounts, string>> {
  const from = source as unknown as Kysely<Rows>
  const dialect = sqlDialect(target)
  return (target as unknown as Kysely<Rows>).transaction().execute(async (trx) => {
    const filled = await nonEmpty(trx)
    if (filled.length > 0 && !options.force) {
      return err(
        `the target database is not empty (${filled.join(', ')}); --force replaces its rows`,
      )
    }
    for (const table of [...COPY_ORDER].reverse()) await trx.deleteFrom(table).execute()
    const total = options.progress === undefined ? 0 : await rowCount(from)
    let done = 0
    const counts: { table: string; rows: number }[] = []
    for (const table of COPY_ORDER) {
      const rows = await from.selectFrom(table).selectAll().execute()
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH)
        await trx.insertInto(table).values(batch).execute()
        done += batch.length
        options.progress?.(done, Math.max(total, done))
      }
      if (dialect === 'postgres' && !WITHOUT_ID.has(table)) await resetSequence(trx, table)
      counts.push({ table, rows: rows.length })
    }
    return ok(counts)
  })
}

/** Every row of every copied table, for the progress total. */
async function rowCount(db: Kysely<Rows>): Promise<number> {
  let total = 0
  for (const table of COPY_ORDER) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst()
    total += Number(row?.n ?? 0)
  }
  return total
}

/** The tables of the target that hold rows. */
async function nonEmpty(trx: Transaction<Rows>): Promise<string[]> {
  const filled: string[] = []
  // Every migrated database has its two epoch rows and its cluster id: they are no user data.
  for (const table of COPY_ORDER.filter((t) => t !== 'cache_epochs' && t !== 'cluster_identity')) {
    const row = await trx.selectFrom(table).selectAll().limit(1).executeTakeFirst()
    if (row !== undefined) filled.push(table)
  }
  return filled
}

/** `setval` the table's id sequence to its largest id, so the next insert gets a new one. */
async function resetSequence(trx: Transaction<Rows>, table: string): Promise<void> {
  await trx
    .selectFrom(table)
    .select((eb) => {
      const max = eb.fn.max<number | null>(eb.ref('id'))
      return eb
        .fn('setval', [
          eb.fn('pg_get_serial_sequence', [eb.val(table), eb.val('id')]),
          eb.fn.coalesce(max, eb.val(1)),
          // false when empty: the next id is then 1 itself.
          eb(max, 'is not', null),
        ])
        .as('next')
    })
    .execute()
}
