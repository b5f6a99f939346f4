/**
 * A host's update history for the host-administration store: accepted changes one page at a
 * time (keyset on the row id, newest first) for the CLI and the REST API, changes merged with
 * failed attempts for the web UI, and each host's last attempt for host listings.
 */
import type { Kysely } from 'kysely'
import type { HistoryEntry } from '../core/ports.ts'
import type { Database } from './schema.ts'

/** One history or failure row of a host. */
export type HostEvent = Omit<HistoryEntry, 'hostId'> & { readonly at: string }

/** One accepted change, with its row id (the paging key). */
export type HistoryRow = HostEvent & { readonly id: number }

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

/** Up to `limit` history rows of a host, newest first, older than row `beforeId` if given. */
export async function historyPage(
  db: Kysely<Database>,
  hostId: number,
  limit: number,
  beforeId?: number,
): Promise<HistoryRow[]> {
  let q = db
    .selectFrom('update_history')
    .selectAll()
    .where('host_id', '=', hostId)
    .orderBy('id', 'desc')
    .limit(limit)
  if (beforeId !== undefined) q = q.where('id', '<', beforeId)
  const rows = await q.execute()
  return rows.map((r) => ({
    id: r.id,
    ...event(r),
    oldValue: r.old_value,
    newValue: r.new_value,
  }))
}

/** A host's latest changes and failed updates, newest first. */
export async function hostEvents(
  db: Kysely<Database>,
  hostId: number,
  limit: number,
): Promise<HostEvent[]> {
  const changes = await historyPage(db, hostId, limit)
  const failures = await db
    .selectFrom('update_failures')
    .select(['at', 'dialect', 'client_ip', 'actor', 'result', 'message'])
    .where('host_id', '=', hostId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  const rows: HostEvent[] = [
    ...changes.map(({ id: _id, ...change }) => change),
    ...failures.map((r) => ({ ...event(r), oldValue: '-', newValue: r.message })),
  ]
  return rows.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit)
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
