/**
 * Invitations to web accounts: a one-time link an administrator sends by mail. Only the keyed
 * hash of the link's token is stored; a link is used once, expires, and can be revoked.
 */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Creates `invitations`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('invitations'))
    .addColumn('hash', 'char(64)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('invited_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    // Set once: the link then answers "used" or "revoked" and changes nothing.
    .addColumn('used_at', 'varchar(40)')
    .addColumn('revoked_at', 'varchar(40)')
    .execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invitations').execute()
}
