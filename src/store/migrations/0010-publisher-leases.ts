/**
 * Publisher leases: with several dynzone instances on one database, exactly one of them
 * pushes a given zone to its (shared) backend. The row is taken and renewed with conditional
 * UPDATEs (see src/publisher/lease-store.ts); `epoch` grows with every change of holder, so a
 * holder that lost the lease notices on its next renewal. `published_serial` is the serial the
 * holder last made live, which an instance that does not hold the lease waits for.
 */
import type { Kysely } from 'kysely'

/** Creates `publisher_leases`, one row per zone, made on first use. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('publisher_leases')
    .addColumn('zone', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(255)', (c) => c.notNull())
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('acquired_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('published_serial', 'bigint')
    .execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('publisher_leases').execute()
}
