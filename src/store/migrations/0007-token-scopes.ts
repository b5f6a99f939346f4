/**
 * Scoped tokens: a token may be limited to several hosts (`token_hosts`, used when
 * `host_limited` is 1, so a token whose hosts were all deleted stays limited to none), to
 * record types (`record_types`, e.g. `TXT`) and to source ranges (`source_cidrs`). Lists
 * are comma-separated canonical text; null means "no limit".
 */
import type { Kysely } from 'kysely'

/** Adds the restriction columns and the `token_hosts` table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tokens')
    .addColumn('host_limited', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('tokens').addColumn('record_types', 'varchar(40)').execute()
  await db.schema.alterTable('tokens').addColumn('source_cidrs', 'varchar(2000)').execute()
  await db.schema
    .createTable('token_hosts')
    .addColumn('token_id', 'integer', (c) =>
      c.notNull().references('tokens.id').onDelete('cascade'),
    )
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('token_hosts_pk', ['token_id', 'host_id'])
    .execute()
  await db.schema.createIndex('token_hosts_host').on('token_hosts').column('host_id').execute()
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('token_hosts').execute()
  await db.schema.alterTable('tokens').dropColumn('source_cidrs').execute()
  await db.schema.alterTable('tokens').dropColumn('record_types').execute()
  await db.schema.alterTable('tokens').dropColumn('host_limited').execute()
}
