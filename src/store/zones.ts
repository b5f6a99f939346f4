/** Served zones: synced from the config at start, and read whole for backends. */
import type { Kysely } from 'kysely'
import { acmeName, quoteTxt } from '../core/update/acme-txt.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import type { RecordSet, RecordType } from '../core/records.ts'
import { RECORD_TYPES } from '../core/records.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'
import { initialSerial, type SerialScheme } from '../dns/serial.ts'
import type { StoreZone } from './update-store.ts'
import type { ZoneRecordSet } from '../core/zone-records/zone-record-types.ts'
import { staticSets } from './zone-record-store.ts'

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

/** Every RRset of a zone (hosts' and static), with the serial it was read at (one consistent read). */
export async function readZone(
  db: Kysely<Database>,
  zone: StoreZone,
): Promise<{ serial: number; records: RecordSet[] }> {
  const records: RecordSet[] = []
  const serial = await streamZone(db, zone, (set) => records.push(set))
  return { serial, records }
}

// Rows per page: bounded memory whatever the zone's size, few enough round trips.
const PAGE_ROWS = 5000

/**
 * Hands every RRset of a zone to `take` as it is read: hosts' host by host in label order,
 * then the static records (`zone_records`) by name, then ACME TXT,
 * in pages of `pageRows` rows inside one transaction; returns the serial read with them. A
 * zone of a million hosts never sits in memory whole, as rows or as RRsets.
 */
export async function streamZone(
  db: Kysely<Database>,
  zone: StoreZone,
  take: (set: RecordSet) => void,
  pageRows = PAGE_ROWS,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const z = await trx
      .selectFrom('zones')
      .select('serial')
      .where('id', '=', zone.id)
      .executeTakeFirstOrThrow()
    for await (const rows of hostRows(trx, zone.id, pageRows)) {
      for (const set of hostSets(rows, zone)) take(set)
    }
    // ACME TXT values until the expiry sweep removes them: the table is what DNS serves.
    const txt = await trx
      .selectFrom('acme_txt')
      .innerJoin('hosts', 'hosts.id', 'acme_txt.host_id')
      .select(['hosts.label', 'hosts.dns_ttl', 'acme_txt.value'])
      .where('hosts.zone_id', '=', zone.id)
      .orderBy('acme_txt.id')
      .execute()
    const sets = new Map<string, { name: Fqdn; type: 'TXT'; ttl: number; values: string[] }>()
    for (const row of txt) {
      const name = acmeName(joinName(row.label, zone.name))
      const set = sets.get(name) ?? { name, type: 'TXT', ttl: row.dns_ttl ?? zone.ttl, values: [] }
      set.values.push(quoteTxt(row.value))
      sets.set(name, set)
    }
    // Static records (0014): a TXT at an ACME name joins that RRset (one RRset per name and type).
    for await (const page of staticPages(trx, zone.id, pageRows)) {
      for (const set of page) {
        const acme = set.type === 'TXT' ? sets.get(set.name) : undefined
        if (acme === undefined)
          take({ name: set.name, type: set.type, ttl: set.ttl, values: set.values })
        else acme.values.push(...set.values)
      }
    }
    for (const set of sets.values()) take(set)
    return Number(z.serial)
  })
}

// A zone's static RRsets, a page of rows at a time in (name, type, id) order; keyset on the
// name, and a name cut by a page's end is read again whole with the next page.
async function* staticPages(
  trx: Kysely<Database>,
  zoneId: number,
  pageRows: number,
): AsyncGenerator<ZoneRecordSet[]> {
  let after: string | undefined
  for (;;) {
    let q = trx
      .selectFrom('zone_records')
      .select(['name', 'type', 'ttl', 'value', 'owner_host_id'])
      .where('zone_id', '=', zoneId)
    if (after !== undefined) q = q.where('name', '>', after)
    const rows = await q.orderBy('name').orderBy('type').orderBy('id').limit(pageRows).execute()
    if (rows.length < pageRows) {
      yield staticSets(rows)
      return
    }
    const last = rows[rows.length - 1]?.name ?? ''
    let cut = rows.length
    while (cut > 0 && rows[cut - 1]?.name === last) cut--
    const page =
      cut === 0
        ? await trx
            .selectFrom('zone_records')
            .select(['name', 'type', 'ttl', 'value', 'owner_host_id'])
            .where('zone_id', '=', zoneId)
            .where('name', '=', last)
            .orderBy('type')
            .orderBy('id')
            .execute()
        : rows.slice(0, cut)
    yield staticSets(page)
    after = cut === 0 ? last : (rows[cut - 1]?.name ?? last)
  }
}

interface RecordRow {
  readonly label: string
  readonly dns_ttl: number | null
  readonly type: string
  readonly value: string
}

// A zone's record rows, one host's rows at a time. Pages follow the (zone_id, label) unique
// index (keyset on label, no sort of the whole zone); a host cut by a page's end is read
// again whole with the next page.
async function* hostRows(
  trx: Kysely<Database>,
  zoneId: number,
  pageRows: number,
): AsyncGenerator<RecordRow[]> {
  let after: string | undefined
  for (;;) {
    const rows = await recordRows(trx, zoneId, { after, limit: pageRows })
    if (rows.length < pageRows) {
      yield* byHost(rows)
      return
    }
    const last = rows[rows.length - 1]?.label ?? ''
    let cut = rows.length
    while (cut > 0 && rows[cut - 1]?.label === last) cut--
    // One host filled the page: read it alone, unbounded (a host has a handful of records).
    const page = cut === 0 ? await recordRows(trx, zoneId, { at: last }) : rows.slice(0, cut)
    yield* byHost(page)
    after = cut === 0 ? last : (rows[cut - 1]?.label ?? last)
  }
}

function recordRows(
  trx: Kysely<Database>,
  zoneId: number,
  page: { after?: string | undefined; limit: number } | { at: string },
): Promise<RecordRow[]> {
  let q = trx
    .selectFrom('records')
    .innerJoin('hosts', 'hosts.id', 'records.host_id')
    .select(['hosts.label', 'hosts.dns_ttl', 'records.type', 'records.value'])
    .where('hosts.zone_id', '=', zoneId)
    .orderBy('hosts.label')
    .orderBy('records.id')
  if ('at' in page) return q.where('hosts.label', '=', page.at).execute()
  if (page.after !== undefined) q = q.where('hosts.label', '>', page.after)
  return q.limit(page.limit).execute()
}

function* byHost(rows: readonly RecordRow[]): Generator<RecordRow[]> {
  let start = 0
  for (let i = 1; i <= rows.length; i++) {
    if (i === rows.length || rows[i]?.label !== rows[start]?.label) {
      yield rows.slice(start, i)
      start = i
    }
  }
}

// One host's rows as RRsets, values in row (id) order, sets in order of their first row.
function hostSets(rows: readonly RecordRow[], zone: StoreZone): RecordSet[] {
  const sets = new Map<
    RecordType,
    { name: Fqdn; type: RecordType; ttl: number; values: string[] }
  >()
  for (const row of rows) {
    const type = RECORD_TYPES.find((t) => t === row.type)
    if (type === undefined) continue
    let set = sets.get(type)
    if (set === undefined) {
      set = { name: joinName(row.label, zone.name), type, ttl: row.dns_ttl ?? zone.ttl, values: [] }
      sets.set(type, set)
    }
    set.values.push(row.value)
  }
  return [...sets.values()]
}
