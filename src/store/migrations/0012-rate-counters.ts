/**
 * Rate-limit counters shared by several instances (src/core/rate-limit/rate-limit-shared.ts): one row per
 * (key, window length, window start) with the events every instance counted in it. No `id`
 * column: rows are upserted by their natural key every sync, and on PostgreSQL a `serial`
 * would be spent by every conflicting insert. Rows live two windows, then the sync prunes them.
 */
import type { Kysely } from 'kysely'

/** Creates `rate_counters`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_counters')
    // `good:ip:<address>`, `bad:name:<user name as sent>`, `host:<fqdn>`…: never a secret.
    .addColumn('counter_key', 'varchar(300)', (c) => c.notNull())
    .addColumn('window_ms', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_counters_pk', ['counter_key', 'window_ms', 'window_start'])
    .execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_counters').execute()
}
