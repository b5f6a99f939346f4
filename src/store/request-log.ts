/**
 * The router inspector's log (`update_requests`, migration 0017), written behind like the
 * last-seen marks (seen-marks.ts): a request only adds its redacted traces to a list in
 * memory; every `flushMs` they are written together in one transaction, and each host they
 * name is cut back to its newest `INSPECTOR_PER_HOST` rows, every row past `INSPECTOR_DAYS`
 * goes. The list is bounded (`MAX_PENDING`, the oldest go first when a flood outruns the
 * flush), so memory is too. Reads write what is waiting first. Names of hosts that do not
 * exist are dropped when written. Best effort: a failed write is logged, not retried, as a
 * lost trace costs nothing but a line on the host page.
 */
import type { Kysely } from 'kysely'
import { findZone, parseName, relativeLabel, type Fqdn } from '../core/names.ts'
import {
  INSPECTOR_DAYS,
  INSPECTOR_PER_HOST,
  type RequestReads,
  type RequestTrace,
  type RequestTraceLog,
  type StoredRequest,
} from '../core/update/request-trace.ts'
import type { Database } from './schema.ts'

/** How many traces wait in memory at most. */
export const MAX_PENDING = 2000

/** The buffered SQL log of requests per host. */
export class RequestLog implements RequestTraceLog, RequestReads {
  readonly #db: Kysely<Database>
  readonly #onError: (e: unknown) => void
  readonly #now: () => Date
  #pending: RequestTrace[] = []
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> = Promise.resolve()

  constructor(db: Kysely<Database>, onError: (e: unknown) => void, now: () => Date) {
    this.#db = db
    this.#onError = onError
    this.#now = now
  }

  /** How many traces wait to be written. */
  get pending(): number {
    return this.#pending.length
  }

  note(traces: readonly RequestTrace[]): void {
    if (traces.length === 0) return
    this.#pending.push(...traces)
    const over = this.#pending.length - MAX_PENDING
    if (over > 0) this.#pending.splice(0, over)
  }

  /** Flushes every `ms` until `stop`. */
  start(ms: number): void {
    this.#timer = setInterval(() => {
      void this.flush()
    }, ms)
    this.#timer.unref()
  }

  /** Stops the timer and writes what is waiting. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.flush()
  }

  /** Writes what is waiting, one flush at a time; errors go to `onError`. */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#write()).catch(this.#onError)
    this.#flushing = run
    return run
  }

  async recent(hostId: number, limit: number): Promise<StoredRequest[]> {
    await this.flush()
    const rows = await this.#db
      .selectFrom('update_requests')
      .selectAll()
      .where('host_id', '=', hostId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(limit, INSPECTOR_PER_HOST))
      .execute()
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      dialect: r.dialect,
      clientIp: r.client_ip,
      method: r.method,
      path: r.path,
      params: JSON.parse(r.params) as Record<string, string>,
      credentials: r.credentials,
      userAgent: r.user_agent,
      taken: JSON.parse(r.taken) as StoredRequest['taken'],
      result: r.result,
      reply: r.reply,
      reason: r.reason,
    }))
  }

  async #write(): Promise<void> {
    if (this.#pending.length === 0) return
    const batch = this.#pending
    this.#pending = []
    const ids = await this.#hostIds(batch)
    const rows = batch.flatMap((t) => {
      const hostId = 'id' in t.host ? t.host.id : ids.get(t.host.fqdn)
      return hostId === undefined ? [] : [rowOf(hostId, t)]
    })
    const hosts = [...new Set(rows.map((r) => r.host_id))]
    const cutoff = new Date(this.#now().getTime() - INSPECTOR_DAYS * 86_400_000).toISOString()
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 100) {
        await trx
          .insertInto('update_requests')
          .values(rows.slice(i, i + 100))
          .execute()
      }
      for (const hostId of hosts) {
        const old = await trx
          .selectFrom('update_requests')
          .select('id')
          .where('host_id', '=', hostId)
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .offset(INSPECTOR_PER_HOST)
          .limit(1000)
          .execute()
        if (old.length > 0) {
          const gone = old.map((r) => r.id)
          await trx.deleteFrom('update_requests').where('id', 'in', gone).execute()
        }
      }
      await trx.deleteFrom('update_requests').where('at', '<', cutoff).execute()
    })
  }

  // The host id of every name in the batch that names an existing host.
  async #hostIds(batch: readonly RequestTrace[]): Promise<Map<string, number>> {
    const names = new Set(batch.flatMap((t) => ('fqdn' in t.host ? [t.host.fqdn] : [])))
    const out = new Map<string, number>()
    if (names.size === 0) return out
    const zones = await this.#db.selectFrom('zones').select(['id', 'name']).execute()
    const zoneNames = zones.map((z) => z.name as Fqdn)
    for (const text of names) {
      const name = parseName(text)
      if (!name.ok) continue
      const zone = findZone(name.value, zoneNames)
      const zoneId = zones.find((z) => z.name === zone)?.id
      if (zone === undefined || zoneId === undefined) continue
      const row = await this.#db
        .selectFrom('hosts')
        .select('id')
        .where('zone_id', '=', zoneId)
        .where('label', '=', relativeLabel(name.value, zone))
        .executeTakeFirst()
      if (row !== undefined) out.set(text, row.id)
    }
    return out
  }
}

function rowOf(hostId: number, t: RequestTrace) {
  return {
    host_id: hostId,
    at: t.at,
    dialect: t.dialect,
    client_ip: t.clientIp.slice(0, 45),
    method: t.method.slice(0, 8),
    path: t.path,
    params: JSON.stringify(t.params),
    credentials: t.credentials.slice(0, 100),
    user_agent: t.userAgent,
    taken: JSON.stringify(t.taken),
    result: t.result.slice(0, 32),
    reply: t.reply.slice(0, 300),
    reason: t.reason,
  }
}
