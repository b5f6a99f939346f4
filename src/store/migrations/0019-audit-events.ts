/**
 * The audit trail (src/core/audit.ts): one row per audited act, kept for
 * `audit.retention_days`, then pruned. Never a secret in any column.
 */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Creates `audit_events`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('audit_events'))
    .addColumn('at', 'varchar(40)', (c) => c.notNull())
    .addColumn('action', 'varchar(200)', (c) => c.notNull())
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('actor', 'varchar(220)')
    .addColumn('source', 'varchar(64)')
    .addColumn('target', 'varchar(300)')
    .execute()
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_events').execute()
}
