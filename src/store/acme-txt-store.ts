/**
 * ACME TXT rows inside the update transaction, and the expiry sweep. The table holds what
 * DNS serves: a value leaves it (and DNS) only when cleared or swept after its expiry.
 */
import type { Kysely, Transaction } from 'kysely'
import type { TxtValue } from '../core/update/acme-txt.ts'
import { hostTtl, txtChange } from '../core/update/host-rrsets.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import type { UpdateContext } from '../core/ports.ts'
import type { ChangeSet, RecordKey, RecordSet } from '../core/records.ts'
import { EXPIRY_CONTEXT, writeHistory } from './history.ts'
import { changeSets } from './zone-serials.ts'
import { lockZones } from './zone-locks.ts'
import { statement } from './compiled.ts'
import type { Database } from './schema.ts'

/** Every stored TXT value of a host (expired ones too, until the sweep removes them). */
export async function readTxt(db: Kysely<Database>, hostId: number): Promise<TxtValue[]> {
  const { rows } = await txtOf(db, { host: hostId })
  return rows.map((r) => ({ value: r.value, expiresAt: r.expires_at }))
}

// Read for every host the update path loads: compiled once (compiled.ts).
const txtOf = statement(['host'], (db, m) =>
  db
    .selectFrom('acme_txt')
    .select(['value', 'expires_at'])
    .where('host_id', '=', m.host)
    .orderBy('id'),
)

/** Makes the host's rows exactly `values`; returns true when the set of values changed. */
export async function writeTxt(
  trx: Transaction<Database>,
  hostId: number,
  values: readonly TxtValue[],
  at: string,
): Promise<{ changed: boolean; before: string[] }> {
  const before = (await readTxt(trx, hostId)).map((v) => v.value)
  await trx.deleteFrom('acme_txt').where('host_id', '=', hostId).execute()
  if (values.length > 0) {
    await trx
      .insertInto('acme_txt')
      .values(
        values.map((v) => ({
          host_id: hostId,
          value: v.value,
          created_at: at,
          expires_at: v.expiresAt,
        })),
      )
      .execute()
  }
  const after = values.map((v) => v.value)
  const changed =
    before.length !== after.length || [...before].sort().join('\n') !== [...after].sort().join('\n')
  return { changed, before }
}

/**
 * Writes a host's TXT values inside the update transaction; when the set of values changed,
 * adds a history row and returns true (the caller publishes the RRset, `host-rrsets.ts`).
 * Renewing an expiry rewrites the rows but changes neither DNS nor the serial.
 */
export async function commitTxt(
  trx: Transaction<Database>,
  hostId: number,
  values: readonly TxtValue[],
  context: UpdateContext,
): Promise<boolean> {
  const txt = await writeTxt(trx, hostId, values, context.at)
  if (!txt.changed) return false
  const texts = values.map((v) => v.value)
  await writeHistory(trx, hostId, context, txtHistory(txt.before), txtHistory(texts))
  return true
}

/** A history cell for TXT values, within the column's 200 characters. */
export function txtHistory(values: readonly string[]): string {
  const text = `txt:${values.join('|') || '-'}`
  return text.length > 200 ? `${text.slice(0, 199)}…` : text
}

/** A zone as the sweep needs it. */
export interface SweepZone {
  readonly id: number
  readonly name: Fqdn
  readonly ttl: number
}

/**
 * Deletes every value expired at `at` in one transaction, with a history row per host and
 * one serial bump per zone; returns the change sets to publish.
 */
export async function sweepExpiredTxt(
  db: Kysely<Database>,
  zones: ReadonlyMap<number, SweepZone>,
  at: string,
): Promise<ChangeSet[]> {
  return db.transaction().execute(async (trx) => {
    await lockZones(trx, 'all')
    const hosts = await trx
      .selectFrom('acme_txt')
      .innerJoin('hosts', 'hosts.id', 'acme_txt.host_id')
      .select(['hosts.id', 'hosts.zone_id', 'hosts.label', 'hosts.dns_ttl'])
      .distinct()
      .where('acme_txt.expires_at', '<=', at)
      .execute()
    const byZone = new Map<Fqdn, { replace: RecordSet[]; remove: RecordKey[] }>()
    for (const host of hosts) {
      const zone = zones.get(host.zone_id)
      if (zone === undefined) continue
      const before = (await readTxt(trx, host.id)).map((v) => v.value)
      await trx
        .deleteFrom('acme_txt')
        .where('host_id', '=', host.id)
        .where('expires_at', '<=', at)
        .execute()
      const after = (await readTxt(trx, host.id)).map((v) => v.value)
      const entry = byZone.get(zone.name) ?? { replace: [], remove: [] }
      byZone.set(zone.name, entry)
      const change = txtChange(
        joinName(host.label, zone.name),
        hostTtl(host.dns_ttl, zone.ttl),
        after,
      )
      if ('replace' in change) entry.replace.push(change.replace)
      else entry.remove.push(change.remove)
      await writeHistory(
        trx,
        host.id,
        { ...EXPIRY_CONTEXT, at },
        txtHistory(before),
        txtHistory(after),
        'expired',
      )
    }
    return changeSets(trx, byZone, at)
  })
}
