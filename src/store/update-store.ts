/**
 * The update path's reads and its one write transaction, over Kysely (dialect-neutral).
 * Zone names and default TTLs are held in memory: they change only with the config.
 */
import type { Kysely, Transaction } from 'kysely'
import { findZone, joinName, relativeLabel, type Fqdn } from '../core/names.ts'
import type {
  AddressType,
  HostRecord,
  HostWrite,
  PrefixGroupRecord,
  TokenRecord,
  UpdateContext,
  UpdateStore,
  UserRecord,
} from '../core/ports.ts'
import type { ChangeSet, RecordKey, RecordSet } from '../core/records.ts'
import { parseTokenScope } from '../core/auth/token-scope.ts'
import { addressesChanged, hostRrsets } from '../core/update/host-rrsets.ts'
import { commitTxt, readTxt, sweepExpiredTxt } from './acme-txt-store.ts'
import { findPrefixGroup, writeGroupPrefixes } from './prefix-group-store.ts'
import { writeHistory } from './history.ts'
import { readRestrictions } from './token-restrictions-store.ts'
import { changeSets } from './zone-serials.ts'
import { dataEpochIn } from './cache-epochs.ts'
import { statement } from './compiled.ts'
import { writeMark, type SeenMarks } from './seen-marks.ts'
import { lockZones } from './zone-locks.ts'
import type { Database } from './schema.ts'

/** A served zone as the store knows it. */
export interface StoreZone {
  readonly id: number
  readonly name: Fqdn
  readonly ttl: number
}

/** Kysely-backed implementation of core's `UpdateStore`. */
export class SqlUpdateStore implements UpdateStore {
  readonly #db: Kysely<Database>
  readonly #zones: Map<Fqdn, StoreZone>
  readonly #zoneById: Map<number, StoreZone>
  readonly #zoneNames: readonly Fqdn[]
  readonly #seen: SeenMarks | undefined

  /** `seen`: last-seen marks of pings that change nothing are written behind (seen-marks.ts). */
  constructor(db: Kysely<Database>, zones: readonly StoreZone[], seen?: SeenMarks) {
    this.#db = db
    this.#zones = new Map(zones.map((z) => [z.name, z]))
    this.#zoneById = new Map(zones.map((z) => [z.id, z]))
    this.#zoneNames = [...this.#zones.keys()]
    this.#seen = seen
  }

  zoneNames(): readonly Fqdn[] {
    return this.#zoneNames
  }

