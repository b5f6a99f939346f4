/**
 * Second factors of web accounts: a TOTP secret per user (sealed under a key derived from the
 * server pepper, never in clear), one-time recovery codes (keyed hashes only), and what a web
 * session needs for them: the second factor still to give after the password, when the
 * account was last proven (step-up), and the client address and agent the account page shows.
 */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Creates `totp_secrets` and `recovery_codes`; adds the session columns. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('totp_secrets'))
    .addColumn('user_id', 'integer', (c) =>
      c.notNull().unique().references('users.id').onDelete('cascade'),
    )
    .addColumn('sealed', 'varchar(200)', (c) => c.notNull())
    // The last time step a code was accepted for: a code is never accepted twice.
    .addColumn('last_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await withId(db, db.schema.createTable('recovery_codes'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('hash', 'char(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('recovery_codes_user')
    .on('recovery_codes')
    .column('user_id')
    .execute()
  for (const [name, type] of [
    ['client_ip', 'varchar(45)'],
    ['user_agent', 'varchar(200)'],
    ['verified_at', 'varchar(40)'],
  ] as const) {
    await db.schema.alterTable('web_sessions').addColumn(name, type).execute()
  }
  await db.schema
    .alterTable('web_sessions')
    .addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['pending', 'verified_at', 'user_agent', 'client_ip']) {
    await db.schema.alterTable('web_sessions').dropColumn(name).execute()
  }
  await db.schema.dropTable('recovery_codes').execute()
  await db.schema.dropTable('totp_secrets').execute()
}
