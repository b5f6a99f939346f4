/**
 * Static records (issue 19): RRsets of any type at any name of a zone, beside the hosts'
 * dynamic A/AAAA/TXT in `records`. One row per value, in the canonical presentation form of
 * src/zone/record-value.ts, so comparisons are exact. `owner_host_id` null: the zone's (its
 * admins'); else the host whose owner wrote it, and deleting the host deletes them.
 */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Creates `zone_records`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('zone_records'))
    .addColumn('zone_id', 'integer', (c) => c.notNull().references('zones.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(10)', (c) => c.notNull())
    .addColumn('ttl', 'integer', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('owner_host_id', 'integer', (c) => c.references('hosts.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('zone_records_zone_name')
    .on('zone_records')
    .columns(['zone_id', 'name', 'type'])
    .execute()
  await db.schema
    .createIndex('zone_records_owner')
    .on('zone_records')
    .column('owner_host_id')
    .execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('zone_records').execute()
}
