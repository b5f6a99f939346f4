/**
 * Reads and writes scoped-token limits (migration 0007). A stored list that no longer
 * parses reads as "nothing allowed", never as "no limit".
 */
import type { Kysely, Transaction } from 'kysely'
import type { Cidr } from '../core/addresses/addresses.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import {
  parseCidrList,
  parseTypeList,
  type RestrictableType,
  type TokenRestrictions,
} from '../core/auth/token-restrictions.ts'
import type { Database } from './schema.ts'

/** The token columns that carry limits. */
export interface RestrictionColumns {
  readonly id: number
  readonly host_limited: number
  readonly record_types: string | null
  readonly source_cidrs: string | null
}

/** The limits as column values for an insert. */
export function restrictionValues(r: TokenRestrictions | undefined): {
  host_limited: number
  record_types: string | null
  source_cidrs: string | null
} {
  return {
    host_limited: r?.hostIds === undefined ? 0 : 1,
    record_types: r?.recordTypes === undefined ? null : r.recordTypes.join(','),
    source_cidrs: r?.sources === undefined ? null : r.sources.map((c) => c.text).join(','),
  }
}

/** Writes the host list of a host-limited token (the columns go in with the insert). */
export async function writeTokenHosts(
  db: Kysely<Database> | Transaction<Database>,
  tokenId: number,
  hostIds: readonly number[] | undefined,
): Promise<void> {
  for (const hostId of new Set(hostIds ?? [])) {
    await db.insertInto('token_hosts').values({ token_id: tokenId, host_id: hostId }).execute()
  }
}

/** The limits of a token row; undefined when it has none. */
export async function readRestrictions(
  db: Kysely<Database>,
  row: RestrictionColumns,
): Promise<TokenRestrictions | undefined> {
  if (row.host_limited !== 1 && row.record_types === null && row.source_cidrs === null) {
    return undefined
  }
  let hostIds: number[] | undefined
  if (row.host_limited === 1) {
    const rows = await db
      .selectFrom('token_hosts')
      .select('host_id')
      .where('token_id', '=', row.id)
      .execute()
    hostIds = rows.map((r) => r.host_id)
  }
  let recordTypes: RestrictableType[] | undefined
  if (row.record_types !== null) {
    const t = parseTypeList(row.record_types)
    recordTypes = t.ok ? t.value : []
  }
  let sources: Cidr[] | undefined
  if (row.source_cidrs !== null) {
    const c = parseCidrList(row.source_cidrs)
    sources = c.ok ? c.value : []
  }
  return {
    ...(hostIds === undefined ? {} : { hostIds }),
    ...(recordTypes === undefined ? {} : { recordTypes }),
    ...(sources === undefined ? {} : { sources }),
  }
}

/** Host names of host-limited tokens, for listings: token id → fqdn labels with zones. */
export async function tokenHostNames(db: Kysely<Database>): Promise<Map<number, string[]>> {
  const rows = await db
    .selectFrom('token_hosts')
    .innerJoin('hosts', 'hosts.id', 'token_hosts.host_id')
    .innerJoin('zones', 'zones.id', 'hosts.zone_id')
    .select(['token_hosts.token_id', 'hosts.label', 'zones.name'])
    .orderBy('hosts.label')
    .execute()
  const out = new Map<number, string[]>()
  for (const r of rows) {
    const list = out.get(r.token_id) ?? []
    list.push(joinName(r.label, r.name as Fqdn))
    out.set(r.token_id, list)
  }
  return out
}
