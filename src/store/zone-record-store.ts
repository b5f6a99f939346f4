/**
 * Static records in the store (`zone_records`, migration 0014): listing, the reads of an
 * apply's plan, and its write in one transaction with the zone locked, an audit row and one
 * serial bump (the zone sync of a running server then publishes it; a server door also
 * publishes the returned change set at once).
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { joinName, relativeLabel, type Fqdn } from '../core/names.ts'
import type { ChangeSet, RecordType } from '../core/records.ts'
import { RECORD_TYPES } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import type {
  HostRef,
  NearRRset,
  RecordContext,
  StaticWrite,
  ZoneRecordFilter,
  ZoneRecordSet,
  ZoneRecordStore,
  ZoneRecordView,
} from '../core/zone-records/zone-record-types.ts'
import { writeAudit } from './audit-store.ts'
import type { Database } from './schema.ts'
import { lockZones } from './zone-locks.ts'
import { bumpSerial } from './zone-serials.ts'

/** A stored static record row. */
export interface StaticRow {
  readonly name: string
  readonly type: string
  readonly ttl: number
  readonly value: string
  readonly owner_host_id: number | null
}

/** Rows (ordered by name, type, id) grouped into RRsets; unknown types are skipped. */
export function staticSets(rows: readonly StaticRow[]): ZoneRecordSet[] {
  const sets = new Map<
    string,
    { name: Fqdn; type: RecordType; ttl: number; values: string[]; ownerHostId: number | null }
  >()
  for (const row of rows) {
    const type = RECORD_TYPES.find((t) => t === row.type)
    if (type === undefined) continue
    const key = `${row.name} ${type}`
    const set = sets.get(key)
    if (set === undefined) {
      sets.set(key, {
        name: row.name as Fqdn,
        type,
        ttl: row.ttl,
        values: [row.value],
        ownerHostId: row.owner_host_id,
      })
    } else set.values.push(row.value)
  }
  return [...sets.values()]
}

const COLUMNS = [
  'zone_records.name',
  'zone_records.type',
  'zone_records.ttl',
  'zone_records.value',
  'zone_records.owner_host_id',
] as const

/** The SQL side of `ZoneRecordService`. */
export class SqlZoneRecordStore implements ZoneRecordStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** Static RRsets of a zone by name and type; `limit` counts RRsets. */
  async list(zone: Fqdn, f: ZoneRecordFilter): Promise<ZoneRecordSet[]> {
    let q = this.#db
      .selectFrom('zone_records')
      .innerJoin('zones', 'zones.id', 'zone_records.zone_id')
      .select(COLUMNS)
      .where('zones.name', '=', zone)
    if (f.name !== undefined) q = q.where('zone_records.name', '=', f.name)
    if (f.below !== undefined) {
      const below = f.below
      q = q.where((eb) =>
        eb.or([eb('zone_records.name', '=', below), eb('zone_records.name', 'like', `%.${below}`)]),
      )
    }
    if (f.type !== undefined) q = q.where('zone_records.type', '=', f.type)
    if (f.ownerHostId !== undefined) q = q.where('zone_records.owner_host_id', '=', f.ownerHostId)
    if (f.after !== undefined) q = q.where('zone_records.name', '>', f.after)
    const rows = await q
      .orderBy('zone_records.name')
      .orderBy('zone_records.type')
      .orderBy('zone_records.id')
      .execute()
    const sets = staticSets(rows).filter(
      (s) => f.below === undefined || s.name === f.below || s.name.endsWith(`.${f.below}`),
    )
    return f.limit === undefined ? sets : sets.slice(0, f.limit)
  }

  /** See `ZoneRecordStore.transact`. */
  async transact<E>(
    zone: Fqdn,
    plan: (view: ZoneRecordView) => Promise<Result<StaticWrite, E>>,
    context: RecordContext & { readonly actor: string; readonly at: string },
    dryRun: boolean,
  ): Promise<Result<ChangeSet | null, E>> {
    return this.#db.transaction().execute(async (trx) => {
      await lockZones(trx, [zone])
      const z = await trx
        .selectFrom('zones')
        .select('id')
        .where('name', '=', zone)
        .executeTakeFirstOrThrow()
      const decided = await plan(new SqlView(trx, zone, z.id))
      if (!decided.ok) return err(decided.error)
      const write = decided.value
      if (dryRun || (write.replace.length === 0 && write.remove.length === 0)) return ok(null)
      for (const key of [...write.replace, ...write.remove]) {
        await trx
          .deleteFrom('zone_records')
          .where('zone_id', '=', z.id)
          .where('name', '=', key.name)
          .where('type', '=', key.type)
          .execute()
      }
      for (const set of write.replace) {
        await trx
          .insertInto('zone_records')
          .values(
            set.values.map((value) => ({
              zone_id: z.id,
              name: set.name,
              type: set.type,
              ttl: set.ttl,
              value,
              owner_host_id: set.ownerHostId,
              created_at: context.at,
              updated_at: context.at,
            })),
          )
          .execute()
      }
      const base = await trx
        .selectFrom('zones')
        .select('serial')
        .where('id', '=', z.id)
        .executeTakeFirstOrThrow()
      const serial = await bumpSerial(trx, zone, context.at)
      await writeAudit(trx, new Date(context.at), {
        action: `${context.door} records`,
        result: 'ok',
        status: 0,
        actor: context.actor,
        source: context.clientIp,
        target: describe(zone, write),
      })
      return ok({
        zone,
        serial,
        base: Number(base.serial),
        replace: write.replace.map(({ name, type, ttl, values }) => ({ name, type, ttl, values })),
        remove: write.remove,
      })
    })
  }
}

