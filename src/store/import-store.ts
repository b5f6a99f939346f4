/**
 * Applies an import plan in ONE transaction: first every item is checked against the
 * database and the rest of the plan (owners, zones, clashes), and only when nothing is
 * wrong is anything written. A dry run does the same writes and rolls them back, so it
 * reports exactly what a real run would do.
 */
import type { Kysely, Transaction } from 'kysely'
import type { ImportOptions } from '../core/import/import-export.ts'
import type { ImportPlan, ImportSummary, PlanHost } from '../core/import/import-plan.ts'
import { findZone, relativeLabel, type Fqdn } from '../core/names.ts'
import { ClaimIndex, conflictMessage } from '../core/accounts/name-ownership.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'
import { bumpSerial } from './zone-serials.ts'

export type { ImportOptions } from '../core/import/import-export.ts'

class Rollback extends Error {
  constructor(readonly outcome: Result<ImportSummary, string[]>) {
    super('rollback')
  }
}

/** Checks and applies the plan; errors name the item and change nothing. */
export async function applyImport(
  db: Kysely<Database>,
  plan: ImportPlan,
  o: ImportOptions,
): Promise<Result<ImportSummary, string[]>> {
  try {
    const summary = await db.transaction().execute(async (trx) => {
      const state = await loadState(trx, o.served)
      const errors = check(plan, state)
      if (errors.length > 0) throw new Rollback(err(errors))
      const done = await write(trx, plan, state, o)
      if (o.dryRun) throw new Rollback(ok(done))
      return done
    })
    return ok(summary)
  } catch (e) {
    if (e instanceof Rollback) return e.outcome
    throw e
  }
}

interface State {
  readonly users: Map<string, number>
  readonly zones: Map<Fqdn, number>
  /** fqdn → id and owner id. */
  readonly hosts: Map<string, { id: number; ownerId: number }>
  readonly groups: Map<string, { id: number; ownerId: number }>
  readonly hashes: Set<string>
}

async function loadState(trx: Transaction<Database>, served: readonly Fqdn[]): Promise<State> {
  const users = await trx.selectFrom('users').select(['id', 'name']).execute()
  const zones = await trx.selectFrom('zones').select(['id', 'name']).execute()
  const servedZones = zones.filter((z) => served.includes(z.name as Fqdn))
  const zoneName = new Map(zones.map((z) => [z.id, z.name]))
  const hosts = await trx
    .selectFrom('hosts')
    .select(['id', 'zone_id', 'label', 'owner_id'])
    .execute()
  const groups = await trx.selectFrom('prefix_groups').select(['id', 'name', 'owner_id']).execute()
  const tokens = await trx.selectFrom('tokens').select('hash').execute()
  const fqdn = (label: string, zone: string): string => (label === '@' ? zone : `${label}.${zone}`)
  return {
    users: new Map(users.map((u) => [u.name, u.id])),
    zones: new Map(servedZones.map((z) => [z.name as Fqdn, z.id])),
    hosts: new Map(
      hosts.map((h) => [
        fqdn(h.label, zoneName.get(h.zone_id) ?? ''),
        { id: h.id, ownerId: h.owner_id },
      ]),
    ),
    groups: new Map(groups.map((g) => [g.name, { id: g.id, ownerId: g.owner_id }])),
    hashes: new Set(tokens.map((t) => t.hash)),
  }
}

function check(plan: ImportPlan, s: State): string[] {
  const errors: string[] = []
  const users = new Set<string>()
  for (const u of plan.users) {
    if (s.users.has(u.name) || users.has(u.name))
      errors.push(`${u.where}: user "${u.name}" already exists`)
    users.add(u.name)
  }
  const owner = (where: string, name: string): void => {
    if (!s.users.has(name) && !users.has(name)) errors.push(`${where}: user "${name}" not found`)
  }
  const groups = new Map<string, string>()
  for (const g of plan.groups) {
    owner(g.where, g.owner)
    if (s.groups.has(g.name) || groups.has(g.name))
      errors.push(`${g.where}: group "${g.name}" already exists`)
    groups.set(g.name, g.owner)
  }
  const hosts = new Map<string, string>()
  for (const h of plan.hosts) {
    owner(h.where, h.owner)
    if (findZone(h.fqdn, s.zones.keys()) === undefined)
      errors.push(
        `${h.where}: "${h.fqdn}" is in none of the served zones (${[...s.zones.keys()].join(', ') || 'none'})`,
      )
    const existing = s.hosts.get(h.fqdn)
    if (hosts.has(h.fqdn)) errors.push(`${h.where}: host "${h.fqdn}" is listed twice`)
    else if (existing !== undefined && !(h.ensure && existing.ownerId === s.users.get(h.owner)))
      errors.push(
        `${h.where}: host "${h.fqdn}" already exists${h.ensure ? ' and belongs to another user' : ''}`,
      )
    hosts.set(h.fqdn, h.owner)
    if (h.group !== null && (groups.get(h.group.name) ?? groupOwner(s, h.group.name)) !== h.owner)
      errors.push(`${h.where}: group "${h.group.name}" not found among ${h.owner}'s groups`)
  }
  errors.push(...ownershipErrors(plan, s))
  const hashes = new Set<string>()
  for (const t of plan.tokens) {
    owner(t.where, t.owner)
    if (hashes.has(t.hash) || (s.hashes.has(t.hash) && !t.ensure))
      errors.push(`${t.where}: this token already exists`)
    hashes.add(t.hash)
    if (t.scope === 'api' && (t.hosts.length > 0 || t.recordTypes !== null))
      errors.push(`${t.where}: an api token cannot be limited to hosts or types`)
    for (const fqdn of t.hosts) {
      const planned = hosts.get(fqdn)
      const existing = s.hosts.get(fqdn)
      const ok =
        planned === t.owner || (existing !== undefined && existing.ownerId === s.users.get(t.owner))
      if (!ok) errors.push(`${t.where}: host "${fqdn}" is not one of ${t.owner}'s hosts`)
    }
  }
  return errors
}

