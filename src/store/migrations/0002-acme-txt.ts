/** ACME TXT values (each with its own expiry) and token scopes. */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Adds `acme_txt` and `tokens.scope` (existing tokens keep doing everything: `all`). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('acme_txt'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('value', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addUniqueConstraint('acme_txt_host_value', ['host_id', 'value'])
    .execute()
  await db.schema.createIndex('acme_txt_expires').on('acme_txt').column('expires_at').execute()
  await db.schema
    .alterTable('tokens')
    .addColumn('scope', 'varchar(16)', (c) => c.notNull().defaultTo('all'))
    .execute()
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('scope').execute()
  await db.schema.dropTable('acme_txt').execute()
}
