/** Split horizon in the store: hosts' LAN addresses, written by the CLI, read by the server. */
import type { Kysely } from 'kysely'
import { joinName, type Fqdn } from '../core/names.ts'
import type { Database } from './schema.ts'
import type { StoreZone } from './update-store.ts'

/** One host's LAN addresses, with the TTL its records are served with. */
export interface LanRow {
  readonly name: Fqdn
  readonly ttl: number
  readonly ipv4: string | null
  readonly ipv6: string | null
}

/** Every host of `zone` that has a LAN address, ordered by name. */
export async function readLanAddresses(db: Kysely<Database>, zone: StoreZone): Promise<LanRow[]> {
  const rows = await db
    .selectFrom('hosts')
    .select(['label', 'dns_ttl', 'lan_ipv4', 'lan_ipv6'])
    .where('zone_id', '=', zone.id)
    .where((eb) => eb.or([eb('lan_ipv4', 'is not', null), eb('lan_ipv6', 'is not', null)]))
    .orderBy('label')
    .execute()
  return rows.map((r) => ({
    name: joinName(r.label, zone.name),
    ttl: r.dns_ttl ?? zone.ttl,
    ipv4: r.lan_ipv4,
    ipv6: r.lan_ipv6,
  }))
}
