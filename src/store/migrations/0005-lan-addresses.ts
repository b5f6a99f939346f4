/** Split horizon: a host's LAN addresses, answered to clients behind its own WAN address. */
import type { Kysely } from 'kysely'

/** Adds `hosts.lan_ipv4` and `hosts.lan_ipv6` (canonical text, null when unset). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('hosts').addColumn('lan_ipv4', 'varchar(15)').execute()
  await db.schema.alterTable('hosts').addColumn('lan_ipv6', 'varchar(45)').execute()
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('hosts').dropColumn('lan_ipv6').execute()
  await db.schema.alterTable('hosts').dropColumn('lan_ipv4').execute()
}
