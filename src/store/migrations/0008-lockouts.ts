/** Lockouts after repeated bad credentials, per (credential, source): see core/auth/lockout.ts. */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Creates `lockouts`, one row per (subject, source) pair with failures or a lock. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('lockouts'))
    .addColumn('subject', 'varchar(220)', (c) => c.notNull())
    .addColumn('source', 'varchar(64)', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'varchar(40)')
    .addColumn('last_failure_at', 'varchar(40)', (c) => c.notNull())
    .addUniqueConstraint('lockouts_subject_source', ['subject', 'source'])
    .execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lockouts').execute()
}