// No host on another user's branch of the name tree, against the database and the rest of
// the plan (core/accounts/name-ownership.ts).
function ownershipErrors(plan: ImportPlan, s: State): string[] {
  const zones = [...s.zones.keys()]
  const names = new Map([...s.users].map(([name, id]) => [id, name]))
  const index = new ClaimIndex()
  const add = (fqdn: string, owner: string | undefined): void => {
    const zone = findZone(fqdn as Fqdn, zones)
    if (zone !== undefined && owner !== undefined) index.add({ fqdn: fqdn as Fqdn, zone, owner })
  }
  for (const [fqdn, h] of s.hosts) add(fqdn, names.get(h.ownerId))
  const fresh = plan.hosts.filter((h) => !s.hosts.has(h.fqdn))
  for (const h of fresh) add(h.fqdn, h.owner)
  const errors: string[] = []
  for (const h of fresh) {
    const zone = findZone(h.fqdn, zones)
    const other = zone === undefined ? undefined : index.conflict(h.fqdn, zone, h.owner)
    if (other !== undefined) errors.push(`${h.where}: ${conflictMessage(h.fqdn, other)}`)
  }
  return errors
}

function groupOwner(s: State, name: string): string | undefined {
  const g = s.groups.get(name)
  if (g === undefined) return undefined
  return [...s.users].find(([, id]) => id === g.ownerId)?.[0]
}

async function write(
  trx: Transaction<Database>,
  plan: ImportPlan,
  s: State,
  o: ImportOptions,
): Promise<ImportSummary> {
  const at = o.now.toISOString()
  const total = plan.users.length + plan.groups.length + plan.hosts.length + plan.tokens.length
  let done = 0
  const step = (): void => {
    done += 1
    if (done % 1000 === 0) o.progress?.(done, total)
  }
  for (const u of plan.users) {
    const values = {
      name: u.name,
      email: u.email,
      password_hash: u.passwordHash,
      is_admin: u.admin ? 1 : 0,
      created_at: u.createdAt ?? at,
    }
    s.users.set(u.name, await insertId(trx, trx.insertInto('users').values(values)))
    step()
  }
  for (const g of plan.groups) {
    const values = {
      name: g.name,
      owner_id: s.users.get(g.owner) ?? 0,
      prefix_length: g.prefixLength,
      prefix: g.prefix,
      created_at: at,
    }
    const id = await insertId(trx, trx.insertInto('prefix_groups').values(values))
    s.groups.set(g.name, { id, ownerId: values.owner_id })
    step()
  }
  const touched = new Set<Fqdn>()
  let kept = 0
  let records = 0
  for (const h of plan.hosts) {
    if (s.hosts.has(h.fqdn)) kept += 1
    else records += await writeHost(trx, h, s, at, touched)
    step()
  }
  let tokensKept = 0
  for (const t of plan.tokens) {
    if (s.hashes.has(t.hash)) {
      tokensKept += 1
      step()
      continue
    }
    const ids = t.hosts.map((f) => s.hosts.get(f)?.id ?? 0)
    const values = {
      owner_id: s.users.get(t.owner) ?? 0,
      hash: t.hash,
      label: t.label,
      host_id: ids.length === 1 ? (ids[0] ?? null) : null,
      expires_at: t.expiresAt,
      created_at: at,
      scope: t.scope,
      host_limited: ids.length > 1 ? 1 : 0,
      record_types: t.recordTypes,
      source_cidrs: t.sourceCidrs,
      low_entropy: t.lowEntropy ? 1 : 0,
    }
    const id = await insertId(trx, trx.insertInto('tokens').values(values))
    if (ids.length > 1)
      for (const hostId of new Set(ids))
        await trx.insertInto('token_hosts').values({ token_id: id, host_id: hostId }).execute()
    step()
  }
  for (const zone of touched) await bumpSerial(trx, zone, at)
  if (total >= 1000 && done % 1000 !== 0) o.progress?.(done, total)
  return {
    users: plan.users.length,
    groups: plan.groups.length,
    hosts: plan.hosts.length - kept,
    hostsKept: kept,
    records,
    tokens: plan.tokens.length - tokensKept,
    tokensKept,
  }
}

async function writeHost(
  trx: Transaction<Database>,
  h: PlanHost,
  s: State,
  at: string,
  touched: Set<Fqdn>,
): Promise<number> {
  const zone = findZone(h.fqdn, s.zones.keys()) as Fqdn
  const ownerId = s.users.get(h.owner) ?? 0
  const values = {
    zone_id: s.zones.get(zone) ?? 0,
    label: relativeLabel(h.fqdn, zone),
    owner_id: ownerId,
    dns_ttl: h.dnsTtl,
    expiry_ttl: h.expiryTtl,
    created_at: at,
    lan_ipv4: h.lanIpv4,
    lan_ipv6: h.lanIpv6,
  }
  const id = await insertId(trx, trx.insertInto('hosts').values(values))
  s.hosts.set(h.fqdn, { id, ownerId })
  if (h.group !== null) {
    const group = s.groups.get(h.group.name)
    await trx
      .insertInto('prefix_group_members')
      .values({ host_id: id, group_id: group?.id ?? 0, iid: h.group.iid })
      .execute()
  }
  for (const r of h.records)
    await trx
      .insertInto('records')
      .values({ host_id: id, type: r.type, value: r.value, updated_at: at })
      .execute()
  if (h.records.length > 0) touched.add(zone)
  return h.records.length
}
