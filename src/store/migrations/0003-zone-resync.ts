/** Resync requests: how `dynzone zone resync` (another process) asks the server to resync. */
import type { Kysely } from 'kysely'

/** Adds the request timestamp, the request last handled and its one-line report. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('zones').addColumn('resync_requested_at', 'varchar(40)').execute()
  await db.schema.alterTable('zones').addColumn('resync_handled_at', 'varchar(40)').execute()
  await db.schema.alterTable('zones').addColumn('resync_report', 'text').execute()
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('zones').dropColumn('resync_report').execute()
  await db.schema.alterTable('zones').dropColumn('resync_handled_at').execute()
  await db.schema.alterTable('zones').dropColumn('resync_requested_at').execute()
}
