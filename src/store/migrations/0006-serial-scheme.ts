/** Per-zone SOA serial scheme (see serial.ts); existing zones keep the unix-time scheme. */
import type { Kysely } from 'kysely'

/** Adds `zones.serial_scheme`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('zones')
    .addColumn('serial_scheme', 'varchar(16)', (c) => c.notNull().defaultTo('unixtime'))
    .execute()
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('zones').dropColumn('serial_scheme').execute()
}
