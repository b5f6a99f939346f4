/**
 * Record-level updates (RFC 2136 UPDATE) over Kysely: a host's RRsets in the records table,
 * its `_acme-challenge` TXT values in `acme_txt` (the same rows the HTTP ACME path writes),
 * each write with a history row, and one serial bump per zone, all in one transaction.
 */
import type { Kysely, Transaction } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { HostRecord, RecordStore, RecordWrite, UpdateContext } from '../core/ports.ts'
import type { ChangeSet, RecordKey, RecordSet } from '../core/records.ts'
import { commitTxt } from './acme-txt-store.ts'
import { hostTtl, txtChange } from '../core/update/host-rrsets.ts'
import { writeHistory } from './history.ts'
import type { Database } from './schema.ts'
import { SqlUpdateStore, type StoreZone } from './update-store.ts'
import { changeSets } from './zone-serials.ts'
import { lockZones } from './zone-locks.ts'

/** Kysely-backed implementation of core's `RecordStore`. */
export class SqlRecordStore implements RecordStore {
  readonly #db: Kysely<Database>
  readonly #hosts: SqlUpdateStore
  readonly #zones: Map<Fqdn, StoreZone>

  constructor(db: Kysely<Database>, zones: readonly StoreZone[]) {
    this.#db = db
    this.#hosts = new SqlUpdateStore(db, zones)
    this.#zones = new Map(zones.map((z) => [z.name, z]))
  }

  zoneNames(): readonly Fqdn[] {
    return [...this.#zones.keys()]
  }

  findHost(fqdn: Fqdn): Promise<HostRecord | undefined> {
    return this.#hosts.findHost(fqdn)
  }

  async hostRecords(hostId: number): Promise<ReadonlyMap<string, readonly string[]>> {
    const rows = await this.#db
      .selectFrom('records')
      .select(['type', 'value'])
      .where('host_id', '=', hostId)
      .orderBy('id')
      .execute()
    const out = new Map<string, string[]>()
    for (const row of rows) out.set(row.type, [...(out.get(row.type) ?? []), row.value])
    return out
  }

  async commitRecords(
    writes: readonly RecordWrite[],
    context: UpdateContext,
  ): Promise<ChangeSet[]> {
    return this.#db.transaction().execute(async (trx) => {
      await lockZones(
        trx,
        writes.map((w) => w.host.zone),
      )
      const byZone = new Map<Fqdn, { replace: RecordSet[]; remove: RecordKey[] }>()
      for (const write of writes) {
        const zone = this.#zones.get(write.host.zone)
        if (zone === undefined) continue
        const entry = byZone.get(zone.name) ?? { replace: [], remove: [] }
        const ttl = hostTtl(write.host.ttl, zone.ttl)
        if (write.kind === 'acme') {
          if (await commitTxt(trx, write.host.id, write.values, context)) {
            const values = write.values.map((v) => v.value)
            const change = txtChange(write.host.fqdn, ttl, values)
            if ('replace' in change) entry.replace.push(change.replace)
            else entry.remove.push(change.remove)
          }
        } else {
          const before = await this.#replaceRows(trx, write, context.at)
          const { fqdn } = write.host
          if (write.values.length === 0) entry.remove.push({ name: fqdn, type: write.type })
          else entry.replace.push({ name: fqdn, type: write.type, ttl, values: write.values })
          const cell = (values: readonly string[]): string =>
            cut(`${write.type}:${values.join('|') || '-'}`)
          await writeHistory(trx, write.host.id, context, cell(before), cell(write.values))
        }
        // An unchanged TXT set (a renewed expiry) changes neither DNS nor the serial.
        if (entry.replace.length + entry.remove.length > 0) byZone.set(zone.name, entry)
      }
      return changeSets(trx, byZone, context.at)
    })
  }

  // Makes the host's rows of one type exactly the write's values; returns the old values.
  async #replaceRows(
    trx: Transaction<Database>,
    write: RecordWrite & { kind: 'host' },
    at: string,
  ): Promise<string[]> {
    const old = await trx
      .selectFrom('records')
      .select('value')
      .where('host_id', '=', write.host.id)
      .where('type', '=', write.type)
      .orderBy('id')
      .execute()
    await trx
      .deleteFrom('records')
      .where('host_id', '=', write.host.id)
      .where('type', '=', write.type)
      .execute()
    if (write.values.length > 0) {
      await trx
        .insertInto('records')
        .values(
          write.values.map((value) => ({
            host_id: write.host.id,
            type: write.type,
            value,
            updated_at: at,
          })),
        )
        .execute()
    }
    return old.map((r) => r.value)
  }
}

// The history columns hold 200 characters.
function cut(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text
}
