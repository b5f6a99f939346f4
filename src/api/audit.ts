/**
 * `/audit` (admin): the audit trail, newest first, paged by event id, with the same filters
 * as `dynzone audit`.
 */
import { z } from 'zod'
import { ok } from '../core/result.ts'
import { requireAdmin, type ApiDeps } from './deps.ts'
import { decodeCursor, encodeCursor, pageQuery } from './pagination.ts'
import { defineRoute, type ApiRoute } from './route.ts'
import { auditEvent, pageOfSchema } from './schemas.ts'

const auditQuery = pageQuery.extend({
  actor: z.string().max(220).optional(),
  action: z.string().max(200).optional(),
  result: z.enum(['ok', 'denied', 'refused', 'error']).optional(),
  source: z.string().max(64).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
})

/** The audit routes. */
export function auditRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/audit',
      summary: 'List audit events, newest first: logins, admin changes, API writes, tokens (admin)',
      tag: 'audit',
      query: auditQuery,
      status: 200,
      response: pageOfSchema(auditEvent),
      errors: ['forbidden', 'invalid_cursor'],
      handler: async ({ caller, query }) => {
        const admin = requireAdmin(caller)
        if (!admin.ok) return admin
        const cursor = decodeCursor(query.cursor)
        if (!cursor.ok) return cursor
        const before = cursor.value === undefined ? undefined : Number(cursor.value)
        const rows = await deps.auditLog.list({
          limit: query.limit + 1,
          ...(before === undefined || !Number.isSafeInteger(before) ? {} : { before }),
          ...(query.actor === undefined ? {} : { actor: query.actor }),
          ...(query.action === undefined ? {} : { action: query.action }),
          ...(query.result === undefined ? {} : { result: query.result }),
          ...(query.source === undefined ? {} : { source: query.source }),
          ...(query.since === undefined ? {} : { since: new Date(query.since).toISOString() }),
        })
        const items = rows.slice(0, query.limit)
        const last = items.at(-1)
        const next =
          rows.length > query.limit && last !== undefined ? encodeCursor(String(last.id)) : null
        return ok({ items, next })
      },
    }),
  ]
}
