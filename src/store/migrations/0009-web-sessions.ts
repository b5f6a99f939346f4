/**
 * Web UI tables: sessions (a keyed hash of the cookie's session id, its user, idle and
 * absolute expiry) and failed updates per host (what the host page shows so an owner sees
 * why a router fails; kept apart from `update_history`, which records changes only).
 */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Creates `web_sessions` (never the session id itself) and `update_failures`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('web_sessions'))
    .addColumn('hash', 'char(64)', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('web_sessions_user').on('web_sessions').column('user_id').execute()
  await withId(db, db.schema.createTable('update_failures'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('at', 'varchar(40)', (c) => c.notNull())
    .addColumn('dialect', 'varchar(32)', (c) => c.notNull())
    .addColumn('client_ip', 'varchar(45)', (c) => c.notNull())
    .addColumn('actor', 'varchar(200)', (c) => c.notNull())
    .addColumn('result', 'varchar(32)', (c) => c.notNull())
    .addColumn('message', 'varchar(200)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('update_failures_host')
    .on('update_failures')
    .columns(['host_id', 'at'])
    .execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('update_failures').execute()
  await db.schema.dropTable('web_sessions').execute()
}
