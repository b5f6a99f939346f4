/**
 * Resync requests in the zones table, the channel between `dynzone zone resync` and a running
 * server (both may run on different machines sharing one database), and the host names a
 * resync treats as managed.
 */
import type { Kysely } from 'kysely'
import { joinName, type Fqdn } from '../core/names.ts'
import type { ZoneState } from '../core/accounts/zone-admin.ts'
import type { Database } from './schema.ts'

/** A zone's resync state, for `zone list` and the CLI's wait (core's `ZoneState`). */
export type ZoneResyncState = ZoneState

/** Asks for a resync of `zones` (every zone when empty); returns the request timestamp. */
export async function requestResync(
  db: Kysely<Database>,
  zones: readonly Fqdn[],
  at: Date,
): Promise<string> {
  const stamp = at.toISOString()
  let q = db.updateTable('zones').set({ resync_requested_at: stamp })
  if (zones.length > 0) q = q.where('name', 'in', zones)
  await q.execute()
  return stamp
}

/** Zones whose latest request has not been handled, with the request timestamp. */
export async function pendingResyncs(db: Kysely<Database>): Promise<Map<Fqdn, string>> {
  const rows = await db
    .selectFrom('zones')
    .select(['name', 'resync_requested_at', 'resync_handled_at'])
    .where('resync_requested_at', 'is not', null)
    .execute()
  const out = new Map<Fqdn, string>()
  for (const r of rows) {
    const requested = r.resync_requested_at
    if (requested !== null && (r.resync_handled_at === null || r.resync_handled_at < requested))
      out.set(r.name as Fqdn, requested)
  }
  return out
}

/** Records that the request stamped `requestedAt` was handled, and how it went. */
export async function resyncHandled(
  db: Kysely<Database>,
  zone: Fqdn,
  requestedAt: string,
  report: string,
): Promise<void> {
  await db
    .updateTable('zones')
    .set({ resync_handled_at: requestedAt, resync_report: report })
    .where('name', '=', zone)
    .execute()
}

/** Every zone's resync state, host count, lease holder and ownership conflict. */
export async function zoneStates(db: Kysely<Database>): Promise<ZoneResyncState[]> {
  const rows = await db
    .selectFrom('zones')
    .leftJoin('hosts', 'hosts.zone_id', 'zones.id')
    .select((eb) => [
      'zones.name',
      'zones.backend',
      'zones.serial',
      'zones.resync_requested_at',
      'zones.resync_handled_at',
      'zones.resync_report',
      'zones.owner_conflict',
      eb.fn.count<number | string>('hosts.id').as('hosts'),
    ])
    .groupBy('zones.id')
    .orderBy('zones.name')
    .execute()
  const leases = await db
    .selectFrom('publisher_leases')
    .select(['zone', 'holder', 'expires_at'])
    .execute()
  const byZone = new Map(leases.map((l) => [l.zone, l]))
  return rows.map((r) => ({
    name: r.name as Fqdn,
    backend: r.backend,
    serial: Number(r.serial),
    hosts: Number(r.hosts),
    requestedAt: r.resync_requested_at,
    handledAt: r.resync_handled_at,
    report: r.resync_report,
    ...leaseOf(byZone.get(r.name)),
    ownerConflict: r.owner_conflict,
  }))
}

// A released lease keeps its holder's name with an expiry in 1970: shown as no holder.
function leaseOf(
  row: { holder: string; expires_at: string } | undefined,
): Pick<ZoneResyncState, 'leaseHolder' | 'leaseExpiresAt'> {
  if (row === undefined || row.holder === '' || row.expires_at < '2000')
    return { leaseHolder: null, leaseExpiresAt: null }
  return { leaseHolder: row.holder, leaseExpiresAt: row.expires_at }
}

/** The names of a zone's hosts, with or without records. */
export async function hostNames(db: Kysely<Database>, zoneId: number, zone: Fqdn): Promise<Fqdn[]> {
  const rows = await db.selectFrom('hosts').select('label').where('zone_id', '=', zoneId).execute()
  return rows.map((r) => joinName(r.label, zone))
}
