/** Served zones: synced from the config at start, and read whole for backends. */
import type { Kysely } from 'kysely'
import { acmeName, quoteTxt } from '../core/acme-txt.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import type { RecordSet, RecordType } from '../core/records.ts'
import { RECORD_TYPES } from '../core/records.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'
import { initialSerial, type SerialScheme } from '../dns/serial.ts'
import type { StoreZone } from './update-store.ts'

/** What the store needs of a configured zone. */
export interface ZoneSetting {
  readonly name: Fqdn
  readonly backend: string
  readonly ttl: number
  /** SOA serial scheme; unixtime when not given. */
  readonly serialScheme?: SerialScheme
}

/**
 * Inserts configured zones the database lacks (serial = now, unix-time scheme) and
 * records each zone's backend. Zones only in the database stay, unserved.
 */
export async function syncZones(
  db: Kysely<Database>,
  zones: readonly ZoneSetting[],
  now: Date,
): Promise<StoreZone[]> {
  const result: StoreZone[] = []
  for (const zone of zones) {
    const row = await db
      .selectFrom('zones')
      .select(['id', 'backend'])
      .where('name', '=', zone.name)
      .executeTakeFirst()
    let id: number
    if (row === undefined) {
      id = await insertId(
        db,
        db.insertInto('zones').values({
          name: zone.name,
          backend: zone.backend,
          serial: initialSerial(zone.serialScheme ?? 'unixtime', Math.floor(now.getTime() / 1000)),
          serial_scheme: zone.serialScheme ?? 'unixtime',
          created_at: now.toISOString(),
        }),
      )
    } else {
      id = row.id
      // The scheme may change between starts: the next bump moves on from the current serial.
      await db
        .updateTable('zones')
        .set({ backend: zone.backend, serial_scheme: zone.serialScheme ?? 'unixtime' })
        .where('id', '=', id)
        .execute()
    }
    result.push({ id, name: zone.name, ttl: zone.ttl })
  }
  return result
}

/** The current serial of every zone in the database. */
export async function zoneSerials(db: Kysely<Database>): Promise<Map<Fqdn, number>> {
  const rows = await db.selectFrom('zones').select(['name', 'serial']).execute()
  return new Map(rows.map((r) => [r.name as Fqdn, Number(r.serial)]))
}

/** Every RRset of a zone's hosts, with the serial it was read at (one consistent read). */
export async function readZone(
  db: Kysely<Database>,
  zone: StoreZone,
): Promise<{ serial: number; records: RecordSet[] }> {
  return db.transaction().execute(async (trx) => {
    const z = await trx
      .selectFrom('zones')
      .select('serial')
      .where('id', '=', zone.id)
      .executeTakeFirstOrThrow()
    const rows = await trx
      .selectFrom('records')
      .innerJoin('hosts', 'hosts.id', 'records.host_id')
      .select(['hosts.label', 'hosts.dns_ttl', 'records.type', 'records.value'])
      .where('hosts.zone_id', '=', zone.id)
      .orderBy('records.id')
      .execute()
    const sets = new Map<string, { name: Fqdn; type: RecordType; ttl: number; values: string[] }>()
    for (const row of rows) {
      const type = RECORD_TYPES.find((t) => t === row.type)
      if (type === undefined) continue
      const name = joinName(row.label, zone.name)
      const key = `${name} ${type}`
      const set = sets.get(key) ?? { name, type, ttl: row.dns_ttl ?? zone.ttl, values: [] }
      set.values.push(row.value)
      sets.set(key, set)
    }
    // ACME TXT values until the expiry sweep removes them: the table is what DNS serves.
    const txt = await trx
      .selectFrom('acme_txt')
      .innerJoin('hosts', 'hosts.id', 'acme_txt.host_id')
      .select(['hosts.label', 'hosts.dns_ttl', 'acme_txt.value'])
      .where('hosts.zone_id', '=', zone.id)
      .orderBy('acme_txt.id')
      .execute()
    for (const row of txt) {
      const name = acmeName(joinName(row.label, zone.name))
      const key = `${name} TXT`
      const set = sets.get(key) ?? { name, type: 'TXT', ttl: row.dns_ttl ?? zone.ttl, values: [] }
      set.values.push(quoteTxt(row.value))
      sets.set(key, set)
    }
    return { serial: Number(z.serial), records: [...sets.values()] }
  })
}
