/**
 * The router inspector (src/core/update/request-trace.ts): the last requests per host, as
 * dynzone read them, redacted before they get here. Bounded per host and in age by the log
 * that writes them (src/store/request-log.ts). Also each account's change-mail choice.
 */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/**
 * Creates `update_requests`, and each account's change-mail choice: which families
 * (`none`, `ipv4`, `ipv6`, `both`) and a quiet period in minutes (src/notifications/README.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('notify_families', 'varchar(8)', (c) => c.notNull().defaultTo('none'))
    .execute()
  await db.schema
    .alterTable('users')
    .addColumn('notify_quiet_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  // When the owner was mailed that the host publishes temporary IPv6 addresses (once).
  await db.schema.alterTable('hosts').addColumn('temp_ipv6_warned_at', 'varchar(40)').execute()
  await withId(db, db.schema.createTable('update_requests'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('at', 'varchar(40)', (c) => c.notNull())
    .addColumn('dialect', 'varchar(32)', (c) => c.notNull())
    .addColumn('client_ip', 'varchar(45)', (c) => c.notNull())
    .addColumn('method', 'varchar(8)', (c) => c.notNull())
    .addColumn('path', 'varchar(300)', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('credentials', 'varchar(100)', (c) => c.notNull())
    .addColumn('user_agent', 'varchar(200)', (c) => c.notNull())
    .addColumn('taken', 'text', (c) => c.notNull())
    .addColumn('result', 'varchar(32)', (c) => c.notNull())
    .addColumn('reply', 'varchar(300)', (c) => c.notNull())
    .addColumn('reason', 'varchar(200)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('update_requests_host')
    .on('update_requests')
    .columns(['host_id', 'at'])
    .execute()
  await db.schema.createIndex('update_requests_at').on('update_requests').column('at').execute()
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('update_requests').execute()
  await db.schema.alterTable('hosts').dropColumn('temp_ipv6_warned_at').execute()
  await db.schema.alterTable('users').dropColumn('notify_quiet_minutes').execute()
  await db.schema.alterTable('users').dropColumn('notify_families').execute()
}
