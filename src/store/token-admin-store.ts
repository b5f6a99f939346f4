/**
 * Tokens in the host-administration store, shared by the CLI, the REST API and the web UI:
 * adding one (its keyed hash and restrictions in one transaction), listing them (never a
 * secret or hash; the hosts of a multi-host token by name) and revoking one.
 */
import type { Kysely } from 'kysely'
import type { NewToken, TokenSummary } from '../core/accounts/account-store.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import { parseTokenScope } from '../core/auth/token-scope.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'
import { restrictionValues, tokenHostNames, writeTokenHosts } from './token-restrictions-store.ts'

/** Adds a token with its restrictions. */
export async function insertToken(db: Kysely<Database>, t: NewToken): Promise<TokenSummary> {
  const id = await db.transaction().execute(async (trx) => {
    const tokenId = await insertId(
      trx,
      trx.insertInto('tokens').values({
        owner_id: t.ownerId,
        hash: t.hash,
        label: t.label,
        host_id: t.hostId,
        expires_at: t.expiresAt,
        created_at: t.createdAt,
        scope: t.scope ?? 'all',
        ...restrictionValues(t.restrictions),
      }),
    )
    await writeTokenHosts(trx, tokenId, t.restrictions?.hostIds)
    return tokenId
  })
  const [token] = await tokens(db, { id })
  if (token === undefined) throw new Error(`token ${String(id)} vanished after insert`)
  return token
}

/** Every token, or one owner's (by user name), by id. */
export function listTokens(db: Kysely<Database>, owner?: string): Promise<TokenSummary[]> {
  return tokens(db, owner === undefined ? {} : { owner })
}

/** Revokes a token; false when there was none with this id. */
export async function deleteToken(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db.deleteFrom('tokens').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

async function tokens(
  db: Kysely<Database>,
  only: { readonly owner?: string; readonly id?: number },
): Promise<TokenSummary[]> {
  let q = db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.owner_id')
    .leftJoin('hosts', 'hosts.id', 'tokens.host_id')
    .leftJoin('zones', 'zones.id', 'hosts.zone_id')
    .select([
      'tokens.id',
      'users.name as owner',
      'hosts.label',
      'zones.name as zone',
      'tokens.label as tokenLabel',
      'tokens.scope',
      'tokens.expires_at',
      'tokens.created_at',
      'tokens.last_used_at',
      'tokens.host_limited',
      'tokens.record_types',
      'tokens.source_cidrs',
    ])
  if (only.owner !== undefined) q = q.where('users.name', '=', only.owner)
  if (only.id !== undefined) q = q.where('tokens.id', '=', only.id)
  const rows = await q.orderBy('tokens.id').execute()
  const hostLists = await tokenHostNames(db)
  return rows.map((r) => ({
    id: r.id,
    owner: r.owner,
    host: r.label === null || r.zone === null ? null : joinName(r.label, r.zone as Fqdn),
    label: r.tokenLabel,
    scope: parseTokenScope(r.scope) ?? 'api',
    ...(r.host_limited === 1 ? { hosts: (hostLists.get(r.id) ?? []) as Fqdn[] } : {}),
    ...(r.record_types === null ? {} : { recordTypes: r.record_types.split(',') }),
    ...(r.source_cidrs === null ? {} : { sources: r.source_cidrs.split(',') }),
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }))
}
