/**
 * The audit trail in the database (`audit_events`, migration 0019): rows written one by one
 * as events happen, read newest first with filters, pruned past the retention time.
 */
import type { Kysely } from 'kysely'
import type { AuditEvent, AuditFilter, AuditResult, StoredAuditEvent } from '../core/audit.ts'
import type { Database } from './schema.ts'

export type { AuditFilter, StoredAuditEvent } from '../core/audit.ts'

/** Writes one event. */
export async function writeAudit(db: Kysely<Database>, at: Date, e: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      at: at.toISOString(),
      action: e.action.slice(0, 200),
      result: e.result,
      status: e.status,
      actor: e.actor?.slice(0, 220) ?? null,
      source: e.source?.slice(0, 64) ?? null,
      target: e.target?.slice(0, 300) ?? null,
    })
    .execute()
}

/** Events newest first. */
export async function listAudit(db: Kysely<Database>, f: AuditFilter): Promise<StoredAuditEvent[]> {
  let q = db.selectFrom('audit_events').selectAll()
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor)
  if (f.action !== undefined) q = q.where('action', '=', f.action)
  if (f.result !== undefined) q = q.where('result', '=', f.result)
  if (f.source !== undefined) q = q.where('source', '=', f.source)
  if (f.since !== undefined) q = q.where('at', '>=', f.since)
  if (f.before !== undefined) q = q.where('id', '<', f.before)
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute()
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    result: r.result as AuditResult,
    status: r.status,
    actor: r.actor,
    source: r.source,
    target: r.target,
  }))
}

/** Deletes events older than `before`; returns how many. */
export async function pruneAudit(db: Kysely<Database>, before: Date): Promise<number> {
  const r = await db
    .deleteFrom('audit_events')
    .where('at', '<', before.toISOString())
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