  async findUserByName(name: string): Promise<UserRecord | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .select(['id', 'name', 'password_hash', 'is_admin'])
      .where('name', '=', name)
      .executeTakeFirst()
    return (
      row && {
        id: row.id,
        name: row.name,
        passwordHash: row.password_hash,
        isAdmin: row.is_admin === 1,
      }
    )
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const row = await this.#db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.owner_id')
      .select([
        'tokens.id',
        'tokens.owner_id',
        'users.name',
        'tokens.hash',
        'tokens.host_id',
        'tokens.expires_at',
        'tokens.scope',
        'tokens.host_limited',
        'tokens.record_types',
        'tokens.source_cidrs',
        'tokens.last_used_at',
        'tokens.low_entropy',
      ])
      .where('tokens.hash', '=', hash)
      .executeTakeFirst()
    const restrictions = row && (await readRestrictions(this.#db, row))
    return (
      row && {
        id: row.id,
        ownerId: row.owner_id,
        ownerName: row.name,
        hash: row.hash,
        hostId: row.host_id,
        expiresAt: row.expires_at,
        lastUsedAt: row.last_used_at,
        // An unknown stored scope is the narrowest one, never `all`.
        scope: parseTokenScope(row.scope) ?? 'api',
        ...(restrictions === undefined ? {} : { restrictions }),
        lowEntropy: row.low_entropy === 1,
      }
    )
  }

  async findHost(fqdn: Fqdn): Promise<HostRecord | undefined> {
    const zoneName = findZone(fqdn, this.#zones.keys())
    const zone = zoneName === undefined ? undefined : this.#zones.get(zoneName)
    if (zone === undefined) return undefined
    const { rows } = await hostByLabel(this.#db, {
      zone: zone.id,
      label: relativeLabel(fqdn, zone.name),
    })
    const row = rows[0]
    return row && this.#withAddresses(row, zone)
  }

  async findPrefixGroup(hostId: number): Promise<PrefixGroupRecord | undefined> {
    return findPrefixGroup(this.#db, hostId, (id) => this.findHostById(id))
  }

  async findHostById(id: number): Promise<HostRecord | undefined> {
    const row = (await hostById(this.#db, { id })).rows[0]
    const zone = row && this.#zoneById.get(row.zone_id)
    return row && zone && this.#withAddresses(row, zone)
  }

  async #withAddresses(
    row: { id: number; label: string; owner_id: number; dns_ttl: number | null },
    zone: StoreZone,
  ): Promise<HostRecord> {
    const records = (await addressRecords(this.#db, { host: row.id })).rows
    return {
      id: row.id,
      zone: zone.name,
      label: row.label,
      fqdn: joinName(row.label, zone.name),
      ownerId: row.owner_id,
      ttl: row.dns_ttl,
      ipv4: records.find((r) => r.type === 'A')?.value ?? null,
      ipv6: records.find((r) => r.type === 'AAAA')?.value ?? null,
      txt: await readTxt(this.#db, row.id),
    }
  }

  async commitUpdate(
    changed: readonly HostWrite[],
    unchanged: readonly HostRecord[],
    context: UpdateContext,
    refreshed?: ReadonlyMap<number, readonly AddressType[]>,
  ): Promise<ChangeSet[]> {
    return (await this.commit(changed, unchanged, context, refreshed)).changes
  }

  /**
   * `commitUpdate`, also returning the cache epoch before and after the transaction when
   * `withEpochs` (cached-update-store.ts): equal neighbours mean no other writer came between.
   * A ping that changes nothing writes no transaction when marks are written behind.
   */
  async commit(
    changed: readonly HostWrite[],
    unchanged: readonly HostRecord[],
    context: UpdateContext,
    refreshed?: ReadonlyMap<number, readonly AddressType[]>,
    withEpochs = false,
  ): Promise<{ changes: ChangeSet[]; epochs?: { before: string; after: string } }> {
    const seen = this.#seen
    if (seen !== undefined && changed.length === 0) {
      for (const h of unchanged) seen.note(h.id, context, refreshed?.get(h.id) ?? [])
      return { changes: [] }
    }
    for (const w of changed) seen?.drop(w.host.id)
    for (const h of unchanged) seen?.drop(h.id)
    return this.#db.transaction().execute(async (trx) => {
      const before = withEpochs ? await dataEpochIn(trx) : undefined
      const changes = await this.#commitIn(trx, changed, unchanged, context, refreshed)
      if (before === undefined) return { changes }
      return { changes, epochs: { before, after: await dataEpochIn(trx) } }
    })
  }

  async #commitIn(
    trx: Transaction<Database>,
    changed: readonly HostWrite[],
    unchanged: readonly HostRecord[],
    context: UpdateContext,
    refreshed?: ReadonlyMap<number, readonly AddressType[]>,
  ): Promise<ChangeSet[]> {
    await lockZones(
      trx,
      changed.map((w) => w.host.zone),
    )
    await writeGroupPrefixes(trx, changed)
    for (const id of [...changed.map((w) => w.host.id), ...unchanged.map((h) => h.id)]) {
      await writeMark(trx, id, { ...context, families: refreshed?.get(id) ?? [] })
    }
    // What DNS serves is core's mapping of each write (host-rrsets.ts); this only persists it.
    const byZone = new Map<Fqdn, { replace: RecordSet[]; remove: RecordKey[] }>()
    for (const write of changed) {
      const zone = this.#zones.get(write.host.zone)
      if (zone === undefined) continue
      if (addressesChanged(write)) await this.#writeHost(trx, write, context)
      const txtChanged =
        write.txt !== undefined && (await commitTxt(trx, write.host.id, write.txt, context))
      const edits = hostRrsets(write, zone.ttl, txtChanged)
      if (edits.replace.length + edits.remove.length === 0) continue
      const entry = byZone.get(zone.name) ?? { replace: [], remove: [] }
      entry.replace.push(...edits.replace)
      entry.remove.push(...edits.remove)
      byZone.set(zone.name, entry)
    }
    return changeSets(trx, byZone, context.at)
  }

  async #writeHost(
    trx: Transaction<Database>,
    write: HostWrite,
    context: UpdateContext,
  ): Promise<void> {
    const { host } = write
    // Only the families whose value changed are rewritten: an unchanged family keeps its
    // updated_at, which the expiry job counts from (see writeMark).
    for (const [type, before, after] of [
      ['A', host.ipv4, write.ipv4],
      ['AAAA', host.ipv6, write.ipv6],
    ] as const) {
      if (before === after) continue
      await deleteFamily(trx, { host: host.id, type })
      if (after !== null) {
        await insertRecord(trx, { host: host.id, type, value: after, at: context.at })
      }
    }
    await writeHistory(
      trx,
      host.id,
      context,
      addressPair(host.ipv4, host.ipv6),
      addressPair(write.ipv4, write.ipv6),
    )
  }

  /** Removes every ACME TXT value expired at `at`; returns the change sets to publish. */
  async expireTxt(at: string): Promise<ChangeSet[]> {
    return sweepExpiredTxt(this.#db, this.#zoneById, at)
  }

  async touchToken(tokenId: number, at: string): Promise<void> {
    await this.#db
      .updateTable('tokens')
      .set({ last_used_at: at })
      .where('id', '=', tokenId)
      .execute()
  }
}

// A host as the update path reads it when it is not cached (every ping of a zone larger than
// the cache), compiled once (compiled.ts).
const HOST_COLUMNS = ['id', 'zone_id', 'label', 'owner_id', 'dns_ttl'] as const
const hostByLabel = statement(['zone', 'label'], (db, m) =>
  db
    .selectFrom('hosts')
    .select(HOST_COLUMNS)
    .where('zone_id', '=', m.zone)
    .where('label', '=', m.label),
)
const hostById = statement(['id'], (db, m) =>
  db.selectFrom('hosts').select(HOST_COLUMNS).where('id', '=', m.id),
)
const addressRecords = statement(['host'], (db, m) =>
  db
    .selectFrom('records')
    .select(['type', 'value'])
    .where('host_id', '=', m.host)
    .where('type', 'in', ['A', 'AAAA']),
)

// The transaction's statements, compiled once (compiled.ts): a changed address runs each.
const deleteFamily = statement(['host', 'type'], (db, m) =>
  db.deleteFrom('records').where('host_id', '=', m.host).where('type', '=', m.type),
)
const insertRecord = statement(['host', 'type', 'value', 'at'], (db, m) =>
  db
    .insertInto('records')
    .values({ host_id: m.host, type: m.type, value: m.value, updated_at: m.at }),
)

function addressPair(ipv4: string | null, ipv6: string | null): string {
  return [ipv4 ?? '-', ipv6 ?? '-'].join(',')
}