function describe(zone: Fqdn, write: StaticWrite): string {
  const parts = [
    ...write.replace.map((s) => `=${s.name} ${s.type}`),
    ...write.remove.map((k) => `-${k.name} ${k.type}`),
  ]
  return `${zone}: ${parts.join(', ')}`
}

// The plan's reads, inside the transaction.
class SqlView implements ZoneRecordView {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly zone: Fqdn,
    private readonly zoneId: number,
  ) {}

  async hostsAt(names: readonly Fqdn[]): Promise<HostRef[]> {
    const labels = names.filter((n) => n !== this.zone).map((n) => relativeLabel(n, this.zone))
    if (labels.length === 0) return []
    const rows = await this.trx
      .selectFrom('hosts')
      .select(['id', 'label', 'owner_id'])
      .where('zone_id', '=', this.zoneId)
      .where('label', 'in', labels)
      .execute()
    return rows.map((r) => ({ id: r.id, name: joinName(r.label, this.zone), ownerId: r.owner_id }))
  }

  async near(names: readonly Fqdn[], below: readonly Fqdn[]): Promise<NearRRset[]> {
    const wanted = (name: string): boolean =>
      names.includes(name as Fqdn) || below.some((b) => name.endsWith(`.${b}`))
    const rows = await this.trx
      .selectFrom('zone_records')
      .select(['name', 'type', 'ttl', 'value', 'owner_host_id'])
      .where('zone_id', '=', this.zoneId)
      .where((eb) =>
        eb.or([
          eb('name', 'in', names.length > 0 ? [...names] : ['']),
          ...below.map((b) => eb('name', 'like', `%.${b}`)),
          eb.and([
            eb('type', '=', 'NS'),
            eb(sql<string>`lower(value)`, 'in', names.length > 0 ? [...names] : ['']),
          ]),
        ]),
      )
      .orderBy('name')
      .orderBy('type')
      .orderBy('id')
      .execute()
    const statics = staticSets(rows.filter((r) => wanted(r.name) || r.type === 'NS'))
    const dynamic = await this.#dynamic(names, below)
    return [...statics.map((s) => ({ ...s, dynamic: false })), ...dynamic]
  }

  async ownedValues(hostId: number): Promise<number> {
    const row = await this.trx
      .selectFrom('zone_records')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('owner_host_id', '=', hostId)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  // Hosts' A/AAAA/TXT at the names (and below `below`), as RRsets.
  async #dynamic(names: readonly Fqdn[], below: readonly Fqdn[]): Promise<NearRRset[]> {
    const labels = names.filter((n) => n !== this.zone).map((n) => relativeLabel(n, this.zone))
    const under = below.map((b) => relativeLabel(b, this.zone)).filter((l) => l !== '@')
    if (labels.length === 0 && under.length === 0 && below.length === 0) return []
    const rows = await this.trx
      .selectFrom('records')
      .innerJoin('hosts', 'hosts.id', 'records.host_id')
      .innerJoin('zones', 'zones.id', 'hosts.zone_id')
      .select(['hosts.label', 'hosts.dns_ttl', 'zones.id as zid', 'records.type', 'records.value'])
      .where('hosts.zone_id', '=', this.zoneId)
      .where((eb) =>
        eb.or([
          eb('hosts.label', 'in', labels.length > 0 ? labels : ['']),
          ...under.map((l) => eb('hosts.label', 'like', `%.${l}`)),
          ...(below.includes(this.zone) ? [eb('hosts.label', '!=', '')] : []),
        ]),
      )
      .orderBy('hosts.label')
      .orderBy('records.id')
      .execute()
    const sets = new Map<string, { name: Fqdn; type: RecordType; ttl: number; values: string[] }>()
    for (const row of rows) {
      const type = RECORD_TYPES.find((t) => t === row.type)
      if (type === undefined) continue
      const name = joinName(row.label, this.zone)
      const key = `${name} ${type}`
      const set = sets.get(key) ?? { name, type, ttl: row.dns_ttl ?? 60, values: [] }
      set.values.push(row.value)
      sets.set(key, set)
    }
    return [...sets.values()].map((s) => ({ ...s, ownerHostId: null, dynamic: true }))
  }
}
