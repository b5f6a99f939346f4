/**
 * Host expiry (ddns-service's `expiry_ttl`): in one transaction, removes each A/AAAA record
 * of a host with `expiry_ttl > 0` that was not refreshed (records.updated_at: set when a
 * request names that family, `nochg` included) within the TTL, writes an `expired` history
 * row per host, and bumps each touched zone's serial once. Families are judged separately,
 * so a dual-stack host whose IPv6 went quiet loses only its AAAA.
 */
import type { Kysely } from 'kysely'
import { joinName, type Fqdn } from '../core/names.ts'
import type { AddressType, HostExpiredEvent } from '../core/ports.ts'
import type { ChangeSet, RecordKey } from '../core/records.ts'
import { EXPIRY_CONTEXT, writeHistory } from './history.ts'
import type { Database } from './schema.ts'
import type { StoreZone } from './update-store.ts'
import { changeSets } from './zone-serials.ts'
import { lockZones } from './zone-locks.ts'

/** What one sweep removed: change sets to publish and one event per host. */
export interface HostExpiryResult {
  readonly changes: ChangeSet[]
  readonly expired: HostExpiredEvent[]
}

interface Stale {
  readonly type: AddressType
  readonly value: string
  readonly updatedAt: string
}

/** Removes the stale address records of every expiring host as of `at`. */
export async function expireHosts(
  db: Kysely<Database>,
  zones: readonly StoreZone[],
  at: Date,
): Promise<HostExpiryResult> {
  const zoneById = new Map(zones.map((z) => [z.id, z]))
  const iso = at.toISOString()
  return db.transaction().execute(async (trx) => {
    await lockZones(trx, 'all')
    const rows = await trx
      .selectFrom('records')
      .innerJoin('hosts', 'hosts.id', 'records.host_id')
      .select([
        'hosts.id as hostId',
        'hosts.zone_id as zoneId',
        'hosts.label',
        'hosts.owner_id as ownerId',
        'hosts.expiry_ttl as expiryTtl',
        'records.type',
        'records.value',
        'records.updated_at as updatedAt',
      ])
      .where('hosts.expiry_ttl', '>', 0)
      .where('records.type', 'in', ['A', 'AAAA'])
      .execute()
    const stale = new Map<number, { row: (typeof rows)[number]; records: Stale[] }>()
    for (const row of rows) {
      // Parsed rather than compared as text: timestamps from other writers may differ in form.
      if (Date.parse(row.updatedAt) + row.expiryTtl * 1000 > at.getTime()) continue
      const entry = stale.get(row.hostId) ?? { row, records: [] }
      entry.records.push({
        type: row.type as AddressType,
        value: row.value,
        updatedAt: row.updatedAt,
      })
      stale.set(row.hostId, entry)
    }
    const byZone = new Map<Fqdn, RecordKey[]>()
    const expired: HostExpiredEvent[] = []
    for (const { row, records } of stale.values()) {
      const zone = zoneById.get(row.zoneId)
      if (zone === undefined) continue
      const fqdn = joinName(row.label, zone.name)
      const current = rows.filter((r) => r.hostId === row.hostId)
      await trx
        .deleteFrom('records')
        .where('host_id', '=', row.hostId)
        .where(
          'type',
          'in',
          records.map((r) => r.type),
        )
        .execute()
      const remaining = current.filter((r) => !records.some((s) => s.type === r.type))
      await writeHistory(
        trx,
        row.hostId,
        { ...EXPIRY_CONTEXT, at: iso },
        pair(current),
        pair(remaining),
        'expired',
      )
      const keys = byZone.get(zone.name) ?? []
      keys.push(...records.map((r) => ({ name: fqdn, type: r.type })))
      byZone.set(zone.name, keys)
      expired.push({
        hostId: row.hostId,
        ownerId: row.ownerId,
        fqdn,
        zone: zone.name,
        label: row.label,
        removed: Object.fromEntries(
          records.map((r) => [r.type === 'A' ? 'ipv4' : 'ipv6', r.value]),
        ),
        expiryTtl: row.expiryTtl,
        lastUpdate:
          records
            .map((r) => r.updatedAt)
            .sort()
            .at(-1) ?? iso,
        at: iso,
      })
    }
    const edits = new Map([...byZone].map(([zone, remove]) => [zone, { replace: [], remove }]))
    return { changes: await changeSets(trx, edits, iso), expired }
  })
}

// The history cell format of update-store: `ipv4,ipv6` with `-` for none.
function pair(records: readonly { type: string; value: string }[]): string {
  const of = (type: string): string => records.find((r) => r.type === type)?.value ?? '-'
  return `${of('A')},${of('AAAA')}`
}
