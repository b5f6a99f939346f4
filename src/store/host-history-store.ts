/**
 * A host's update history: accepted changes and refused updates (with their reason) merged in
 * time order, one page at a time (keyset on time, kind and row id, newest first), for the CLI,
 * the REST API and the web UI alike; and each host's last attempt for host listings.
 */
import type { ExpressionBuilder, Kysely } from 'kysely'
import type { HistoryItem, HistoryMark, HostEvent } from '../core/accounts/account-store.ts'
import type { Database } from './schema.ts'

/** A host's last update attempt: when, from where, by which client, and its result. */
export interface LastAttempt {
  readonly at: string | null
  readonly clientIp: string | null
  readonly dialect: string | null
  /** A newer failure's code, else `good` (it changed something) or `nochg`. */
  readonly result: string | null
}

/** What a host row says about its last accepted update. */
export interface LastSeen {
  readonly id: number
  readonly last_seen_at: string | null
  readonly last_client_ip: string | null
  readonly last_dialect: string | null
}

export type { HistoryItem, HistoryMark, HostEvent } from '../core/accounts/account-store.ts'

// Newest first by time; at the same instant a change before a refusal, then by row id.
const rank = (refused: boolean): number => (refused ? 0 : 1)

function older(a: HistoryItem, b: HistoryItem): number {
  return b.at.localeCompare(a.at) || rank(b.refused) - rank(a.refused) || b.id - a.id
}

/**
 * Up to `limit` entries of a host's history, changes and refused updates merged in time order,
 * newest first, after `before` (keyset paging over both tables) if given.
 */
export async function historyPage(
  db: Kysely<Database>,
  hostId: number,
  limit: number,
  before?: HistoryMark,
): Promise<HistoryItem[]> {
  const changes = await db
    .selectFrom('update_history')
    .selectAll()
    .where('host_id', '=', hostId)
    .where((eb) => (before === undefined ? eb.and([]) : eb.or(afterMark(eb, before, false))))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  const refusals = await db
    .selectFrom('update_failures')
    .selectAll()
    .where('host_id', '=', hostId)
    .where((eb) => (before === undefined ? eb.and([]) : eb.or(afterMark(eb, before, true))))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  const items: HistoryItem[] = [
    ...changes.map((r) => ({
      id: r.id,
      ...event(r),
      refused: false,
      reason: null,
      oldValue: r.old_value,
      newValue: r.new_value,
    })),
    ...refusals.map((r) => ({
      id: r.id,
      ...event(r),
      refused: true,
      reason: r.message,
      oldValue: null,
      newValue: null,
    })),
  ]
  return items.sort(older).slice(0, limit)
}

// The rows of one table (`refused` says which) that sort after the mark, as OR-ed conditions.
function afterMark(
  eb: ExpressionBuilder<Database, 'update_history' | 'update_failures'>,
  mark: HistoryMark,
  refused: boolean,
) {
  const mine = rank(refused)
  const theirs = rank(mark.refused)
  if (mine < theirs) return [eb('at', '<=', mark.at)]
  if (mine > theirs) return [eb('at', '<', mark.at)]
  return [eb('at', '<', mark.at), eb.and([eb('at', '=', mark.at), eb('id', '<', mark.id)])]
}

/** A host's latest changes and refused updates, newest first, as the web page shows them. */
export async function hostEvents(
  db: Kysely<Database>,
  hostId: number,
  limit: number,
): Promise<HostEvent[]> {
  return (await historyPage(db, hostId, limit)).map((i) => ({
    at: i.at,
    dialect: i.dialect,
    clientIp: i.clientIp,
    actor: i.actor,
    result: i.result,
    oldValue: i.oldValue ?? '-',
    newValue: i.refused ? (i.reason ?? '') : (i.newValue ?? ''),
  }))
}

/**
 * The last attempt of each host: a failure newer than the last accepted update, else the last
 * accepted one, `good` when it changed something, else `nochg`.
 */
export async function lastAttempts(
  db: Kysely<Database>,
  hosts: readonly LastSeen[],
): Promise<Map<number, LastAttempt>> {
  const ids = hosts.map((h) => h.id)
  const latest = await latestRows(db, 'update_history', ids)
  const failed = await latestRows(db, 'update_failures', ids)
  const last = (h: LastSeen): LastAttempt => {
    const f = failed.get(h.id)
    if (f !== undefined && (h.last_seen_at === null || f.at > h.last_seen_at))
      return { at: f.at, clientIp: f.client_ip, dialect: f.dialect, result: f.result }
    if (h.last_seen_at === null) return { at: null, clientIp: null, dialect: null, result: null }
    const c = latest.get(h.id)
    const result = c !== undefined && c.at === h.last_seen_at ? c.result : 'nochg'
    return { at: h.last_seen_at, clientIp: h.last_client_ip, dialect: h.last_dialect, result }
  }
  return new Map(hosts.map((h) => [h.id, last(h)]))
}

function event(r: {
  at: string
  dialect: string
  client_ip: string
  actor: string
  result: string
}) {
  return { at: r.at, dialect: r.dialect, clientIp: r.client_ip, actor: r.actor, result: r.result }
}

interface LatestRow {
  host_id: number
  at: string
  result: string
  client_ip: string
  dialect: string
}

// The newest row per host of a table (by id: rows are written in time order).
async function latestRows(
  db: Kysely<Database>,
  table: 'update_history' | 'update_failures',
  hostIds: readonly number[],
): Promise<Map<number, LatestRow>> {
  if (hostIds.length === 0) return new Map()
  const ids = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max<number | string>('id').as('id'))
    .where('host_id', 'in', hostIds)
    .groupBy('host_id')
    .execute()
  const wanted = ids.map((r) => Number(r.id))
  if (wanted.length === 0) return new Map()
  const rows: LatestRow[] = await db
    .selectFrom(table)
    .select(['host_id', 'at', 'result', 'client_ip', 'dialect'])
    .where('id', 'in', wanted)
    .execute()
  return new Map(rows.map((r) => [r.host_id, r]))
}
