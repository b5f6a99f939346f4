/**
 * The update path's reads and its one write transaction, over Kysely (dialect-neutral).
 * Zone names and default TTLs are held in memory: they change only with the config.
 */
import type { Kysely, Transaction } from 'kysely'
import { findZone, joinName, relativeLabel, type Fqdn } from '../core/names.ts'
import type {
  HostRecord,
  HostWrite,
  TokenRecord,
  UpdateContext,
  UpdateStore,
  UserRecord,
} from '../core/ports.ts'
import type { ChangeSet, RecordKey, RecordSet } from '../core/records.ts'
import type { Database } from './schema.ts'
import { nextSerial } from './serial.ts'

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

  constructor(db: Kysely<Database>, zones: readonly StoreZone[]) {
    this.#db = db
    this.#zones = new Map(zones.map((z) => [z.name, z]))
    this.#zoneById = new Map(zones.map((z) => [z.id, z]))
  }

  zoneNames(): readonly Fqdn[] {
    return [...this.#zones.keys()]
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
      ])
      .where('tokens.hash', '=', hash)
      .executeTakeFirst()
    return (
      row && {
        id: row.id,
        ownerId: row.owner_id,
        ownerName: row.name,
        hash: row.hash,
        hostId: row.host_id,
        expiresAt: row.expires_at,
      }
    )
  }

  async findHost(fqdn: Fqdn): Promise<HostRecord | undefined> {
    const zoneName = findZone(fqdn, this.#zones.keys())
    const zone = zoneName === undefined ? undefined : this.#zones.get(zoneName)
    if (zone === undefined) return undefined
    const row = await this.#db
      .selectFrom('hosts')
      .select(['id', 'zone_id', 'label', 'owner_id', 'dns_ttl'])
      .where('zone_id', '=', zone.id)
      .where('label', '=', relativeLabel(fqdn, zone.name))
      .executeTakeFirst()
    return row && this.#withAddresses(row, zone)
  }

  async findHostById(id: number): Promise<HostRecord | undefined> {
    const row = await this.#db
      .selectFrom('hosts')
      .select(['id', 'zone_id', 'label', 'owner_id', 'dns_ttl'])
      .where('id', '=', id)
      .executeTakeFirst()
    const zone = row && this.#zoneById.get(row.zone_id)
    return row && zone && this.#withAddresses(row, zone)
  }

  async #withAddresses(
    row: { id: number; label: string; owner_id: number; dns_ttl: number | null },
    zone: StoreZone,
  ): Promise<HostRecord> {
    const records = await this.#db
      .selectFrom('records')
      .select(['type', 'value'])
      .where('host_id', '=', row.id)
      .where('type', 'in', ['A', 'AAAA'])
      .execute()
    return {
      id: row.id,
      zone: zone.name,
      label: row.label,
      fqdn: joinName(row.label, zone.name),
      ownerId: row.owner_id,
      ttl: row.dns_ttl,
      ipv4: records.find((r) => r.type === 'A')?.value ?? null,
      ipv6: records.find((r) => r.type === 'AAAA')?.value ?? null,
    }
  }

  async commitUpdate(
    changed: readonly HostWrite[],
    unchanged: readonly HostRecord[],
    context: UpdateContext,
  ): Promise<ChangeSet[]> {
    return this.#db.transaction().execute(async (trx) => {
      const seenIds = [...changed.map((w) => w.host.id), ...unchanged.map((h) => h.id)]
      if (seenIds.length > 0) {
        await trx
          .updateTable('hosts')
          .set({
            last_seen_at: context.at,
            last_client_ip: context.clientIp,
            last_dialect: context.dialect,
          })
          .where('id', 'in', seenIds)
          .execute()
      }
      const byZone = new Map<Fqdn, { replace: RecordSet[]; remove: RecordKey[] }>()
      for (const write of changed) {
        await this.#writeHost(trx, write, context)
        const zone = this.#zones.get(write.host.zone)
        if (zone === undefined) continue
        const entry = byZone.get(zone.name) ?? { replace: [], remove: [] }
        byZone.set(zone.name, entry)
        const ttl = write.host.ttl ?? zone.ttl
        for (const [type, value] of [
          ['A', write.ipv4],
          ['AAAA', write.ipv6],
        ] as const) {
          if (value === null) entry.remove.push({ name: write.host.fqdn, type })
          else entry.replace.push({ name: write.host.fqdn, type, ttl, values: [value] })
        }
      }
      const changes: ChangeSet[] = []
      for (const [name, entry] of byZone) {
        const serial = await bumpSerial(trx, name, context.at)
        changes.push({ zone: name, serial, ...entry })
      }
      return changes
    })
  }

  async #writeHost(
    trx: Transaction<Database>,
    write: HostWrite,
    context: UpdateContext,
  ): Promise<void> {
    const { host } = write
    await trx
      .deleteFrom('records')
      .where('host_id', '=', host.id)
      .where('type', 'in', ['A', 'AAAA'])
      .execute()
    const rows = [
      ...(write.ipv4 === null ? [] : [{ type: 'A', value: write.ipv4 }]),
      ...(write.ipv6 === null ? [] : [{ type: 'AAAA', value: write.ipv6 }]),
    ].map((r) => ({ ...r, host_id: host.id, updated_at: context.at }))
    if (rows.length > 0) await trx.insertInto('records').values(rows).execute()
    await trx
      .insertInto('update_history')
      .values({
        host_id: host.id,
        at: context.at,
        dialect: context.dialect,
        client_ip: context.clientIp,
        actor: context.actor,
        result: 'good',
        old_value: addressPair(host.ipv4, host.ipv6),
        new_value: addressPair(write.ipv4, write.ipv6),
      })
      .execute()
  }

  async touchToken(tokenId: number, at: string): Promise<void> {
    await this.#db
      .updateTable('tokens')
      .set({ last_used_at: at })
      .where('id', '=', tokenId)
      .execute()
  }
}

/** Raises a zone's serial inside a transaction and returns the new value. */
export async function bumpSerial(
  trx: Transaction<Database>,
  zone: Fqdn,
  at: string,
): Promise<number> {
  const row = await trx
    .selectFrom('zones')
    .select('serial')
    .where('name', '=', zone)
    .executeTakeFirstOrThrow()
  const serial = nextSerial(Number(row.serial), Math.floor(Date.parse(at) / 1000))
  await trx.updateTable('zones').set({ serial }).where('name', '=', zone).execute()
  return serial
}

function addressPair(ipv4: string | null, ipv6: string | null): string {
  return [ipv4 ?? '-', ipv6 ?? '-'].join(',')
}
