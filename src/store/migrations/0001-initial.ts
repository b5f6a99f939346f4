/** The first schema: users, zones, hosts, records, tokens, update history. */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Creates the initial tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('users'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(254)')
    .addColumn('password_hash', 'varchar(255)')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await withId(db, db.schema.createTable('zones'))
    .addColumn('name', 'varchar(253)', (c) => c.notNull().unique())
    .addColumn('backend', 'varchar(32)', (c) => c.notNull())
    .addColumn('serial', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await withId(db, db.schema.createTable('hosts'))
    .addColumn('zone_id', 'integer', (c) => c.notNull().references('zones.id').onDelete('cascade'))
    .addColumn('label', 'varchar(253)', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('dns_ttl', 'integer')
    .addColumn('expiry_ttl', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(40)')
    .addColumn('last_client_ip', 'varchar(45)')
    .addColumn('last_dialect', 'varchar(32)')
    .addUniqueConstraint('hosts_zone_label', ['zone_id', 'label'])
    .execute()
  await db.schema.createIndex('hosts_owner').on('hosts').column('owner_id').execute()
  await withId(db, db.schema.createTable('records'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('type', 'varchar(10)', (c) => c.notNull())
    .addColumn('value', 'varchar(2048)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('records_host_type')
    .on('records')
    .columns(['host_id', 'type'])
    .execute()
  await withId(db, db.schema.createTable('tokens'))
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('hash', 'char(64)', (c) => c.notNull().unique())
    .addColumn('label', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('host_id', 'integer', (c) => c.references('hosts.id').onDelete('cascade'))
    .addColumn('expires_at', 'varchar(40)')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(40)')
    .execute()
  await withId(db, db.schema.createTable('update_history'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('at', 'varchar(40)', (c) => c.notNull())
    .addColumn('dialect', 'varchar(32)', (c) => c.notNull())
    .addColumn('client_ip', 'varchar(45)', (c) => c.notNull())
    .addColumn('actor', 'varchar(200)', (c) => c.notNull())
    .addColumn('result', 'varchar(32)', (c) => c.notNull())
    .addColumn('old_value', 'varchar(200)', (c) => c.notNull())
    .addColumn('new_value', 'varchar(200)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('history_host_at')
    .on('update_history')
    .columns(['host_id', 'at'])
    .execute()
}

/** Drops everything the migration created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['update_history', 'tokens', 'records', 'hosts', 'zones', 'users']) {
    await db.schema.dropTable(table).execute()
  }
}
