/** IPv6 prefix groups: a prefix length per group, an interface identifier per member. */
import type { Kysely } from 'kysely'
import { withId } from '../sql-dialect.ts'

/** Adds `prefix_groups` and `prefix_group_members` (a host is in at most one group). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('prefix_groups'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('prefix_length', 'integer', (c) => c.notNull())
    .addColumn('prefix', 'varchar(64)')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('prefix_group_members')
    .addColumn('host_id', 'integer', (c) =>
      c.primaryKey().references('hosts.id').onDelete('cascade'),
    )
    .addColumn('group_id', 'integer', (c) =>
      c.notNull().references('prefix_groups.id').onDelete('cascade'),
    )
    .addColumn('iid', 'varchar(64)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('prefix_group_members_group')
    .on('prefix_group_members')
    .column('group_id')
    .execute()
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('prefix_group_members').execute()
  await db.schema.dropTable('prefix_groups').execute()
}
