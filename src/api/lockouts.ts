/**
 * `/lockouts` (admin): the (credential, source) pairs with recent bad-credential failures,
 * locked ones first, and lifting one so its owner can update again before the lock ends.
 */
import { err, ok } from '../core/result.ts'
import { requireAdmin, type ApiDeps } from './deps.ts'
import { apiError } from './errors.ts'
import { numericKey, pageOf, pageQuery } from './pagination.ts'
import { defineRoute, type ApiRoute } from './route.ts'
import { idParams, lockout, pageOfSchema } from './schemas.ts'
import { z } from 'zod'

const listQuery = pageQuery.extend({ locked: z.enum(['true', 'false']).optional() })

/** The lockout routes. */
export function lockoutRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/lockouts',
      summary: 'List failure counts and locks per credential and source (admin)',
      tag: 'lockouts',
      query: listQuery,
      status: 200,
      response: pageOfSchema(lockout),
      errors: ['forbidden', 'invalid_cursor'],
      handler: async ({ caller, query }) => {
        const admin = requireAdmin(caller)
        if (!admin.ok) return admin
        const items = await deps.lockouts.list(query.locked === 'true')
        return pageOf(items, (l) => numericKey(l.id), query)
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/lockouts/{id}',
      summary: 'Lift a lock and forget its failures (admin)',
      tag: 'lockouts',
      params: idParams,
      status: 204,
      response: null,
      errors: ['forbidden', 'lockout_not_found'],
      handler: async ({ caller, params }) => {
        const admin = requireAdmin(caller)
        if (!admin.ok) return admin
        const removed = await deps.lockouts.remove(params.id)
        if (!removed.ok) return err(apiError('lockout_not_found', removed.error.message))
        return ok(null)
      },
    }),
  ]
}
